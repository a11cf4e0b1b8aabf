//! A small synthetic summary for the unit tests of the charts: two years, three vendors,
//! two chips, two buyers, one certain and one uncertain policy.

use crate::stats::Stats;
use crate::stats::summary::*;

fn stats(x: f64) -> Stats {
    Stats { mean: x, sd: 0.1 * x, p05: 0.7 * x, p25: 0.9 * x, p50: x, p75: 1.1 * x, p95: 1.3 * x }
}

fn row(period: &str, key: &str, metric: &str, x: f64) -> Row {
    Row { period: period.into(), key: key.into(), metric: metric.into(), stats: stats(x) }
}

fn buyer_row(quarter: &str, buyer: &str, chip: &str, channel: &str, metric: &str, x: f64) -> BuyerRow {
    BuyerRow { quarter: quarter.into(), buyer: buyer.into(), chip: chip.into(), channel: channel.into(), metric: metric.into(), stats: stats(x) }
}

/// Nvidia's share falls from 80% to 24% over 2024Q1-2025Q4; Huawei takes 80% of the rest.
pub fn summary() -> Summary {
    let quarters: Vec<String> = (0..8).map(|i| format!("{}Q{}", 2024 + i / 4, i % 4 + 1)).collect();
    let mut vendor_rows = Vec::new();
    let mut market_rows = Vec::new();
    let mut buyer_rows = Vec::new();
    let mut chip_rows = Vec::new();
    // Quarters 0..8, then the years 2024 and 2025 valued as their middle quarters.
    let periods = quarters.iter().cloned().enumerate().map(|(i, q)| (i as f64, q)).chain([(1.0, "2024".into()), (5.0, "2025".into())]);
    for (i, p) in periods {
        let nvidia = 0.8 - 0.08 * i;
        let shares = [("nvidia", nvidia), ("huawei", 0.8 * (1.0 - nvidia)), ("cambricon", 0.2 * (1.0 - nvidia))];
        for (v, share) in shares {
            for metric in ["compute_share", "units_share", "revenue_share"] {
                vendor_rows.push(row(&p, v, metric, share));
            }
            vendor_rows.push(row(&p, v, "compute_h100e", 100_000.0 * share));
        }
        for metric in ["compute_share", "units_share", "revenue_share"] {
            market_rows.push(row(&p, "market", &format!("domestic_{metric}"), 1.0 - nvidia));
        }
    }
    for (i, q) in quarters.iter().enumerate() {
        let nvidia = 0.8 - 0.08 * i as f64;
        for (b, scale) in [("bytedance", 1.0), ("state_funded", 0.5)] {
            buyer_rows.push(buyer_row(q, b, "h20", "legal", "delivered_units", 20_000.0 * scale * nvidia));
            buyer_rows.push(buyer_row(q, b, "h20", "grey", "delivered_units", 2_000.0 * scale));
            buyer_rows.push(buyer_row(q, b, "ascend_910b", "legal", "delivered_units", 10_000.0 * scale * (1.0 - nvidia)));
            buyer_rows.push(buyer_row(q, b, "all", "all", "demand_h100e", 30_000.0 * scale));
            buyer_rows.push(buyer_row(q, b, "all", "all", "unmet_h100e", 3_000.0 * scale * i as f64));
        }
        for (metric, x) in [("supply_units", 12_000.0), ("ordered_units", 15_000.0 + 1_000.0 * i as f64), ("delivered_units", 12_000.0)] {
            chip_rows.push(row(q, "ascend_910b", metric, x));
        }
    }
    let policy = |id: &str, kind: &str, active_share: Vec<f64>| PolicyInfo {
        id: id.into(),
        kind: kind.into(),
        label: format!("{id} label"),
        start: "2024Q1".into(),
        end: None,
        probability: "1".into(),
        active_share,
    };
    Summary {
        metadata: Metadata {
            scenario: "synthetic".into(),
            description: "A made-up market for chart tests.".into(),
            seed: 7,
            runs: 100,
            exportsim_version: "0.0.0".into(),
            scenario_hash: "ab".repeat(32),
            start: "2024Q1".into(),
            end: "2025Q4".into(),
            quantiles: "exact".into(),
        },
        years: vec!["2024".into(), "2025".into()],
        vendors: [("nvidia", "us"), ("huawei", "domestic"), ("cambricon", "domestic")]
            .iter()
            .map(|(id, origin)| VendorInfo { id: (*id).into(), origin: (*origin).into() })
            .collect(),
        chips: vec![
            ChipInfo { id: "h20".into(), name: "Nvidia H20".into(), vendor: "nvidia".into(), origin: "us".into(), capacity_bound: false, h100e: 0.15 },
            ChipInfo { id: "ascend_910b".into(), name: "Huawei Ascend 910B".into(), vendor: "huawei".into(), origin: "domestic".into(), capacity_bound: true, h100e: 0.6 },
        ],
        buyers: [("bytedance", "ByteDance"), ("state_funded", "State-funded centres")]
            .iter()
            .map(|(id, name)| BuyerInfo { id: (*id).into(), name: (*name).into(), class: "cloud".into() })
            .collect(),
        policies: vec![
            policy("us_rule", "us_export", vec![1.0; 8]),
            policy("bj_guidance", "beijing_guidance", (0..8).map(|i| if i >= 4 { 0.5 } else { 0.0 }).collect()),
        ],
        uncertain: vec![UncertainInput { path: "chip.h20.price_usd".into(), distribution: "uniform(10000, 12000)".into() }],
        vendor_rows,
        market_rows,
        buyer_rows,
        chip_rows,
        quarters,
    }
}
