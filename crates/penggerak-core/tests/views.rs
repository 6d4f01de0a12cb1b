//! What the screens show, read from the store after a real sync, and what the user does through
//! `Engine::act`: the home screen of a teacher, the performance screen through a submit, and the
//! principal's approvals — each device talking to the real reference server.

use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, TestServer};
use penggerak_types::ipc::{Action, DeadlineKind, News};
use penggerak_types::kinerja::PlanStatus;
use penggerak_types::pkb::PkbStatus;
use penggerak_types::{ErrorCode, RecordKind};
use std::sync::Arc;

async fn signed_in(dir: &std::path::Path, server: &TestServer, identifier: &str) -> Engine {
    let session = Engine::open(dir, Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
    session.sign_in(demo_sign_in(identifier, &server.base_url())).await.unwrap();
    assert_eq!(session.sync_now().await.unwrap().waiting, 0);
    session
}

#[tokio::test]
async fn the_home_screen_shows_where_the_teacher_stands_and_what_comes_next() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let today = siti.today().await.unwrap();
    let home = siti.home().await.unwrap();
    assert_eq!(home.profile.id, "guru-siti");
    let step = home.programme.expect("Siti is in a programme");
    assert!(!step.programme.is_empty() && !step.stage.is_empty() && !step.cohort.is_empty(), "{step:?}");
    let items: Vec<penggerak_types::pkb::PkbItem> = siti.store().all(RecordKind::PkbItem).await.unwrap();
    let done: u32 = items.iter().filter(|i| i.status == PkbStatus::Selesai).map(|i| i.jp).sum();
    assert_eq!((home.jp_done, home.jp_target), (done, 32), "JP from the plan on the device");
    assert_eq!(home.kinerja_status, Some(PlanStatus::Draf));
    assert!(!home.deadlines.is_empty() && home.deadlines.len() <= 5, "{:?}", home.deadlines);
    assert!(home.deadlines.iter().all(|d| d.date >= today), "only dates ahead: {:?}", home.deadlines);
    assert!(home.deadlines.windows(2).all(|w| w[0].date <= w[1].date), "soonest first");
    // The current cycle stage's end is among them unless five nearer dates crowd it out.
    let kinerja_end = home.deadlines.iter().any(|d| d.kind == DeadlineKind::Kinerja);
    assert!(kinerja_end || home.deadlines.len() == 5, "{:?}", home.deadlines);
    // An event leads to its community's page: it names a community Siti is in; nothing else names one.
    let memberships: Vec<penggerak_types::api::Membership> =
        siti.store().all(RecordKind::Membership).await.unwrap();
    for d in &home.deadlines {
        match (&d.kind, &d.community) {
            (DeadlineKind::Event, Some(c)) => {
                assert!(
                    memberships.iter().any(|m| &m.community_id == c && m.user_id == "guru-siti"),
                    "{d:?}: her community"
                );
                // Named, and at its time: communities hold events of one title, and a list of titles alone
                // read as one event repeated.
                let community: penggerak_types::api::Community =
                    siti.store().record(RecordKind::Community, c).await.unwrap().unwrap().parse().unwrap();
                assert_eq!(d.community_name.as_deref(), Some(community.name.as_str()), "{d:?}");
                let at = d.starts_at.as_deref().unwrap_or_else(|| panic!("{d:?}: an event without its time"));
                let events: Vec<penggerak_types::api::CommunityEventRecord> =
                    siti.store().all(RecordKind::CommunityEvent).await.unwrap();
                assert!(
                    events
                        .iter()
                        .any(|e| &e.community_id == c && e.event.title == d.title && e.event.starts_at == at),
                    "{d:?}: the start is that event's"
                );
            }
            (DeadlineKind::Event, None) => panic!("{d:?}: an event without its community"),
            (_, c) => {
                assert_eq!(c, &None, "{d:?}");
                assert_eq!((&d.community_name, &d.starts_at), (&None, &None), "{d:?}: a date, not a time");
            }
        }
    }
    assert!(home.deadlines.iter().any(|d| d.kind == DeadlineKind::Event), "the demo has events ahead");

    // With no network at all, the same screen comes from the store.
    drop(server);
    assert_eq!(siti.home().await.unwrap().profile.id, "guru-siti");
}

#[tokio::test]
async fn beranda_tells_the_principal_what_waits_for_him_and_follows_his_staff() {
    let server = TestServer::start();
    let (dt, dp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let siti = signed_in(dt.path(), &server, "3471765432100001").await;
    let head = signed_in(dp.path(), &server, "196805121990031004").await;
    assert_eq!(siti.home().await.unwrap().for_principal, None, "a teacher has no staff waiting on her");
    let before = head.home().await.unwrap().for_principal.expect("a principal's Beranda says what waits");
    assert!(before.data_problems >= 1, "Agus's records lack his NIP (the demo's data problem): {before:?}");
    assert!(before.not_submitted >= 1, "Siti's plan is still a draft: {before:?}");

    // She submits: one fewer not submitted, one more waiting for his approval.
    let plan = siti.kinerja().await.unwrap().plan.expect("Siti has a plan");
    siti.act(Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::PerluDisetujui, note: None })
        .await
        .unwrap();
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0);
    let waiting_before = head.home().await.unwrap().waiting_for_me;
    head.sync_now().await.unwrap();
    let home = head.home().await.unwrap();
    let after = home.for_principal.unwrap();
    assert_eq!(after.not_submitted, before.not_submitted - 1, "{after:?}");
    assert_eq!(home.waiting_for_me, waiting_before + 1);

    // He approves and schedules her observation in two days, and another in nine: this week's count
    // takes the first only, at once on his device.
    head.act(Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::Disetujui, note: None })
        .await
        .unwrap();
    let today = head.today().await.unwrap();
    let day = |n: usize| (0..n).fold(today.clone(), |d, _| penggerak_core::clock::date_after(&d).unwrap());
    let mut ids = Vec::new();
    for (n, class) in [(9, "Kelas IV B"), (2, "Kelas IV A")] {
        let new = penggerak_types::kinerja::NewObservation {
            id: uuid::Uuid::new_v4().to_string(),
            plan_id: plan.id.clone(),
            scheduled_at: format!("{}T08:00", day(n)),
            class_name: class.into(),
            focus: String::new(),
        };
        ids.push(new.id.clone());
        head.act(Action::ScheduleObservation { new }).await.unwrap();
    }
    let now = head.home().await.unwrap().for_principal.unwrap();
    assert_eq!(now.observations_this_week, after.observations_this_week + 1, "{now:?}");

    // What he records of an observation is kept as he types it, until he saves it: then it goes with it
    // (the follow-up he has not saved stays).
    use penggerak_types::ipc::{observation_follow_up_draft_key, observation_record_draft_key};
    let (record, follow_up) =
        (observation_record_draft_key(&ids[1]), observation_follow_up_draft_key(&ids[1]));
    head.save_draft(&record, "Murid aktif berdiskusi").await.unwrap();
    head.save_draft(&follow_up, "Coba kelompok kecil").await.unwrap();
    let patch = penggerak_types::kinerja::ObservationPatch {
        record: Some("Murid aktif berdiskusi.".into()),
        ..Default::default()
    };
    head.act(Action::EditObservation { id: ids[1].clone(), patch }).await.unwrap();
    assert_eq!(head.draft(&record).await.unwrap(), None, "the record went with the edit");
    assert!(head.draft(&follow_up).await.unwrap().is_some(), "the follow-up was not saved: still kept");
}

#[tokio::test]
async fn a_plan_submitted_on_the_phone_waits_for_the_principal_who_approves_it_on_his() {
    let server = TestServer::start();
    let (dt, dp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let siti = signed_in(dt.path(), &server, "3471765432100001").await;
    let head = signed_in(dp.path(), &server, "196805121990031004").await;

    let view = siti.kinerja().await.unwrap();
    let plan = view.plan.clone().expect("Siti has a plan");
    assert!(view.cycle.is_some_and(|c| c.id == plan.cycle_id));
    assert_eq!((plan.status, view.moves.clone()), (PlanStatus::Draf, vec![PlanStatus::PerluDisetujui]));

    // A move that is not hers is refused before anything is queued.
    let approve_own =
        Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::Disetujui, note: None };
    let e = siti.act(approve_own).await.unwrap_err();
    assert_eq!(e.to_api_error().code, ErrorCode::Validation);
    assert!(siti.store().outbox().await.unwrap().is_empty());

    siti.act(Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::PerluDisetujui, note: None })
        .await
        .unwrap();
    let view = siti.kinerja().await.unwrap();
    assert_eq!(view.plan.as_ref().unwrap().status, PlanStatus::PerluDisetujui, "shown at once");
    assert!(view.pending && view.moves.is_empty(), "waiting to sync, nothing more for her to do");
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0);
    assert!(!siti.kinerja().await.unwrap().pending);

    head.sync_now().await.unwrap();
    let waiting = head.approvals().await.unwrap();
    let hers = waiting.iter().find(|a| a.plan.id == plan.id).expect("the principal sees her plan waiting");
    assert_eq!(hers.owner_name, "Siti Rahayu, S.Pd.", "named from her person record");
    head.act(Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::Disetujui, note: None })
        .await
        .unwrap();
    assert_eq!(head.sync_now().await.unwrap().waiting, 0);
    assert!(!head.approvals().await.unwrap().iter().any(|a| a.plan.id == plan.id));
    siti.sync_now().await.unwrap();
    let plan = siti.kinerja().await.unwrap().plan.unwrap();
    assert_eq!(plan.status, PlanStatus::Disetujui);
    assert_eq!(
        plan.history.last().unwrap().by_id,
        "kepsek-bambang",
        "the server's history replaced the guess"
    );
}

