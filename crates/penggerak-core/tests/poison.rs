//! A change the server keeps failing must not hold every change behind it. A proxy in the way (the
//! testkit's `ChaosMode::Answer`) fails one route while everything else reaches the real server: the
//! failing change is given up after `MAX_ATTEMPTS` passes in which the server otherwise answered (at once
//! for a 4xx that is not retryable), kept as a notice with its body, a change to the same record goes with
//! it unsent, and an independent change behind it reaches the server. Being offline, or the whole server
//! failing, never counts.

use penggerak_core::testing::changes;
use penggerak_core::testing::MAX_ATTEMPTS;
use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, ChaosMode, ChaosProxy, TestServer, DEMO_PASSWORD};
use penggerak_types::api::{CommunityDetail, Membership};
use penggerak_types::ipc::{reflection_draft_key, ReopenPage, SessionState, SyncPhase};
use penggerak_types::pkb::{PkbItem, PkbItemPatch};
use penggerak_types::route;
use penggerak_types::RecordKind;
use penggerak_types::{limits, Reason};
use std::sync::Arc;
use std::time::Duration;

const SITI: &str = "3471765432100001";
const REFLECTION: &str = "Refleksi yang server tolak terus";

struct Device {
    session: Engine,
    me: String,
    _dir: tempfile::TempDir,
}

/// Siti signed in through `proxy`, synced once.
async fn device(proxy: &ChaosProxy) -> Device {
    device_as(proxy, SITI).await
}

/// `identifier` signed in through `proxy`, synced once.
async fn device_as(proxy: &ChaosProxy, identifier: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let mut session = Engine::open(dir.path(), tokens, "http://127.0.0.1:9").await.unwrap();
    session.set_request_timeout(Duration::from_secs(3));
    let me = match session.sign_in(demo_sign_in(identifier, &proxy.base_url())).await.unwrap() {
        SessionState::SignedIn { profile, .. } => profile.id,
        other => panic!("not signed in: {other:?}"),
    };
    assert_eq!(session.sync_now().await.unwrap().phase, SyncPhase::Idle, "the first sync goes through");
    Device { session, me, _dir: dir }
}

