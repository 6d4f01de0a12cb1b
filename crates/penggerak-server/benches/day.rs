//! A school day at scale (`cargo xtask bench server`, or `cargo bench -p penggerak-server --bench day`):
//! simulated teachers' and principals' devices, each with the project's own client (`penggerak-client`),
//! against real server processes (this package's release binary) on loopback. Printed, never asserted.
//!
//! One device's day, in compressed time (a "5 minutes" is [`TICK`]):
//! - morning: signs in (spread over [`MORNING`]) and pulls its first full sync;
//! - the day ([`DAY`]): while the app is open, a no-change sync every tick (`If-None-Match`, usually `304`);
//!   now and then a teacher edits one of her PKB items (`PATCH`, with an `Idempotency-Key`; a `409` from a
//!   colleague on the same account is taken as the server's copy);
//! - the deadline ([`BURST`]): every teacher sends her performance plan to her principal at once, and every
//!   principal syncs and approves the plans waiting for him.
//!
//! Devices are spread over the demo data's ~65 staff accounts (several devices per account when there are
//! more devices than accounts, as a teacher with a phone and a laptop has). Answers are sorted per route:
//! `ok`, `refused` (a 4xx the contract defines: a conflict, a state the plan is no longer in) and `errors`
//! (5xx, timeouts, refused connections). Bounded: at most [`MAX_DEVICES`] devices, each request 30 s, the
//! whole run [`MORNING`] + [`DAY`] + [`BURST`] + 60 s; only 127.0.0.1.
//!
//! All devices connect from 127.0.0.1, as teachers behind one school router or carrier NAT do; devices of
//! one account sign in seconds apart.
//!
//! Configuration (environment): `PENGGERAK_LOAD_DEVICES` (default 300), `PENGGERAK_LOAD_INSTANCES` (1 or
//! 2, default 1), `PENGGERAK_TEST_DATABASE` (a PostgreSQL admin URL; default SQLite, which only one
//! instance may use). The database's CPU time is read from /proc for PostgreSQL's processes.

use penggerak_client::retry::Backoff;
use penggerak_client::{ApiClient, ClientError, SyncAnswer};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::kinerja::{PerformancePlan, PlanMove};
use penggerak_types::pkb::{PkbItem, PkbItemPatch};
use penggerak_types::plan_status::PlanStatus;
use penggerak_types::route::Write;
use penggerak_types::{ErrorCode, RecordKind, SyncRecord};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MAX_DEVICES: usize = 5_000;
/// Sign-ins are spread over it: at this pace (300 devices: 10 a second) the sign-in limits, which count an
/// attempt until its password is checked, see what a school's shared address would, not a guesser.
const MORNING: Duration = Duration::from_secs(30);
const DAY: Duration = Duration::from_secs(30);
const BURST: Duration = Duration::from_secs(10);
/// "Five minutes" of a real day: how often an open app asks for changes.
const TICK: Duration = Duration::from_secs(2);
/// The chance, per tick, that a teacher edits something.
const EDIT_CHANCE: f64 = 0.05;

/// Per route: latencies (ms) and how the answers went.
#[derive(Default)]
struct RouteStats {
    latencies: Vec<f64>,
    ok: u64,
    refused: u64,
    errors: u64,
    /// How many answers of each code were not `ok`.
    codes: BTreeMap<String, u64>,
}

