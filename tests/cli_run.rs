//! The `exportsim` binary end to end: `run` on every shipped scenario, reproducibility
//! (thread count, seed), `validate` and `chips`, malformed inputs (exit 2, located message,
//! nothing written), and the history scenario against the public record (facts.md s4, s7).

use crate::common::{exportsim, root};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const OUTPUT_FILES: [&str; 7] = [
    "summary.csv",
    "yearly.csv",
    "market.csv",
    "buyers.csv",
    "chips.csv",
    "summary.json",
    "scenario.resolved.toml",
];

/// `exportsim run <scenario> --runs <runs> --out <out> --quiet` plus `extra`; must succeed.
fn run(scenario: &Path, runs: u64, out: &Path, extra: &[&str]) {
    exportsim()
        .arg("run")
        .arg(scenario)
        .args(["--runs", &runs.to_string(), "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Rows of a CSV file as maps from header to field.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .map(String::from)
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("`{}` is not a number in {row:?}", row[column]))
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

/// The history scenario run once for the tests that read it: 300 runs (two chunks of the
/// driver, 256 + 44, so two threads really split the work) on two threads. Statics are never
/// dropped, so it lives under cargo's per-target temporary directory.
fn shared_history() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let out = dir.path().join("history");
        run(
            &root().join("scenarios/history.toml"),
            300,
            &out,
            &["--threads", "2"],
        );
        (dir, out)
    });
    out
}

/// Runs `scenario` with 64 runs and checks its files and compute shares.
fn check_shipped(scenario: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(scenario, 64, &out, &[]);
    for file in OUTPUT_FILES {
        assert!(
            out.join(file).is_file(),
            "{}: no {file}",
            scenario.display()
        );
    }
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for row in rows(&out.join("summary.csv"))
        .iter()
        .filter(|r| r["metric"] == "compute_share")
    {
        *sums.entry(row["quarter"].clone()).or_default() += number(row, "mean");
    }
    assert!(
        !sums.is_empty(),
        "{}: no compute_share rows",
        scenario.display()
    );
    for (quarter, sum) in sums {
        assert!(
            (sum - 1.0).abs() < 1e-6,
            "{}: mean compute shares in {quarter} sum to {sum}",
            scenario.display()
        );
    }
}

#[test]
fn every_shipped_scenario_runs_and_its_compute_shares_sum_to_one() {
    let scenarios = shipped_scenarios();
    assert!(!scenarios.is_empty(), "no scenarios/*.toml");
    std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .iter()
            .map(|s| scope.spawn(move || check_shipped(s)))
            .collect();
        let failed = handles.into_iter().filter_map(|h| h.join().err()).count();
        assert_eq!(
            failed, 0,
            "{failed} shipped scenario(s) failed (messages above)"
        );
    });
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &root().join("scenarios/history.toml"),
        300,
        dir.path(),
        &["--threads", "1"],
    );
    for file in ["summary.csv", "buyers.csv", "summary.json"] {
        assert!(
            read(&dir.path().join(file)) == read(&shared_history().join(file)),
            "{file} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn the_same_seed_twice_gives_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &root().join("scenarios/history.toml"),
        300,
        dir.path(),
        &["--threads", "2"],
    );
    for file in OUTPUT_FILES {
        assert!(
            read(&dir.path().join(file)) == read(&shared_history().join(file)),
            "{file} differs between two runs with the same seed"
        );
    }
}

