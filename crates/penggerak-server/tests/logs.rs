//! The real server binary's JSON log (`PENGGERAK_LOG_FORMAT=json`): one JSON object per line, every
//! request answered with its id (the caller's `X-Request-Id`, or a new UUID), and the request's log line
//! carrying that id, so an operator finds everything one teacher's request did across instances.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The server process, killed when dropped (a failing test leaves none behind).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server binary on a free port of 127.0.0.1 logging JSON at `info`, with `env` besides; returns it,
/// its address, and its log lines as they come (each waited for 20 s at most).
fn start(dir: &std::path::Path, env: &[(&str, &str)]) -> (Server, String, impl FnMut() -> serde_json::Value) {
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
    (Server(server), addr, next)
}

#[test]
fn every_request_has_an_id_in_its_answer_and_in_its_json_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr, mut next) = start(dir.path(), &[]);

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
        // A path as long as the server takes (no sign-in needed, a 404 logged at `info`): 60 KB of log a
        // request, as fast as one client may send them, filled the disk and the log pipeline.
        let long_path = format!("http://{addr}/api/v1/{}", "a".repeat(60_000));
        let r = c.get(&long_path).header("x-request-id", "jalan-panjang").send().await.unwrap();
        assert_eq!(r.status(), 404);
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
    // The long path's line comes after those.
    let line = loop {
        let l = next();
        if l["span"]["request_id"] == "jalan-panjang" {
            break l;
        }
    };
    let (path, whole) = (line["span"]["path"].as_str().unwrap_or_default(), line.to_string());
    assert!(whole.len() < 4096, "a long path's log line stays short ({} bytes)", whole.len());
    assert!(
        path.starts_with("/api/v1/aaa"),
        "the path's start is logged, to find the request by: {path:.80}"
    );
}

#[test]
fn a_refusal_a_client_causes_is_an_info_line_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr, mut next) = start(dir.path(), &[("PENGGERAK_DEMO", "true")]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let token = common::siti_token_at(&format!("http://{addr}")).await;
        // Three uploads of hers whose files never come: two are received (her turns), the third is
        // refused busy at once, whichever it is.
        let mut held = Vec::new();
        for n in 1..=3 {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
                "PUT /api/v1/kinerja/evidence/{}?plan_id=x&title=t&file_name=f.pdf HTTP/1.1\r\nHost: t\r\n\
                 Authorization: Bearer {token}\r\nIdempotency-Key: {}\r\nx-request-id: sibuk-{n}\r\n\
                 Content-Length: 1000000\r\n\r\n%PDF",
                uuid::Uuid::new_v4(),
                uuid::Uuid::new_v4()
            );
            tokio::io::AsyncWriteExt::write_all(&mut tcp, head.as_bytes()).await.unwrap();
            held.push(tcp);
        }
        // Until one of them is answered (the refused one).
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        'answered: loop {
            for h in &held {
                let mut first = [0u8; 1];
                if let Ok(Ok(1)) = tokio::time::timeout(Duration::from_millis(20), h.peek(&mut first)).await {
                    break 'answered;
                }
            }
            assert!(std::time::Instant::now() < deadline, "one of three uploads at once is refused");
        }
        // A request whose line comes after the refusal's.
        c.get(format!("http://{addr}/api/v1/health"))
            .header("x-request-id", "sesudahnya")
            .send()
            .await
            .unwrap();
        drop(held);
    });
    // Every line up to the one after: the refusal's is at `info`, and none is an error.
    let mut seen = Vec::new();
    loop {
        let l = next();
        let last = l["span"]["request_id"] == "sesudahnya";
        seen.push(l);
        if last {
            break;
        }
    }
    let refusals: Vec<_> = seen
        .iter()
        .filter(|l| l["span"]["request_id"].as_str().is_some_and(|id| id.starts_with("sibuk-")))
        .collect();
    assert!(
        refusals.len() == 1 && refusals[0]["fields"]["status"] == 503 && refusals[0]["level"] == "INFO",
        "the refusal, and only it of the three, has its line, at info: {refusals:#?}"
    );
    let errors: Vec<_> = seen.iter().filter(|l| l["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "a refusal the client caused is not an error of the server: {errors:#?}");
}
