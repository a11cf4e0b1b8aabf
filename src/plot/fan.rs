//! Fan charts: one series over time as a median line inside its 50% and 90% bands, so the
//! spread across runs is visible at a glance. Also the band drawing `compare` reuses.

use super::axis::{IndexAxis, label_at};
use super::data::{axis_label, display_name, is_share, metric_label, vendor_series};
use super::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use super::style::{self, GRID_BOLD, GRID_LIGHT};
use crate::stats::Stats;
use crate::stats::summary::Summary;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub const SIZE: (u32, u32) = (1400, 800);

/// A chart over positions (quarters or bars) with a linear value axis.
pub type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<IndexAxis, RangedCoordf64>>;

/// Builds the axes of a time chart over `quarters` whose values reach `top`.
pub fn time_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    quarters: &[String],
    top: f64,
    metric: &str,
) -> Result<TimeChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(10)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(44)
        .y_label_area_size(110)
        .build_cartesian_2d(IndexAxis::quarters(quarters, 14), 0.0..top)?;
    let share = is_share(metric);
    let y_format = |y: &f64| {
        if share {
            frame::percent(*y)
        } else {
            frame::short_number(*y)
        }
    };
    chart
        .configure_mesh()
        .x_label_formatter(&|x| label_at(quarters, *x))
        .y_labels(10)
        .y_label_formatter(&y_format)
        .y_desc(axis_label(metric))
        .y_max_light_lines(1)
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    Ok(chart)
}

/// The top of the value axis for series reaching `max`: shares stop at 100%.
pub fn axis_top(max: f64, metric: &str) -> f64 {
    let top = frame::nice_ceiling(max);
    if is_share(metric) { top.min(1.0) } else { top }
}

/// A band between two quantiles as a closed polygon.
pub fn band(series: &[Stats], low: fn(&Stats) -> f64, high: fn(&Stats) -> f64) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .map(|(i, st)| (i as f64, high(st)))
        .collect();
    points.extend(
        series
            .iter()
            .enumerate()
            .rev()
            .map(|(i, st)| (i as f64, low(st))),
    );
    points
}

/// The median as a line.
pub fn median(series: &[Stats]) -> Vec<(f64, f64)> {
    series
        .iter()
        .enumerate()
        .map(|(i, st)| (i as f64, st.p50))
        .collect()
}

/// Draws the fan of `vendor`'s `metric` (`domestic` for all domestic vendors together).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
    vendor: &str,
    metric: &str,
) -> DrawResult<DB> {
    let series = vendor_series(s, vendor, metric);
    let title = format!(
        "{}: {}, {}",
        display_name(vendor),
        metric_label(metric),
        super::data::horizon(s)
    );
    let subtitle = format!(
        "Scenario {}: median and bands holding 50% and 90% of {} runs",
        s.metadata.scenario, s.metadata.runs
    );
    let body = frame::page(root, &title, &subtitle)?;
    let (plot, side) = body.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let top = axis_top(series.iter().map(|st| st.p95).fold(0.0, f64::max), metric);
    let mut chart = time_axes(&plot, &s.quarters, top, metric)?;
    let color = style::vendor_color(s, vendor);
    let outer = style::lighter(color, 0.78);
    let inner = style::lighter(color, 0.5);
    chart.draw_series(std::iter::once(Polygon::new(
        band(&series, |st| st.p05, |st| st.p95),
        outer.filled(),
    )))?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(&series, |st| st.p25, |st| st.p75),
        inner.filled(),
    )))?;
    chart.draw_series(LineSeries::new(median(&series), color.stroke_width(4)))?;
    let mut entries = vec![
        Entry::new(Key::Line(color, 4), "Median"),
        Entry::new(Key::Fill(inner), "50% of runs"),
        Entry::new(Key::Fill(outer), "90% of runs"),
    ];
    if let (Some(last), Some(st)) = (s.quarters.last(), series.last()) {
        entries.push(Entry::new(Key::Heading, format!("In {last}")));
        entries.push(Entry::new(
            Key::Note,
            format!("median {}", value(st.p50, metric)),
        ));
        entries.push(Entry::new(
            Key::Note,
            format!(
                "90%: {} \u{2013} {}",
                value(st.p05, metric),
                value(st.p95, metric)
            ),
        ));
    }
    frame::legend(&side, 24, &entries)
}

/// A value as written in legends: one decimal for shares, short numbers otherwise.
pub fn value(x: f64, metric: &str) -> String {
    if is_share(metric) {
        format!("{:.1}%", x * 100.0)
    } else {
        frame::short_number(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_go_out_along_the_top_and_back_along_the_bottom() {
        let s = crate::plot::testdata::summary();
        let series = vendor_series(&s, "nvidia", "compute_share");
        let b = band(&series, |st| st.p05, |st| st.p95);
        assert_eq!(b.len(), 2 * series.len());
        assert_eq!(b[0], (0.0, series[0].p95));
        assert_eq!(b[b.len() - 1], (0.0, series[0].p05));
    }

    #[test]
    fn share_axes_stop_at_one_hundred_percent() {
        assert_eq!(axis_top(0.95, "compute_share"), 1.0);
        assert_eq!(axis_top(0.03, "compute_share"), 0.04);
        assert_eq!(axis_top(95.0, "units"), 120.0);
    }
}
