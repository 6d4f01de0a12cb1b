//! `cargo xtask <command>`: the one way to set up, run, test, package and measure Penggerak.
//!
//! It installs what a fresh Debian/Ubuntu machine lacks (see `setup.rs`), builds through the Tauri CLI
//! (the only build that embeds the UI), and runs tests in the environment they need (Xvfb, a D-Bus session
//! with an unlocked gnome-keyring). Plain `std::process::Command`; beyond `anyhow`, only `toml` (the size
//! budget), `serde_json`, and `wasmparser` + `rustc-demangle` (where the UI wasm's size goes).

mod bench;
mod budget;
mod env;
mod postgres;
mod run;
mod schemathesis;
mod setup;
mod test;
mod ui;
mod wasm_size;

use anyhow::{bail, Result};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup              install what is missing (apt packages, wasm32 target, wasm-bindgen-cli,
                     tauri-driver, npm tools); nothing already installed is redone
  run [--headless]   build, start the reference server with demo data on 127.0.0.1:8080, open the app
                     (--headless: under Xvfb with its own keyring, for machines without a display)
  test               everything CI checks: fmt, clippy, unit/integration tests (SQLite, PostgreSQL),
                     wasm build and its size budget (size-budget.toml), schemathesis, the release
                     app (built beside the tests) and its size budget, end-to-end on that app
  test-postgres [ARGS]  only the tests (no e2e) again on a throwaway PostgreSQL cluster
                     (ARGS go to `cargo test`)
  schemathesis       only the schemathesis run against the reference server (as in `test`)
  e2e [--release] [FILTER]
                     build the debug app (--release: the release one, as `test` does), then only
                     the end-to-end tests (all, or those whose name contains FILTER; screenshots in
                     .e2e-artifacts/)
  ui [app|floor]     build the UI to its dist folder: wasm, split into a start module and lazily
                     loaded pages, wasm-bindgen, wasm-opt (as the Tauri CLI's build does first)
  budget             check the UI wasm last built against size-budget.toml (as `test` does), then
                     say where its size goes (by crate, and its largest functions)
  package            build the release app and its .deb
  bench [app|kill|server]
                     build release artefacts and report their sizes, the release app's launch time
                     (to Beranda drawn from the store, cold and warm) and memory (with its WebKit
                     processes) in a table beside the floor's (`floor/`, a bare Tauri + Leptos app built
                     the same way) and where the UI wasm's size goes, then the offline engine's figures
                     (apply 10,000 changes, drain 1,000 outbox entries, home-screen read, sync bytes),
                     offline search, the server's, and the kill soak's (100 SIGKILLs of a syncing engine:
                     changes acknowledged, applied, missing, doubled)
                     (app: only the release app's figures; kill: only the kill soak; server: only the
                     server's: /me and /sync under load, and concurrent writers on SQLite and on a
                     throwaway PostgreSQL cluster with durable settings)";

fn main() {
    // Interrupted (Ctrl-C, or CI's SIGTERM at its timeout): stop what runs in the background, then end as
    // the signal would have ended this process.
    if let Err(e) = ctrlc::set_handler(|| {
        env::stop_background();
        std::process::exit(130);
    }) {
        eprintln!(
            "warning: no interrupt handler ({e}): an interrupted run may leave a background build going"
        );
    }
    if let Err(e) = dispatch() {
        eprintln!("\nerror: {e:#}");
        std::process::exit(1);
    }
}

fn dispatch() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = &args[args.len().min(1)..];
    match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("run") => run::run(rest),
        Some("test") => test::run(rest),
        Some("test-postgres") => test::postgres_pass(rest),
        Some("package") => bench::package().map(|_| ()),
        Some("bench") => bench::run(rest),
        Some("schemathesis") => schemathesis::run(),
        Some("e2e") => test::e2e_only(rest),
        Some("ui") => ui::run(rest),
        Some("budget") => {
            let within = budget::check();
            // Run alone, it also says where the wasm goes, for whoever is about to cross a limit or has.
            println!();
            wasm_size::print(&crate::ui::start_module_with_names(&crate::ui::APP), 16, 25)?;
            within
        }
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}
