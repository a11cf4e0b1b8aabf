//! Charts drawn from a [`Summary`], never from the engine: market share with the policy
//! timeline, fan charts per vendor, buyers' sources, supply and unmet demand, and scenario
//! comparisons. Every chart draws on any plotters backend; [`render_svg`] gives a string (for
//! tests and the HTML report), [`render_png`] a file at slide size.
//!
//! Text uses DejaVu Sans compiled into the binary (plotters' `ab_glyph` backend), so no
//! system font or fontconfig is needed, and the same summary gives the same bytes.

mod axis;
mod buyers;
pub mod calibration;
pub mod compare;
mod data;
mod fan;
mod frame;
mod share;
pub mod study;
mod style;
mod supply;
#[cfg(test)]
pub(crate) mod testdata;
mod text;

pub use compare::Named;
pub use data::{display_name, metric_label};

use crate::stats::summary::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use text::GlyphText;

/// Why a chart could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("cannot draw the chart {chart}: {message}")]
    Draw { chart: String, message: String },
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Incompatible(String),
}

/// A chart of one summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chart {
    /// Stacked shares by vendor with the policy strip; the metric is `compute_share`,
    /// `units_share` or `revenue_share`.
    Share(&'static str),
    /// Median and 50%/90% bands of a vendor's compute share (`domestic` for all together).
    Fan(String),
    /// Each buyer's compute by vendor and channel, over the horizon or in one year.
    Buyers(Option<String>),
    /// Ordered, delivered and supplied units of each capacity-bound chip.
    Supply,
    /// Each buyer's demand and unmet demand.
    Unmet,
}

impl Chart {
    /// Every chart `exportsim run` writes for `s`, in report order.
    pub fn all(s: &Summary) -> Vec<Chart> {
        let mut charts = vec![Chart::Share("compute_share")];
        charts.extend(s.vendors.iter().map(|v| Chart::Fan(v.id.clone())));
        charts.push(Chart::Fan(data::DOMESTIC.into()));
        charts.extend([
            Chart::Share("units_share"),
            Chart::Share("revenue_share"),
            Chart::Buyers(None),
        ]);
        if s.chips.iter().any(|c| c.capacity_bound) {
            charts.push(Chart::Supply);
        }
        charts.push(Chart::Unmet);
        charts
    }

    /// The file name without extension: `share_compute`, `fan_nvidia`, `buyers_2027`, ...
    pub fn name(&self) -> String {
        match self {
            Chart::Share(metric) => format!("share_{}", metric.trim_end_matches("_share")),
            Chart::Fan(vendor) => format!("fan_{vendor}"),
            Chart::Buyers(None) => "buyers".into(),
            Chart::Buyers(Some(year)) => format!("buyers_{year}"),
            Chart::Supply => "supply".into(),
            Chart::Unmet => "unmet".into(),
        }
    }

    /// Size in pixels (PNG) or SVG units; at least 1200 x 700.
    pub fn size(&self, s: &Summary) -> (u32, u32) {
        match self {
            Chart::Share(_) => (share::WIDTH, share::height(s)),
            Chart::Fan(_) => fan::SIZE,
            Chart::Buyers(_) => buyers::SIZE,
            Chart::Supply => (
                supply::WIDTH,
                supply::height(s.chips.iter().filter(|c| c.capacity_bound).count()).max(700),
            ),
            Chart::Unmet => (supply::WIDTH, supply::height(s.buyers.len()).max(700)),
        }
    }

    /// Draws the chart on `root`, which must be [`Chart::size`].
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        s: &Summary,
    ) -> frame::DrawResult<DB> {
        match self {
            Chart::Share(metric) => share::draw(root, s, metric),
            Chart::Fan(vendor) => fan::draw(root, s, vendor, "compute_share"),
            Chart::Buyers(year) => buyers::draw(root, s, year.as_deref()),
            Chart::Supply => supply::draw_supply(root, s),
            Chart::Unmet => supply::draw_unmet(root, s),
        }
    }
}

fn draw_error(chart: &str, e: impl std::fmt::Display) -> PlotError {
    PlotError::Draw {
        chart: chart.into(),
        message: e.to_string(),
    }
}

