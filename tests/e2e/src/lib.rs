//! The end-to-end harness: the app binary built by the Tauri CLI, launched by `tauri-driver` (which drives
//! WebKitWebDriver), in a real WebKit webview, against the real reference server.
//!
//! The environment is the one `cargo xtask test` (and `cargo xtask bench`, for `benches/launch.rs`)
//! creates: an X display (Xvfb) and a D-Bus session with an unlocked gnome-keyring, created fresh for the
//! run. The app's data directory is a temporary directory per test. Env: `PENGGERAK_E2E_APP` (the binary:
//! the copy xtask keeps of the Tauri CLI build, the release one under `cargo xtask test`),
//! `PENGGERAK_E2E_ARTIFACTS` (where screenshots go; default `.e2e-artifacts/`), `PENGGERAK_E2E_TLS=1` (every
//! test's server serves https, with a certificate from a CA made for the run, which the app and the test
//! process trust through `SSL_CERT_FILE`, as a device trusts a province's CA from its system store).

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use penggerak_core::{KeyringStore, TokenStore};
use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any single UI step may take before the test fails with a screenshot. Longer than the
/// client's 30 s request timeout, so a request that hangs is retried by the engine before the test gives
/// up. (A first sync that seemed to hang, seen in about one run in twenty, was the UI missing the status
/// event of a sync that ended while it started listening; fixed in the UI, see `app.rs`.)
pub const STEP_TIMEOUT: Duration = Duration::from_secs(75);

/// How long one [`Driver`] (one test, or the launch bench) may live. Every step has its timeout, but a
/// WebDriver call to an app that died can wait for ever, and a hung test would hold the run (and CI) until
/// its own limit: past this the harness ends the test binary, naming the test, which fails the run.
pub const DRIVER_LIMIT: Duration = Duration::from_secs(600);

/// The app's identifier (tauri.conf.json): the name of its folders under the XDG directories.
pub const APP_IDENTIFIER: &str = "id.penggerak.desktop";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The app binary under test: no default, so that a run by hand never drives a stale copy (`cargo xtask
/// test` no longer refreshes the debug one).
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("PENGGERAK_E2E_APP").map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "PENGGERAK_E2E_APP is not set: the end-to-end tests run from `cargo xtask test` or `cargo xtask \
             e2e [--release]`, which build the app with the Tauri CLI (a plain `cargo build` binary would \
             load the dev server instead of the embedded UI) and name it"
        )
    });
    assert!(path.exists(), "app binary {} not found", path.display());
    path
}

/// Whether this run's servers serve https (`PENGGERAK_E2E_TLS=1`).
pub fn tls() -> bool {
    std::env::var("PENGGERAK_E2E_TLS").is_ok_and(|v| v == "1")
}

/// The CA of an https run, trusted by this process from its first call on (`SSL_CERT_FILE`; the client
/// reads the trust store once per process, so this comes before any client is built: [`start_server`]
/// calls it before the test has a server to build a client for). The app gets the same variable from
/// [`Driver::start`].
fn tls_ca() -> &'static penggerak_testkit::TestCa {
    static CA: std::sync::OnceLock<penggerak_testkit::TestCa> = std::sync::OnceLock::new();
    CA.get_or_init(|| {
        let ca = penggerak_testkit::TestCa::new("Penggerak e2e CA");
        std::env::set_var("SSL_CERT_FILE", ca.pem_path());
        std::env::remove_var("SSL_CERT_DIR");
        ca
    })
}

/// The reference server of one test: plain http, or https when [`tls`] (every test starts its server
/// through this, so the whole suite runs either way).
pub fn start_server() -> penggerak_testkit::TestServer {
    start_server_with(penggerak_testkit::ServerConfig::default())
}