/// Whether Siti is a member of community `id` on the server (asked directly, not through the proxy).
async fn member_on_server(server: &TestServer, id: &str) -> bool {
    let client = penggerak_client::ApiClient::new(&server.base_url()).unwrap();
    let token = client.login(SITI, DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let detail: CommunityDetail = client.get_json(&token, route::COMMUNITY, &[id]).await.unwrap();
    detail.summary.is_member
}

/// One of Siti's development-plan items on the device, and the route that edits it.
async fn an_item(d: &Device) -> (String, &'static str) {
    let items = d.session.store().records(RecordKind::PkbItem).await.unwrap();
    let item =
        items.iter().find(|r| r.parse::<PkbItem>().is_ok_and(|i| i.owner_id == d.me)).expect("an item");
    let path: &'static str = Box::leak(format!("/api/v1/pkb/items/{}", item.id).into_boxed_str());
    (item.id.clone(), path)
}

/// Siti through `proxy` with an edit of one of her items waiting (its reflection [`REFLECTION`]): the item
/// and the route the edit goes to.
async fn with_an_edit_waiting(proxy: &ChaosProxy) -> (Device, String, &'static str) {
    let d = device(proxy).await;
    let (item, route) = an_item(&d).await;
    d.session
        .change(&changes::edit_pkb_item(d.session.store(), &item, reflection(REFLECTION)).await.unwrap())
        .await
        .unwrap();
    (d, item, route)
}

fn reflection(text: &str) -> PkbItemPatch {
    PkbItemPatch { reflection: Some(text.into()), ..Default::default() }
}

#[tokio::test]
async fn a_change_the_server_keeps_failing_is_given_up_after_the_bound_and_later_changes_go_on() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 13);
    let d = device(&proxy).await;
    let store = d.session.store();
    let (item, route) = an_item(&d).await;
    assert!(!member_on_server(&server, "kom-05").await, "the demo starts without Siti in kom-05");

    // The change the server will keep failing, a later edit of the same item, and an independent join.
    d.session
        .change(&changes::edit_pkb_item(store, &item, reflection(REFLECTION)).await.unwrap())
        .await
        .unwrap();
    let progress = PkbItemPatch { progress: Some(50), ..Default::default() };
    d.session.change(&changes::edit_pkb_item(store, &item, progress).await.unwrap()).await.unwrap();
    d.session.change(&changes::join_community(store, &d.me, "kom-05").await.unwrap()).await.unwrap();

    // Offline for longer than the bound: a device without signal loses nothing.
    proxy.set_mode(ChaosMode::Down);
    for _ in 0..MAX_ATTEMPTS + 2 {
        assert_eq!(d.session.sync_now().await.unwrap().phase, SyncPhase::Offline);
    }
    let waiting = store.outbox().await.unwrap();
    assert_eq!(waiting.len(), 3, "nothing is given up while offline: {waiting:?}");
    assert!(waiting.iter().all(|p| p.attempts == 0), "being offline is not an attempt: {waiting:?}");

    // The whole server failing (every request a bare 502, as a proxy says when the server is down): an
    // outage, not this change's fault, so it does not count either.
    proxy.set_mode(ChaosMode::Answer { path: "/", status: 502, body: "" });
    for _ in 0..MAX_ATTEMPTS + 2 {
        assert_ne!(d.session.sync_now().await.unwrap().phase, SyncPhase::Idle);
    }
    let waiting = store.outbox().await.unwrap();
    assert!(waiting.iter().all(|p| p.attempts == 0), "an outage is not an attempt: {waiting:?}");
    assert!(store.notices().await.unwrap().is_empty(), "nothing refused during an outage");

    // Only this one change fails (a bare 500), the rest of the server works.
    proxy.set_mode(ChaosMode::Answer { path: route, status: 500, body: "" });
    let answered_before = proxy.answered();
    for n in 1..MAX_ATTEMPTS {
        let s = d.session.sync_now().await.unwrap();
        assert_eq!((s.waiting, s.notices), (3, 0), "still tried, in order, on attempt {n}: {s:?}");
        assert_eq!(store.outbox().await.unwrap()[0].attempts, n, "each pass the server answered counts once");
        assert_eq!(
            (s.phase, s.problem.and_then(|p| p.reason)),
            (SyncPhase::Error, Some(Reason::FailingAgain { attempts: n as u32, max: MAX_ATTEMPTS as u32 })),
            "the sync line can say why, as data"
        );
    }
    let s = d.session.sync_now().await.unwrap();
    assert_eq!((s.phase, s.waiting, s.notices), (SyncPhase::Idle, 0, 2), "given up after the bound: {s:?}");
    let notices = store.notices().await.unwrap();
    assert!(
        notices[0].body.as_deref().is_some_and(|b| b.contains(REFLECTION)),
        "the refused change keeps what the user wrote: {notices:?}"
    );
    assert!(
        notices[1].body.as_deref().is_some_and(|b| b.contains("\"progress\":50")),
        "the later edit of the same item is refused with it, its content kept too: {notices:?}"
    );
    assert!(member_on_server(&server, "kom-05").await, "the independent change behind it reached the server");
    // Why, as data the screen words in the user's language (and when).
    let refused = d.session.refused().await.unwrap();
    assert_eq!(
        refused.iter().map(|r| r.reason.reason.clone()).collect::<Vec<_>>(),
        [Some(Reason::GivenUp { attempts: MAX_ATTEMPTS as u32 }), Some(Reason::HeldBack)],
        "given up after the bound, and the edit behind it held back: {refused:?}"
    );
    assert!(refused.iter().all(|r| r.at.ends_with('Z')), "each says when: {refused:?}");
    let shown = store.record(RecordKind::PkbItem, &item).await.unwrap().unwrap();
    assert!(
        !shown.pending && shown.parse::<PkbItem>().unwrap().reflection != REFLECTION,
        "the item shows the server's copy again: {shown:?}"
    );
    let tries = proxy.answered() - answered_before;
    let per_call = penggerak_client::retry::Backoff::default().max_attempts as usize;
    assert_eq!(
        tries,
        MAX_ATTEMPTS as usize * per_call,
        "only the failing change was sent to the failing route: the edit behind it never went on top of it"
    );

    // Given up means no longer sent.
    for _ in 0..3 {
        assert_eq!(d.session.sync_now().await.unwrap().phase, SyncPhase::Idle);
    }
    assert_eq!(proxy.answered() - answered_before, tries, "a refused change is not retried");
}

