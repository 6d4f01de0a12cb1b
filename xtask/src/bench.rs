//! `cargo xtask package` and `cargo xtask bench`: release artefacts and their figures.

use crate::env::{self, cmd, exec};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Instant;

/// Builds the release app and its `.deb` (no AppImage: its bundler downloads tools at build time).
///
/// With `PENGGERAK_SIGNING_KEY` naming a key made by `npx tauri signer generate -w FILE` (its public half
/// beside it as `FILE.pub`; its password, if any, in `TAURI_SIGNING_PRIVATE_KEY_PASSWORD`), the app is
/// built with that public key as its update key and the `.deb` is signed (`.deb.sig`), ready for
/// `penggerak-server publish-update`. Without it the app is a build that does not update itself.
pub fn package() -> Result<PathBuf> {
    crate::setup::run()?;
    let key = std::env::var_os("PENGGERAK_SIGNING_KEY").map(PathBuf::from);
    let mut build = cmd("tauri");
    build.args(["build", "--bundles", "deb"]).env("CI", "true");
    if let Some(key) = &key {
        let public = PathBuf::from(format!("{}.pub", key.display()));
        let pubkey = std::fs::read_to_string(&public)
            .with_context(|| format!("reading the signing key's public half {}", public.display()))?;
        let config = serde_json::json!({ "plugins": { "updater": { "pubkey": pubkey.trim() } } });
        build.args(["--config", &config.to_string()]);
    }
    exec(&mut build)?;
    let deb = deb_of(&env::root().join("tauri.conf.json"))?;
    println!("package: {}", deb.display());
    if let Some(key) = &key {
        let password = std::env::var("TAURI_SIGNING_PRIVATE_KEY_PASSWORD").unwrap_or_default();
        let mut sign = cmd("tauri");
        sign.args(["signer", "sign", "--private-key-path"])
            .arg(key)
            .args(["--password", &password])
            .arg(&deb);
        // The password is not printed with the command line if signing fails.
        let status = sign.status().context("could not start `tauri signer sign`")?;
        if !status.success() {
            bail!("signing {} failed ({status})", deb.display());
        }
        let sig = PathBuf::from(format!("{}.sig", deb.display()));
        println!("signature: {}", sig.display());
        println!(
            "publish it: penggerak-server publish-update --version <version> --notes <what is new> --bundle {} \\\n    --signature {}",
            deb.display(),
            sig.display()
        );
    } else {
        println!("no PENGGERAK_SIGNING_KEY: this build does not update itself (see README, \"Updates\")");
    }
    Ok(deb)
}

/// Builds the floor (`floor/`: a bare Tauri 2 + Leptos app) and its `.deb` as [`package`] builds the app:
/// the same CLI, profile and UI pipeline. Returns its `.deb`.
fn package_floor() -> Result<PathBuf> {
    let floor = env::root().join("floor");
    exec(cmd("tauri").args(["build", "--bundles", "deb"]).current_dir(&floor).env("CI", "true"))?;
    deb_of(&floor.join("tauri.conf.json"))
}

/// The `.deb` the Tauri CLI made of the product `conf` (a `tauri.conf.json`) names: the app and the floor
/// share the bundle folder.
fn deb_of(conf: &std::path::Path) -> Result<PathBuf> {
    let text = std::fs::read_to_string(conf).with_context(|| format!("reading {}", conf.display()))?;
    let conf: serde_json::Value = serde_json::from_str(&text).context("parsing tauri.conf.json")?;
    let name = conf["productName"].as_str().context("tauri.conf.json names no productName")?;
    let dir = env::root().join("target/release/bundle/deb");
    let prefix = format!("{name}_");
    std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.extension().is_some_and(|e| e == "deb")
                && p.file_name().is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
        })
        .with_context(|| format!("no .deb of {name} in {}", dir.display()))
}

/// Prints a row of the side-by-side table: a figure, ours, the floor's, ours over the floor's, the goal.
fn row(figure: &str, ours: &str, floor: &str, ratio: f64, goal: &str) {
    println!("  {figure:<34} {ours:>22} {floor:>22} {ratio:>6.2}x   {goal}");
}

