//! Where each buyer's compute came from: one bar per buyer, stacked by vendor and delivery
//! channel (legal, licensed, grey), over the whole horizon or one year. Bars show shares of
//! the buyer's own compute; the total is written above each bar.

use super::axis::{IndexAxis, label_at};
use super::data::{display_name, vendors_us_first};
use super::fan::TimeChart;
use super::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use super::style::{self, GRID_BOLD, GRID_LIGHT, MUTED};
use crate::stats::summary::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashMap;

pub const SIZE: (u32, u32) = (1400, 800);
pub const CHANNELS: [&str; 3] = ["legal", "licensed", "grey"];

/// One buyer's compute delivered (H100e, mean over runs) per (vendor, channel), in stacking
/// order, and its total.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    pub buyer: String,
    pub parts: Vec<(String, &'static str, f64)>,
    pub total: f64,
}

/// Each buyer's mix over the quarters of `year` (all quarters when `None`). Means add up, so
/// the mix is the expected compute from each source.
pub fn mixes(s: &Summary, year: Option<&str>) -> Vec<Mix> {
    let chips: HashMap<&str, (&str, f64)> = s
        .chips
        .iter()
        .map(|c| (c.id.as_str(), (c.vendor.as_str(), c.h100e)))
        .collect();
    let mut sums: HashMap<(&str, &str, &str), f64> = HashMap::new();
    for r in s
        .buyer_rows
        .iter()
        .filter(|r| r.metric == "delivered_units")
    {
        if year.is_some_and(|y| !r.quarter.starts_with(y)) {
            continue;
        }
        if let Some((vendor, h100e)) = chips.get(r.chip.as_str()) {
            *sums
                .entry((r.buyer.as_str(), vendor, r.channel.as_str()))
                .or_default() += r.stats.mean * h100e;
        }
    }
    let order = vendors_us_first(s);
    s.buyers
        .iter()
        .map(|b| {
            let parts: Vec<(String, &'static str, f64)> = order
                .iter()
                .flat_map(|v| CHANNELS.iter().map(move |ch| (*v, *ch)))
                .map(|(v, ch)| {
                    (
                        v.to_string(),
                        ch,
                        sums.get(&(b.id.as_str(), v, ch)).copied().unwrap_or(0.0),
                    )
                })
                .filter(|(_, _, x)| *x > 0.0)
                .collect();
            let total = parts.iter().map(|(_, _, x)| x).sum();
            Mix {
                buyer: b.id.clone(),
                parts,
                total,
            }
        })
        .collect()
}

/// Draws the buyers chart for `year`, or for the whole horizon.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
    year: Option<&str>,
) -> DrawResult<DB> {
    let period = year
        .map(str::to_string)
        .unwrap_or_else(|| super::data::horizon(s));
    let title = format!("Where each buyer's compute came from, {period}");
    let subtitle = format!(
        "Scenario {}: share of each buyer's compute delivered (H100e) by vendor and channel, mean of {} runs; total above each bar",
        s.metadata.scenario, s.metadata.runs
    );
    let body = frame::page(root, &title, &subtitle)?;
    let (plot, side) = body.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let mixes = mixes(s, year);
    let names: Vec<String> = s
        .buyers
        .iter()
        .map(|b| {
            if b.name.chars().count() <= 14 {
                b.name.clone()
            } else {
                display_name(&b.id)
            }
        })
        .collect();
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(34)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(44)
        .y_label_area_size(110)
        .build_cartesian_2d(IndexAxis::categories(names.len()), 0.0..1.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|x| label_at(&names, *x))
        .y_labels(6)
        .y_label_formatter(&|y| frame::percent(*y))
        .y_desc("Share of the buyer's compute (%)")
        .y_max_light_lines(1)
        .label_style(style::text(style::TICK))
        .axis_desc_style(style::text(style::LABEL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    for (b, mix) in mixes.iter().enumerate() {
        draw_bar(&mut chart, root, s, b as f64, mix)?;
    }
    frame::legend(&side, 24, &legend(s))
}

/// One buyer's bar at `x`: a segment per (vendor, channel), grey-market ones hatched on
/// `root` (whose pixels are the backend's), and the total above.
fn draw_bar<DB: DrawingBackend>(
    chart: &mut TimeChart<DB>,
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
    x: f64,
    mix: &Mix,
) -> DrawResult<DB> {
    let mut base = 0.0;
    for (vendor, channel, compute) in &mix.parts {
        let top = base + compute / mix.total;
        let color = style::vendor_color(s, vendor);
        let corners = [(x - 0.32, base), (x + 0.32, top)];
        chart.draw_series(std::iter::once(Rectangle::new(
            corners,
            style::channel_fill(color, channel).filled(),
        )))?;
        if *channel == "grey" {
            frame::hatch(
                root,
                chart.backend_coord(&corners[0]),
                chart.backend_coord(&corners[1]),
                color,
            )?;
        }
        base = top;
    }
    let font = style::text(style::TICK).pos(Pos::new(HPos::Center, VPos::Bottom));
    let label = format!("{} H100e", frame::short_number(mix.total));
    chart.draw_series(std::iter::once(Text::new(label, (x, 1.0), font)))?;
    Ok(())
}

fn legend(s: &Summary) -> Vec<Entry> {
    let mut entries = vec![Entry::new(Key::Heading, "Vendor")];
    for v in vendors_us_first(s).iter().rev() {
        entries.push(Entry::new(
            Key::Fill(style::vendor_color(s, v)),
            display_name(v),
        ));
    }
    entries.push(Entry::new(Key::Heading, "Channel"));
    entries.push(Entry::new(Key::Fill(MUTED), "Legal"));
    entries.push(Entry::new(
        Key::Fill(style::channel_fill(MUTED, "licensed")),
        "Licensed",
    ));
    entries.push(Entry::new(Key::Hatched(MUTED), "Grey market"));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixes_weigh_units_by_h100e_and_keep_channels_apart() {
        let s = crate::plot::testdata::summary();
        let m = mixes(&s, Some("2024"));
        let bytedance = &m[0];
        let grey: f64 = bytedance
            .parts
            .iter()
            .filter(|(_, ch, _)| *ch == "grey")
            .map(|(_, _, x)| x)
            .sum();
        assert!((grey - 4.0 * 2_000.0 * 0.15).abs() < 1e-6, "{grey}");
        assert_eq!(bytedance.parts[0].0, "nvidia");
        let sum: f64 = bytedance.parts.iter().map(|(_, _, x)| x).sum();
        assert!((sum - bytedance.total).abs() < 1e-9);
        assert!(mixes(&s, None)[0].total > bytedance.total);
    }
}
