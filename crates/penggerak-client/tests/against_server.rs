//! The client against the real reference server.

use penggerak_client::{ApiClient, ClientError};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::ErrorCode;

#[tokio::test]
async fn login_me_refresh_logout() {
    let s = TestServer::start();
    let c = ApiClient::new(&s.base_url()).unwrap();
    assert_eq!(c.health().await.unwrap().status, "ok");
    let l = c.login("bambang.sutrisno@demo.penggerak.id", DEMO_PASSWORD).await.unwrap();
    assert_eq!(c.me(&l.tokens.access_token).await.unwrap().full_name, "Drs. Bambang Sutrisno, M.Pd.");
    let r = c.refresh(&l.tokens.refresh_token).await.unwrap();
    c.logout(&r.tokens.refresh_token).await.unwrap();
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