/// [`start_server`] with `config`.
pub fn start_server_with(config: penggerak_testkit::ServerConfig) -> penggerak_testkit::TestServer {
    if tls() {
        penggerak_testkit::TestServer::start_tls(config, tls_ca())
    } else {
        penggerak_testkit::TestServer::start_with(config)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `tauri-driver`, plus the temporary home the app it launches writes to. Killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
    server_url: String,
    pub app_home: tempfile::TempDir,
    /// Set when the driver is dropped: its watchdog then stands down.
    done: Arc<AtomicBool>,
}

/// Ends the test binary when the driver of `test` is still alive after [`DRIVER_LIMIT`]: the apps it
/// launched and `tauri_driver` are killed first, as its drop would have.
fn watchdog(test: String, tauri_driver: u32) -> Arc<AtomicBool> {
    let done = Arc::new(AtomicBool::new(false));
    let stand_down = Arc::clone(&done);
    std::thread::spawn(move || {
        let deadline = Instant::now() + DRIVER_LIMIT;
        while Instant::now() < deadline {
            if stand_down.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        // Straight to stderr: the test harness captures `eprintln!` in threads a test spawned, and
        // would drop it at the exit below.
        let _ = writeln!(
            std::io::stderr(),
            "{test}: still running after {DRIVER_LIMIT:?} (a WebDriver call that never answers?): the \
             end-to-end run is stopped"
        );
        for pid in app_pids() {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        }
        let _ = Command::new("kill").args(["-KILL", &tauri_driver.to_string()]).status();
        std::process::exit(101);
    });
    done
}

impl Driver {
    /// Starts `tauri-driver`; every app it launches talks to `server_url` and keeps its data in `app_home`.
    pub fn start(server_url: &str) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests through `cargo xtask test` (it starts Xvfb and a keyring)"
        );
        assert!(
            KeyringStore::app().load().expect("the keyring answers").is_none(),
            "the device starts signed out: a test before this one left a session in the keyring"
        );
        let conf = std::fs::read_to_string(workspace_root().join("tauri.conf.json")).unwrap();
        let conf: serde_json::Value = serde_json::from_str(&conf).unwrap();
        assert_eq!(conf["identifier"], APP_IDENTIFIER, "APP_IDENTIFIER is tauri.conf.json's identifier");
        let app_home = tempfile::tempdir().unwrap();
        let (port, native) = (free_port(), free_port());
        let mut command = Command::new("tauri-driver");
        if server_url.starts_with("https://") {
            // The app (launched by tauri-driver, inheriting its environment) trusts the run's CA.
            command.env("SSL_CERT_FILE", tls_ca().pem_path()).env_remove("SSL_CERT_DIR");
        }
        app_environment(&mut command, server_url, app_home.path());
        let child = command
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver could not start: run `cargo xtask setup`");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port} within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        let test = std::thread::current().name().unwrap_or("an end-to-end test").to_owned();
        let done = watchdog(test, child.id());
        Driver { child, port, server_url: server_url.to_owned(), app_home, done }
    }

    /// Launches the app (a new process) and returns a WebDriver session on its window. The app lets one copy
    /// run (a second launch hands over to the first and exits), so a copy just closed must be gone first.
    ///
    /// The window opens at a first launch's size (1024×720, tauri.conf.json): the size the app kept at the
    /// last close is forgotten first. The app reopens as large as it was left, and which size that was after
    /// a test's screenshots (360, then 1280 px wide) depends on whether the last resize had settled before
    /// the close; at 360 px the sync details are folded away, and a test reading them failed once that way.
    /// (Resizing the window once it is open races with the app putting it back.) [`Driver::launch_as_left`]
    /// keeps it.
    pub async fn launch(&self) -> Client {
        let kept = self.app_home.path().join("config").join(APP_IDENTIFIER).join(".window-state.json");
        match std::fs::remove_file(&kept) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("the window state the app kept ({}) could not be removed: {e}", kept.display()),
        }
        self.launch_as_left().await
    }

    /// [`Driver::launch`], with the window where and as large as the app opened it.
    pub async fn launch_as_left(&self) -> Client {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !app_pids().is_empty() {
            assert!(Instant::now() < deadline, "the app closed before did not exit within 20 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.launch_binary(&app_binary()).await
    }

    /// The app binary started directly (not through WebDriver), in the environment the driver gives the
    /// apps it launches.
    pub fn app_command(&self) -> Command {
        let mut command = Command::new(app_binary());
        app_environment(&mut command, &self.server_url, self.app_home.path());
        command
    }

    /// Launches another Tauri app's `binary` (the benchmark's floor app) the same way.
    pub async fn launch_binary(&self, binary: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": binary.to_string_lossy() }));
        // tauri-driver accepts connections before the WebKitWebDriver behind it is ready; a session
        // request in that gap is dropped. Retry for a bounded time, then fail with the last error.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await;
            match attempt {
                Ok(client) => return client,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("WebDriver session not ready yet ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => panic!("no WebDriver session on the app (tauri-driver + WebKitWebDriver): {e}"),
            }
        }
    }
}

/// What an app under test runs in: the test's server, and data, settings and caches of its own.
/// The device's opener as the app finds it (`xdg-open`, first on its `PATH`): a script that writes what it
/// was asked to open to `<app_home>/opened.txt`, one line each, and opens nothing ([`Driver::opened`]).
/// So no test ever starts a browser or a viewer, and each can see what the app handed the system.
fn recording_opener(app_home: &Path) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt;
    let bin = app_home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("xdg-open");
    let record = app_home.join("opened.txt");
    let body = format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", record.display());
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = bin.into_os_string();
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    path
}