#[derive(Default, Clone)]
struct Stats(Arc<Mutex<BTreeMap<&'static str, RouteStats>>>);

impl Stats {
    /// Times `call` as one request to `route` and sorts its answer.
    async fn time<T>(
        &self,
        route: &'static str,
        call: impl std::future::Future<Output = Result<T, ClientError>>,
    ) -> Result<T, ClientError> {
        let t = Instant::now();
        let answer = call.await;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut all = self.0.lock().unwrap();
        let s = all.entry(route).or_default();
        s.latencies.push(ms);
        match &answer {
            Ok(_) => s.ok += 1,
            Err(e) if e.code().is_client_error() => s.refused += 1,
            Err(_) => s.errors += 1,
        }
        if let Err(e) = &answer {
            let code = serde_json::to_value(e.code()).ok().and_then(|v| v.as_str().map(str::to_owned));
            *s.codes.entry(code.unwrap_or_default()).or_default() += 1;
        }
        answer
    }
}

/// Whether a refusal is one the contract defines (4xx), rather than a failure of the server or the link.
trait Sorted {
    fn is_client_error(&self) -> bool;
}

impl Sorted for ErrorCode {
    fn is_client_error(&self) -> bool {
        !matches!(
            self,
            ErrorCode::Internal | ErrorCode::ServerBusy | ErrorCode::Offline | ErrorCode::RequestTimeout
        )
    }
}

/// One device: its account, client, tokens and what it holds of the feed.
struct Device {
    identifier: String,
    principal: bool,
    api: ApiClient,
    token: String,
    cursor: Option<String>,
    etag: Option<String>,
    items: BTreeMap<String, PkbItem>,
    plans: BTreeMap<String, PerformancePlan>,
    versions: BTreeMap<String, i64>,
}

impl Device {
    fn keep(&mut self, records: Vec<SyncRecord>) {
        for r in records {
            self.versions.insert(r.id.clone(), r.version);
            match r.kind {
                RecordKind::PkbItem => {
                    if let Ok(item) = r.parse::<PkbItem>() {
                        self.items.insert(r.id, item);
                    }
                }
                RecordKind::PerformancePlan => {
                    if let Ok(plan) = r.parse::<PerformancePlan>() {
                        self.plans.insert(r.id, plan);
                    }
                }
                _ => {}
            }
        }
    }

    /// Follows the feed until no page is left (`route` names the kind of sync in the figures).
    async fn sync(&mut self, stats: &Stats, route: &'static str) {
        loop {
            let answer = stats
                .time(
                    route,
                    self.api.sync(&self.token, self.cursor.as_deref(), self.etag.as_deref(), Some(500)),
                )
                .await;
            match answer {
                Ok(SyncAnswer::NotModified) | Err(_) => return,
                Ok(SyncAnswer::Page { page, etag }) => {
                    self.cursor = Some(page.cursor);
                    self.etag = etag;
                    let more = page.more;
                    self.keep(page.records);
                    if !more {
                        return;
                    }
                }
            }
        }
    }

    async fn edit_an_item(&mut self, stats: &Stats, n: usize) {
        let Some(item) = self.items.values().nth(n % self.items.len().max(1)).cloned() else { return };
        let base_version = self.versions.get(&item.id).copied().unwrap_or(1);
        let patch = PkbItemPatch {
            base_version,
            progress: Some(((item.progress as usize + 10) % 100) as u8),
            ..PkbItemPatch::default()
        };
        let body = serde_json::to_value(&patch).expect("a patch serialises");
        let key = uuid::Uuid::new_v4().to_string();
        let write = Write::EditPkbItem { item: item.id.clone() };
        match stats
            .time("PATCH /pkb/items/{id}", self.api.write(&self.token, &write, Some(&body), &key))
            .await
        {
            Ok(changed) => self.keep(changed.records),
            Err(ClientError::Api(e)) => {
                if let Some(current) = e.current {
                    self.keep(vec![*current]);
                }
            }
            Err(_) => {}
        }
    }

    async fn move_plan(
        &mut self,
        stats: &Stats,
        route: &'static str,
        plan: &PerformancePlan,
        to: PlanStatus,
    ) {
        let base_version = self.versions.get(&plan.id).copied().unwrap_or(1);
        let body =
            serde_json::to_value(PlanMove { base_version, to, note: None }).expect("a move serialises");
        let key = uuid::Uuid::new_v4().to_string();
        let write = Write::MovePlan { plan: plan.id.clone() };
        if let Ok(changed) = stats.time(route, self.api.write(&self.token, &write, Some(&body), &key)).await {
            self.keep(changed.records);
        }
    }
}

/// A cheap deterministic chance in [0, 1) for device `d` at tick `t`.
fn chance(d: usize, t: usize) -> f64 {
    let x = (d as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (t as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

async fn day_of(mut d: Device, n: usize, start: Instant, stats: Stats, devices: usize) {
    // Morning: signing in spread over MORNING, then the first full sync.
    tokio::time::sleep_until((start + MORNING.mul_f64(n as f64 / devices as f64)).into()).await;
    match stats.time("POST /auth/login", d.api.login(&d.identifier, DEMO_PASSWORD)).await {
        Ok(signed) => d.token = signed.tokens.access_token,
        Err(_) => return,
    }
    d.sync(&stats, "GET /sync (first, all pages)").await;
    // The day: a no-change sync every tick while the app is open, an edit now and then.
    let day_end = start + MORNING + DAY;
    let mut tick = 0;
    while Instant::now() + TICK < day_end {
        // Devices tick out of step, as phones do.
        tokio::time::sleep(TICK.mul_f64(0.75 + chance(n, tick) / 2.0)).await;
        d.sync(&stats, "GET /sync (every 5 min)").await;
        if !d.principal && chance(n + 7, tick) < EDIT_CHANCE {
            d.edit_an_item(&stats, tick).await;
        }
        tick += 1;
    }
    // The deadline: teachers send their plans, then principals approve what waits for them.
    tokio::time::sleep_until(day_end.into()).await;
    if !d.principal {
        tokio::time::sleep(BURST.mul_f64(chance(n, 999) / 2.0)).await;
        let mine: Vec<PerformancePlan> = d
            .plans
            .values()
            .filter(|p| matches!(p.status, PlanStatus::Draf | PlanStatus::Dikembalikan))
            .cloned()
            .collect();
        for plan in mine {
            d.move_plan(&stats, "POST /kinerja/plans/{id}/status (send)", &plan, PlanStatus::PerluDisetujui)
                .await;
        }
    } else {
        tokio::time::sleep(BURST / 2).await;
        d.sync(&stats, "GET /sync (every 5 min)").await;
        let waiting: Vec<PerformancePlan> =
            d.plans.values().filter(|p| p.status == PlanStatus::PerluDisetujui).cloned().collect();
        for plan in waiting {
            d.move_plan(&stats, "POST /kinerja/plans/{id}/status (approve)", &plan, PlanStatus::Disetujui)
                .await;
        }
    }
}

/// A server process of this package's release binary on `database`, on a free loopback port.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    fn start(database: &str) -> Instance {
        let mut child = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
            .args(["--listen", "127.0.0.1:0", "--database", database])
            // Every simulated device connects from 127.0.0.1: one client address would have a client's share
            // of the in-flight requests (64 by default), which measures that share, not the server.
            .args(["--max-in-flight-per-client", "256"])
            // Several devices per account when there are more devices than the ~65 accounts (5,000 at most):
            // an account's share of the requests in flight (16 by default) would measure that share.
            .args(["--max-in-flight-per-user", "256"])
            .env("RUST_LOG", "warn,penggerak_server=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let addr = penggerak_testkit::listening_address(&mut child, "http")
            .expect("the server says where it listens");
        Instance { child, base: format!("http://{addr}") }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SIGTERM: a graceful stop, as an orchestrator would.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// CPU seconds used so far by PostgreSQL's processes on this machine (utime + stime of every process
/// named `postgres`), or `None` when there are none (SQLite: the database works inside the server).
fn postgres_cpu_seconds() -> Option<f64> {
    let tick = 100.0; // USER_HZ on Linux
    let mut total = 0.0;
    let mut found = false;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some((name, rest)) = stat.split_once(") ").and_then(|(a, b)| Some((a.split_once(" (")?.1, b)))
        else {
            continue;
        };
        if name != "postgres" {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // After the name: state is field 3 of stat; utime and stime are fields 14 and 15.
        if let (Some(u), Some(s)) = (fields.get(11), fields.get(12)) {
            total += u.parse::<f64>().unwrap_or(0.0) + s.parse::<f64>().unwrap_or(0.0);
            found = true;
        }
    }
    found.then_some(total / tick)
}

#[tokio::main]
async fn main() {
    let devices: usize = std::env::var("PENGGERAK_LOAD_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
        .clamp(1, MAX_DEVICES);
    let instances: usize =
        std::env::var("PENGGERAK_LOAD_INSTANCES").ok().and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 2);
    // The test kit makes the database (fresh, demo data); the instances are real processes on it.
    let seeded = TestServer::start();
    let database = seeded.database_url().to_owned();
    let postgres = database.starts_with("postgres");
    assert!(postgres || instances == 1, "two instances need PostgreSQL (PENGGERAK_TEST_DATABASE)");
    let servers: Vec<Instance> = (0..instances).map(|_| Instance::start(&database)).collect();
    let staff: Vec<_> = penggerak_server::demo::people()
        .into_iter()
        .filter(|p| matches!(p.role, "guru" | "kepala_sekolah"))
        .filter_map(|p| Some((p.nuptk?, p.role == "kepala_sekolah")))
        .collect();
    let stats = Stats::default();
    // PostgreSQL's processes are this run's database only when it runs on PostgreSQL.
    let cpu_before = if postgres { postgres_cpu_seconds() } else { None };
    let start = Instant::now() + Duration::from_millis(200);
    let mut days = Vec::new();
    for n in 0..devices {
        let (identifier, principal) = staff[n % staff.len()].clone();
        let base = &servers[n % servers.len()].base;
        let api = ApiClient::new(base)
            .expect("a loopback base URL")
            // One attempt per request: a retry would hide the error the figures must show.
            .with_backoff(Backoff { max_attempts: 1, ..Backoff::default() }, Arc::new(|| 0.5));
        let device = Device {
            identifier,
            principal,
            api,
            token: String::new(),
            cursor: None,
            etag: None,
            items: BTreeMap::new(),
            plans: BTreeMap::new(),
            versions: BTreeMap::new(),
        };
        days.push(tokio::spawn(day_of(device, n, start, stats.clone(), devices)));
    }
    let deadline = MORNING + DAY + BURST + Duration::from_secs(60);
    let all = async {
        for d in days {
            let _ = d.await;
        }
    };
    let finished = tokio::time::timeout(deadline, all).await.is_ok();
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(postgres_cpu_seconds()).map(|(a, b)| b - a);
    drop(servers);

    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "a school day: {devices} devices ({} staff accounts), {instances} instance(s) on {backend}, {elapsed:.1} s{}",
        staff.len(),
        if finished { "" } else { " (cut at the time bound)" }
    );
    println!(
        "  {:<44} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9}",
        "route", "req/s", "ok", "refused", "errors", "p50 ms", "p99 ms"
    );
    let all = stats.0.lock().unwrap();
    let (mut total, mut errors) = (0u64, 0u64);
    for (route, s) in all.iter() {
        let mut l = s.latencies.clone();
        l.sort_by(|a, b| a.total_cmp(b));
        let pct = |p: f64| l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).copied();
        let n = s.ok + s.refused + s.errors;
        total += n;
        errors += s.errors;
        println!(
            "  {route:<44} {:>7.1} {:>8} {:>8} {:>8} {:>9.1} {:>9.1}",
            n as f64 / elapsed,
            s.ok,
            s.refused,
            s.errors,
            pct(0.5).unwrap_or(0.0),
            pct(0.99).unwrap_or(0.0)
        );
        if !s.codes.is_empty() {
            let codes: Vec<String> = s.codes.iter().map(|(c, n)| format!("{c} {n}")).collect();
            println!("  {:<44} not ok: {}", "", codes.join(", "));
        }
    }
    println!("  {:<44} {:>7.1}   errors {errors}", "all routes", total as f64 / elapsed);
    println!(
        "  (a device syncs every {} s here, where an open app syncs every 5 minutes: these {devices} devices \
         ask as often as {} open apps would)",
        TICK.as_secs(),
        devices as u64 * 300 / TICK.as_secs()
    );
    match cpu {
        Some(seconds) => println!(
            "  database CPU: {seconds:.1} s over {elapsed:.1} s ({:.0}% of one core)",
            100.0 * seconds / elapsed
        ),
        None => println!("  database CPU: inside the server process (SQLite)"),
    }
}
