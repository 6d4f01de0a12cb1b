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

/// Siti's access token from the server at `base` (e.g. `http://127.0.0.1:8080`), signed in with the demo
/// password: for tests that start the server binary themselves.
#[allow(dead_code)] // used by the test files that start the binary
pub async fn siti_token_at(base: &str) -> String {
    let answer: penggerak_types::api::LoginResponse = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"identifier": "3471765432100001", "password": penggerak_testkit::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .expect("signed in");
    answer.tokens.access_token
}

/// A signed-in caller of the API, for tests.
#[allow(dead_code)] // each test file uses part of it
pub struct Api {
    pub c: reqwest::Client,
    pub base: String,
    pub token: String,
}

#[allow(dead_code)]
impl Api {
    /// Signs in with a demo account (`identifier`: NUPTK, NIP or e-mail).
    pub async fn sign_in(s: &TestServer, identifier: &str) -> Api {
        let c = reqwest::Client::new();
        let r = login(&c, s, identifier, penggerak_testkit::DEMO_PASSWORD).await;
        assert_eq!(r.status(), reqwest::StatusCode::OK, "demo account {identifier} signs in");
        let l: penggerak_types::api::LoginResponse = r.json().await.unwrap();
        Api { c, base: s.base_url(), token: l.tokens.access_token }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.c.get(self.url(path)).bearer_auth(&self.token).send().await.unwrap()
    }

    /// A GET with `If-None-Match: etag`.
    pub async fn get_if_none_match(&self, path: &str, etag: &str) -> reqwest::Response {
        let r = self.c.get(self.url(path)).bearer_auth(&self.token);
        r.header(reqwest::header::IF_NONE_MATCH, etag).send().await.unwrap()
    }

    /// A mutating request with a fresh `Idempotency-Key`.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        self.send_keyed(method, path, body, Some(&uuid::Uuid::new_v4().to_string())).await
    }

    /// A mutating request with the given key (or none).
    pub async fn send_keyed(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        key: Option<&str>,
    ) -> reqwest::Response {
        let mut r = self.c.request(method, self.url(path)).bearer_auth(&self.token);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    /// Follows `/sync` from the start until no more pages; returns every record and the final cursor.
    pub async fn sync_all(&self) -> (Vec<penggerak_types::SyncRecord>, String) {
        let mut cursor: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let path = match &cursor {
                Some(c) => format!("/sync?cursor={c}"),
                None => "/sync".to_owned(),
            };
            let r = self.get(&path).await;
            assert_eq!(r.status(), reqwest::StatusCode::OK, "sync page {path}");
            let page: penggerak_types::SyncPage = r.json().await.unwrap();
            out.extend(page.records);
            cursor = Some(page.cursor);
            if !page.more {
                return (out, cursor.unwrap());
            }
        }
    }
}

/// The body of an error answer, checked for its status and code.
#[allow(dead_code)]
pub async fn expect_error(
    r: reqwest::Response,
    status: reqwest::StatusCode,
    code: penggerak_types::ErrorCode,
) -> penggerak_types::ApiError {
    assert_eq!(r.status(), status, "status of {}", r.url());
    let e: penggerak_types::ApiError = r.json().await.unwrap();
    assert_eq!(e.code, code, "{e:?}");
    e
}
