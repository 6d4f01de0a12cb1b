//! `cargo xtask package` and `cargo xtask bench`: release artefacts and their figures.

use crate::env::{self, cmd, exec};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Instant;

/// Builds the release app and its `.deb` (no AppImage: its bundler downloads tools at build time).
pub fn package() -> Result<PathBuf> {
    crate::setup::run()?;
    exec(cmd("tauri").args(["build", "--bundles", "deb"]).env("CI", "true"))?;
    let dir = env::root().join("target/release/bundle/deb");
    let deb = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .context("no .deb was produced")?;
    println!("package: {}", deb.display());
    Ok(deb)
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
pub fn run(args: &[String]) -> Result<()> {
    let app_only = match args {
        [] => false,
        [a] if a == "app" => true,
        [a] if a == "kill" => return kill_soak(),
        _ => bail!("usage: cargo xtask bench [app|kill] (got `{}`)", args.join(" ")),
    };
    let t = Instant::now();
    let deb = package()?;
    let build_secs = t.elapsed().as_secs_f64();
    let bin = env::root().join("target/release/penggerak");
    let app = env::keep_app_binary("release")?;
    let wasm = crate::budget::ui_wasm()?;
    let kib = |b: u64| b as f64 / 1024.0;
    println!("\nfigures:");
    println!("  release build + .deb           {build_secs:>9.1} s");
    println!("  release binary                 {:>9.1} KiB", kib(size(&bin)));
    println!("  .deb                           {:>9.1} KiB", kib(size(&deb)));
    println!("  UI wasm raw                    {:>9.1} KiB", kib(size(&wasm)));
    println!("  UI wasm gzip -9                {:>9.1} KiB", kib(gzip_size(&wasm)?));
    println!();
    // The release app: launch to Beranda drawn from the store (cold, warm) and its memory, in the end-to-end
    // tests' environment. The dev profile builds only the measuring side (tauri-driver's client and the
    // reference server for the sign-in): its speed is not measured, and it reuses the e2e tests' artefacts
    // instead of a release LTO build of the server.
    env::run_with_app("bench", "cargo bench --profile dev --workspace --bench launch", &app)?;
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
    // The reference server: req/s and latency of /me and /sync under load, bytes of a full initial sync.
    exec(cmd("cargo").args(["bench", "-p", "penggerak-server", "--bench", "load"]))?;
    println!();
    // The engine under SIGKILL: every acknowledged change reaches the server exactly once.
    kill_soak()
}
