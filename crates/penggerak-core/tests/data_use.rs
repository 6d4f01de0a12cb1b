//! Data use: what the engine's requests cost, counted per month, checked against the bytes a TCP proxy
//! saw between the engine and the real reference server, and kept in the real SQLite file across sign-out
//! and restart.

use penggerak_core::testing::changes;
use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, ChaosProxy, TestServer};
use penggerak_types::ipc::SyncPhase;
use std::sync::Arc;

const SITI: &str = "3471765432100001";

/// `counted` is what the meter saw, `wire` what crossed the proxy (down, up).
fn assert_close(counted: (u64, u64), wire: (u64, u64), when: &str) {
    let (sent, received) = counted;
    let (down, up) = wire;
    assert!(
        received <= down && received as f64 >= down as f64 * 0.97,
        "{when}: received {received} B, {down} B on the wire; only chunk framing is invisible to the meter"
    );
    assert_eq!(sent, up, "{when}: requests are counted exactly as HTTP/1.1 writes them");
}

#[tokio::test]
async fn data_use_follows_the_wire_and_stays_across_sign_out_and_restart() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 9);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    let fresh = session.data_use().await.unwrap();
    assert!(fresh.months.is_empty(), "a new device has used nothing: {fresh:?}");

    let state = session.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    let penggerak_types::ipc::SessionState::SignedIn { profile, .. } = state else { panic!("{state:?}") };
    assert_eq!(session.sync_now().await.unwrap().phase, SyncPhase::Idle);
    let change = changes::join_community(session.store(), &profile.id, "kom-05").await.unwrap();
    session.change(&change).await.unwrap();
    assert_eq!(session.sync_now().await.unwrap().waiting, 0, "the join went");

    let used = session.data_use().await.unwrap();
    assert_eq!(used.months.len(), 1, "one month so far: {used:?}");
    assert_eq!(
        used.months[0].month,
        session.today().await.unwrap()[..7],
        "counted in this month (her zone, WIB)"
    );
    assert_eq!(used.this_month, used.months[0].month, "and the engine says which month that is");
    assert_close(used.total(), proxy.bytes(), "sign-in, first sync, a join");

    // Nothing changed: the unchanged sync costs a few hundred bytes (a 304 without a body).
    let before = used.total();
    session.sync_now().await.unwrap();
    let after = session.data_use().await.unwrap().total();
    let received = after.1 - before.1;
    assert!(received > 0 && received < 1_000, "an unchanged sync received {received} B");
    assert_close(after, proxy.bytes(), "after the unchanged sync");

    // The figure belongs to the device: signing out keeps it, and so does closing the app.
    session.sign_out(true).await.unwrap();
    let after_sign_out = session.data_use().await.unwrap();
    assert_close(after_sign_out.total(), proxy.bytes(), "after sign-out (its revocation included)");
    session.store().close().await;
    drop(session);
    let reopened = Engine::open(dir.path(), tokens, "http://127.0.0.1:9").await.unwrap();
    assert_eq!(reopened.data_use().await.unwrap(), after_sign_out, "the figure survived the restart");
}
