//! Server benchmark (`cargo xtask bench`, or `cargo bench -p penggerak-server --bench load`): requests/s
//! and latency percentiles of `/me` and `/sync` (a full sync, and a no-change sync answered 304) under
//! concurrent load on this machine, and the bytes on the wire of a full initial sync of a demo teacher and
//! a demo principal, uncompressed and with gzip, br and zstd. Printed, never asserted.
//!
//! The server (release build, SQLite, demo data) runs in this process on its own thread and runtime; the
//! load generator shares the machine's cores with it, so the figures are a floor, not a ceiling.

#[path = "../tests/common/mod.rs"]
mod common;

use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::api::LoginResponse;
use penggerak_types::SyncPage;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 16;
const DURATION: Duration = Duration::from_secs(5);

async fn token(server: &TestServer, id: &str) -> String {
    let c = reqwest::Client::new();
    let l: LoginResponse = common::login(&c, server, id, DEMO_PASSWORD).await.json().await.unwrap();
    l.tokens.access_token
}

/// Runs `CONCURRENCY` workers sending GET `path` (with `etag` as If-None-Match) for `DURATION`.
async fn load(
    base: &str,
    token: &str,
    path: &str,
    etag: Option<&str>,
    expect: u16,
) -> (f64, f64, f64, usize) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(CONCURRENCY).build().unwrap();
    let url = format!("{base}/api/v1{path}");
    // Warm-up.
    for _ in 0..20 {
        client.get(&url).bearer_auth(token).send().await.unwrap().bytes().await.unwrap();
    }
    let end = Instant::now() + DURATION;
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, url, token, etag) =
            (client.clone(), url.clone(), token.to_owned(), etag.map(str::to_owned));
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < end {
                let t = Instant::now();
                let mut r = client.get(&url).bearer_auth(&token).header("Accept-Encoding", "gzip");
                if let Some(e) = &etag {
                    r = r.header("If-None-Match", e);
                }
                let resp = r.send().await.unwrap();
                assert_eq!(resp.status().as_u16(), expect, "{url}");
                resp.bytes().await.unwrap();
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    (all.len() as f64 / DURATION.as_secs_f64(), pct(0.5), pct(0.99), all.len())
}

/// Bytes of every page of a full sync, as they cross the wire with `encoding`.
async fn sync_bytes(base: &str, token: &str, encoding: &str) -> (usize, usize) {
    let raw = reqwest::Client::builder().no_gzip().no_brotli().no_zstd().build().unwrap();
    let plain = reqwest::Client::new();
    let (mut bytes, mut records, mut cursor) = (0, 0, None::<String>);
    loop {
        let url = match &cursor {
            Some(c) => format!("{base}/api/v1/sync?limit=1000&cursor={c}"),
            None => format!("{base}/api/v1/sync?limit=1000"),
        };
        let wire = raw.get(&url).bearer_auth(token).header("Accept-Encoding", encoding).send().await.unwrap();
        bytes += wire.bytes().await.unwrap().len();
        let page: SyncPage = plain.get(&url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        records += page.records.len();
        cursor = Some(page.cursor);
        if !page.more {
            return (bytes, records);
        }
    }
}

#[tokio::main]
async fn main() {
    // One account's workers at once: its share of the requests in flight (16 by default) would measure that
    // share, not the server.
    let server = TestServer::start_with(penggerak_server::Config {
        transport: penggerak_server::Transport {
            max_in_flight_per_user: 256,
            ..penggerak_server::Transport::default()
        },
        ..penggerak_server::Config::default()
    });
    let base = server.base_url();
    let c = reqwest::Client::new();
    let teacher = token(&server, "3471765432100001").await;
    let principal = token(&server, "196805121990031004").await;

    let first = c.get(format!("{base}/api/v1/sync?limit=1000")).bearer_auth(&teacher).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let page: SyncPage = first.json().await.unwrap();
    assert!(!page.more, "the demo teacher's feed fits one page of 1000");

    println!(
        "server figures ({CONCURRENCY} concurrent clients, {} s each, release build, SQLite):",
        DURATION.as_secs()
    );
    for (name, path, tag, status) in [
        ("GET /me", "/me".to_owned(), None, 200),
        ("GET /sync (full, gzip)", "/sync?limit=1000".to_owned(), None, 200),
        (
            "GET /sync (no change → 304)",
            format!("/sync?limit=1000&cursor={}", page.cursor),
            Some(etag.as_str()),
            304,
        ),
    ] {
        let (rps, p50, p99, n) = load(&base, &teacher, &path, tag, status).await;
        println!("  {name:<30} {rps:>8.0} req/s   p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   ({n} requests)");
    }
    // Sign-in is the one route made slow on purpose (argon2id): one after another, each a different demo
    // account (so no account's limits are touched), on one connection: what one core signs in per second.
    let staff: Vec<String> = penggerak_server::demo::people()
        .into_iter()
        .filter(|p| matches!(p.role, "guru" | "kepala_sekolah"))
        .filter_map(|p| p.nuptk)
        .collect();
    let (end, mut times) = (Instant::now() + DURATION, Vec::new());
    while Instant::now() < end {
        let t = Instant::now();
        let r = common::login(&c, &server, &staff[times.len() % staff.len()], DEMO_PASSWORD).await;
        assert_eq!(r.status(), 200, "a demo account signs in");
        r.bytes().await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  {:<30} {:>8.1} req/s   p50 {:>7.2} ms   (one at a time: what one core signs in; {} sign-ins)",
        "POST /auth/login",
        times.len() as f64 / DURATION.as_secs_f64(),
        times[times.len() / 2],
        times.len()
    );
    println!("full initial sync on the wire:");
    for (who, tok) in [("teacher (Siti)", &teacher), ("principal (Bambang)", &principal)] {
        let mut line = format!("  {who:<20}");
        let mut count = 0;
        for enc in ["identity", "gzip", "br", "zstd"] {
            let (bytes, records) = sync_bytes(&base, tok, enc).await;
            count = records;
            line.push_str(&format!("  {enc} {bytes:>7} B"));
        }
        println!("{line}   ({count} records)");
    }
}
