//! The session engine against the real reference server and a real SQLite store. Tokens go to the
//! in-memory store here; `tests/keyring.rs` covers the real OS keyring.

use penggerak_client::ApiClient;
use penggerak_core::{Engine, MemoryStore, TokenStore};
use penggerak_testkit::ServerConfig as Config;
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::ErrorCode;
use std::sync::Arc;
use std::time::Duration;

fn request(server: &TestServer, password: &str) -> SignInRequest {
    SignInRequest {
        identifier: "3471765432100001".into(),
        password: password.into(),
        server_url: Some(server.base_url()),
    }
}

fn name(state: &SessionState) -> Option<&str> {
    match state {
        SessionState::SignedIn { profile, .. } => Some(&profile.full_name),
        SessionState::SignedOut { .. } => None,
    }
}

#[tokio::test]
async fn sign_in_restores_offline_after_restart_then_sign_out_revokes() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens: Arc<MemoryStore> = Arc::new(MemoryStore::default());

    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    assert_eq!(
        session.state().await.unwrap(),
        SessionState::SignedOut { server_url: "http://127.0.0.1:9".into() },
        "a fresh device is signed out and points at the default server"
    );
    let state = session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    assert_eq!(name(&state), Some("Siti Rahayu, S.Pd."));
    let stored = tokens.load().unwrap().expect("sign-in stores the tokens");
    assert_eq!(stored.server_url, server.base_url());
    session.store().close().await;
    drop(session);

    // "Restart" with the server unreachable: the state comes from the keychain and the store alone.
    let base = server.base_url();
    let addr = base.trim_start_matches("http://").to_owned();
    drop(server);
    assert!(std::net::TcpStream::connect(&addr).is_err(), "the test server is really gone");
    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    let state = session.state().await.unwrap();
    assert_eq!(name(&state), Some("Siti Rahayu, S.Pd."), "restart with no network is still signed in");

    // Signing out while the server is down still signs the device out.
    let out = session.sign_out(false).await.unwrap();
    assert_eq!(out, SessionState::SignedOut { server_url: base }, "sign-out remembers the last server");
    let kept = tokens.load().unwrap().expect("kept only to revoke the session once the server is back");
    assert!(kept.revoke_only && kept.access_token.expose().is_empty(), "no usable session stays");
    assert_eq!(session.state().await.unwrap(), out, "and stays signed out");
}

#[tokio::test]
async fn sign_out_revokes_on_the_server() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), server.base_url()).await.unwrap();
    session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    let stored = tokens.load().unwrap().unwrap();
    session.sign_out(false).await.unwrap();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let e = client.refresh(stored.refresh_token.expose()).await.unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::SessionExpired,
        "the server no longer honours the signed-out refresh token"
    );
    let e = client.me(stored.access_token.expose()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthorized, "nor its access token");
}

#[tokio::test]
async fn wrong_password_and_unreachable_server_store_nothing() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), server.base_url()).await.unwrap();
    let e = session.sign_in(request(&server, "salah")).await.unwrap_err();
    assert_eq!(e.to_api_error().code, ErrorCode::InvalidCredentials);
    assert!(tokens.load().unwrap().is_none(), "a failed sign-in stores no tokens");

    let mut req = request(&server, DEMO_PASSWORD);
    req.server_url = Some("http://127.0.0.1:9".into());
    let e = session.sign_in(req).await.unwrap_err();
    assert_eq!(e.to_api_error().code, ErrorCode::Offline, "an unreachable server reads as offline: {e}");
    let mut req = request(&server, DEMO_PASSWORD);
    req.server_url = Some("http://example.id".into());
    let e = session.sign_in(req).await.unwrap_err().to_api_error();
    assert_eq!(e.code, ErrorCode::Validation, "plain http to a remote host is refused: {e:?}");
    // Said by its reason, which the app words in her language: the message was the only thing to show,
    // with the URL parser's English in it ("relative URL without a base" for an address typed without
    // its https://).
    assert_eq!(e.reason, Some(penggerak_types::Reason::AddressNotHttps), "{e:?}");
    let mut req = request(&server, DEMO_PASSWORD);
    req.server_url = Some("penggerak.sekolah.id".into());
    let e = session.sign_in(req).await.unwrap_err().to_api_error();
    assert_eq!(
        (e.code, e.reason),
        (ErrorCode::Validation, Some(penggerak_types::Reason::AddressNotValid)),
        "an address without its scheme is refused with a reason: {}",
        e.message
    );
    assert!(matches!(session.state().await.unwrap(), SessionState::SignedOut { .. }));
}

