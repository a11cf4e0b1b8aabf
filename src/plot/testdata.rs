//! A small synthetic summary for the unit tests of the charts: two years, three vendors,
//! two chips, two buyers, one certain and one uncertain policy.

use crate::stats::Stats;
use crate::stats::summary::*;

fn stats(x: f64) -> Stats {
    Stats {
        mean: x,
        sd: 0.1 * x,
        p05: 0.7 * x,
        p25: 0.9 * x,
        p50: x,
        p75: 1.1 * x,
        p95: 1.3 * x,
    }
}

fn row(period: &str, key: &str, metric: &str, x: f64) -> Row {
    Row {
        period: period.into(),
        key: key.into(),
        metric: metric.into(),
        stats: stats(x),
    }
}

/// Nvidia's share in period `i` (quarters from 0): 80% falling by 8 points a quarter.
fn nvidia(i: f64) -> f64 {
    0.8 - 0.08 * i
}

/// Vendor and market rows per quarter, then per year (each year valued as its middle
/// quarter); Huawei takes 80% of what Nvidia does not, Cambricon the rest.
fn share_rows(quarters: &[String]) -> (Vec<Row>, Vec<Row>) {
    let periods = quarters
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, q)| (i as f64, q));
    let (mut vendor_rows, mut market_rows) = (Vec::new(), Vec::new());
    for (i, p) in periods.chain([(1.0, "2024".into()), (5.0, "2025".into())]) {
        let nv = nvidia(i);
        for (v, share) in [
            ("nvidia", nv),
            ("huawei", 0.8 * (1.0 - nv)),
            ("cambricon", 0.2 * (1.0 - nv)),
        ] {
            for metric in ["compute_share", "units_share", "revenue_share"] {
                vendor_rows.push(row(&p, v, metric, share));
            }
            vendor_rows.push(row(&p, v, "compute_h100e", 100_000.0 * share));
        }
        for metric in ["compute_share", "units_share", "revenue_share"] {
            market_rows.push(row(&p, "market", &format!("domestic_{metric}"), 1.0 - nv));
        }
    }
    (vendor_rows, market_rows)
}

/// Deliveries by chip and channel, demand and unmet demand, for two buyers.
fn buyer_rows(quarters: &[String]) -> Vec<BuyerRow> {
    let mut rows = Vec::new();
    for (i, q) in quarters.iter().enumerate() {
        let nv = nvidia(i as f64);
        for (b, scale) in [("bytedance", 1.0), ("state_funded", 0.5)] {
            let cells = [
                ("h20", "legal", "delivered_units", 20_000.0 * nv),
                ("h20", "grey", "delivered_units", 2_000.0),
                (
                    "ascend_910b",
                    "legal",
                    "delivered_units",
                    10_000.0 * (1.0 - nv),
                ),
                ("all", "all", "demand_h100e", 30_000.0),
                ("all", "all", "unmet_h100e", 3_000.0 * i as f64),
            ];
            for (chip, channel, metric, x) in cells {
                let stats = stats(scale * x);
                rows.push(BuyerRow {
                    quarter: q.clone(),
                    buyer: b.into(),
                    chip: chip.into(),
                    channel: channel.into(),
                    metric: metric.into(),
                    stats,
                });
            }
        }
    }
    rows
}

/// Supply, orders and deliveries of the capacity-bound Ascend 910B.
fn chip_rows(quarters: &[String]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, q) in quarters.iter().enumerate() {
        let ordered = 15_000.0 + 1_000.0 * i as f64;
        for (metric, x) in [
            ("supply_units", 12_000.0),
            ("ordered_units", ordered),
            ("delivered_units", 12_000.0),
        ] {
            rows.push(row(q, "ascend_910b", metric, x));
        }
    }
    rows
}

fn policy(id: &str, kind: &str, active_share: Vec<f64>) -> PolicyInfo {
    let (label, start, probability) = (format!("{id} label"), "2024Q1".into(), "1".into());
    PolicyInfo {
        id: id.into(),
        kind: kind.into(),
        label,
        start,
        end: None,
        probability,
        active_share,
    }
}

fn chip(id: &str, name: &str, vendor: &str, capacity_bound: bool, h100e: f64) -> ChipInfo {
    let origin = if vendor == "nvidia" { "us" } else { "domestic" };
    ChipInfo {
        id: id.into(),
        name: name.into(),
        vendor: vendor.into(),
        origin: origin.into(),
        capacity_bound,
        h100e,
    }
}

/// Nvidia's share falls from 80% to 24% over 2024Q1-2025Q4; Huawei takes 80% of the rest.
pub fn summary() -> Summary {
    let quarters: Vec<String> = (0..8)
        .map(|i| format!("{}Q{}", 2024 + i / 4, i % 4 + 1))
        .collect();
    let (vendor_rows, market_rows) = share_rows(&quarters);
    let metadata = Metadata {
        scenario: "synthetic".into(),
        description: "A made-up market for chart tests.".into(),
        seed: 7,
        runs: 100,
        exportsim_version: "0.0.0".into(),
        scenario_hash: "ab".repeat(32),
        start: "2024Q1".into(),
        end: "2025Q4".into(),
        quantiles: "exact".into(),
    };
    let vendors = [
        ("nvidia", "us"),
        ("huawei", "domestic"),
        ("cambricon", "domestic"),
    ];
    let buyers = [
        ("bytedance", "ByteDance"),
        ("state_funded", "State-funded centres"),
    ];
    let guidance = (0..8).map(|i| if i >= 4 { 0.5 } else { 0.0 }).collect();
    Summary {
        metadata,
        years: vec!["2024".into(), "2025".into()],
        vendors: vendors
            .iter()
            .map(|(id, origin)| VendorInfo {
                id: (*id).into(),
                origin: (*origin).into(),
            })
            .collect(),
        chips: vec![
            chip("h20", "Nvidia H20", "nvidia", false, 0.15),
            chip("ascend_910b", "Huawei Ascend 910B", "huawei", true, 0.6),
        ],
        buyers: buyers
            .iter()
            .map(|(id, name)| BuyerInfo {
                id: (*id).into(),
                name: (*name).into(),
                class: "cloud".into(),
            })
            .collect(),
        policies: vec![
            policy("us_rule", "us_export", vec![1.0; 8]),
            policy("bj_guidance", "beijing_guidance", guidance),
        ],
        uncertain: vec![UncertainInput {
            path: "chip.h20.price_usd".into(),
            distribution: "uniform(10000, 12000)".into(),
        }],
        buyer_rows: buyer_rows(&quarters),
        chip_rows: chip_rows(&quarters),
        vendor_rows,
        market_rows,
        quarters,
    }
}
