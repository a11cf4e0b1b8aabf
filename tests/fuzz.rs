//! Fuzzing in the test suite: the shipped scenarios, the fixtures and the malformed corpus,
//! mutated at random (lines dropped, repeated or swapped, the text cut short, numbers replaced
//! by extreme values, bytes inserted), must load or fail with diagnostics, never panic; a
//! small valid result is simulated too. The coverage-guided fuzzer is in fuzz/ (cargo-fuzz);
//! what it found is kept in tests/fuzz_found/ and checked here on every run.
//!
//! `EXPORTSIM_FUZZ_CASES=100000 cargo test --release fuzz::` runs a longer campaign.

use crate::common::root;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The texts mutations start from, each with the path it is loaded as (so `extends` resolves).
fn seeds() -> Vec<(PathBuf, String)> {
    ["scenarios", "tests/fixtures", "tests/corpus"]
        .iter()
        .flat_map(|dir| toml_files(dir))
        .map(|p| {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            (p, text)
        })
        .collect()
}

/// Values that have broken parsers and models before.
const EXTREMES: [&str; 14] = [
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "1e-320",
    "\"\"",
    "[]",
    "{}",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    RepeatLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
    ReplaceNumber(usize, &'static str),
    Insert(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::RepeatLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::sample::select(&EXTREMES[..]))
            .prop_map(|(i, v)| Mutation::ReplaceNumber(i, v)),
        (any::<usize>(), "[\\PC\\[\\]{}=\"'\\n.#-]{1,8}").prop_map(|(i, s)| Mutation::Insert(i, s)),
    ]
}

/// Byte offsets of the numbers (runs of digits) in `text`.
fn numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            out.push(start..i);
        } else {
            i += 1;
        }
    }
    out
}

fn floor_char(text: &str, i: usize) -> usize {
    let mut i = i % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    match m {
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::RepeatLine(i) if !lines.is_empty() => lines.insert(i % n, lines[i % n]),
        Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::Truncate(i) => return text[..floor_char(text, *i)].to_string(),
        Mutation::ReplaceNumber(i, value) => {
            let found = numbers(text);
            let Some(r) = found.get(i % found.len().max(1)) else {
                return text.to_string();
            };
            return format!("{}{value}{}", &text[..r.start], &text[r.end..]);
        }
        Mutation::Insert(i, s) => {
            let at = floor_char(text, *i);
            return format!("{}{s}{}", &text[..at], &text[at..]);
        }
        _ => {}
    }
    lines.join("\n")
}

/// Loads `text` as `path`; a scenario that loads and is small is simulated for two runs.
fn exercise(path: &Path, text: &str) {
    let Ok(exportsim::scenario::Loaded {
        scenario, warnings, ..
    }) = exportsim::scenario::load_text(path, text)
    else {
        return;
    };
    warnings.iter().for_each(|w| drop(w.to_string()));
    if scenario.quarter_count() * scenario.buyers.len() * scenario.chips.len() <= 5_000 {
        let summary = exportsim::simulate::summarize(&scenario, scenario.seed, 2, &());
        exportsim::report::write_json(&summary, std::io::sink()).unwrap();
    }
}

fn cases() -> u32 {
    std::env::var("EXPORTSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(seed in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..5)) {
        let seeds = seeds();
        let (path, text) = &seeds[seed.index(seeds.len())];
        let mutated = mutations.iter().fold(text.clone(), |t, m| apply(&t, m));
        let outcome = std::panic::catch_unwind(|| exercise(path, &mutated));
        prop_assert!(outcome.is_ok(), "panicked on a mutation of {}:\n{mutated}", path.display());
    }
}

/// Inputs the fuzzers found crashing, kept as regressions: each must load or fail cleanly.
#[test]
fn what_fuzzing_found_stays_fixed() {
    for file in toml_files("tests/fuzz_found") {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let path = root().join("scenarios/fuzzed.toml");
        let outcome = std::panic::catch_unwind(|| exercise(&path, &text));
        assert!(outcome.is_ok(), "{} panics again", file.display());
    }
}
