//! Launch benchmark of the app as teachers get it (`cargo xtask bench`, or `cargo xtask bench app`), side by
//! side with the floor (a bare Tauri 2 + Leptos app, `floor/`): how long from launch until the first content
//! is drawn — for the app, Beranda drawn from the device's store; for the floor, its one line of text —
//! cold and warm, and how much memory each holds with its WebKit processes once it is. Figures are printed
//! (and written for xtask's table); nothing is asserted about speed: it fails only when something is broken
//! (nothing drawn within a minute, an app not exiting).
//!
//! Setup: the reference server with the demo data, one sign-in as Siti and her first sync, then the server
//! is stopped — every timed launch draws Beranda from the store alone, as offline-first promises. Cold is
//! each app's first launch after that with the kernel's page cache dropped (where it may be) and the on-disk
//! caches a launch fills emptied; warm is the median of the launches after it, the two apps alternating so
//! the machine's noise falls on both alike. Runs in xtask's headless session (Xvfb, an unlocked keyring)
//! against `PENGGERAK_E2E_APP` and `PENGGERAK_FLOOR_APP`, which xtask points at the two release binaries;
//! the rows go to the file `PENGGERAK_BENCH_ROWS` names, when it does.

use fantoccini::{Client, Locator};
use penggerak_e2e::{app_binary, pids_of, screenshot, Driver};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Launches after the cold one; their median is the warm figure.
const WARM_LAUNCHES: usize = 5;

/// Beranda's plan-progress line: drawn only once `ipc::home` has read the store (`#home-title` and
/// `#user-name` come earlier, with the session state), so its presence means the screen's content is there.
const HOME_DRAWN: &str = "#jp-line";

/// The floor app's line of text: its whole page.
const FLOOR_DRAWN: &str = "#floor-line";

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
    /// What the page itself timed, in ms since its time origin: its fetches, the UI's start-up marks
    /// (`ipc::mark`: `main`, each IPC call asked and answered), and when the bench saw the first content.
    timeline: Vec<(String, f64)>,
}

/// Reads the page's own timing (navigation, resources, marks) when the first content is there.
const TIMELINE: &str = r#"
    const out = [];
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav) out.push(['page fetched', nav.responseEnd], ['DOM content loaded', nav.domContentLoadedEventEnd]);
    for (const r of performance.getEntriesByType('resource')) {
        const file = r.name.split('/').pop().split('?')[0];
        out.push([(file.endsWith('.wasm') ? 'wasm' : file) + ' fetched', r.responseEnd]);
    }
    for (const m of performance.getEntriesByType('mark')) out.push([m.name, m.startTime]);
    out.push(['first content seen by the bench', performance.now()]);
    out.sort((a, b) => a[1] - b[1]);
    return out;
"#;

/// One process of the app (the app itself or a WebKit helper), in KiB.
struct Memory {
    name: String,
    rss_kib: u64,
    pss_kib: Option<u64>,
}

