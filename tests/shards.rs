//! `run --shard K/N` and `merge`: shards merged in any order give byte-identical files to
//! one machine's run; missing and duplicated shards are named.

use crate::common::exportsim;
use std::path::Path;

const FILES: [&str; 6] = [
    "summary.csv",
    "yearly.csv",
    "market.csv",
    "buyers.csv",
    "chips.csv",
    "summary.json",
];

fn scenario() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/worked_example.toml")
}

/// 9,000 runs make three blocks of 4,096, so three shards each hold one.
const RUNS: &str = "9000";

fn shard(out: &Path, k: &str) {
    let s = scenario();
    let args = [
        "run",
        s.to_str().unwrap(),
        "--runs",
        RUNS,
        "--quiet",
        "--shard",
        k,
        "--out",
        out.to_str().unwrap(),
    ];
    exportsim().args(args).assert().success();
}

/// A partial result is an output too: the same shard gives the same bytes at any thread count
/// (sketch buffers pooled across threads once leaked their history into partial.json).
#[test]
fn a_shard_is_byte_identical_at_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    // The baseline, not the small fixture: its sketches are wide enough for the buffers to
    // grow differently (the old code failed here, and passed on the fixture).
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let partial = |threads: &str| {
        let out = tmp.path().join(threads);
        exportsim()
            .args([
                "run",
                s.to_str().unwrap(),
                "--runs",
                "700",
                "--quiet",
                "--shard",
                "3/3",
            ])
            .args(["--threads", threads, "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("partial.json")).unwrap()
    };
    assert!(
        partial("1") == partial("2"),
        "partial.json differs between 1 and 2 threads"
    );
}

#[test]
fn merged_shards_equal_one_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let s = scenario();
    exportsim()
        .args([
            "run",
            s.to_str().unwrap(),
            "--runs",
            RUNS,
            "--quiet",
            "--threads",
            "2",
            "--out",
        ])
        .arg(t.join("single"))
        .assert()
        .success();
    for k in ["1/3", "2/3", "3/3"] {
        shard(&t.join(k.replace('/', "of")), k);
    }
    exportsim()
        .arg("merge")
        .args([t.join("3of3"), t.join("1of3"), t.join("2of3")])
        .arg("--out")
        .arg(t.join("merged"))
        .arg("--quiet")
        .assert()
        .success();
    for f in FILES {
        let a = std::fs::read(t.join("single").join(f)).unwrap();
        let b = std::fs::read(t.join("merged").join(f)).unwrap();
        assert!(a == b, "{f} differs between one machine and merged shards");
    }
}

#[test]
fn missing_and_duplicate_shards_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    shard(&t.join("a"), "1/3");
    shard(&t.join("b"), "2/3");
    let out = exportsim()
        .arg("merge")
        .args([t.join("a"), t.join("b")])
        .arg("--out")
        .arg(t.join("m"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("missing shard: 3/3"), "{err}");
    let out = exportsim()
        .arg("merge")
        .args([t.join("a"), t.join("a"), t.join("b")])
        .arg("--out")
        .arg(t.join("m"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("shard 1/3 appears twice"), "{err}");
    assert!(!t.join("m").exists());
}

#[test]
fn bad_shard_specs_are_refused() {
    let s = scenario();
    for bad in ["0/3", "4/3", "3", "a/b"] {
        exportsim()
            .args(["run", s.to_str().unwrap(), "--runs", "10", "--shard", bad])
            .assert()
            .code(2);
    }
}
