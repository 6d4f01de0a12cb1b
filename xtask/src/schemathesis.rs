//! The `schemathesis` phase of `cargo xtask test`: the reference server with demo data on a free loopback
//! port, and schemathesis (from PyPI, pinned in `xtask/schemathesis-requirements.txt`, installed into a
//! venv under `target/`) generating requests from the served OpenAPI document — as a teacher and as a
//! principal — with two checks that must never fail: no 5xx, and every response matches its schema.

use crate::env::{self, cmd, exec, output};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REQUIREMENTS: &str = "xtask/schemathesis-requirements.txt";

/// Demo accounts the run signs in as: Siti (a teacher) and Bambang (her principal).
const CALLERS: &[(&str, &str)] = &[("teacher", "3471765432100001"), ("principal", "196805121990031004")];

fn venv() -> PathBuf {
    env::root().join("target/xtask/schemathesis-venv")
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

pub fn run() -> Result<()> {
    let schemathesis = install()?;
    exec(cmd("cargo").args(["build", "-p", "penggerak-server"]))?;
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let _server = Server(
        Command::new(env::root().join("target/debug/penggerak-server"))
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
    for (who, identifier) in CALLERS {
        println!("-- schemathesis as the {who}");
        let token = access_token(&base, identifier)?;
        exec(
            Command::new(&schemathesis)
                .current_dir(dir.path()) // its report directory stays out of the tree
                .args(["run", &format!("{base}/openapi.json")])
                .args(["--checks", "not_a_server_error,response_schema_conformance"])
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--phases", "examples,coverage,fuzzing", "--max-examples", "30", "--seed", "20261122"])
                // No example database: every run generates from the seed alone, the same cases each time.
                .args(["--workers", "1", "--request-timeout", "30", "--generation-database", "none"]),
        )
        .with_context(|| format!("schemathesis as the {who} found failures"))?;
    }
    Ok(())
}
