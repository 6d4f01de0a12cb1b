//! Concurrent writers on the record store (`cargo xtask bench server`, or `cargo bench -p penggerak-server
//! --bench writers`, on PostgreSQL when `PENGGERAK_TEST_DATABASE` holds an admin URL): 1, 4 and 16 tasks
//! each committing one record change per transaction, as `/pkb` or `/kinerja` edits do, for a few seconds;
//! writes/s and commit latency. Every write takes the next change position of the feed `/sync` reads, so
//! this is where a single counter row would make every writer in the country wait on every other.
//! Printed, never asserted.

use penggerak_server::records::{self, Audience};
use penggerak_server::Db;
use penggerak_testkit::TestServer;
use penggerak_types::RecordKind;
use std::time::{Duration, Instant};

const DURATION: Duration = Duration::from_secs(5);
/// Records each writer cycles through (its own: writers never wait on each other's rows).
const RECORDS_PER_WRITER: usize = 50;

async fn run(db: &Db, writers: usize) -> (f64, f64, f64, usize) {
    let end = Instant::now() + DURATION;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let owner = format!("bench-writer-{w}");
            let audience = Audience::private(&owner);
            let mut latencies = Vec::new();
            let mut i = 0usize;
            while Instant::now() < end {
                let t = Instant::now();
                let mut tx = db.begin().await.expect("a transaction");
                let id = format!("{owner}-{}", i % RECORDS_PER_WRITER);
                let data = serde_json::json!({ "title": "Pelatihan diferensiasi", "jp": i % 40 });
                records::put(&mut tx, RecordKind::PkbItem, &id, &audience, &data).await.expect("a write");
                tx.commit().await.expect("a commit");
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                i += 1;
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("a writer"));
    }
    all.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    (all.len() as f64 / DURATION.as_secs_f64(), pct(0.5), pct(0.99), all.len())
}

#[tokio::main]
async fn main() {
    let server = TestServer::start();
    let db = Db::open(server.database_url()).await.expect("the server's database");
    println!(
        "record writes ({}, one change per transaction, {} s each):",
        match db.backend {
            penggerak_server::db::Backend::Sqlite => "SQLite",
            penggerak_server::db::Backend::Postgres => "PostgreSQL",
        },
        DURATION.as_secs()
    );
    for writers in [1, 4, 16] {
        let (rate, p50, p99, n) = run(&db, writers).await;
        println!(
            "  {writers:>2} writers {rate:>8.0} writes/s   p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   ({n} commits)"
        );
    }
    db.pool.close().await;
}
