//! `cargo xtask setup`: makes a fresh Debian/Ubuntu machine with only Rust able to build, run and test
//! Penggerak. Every step checks first and skips what is already there, so re-running costs seconds.
//! Nothing is downloaded from anywhere but Debian's archive, crates.io and npm.

use crate::env::{self, cmd, exec, has, output};
use anyhow::{bail, Result};

/// Debian packages: WebKitGTK and friends for Tauri, WebKitWebDriver, Xvfb, D-Bus + gnome-keyring for the
/// Secret Service, ImageMagick for screenshots, Node.js/npm for the Tauri CLI, wasm-opt and axe-core,
/// iproute2 for network namespaces.
pub const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "curl",
    "wget",
    "file",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "webkit2gtk-driver",
    "xvfb",
    "xauth",
    "x11-utils",
    "xdotool",
    "imagemagick",
    "dbus",
    "dbus-x11",
    "dbus-bin", // dbus-monitor: the end-to-end tests watch reminders arrive as notifications on the bus
    "gnome-keyring",
    "libsecret-tools",
    "keyutils",
    "postgresql",
    "python3-venv",
    "iproute2", // ip netns / veth: the sharing test proves discovery over real multicast between namespaces
];

/// Node.js and npm, installed through apt only when no `npm` is runnable: machines that have Node from
/// elsewhere (whose npm conflicts with Debian's) keep theirs.
const NODE_PACKAGES: &[&str] = &["nodejs", "npm"];

const TAURI_DRIVER_VERSION: &str = "2.1.0";
/// Checks the dependency tree's licences, bans and sources (`deny.toml`) in `cargo xtask test`.
const CARGO_DENY_VERSION: &str = "0.20.2";

fn missing_apt_packages() -> Vec<&'static str> {
    let node: &[&str] = if has("npm", "--version") { &[] } else { NODE_PACKAGES };
    APT_PACKAGES
        .iter()
        .chain(node)
        .copied()
        .filter(|p| {
            let status = output(cmd("dpkg-query").args(["-W", "-f=${Status}", p]));
            !status.is_some_and(|s| s.contains("install ok installed"))
        })
        .collect()
}

fn apt() -> Result<()> {
    let missing = missing_apt_packages();
    if missing.is_empty() {
        println!("apt packages: all {} present", APT_PACKAGES.len());
        return Ok(());
    }
    let list = missing.join(" ");
    if !env::is_root() {
        bail!(
            "missing system packages. Run this once, then re-run the xtask command:\n\n  \
             sudo apt-get update && sudo apt-get install -y --no-install-recommends {list}\n"
        );
    }
    println!("apt packages: installing {list}");
    exec(cmd("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"))?;
    exec(
        cmd("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// True when `cargo install --list` has `krate vVERSION` and its binary is on disk.
fn installed(krate: &str, version: &str, binary: &str) -> bool {
    let list = output(cmd("cargo").args(["install", "--list"])).unwrap_or_default();
    list.lines().any(|l| l.starts_with(&format!("{krate} v{version}:")))
        && env::cargo_bin().join(binary).exists()
}

fn cargo_install(krate: &str, version: &str, binary: &str, locked: bool) -> Result<()> {
    if installed(krate, version, binary) {
        println!("{binary} {version}: present");
        return Ok(());
    }
    println!("{binary} {version}: installing from crates.io (this takes minutes, once)");
    let mut c = cmd("cargo");
    c.args(["install", krate, "--version", &format!("={version}")]);
    if locked {
        c.arg("--locked");
    }
    exec(&mut c)
}

fn wasm_target() -> Result<()> {
    let installed = output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        println!("wasm32-unknown-unknown: present");
        return Ok(());
    }
    exec(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn npm_tools() -> Result<()> {
    let root = env::root();
    if root.join("node_modules/.bin/tauri").exists()
        && root.join("node_modules/.bin/wasm-opt").exists()
        && root.join("node_modules/axe-core/axe.min.js").exists()
    {
        println!("npm tools (tauri CLI, wasm-opt, axe-core): present");
        return Ok(());
    }
    // `npm install`, not `npm ci`: the registry here lacks the other platforms' optional CLI packages.
    exec(cmd("npm").args(["install", "--no-audit", "--no-fund"]))
}

pub fn run() -> Result<()> {
    apt()?;
    wasm_target()?;
    // The CLI must equal the library version in Cargo.lock. Not --locked: its own lockfile asks for a
    // crate version the registry may lack.
    cargo_install("wasm-bindgen-cli", &env::locked_wasm_bindgen()?, "wasm-bindgen", false)?;
    cargo_install("tauri-driver", TAURI_DRIVER_VERSION, "tauri-driver", true)?;
    cargo_install("cargo-deny", CARGO_DENY_VERSION, "cargo-deny", true)?;
    npm_tools()?;
    for (tool, arg) in [("wasm-bindgen", "--version"), ("tauri", "--version"), ("cargo-deny", "--version")] {
        if !has(tool, arg) {
            bail!("{tool} is still not runnable after setup");
        }
    }
    Ok(())
}
