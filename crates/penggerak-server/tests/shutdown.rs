//! Graceful shutdown of the real server binary (configured from the environment): SIGTERM while a large answer is still on its way lets
//! that answer finish whole, refuses new connections at once, and the process then exits cleanly. (An
//! instance behind a load balancer is stopped this way at every deploy; a teacher's download must not be
//! cut by it.)

mod common;

use penggerak_types::material::Material;
use penggerak_types::route;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The demo catalogue's big module: one ~6 MB PDF.
const BIG: &str = "materi-01";

#[test]
fn sigterm_finishes_the_answer_in_flight_refuses_new_connections_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("server.sqlite").display());
    // Configured from the environment, as a container or a systemd unit does.
    let mut server = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
        .env("PENGGERAK_LISTEN", "127.0.0.1:0")
        .env("PENGGERAK_DATABASE", &database)
        .env("PENGGERAK_DEMO", "true")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr =
        penggerak_testkit::listening_address(&mut server, "http").expect("the server says where it listens");

    // Siti's token, and the big module's file.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = format!("http://{addr}");
    let (token, material) = rt.block_on(async {
        let c = reqwest::Client::new();
        let token = common::siti_token_at(&base).await;
        let m: Material = c
            .get(format!("{base}{}", route::fill(route::MATERIAL, &[BIG]).unwrap()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (token, m)
    });
    let file = &material.files[0];
    let path = route::fill(route::MATERIAL_FILE, &[BIG, &file.id]).unwrap();

    // The download starts; its reader takes only the head for now, so the answer stays in flight.
    let mut download = TcpStream::connect(&addr).unwrap();
    write!(
        download,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut first = [0u8; 1024];
    let n = download.read(&mut first).unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&first[..n]));

    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let since = Instant::now();
    while TcpStream::connect(&addr).is_ok() {
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "new connections are still accepted after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.try_wait().unwrap().is_none(), "the server waits for the answer in flight");

    // The rest arrives whole, then the server exits cleanly.
    let mut rest = Vec::new();
    download.read_to_end(&mut rest).unwrap();
    let answer = [&first[..n], &rest[..]].concat();
    let body_at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!((answer.len() - body_at) as u64, file.size, "the file in flight at SIGTERM arrived whole");
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(since.elapsed() < Duration::from_secs(30), "the server did not stop after its last answer");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit: {status}");
}
