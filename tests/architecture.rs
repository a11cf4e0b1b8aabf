//! The house rules of docs/architecture.md, checked on the source: no module imports one that
//! stands above it in the flow (so there are no import cycles between modules), the library
//! exports no CLI, and no file or function outgrows its room.

use crate::common::root;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The library's modules from the bottom of the flow up; a module may import only those on
/// a lower step (docs/architecture.md). The binary (`main.rs`, `cli/`) stands above them all.
const LAYERS: &[&[&str]] = &[
    &["display", "error"],
    &["model"],
    &["engine"],
    &["stats", "outcome"],
    &["scenario"],
    &["simulate", "budget"],
    &["study"],
    &["check"],
    &["calibrate"],
    &["plot"],
    &["report"],
    &["shard"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The library module a source file belongs to (`None` for lib.rs and the binary's files).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).unwrap().components().next()?;
    let name = first
        .as_os_str()
        .to_str()?
        .trim_end_matches(".rs")
        .to_string();
    (!matches!(name.as_str(), "lib" | "main" | "cli")).then_some(name)
}

/// The code of a file without its test module and comments.
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    let lines = text.lines().map(|l| l.split("//").next().unwrap_or(""));
    lines.collect::<Vec<_>>().join("\n")
}

/// Every `crate::<module>` a file's code names.
fn imports(code: &str) -> Vec<String> {
    code.match_indices("crate::")
        .map(|(i, m)| {
            let rest = &code[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect()
}

#[test]
fn no_module_imports_one_above_it() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let at = layer(&module).unwrap_or_else(|| panic!("{module} is not in LAYERS"));
        if file.ends_with("tests.rs") || file.ends_with("testdata.rs") {
            continue; // test modules in files of their own
        }
        for import in imports(&code(file)) {
            let above = layer(&import).is_some_and(|l| l >= at) && import != module;
            if above {
                let name = file.strip_prefix(&src).unwrap().display().to_string();
                wrong.insert(format!("{name}: {module} imports {import}"), ());
            }
        }
    }
    let wrong: Vec<_> = wrong.into_keys().collect();
    assert!(
        wrong.is_empty(),
        "imports against the flow:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_library_exports_no_cli() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(!lib.contains("mod cli"), "lib.rs declares the CLI");
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for file in files
        .iter()
        .filter(|f| !f.starts_with(root().join("src/cli")))
    {
        if file.ends_with("main.rs") {
            continue;
        }
        let text = code(file);
        for banned in ["clap::", "indicatif::", "process::exit", "ctrlc::"] {
            assert!(
                !text.contains(banned),
                "{} uses {banned}: the binary's, not the library's",
                file.display()
            );
        }
    }
}

#[test]
fn no_source_file_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("tests.rs"))
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > 600)
        .map(|(f, n)| format!("{} ({n})", f.display()))
        .collect();
    assert!(long.is_empty(), "files over 600 lines: {}", long.join(", "));
}