/// A change whose answer never comes (the server dies on it, or something on the way resets it, every time)
/// while the rest of the server answers: the first cuts are the link's lot (a bad mobile link cuts a change
/// many times before it gets through), but once such cuts have gone on for `CUT_SPACING_SECS` a pass whose
/// pull the server answered counts, so it is given up after the bound like a change the server fails with a
/// 500, not waited for for ever with every change behind it.
#[tokio::test]
async fn a_change_whose_answer_never_comes_is_given_up_after_the_bound() {
    use penggerak_core::clock::{Clock, FixedClock};
    use penggerak_core::testing::CUT_SPACING_SECS;
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 15);
    let (mut d, _item, route) = with_an_edit_waiting(&proxy).await;
    let clock = Arc::new(FixedClock::at(1_796_000_000));
    d.session.set_clock(clock.clone());
    let later = |secs: i64| clock.set(clock.now() + secs);
    let store = d.session.store().clone();
    let store = &store;
    d.session.change(&changes::join_community(store, &d.me, "kom-05").await.unwrap()).await.unwrap();

    proxy.set_mode(ChaosMode::Cut { path: route });
    for _ in 0..3 {
        let s = d.session.sync_now().await.unwrap();
        assert_eq!(s.phase, SyncPhase::Offline, "cuts a moment apart are the link's: {s:?}");
        later(CUT_SPACING_SECS / 4);
    }
    assert_eq!(store.outbox().await.unwrap()[0].attempts, 0, "none counted within the spacing");
    for n in 1..MAX_ATTEMPTS {
        later(CUT_SPACING_SECS);
        let s = d.session.sync_now().await.unwrap();
        assert_eq!((s.waiting, s.notices), (2, 0), "still tried, in order, on pass {n}: {s:?}");
        assert_eq!(
            store.outbox().await.unwrap()[0].attempts,
            n,
            "a pass whose pull the server answered counts the cut change once"
        );
        assert_eq!(
            (s.phase, s.problem.and_then(|p| p.reason)),
            (SyncPhase::Error, Some(Reason::FailingAgain { attempts: n as u32, max: MAX_ATTEMPTS as u32 })),
            "the sync line says it failed and will be sent again"
        );
    }
    later(CUT_SPACING_SECS);
    let s = d.session.sync_now().await.unwrap();
    assert_eq!((s.phase, s.waiting, s.notices), (SyncPhase::Idle, 0, 1), "given up after the bound: {s:?}");
    let notices = store.notices().await.unwrap();
    assert!(
        notices[0].body.as_deref().is_some_and(|b| b.contains(REFLECTION)),
        "what she wrote is kept: {notices:?}"
    );
    assert_eq!(
        d.session.refused().await.unwrap()[0].reason.reason,
        Some(Reason::GivenUpUnanswered { attempts: MAX_ATTEMPTS as u32 }),
        "why, as data: no answer came after it was sent, so the server may have it (a change the server \
         answered with failures is plain `GivenUp`, above)"
    );
    assert!(member_on_server(&server, "kom-05").await, "the change behind it reached the server");

    // Cut while the whole server cannot be reached either: not counted (the pull says it is the network).
    let (d, _item, route) = with_an_edit_waiting(&proxy).await;
    proxy.set_mode(ChaosMode::Cut { path: "/" });
    for _ in 0..MAX_ATTEMPTS + 1 {
        assert_ne!(d.session.sync_now().await.unwrap().phase, SyncPhase::Idle);
    }
    let waiting = d.session.store().outbox().await.unwrap();
    assert!(waiting.iter().all(|p| p.attempts == 0), "cut everywhere is no attempt: {waiting:?}");
    assert!(d.session.store().notices().await.unwrap().is_empty(), "and nothing given up");
    let _ = route;
}

