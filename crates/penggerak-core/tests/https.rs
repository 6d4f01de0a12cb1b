//! The engine over https, as every real deployment runs: a CA made for this test is trusted the way a
//! province's own CA would be (the operating system's store: on Linux, `SSL_CERT_FILE`), the engine signs
//! in and syncs through it; a server whose certificate comes from any other CA is refused with its own
//! error code, and nothing of the sign-in is kept.
//!
//! A test binary of its own: `SSL_CERT_FILE` must be set before the process builds its first client (the
//! client reads the trust store once per process).

use penggerak_core::{Engine, MemoryStore, TokenStore};
use penggerak_testkit::{demo_sign_in, ServerConfig, TestCa, TestServer};
use penggerak_types::ipc::{SessionState, SyncPhase};
use penggerak_types::ErrorCode;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const SITI: &str = "3471765432100001";

/// The CA this process trusts, set up once, before any client exists. Every test calls it first: the
/// `OnceLock` makes the others wait until the variable is set, so no test thread reads the environment
/// while it changes.
fn trusted_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| {
        let ca = TestCa::new("Dinas Pendidikan test CA");
        // Only this CA: the system's own roots are not needed (nothing here leaves the machine).
        std::env::set_var("SSL_CERT_FILE", ca.pem_path());
        std::env::remove_var("SSL_CERT_DIR");
        ca
    })
}

async fn open(dir: &Path, tokens: &Arc<MemoryStore>) -> Engine {
    let mut engine = Engine::open(dir, tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    engine.set_request_timeout(Duration::from_secs(10));
    engine
}

#[tokio::test]
async fn the_engine_signs_in_and_syncs_over_https_with_a_ca_from_the_device_store() {
    let ca = trusted_ca();
    let server = TestServer::start_tls(ServerConfig::default(), ca);
    assert!(server.base_url().starts_with("https://"), "the test server serves https: {}", server.base_url());
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let engine = open(dir.path(), &tokens).await;

    let state = engine
        .sign_in(demo_sign_in(SITI, &server.base_url()))
        .await
        .expect("sign-in over https to a server whose CA the device's store holds");
    assert!(matches!(state, SessionState::SignedIn { .. }), "signed in: {state:?}");
    let stored = tokens.load().unwrap().expect("the tokens of an https sign-in are kept");
    assert_eq!(stored.server_url, server.base_url(), "the session belongs to the https address");

    let status = engine.sync_now().await.expect("a sync over https");
    assert_eq!(status.phase, SyncPhase::Idle, "the sync finished without error: {status:?}");
    assert!(
        status.received > 60,
        "a first sync over https brings people, schools, communities and events: {status:?}"
    );
}

#[tokio::test]
async fn a_server_whose_ca_the_device_does_not_trust_is_refused_with_its_own_reason_and_nothing_is_kept() {
    trusted_ca();
    // A certificate for the right address, valid today, but from a CA the device's store lacks (as a
    // self-made certificate, or an impostor on the network, would be).
    let stranger = TestCa::new("Unknown CA");
    let server = TestServer::start_tls(ServerConfig::default(), &stranger);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let engine = open(dir.path(), &tokens).await;

    let started = std::time::Instant::now();
    let e = engine
        .sign_in(demo_sign_in(SITI, &server.base_url()))
        .await
        .expect_err("a certificate from an untrusted CA must not be accepted");
    let shown = e.to_api_error();
    assert_eq!(
        shown.code,
        ErrorCode::UntrustedServer,
        "the user is told the server's certificate is not trusted, not that she is offline: {e:?}"
    );
    for driver_words in ["rustls", "certificate", "UnknownIssuer", "invalid peer", "::", "Error"] {
        assert!(
            !shown.message.contains(driver_words),
            "the user-facing text is the app's own sentence, without the TLS library's words \
             ({driver_words:?}): {:?}",
            shown.message
        );
    }
    // The default backoff would wait up to 1.75 s over four attempts; a refused certificate is not retried.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a refused certificate fails at once, without a retry loop: {:?}",
        started.elapsed()
    );

    assert!(tokens.load().unwrap().is_none(), "a refused sign-in keeps no tokens");
    assert!(
        matches!(engine.state().await.unwrap(), SessionState::SignedOut { .. }),
        "the device stays signed out"
    );
}
