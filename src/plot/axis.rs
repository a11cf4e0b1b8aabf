//! An axis over positions 0..len (quarters or bars) whose labelled ticks are chosen by us, not
//! by plotters' "nice numbers": quarters are labelled `2024Q1`, one label every 1, 2 or 4
//! quarters so they never collide; light grid lines fall on every position.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use std::ops::Range;

/// Positions `0..len` mapped onto the pixel range, with `pad` positions of air at each end.
#[derive(Debug, Clone)]
pub struct IndexAxis {
    len: usize,
    pad: f64,
    ticks: Vec<usize>,
}

impl IndexAxis {
    /// An axis over `labels.len()` quarters, ticked at every `step`-th quarter counted from
    /// the first Q1 (or from the start when steps are shorter than a year).
    pub fn quarters(labels: &[String], max_labels: usize) -> IndexAxis {
        let step = quarter_step(labels.len(), max_labels);
        let first = if step % 4 == 0 {
            labels.iter().position(|q| q.ends_with("Q1")).unwrap_or(0)
        } else {
            0
        };
        let ticks = (first..labels.len()).step_by(step).collect();
        IndexAxis {
            len: labels.len(),
            pad: 0.0,
            ticks,
        }
    }

    /// An axis of `len` categories (bars), each labelled, with half a bar of air at each end.
    pub fn categories(len: usize) -> IndexAxis {
        IndexAxis {
            len,
            pad: 0.5,
            ticks: (0..len).collect(),
        }
    }

    /// The labelled positions.
    #[cfg(test)]
    pub fn ticks(&self) -> &[usize] {
        &self.ticks
    }

    fn start(&self) -> f64 {
        -self.pad
    }

    fn end(&self) -> f64 {
        (self.len.max(2) - 1) as f64 + self.pad
    }
}

/// The smallest step in {1, 2, 4, 8, ...} that keeps the labels to `max_labels` at most.
fn quarter_step(len: usize, max_labels: usize) -> usize {
    let mut step = 1;
    while len.div_ceil(step) > max_labels.max(1) {
        step *= 2;
    }
    step
}

impl Ranged for IndexAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = (value - self.start()) / (self.end() - self.start());
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() && self.pad == 0.0 {
            (0..self.len).map(|i| i as f64).collect()
        } else {
            self.ticks.iter().map(|&i| i as f64).collect()
        }
    }

    fn range(&self) -> Range<f64> {
        self.start()..self.end()
    }
}

/// The label at position `x` (rounded), or nothing between positions.
pub fn label_at(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quarters(start_year: i32, first_q: u8, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let k = usize::from(first_q - 1) + i;
                format!("{}Q{}", start_year + (k / 4) as i32, k % 4 + 1)
            })
            .collect()
    }

    #[test]
    fn long_horizons_are_labelled_at_each_q1() {
        let q = quarters(2022, 3, 30);
        let axis = IndexAxis::quarters(&q, 12);
        let labels: Vec<&str> = axis.ticks().iter().map(|&i| q[i].as_str()).collect();
        assert_eq!(labels.first(), Some(&"2023Q1"));
        assert!(labels.iter().all(|l| l.ends_with("Q1")), "{labels:?}");
        assert!(labels.len() <= 12);
    }

    #[test]
    fn short_horizons_label_every_quarter() {
        let q = quarters(2024, 1, 8);
        assert_eq!(IndexAxis::quarters(&q, 12).ticks().len(), 8);
    }

    #[test]
    fn positions_map_to_both_ends_of_the_pixel_range() {
        let axis = IndexAxis::quarters(&quarters(2024, 1, 8), 12);
        assert_eq!(axis.map(&0.0, (100, 900)), 100);
        assert_eq!(axis.map(&7.0, (100, 900)), 900);
        let bars = IndexAxis::categories(4);
        assert_eq!(bars.map(&-0.5, (0, 400)), 0);
        assert_eq!(bars.map(&1.5, (0, 400)), 200);
    }

    #[test]
    fn labels_only_at_whole_positions() {
        let q = quarters(2024, 1, 4);
        assert_eq!(label_at(&q, 2.0), "2024Q3");
        assert_eq!(label_at(&q, 2.5), "");
        assert_eq!(label_at(&q, 9.0), "");
    }
}
