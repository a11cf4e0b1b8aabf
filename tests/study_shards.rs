//! `sweep` and `sensitivity` with `--shard K/N`, and `merge`: shards merged in any order
//! give byte-identical files to one machine's study; missing, duplicated and foreign shards
//! are named and nothing is written.

use crate::common::exportsim;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/study.toml")
}

/// 4 points x 100 runs: blocks of 64 and 36 runs at each point, 8 in all, so the 3 shards
/// (blocks 0..2, 2..5, 5..8) cut through points.
const SWEEP: [&str; 9] = [
    "sweep",
    "--param",
    "policy.h200_review.approval=0:1:4",
    "--outcome",
    "units[chip=h200]@2025",
    "--outcome",
    "compute_share[vendor=nvidia]@2024",
    "--runs",
    "100",
];

/// Saltelli design of 8 base samples over 3 inputs: 40 points of 70 runs (blocks of 64 and 6).
const SOBOL: [&str; 15] = [
    "sensitivity",
    "--method",
    "sobol",
    "--samples",
    "8",
    "--param",
    "chip.h200.price_usd",
    "--param",
    "buyer.bytedance.lock_in",
    "--param",
    "policy.h200_review.approval",
    "--outcome",
    "units[chip=h200]@2025",
    "--runs",
    "70",
];

fn study(args: &[&str], extra: &[&str], out: &Path) {
    exportsim()
        .args(args)
        .arg(fixture())
        .args(extra)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
}

fn merge(dirs: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    exportsim()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .assert()
}

fn stderr(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Runs `args` on one machine (2 threads) and as 3 single-threaded shards merged in a
/// scrambled order, and compares every file of the two directories byte for byte.
fn shards_match_one_machine(args: &[&str], csvs: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    study(args, &["--threads", "2"], &t.join("single"));
    let shards: Vec<PathBuf> = (1..=3).map(|k| t.join(format!("shard-{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        let spec = format!("{}/3", k + 1);
        study(args, &["--threads", "1", "--shard", &spec], dir);
    }
    let scrambled = [shards[2].clone(), shards[0].clone(), shards[1].clone()];
    merge(&scrambled, &t.join("merged")).success();
    let mut names: Vec<String> = std::fs::read_dir(t.join("single"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for csv in csvs {
        assert!(
            names.iter().any(|n| n == csv),
            "{csv} missing from {names:?}"
        );
    }
    for name in &names {
        let a = std::fs::read(t.join("single").join(name)).unwrap();
        let b = std::fs::read(t.join("merged").join(name))
            .unwrap_or_else(|e| panic!("merged {name}: {e}"));
        assert!(
            a == b,
            "{name} differs between one machine and merged shards"
        );
    }
    let merged = std::fs::read_dir(t.join("merged")).unwrap().count();
    assert_eq!(merged, names.len(), "the same files, no more");
}

#[test]
fn sweep_shards_merge_to_one_machines_files() {
    shards_match_one_machine(&SWEEP, &["sweep.csv"]);
}

#[test]
fn sobol_shards_merge_to_one_machines_files() {
    shards_match_one_machine(&SOBOL, &["sobol.csv", "samples.csv"]);
}

#[test]
fn missing_and_duplicate_study_shards_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (a, b) = (t.join("a"), t.join("b"));
    study(&SWEEP, &["--shard", "1/3"], &a);
    study(&SWEEP, &["--shard", "2/3"], &b);
    let err = stderr(merge(&[a.clone(), b.clone()], &t.join("m")).code(2));
    assert!(err.contains("missing shard: 3/3"), "{err}");
    let err = stderr(merge(&[a.clone(), b.clone(), a.clone()], &t.join("m")).code(2));
    assert!(err.contains("shard 1/3 appears twice"), "{err}");
    assert!(!t.join("m").exists(), "nothing written");
}

#[test]
fn shards_of_different_studies_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (one, two, run) = (t.join("one"), t.join("two"), t.join("run"));
    study(&SWEEP, &["--shard", "1/2"], &one);
    study(&SWEEP, &["--shard", "2/2", "--seed", "8"], &two);
    let err = stderr(merge(&[one.clone(), two], &t.join("m")).code(2));
    assert!(err.contains("two is from another simulation"), "{err}");
    exportsim()
        .arg("run")
        .arg(fixture())
        .args(["--runs", "10", "--quiet", "--shard", "2/2", "--out"])
        .arg(&run)
        .assert()
        .success();
    let err = stderr(merge(&[one, run], &t.join("m")).code(2));
    assert!(
        err.contains("one holds a `exportsim-study-partial/1` partial result")
            && err.contains("run a `exportsim-partial/1` one"),
        "{err}"
    );
    assert!(!t.join("m").exists(), "nothing written");
}

#[test]
fn sharding_several_sweeps_at_once_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("two.toml");
    let text = std::fs::read_to_string(fixture()).unwrap()
        + "\n[[sweep]]\nname = \"lock_in\"\nparam = [\"buyer.bytedance.lock_in=0:1:2\"]\noutcome = [\"units@2025\"]\n";
    std::fs::write(&scenario, text).unwrap();
    let out = exportsim()
        .arg("sweep")
        .arg(&scenario)
        .args(["--shard", "1/2", "--quiet", "--out"])
        .arg(tmp.path().join("s"))
        .assert()
        .code(2);
    let err = stderr(out);
    assert!(
        err.contains("pick one of approval, lock_in with --name"),
        "{err}"
    );
    exportsim()
        .arg("sweep")
        .arg(&scenario)
        .args([
            "--name", "lock_in", "--runs", "8", "--shard", "1/2", "--quiet", "--out",
        ])
        .arg(tmp.path().join("s"))
        .assert()
        .success();
    assert!(tmp.path().join("s/partial.json").is_file());
}