#[tokio::test]
async fn a_proxys_html_413_refuses_the_change_at_once_and_a_429_only_waits() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 14);
    let (d, item, route) = with_an_edit_waiting(&proxy).await;
    let store = d.session.store();
    d.session.change(&changes::join_community(store, &d.me, "kom-05").await.unwrap()).await.unwrap();

    // "Too many requests" from a proxy says wait, not give up; and it says nothing about the change.
    proxy.set_mode(ChaosMode::Answer { path: route, status: 429, body: "<html>Too Many Requests</html>" });
    for _ in 0..MAX_ATTEMPTS + 1 {
        let s = d.session.sync_now().await.unwrap();
        assert_eq!((s.waiting, s.notices), (2, 0), "a 429 keeps the change waiting: {s:?}");
    }
    assert_eq!(store.outbox().await.unwrap()[0].attempts, 0, "a 429 is not an attempt");

    // An HTML 413 will fail the same way every time: refused at the first answer.
    proxy.set_mode(ChaosMode::Answer {
        path: route,
        status: 413,
        body: "<html><body><h1>413 Request Entity Too Large</h1></body></html>",
    });
    let before = proxy.answered();
    let s = d.session.sync_now().await.unwrap();
    assert_eq!((s.phase, s.waiting, s.notices), (SyncPhase::Idle, 0, 1), "refused at once: {s:?}");
    assert_eq!(proxy.answered() - before, 1, "sent once, not retried");
    let notices = store.notices().await.unwrap();
    assert_eq!(notices[0].code, "payload_too_large", "the status says why: {notices:?}");
    assert!(notices[0].body.as_deref().is_some_and(|b| b.contains(REFLECTION)), "content kept: {notices:?}");
    assert!(member_on_server(&server, "kom-05").await, "the change behind it reached the server");

    // What the refused-changes screen shows: the reason as data, and what the change carried, by field.
    let shown = d.session.refused().await.unwrap();
    assert_eq!(shown.len(), 1, "one refused change to show: {shown:?}");
    assert_eq!(
        shown[0].reason.code,
        penggerak_types::ErrorCode::PayloadTooLarge,
        "the reason is a code the UI words"
    );
    assert!(
        shown[0].fields.iter().any(|f| f.value.as_str() == Some(REFLECTION)),
        "the reflection she wrote is shown for her to redo: {shown:?}"
    );
    assert!(shown[0].fields.iter().all(|f| f.field != "base_version"), "bookkeeping is not shown");
    let err = d.session.sign_out(false).await.unwrap_err();
    assert_eq!(
        err.to_api_error().code,
        penggerak_types::ErrorCode::ChangesWaiting,
        "signing out would lose the refused change she has not read: asked first"
    );
    // She opens it again to fix it: her text goes back into the reflection's editor as a draft and the
    // notice goes; saved again (the proxy out of the way now), it reaches the server.
    assert_eq!(shown[0].reopen, Some(ReopenPage::Pkb), "a reflection can be opened again on Rencana");
    // Other text she has typed there since is not overwritten: she is told to save it first.
    store.save_draft(&reflection_draft_key(&item), "Teks lain yang sedang ditulis").await.unwrap();
    let e = d.session.reopen_refused(shown[0].id).await.unwrap_err().to_api_error();
    assert_eq!(e.reason, Some(Reason::DraftInTheWay), "{e:?}");
    assert_eq!(d.session.refused().await.unwrap().len(), 1, "the notice stays");
    store.save_draft(&reflection_draft_key(&item), "").await.unwrap();
    // Opened again into a device already holding all the draft text it keeps: refused like typed text
    // would be, the notice kept.
    let (big, fillers) = ("a".repeat(limits::DRAFT_TEXT), limits::DRAFTS_BYTES / limits::DRAFT_TEXT);
    for n in 0..fillers {
        store.save_draft(&format!("reflection:isi-{n}"), &big).await.unwrap();
    }
    let e = d.session.reopen_refused(shown[0].id).await.unwrap_err().to_api_error();
    assert!(matches!(e.reason, Some(Reason::DraftsFull { .. })), "{e:?}");
    assert_eq!(d.session.refused().await.unwrap().len(), 1, "the notice stays, with her text");
    assert_eq!(
        store.draft(&reflection_draft_key(&item)).await.unwrap().as_deref(),
        Some(""),
        "box unchanged"
    );
    for n in 0..fillers {
        store.discard_draft(&format!("reflection:isi-{n}")).await.unwrap();
    }
    assert_eq!(
        d.session.reopen_refused(shown[0].id).await.unwrap(),
        ReopenPage::Pkb,
        "an empty box is no draft"
    );
    assert_eq!(
        store.draft(&reflection_draft_key(&item)).await.unwrap().as_deref(),
        Some(REFLECTION),
        "every character she wrote is back in the editor"
    );
    assert!(d.session.refused().await.unwrap().is_empty(), "no longer listed as refused");
    assert!(d.session.reopen_refused(shown[0].id).await.is_err(), "opened once");
    proxy.set_mode(ChaosMode::Pass);
    let fixed = format!("{REFLECTION} (diperbaiki)");
    d.session
        .act(penggerak_types::ipc::Action::EditPkbItem { id: item.clone(), patch: reflection(&fixed) })
        .await
        .unwrap();
    assert_eq!(store.draft(&reflection_draft_key(&item)).await.unwrap(), None, "saved: the draft goes");
    assert_eq!(d.session.sync_now().await.unwrap().waiting, 0, "sent");
    let client = penggerak_client::ApiClient::new(&server.base_url()).unwrap();
    let token = client.login(SITI, DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let overview: penggerak_types::pkb::PkbOverview = client.get_json(&token, route::PKB, &[]).await.unwrap();
    let on_server = overview.items.iter().find(|i| i.id == item).expect("her item on the server");
    assert_eq!(on_server.reflection, fixed, "the fixed text reached the server");

    // A change without text of hers (a progress edit) is read and dismissed instead.
    proxy.set_mode(ChaosMode::Answer { path: route, status: 413, body: "<html>413</html>" });
    let progress =
        PkbItemPatch { progress: Some(on_server.progress.saturating_add(5).min(95)), ..Default::default() };
    d.session.change(&changes::edit_pkb_item(store, &item, progress).await.unwrap()).await.unwrap();
    d.session.sync_now().await.unwrap();
    let shown = d.session.refused().await.unwrap();
    assert_eq!((shown.len(), shown[0].reopen.clone()), (1, None), "nothing of hers to open again: {shown:?}");
    d.session.dismiss_refused(shown[0].id).await.unwrap();
    assert!(d.session.refused().await.unwrap().is_empty(), "dismissed once read");
}

