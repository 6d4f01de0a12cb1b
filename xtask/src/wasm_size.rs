//! Where the UI's start module goes: its code by crate and its largest functions, read from the start
//! module as the split writes it, before wasm-bindgen and wasm-opt (the UI's release profile keeps its
//! function names; the shipped file has none). The figures are before wasm-opt, so they add up to more
//! than the shipped file; their order is what tells where to cut (`cargo xtask budget` and `cargo xtask
//! bench app` print them). wasm-bindgen's `__wbindgen_describe_*` functions are left out: wasm-bindgen
//! reads and removes them, so they never ship.

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;
use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

/// What a wasm holds: each defined function's name and code size, and the data segments' bytes.
pub struct Contents {
    pub functions: Vec<(String, u64)>,
    pub data: u64,
}

pub fn read(wasm: &Path) -> Result<Contents> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let (mut imported, mut sizes, mut names, mut data) = (0u32, Vec::new(), HashMap::new(), 0u64);
    for payload in Parser::new(0).parse_all(&bytes) {
        match payload.with_context(|| format!("parsing {}", wasm.display()))? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    imported += u32::from(matches!(import?.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                sizes.push(r.end - r.start)
            }
            Payload::DataSection(section) => {
                let r = section.range();
                data += r.end - r.start
            }
            Payload::CustomSection(custom) => {
                if let KnownCustom::Name(subsections) = custom.as_known() {
                    for subsection in subsections {
                        if let Name::Function(map) = subsection? {
                            for naming in map {
                                let naming = naming?;
                                names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let functions = sizes
        .into_iter()
        .enumerate()
        .filter_map(|(i, size)| {
            let index = imported + i as u32;
            let name = match names.get(&index) {
                Some(n) if n.starts_with("__wbindgen_describe") => return None,
                Some(n) => format!("{:#}", rustc_demangle::demangle(n)),
                None => format!("function {index}"),
            };
            Some((name, size))
        })
        .collect();
    Ok(Contents { functions, data })
}

/// The crate a demangled function name belongs to: the first path segment of it (`core` of
/// `core::fmt::write`, `tachys` of `<F as tachys::view::Render>::build`), `(no path)` when it has none.
pub fn crate_of(name: &str) -> &str {
    let Some(end) = name.find("::") else { return "(no path)" };
    let head = &name[..end];
    let head = head.split('[').next().unwrap_or(head); // v0 names: `core[1a2b]::fmt`
    let start = head.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    if head[start..].is_empty() {
        "(no path)"
    } else {
        &head[start..]
    }
}

/// Prints the code by crate (the `crates` largest) and the `functions` largest functions.
pub fn print(wasm: &Path, crates: usize, functions: usize) -> Result<()> {
    let contents = read(wasm)?;
    let code: u64 = contents.functions.iter().map(|(_, s)| s).sum();
    let mut by_crate: HashMap<&str, u64> = HashMap::new();
    for (name, size) in &contents.functions {
        *by_crate.entry(crate_of(name)).or_default() += size;
    }
    let mut by_crate: Vec<_> = by_crate.into_iter().collect();
    by_crate.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let kib = |b: u64| b as f64 / 1024.0;
    println!(
        "where the UI start module goes (before wasm-opt: {:.1} KiB of code in {} functions, {:.1} KiB of data):",
        kib(code),
        contents.functions.len(),
        kib(contents.data)
    );
    for (krate, size) in by_crate.iter().take(crates) {
        println!("  {:>8.1} KiB {:>5.1} %  {krate}", kib(*size), *size as f64 * 100.0 / code as f64);
    }
    let mut largest: Vec<_> = contents.functions.iter().collect();
    largest.sort_by_key(|f| std::cmp::Reverse(f.1));
    println!("  its largest functions:");
    for (name, size) in largest.into_iter().take(functions) {
        let shown: String = name.chars().take(110).collect();
        println!("  {:>8.1} KiB  {shown}", kib(*size));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn a_function_belongs_to_the_crate_its_path_starts_with() {
        assert_eq!(crate_of("core::fmt::write"), "core");
        assert_eq!(
            crate_of("core[c5930c85a12de822]::fmt::float::float_to_decimal_common_exact::<f64>"),
            "core"
        );
        assert_eq!(crate_of("<F as tachys::reactive_graph::ReactiveFunction>::invoke"), "tachys");
        assert_eq!(crate_of("<either_of::EitherOf16<A> as leptos_router::ChooseView>::choose"), "either_of");
        assert_eq!(crate_of("penggerak_ui::pages::home::Home"), "penggerak_ui");
        assert_eq!(crate_of("function 12"), "(no path)", "a function without a name has no crate");
        assert_eq!(crate_of("main"), "(no path)");
    }
}
