//! The client against the real reference server.

use penggerak_client::{ApiClient, ClientError};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::route;
use penggerak_types::ErrorCode;

#[tokio::test]
async fn login_me_refresh_logout() {
    let s = TestServer::start();
    let c = ApiClient::new(&s.base_url()).unwrap();
    assert_eq!(c.health().await.unwrap().status, "ok");
    let l = c.login("bambang.sutrisno@demo.penggerak.id", DEMO_PASSWORD).await.unwrap();
    assert_eq!(c.me(&l.tokens.access_token).await.unwrap().full_name, "Drs. Bambang Sutrisno, M.Pd.");
    let r = c.refresh(&l.tokens.refresh_token).await.unwrap();
    c.logout(&r.tokens.refresh_token, penggerak_client::LOGOUT_WAIT).await.unwrap();
    let e = c.me(&r.tokens.access_token).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthorized, "after logout the access token is dead: {e}");
}

#[tokio::test]
async fn unreachable_server_is_offline_not_a_crash() {
    let s = TestServer::start();
    let url = s.base_url();
    drop(s); // the port is closed now
    let e = ApiClient::new(&url).unwrap().health().await.unwrap_err();
    assert!(
        matches!(e, ClientError::Offline { request_sent: false, .. }),
        "a closed port reads as offline, with the request certainly unsent: {e:?}"
    );
    assert_eq!(e.code(), ErrorCode::Offline);
}

/// The meter counts what crossed the network: compared with a TCP proxy's byte count over a sign-in, a
/// first sync (compressed), a write and an unchanged sync (304), each way.
#[tokio::test]
async fn the_meter_counts_the_bytes_on_the_wire() {
    use penggerak_client::SyncAnswer;
    use penggerak_testkit::ChaosProxy;
    let s = TestServer::start();
    let proxy = ChaosProxy::start(s.addr(), 1);
    let c = ApiClient::new(&proxy.base_url()).unwrap();
    let l = c.login("siti.rahayu@demo.penggerak.id", DEMO_PASSWORD).await.unwrap();
    let token = l.tokens.access_token;
    let SyncAnswer::Page { page, .. } = c.sync(&token, None, None, None).await.unwrap() else {
        panic!("a first sync has records")
    };
    assert!(page.records.len() > 50, "the demo teacher's first sync is a real page: {}", page.records.len());
    let all: Vec<penggerak_types::api::CommunitySummary> =
        c.get_json(&token, route::COMMUNITIES, &[]).await.unwrap();
    c.mutate(
        &token,
        "POST",
        route::COMMUNITY_JOIN,
        &[&all[0].id],
        None,
        "6f1c2a9e-3b7d-4e21-9a55-0c8d2f4b7e11",
    )
    .await
    .unwrap();
    let SyncAnswer::Page { page: after_join, etag } =
        c.sync(&token, Some(&page.cursor), None, None).await.unwrap()
    else {
        panic!("the join is news")
    };
    // Asked again from there with its ETag: nothing changed, the server's 304 has no body.
    let again = c.sync(&token, Some(&after_join.cursor), etag.as_deref(), None).await;
    assert!(matches!(again, Ok(SyncAnswer::NotModified)), "nothing changed: {again:?}");

    let wire = proxy.bytes();
    let counted = c.meter().peek();
    let (down, up) = (wire.0 as f64, wire.1 as f64);
    println!("wire {down} B down / {up} B up; counted {} / {}", counted.received, counted.sent);
    assert!(
        counted.received as f64 <= down && counted.received as f64 >= down * 0.97,
        "received {} vs {down} on the wire: only chunk framing (a few bytes a chunk) is invisible",
        counted.received
    );
    assert!(
        (counted.sent as f64 - up).abs() <= up * 0.01,
        "sent {} vs {up} on the wire: requests are counted as HTTP/1.1 writes them",
        counted.sent
    );
    assert!(
        down < 100_000.0,
        "the first sync travelled compressed ({down} B; uncompressed it is several times larger)"
    );
}
