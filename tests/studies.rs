//! Studies: common random numbers, the Sobol and Morris estimators against functions with
//! known answers (through the same generic code the CLI runs), thread-count independence,
//! and the `params`, `sweep` and `sensitivity` commands end to end on a small fixture.

use crate::common::exportsim;
use exportsim::model::{DistSpec, Distribution, Scenario};
use exportsim::outcome::Outcome;
use exportsim::study::inputs::{self, Input};
use exportsim::study::sweep::{Sweep, parse_axis};
use exportsim::study::{FnModel, driver, morris, sobol};
use std::f64::consts::PI;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/study.toml")
}

fn scenario() -> Scenario {
    exportsim::scenario::load(&fixture())
        .expect("the study fixture loads")
        .scenario
}

fn uniform(min: f64, max: f64) -> Distribution {
    Distribution::new(DistSpec::Uniform { min, max }).unwrap()
}

/// Sweeping the approval of a review that starts in 2025 leaves every run's 2024 outcome
/// unchanged at every point, bit for bit, while the 2025 H200 deliveries do move.
#[test]
fn common_random_numbers_make_irrelevant_parameters_invisible() {
    let s = scenario();
    let axis = parse_axis(&s, "policy.h200_review.approval=0:1:5").unwrap();
    let outcomes = vec![
        Outcome::parse("compute_share[vendor=nvidia]@2024", &s).unwrap(),
        Outcome::parse("units[buyer=bytedance]@..2024Q4", &s).unwrap(),
        Outcome::parse("units[chip=h200]@2025", &s).unwrap(),
    ];
    let sweep = Sweep::new(vec![axis], outcomes, 40, 11).unwrap();
    let values = driver::simulate(&s, &sweep.plan(), &sweep.outcomes, &());
    for o in 0..2 {
        let first = values.runs_of(0, o);
        assert!(
            first.iter().any(|v| *v != first[0]),
            "outcome {o} varies across runs"
        );
        for p in 1..5 {
            assert_eq!(
                values.runs_of(p, o),
                first,
                "outcome {o} differs at point {p}"
            );
        }
    }
    assert!(
        values.mean(4, 2) > values.mean(1, 2) && values.mean(0, 2) == 0.0,
        "approval drives H200 deliveries"
    );
}

/// Ishigami (a = 7, b = 0.1) over U(-pi, pi)^3, whose indices are known in closed form.
#[test]
fn sobol_reproduces_the_ishigami_indices() {
    let (a, b) = (7.0, 0.1);
    let inputs: Vec<Input> = (1..=3)
        .map(|i| Input::new(format!("x{i}"), uniform(-PI, PI)))
        .collect();
    let model =
        FnModel(|x: &[f64]| x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin());
    let result = sobol::run(&model, &inputs, &["y".into()], 4096, 3).unwrap();
    let pi4 = PI.powi(4);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let vt3 = 8.0 * b * b * PI.powi(8) / 225.0;
    let v = v1 + v2 + vt3;
    let first = [v1 / v, v2 / v, 0.0];
    let total = [(v1 + vt3) / v, v2 / v, vt3 / v];
    assert!(
        (first[0] - 0.314).abs() < 1e-3 && (total[2] - 0.244).abs() < 1e-3,
        "analytic values"
    );
    for (i, ix) in result[0].indices.iter().enumerate() {
        assert!(
            ix.first_conf < 0.05 && ix.total_conf < 0.05,
            "{}: intervals too wide to test: {ix:?}",
            ix.path
        );
        assert!(
            (ix.first - first[i]).abs() <= 2.0 * ix.first_conf,
            "{}: S1 {} vs {}",
            ix.path,
            ix.first,
            first[i]
        );
        assert!(
            (ix.total - total[i]).abs() <= 2.0 * ix.total_conf,
            "{}: ST {} vs {}",
            ix.path,
            ix.total,
            total[i]
        );
    }
}

/// Sobol's G function ranks its inputs by a_i: the smaller, the more important.
#[test]
fn morris_ranks_the_g_function_inputs() {
    let coefficients = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
    let inputs: Vec<Input> = (0..6)
        .map(|i| Input::new(format!("x{i}"), uniform(0.0, 1.0)))
        .collect();
    let model = FnModel(|x: &[f64]| {
        x.iter()
            .zip(coefficients)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    });
    let screening = &morris::run(&model, &inputs, &["g".into()], 60, 5).unwrap()[0];
    let mu_star: Vec<f64> = screening.effects.iter().map(|e| e.mu_star).collect();
    for i in 0..3 {
        assert!(
            mu_star[i] > mu_star[i + 1],
            "mu* should fall with a_i: {mu_star:?}"
        );
    }
    assert!(
        mu_star[4] < 0.2 * mu_star[3] && mu_star[5] < 0.2 * mu_star[3],
        "{mu_star:?}"
    );
}

