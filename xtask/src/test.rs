//! `cargo xtask test`: everything CI checks, phase by phase, with timings. Fails on the first failure.

use crate::env::{self, cmd, exec, Phases};
use anyhow::{bail, Context, Result};

pub fn run_all(p: &mut Phases) -> Result<()> {
    p.run("setup (install what is missing)", crate::setup::run)?;
    p.run("cargo fmt --check", || exec(cmd("cargo").args(["fmt", "--all", "--check"])))?;
    // Licences, banned crates and sources of every dependency (deny.toml). Not advisories: their database
    // is a git repository no registry this network reaches ships (see deny.toml).
    p.run("cargo deny (licences, bans, sources)", || {
        exec(cmd("cargo").args(["deny", "check", "licenses", "bans", "sources"]))
    })?;
    // The UI comes first: the app embeds it, and `generate_context!` needs it to exist for clippy and the
    // tests to compile.
    p.run("build UI (wasm)", || crate::ui::build(&crate::ui::APP))?;
    p.run("size budget (size-budget.toml)", crate::budget::check)?;
    // The release app: what ships, what the end-to-end tests drive, and what the size budget holds
    // (size-budget.toml, [app]). LTO over one codegen unit is ~12 minutes of mostly one core on a fresh
    // clone, so it is built beside the phases below: at the normal priority beside clippy and the tests'
    // build (compilers both), then lowered to take only what the test lanes leave (their timeouts must not
    // feel it). No debug build of the app: the release one replaces it, and it built the shared crates
    // with the app's features alone, which the tests' build then built again with the workspace's.
    let release = env::Background::start(
        "release-app",
        "tauri",
        &["build", "--no-bundle", "--config", r#"{"build":{"beforeBuildCommand":""}}"#],
        &[("CI", "true")],
    )?;
    p.run("clippy (native, all targets)", || {
        exec(cmd("cargo").args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    })?;
    p.run("clippy (UI for wasm32)", || {
        exec(cmd("cargo").args([
            "clippy",
            "-p",
            "penggerak-ui",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    // One build for every phase below: the same package selection (`--workspace`) everywhere, so cargo
    // unifies dependencies' features once. Excluding the end-to-end package, or building the server with
    // `-p`, resolved other features and built sqlx, axum, hyper, zbus and the server again (≈ 170
    // artefacts on a fresh clone). The end-to-end target is `test = false`: built here by name, run last.
    p.run("build the tests (one build for all phases)", || {
        exec(cmd("cargo").args(["test", "--workspace", "--no-run"]))?;
        exec(cmd("cargo").args(["test", "--workspace", "--test", "e2e", "--no-run"]))
    })?;
    release.lower()?;
    // The tests mostly wait (sockets, timers, a database server) and keep one core busy: the SQLite pass
    // then schemathesis in one lane, the PostgreSQL pass in the other.
    p.run("tests on SQLite, then schemathesis | tests on PostgreSQL (side by side)", || {
        env::side_by_side(vec![
            (
                "sqlite-and-schemathesis",
                vec![command("cargo", &["test", "--workspace"]), xtask(&["schemathesis"])?],
            ),
            ("postgresql", vec![xtask(&["test-postgres"])?]),
        ])
    })?;
    let mut app = None;
    p.run("release app: the rest of its build", || {
        release.finish()?;
        app = Some(env::keep_app_binary("release")?);
        Ok(())
    })?;
    let app = app.expect("kept when its phase passed");
    p.run("end-to-end tests on the release app (Xvfb + keyring + tauri-driver)", || e2e_on(&app, None))?;
    // After the tests, so that a binary over its budget still has them run (and said).
    p.run("release app's size budget (size-budget.toml)", crate::budget::check_binary)?;
    Ok(())
}

/// `program args`, owned (a lane of `side_by_side` is a list of commands).
fn command(program: &str, args: &[&str]) -> std::process::Command {
    let mut c = cmd(program);
    c.args(args);
    c
}

/// This xtask again with `args`: a lane runs whole xtask commands.
fn xtask(args: &[&str]) -> Result<std::process::Command> {
    let me = std::env::current_exe().context("finding the xtask binary")?;
    Ok(command(&me.display().to_string(), args))
}

/// The end-to-end tests whose name contains `filter` (all without one) against `app` (a CLI-built app, built
/// by the caller), under Xvfb with an empty keyring.
fn e2e_on(app: &std::path::Path, filter: Option<&str>) -> Result<()> {
    // Selected from the whole workspace (`--workspace --test e2e`), not `-p penggerak-e2e`: cargo unifies
    // dependencies' features over the packages selected, so `-p` alone built tokio, sqlx, reqwest and the
    // server a second time with other features, on top of the test phase's build.
    let mut inner = "cargo test --workspace --test e2e -- --test-threads=1".to_owned();
    if let Some(f) = filter {
        if !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            bail!("an end-to-end test filter is a test name or part of one (letters, digits, `_`, `:`), got `{f}`");
        }
        inner = format!("{inner} {f}");
    }
    env::run_with_app("e2e", &inner, app, &[])
}

/// `cargo xtask e2e [--release] [FILTER]`: builds the app through the Tauri CLI (the debug one, minutes,
/// where the release one takes ten; `--release` for the one `cargo xtask test` runs them on), then only the
/// end-to-end tests (those whose name contains FILTER, if given).
pub fn e2e_only(args: &[String]) -> Result<()> {
    let release = args.first().is_some_and(|a| a == "--release");
    let rest = &args[usize::from(release)..];
    if rest.len() > 1 || rest.first().is_some_and(|a| a.starts_with('-')) {
        bail!("`cargo xtask e2e` takes `--release` and at most one test-name filter, in that order");
    }
    let app = env::build_app(release)?;
    e2e_on(&app, rest.first().map(String::as_str))
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        bail!("`cargo xtask test` takes no options (got `{a}`)");
    }
    let mut phases = Phases::new();
    let result = run_all(&mut phases);
    phases.summary();
    result
}

/// The tests again, against a throwaway PostgreSQL cluster: every test that starts a `TestServer` (the
/// server's, the client's, the engine's, the app's) gets a PostgreSQL database. `extra` goes to
/// `cargo test` (e.g. `--test sync`), for `cargo xtask test-postgres`. The same package selection as the
/// test phase, so nothing is built again: `-p` for three packages unified dependencies' features
/// differently and built them all a second time (≈ 4 minutes and 2 GB here).
pub fn postgres_pass(extra: &[String]) -> Result<()> {
    let cluster = crate::postgres::Cluster::start()?;
    let r = exec(
        cmd("cargo")
            .args(["test", "--workspace"])
            .args(extra)
            .env("PENGGERAK_TEST_DATABASE", cluster.admin_url()),
    );
    if r.is_err() {
        eprintln!("PostgreSQL log:\n{}", cluster.log());
    }
    r
}