#[tokio::test]
async fn expired_access_token_is_refreshed_once_and_rotated() {
    // Expiry is kept in whole seconds: a pair issued at x.999 s with a 1 s lifetime is dead at x+1, so the
    // refreshed token could expire before it is used. Two seconds leave the fresh one at least one.
    let server = TestServer::start_with(Config { access_ttl: Duration::from_secs(2), ..Config::default() });
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), server.base_url()).await.unwrap();
    session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    let before = tokens.load().unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let p = session.fetch_profile().await.expect("an expired access token is refreshed transparently");
    assert_eq!(p.full_name, "Siti Rahayu, S.Pd.");
    let after = tokens.load().unwrap().unwrap();
    assert_ne!(
        before.refresh_token, after.refresh_token,
        "the rotated pair replaced the old one in the store"
    );
}

#[tokio::test]
async fn a_revoked_session_signs_the_device_out() {
    let server = TestServer::start_with(Config { access_ttl: Duration::from_secs(1), ..Config::default() });
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), server.base_url()).await.unwrap();
    session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    let stored = tokens.load().unwrap().unwrap();
    // Someone signs this session out elsewhere (e.g. a stolen-token reuse revoked the family).
    ApiClient::new(&server.base_url())
        .unwrap()
        .logout(stored.refresh_token.expose(), penggerak_client::LOGOUT_WAIT)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let e = session.fetch_profile().await.unwrap_err();
    assert_eq!(e.to_api_error().code, ErrorCode::SessionExpired);
    assert!(tokens.load().unwrap().is_none(), "dead tokens are removed");
    assert!(matches!(session.state().await.unwrap(), SessionState::SignedOut { .. }));
}

#[tokio::test]
async fn no_secret_reaches_the_data_directory() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), server.base_url()).await.unwrap();
    session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    session.fetch_profile().await.unwrap();
    // A full sync and a change through the outbox: records and queued requests are on disk now too.
    session.sync_now().await.unwrap();
    let change = penggerak_core::testing::changes::join_community(session.store(), "guru-siti", "kom-05")
        .await
        .unwrap();
    session.change(&change).await.unwrap();
    session.sync_now().await.unwrap();
    let t = tokens.load().unwrap().unwrap();
    let secrets =
        [t.access_token.expose().clone(), t.refresh_token.expose().clone(), DEMO_PASSWORD.to_string()];
    // Read every file while the store is still open (WAL not yet checkpointed), then again after close.
    // And after sign-out (which revokes, wipes the keychain entry and the local data).
    for pass in ["open", "signed out", "closed"] {
        match pass {
            "signed out" => drop(session.sign_out(false).await.unwrap()),
            "closed" => session.store().close().await,
            _ => {}
        }
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            // The -wal and -shm files may vanish between listing and reading while the pool closes.
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let text = String::from_utf8_lossy(&bytes);
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "a secret was found in {} ({pass})", path.display());
            }
        }
    }
}

#[tokio::test]
async fn tokens_without_a_local_store_refetch_the_profile_or_fall_back_to_sign_in() {
    let server = TestServer::start();
    let tokens = Arc::new(MemoryStore::default());
    let first = tempfile::tempdir().unwrap();
    let session = Engine::open(first.path(), tokens.clone(), server.base_url()).await.unwrap();
    session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();

    // The app's data was wiped (a new data directory) but the keychain kept the tokens.
    let wiped = tempfile::tempdir().unwrap();
    let session = Engine::open(wiped.path(), tokens.clone(), server.base_url()).await.unwrap();
    let state = session.state().await.unwrap();
    assert_eq!(name(&state), Some("Siti Rahayu, S.Pd."), "online, the profile is fetched again");

    let offline = tempfile::tempdir().unwrap();
    let session = Engine::open(offline.path(), tokens.clone(), server.base_url()).await.unwrap();
    drop(server);
    let state = session.state().await.expect("offline is not an error screen");
    assert!(matches!(state, SessionState::SignedOut { .. }), "offline with no profile: the sign-in screen");
    assert!(tokens.load().unwrap().is_some(), "the tokens are kept for when the network returns");
}

