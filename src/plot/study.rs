//! Charts of studies, drawn from their results (never from the engine): a sweep as a line
//! with 50%/90% bands (one parameter) or a heatmap (two), a tornado, Morris' mu*-sigma plane
//! and Sobol indices with their confidence intervals. Same page, font and legend column as
//! the market charts.

mod sensitivity;
mod sweep;

use super::frame::DrawResult;
use super::{PlotError, png_with, svg_with};
pub use crate::display::{is_share, value_label};
use crate::study::morris::Screening;
use crate::study::sobol::Indices;
use crate::study::sweep::SweepResult;
use crate::study::tornado::Tornado;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Most bars or labelled points a sensitivity chart shows (the CSV has them all).
pub const MAX_BARS: usize = 20;

/// One chart of a study. The `&str` starts the subtitle: what was run, e.g. "Scenario
/// baseline, seed 1, common random numbers".
#[derive(Debug, Clone, Copy)]
pub enum StudyChart<'a> {
    /// Outcome `usize` of a one-parameter sweep.
    Line(&'a SweepResult, usize, &'a str),
    /// Outcome `usize` of a two-parameter sweep.
    Heatmap(&'a SweepResult, usize, &'a str),
    Tornado(&'a Tornado, &'a str),
    Morris(&'a Screening, &'a str),
    Sobol(&'a Indices, &'a str),
}

impl StudyChart<'_> {
    /// Size in pixels; at least 1200 x 700, taller for long bar lists.
    pub fn size(&self) -> (u32, u32) {
        match self {
            StudyChart::Line(..) | StudyChart::Heatmap(..) | StudyChart::Morris(..) => (1400, 850),
            StudyChart::Tornado(t, _) => (1400, sensitivity::bars_height(t.bars.len())),
            StudyChart::Sobol(ix, _) => (1400, sensitivity::bars_height(ix.indices.len())),
        }
    }

    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        match *self {
            StudyChart::Line(r, o, s) => sweep::line(root, r, o, s),
            StudyChart::Heatmap(r, o, s) => sweep::heatmap(root, r, o, s),
            StudyChart::Tornado(t, s) => sensitivity::tornado(root, t, s),
            StudyChart::Morris(m, s) => sensitivity::morris(root, m, s),
            StudyChart::Sobol(ix, s) => sensitivity::sobol(root, ix, s),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            StudyChart::Line(..) | StudyChart::Heatmap(..) => "sweep",
            StudyChart::Tornado(..) => "tornado",
            StudyChart::Morris(..) => "morris",
            StudyChart::Sobol(..) => "sobol",
        }
    }
}

/// The chart as an SVG document.
pub fn render_svg(chart: &StudyChart) -> Result<String, PlotError> {
    svg_with(chart.kind(), chart.size(), |root| chart.draw(root))
}

/// The chart as a PNG file at `path`.
pub fn render_png(chart: &StudyChart, path: &Path) -> Result<(), PlotError> {
    png_with(chart.kind(), chart.size(), path, |root| chart.draw(root))
}

/// Writes `charts` into `dir` as `<kind>.png`, or `<kind>_1.png`, `<kind>_2.png`, ... (one
/// per outcome) when there are several; returns the paths.
pub fn write_pngs(charts: &[StudyChart], dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let mut paths = Vec::new();
    for (i, chart) in charts.iter().enumerate() {
        let name = if charts.len() == 1 {
            chart.kind().to_string()
        } else {
            format!("{}_{}", chart.kind(), i + 1)
        };
        let path = dir.join(format!("{name}.png"));
        render_png(chart, &path)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Sweep charts, one per outcome: lines for one parameter, heatmaps for two.
pub fn sweep_charts<'a>(r: &'a SweepResult, context: &'a str) -> Vec<StudyChart<'a>> {
    (0..r.outcomes.len())
        .map(|o| {
            if r.params.len() == 1 {
                StudyChart::Line(r, o, context)
            } else {
                StudyChart::Heatmap(r, o, context)
            }
        })
        .collect()
}

/// Labels for the values of a swept parameter: the fewest decimals (up to 6) that tell
/// every value apart and put each within 1% of the smallest gap between values.
pub fn axis_labels(values: &[f64]) -> Vec<String> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let gap = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|g| *g > 0.0)
        .fold(f64::INFINITY, f64::min);
    let tolerance = if gap.is_finite() { 0.01 * gap } else { 1e-9 };
    let fits = |d: usize| {
        values
            .iter()
            .all(|v| (format!("{v:.d$}").parse::<f64>().unwrap_or(f64::NAN) - v).abs() <= tolerance)
    };
    let decimals = (0..=6).find(|d| fits(*d)).unwrap_or(6);
    values.iter().map(|v| format!("{v:.decimals$}")).collect()
}

/// A range around [lo, hi] with 6% air on each side (and never below 0 for non-negative
/// data, nor above 100% for shares).
pub fn padded(lo: f64, hi: f64, share: bool) -> (f64, f64) {
    let span = if hi > lo {
        hi - lo
    } else {
        lo.abs().max(1.0) * 0.1
    };
    let (mut a, mut b) = (lo - 0.06 * span, hi + 0.06 * span);
    if lo >= 0.0 {
        a = a.max(0.0);
    }
    if share && hi <= 1.0 {
        b = b.min(1.0);
    }
    (a, b)
}

/// Viridis (van der Walt and Smith, matplotlib), perceptually uniform and colour-blind
/// safe, from five anchors: t in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const ANCHORS: [(u8, u8, u8); 5] = [
        (0x44, 0x01, 0x54),
        (0x3B, 0x52, 0x8B),
        (0x21, 0x91, 0x8C),
        (0x5E, 0xC9, 0x62),
        (0xFD, 0xE7, 0x25),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    } * 4.0;
    let i = (t.floor() as usize).min(3);
    let f = t - i as f64;
    let (a, b) = (ANCHORS[i], ANCHORS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + f * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests;
