//! Launch benchmark of the app as teachers get it (`cargo xtask bench`, or `cargo xtask bench app`): how
//! long from launch until Beranda is drawn from the device's store, cold and warm, and how much memory the
//! app and its WebKit processes hold once it is. Figures are printed; nothing is asserted about speed: it
//! fails only when something is broken (Beranda not drawn within a minute, the app not exiting).
//!
//! Setup: the reference server with the demo data, one sign-in as Siti and her first sync, then the server
//! is stopped — every timed launch draws Beranda from the store alone, as offline-first promises. Cold is
//! the first launch after that with the kernel's page cache dropped (where it may be) and the on-disk caches
//! a launch fills emptied; warm is the median of the launches after it. Runs in xtask's headless session
//! (Xvfb, an unlocked keyring) against `PENGGERAK_E2E_APP`, which xtask points at the release binary.

use fantoccini::{Client, Locator};
use penggerak_e2e::{app_pids, screenshot, Driver};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Launches after the cold one; their median is the warm figure.
const WARM_LAUNCHES: usize = 5;

/// Beranda's plan-progress line: drawn only once `ipc::home` has read the store (`#home-title` and
/// `#user-name` come earlier, with the session state), so its presence means the screen's content is there.
const HOME_DRAWN: &str = "#jp-line";

/// What Beranda shows instead when reading the store failed: the bench stops there.
const HOME_FAILED: &str = ".home [role=alert]";

/// Longer than any launch on a slow machine; reaching it means something is broken, not slow.
const DRAW_TIMEOUT: Duration = Duration::from_secs(60);

/// How often the bench asks the webview whether Beranda is there: the timing's resolution. Not much
/// finer, so the asking does not slow the launch it measures (each ask is work for the webview).
const POLL: Duration = Duration::from_millis(20);

/// When the memory is read: after the first burst of start-up work (the sync loop's first attempt, the
/// webview settling), as a teacher's phone would hold it while they read the screen.
const SETTLE: Duration = Duration::from_secs(3);

/// What one launch measured.
struct Launch {
    session_ms: f64,
    drawn_ms: f64,
    memory: Vec<Memory>,
}

/// One process of the app (the app itself or a WebKit helper), in KiB.
struct Memory {
    name: String,
    rss_kib: u64,
    pss_kib: Option<u64>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut server = TestServer::start();
    let driver = Driver::start(&server.base_url());

    // Sign in once and let the first sync fill the store; then the server goes away.
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    close(app).await;
    server.stop();

    let emptied = empty_caches(driver.app_home.path());
    let dropped = drop_page_cache();
    let cold = launch(&driver, "cold").await;
    let mut warm = Vec::new();
    for i in 0..WARM_LAUNCHES {
        warm.push(launch(&driver, &format!("warm-{i}")).await);
    }

    println!("app launch figures (release binary, signed in, server stopped: Beranda from the store alone):");
    println!(
        "  launch = WebDriver new-session request (it starts the app); drawn = `{HOME_DRAWN}` present, \
         polled every {} ms",
        POLL.as_millis()
    );
    let cold_is = match &dropped {
        Ok(()) => "page cache dropped".to_owned(),
        Err(why) => format!("page cache NOT dropped ({why})"),
    };
    println!("  cold = the first launch after: {cold_is}; emptied: {}", emptied.join(", "));
    let warm_session = sorted(warm.iter().map(|l| l.session_ms));
    let warm_drawn = sorted(warm.iter().map(|l| l.drawn_ms));
    println!("  launch → WebDriver session, cold {:>9.1} ms", cold.session_ms);
    println!("  launch → Beranda drawn, cold     {:>9.1} ms", cold.drawn_ms);
    println!(
        "  launch → WebDriver session, warm {:>9.1} ms  (median of {WARM_LAUNCHES})",
        median(&warm_session)
    );
    println!(
        "  launch → Beranda drawn, warm     {:>9.1} ms  (median of {WARM_LAUNCHES}; {:.1}–{:.1})",
        median(&warm_drawn),
        warm_drawn[0],
        warm_drawn[WARM_LAUNCHES - 1]
    );
    println!(
        "  memory {} s after Beranda, last warm launch (PSS: shared pages divided among the processes):",
        SETTLE.as_secs()
    );
    let last = &warm[WARM_LAUNCHES - 1];
    for m in &last.memory {
        print_memory(&m.name, m.rss_kib, m.pss_kib);
    }
    for (label, l) in [("total", last), ("total after the cold launch", &cold)] {
        let rss = l.memory.iter().map(|m| m.rss_kib).sum();
        print_memory(label, rss, l.memory.iter().map(|m| m.pss_kib).sum());
    }
    // The server is gone, so there is no sign-out to do: leave the keyring as found.
    driver.forget_session();
}

fn print_memory(name: &str, rss_kib: u64, pss_kib: Option<u64>) {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let pss = pss_kib.map_or("n/a".to_owned(), |p| format!("{:.1} MiB", mib(p)));
    println!("    {name:<29}{:>9.1} MiB RSS  {pss:>10} PSS", mib(rss_kib));
}