/// Signing out with no connection still signs the device out at once; the session is revoked on the
/// server when it can be reached again (here by the sync loop's next attempt), and until then the kept
/// entry is never taken for a session.
#[tokio::test]
async fn a_sign_out_made_offline_is_revoked_on_the_server_once_it_is_reachable() {
    use penggerak_testkit::{ChaosMode, ChaosProxy};
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 11);
    let (session, tokens, _dir) = signed_in_at(&server, &proxy.base_url()).await;
    let stored = tokens.load().unwrap().unwrap();

    proxy.set_mode(ChaosMode::Down);
    let out = session.sign_out(false).await.unwrap();
    assert!(matches!(out, SessionState::SignedOut { .. }), "signed out at once: {out:?}");
    let kept = tokens.load().unwrap().expect("what revoking takes is kept");
    assert!(kept.revoke_only && kept.access_token.expose().is_empty(), "no usable access token stays");
    assert!(matches!(session.state().await.unwrap(), SessionState::SignedOut { .. }));
    assert!(!session.finish_revocation().await.unwrap(), "still offline: nothing settled");
    assert!(tokens.load().unwrap().is_some(), "kept until the server is told");

    proxy.set_mode(ChaosMode::Pass);
    let status = session.sync_now().await.unwrap();
    assert_eq!(status.phase, penggerak_types::ipc::SyncPhase::SignedOut);
    assert!(tokens.load().unwrap().is_none(), "revoked, then forgotten");
    let client = ApiClient::new(&server.base_url()).unwrap();
    let e = client.refresh(stored.refresh_token.expose()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SessionExpired, "the server no longer honours the signed-out session");
}

/// A listener on 127.0.0.1 that takes every connection, counts it, and answers each with `answer` (raw
/// HTTP) or, without one, never answers (holding the connection open). Its base URL and the count.
fn listener(answer: Option<&'static str>) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut s in l.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            if let Some(a) = answer {
                let mut head = [0u8; 4096];
                let _ = s.read(&mut head);
                let _ = s.write_all(a.as_bytes());
            }
            held.push(s);
        }
    });
    (url, accepted)
}

/// A device whose default server is `url` (the real `server`, or a proxy in front of it), with Siti signed
/// in there.
async fn signed_in_at(server: &TestServer, url: &str) -> (Engine, Arc<MemoryStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), url).await.unwrap();
    let mut req = request(server, DEMO_PASSWORD);
    req.server_url = Some(url.to_owned());
    session.sign_in(req).await.unwrap();
    (session, tokens, dir)
}

/// Signs Siti in through `server`, then moves her session to `url` (the keychain names the server a
/// session belongs to): what signing out talks to.
async fn signed_in_then_moved_to(
    server: &TestServer,
    url: &str,
) -> (Engine, Arc<MemoryStore>, tempfile::TempDir) {
    let (session, tokens, dir) = signed_in_at(server, &server.base_url()).await;
    let mut moved = tokens.load().unwrap().unwrap();
    moved.server_url = url.to_owned();
    tokens.save(&moved).unwrap();
    (session, tokens, dir)
}

