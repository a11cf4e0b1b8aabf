//! One vendor's share across scenarios in one chart (median and 90% band per scenario): the
//! "baseline versus H200 open" question. Scenarios must share a horizon and a vendor list.

use super::data::{DOMESTIC, display_name, metric_label, vendor_series};
use super::fan::{axis_top, band, median, time_axes, value};
use super::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use super::style::SCENARIOS;
use super::{PlotError, data};
use crate::stats::Stats;
use crate::stats::summary::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;

pub const SIZE: (u32, u32) = (1400, 800);

/// One scenario's results, named by where they came from.
pub struct Named<'a> {
    pub name: String,
    pub summary: &'a Summary,
}

/// Refuses scenarios that cannot share one chart: different horizons or vendors, an unknown
/// vendor or metric, or more scenarios than distinct colours.
pub fn check(runs: &[Named], vendor: &str, metric: &str) -> Result<(), PlotError> {
    let refuse = |m: String| Err(PlotError::Incompatible(m));
    if !crate::stats::metric::VENDOR_METRICS.contains(&metric) {
        return refuse(format!(
            "unknown metric `{metric}`; use one of {}",
            crate::stats::metric::VENDOR_METRICS.join(", ")
        ));
    }
    if vendor == DOMESTIC && !data::is_share(metric) {
        return refuse(format!(
            "`domestic` has shares only; use compute_share, units_share or revenue_share, not `{metric}`"
        ));
    }
    if runs.len() > SCENARIOS.len() {
        return refuse(format!(
            "at most {} scenarios fit in one chart, got {}",
            SCENARIOS.len(),
            runs.len()
        ));
    }
    let Some(first) = runs.first() else {
        return refuse("nothing to compare".into());
    };
    let ids = |s: &Summary| -> Vec<String> {
        let mut v: Vec<String> = s.vendors.iter().map(|x| x.id.clone()).collect();
        v.sort();
        v
    };
    for r in &runs[1..] {
        let (a, b) = (first.summary, r.summary);
        if a.quarters != b.quarters {
            return refuse(format!(
                "cannot compare {} ({}) with {} ({}): the horizons differ; run both scenarios over the same quarters",
                first.name,
                data::horizon(a),
                r.name,
                data::horizon(b)
            ));
        }
        if ids(a) != ids(b) {
            return refuse(format!(
                "cannot compare {} (vendors {}) with {} (vendors {}): the vendors differ, so shares are not comparable",
                first.name,
                ids(a).join(", "),
                r.name,
                ids(b).join(", ")
            ));
        }
    }
    if vendor != DOMESTIC && !first.summary.vendors.iter().any(|v| v.id == vendor) {
        return refuse(format!(
            "no vendor `{vendor}` in {}; vendors: {}, or `domestic`",
            first.name,
            ids(first.summary).join(", ")
        ));
    }
    Ok(())
}

/// Draws `vendor`'s `metric` in every scenario; call [`check`] first.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    runs: &[Named],
    vendor: &str,
    metric: &str,
) -> DrawResult<DB> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    let quarters = &first.summary.quarters;
    let series: Vec<Vec<Stats>> = runs
        .iter()
        .map(|r| vendor_series(r.summary, vendor, metric))
        .collect();
    let title = format!(
        "{}: {} across scenarios, {}",
        display_name(vendor),
        metric_label(metric),
        data::horizon(first.summary)
    );
    let subtitle = "Median (line) and band holding 90% of runs (shaded) in each scenario";
    let body = frame::page(root, &title, subtitle)?;
    let (plot, side) = body.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let max = series.iter().flatten().map(|st| st.p95).fold(0.0, f64::max);
    let mut chart = time_axes(&plot, quarters, axis_top(max, metric), metric)?;
    // Every band first, so no band covers another scenario's median.
    for (k, x) in series.iter().enumerate() {
        let band = Polygon::new(
            band(x, |st| st.p05, |st| st.p95),
            color(k).mix(0.13).filled(),
        );
        chart.draw_series(std::iter::once(band))?;
    }
    for (k, x) in series.iter().enumerate() {
        let edges: [fn(&Stats) -> f64; 2] = [|st| st.p05, |st| st.p95];
        for edge in edges {
            let points: Vec<(f64, f64)> = x
                .iter()
                .enumerate()
                .map(|(i, st)| (i as f64, edge(st)))
                .collect();
            chart.draw_series(std::iter::once(PathElement::new(
                points,
                color(k).mix(0.5).stroke_width(1),
            )))?;
        }
        chart.draw_series(LineSeries::new(median(x), color(k).stroke_width(4)))?;
    }
    let last = quarters.last().cloned().unwrap_or_default();
    let mut entries = vec![Entry::new(Key::Heading, format!("Median in {last}"))];
    for (k, (r, x)) in runs.iter().zip(&series).enumerate() {
        let end = x.last().map(|st| value(st.p50, metric)).unwrap_or_default();
        entries.push(Entry::new(
            Key::Line(color(k), 4),
            format!("{}  {end}", r.name),
        ));
    }
    entries.push(Entry::new(Key::Note, "Shaded: 90% of runs"));
    frame::legend(&side, 24, &entries)
}

/// The colour of the `k`-th scenario.
fn color(k: usize) -> RGBColor {
    SCENARIOS[k % SCENARIOS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named<'a>(s: &'a Summary, name: &str) -> Named<'a> {
        Named {
            name: name.into(),
            summary: s,
        }
    }

    #[test]
    fn same_horizon_and_vendors_pass() {
        let a = crate::plot::testdata::summary();
        assert!(check(&[named(&a, "a"), named(&a, "b")], "nvidia", "compute_share").is_ok());
        assert!(
            check(
                &[named(&a, "a"), named(&a, "b")],
                "domestic",
                "compute_share"
            )
            .is_ok()
        );
    }

    #[test]
    fn different_horizons_are_refused_by_name() {
        let a = crate::plot::testdata::summary();
        let mut b = a.clone();
        b.quarters.pop();
        let e = check(
            &[named(&a, "base"), named(&b, "short")],
            "nvidia",
            "compute_share",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("horizons differ") && e.contains("base") && e.contains("short"),
            "{e}"
        );
    }

    #[test]
    fn different_vendors_and_unknown_names_are_refused() {
        let a = crate::plot::testdata::summary();
        let mut b = a.clone();
        b.vendors.pop();
        let e = check(&[named(&a, "a"), named(&b, "b")], "nvidia", "compute_share")
            .unwrap_err()
            .to_string();
        assert!(e.contains("vendors differ"), "{e}");
        let e = check(&[named(&a, "a")], "intel", "compute_share")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no vendor `intel`"), "{e}");
        assert!(check(&[named(&a, "a")], "nvidia", "share").is_err());
        assert!(check(&[named(&a, "a")], "domestic", "units").is_err());
    }
}
