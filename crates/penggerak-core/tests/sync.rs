//! The offline engine against the real reference server: full and delta sync into a real SQLite store,
//! changes made offline that wait and then sync, refused changes kept as notices, and several devices
//! converging through a bad network.

use penggerak_client::ApiClient;
use penggerak_core::testing::changes;
use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, ChaosMode, ChaosProxy, TestServer, DEMO_PASSWORD};
use penggerak_types::api::{Community, CommunityDetail, CommunitySummary};
use penggerak_types::ipc::ChangeLabel;
use penggerak_types::ipc::{SyncPhase, SyncStatus};
use penggerak_types::route;
use penggerak_types::{Reason, RecordKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "196805121990031004";

async fn open(dir: &Path, tokens: &Arc<MemoryStore>) -> Engine {
    let mut s = Engine::open(dir, tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    s.set_request_timeout(Duration::from_secs(3));
    s
}

async fn sign_in(session: &Engine, server_url: &str, identifier: &str) -> String {
    let state = session.sign_in(demo_sign_in(identifier, server_url)).await.unwrap();
    match state {
        penggerak_types::ipc::SessionState::SignedIn { profile, .. } => profile.id,
        other => panic!("not signed in: {other:?}"),
    }
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An access token for `identifier`, straight from the server (through the project's own client).
async fn token(server: &TestServer, identifier: &str) -> String {
    let client = ApiClient::new(&server.base_url()).unwrap();
    client.login(identifier, DEMO_PASSWORD).await.unwrap().tokens.access_token
}

/// The community as the server sees it, for the holder of `token`.
async fn server_detail(server: &TestServer, token: &str, id: &str) -> CommunityDetail {
    let client = ApiClient::new(&server.base_url()).unwrap();
    client.get_json(token, route::COMMUNITY, &[id]).await.unwrap()
}

async fn member_count(session: &Engine, id: &str) -> i64 {
    session
        .store()
        .record(RecordKind::Community, id)
        .await
        .unwrap()
        .unwrap()
        .parse::<Community>()
        .unwrap()
        .member_count
}

#[tokio::test]
async fn a_full_sync_in_pages_fills_the_store_and_a_second_one_brings_nothing() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let mut session = open(dir.path(), &tokens).await;
    session.set_sync_page_size(9);
    sign_in(&session, &server.base_url(), SITI).await;
    // Every status the UI would see during the sync (a watch keeps the latest; pages take long enough that
    // several are seen).
    let mut watch = session.sync_status();
    let seen = tokio::spawn(async move {
        let mut seen = Vec::new();
        while watch.changed().await.is_ok() {
            let s = watch.borrow_and_update().clone();
            let done = s.phase == SyncPhase::Idle && s.received > 0;
            seen.push(s);
            if done {
                break;
            }
        }
        seen
    });
    let status = session.sync_now().await.unwrap();
    assert_eq!(status.phase, SyncPhase::Idle, "{status:?}");
    assert!(status.received > 60, "a first sync brings people, schools, communities and events: {status:?}");
    let seen = tokio::time::timeout(Duration::from_secs(60), seen)
        .await
        .expect("the status reached Idle within a minute (a bound, not a speed claim)")
        .unwrap();
    let pulling: Vec<_> = seen.iter().filter(|s| s.phase == SyncPhase::Pulling && s.expected > 0).collect();
    assert!(pulling.len() >= 2, "a sync of many pages reports its progress page by page: {seen:?}");
    for s in &pulling {
        assert_eq!(s.expected, status.received, "received + what the server said remains = the whole sync");
        let whole_pages = s.received % 9 == 0 || s.received == s.expected;
        assert!(s.received <= s.expected && whole_pages, "pages of 9, the last one shorter: {s:?}");
    }
    assert!(pulling.windows(2).all(|w| w[0].received <= w[1].received), "progress only goes forward");
    assert!(status.last_synced_at.is_some());
    let store = session.store();
    assert_eq!(store.records(RecordKind::Community).await.unwrap().len(), 20);
    assert!(
        store.records(RecordKind::School).await.unwrap().is_empty(),
        "no school's record reaches a teacher's device (hers comes with her profile)"
    );
    let people = store.records(RecordKind::Person).await.unwrap();
    assert_eq!(people.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["guru-siti"], "only herself");
    assert!(!store.records(RecordKind::Membership).await.unwrap().is_empty());

    let again = session.sync_now().await.unwrap();
    assert_eq!((again.phase, again.received), (SyncPhase::Idle, 0), "nothing changed, nothing received");
}

#[tokio::test]
async fn a_join_made_offline_waits_survives_a_restart_and_syncs_when_the_server_is_back() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 1);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = open(dir.path(), &tokens).await;
    let me = sign_in(&session, &proxy.base_url(), SITI).await;
    session.sync_now().await.unwrap();
    let before = member_count(&session, "kom-05").await;

    proxy.set_mode(ChaosMode::Down);
    let change = changes::join_community(session.store(), &me, "kom-05").await.unwrap();
    session.change(&change).await.unwrap();
    let m = session.store().record(RecordKind::Membership, "kom-05:guru-siti").await.unwrap();
    assert!(m.is_some_and(|m| m.pending), "the join shows at once, marked as waiting");
    assert_eq!(member_count(&session, "kom-05").await, before + 1, "and the count moves with it");
    let status = session.sync_now().await.unwrap();
    assert_eq!((status.phase, status.waiting), (SyncPhase::Offline, 1), "{status:?}");

    // The app is closed and opened again, still offline: the change is still there.
    session.store().close().await;
    drop(session);
    let session = open(dir.path(), &tokens).await;
    assert_eq!(session.store().outbox().await.unwrap().len(), 1, "the waiting change survived the restart");
    assert_eq!(session.sync_now().await.unwrap().phase, SyncPhase::Offline);

    proxy.set_mode(ChaosMode::Pass);
    let status = session.sync_now().await.unwrap();
    assert_eq!((status.phase, status.waiting), (SyncPhase::Idle, 0), "{status:?}");
    let m = session.store().record(RecordKind::Membership, "kom-05:guru-siti").await.unwrap().unwrap();
    assert!(!m.pending && m.server_version >= 1, "now confirmed by the server: {m:?}");
    assert_eq!(member_count(&session, "kom-05").await, before + 1);
    let on_server = server_detail(&server, &token(&server, SITI).await, "kom-05").await;
    assert!(on_server.summary.is_member, "the server has the membership");
    assert_eq!(on_server.summary.member_count, before + 1, "exactly once");
}

#[tokio::test]
async fn a_refused_change_becomes_a_notice_and_the_screen_shows_the_server_again() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = open(dir.path(), &tokens).await;
    let me = sign_in(&session, &server.base_url(), SITI).await;
    session.sync_now().await.unwrap();
    // Siti leads kom-01: the server refuses her leaving it (409 without a copy: a rule, not a conflict).
    let change = changes::leave_community(session.store(), &me, "kom-01").await.unwrap();
    session.change(&change).await.unwrap();
    assert!(session.store().record(RecordKind::Membership, "kom-01:guru-siti").await.unwrap().is_none());
    let status = session.sync_now().await.unwrap();
    assert_eq!((status.waiting, status.notices), (0, 1), "{status:?}");
    let notices = session.store().notices().await.unwrap();
    assert_eq!(notices[0].code, "conflict");
    assert!(notices[0].label.contains("KKG Gugus 3 Depok"), "the notice says what was refused: {notices:?}");
    assert!(
        session.store().record(RecordKind::Membership, "kom-01:guru-siti").await.unwrap().is_some(),
        "the membership the server kept is shown again"
    );
    session.store().dismiss_notice(notices[0].id).await.unwrap();
    assert!(session.store().notices().await.unwrap().is_empty(), "a read notice goes away");
    // Sign-out is free now, but not while a change waits.
    let change = changes::join_community(session.store(), &me, "kom-07").await.unwrap();
    session.store().enqueue(&change).await.unwrap();
    let refused = session.sign_out(false).await.unwrap_err();
    assert_eq!(refused.to_api_error().code, penggerak_types::ErrorCode::ChangesWaiting);
    session.sign_out(true).await.unwrap();
    assert!(
        session.store().records(RecordKind::Community).await.unwrap().is_empty(),
        "sign-out wipes the data"
    );
    assert!(session.store().outbox().await.unwrap().is_empty());
}