/// Signing out over a network that takes the request and never answers (a captive portal, a link that
/// died after connecting) does not hold the teacher on "Sedang keluar…" through the client's retries: one try,
/// a short wait, then the device is signed out and the session kept to be revoked later. (Retried like
/// other requests, it was four tries of 30 s and the waits between them: over two minutes.) Pressing
/// "Keluar" again (a page drawn while the first was under way) keeps that entry too.
#[tokio::test]
async fn a_sign_out_the_server_never_answers_signs_out_after_one_short_try() {
    use std::sync::atomic::Ordering;
    let server = TestServer::start();
    let (hole_url, accepted) = listener(None);
    let (session, tokens, _dir) = signed_in_then_moved_to(&server, &hole_url).await;

    let started = std::time::Instant::now();
    let out = session.sign_out(false).await.unwrap();
    let took = started.elapsed();
    assert!(matches!(out, SessionState::SignedOut { .. }), "signed out: {out:?}");
    let kept = tokens.load().unwrap().expect("what revoking takes is kept for later");
    assert!(kept.revoke_only && kept.server_url == hole_url, "kept to revoke at that server: {kept:?}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "one try: a request that may have arrived is not sent again"
    );
    assert!(
        took >= penggerak_client::LOGOUT_WAIT && took < Duration::from_secs(30),
        "it waited for its one try ({:?}), not for the client's usual 30 s timeout: {took:?}",
        penggerak_client::LOGOUT_WAIT
    );

    let again = session.sign_out(false).await.unwrap();
    assert!(matches!(again, SessionState::SignedOut { .. }), "still signed out: {again:?}");
    assert_eq!(
        tokens.load().unwrap(),
        Some(kept),
        "a second sign-out has no session to end and leaves the one waiting to be revoked"
    );
}

/// A change made while the sign-out waits on the server (a page still open on a slow link) is refused in
/// sight once the sign-out ends, never queued and then forgotten with the rest.
#[tokio::test]
async fn a_change_made_while_signing_out_is_refused_not_forgotten() {
    use penggerak_types::ipc::Action;
    let server = TestServer::start();
    let (hole_url, _) = listener(None);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), server.base_url()).await.unwrap();
    session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    session.sync_now().await.unwrap();
    let mut moved = tokens.load().unwrap().unwrap();
    moved.server_url = hole_url;
    tokens.save(&moved).unwrap();

    let (out, joined, typed) = tokio::join!(
        session.sign_out(false),
        async {
            // Well inside the sign-out's wait for the server.
            tokio::time::sleep(Duration::from_secs(2)).await;
            session.act(Action::JoinCommunity { id: "kom-05".into() }).await
        },
        async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            session.save_draft("reflection:pkb-x", "Ditulis saat keluar").await
        }
    );
    assert!(matches!(out.unwrap(), SessionState::SignedOut { .. }), "signed out");
    let e = joined.expect_err("a change after the count of what waits is not taken");
    assert_eq!(e.to_api_error().code, ErrorCode::NotSignedIn, "refused as made by nobody signed in: {e:?}");
    let e = typed.expect_err("nor is text typed meanwhile (it would be kept, then wiped)");
    assert_eq!(e.to_api_error().code, ErrorCode::NotSignedIn, "the draft refused the same way: {e:?}");
    assert_eq!(session.store().draft_count().await.unwrap(), 0, "and no draft is left behind");
    let (waiting, conflicts, refused) = session.store().outbox_counts().await.unwrap();
    assert_eq!((waiting, conflicts, refused), (0, 0, 0), "nothing left to be sent under the next sign-in");
}

