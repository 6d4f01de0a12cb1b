//! The `schemathesis` phase of `cargo xtask test`: the reference server with demo data on a free loopback
//! port, and schemathesis (from PyPI, pinned in `xtask/schemathesis-requirements.txt`, installed into a
//! venv under the target directory) generating requests from the served OpenAPI document — as a teacher,
//! a principal and a pengawas — with two checks that must never fail: no 5xx, and every response matches its
//! schema. Every phase runs, the stateful one included (it follows the document's links from the operations
//! that create records to those that use them). Each run prints how many operations reached a 2xx and
//! which never did, from the HAR file schemathesis writes: an operation that never succeeds was never
//! fuzzed past its validation. A hook (`xtask/schemathesis_hooks.py`) gives every change a fresh
//! `Idempotency-Key`, as a real client does. The three callers run side by side, each against its own
//! server and database.

use crate::env::{self, cmd, exec, output};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REQUIREMENTS: &str = "xtask/schemathesis-requirements.txt";
/// Gives each change a fresh `Idempotency-Key` (see the file).
const HOOKS: &str = "xtask/schemathesis_hooks.py";

/// Demo accounts the run signs in as: Siti (a teacher), Bambang (her principal) and Dewi (a pengawas).
const CALLERS: &[(&str, &str)] = &[
    ("teacher", "3471765432100001"),
    ("principal", "196805121990031004"),
    ("pengawas", "197011141995122001"),
];

fn venv() -> PathBuf {
    env::target_dir().join("xtask/schemathesis-venv")
}

/// Creates the venv and installs the pinned requirements, unless that is already done.
fn install() -> Result<PathBuf> {
    let venv = venv();
    let wanted = std::fs::read_to_string(env::root().join(REQUIREMENTS)).context("reading requirements")?;
    let stamp = venv.join("installed-requirements.txt");
    let bin = venv.join("bin/schemathesis");
    if bin.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(bin);
    }
    let _ = std::fs::remove_dir_all(&venv);
    exec(cmd("python3").args(["-m", "venv"]).arg(&venv))
        .context("creating a Python venv (Debian: apt-get install python3-venv)")?;
    exec(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "-r"])
            .arg(env::root().join(REQUIREMENTS)),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(bin)
}

/// The server process; killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn curl(args: &[&str]) -> Option<String> {
    output(cmd("curl").args(["--silent", "--show-error", "--fail", "--max-time", "10"]).args(args))
}

fn access_token(base: &str, identifier: &str) -> Result<String> {
    let body = format!(r#"{{"identifier":"{identifier}","password":"penggerak2026"}}"#);
    let answer = curl(&[
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
        &format!("{base}/auth/login"),
    ])
    .with_context(|| format!("signing in as {identifier}"))?;
    let v: serde_json::Value = serde_json::from_str(&answer)?;
    v["tokens"]["access_token"].as_str().map(str::to_owned).context("no access token in the sign-in answer")
}

/// The document's operations as (method, path template), e.g. `("GET", "/api/v1/communities/{id}")`.
fn operations(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item[method].is_object() {
                ops.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// The operation `url` was a request to: the template whose segments match, literal segments preferred
/// (so `/school/staff` is never taken for `/school/staff/{id}`).
fn operation_of<'a>(ops: &'a [(String, String)], method: &str, url: &str) -> Option<&'a (String, String)> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    ops.iter()
        .filter(|(m, template)| {
            let t: Vec<&str> = template.split('/').collect();
            m == method
                && t.len() == segments.len()
                && t.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s)
        })
        .min_by_key(|(_, template)| template.matches('{').count())
}

