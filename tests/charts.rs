//! Charts and the report end to end: `run` leaves every chart (PNG at slide size, SVG) and a
//! self-contained report.html; `plot` redraws the same bytes; `compare` overlays scenarios
//! and refuses ones that do not share a horizon and vendors.

use crate::common::{exportsim, root};
use predicates::prelude::*;
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Runs a fixture scenario with `seed` into a fresh directory.
fn run(fixture: &str, seed: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(fixture.trim_end_matches(".toml"));
    exportsim()
        .arg("run")
        .arg(root().join("tests/fixtures").join(fixture))
        .args([
            "--runs",
            "40",
            "--seed",
            &seed.to_string(),
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    (dir, out)
}

/// One run of tests/fixtures/study.toml shared by the tests that only read it.
fn study() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| run("study.toml", 1)).1
}

/// Files of `dir/charts` by name, sorted.
fn charts(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Width and height of a PNG, decoding the whole image.
fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    (frame.width, frame.height)
}

#[test]
fn run_writes_every_chart_as_png_and_svg() {
    let names = charts(study());
    let expected = [
        "share_compute",
        "share_units",
        "share_revenue",
        "fan_nvidia",
        "fan_huawei",
        "fan_domestic",
        "buyers",
        "supply",
        "unmet",
    ];
    for stem in expected {
        assert!(
            names.contains(&format!("{stem}.png")) && names.contains(&format!("{stem}.svg")),
            "{stem} missing from {names:?}"
        );
    }
    for name in names.iter().filter(|n| n.ends_with(".png")) {
        let (w, h) = png_size(&study().join("charts").join(name));
        assert!(w >= 1200 && h >= 700, "{name} is {w}x{h}");
        if name.starts_with("fan_") || name == "buyers.png" {
            assert_eq!((w, h), (1400, 800), "{name}");
        }
    }
    let svg = std::fs::read_to_string(study().join("charts/share_compute.svg")).unwrap();
    for label in [
        "Nvidia",
        "Huawei",
        "2024Q1",
        "2025Q1",
        "100%",
        "Policy in force",
    ] {
        assert!(svg.contains(label), "share_compute.svg lacks {label}");
    }
}

#[test]
fn the_report_holds_every_chart_and_the_metadata() {
    let html = std::fs::read_to_string(study().join("report.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(study().join("summary.json")).unwrap()).unwrap();
    let m = &summary["metadata"];
    for name in charts(study())
        .iter()
        .filter_map(|n| n.strip_suffix(".svg"))
    {
        assert!(
            html.contains(&format!("<figure id=\"{name}\">")),
            "report lacks {name}"
        );
    }
    assert_eq!(html.matches("<svg").count(), charts(study()).len() / 2);
    let hash = m["scenario_hash"].as_str().unwrap();
    for text in [
        format!("seed {}", m["seed"]),
        format!("{} Monte Carlo runs", m["runs"]),
        hash.to_string(),
        format!("exportsim {}", m["exportsim_version"].as_str().unwrap()),
    ] {
        assert!(html.contains(&text), "report lacks {text}");
    }
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
}

#[test]
fn plot_redraws_the_same_bytes() {
    let (_keep, out) = run("study.toml", 3);
    let before: Vec<(String, Vec<u8>)> = charts(&out)
        .into_iter()
        .map(|n| {
            (
                n.clone(),
                std::fs::read(out.join("charts").join(&n)).unwrap(),
            )
        })
        .collect();
    let report = std::fs::read(out.join("report.html")).unwrap();
    std::fs::remove_file(out.join("charts/fan_nvidia.png")).unwrap();
    exportsim()
        .arg("plot")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("report.html"));
    let after: Vec<(String, Vec<u8>)> = charts(&out)
        .into_iter()
        .map(|n| {
            (
                n.clone(),
                std::fs::read(out.join("charts").join(&n)).unwrap(),
            )
        })
        .collect();
    assert_eq!(before, after);
    assert_eq!(report, std::fs::read(out.join("report.html")).unwrap());
    exportsim()
        .arg("plot")
        .arg(&out)
        .args(["--year", "2025"])
        .assert()
        .success();
    assert!(out.join("charts/buyers_2025.png").is_file());
    exportsim()
        .arg("plot")
        .arg(&out)
        .args(["--year", "1999"])
        .assert()
        .code(2)
        .stderr(contains("outside the horizon"));
    exportsim()
        .arg("plot")
        .arg(out.join("charts"))
        .assert()
        .code(2)
        .stderr(contains("summary.json"));
}

#[test]
fn compare_overlays_scenarios_with_the_same_horizon_and_vendors() {
    let (_keep, other) = run("study.toml", 2);
    let chart = other.with_file_name("compare.png");
    exportsim()
        .arg("compare")
        .arg(study())
        .arg(&other)
        .args(["--vendor", "huawei", "--out"])
        .arg(&chart)
        .assert()
        .success();
    assert_eq!(png_size(&chart), (1400, 800));
    let svg = other.with_file_name("compare.svg");
    exportsim()
        .arg("compare")
        .arg(study())
        .arg(&other)
        .args(["--vendor", "domestic", "--out"])
        .arg(&svg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains(&study().display().to_string()) && text.contains("90% of runs"),
        "both runs share a name, so the legend shows their directories"
    );
}

#[test]
fn compare_refuses_other_horizons_and_vendors() {
    let (_a, horizon) = run("us_rules.toml", 1);
    let (_b, vendors) = run("stability.toml", 1);
    let out = horizon.with_file_name("x.png");
    let compare = |other: &Path| {
        let mut c = exportsim();
        c.arg("compare")
            .arg(study())
            .arg(other)
            .args(["--vendor", "nvidia", "--out"])
            .arg(&out);
        c
    };
    compare(&horizon)
        .assert()
        .code(2)
        .stderr(contains("horizons differ").and(contains("2024Q1\u{2013}2025Q4")));
    compare(&vendors)
        .assert()
        .code(2)
        .stderr(contains("vendors differ"));
    exportsim()
        .arg("compare")
        .arg(study())
        .arg(study())
        .args(["--vendor", "intel", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("no vendor `intel`"));
    assert!(!out.exists());
}
