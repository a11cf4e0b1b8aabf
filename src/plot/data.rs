//! Reading the series a chart needs out of a [`Summary`]'s tidy tables, once, by key.

use crate::stats::Stats;
use crate::stats::summary::{Row, Summary};
use std::collections::HashMap;

/// The key of the series for all domestic vendors together (from the market table).
pub use crate::display::{DOMESTIC, display_name, metric_label};

/// Rows of one tidy table indexed by (period, key, metric).
pub struct Table<'a> {
    rows: HashMap<(&'a str, &'a str, &'a str), &'a Stats>,
}

impl<'a> Table<'a> {
    pub fn of(rows: &'a [Row]) -> Table<'a> {
        Table {
            rows: rows
                .iter()
                .map(|r| {
                    (
                        (r.period.as_str(), r.key.as_str(), r.metric.as_str()),
                        &r.stats,
                    )
                })
                .collect(),
        }
    }

    /// The stats at (period, key, metric); zeros when the summary has no such row.
    pub fn get(&self, period: &str, key: &str, metric: &str) -> Stats {
        self.rows
            .get(&(period, key, metric))
            .map(|s| **s)
            .unwrap_or_default()
    }

    /// One value per period.
    pub fn series(&self, periods: &[String], key: &str, metric: &str) -> Vec<Stats> {
        periods.iter().map(|p| self.get(p, key, metric)).collect()
    }
}

/// A vendor's metric per quarter; `domestic` reads the market table's `domestic_<metric>`
/// (shares only).
pub fn vendor_series(s: &Summary, vendor: &str, metric: &str) -> Vec<Stats> {
    if vendor == DOMESTIC {
        Table::of(&s.market_rows).series(&s.quarters, "market", &format!("domestic_{metric}"))
    } else {
        Table::of(&s.vendor_rows).series(&s.quarters, vendor, metric)
    }
}

/// Vendor ids with US vendors first, each group in the scenario's order: the stacking order.
pub fn vendors_us_first(s: &Summary) -> Vec<&str> {
    let us = s.vendors.iter().filter(|v| v.origin == "us");
    let rest = s.vendors.iter().filter(|v| v.origin != "us");
    us.chain(rest).map(|v| v.id.as_str()).collect()
}

/// The value axis of a metric, with its unit.
pub fn axis_label(metric: &str) -> &'static str {
    match metric {
        "compute_share" => "Share of compute delivered (%)",
        "units_share" => "Share of units delivered (%)",
        "revenue_share" => "Share of revenue (%)",
        "units" => "Units per quarter",
        "compute_h100e" => "Compute per quarter (H100e)",
        "revenue_usd" => "Revenue per quarter (USD)",
        _ => "Value",
    }
}

/// Whether a metric is a share in 0..1.
pub fn is_share(metric: &str) -> bool {
    metric.ends_with("_share")
}

/// The horizon as `2024Q1-2030Q4`.
pub fn horizon(s: &Summary) -> String {
    format!("{}\u{2013}{}", s.metadata.start, s.metadata.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domestic_reads_the_market_table() {
        let s = crate::plot::testdata::summary();
        let d = vendor_series(&s, DOMESTIC, "compute_share");
        let h = vendor_series(&s, "huawei", "compute_share");
        let c = vendor_series(&s, "cambricon", "compute_share");
        assert_eq!(d.len(), s.quarters.len());
        assert!((d[3].p50 - h[3].p50 - c[3].p50).abs() < 1e-12);
    }

    #[test]
    fn names_read_well() {
        assert_eq!(display_name("nvidia"), "Nvidia");
        assert_eq!(display_name("moore_threads"), "Moore threads");
        assert_eq!(display_name(DOMESTIC), "All domestic");
    }
}