#[tokio::test]
async fn communities_join_offline_shows_at_once_and_counts_once_synced() {
    let mut server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let today = siti.today().await.unwrap();
    let view = siti.communities().await.unwrap();
    assert!(view.communities.windows(2).all(|w| w[0].community.name <= w[1].community.name), "by name");
    assert!(view.communities.iter().any(|c| c.member), "Siti is in a demo community");
    assert!(
        view.communities
            .iter()
            .flat_map(|c| &c.events)
            .all(|e| e.event.starts_at.get(..10).unwrap() >= today.as_str()),
        "only events from today on"
    );
    let other = view.communities.iter().find(|c| !c.member).expect("a community she is not in").clone();

    // The server is down: the join shows at once, counted, marked waiting.
    server.stop();
    siti.act(Action::JoinCommunity { id: other.community.id.clone() }).await.unwrap();
    let view = siti.communities().await.unwrap();
    let now = view.communities.iter().find(|c| c.community.id == other.community.id).unwrap();
    assert!(now.member && now.pending, "a member at once, waiting to sync: {now:?}");
    assert_eq!(now.community.member_count, other.community.member_count + 1, "counted at once");

    // Back up: synced, no longer waiting, and the count is the server's (one more than before).
    server.restart();
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0);
    let view = siti.communities().await.unwrap();
    let now = view.communities.iter().find(|c| c.community.id == other.community.id).unwrap();
    assert!(now.member && !now.pending, "{now:?}");
    assert_eq!(now.community.member_count, other.community.member_count + 1, "the server counted her once");
}

#[tokio::test]
async fn saya_hadir_offline_shows_at_once_and_the_server_counts_it_once_synced() {
    use penggerak_core::CoreError;
    use penggerak_types::Reason;
    let mut server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let view = siti.communities().await.unwrap();
    // kom-02 (she is a member) met ten days ago; its lead said he was there.
    let kom = view.communities.iter().find(|c| c.community.id == "kom-02").unwrap().clone();
    assert!(kom.member);
    assert_eq!(kom.past.len(), 1, "the past meeting is listed while attendance can still be said: {kom:?}");
    let met = kom.past[0].clone();
    assert!(met.can_attend && !met.attended && !met.pending, "{met:?}");
    assert_eq!(met.event.attendee_count, 1);
    assert!(kom.events.iter().all(|e| !e.can_attend), "what has not begun cannot be attended yet");
    let refused = siti.act(Action::AttendEvent { id: kom.events[0].event.id.clone() }).await;
    assert!(
        matches!(refused, Err(CoreError::Refused(Reason::AttendanceNotYet))),
        "refused on the device, not queued: {refused:?}"
    );
    let stranger = view.communities.iter().find(|c| !c.member && !c.past.is_empty()).unwrap();
    assert!(!stranger.past[0].can_attend, "only members may say it");
    let refused = siti.act(Action::AttendEvent { id: stranger.past[0].event.id.clone() }).await;
    assert!(matches!(refused, Err(CoreError::Refused(Reason::MembersOnly))), "{refused:?}");

    // Offline: she was there; it shows at once, counted, waiting.
    server.stop();
    siti.act(Action::AttendEvent { id: met.event.id.clone() }).await.unwrap();
    let now = siti.communities().await.unwrap().communities.into_iter().find(|c| c.community.id == "kom-02");
    let now = now.unwrap().past[0].clone();
    assert!(now.attended && now.pending, "{now:?}");
    assert_eq!(now.event.attendee_count, 2, "counted at once");

    server.restart();
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0, "the outbox sent it");
    let now = siti.communities().await.unwrap().communities.into_iter().find(|c| c.community.id == "kom-02");
    let now = now.unwrap().past[0].clone();
    assert!(now.attended && !now.pending, "{now:?}");
    assert_eq!(now.event.attendee_count, 2, "the server's count: the lead and her, once");

    // Taken back (a wrong tap): gone, and the server's count goes back.
    siti.act(Action::UnattendEvent { id: met.event.id.clone() }).await.unwrap();
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0);
    let now = siti.communities().await.unwrap().communities.into_iter().find(|c| c.community.id == "kom-02");
    let now = now.unwrap().past[0].clone();
    assert!(!now.attended && !now.pending && now.event.attendee_count == 1, "{now:?}");
}

#[tokio::test]
async fn a_reflection_draft_is_kept_as_typed_and_goes_when_saved() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let view = siti.pkb().await.unwrap();
    assert_eq!(view.jp_target, 32);
    // A finished item, which already has a reflection: so clearing it is a real change.
    let item =
        view.items.iter().find(|v| !v.item.reflection.is_empty()).expect("a reflected item").item.clone();
    let key = penggerak_types::ipc::reflection_draft_key(&item.id);

    // Bounded: a key that is no key of the app, or more text than any box holds, is not kept (or looked for).
    let long = "k".repeat(penggerak_types::limits::DRAFT_KEY + 1);
    assert!(siti.save_draft(&long, "x").await.is_err(), "a key over the bound is refused");
    assert!(siti.draft(&long).await.is_err(), "and not looked for");
    let huge = "a".repeat(penggerak_types::limits::DRAFT_TEXT + 1);
    assert!(siti.save_draft(&key, &huge).await.is_err(), "more text than any box holds is refused");
    assert_eq!(siti.draft(&key).await.unwrap(), None, "and nothing was kept");

    siti.store().save_draft(&key, "Setengah jadi").await.unwrap();
    siti.store().save_draft(&key, "Setengah jadi, lalu selesai.").await.unwrap();
    // The app is closed and opened again: the draft is still there.
    drop(siti);
    let siti = Engine::open(dir.path(), Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
    let view = siti.pkb().await.unwrap();
    let v = view.items.iter().find(|v| v.item.id == item.id).unwrap();
    assert_eq!(v.draft.as_deref(), Some("Setengah jadi, lalu selesai."), "the newest text survived");

    // Clearing the box is an edit too: an empty draft is kept, not mistaken for "no draft".
    siti.store().save_draft(&key, "").await.unwrap();
    let view = siti.pkb().await.unwrap();
    let v = view.items.iter().find(|v| v.item.id == item.id).unwrap();
    assert_eq!(v.draft.as_deref(), Some(""), "a cleared reflection survives as a cleared draft");
    siti.store().save_draft(&key, "Setengah jadi, lalu selesai.").await.unwrap();

    let patch = penggerak_types::pkb::PkbItemPatch {
        reflection: Some("Setengah jadi, lalu selesai.".into()),
        ..Default::default()
    };
    siti.act(Action::EditPkbItem { id: item.id.clone(), patch }).await.unwrap();
    assert_eq!(siti.store().draft(&key).await.unwrap(), None, "saved for real: the draft is gone");
    let view = siti.pkb().await.unwrap();
    let v = view.items.iter().find(|v| v.item.id == item.id).unwrap();
    assert!(v.pending && v.draft.is_none() && v.item.reflection == "Setengah jadi, lalu selesai.", "{v:?}");
}

