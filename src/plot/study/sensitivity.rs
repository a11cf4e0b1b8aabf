//! Sensitivity charts: tornado bars, Morris' mu*-sigma plane and Sobol indices. Inputs are
//! named by their parameter paths; only the [`MAX_BARS`] most influential are drawn.

use super::{MAX_BARS, is_share, padded, value_label};
use crate::plot::axis::{IndexAxis, label_at};
use crate::plot::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use crate::plot::style::{self, GRID_BOLD, GRID_LIGHT, MUTED};
use crate::study::morris::{Effect, Screening};
use crate::study::sobol::Indices;
use crate::study::tornado::Tornado;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe-Ito blue and orange: low and high, first-order and total.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Room for parameter paths left of the bars.
const PATHS_WIDTH: u32 = 440;

/// Height of a bar chart of `n` inputs (at most [`MAX_BARS`] drawn).
pub fn bars_height(n: usize) -> u32 {
    (92 + 110 + 44 * n.min(MAX_BARS) as u32).max(700)
}

type BarChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, IndexAxis>>;

/// Axes for horizontal bars: values across, one row per name (the first name on top).
fn bar_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    names: &'a [String],
    x: (f64, f64),
    x_desc: &str,
    share: bool,
) -> Result<BarChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(10)
        .margin_right(40)
        .x_label_area_size(70)
        .y_label_area_size(PATHS_WIDTH)
        .build_cartesian_2d(x.0..x.1, IndexAxis::categories(names.len()))?;
    let n = names.len();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(8)
        .x_label_formatter(&|v| value_label(*v, share))
        .y_label_formatter(&|y| label_at(names, (n as f64 - 1.0) - *y))
        .x_desc(x_desc)
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    Ok(chart)
}

fn shown(total: usize) -> String {
    if total > MAX_BARS {
        format!("; the {MAX_BARS} widest of {total} inputs")
    } else {
        String::new()
    }
}

/// Bars from the base outcome to the outcome with each input at its 10th and 90th percentile.
pub fn tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Tornado,
    context: &str,
) -> DrawResult<DB> {
    let share = is_share(&t.outcome);
    let bars = &t.bars[..t.bars.len().min(MAX_BARS)];
    let subtitle = format!(
        "{context}; each input at its 10th and 90th percentile, the others at their medians{}",
        shown(t.bars.len())
    );
    let body = frame::page(root, &t.outcome, &subtitle)?;
    let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 - LEGEND_WIDTH);
    let values = bars.iter().flat_map(|b| [b.low, b.high]).chain([t.base]);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let span = (hi - lo).max(1e-12);
    let (x0, x1) = padded(lo - 0.12 * span, hi + 0.12 * span, share);
    let names: Vec<String> = bars.iter().map(|b| b.path.clone()).collect();
    let mut chart = bar_axes(&plot, &names, (x0, x1), "Mean outcome", share)?;
    let n = bars.len();
    for (i, b) in bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        for (end, input, color) in [(b.low, b.low_input, BLUE), (b.high, b.high_input, ORANGE)] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(t.base, y - 0.32), (end, y + 0.32)],
                color.filled(),
            )))?;
            let left = end < t.base || (end == t.base && color == BLUE);
            let (hpos, nudge) = if left {
                (HPos::Right, -0.004 * (x1 - x0))
            } else {
                (HPos::Left, 0.004 * (x1 - x0))
            };
            let font = style::text(style::SMALL)
                .color(&MUTED)
                .pos(Pos::new(hpos, VPos::Center));
            chart.draw_series(std::iter::once(Text::new(
                value_label(input, false),
                (end + nudge, y),
                font,
            )))?;
        }
    }
    chart.draw_series(DashedLineSeries::new(
        [(t.base, n as f64 - 0.5), (t.base, -0.5)],
        6,
        4,
        style::TEXT.stroke_width(2),
    ))?;
    let entries = [
        Entry::new(Key::Fill(BLUE), "Input at 10th pct"),
        Entry::new(Key::Fill(ORANGE), "Input at 90th pct"),
        Entry::new(Key::Dashed(style::TEXT), "All at medians"),
        Entry::new(Key::Heading, format!("base {}", value_label(t.base, share))),
        Entry::new(Key::Heading, "Labels: input values"),
    ];
    frame::legend(&side, 24, &entries)
}

type PlaneChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes of the mu*-sigma plane reaching `top` = (mu*, sigma), with the guide lines.
fn morris_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    top: (f64, f64),
    share: bool,
) -> Result<PlaneChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (x1, y1) = (
        frame::nice_ceiling(top.0.max(1e-12)),
        frame::nice_ceiling(top.1.max(1e-12)),
    );
    let mut chart = ChartBuilder::on(plot)
        .margin_top(10)
        .margin_right(40)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..x1, 0.0..y1)?;
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&|v| value_label(*v, share))
        .y_label_formatter(&|v| value_label(*v, share))
        .x_desc("mu* (mean absolute elementary effect)")
        .y_desc("sigma (spread of the effects)")
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    for ratio in [0.1, 0.5, 1.0] {
        let end = if ratio * x1 <= y1 {
            (x1, ratio * x1)
        } else {
            (y1 / ratio, y1)
        };
        chart.draw_series(DashedLineSeries::new(
            [(0.0, 0.0), end],
            5,
            5,
            MUTED.stroke_width(1),
        ))?;
    }
    Ok(chart)
}

