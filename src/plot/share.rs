//! Market share over time: stacked areas of each vendor's median share per quarter, with the
//! policy timeline as a strip underneath on the same time axis, so a reader sees which rule
//! was in force (and in how many runs) when the shares move.

use super::axis::{IndexAxis, label_at};
use super::data::{Table, axis_label, display_name, metric_label, vendors_us_first};
use super::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use super::style::{self, GRID_BOLD, GRID_LIGHT, MUTED};
use crate::stats::summary::{PolicyInfo, Summary};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const WIDTH: u32 = 1400;
const SHARE_HEIGHT: u32 = 600;
const ROW_HEIGHT: u32 = 26;

/// Height of the chart: the share panel plus one row per policy.
pub fn height(s: &Summary) -> u32 {
    let strip = if s.policies.is_empty() {
        0
    } else {
        54 + ROW_HEIGHT * s.policies.len() as u32
    };
    92 + SHARE_HEIGHT + strip + 20
}

/// Colour of a policy family: US rules, Beijing's measures, grey-market conditions.
pub fn policy_color(kind: &str) -> RGBColor {
    match kind {
        k if k.starts_with("us_") => RGBColor(0x3C, 0x5A, 0x99),
        k if k.starts_with("beijing_") => RGBColor(0x9C, 0x4A, 0x1A),
        _ => RGBColor(0x6E, 0x6E, 0x6E),
    }
}

/// Each vendor's median share per quarter in stacking order, rescaled so a quarter sums to 1.
pub fn stacked_medians(s: &Summary, metric: &str) -> Vec<(String, Vec<f64>)> {
    let table = Table::of(&s.vendor_rows);
    let mut series: Vec<(String, Vec<f64>)> = vendors_us_first(s)
        .into_iter()
        .map(|v| {
            (
                v.to_string(),
                s.quarters
                    .iter()
                    .map(|q| table.get(q, v, metric).p50.max(0.0))
                    .collect(),
            )
        })
        .collect();
    for q in 0..s.quarters.len() {
        let total: f64 = series.iter().map(|(_, x)| x[q]).sum();
        if total > 0.0 {
            series.iter_mut().for_each(|(_, x)| x[q] /= total);
        }
    }
    series
}

/// Draws the share chart for `metric` (`compute_share`, `units_share` or `revenue_share`).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
    metric: &str,
) -> DrawResult<DB> {
    let what = metric_label(metric);
    let title = format!(
        "{}{} by vendor, {}",
        what[..1].to_uppercase(),
        &what[1..],
        super::data::horizon(s)
    );
    let subtitle = format!(
        "Scenario {}: median of {} runs for each vendor, rescaled to sum to 100% in each quarter",
        s.metadata.scenario, s.metadata.runs
    );
    let body = frame::page(root, &title, &subtitle)?;
    let (plot, side) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
    let (top, strip) = plot.split_vertically(SHARE_HEIGHT);
    let left = label_width(root, &s.policies);
    let series = stacked_medians(s, metric);
    draw_areas(&top, s, &series, left, axis_label(metric))?;
    let last = s.quarters.last().cloned().unwrap_or_default();
    let mut entries = vec![Entry::new(Key::Heading, format!("Vendor ({last})"))];
    let table = Table::of(&s.vendor_rows);
    for (v, _) in series.iter().rev() {
        // The legend gives each vendor's own median, as the tables do, not the rescaled one.
        let share = table.get(&last, v, metric).p50;
        entries.push(Entry::new(
            Key::Fill(style::vendor_color(s, v)),
            format!("{}  {}", display_name(v), frame::percent(share)),
        ));
    }
    frame::legend(&side, 24, &entries)?;
    if !s.policies.is_empty() {
        draw_strip(&strip, s, left)?;
        let (_, strip_side) = side.split_vertically(SHARE_HEIGHT);
        frame::legend(&strip_side, 24, &policy_legend())?;
    }
    Ok(())
}

fn draw_areas<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Summary,
    series: &[(String, Vec<f64>)],
    left: u32,
    y_desc: &str,
) -> DrawResult<DB> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(10)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(44)
        .y_label_area_size(left)
        .build_cartesian_2d(IndexAxis::quarters(&s.quarters, 14), 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| label_at(&s.quarters, *x))
        .y_labels(6)
        .y_label_formatter(&|y| frame::percent(*y))
        .y_desc(y_desc)
        .y_max_light_lines(1)
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    let n = s.quarters.len();
    let mut base = vec![0.0; n];
    for (v, x) in series {
        let upper: Vec<f64> = base.iter().zip(x).map(|(b, x)| b + x).collect();
        let mut points: Vec<(f64, f64)> = (0..n).map(|i| (i as f64, upper[i])).collect();
        points.extend((0..n).rev().map(|i| (i as f64, base[i])));
        chart.draw_series(std::iter::once(Polygon::new(
            points,
            style::vendor_color(s, v).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            (0..n).map(|i| (i as f64, upper[i])).collect::<Vec<_>>(),
            WHITE.stroke_width(1),
        )))?;
        base = upper;
    }
    Ok(())
}

