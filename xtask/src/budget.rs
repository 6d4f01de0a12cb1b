//! The size budget CI holds (`size-budget.toml` at the root): the UI's start module and its lazily loaded
//! modules, raw and gzip-compressed, right after the build, and the release app binary at the end of
//! `cargo xtask test`. Sizes only, never times (those are `cargo xtask bench`'s).

use crate::env::{self, cmd};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The UI's wasm modules as `cargo xtask ui` wrote them to a `dist` folder.
pub struct Modules {
    /// The start module: what the webview compiles at every launch before anything shows.
    pub start: PathBuf,
    /// The lazily loaded modules (pages, and code some pages share), in name order.
    pub lazy: Vec<PathBuf>,
}

/// The app's UI modules in `src-ui/dist`.
pub fn ui_modules() -> Result<Modules> {
    modules_in(&env::root().join("src-ui/dist"), crate::ui::APP.package)
}

/// The modules of the UI `package` in `dist`: its start module `<package>_bg.wasm` and every other wasm.
pub fn modules_in(dist: &Path, package: &str) -> Result<Modules> {
    let start = dist.join(format!("{package}_bg.wasm"));
    if !start.exists() {
        bail!("no {} : build the UI first (cargo xtask ui)", start.display());
    }
    let mut lazy: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("reading {}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm") && *p != start)
        .collect();
    lazy.sort();
    Ok(Modules { start, lazy })
}

/// Raw and `gzip -9` bytes of `files` together (each compressed alone, as they are fetched alone).
pub fn sizes(files: &[PathBuf]) -> Result<(u64, u64)> {
    let mut raw = 0;
    let mut gzip = 0;
    for f in files {
        raw += size(f);
        gzip += gzip_size(f)?;
    }
    Ok((raw, gzip))
}

pub fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// `path` compressed with `gzip -9`, in bytes.
pub fn gzip_size(path: &Path) -> Result<u64> {
    let out = cmd("gzip").args(["-9", "-c"]).arg(path).output().context("running gzip")?;
    if !out.status.success() {
        bail!("gzip -9 {} failed", path.display());
    }
    Ok(out.stdout.len() as u64)
}

/// A limit in KiB from the budget file.
fn limit(budget: &toml::Table, table: &str, key: &str) -> Result<u64> {
    budget
        .get(table)
        .and_then(|t| t.get(key))
        .and_then(toml::Value::as_integer)
        .and_then(|v| u64::try_from(v).ok())
        .with_context(|| format!("size-budget.toml has no [{table}] {key} (a whole number of KiB)"))
}

/// Checks the built UI wasm against `size-budget.toml`; fails naming each limit crossed.
pub fn check() -> Result<()> {
    let file = env::root().join("size-budget.toml");
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    check_against(&text, &ui_modules()?)
}

/// Checks `modules` against the budget `text` (the TOML of `size-budget.toml`).
fn check_against(text: &str, modules: &Modules) -> Result<()> {
    let budget: toml::Table = text.parse().context("parsing size-budget.toml")?;
    let (start_raw, start_gzip) = sizes(std::slice::from_ref(&modules.start))?;
    let (lazy_raw, lazy_gzip) = sizes(&modules.lazy)?;
    let figures = [
        ("UI start wasm raw", start_raw, limit(&budget, "ui_wasm", "start_raw_kib")?),
        ("UI start wasm gzip -9", start_gzip, limit(&budget, "ui_wasm", "start_gzip_kib")?),
        ("UI lazy wasm raw", lazy_raw, limit(&budget, "ui_wasm", "lazy_raw_kib")?),
        ("UI lazy wasm gzip -9", lazy_gzip, limit(&budget, "ui_wasm", "lazy_gzip_kib")?),
    ];
    println!("  ({} lazily loaded modules)", modules.lazy.len());
    within(&figures)
}

/// The release app binary the Tauri CLI builds (`tauri build`: LTO, stripped, the UI embedded).
pub fn release_binary() -> PathBuf {
    env::target_dir().join("release/penggerak")
}

/// Checks the release app binary last built against `size-budget.toml`'s `[app]` limit.
pub fn check_binary() -> Result<()> {
    let file = env::root().join("size-budget.toml");
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    check_binary_against(&text, &release_binary())
}

