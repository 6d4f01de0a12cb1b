//! Paths, PATH, and running commands with clear errors.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (cargo passes it on to `cargo xtask`),
/// else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// `~/.cargo/bin`, where `cargo install` puts wasm-bindgen and tauri-driver.
pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"))
        .join("bin")
}

/// PATH with `node_modules/.bin` (tauri CLI, wasm-opt) and `~/.cargo/bin` in front.
pub fn path_var() -> std::ffi::OsString {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).expect("PATH entries are valid")
}

/// A command run from the workspace root with the project's PATH.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", path_var());
    c
}

/// Runs `c`, failing with the command line if it fails.
pub fn exec(c: &mut Command) -> Result<()> {
    let line = format!("{c:?}");
    let status = c.status().with_context(|| format!("could not start {line}"))?;
    if !status.success() {
        bail!("command failed ({status}): {line}");
    }
    Ok(())
}

/// Runs `c` and returns its stdout, or `None` if it cannot start or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when `program` runs (e.g. `--version`) successfully.
pub fn has(program: &str, arg: &str) -> bool {
    output(cmd(program).arg(arg)).is_some()
}

/// Runs lanes side by side, each a list of commands run one after another (stopping at the first that
/// fails), their output kept in `target/xtask-logs/<lane>.log` and printed whole, lane by lane, once all
/// have ended. Fails naming every lane that failed. For phases that mostly wait (tests on sockets, timers
/// and a database server): two lanes keep the second core busy.
pub fn side_by_side(lanes: Vec<(&str, Vec<Command>)>) -> Result<()> {
    let logs = target_dir().join("xtask-logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let handles: Vec<_> = lanes
        .into_iter()
        .map(|(name, commands)| {
            let log = logs.join(format!("{name}.log"));
            let lane_log = log.clone();
            let handle = std::thread::spawn(move || -> (Result<()>, f64) {
                let t = Instant::now();
                let r = run_lane(commands, &lane_log);
                (r, t.elapsed().as_secs_f64())
            });
            (name.to_owned(), log, handle)
        })
        .collect();
    let mut failed = Vec::new();
    let mut lines = Vec::new();
    for (name, log, handle) in handles {
        let (r, secs) =
            handle.join().unwrap_or_else(|_| (Err(anyhow::anyhow!("the lane's thread panicked")), 0.0));
        println!("\n---- lane `{name}` ({}) ----", log.display());
        print!("{}", std::fs::read_to_string(&log).unwrap_or_default());
        let verdict = match &r {
            Ok(()) => "ok".to_owned(),
            Err(e) => {
                failed.push(name.clone());
                format!("FAILED: {e:#}")
            }
        };
        lines.push(format!("lane `{name}`: {verdict} in {secs:.1} s"));
    }
    for l in &lines {
        println!("{l}");
    }
    if !failed.is_empty() {
        bail!("failed lane(s): {}", failed.join(", "));
    }
    Ok(())
}

fn run_lane(commands: Vec<Command>, log: &Path) -> Result<()> {
    let file = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    for mut c in commands {
        let line = format!("{c:?}");
        use std::io::Write;
        writeln!(&file, "\n$ {line}")?;
        c.stdout(file.try_clone()?).stderr(file.try_clone()?);
        exec(&mut c)?;
    }
    Ok(())
}

/// The process groups of the [`Background`] commands still running, for [`stop_background`].
static BACKGROUND: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// Sends `signal` (`-KILL`, or `-0` to ask whether any of it is alive) to the process group `group`;
/// whether `kill` succeeded.
fn signal_group(signal: &str, group: u32) -> bool {
    Command::new("kill")
        .args([signal, "--", &format!("-{group}")])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills the process group `group` (the background program's, which starts cargo, which starts rustc).
fn kill_group(group: u32) -> bool {
    signal_group("-KILL", group)
}

/// Kills every [`Background`] command still running (the interrupt handler calls it before exiting).
pub fn stop_background() {
    let groups = std::mem::take(&mut *BACKGROUND.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    for group in groups {
        kill_group(group);
    }
}

/// A command running in the background beside the phases that follow, at the normal priority until
/// [`Background::lower`] gives it only what they leave; its output in `<target>/xtask-logs/<name>.log`, its
/// input none. It runs in a process group of its own, which is killed if it is dropped before
/// [`Background::finish`] (a phase failed first) or the run is interrupted: nothing is left building after
/// the run.
pub struct Background {
    name: String,
    /// The process group, the id of its first process.
    group: u32,
    /// Waits for it, and says how it ended and when.
    ended: Option<std::thread::JoinHandle<(std::io::Result<std::process::ExitStatus>, Instant)>>,
    log: PathBuf,
    started: Instant,
}

impl Background {
    /// Starts `program args` as `name`, with `envs` set.
    pub fn start(name: &str, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<Self> {
        use std::os::unix::process::CommandExt;
        let logs = target_dir().join("xtask-logs");
        std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
        let log = logs.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let mut c = cmd(program);
        c.args(args).envs(envs.iter().copied());
        c.stdin(std::process::Stdio::null()).stdout(file.try_clone()?).stderr(file).process_group(0);
        let mut child = c.spawn().with_context(|| format!("could not start `{program}`"))?;
        let group = child.id();
        BACKGROUND.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(group);
        let ended = std::thread::spawn(move || (child.wait(), Instant::now()));
        println!("started in the background: `{program} {}` (log: {})", args.join(" "), log.display());
        Ok(Self { name: name.to_owned(), group, ended: Some(ended), log, started: Instant::now() })
    }

    /// From now on at the lowest CPU priority (`nice` 19) and the lowest of the normal disk priorities
    /// (`ionice -c 2 -n 7`): the whole process group, so what it starts later inherits both.
    /// One that has ended already (a warm build can end before the phases beside it) has nothing to
    /// lower: not an error.
    pub fn lower(&self) -> Result<()> {
        let group = self.group.to_string();
        let quiet = || std::process::Stdio::null();
        let lowered = exec(cmd("renice").args(["-n", "19", "-g", &group]).stdout(quiet()).stderr(quiet()))
            .and_then(|()| exec(cmd("ionice").args(["-c", "2", "-n", "7", "-P", &group]).stderr(quiet())));
        match lowered {
            Ok(()) => {
                println!(
                    "`{}` now takes only what the phases leave (nice 19, ionice best-effort 7)",
                    self.name
                )
            }
            Err(_) if !signal_group("-0", self.group) => println!("`{}` had already ended", self.name),
            Err(e) => return Err(e.context(format!("lowering `{}`", self.name))),
        }
        Ok(())
    }

    /// Waits for it to end; fails with its log's last lines if it failed.
    pub fn finish(mut self) -> Result<()> {
        let ended = self.ended.take().expect("finished once").join();
        forget_group(self.group);
        let (status, at) =
            ended.map_err(|_| anyhow::anyhow!("the thread waiting for `{}` panicked", self.name))?;
        let status = status.with_context(|| format!("waiting for `{}`", self.name))?;
        println!(
            "`{}` ended {:.1} s after it started, {:.1} s ago ({status})",
            self.name,
            at.duration_since(self.started).as_secs_f64(),
            at.elapsed().as_secs_f64()
        );
        if !status.success() {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(60)..].join("\n");
            bail!("`{}` failed ({status}); the end of {}:\n{tail}", self.name, self.log.display());
        }
        Ok(())
    }
}

fn forget_group(group: u32) {
    BACKGROUND.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|g| *g != group);
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(ended) = self.ended.take() {
            let stopped = kill_group(self.group);
            // A group that is gone had ended by itself: nothing to stop, only to wait for.
            if !stopped && signal_group("-0", self.group) {
                eprintln!("could not stop `{}` (process group {}): `kill` failed", self.name, self.group);
                return; // not waited for: it may run on, but this run ends
            }
            let _ = ended.join();
            forget_group(self.group);
            if stopped {
                println!("`{}` stopped: a phase before it failed", self.name);
            } else {
                println!("`{}` had ended; a phase after it failed", self.name);
            }
        }
    }
}

/// Times a phase, printing `==> name` before and its duration after; records it for the summary.
pub struct Phases {
    done: Vec<(String, f64, bool, String)>,
    start: Instant,
}

impl Phases {
    pub fn new() -> Self {
        Self { done: Vec::new(), start: Instant::now() }
    }

    pub fn run(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
        println!("\n==> {name}");
        let t = Instant::now();
        let r = f();
        let secs = t.elapsed().as_secs_f64();
        let disk = disk_report();
        println!("<== {name}: {} in {secs:.1} s ({disk})", if r.is_ok() { "ok" } else { "FAILED" });
        self.done.push((name.to_owned(), secs, r.is_ok(), disk));
        r
    }

    pub fn summary(&self) {
        println!("\nphase timings:");
        for (name, secs, ok, disk) in &self.done {
            println!("  {:<32} {:>7.1} s  {:<6}  {disk}", name, secs, if *ok { "ok" } else { "FAILED" });
        }
        println!("  {:<32} {:>7.1} s", "total", self.start.elapsed().as_secs_f64());
    }
}

/// How much `target/` holds and how much the disk under it has left, e.g. `target 12.3 GB, 40.1 GB free`:
/// a build that runs the disk out fails in whatever phase it reached, and this says which one grew.
fn disk_report() -> String {
    let target = root().join("target");
    let size = tree_size(&target);
    // `df -Pk` prints one header line and one line per filesystem; the fourth column is KiB available.
    let free = output(Command::new("df").arg("-Pk").arg(&target))
        .and_then(|o| o.lines().nth(1)?.split_whitespace().nth(3)?.parse::<u64>().ok())
        .map(|kib| format!("{:.1} GB free", kib as f64 * 1024.0 / 1e9))
        .unwrap_or_else(|| "free space unknown".to_owned());
    format!("target {:.1} GB, {free}", size as f64 / 1e9)
}

/// The bytes in the files under `dir` (symbolic links not followed; unreadable parts count as empty).
fn tree_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => tree_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

/// The `wasm-bindgen` version Cargo.lock resolved (the CLI must match it exactly).
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("wasm-bindgen not found in Cargo.lock")
}

/// Where `build_app` keeps the CLI-built binary (`debug` or `release`). A copy, because any later plain
/// `cargo build`/`cargo test` of the workspace overwrites `target/<profile>/penggerak` with a binary that
/// loads the dev server's URL instead of the embedded UI.
pub fn app_binary(profile: &str) -> PathBuf {
    root().join("target/xtask/bin").join(format!("penggerak-{profile}"))
}

/// Builds the UI and the app through the Tauri CLI (which runs `cargo xtask ui` first): only this build embeds the
/// UI. Returns the path of the kept copy (see [`app_binary`]).
pub fn build_app(release: bool) -> Result<PathBuf> {
    let mut c = cmd("tauri");
    c.arg("build");
    if !release {
        c.arg("--debug");
    }
    c.arg("--no-bundle").env("CI", "true");
    exec(&mut c)?;
    keep_app_binary(if release { "release" } else { "debug" })
}

/// Copies the app binary the Tauri CLI just built for `profile` to [`app_binary`] and returns that path.
pub fn keep_app_binary(profile: &str) -> Result<PathBuf> {
    let built = target_dir().join(profile).join("penggerak");
    let kept = app_binary(profile);
    std::fs::create_dir_all(kept.parent().unwrap())?;
    std::fs::copy(&built, &kept)
        .with_context(|| format!("copying {} to {}", built.display(), kept.display()))?;
    Ok(kept)
}

/// True when a display is available for a window.
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
}

