//! Sign-in rate limits against the real server: failed attempts per client address (successes are not
//! counted, so teachers behind one NAT do not share a budget), growing delays per account instead of a
//! lockout, known devices that get in while someone guesses the account's password, the client address
//! from a trusted proxy's `X-Forwarded-For`, and `429 {code: "rate_limited"}` with `Retry-After`. Each test
//! sets small limits through `Config`; all connections come from 127.0.0.1.

mod common;

use common::login;
use penggerak_server::{Backoff, Config, Limit};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const SITI_NUPTK: &str = "3471765432100001";
const SITI_EMAIL: &str = "siti.rahayu@demo.penggerak.id";
const AGUS_NUPTK: &str = "3471765432100003";
const MINUTE: Duration = Duration::from_secs(60);

/// `free` failures in a row cost nothing, then waits of `first`, doubling, up to an hour.
fn delays(free: u32, first: Duration) -> Backoff {
    Backoff { free, first, max: 60 * MINUTE, forget_after: 60 * MINUTE }
}

fn server(per_account: Backoff, per_address: Limit) -> TestServer {
    TestServer::start_with(Config {
        login_per_account: per_account,
        login_per_address: per_address,
        ..Config::default()
    })
}

async fn status(c: &reqwest::Client, s: &TestServer, identifier: &str, password: &str) -> StatusCode {
    login(c, s, identifier, password).await.status()
}

/// A sign-in with the device cookie `device` and coming through a proxy that forwards for `forwarded_for`.
async fn login_from(
    c: &reqwest::Client,
    s: &TestServer,
    identifier: &str,
    password: &str,
    device: Option<&str>,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut r = c
        .post(format!("{}/api/v1/auth/login", s.base_url()))
        .json(&json!({"identifier": identifier, "password": password}));
    if let Some(d) = device {
        r = r.header("cookie", format!("theme=dark; penggerak_device={d}"));
    }
    if let Some(f) = forwarded_for {
        r = r.header("x-forwarded-for", f);
    }
    r.send().await.unwrap()
}

/// The device cookie a successful sign-in sets, checked for the attributes that keep it to sign-ins.
fn device_cookie(resp: &reqwest::Response) -> String {
    assert_eq!(resp.status(), StatusCode::OK, "a successful sign-in");
    let set = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a successful sign-in sets the device cookie")
        .to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth/login", "Max-Age="] {
        assert!(set.contains(attribute), "the device cookie is set with {attribute}: {set}");
    }
    let value =
        set.split(';').next().unwrap().strip_prefix("penggerak_device=").expect("named penggerak_device");
    assert!(value.len() >= 43, "the device token is at least 256 random bits: {value}");
    value.to_owned()
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

/// NUPTKs of `n` demo accounts, read from the server's database.
async fn teachers(s: &TestServer, n: usize) -> Vec<String> {
    let db = penggerak_server::Db::open(s.database_url()).await.expect("the test server's database");
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT nuptk FROM users WHERE nuptk IS NOT NULL ORDER BY nuptk LIMIT $1")
            .bind(n as i64)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    db.pool.close().await;
    assert_eq!(rows.len(), n, "the demo data has {n} accounts with a NUPTK");
    rows.into_iter().map(|(n,)| n).collect()
}

#[tokio::test]
async fn many_teachers_behind_one_nat_all_sign_in() {
    // The default limits: a carrier NAT or a school's proxy puts every teacher on one address.
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let nuptks = teachers(&s, 60).await;
    for (i, nuptk) in nuptks.iter().cycle().take(200).enumerate() {
        assert_eq!(
            status(&c, &s, nuptk, DEMO_PASSWORD).await,
            StatusCode::OK,
            "sign-in {} of 200 (60 teachers, each several times) from the shared address: successes never \
             use up its budget",
            i + 1
        );
    }
}

