//! The real server binary terminating TLS itself (`--tls-cert`/`--tls-key`): it answers https with the
//! given certificate, says so in its log, refuses plain http on that port, keeps answering while a client
//! stalls in its handshake (the handshake runs in the connection's own task, not the accept loop), and
//! refuses to start with only one of the two flags.

use penggerak_testkit::TestCa;
use penggerak_types::route;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server binary on `127.0.0.1:0` with `args`; returns it and the address it listens on, as its log
/// line `listening on https://ADDR` says.
fn start(dir: &std::path::Path, args: &[&std::ffi::OsStr]) -> (Child, String) {
    let database = format!("sqlite://{}", dir.join("server.sqlite").display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
        .args(["--listen", "127.0.0.1:0", "--database", &database])
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = penggerak_testkit::listening_address(&mut server, "https")
        .expect("with a certificate and key, the server says it listens on https://");
    (server, addr)
}

fn stop(mut server: Child) {
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn the_binary_serves_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Dinas test CA");
    let (cert, key) = ca.issue_server(dir.path());
    let (server, addr) =
        start(dir.path(), &["--tls-cert".as_ref(), cert.as_os_str(), "--tls-key".as_ref(), key.as_os_str()]);

    // A client that trusts only the test CA, as a device with the province's CA installed would.
    let ca_pem = std::fs::read(ca.pem_path()).unwrap();
    let client = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&ca_pem).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let health = |url: String| {
        let client = client.clone();
        rt.block_on(async move { client.get(url).send().await.map(|r| r.status()) })
    };
    let url = format!("https://{addr}{}", route::HEALTH);
    assert_eq!(
        health(url.clone()).expect("an https request to the server").as_u16(),
        200,
        "health over https"
    );

    // Plain http to the TLS port gets no API answer: there is no unencrypted way in.
    let mut plain = TcpStream::connect(&addr).unwrap();
    plain.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may close the connection on the first bytes that are not a TLS hello, before the rest
    // is written (a broken pipe here): that too is no answer.
    let _ = write!(plain, "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", route::HEALTH);
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"HTTP/1.1 200"), "plain http must not be answered on the https port");

    // A client that connects and never starts its handshake must not hold up anyone else.
    let _stalled = TcpStream::connect(&addr).unwrap();
    let started = Instant::now();
    assert_eq!(health(url).expect("answered while another handshake stalls").as_u16(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a stalled handshake (allowed 15 s) must not stall the accept loop: took {:?}",
        started.elapsed()
    );
    stop(server);
}

#[test]
fn a_certificate_without_its_key_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Dinas test CA");
    let (cert, _) = ca.issue_server(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
        .args(["--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .env_remove("PENGGERAK_TLS_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success(), "--tls-cert alone must not start a server (it would serve plain http)");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--tls-key"), "the refusal names the missing flag: {said}");
}