#[test]
fn validate_and_chips_accept_the_history_scenario() {
    let history = root().join("scenarios/history.toml");
    exportsim().arg("validate").arg(&history).assert().success();
    let output = exportsim()
        .arg("chips")
        .arg(&history)
        .args(["--at", "2024Q1"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chips failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The last column is the status under the governing rule.
    let governing = |chip: &str| -> String {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(chip))
            .unwrap_or_else(|| panic!("no row for {chip} in:\n{stdout}"));
        line.split_whitespace().last().unwrap().to_string()
    };
    assert_eq!(
        governing("h20"),
        "free",
        "H20 at 2024Q1 (facts.md s1: TPP 2,368, PD 2.91)"
    );
    assert_eq!(
        governing("a800"),
        "controlled",
        "A800 at 2024Q1 (caught by the 2023 rule)"
    );
}

/// Malformed files under tests/fixtures/bad: (file, file the error is placed in, text of
/// the offending line, field the message must name).
const BAD: [(&str, &str, &str, &str); 7] = [
    (
        "syntax_error.toml",
        "syntax_error.toml",
        "price_usd = 11,000",
        "price_usd",
    ),
    (
        "unknown_field.toml",
        "unknown_field.toml",
        "capacty = 50000",
        "capacty",
    ),
    (
        "unknown_chip.toml",
        "unknown_chip.toml",
        "chips = [\"h30\"]",
        "chips",
    ),
    (
        "probability.toml",
        "probability.toml",
        "probability = 1.5",
        "probability",
    ),
    (
        "negative_capacity.toml",
        "negative_capacity.toml",
        "capacity = -50000",
        "capacity",
    ),
    (
        "outside_horizon.toml",
        "outside_horizon.toml",
        "start = \"2026Q1\"",
        "start",
    ),
    // cycle_a -> cycle_b -> cycle_a: the `extends` that closes the loop is cycle_b's.
    (
        "cycle_a.toml",
        "cycle_b.toml",
        "extends = \"cycle_a.toml\"",
        "extends",
    ),
];

/// 1-based number of the line of `file` that reads `text`.
fn line_of(file: &Path, text: &str) -> usize {
    let source = String::from_utf8(read(file)).unwrap();
    1 + source
        .lines()
        .position(|l| l.trim() == text)
        .unwrap_or_else(|| panic!("no line `{text}` in {}", file.display()))
}

#[test]
fn malformed_files_exit_2_with_a_located_message_and_write_nothing() {
    let bad = root().join("tests/fixtures/bad");
    for (file, placed_in, line_text, field) in BAD {
        let dir = tempfile::tempdir().unwrap();
        let output = exportsim()
            .arg("run")
            .arg(bad.join(file))
            .arg("--out")
            .arg(dir.path().join("out"))
            .arg("--quiet")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{file}: exit code; stderr:\n{stderr}"
        );
        let place = format!("{placed_in}:{}:", line_of(&bad.join(placed_in), line_text));
        assert!(
            stderr.contains(&place),
            "{file}: the message does not point at {place}:\n{stderr}"
        );
        assert!(
            stderr.contains(field),
            "{file}: the message does not name `{field}`:\n{stderr}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            left.is_empty(),
            "{file}: the output directory's parent holds {left:?}"
        );
    }
}

/// Mean of `metric` for (buyer, chip) over `quarters`, summed, from buyers.csv.
fn buyer_total(
    buyers: &[BTreeMap<String, String>],
    buyer: &str,
    chip: &str,
    metric: &str,
    quarters: &[&str],
) -> f64 {
    buyers
        .iter()
        .filter(|r| {
            r["buyer"] == buyer
                && r["chip"] == chip
                && r["metric"] == metric
                && quarters.contains(&r["quarter"].as_str())
        })
        .map(|r| number(r, "mean"))
        .sum()
}

/// Nvidia's mean compute share by period, from a CSV with a period column.
fn nvidia_share(path: &Path, period_column: &str) -> BTreeMap<String, f64> {
    rows(path)
        .iter()
        .filter(|r| r["vendor"] == "nvidia" && r["metric"] == "compute_share")
        .map(|r| (r[period_column].clone(), number(r, "mean")))
        .collect()
}

#[test]
fn history_nvidia_share_starts_near_95_percent_and_falls_through_2024_2025() {
    let quarterly = nvidia_share(&shared_history().join("summary.csv"), "quarter");
    let yearly = nvidia_share(&shared_history().join("yearly.csv"), "year");
    // facts.md s7 row "Nvidia share of China's AI accelerators before the 2022 rules": ~95%.
    for q in ["2022Q3", "2022Q4"] {
        assert!(
            (quarterly[q] - 0.95).abs() <= 0.04,
            "Nvidia's compute share in {q}: {:.3}",
            quarterly[q]
        );
    }
    // s7 rows "Nvidia share 2024" (66-70%) and Huang's "95% to 0%" by Oct 2025: falling.
    let (y2022, y2024, y2025) = (yearly["2022"], yearly["2024"], yearly["2025"]);
    assert!(
        y2022 > y2024 && y2024 > y2025,
        "Nvidia's yearly compute share 2022 {y2022:.3}, 2024 {y2024:.3}, 2025 {y2025:.3}"
    );
    assert!(
        quarterly["2025Q4"] < quarterly["2024Q1"],
        "2024Q1 {:.3} vs 2025Q4 {:.3}",
        quarterly["2024Q1"],
        quarterly["2025Q4"]
    );
}

#[test]
fn history_bytedance_got_under_30k_of_the_over_100k_910b_it_ordered() {
    let buyers = rows(&shared_history().join("buyers.csv"));
    // facts.md s4 row "ByteDance's 910B order": ordered >100,000 in 2024; <30,000 by July 2024.
    let ordered = buyer_total(
        &buyers,
        "bytedance",
        "ascend_910b",
        "ordered_units",
        &["2024Q1", "2024Q2", "2024Q3", "2024Q4"],
    );
    let delivered = buyer_total(
        &buyers,
        "bytedance",
        "ascend_910b",
        "delivered_units",
        &["2024Q1", "2024Q2"],
    );
    assert!(
        delivered < 30_000.0 && ordered > 100_000.0,
        "ByteDance's 910B: ordered {ordered:.0} in 2024 (record: > 100,000), delivered {delivered:.0} in 2024Q1-Q2 (record: < 30,000)"
    );
}