/// Names the points of `effects` (most influential first) beside, above or below them, and
/// leaves out a name that would cover one already placed.
fn label_points<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &PlaneChart<DB>,
    effects: &[&Effect],
) -> DrawResult<DB> {
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for e in effects {
        let (x, y) = chart.backend_coord(&(e.mu_star, e.sigma));
        let width = 9 * e.path.len() as i32;
        let free = |dy: i32| {
            let b = (x + 8, y + dy - 18, x + 8 + width, y + dy);
            (!placed
                .iter()
                .any(|p| b.0 < p.2 && p.0 < b.2 && b.1 < p.3 && p.1 < b.3))
            .then_some(b)
        };
        if let Some(b) = [0, 20, -20].into_iter().find_map(free) {
            placed.push(b);
            let font = style::text(style::SMALL).pos(Pos::new(HPos::Left, VPos::Bottom));
            root.draw(&Text::new(e.path.clone(), (b.0, b.3), font))?;
        }
    }
    Ok(())
}

/// Each input's mu* (across) and sigma (up), with mu*'s 95% interval and guide lines at
/// sigma / mu* = 0.1, 0.5 and 1 (Garcia Sanchez et al. 2014: below 0.1 the effect is
/// nearly linear; above 1, strongly nonlinear or interacting). The inputs with the largest
/// mu* are drawn in colour and named.
pub fn morris<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &Screening,
    context: &str,
) -> DrawResult<DB> {
    let share = is_share(&m.outcome);
    let unit = if share {
        "percentage points"
    } else {
        "outcome units"
    };
    let subtitle =
        format!("{context}; elementary effects in {unit} per whole quantile range of each input");
    let body = frame::page(root, &m.outcome, &subtitle)?;
    let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 - LEGEND_WIDTH);
    let x_max = m
        .effects
        .iter()
        .map(|e| e.mu_star + e.mu_star_conf)
        .fold(0.0, f64::max);
    let y_max = m.effects.iter().map(|e| e.sigma).fold(0.0, f64::max);
    let mut chart = morris_axes(&plot, (x_max, y_max), share)?;
    let mut ranked: Vec<&Effect> = m.effects.iter().collect();
    ranked.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
    let grey = style::lighter(MUTED, 0.4);
    for (rank, e) in ranked.iter().enumerate().rev() {
        let color = if rank < MAX_BARS { BLUE } else { grey };
        let span = vec![
            ((e.mu_star - e.mu_star_conf).max(0.0), e.sigma),
            (e.mu_star + e.mu_star_conf, e.sigma),
        ];
        chart.draw_series(std::iter::once(PathElement::new(
            span,
            color.stroke_width(1),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (e.mu_star, e.sigma),
            6,
            color.filled(),
        )))?;
    }
    label_points(root, &chart, &ranked[..ranked.len().min(MAX_BARS)])?;
    let entries = [
        Entry::new(
            Key::Fill(BLUE),
            format!("{} largest mu*", MAX_BARS.min(ranked.len())),
        ),
        Entry::new(Key::Fill(grey), "Other inputs"),
        Entry::new(Key::Line(BLUE, 1), "mu* 95% interval"),
        Entry::new(Key::Dashed(MUTED), "sigma/mu* = 0.1, 0.5, 1"),
    ];
    frame::legend(&side, 24, &entries)
}

/// First-order and total indices per input, widest total first, with 95% intervals.
pub fn sobol<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ix: &Indices,
    context: &str,
) -> DrawResult<DB> {
    let mut rows: Vec<_> = ix.indices.iter().collect();
    rows.sort_by(|a, b| b.total.total_cmp(&a.total));
    rows.truncate(MAX_BARS);
    let flat = if ix.varies {
        ""
    } else {
        "; the outcome did not vary: every index is 0"
    };
    let subtitle = format!(
        "{context}; Saltelli sampling, bootstrap 95% intervals{}{flat}",
        shown(ix.indices.len())
    );
    let body = frame::page(root, &ix.outcome, &subtitle)?;
    let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 - LEGEND_WIDTH);
    let lo = rows
        .iter()
        .map(|r| r.first - r.first_conf)
        .fold(0.0, f64::min);
    let hi = rows
        .iter()
        .map(|r| (r.total + r.total_conf).max(r.first + r.first_conf))
        .fold(0.0, f64::max);
    let x1 = frame::nice_ceiling(hi.max(0.05)).min(1.5);
    let names: Vec<String> = rows.iter().map(|r| r.path.clone()).collect();
    let mut chart = bar_axes(
        &plot,
        &names,
        (lo.min(0.0) * 1.1, x1),
        "Share of the outcome's variance",
        false,
    )?;
    let n = rows.len();
    for (i, r) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        for (value, conf, color, dy) in [
            (r.first, r.first_conf, BLUE, 0.17),
            (r.total, r.total_conf, ORANGE, -0.17),
        ] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + dy - 0.15), (value, y + dy + 0.15)],
                color.filled(),
            )))?;
            let whisker = vec![((value - conf), y + dy), ((value + conf), y + dy)];
            chart.draw_series(std::iter::once(PathElement::new(
                whisker,
                style::TEXT.stroke_width(2),
            )))?;
        }
    }
    let entries = [
        Entry::new(Key::Fill(BLUE), "First order S1"),
        Entry::new(Key::Fill(ORANGE), "Total ST"),
        Entry::new(Key::Line(style::TEXT, 2), "95% interval"),
    ];
    frame::legend(&side, 24, &entries)
}
