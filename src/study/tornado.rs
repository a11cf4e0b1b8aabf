//! Tornado (one-at-a-time) sensitivity: every input at its median, then each input in turn
//! at its 10th and 90th percentile; bars sorted by the swing of the outcome's mean.

use super::inputs::Input;
use super::{Model, StudyError};

/// The quantiles each input is set to.
pub const LOW: f64 = 0.1;
pub const HIGH: f64 = 0.9;

/// One input's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub path: String,
    /// The input's 10th and 90th percentiles.
    pub low_input: f64,
    pub high_input: f64,
    /// The outcome's mean with the input at its low and high value.
    pub low: f64,
    pub high: f64,
}

impl Bar {
    pub fn swing(&self) -> f64 {
        (self.high - self.low).abs()
    }
}

/// A tornado of one outcome: the base (every input at its median) and bars, widest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub outcome: String,
    pub base: f64,
    pub bars: Vec<Bar>,
}

/// The study's points: all medians first, then for each input its low and high point.
pub fn design(inputs: &[Input]) -> Vec<Vec<f64>> {
    let medians: Vec<f64> = inputs.iter().map(|i| i.value_at(0.5)).collect();
    let mut points = vec![medians.clone()];
    for (k, input) in inputs.iter().enumerate() {
        for q in [LOW, HIGH] {
            let mut p = medians.clone();
            p[k] = input.value_at(q);
            points.push(p);
        }
    }
    points
}

/// The tornado of each outcome from the means at the [`design`] points (`[point][outcome]`).
pub fn analyze(inputs: &[Input], outcomes: &[String], means: &[Vec<f64>]) -> Vec<Tornado> {
    outcomes
        .iter()
        .enumerate()
        .map(|(o, name)| {
            let mut bars: Vec<Bar> = inputs
                .iter()
                .enumerate()
                .map(|(k, input)| Bar {
                    path: input.path.clone(),
                    low_input: input.value_at(LOW),
                    high_input: input.value_at(HIGH),
                    low: means[1 + 2 * k][o],
                    high: means[2 + 2 * k][o],
                })
                .collect();
            // Stable sort: equal swings keep the inputs' order.
            bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
            Tornado {
                outcome: name.clone(),
                base: means[0][o],
                bars,
            }
        })
        .collect()
}

/// Design, evaluate and analyze in one call.
pub fn run(
    model: &dyn Model,
    inputs: &[Input],
    outcomes: &[String],
) -> Result<Vec<Tornado>, StudyError> {
    let means = model.means(&design(inputs))?;
    Ok(analyze(inputs, outcomes, &means))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DistSpec, Distribution};
    use crate::study::FnModel;

    #[test]
    fn bars_are_sorted_by_swing() {
        let u =
            |lo: f64, hi: f64| Distribution::new(DistSpec::Uniform { min: lo, max: hi }).unwrap();
        let inputs = vec![
            Input::new("a", u(0.0, 10.0)),
            Input::new("b", u(0.0, 1.0)),
            Input::new("c", u(-1.0, 1.0)),
        ];
        let model = FnModel(|x: &[f64]| x[0] + 100.0 * x[1] - 3.0 * x[2]);
        let t = &run(&model, &inputs, &["y".into()]).unwrap()[0];
        assert_eq!(t.base, 5.0 + 50.0);
        let order: Vec<&str> = t.bars.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(order, ["b", "a", "c"]);
        let b = &t.bars[0];
        assert!((b.low_input - 0.1).abs() < 1e-12 && (b.high_input - 0.9).abs() < 1e-12);
        assert!((b.swing() - 80.0).abs() < 1e-9);
        // Decreasing in c: its high input gives the lower outcome.
        assert!(t.bars[2].high < t.bars[2].low);
    }
}
