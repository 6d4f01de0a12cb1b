//! Generates the `i18n` module (leptos_i18n) from `locales/id.json` (the default) and `locales/en.json`.
//!
//! Why a build script of our own: `leptos_i18n::load_locales!` cannot turn on `interpolate_display`
//! (needed for translated strings with values outside a view: attributes, the sync line), and the
//! `leptos_i18n_build` crate that can also drags in ICU's data exporter (≈10 min to compile here). The
//! parser and code generator it wraps are the ones the macro itself uses.
//!
//! Every key must exist in both languages: a missing or surplus key fails the build, so a screen can never
//! show a key name or an untranslated string.

use leptos_i18n_parser::parse_locales::options::{Config, ParseOptions};
use leptos_i18n_parser::parse_locales::parse_locales;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("i18n");
    let cfg =
        Config::new("id")?.add_locale("en")?.parse_options(ParseOptions::new().interpolate_display(true));
    let parsed = parse_locales(Some(manifest), cfg)?;
    println!("cargo::rerun-if-changed=locales");
    for file in parsed.tracked_files.iter().flatten() {
        println!("cargo::rerun-if-changed={file}");
    }
    let mut failed = false;
    for w in parsed.diag.warnings().iter() {
        println!("cargo::error={w}");
        failed = true;
    }
    for e in parsed.diag.errors().iter() {
        println!("cargo::error={e}");
        failed = true;
    }
    if failed {
        return Ok(());
    }
    let code = leptos_i18n_codegen::gen_code(&parsed, None, false, None, false)?;
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("mod.rs"), code.to_string())?;
    Ok(())
}
