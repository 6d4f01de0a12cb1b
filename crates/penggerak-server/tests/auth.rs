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

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let first: LoginResponse = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await.json().await.unwrap();
    let refresh = |token: String| {
        let c = c.clone();
        let url = format!("{}/api/v1/auth/refresh", s.base_url());
        async move { c.post(url).json(&json!({"refresh_token": token})).send().await.unwrap() }
    };
    let r = refresh(first.tokens.refresh_token.clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "a fresh refresh token is accepted once");
    let second: LoginResponse = r.json().await.unwrap();
    assert_ne!(second.tokens.refresh_token, first.tokens.refresh_token, "refresh tokens rotate");
    assert_eq!(me(&c, &s, &second.tokens.access_token).await.status(), StatusCode::OK);

    // Replaying the spent token is what a thief would do: the whole family dies, including the new pair.
    expect_error(
        refresh(first.tokens.refresh_token).await,
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
        refresh(second.tokens.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionExpired,
    )
    .await;
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
    let s = TestServer::start_with(Config { access_ttl: Duration::from_secs(1), ..Config::default() });
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
    let l: LoginResponse = login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await.json().await.unwrap();
    let secrets = [l.tokens.access_token.as_str(), l.tokens.refresh_token.as_str(), DEMO_PASSWORD];
    // On SQLite, read the database file and its WAL byte for byte; on PostgreSQL there is no file to
    // read here, and the unit tests of `auth` cover the hashing.
    let Some(path) = s.sqlite_path() else { return };
    let mut bytes = std::fs::read(path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default());
    let hay = String::from_utf8_lossy(&bytes);
    for secret in secrets {
        assert!(!hay.contains(secret), "a secret was found in the server's database files");
    }
}
