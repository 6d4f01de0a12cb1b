//! `cargo xtask run [--headless]`: set up, build, start the reference server with demo data, open the app.

use crate::env::{self, cmd};
use anyhow::{bail, Context, Result};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

const LISTEN: &str = "127.0.0.1:8080";

/// The server process, stopped when this guard drops (also on error paths).
struct ServerGuard(Option<Child>);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            // SIGTERM first: the server finishes in-flight requests and closes SQLite cleanly.
            let _ = cmd("kill").args(["-TERM", &child.id().to_string()]).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn server_health_ok() -> bool {
    // A tiny HTTP/1.0 request so xtask needs no HTTP client.
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect_timeout(&LISTEN.parse().unwrap(), Duration::from_millis(300)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /api/v1/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    // hyper answers an HTTP/1.0 request as HTTP/1.0.
    let status_ok = body.split_whitespace().nth(1) == Some("200");
    status_ok && body.contains("\"status\":\"ok\"")
}

fn start_server() -> Result<ServerGuard> {
    if server_health_ok() {
        println!("a Penggerak server already answers on {LISTEN}: using it");
        return Ok(ServerGuard(None));
    }
    if TcpStream::connect(LISTEN).is_ok() {
        bail!("{LISTEN} is taken by something that is not a Penggerak server: stop it and re-run");
    }
    let binary = env::root().join("target/debug/penggerak-server");
    println!(
        "starting the reference server on {LISTEN} with demo data (its database: the user data directory)"
    );
    let child = cmd(binary.to_str().unwrap())
        .args(["--listen", LISTEN, "--demo"])
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let guard = ServerGuard(Some(child));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !server_health_ok() {
        if Instant::now() > deadline {
            bail!("the server did not answer on {LISTEN} within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(guard)
}

pub fn run(args: &[String]) -> Result<()> {
    let headless = args.iter().any(|a| a == "--headless");
    if let Some(other) = args.iter().find(|a| *a != "--headless") {
        bail!("unknown option `{other}` (usage: cargo xtask run [--headless])");
    }
    if !headless && !env::has_display() {
        bail!(
            "no display: DISPLAY and WAYLAND_DISPLAY are unset, so the app window has nowhere to open.\n\
             Run this on a desktop session, or `cargo xtask run --headless` to run it under Xvfb \
             (it prints how to take a screenshot)."
        );
    }
    crate::setup::run()?;
    env::exec(cmd("cargo").args(["build", "-p", "penggerak-server"]))?;
    let app = env::build_app(false)?;
    let _server = start_server()?;
    println!(
        "\nopening Penggerak. Demo accounts (password penggerak2026): 3471765432100001 (guru Siti Rahayu), \
         196805121990031004 (kepala sekolah Bambang Sutrisno) — all listed in README.md\n"
    );
    if headless {
        let home: PathBuf = env::root().join("target/xtask/headless");
        let shot = env::root().join("target/xtask/headless.png");
        let inner = format!(
            "\"{app}\" & APP=$!; sleep 8; import -window root \"{shot}\" && \
             echo \"screenshot of the running app: {shot}\"; echo \"drive it with: DISPLAY=$DISPLAY XAUTHORITY=$XAUTHORITY xdotool … (Ctrl-C to stop)\"; wait $APP",
            app = app.display(),
            shot = shot.display()
        );
        let mut c = env::headless_session(&home, &inner)?;
        c.env("PENGGERAK_SERVER", format!("http://{LISTEN}"));
        env::exec(&mut c)
    } else {
        env::exec(cmd(app.to_str().unwrap()).env("PENGGERAK_SERVER", format!("http://{LISTEN}")))
    }
}