#[tokio::test]
async fn drafts_are_bounded_in_number_and_in_bytes_and_a_box_can_always_be_cleared() {
    use penggerak_types::limits::{DRAFTS, DRAFTS_BYTES, DRAFT_TEXT};
    use penggerak_types::Reason;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let full = |e: penggerak_core::CoreError| match e {
        penggerak_core::CoreError::Refused(r @ Reason::DraftsFull { .. }) => r,
        other => panic!("refused as drafts full, not {other:?}"),
    };
    let key = |n: usize| format!("reflection:bound-{n}");

    // As many as the bound, each a few words: all kept.
    for n in 0..DRAFTS {
        siti.save_draft(&key(n), "Sedikit teks").await.unwrap();
    }
    assert_eq!(siti.store().draft_count().await.unwrap(), DRAFTS as u32);
    // One more key is refused, with the bound as data (the page says why), and nothing is kept under it.
    let r = full(siti.save_draft(&key(DRAFTS), "Satu lagi").await.unwrap_err());
    assert_eq!(r, Reason::DraftsFull { count: DRAFTS as u32, max_mb: (DRAFTS_BYTES / 1_000_000) as u32 });
    assert_eq!(siti.draft(&key(DRAFTS)).await.unwrap(), None, "the refused key holds nothing");
    assert_eq!(siti.store().draft_count().await.unwrap(), DRAFTS as u32, "and the count did not move");
    // A kept draft is still edited freely, longer too (its key is counted already), and cleared.
    siti.save_draft(&key(7), "Sedikit teks, lalu lebih panjang").await.unwrap();
    siti.save_draft(&key(8), "").await.unwrap();
    assert_eq!(siti.draft(&key(7)).await.unwrap().as_deref(), Some("Sedikit teks, lalu lebih panjang"));
    // One let go makes room for one more.
    siti.store().discard_draft(&key(0)).await.unwrap();
    siti.save_draft(&key(DRAFTS), "Satu lagi").await.unwrap();
    assert_eq!(siti.draft(&key(DRAFTS)).await.unwrap().as_deref(), Some("Satu lagi"));
    for n in 1..=DRAFTS {
        siti.store().discard_draft(&key(n)).await.unwrap();
    }
    assert_eq!(siti.store().draft_count().await.unwrap(), 0);

    // In bytes: drafts as large as a box holds, until together they reach the bound.
    let big = "a".repeat(DRAFT_TEXT);
    let fit = DRAFTS_BYTES / DRAFT_TEXT;
    for n in 0..fit {
        siti.save_draft(&key(n), &big).await.unwrap();
    }
    // A new draft of a few bytes would cross it: refused; an empty one is only a key, kept.
    full(siti.save_draft(&key(fit), "x").await.unwrap_err());
    siti.save_draft(&key(fit), "").await.unwrap();
    // One shrunk to 10 bytes leaves room for all but 10 bytes of a box: a draft may grow to exactly that.
    siti.save_draft(&key(0), &big[..10]).await.unwrap();
    full(siti.save_draft(&key(fit), &big[..DRAFT_TEXT - 9]).await.unwrap_err());
    siti.save_draft(&key(fit), &big[..DRAFT_TEXT - 10]).await.unwrap();
    // Shrinking is always kept, whatever the others hold.
    siti.save_draft(&key(1), "pendek").await.unwrap();
    assert_eq!(siti.draft(&key(1)).await.unwrap().as_deref(), Some("pendek"));
    assert_eq!(
        siti.draft(&key(fit)).await.unwrap().map(|t| t.len()),
        Some(DRAFT_TEXT - 10),
        "what fit was kept whole"
    );
}

#[tokio::test]
async fn the_programme_timeline_has_every_stage_with_dates_and_results() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let view = siti.programmes().await.unwrap();
    let gp = view.programmes.iter().find(|p| p.programme.contains("Guru Penggerak")).expect("Siti is in GP");
    assert!(gp.cohort.starts_with("Angkatan"), "{}", gp.cohort);
    assert_eq!(gp.stages.iter().filter(|s| s.current).count(), 1, "exactly one stage is hers now");
    let modules: Vec<&str> =
        gp.stages.iter().flat_map(|s| &s.items).filter(|i| i.steps == 7).map(|i| i.code.as_str()).collect();
    assert!(modules.contains(&"Modul 1.1") && modules.contains(&"Modul 3.3"), "modules 1.1–3.3: {modules:?}");
    assert!(gp.stages.iter().all(|s| s.starts.is_some() && s.ends.is_some()), "dates from the cohort");
    assert!(gp.stages.iter().flat_map(|s| &s.items).all(|i| i.done <= i.steps));
}

fn day_before(date: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, &fmt).unwrap().previous_day().unwrap().format(&fmt).unwrap()
}

#[tokio::test]
async fn reminders_come_the_day_before_and_on_the_day_once_each_and_not_when_turned_off() {
    use penggerak_core::testing::all_deadlines;
    use penggerak_types::ipc::{Language, Preferences, PreferencesChange};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut siti = signed_in(dir.path(), &server, "3471765432100001").await;
    assert_eq!(siti.store().preferences().await.unwrap(), Preferences::default(), "Indonesian, reminders on");
    let store = siti.store();

    let first = siti.all_deadlines().await.unwrap();
    let due_on = first.first().expect("Siti has something due").date.clone();
    let eve = day_before(&due_on);
    let expected: Vec<_> = all_deadlines(store, &eve)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.date == eve || d.date == due_on)
        .collect();

    let got = store.take_reminders(&eve).await.unwrap();
    assert_eq!(got.len(), expected.len(), "every deadline of that day and the next: {got:?}");
    for r in &got {
        assert_eq!(r.today, r.deadline.date == eve, "on the day only for that day's deadlines: {r:?}");
    }
    assert!(got.iter().any(|r| r.deadline.date == due_on && !r.today), "the day before {due_on}");
    assert!(store.take_reminders(&eve).await.unwrap().is_empty(), "each reminder comes once");

    // What was reminded goes with the account's data at sign-out: signed in afresh, they come again.
    siti.sign_out(true).await.unwrap();
    drop(siti);
    siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let store = siti.store();
    let again = store.take_reminders(&eve).await.unwrap();
    assert_eq!(again.len(), expected.len(), "signed in afresh: the marks went with the account's data");

    let on_the_day = store.take_reminders(&due_on).await.unwrap();
    assert!(
        on_the_day.iter().any(|r| r.deadline.date == due_on && r.today),
        "and again on the day itself: {on_the_day:?}"
    );

    // Turned off: nothing more, even for days not reminded yet; the choice and the language stay.
    let english = PreferencesChange { language: Some(Language::En), ..Default::default() };
    let now = store.change_preferences(english).await.unwrap();
    assert_eq!(
        now,
        Preferences {
            language: Language::En,
            reminders: true,
            news: true,
            wifi_only: false,
            share_on_network: false,
            ..Preferences::default()
        },
        "only what was named changes"
    );
    let off = PreferencesChange { reminders: Some(false), ..Default::default() };
    let off = store.change_preferences(off).await.unwrap();
    assert_eq!(
        off,
        Preferences {
            language: Language::En,
            reminders: false,
            news: true,
            wifi_only: false,
            share_on_network: false,
            ..Preferences::default()
        },
        "the language stays"
    );
    // A day none of whose reminders was taken yet: the eve of the last deadline after `due_on`.
    let last =
        first.iter().rev().find(|d| d.date > due_on).expect("Siti has a later deadline too").date.clone();
    let later = day_before(&last);
    assert!(later > due_on, "{later} is after every day reminded so far ({eve}, {due_on})");
    let none = store.take_reminders(&later).await.unwrap();
    assert!(
        none.is_empty(),
        "reminders off: nothing on {later}, though {last} is due the next day: {none:?}"
    );
    // Switched on again, the same day's reminders come: so the silence above was the switch.
    let on = PreferencesChange { reminders: Some(true), ..Default::default() };
    store.change_preferences(on).await.unwrap();
    let back = store.take_reminders(&later).await.unwrap();
    assert!(
        back.iter().any(|r| r.deadline.date == last && !r.today),
        "switched on again, the eve of {last} is reminded on {later}: {back:?}"
    );
    let off = PreferencesChange { reminders: Some(false), ..Default::default() };
    let off = store.change_preferences(off).await.unwrap();

    // Preferences belong to the device: they survive signing out.
    siti.sign_out(true).await.unwrap();
    assert_eq!(store.preferences().await.unwrap(), off);
    store
        .change_preferences(PreferencesChange { reminders: Some(true), ..Default::default() })
        .await
        .unwrap();
    assert!(store.take_reminders(&eve).await.unwrap().is_empty(), "signed out: nobody to remind");
    assert!(store.take_reminders("not a date").await.is_err(), "a bad date is an error, not silence");
}

/// The app asks for reminders at launch and again after every sync that settles, so several askings can
/// meet, beside the pages' own writes. One asking used to hold the store's write lock while it read the
/// deadlines through other connections: with the others each waiting for that lock on a connection of
/// their own, the pool had none left for its reads, and after the store's busy wait (5 s) the waiting
/// ones failed "database is locked" (seen on a pengawas's Sekolah binaan in the end-to-end run).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_asked_many_times_at_once_are_each_handed_out_once_and_block_nobody() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = Arc::new(signed_in(dir.path(), &server, "3471765432100001").await);
    let first = siti.all_deadlines().await.unwrap();
    let due_on = first.first().expect("Siti has something due").date.clone();
    let eve = day_before(&due_on);
    let expected = penggerak_core::testing::all_deadlines(siti.store(), &eve)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.date == eve || d.date == due_on)
        .count();
    assert!(expected > 0, "something is due on {eve} or {due_on}");
    let started = std::time::Instant::now();
    let askings: Vec<_> = (0..8)
        .map(|_| {
            let siti = Arc::clone(&siti);
            let eve = eve.clone();
            tokio::spawn(async move { siti.store().take_reminders(&eve).await })
        })
        .collect();
    let mut handed = 0;
    for asking in askings {
        let got = asking.await.unwrap().unwrap_or_else(|e| {
            panic!("an asking failed after {:?} while others ran: {e}", started.elapsed())
        });
        handed += got.len();
    }
    assert_eq!(handed, expected, "each reminder handed out once over all the askings");
}