/// A sync page on its way when she signs out (a slow link) is not written into the emptied store once the
/// sign-out is done: the next person to sign in on this device would see her records, and she, signing in
/// again, would resume a feed whose cursor says she has them.
#[tokio::test]
async fn a_sync_page_that_arrives_during_sign_out_is_not_kept() {
    use penggerak_testkit::{ChaosMode, ChaosProxy};
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 23);
    let (session, _tokens, _dir) = signed_in_at(&server, &proxy.base_url()).await;

    // Every answer from now on comes back 3 s late; the sign-out starts while the first page is on its way
    // and asks the server too, so it ends after that page has arrived.
    proxy.set_mode(ChaosMode::Bad {
        latency: Duration::from_secs(3),
        bytes_per_sec: 0,
        reset: 0.0,
        hang: 0.0,
    });
    let (down_before, _) = proxy.bytes();
    let (_, out) = tokio::join!(session.sync_now(), async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        session.sign_out(false).await
    });
    assert!(matches!(out.unwrap(), SessionState::SignedOut { .. }), "signed out");
    let (down_after, _) = proxy.bytes();
    assert!(
        down_after - down_before > 5_000,
        "a page of her records (137 of them, ~11 KB compressed) did arrive during the sign-out ({} bytes; a refusal is a few hundred): else this proves nothing",
        down_after - down_before
    );
    assert_eq!(session.store().counts().await.unwrap(), vec![], "nothing of hers is left on the device");

    // Signed in again, she gets all her records: no cursor of the page that came late says she has them.
    proxy.set_mode(ChaosMode::Pass);
    let mut req = request(&server, DEMO_PASSWORD);
    req.server_url = Some(proxy.base_url());
    session.sign_in(req).await.unwrap();
    session.sync_now().await.unwrap();
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh =
        Engine::open(fresh_dir.path(), Arc::new(MemoryStore::default()), server.base_url()).await.unwrap();
    fresh.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    fresh.sync_now().await.unwrap();
    assert_eq!(
        session.store().counts().await.unwrap(),
        fresh.store().counts().await.unwrap(),
        "the same records as a device she signs in on for the first time"
    );
}

/// A server too busy to take the revocation (its JSON `server_busy`, which the client used to retry) is
/// not the server's word on the session: it is kept to be revoked later, not forgotten unrevoked.
#[tokio::test]
async fn a_sign_out_the_server_is_too_busy_for_is_revoked_later() {
    const BUSY: &str = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
                        content-length: 41\r\nconnection: close\r\n\r\n\
                        {\"code\":\"server_busy\",\"message\":\"Sibuk.\"}";
    let server = TestServer::start();
    let (busy_url, _) = listener(Some(BUSY));
    let (session, tokens, _dir) = signed_in_then_moved_to(&server, &busy_url).await;
    session.sign_out(false).await.unwrap();
    let kept = tokens.load().unwrap().expect("kept: the server said nothing about the session");
    assert!(kept.revoke_only, "kept only to revoke: {kept:?}");
}

fn welcome(state: &SessionState) -> bool {
    match state {
        SessionState::SignedIn { welcome, .. } => *welcome,
        SessionState::SignedOut { .. } => panic!("signed in expected: {state:?}"),
    }
}

/// The first-run cards are due for each account once per device: through a restart until they are shown,
/// never after (not after a sign-out and sign-in, not after a restart), and due for another account.
#[tokio::test]
async fn the_first_run_cards_are_due_once_per_account_on_a_device() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let tokens: Arc<MemoryStore> = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    session.welcome_seen().await.expect("signed out, there is nobody to mark: not an error");
    let state = session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    assert!(welcome(&state), "her first sign-in here: the cards are due");
    assert!(
        !welcome(&session.state().await.unwrap()),
        "only that answer says so: a later read of the session (a reload) does not send her back to them, \
         whether or not the cards' page has said they were shown"
    );
    session.welcome_seen().await.unwrap();
    assert!(!welcome(&session.state().await.unwrap()), "shown: not due any more");

    session.store().close().await;
    drop(session);
    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    assert!(!welcome(&session.state().await.unwrap()), "kept on the device through a restart");
    session.sign_out(false).await.unwrap();
    let again = session.sign_in(request(&server, DEMO_PASSWORD)).await.unwrap();
    assert!(!welcome(&again), "kept through a sign-out: her next sign-in goes to Beranda");
    session.sign_out(false).await.unwrap();

    // Another teacher on the same device has not seen them.
    let agus = SignInRequest {
        identifier: "3471765432100003".into(),
        password: DEMO_PASSWORD.into(),
        server_url: Some(server.base_url()),
    };
    let other = session.sign_in(agus).await.unwrap();
    assert_eq!(name(&other), Some("Agus Prasetyo, S.Pd."));
    assert!(welcome(&other), "due for another account signing in on this device");
    session.sign_out(false).await.unwrap();
}
