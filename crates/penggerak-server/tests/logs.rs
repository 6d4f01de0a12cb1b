//! The real server binary's JSON log (`PENGGERAK_LOG_FORMAT=json`): one JSON object per line, every
//! request answered with its id (the caller's `X-Request-Id`, or a new UUID), and the request's log line
//! carrying that id, so an operator finds everything one teacher's request did across instances.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn every_request_has_an_id_in_its_answer_and_in_its_json_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
        .env("PENGGERAK_LISTEN", "127.0.0.1:0")
        .env("PENGGERAK_DATABASE", format!("sqlite://{}", dir.path().join("s.sqlite").display()))
        .env("PENGGERAK_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, rx) = (BufReader::new(server.stdout.take().unwrap()).lines(), mpsc::channel::<String>());
    let tx = rx.0;
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    let next = || rx.1.recv_timeout(Duration::from_secs(20)).expect("the server logs");
    let json = |line: &str| -> serde_json::Value {
        serde_json::from_str(line).unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"))
    };
    let addr = loop {
        let l = json(&next());
        if let Some(a) = l["fields"]["message"].as_str().and_then(|m| m.strip_prefix("listening on http://"))
        {
            break a.to_owned();
        }
    };

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
            let l = json(&next());
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