/// One of the two apps measured.
struct Subject {
    name: &'static str,
    binary: PathBuf,
    /// Its `tauri.conf.json` (its identifier names its data directory).
    conf: PathBuf,
    /// Present once the first content is drawn.
    drawn: &'static str,
    /// Present instead when the app could not draw it: the bench stops there.
    failed: Option<&'static str>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ours = Subject {
        name: "penggerak",
        binary: app_binary(),
        conf: root.join("tauri.conf.json"),
        drawn: HOME_DRAWN,
        failed: Some(HOME_FAILED),
    };
    let floor = Subject {
        name: "floor",
        binary: std::env::var_os("PENGGERAK_FLOOR_APP").map(PathBuf::from).expect(
            "PENGGERAK_FLOOR_APP names the floor app's release binary (`cargo xtask bench app` sets it)",
        ),
        conf: root.join("floor/tauri.conf.json"),
        drawn: FLOOR_DRAWN,
        failed: None,
    };
    let mut server = TestServer::start();
    let driver = Driver::start(&server.base_url());

    // Sign in once and let the first sync fill the store; then the server goes away.
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    close(app, &ours.binary).await;
    server.stop();

    // Each app's cold launch, with the caches emptied and dropped just before it; then the warm launches,
    // alternating.
    let mut cold = Vec::new();
    let mut emptied = Vec::new();
    let mut dropped = Ok(());
    for subject in [&ours, &floor] {
        emptied.extend(
            empty_caches(driver.app_home.path(), &subject.conf)
                .into_iter()
                .map(|e| format!("{} {e}", subject.name)),
        );
        dropped = dropped.and(drop_page_cache());
        cold.push(launch(&driver, subject, "cold").await);
    }
    let mut warm = [Vec::new(), Vec::new()];
    for i in 0..WARM_LAUNCHES {
        for (j, subject) in [&ours, &floor].into_iter().enumerate() {
            warm[j].push(launch(&driver, subject, &format!("warm-{i}")).await);
        }
    }

    println!(
        "launch figures (release binaries; the app signed in, server stopped: Beranda from the store alone):"
    );
    println!(
        "  launch = WebDriver new-session request (it starts the app); first content = the app's `{HOME_DRAWN}` \
         (Beranda read from the store), the floor's `{FLOOR_DRAWN}`, polled every {} ms",
        POLL.as_millis()
    );
    let cold_is = match &dropped {
        Ok(()) => "page cache dropped".to_owned(),
        Err(why) => format!("page cache NOT dropped ({why})"),
    };
    println!("  cold = each app's first launch after: {cold_is}; emptied: {}", emptied.join(", "));
    println!("  warm = the median of {WARM_LAUNCHES} launches each, alternating (min–max shown)");
    println!(
        "  memory {} s after the first content, the last warm launch (PSS: shared pages divided among the processes):",
        SETTLE.as_secs()
    );
    for (subject, launches) in [(&ours, &warm[0]), (&floor, &warm[1])] {
        for m in &launches[WARM_LAUNCHES - 1].memory {
            print_memory(&format!("{}: {}", subject.name, m.name), m.rss_kib, m.pss_kib);
        }
    }

    println!("  where a warm launch's time goes, by the page's own clock (ms since its time origin), the last warm launch:");
    for (subject, launches) in [(&ours, &warm[0]), (&floor, &warm[1])] {
        let last = &launches[WARM_LAUNCHES - 1];
        let seen =
            last.timeline.iter().find(|(n, _)| n.starts_with("first content seen")).map_or(0.0, |e| e.1);
        println!(
            "    {}: the page's time origin about {:.0} ms after launch (the bench's {:.0} ms less the page's {:.0})",
            subject.name,
            last.drawn_ms - seen,
            last.drawn_ms,
            seen
        );
        for (name, at) in &last.timeline {
            println!("      {at:>8.1}  {name}");
        }
    }
    let ms = |x: f64| format!("{x:.0} ms");
    let spread = |xs: &[f64]| format!("{:.0} ms ({:.0}–{:.0})", median(xs), xs[0], xs[xs.len() - 1]);
    let mut rows = Vec::new();
    for (figure, pick) in [
        ("launch → first content", (|l: &Launch| l.drawn_ms) as fn(&Launch) -> f64),
        ("launch → WebDriver session", |l: &Launch| l.session_ms),
    ] {
        rows.push(Row::new(&format!("{figure}, cold"), pick(&cold[0]), pick(&cold[1]), ms));
        let (a, b) = (sorted(warm[0].iter().map(pick)), sorted(warm[1].iter().map(pick)));
        rows.push(Row {
            figure: format!("{figure}, warm"),
            ours: spread(&a),
            floor: spread(&b),
            ratio: median(&a) / median(&b),
        });
    }
    let mib = |kib: f64| format!("{:.1} MiB", kib / 1024.0);
    let total = |l: &Launch, pss: bool| -> f64 {
        l.memory.iter().map(|m| if pss { m.pss_kib.unwrap_or(0) } else { m.rss_kib }).sum::<u64>() as f64
    };
    let (a, b) = (&warm[0][WARM_LAUNCHES - 1], &warm[1][WARM_LAUNCHES - 1]);
    rows.push(Row::new("RSS, all processes", total(a, false), total(b, false), mib));
    if a.memory.iter().chain(&b.memory).all(|m| m.pss_kib.is_some()) {
        rows.push(Row::new("PSS, all processes", total(a, true), total(b, true), mib));
    }
    // xtask prints them in one table with the sizes; run alone, the bench prints them itself.
    if let Some(file) = std::env::var_os("PENGGERAK_BENCH_ROWS") {
        let tsv: String =
            rows.iter().map(|r| format!("{}\t{}\t{}\t{}\n", r.figure, r.ours, r.floor, r.ratio)).collect();
        std::fs::write(file, tsv).unwrap();
    } else {
        println!();
        for row in &rows {
            println!("{row}");
        }
    }
    // The server is gone, so there is no sign-out to do: leave the keyring as found.
    driver.forget_session();
}

