//! The size budget CI holds (`size-budget.toml` at the root): the UI wasm, raw and gzip-compressed, right
//! after the build. Sizes only, never times (those are `cargo xtask bench`'s).

use crate::env::{self, cmd};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The release wasm trunk wrote to `src-ui/dist`.
pub fn ui_wasm() -> Result<PathBuf> {
    wasm_in(&env::root().join("src-ui/dist"))
}

/// The one wasm trunk wrote to `dist`.
pub fn wasm_in(dist: &Path) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dist)
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
    check_against(&text, &ui_wasm()?)
}

/// Checks `wasm` against the budget `text` (the TOML of `size-budget.toml`).
fn check_against(text: &str, wasm: &Path) -> Result<()> {
    let budget: toml::Table = text.parse().context("parsing size-budget.toml")?;
    let figures = [
        ("UI wasm raw", size(wasm), limit(&budget, "ui_wasm", "raw_kib")?),
        ("UI wasm gzip -9", gzip_size(wasm)?, limit(&budget, "ui_wasm", "gzip_kib")?),
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

#[cfg(test)]
mod tests {
    use super::check_against;

    /// CI must fail when the wasm grows past a limit, and name which.
    #[test]
    fn a_wasm_over_a_limit_fails_naming_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("ui.wasm");
        // 3 KiB that gzip cannot shrink much (a simple generator's bytes), so both figures are known.
        let mut x: u32 = 1;
        let bytes: Vec<u8> = (0..3 * 1024)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect();
        std::fs::write(&wasm, bytes).unwrap();
        let fits = "[ui_wasm]\nraw_kib = 3\ngzip_kib = 4\n";
        check_against(fits, &wasm).expect("3 KiB raw is within 3 KiB, and its gzip within 4");
        let e = format!("{:#}", check_against("[ui_wasm]\nraw_kib = 2\ngzip_kib = 4\n", &wasm).unwrap_err());
        assert!(e.contains("UI wasm raw is 3.0 KiB, over its limit of 2 KiB") && !e.contains("gzip"), "{e}");
        let e = format!("{:#}", check_against("[ui_wasm]\nraw_kib = 3\ngzip_kib = 1\n", &wasm).unwrap_err());
        assert!(e.contains("UI wasm gzip -9") && !e.contains("UI wasm raw is"), "{e}");
        assert!(
            check_against("[ui_wasm]\nraw_kib = 3\n", &wasm).is_err(),
            "a missing limit is an error, not no limit"
        );
    }
}