/// The goal the performance budget sets for a figure of the table (issue "performance budget").
fn goal(figure: &str) -> &'static str {
    match figure {
        "release binary" => "≤ 2.5x",
        ".deb" => "≤ 8 MiB",
        "UI start wasm raw" => "≤ 800 KiB",
        "UI start wasm gzip -9" => "≤ 250 KiB",
        f if f.starts_with("launch → first content, warm") => "≤ 1.5x",
        f if f.starts_with("launch → first content, cold") => "≤ 2x",
        f if f.starts_with("RSS") => "≤ 1.3x",
        _ => "",
    }
}

use crate::budget::{gzip_size, size};

/// The kills of the soak `cargo xtask bench` runs (the test run makes 12).
const SOAK_KILLS: usize = 100;

/// The kill test (`penggerak-core` `tests/kill.rs`) as a soak: [`SOAK_KILLS`] SIGKILLs of an engine that
/// changes and syncs, then its figures line: kills, acknowledged changes, changes applied on the server,
/// missing and duplicated ones, time. Bounded by the test itself: each child has a deadline to start, each
/// kill comes within 400 ms of it, and the final drain has a round limit. The same package selection as the
/// test phase, so the test build is reused.
fn kill_soak() -> Result<()> {
    let mut c = cmd("cargo");
    c.args(["test", "--workspace", "--test", "kill", "--", "--nocapture"])
        .env("PENGGERAK_KILLS", SOAK_KILLS.to_string());
    let line = format!("{c:?}");
    let out = c.output().with_context(|| format!("could not start {line}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        eprintln!("{text}");
        bail!("the kill soak failed ({}): {line}", out.status);
    }
    let figures = text
        .lines()
        .find(|l| l.starts_with("kill test:"))
        .context("the kill test printed no figures line")?;
    println!("  kill soak: {}", figures.trim_start_matches("kill test:").trim());
    Ok(())
}

/// `cargo xtask bench [app|kill]`: everything, or (`app`) only the release app's sizes, launch time and
/// memory, or (`kill`) only the kill soak.
/// Simulated devices in the school-day load run (`benches/day.rs`).
const DAY_DEVICES: &str = "300";

/// The reference server: req/s and latency of /me and /sync under load and the bytes of a full initial
/// sync (SQLite); concurrent record writers; and a school day of simulated devices (the project's own
/// client against real server processes) — on SQLite, then on a throwaway PostgreSQL cluster run with its
/// durable defaults (a commit waits for its WAL flush, as in a deployment) with one and with two instances.
fn server() -> Result<()> {
    let bench = |name: &str| {
        let mut c = cmd("cargo");
        c.args(["bench", "-p", "penggerak-server", "--bench", name]);
        c
    };
    exec(&mut bench("load"))?;
    println!();
    exec(&mut bench("writers"))?;
    println!();
    exec(bench("day").env("PENGGERAK_LOAD_DEVICES", DAY_DEVICES))?;
    let cluster = crate::postgres::Cluster::start_durable()?;
    println!();
    exec(bench("writers").env("PENGGERAK_TEST_DATABASE", cluster.admin_url()))?;
    for instances in ["1", "2"] {
        println!();
        exec(
            bench("day")
                .env("PENGGERAK_TEST_DATABASE", cluster.admin_url())
                .env("PENGGERAK_LOAD_DEVICES", DAY_DEVICES)
                .env("PENGGERAK_LOAD_INSTANCES", instances),
        )?;
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<()> {
    let app_only = match args {
        [] => false,
        [a] if a == "app" => true,
        [a] if a == "kill" => return kill_soak(),
        [a] if a == "server" => return server(),
        _ => bail!("usage: cargo xtask bench [app|kill|server] (got `{}`)", args.join(" ")),
    };
    let t = Instant::now();
    let deb = package()?;
    let build_secs = t.elapsed().as_secs_f64();
    let modules = crate::budget::ui_modules()?;
    let app = env::keep_app_binary("release")?;
    let t = Instant::now();
    let floor_deb = package_floor()?;
    let floor_secs = t.elapsed().as_secs_f64();
    let floor_bin = env::root().join("target/release/penggerak-floor");
    let floor_modules =
        crate::budget::modules_in(&env::root().join("floor/ui/dist"), crate::ui::FLOOR.package)?;
    if !floor_modules.lazy.is_empty() {
        bail!(
            "the floor has no lazy page, yet its dist holds {} more wasm modules",
            floor_modules.lazy.len()
        );
    }
    let floor_wasm = floor_modules.start;
    println!(
        "\nbuilt: the app and its .deb in {build_secs:.1} s, the floor and its .deb in {floor_secs:.1} s"
    );
    // The release app: launch to Beranda drawn from the store (cold, warm) and its memory, beside the floor's,
    // in the end-to-end tests' environment. The dev profile builds only the measuring side (tauri-driver's
    // client and the reference server for the sign-in): its speed is not measured, and it reuses the e2e
    // tests' artefacts instead of a release LTO build of the server.
    let rows_file = env::root().join("target/xtask/bench-launch-rows.tsv");
    let _ = std::fs::remove_file(&rows_file);
    env::run_with_app(
        "bench",
        "cargo bench --profile dev --workspace --bench launch",
        &app,
        &[("PENGGERAK_FLOOR_APP", &floor_bin), ("PENGGERAK_BENCH_ROWS", &rows_file)],
    )?;
    let kib = |b: u64| format!("{:.1} KiB", b as f64 / 1024.0);
    println!("\nthe app beside the floor (a bare Tauri 2 + Leptos 0.8 app, `floor/`), one run:");
    println!("  {:<34} {:>22} {:>22} {:>7}   goal", "figure", "ours", "floor", "ratio");
    let sizes = [
        ("release binary", size(&env::root().join("target/release/penggerak")), size(&floor_bin)),
        (".deb", size(&deb), size(&floor_deb)),
        ("UI start wasm raw", size(&modules.start), size(&floor_wasm)),
        ("UI start wasm gzip -9", gzip_size(&modules.start)?, gzip_size(&floor_wasm)?),
    ];
    for (figure, ours, floor) in sizes {
        row(figure, &kib(ours), &kib(floor), ours as f64 / floor as f64, goal(figure));
    }
    // The pages' modules, loaded when a page is first opened (the floor has none).
    let (lazy_raw, lazy_gzip) = crate::budget::sizes(&modules.lazy)?;
    println!(
        "  {:<34} {:>22} {:>22}",
        format!("UI lazy wasm ({} modules) raw, gzip", modules.lazy.len()),
        format!("{}, {}", kib(lazy_raw), kib(lazy_gzip)),
        "-"
    );
    let rows = std::fs::read_to_string(&rows_file)
        .with_context(|| format!("the launch bench wrote no rows to {}", rows_file.display()))?;
    for line in rows.lines() {
        let [figure, ours, floor, ratio] = line.split('\t').collect::<Vec<_>>()[..] else {
            bail!("a row of {} is not figure, ours, floor, ratio: {line}", rows_file.display())
        };
        row(figure, ours, floor, ratio.parse().context("the ratio is a number")?, goal(figure));
    }
    println!();
    crate::wasm_size::print(&crate::ui::start_module_with_names(&crate::ui::APP), 14, 12)?;
    if app_only {
        return Ok(());
    }
    println!();
    // The offline engine: applying incoming changes, draining the outbox, reading the home screen, sync bytes.
    exec(cmd("cargo").args(["bench", "-p", "penggerak-core", "--bench", "engine"]))?;
    println!();
    // Offline search: 10,000 sections indexed, the engine's search against a LIKE scan, a 6 MB module indexed.
    exec(cmd("cargo").args(["bench", "-p", "penggerak-core", "--bench", "search"]))?;
    println!();
    server()?;
    println!();
    // The engine under SIGKILL: every acknowledged change reaches the server exactly once.
    kill_soak()
}
