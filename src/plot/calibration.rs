//! The chart of a calibration: for each fitted parameter, its prior density (grey) against
//! the weighted posterior sample (blue), with the posterior median and 90% interval. Drawn
//! from the calibration's result, never from the engine; same page, font and legend column
//! as the other charts.

use super::frame::{self, DrawResult, Entry, Key, LEGEND_WIDTH};
use super::study::{padded, value_label};
use super::style::{self, GRID_BOLD, GRID_LIGHT};
use super::{PlotError, png_with, svg_with};
use crate::model::Distribution;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::path::Path;

const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const PRIOR: RGBColor = RGBColor(0x77, 0x77, 0x77);
/// Histogram bins per panel.
const BINS: usize = 30;
/// Quasi-random prior points per panel (the prior histogram is exact to about 1/this).
const PRIOR_POINTS: usize = 6000;
const PANEL_HEIGHT: u32 = 380;

/// One parameter: its prior and its weighted posterior sample `(value, weight)`.
#[derive(Debug, Clone)]
pub struct Panel {
    pub path: String,
    pub prior: Distribution,
    pub posterior: Vec<(f64, f64)>,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

fn columns(n: usize) -> usize {
    if n <= 1 { 1 } else { 2 }
}

/// Size in pixels: 1400 wide, one row of panels per two parameters.
pub fn size(panels: &[Panel]) -> (u32, u32) {
    let rows = panels.len().div_ceil(columns(panels.len())).max(1) as u32;
    (1400, (92 + rows * PANEL_HEIGHT + 20).max(700))
}

/// The chart as an SVG document; `subtitle` says what was run.
pub fn render_svg(panels: &[Panel], subtitle: &str) -> Result<String, PlotError> {
    svg_with("prior_posterior", size(panels), |root| {
        draw(root, panels, subtitle)
    })
}

/// The chart as a PNG file at `path`.
pub fn render_png(panels: &[Panel], subtitle: &str, path: &Path) -> Result<(), PlotError> {
    png_with("prior_posterior", size(panels), path, |root| {
        draw(root, panels, subtitle)
    })
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[Panel],
    subtitle: &str,
) -> DrawResult<DB> {
    let body = frame::page(
        root,
        "Calibration: prior and posterior of each fitted parameter",
        subtitle,
    )?;
    let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 - LEGEND_WIDTH);
    let cols = columns(panels.len());
    let rows = panels.len().div_ceil(cols).max(1);
    let (_, height) = plot.dim_in_pixel();
    let (grid, _) = plot.split_vertically(rows as u32 * PANEL_HEIGHT.min(height / rows as u32));
    for (area, panel) in grid.split_evenly((rows, cols)).iter().zip(panels) {
        draw_panel(area, panel)?;
    }
    let entries = [
        Entry::new(Key::Line(PRIOR, 2), "Prior density"),
        Entry::new(Key::Fill(style::lighter(BLUE, 0.45)), "Posterior density"),
        Entry::new(Key::Note, "(weighted sample)"),
        Entry::new(Key::Line(BLUE, 3), "Posterior median"),
        Entry::new(Key::Dashed(BLUE), "Posterior 90%"),
    ];
    frame::legend(&side, 24, &entries)
}

/// The x range of a panel: the prior's 0.1% to 99.9% quantiles, widened to the sample.
fn x_range(p: &Panel) -> (f64, f64) {
    let (mut lo, mut hi) = (p.prior.quantile(0.001), p.prior.quantile(0.999));
    for (x, _) in &p.posterior {
        lo = lo.min(*x);
        hi = hi.max(*x);
    }
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}

/// Densities per bin of the prior and the posterior over [lo, hi].
fn histograms(p: &Panel, lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let width = (hi - lo) / BINS as f64;
    let bin = |x: f64| (((x - lo) / width).floor().max(0.0) as usize).min(BINS - 1);
    let mut prior = vec![0.0; BINS];
    for k in 0..PRIOR_POINTS {
        let x = p.prior.quantile((k as f64 + 0.5) / PRIOR_POINTS as f64);
        if (lo..=hi).contains(&x) {
            prior[bin(x)] += 1.0 / PRIOR_POINTS as f64 / width;
        }
    }
    let total: f64 = p.posterior.iter().map(|(_, w)| w).sum();
    let mut post = vec![0.0; BINS];
    for (x, w) in &p.posterior {
        post[bin(*x)] += w / total.max(f64::MIN_POSITIVE) / width;
    }
    (prior, post)
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult<DB> {
    let (lo, hi) = x_range(p);
    let (prior, post) = histograms(p, lo, hi);
    let top = prior.iter().chain(&post).fold(0.0_f64, |a, b| a.max(*b));
    let (_, y1) = padded(0.0, top, false);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.path, style::bold(style::LABEL))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(lo..hi, 0.0..y1)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| value_label(*x, false))
        .y_label_formatter(&|y| value_label(*y, false))
        .y_desc("density")
        .label_style(style::text(style::SMALL))
        .axis_desc_style(style::text(style::SMALL))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .draw()?;
    let width = (hi - lo) / BINS as f64;
    let bar = |i: usize, h: f64, c: RGBColor| {
        let x0 = lo + i as f64 * width;
        Rectangle::new([(x0, 0.0), (x0 + width, h)], c.filled())
    };
    chart.draw_series(
        prior
            .iter()
            .enumerate()
            .map(|(i, h)| bar(i, *h, style::lighter(PRIOR, 0.6))),
    )?;
    chart.draw_series(
        post.iter()
            .enumerate()
            .map(|(i, h)| bar(i, *h, style::lighter(BLUE, 0.45))),
    )?;
    // The prior again as an outline, so it shows where the posterior covers it.
    let steps = prior.iter().enumerate().flat_map(|(i, h)| {
        let x0 = lo + i as f64 * width;
        [(x0, *h), (x0 + width, *h)]
    });
    chart.draw_series(std::iter::once(PathElement::new(
        steps.collect::<Vec<_>>(),
        PRIOR.stroke_width(2),
    )))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(p.p50, 0.0), (p.p50, y1)],
        BLUE.stroke_width(3),
    )))?;
    for x in [p.p05, p.p95] {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x, 0.0), (x, y1)],
            8,
            5,
            BLUE.stroke_width(2),
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DistSpec;

    #[test]
    fn draws_prior_and_posterior_for_each_parameter() {
        let prior = Distribution::new(DistSpec::Uniform { min: 0.0, max: 4.0 }).unwrap();
        let posterior: Vec<(f64, f64)> = (0..100).map(|i| (1.0 + i as f64 / 100.0, 0.01)).collect();
        let panel = Panel {
            path: "buyer.a.price_sensitivity".into(),
            prior,
            posterior,
            p05: 1.05,
            p50: 1.5,
            p95: 1.95,
        };
        let (prior_density, post_density) = histograms(&panel, 0.0, 4.0);
        let mass = |h: &[f64]| h.iter().sum::<f64>() * 4.0 / BINS as f64;
        assert!(
            (mass(&prior_density) - 1.0).abs() < 1e-9 && (mass(&post_density) - 1.0).abs() < 1e-9
        );
        let panels = vec![
            panel.clone(),
            Panel {
                path: "model.taste_sd".into(),
                ..panel
            },
        ];
        let svg = render_svg(&panels, "Scenario test, seed 1").unwrap();
        for text in [
            "buyer.a.price_sensitivity",
            "model.taste_sd",
            "Prior density",
            "Posterior median",
            "seed 1",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert_eq!(size(&panels), (1400, 700));
    }
}
