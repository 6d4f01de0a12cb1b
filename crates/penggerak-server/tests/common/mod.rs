//! Helpers shared by this crate's integration tests (each test file includes it with `mod common;`).

use penggerak_testkit::TestServer;
use serde_json::json;

/// `POST /api/v1/auth/login` as a client would send it.
pub async fn login(
    c: &reqwest::Client,
    s: &TestServer,
    identifier: &str,
    password: &str,
) -> reqwest::Response {
    c.post(format!("{}/api/v1/auth/login", s.base_url()))
        .json(&json!({"identifier": identifier, "password": password}))
        .send()
        .await
        .unwrap()
}
