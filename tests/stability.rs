//! Value stability: a few outcomes of the small fixed scenario tests/fixtures/stability.toml
//! (seed 20240101, 300 runs), pinned. Any change to the model, to how inputs are drawn or to
//! the RNG streams moves them, so this test fails on an accidental change. Changing a pinned
//! value is a deliberate act: say why in CHANGELOG.md.
//!
//! The pins are means (exact sums over runs, merged in a fixed order), so they depend on the
//! engine and its random numbers, not on the quantile sketches. The tolerance (1e-9 relative)
//! only absorbs last-bit differences of `exp`/`ln` between platforms' math libraries.

use std::path::Path;

/// (period, metric or vendor:metric, pinned mean).
const PINNED: [(&str, &str, f64); 6] = [
    ("2025Q4", "demand_h100e", 23680.25299012674),
    ("2025Q4", "units", 104242.68555941316),
    ("2025Q4", "grey_units", 1274.2675914364766),
    ("2025Q2", "unmet_h100e", 2097.1907962392347),
    ("2024Q4", "domestic_compute_share", 0.1645032395967594),
    ("2025Q4", "usv:compute_share", 0.6503549699718217),
];

#[test]
fn pinned_outcomes_of_the_stability_scenario_do_not_move() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stability.toml");
    let scenario = exportsim::scenario::load(&path).unwrap().scenario;
    let summary = exportsim::simulate::summarize(&scenario, scenario.seed, 300, &());
    let mut report = String::new();
    let mut moved = false;
    for (period, name, pinned) in PINNED {
        let stats = match name.split_once(':') {
            Some((vendor, metric)) => summary.vendor(period, vendor, metric),
            None => summary.market(period, name),
        };
        let got = stats
            .unwrap_or_else(|| panic!("no {name} in {period}"))
            .mean;
        let off = (got - pinned).abs() > 1e-9 * pinned.abs().max(1e-12);
        moved |= off;
        report += &format!(
            "    (\"{period}\", \"{name}\", {got:?}),{}\n",
            if off { "  // moved" } else { "" }
        );
    }
    assert!(
        !moved,
        "pinned outcomes moved; if on purpose, update PINNED and CHANGELOG.md:\n{report}"
    );
}
