//! Responses are compressed when the client asks, with each of the encodings the app accepts.

use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use serde_json::json;

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let s = TestServer::start();
    // No automatic decompression: this client sees the bytes as they travel.
    let raw = reqwest::Client::builder().no_gzip().no_brotli().no_zstd().build().unwrap();
    let login = raw
        .post(format!("{}/api/v1/auth/login", s.base_url()))
        .json(&json!({"identifier": "3471765432100001", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    let token = login.json::<serde_json::Value>().await.unwrap()["tokens"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for encoding in ["gzip", "br", "zstd"] {
        let r = raw
            .get(format!("{}/api/v1/me", s.base_url()))
            .bearer_auth(&token)
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers().get("content-encoding").and_then(|v| v.to_str().ok()),
            Some(encoding),
            "a client that accepts {encoding} gets {encoding}"
        );
    }
    let plain = raw.get(format!("{}/api/v1/me", s.base_url())).bearer_auth(&token).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "no Accept-Encoding, no compression");
}
