//! Properties of the market engine on small generated scenarios: nothing negative, supply
//! never exceeded, vendor shares summing to one, and the per-buyer conservation of demand
//! (demand = delivered + final backlog + unmet, all in H100e). See docs/model.md.
//!
//! Each case is written as a scenario file and loaded through `exportsim::scenario::load`,
//! so the generated inputs are ones a user could write; a failing case prints its TOML.

use exportsim::engine::{Layout, Record, Workspace, simulate};
use exportsim::model::{Channel, Origin, Scenario};
use proptest::prelude::*;

mod generate;
use generate::{BuyerSpec, Case, ChipSpec, Policies, SupplySpec, UsSpec, case, render};

fn load(toml: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, toml).unwrap();
    match exportsim::scenario::load(&path) {
        Ok(loaded) => loaded.scenario,
        Err(e) => panic!("generated scenario does not load:\n{e}\n{toml}"),
    }
}

fn check_nonnegative(r: &Record) -> Result<(), TestCaseError> {
    let arrays = [
        ("delivered", &r.delivered),
        ("spend", &r.spend),
        ("ordered", &r.ordered),
        ("backlog", &r.backlog),
        ("demand", &r.demand),
        ("unmet", &r.unmet),
        ("revenue", &r.revenue),
        ("supply", &r.supply),
        ("seized", &r.seized),
        ("us_government", &r.us_government),
    ];
    for (name, values) in arrays {
        if let Some((i, x)) = values
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
        {
            return Err(TestCaseError::fail(format!("record.{name}[{i}] = {x}")));
        }
    }
    Ok(())
}

/// Legal and licensed deliveries of a capacity-bound chip come out of that quarter's supply
/// (capacity plus stock). Grey deliveries are smuggled from elsewhere and are not counted.
fn check_supply(s: &Scenario, r: &Record) -> Result<(), TestCaseError> {
    let lay = r.layout;
    for t in 0..lay.quarters {
        for c in (0..lay.chips).filter(|&c| s.supply[c].is_some()) {
            let shipped: f64 = (0..lay.buyers)
                .flat_map(|b| {
                    [Channel::Legal, Channel::Licensed].map(|k| r.delivered[lay.qbck(t, b, c, k)])
                })
                .sum();
            let supply = r.supply[lay.qc(t, c)];
            prop_assert!(
                shipped <= supply * (1.0 + 1e-9) + 1e-6,
                "quarter {t}, chip c{c}: shipped {shipped} > supply {supply}"
            );
        }
    }
    Ok(())
}

/// Per buyer: sum of demand = delivered H100e + final backlog H100e + sum of unmet.
fn check_conservation(s: &Scenario, r: &Record) -> Result<(), TestCaseError> {
    let lay = r.layout;
    let last = lay.quarters - 1;
    for b in 0..lay.buyers {
        let demand: f64 = (0..lay.quarters).map(|t| r.demand[lay.qb(t, b)]).sum();
        let unmet: f64 = (0..lay.quarters).map(|t| r.unmet[lay.qb(t, b)]).sum();
        let mut delivered = 0.0;
        let mut backlog = 0.0;
        for (c, chip) in s.chips.iter().enumerate() {
            delivered += (0..lay.quarters)
                .map(|t| r.delivered_units(t, b, c))
                .sum::<f64>()
                * chip.h100e();
            backlog += r.backlog[lay.qbc(last, b, c)] * chip.h100e();
        }
        let total = delivered + backlog + unmet;
        prop_assert!(
            (demand - total).abs() <= 1e-6 * demand.max(1.0),
            "buyer b{b}: demand {demand} != delivered {delivered} + backlog {backlog} + unmet {unmet} = {total}"
        );
    }
    Ok(())
}

/// Each vendor's compute in quarter `t`, recomputed from the record.
fn vendor_compute(s: &Scenario, r: &Record, t: usize) -> Vec<f64> {
    let mut out = vec![0.0; s.vendors.len()];
    for (c, chip) in s.chips.iter().enumerate() {
        out[chip.vendor] += (0..s.buyers.len())
            .map(|b| r.delivered_units(t, b, c))
            .sum::<f64>()
            * chip.h100e();
    }
    out
}