/// Wraps `inner` (a shell command line) in Xvfb + a fresh D-Bus session with gnome-keyring unlocked,
/// keeping the keyring files under `keyring_home` so each run starts from a known keyring.
pub fn headless_session(keyring_home: &Path, inner: &str) -> Result<Command> {
    let data = keyring_home.join("data");
    let runtime = keyring_home.join("run");
    for d in [&data, &runtime] {
        std::fs::create_dir_all(d)?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))?;
    }
    let script = format!(
        "printf %s penggerak-headless | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
         || {{ echo 'gnome-keyring-daemon could not start or unlock' >&2; exit 1; }}; {inner}"
    );
    let mut c = cmd("xvfb-run");
    c.args(["-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--", "sh", "-c", &script])
        .env("XDG_DATA_HOME", data)
        .env("XDG_RUNTIME_DIR", runtime)
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    Ok(c)
}

/// The variable that marks every process of one [`run_with_app`] session, so what the session leaves
/// behind can be found afterwards without touching anyone else's processes.
const SESSION_MARK: &str = "PENGGERAK_XTASK_SESSION";

/// Runs `inner` (a shell command line: the end-to-end tests, the launch bench) the way the app is tested:
/// under [`headless_session`] with a keyring that starts empty (its files in `target/xtask/<name>-keyring`)
/// and `PENGGERAK_E2E_APP` naming `app` (and `envs` set). Afterwards ends whatever the session left running.
pub fn run_with_app(name: &str, inner: &str, app: &Path, envs: &[(&str, &Path)]) -> Result<()> {
    let home = root().join("target/xtask").join(format!("{name}-keyring"));
    let _ = std::fs::remove_dir_all(&home); // every run starts from an empty keyring
    let mark = format!("{name}-{}", std::process::id());
    let mut c = headless_session(&home, inner)?;
    c.env("PENGGERAK_E2E_APP", app).env(SESSION_MARK, &mark).envs(envs.iter().copied());
    let r = exec(&mut c);
    end_leftovers(&mark);
    r
}