#[tokio::test]
async fn a_change_held_by_the_servers_pace_does_not_hold_back_what_others_changed() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 15);
    let (d, _, route) = with_an_edit_waiting(&proxy).await;
    let store = d.session.store();
    // Her changes of the day are spent (the server's 429 on her edit), and meanwhile she joins a community
    // on her laptop.
    proxy.set_mode(ChaosMode::Answer {
        path: route,
        status: 429,
        body: r#"{"code":"rate_limited","message":"Terlalu banyak perubahan hari ini."}"#,
    });
    let client = penggerak_client::ApiClient::new(&server.base_url()).unwrap();
    let token = client.login(SITI, DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let join = route::Write::JoinCommunity { community: "kom-05".into() };
    client.write(&token, &join, None, &uuid::Uuid::new_v4().to_string()).await.unwrap();

    let s = d.session.sync_now().await.unwrap();
    assert_eq!(s.waiting, 1, "her edit waits for the server's pace: {s:?}");
    assert_eq!(
        s.problem.as_ref().map(|p| p.code),
        Some(penggerak_types::ErrorCode::RateLimited),
        "and the sync line says why: {s:?}"
    );
    let joined = store.records(RecordKind::Membership).await.unwrap();
    assert!(
        joined.iter().any(|r| r.parse::<Membership>().is_ok_and(|m| m.community_id == "kom-05")),
        "what she did elsewhere came in meanwhile (the server answered: only the change waits)"
    );
}