/// Several devices toggle memberships through a bad link (latency, throttling, resets mid-response, hung
/// connections). Each device keeps a model of what its user meant — every toggle it made, with the
/// server's one rule (a lead cannot leave her own community) —, and afterwards the server holds exactly
/// the union of those models: no change dropped, none applied twice (member counts moved once per net
/// change), and each device's view agrees with the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_converge_through_a_bad_network() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 42);
    let users = [SITI, "5104765432100004", "196805121990031004"];
    let communities: Vec<String> = (1..=20).map(|i| format!("kom-{i:02}")).collect();
    // The server before anything: each community's member count, and each user's memberships.
    let counts_before = member_counts(&server, &communities).await;
    let mut devices = Vec::new();
    for (n, user) in users.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = Arc::new(MemoryStore::default());
        let mut session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
        session.set_request_timeout(Duration::from_millis(1500));
        let me = sign_in(&session, &server.base_url(), user).await;
        // Sign-in went direct; from now on every request crosses the bad link.
        drop(session);
        tokens_point_at(&tokens, &proxy.base_url());
        let mut session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
        session.set_request_timeout(Duration::from_millis(1500));
        devices.push((n, me, Arc::new(session), dir));
    }
    let mut initial = Vec::new();
    for user in users {
        let token = token(&server, user).await;
        let mut mine = BTreeSet::new();
        for id in &communities {
            if server_detail(&server, &token, id).await.summary.is_member {
                mine.insert(id.clone());
            }
        }
        initial.push(mine);
    }
    proxy.set_mode(ChaosMode::Bad {
        latency: Duration::from_millis(15),
        bytes_per_sec: 400_000,
        reset: 0.5,
        hang: 0.2,
    });
    let mut tasks = Vec::new();
    for (n, me, session, _) in &devices {
        let (n, me, session) = (*n, me.clone(), Arc::clone(session));
        // The server asked directly (not through the bad link), as this user.
        let direct = ApiClient::new(&server.base_url()).unwrap();
        let their_token = token(&server, users[n]).await;
        tasks.push(tokio::spawn(async move {
            let mut rounds = 0;
            while session.sync_now().await.unwrap().phase != SyncPhase::Idle {
                rounds += 1;
                assert!(rounds < 400, "{me}: the first sync never finished through the bad link");
            }
            // The model starts from what the device shows after a full sync: the server's memberships.
            let mut meant: BTreeMap<String, bool> = BTreeMap::new();
            let mut leads = BTreeSet::new();
            for r in session.store().records(RecordKind::Community).await.unwrap() {
                let c: Community = r.parse().unwrap();
                let member = session
                    .store()
                    .record(RecordKind::Membership, &format!("{}:{me}", c.id))
                    .await
                    .unwrap()
                    .is_some();
                meant.insert(c.id.clone(), member);
                if c.lead_id == me {
                    leads.insert(c.id);
                }
            }
            // 60 changes each: joins and leaves over a rotating set of communities, synced now and then.
            let mut made = 0;
            let mut checkpoints = 0;
            for step in 0..60usize {
                let id = format!("kom-{:02}", 1 + (step * 7 + n * 3) % 20);
                let member = session
                    .store()
                    .record(RecordKind::Membership, &format!("{id}:{me}"))
                    .await
                    .unwrap()
                    .is_some();
                let change = if member {
                    changes::leave_community(session.store(), &me, &id).await.unwrap()
                } else {
                    changes::join_community(session.store(), &me, &id).await.unwrap()
                };
                // What the user means the server to hold now (a lead's leave is refused by rule).
                if !(member && leads.contains(&id)) {
                    meant.insert(id.clone(), !member);
                }
                session.store().enqueue(&change).await.unwrap();
                made += 1;
                if step.is_multiple_of(3) {
                    let s = session.sync_now().await.unwrap();
                    // Whenever the outbox drained, everything meant so far is on the server, once — so a
                    // change dropped in the middle is seen even if a later one would hide it at the end.
                    if s.phase == SyncPhase::Idle && s.waiting == 0 {
                        let listed: Vec<CommunitySummary> =
                            direct.get_json(&their_token, route::COMMUNITIES, &[]).await.unwrap();
                        let on_server: BTreeSet<&str> =
                            listed.iter().filter(|c| c.is_member).map(|c| c.id.as_str()).collect();
                        let expected: BTreeSet<&str> =
                            meant.iter().filter(|(_, m)| **m).map(|(id, _)| id.as_str()).collect();
                        assert_eq!(
                            on_server, expected,
                            "{me} after step {step}: the server holds what was meant"
                        );
                        checkpoints += 1;
                    }
                }
            }
            (made, meant, checkpoints)
        }));
    }
    let mut total = 0;
    let mut models = Vec::new();
    let mut checkpoints = 0;
    for t in tasks {
        let (made, meant, checked) = t.await.unwrap();
        total += made;
        checkpoints += checked;
        models.push(meant);
    }
    eprintln!("{checkpoints} drained outboxes checked against the server mid-run");
    assert_eq!(total, 180, "hundreds of changes were made");
    // Keep syncing through the bad link until every outbox is empty.
    for (_, _, session, _) in &devices {
        let mut rounds = 0;
        loop {
            let s = session.sync_now().await.unwrap();
            if s.waiting == 0 && s.phase == SyncPhase::Idle {
                break;
            }
            rounds += 1;
            assert!(rounds < 400, "a device never drained its outbox: {s:?}");
        }
    }
    proxy.set_mode(ChaosMode::Pass);
    // The server holds the union of what every device meant, each change once.
    let counts_after = member_counts(&server, &communities).await;
    for c in &communities {
        let moved: i64 = models
            .iter()
            .zip(&initial)
            .map(|(meant, before)| i64::from(meant[c]) - i64::from(before.contains(c)))
            .sum();
        assert_eq!(
            counts_after[c] - counts_before[c],
            moved,
            "{c}: the member count moved once per change the devices meant"
        );
    }
    for (n, (_, me, session, _)) in devices.iter().enumerate() {
        let meant: BTreeSet<String> =
            models[n].iter().filter(|(_, m)| **m).map(|(id, _)| format!("{id}:{me}")).collect();
        let theirs = token(&server, users[n]).await;
        let mut on_server = BTreeSet::new();
        for id in &communities {
            if server_detail(&server, &theirs, id).await.summary.is_member {
                on_server.insert(format!("{id}:{me}"));
            }
        }
        assert_eq!(on_server, meant, "{me}: the server holds every membership the device meant, no other");
        session.sync_now().await.unwrap();
        let local: BTreeSet<String> = session
            .store()
            .records(RecordKind::Membership)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.id.ends_with(&format!(":{me}")))
            .map(|m| m.id)
            .collect();
        assert_eq!(local, on_server, "{me}: the device and the server agree on every membership");
        // The only refusals are leads trying to leave their own community (and changes to the same
        // community made after one, held back with it): kept as notices, not lost.
        for n in session.store().notices().await.unwrap() {
            let leaving = matches!(ChangeLabel::from_stored(&n.label), ChangeLabel::Leave { .. });
            let reason = n.reason.as_deref().and_then(|r| serde_json::from_str::<Reason>(r).ok());
            let lead_leaving =
                (leaving && reason == Some(Reason::LeadCannotLeave)) || reason == Some(Reason::HeldBack);
            assert!(n.code == "conflict" && lead_leaving, "{me}: unexpected refusal {n:?}");
        }
        assert_eq!(session.store().integrity_check().await.unwrap(), "ok");
    }
    let (resets, hangs) = proxy.faults();
    eprintln!("bad link: {resets} resets, {hangs} hangs over {} connections", proxy.connections());
    assert!(resets >= 5 && hangs >= 1, "the link really misbehaved: {resets} resets, {hangs} hangs");
}