/// A linear function has constant elementary effects: mu* is the coefficient times the
/// input's quantile range per unit (here the range itself), and sigma is 0.
#[test]
fn morris_effects_of_a_linear_function_are_exact() {
    let inputs = vec![
        Input::new("a", uniform(0.0, 10.0)),
        Input::new("b", uniform(-1.0, 1.0)),
    ];
    let model = FnModel(|x: &[f64]| 3.0 * x[0] - 5.0 * x[1]);
    let effects = &morris::run(&model, &inputs, &["y".into()], 10, 1).unwrap()[0].effects;
    assert!(
        (effects[0].mu - 30.0).abs() < 1e-9
            && (effects[0].mu_star - 30.0).abs() < 1e-9
            && effects[0].sigma < 1e-9
    );
    assert!(
        (effects[1].mu + 10.0).abs() < 1e-9
            && (effects[1].mu_star - 10.0).abs() < 1e-9
            && effects[1].sigma < 1e-9
    );
}

fn study(args: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    exportsim()
        .args(args)
        .arg(fixture())
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .assert()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn outputs_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let runs: [(&[&str], &[&str]); 3] = [
        (
            &[
                "sweep",
                "--param",
                "buyer.bytedance.lock_in=0:1:3",
                "--param",
                "policy.h200_review.approval=0.2,0.8",
                "--outcome",
                "units[chip=h200]@2025",
                "--runs",
                "70",
            ],
            &["sweep.csv"],
        ),
        (
            &[
                "sensitivity",
                "--method",
                "tornado",
                "--outcome",
                "compute_share[vendor=nvidia]@2025",
                "--runs",
                "70",
            ],
            &["tornado.csv", "samples.csv"],
        ),
        (
            &[
                "sensitivity",
                "--method",
                "sobol",
                "--samples",
                "8",
                "--runs",
                "70",
                "--outcome",
                "units[chip=h200]@2025",
            ],
            &["sobol.csv", "samples.csv"],
        ),
    ];
    for (k, (args, files)) in runs.iter().enumerate() {
        let outs: Vec<PathBuf> = ["1", "2"]
            .iter()
            .map(|t| dir.path().join(format!("{k}-{t}")))
            .collect();
        for (out, threads) in outs.iter().zip(["1", "2"]) {
            exportsim()
                .args(*args)
                .args(["--threads", threads, "--quiet", "--out"])
                .arg(out)
                .arg(fixture())
                .assert()
                .success();
        }
        for f in *files {
            assert_eq!(
                read(&outs[0].join(f)),
                read(&outs[1].join(f)),
                "{f} differs between 1 and 2 threads"
            );
        }
    }
}

#[test]
fn sweep_tables_in_the_scenario_run_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    study(&["sweep", "--name", "approval"], &out).success();
    let csv = String::from_utf8(read(&out.join("sweep.csv"))).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "policy.h200_review.approval,outcome,mean,sd,p05,p25,p50,p75,p95"
    );
    assert_eq!(lines.len(), 1 + 3 * 2);
    assert!(lines[1].starts_with("0,units[chip=h200]@2025,0,0,"));
    for f in [
        "sweep_1.png",
        "sweep_2.png",
        "study.json",
        "scenario.resolved.toml",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let err = study(&["sweep", "--name", "nope"], &dir.path().join("x")).code(2);
    assert!(
        String::from_utf8_lossy(&err.get_output().stderr).contains("the scenario has: approval")
    );
}

#[test]
fn sobol_samples_follow_the_salib_layout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sobol");
    let args = [
        "sensitivity",
        "--method",
        "sobol",
        "--samples",
        "4",
        "--runs",
        "5",
        "--outcome",
        "units@2025",
    ];
    study(&args, &out).success();
    let mut reader = csv::Reader::from_path(out.join("samples.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let k = inputs::uncertain(&scenario()).len();
    assert_eq!(header.len(), k + 1);
    assert_eq!(&header[k], "units@2025");
    let rows: Vec<Vec<f64>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 4 * (k + 2));
    for j in 0..4 {
        let (a, b) = (&rows[j * (k + 2)], &rows[j * (k + 2) + k + 1]);
        for i in 0..k {
            let ab = &rows[j * (k + 2) + 1 + i];
            for c in 0..k {
                assert_eq!(
                    ab[c],
                    if c == i { b[c] } else { a[c] },
                    "row AB_{j},{i} column {c}"
                );
            }
        }
    }
    let sobol_csv = String::from_utf8(read(&out.join("sobol.csv"))).unwrap();
    assert_eq!(sobol_csv.lines().count(), 1 + k);
    assert!(out.join("sobol.png").is_file());
}