#[tokio::test]
async fn the_plan_is_edited_with_its_draft_kept_until_saved_and_bad_results_are_refused() {
    use penggerak_types::ipc::plan_draft_key;
    use penggerak_types::kinerja::{PlanPatch, PlannedResult};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let view = siti.kinerja().await.unwrap();
    let plan = view.plan.expect("Siti has a plan");
    assert!(plan.status.results_editable() && view.draft.is_none(), "a draft plan, nothing typed yet");

    siti.store().save_draft(&plan_draft_key(&plan.id), "[{\"text\":\"Setengah diketik\"}]").await.unwrap();
    let view = siti.kinerja().await.unwrap();
    assert_eq!(view.draft.as_deref(), Some("[{\"text\":\"Setengah diketik\"}]"), "what was typed comes back");

    let mut results = plan.results.clone();
    results.push(PlannedResult {
        id: "hasil-baru".into(),
        text: "  ".into(),
        indicators: vec![],
        points: None,
    });
    // (The engine fills in the version the edit is based on.)
    let bad = Action::EditPerformancePlan {
        id: plan.id.clone(),
        patch: PlanPatch { base_version: 0, results: Some(results.clone()), reflection: None },
    };
    let e = siti.act(bad).await.unwrap_err();
    assert_eq!(e.to_api_error().code, ErrorCode::Validation, "an empty result is refused on the device");
    assert!(siti.store().outbox().await.unwrap().is_empty(), "nothing queued");
    assert!(siti.kinerja().await.unwrap().draft.is_some(), "and the typing is kept");

    results.last_mut().unwrap().text = "Modul ajar berdiferensiasi untuk kelas 4".into();
    results.last_mut().unwrap().indicators = vec!["Dua modul dipakai di kelas".into()];
    let good = Action::EditPerformancePlan {
        id: plan.id.clone(),
        patch: PlanPatch { base_version: 0, results: Some(results.clone()), reflection: None },
    };
    siti.act(good).await.unwrap();
    let view = siti.kinerja().await.unwrap();
    assert_eq!(view.plan.as_ref().unwrap().results, results, "shown at once");
    assert!(view.pending && view.draft.is_none(), "waiting to sync; the draft is no longer needed");
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0, "the server took it");
    let view = siti.kinerja().await.unwrap();
    assert_eq!(view.plan.unwrap().results, results, "as the server now has it");

    // Her reflection on the plan: a draft as she types, then saved; the draft goes once it is sent.
    use penggerak_types::ipc::plan_reflection_draft_key;
    let key = plan_reflection_draft_key(&plan.id);
    siti.store().save_draft(&key, "Kelas lebih tenang").await.unwrap();
    let view = siti.kinerja().await.unwrap();
    assert_eq!(view.reflection_draft.as_deref(), Some("Kelas lebih tenang"));
    let reflect = PlanPatch { base_version: 0, results: None, reflection: Some("Kelas lebih tenang".into()) };
    siti.act(Action::EditPerformancePlan { id: plan.id.clone(), patch: reflect }).await.unwrap();
    let view = siti.kinerja().await.unwrap();
    assert_eq!(view.plan.unwrap().reflection, "Kelas lebih tenang");
    assert!(view.reflection_draft.is_none(), "saved for real: no draft left");
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0);
}

/// Saving the plan and forgetting its draft are one step: a screen read at any moment — while the sync
/// loop, woken by the save, is already redrawing — never shows the saved results beside the draft they
/// came from (the app would take the stale draft for unsaved typing and keep offering to save it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_is_never_seen_beside_its_old_draft() {
    use penggerak_types::ipc::plan_draft_key;
    use penggerak_types::kinerja::PlanPatch;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = Arc::new(signed_in(dir.path(), &server, "3471765432100001").await);
    let plan = siti.kinerja().await.unwrap().plan.expect("Siti has a plan");

    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let reader = {
        let (siti, done, count) = (Arc::clone(&siti), Arc::clone(&done), Arc::clone(&reads));
        tokio::spawn(async move {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let view = siti.kinerja().await.unwrap();
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (Some(draft), Some(plan)) = (view.draft, view.plan) else { continue };
                let round = draft.trim_start_matches("draft-");
                assert!(
                    !plan.results.iter().any(|r| r.text == format!("Hasil putaran {round}")),
                    "round {round}: the saved results were shown with their draft still there"
                );
            }
        })
    };
    for round in 0..20 {
        // Each save starts only once the reader has read again since the last one, so reads and saves
        // interleave however loaded the machine is (a count of reads alone was a race the machine won).
        let seen = reads.load(std::sync::atomic::Ordering::SeqCst);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while reads.load(std::sync::atomic::Ordering::SeqCst) == seen {
            assert!(std::time::Instant::now() < deadline, "the reader stopped reading");
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        siti.store().save_draft(&plan_draft_key(&plan.id), &format!("draft-{round}")).await.unwrap();
        let mut results = plan.results.clone();
        results[0].text = format!("Hasil putaran {round}");
        let patch = PlanPatch { base_version: 0, results: Some(results), reflection: None };
        siti.act(Action::EditPerformancePlan { id: plan.id.clone(), patch }).await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    reader.await.expect("no read saw a saved plan beside its draft");
    let reads = reads.load(std::sync::atomic::Ordering::SeqCst);
    assert!(reads >= 20, "the reader read between every two saves ({reads} reads)");
}

/// The engine's "today" is the user's own day, by the clock it is given, in her school's zone: at
/// 16:30 UTC it is still the 2nd for Siti in Yogyakarta (23:30 WIB) and already the 3rd for Made in Bali
/// (00:30 WITA).
#[tokio::test]
async fn today_is_the_users_own_day_in_her_own_zone() {
    use penggerak_core::clock::FixedClock;
    let server = TestServer::start();
    let instant = penggerak_types::zone::parse_instant("2026-12-02T16:30:00Z").unwrap();
    let clock = Arc::new(FixedClock::at(instant));
    for (who, zone, expected) in [
        ("3471765432100001", penggerak_types::zone::Zone::Wib, "2026-12-02"),
        ("5104765432100004", penggerak_types::zone::Zone::Wita, "2026-12-03"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut session =
            Engine::open(dir.path(), Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
        session.set_clock(clock.clone());
        assert_eq!(session.today().await.unwrap(), "2026-12-02", "before sign-in: WIB");
        session.sign_in(demo_sign_in(who, &server.base_url())).await.unwrap();
        assert_eq!(session.zone().await.unwrap(), zone, "{who}: the zone of her school's province");
        assert_eq!(session.today().await.unwrap(), expected, "{who}");
    }
    // The clock moves; the day follows.
    clock.set(instant - 3600);
    let dir = tempfile::tempdir().unwrap();
    let mut made =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
    made.set_clock(clock.clone());
    made.sign_in(demo_sign_in("5104765432100004", &server.base_url())).await.unwrap();
    assert_eq!(made.today().await.unwrap(), "2026-12-02", "23:30 WITA is still the 2nd");

    // What the engine stamps comes from the same clock: the membership a join writes at once.
    let me = made.home().await.unwrap().profile.id;
    made.act(Action::JoinCommunity { id: "kom-05".into() }).await.unwrap();
    let m = made.store().record(RecordKind::Membership, &format!("kom-05:{me}")).await.unwrap().unwrap();
    let m: penggerak_types::api::Membership = m.parse().unwrap();
    assert_eq!(m.joined_at, "2026-12-02T15:30:00Z", "joined at the engine's clock, not the machine's");
}

/// The Staf screen, worked out on the principal's device from the records it synced, says of every staff
/// member exactly what the server's `/school/staff` says (same people, programmes, JP and plan status),
/// and its counts add up. A teacher has no Staf screen.
#[tokio::test]
async fn the_staff_screen_says_what_the_server_says_of_each_staff_member() {
    use penggerak_client::ApiClient;
    use penggerak_types::api::StaffSummary;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let bambang = signed_in(dir.path(), &server, "196805121990031004").await;
    let view = bambang.staff().await.unwrap();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client
        .login("196805121990031004", penggerak_testkit::DEMO_PASSWORD)
        .await
        .unwrap()
        .tokens
        .access_token;
    let served: Vec<StaffSummary> =
        client.get_json(&token, penggerak_types::route::SCHOOL_STAFF, &[]).await.unwrap();
    let shown: Vec<StaffSummary> = view.rows.iter().map(|r| r.summary.clone()).collect();
    assert!(served.len() >= 3, "the demo school has a staff: {}", served.len());
    assert_eq!(shown, served, "the device's picture is the server's, person by person");
    assert!(shown.iter().any(|s| s.jp_done > 0), "the comparison covers real JP figures");
    assert!(shown.iter().any(|s| s.kinerja_status.is_some()), "and real plan statuses");
    let own = shown.iter().find(|s| s.person.id == "kepsek-bambang").expect("he is on his staff");
    assert!(own.last_synced_at.is_some(), "when his own device last synced, as the server saw it");
    assert!(view.sightings_at.is_some(), "dated when his device was told");

    let total: u32 = view.plan_counts.iter().map(|c| c.count).sum();
    assert_eq!(total as usize, view.rows.len(), "every person is counted once among the plan statuses");
    let reached = served.iter().filter(|s| s.jp_target > 0 && s.jp_done >= s.jp_target).count() as u32;
    assert_eq!(view.jp_reached, reached, "JP targets reached, by the server's figures");
    let in_stages: u32 = view.stages.iter().map(|s| s.count).sum();
    let in_programmes: usize = served.iter().map(|s| s.programmes.len()).sum();
    assert_eq!(in_stages as usize, in_programmes, "every programme place is in one stage");

    // One staff member's page: the plan the principal decides on, with the moves its status allows.
    let waiting = view
        .rows
        .iter()
        .find(|r| r.summary.kinerja_status == Some(PlanStatus::PerluDisetujui))
        .expect("the demo has a plan waiting for the principal");
    let page = bambang.staff_member(&waiting.summary.person.id).await.unwrap();
    assert_eq!(page.row, *waiting, "the page's row is the list's");
    assert_eq!(
        page.moves,
        vec![PlanStatus::Disetujui, PlanStatus::Dikembalikan],
        "a submitted plan: approve or return"
    );
    assert!(!page.can_rate, "no predikat before the plan is agreed");
    assert!(!page.plan.expect("the plan").results.is_empty(), "every result to read before deciding");

    // The table as a file: UTF-8 with a byte-order mark, Indonesian headers, a row per person, her JP.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("staf.csv");
    bambang.export_staff(&file).await.unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte-order mark, so spreadsheet programs read UTF-8");
    let mut csv = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers[..4], ["Nama", "NIP", "NUPTK", "Peran"], "headers in Bahasa Indonesia");
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), served.len(), "a row per staff member");
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let siti_served = served.iter().find(|s| s.person.id == "guru-siti").expect("Siti is on the staff");
    let siti_row = records.iter().find(|r| &r[0] == siti_served.person.full_name.as_str()).expect("her row");
    assert_eq!(siti_row[column("JP selesai")], siti_served.jp_done.to_string());
    assert_eq!(siti_row[column("Target JP")], siti_served.jp_target.to_string());
    for r in &records {
        let d = &r[column("Diajukan")];
        assert!(d.is_empty() || (d.len() == 10 && &d[4..5] == "-"), "dates as YYYY-MM-DD: {d:?}");
    }
    assert!(!out.path().join("staf.csv.part").exists(), "no temporary file is left behind");
    let unwritable = out.path().join("no-such-folder").join("staf.csv");
    let e = bambang.export_staff(&unwritable).await.unwrap_err();
    assert_eq!(e.to_api_error().reason, Some(penggerak_types::Reason::NotSaved), "said as a reason: {e:?}");

    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let e = siti.staff().await.unwrap_err();
    assert_eq!(e.to_api_error().code, ErrorCode::Validation, "a teacher has no staff screen: {e:?}");
}