/// Each community's member count on the server (as Siti sees it; counts are public).
async fn member_counts(server: &TestServer, ids: &[String]) -> BTreeMap<String, i64> {
    let token = token(server, SITI).await;
    let mut counts = BTreeMap::new();
    for id in ids {
        counts.insert(id.clone(), server_detail(server, &token, id).await.summary.member_count);
    }
    counts
}

fn tokens_point_at(tokens: &Arc<MemoryStore>, base_url: &str) {
    use penggerak_core::TokenStore;
    let mut t = tokens.load().unwrap().unwrap();
    t.server_url = base_url.to_owned();
    tokens.save(&t).unwrap();
}

/// The phone (behind `proxy`) and the laptop both change the reflection of `item_id`: the phone offline,
/// the laptop online and synced. Then the phone is back online, its edit not yet sent.
async fn diverge(
    proxy: &ChaosProxy,
    phone: &Engine,
    laptop: &Engine,
    item_id: &str,
    mine: &str,
    theirs: &str,
) {
    use penggerak_types::pkb::PkbItemPatch;
    let reflection = |text: &str| PkbItemPatch { reflection: Some(text.into()), ..Default::default() };
    proxy.set_mode(ChaosMode::Down);
    let edit = changes::edit_pkb_item(phone.store(), item_id, reflection(mine)).await.unwrap();
    phone.change(&edit).await.unwrap();
    let edit = changes::edit_pkb_item(laptop.store(), item_id, reflection(theirs)).await.unwrap();
    laptop.change(&edit).await.unwrap();
    assert_eq!(laptop.sync_now().await.unwrap().waiting, 0, "the laptop's edit reached the server first");
    proxy.set_mode(ChaosMode::Pass);
}

