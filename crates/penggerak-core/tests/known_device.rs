//! A device the server knows still gets in while someone else hammers the account's identifier with wrong
//! passwords: the engine keeps the server's device value from the last sign-in (in the token store, across
//! sign-out) and sends it back. Against the real server and a real SQLite store.

use penggerak_core::{Engine, MemoryStore, TokenStore};
use penggerak_testkit::{ServerBackoff, ServerConfig, TestServer, DEMO_PASSWORD};
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::ErrorCode;
use std::sync::Arc;
use std::time::Duration;

const SITI: &str = "3471765432100001";

fn request(server: &TestServer, identifier: &str, password: &str) -> SignInRequest {
    SignInRequest {
        identifier: identifier.into(),
        password: password.into(),
        server_url: Some(server.base_url()),
    }
}

/// Wrong passwords for Siti from elsewhere (no device value), until the server makes her account wait.
async fn hammer(server: &TestServer) {
    let c = penggerak_client::ApiClient::new(&server.base_url()).unwrap();
    for attempt in 0..10 {
        let e = c.login(SITI, &format!("tebakan-{attempt}")).await.unwrap_err();
        if e.code() == ErrorCode::RateLimited {
            return;
        }
    }
    panic!("10 wrong passwords never made the account wait: the test would prove nothing");
}

#[tokio::test]
async fn a_known_device_gets_in_while_someone_guesses_her_password() {
    // Three failures in a row make the account wait ten minutes: long enough that no wait runs out
    // during the test, however slow the machine.
    const TEN_MINUTES: Duration = Duration::from_secs(600);
    let server = TestServer::start_with(ServerConfig {
        login_per_account: ServerBackoff {
            free: 3,
            first: TEN_MINUTES,
            max: TEN_MINUTES,
            forget_after: TEN_MINUTES,
        },
        ..ServerConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let tokens: Arc<MemoryStore> = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();

    // Her first sign-in here: the server names this device, and the engine keeps that across sign-out.
    session.sign_in(request(&server, SITI, DEMO_PASSWORD)).await.unwrap();
    let devices = tokens.load_devices().unwrap();
    assert!(devices.find(&server.base_url(), SITI).is_some(), "the device value is kept for her NUPTK");
    assert!(
        devices.find(&server.base_url(), "SITI.RAHAYU@demo.penggerak.id ").is_some(),
        "and for her e-mail as she may type it"
    );
    session.sign_out(true).await.unwrap();
    assert!(tokens.load_devices().unwrap().find(&server.base_url(), SITI).is_some(), "sign-out keeps it");

    hammer(&server).await;

    // Her own device still signs in with her password.
    let state = session.sign_in(request(&server, SITI, DEMO_PASSWORD)).await.unwrap();
    assert!(matches!(state, SessionState::SignedIn { .. }), "her known device gets in: {state:?}");
    session.sign_out(true).await.unwrap();

    // A device the server does not know waits, as it should.
    let dir2 = tempfile::tempdir().unwrap();
    let other =
        Engine::open(dir2.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    let err = other.sign_in(request(&server, SITI, DEMO_PASSWORD)).await.unwrap_err();
    assert_eq!(
        err.to_api_error().code,
        ErrorCode::RateLimited,
        "a new device waits while the account is hammered: {err:?}"
    );
}
