//! The client's retries through a misbehaving proxy in front of the real server: what is safe to resend
//! is resent until it gets through; a token refresh that may have reached the server is not.

use penggerak_client::retry::Backoff;
use penggerak_client::{ApiClient, ClientError};
use penggerak_testkit::{FaultProxy, Faults, TestServer, DEMO_PASSWORD};
use std::sync::Arc;
use std::time::Duration;

/// Short waits, pinned jitter: the schedule is unit-tested in `retry.rs`; here it is the behaviour.
fn client(url: &str, attempts: u32) -> ApiClient {
    let backoff =
        Backoff { base: Duration::from_millis(20), cap: Duration::from_millis(80), max_attempts: attempts };
    ApiClient::new(url).unwrap().with_backoff(backoff, Arc::new(|| 1.0))
}

#[tokio::test]
async fn reads_survive_dropped_connections_and_503s() {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.addr(), Faults { drop_first: 2, unavailable_next: 1 });
    let health = client(&proxy.base_url(), 4).health().await.expect("the fourth attempt gets through");
    assert_eq!(health.status, "ok");
    assert_eq!(proxy.connections(), 4, "two dropped, one 503, then the answer: one connection each");
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit() {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.addr(), Faults { drop_first: 10, unavailable_next: 0 });
    let e = client(&proxy.base_url(), 3).health().await.unwrap_err();
    assert!(matches!(e, ClientError::Offline { request_sent: true, .. }), "dropped after sending: {e:?}");
    assert_eq!(proxy.connections(), 3, "exactly max_attempts tries, then the error goes to the caller");
}

#[tokio::test]
async fn a_refresh_that_may_have_arrived_is_not_replayed() {
    let server = TestServer::start();
    let direct = ApiClient::new(&server.base_url()).unwrap();
    let tokens = direct.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens;
    let proxy = FaultProxy::start(server.addr(), Faults { drop_first: 1, unavailable_next: 0 });
    let e = client(&proxy.base_url(), 4).refresh(&tokens.refresh_token).await.unwrap_err();
    assert!(matches!(e, ClientError::Offline { request_sent: true, .. }), "{e:?}");
    assert_eq!(proxy.connections(), 1, "a replayed refresh token would revoke the session: one try only");
    // This proxy dropped the request before forwarding it, so the token is still unspent and works.
    direct.refresh(&tokens.refresh_token).await.expect("the unreplayed refresh token is still good");
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_refresh() {
    // Nothing listens on this port: the request certainly never reached a server.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = std::time::Instant::now();
    let e = client(&format!("http://127.0.0.1:{port}"), 3).refresh("whatever").await.unwrap_err();
    assert!(matches!(e, ClientError::Offline { request_sent: false, .. }), "{e:?}");
    assert!(started.elapsed() >= Duration::from_millis(20 + 40), "it waited between the three attempts");
}

/// A connection cut in the middle of the answer is the network failing, not the server breaking the
/// contract: it says "offline". A sync page cut short goes back to the engine at once rather than being
/// asked again whole (the engine asks for a smaller page: `sync_state::PageSize`); other reads are tried
/// again (`reads_survive_dropped_connections_and_503s`).
#[tokio::test]
async fn a_sync_page_cut_midway_is_offline_and_handed_back_at_once() {
    use penggerak_testkit::{ChaosMode, ChaosProxy};
    let server = TestServer::start();
    let direct = ApiClient::new(&server.base_url()).unwrap();
    let token = direct.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let proxy = ChaosProxy::start(server.addr(), 7);
    // Every connection is cut within its first 4 KiB of answer; a first sync's answer is several times that.
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 0, reset: 1.0, hang: 0.0 });
    let e = client(&proxy.base_url(), 3).sync(&token, None, None, None).await.unwrap_err();
    assert!(matches!(e, ClientError::Offline { request_sent: true, .. }), "{e:?}");
    assert_eq!(
        proxy.faults().0,
        1,
        "one attempt, cut mid-answer: asked again, the same page would be cut again and paid for again"
    );
}

/// Siti's access token, straight from `server`, and the first page of her sync.
async fn siti_and_her_first_page(server: &TestServer) -> (String, penggerak_types::SyncPage) {
    let direct = ApiClient::new(&server.base_url()).unwrap();
    let token = direct.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    match direct.sync(&token, None, None, None).await.unwrap() {
        penggerak_client::SyncAnswer::Page { page, .. } => (token, page),
        other => panic!("a first sync answers a page: {other:?}"),
    }
}