/// Run 0's record against a one-run summary: the reported compute shares equal the record's,
/// and sum to one in every quarter where anything was delivered (zero otherwise).
fn check_shares(s: &Scenario, seed: u64, r: &Record) -> Result<(), TestCaseError> {
    let summary = exportsim::simulate::summarize(s, seed, 1, &());
    for (t, quarter) in summary.quarters.iter().enumerate() {
        let compute = vendor_compute(s, r, t);
        let total: f64 = compute.iter().sum();
        let mut sum = 0.0;
        for (v, vendor) in s.vendors.iter().enumerate() {
            let share = summary
                .vendor(quarter, &vendor.id, "compute_share")
                .unwrap()
                .mean;
            let want = if total > 0.0 { compute[v] / total } else { 0.0 };
            prop_assert!(
                (share - want).abs() <= 1e-9,
                "{quarter} {}: share {share}, record says {want}",
                vendor.id
            );
            sum += share;
        }
        let want = if total > 0.0 { 1.0 } else { 0.0 };
        prop_assert!(
            (sum - want).abs() <= 1e-9,
            "{quarter}: compute shares sum to {sum}"
        );
        for metric in ["units_share", "revenue_share"] {
            let sum: f64 = s
                .vendors
                .iter()
                .map(|v| summary.vendor(quarter, &v.id, metric).unwrap().mean)
                .sum();
            prop_assert!(
                sum.abs() <= 1e-9 || (sum - 1.0).abs() <= 1e-9,
                "{quarter}: {metric} sums to {sum}"
            );
        }
        let domestic: f64 = s
            .vendors
            .iter()
            .enumerate()
            .filter(|(_, v)| v.origin == Origin::Domestic)
            .map(|(v, _)| compute[v])
            .sum();
        let want = if total > 0.0 { domestic / total } else { 0.0 };
        let got = summary
            .market(quarter, "domestic_compute_share")
            .unwrap()
            .mean;
        prop_assert!(
            (got - want).abs() <= 1e-9,
            "{quarter}: domestic compute share {got}, record says {want}"
        );
    }
    Ok(())
}

fn check_case(case: &Case) -> Result<(), TestCaseError> {
    let toml = render(case);
    let s = load(&toml);
    let mut ws = Workspace::new(&s);
    let mut record = Record::new(Layout::of(&s));
    for run in 0..3 {
        simulate(&s, s.seed, run, &mut ws, &mut record);
        let checked = check_nonnegative(&record)
            .and_then(|_| check_supply(&s, &record))
            .and_then(|_| check_conservation(&s, &record))
            .and_then(|_| {
                if run == 0 {
                    check_shares(&s, s.seed, &record)
                } else {
                    Ok(())
                }
            });
        checked.map_err(|e| {
            TestCaseError::fail(format!("{e}\nrun {run} of this scenario:\n{toml}"))
        })?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold(case in case()) {
        check_case(&case)?;
    }
}

/// The same properties on a scenario where every constraint binds at once.
#[test]
fn invariants_hold_when_everything_binds() {
    let chip = |from: i64, supply: Option<SupplySpec>| ChipSpec {
        tflops: 500.0,
        bandwidth: 2.0,
        price: 20_000.0,
        training_efficiency: 0.8,
        inference_efficiency: 0.9,
        from,
        supply,
    };
    let tight = SupplySpec {
        capacity: 2_000.0,
        stock: 500.0,
        growth: 0.1,
        lead: 1,
        priority: true,
    };
    let buyer = |demand: f64, budget: Option<f64>| BuyerSpec {
        demand,
        growth: 0.5,
        training_share: 0.5,
        beta: 1.5,
        lock_in: 1.0,
        appetite: 0.3,
        budget,
    };
    let case = Case {
        quarters: 6,
        reroute: true,
        backlog_max_quarters: 2,
        taste_sd: 0.3,
        seed: 7,
        chips: vec![
            (false, chip(0, Some(tight.clone()))),
            (true, chip(0, Some(tight))),
            (false, chip(1, None)),
        ],
        buyers: vec![buyer(20_000.0, None), buyer(50_000.0, Some(2e8))],
        policies: Policies {
            us_named: Some((
                1,
                1.0,
                UsSpec::Licence {
                    approval: 1.0,
                    delay: 0,
                    cap: Some(3_000.0),
                },
            )),
            us_threshold: Some((3, 1.0, 7_000.0)),
            quota: Some((2, 1.0, 0.5)),
            guidance: Some((0, 1.0, 0.5)),
            review: Some((4, 1.0, (0.5, Some(1_000.0)))),
            ban: Some((5, 1.0, true)),
            grey: Some((2, 1.0, (1.5, 1_000.0, 0.1))),
            crackdown: Some((4, 1.0, (0.5, Some(0.2)))),
        },
    };
    check_case(&case).unwrap();
}