/// Siti and her principal Bambang, each signed in on a device of their own (folders `d1`, `d2`), after
/// Siti's first look for news (which only notes how things stand), with her plan; submitted first when
/// `submitted` (and both synced since).
async fn siti_and_bambang(
    server: &TestServer,
    (d1, d2): (&std::path::Path, &std::path::Path),
    submitted: bool,
) -> (Engine, Engine, penggerak_types::kinerja::PerformancePlan) {
    let siti = signed_in(d1, server, "3471765432100001").await;
    let bambang = signed_in(d2, server, "196805121990031004").await;
    assert!(siti.take_news().await.unwrap().is_empty(), "the first look only notes how things stand");
    let plan = siti.kinerja().await.unwrap().plan.expect("Siti has a plan");
    if submitted && plan.status != PlanStatus::PerluDisetujui {
        let submit =
            Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::PerluDisetujui, note: None };
        siti.act(submit).await.unwrap();
        siti.sync_now().await.unwrap();
        bambang.sync_now().await.unwrap();
    }
    (siti, bambang, plan)
}

/// The teacher's preparation for an observation is kept as she types it until she saves it: then it goes
/// with the change that carries it.
#[tokio::test]
async fn a_teachers_observation_preparation_draft_goes_with_its_edit() {
    let server = TestServer::start();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (siti, bambang, plan) = siti_and_bambang(&server, (d1.path(), d2.path()), true).await;
    bambang
        .act(Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::Disetujui, note: None })
        .await
        .unwrap();
    let new = penggerak_types::kinerja::NewObservation {
        id: uuid::Uuid::new_v4().to_string(),
        plan_id: plan.id.clone(),
        scheduled_at: format!("{}T08:00", bambang.today().await.unwrap()),
        class_name: "Kelas IV A".into(),
        focus: String::new(),
    };
    let id = new.id.clone();
    bambang.act(Action::ScheduleObservation { new }).await.unwrap();
    assert_eq!(bambang.sync_now().await.unwrap().waiting, 0, "approved and scheduled on the server");
    siti.sync_now().await.unwrap();
    let key = penggerak_types::ipc::observation_preparation_draft_key(&id);
    siti.save_draft(&key, "Modul ajar bab").await.unwrap();
    let patch = penggerak_types::kinerja::ObservationPatch {
        preparation: Some("Modul ajar bab 4".into()),
        ..Default::default()
    };
    siti.act(Action::EditObservation { id, patch }).await.unwrap();
    assert_eq!(siti.draft(&key).await.unwrap(), None, "her preparation went with her edit");
}