#[tokio::test]
async fn an_upload_is_given_the_time_its_size_takes_on_a_slow_link() {
    use penggerak_testkit::{ChaosMode, ChaosProxy};
    use penggerak_types::RecordKind;
    let server = TestServer::start();
    let (token, page) = siti_and_her_first_page(&server).await;
    let plan = page.records.iter().find(|r| r.kind == RecordKind::PerformancePlan).unwrap().id.clone();
    // 64 KB at 16,000 bytes a second: 4 s on the wire, four times the client's usual limit here (1 s, as
    // a 2 MB photo on a 2G link is to its 30 s).
    let proxy = ChaosProxy::start(server.addr(), 3);
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 16_000, reset: 0.0, hang: 0.0 });
    let slow = client(&proxy.base_url(), 1).with_timeout(Duration::from_secs(1)).unwrap();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(64 * 1024, b'x');
    let changed = slow
        .upload(
            &token,
            "6b0c0d0e-0000-4000-8000-0000000000f1",
            &[("plan_id", &plan), ("title", "Foto kegiatan"), ("file_name", "foto.pdf")],
            pdf,
            "0b0c0d0e-0000-4000-8000-0000000000f1",
        )
        .await
        .expect("the upload is not cut by the usual limit: it is given its size at the slowest rate");
    assert!(changed.records.iter().any(|r| r.kind == RecordKind::Evidence), "the evidence was stored");
    assert!(slow.health().await.is_ok(), "(the link itself works for small requests within the usual limit)");
}

/// A change is given the time its body takes on the slowest link, sent and coming back, as an upload is:
/// under the flat usual limit, a long reflection (10,000 letters that do not compress, ~10 KB each way)
/// was cut on every try by a link that carries it in under two seconds.
#[tokio::test]
async fn a_change_is_given_the_time_its_size_takes_on_a_slow_link() {
    use penggerak_testkit::{ChaosMode, ChaosProxy};
    use penggerak_types::{route, RecordKind};
    use rand::{Rng, SeedableRng};
    let server = TestServer::start();
    let (token, page) = siti_and_her_first_page(&server).await;
    let record = page.records.iter().find(|r| r.kind == RecordKind::PkbItem).unwrap();
    let (item, base) = (record.id.clone(), record.version);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let text: String = (0..penggerak_types::limits::REFLECTION).map(|_| rng.gen_range('a'..='z')).collect();
    // ~10 KB sent and the item back (~6 KB compressed) at 12,000 bytes a second: about 1.4 s on the wire
    // against the usual 1 s here; its size at the slowest rate gives it 2.6 s.
    let proxy = ChaosProxy::start(server.addr(), 4);
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 12_000, reset: 0.0, hang: 0.0 });
    let slow = client(&proxy.base_url(), 1).with_timeout(Duration::from_secs(1)).unwrap();
    let changed = slow
        .mutate(
            &token,
            "PATCH",
            route::PKB_ITEM,
            &[&item],
            Some(&serde_json::json!({ "reflection": text, "base_version": base })),
            "0b0c0d0e-0000-4000-8000-0000000000f2",
        )
        .await
        .expect("the change is not cut by the usual limit: it is given its size at the slowest rate");
    let back = changed.records.iter().find(|r| r.id == item).expect("the item came back");
    assert_eq!(back.data.as_ref().unwrap()["reflection"], text.as_str(), "with the whole reflection");
}

/// A change whose body takes over a second on the slowest link is sent once when the connection is cut
/// after it was sent (each replay would send the whole body again over paid data, and a server that hangs
/// would hold the sync for each); the engine's next pass tries it, given more time. A small one is still
/// replayed within the call.
#[tokio::test]
async fn a_large_change_cut_after_sending_is_not_sent_again_within_the_call() {
    use penggerak_testkit::{ChaosMode, ChaosProxy};
    use penggerak_types::{limits, route};
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 6);
    proxy.set_mode(ChaosMode::Cut { path: "/api/v1/pkb/items" });
    let cut = client(&proxy.base_url(), 3);
    let sent = |text: String| serde_json::json!({ "reflection": text, "base_version": 1 });
    let patches = || proxy.requests().iter().filter(|r| r.starts_with("PATCH")).count();

    let small = sent("Murid lebih aktif.".into());
    let e = cut.mutate("t", "PATCH", route::PKB_ITEM, &["i"], Some(&small), "k-small").await.unwrap_err();
    assert!(matches!(e, ClientError::Offline { request_sent: true, .. }), "cut after sending: {e:?}");
    assert_eq!(patches(), 3, "a small change is replayed up to the attempt limit");

    let large = sent("a".repeat(limits::SLOWEST_LINK_BYTES_PER_SEC as usize + 1));
    let e = cut.mutate("t", "PATCH", route::PKB_ITEM, &["i"], Some(&large), "k-large").await.unwrap_err();
    assert!(matches!(e, ClientError::Offline { request_sent: true, .. }), "cut after sending: {e:?}");
    assert_eq!(patches(), 4, "the large one was sent once");
}