/// The same teacher edits one plan item on two devices; the one that was offline learns of the conflict,
/// keeps both versions, and the user chooses: keep mine, take theirs, or merge the texts.
#[tokio::test]
async fn a_conflict_keeps_both_versions_until_the_user_chooses() {
    use penggerak_core::testing::Resolution;
    use penggerak_types::pkb::PkbItem;
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 3);
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (tokens_a, tokens_b) = (Arc::new(MemoryStore::default()), Arc::new(MemoryStore::default()));
    let phone = open(dir_a.path(), &tokens_a).await;
    sign_in(&phone, &proxy.base_url(), SITI).await;
    let laptop = open(dir_b.path(), &tokens_b).await;
    sign_in(&laptop, &server.base_url(), SITI).await;
    phone.sync_now().await.unwrap();
    laptop.sync_now().await.unwrap();
    let item_id = phone.store().records(RecordKind::PkbItem).await.unwrap()[0].id.clone();
    let shown = |s: &Engine| {
        let id = item_id.clone();
        let store = s.store().clone();
        async move { store.record(RecordKind::PkbItem, &id).await.unwrap().unwrap() }
    };

    // Round 1: the phone edits offline, the laptop edits online; the phone keeps its own.
    diverge(&proxy, &phone, &laptop, &item_id, "dari ponsel", "dari laptop").await;
    let status = phone.sync_now().await.unwrap();
    assert_eq!(
        (status.conflicts, status.waiting),
        (1, 1),
        "the phone's edit waits as a conflict: {status:?}"
    );
    let both = shown(&phone).await;
    assert_eq!(both.parse::<PkbItem>().unwrap().reflection, "dari ponsel", "the user's own text is not lost");
    let theirs: PkbItem =
        both.conflict.as_ref().expect("the server's copy is kept beside it").parse().unwrap();
    assert_eq!(theirs.reflection, "dari laptop");
    assert_eq!(phone.store().conflicts().await.unwrap().len(), 1);
    // Syncing again does not silently settle it either way.
    assert_eq!(phone.sync_now().await.unwrap().conflicts, 1, "a conflict waits for the user");
    phone.store().resolve(RecordKind::PkbItem, &item_id, Resolution::KeepMine).await.unwrap();
    let status = phone.sync_now().await.unwrap();
    assert_eq!((status.conflicts, status.waiting), (0, 0), "{status:?}");
    laptop.sync_now().await.unwrap();
    assert_eq!(
        shown(&laptop).await.parse::<PkbItem>().unwrap().reflection,
        "dari ponsel",
        "kept mine reached the server"
    );

    // Round 2: take theirs.
    diverge(&proxy, &phone, &laptop, &item_id, "ponsel lagi", "laptop lagi").await;
    assert_eq!(phone.sync_now().await.unwrap().conflicts, 1);
    phone.store().resolve(RecordKind::PkbItem, &item_id, Resolution::TakeTheirs).await.unwrap();
    let status = phone.sync_now().await.unwrap();
    assert_eq!((status.conflicts, status.waiting), (0, 0));
    let now = shown(&phone).await;
    assert_eq!(now.parse::<PkbItem>().unwrap().reflection, "laptop lagi");
    assert!(!now.pending && now.conflict.is_none());

    // Round 3: merge the two texts.
    diverge(&proxy, &phone, &laptop, &item_id, "A", "B").await;
    phone.sync_now().await.unwrap();
    let mine: PkbItem = shown(&phone).await.parse().unwrap();
    let merged = PkbItem { reflection: "A\n\nB".into(), ..mine };
    let body = serde_json::json!({"base_version": 0, "reflection": "A\n\nB"});
    phone
        .store()
        .resolve(
            RecordKind::PkbItem,
            &item_id,
            Resolution::Merge { body, data: serde_json::to_value(&merged).unwrap() },
        )
        .await
        .unwrap();
    assert_eq!(phone.sync_now().await.unwrap().conflicts, 0);
    laptop.sync_now().await.unwrap();
    assert_eq!(shown(&laptop).await.parse::<PkbItem>().unwrap().reflection, "A\n\nB", "the merged text won");
}