fn app_environment(command: &mut Command, server_url: &str, app_home: &Path) {
    command
        .env("PATH", recording_opener(app_home))
        .env("PENGGERAK_SERVER", server_url)
        .env("XDG_DATA_HOME", app_home.join("data"))
        .env("XDG_CONFIG_HOME", app_home.join("config"))
        .env("XDG_CACHE_HOME", app_home.join("cache"))
        .env("RUST_LOG", "info");
}

impl Driver {
    /// Launches the app on the sign-in screen, signs in and waits until the first sync has settled.
    pub async fn signed_in(&self, identifier: &str, password: &str, name: &str) -> Client {
        let app = self.launch().await;
        press(&app, "#identifier", "sign-in screen").await;
        sign_in(&app, identifier, password, name).await;
        wait_text(&app, "#sync-line", "first sync done", |t| t.contains("Terakhir disinkronkan")).await;
        app
    }
}

impl Driver {
    /// What the app asked the device's opener to open (files, links), oldest first.
    pub fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(self.app_home.path().join("opened.txt"))
            .map(|t| t.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }
}

impl Driver {
    /// Forgets the session this driver's app left in the keyring, for a run that cannot sign out (the
    /// launch bench stops the server to measure an offline start).
    pub fn forget_session(&self) {
        let keyring = KeyringStore::app();
        let _ = keyring.clear();
        let _ = keyring.save_devices(&Default::default());
    }
}

impl Drop for Driver {
    /// Stops `tauri-driver` and checks that the test left the device as it found it: signed out, nothing in
    /// the keyring. A test that failed half-way is cleaned up after instead, so that one failure does not
    /// fail the tests after it; one that passed while leaving a session behind fails here.
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        let _ = self.child.kill();
        let _ = self.child.wait();
        // An app whose WebDriver session was never closed outlives tauri-driver; as one copy runs at a time,
        // it would take over every later launch. The tests' apps are the only ones of this binary.
        for pid in app_pids() {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !app_pids().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let keyring = KeyringStore::app();
        // The device's known-device cookies name this test's server, which is gone: forgotten either way.
        let _ = keyring.save_devices(&Default::default());
        let left = keyring.load().ok().flatten().is_some();
        if left {
            let _ = keyring.clear();
        }
        if left && !std::thread::panicking() {
            panic!("the test left the device signed in (a session in the keyring): sign out before the end");
        }
    }
}

/// At a phone's width (360×740), every word of the bottom bar fits its place: none is cut to "…" (the
/// bar's text is clipped with an ellipsis when it is wider than its tab). Leaves the window at 1280×800.
pub async fn menu_words_fit(c: &Client) {
    c.set_window_size(360, 740).await.unwrap();
    let cut = "return [...document.querySelectorAll('.nav-bar .nav-text')]\
               .filter(e => e.offsetWidth > 0 && e.scrollWidth > e.clientWidth).map(e => e.textContent)";
    eventually("every word of the bottom bar fits at 360 px", || async {
        let cut = c.execute(cut, vec![]).await.map_err(|e| e.to_string())?;
        let shown = c
            .execute("return document.querySelectorAll('.nav-bar .nav-text').length", vec![])
            .await
            .map_err(|e| e.to_string())?;
        if shown.as_u64().unwrap_or(0) < 5 {
            return Err(format!("the bar is not drawn yet ({shown})"));
        }
        (cut.as_array().is_some_and(Vec::is_empty)).then_some(()).ok_or_else(|| format!("cut: {cut}"))
    })
    .await;
    c.set_window_size(1280, 800).await.unwrap();
}

