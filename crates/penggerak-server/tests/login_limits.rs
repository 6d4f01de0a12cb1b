//! Sign-in rate limits against the real server: failed attempts per account, every attempt per client
//! address, `429 {code: "rate_limited"}` with `Retry-After`, and recovery when the window passes or the
//! right password is given. Each test sets small limits through `Config`; all clients are 127.0.0.1.

mod common;

use common::login;
use penggerak_server::{Config, Limit};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::{ApiError, ErrorCode};
use reqwest::StatusCode;
use std::time::Duration;

const SITI_NUPTK: &str = "3471765432100001";
const SITI_EMAIL: &str = "siti.rahayu@demo.penggerak.id";
const AGUS_NUPTK: &str = "3471765432100003";
const MINUTE: Duration = Duration::from_secs(60);

fn server(per_account: Limit, per_address: Limit) -> TestServer {
    TestServer::start_with(Config {
        login_per_account: per_account,
        login_per_address: per_address,
        ..Config::default()
    })
}

async fn status(c: &reqwest::Client, s: &TestServer, identifier: &str, password: &str) -> StatusCode {
    login(c, s, identifier, password).await.status()
}

/// Asserts a 429 `rate_limited` answer and returns its `Retry-After` in seconds.
async fn expect_limited(resp: reqwest::Response, why: &str) -> u64 {
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "{why}");
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("a 429 tells the client when to retry, in whole seconds (Retry-After)");
    let e: ApiError = resp.json().await.expect("a 429 body is JSON {code, message}");
    assert_eq!(e.code, ErrorCode::RateLimited, "clients branch on the code, so it must be rate_limited");
    assert!(
        e.message.starts_with("Terlalu banyak percobaan"),
        "the message is in Bahasa Indonesia: {:?}",
        e.message
    );
    retry_after
}

#[tokio::test]
async fn failed_sign_ins_lock_the_account_even_for_the_right_password() {
    let s = server(Limit::new(3, MINUTE), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for i in 1..=3 {
        assert_eq!(
            status(&c, &s, SITI_NUPTK, "salah").await,
            StatusCode::UNAUTHORIZED,
            "failure {i} of 3 is still answered normally"
        );
    }
    let retry_after = expect_limited(
        login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        "after 3 failures the account is locked, so even the right password is refused",
    )
    .await;
    assert!(
        (1..=60).contains(&retry_after),
        "the wait is at most the one-minute window and at least a second, got {retry_after}"
    );
    expect_limited(
        login(&c, &s, SITI_EMAIL, DEMO_PASSWORD).await,
        "the limit is per account, so spelling it by e-mail instead of NUPTK gives no fresh attempts",
    )
    .await;
    assert_eq!(
        status(&c, &s, AGUS_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "another account from the same address is not locked (the address limit of 100 is far away)"
    );
}

#[tokio::test]
async fn unknown_identifiers_are_limited_like_real_accounts() {
    let s = server(Limit::new(2, MINUTE), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(status(&c, &s, "9999999999999999", "salah").await, StatusCode::UNAUTHORIZED);
    }
    expect_limited(
        login(&c, &s, "9999999999999999", "salah").await,
        "an unknown identifier is locked like a real one, so a 429 does not reveal whether an account exists",
    )
    .await;
}

#[tokio::test]
async fn the_address_limit_counts_every_attempt_across_accounts() {
    let s = server(Limit::new(100, MINUTE), Limit::new(4, MINUTE));
    let c = reqwest::Client::new();
    assert_eq!(status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await, StatusCode::OK, "attempt 1 of 4");
    assert_eq!(status(&c, &s, AGUS_NUPTK, "salah").await, StatusCode::UNAUTHORIZED, "attempt 2 of 4");
    assert_eq!(status(&c, &s, AGUS_NUPTK, DEMO_PASSWORD).await, StatusCode::OK, "attempt 3 of 4");
    assert_eq!(status(&c, &s, "0000", "salah").await, StatusCode::UNAUTHORIZED, "attempt 4 of 4");
    expect_limited(
        login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        "successes count against the address too: a 5th attempt from 127.0.0.1 within the window is refused",
    )
    .await;
}

#[tokio::test]
async fn sign_in_works_again_after_waiting_retry_after() {
    let s = server(Limit::new(2, Duration::from_secs(2)), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(status(&c, &s, SITI_NUPTK, "salah").await, StatusCode::UNAUTHORIZED);
    }
    let retry_after =
        expect_limited(login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await, "2 failures use up a limit of 2")
            .await;
    assert!(
        (1..=2).contains(&retry_after),
        "with a two-second window the wait is one or two seconds (rounded up), got {retry_after}"
    );
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(
        status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "after waiting Retry-After seconds the oldest failure has left the window, so the right password works"
    );
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_account_failures() {
    let s = server(Limit::new(3, MINUTE), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(status(&c, &s, SITI_NUPTK, "salah").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "2 failures are under the limit of 3"
    );
    for i in 1..=2 {
        assert_eq!(
            status(&c, &s, SITI_NUPTK, "salah").await,
            StatusCode::UNAUTHORIZED,
            "failure {i} after the success is counted from zero, not as failure {} of 3",
            i + 2
        );
    }
    assert_eq!(
        status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "only 2 failures since the last success, so the account is not locked"
    );
}
