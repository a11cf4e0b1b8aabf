//! Sweep charts: the outcome against one parameter (median, 50% and 90% bands, mean), or
//! its mean over a grid of two parameters as a heatmap.

use super::{axis_labels, is_share, padded, value_label, viridis};
use crate::plot::axis::{IndexAxis, label_at};
use crate::plot::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use crate::plot::style::{self, GRID_BOLD, GRID_LIGHT, MUTED};
use crate::stats::Stats;
use crate::study::plan::thousands;
use crate::study::sweep::SweepResult;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const LINE: RGBColor = RGBColor(0x00, 0x72, 0xB2);

/// The smallest and largest of `values`.
fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    })
}

type LineChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes for the outcome (up) against the swept parameter's values `xs` (across).
fn line_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    r: &SweepResult,
    points: &[(f64, Stats)],
    share: bool,
) -> Result<LineChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (x0, x1) = extent(r.axes[0].iter().copied());
    let pad = if x1 > x0 { 0.02 * (x1 - x0) } else { 0.5 };
    let (lo, _) = extent(points.iter().map(|(_, s)| s.p05.min(s.mean)));
    let (_, hi) = extent(points.iter().map(|(_, s)| s.p95.max(s.mean)));
    let (y0, y1) = padded(lo, hi, share);
    let mut chart = ChartBuilder::on(plot)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(x0 - pad..x1 + pad, y0..y1)?;
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&|x| value_label(*x, false))
        .y_label_formatter(&|y| value_label(*y, share))
        .x_desc(r.params[0].as_str())
        .y_desc(if share { "Share (%)" } else { "Value" })
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    Ok(chart)
}

/// The outcome against the swept parameter.
pub fn line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &SweepResult,
    o: usize,
    context: &str,
) -> DrawResult<DB> {
    let outcome = &r.outcomes[o];
    let share = is_share(outcome);
    let points: Vec<(f64, Stats)> = r.rows_of(o).map(|row| (row.at[0], row.stats)).collect();
    let runs = thousands(r.runs);
    let subtitle =
        format!("{context}; median, mean and bands holding 50% and 90% of {runs} runs per point");
    let body = frame::page(root, outcome, &subtitle)?;
    let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 - LEGEND_WIDTH);
    let mut chart = line_axes(&plot, r, &points, share)?;
    let (outer, inner) = (style::lighter(LINE, 0.78), style::lighter(LINE, 0.5));
    let band = |low: fn(&Stats) -> f64, high: fn(&Stats) -> f64, fill: RGBColor| {
        let mut poly: Vec<(f64, f64)> = points.iter().map(|(x, s)| (*x, high(s))).collect();
        poly.extend(points.iter().rev().map(|(x, s)| (*x, low(s))));
        Polygon::new(poly, fill.filled())
    };
    chart.draw_series(std::iter::once(band(|s| s.p05, |s| s.p95, outer)))?;
    chart.draw_series(std::iter::once(band(|s| s.p25, |s| s.p75, inner)))?;
    chart.draw_series(LineSeries::new(
        points.iter().map(|(x, s)| (*x, s.p50)),
        LINE.stroke_width(4),
    ))?;
    chart.draw_series(
        points
            .iter()
            .map(|(x, s)| Circle::new((*x, s.p50), 5, LINE.filled())),
    )?;
    let mean = points.iter().map(|(x, s)| (*x, s.mean));
    chart.draw_series(DashedLineSeries::new(
        mean,
        8,
        5,
        style::TEXT.stroke_width(2),
    ))?;
    let entries = [
        Entry::new(Key::Line(LINE, 4), "Median"),
        Entry::new(Key::Dashed(style::TEXT), "Mean"),
        Entry::new(Key::Fill(inner), "50% of runs"),
        Entry::new(Key::Fill(outer), "90% of runs"),
    ];
    frame::legend(&side, 24, &entries)
}

/// The outcome's mean over a grid of two parameters; each cell labelled with its value
/// when the grid is at most 12 x 12.
pub fn heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &SweepResult,
    o: usize,
    context: &str,
) -> DrawResult<DB> {
    let outcome = &r.outcomes[o];
    let share = is_share(outcome);
    let (nx, ny) = (r.axes[0].len(), r.axes[1].len());
    let means: Vec<f64> = r.rows_of(o).map(|row| row.stats.mean).collect();
    let (lo, hi) = extent(means.iter().copied());
    let scale = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
    let subtitle = format!(
        "{context}; each cell the mean of {} runs",
        thousands(r.runs)
    );
    let body = frame::page(root, outcome, &subtitle)?;
    let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 - LEGEND_WIDTH);
    let (xl, yl) = (axis_labels(&r.axes[0]), axis_labels(&r.axes[1]));
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(IndexAxis::categories(nx), IndexAxis::categories(ny))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_label_formatter(&|x| label_at(&xl, *x))
        .y_label_formatter(&|y| label_at(&yl, *y))
        .x_desc(r.params[0].as_str())
        .y_desc(r.params[1].as_str())
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .draw()?;
    let size = if nx.max(ny) <= 8 {
        style::SMALL + 2.0
    } else {
        style::SMALL - 2.0
    };
    for (i, v) in means.iter().enumerate() {
        let (x, y) = ((i / ny) as f64, (i % ny) as f64);
        let t = scale(*v);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
            viridis(t).filled(),
        )))?;
        if nx.max(ny) <= 12 {
            let color = if t < 0.6 { WHITE } else { style::TEXT };
            let text = style::text(size)
                .color(&color)
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart.draw_series(std::iter::once(Text::new(
                value_label(*v, share),
                (x, y),
                text,
            )))?;
        }
    }
    colorbar(&side, lo, hi, share)
}

/// A vertical colour scale from `lo` (bottom) to `hi` (top) in the legend column.
fn colorbar<DB: DrawingBackend>(
    side: &DrawingArea<DB, Shift>,
    lo: f64,
    hi: f64,
    share: bool,
) -> DrawResult<DB> {
    let (x0, x1, top, height) = (20, 52, 60, 400);
    side.draw(&Text::new("Mean", (x0, 24), style::bold(style::TICK)))?;
    for k in 0..height {
        let t = 1.0 - f64::from(k) / f64::from(height - 1);
        side.draw(&Rectangle::new(
            [(x0, top + k), (x1, top + k + 1)],
            viridis(t).filled(),
        ))?;
    }
    let label = style::text(style::TICK).pos(Pos::new(HPos::Left, VPos::Center));
    for i in 0..=4 {
        let f = f64::from(i) / 4.0;
        let y = top + ((1.0 - f) * f64::from(height - 1)) as i32;
        side.draw(&PathElement::new(
            vec![(x1, y), (x1 + 6, y)],
            MUTED.stroke_width(1),
        ))?;
        side.draw(&Text::new(
            value_label(lo + f * (hi - lo), share),
            (x1 + 12, y),
            label.clone(),
        ))?;
    }
    Ok(())
}
