//! The UI's build, from Rust to the files the app embeds (`cargo xtask ui [app|floor]`, and the Tauri CLI's
//! `beforeBuildCommand`):
//!
//! 1. cargo builds the UI to wasm32 in release (the workspace's profile for it; `.cargo/config.toml` keeps
//!    the linker's relocations, which the split needs);
//! 2. the wasm is **split** (`wasm_split_cli_support`, the tool Leptos's `#[lazy_route]` is made for): the
//!    start module keeps what signing in and Beranda need, and each page marked lazy goes to a module of
//!    its own, loaded from the app's own files the first time the page is opened (never the network);
//! 3. wasm-bindgen (the CLI of the version in Cargo.lock, from `cargo xtask setup`) makes the start
//!    module's JavaScript glue;
//! 4. wasm-opt -Oz (npm's binaryen 132) shrinks every module (the lazy ones in one process);
//! 5. the static files (`index.html`, `style.css`, the icon) are copied beside them into `dist`.
//!
//! Trunk did 1, 3, 4 and 5 until the pages were split: it has no step between cargo and wasm-bindgen
//! (trunk-rs/trunk#1022). The floor (`floor/ui`) is built by the same function, so the benchmark compares
//! like with like; it has no lazy page, and its wasm goes through the same steps unsplit.

use crate::env::{self, cmd, exec};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// One UI this pipeline builds.
pub struct Ui {
    /// The cargo package (and its binary, and the name of the files it becomes).
    pub package: &'static str,
    /// Its folder: `index.html` and the files to copy are here, `dist` is written here.
    pub dir: &'static str,
    /// Files copied as they are into `dist` (paths relative to `dir`; the name is kept).
    pub copy: &'static [&'static str],
}

pub const APP: Ui =
    Ui { package: "penggerak-ui", dir: "src-ui", copy: &["index.html", "style.css", "../icons/128x128.png"] };

pub const FLOOR: Ui = Ui { package: "penggerak-floor-ui", dir: "floor/ui", copy: &["index.html"] };

/// The name of the JavaScript module the split modules import their loader from (it sits in `dist`).
const LINK: &str = "__wasm_split.js";

/// `cargo xtask ui [app|floor]`.
pub fn run(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        None | Some("app") => build(&APP),
        Some("floor") => build(&FLOOR),
        Some(other) => bail!("unknown UI {other:?}: app or floor"),
    }
}

/// Where [`build`] keeps the start module as the split wrote it, before wasm-bindgen and wasm-opt: its
/// functions still have their names (the UI's release profile keeps symbols), so `cargo xtask budget`
/// and the benchmark can say which crates and functions the start module holds.
pub fn start_module_with_names(ui: &Ui) -> PathBuf {
    staging(ui).join("split").join(format!("{}.wasm", ui.package))
}

fn staging(ui: &Ui) -> PathBuf {
    env::target_dir().join("xtask/ui").join(ui.package)
}

/// Builds `ui` into its `dist` folder, replacing what was there.
pub fn build(ui: &Ui) -> Result<()> {
    let root = env::root();
    let dir = root.join(ui.dir);
    exec(cmd("cargo").current_dir(&root).args([
        "build",
        "--release",
        "--locked",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        ui.package,
        "--bin",
        ui.package,
    ]))?;
    let compiled =
        env::target_dir().join("wasm32-unknown-unknown/release").join(format!("{}.wasm", ui.package));
    let staging = staging(ui);
    let split_dir = staging.join("split");
    let bindgen_dir = staging.join("bindgen");
    for d in [&split_dir, &bindgen_dir] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d)?;
    }

    // 2. The split. The start module is written for wasm-bindgen; the others are final but for wasm-opt.
    let input = std::fs::read(&compiled).with_context(|| format!("reading {}", compiled.display()))?;
    let start_in = start_module_with_names(ui);
    let main_module = format!("./{}.js", ui.package);
    let link_name = format!("./{LINK}");
    let split = wasm_split_cli_support::transform({
        let mut o = wasm_split_cli_support::Options::new(&input);
        o.output_dir = &split_dir;
        o.main_out_path = &start_in;
        o.link_name = &link_name;
        o.main_module = &main_module;
        o
    })
    .map_err(|e| anyhow::anyhow!("splitting {}: {e:?}", compiled.display()))?;

    // 3. wasm-bindgen on the start module. It keeps the linker's exports (the function table above all):
    // the lazy modules are instantiated with the start module's table and memory as their imports.
    exec(
        cmd("wasm-bindgen")
            .arg("--target=web")
            .arg("--no-typescript")
            .arg("--keep-lld-exports")
            .arg("--out-name")
            .arg(ui.package)
            .arg("--out-dir")
            .arg(&bindgen_dir)
            .arg(&start_in),
    )?;

    // 4 and 5, into a fresh dist.
    let dist = dir.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;
    wasm_opt(
        &bindgen_dir.join(format!("{}_bg.wasm", ui.package)),
        &dist.join(format!("{}_bg.wasm", ui.package)),
    )?;
    copy(&bindgen_dir.join(format!("{}.js", ui.package)), &dist)?;
    let snippets = bindgen_dir.join("snippets");
    if snippets.exists() {
        copy_tree(&snippets, &dist.join("snippets"))?;
    }
    let mut lazy = Vec::new();
    for module in &split.split_modules {
        let name = module.file_name().context("a split module has a file name")?;
        if module.extension().is_some_and(|e| e == "wasm") {
            lazy.push((module.clone(), dist.join(name)));
        } else {
            std::fs::copy(module, dist.join(name))?;
        }
    }
    wasm_opt_many(&lazy)?;
    let link = split_dir.join(LINK);
    if link.exists() {
        copy(&link, &dist)?;
    }
    for file in ui.copy {
        copy(&dir.join(file), &dist)?;
    }
    Ok(())
}

/// wasm-opt -Oz, as trunk ran it (`data-wasm-opt="z"`), with npm's binaryen (Debian's 108 breaks the wasm).
fn wasm_opt(input: &Path, output: &Path) -> Result<()> {
    let wasm_opt = env::root().join("node_modules/.bin/wasm-opt");
    exec(cmd(wasm_opt.to_str().context("a UTF-8 path")?).arg("-Oz").arg("--output").arg(output).arg(input))
}

/// The same for many modules in one process (`xtask/wasm-opt-many.mjs`: npm's binaryen spends a second
/// starting up, and a split UI has a hundred modules or so).
fn wasm_opt_many(pairs: &[(PathBuf, PathBuf)]) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let mut c = cmd("node");
    c.arg(env::root().join("xtask/wasm-opt-many.mjs"));
    for (input, output) in pairs {
        c.arg(input).arg(output);
    }
    // binaryen warns once per module about a name subsection it does not read (3, labels' names): a
    // hundred lines of noise in every build log. Everything else it says is shown.
    let out = c.output().context("could not start node for wasm-opt")?;
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        if !line.starts_with("warning: unknown name subsection") {
            eprintln!("{line}");
        }
    }
    if !out.status.success() {
        bail!("wasm-opt of the lazy modules failed ({})", out.status);
    }
    Ok(())
}

fn copy(file: &Path, into: &Path) -> Result<()> {
    let name = file.file_name().with_context(|| format!("{} has a file name", file.display()))?;
    std::fs::copy(file, into.join(name))
        .with_context(|| format!("copying {} to {}", file.display(), into.display()))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