/// The principal carries the cycle on his device: returns a plan with a note (refused without one),
/// agrees it after the teacher resubmits and he approves, gives the predikat (refused before agreement,
/// and to a teacher), each applied at once and reaching the server through the outbox.
#[tokio::test]
async fn the_principal_returns_approves_agrees_and_rates_from_his_device() {
    use penggerak_types::kinerja::Predikat;
    let server = TestServer::start();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (siti, bambang, plan) = siti_and_bambang(&server, (d1.path(), d2.path()), true).await;
    let id = plan.id.clone();
    let mv = |to, note: Option<&str>| Action::MovePerformancePlan {
        id: id.clone(),
        to,
        note: note.map(Into::into),
    };
    let rate = |p| Action::RatePlan { id: id.clone(), predikat: p, note: Some("Pertahankan.".into()) };
    // What he types is kept on his device as he types it (a killed app, another page opened) until the
    // decision that carries it is made: then it goes with it.
    use penggerak_types::ipc::{predikat_note_draft_key, return_note_draft_key};
    let (return_key, predikat_key) = (return_note_draft_key(&id), predikat_note_draft_key(&id));
    bambang.save_draft(&return_key, "Tambahkan indikator").await.unwrap();
    bambang.save_draft(&predikat_key, "Pertahankan.").await.unwrap();

    let e = bambang.act(mv(PlanStatus::Dikembalikan, Some("  "))).await.unwrap_err();
    assert_eq!(
        e.to_api_error().reason,
        Some(penggerak_types::Reason::ReturnNeedsNote),
        "a return says what to fix"
    );
    let e = bambang.act(rate(Predikat::Baik)).await.unwrap_err();
    assert_eq!(e.to_api_error().reason, Some(penggerak_types::Reason::RatingNeedsAgreed));
    assert!(bambang.draft(&return_key).await.unwrap().is_some(), "a refused return keeps its typed note");
    assert!(bambang.draft(&predikat_key).await.unwrap().is_some(), "a refused predikat keeps its note");
    bambang.act(mv(PlanStatus::Dikembalikan, Some("Tambahkan indikator untuk RHK kedua."))).await.unwrap();
    assert_eq!(bambang.draft(&return_key).await.unwrap(), None, "the note went with the return");
    assert_eq!(bambang.sync_now().await.unwrap().waiting, 0, "the return reached the server");

    siti.sync_now().await.unwrap();
    let back = siti.kinerja().await.unwrap().plan.unwrap();
    assert_eq!(back.status, PlanStatus::Dikembalikan);
    assert_eq!(back.return_note(), Some("Tambahkan indikator untuk RHK kedua."), "the note reaches her");
    assert_eq!(
        siti.take_news().await.unwrap(),
        [News::PlanMoved {
            to: PlanStatus::Dikembalikan,
            note: Some("Tambahkan indikator untuk RHK kedua.".into())
        }],
        "and she is told, with the note"
    );
    assert!(siti.take_news().await.unwrap().is_empty(), "once");
    let e = siti.act(rate(Predikat::SangatBaik)).await.unwrap_err();
    assert_eq!(
        e.to_api_error().reason,
        Some(penggerak_types::Reason::MoveBy { by: penggerak_types::kinerja::Actor::Principal }),
        "a teacher cannot rate, her own plan included"
    );
    siti.act(Action::MovePerformancePlan { id: id.clone(), to: PlanStatus::PerluDisetujui, note: None })
        .await
        .unwrap();
    siti.sync_now().await.unwrap();

    bambang.sync_now().await.unwrap();
    // A return note typed and left for approval is not kept for ever: the plan has moved on.
    bambang.save_draft(&return_key, "Catatan yang tidak jadi").await.unwrap();
    bambang.act(mv(PlanStatus::Disetujui, None)).await.unwrap();
    assert_eq!(bambang.draft(&return_key).await.unwrap(), None, "a decision forgets the return note typed");
    bambang.act(mv(PlanStatus::Disepakati, None)).await.unwrap();
    let page = bambang.staff_member(&plan.owner_id).await.unwrap();
    assert!(page.can_rate && page.pending, "agreed on his device at once, waiting to be sent");
    assert!(bambang.draft(&predikat_key).await.unwrap().is_some(), "approve and agree carry no note");
    bambang.act(rate(Predikat::Baik)).await.unwrap();
    assert_eq!(bambang.draft(&predikat_key).await.unwrap(), None, "the note went with the predikat");
    assert_eq!(
        bambang.sync_now().await.unwrap().waiting,
        0,
        "approve, agree and the predikat reached the server"
    );

    siti.sync_now().await.unwrap();
    let rated = siti.kinerja().await.unwrap().plan.unwrap();
    assert_eq!(
        (rated.status, rated.predikat, rated.predikat_note.as_deref()),
        (PlanStatus::Disepakati, Some(Predikat::Baik), Some("Pertahankan.")),
        "she sees the predikat and his note"
    );
    // Two looks at once (the app asks at start and when a sync settles) tell it once between them.
    let (a, b) = tokio::join!(siti.take_news(), siti.take_news());
    let news: Vec<News> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    let rated = news.iter().filter(|n| **n == News::PredikatGiven { predikat: Predikat::Baik }).count();
    assert_eq!(rated, 1, "told of the predikat once: {news:?}");
    assert!(news.contains(&News::PlanMoved { to: PlanStatus::Disepakati, note: None }), "and the agreement");
    // Signing out and in again on this device does not tell her again.
    siti.sign_out(true).await.unwrap();
    siti.sign_in(demo_sign_in("3471765432100001", &server.base_url())).await.unwrap();
    assert!(siti.take_news().await.unwrap().is_empty(), "before the first sync: nothing to compare");
    siti.sync_now().await.unwrap();
    assert!(siti.take_news().await.unwrap().is_empty(), "old news is not news again after signing in");
}

/// A decision built while the previous one's answer lands is not queued on the version that answer
/// replaced: approve is being pushed while he agrees, and the agreement still reaches the server (the
/// whole-cycle end-to-end test once saw it come back as a conflict with his own approval).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_made_while_the_last_one_is_being_sent_still_lands() {
    let server = TestServer::start();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (siti, bambang, plan) = siti_and_bambang(&server, (d1.path(), d2.path()), true).await;
    let bambang = Arc::new(bambang);
    let mv = |to| Action::MovePerformancePlan { id: plan.id.clone(), to, note: None };
    bambang.act(mv(PlanStatus::Disetujui)).await.unwrap();

    // He agrees; between building that change and queueing it, the approval is pushed and answered.
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    bambang.pause_acts(Some(Arc::clone(&barrier)));
    let agree = tokio::spawn({
        let (bambang, agree) = (Arc::clone(&bambang), mv(PlanStatus::Disepakati));
        async move { bambang.act(agree).await }
    });
    barrier.wait().await; // the agreement is built, on the approval as his device has it
    let push = tokio::spawn({
        let bambang = Arc::clone(&bambang);
        async move { bambang.sync_now().await }
    });
    // Left alone, the push finishes well within this; with the engine's one writer it waits for the
    // agreement to be queued, and the wait runs out.
    if let Ok(done) = tokio::time::timeout(std::time::Duration::from_secs(3), push).await {
        done.unwrap().unwrap();
    }
    barrier.wait().await; // the agreement goes on to be queued
    agree.await.unwrap().unwrap();
    bambang.pause_acts(None);
    let status = bambang.sync_now().await.unwrap();
    assert_eq!(
        (status.conflicts, status.notices, status.waiting),
        (0, 0, 0),
        "the agreement was sent on the approved version, not held as a conflict with his own approval"
    );
    siti.sync_now().await.unwrap();
    assert_eq!(
        siti.kinerja().await.unwrap().plan.unwrap().status,
        PlanStatus::Disepakati,
        "the server has it"
    );
}

/// Umpan balik: the principal leaves a note on a teacher's plan from his device (shown at once, queued,
/// checked with the same rule as the server's); she reads it after her sync and is told once.
#[tokio::test]
async fn the_principal_leaves_feedback_and_the_teacher_is_told() {
    use penggerak_types::kinerja::NewFeedback;
    use penggerak_types::{Field, Reason};
    let server = TestServer::start();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (siti, bambang, plan) = siti_and_bambang(&server, (d1.path(), d2.path()), false).await;
    let give = |text: &str| Action::GiveFeedback {
        new: NewFeedback { id: String::new(), plan_id: plan.id.clone(), text: text.into() },
    };

    let key = penggerak_types::ipc::feedback_draft_key(&plan.id);
    bambang.save_draft(&key, "Indikator kedua perlu").await.unwrap();
    let e = bambang.act(give("  ")).await.unwrap_err();
    assert_eq!(
        e.to_api_error().reason,
        Some(Reason::Required { field: Field::Feedback }),
        "a note needs text"
    );
    assert!(bambang.draft(&key).await.unwrap().is_some(), "what he typed stays while nothing was given");
    let e = siti.act(give("Catatan untuk diri sendiri.")).await.unwrap_err();
    assert_eq!(
        e.to_api_error().reason,
        Some(Reason::MoveBy { by: penggerak_types::kinerja::Actor::Principal }),
        "a teacher cannot leave feedback, on her own plan included"
    );
    bambang.act(give("Indikator kedua perlu angka yang terukur.")).await.unwrap();
    assert_eq!(bambang.draft(&key).await.unwrap(), None, "the typed note went with the feedback");
    let page = bambang.staff_member(&plan.owner_id).await.unwrap();
    assert_eq!(page.feedback.len(), 1, "on his device at once");
    assert!(uuid::Uuid::parse_str(&page.feedback[0].id).is_ok(), "under an id the engine picked");
    assert_eq!(page.feedback[0].by_name, "Drs. Bambang Sutrisno, M.Pd.");
    assert_eq!(bambang.sync_now().await.unwrap().waiting, 0, "it reached the server");

    siti.sync_now().await.unwrap();
    let seen = siti.kinerja().await.unwrap().feedback;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].text, "Indikator kedua perlu angka yang terukur.", "she reads it");
    assert_eq!(siti.take_news().await.unwrap(), [News::Feedback { count: 1 }], "and is told");
    assert!(siti.take_news().await.unwrap().is_empty(), "once");
}

/// When each staff member last synced comes from the server (only it knows), fetched by the principal's
/// sync at most every quarter hour (the server's own granularity): a colleague's sync shows on his Staf
/// screen once the copy he holds is that old, and not by a request at every sync before.
#[tokio::test]
async fn the_principal_sees_when_each_staff_member_last_synced() {
    use penggerak_core::clock::FixedClock;
    let server = TestServer::start();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let start = time::OffsetDateTime::now_utc().unix_timestamp();
    let clock = Arc::new(FixedClock::at(start));
    let mut bambang =
        Engine::open(d2.path(), Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
    bambang.set_clock(clock.clone());
    bambang.sign_in(demo_sign_in("196805121990031004", &server.base_url())).await.unwrap();
    bambang.sync_now().await.unwrap();
    let siti_row = |v: &penggerak_types::ipc::StaffView| {
        v.rows.iter().find(|r| r.summary.person.id == "guru-siti").unwrap().summary.last_synced_at.clone()
    };
    let before = bambang.staff().await.unwrap();
    assert_eq!(siti_row(&before), None, "Siti has not synced on this server yet");
    let told = before.sightings_at.clone().expect("his first sync asked the server");

    let _siti = signed_in(d1.path(), &server, "3471765432100001").await;
    bambang.sync_now().await.unwrap();
    let soon = bambang.staff().await.unwrap();
    assert_eq!(soon.sightings_at.as_ref(), Some(&told), "a sync within the quarter hour does not ask again");
    assert_eq!(siti_row(&soon), None);

    clock.set(start + 16 * 60);
    bambang.sync_now().await.unwrap();
    let later = bambang.staff().await.unwrap();
    assert_ne!(later.sightings_at, Some(told), "asked again once the copy was a quarter hour old");
    let at = siti_row(&later).expect("her sync is on his screen now");
    let at = time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339).unwrap();
    assert!((at.unix_timestamp() - start).abs() < 120, "when she synced, by the server's clock: {at}");
}

