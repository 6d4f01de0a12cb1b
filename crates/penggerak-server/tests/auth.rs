//! The thin slice of the API against the real server on 127.0.0.1:0 (SQLite, or PostgreSQL in the second pass).

mod common;

use common::login;
use penggerak_server::Config;
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::api::{Health, LoginResponse, Profile, Role};
use penggerak_types::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const SITI_NUPTK: &str = "3471765432100001";

async fn expect_error(resp: reqwest::Response, status: StatusCode, code: ErrorCode) {
    assert_eq!(resp.status(), status, "HTTP status");
    let e: ApiError = resp.json().await.expect("every error body is JSON {code, message}");
    assert_eq!(e.code, code, "error code (message was {:?})", e.message);
    assert!(!e.message.is_empty(), "every error carries a human-readable message");
}

async fn me(c: &reqwest::Client, s: &TestServer, access: &str) -> reqwest::Response {
    c.get(format!("{}/api/v1/me", s.base_url())).bearer_auth(access).send().await.unwrap()
}

#[tokio::test]
async fn health_answers_ok() {
    let s = TestServer::start();
    let h: Health =
        reqwest::get(format!("{}/api/v1/health", s.base_url())).await.unwrap().json().await.unwrap();
    assert_eq!(h.status, "ok", "health says ok when the database answers");
}

#[tokio::test]
async fn login_with_nuptk_nip_or_email_then_me() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    for id in [SITI_NUPTK, "198703152010012001", "Siti.Rahayu@demo.penggerak.id"] {
        let r = login(&c, &s, id, DEMO_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "demo teacher can sign in with {id}");
        let body: LoginResponse = r.json().await.unwrap();
        assert_eq!(body.profile.full_name, "Siti Rahayu, S.Pd.");
        assert_eq!(body.profile.role, Role::Guru);
        let p: Profile = me(&c, &s, &body.tokens.access_token).await.json().await.unwrap();
        assert_eq!(p, body.profile, "/me returns the same profile the login did");
        assert_eq!(p.school.as_ref().map(|s| s.npsn.as_str()), Some("20401234"));
    }
}