#[tokio::test]
async fn failures_from_one_address_are_limited_across_accounts() {
    let s = server(delays(100, MINUTE), Limit::new(4, MINUTE));
    let c = reqwest::Client::new();
    assert_eq!(status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await, StatusCode::OK, "a success is not counted");
    assert_eq!(status(&c, &s, AGUS_NUPTK, "salah").await, StatusCode::UNAUTHORIZED, "failure 1 of 4");
    assert_eq!(status(&c, &s, SITI_NUPTK, "salah").await, StatusCode::UNAUTHORIZED, "failure 2 of 4");
    assert_eq!(status(&c, &s, AGUS_NUPTK, DEMO_PASSWORD).await, StatusCode::OK, "a success is not counted");
    assert_eq!(status(&c, &s, "0000", "salah").await, StatusCode::UNAUTHORIZED, "failure 3 of 4");
    assert_eq!(status(&c, &s, "0001", "salah").await, StatusCode::UNAUTHORIZED, "failure 4 of 4");
    let retry_after = expect_limited(
        login(&c, &s, "0002", "salah").await,
        "4 failures from 127.0.0.1 within the window use up its budget, whichever accounts they named",
    )
    .await;
    assert!((1..=60).contains(&retry_after), "the wait is within the one-minute window, got {retry_after}");
    expect_limited(
        login(&c, &s, SITI_EMAIL, DEMO_PASSWORD).await,
        "a new device at a limited address waits too, even with the right password",
    )
    .await;
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_nobody_else_can() {
    let proxied = TestServer::start_with(Config {
        login_per_account: delays(100, MINUTE),
        login_per_address: Limit::new(2, MINUTE),
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..Config::default()
    });
    let c = reqwest::Client::new();
    let guess = |s, forwarded| login_from(&c, s, "0000", "salah", None, Some(forwarded));
    for _ in 0..2 {
        assert_eq!(guess(&proxied, "203.0.113.1").await.status(), StatusCode::UNAUTHORIZED);
    }
    expect_limited(guess(&proxied, "203.0.113.1").await, "203.0.113.1 used up its 2 failures").await;
    expect_limited(
        guess(&proxied, "6.6.6.6, 203.0.113.1").await,
        "what the client wrote left of the proxy's entry gives no fresh address",
    )
    .await;
    assert_eq!(
        guess(&proxied, "203.0.113.2").await.status(),
        StatusCode::UNAUTHORIZED,
        "another client behind the same proxy has its own budget"
    );

    // Without a trusted proxy the header is the client's word and changes nothing.
    let direct = server(delays(100, MINUTE), Limit::new(2, MINUTE));
    for forwarded in ["203.0.113.1", "203.0.113.2"] {
        assert_eq!(guess(&direct, forwarded).await.status(), StatusCode::UNAUTHORIZED);
    }
    expect_limited(guess(&direct, "203.0.113.3").await, "an untrusted X-Forwarded-For is ignored").await;
}

#[tokio::test]
async fn someone_hammering_her_identifier_cannot_keep_her_out_of_her_known_device() {
    // The attacker and the teacher share one address (a NAT), so the address budget is spent too.
    let s = server(delays(3, MINUTE), Limit::new(5, MINUTE));
    let c = reqwest::Client::new();
    let device = device_cookie(&login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await);
    let mut refused = 0;
    for _ in 0..30 {
        match status(&c, &s, SITI_NUPTK, "tebakan").await {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("a wrong password is refused or delayed, got {other}"),
        }
    }
    assert!(refused >= 25, "the guesses are delayed after the free failures ({refused} of 30 refused)");
    expect_limited(
        login(&c, &s, SITI_EMAIL, DEMO_PASSWORD).await,
        "from a device the server does not know, her account must wait like the guesser",
    )
    .await;
    let r = login_from(&c, &s, SITI_EMAIL, DEMO_PASSWORD, Some(&device), None).await;
    assert_eq!(r.status(), StatusCode::OK, "her known device still gets in with the right password");
    assert_eq!(device_cookie(&r), device, "a known device keeps its token");

    // Another account's device cookie does not make a device known for her, and a known device is
    // limited on its own: guessing from it is delayed too.
    let agus = device_cookie(&login(&c, &s, AGUS_NUPTK, DEMO_PASSWORD).await);
    expect_limited(
        login_from(&c, &s, SITI_NUPTK, DEMO_PASSWORD, Some(&agus), None).await,
        "Agus's device is not known for Siti's account",
    )
    .await;
    for _ in 0..3 {
        let r = login_from(&c, &s, SITI_NUPTK, "salah", Some(&device), None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the device's own free failures");
    }
    expect_limited(
        login_from(&c, &s, SITI_NUPTK, DEMO_PASSWORD, Some(&device), None).await,
        "a known device that guessed wrong 3 times waits too",
    )
    .await;
}

#[tokio::test]
async fn the_account_delay_grows_with_every_failure() {
    let s = server(delays(2, Duration::from_secs(2)), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for i in 1..=2 {
        assert_eq!(status(&c, &s, SITI_NUPTK, "salah").await, StatusCode::UNAUTHORIZED, "free failure {i}");
    }
    let first = expect_limited(login(&c, &s, SITI_NUPTK, "salah").await, "after 2 failures, a wait").await;
    tokio::time::sleep(Duration::from_secs(first)).await;
    assert_eq!(
        status(&c, &s, SITI_NUPTK, "salah").await,
        StatusCode::UNAUTHORIZED,
        "after waiting Retry-After one more attempt is answered"
    );
    let second = expect_limited(login(&c, &s, SITI_NUPTK, "salah").await, "and then a longer wait").await;
    assert!(second > first, "the delay grows with each failure: {first} s, then {second} s");
}

#[tokio::test]
async fn failed_sign_ins_delay_the_account_under_every_spelling() {
    let s = server(delays(3, MINUTE), Limit::new(100, MINUTE));
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
        "after 3 failures the account waits, so from an unknown device even the right password is refused",
    )
    .await;
    assert!(
        (1..=60).contains(&retry_after),
        "the first wait is at most one minute and at least a second, got {retry_after}"
    );
    expect_limited(
        login(&c, &s, SITI_EMAIL, DEMO_PASSWORD).await,
        "the delay is per account, so spelling it by e-mail instead of NUPTK gives no fresh attempts",
    )
    .await;
    assert_eq!(
        status(&c, &s, AGUS_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "another account from the same address is not delayed"
    );
}

#[tokio::test]
async fn unknown_identifiers_are_limited_like_real_accounts() {
    let s = server(delays(2, MINUTE), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(status(&c, &s, "9999999999999999", "salah").await, StatusCode::UNAUTHORIZED);
    }
    expect_limited(
        login(&c, &s, "9999999999999999", "salah").await,
        "an unknown identifier is delayed like a real one, so a 429 does not reveal whether an account exists",
    )
    .await;
}

#[tokio::test]
async fn sign_in_works_again_after_waiting_retry_after() {
    let s = server(delays(2, Duration::from_secs(2)), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(status(&c, &s, SITI_NUPTK, "salah").await, StatusCode::UNAUTHORIZED);
    }
    let retry_after =
        expect_limited(login(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await, "2 free failures, then a wait").await;
    assert!(
        (1..=2).contains(&retry_after),
        "with a two-second first delay the wait is one or two seconds (rounded up), got {retry_after}"
    );
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(
        status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "after waiting Retry-After seconds the right password works"
    );
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_account_failures() {
    let s = server(delays(3, MINUTE), Limit::new(100, MINUTE));
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(status(&c, &s, SITI_NUPTK, "salah").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        status(&c, &s, SITI_NUPTK, DEMO_PASSWORD).await,
        StatusCode::OK,
        "2 failures are within the 3 free ones"
    );
    for i in 1..=3 {
        assert_eq!(
            status(&c, &s, SITI_NUPTK, "salah").await,
            StatusCode::UNAUTHORIZED,
            "failure {i} after the success is counted from zero, not as failure {} of 3",
            i + 2
        );
    }
}