#[tokio::test]
async fn every_kind_of_record_round_trips() {
    use penggerak_types::pkb::NewPkbItem;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = open(dir.path(), &tokens).await;
    let me = sign_in(&session, &server.base_url(), SITI).await;
    session.sync_now().await.unwrap();
    let kinds: BTreeSet<RecordKind> =
        session.store().counts().await.unwrap().into_iter().map(|(k, _)| k).collect();
    // (A `school` record goes to its principal only: `tests/sync.rs` of the server.)
    for k in [
        RecordKind::Person,
        RecordKind::Community,
        RecordKind::CommunityEvent,
        RecordKind::Membership,
        RecordKind::Programme,
        RecordKind::Participation,
        RecordKind::PkbPlan,
        RecordKind::PkbItem,
        RecordKind::Cycle,
        RecordKind::PerformancePlan,
        RecordKind::Material,
    ] {
        assert!(kinds.contains(&k), "{k} reaches the device");
    }
    // Her principal schedules an observation and she uploads evidence (through the project's client): both
    // reach her device by sync.
    let client = ApiClient::new(&server.base_url()).unwrap();
    let skp = session.store().records(RecordKind::PerformancePlan).await.unwrap()[0].id.clone();
    let obs = serde_json::json!({"id": "6b0c0d0e-0000-4000-8000-000000000001", "plan_id": skp,
        "scheduled_at": "2026-12-02T08:00", "class_name": "Kelas IV"});
    let principal = token(&server, "196805121990031004").await;
    client.mutate(&principal, "POST", route::KINERJA_OBSERVATIONS, &[], Some(&obs), &uuid()).await.unwrap();
    let own = token(&server, SITI).await;
    client
        .upload(
            &own,
            "6b0c0d0e-0000-4000-8000-000000000002",
            &[("plan_id", &skp), ("title", "Bukti"), ("file_name", "b.pdf")],
            b"%PDF-1.4\n%%EOF\n".to_vec(),
            &uuid(),
        )
        .await
        .unwrap();
    session.sync_now().await.unwrap();
    for k in [RecordKind::Observation, RecordKind::Evidence] {
        assert_eq!(session.store().records(k).await.unwrap().len(), 1, "{k} reaches the device");
    }

    // A new item made on the device reaches the server under its own id, and comes back by sync elsewhere.
    let plan = session.store().records(RecordKind::PkbPlan).await.unwrap()[0].id.clone();
    let id = "7f1d2c3b-0000-4000-8000-000000000001".to_owned();
    let new = NewPkbItem {
        id: id.clone(),
        kind: penggerak_types::pkb::PkbItemKind::Lokakarya,
        title: "Lokakarya P5".into(),
        jp: 12,
        target_date: None,
        community_event_id: None,
    };
    session.change(&changes::add_pkb_item(&plan, &me, new).unwrap()).await.unwrap();
    assert_eq!(session.sync_now().await.unwrap().waiting, 0);
    let other = tempfile::tempdir().unwrap();
    let second = open(other.path(), &Arc::new(MemoryStore::default())).await;
    sign_in(&second, &server.base_url(), SITI).await;
    second.sync_now().await.unwrap();
    let there =
        second.store().record(RecordKind::PkbItem, &id).await.unwrap().expect("synced to another device");
    assert_eq!(there.server_version, 1);
    // A bad edit is refused on the device, before it is queued.
    let bad = penggerak_types::pkb::PkbItemPatch { progress: Some(120), ..Default::default() };
    let e = changes::edit_pkb_item(session.store(), &id, bad).await.unwrap_err();
    assert_eq!(e.to_api_error().code, penggerak_types::ErrorCode::Validation);
    assert!(session.store().outbox().await.unwrap().is_empty());
}

/// After a session expired, another teacher signs in on the same device: the first one's records and
/// waiting changes must not show under, or be sent as, the second.
#[tokio::test]
async fn another_account_never_sees_or_sends_the_previous_ones_data() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = open(dir.path(), &tokens).await;
    let siti = sign_in(&session, &server.base_url(), SITI).await;
    session.sync_now().await.unwrap();
    let change = changes::join_community(session.store(), &siti, "kom-05").await.unwrap();
    session.store().enqueue(&change).await.unwrap();
    // The session ends without a sign-out (expired, keychain lost): only the records remain.
    use penggerak_core::TokenStore;
    tokens.clear().unwrap();
    session.store().clear_account().await.unwrap();
    let made = sign_in(&session, &server.base_url(), "5104765432100004").await;
    assert!(session.store().outbox().await.unwrap().is_empty(), "Siti's change is not sent as Made");
    assert!(
        session.store().record(RecordKind::Person, "guru-siti").await.unwrap().is_none(),
        "nor her profile shown"
    );
    session.sync_now().await.unwrap();
    let detail = server_detail(&server, &token(&server, SITI).await, "kom-05").await;
    assert!(!detail.summary.is_member, "the server never received Siti's join under Made's name");
    assert!(session.store().record(RecordKind::Person, &made).await.unwrap().is_some());
}

/// Waits (at most a minute, a bound and not a speed claim) until the sync status satisfies `f`.
async fn until(rx: &tokio::sync::watch::Receiver<SyncStatus>, what: &str, f: fn(&SyncStatus) -> bool) {
    let mut rx = rx.clone();
    let reached = tokio::time::timeout(Duration::from_secs(60), rx.wait_for(f)).await.is_ok();
    assert!(reached, "the loop never reached: {what} (last: {:?})", *rx.borrow());
}

/// The loop the app runs: a change wakes it, an outage makes it wait and retry, and when the server is
/// reachable again the change goes out without anyone asking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_loop_sends_changes_when_made_and_when_connectivity_returns() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 5);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Arc::new(open(dir.path(), &tokens).await);
    let me = sign_in(&session, &proxy.base_url(), SITI).await;
    let mut status = session.sync_status();
    // A period far beyond the test: every sync below comes from the start, a wake-up or the offline retry.
    let task = session.spawn_sync_loop(Duration::from_secs(3600));
    until(&status, "the first sync at start", |s| s.phase == SyncPhase::Idle && s.last_synced_at.is_some())
        .await;
    assert!(!session.store().records(RecordKind::Community).await.unwrap().is_empty());

    proxy.set_mode(ChaosMode::Down);
    session.change(&changes::join_community(session.store(), &me, "kom-05").await.unwrap()).await.unwrap();
    until(&status, "offline with the change waiting", |s| s.phase == SyncPhase::Offline && s.waiting == 1)
        .await;

    proxy.set_mode(ChaosMode::Pass);
    until(&status, "the change sent after the outage", |s| s.phase == SyncPhase::Idle && s.waiting == 0)
        .await;
    let detail = server_detail(&server, &token(&server, SITI).await, "kom-05").await;
    assert!(detail.summary.is_member, "the join reached the server without a manual sync");

    // Asking for a sync runs one now.
    let before = status.borrow().last_synced_at.clone();
    session.wake_sync();
    let ran = tokio::time::timeout(
        Duration::from_secs(60),
        status.wait_for(|s| s.phase == SyncPhase::Idle && s.last_synced_at != before),
    )
    .await
    .is_ok();
    assert!(ran, "a wake-up runs a sync");
    task.abort();
}

