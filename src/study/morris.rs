//! Morris screening: elementary effects along random one-at-a-time trajectories (Morris
//! 1991), summarized as mu* (mean absolute effect; Campolongo, Cariboni and Saltelli 2007)
//! and sigma (their spread: nonlinearity or interactions).
//!
//! The grid has `p` levels per input at the midpoints of `p` equal strata of the unit
//! interval, `(j + 0.5) / p`, so every level maps to a finite quantile even for unbounded
//! distributions; a step moves one input by Delta = 1/2 (p/2 levels), the standard choice
//! `p/(2(p-1))` of Morris' grid `j/(p-1)` under the same relabelling. Effects are the
//! outcome's change divided by the step in unit-cube coordinates, as SALib reports them.

use super::inputs::{Input, values_at};
use super::{Model, StudyError, design_rng};
use crate::model::dist::unit;

/// Grid levels per input (even).
pub const LEVELS: usize = 4;
/// Bootstrap resamples for mu*'s confidence interval.
pub const RESAMPLES: usize = 1000;
/// Two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// Trajectories in the unit cube and the input each step moves.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub inputs: usize,
    pub trajectories: usize,
    /// `trajectories * (inputs + 1)` points, trajectory by trajectory.
    pub unit: Vec<Vec<f64>>,
    /// For each trajectory's step s (from point s to s + 1): the input moved and by how much.
    pub steps: Vec<(usize, f64)>,
}

/// `trajectories` random trajectories over `inputs` inputs on a [`LEVELS`]-level grid.
pub fn design(inputs: usize, trajectories: usize, seed: u64) -> Design {
    let mut rng = design_rng(seed, 1);
    let (p, half) = (LEVELS, LEVELS / 2);
    let level = |j: usize| (j as f64 + 0.5) / p as f64;
    let mut unit_points = Vec::with_capacity(trajectories * (inputs + 1));
    let mut steps = Vec::with_capacity(trajectories * inputs);
    for _ in 0..trajectories {
        let mut at: Vec<usize> = (0..inputs)
            .map(|_| ((unit(&mut rng) * p as f64) as usize).min(p - 1))
            .collect();
        let mut order: Vec<usize> = (0..inputs).collect();
        for i in (1..inputs).rev() {
            order.swap(i, ((unit(&mut rng) * (i + 1) as f64) as usize).min(i));
        }
        unit_points.push(at.iter().map(|&j| level(j)).collect());
        for &i in &order {
            let before = at[i];
            at[i] = if before < half {
                before + half
            } else {
                before - half
            };
            steps.push((i, level(at[i]) - level(before)));
            unit_points.push(at.iter().map(|&j| level(j)).collect());
        }
    }
    Design {
        inputs,
        trajectories,
        unit: unit_points,
        steps,
    }
}

impl Design {
    /// The design's points as input values.
    pub fn points(&self, inputs: &[Input]) -> Vec<Vec<f64>> {
        self.unit.iter().map(|u| values_at(inputs, u)).collect()
    }

    /// Each input's elementary effects on outcome `o`, one per trajectory.
    pub fn effects(&self, means: &[Vec<f64>], o: usize) -> Vec<Vec<f64>> {
        let k = self.inputs;
        let mut effects = vec![Vec::with_capacity(self.trajectories); k];
        for t in 0..self.trajectories {
            for s in 0..k {
                let (i, delta) = self.steps[t * k + s];
                let at = t * (k + 1) + s;
                effects[i].push((means[at + 1][o] - means[at][o]) / delta);
            }
        }
        effects
    }
}

/// One input's screening measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub path: String,
    pub mu: f64,
    pub mu_star: f64,
    /// Half-width of mu*'s bootstrap 95% interval.
    pub mu_star_conf: f64,
    pub sigma: f64,
}

/// Morris measures of one outcome, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    pub outcome: String,
    pub effects: Vec<Effect>,
}

/// Screening of every outcome from the means at the design's points (`[point][outcome]`).
pub fn analyze(
    d: &Design,
    inputs: &[Input],
    outcomes: &[String],
    means: &[Vec<f64>],
    seed: u64,
) -> Vec<Screening> {
    outcomes
        .iter()
        .enumerate()
        .map(|(o, name)| {
            let mut rng = design_rng(seed, 2 + o as u64);
            let effects = d
                .effects(means, o)
                .iter()
                .zip(inputs)
                .map(|(ee, input)| {
                    let n = ee.len() as f64;
                    let mu = ee.iter().sum::<f64>() / n;
                    let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / n;
                    let sigma = if ee.len() > 1 {
                        (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
                    } else {
                        0.0
                    };
                    let boot: Vec<f64> = (0..RESAMPLES)
                        .map(|_| {
                            (0..ee.len())
                                .map(|_| {
                                    ee[((unit(&mut rng) * n) as usize).min(ee.len() - 1)].abs()
                                })
                                .sum::<f64>()
                                / n
                        })
                        .collect();
                    Effect {
                        path: input.path.clone(),
                        mu,
                        mu_star,
                        mu_star_conf: Z95 * sd(&boot),
                        sigma,
                    }
                })
                .collect();
            Screening {
                outcome: name.clone(),
                effects,
            }
        })
        .collect()
}

fn sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}

/// Design, evaluate and analyze in one call.
pub fn run(
    model: &dyn Model,
    inputs: &[Input],
    outcomes: &[String],
    trajectories: usize,
    seed: u64,
) -> Result<Vec<Screening>, StudyError> {
    let d = design(inputs.len(), trajectories, seed);
    let means = model.means(&d.points(inputs))?;
    Ok(analyze(&d, inputs, outcomes, &means, seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_move_one_input_at_a_time_on_the_grid() {
        let d = design(5, 20, 3);
        assert_eq!(d.unit.len(), 20 * 6);
        for t in 0..20 {
            let mut moved = [false; 5];
            for s in 0..5 {
                let (a, b) = (&d.unit[t * 6 + s], &d.unit[t * 6 + s + 1]);
                let diff: Vec<usize> = (0..5).filter(|&i| a[i] != b[i]).collect();
                let (i, delta) = d.steps[t * 5 + s];
                assert_eq!(diff, vec![i]);
                assert_eq!((b[i] - a[i]).abs(), 0.5);
                assert_eq!(b[i] - a[i], delta);
                moved[i] = true;
            }
            assert!(
                moved.iter().all(|m| *m),
                "every input moves once per trajectory"
            );
        }
        assert!(
            d.unit
                .iter()
                .flatten()
                .all(|u| [0.125, 0.375, 0.625, 0.875].contains(u))
        );
        assert_eq!(design(5, 20, 3), d);
    }
}