fn check_binary_against(text: &str, binary: &Path) -> Result<()> {
    let budget: toml::Table = text.parse().context("parsing size-budget.toml")?;
    let bytes = std::fs::metadata(binary)
        .with_context(|| format!("no {}: build the release app first", binary.display()))?
        .len();
    within(&[("release app binary", bytes, limit(&budget, "app", "release_binary_kib")?)])
}

/// Prints each figure beside its limit; fails naming every one over its limit.
fn within(figures: &[(&str, u64, u64)]) -> Result<()> {
    let mut over = Vec::new();
    for &(name, bytes, max_kib) in figures {
        let kib = bytes as f64 / 1024.0;
        println!("  {name:<22} {kib:>9.1} KiB (limit {max_kib} KiB)");
        if bytes > max_kib * 1024 {
            over.push(format!("{name} is {kib:.1} KiB, over its limit of {max_kib} KiB"));
        }
    }
    if !over.is_empty() {
        bail!(
            "the size budget is crossed:\n  {}\nShrink it, or raise the limit in size-budget.toml with the reason in the commit message.",
            over.join("\n  ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_against, check_binary_against, Modules};

    /// CI must fail when a module grows past a limit, and name which: the start module and the lazy ones
    /// each have their own.
    #[test]
    fn a_wasm_over_a_limit_fails_naming_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        // 3 KiB that gzip cannot shrink much (a simple generator's bytes), so every figure is known.
        let mut x: u32 = 1;
        let mut noise = |kib: usize| -> Vec<u8> {
            (0..kib * 1024)
                .map(|_| {
                    x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (x >> 24) as u8
                })
                .collect()
        };
        let start = dir.path().join("ui_bg.wasm");
        std::fs::write(&start, noise(3)).unwrap();
        let lazy: Vec<_> = (0..2).map(|i| dir.path().join(format!("page_{i}.wasm"))).collect();
        for l in &lazy {
            std::fs::write(l, noise(1)).unwrap();
        }
        let modules = Modules { start, lazy };
        let budget = |start_raw: u32, start_gzip: u32, lazy_raw: u32, lazy_gzip: u32| {
            format!(
                "[ui_wasm]\nstart_raw_kib = {start_raw}\nstart_gzip_kib = {start_gzip}\nlazy_raw_kib = {lazy_raw}\nlazy_gzip_kib = {lazy_gzip}\n"
            )
        };
        check_against(&budget(3, 4, 2, 3), &modules)
            .expect("3 KiB of start module within 3 KiB, its gzip within 4; 2 KiB of lazy modules within 2, gzip within 3");
        let e = format!("{:#}", check_against(&budget(2, 4, 2, 3), &modules).unwrap_err());
        assert!(
            e.contains("UI start wasm raw is 3.0 KiB, over its limit of 2 KiB") && !e.contains("gzip"),
            "{e}"
        );
        let e = format!("{:#}", check_against(&budget(3, 1, 2, 3), &modules).unwrap_err());
        assert!(e.contains("UI start wasm gzip -9") && !e.contains("raw is"), "{e}");
        let e = format!("{:#}", check_against(&budget(3, 4, 1, 3), &modules).unwrap_err());
        assert!(
            e.contains("UI lazy wasm raw is 2.0 KiB, over its limit of 1 KiB") && !e.contains("start"),
            "the lazy modules are counted together: {e}"
        );
        assert!(
            check_against("[ui_wasm]\nstart_raw_kib = 3\nstart_gzip_kib = 4\n", &modules).is_err(),
            "a missing limit is an error, not no limit"
        );
    }

    /// The release binary has its own limit: over it fails naming it; a budget without it is an error.
    #[test]
    fn a_release_binary_over_its_limit_fails_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("penggerak");
        std::fs::write(&binary, vec![0u8; 5 * 1024 + 1]).unwrap();
        check_binary_against("[app]\nrelease_binary_kib = 6\n", &binary)
            .expect("5 KiB and a byte within 6 KiB");
        let e =
            format!("{:#}", check_binary_against("[app]\nrelease_binary_kib = 5\n", &binary).unwrap_err());
        assert!(
            e.contains("release app binary is 5.0 KiB, over its limit of 5 KiB"),
            "one byte over fails: {e}"
        );
        assert!(
            check_binary_against("[ui_wasm]\nstart_raw_kib = 3\n", &binary).is_err(),
            "a missing limit is an error, not no limit"
        );
        assert!(
            check_binary_against("[app]\nrelease_binary_kib = 6\n", &dir.path().join("none")).is_err(),
            "no binary is an error, not a pass"
        );
    }
}