/// A teacher submits her performance plan and her principal approves it and schedules an observation,
/// each through their own device's outbox. Then she writes her preparation offline while he reschedules
/// the same observation: both versions survive on her device until she chooses; keeping hers sends her
/// text on top of his new schedule, so neither is lost.
#[tokio::test]
async fn a_teacher_offline_and_her_principal_change_one_record_and_both_survive() {
    use penggerak_core::testing::Resolution;
    use penggerak_types::kinerja::{
        Actor, NewObservation, Observation, ObservationPatch, PerformancePlan, PlanStatus,
    };
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 5);
    let (dir_t, dir_p) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let teacher = open(dir_t.path(), &Arc::new(MemoryStore::default())).await;
    let siti = sign_in(&teacher, &proxy.base_url(), SITI).await;
    let head = open(dir_p.path(), &Arc::new(MemoryStore::default())).await;
    let bambang = sign_in(&head, &server.base_url(), BAMBANG).await;
    teacher.sync_now().await.unwrap();
    head.sync_now().await.unwrap();
    let plan_id = teacher.store().records(RecordKind::PerformancePlan).await.unwrap()[0].id.clone();
    let plan = |s: &Engine| {
        let (store, id) = (s.store().clone(), plan_id.clone());
        async move {
            store
                .record(RecordKind::PerformancePlan, &id)
                .await
                .unwrap()
                .unwrap()
                .parse::<PerformancePlan>()
                .unwrap()
        }
    };

    let submit = changes::move_performance_plan(
        teacher.store(),
        &plan_id,
        (&siti, "Siti", Actor::Owner),
        PlanStatus::PerluDisetujui,
        None,
    )
    .await
    .unwrap();
    teacher.change(&submit).await.unwrap();
    assert_eq!(plan(&teacher).await.status, PlanStatus::PerluDisetujui, "shown at once, before any sync");
    assert_eq!(teacher.sync_now().await.unwrap().waiting, 0);
    head.sync_now().await.unwrap();
    assert_eq!(plan(&head).await.status, PlanStatus::PerluDisetujui, "the principal sees it waiting for him");
    let approve = changes::move_performance_plan(
        head.store(),
        &plan_id,
        (&bambang, "Bambang", Actor::Principal),
        PlanStatus::Disetujui,
        None,
    )
    .await
    .unwrap();
    head.change(&approve).await.unwrap();
    let obs_id = "5a0b0c0d-0000-4000-8000-000000000001".to_owned();
    let new = NewObservation {
        id: obs_id.clone(),
        plan_id: plan_id.clone(),
        scheduled_at: "2026-12-02T08:00".into(),
        class_name: "Kelas IV".into(),
        focus: "Umpan balik".into(),
    };
    head.change(&changes::schedule_observation(head.store(), &bambang, new).await.unwrap()).await.unwrap();
    assert_eq!(head.sync_now().await.unwrap().waiting, 0, "the approval and the schedule reached the server");
    teacher.sync_now().await.unwrap();
    assert_eq!(plan(&teacher).await.status, PlanStatus::Disetujui);

    proxy.set_mode(ChaosMode::Down);
    let prep = ObservationPatch { preparation: Some("Modul ajar bab 4".into()), ..Default::default() };
    teacher.change(&changes::edit_observation(teacher.store(), &obs_id, prep).await.unwrap()).await.unwrap();
    let moved = ObservationPatch { scheduled_at: Some("2026-12-04T09:00".into()), ..Default::default() };
    head.change(&changes::edit_observation(head.store(), &obs_id, moved).await.unwrap()).await.unwrap();
    assert_eq!(head.sync_now().await.unwrap().waiting, 0);
    proxy.set_mode(ChaosMode::Pass);

    let status = teacher.sync_now().await.unwrap();
    assert_eq!((status.conflicts, status.waiting), (1, 1), "her edit waits as a conflict: {status:?}");
    let both = teacher.store().record(RecordKind::Observation, &obs_id).await.unwrap().unwrap();
    let mine: Observation = both.parse().unwrap();
    let theirs: Observation =
        both.conflict.as_ref().expect("his version is kept beside hers").parse().unwrap();
    assert_eq!(
        (mine.preparation.as_str(), mine.scheduled_at.as_str()),
        ("Modul ajar bab 4", "2026-12-02T08:00")
    );
    assert_eq!((theirs.preparation.as_str(), theirs.scheduled_at.as_str()), ("", "2026-12-04T09:00"));
    assert_eq!(teacher.sync_now().await.unwrap().conflicts, 1, "a sync does not settle it for her");

    teacher.store().resolve(RecordKind::Observation, &obs_id, Resolution::KeepMine).await.unwrap();
    assert_eq!(teacher.sync_now().await.unwrap().conflicts, 0);
    head.sync_now().await.unwrap();
    for s in [&teacher, &head] {
        let o: Observation =
            s.store().record(RecordKind::Observation, &obs_id).await.unwrap().unwrap().parse().unwrap();
        assert_eq!(
            (o.preparation.as_str(), o.scheduled_at.as_str()),
            ("Modul ajar bab 4", "2026-12-04T09:00"),
            "her preparation and his new schedule both stand"
        );
    }
}