#[tokio::test]
async fn the_principals_refused_feedback_is_opened_again_on_the_staff_members_page() {
    use penggerak_types::ipc::{feedback_draft_key, Action};
    use penggerak_types::kinerja::{NewFeedback, PerformancePlan};
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 16);
    let bambang = device_as(&proxy, "196805121990031004").await;
    let plans = bambang.session.store().records(RecordKind::PerformancePlan).await.unwrap();
    let plan = plans
        .iter()
        .filter_map(|r| r.parse::<PerformancePlan>().ok())
        .find(|p| p.owner_id != bambang.me)
        .expect("a staff member's plan on his device");
    proxy.set_mode(ChaosMode::Answer {
        path: "/api/v1/kinerja/feedback",
        status: 422,
        body: r#"{"code":"validation","message":"Umpan balik ditolak."}"#,
    });
    let text = "Indikator kedua perlu angka yang terukur.";
    let new = NewFeedback { id: String::new(), plan_id: plan.id.clone(), text: text.into() };
    bambang.session.act(Action::GiveFeedback { new }).await.unwrap();
    let s = bambang.session.sync_now().await.unwrap();
    assert_eq!(s.notices, 1, "his feedback was refused: {s:?}");

    let shown = bambang.session.refused().await.unwrap();
    let her_page = ReopenPage::StaffMember { teacher: plan.owner_id.clone() };
    assert_eq!(shown[0].reopen, Some(her_page.clone()), "offered to open again, on her page: {shown:?}");
    assert_eq!(bambang.session.reopen_refused(shown[0].id).await.unwrap(), her_page);
    assert_eq!(
        bambang.session.store().draft(&feedback_draft_key(&plan.id)).await.unwrap().as_deref(),
        Some(text),
        "every word he wrote is back in the feedback box"
    );
    assert!(bambang.session.refused().await.unwrap().is_empty(), "no longer listed as refused");
}

