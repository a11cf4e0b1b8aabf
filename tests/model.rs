//! The TPP/PD classification of the 2022 and 2023 US rules (facts.md s1-s2), through the
//! library: chip figures, `Clause::holds`, the `covers` masks built at validation, and the
//! engine's use of the governing rule quarter by quarter.

use exportsim::engine::{Layout, Record, Workspace, simulate};
use exportsim::model::{Chip, Clause, PolicyKind, Quarter, Scenario, UsEffect};
use std::path::Path;

const CHIPS: [&str; 6] = ["a100", "a800", "h100", "h800", "h20", "h200"];

fn fixture() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/us_rules.toml");
    exportsim::scenario::load(&path)
        .expect("the fixture loads")
        .scenario
}

fn chip<'a>(s: &'a Scenario, id: &str) -> &'a Chip {
    s.chips
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no chip {id}"))
}

/// The policy's clauses as the fixture writes them (facts.md s2), and its `covers` mask.
fn covers(s: &Scenario, policy: &str) -> Vec<(String, bool)> {
    let p = s.policies.iter().find(|p| p.id == policy).unwrap();
    let PolicyKind::UsExport { covers, .. } = &p.kind else {
        panic!("{policy} is not a US rule")
    };
    s.chips
        .iter()
        .zip(covers)
        .map(|(c, &x)| (c.id.clone(), x))
        .collect()
}

fn covered(s: &Scenario, policy: &str, chip: &str) -> bool {
    covers(s, policy)
        .into_iter()
        .find(|(id, _)| id == chip)
        .unwrap()
        .1
}

fn rule_2022() -> Clause {
    Clause {
        tpp_min: Some(4800.0),
        interconnect_min_gbs: Some(600.0),
        ..Clause::default()
    }
}

fn rule_2023a() -> [Clause; 2] {
    [
        Clause {
            tpp_min: Some(4800.0),
            ..Clause::default()
        },
        Clause {
            tpp_min: Some(1600.0),
            pd_min: Some(5.92),
            ..Clause::default()
        },
    ]
}

fn rule_2023b() -> [Clause; 2] {
    [
        Clause {
            tpp_min: Some(2400.0),
            tpp_max: Some(4800.0),
            pd_min: Some(1.6),
            pd_max: Some(5.92),
            ..Clause::default()
        },
        Clause {
            tpp_min: Some(1600.0),
            pd_min: Some(3.2),
            pd_max: Some(5.92),
            ..Clause::default()
        },
    ]
}

#[test]
fn tpp_and_pd_match_the_record() {
    let s = fixture();
    // facts.md s1 "Derived control figures": A100/A800 4,992 and 6.04; H100/H800/H200 ~15,832
    // and 19.4; H20 2,368 and 2.91.
    let want = [
        ("a100", 4992.0, 6.04),
        ("a800", 4992.0, 6.04),
        ("h100", 15832.0, 19.4),
        ("h800", 15832.0, 19.4),
        ("h20", 2368.0, 2.91),
        ("h200", 15832.0, 19.4),
    ];
    for (id, tpp, pd) in want {
        let c = chip(&s, id);
        assert_eq!(c.tpp(), tpp, "{id} TPP");
        let got = c.performance_density().unwrap();
        assert!((got - pd).abs() < 0.06, "{id} PD {got} vs {pd}");
    }
    assert!((chip(&s, "h100").h100e() - 1.0).abs() < 1e-12);
    assert!(
        chip(&s, "ascend_910b").performance_density().is_none(),
        "no die area, no PD"
    );
}

#[test]
fn clauses_hold_as_the_rules_were_written() {
    let s = fixture();
    // (chip, 2022 rule, 2023 3A090.a, 2023 3A090.b)
    let want = [
        ("a100", true, true, false),
        ("a800", false, true, false),
        ("h100", true, true, false),
        ("h800", false, true, false),
        ("h20", false, false, false),
        ("h200", true, true, false),
    ];
    for (id, r2022, r2023a, r2023b) in want {
        let c = chip(&s, id);
        assert_eq!(rule_2022().holds(c), r2022, "{id} under the 2022 rule");
        assert_eq!(
            rule_2023a().iter().any(|k| k.holds(c)),
            r2023a,
            "{id} under 3A090.a"
        );
        assert_eq!(
            rule_2023b().iter().any(|k| k.holds(c)),
            r2023b,
            "{id} under 3A090.b"
        );
    }
}

#[test]
fn bounds_are_inclusive_below_and_exclusive_above() {
    let s = fixture();
    let a100 = chip(&s, "a100"); // TPP exactly 4992, I/O exactly 600
    assert!(
        Clause {
            tpp_min: Some(4992.0),
            interconnect_min_gbs: Some(600.0),
            ..Clause::default()
        }
        .holds(a100)
    );
    assert!(
        !Clause {
            tpp_max: Some(4992.0),
            ..Clause::default()
        }
        .holds(a100)
    );
    assert!(
        Clause {
            tpp_max: Some(4992.5),
            ..Clause::default()
        }
        .holds(a100)
    );
    assert!(
        !Clause {
            interconnect_min_gbs: Some(600.5),
            ..Clause::default()
        }
        .holds(a100)
    );
}

#[test]
fn unknown_specs_never_meet_a_bound() {
    let s = fixture();
    let ascend = chip(&s, "ascend_910b");
    assert!(
        !Clause {
            pd_min: Some(0.0),
            ..Clause::default()
        }
        .holds(ascend)
    );
    assert!(
        !Clause {
            pd_max: Some(1e9),
            ..Clause::default()
        }
        .holds(ascend)
    );
    let pcie = Chip {
        interconnect_gbs: None,
        ..chip(&s, "h20").clone()
    };
    assert!(
        !Clause {
            interconnect_min_gbs: Some(0.0),
            ..Clause::default()
        }
        .holds(&pcie)
    );
}