/// One row of the table: a figure, ours, the floor's, and ours over the floor's.
struct Row {
    figure: String,
    ours: String,
    floor: String,
    ratio: f64,
}

impl Row {
    fn new(figure: &str, ours: f64, floor: f64, show: impl Fn(f64) -> String) -> Row {
        Row { figure: figure.to_owned(), ours: show(ours), floor: show(floor), ratio: ours / floor }
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "  {:<34} {:>22} {:>22} {:>6.2}x", self.figure, self.ours, self.floor, self.ratio)
    }
}

fn print_memory(name: &str, rss_kib: u64, pss_kib: Option<u64>) {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let pss = pss_kib.map_or("n/a".to_owned(), |p| format!("{:.1} MiB", mib(p)));
    println!("    {name:<38}{:>9.1} MiB RSS  {pss:>10} PSS", mib(rss_kib));
}

/// Empties what a launch leaves on disk to speed up the next one, keeping the app's store: WebKit's disk
/// caches (wry keeps them in the app's local data directory, beside the store) and the user's cache
/// directory (there: the GL shader cache). Returns what it emptied, for the figures' legend.
fn empty_caches(app_home: &Path, conf: &Path) -> Vec<String> {
    let conf: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(conf).unwrap()).unwrap();
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

/// Launches `subject`, times it until its first content is drawn, reads its memory, and closes it.
async fn launch(driver: &Driver, subject: &Subject, run: &str) -> Launch {
    let name = format!("{}-{run}", subject.name);
    let t = Instant::now();
    let app = driver.launch_binary(&subject.binary).await;
    let session_ms = t.elapsed().as_secs_f64() * 1000.0;
    let wanted = match subject.failed {
        Some(failed) => format!("{}, {failed}", subject.drawn),
        None => subject.drawn.to_owned(),
    };
    let found = app.wait().at_most(DRAW_TIMEOUT).every(POLL).for_element(Locator::Css(&wanted)).await;
    let drawn_ms = t.elapsed().as_secs_f64() * 1000.0;
    match found {
        Ok(e) if e.attr("id").await.ok().flatten().as_deref() == Some(&subject.drawn[1..]) => {}
        Ok(e) => {
            screenshot(&app, &format!("failed-bench-{name}")).await;
            panic!("{name} launch: its first content could not be drawn: {:?}", e.text().await);
        }
        Err(e) => {
            screenshot(&app, &format!("failed-bench-{name}")).await;
            panic!("{name} launch: its first content was not drawn within {DRAW_TIMEOUT:?}: {e}");
        }
    }
    let timeline: Vec<(String, f64)> = serde_json::from_value(app.execute(TIMELINE, vec![]).await.unwrap())
        .expect("the page's timeline is a list of [name, ms]");
    tokio::time::sleep(SETTLE).await;
    let memory = processes(&subject.binary)
        .iter()
        .enumerate()
        .map(|(i, &pid)| memory(pid, (i == 0).then_some(subject.name)))
        .collect();
    close(app, &subject.binary).await;
    Launch { session_ms, drawn_ms, memory, timeline }
}

/// Ends the app's WebDriver session (WebKitWebDriver stops the app) and waits until the app and its
/// WebKit processes are gone: the next launch must not find a warm web process or race the dying app for
/// the database.
async fn close(app: Client, binary: &Path) {
    let pids = processes(binary);
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

/// The process of `binary` and all its descendants (WebKitWebProcess, WebKitNetworkProcess, any sandbox
/// wrapper), found through each process's parent in `/proc`.
fn processes(binary: &Path) -> Vec<i32> {
    let apps = pids_of(binary);
    assert_eq!(
        apps.len(),
        1,
        "exactly one process of {} runs during a launch (found {apps:?})",
        binary.display()
    );
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
/// has it and lets us read it), named `app` (the app's own process, whatever its copy's file is called) or
/// after its executable.
fn memory(pid: i32, app: Option<&str>) -> Memory {
    let proc = Path::new("/proc").join(pid.to_string());
    let name = if let Some(app) = app {
        app.to_owned()
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