/// A pengawas's schools come from the server (they do not sync to her device) and are kept with when
/// they were fetched: with the server down she still sees them, marked as the last copy.
#[tokio::test]
async fn a_pengawas_sees_her_schools_and_the_last_copy_offline() {
    let mut server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let dewi = signed_in(dir.path(), &server, "dewi.kusumawardani@demo.penggerak.id").await;
    let before = dewi.supervisor_home().await.unwrap().expect("a pengawas's Beranda sums up her schools");
    assert_eq!(before.fetched_at, None, "Beranda fetches nothing: no copy until Sekolah binaan is opened");
    assert_eq!((before.schools, before.staff), (0, 0));
    let online = dewi.supervision().await.unwrap();
    assert!(!online.offline && !online.fetched_at.is_empty());
    // Beranda sums up the copy just kept: every school, every person, every plan status.
    let home = dewi.supervisor_home().await.unwrap().unwrap();
    assert_eq!(home.fetched_at.as_ref(), Some(&online.fetched_at), "dated as the copy it sums up");
    assert_eq!(home.schools, 3);
    assert_eq!(home.staff, online.value.iter().map(|s| s.staff).sum::<u32>());
    for (i, n) in home.plans.iter().enumerate() {
        assert_eq!(*n, online.value.iter().map(|s| s.plans[i]).sum::<u32>(), "plans in status {i}");
    }
    assert_eq!(
        home.plans.iter().sum::<u32>() + home.without_plan,
        home.staff,
        "everyone counted once: with a plan in some status, or without one"
    );
    assert_eq!(home.jp_reached, online.value.iter().map(|s| s.jp_reached).sum::<u32>());
    assert_eq!(home.with_jp_target, online.value.iter().map(|s| s.with_jp_target).sum::<u32>());
    assert!(home.staff > 0 && home.with_jp_target > 0, "the demo's schools have staff with JP targets");
    let npsns: Vec<&str> = online.value.iter().map(|s| s.school.npsn.as_str()).collect();
    assert_eq!(npsns, ["20401234", "20405678", "20407890"], "her three Sleman schools");
    let staff = dewi.supervised_staff("20401234").await.unwrap();
    assert_eq!(staff.value.len() as u32, online.value[0].staff, "the school's staff, as summed up");

    server.stop();
    let offline = dewi.supervision().await.unwrap();
    assert!(offline.offline, "the server is down: the copy kept from before, marked as such");
    assert_eq!(dewi.supervisor_home().await.unwrap(), Some(home), "offline, Beranda sums up the same copy");
    assert_eq!((offline.value, offline.fetched_at), (online.value, online.fetched_at), "dated when fetched");
    assert_eq!(dewi.supervised_staff("20401234").await.unwrap().value, staff.value);
    let never = dewi.supervised_staff("20405678").await.unwrap_err();
    assert_eq!(never.to_api_error().code, ErrorCode::Offline, "never fetched and offline: said so");
    server.restart();

    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    assert_eq!(siti.supervision().await.unwrap_err().to_api_error().code, ErrorCode::Forbidden);
    assert_eq!(siti.supervisor_home().await.unwrap(), None, "a teacher's Beranda has no schools");
}

/// What the server sent is shown even when the store cannot keep it at that moment: another writer holds
/// the store past its wait (as a reminders pass did, when the store deadlocked), and her Sekolah binaan was
/// an error ("Data di perangkat tidak dapat dibaca") though the schools had come. The copy is kept by the
/// next opening.
#[tokio::test]
async fn a_pengawas_sees_what_came_while_the_store_is_too_busy_to_keep_it() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let dewi = signed_in(dir.path(), &server, "dewi.kusumawardani@demo.penggerak.id").await;
    let mut other = penggerak_core::testing::another_connection(dir.path()).await;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let busy = dewi.supervision().await.expect("the schools that came are shown, kept or not");
    assert!(!busy.offline && busy.value.len() == 3, "fresh from the server: {busy:?}");
    assert_eq!(
        dewi.supervisor_home().await.unwrap().unwrap().fetched_at,
        None,
        "not kept: the store was held all along"
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let again = dewi.supervision().await.unwrap();
    assert_eq!(
        dewi.supervisor_home().await.unwrap().unwrap().fetched_at.as_ref(),
        Some(&again.fetched_at),
        "kept by the next opening"
    );
}

/// "Tambah kegiatan": the screen leaves the id to the engine, which picks a UUID; the activity shows at
/// once and reaches the server. A community event becomes one too, linked to the event.
#[tokio::test]
async fn a_teacher_adds_activities_to_her_plan_from_the_app() {
    use penggerak_types::pkb::{NewPkbItem, PkbItemKind};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let before = siti.pkb().await.unwrap().items.len();
    let new = |title: &str, kind, event: Option<String>| NewPkbItem {
        id: String::new(),
        kind,
        title: title.into(),
        jp: 2,
        target_date: Some("2026-12-20".into()),
        community_event_id: event,
    };
    siti.act(Action::AddPkbItem { new: new("Lokakarya asesmen formatif", PkbItemKind::Lokakarya, None) })
        .await
        .unwrap();
    let event = siti
        .communities()
        .await
        .unwrap()
        .communities
        .into_iter()
        .flat_map(|c| c.events)
        .map(|e| e.event)
        .next();
    let event = event.expect("a community of hers has an event coming");
    siti.act(Action::AddPkbItem {
        new: new(&event.title, PkbItemKind::KomunitasBelajar, Some(event.id.clone())),
    })
    .await
    .unwrap();
    let view = siti.pkb().await.unwrap();
    assert_eq!(view.items.len(), before + 2, "shown at once");
    let added = view.items.iter().find(|v| v.item.title == "Lokakarya asesmen formatif").unwrap();
    assert!(uuid::Uuid::parse_str(&added.item.id).is_ok(), "the engine picked a UUID: {}", added.item.id);
    assert_eq!(siti.sync_now().await.unwrap().waiting, 0, "both reached the server");
    let view = siti.pkb().await.unwrap();
    assert!(view.items.iter().all(|v| !v.pending), "confirmed by the server");
    assert!(
        view.items.iter().any(|v| v.item.community_event_id.as_deref() == Some(event.id.as_str())),
        "the event's activity is linked to the event"
    );
}

