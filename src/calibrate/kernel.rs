//! The perturbation kernel of ABC-SMC: a multivariate normal with twice the weighted
//! covariance of the previous population (Beaumont et al. 2009), held as its Cholesky factor
//! so it can be sampled and its density evaluated.

use crate::model::{DistSpec, Distribution};
use rand::Rng;

/// Added to the covariance's diagonal, so a population that has collapsed in a coordinate
/// still moves (in probit units: about 0.03 sd).
const JITTER: f64 = 1e-3;

/// N(0, 2 Sigma + jitter), factored.
#[derive(Debug, Clone, PartialEq)]
pub struct Kernel {
    /// Lower-triangular L with L L^T the covariance, row by row.
    lower: Vec<Vec<f64>>,
}

impl Kernel {
    /// Twice the weighted covariance of `points` (weights summing to 1).
    pub fn from_population(points: &[&[f64]], weights: &[f64]) -> Kernel {
        let dim = points.first().map_or(0, |p| p.len());
        let mean: Vec<f64> = (0..dim)
            .map(|k| points.iter().zip(weights).map(|(p, w)| w * p[k]).sum())
            .collect();
        let mut cov = vec![vec![0.0; dim]; dim];
        for (p, w) in points.iter().zip(weights) {
            for a in 0..dim {
                for b in 0..=a {
                    cov[a][b] += 2.0 * w * (p[a] - mean[a]) * (p[b] - mean[b]);
                }
            }
        }
        for (a, row) in cov.iter_mut().enumerate() {
            row[a] += JITTER;
        }
        Kernel {
            lower: cholesky(&cov).unwrap_or_else(|| diagonal(&cov)),
        }
    }

    /// `center` moved by one draw of the kernel.
    pub fn sample<R: Rng + ?Sized>(&self, center: &[f64], rng: &mut R) -> Vec<f64> {
        let normal = standard_normal();
        let e: Vec<f64> = center.iter().map(|_| normal.sample(rng)).collect();
        center
            .iter()
            .zip(&self.lower)
            .map(|(c, row)| c + row.iter().zip(&e).map(|(l, e)| l * e).sum::<f64>())
            .collect()
    }

    /// The log density of `x - center` under the kernel, up to a constant shared by every
    /// pair (the normalizing term, which cancels when weights are normalized).
    pub fn log_density(&self, x: &[f64], center: &[f64]) -> f64 {
        // Solve L y = x - center by forward substitution; the log density is -|y|^2 / 2.
        let mut y: Vec<f64> = Vec::with_capacity(x.len());
        for (a, row) in self.lower.iter().enumerate() {
            let partial: f64 = row[..a].iter().zip(&y).map(|(l, y)| l * y).sum();
            y.push((x[a] - center[a] - partial) / row[a]);
        }
        -0.5 * y.iter().map(|v| v * v).sum::<f64>()
    }
}

/// The standard normal, as a validated distribution (its quantile is exact to machine
/// precision, its sampler that of rand_distr).
pub fn standard_normal() -> Distribution {
    let spec = DistSpec::Normal {
        mean: 0.0,
        sd: 1.0,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
    };
    Distribution::new(spec).unwrap_or_else(|_| Distribution::fixed(0.0))
}

/// The standard normal CDF.
pub fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Cholesky factor of a symmetric matrix given by its lower triangle; `None` if it is not
/// positive definite.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

fn diagonal(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        a[i][i].max(JITTER).sqrt()
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::StreamRng;
    use rand::SeedableRng;

    #[test]
    fn samples_have_twice_the_population_covariance() {
        // A population on the line y = x (correlation 1) with variance 1 per coordinate.
        let points: Vec<Vec<f64>> = (0..200)
            .map(|i| (i as f64 - 99.5) / 57.735)
            .map(|x| vec![x, x])
            .collect();
        let refs: Vec<&[f64]> = points.iter().map(Vec::as_slice).collect();
        let kernel = Kernel::from_population(&refs, &vec![1.0 / 200.0; 200]);
        let mut rng = StreamRng::seed_from_u64(3);
        let draws: Vec<Vec<f64>> = (0..20_000)
            .map(|_| kernel.sample(&[0.0, 0.0], &mut rng))
            .collect();
        let var = |k: usize| draws.iter().map(|d| d[k] * d[k]).sum::<f64>() / draws.len() as f64;
        let cov = draws.iter().map(|d| d[0] * d[1]).sum::<f64>() / draws.len() as f64;
        assert!(
            (var(0) - 2.0).abs() < 0.1 && (var(1) - 2.0).abs() < 0.1,
            "{} {}",
            var(0),
            var(1)
        );
        assert!((cov - 2.0).abs() < 0.1, "{cov}");
        // Along the line the density falls slowly, across it fast.
        assert!(
            kernel.log_density(&[1.0, 1.0], &[0.0, 0.0])
                > kernel.log_density(&[0.3, -0.3], &[0.0, 0.0])
        );
    }
}