/// A refused text is opened again only into a box her page still shows: once the observation it prepared
/// is done, Kinerja shows no preparation box, and "Buka lagi" put the text into a draft nobody could see
/// and took the notice (the only place it was shown) away (found by a read-only review). The notice
/// stays, its text shown field by field, with nothing to open it into.
#[tokio::test]
async fn a_refused_text_is_not_opened_into_a_box_her_page_no_longer_shows() {
    use penggerak_types::ipc::{observation_preparation_draft_key, Action};
    use penggerak_types::kinerja::{NewObservation, ObservationPatch, ObservationStatus, PlanStatus};
    let server = TestServer::start();
    let (hers, his) = (ChaosProxy::start(server.addr(), 17), ChaosProxy::start(server.addr(), 18));
    let siti = device_as(&hers, SITI).await;
    let bambang = device_as(&his, "196805121990031004").await;
    let plan = siti.session.kinerja().await.unwrap().plan.expect("Siti has a plan");
    if plan.status != PlanStatus::PerluDisetujui {
        let submit =
            Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::PerluDisetujui, note: None };
        siti.session.act(submit).await.unwrap();
        siti.session.sync_now().await.unwrap();
        bambang.session.sync_now().await.unwrap();
    }
    let approve = Action::MovePerformancePlan { id: plan.id.clone(), to: PlanStatus::Disetujui, note: None };
    bambang.session.act(approve).await.unwrap();
    let new = NewObservation {
        id: uuid::Uuid::new_v4().to_string(),
        plan_id: plan.id.clone(),
        scheduled_at: format!("{}T08:00", bambang.session.today().await.unwrap()),
        class_name: "Kelas IV A".into(),
        focus: String::new(),
    };
    let id = new.id.clone();
    bambang.session.act(Action::ScheduleObservation { new }).await.unwrap();
    assert_eq!(bambang.session.sync_now().await.unwrap().waiting, 0, "approved and scheduled");
    siti.session.sync_now().await.unwrap();

    // Her preparation is refused by the server.
    let path: &'static str = Box::leak(format!("/api/v1/kinerja/observations/{id}").into_boxed_str());
    hers.set_mode(ChaosMode::Answer {
        path,
        status: 422,
        body: r#"{"code":"validation","message":"Persiapan ditolak."}"#,
    });
    let version = |e: &Engine| {
        let (e, id) = (e.store().clone(), id.clone());
        async move { e.record(RecordKind::Observation, &id).await.unwrap().unwrap().server_version }
    };
    let text = "Saya akan memakai lembar kerja berjenjang untuk tiga kelompok.";
    let patch = ObservationPatch {
        base_version: version(&siti.session).await,
        preparation: Some(text.into()),
        ..Default::default()
    };
    siti.session.act(Action::EditObservation { id: id.clone(), patch }).await.unwrap();
    assert_eq!(siti.session.sync_now().await.unwrap().notices, 1, "her preparation was refused");
    hers.set_mode(ChaosMode::Pass);

    // Meanwhile the observation took place and is done.
    for status in [ObservationStatus::Dilaksanakan, ObservationStatus::Selesai] {
        bambang.session.sync_now().await.unwrap();
        let patch = ObservationPatch {
            base_version: version(&bambang.session).await,
            status: Some(status),
            ..Default::default()
        };
        bambang.session.act(Action::EditObservation { id: id.clone(), patch }).await.unwrap();
        assert_eq!(bambang.session.sync_now().await.unwrap().waiting, 0, "{status:?} on the server");
    }
    siti.session.sync_now().await.unwrap();

    let shown = siti.session.refused().await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].reopen, None, "no box on her page to open the text into: not offered: {shown:?}");
    assert!(siti.session.reopen_refused(shown[0].id).await.is_err(), "and not done if asked");
    assert_eq!(siti.session.refused().await.unwrap().len(), 1, "the notice with her text stays");
    assert_eq!(
        siti.session.store().draft(&observation_preparation_draft_key(&id)).await.unwrap(),
        None,
        "no draft behind a box that is not drawn"
    );
}

/// A pengawas's schools shown from the copy kept on her device whenever the server cannot answer now: a
/// busy server (its own 503) showed only an error, though the copy was there (found by a read-only
/// review); only a server not reached fell back to it.
#[tokio::test]
async fn a_busy_server_shows_the_pengawas_the_copy_she_has() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 19);
    let dewi = device_as(&proxy, "dewi.kusumawardani@demo.penggerak.id").await;
    let online = dewi.session.supervision().await.unwrap();
    assert!(!online.offline);
    for (status, body) in [
        (503, r#"{"code":"server_busy","message":"Server sedang sibuk."}"#),
        (429, "<html>Too many requests</html>"),
        (500, r#"{"code":"internal","message":"Server gagal."}"#),
    ] {
        proxy.set_mode(ChaosMode::Answer { path: "/api/v1/supervision/schools", status, body });
        let kept = dewi
            .session
            .supervision()
            .await
            .unwrap_or_else(|e| panic!("HTTP {status}: the copy she has, not an error: {e}"));
        assert!(kept.offline, "HTTP {status}: marked as the copy kept from before");
        assert_eq!((&kept.value, &kept.fetched_at), (&online.value, &online.fetched_at), "HTTP {status}");
    }
}