#[tokio::test]
async fn a_link_too_slow_for_a_whole_page_still_syncs_in_smaller_pages() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 7);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let mut session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    // Each request must be answered within 1 s: at 4,000 bytes a second, about 4 KB. Siti's first sync is
    // one page of ~11 KB compressed (every record fits the server's default page), so asked whole it can
    // never arrive: a phone on a congested 2G link with a large backlog, scaled down.
    session.set_request_timeout(Duration::from_secs(1));
    sign_in(&session, &proxy.base_url(), SITI).await;
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 4_000, reset: 0.0, hang: 0.0 });
    let mut rounds = 0;
    loop {
        let status = session.sync_now().await.unwrap();
        if status.phase == SyncPhase::Idle {
            break;
        }
        rounds += 1;
        assert!(
            rounds < 12,
            "the first sync never finished: the same page asked again and cut by the timeout each time"
        );
    }
    assert!(rounds > 0, "the link really was too slow for the whole page at first");
    let store = session.store();
    assert_eq!(store.records(RecordKind::Community).await.unwrap().len(), 20, "everything arrived");
    assert!(!store.records(RecordKind::Material).await.unwrap().is_empty());
}

/// One record larger than a slow link carries in the usual time (here a development-plan item whose
/// reflection is 10,000 letters that do not compress, about 6 KB on the wire, at 2,000 bytes a second
/// against a 1 s limit). Pages halve down to that one record and it still cannot arrive: without more time
/// for it, every sync after stopped there for good. A page of one record that failed is given the time the
/// largest record takes on the slowest link the app is made for.
#[tokio::test]
async fn a_record_too_large_for_the_link_in_the_usual_time_is_given_the_time_it_takes() {
    use penggerak_types::pkb::{PkbItem, PkbItemPatch};
    use rand::{Rng, SeedableRng};
    let server = TestServer::start();
    // The large record, written from a laptop on a good link.
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let laptop = open(dir.path(), &tokens).await;
    sign_in(&laptop, &server.base_url(), SITI).await;
    laptop.sync_now().await.unwrap();
    let item = laptop.store().records(RecordKind::PkbItem).await.unwrap()[0].id.clone();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let text: String = (0..penggerak_types::limits::REFLECTION).map(|_| rng.gen_range('a'..='z')).collect();
    let patch = PkbItemPatch { reflection: Some(text.clone()), ..Default::default() };
    let edit = changes::edit_pkb_item(laptop.store(), &item, patch).await.unwrap();
    laptop.change(&edit).await.unwrap();
    assert_eq!(laptop.sync_now().await.unwrap().waiting, 0, "the reflection reached the server");

    // Her phone's first sync, on a link that carries 2 KB in the 1 s each request is given.
    let proxy = ChaosProxy::start(server.addr(), 9);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let mut phone = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    phone.set_request_timeout(Duration::from_secs(1));
    sign_in(&phone, &proxy.base_url(), SITI).await;
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 2_000, reset: 0.0, hang: 0.0 });
    let mut rounds = 0;
    loop {
        let status = phone.sync_now().await.unwrap();
        if status.phase == SyncPhase::Idle {
            break;
        }
        rounds += 1;
        assert!(rounds < 30, "the first sync never got past the large record: {status:?}");
    }
    let got = phone.store().record(RecordKind::PkbItem, &item).await.unwrap().expect("the item arrived");
    assert_eq!(got.parse::<PkbItem>().unwrap().reflection, text, "whole");
    assert_eq!(phone.store().records(RecordKind::Community).await.unwrap().len(), 20, "and everything else");
}

/// The push side of the test above: a change larger than the link carries in the usual time (her
/// development-plan reflection of 10,000 letters that do not compress, about 10 KB sent and the item
/// coming back, at 2,000 bytes a second against a 1 s limit). Every try was cut by the flat limit and sent
/// again, the server taking it each time and its answer never arriving, until it was given up: a teacher
/// on a slow link could never send a long reflection. A change sent once with no answer coming is now given
/// the time the largest record takes on the slowest link the app is made for.
#[tokio::test]
async fn a_change_too_large_for_the_link_in_the_usual_time_is_given_the_time_it_takes() {
    use penggerak_types::pkb::{PkbItem, PkbItemPatch};
    use rand::{Rng, SeedableRng};
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 17);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let mut phone = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    phone.set_request_timeout(Duration::from_secs(1));
    sign_in(&phone, &proxy.base_url(), SITI).await;
    assert_eq!(phone.sync_now().await.unwrap().phase, SyncPhase::Idle, "her first sync, on a good link");
    let item = phone.store().records(RecordKind::PkbItem).await.unwrap()[0].id.clone();
    let mut rng = rand::rngs::StdRng::seed_from_u64(12);
    let text: String = (0..penggerak_types::limits::REFLECTION).map(|_| rng.gen_range('a'..='z')).collect();
    let patch = PkbItemPatch { reflection: Some(text.clone()), ..Default::default() };
    let edit = changes::edit_pkb_item(phone.store(), &item, patch).await.unwrap();
    phone.change(&edit).await.unwrap();

    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 2_000, reset: 0.0, hang: 0.0 });
    let mut passes = 0;
    loop {
        let status = phone.sync_now().await.unwrap();
        assert_eq!(status.notices, 0, "the reflection was never given up: {status:?}");
        passes += 1;
        if status.waiting == 0 {
            break;
        }
        assert!(
            passes < 6,
            "the reflection never left the phone: every try cut by the usual limit: {status:?}"
        );
    }
    assert!(passes > 1, "the link really was too slow for the change in the usual time");
    // The item then comes back in the feed, larger than a page carries in the usual time: pages halve
    // down to it (the test above).
    for pulls in 0.. {
        if phone.sync_now().await.unwrap().phase == SyncPhase::Idle {
            break;
        }
        assert!(pulls < 30, "the sync settles");
    }

    // The server has it whole: a laptop signed in on a good link reads it.
    let dir = tempfile::tempdir().unwrap();
    let laptop = open(dir.path(), &Arc::new(MemoryStore::default())).await;
    sign_in(&laptop, &server.base_url(), SITI).await;
    laptop.sync_now().await.unwrap();
    let got = laptop.store().record(RecordKind::PkbItem, &item).await.unwrap().expect("the item is there");
    assert_eq!(got.parse::<PkbItem>().unwrap().reflection, text, "the server has the whole reflection");
}

