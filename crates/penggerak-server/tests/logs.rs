//! The real server binary's JSON log (`PENGGERAK_LOG_FORMAT=json`): one JSON object per line, every
//! request answered with its id (the caller's `X-Request-Id`, or a new UUID), and the request's log line
//! carrying that id, so an operator finds everything one teacher's request did across instances.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The server binary on a free port of 127.0.0.1 logging JSON at `info`, with `env` besides; returns it,
/// its address, and its log lines as they come (each waited for 20 s at most).
fn start(
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> (std::process::Child, String, impl FnMut() -> serde_json::Value) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
        .env("PENGGERAK_LISTEN", "127.0.0.1:0")
        .env("PENGGERAK_DATABASE", format!("sqlite://{}", dir.join("s.sqlite").display()))
        .env("PENGGERAK_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, (tx, rx)) =
        (BufReader::new(server.stdout.take().unwrap()).lines(), mpsc::channel::<String>());
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    let next = move || {
        let line = rx.recv_timeout(Duration::from_secs(20)).expect("the server logs");
        serde_json::from_str::<serde_json::Value>(&line)
            .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"))
    };
    let addr = loop {
        let l = next();
        if let Some(a) = l["fields"]["message"].as_str().and_then(|m| m.strip_prefix("listening on http://"))
        {
            break a.to_owned();
        }
    };
    (server, addr, next)
}

#[test]
fn every_request_has_an_id_in_its_answer_and_in_its_json_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, addr, mut next) = start(dir.path(), &[]);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (given, made) = rt.block_on(async {
        let c = reqwest::Client::new();
        // `/health` (liveness is answered before the layers that log: a probe every few seconds is not news).
        let url = format!("http://{addr}{}", penggerak_types::route::HEALTH);
        let given = c.get(&url).header("x-request-id", "tes-permintaan-42").send().await.unwrap();
        let made = c.get(&url).send().await.unwrap();
        let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let long = c.get(&url).header("x-request-id", "x".repeat(4000)).send().await.unwrap();
        assert!(
            uuid::Uuid::parse_str(&id(&long)).is_ok(),
            "a caller's id over the bound is replaced, not logged on every line"
        );
        (id(&given), id(&made))
    });
    assert_eq!(given, "tes-permintaan-42", "the caller's id is kept and said back");
    assert!(uuid::Uuid::parse_str(&made).is_ok(), "a request without one gets a new UUID: {made}");

    for id in [given.as_str(), made.as_str()] {
        let line = loop {
            let l = next();
            if l["span"]["request_id"] == id {
                break l;
            }
        };
        assert_eq!(line["span"]["path"], penggerak_types::route::HEALTH, "{line}");
        assert_eq!(line["fields"]["status"], 200, "the answer's line says its status: {line}");
    }
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn a_refusal_a_client_causes_is_an_info_line_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, addr, mut next) = start(dir.path(), &[("PENGGERAK_DEMO", "true")]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let login = serde_json::json!({"identifier": "3471765432100001", "password": "penggerak2026"});
        let answer: serde_json::Value =
            c.post(format!("http://{addr}/api/v1/auth/login")).json(&login).send().await.unwrap().json().await.unwrap();
        let token = answer["tokens"]["access_token"].as_str().expect("signed in").to_owned();
        let upload = |id: uuid::Uuid| {
            format!("/api/v1/kinerja/evidence/{id}?plan_id=x&title=t&file_name=f.pdf")
        };
        // Two uploads of hers whose files never come: her turns are taken.
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
                "PUT {} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: {}\r\nContent-Length: 1000000\r\n\r\n%PDF",
                upload(uuid::Uuid::new_v4()),
                uuid::Uuid::new_v4()
            );
            tokio::io::AsyncWriteExt::write_all(&mut tcp, head.as_bytes()).await.unwrap();
            held.push(tcp);
        }
        // A third is refused busy (asked until both held ones are in).
        for id in ["sibuk-1", "sibuk-2"] {
            loop {
                let r = c
                    .put(format!("http://{addr}{}", upload(uuid::Uuid::new_v4())))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                    .header("x-request-id", id)
                    .body("%PDF-1.4")
                    .send()
                    .await
                    .unwrap();
                if r.status() == 503 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        drop(held);
    });
    // Every line up to the second refusal's: the first refusal's is at `info`, and none is an error.
    let mut seen = Vec::new();
    loop {
        let l = next();
        let last = l["span"]["request_id"] == "sibuk-2" && l["fields"]["status"] == 503;
        seen.push(l);
        if last {
            break;
        }
    }
    assert!(
        seen.iter().any(|l| l["span"]["request_id"] == "sibuk-1"
            && l["fields"]["status"] == 503
            && l["level"] == "INFO"),
        "the refusal has its line at info: {seen:#?}"
    );
    let errors: Vec<_> = seen.iter().filter(|l| l["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "a refusal the client caused is not an error of the server: {errors:#?}");
    let _ = server.kill();
    let _ = server.wait();
}
