//! Sobol indices: first-order (S1) and total (ST) variance shares of each input, with
//! Saltelli's sampling scheme and bootstrap confidence intervals.
//!
//! Sampling (Saltelli 2002; Saltelli et al. 2010): a Sobol sequence in 2k dimensions
//! (Joe-Kuo D6 direction numbers, first point skipped) gives matrices A (first k columns)
//! and B (last k); AB_i is A with column i from B. Rows are laid out as SALib's
//! `saltelli.sample(..., calc_second_order=False)` lays them out: for each base sample j,
//! A_j, then AB_j for each input in order, then B_j, so `samples.csv` can be fed to SALib's
//! `sobol.analyze`.
//!
//! Estimators, as SALib's `sobol.analyze` computes them on outputs standardized to mean 0
//! and standard deviation 1: S1_i = mean(f(B) (f(AB_i) - f(A))) / V (Saltelli et al. 2010,
//! table 2 (b)) and ST_i = mean((f(A) - f(AB_i))^2) / 2V (Jansen 1999), with V the variance
//! of f(A) and f(B) together. Confidence half-widths are 1.96 standard deviations of the
//! estimates over bootstrap resamples of the base samples.

use super::inputs::{Input, values_at};
use super::{Model, StudyError, design_rng};
use crate::model::dist::unit;

/// Bootstrap resamples for the confidence intervals.
pub const RESAMPLES: usize = 1000;
/// Most inputs: the embedded direction numbers cover 1000 dimensions (2 per input).
pub const MAX_INPUTS: usize = 500;
const Z95: f64 = 1.959_963_984_540_054;

/// Base matrices A and B in the unit cube, `samples` rows of `inputs` columns each.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub inputs: usize,
    pub samples: usize,
    pub a: Vec<Vec<f64>>,
    pub b: Vec<Vec<f64>>,
}

/// A Saltelli design for `inputs` inputs and `samples` base samples.
pub fn design(inputs: usize, samples: usize) -> Result<Design, StudyError> {
    if inputs == 0 || inputs > MAX_INPUTS {
        return Err(StudyError::Invalid(format!(
            "Sobol indices take 1 to {MAX_INPUTS} inputs (got {inputs})"
        )));
    }
    if samples < 2 {
        return Err(StudyError::Invalid(
            "Sobol indices need at least 2 base samples".into(),
        ));
    }
    let params = sobol::params::JoeKuoD6::standard();
    let rows: Vec<Vec<f64>> = sobol::Sobol::<f64>::new(2 * inputs, &params)
        .skip(1)
        .take(samples)
        .collect();
    let a = rows.iter().map(|r| r[..inputs].to_vec()).collect();
    let b = rows.iter().map(|r| r[inputs..].to_vec()).collect();
    Ok(Design {
        inputs,
        samples,
        a,
        b,
    })
}

/// The rows of the design from base matrices `a` and `b`, in SALib's order.
fn layout(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = a.first().map_or(0, Vec::len);
    let mut rows = Vec::with_capacity(a.len() * (k + 2));
    for (aj, bj) in a.iter().zip(b) {
        rows.push(aj.clone());
        for i in 0..k {
            let mut ab = aj.clone();
            ab[i] = bj[i];
            rows.push(ab);
        }
        rows.push(bj.clone());
    }
    rows
}

impl Design {
    /// Rows per base sample: A, k mixes, B.
    pub fn step(&self) -> usize {
        self.inputs + 2
    }

    /// Every row in the unit cube.
    pub fn unit_rows(&self) -> Vec<Vec<f64>> {
        layout(&self.a, &self.b)
    }

    /// Every row as input values (each distinct coordinate mapped once).
    pub fn points(&self, inputs: &[Input]) -> Vec<Vec<f64>> {
        let map = |m: &[Vec<f64>]| m.iter().map(|u| values_at(inputs, u)).collect::<Vec<_>>();
        layout(&map(&self.a), &map(&self.b))
    }
}

/// One input's indices with their 95% confidence half-widths.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub path: String,
    pub first: f64,
    pub first_conf: f64,
    pub total: f64,
    pub total_conf: f64,
}

/// The indices of one outcome, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Indices {
    pub outcome: String,
    /// False when the outcome took one value at every row: no variance to share out (all
    /// indices are then 0).
    pub varies: bool,
    pub indices: Vec<Index>,
}

