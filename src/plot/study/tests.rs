//! Study charts rendered to SVG from synthetic results.

use super::*;
use crate::stats::Stats;
use crate::study::morris::Effect;
use crate::study::sobol::Index;
use crate::study::sweep::SweepRow;
use crate::study::tornado::Bar;

fn stats(m: f64) -> Stats {
    Stats {
        mean: m,
        sd: 0.05,
        p05: m - 0.1,
        p25: m - 0.04,
        p50: m,
        p75: m + 0.04,
        p95: m + 0.1,
    }
}

fn sweep(two: bool) -> SweepResult {
    let xs = vec![0.0, 0.25, 0.5, 0.75, 1.0];
    let ys = vec![0.5, 1.0, 1.5];
    let mut rows = Vec::new();
    for x in &xs {
        if two {
            for y in &ys {
                rows.push(SweepRow {
                    at: vec![*x, *y],
                    outcome: 0,
                    stats: stats(0.2 + 0.5 * x * y / 1.5),
                });
            }
        } else {
            rows.push(SweepRow {
                at: vec![*x],
                outcome: 0,
                stats: stats(0.2 + 0.5 * x),
            });
        }
    }
    SweepResult {
        params: if two {
            vec![
                "policy.h200_review.approval".into(),
                "buyer.bytedance.lock_in".into(),
            ]
        } else {
            vec!["policy.h200_review.approval".into()]
        },
        axes: if two { vec![xs, ys] } else { vec![xs] },
        outcomes: vec!["compute_share[vendor=nvidia]@2027".into()],
        runs: 1000,
        seed: 1,
        rows,
    }
}

#[test]
fn sweep_line_and_heatmap_render() {
    let one = sweep(false);
    let charts = sweep_charts(&one, "Scenario synthetic");
    let svg = render_svg(&charts[0]).unwrap();
    for text in [
        "compute_share[vendor=nvidia]@2027",
        "policy.h200_review.approval",
        "Median",
        "90% of runs",
        "Scenario synthetic",
        "1,000 runs",
    ] {
        assert!(svg.contains(text), "line chart lacks {text}");
    }
    let two = sweep(true);
    let charts = sweep_charts(&two, "Scenario synthetic");
    assert!(matches!(charts[0], StudyChart::Heatmap(..)));
    let svg = render_svg(&charts[0]).unwrap();
    for text in ["buyer.bytedance.lock_in", "Mean", "53.3%", "20.0%"] {
        assert!(svg.contains(text), "heatmap lacks {text}");
    }
}

#[test]
fn sensitivity_charts_render_their_inputs() {
    let bar = |p: &str, low: f64, high: f64| Bar {
        path: p.into(),
        low_input: 1.0,
        high_input: 2.0,
        low,
        high,
    };
    let t = Tornado {
        outcome: "units@2027".into(),
        base: 100.0,
        bars: vec![bar("a.b.c", 80.0, 130.0), bar("d.e", 105.0, 95.0)],
    };
    let svg = render_svg(&StudyChart::Tornado(&t, "Scenario x")).unwrap();
    assert!(svg.contains("a.b.c") && svg.contains("d.e") && svg.contains("base 100"));
    let effect = |p: &str, mu_star: f64| Effect {
        path: p.into(),
        mu: mu_star,
        mu_star,
        mu_star_conf: 0.1,
        sigma: mu_star / 2.0,
    };
    let m = Screening {
        outcome: "units@2027".into(),
        effects: vec![effect("x1", 3.0), effect("x2", 1.0)],
    };
    let svg = render_svg(&StudyChart::Morris(&m, "Scenario x")).unwrap();
    assert!(svg.contains("x1") && svg.contains("mu*"));
    let index = |p: &str, s1: f64, st: f64| Index {
        path: p.into(),
        first: s1,
        first_conf: 0.02,
        total: st,
        total_conf: 0.03,
    };
    let ix = Indices {
        outcome: "units@2027".into(),
        varies: true,
        indices: vec![
            index("x1", 0.3, 0.55),
            index("x2", 0.44, 0.44),
            index("x3", 0.0, 0.24),
        ],
    };
    let svg = render_svg(&StudyChart::Sobol(&ix, "Scenario x")).unwrap();
    assert!(svg.contains("First order S1") && svg.contains("x3"));
}

#[test]
fn long_bar_lists_are_cut_to_the_widest() {
    let bars: Vec<Bar> = (0..30)
        .map(|i| Bar {
            path: format!("input_{i}"),
            low_input: 0.0,
            high_input: 1.0,
            low: 0.0,
            high: f64::from(30 - i),
        })
        .collect();
    let t = Tornado {
        outcome: "units@2027".into(),
        base: 0.0,
        bars,
    };
    let chart = StudyChart::Tornado(&t, "Scenario x");
    assert_eq!(chart.size().1, bars_height_for(MAX_BARS));
    let svg = render_svg(&chart).unwrap();
    assert!(
        svg.contains("input_19") && !svg.contains("input_20<") && svg.contains("20 widest of 30")
    );
}

fn bars_height_for(n: usize) -> u32 {
    super::sensitivity::bars_height(n)
}

#[test]
fn labels_and_scales() {
    assert!(is_share("compute_share[vendor=nvidia]@2027"));
    assert!(!is_share("units[chip=h20]@2024"));
    assert!(!is_share("compute_share[vendor=nvidia]@2027 * 100"));
    assert_eq!(value_label(0.4567, true), "45.7%");
    assert_eq!(value_label(0.012345, false), "0.0123");
    assert_eq!(value_label(12.345, false), "12.3");
    assert_eq!(value_label(-0.04, false), "-0.04");
    assert_eq!(value_label(0.2, false), "0.2");
    assert_eq!(value_label(25_000.0, false), "25k");
    assert_eq!(padded(0.0, 1.0, true), (0.0, 1.0));
    assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
    let ninths: Vec<f64> = (0..10).map(|i| f64::from(i) / 9.0).collect();
    assert_eq!(axis_labels(&ninths)[5], "0.556");
    let tenths: Vec<f64> = (0..10).map(|i| 0.1 + 0.9 * f64::from(i) / 9.0).collect();
    assert_eq!(
        axis_labels(&tenths),
        [
            "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"
        ]
    );
    assert_eq!(axis_labels(&[20000.0, 25000.0]), ["20000", "25000"]);
    assert_eq!(viridis(1.0), RGBColor(0xFD, 0xE7, 0x25));
}
