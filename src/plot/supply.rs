//! Supply and shortfall, as small multiples on a shared time axis: for each capacity-bound
//! chip, units ordered against units delivered and the supply drawn; for each buyer, demand
//! against the compute it could not get.

use super::axis::{IndexAxis, label_at};
use super::data::{Table, display_name};
use super::fan::{band, median};
use super::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use super::style::{self, GRID_BOLD, GRID_LIGHT, TEXT};
use crate::stats::Stats;
use crate::stats::summary::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;

pub const WIDTH: u32 = 1400;
const PANEL_HEIGHT: u32 = 330;
const SUPPLY: RGBColor = RGBColor(0x8A, 0x8A, 0x8A);
const UNMET: RGBColor = RGBColor(0x5B, 0x3F, 0x8C);

/// (columns, rows) of a grid of `n` panels.
pub fn grid(n: usize) -> (usize, usize) {
    let cols = n.clamp(1, 4);
    (cols, n.div_ceil(cols).max(1))
}

/// Height of a chart of `n` panels.
pub fn height(n: usize) -> u32 {
    92 + grid(n).1 as u32 * PANEL_HEIGHT + 10
}

/// One small panel: its title, its lines (medians, drawn as keyed) and a 90% band.
struct Panel {
    title: String,
    lines: Vec<(Vec<Stats>, Key)>,
    band: Option<(Vec<Stats>, RGBColor)>,
}

/// Capacity-bound chips: ordered and delivered (means), supply (median and 90% band).
pub fn draw_supply<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
) -> DrawResult<DB> {
    let table = Table::of(&s.chip_rows);
    let mean = |chip: &str, metric: &str| -> Vec<Stats> {
        table
            .series(&s.quarters, chip, metric)
            .into_iter()
            .map(|st| Stats { p50: st.mean, ..st })
            .collect()
    };
    let panels: Vec<Panel> = s
        .chips
        .iter()
        .filter(|c| c.capacity_bound)
        .map(|c| Panel {
            title: panel_title(&c.name, &c.id),
            lines: vec![
                (
                    table.series(&s.quarters, &c.id, "supply_units"),
                    Key::Line(SUPPLY, 2),
                ),
                (mean(&c.id, "ordered_units"), Key::Dashed(TEXT)),
                (
                    mean(&c.id, "delivered_units"),
                    Key::Line(style::vendor_color(s, &c.vendor), 3),
                ),
            ],
            band: Some((table.series(&s.quarters, &c.id, "supply_units"), SUPPLY)),
        })
        .collect();
    let title = format!(
        "Supply of capacity-bound chips, {}",
        super::data::horizon(s)
    );
    let subtitle = format!(
        "Scenario {}: units per quarter; orders and deliveries are means of {} runs",
        s.metadata.scenario, s.metadata.runs
    );
    let legend = vec![
        Entry::new(Key::Dashed(TEXT), "Ordered (mean)"),
        Entry::new(Key::Line(RGBColor(0x44, 0x44, 0x44), 3), "Delivered (mean)"),
        Entry::new(Key::Note, "(vendor's colour)"),
        Entry::new(Key::Line(SUPPLY, 2), "Supply (median)"),
        Entry::new(
            Key::Fill(style::lighter(SUPPLY, 0.7)),
            "Supply, 90% of runs",
        ),
    ];
    draw_panels(
        root,
        s,
        &title,
        &subtitle,
        &panels,
        &legend,
        "units / quarter",
    )
}