/// Indices of every outcome from the means at the design's rows (`[row][outcome]`).
pub fn analyze(
    d: &Design,
    inputs: &[Input],
    outcomes: &[String],
    means: &[Vec<f64>],
    seed: u64,
) -> Vec<Indices> {
    outcomes
        .iter()
        .enumerate()
        .map(|(o, name)| {
            let y: Vec<f64> = means.iter().map(|m| m[o]).collect();
            let (varies, est) = indices(&y, d.inputs, d.samples, seed.wrapping_add(o as u64));
            let indices = inputs
                .iter()
                .zip(est)
                .map(|(input, [first, first_conf, total, total_conf])| Index {
                    path: input.path.clone(),
                    first,
                    first_conf,
                    total,
                    total_conf,
                })
                .collect();
            Indices {
                outcome: name.clone(),
                varies,
                indices,
            }
        })
        .collect()
}

/// `[S1, S1 conf, ST, ST conf]` per input from outputs `y` in the design's row order.
pub fn indices(y: &[f64], k: usize, n: usize, seed: u64) -> (bool, Vec<[f64; 4]>) {
    let step = k + 2;
    assert_eq!(y.len(), n * step, "one output per design row");
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
    if sd.is_nan() || sd <= 0.0 || !sd.is_finite() {
        return (false, vec![[0.0; 4]; k]);
    }
    let z: Vec<f64> = y.iter().map(|v| (v - mean) / sd).collect();
    let all: Vec<usize> = (0..n).collect();
    let point: Vec<(f64, f64)> = (0..k).map(|i| estimate(&z, step, i, &all)).collect();
    let mut rng = design_rng(seed, 100);
    let mut boot = vec![Vec::with_capacity(RESAMPLES); k];
    for _ in 0..RESAMPLES {
        let pick: Vec<usize> = (0..n)
            .map(|_| ((unit(&mut rng) * n as f64) as usize).min(n - 1))
            .collect();
        for (i, b) in boot.iter_mut().enumerate() {
            b.push(estimate(&z, step, i, &pick));
        }
    }
    let conf = |xs: &[f64]| Z95 * sd_sample(xs);
    let out = (0..k)
        .map(|i| {
            let s1: Vec<f64> = boot[i].iter().map(|e| e.0).collect();
            let st: Vec<f64> = boot[i].iter().map(|e| e.1).collect();
            [point[i].0, conf(&s1), point[i].1, conf(&st)]
        })
        .collect();
    (true, out)
}

/// (S1, ST) of input `i` over the base samples `rows` (with repeats when bootstrapping).
fn estimate(z: &[f64], step: usize, i: usize, rows: &[usize]) -> (f64, f64) {
    let (mut first, mut total, mut sum, mut sum2) = (0.0, 0.0, 0.0, 0.0);
    for &j in rows {
        let (a, ab, b) = (z[j * step], z[j * step + 1 + i], z[j * step + step - 1]);
        first += b * (ab - a);
        total += (a - ab) * (a - ab);
        sum += a + b;
        sum2 += a * a + b * b;
    }
    let n = rows.len() as f64;
    let m = sum / (2.0 * n);
    let var = sum2 / (2.0 * n) - m * m;
    if var <= 0.0 {
        return (0.0, 0.0);
    }
    (first / n / var, 0.5 * total / n / var)
}

fn sd_sample(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}

/// Design, evaluate and analyze in one call.
pub fn run(
    model: &dyn Model,
    inputs: &[Input],
    outcomes: &[String],
    samples: usize,
    seed: u64,
) -> Result<Vec<Indices>, StudyError> {
    let d = design(inputs.len(), samples)?;
    let means = model.means(&d.points(inputs))?;
    Ok(analyze(&d, inputs, outcomes, &means, seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_salib_order() {
        let d = design(3, 4).unwrap();
        let rows = d.unit_rows();
        assert_eq!(rows.len(), 4 * 5);
        for j in 0..4 {
            let block = &rows[j * 5..(j + 1) * 5];
            assert_eq!(block[0], d.a[j]);
            assert_eq!(block[4], d.b[j]);
            for (i, ab) in block[1..4].iter().enumerate() {
                for (c, x) in ab.iter().enumerate() {
                    assert_eq!(*x, if c == i { d.b[j][c] } else { d.a[j][c] });
                }
            }
        }
        assert!(
            rows.iter().flatten().all(|u| *u > 0.0 && *u < 1.0),
            "the all-zero first point is skipped"
        );
    }

    #[test]
    fn a_constant_outcome_has_no_indices() {
        let (varies, est) = indices(&[2.0; 12], 2, 3, 1);
        assert!(!varies);
        assert_eq!(est, vec![[0.0; 4]; 2]);
    }
}