#[test]
fn tornado_bars_are_sorted_and_start_from_the_medians() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tornado");
    let args = [
        "sensitivity",
        "--method",
        "tornado",
        "--runs",
        "30",
        "--outcome",
        "units[chip=h200]@2025",
        "--param",
        "policy.h200_review.approval",
        "--param",
        "chip.h200.price_usd",
        "--param",
        "buyer.bytedance.lock_in=0:2",
    ];
    study(&args, &out).success();
    let mut reader = csv::Reader::from_path(out.join("tornado.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let swing: Vec<f64> = rows.iter().map(|r| r[6].parse().unwrap()).collect();
    assert!(swing.windows(2).all(|w| w[0] >= w[1]), "{swing:?}");
    let lock_in = rows
        .iter()
        .find(|r| &r[1] == "buyer.bytedance.lock_in")
        .unwrap();
    assert_eq!(
        (&lock_in[2], &lock_in[3]),
        ("0.2", "1.8"),
        "a PATH=LO:HI input is uniform on [LO, HI]"
    );
    assert!(out.join("tornado.png").is_file());
    // The base point holds every uncertain input at its median, the studied ones (with the
    // study's own range for lock_in) and the others alike.
    let s = scenario();
    let point: Vec<(exportsim::model::ParamId, f64)> = inputs::uncertain(&s)
        .into_iter()
        .map(|(id, input)| {
            (
                id,
                if input.path == "buyer.bytedance.lock_in" {
                    1.0
                } else {
                    input.value_at(0.5)
                },
            )
        })
        .collect();
    let plan =
        exportsim::study::Plan::new("base", vec![exportsim::study::Point(point)], 30, s.seed);
    let outcome = [Outcome::parse("units[chip=h200]@2025", &s).unwrap()];
    let base = driver::simulate(&s, &plan, &outcome, &()).mean(0, 0);
    assert_eq!(rows[0][7].parse::<f64>().unwrap(), base);
}

#[test]
fn params_lists_paths_with_values_and_distributions() {
    let out = exportsim().arg("params").arg(fixture()).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("28 numeric parameters of `study`, 10 of them uncertain"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("policy.h200_review.approval") && l.contains("beta(2, 3)"))
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("buyer.state.price_sensitivity") && l.trim_end().ends_with('1'))
    );
}

#[test]
fn bad_study_input_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "sweep",
                "--param",
                "policy.h200_review.aproval=0:1:3",
                "--outcome",
                "units@2025",
            ],
            "did you mean `policy.h200_review.approval`?",
        ),
        (
            &[
                "sweep",
                "--param",
                "policy.h200_review.approval=0:1",
                "--outcome",
                "units@2025",
            ],
            "START:END:COUNT",
        ),
        (
            &[
                "sweep",
                "--param",
                "policy.h200_review.approval=0:1:3",
                "--outcome",
                "units[vendor=nvidai]@2025",
            ],
            "did you mean `nvidia`?",
        ),
        (
            &[
                "sensitivity",
                "--method",
                "tornado",
                "--outcome",
                "units@2025",
                "--param",
                "buyer.state.price_sensitivity",
            ],
            "give it a range",
        ),
        (
            &[
                "sensitivity",
                "--method",
                "tornado",
                "--outcome",
                "units@2025",
                "--samples",
                "3",
            ],
            "--samples does not apply",
        ),
        (
            &[
                "sweep",
                "--param",
                "policy.h200_review.approval=0:1:3",
                "--outcome",
                "units@2025",
                "--runs",
                "1000000",
            ],
            "pass --yes",
        ),
    ];
    for (args, message) in cases {
        let a = study(args, &out).code(2);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert!(!out.exists(), "nothing is written for refused input");
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let a = exportsim()
        .args([
            "sensitivity",
            "--method",
            "morris",
            "--samples",
            "3",
            "--outcome",
            "units@2025",
            "--dry-run",
            "--out",
        ])
        .arg(&out)
        .arg(fixture())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("plan: morris: 33 points x 100 runs = 3,300 simulations (seed 7)"),
        "{stdout}"
    );
    assert!(!out.exists());
}

#[test]
fn the_shipped_study_file_plans_both_sweeps() {
    let study = Path::new(env!("CARGO_MANIFEST_DIR")).join("studies/h200_approvals.toml");
    let a = exportsim()
        .arg("sweep")
        .arg(&study)
        .arg("--dry-run")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("plan: sweep `beijing`: 11 points x 1,000 runs"),
        "{stdout}"
    );
    assert!(
        stdout.contains("plan: sweep `grid`: 100 points x 1,000 runs = 100,000 simulations"),
        "{stdout}"
    );
}