/// On a phone (360 px), with a badge in the top bar (conflicts, refused changes), the page's name is shown
/// whole, neither cut at its side nor below its second line: the sync state gives up its word, a long name
/// takes two lines, and a bar still too full wraps instead of cutting the name.
pub async fn page_name_fits_beside_a_badge(c: &Client) {
    c.set_window_size(360, 740).await.unwrap();
    let check = "const t = document.querySelector('.topbar .page-title'); \
                 return [document.querySelectorAll('.topbar .badge').length, t ? t.textContent : null, \
                         t ? Math.max(t.scrollWidth - t.clientWidth, t.scrollHeight - t.clientHeight) : null]";
    eventually("the page's name fits beside the top bar's badge at 360 px", || async {
        let v = c.execute(check, vec![]).await.map_err(|e| e.to_string())?;
        let (badges, over) = (v[0].as_u64().unwrap_or(0), v[2].as_i64());
        if badges == 0 {
            return Err(format!("no badge in the top bar: {v}"));
        }
        (over == Some(0)).then_some(()).ok_or_else(|| format!("[badges, name, pixels cut]: {v}"))
    })
    .await;
    c.set_window_size(1280, 800).await.unwrap();
}

/// Saves a PNG of the app window as `<artifacts>/<name>.png`.
pub async fn screenshot(c: &Client, name: &str) {
    let dir = std::env::var_os("PENGGERAK_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".e2e-artifacts"));
    std::fs::create_dir_all(&dir).unwrap();
    // A step named after a page ("page /bantuan") is one file, not a path into a folder that is not there.
    let name = &name.replace('/', "-");
    let failing = name.starts_with("failed-");
    // Let WebKit paint what the DOM already shows: a screenshot can otherwise lag one frame behind.
    let _ = c.execute_async("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))", vec![]).await;
    match c.screenshot().await {
        // A failing step goes on to say what the page showed even if its picture cannot be kept.
        Ok(png) if failing => {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        Ok(png) => std::fs::write(dir.join(format!("{name}.png")), png).unwrap(),
        Err(e) => eprintln!("screenshot {name} failed: {e}"),
    }
    if failing {
        if let Ok(html) = c.source().await {
            let _ = std::fs::write(dir.join(format!("{name}.html")), html);
        }
        // CI keeps only the output: what the page showed goes there too (its address, what it announced,
        // the start of its text).
        let said = "const said = [...document.querySelectorAll('[role=alert], [role=status], .error')]                     .map(e => e.innerText.trim()).filter(t => t);                     return JSON.stringify({ address: location.pathname, announced: said,                     text: document.body.innerText.slice(0, 1500) });";
        match c.execute(said, vec![]).await {
            Ok(v) => eprintln!("{name}: the page then: {}", v.as_str().unwrap_or_default()),
            Err(e) => eprintln!("{name}: the page could not be read: {e}"),
        }
    }
}

/// Waits for the element matching `css`; on timeout saves a screenshot named after the step and panics.
pub async fn find(c: &Client, css: &str, step: &str) -> Element {
    match c.wait().at_most(STEP_TIMEOUT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(err) => {
            screenshot(c, &format!("failed-{step}")).await;
            panic!("{step}: `{css}` did not appear (see .e2e-artifacts/failed-{}.png/.html) within {STEP_TIMEOUT:?}: {err}", step.replace('/', "-"));
        }
    }
}

/// Presses the element matching `css` once it is there and enabled, the way a person waits for a button
/// that is greyed out while the app finishes the last thing asked. A WebDriver click on a disabled button is
/// accepted and does nothing, so clicking as soon as the element appears can lose the press without a sign:
/// a page redrawn from the store after a change may show the next button while the change's own call has
/// not yet answered and its buttons are still disabled. A click the driver refuses because the page replaced
/// the element (it was not delivered) is tried again on the new one. WebKit's driver also answers "stale"
/// for a click that was delivered and whose own effect removed the element ("Batal" closing the question
/// it sits in): when, after such an answer, nothing matches any more, the press is taken as made (the next
/// step checks its effect). Waiting for the element again failed `materi` once, 75 s after a "Batal" that
/// had worked.
pub async fn press(c: &Client, css: &str, step: &str) {
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut last = String::from("not there");
    loop {
        let found = c.find(Locator::Css(css)).await;
        if found.is_err() && last == "replaced while pressed" {
            return;
        }
        if let Ok(e) = found {
            match e.prop("disabled").await {
                Ok(Some(d)) if d == "true" => last = "disabled".into(),
                Ok(_) => match e.click().await {
                    Ok(()) => return,
                    Err(err) if is_stale(&err) => last = "replaced while pressed".into(),
                    Err(err) => {
                        screenshot(c, &format!("failed-{step}")).await;
                        panic!(
                            "{step}: pressing `{css}`: {err:?} (see .e2e-artifacts/failed-{}.png)",
                            step.replace('/', "-")
                        )
                    }
                },
                Err(err) if is_stale(&err) => last = "replaced while looked at".into(),
                Err(err) => panic!("{step}: reading `{css}`: {err}"),
            }
        }
        if Instant::now() > deadline {
            screenshot(c, &format!("failed-{step}")).await;
            panic!("{step}: `{css}` was never there and enabled within {STEP_TIMEOUT:?} (last: {last})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether WebDriver refused because the element is no longer in the page (it was not acted on).
fn is_stale(err: &fantoccini::error::CmdError) -> bool {
    matches!(err, fantoccini::error::CmdError::Standard(e) if e.error == fantoccini::error::ErrorStatus::StaleElementReference)
}

/// Waits until the element matching `css` has text for which `ok` holds; returns that text.
pub async fn wait_text(c: &Client, css: &str, step: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut last = String::new();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            // A no-break space (between a size and its unit) reads as a space.
            if let Ok(t) = e.text().await.map(|t| t.replace('\u{a0}', " ")) {
                if ok(&t) {
                    return t;
                }
                last = t;
            }
        }
        if Instant::now() > deadline {
            screenshot(c, &format!("failed-{step}")).await;
            panic!("{step}: `{css}` never had the expected text within {STEP_TIMEOUT:?} (last: {last:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until nothing matches `css` (an element the page removes as it re-renders); fails on timeout, and
/// on any WebDriver error, which says nothing about whether the element is there.
pub async fn absent(c: &Client, css: &str, step: &str) {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let found = c.find_all(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{step}: WebDriver: {e}"));
        if found.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            screenshot(c, &format!("failed-{step}")).await;
            panic!("{step}: `{css}` is still there after {STEP_TIMEOUT:?} ({} found)", found.len());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls `check` (the server, usually) until it gives a value, for at most [`STEP_TIMEOUT`]; the panic
/// names `step` and the last thing `check` reported.
pub async fn eventually<T, F, Fut>(step: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        match check().await {
            Ok(v) => return v,
            Err(last) if Instant::now() > deadline => {
                panic!("{step}: not so within {STEP_TIMEOUT:?} (last: {last})")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// The `data-id`s of the elements matching `css`, sorted (a list's rows, to compare with what it should
/// hold).
pub async fn ids_of(c: &Client, css: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.expect("WebDriver answers") {
        if let Ok(Some(id)) = e.attr("data-id").await {
            ids.push(id);
        }
    }
    ids.sort();
    ids
}

/// Clears a field and types `text` into it.
pub async fn type_into(c: &Client, css: &str, text: &str, step: &str) {
    let e = find(c, css, step).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// Screenshots of the window at a phone size (360×740) and a laptop size (1280×800): `<name>-360.png` and
/// `<name>-1280.png`. Leaves the window at the laptop size.
pub async fn screenshots(c: &Client, name: &str) {
    screenshots_of(c, name, None).await;
}

/// [`screenshots`] with `selector` scrolled to the middle of the window at each size, for what lies below
/// the fold on a phone.
pub async fn screenshots_of(c: &Client, name: &str, selector: Option<&str>) {
    for (w, h) in [(360, 740), (1280, 800)] {
        if let Err(e) = c.set_window_size(w, h).await {
            eprintln!("resizing to {w}×{h} failed: {e}");
        }
        // The page lays itself out at the new width a moment after the window has it: a picture taken at
        // once showed the wide layout cut at 360 (seen once, 75b).
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            let width = c.execute("return window.innerWidth", vec![]).await.ok().and_then(|v| v.as_u64());
            if width == Some(u64::from(w)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if let Some(css) = selector {
            let scroll = "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})";
            if let Err(e) = c.execute(scroll, vec![serde_json::json!(css)]).await {
                eprintln!("scrolling to {css} failed: {e}");
            }
        }
        screenshot(c, &format!("{name}-{w}")).await;
    }
}

/// Signs in on the sign-in screen and waits for the home screen to greet `name`. An account's first
/// sign-in on the device opens the first-run cards before Beranda: they are skipped here (`sign_in.rs`
/// looks at them).
pub async fn sign_in(c: &Client, identifier: &str, password: &str, name: &str) {
    type_into(c, "#identifier", identifier, "identifier").await;
    type_into(c, "#password", password, "password").await;
    press(c, "#sign-in", "sign-in button").await;
    // Until Beranda greets her: the first-run cards are skipped whenever they show (an account's first
    // sign-in on the device). Deciding once, by which page showed first or by the address when the frame
    // appeared, failed twice in `kinerja` (Bambang's first sign-in: the cards came after Beranda's name
    // or after an address of `/`); see the stop's note.
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut last = String::new();
    loop {
        if let Ok(e) = c.find(Locator::Css("#user-name")).await {
            last = e.text().await.unwrap_or_default();
            if last == name {
                break;
            }
        }
        if let Ok(skip) = c.find(Locator::Css("#welcome-skip")).await {
            let _ = skip.click().await;
        }
        if Instant::now() > deadline {
            screenshot(c, "failed-home after sign-in").await;
            panic!("home after sign-in: `#user-name` never greeted {name:?} within {STEP_TIMEOUT:?} (last: {last:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens a page from the menu (`#nav-<id>`) and waits for its heading (`#<id>-title`, or `heading`). On a
/// phone-sized window a page off the bottom bar is behind "Lainnya", which is opened first.
pub async fn open(c: &Client, nav: &str, heading: &str) {
    let entry = find(c, &format!("#nav-{nav}"), "menu").await;
    let sheet = !entry.is_displayed().await.unwrap_or(true);
    if sheet {
        press(c, "#nav-more", "Lainnya").await;
    }
    press(c, &format!("#nav-{nav}"), "menu").await;
    find(c, heading, &format!("page {nav}")).await;
    if sheet {
        // The sheet closes once a page is chosen, the page already open too (it stayed over the page).
        wait_attr(c, "#nav-more", "aria-expanded", "false", "the Lainnya sheet closed").await;
    }
}

/// Waits until `css`'s attribute `attr` is `want`; on timeout saves a screenshot named after the step and
/// panics.
pub async fn wait_attr(c: &Client, css: &str, attr: &str, want: &str, step: &str) {
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            last = e.attr(attr).await.ok().flatten();
            if last.as_deref() == Some(want) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    screenshot(c, &format!("failed-{step}")).await;
    panic!("{step}: `{css}` [{attr}] was never {want:?} within {STEP_TIMEOUT:?} (last: {last:?})");
}

/// Signs out from Pengaturan once nothing waits to be sent (a change the server has may still be leaving
/// the outbox) and waits for the sign-in screen.
pub async fn sign_out(c: &Client) {
    open(c, "settings", "#settings-title").await;
    wait_text(c, "#settings-waiting", "nothing waits before sign-out", |t| t == "0").await;
    press(c, "#sign-out", "sign-out button").await;
    find(c, "#identifier", "sign-in screen after sign-out").await;
}

/// The pids of every running instance of the app binary under test (found by their executable, so other
/// programs and other builds of the app are left alone).
pub fn app_pids() -> Vec<i32> {
    pids_of(&app_binary())
}

/// The pids of every running process whose executable is `binary`.
pub fn pids_of(binary: &Path) -> Vec<i32> {
    let target = binary.canonicalize().unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
            std::fs::read_link(e.path().join("exe")).is_ok_and(|exe| exe == target).then_some(pid)
        })
        .collect()
}

/// Kills every running instance of the app binary with SIGKILL, as a crash or the OS reclaiming memory
/// would: no shutdown code runs. Returns how many processes were killed.
pub fn kill_app() -> usize {
    let pids = app_pids();
    for pid in &pids {
        let status = Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
        assert!(status.success(), "kill -KILL {pid}");
    }
    // Wait until they are gone, so the next launch does not race the dying one for the database.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app_pids().is_empty() {
        assert!(Instant::now() < deadline, "the app did not die within 10 s of SIGKILL");
        std::thread::sleep(Duration::from_millis(50));
    }
    pids.len()
}

/// Every string argument of `Notify` calls on the session bus, as `dbus-monitor` prints them.
pub struct NotifyCalls {
    child: std::process::Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl NotifyCalls {
    pub fn watch() -> NotifyCalls {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-monitor (package dbus) is installed by `cargo xtask setup`");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = BufReader::new(child.stdout.take().unwrap());
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line.trim().to_owned());
            }
        });
        NotifyCalls { child, lines }
    }

    /// How many notifications carried `text` (as their title or body).
    pub fn count(&self, text: &str) -> usize {
        let quoted = format!("string \"{text}\"");
        self.lines.lock().unwrap().iter().filter(|l| **l == quoted).count()
    }

    /// How many notifications carried any of `texts`.
    pub fn count_any(&self, texts: &[String]) -> usize {
        texts.iter().map(|t| self.count(t)).sum()
    }

    pub async fn wait_for(&self, texts: &[String], step: &str) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        while self.count_any(texts) == 0 {
            assert!(
                Instant::now() < deadline,
                "{step}: no notification with any of {texts:?}; the bus saw: {:?}",
                self.lines.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for NotifyCalls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Answers the system's save dialog titled `title` (GTK's, opened by the app) as a person would: the
/// name box takes `path` whole (GTK accepts a full path there) and Enter saves. Driven through the X
/// server with `xdotool` (installed by `cargo xtask setup`), since WebDriver sees only the webview.
pub async fn answer_save_dialog(title: &str, path: &std::path::Path) {
    let path = path.to_str().expect("a UTF-8 path").to_owned();
    let title = title.to_owned();
    tokio::task::spawn_blocking(move || {
        let xdotool = |args: &[&str]| {
            let out = Command::new("xdotool")
                .args(args)
                .output()
                .expect("xdotool (package xdotool) is installed by `cargo xtask setup`");
            assert!(out.status.success(), "xdotool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let deadline = Instant::now() + STEP_TIMEOUT;
        let window = loop {
            let found = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
                .output()
                .expect("xdotool");
            if let Some(id) = String::from_utf8_lossy(&found.stdout).lines().next() {
                break id.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "the save dialog {title:?} did not open within {STEP_TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        // No window manager under Xvfb: give the dialog the keyboard ourselves.
        xdotool(&["windowfocus", "--sync", &window]);
        std::thread::sleep(Duration::from_millis(300));
        xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
        xdotool(&["type", "--delay", "20", &path]);
        xdotool(&["key", "Return"]);
    })
    .await
    .expect("the dialog helper");
}

/// The WCAG 2.x A and AA rules of axe-core (npm, `node_modules/axe-core`; installed by `cargo xtask setup`)
/// run in the window as it is now: every serious or critical violation, named with the elements that break
/// it and prefixed with `what` (a screenshot `axe-<what>` is saved when there is one). Minor and moderate
/// findings are not returned (the issue's bar is serious and critical). The caller collects a whole run's
/// and fails once, so one run names them all.
pub async fn axe_violations(c: &Client, what: &str) -> Vec<String> {
    static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let source = AXE.get_or_init(|| {
        let path = workspace_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask setup`)", path.display()))
    });
    let loaded = c.execute("return typeof window.axe === 'object'", vec![]).await.unwrap();
    if loaded != serde_json::json!(true) {
        c.execute(&format!("{source}\nreturn true;"), vec![]).await.expect("axe-core loads in the webview");
    }
    // Let what the DOM shows be painted first (colour contrast reads the computed styles).
    let _ = c.execute_async("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))", vec![]).await;
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
            resultTypes: ['violations'],
        }).then(r => done({
            bad: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
                v.id + ' (' + v.impact + '): ' + v.help + '\n' + v.nodes.slice(0, 6).map(n =>
                    '    ' + n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ')
                ).join('\n')),
        }), e => done({ error: String(e) }));
    "#;
    let r = c.execute_async(script, vec![]).await.expect("axe-core ran");
    if let Some(e) = r.get("error") {
        panic!("{what}: axe-core failed to run: {e}");
    }
    let bad: Vec<String> = serde_json::from_value(r["bad"].clone()).unwrap();
    if !bad.is_empty() {
        screenshot(c, &format!("axe-{what}")).await;
        // Written at once too, so a run stopped by a later step still names them.
        let _ = writeln!(std::io::stderr(), "axe-core, {what}:\n{}", bad.join("\n"));
    }
    bad.into_iter().map(|b| format!("{what}: {b}")).collect()
}