/// Empties what a launch leaves on disk to speed up the next one, keeping the app's store: WebKit's disk
/// caches (wry keeps them in the app's local data directory, beside the store) and the user's cache
/// directory (there: the GL shader cache). Returns what it emptied, for the figures' legend.
fn empty_caches(app_home: &Path) -> Vec<String> {
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tauri.conf.json"))
            .unwrap(),
    )
    .unwrap();
    let identifier = conf["identifier"].as_str().expect("tauri.conf.json names the app's identifier");
    let local = app_home.join("data").join(identifier);
    let mut emptied = Vec::new();
    for (dir, what) in [
        (local.join("WebKitCache"), "WebKitCache"),
        (local.join("CacheStorage"), "CacheStorage"),
        (app_home.join("cache"), "XDG_CACHE_HOME (GL shader cache)"),
    ] {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
            emptied.push(what.to_owned());
        }
    }
    emptied
}

/// Launches the signed-in app, times it until Beranda is drawn, reads its memory, and closes it.
async fn launch(driver: &Driver, name: &str) -> Launch {
    let t = Instant::now();
    let app = driver.launch().await;
    let session_ms = t.elapsed().as_secs_f64() * 1000.0;
    let found = app
        .wait()
        .at_most(DRAW_TIMEOUT)
        .every(POLL)
        .for_element(Locator::Css(&format!("{HOME_DRAWN}, {HOME_FAILED}")))
        .await;
    let drawn_ms = t.elapsed().as_secs_f64() * 1000.0;
    match found {
        Ok(e) if e.attr("id").await.ok().flatten().as_deref() == Some(&HOME_DRAWN[1..]) => {}
        Ok(e) => {
            screenshot(&app, &format!("failed-bench-{name}")).await;
            panic!("{name} launch: Beranda could not read the store: {:?}", e.text().await);
        }
        Err(e) => {
            screenshot(&app, &format!("failed-bench-{name}")).await;
            panic!("{name} launch: Beranda was not drawn within {DRAW_TIMEOUT:?}: {e}");
        }
    }
    tokio::time::sleep(SETTLE).await;
    let memory = app_processes().iter().enumerate().map(|(i, &pid)| memory(pid, i == 0)).collect();
    close(app).await;
    Launch { session_ms, drawn_ms, memory }
}

/// Ends the app's WebDriver session (WebKitWebDriver stops the app) and waits until the app and its
/// WebKit processes are gone: the next launch must not find a warm web process or race the dying app for
/// the database.
async fn close(app: Client) {
    let pids = app_processes();
    app.close().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|pid| Path::new(&format!("/proc/{pid}")).exists()) {
        assert!(
            Instant::now() < deadline,
            "the app or a WebKit process of it ran on 10 s after its session closed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The app's process and all its descendants (WebKitWebProcess, WebKitNetworkProcess, any sandbox
/// wrapper), found through each process's parent in `/proc`.
fn app_processes() -> Vec<i32> {
    let apps = app_pids();
    assert_eq!(apps.len(), 1, "exactly one app process runs during a launch (found {apps:?})");
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last `)`.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1));
        if let Some(ppid) = ppid.and_then(|p| p.parse::<i32>().ok()) {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut all = apps;
    let mut i = 0;
    while i < all.len() {
        all.extend(children.get(&all[i]).into_iter().flatten().copied());
        i += 1;
    }
    all
}

/// A process's resident memory (`VmRSS`) and proportional share (`Pss` from `smaps_rollup`, when the kernel
/// has it and lets us read it), named after its executable (the app as `penggerak`, whatever its copy's
/// file is called).
fn memory(pid: i32, is_app: bool) -> Memory {
    let proc = Path::new("/proc").join(pid.to_string());
    let name = if is_app {
        "penggerak".to_owned()
    } else {
        std::fs::read_link(proc.join("exe"))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .or_else(|| std::fs::read_to_string(proc.join("comm")).ok().map(|c| c.trim().to_owned()))
            .unwrap_or_else(|| format!("pid {pid}"))
    };
    let kib = |file: &str, key: &str| {
        let text = std::fs::read_to_string(proc.join(file)).ok()?;
        let line = text.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].split_whitespace().next()?.parse::<u64>().ok()
    };
    let rss_kib = kib("status", "VmRSS:").unwrap_or_else(|| panic!("no VmRSS for {name} ({pid})"));
    Memory { name, rss_kib, pss_kib: kib("smaps_rollup", "Pss:") }
}

/// Writes dirty pages and drops the kernel's page cache, so the cold launch reads the app, WebKit and the
/// store from disk. Needs root (in a container, also a writable `/proc/sys`); says why when it cannot.
fn drop_page_cache() -> Result<(), String> {
    let synced = std::process::Command::new("sync").status().map_err(|e| format!("sync: {e}"))?;
    if !synced.success() {
        return Err(format!("sync: {synced}"));
    }
    std::fs::write("/proc/sys/vm/drop_caches", "3").map_err(|e| format!("/proc/sys/vm/drop_caches: {e}"))
}

fn sorted(xs: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut xs: Vec<f64> = xs.collect();
    xs.sort_by(f64::total_cmp);
    xs
}

fn median(sorted: &[f64]) -> f64 {
    sorted[sorted.len() / 2]
}