/// A store that fails in the middle of a sync (another writer holds it past its wait when the engine is to
/// note that the server failed a change) ends the pass with the sync line saying so: it went on saying
/// "Mengambil pembaruan…" until the next pass, while nothing was being done (what the engine knows, the
/// user sees). The change stays queued, and the next pass sends it.
#[tokio::test]
async fn a_store_failing_in_the_middle_of_a_sync_is_said_on_the_sync_line() {
    use penggerak_types::pkb::PkbItemPatch;
    use penggerak_types::ErrorCode;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let proxy = ChaosProxy::start(server.addr(), 23);
    let phone = open(dir.path(), &tokens).await;
    sign_in(&phone, &proxy.base_url(), SITI).await;
    phone.sync_now().await.unwrap();
    let item = phone.store().records(RecordKind::PkbItem).await.unwrap()[0].id.clone();
    // The server fails the change (a bug of its own): the engine notes it, which needs the store.
    proxy.set_mode(ChaosMode::Answer { path: "/api/v1/pkb/items", status: 500, body: "kesalahan" });
    let patch =
        PkbItemPatch { reflection: Some("Murid lebih aktif berdiskusi.".into()), ..Default::default() };
    let edit = changes::edit_pkb_item(phone.store(), &item, patch).await.unwrap();
    phone.change(&edit).await.unwrap();

    let mut other = penggerak_core::testing::another_connection(dir.path()).await;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    assert!(phone.sync_now().await.is_err(), "the failure could not be noted");
    let status = phone.sync_status().borrow().clone();
    assert_eq!(
        status.phase,
        SyncPhase::Error,
        "the pass ended, and the sync line says it failed: {status:?}"
    );
    assert_eq!(status.problem.as_ref().map(|p| p.code), Some(ErrorCode::Storage), "and why: {status:?}");
    assert_eq!(status.waiting, 1, "the change is still queued");

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    proxy.set_mode(ChaosMode::Pass);
    let after = phone.sync_now().await.unwrap();
    assert_eq!(
        (after.phase, after.waiting, after.problem),
        (SyncPhase::Idle, 0, None),
        "sent by the next pass"
    );
}

/// A server that says "more" and sends nothing (a broken or hostile feed) ends the pull with an error the
/// sync line shows: the loop asked for the next page for as long as the server said so, holding the sync
/// and spending her data for ever (found by a read-only review).
#[tokio::test]
async fn a_feed_that_says_more_and_sends_nothing_ends_the_pull() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 31);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = open(dir.path(), &tokens).await;
    sign_in(&session, &proxy.base_url(), SITI).await;
    proxy.set_mode(ChaosMode::Answer {
        path: "/api/v1/sync",
        status: 200,
        body: r#"{"records":[],"cursor":"x","more":true}"#,
    });
    let s = tokio::time::timeout(Duration::from_secs(60), session.sync_now())
        .await
        .expect("the pull ends")
        .expect("the sync answers with its status");
    assert_eq!(s.phase, SyncPhase::Error, "a feed that never ends is a server's failure: {s:?}");
    assert_eq!(
        s.problem.as_ref().and_then(|p| p.reason.clone()),
        Some(Reason::AnswerNotUnderstood),
        "and the sync line says so: {s:?}"
    );
}

/// A keychain that fails once she is signed in (locked, its service gone).
#[derive(Default)]
struct Locking(MemoryStore, std::sync::atomic::AtomicBool);

impl penggerak_core::TokenStore for Locking {
    fn load(&self) -> Result<Option<penggerak_core::StoredTokens>, penggerak_core::CoreError> {
        if self.1.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(penggerak_core::CoreError::Keyring("the keychain is locked".into()));
        }
        self.0.load()
    }
    fn save(&self, tokens: &penggerak_core::StoredTokens) -> Result<(), penggerak_core::CoreError> {
        self.0.save(tokens)
    }
    fn clear(&self) -> Result<(), penggerak_core::CoreError> {
        self.0.clear()
    }
}

/// A pass that cannot read the keychain says so on the sync line: it returned the error to no one (the
/// sync buttons ignore their result) and the top bar kept "Tersinkron pukul …" while nothing synced
/// (found by a read-only review).
#[tokio::test]
async fn a_keychain_that_fails_is_said_on_the_sync_line() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(Locking::default());
    let mut session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    session.set_request_timeout(Duration::from_secs(3));
    sign_in(&session, &server.base_url(), SITI).await;
    assert_eq!(session.sync_now().await.unwrap().phase, SyncPhase::Idle, "a first pass goes through");
    tokens.1.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(session.sync_now().await.is_err(), "the pass cannot run");
    let s = session.sync_status().borrow().clone();
    assert_eq!(s.phase, SyncPhase::Error, "the sync line says it did not run: {s:?}");
    assert_eq!(s.problem.map(|p| p.code), Some(penggerak_types::ErrorCode::Keyring), "and why");
}