/// Each buyer's demand (median) and unmet demand (median and 90% band), in H100e.
pub fn draw_unmet<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
) -> DrawResult<DB> {
    let mut rows: std::collections::HashMap<(&str, &str), Vec<Stats>> =
        std::collections::HashMap::new();
    for r in s.buyer_rows.iter().filter(|r| r.chip == "all") {
        rows.entry((r.buyer.as_str(), r.metric.as_str()))
            .or_default()
            .push(r.stats);
    }
    let series = |b: &str, metric: &str| {
        rows.get(&(b, metric))
            .cloned()
            .unwrap_or_else(|| vec![Stats::default(); s.quarters.len()])
    };
    let panels: Vec<Panel> = s
        .buyers
        .iter()
        .map(|b| Panel {
            title: panel_title(&b.name, &display_name(&b.id)),
            lines: vec![
                (series(&b.id, "demand_h100e"), Key::Dashed(TEXT)),
                (series(&b.id, "unmet_h100e"), Key::Line(UNMET, 3)),
            ],
            band: Some((series(&b.id, "unmet_h100e"), UNMET)),
        })
        .collect();
    let title = format!("Unmet demand by buyer, {}", super::data::horizon(s));
    let subtitle = format!(
        "Scenario {}: compute per quarter (H100e) wanted but not delivered, over {} runs",
        s.metadata.scenario, s.metadata.runs
    );
    let legend = vec![
        Entry::new(Key::Dashed(TEXT), "Demand (median)"),
        Entry::new(Key::Line(UNMET, 3), "Unmet (median)"),
        Entry::new(Key::Fill(style::lighter(UNMET, 0.7)), "Unmet, 90% of runs"),
    ];
    draw_panels(
        root,
        s,
        &title,
        &subtitle,
        &panels,
        &legend,
        "H100e / quarter",
    )
}

/// A name short enough for a panel: as given, without a trailing "(...)", or else `short`.
fn panel_title(name: &str, short: &str) -> String {
    const MAX: usize = 26;
    let trimmed = name.split(" (").next().unwrap_or(name);
    [name, trimmed, short]
        .into_iter()
        .find(|t| t.chars().count() <= MAX)
        .unwrap_or(short)
        .to_string()
}

fn draw_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
    title: &str,
    subtitle: &str,
    panels: &[Panel],
    legend: &[Entry],
    unit: &str,
) -> DrawResult<DB> {
    let body = frame::page(root, title, subtitle)?;
    let (plot, side) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
    let (cols, rows) = grid(panels.len());
    let (plot, _) = plot.split_vertically(rows as u32 * PANEL_HEIGHT);
    for (panel, area) in panels.iter().zip(plot.split_evenly((rows, cols))) {
        draw_panel(&area, s, panel, unit)?;
    }
    frame::legend(&side, 24, legend)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Summary,
    p: &Panel,
    unit: &str,
) -> DrawResult<DB> {
    let band_top = p.band.iter().flat_map(|(x, _)| x.iter().map(|st| st.p95));
    let max = p
        .lines
        .iter()
        .flat_map(|(x, _)| x.iter().map(|st| st.p50))
        .chain(band_top)
        .fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, style::bold(style::TICK))
        .margin(8)
        .margin_right(18)
        .x_label_area_size(30)
        .y_label_area_size(62)
        .build_cartesian_2d(
            IndexAxis::quarters(&s.quarters, 3),
            0.0..frame::nice_ceiling(max),
        )?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| label_at(&s.quarters, *x))
        .y_labels(5)
        .y_label_formatter(&|y| frame::short_number(*y))
        .y_desc(unit)
        .y_max_light_lines(1)
        .label_style(style::text(style::SMALL))
        .axis_desc_style(style::text(style::SMALL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    if let Some((x, color)) = &p.band {
        chart.draw_series(std::iter::once(Polygon::new(
            band(x, |st| st.p05, |st| st.p95),
            style::lighter(*color, 0.7).filled(),
        )))?;
    }
    for (x, key) in &p.lines {
        match key {
            Key::Dashed(c) => {
                chart.draw_series(DashedLineSeries::new(median(x), 8, 5, c.stroke_width(2)))?
            }
            Key::Line(c, w) => chart.draw_series(LineSeries::new(median(x), c.stroke_width(*w)))?,
            _ => continue,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_hold_every_panel_in_at_most_four_columns() {
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(4), (4, 1));
        assert_eq!(grid(7), (4, 2));
        assert_eq!(grid(0), (1, 1));
    }

    #[test]
    fn long_panel_titles_are_shortened() {
        assert_eq!(panel_title("Nvidia H200", "h200"), "Nvidia H200");
        assert_eq!(
            panel_title("Huawei Ascend 950PR (Atlas 350)", "ascend_950pr"),
            "Huawei Ascend 950PR"
        );
        assert_eq!(
            panel_title(
                "State-funded data centres and public computing centres",
                "State funded"
            ),
            "State funded"
        );
    }
}