/// Draws on an SVG string of `size` with `draw`.
fn svg_with<F>(name: &str, size: (u32, u32), draw: F) -> Result<String, PlotError>
where
    F: for<'b> FnOnce(&DrawingArea<SVGBackend<'b>, Shift>) -> frame::DrawResult<SVGBackend<'b>>,
{
    style::register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root).map_err(|e| draw_error(name, e))?;
        root.present().map_err(|e| draw_error(name, e))?;
    }
    Ok(svg)
}

/// Draws a PNG file of `size` at `path` with `draw`.
fn png_with<F>(name: &str, size: (u32, u32), path: &Path, draw: F) -> Result<(), PlotError>
where
    F: for<'b> FnOnce(
        &DrawingArea<GlyphText<BitMapBackend<'b>>, Shift>,
    ) -> frame::DrawResult<GlyphText<BitMapBackend<'b>>>,
{
    style::register_font();
    let root = GlyphText(BitMapBackend::new(path, size)).into_drawing_area();
    draw(&root).map_err(|e| draw_error(name, e))?;
    root.present().map_err(|e| draw_error(name, e))
}

/// The chart as an SVG document.
pub fn render_svg(chart: &Chart, s: &Summary) -> Result<String, PlotError> {
    svg_with(&chart.name(), chart.size(s), |root| chart.draw(root, s))
}

/// The chart as a PNG file at `path`.
pub fn render_png(chart: &Chart, s: &Summary, path: &Path) -> Result<(), PlotError> {
    png_with(&chart.name(), chart.size(s), path, |root| {
        chart.draw(root, s)
    })
}

/// A comparison of scenarios as an SVG document; see [`compare::check`].
pub fn compare_svg(runs: &[Named], vendor: &str, metric: &str) -> Result<String, PlotError> {
    compare::check(runs, vendor, metric)?;
    svg_with("compare", compare::SIZE, |root| {
        compare::draw(root, runs, vendor, metric)
    })
}

/// A comparison of scenarios as a PNG file; see [`compare::check`].
pub fn compare_png(
    runs: &[Named],
    vendor: &str,
    metric: &str,
    path: &Path,
) -> Result<(), PlotError> {
    compare::check(runs, vendor, metric)?;
    png_with("compare", compare::SIZE, path, |root| {
        compare::draw(root, runs, vendor, metric)
    })
}

/// One chart written to disk, with its SVG text (for the report).
pub struct Rendered {
    pub chart: Chart,
    pub svg: String,
}

/// Writes `charts` into `dir` as `<name>.png` and `<name>.svg`, in parallel.
pub fn write_charts(
    s: &Summary,
    charts: Vec<Chart>,
    dir: &Path,
) -> Result<Vec<Rendered>, PlotError> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(|source| PlotError::Io {
        path: dir.into(),
        source,
    })?;
    charts
        .into_par_iter()
        .map(|chart| {
            let svg = render_svg(&chart, s)?;
            let path = dir.join(format!("{}.svg", chart.name()));
            std::fs::write(&path, &svg).map_err(|source| PlotError::Io { path, source })?;
            render_png(&chart, s, &dir.join(format!("{}.png", chart.name())))?;
            Ok(Rendered { chart, svg })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_renders_at_slide_size_or_larger() {
        let s = testdata::summary();
        for chart in Chart::all(&s) {
            let (w, h) = chart.size(&s);
            assert!(w >= 1200 && h >= 700, "{} is {w}x{h}", chart.name());
            let svg = render_svg(&chart, &s).unwrap();
            assert!(
                svg.starts_with("<svg") && svg.contains("synthetic"),
                "{}",
                chart.name()
            );
        }
    }

    #[test]
    fn share_chart_has_every_vendor_policy_and_quarter_label() {
        let s = testdata::summary();
        let svg = render_svg(&Chart::Share("compute_share"), &s).unwrap();
        for text in [
            "Nvidia",
            "Huawei",
            "Cambricon",
            "us_rule",
            "bj_guidance",
            "in 50% of runs",
            "2024Q1",
            "2025Q1",
            "100%",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        // One filled polygon per vendor, in the vendor's colour.
        assert!(svg.contains("#76B900") && svg.contains("#C7000B"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let s = testdata::summary();
        for chart in [
            Chart::Share("units_share"),
            Chart::Buyers(Some("2025".into())),
            Chart::Unmet,
        ] {
            assert_eq!(
                render_svg(&chart, &s).unwrap(),
                render_svg(&chart, &s).unwrap()
            );
        }
    }
}