#[tokio::test]
async fn the_look_chosen_is_kept_on_the_device_through_a_restart_and_a_sign_out() {
    use penggerak_types::ipc::{Language, Preferences, PreferencesChange, TextSize, Theme};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let before = siti.preferences().await.unwrap();
    assert_eq!(
        (before.theme, before.text_size),
        (Theme::System, TextSize::Normal),
        "the system's look until chosen"
    );
    let dark = PreferencesChange {
        theme: Some(Theme::Dark),
        text_size: Some(TextSize::Larger),
        ..Default::default()
    };
    siti.set_preferences(dark).await.unwrap();
    // Another choice leaves the look as it is.
    let english = PreferencesChange { language: Some(Language::En), ..Default::default() };
    let now = siti.set_preferences(english).await.unwrap();
    assert_eq!(
        now,
        Preferences {
            language: Language::En,
            theme: Theme::Dark,
            text_size: TextSize::Larger,
            ..Preferences::default()
        }
    );
    siti.sign_out(true).await.unwrap();
    drop(siti);
    let again = Engine::open(dir.path(), Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
    let kept = again.preferences().await.unwrap();
    assert_eq!(
        (kept.theme, kept.text_size),
        (Theme::Dark, TextSize::Larger),
        "the device's, not the account's"
    );
}

/// What a plan holds is bounded where it is typed too: the server refuses the 101st activity of a year's
/// plan, and the engine queued it anyway (and any number after it, offline), so the device kept a backlog
/// the server would only refuse, change by change, behind her other changes (found by a read-only review;
/// `limits.rs` says the engine tells her before anything is queued).
#[tokio::test]
async fn a_plan_full_of_activities_refuses_one_more_before_it_is_queued() {
    use penggerak_types::pkb::{NewPkbItem, PkbItemKind};
    use penggerak_types::{limits, Field, Reason};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    // The items of this year's plan (the plan her new activities go to).
    let me = siti.store().profile().await.unwrap().id;
    let year: i32 = siti.today().await.unwrap()[..4].parse().unwrap();
    let plan = penggerak_types::pkb::plan_id(&me, year);
    let items: Vec<penggerak_types::pkb::PkbItem> = siti.store().all(RecordKind::PkbItem).await.unwrap();
    let had = items.iter().filter(|i| i.plan_id == plan).count();
    let add = |n: usize| Action::AddPkbItem {
        new: NewPkbItem {
            id: String::new(),
            kind: PkbItemKind::Lainnya,
            title: format!("Kegiatan {n}"),
            jp: 2,
            target_date: None,
            community_event_id: None,
        },
    };
    for n in had..limits::PKB_ITEMS_PER_PLAN {
        siti.act(add(n)).await.unwrap_or_else(|e| panic!("activity {n} of the plan: {e}"));
    }
    let waiting = siti.store().outbox_counts().await.unwrap();
    let e = siti.act(add(limits::PKB_ITEMS_PER_PLAN)).await.unwrap_err().to_api_error();
    assert_eq!(
        e.reason,
        Some(Reason::TooMany { field: Field::PkbItems, max: limits::PKB_ITEMS_PER_PLAN as u32 }),
        "the plan is full: said before anything is queued ({e:?})"
    );
    assert_eq!(siti.store().outbox_counts().await.unwrap(), waiting, "nothing more was queued");
}

/// Text typed and kept whose box the page no longer draws is not lost unseen: the results she typed in
/// the plan editor and did not save, once the plan is submitted (the editor is drawn only for a draft), are
/// listed with what they were for and when, counted on the sync line, and kept until she lets them go. A
/// box still drawn, or an empty draft, is not listed; a draft of a kind this app does not make is.
#[tokio::test]
async fn a_text_whose_box_is_no_longer_drawn_is_shown_until_she_lets_it_go() {
    use penggerak_types::ipc::{plan_draft_key, plan_reflection_draft_key, DraftFor, ResultForm};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let siti = signed_in(dir.path(), &server, "3471765432100001").await;
    let plan = siti.kinerja().await.unwrap().plan.expect("Siti has a plan");
    assert_eq!(plan.status, PlanStatus::Draf);
    let rows = vec![ResultForm {
        id: "r-baru".into(),
        text: "Murid membaca 20 menit setiap hari".into(),
        indicators: "Catatan baca\nJurnal kelas".into(),
        points: None,
    }];
    let results = plan_draft_key(&plan.id);
    siti.save_draft(&results, &serde_json::to_string(&rows).unwrap()).await.unwrap();
    siti.save_draft(&plan_reflection_draft_key(&plan.id), "").await.unwrap();
    assert_eq!(
        siti.stranded_drafts().await.unwrap(),
        vec![],
        "the editor is drawn while the plan is a draft"
    );

    siti.act(Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::PerluDisetujui, note: None })
        .await
        .unwrap();
    siti.save_draft("catatan-lama:x1", "Teks dari versi aplikasi lain").await.unwrap();
    let stranded = siti.stranded_drafts().await.unwrap();
    let shown: Vec<(DraftFor, &str)> = stranded.iter().map(|d| (d.what, d.text.as_str())).collect();
    assert_eq!(
        shown.len(),
        2,
        "the submitted plan's results, and the unknown kind; not the empty reflection: {stranded:?}"
    );
    assert!(
        shown.contains(&(
            DraftFor::PlanResults,
            "Murid membaca 20 menit setiap hari\nCatatan baca\nJurnal kelas"
        )),
        "the results as text to read, each on its line: {stranded:?}"
    );
    assert!(shown.contains(&(DraftFor::Other, "Teks dari versi aplikasi lain")), "{stranded:?}");
    assert!(stranded.iter().all(|d| d.typed_at.ends_with('Z')), "each says when: {stranded:?}");
    assert_eq!(siti.sync_status().borrow().stranded, 1, "counted on the sync line when the plan moved");

    siti.discard_draft(&results).await.unwrap();
    let left = siti.stranded_drafts().await.unwrap();
    assert_eq!(left.iter().map(|d| d.what).collect::<Vec<_>>(), [DraftFor::Other], "she let the results go");
    assert_eq!(siti.store().draft(&results).await.unwrap(), None, "gone from the device");
    assert_eq!(siti.sync_status().borrow().stranded, 1, "the count follows");
}

/// The forms that make something new (an activity on Rencana, an observation on a staff member's page)
/// are kept as they are filled, like every box: a killed app or a page left does not lose them. The
/// change that sends one forgets its draft; a form for a plan no longer on the device is shown with the
/// texts left behind, its fields one per line.
#[tokio::test]
async fn a_form_being_filled_is_kept_until_what_it_makes_is_queued() {
    use penggerak_types::ipc::{
        new_activity_draft_key, new_observation_draft_key, ActivityForm, DraftFor, ObservationForm,
    };
    let server = TestServer::start();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (siti, bambang, plan) = siti_and_bambang(&server, (d1.path(), d2.path()), true).await;

    // Siti's new activity: kept while she fills it, never "left behind" (Rencana always draws the form).
    let form = ActivityForm {
        title: "Lokakarya asesmen diagnostik".into(),
        kind: "lokakarya".into(),
        jp: "8".into(),
        date: String::new(),
    };
    let key = new_activity_draft_key();
    siti.save_draft(&key, &form.to_draft()).await.unwrap();
    assert_eq!(siti.stranded_drafts().await.unwrap(), vec![], "the form is drawn on Rencana");
    // An event added to the plan from Komunitas is not the form's: what she typed there stays.
    let from_komunitas = penggerak_types::pkb::NewPkbItem {
        id: String::new(),
        kind: penggerak_types::pkb::PkbItemKind::KomunitasBelajar,
        title: "Pertemuan komunitas".into(),
        jp: 2,
        target_date: None,
        community_event_id: Some("acara-komunitas".into()),
    };
    siti.act(Action::AddPkbItem { new: from_komunitas }).await.unwrap();
    let kept = ActivityForm::from_draft(&siti.draft(&key).await.unwrap().expect("kept"));
    assert_eq!(kept, form, "read back as typed, through an event added from Komunitas");
    let new = penggerak_types::pkb::NewPkbItem {
        id: String::new(),
        kind: penggerak_types::pkb::PkbItemKind::Lokakarya,
        title: form.title.clone(),
        jp: 8,
        target_date: None,
        community_event_id: None,
    };
    siti.act(Action::AddPkbItem { new }).await.unwrap();
    assert_eq!(siti.draft(&key).await.unwrap(), None, "the activity carries the form's fields now");
    // Typed in and cleared again: nothing to lose, so nothing for sign-out to warn of (a box's cleared
    // draft is an edit and counts; a form's is not).
    let before = siti.store().draft_count().await.unwrap();
    siti.save_draft(&key, &ActivityForm { kind: "lokakarya".into(), ..ActivityForm::default() }.to_draft())
        .await
        .unwrap();
    assert_eq!(siti.store().draft_count().await.unwrap(), before, "a blank form is not counted");
    siti.save_draft(&penggerak_types::ipc::reflection_draft_key("x"), "").await.unwrap();
    assert_eq!(siti.store().draft_count().await.unwrap(), before + 1, "a cleared box is");

    // Bambang's observation form on Siti's plan: kept, drawn while the plan is on his device.
    let form = ObservationForm {
        date: "2026-12-10".into(),
        time: "09:00".into(),
        class_name: "Kelas IV A".into(),
        focus: "Pembelajaran berdiferensiasi".into(),
    };
    let key = new_observation_draft_key(&plan.id);
    bambang.save_draft(&key, &form.to_draft()).await.unwrap();
    assert_eq!(bambang.stranded_drafts().await.unwrap(), vec![], "the form is drawn with Siti's plan");
    let new = penggerak_types::kinerja::NewObservation {
        id: String::new(),
        plan_id: plan.id.clone(),
        scheduled_at: "2026-12-10T09:00".into(),
        class_name: form.class_name.clone(),
        focus: form.focus.clone(),
    };
    bambang.act(Action::ScheduleObservation { new }).await.unwrap();
    assert_eq!(bambang.draft(&key).await.unwrap(), None, "the observation carries the form's fields now");

    // A form for a plan the device no longer holds: shown to read, its fields one per line.
    let gone = new_observation_draft_key("plan-yang-sudah-tidak-ada");
    bambang.save_draft(&gone, &form.to_draft()).await.unwrap();
    let stranded = bambang.stranded_drafts().await.unwrap();
    let shown: Vec<(DraftFor, &str)> = stranded.iter().map(|d| (d.what, d.text.as_str())).collect();
    assert_eq!(
        shown,
        [(DraftFor::NewObservation, "2026-12-10 09:00\nKelas IV A\nPembelajaran berdiferensiasi")],
        "the form left behind, readable"
    );
}