/// Kills (SIGKILL) every process still carrying `mark` in its environment: WebKitWebDriver can outlive a
/// failed session and hold the terminal, and a detached keyring daemon outlives its D-Bus session. Matched
/// by the mark, not by name, because another session (another `cargo xtask test`) may be running its own.
fn end_leftovers(mark: &str) {
    let wanted = format!("{SESSION_MARK}={mark}");
    let Ok(procs) = std::fs::read_dir("/proc") else { return };
    for entry in procs.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if pid != std::process::id() && environ.split(|&b| b == 0).any(|v| v == wanted.as_bytes()) {
            let _ = cmd("kill").args(["-KILL", &pid.to_string()]).status();
        }
    }
}

/// True when running as root (apt can be used directly; PostgreSQL must run as another user).
pub fn is_root() -> bool {
    output(cmd("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    /// CI must fail when a test fails inside a lane: the lane stops at its failing command, the other lane
    /// still runs to its end, and the error names the failed lane only.
    #[test]
    fn a_failing_lane_fails_the_phase_and_stops_there() {
        let marker = tempfile_path("after-the-failure");
        let finished = tempfile_path("other-lane-finished");
        let r = side_by_side(vec![
            (
                "xtask-selftest-fails",
                vec![sh("echo first; exit 3"), sh(&format!("touch {}", marker.display()))],
            ),
            ("xtask-selftest-passes", vec![sh("sleep 0.2"), sh(&format!("touch {}", finished.display()))]),
        ]);
        let e = format!("{:#}", r.expect_err("a lane whose command exits 3 fails the whole call"));
        assert!(e.contains("xtask-selftest-fails") && !e.contains("xtask-selftest-passes"), "{e}");
        assert!(!marker.exists(), "the failed lane ran nothing after its failing command");
        assert!(finished.exists(), "the other lane ran to its end");
        let log = std::fs::read_to_string(target_dir().join("xtask-logs/xtask-selftest-fails.log")).unwrap();
        assert!(log.contains("first"), "the lane's output is kept in its log: {log}");
        let _ = std::fs::remove_file(&finished);
    }

    fn tempfile_path(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("xtask-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&p);
        p
    }

    /// Whether any process of group `group` is still alive.
    fn group_alive(group: u32) -> bool {
        signal_group("-0", group)
    }

    /// A background build dropped before it ends (a phase failed first) leaves nothing running: not the
    /// program, not what it started (cargo's rustc, here a second `sleep`).
    #[test]
    fn a_background_command_dropped_unfinished_is_killed_with_what_it_started() {
        let b = Background::start("xtask-test-drop", "sh", &["-c", "sleep 300 & sleep 300"], &[]).unwrap();
        let group = b.group;
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(group_alive(group), "it runs");
        drop(b);
        // What the program started is reaped by init once killed: gone within moments, not 300 s.
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while group_alive(group) && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!group_alive(group), "the whole group is gone once dropped");
        assert!(
            !BACKGROUND.lock().unwrap().contains(&group),
            "and no longer listed for the interrupt handler"
        );
    }

    /// Lowered, the whole group runs at nice 19, what it starts afterwards too (cargo's later rustc).
    #[test]
    fn a_lowered_background_command_and_what_it_starts_later_run_at_nice_19() {
        let marker = tempfile_path("lowered");
        let script = format!(
            "while [ ! -e {0} ]; do sleep 0.05; done; sh -c 'cat /proc/$$/stat > {0}.child'; sleep 300",
            marker.display()
        );
        let b = Background::start("xtask-test-lower", "sh", &["-c", &script], &[]).unwrap();
        let nice_of = |stat: &str| -> i32 {
            // Field 19 of /proc/PID/stat, counted after the command's name (which may hold spaces).
            let after = &stat[stat.rfind(')').expect("a stat line") + 2..];
            after.split(' ').nth(16).expect("the nice field").parse().unwrap()
        };
        let ours = nice_of(&std::fs::read_to_string("/proc/self/stat").unwrap());
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", b.group)).unwrap();
        assert_eq!(nice_of(&stat), ours, "it starts at the run's own priority, not lowered");
        b.lower().unwrap();
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", b.group)).unwrap();
        assert_eq!(nice_of(&stat), 19, "lowered, the program itself");
        std::fs::write(&marker, "").unwrap();
        let child = marker.with_extension("child");
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::metadata(&child).map_or(true, |m| m.len() == 0) && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let stat = std::fs::read_to_string(&child).expect("the later child wrote its stat");
        assert_eq!(nice_of(&stat), 19, "and what it starts after being lowered inherits it");
        drop(b);
        let _ = std::fs::remove_file(&marker);
        let _ = std::fs::remove_file(&child);
    }

    /// Lowering one that has ended (a warm build beside long phases) is not an error; it still finishes.
    #[test]
    fn lowering_a_background_command_that_has_ended_is_not_an_error() {
        let b = Background::start("xtask-test-ended", "sh", &["-c", "exit 0"], &[]).unwrap();
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while group_alive(b.group) && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!group_alive(b.group), "it ended");
        b.lower().expect("nothing to lower");
        b.finish().expect("and it succeeded");
    }

    /// A failed background build fails its phase with the end of its log; one that succeeded does not.
    #[test]
    fn a_background_command_that_fails_fails_with_its_log() {
        let ok = Background::start("xtask-test-ok", "sh", &["-c", "echo built"], &[("X", "1")]).unwrap();
        ok.finish().expect("it succeeded");
        let bad =
            Background::start("xtask-test-bad", "sh", &["-c", "echo error: the build broke; exit 3"], &[])
                .unwrap();
        let e = format!("{:#}", bad.finish().unwrap_err());
        assert!(e.contains("error: the build broke") && e.contains("exit status: 3"), "{e}");
    }
}
