//! Routes are built from segments: an id with `/`, `?`, `#` or `%` in it reaches the server as one
//! percent-encoded segment of the route it was meant for, and an id that cannot be one segment is refused
//! when the change is queued, before anything is applied or stored.

use penggerak_core::testing::changes;
use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, ChaosMode, ChaosProxy, TestServer};
use penggerak_types::ipc::{SessionState, SyncPhase};
use penggerak_types::{ErrorCode, RecordKind};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn an_id_with_reserved_characters_stays_one_segment_of_its_route() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 3);
    // Answer mode with a path nothing uses: every request reaches the server, and its line is kept.
    proxy.set_mode(ChaosMode::Answer { path: "/never", status: 500, body: "" });
    let dir = tempfile::tempdir().unwrap();
    let mut session =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    session.set_request_timeout(Duration::from_secs(3));
    let me = match session.sign_in(demo_sign_in("3471765432100001", &proxy.base_url())).await.unwrap() {
        SessionState::SignedIn { profile, .. } => profile.id,
        other => panic!("not signed in: {other:?}"),
    };
    session.sync_now().await.unwrap();

    let odd = "kom/05?x=1#frag%2F";
    session.change(&changes::join_community(session.store(), &me, odd).await.unwrap()).await.unwrap();
    let s = session.sync_now().await.unwrap();
    assert_eq!((s.phase, s.waiting), (SyncPhase::Idle, 0), "the server answered it: {s:?}");
    let sent: Vec<String> = proxy.requests().into_iter().filter(|r| r.starts_with("POST ")).collect();
    assert!(
        sent.iter().any(|r| r == "POST /api/v1/communities/kom%2F05%3Fx%3D1%23frag%252F/join HTTP/1.1"),
        "the id went as one encoded segment of the join route: {sent:?}"
    );
    let notices = session.store().notices().await.unwrap();
    assert_eq!(notices.len(), 1, "no such community: refused, not joined elsewhere: {notices:?}");
    assert_eq!(notices[0].code, "not_found");

    for bad in ["", "..", "."] {
        let change = changes::join_community(session.store(), &me, bad).await.unwrap();
        let e = session.change(&change).await.unwrap_err();
        assert_eq!(e.to_api_error().code, ErrorCode::Validation, "{bad:?} cannot name a community");
        assert!(
            session.store().record(RecordKind::Membership, &format!("{bad}:{me}")).await.unwrap().is_none(),
            "refused before its local effect was applied"
        );
    }
    assert!(session.store().outbox().await.unwrap().is_empty(), "nothing was queued for them");
}