/// Width of the left label column, shared by both panels so their time axes line up.
fn label_width<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, policies: &[PolicyInfo]) -> u32 {
    let widest = policies
        .iter()
        .filter_map(|p| {
            root.estimate_text_size(&p.id, &style::text(style::SMALL))
                .ok()
        })
        .map(|(w, _)| w)
        .max();
    (widest.unwrap_or(0) + 24).clamp(110, 330)
}

fn draw_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Summary,
    left: u32,
) -> DrawResult<DB> {
    let rows = s.policies.len();
    let mut chart = ChartBuilder::on(area)
        .margin_top(10)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(34)
        .y_label_area_size(left)
        .build_cartesian_2d(
            IndexAxis::quarters(&s.quarters, 14),
            IndexAxis::categories(rows),
        )?;
    let id_at = |y: &f64| -> String {
        let i = rows as f64 - 1.0 - y.round();
        s.policies
            .get(i as usize)
            .map(|p| p.id.clone())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_label_formatter(&|x| label_at(&s.quarters, *x))
        .y_label_formatter(&id_at)
        .label_style(style::text(style::SMALL))
        .bold_line_style(GRID_LIGHT)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    for (i, p) in s.policies.iter().enumerate() {
        draw_policy(&mut chart, p, (rows - 1 - i) as f64, s.quarters.len())?;
    }
    Ok(())
}

/// One policy's row at height `y`: a cell per quarter in force, lighter where fewer runs had
/// it, and a note when no quarter had it in every run.
fn draw_policy<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<IndexAxis, IndexAxis>>,
    p: &PolicyInfo,
    y: f64,
    quarters: usize,
) -> DrawResult<DB> {
    let last = quarters.saturating_sub(1) as f64;
    let color = policy_color(&p.kind);
    let cells = p
        .active_share
        .iter()
        .enumerate()
        .filter(|(_, a)| **a > 0.0)
        .map(|(q, a)| {
            let (x0, x1) = ((q as f64 - 0.5).max(0.0), (q as f64 + 0.5).min(last));
            Rectangle::new(
                [(x0, y - 0.36), (x1, y + 0.36)],
                style::lighter(color, 0.85 * (1.0 - a)).filled(),
            )
        });
    chart.draw_series(cells)?;
    if let Some((x, share)) = uncertain_note(&p.active_share) {
        let font = style::text(style::SMALL)
            .pos(Pos::new(HPos::Center, VPos::Center))
            .color(&BLACK);
        chart.draw_series(std::iter::once(Text::new(
            format!("in {:.0}% of runs", share * 100.0),
            (x, y),
            font,
        )))?;
    }
    Ok(())
}

/// Where to write "in N% of runs" for a policy in force in only some runs: the middle of its
/// window and its largest share of runs.
fn uncertain_note(active: &[f64]) -> Option<(f64, f64)> {
    let max = active.iter().copied().fold(0.0, f64::max);
    if max <= 0.0 || max >= 0.995 {
        return None;
    }
    let first = active.iter().position(|a| *a > 0.0)?;
    let last = active.iter().rposition(|a| *a > 0.0)?;
    Some(((first + last) as f64 / 2.0, max))
}

fn policy_legend() -> Vec<Entry> {
    vec![
        Entry::new(Key::Heading, "Policy in force"),
        Entry::new(Key::Fill(policy_color("us_export")), "US rule"),
        Entry::new(Key::Fill(policy_color("beijing_ban")), "Beijing measure"),
        Entry::new(
            Key::Fill(policy_color("grey_market")),
            "Grey market, customs",
        ),
        Entry::new(
            Key::Fill(style::lighter(MUTED, 0.6)),
            "Lighter: in fewer runs",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_medians_sum_to_one_in_us_first_order() {
        let s = crate::plot::testdata::summary();
        let series = stacked_medians(&s, "compute_share");
        assert_eq!(series[0].0, "nvidia");
        for q in 0..s.quarters.len() {
            let total: f64 = series.iter().map(|(_, x)| x[q]).sum();
            assert!((total - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn notes_only_for_policies_in_force_in_some_runs() {
        assert_eq!(uncertain_note(&[0.0, 1.0, 1.0]), None);
        assert_eq!(uncertain_note(&[0.0, 0.0]), None);
        assert_eq!(uncertain_note(&[0.0, 0.3, 0.5, 0.5]), Some((2.0, 0.5)));
    }
}