#[test]
fn covers_masks_follow_the_clauses_and_skip_domestic_chips() {
    let s = fixture();
    for (policy, want) in [
        ("us_2022", ["a100", "h100", "h200"].as_slice()),
        (
            "us_2023_a",
            ["a100", "a800", "h100", "h800", "h200"].as_slice(),
        ),
        ("us_2023_b", [].as_slice()),
    ] {
        let got: Vec<String> = covers(&s, policy)
            .into_iter()
            .filter(|(_, x)| *x)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(got, want, "chips covered by {policy}");
    }
    // The 910B meets 3A090.a's TPP bound, but US rules cover US-origin chips only.
    assert!(chip(&s, "ascend_910b").tpp() >= 4800.0);
    assert!(!covered(&s, "us_2023_a", "ascend_910b"));
    let p = s.policies.iter().find(|p| p.id == "us_2023_b").unwrap();
    assert!(matches!(
        p.kind,
        PolicyKind::UsExport {
            effect: UsEffect::Notify,
            ..
        }
    ));
}

/// Units of `chip` delivered in `quarter` in one run of the fixture.
fn delivered(s: &Scenario, record: &Record, quarter: &str, chip: &str) -> f64 {
    let q: Quarter = quarter.parse().unwrap();
    let t = (q.index() - s.start.index()) as usize;
    let c = s.chips.iter().position(|x| x.id == chip).unwrap();
    (0..s.buyers.len())
        .map(|b| record.delivered_units(t, b, c))
        .sum()
}

#[test]
fn the_engine_applies_the_governing_rule_each_quarter() {
    let s = fixture();
    let mut ws = Workspace::new(&s);
    let mut record = Record::new(Layout::of(&s));
    simulate(&s, s.seed, 0, &mut ws, &mut record);
    // Before the 2022 rule every chip sells; the A800 and H800 pass the 2022 rule; the 2023
    // rule catches them; the H20 is free throughout.
    let open = [
        (
            "2022Q3",
            ["a100", "a800", "h100", "h800", "h20", "h200"].as_slice(),
        ),
        ("2023Q3", ["a800", "h800", "h20"].as_slice()),
        ("2024Q1", ["h20"].as_slice()),
    ];
    for (quarter, sold) in open {
        for id in CHIPS {
            let units = delivered(&s, &record, quarter, id);
            assert_eq!(
                units > 0.0,
                sold.contains(&id),
                "{id} in {quarter}: {units} units delivered"
            );
        }
        assert!(
            delivered(&s, &record, quarter, "ascend_910b") > 0.0,
            "domestic chips are never controlled"
        );
    }
}

/// docs/model.md section 12, computed by hand there: logit split, quota, budget, supply.
#[test]
fn the_worked_example_comes_out_as_computed_by_hand() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/worked_example.toml");
    let s = exportsim::scenario::load(&path)
        .expect("the fixture loads")
        .scenario;
    let mut ws = Workspace::new(&s);
    let mut record = Record::new(Layout::of(&s));
    simulate(&s, s.seed, 0, &mut ws, &mut record);
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() < 1e-6 * want.abs().max(1.0),
            "{what}: {got}, by hand {want}"
        )
    };
    // Quota: 500 H100e each; budget f = 20M / 24.75M; the domestic chip is short of supply.
    let f = 20.0 / 24.75;
    close(record.ordered[0], 500.0 * f, "US units ordered");
    close(record.ordered[1], 1000.0 * f, "domestic units ordered");
    close(
        record.delivered_units(0, 0, 0),
        500.0 * f,
        "US units delivered",
    );
    close(
        record.delivered_units(0, 0, 1),
        600.0,
        "domestic units delivered",
    );
    close(
        record.backlog[1],
        1000.0 * f - 600.0,
        "domestic units in backlog",
    );
    close(record.unmet[0], 1000.0 * (1.0 - f), "unmet H100e");
    close(record.supply[1], 600.0, "domestic supply");
    close(record.revenue[0], 500.0 * f * 30_000.0, "US vendor revenue");
    close(
        record.revenue[1],
        600.0 * 9_750.0,
        "domestic vendor revenue",
    );
}

/// The same example's first step alone: without quota, budget or supply limit, the logit
/// splits demand e : 1, since both chips cost 30,000 USD per effective H100e and the US chip
/// has a lock-in bonus of 1.
#[test]
fn the_worked_example_logit_split() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/worked_example.toml");
    let mut s = exportsim::scenario::load(&path)
        .expect("the fixture loads")
        .scenario;
    s.policies.clear();
    s.buyers[0].budget_usd = None;
    s.supply[1] = None;
    let mut ws = Workspace::new(&s);
    let mut record = Record::new(Layout::of(&s));
    simulate(&s, s.seed, 0, &mut ws, &mut record);
    let us_share = std::f64::consts::E / (1.0 + std::f64::consts::E);
    assert!(
        (record.ordered[0] - 1000.0 * us_share).abs() < 1e-6,
        "US units {}",
        record.ordered[0]
    );
    assert!(
        (record.ordered[1] - 1000.0 * (1.0 - us_share) / 0.5).abs() < 1e-6,
        "domestic units {}",
        record.ordered[1]
    );
    assert!((record.ordered[0] - 731.058_6).abs() < 1e-4);
    assert!(record.unmet[0].abs() < 1e-9, "unmet {}", record.unmet[0]);
}