#[tokio::test]
async fn wrong_password_unknown_user_and_bad_bodies_are_clear_errors() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    expect_error(
        login(&c, &s, SITI_NUPTK, "salah").await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    expect_error(
        login(&c, &s, "0000", DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    expect_error(login(&c, &s, "  ", "").await, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation)
        .await;
    let r = c
        .post(format!("{}/api/v1/auth/login", s.base_url()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::BAD_REQUEST, ErrorCode::BadRequest).await;
    let r = c.get(format!("{}/api/v1/nope", s.base_url())).send().await.unwrap();
    expect_error(r, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn me_requires_a_valid_bearer_token() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let r = c.get(format!("{}/api/v1/me", s.base_url())).send().await.unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
    expect_error(me(&c, &s, "forged").await, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
}

async fn refresh(c: &reqwest::Client, s: &TestServer, token: &str) -> reqwest::Response {
    c.post(format!("{}/api/v1/auth/refresh", s.base_url()))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

/// How many sessions the database holds for Siti.
async fn sitis_sessions(db: &penggerak_server::Db) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM session_families f JOIN users u ON u.id = f.user_id WHERE u.nuptk = $1",
    )
    .bind(SITI_NUPTK)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    n
}

async fn sign_in(c: &reqwest::Client, s: &TestServer) -> LoginResponse {
    let r = login(c, s, SITI_NUPTK, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK, "the demo teacher signs in");
    r.json().await.unwrap()
}

#[tokio::test]
async fn reuse_after_the_successor_was_used_revokes_the_family() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let first = sign_in(&c, &s).await;
    let r = refresh(&c, &s, &first.tokens.refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK, "a fresh refresh token is accepted");
    let second: LoginResponse = r.json().await.unwrap();
    assert_ne!(second.tokens.refresh_token, first.tokens.refresh_token, "refresh tokens rotate");
    assert_eq!(me(&c, &s, &second.tokens.access_token).await.status(), StatusCode::OK);
    let r = refresh(&c, &s, &second.tokens.refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK, "the successor is spent in turn");
    let third: LoginResponse = r.json().await.unwrap();

    // The first token's successor has been used, so its holder got the answer: a replay now is what a
    // thief would do, and the whole family dies, including the newest pair.
    expect_error(
        refresh(&c, &s, &first.tokens.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionExpired,
    )
    .await;
    expect_error(
        me(&c, &s, &third.tokens.access_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
    )
    .await;
    expect_error(
        refresh(&c, &s, &third.tokens.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionExpired,
    )
    .await;
}

/// Rows of tokens the database holds for Siti's sessions: (access, refresh).
async fn sitis_tokens(db: &penggerak_server::Db) -> (i64, i64) {
    let mut n = [0i64; 2];
    for (i, table) in ["access_tokens", "refresh_tokens"].into_iter().enumerate() {
        (n[i],) = sqlx::query_as(&format!(
            "SELECT COUNT(*) FROM {table} t JOIN session_families f ON f.id = t.family_id
             JOIN users u ON u.id = f.user_id WHERE u.nuptk = $1"
        ))
        .bind(SITI_NUPTK)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    }
    (n[0], n[1])
}

#[tokio::test]
async fn a_session_rotating_faster_than_any_app_ends() {
    // A refresh needs no access token, so neither the per-user share nor the day's change count bounds
    // it: a script spending each new refresh token at once wrote two rows a turn, kept until they expired
    // (a month for the spent refresh tokens, which must stay to catch a replay), millions a day from one
    // account in a database all share. An app rotates once per access-token lifetime at most.
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let mut pair = sign_in(&c, &s).await.tokens;
    let mut accepted = 0;
    let refused = loop {
        let r = refresh(&c, &s, &pair.refresh_token).await;
        if r.status() != StatusCode::OK {
            break r;
        }
        accepted += 1;
        assert!(accepted <= 16, "at most 16 rotations in eight access-token lifetimes");
        pair = r.json::<LoginResponse>().await.unwrap().tokens;
    };
    assert_eq!(accepted, 16, "an app's pace (one per lifetime) and twice over are let through");
    expect_error(refused, StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired).await;
    // The session ended as a reuse ends it: the newest pair too.
    expect_error(me(&c, &s, &pair.access_token).await, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
        .await;
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    let (access, refresh_rows) = sitis_tokens(&db).await;
    db.pool.close().await;
    assert!(
        access <= 17 && refresh_rows <= 17,
        "rows of one session stay few ({access} access, {refresh_rows} refresh)"
    );
    // Signing in again is a new session.
    sign_in(&c, &s).await;
}

#[tokio::test]
async fn a_lost_refresh_answer_is_answered_again_with_the_same_pair() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let first = sign_in(&c, &s).await;
    // The answer to this refresh is lost on the way (a flaky link): the client never sees it.
    let lost = refresh(&c, &s, &first.tokens.refresh_token).await;
    assert_eq!(lost.status(), StatusCode::OK, "the first refresh succeeds on the server");
    let lost: LoginResponse = lost.json().await.unwrap();
    // So the client tries again with the token it still holds.
    let again = refresh(&c, &s, &first.tokens.refresh_token).await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "a refresh retried within the grace window, before its successor was used, is no theft"
    );
    let again: LoginResponse = again.json().await.unwrap();
    assert_eq!(again.tokens.access_token, lost.tokens.access_token, "the retry gets the same access token");
    assert_eq!(
        again.tokens.refresh_token, lost.tokens.refresh_token,
        "the retry gets the same refresh token"
    );
    assert_eq!(again.profile, lost.profile);
    assert_eq!(
        me(&c, &s, &lost.tokens.access_token).await.status(),
        StatusCode::OK,
        "the successor access token still works: the family was not revoked"
    );
    let r = refresh(&c, &s, &again.tokens.refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK, "the session goes on: the successor refresh token is accepted");
}

#[tokio::test]
async fn reuse_after_the_grace_window_revokes_the_family() {
    let s = TestServer::start_with(Config { refresh_grace: Duration::ZERO, ..Config::default() });
    let c = reqwest::Client::new();
    let first = sign_in(&c, &s).await;
    let r = refresh(&c, &s, &first.tokens.refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK);
    let second: LoginResponse = r.json().await.unwrap();
    expect_error(
        refresh(&c, &s, &first.tokens.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionExpired,
    )
    .await;
    expect_error(
        me(&c, &s, &second.tokens.access_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
    )
    .await;
    expect_error(
        refresh(&c, &s, &second.tokens.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionExpired,
    )
    .await;
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_never_revoke_the_family() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let first = sign_in(&c, &s).await;
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let (c, url, token) = (
                c.clone(),
                format!("{}/api/v1/auth/refresh", s.base_url()),
                first.tokens.refresh_token.clone(),
            );
            tokio::spawn(async move {
                let r = c.post(url).json(&json!({"refresh_token": token})).send().await.unwrap();
                let status = r.status();
                (
                    status,
                    if status == StatusCode::OK {
                        Some(r.json::<LoginResponse>().await.unwrap())
                    } else {
                        None
                    },
                )
            })
        })
        .collect();
    let mut pairs = Vec::new();
    for racer in racers {
        let (status, body) = racer.await.unwrap();
        assert_eq!(
            status,
            StatusCode::OK,
            "each racing refresh waits for the one holding the row lock, then is answered as its retry"
        );
        pairs.extend(body.map(|b| b.tokens));
    }
    assert!(
        pairs.iter().all(|p| p.access_token == pairs[0].access_token && p.refresh_token == pairs[0].refresh_token),
        "every racing refresh got the same successor pair (the lifetimes count down, the tokens are the same)"
    );
    assert_eq!(
        me(&c, &s, &pairs[0].access_token).await.status(),
        StatusCode::OK,
        "racing refreshes of one client never revoke its session"
    );
    let r = refresh(&c, &s, &pairs[0].refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK, "the successor refresh token is still good");
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let l = sign_in(&c, &s).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = c
            .get(format!("{}/api/v1/me", s.base_url()))
            .header("authorization", format!("{scheme} {}", l.tokens.access_token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "RFC 9110: the scheme {scheme:?} is case-insensitive");
    }
    let r = c
        .get(format!("{}/api/v1/me", s.base_url()))
        .header("authorization", format!("Basic {}", l.tokens.access_token))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
}

#[tokio::test]
async fn token_answers_are_never_cached() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let r = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await;
    let no_store = |r: &reqwest::Response| {
        r.headers().get("cache-control").and_then(|v| v.to_str().ok()).map(str::to_owned)
    };
    assert_eq!(
        no_store(&r).as_deref(),
        Some("no-store"),
        "a login answer carries tokens: Cache-Control: no-store"
    );
    let l: LoginResponse = r.json().await.unwrap();
    let r = refresh(&c, &s, &l.tokens.refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        no_store(&r).as_deref(),
        Some("no-store"),
        "a refresh answer carries tokens: Cache-Control: no-store"
    );
}

#[tokio::test]
async fn logout_revokes_access_and_refresh_tokens() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let l: LoginResponse = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await.json().await.unwrap();
    let r = c
        .post(format!("{}/api/v1/auth/logout", s.base_url()))
        .json(&json!({"refresh_token": l.tokens.refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect_error(me(&c, &s, &l.tokens.access_token).await, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
        .await;
    let r = c
        .post(format!("{}/api/v1/auth/refresh", s.base_url()))
        .json(&json!({"refresh_token": l.tokens.refresh_token}))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired).await;
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    // Two seconds, not one: expiry is kept in whole seconds, so a 1 s token issued at x.999 s is already
    // dead at x+1 and the first request below could meet it expired. This one lives at least a second.
    let s = TestServer::start_with(Config { access_ttl: Duration::from_secs(2), ..Config::default() });
    let c = reqwest::Client::new();
    let l: LoginResponse = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await.json().await.unwrap();
    assert_eq!(me(&c, &s, &l.tokens.access_token).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    expect_error(me(&c, &s, &l.tokens.access_token).await, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
        .await;
}

#[tokio::test]
async fn tokens_and_passwords_are_not_stored_in_plaintext() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let r = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await;
    let cookie = r.headers().get("set-cookie").expect("a device cookie").to_str().unwrap().to_owned();
    let device = cookie.split(';').next().unwrap().strip_prefix("penggerak_device=").unwrap().to_owned();
    let first: LoginResponse = r.json().await.unwrap();
    // A refresh stores the salt its successor pair is derived from: the pair itself must not be stored.
    let second: LoginResponse = refresh(&c, &s, &first.tokens.refresh_token).await.json().await.unwrap();
    let secrets = [
        first.tokens.access_token.as_str(),
        first.tokens.refresh_token.as_str(),
        second.tokens.access_token.as_str(),
        second.tokens.refresh_token.as_str(),
        device.as_str(),
        DEMO_PASSWORD,
    ];
    if let Some(path) = s.sqlite_path() {
        // SQLite: the database file and its WAL, byte for byte.
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend(std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default());
        let hay = String::from_utf8_lossy(&bytes);
        for secret in secrets {
            assert!(!hay.contains(secret), "a secret was found in the server's database files");
        }
        return;
    }
    // PostgreSQL: every row of every table of the server's schema, as text.
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let names: Vec<&str> = tables.iter().map(|(t,)| t.as_str()).collect();
    for expected in ["users", "access_tokens", "refresh_tokens", "known_devices"] {
        assert!(names.contains(&expected), "the server's tables are read ({expected} is among {names:?})");
    }
    let mut rows = 0;
    for table in names {
        let texts: Vec<(String,)> = sqlx::query_as(&format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"))
            .fetch_all(&db.pool)
            .await
            .unwrap();
        rows += texts.len();
        for (text,) in texts {
            for secret in secrets {
                assert!(!text.contains(secret), "a secret was found in table {table}");
            }
        }
    }
    assert!(rows > 0, "rows were read");
    db.pool.close().await;
}

#[tokio::test]
async fn sessions_end_at_their_absolute_lifetime() {
    const DAY: u64 = 24 * 60 * 60;
    let s = TestServer::start_with(Config {
        session_lifetime: Duration::from_secs(10 * DAY),
        ..Config::default()
    });
    let c = reqwest::Client::new();
    let l = sign_in(&c, &s).await;
    assert!(
        l.tokens.refresh_expires_in <= 10 * DAY,
        "a refresh token never outlives its session (10 days, though refresh tokens live 30): {}",
        l.tokens.refresh_expires_in
    );
    let r: LoginResponse = refresh(&c, &s, &l.tokens.refresh_token).await.json().await.unwrap();
    assert!(r.tokens.refresh_expires_in <= 10 * DAY, "refreshing does not move the session's end");

    let s = TestServer::start_with(Config { session_lifetime: Duration::ZERO, ..Config::default() });
    let l = sign_in(&c, &s).await;
    expect_error(
        refresh(&c, &s, &l.tokens.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionExpired,
    )
    .await;
}

async fn count(db: &penggerak_server::Db, table: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap();
    n
}

#[tokio::test]
async fn cleanup_deletes_expired_tokens_and_old_families() {
    use penggerak_server::auth::{expire, now_unix, Expired};
    const HOUR: i64 = 60 * 60;
    const DAY: i64 = 24 * HOUR;
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let signed_out = sign_in(&c, &s).await;
    let r = c
        .post(format!("{}/api/v1/auth/logout", s.base_url()))
        .json(&json!({"refresh_token": signed_out.tokens.refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let live = sign_in(&c, &s).await;
    assert_eq!(refresh(&c, &s, &live.tokens.refresh_token).await.status(), StatusCode::OK);
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    let config = Config::default();
    let tables = ["access_tokens", "refresh_tokens", "session_families", "known_devices"];
    let mut counts = Vec::new();
    for t in tables {
        counts.push(count(&db, t).await);
    }
    assert_eq!(counts, [3, 3, 2, 2], "two sign-ins and one refresh: rows of {tables:?}");

    let now = now_unix();
    assert_eq!(expire(&db, &config, now).await.unwrap(), Expired::default(), "nothing has expired yet");
    assert_eq!(
        expire(&db, &config, now + HOUR).await.unwrap(),
        Expired { access_tokens: 3, ..Expired::default() },
        "an hour on, the 15-minute access tokens are gone"
    );
    assert_eq!(
        expire(&db, &config, now + 31 * DAY).await.unwrap(),
        Expired { refresh_tokens: 3, families: 1, ..Expired::default() },
        "31 days on, the 30-day refresh tokens are gone, and so is the family signed out a month ago"
    );
    assert_eq!(
        expire(&db, &config, now + 181 * DAY).await.unwrap(),
        Expired { families: 1, devices: 2, ..Expired::default() },
        "past the 90-day session lifetime the last family goes, past 180 days the unused devices"
    );
    for t in tables {
        assert_eq!(count(&db, t).await, 0, "{t} is empty");
    }
    db.pool.close().await;
}

/// Signing in again and again (a script with the right password: successes are not rate-limited) keeps
/// the newest `MAX_SESSIONS_PER_USER` sessions and ends the older ones, their tokens with them, instead of
/// storing a session per sign-in for its whole lifetime.
#[tokio::test]
async fn an_account_keeps_its_newest_sessions_and_the_older_end() {
    use penggerak_server::auth::MAX_SESSIONS_PER_USER;
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let extra = 3;
    let mut sessions = Vec::new();
    for i in 0..MAX_SESSIONS_PER_USER + extra {
        if i == extra {
            // Sessions are ordered by when they started, in seconds: the first ones a second older.
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let r = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "each sign-in with the right password is answered");
        sessions.push(r.json::<LoginResponse>().await.unwrap().tokens);
    }
    let (ended, kept) = sessions.split_at(extra as usize);
    for t in ended {
        expect_error(me(&c, &s, &t.access_token).await, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
            .await;
        let r = refresh(&c, &s, &t.refresh_token).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "an ended session's refresh token is refused");
    }
    for t in kept {
        assert_eq!(me(&c, &s, &t.access_token).await.status(), StatusCode::OK, "the newest sessions stay");
    }
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    assert_eq!(sitis_sessions(&db).await, MAX_SESSIONS_PER_USER, "no more sessions are stored than are kept");
    db.pool.close().await;
}

/// A refresh racing the sign-in that ends its session (the account at its session cap) leaves both
/// answered: the sign-in succeeds and the refresh is refused as an ended session. On PostgreSQL the refresh
/// could store its new tokens in the family the sign-in was ending, whose deletion then failed on them:
/// the sign-in answered 500. The sign-in is held inside its transaction (a third connection holds the row
/// it deletes first) while the refresh runs. SQLite serialises writers (`BEGIN IMMEDIATE`): there the two
/// cannot interleave, and this test has nothing to hold.
#[tokio::test]
async fn a_refresh_racing_the_sign_in_that_ends_its_session_leaves_both_answered() {
    use penggerak_server::auth::{token_hash, MAX_SESSIONS_PER_USER};
    use penggerak_server::db::Backend;
    let s = TestServer::start();
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    if db.backend != Backend::Postgres {
        return;
    }
    let c = reqwest::Client::new();
    // The account at its cap, the first session a second older: the next sign-in ends that one.
    let mut sessions = Vec::new();
    for i in 0..MAX_SESSIONS_PER_USER {
        if i == 1 {
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        sessions.push(sign_in(&c, &s).await.tokens);
    }
    let oldest = sessions[0].clone();
    let mut hold = db.pool.begin().await.unwrap();
    sqlx::query("SELECT token_hash FROM access_tokens WHERE token_hash = $1 FOR UPDATE")
        .bind(token_hash(&oldest.access_token))
        .execute(&mut *hold)
        .await
        .unwrap();
    let signing_in = {
        let (c, url) = (c.clone(), s.base_url());
        tokio::spawn(async move {
            c.post(format!("{url}/api/v1/auth/login"))
                .json(&json!({"identifier": SITI_NUPTK, "password": DEMO_PASSWORD}))
                .send()
                .await
                .unwrap()
        })
    };
    // Whether a statement of this test's database starting with `sql` waits on a lock.
    let waiting = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1",
            )
            .bind(format!("{sql}%"))
            .fetch_one(&pool)
            .await
            .unwrap();
            n > 0
        }
    };
    // Until the sign-in waits on that row, in the middle of ending the oldest session.
    let mut waited = Duration::ZERO;
    while !waiting("DELETE FROM access_tokens").await {
        assert!(waited < Duration::from_secs(60), "the sign-in never reached the held row");
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    // The refresh meanwhile, as far as it gets before the sign-in goes on: done (it did not wait for the
    // sign-in, which then finds its tokens in the family it ends), or waiting for the user the sign-in
    // holds.
    let refreshing = {
        let (c, url, token) = (c.clone(), s.base_url(), oldest.refresh_token.clone());
        tokio::spawn(async move {
            c.post(format!("{url}/api/v1/auth/refresh"))
                .json(&json!({"refresh_token": token}))
                .send()
                .await
                .unwrap()
        })
    };
    let mut waited = Duration::ZERO;
    while !refreshing.is_finished() && !waiting("SELECT id FROM users").await {
        assert!(waited < Duration::from_secs(60), "the refresh neither finished nor waited for the sign-in");
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    hold.rollback().await.unwrap();
    let signed_in = signing_in.await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK, "the sign-in is answered whatever the refresh did");
    expect_error(refreshing.await.unwrap(), StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired).await;
    assert_eq!(sitis_sessions(&db).await, MAX_SESSIONS_PER_USER, "the session cap still holds");
    db.pool.close().await;
}
