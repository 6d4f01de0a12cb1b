//! The size budget CI holds (`size-budget.toml` at the root): the UI wasm, raw and gzip-compressed, right
//! after the build. Sizes only, never times (those are `cargo xtask bench`'s).

use crate::env::{self, cmd};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The release wasm trunk wrote to `src-ui/dist`.
pub fn ui_wasm() -> Result<PathBuf> {
    let dist = env::root().join("src-ui/dist");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dist)
        .with_context(|| format!("reading {}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!("no wasm in {}: build the UI first", dist.display()),
        n => bail!("{n} wasm files in {}: trunk leaves one, so which was built is unclear", dist.display()),
    }
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
    let budget: toml::Table = text.parse().with_context(|| format!("parsing {}", file.display()))?;
    let wasm = ui_wasm()?;
    let figures = [
        ("UI wasm raw", size(&wasm), limit(&budget, "ui_wasm", "raw_kib")?),
        ("UI wasm gzip -9", gzip_size(&wasm)?, limit(&budget, "ui_wasm", "gzip_kib")?),
    ];
    let mut over = Vec::new();
    for (name, bytes, max_kib) in figures {
        let kib = bytes as f64 / 1024.0;
        println!("  {name:<18} {kib:>9.1} KiB (limit {max_kib} KiB)");
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