/// How many of the document's operations answered at least one 2xx in the HAR file, and the ones that
/// never did, as lines to print.
fn report_reach(who: &str, doc: &serde_json::Value, har: &std::path::Path) -> Result<String> {
    let ops = operations(doc);
    let har: serde_json::Value = serde_json::from_slice(
        &std::fs::read(har).with_context(|| format!("reading the HAR report {}", har.display()))?,
    )?;
    let mut reached = std::collections::BTreeSet::new();
    let mut requests = 0usize;
    for entry in har["log"]["entries"].as_array().into_iter().flatten() {
        requests += 1;
        let status = entry["response"]["status"].as_u64().unwrap_or(0);
        let method = entry["request"]["method"].as_str().unwrap_or_default();
        let url = entry["request"]["url"].as_str().unwrap_or_default();
        if (200..300).contains(&status) {
            if let Some(op) = operation_of(&ops, method, url) {
                reached.insert(op.clone());
            }
        }
    }
    let mut lines = format!(
        "-- schemathesis as the {who}: {} of {} operations reached a 2xx ({requests} requests)\n",
        reached.len(),
        ops.len()
    );
    for (method, path) in ops.iter().filter(|op| !reached.contains(*op)) {
        lines.push_str(&format!("   never a 2xx: {method} {path}\n"));
    }
    Ok(lines)
}

pub fn run() -> Result<()> {
    let schemathesis = install()?;
    // The server binary as the test build makes it (`target/debug/penggerak-server`, for its integration
    // tests): the same package selection, so nothing is built again; `-p penggerak-server` resolved other
    // features and built about a hundred artefacts a second time.
    exec(cmd("cargo").args(["test", "--workspace", "--no-run"]))?;
    // The three callers run side by side, each against a server and database of its own (so each run
    // generates the same cases from its seed, whatever the others do); their output is printed after, one
    // caller at a time.
    let runs: Vec<(&str, Result<Run>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = CALLERS
            .iter()
            .map(|(who, identifier)| {
                let schemathesis = &schemathesis;
                (*who, scope.spawn(move || run_as(schemathesis, who, identifier)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(who, h)| (who, h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the run panicked")))))
            .collect()
    });
    let mut failed = Vec::new();
    for (who, run) in runs {
        println!("-- schemathesis as the {who}");
        match run {
            Ok((printed, result)) => {
                print!("{printed}");
                if let Err(e) = result {
                    println!("{e:#}");
                    failed.push(who);
                }
            }
            Err(e) => {
                println!("could not run: {e:#}");
                failed.push(who);
            }
        }
    }
    if !failed.is_empty() {
        bail!("schemathesis found failures as the {}", failed.join(", the "));
    }
    Ok(())
}

/// What one caller's run printed, and whether schemathesis passed.
type Run = (String, Result<()>);

/// One caller's run: a server with demo data, schemathesis signed in as `identifier`, and the report of
/// the operations reached. Returns what it printed and whether schemathesis passed.
fn run_as(schemathesis: &std::path::Path, who: &str, identifier: &str) -> Result<Run> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let _server = Server(
        Command::new(env::target_dir().join("debug/penggerak-server"))
            .args(["--listen", &format!("127.0.0.1:{port}"), "--demo", "--database"])
            .arg(format!("sqlite://{}", dir.path().join("api.sqlite").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting penggerak-server")?,
    );
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let started = Instant::now();
    while curl(&[&format!("{base}/health")]).is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the server did not answer /health within a minute");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let doc: serde_json::Value = serde_json::from_str(
        &curl(&[&format!("{base}/openapi.json")]).context("fetching the served OpenAPI document")?,
    )?;
    let token = access_token(&base, identifier)?;
    let har = dir.path().join(format!("{who}.har"));
    let out = Command::new(schemathesis)
        .current_dir(dir.path()) // its report directory stays out of the tree
        .env("SCHEMATHESIS_HOOKS", env::root().join(HOOKS))
        .args(["run", &format!("{base}/openapi.json")])
        .args(["--checks", "not_a_server_error,response_schema_conformance"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            "30",
            "--seed",
            "20261122",
        ])
        // No example database: every run generates from the seed alone, the same cases each time.
        .args(["--workers", "1", "--request-timeout", "30", "--generation-database", "none"])
        .args(["--report", "har", "--report-har-path"])
        .arg(&har)
        .output()
        .context("starting schemathesis")?;
    let mut printed = String::from_utf8_lossy(&out.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&out.stderr));
    match report_reach(who, &doc, &har) {
        Ok(line) => printed.push_str(&line),
        Err(e) => printed.push_str(&format!(
            "-- schemathesis as the {who}: no report of the operations reached ({e:#})\n"
        )),
    }
    let result = if out.status.success() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("schemathesis as the {who} failed ({})", out.status))
    };
    Ok((printed, result))
}
