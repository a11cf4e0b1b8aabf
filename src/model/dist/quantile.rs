//! Quantiles (inverse CDFs) of every family: closed forms where they exist, the special
//! functions of [`super::special`] elsewhere.

use super::{DistSpec, Distribution, special};

impl Distribution {
    /// The `p`-quantile (inverse CDF; the smallest x with F(x) >= p), for p in [0, 1].
    /// p = 0 and 1 give the ends of the support, which may be infinite. Closed forms where
    /// they exist; the truncated normal inverts the normal CDF exactly; beta and PERT invert
    /// the regularized incomplete beta function numerically (safeguarded Newton, to ~1e-14).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        let (lo, hi) = self.support();
        match self.spec {
            DistSpec::Fixed(v) => v,
            DistSpec::Uniform { min, max } => min + p * (max - min),
            DistSpec::Normal { mean, sd, min, max } => {
                special::truncated_normal_quantile((min - mean) / sd, (max - mean) / sd, p)
                    .mul_add(sd, mean)
                    .clamp(min, max)
            }
            DistSpec::LogNormal { median, sigma } => {
                median * (sigma * special::normal_quantile(p)).exp()
            }
            DistSpec::Triangular { min, mode, max } => triangular_quantile(min, mode, max, p),
            DistSpec::Pert { min, mode, max } if max > min => {
                let (a, b) = (
                    1.0 + 4.0 * (mode - min) / (max - min),
                    1.0 + 4.0 * (max - mode) / (max - min),
                );
                min + (max - min) * special::beta_quantile(a, b, p)
            }
            DistSpec::Pert { min, .. } => min,
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * special::beta_quantile(alpha, beta, p),
            DistSpec::Bernoulli { p: prob } => f64::from(u8::from(p > 1.0 - prob)),
        }
        .clamp(lo, hi)
    }
}

fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    let width = max - min;
    if width <= 0.0 {
        return min;
    }
    if p * width <= mode - min {
        min + (p * width * (mode - min)).sqrt()
    } else {
        max - ((1.0 - p) * width * (max - mode)).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn quantiles_match_known_values() {
        let q = |spec: DistSpec, p: f64| Distribution::new(spec).unwrap().quantile(p);
        let inf = f64::INFINITY;
        let close =
            |got: f64, want: f64, tol: f64| assert!((got - want).abs() <= tol, "{got} vs {want}");
        close(
            q(
                DistSpec::Normal {
                    mean: 0.0,
                    sd: 1.0,
                    min: -inf,
                    max: inf,
                },
                0.975,
            ),
            1.959_963_984_540_054,
            1e-13,
        );
        close(
            q(
                DistSpec::Normal {
                    mean: 0.0,
                    sd: 1.0,
                    min: -inf,
                    max: inf,
                },
                1e-10,
            ),
            -6.361_340_902_404_056,
            1e-10,
        );
        close(
            q(
                DistSpec::Normal {
                    mean: 10.0,
                    sd: 2.0,
                    min: -inf,
                    max: inf,
                },
                0.1,
            ),
            10.0 - 2.0 * 1.281_551_565_544_601,
            1e-12,
        );
        // Half-normal: the normal truncated at its mean has quantile Phi^-1((1 + p) / 2).
        close(
            q(
                DistSpec::Normal {
                    mean: 0.0,
                    sd: 1.0,
                    min: 0.0,
                    max: inf,
                },
                0.5,
            ),
            0.674_489_750_196_082,
            1e-12,
        );
        close(
            q(
                DistSpec::LogNormal {
                    median: 3.0,
                    sigma: 0.5,
                },
                0.5,
            ),
            3.0,
            1e-12,
        );
        close(
            q(DistSpec::Uniform { min: 2.0, max: 4.0 }, 0.25),
            2.5,
            1e-15,
        );
        close(
            q(
                DistSpec::Triangular {
                    min: 0.0,
                    mode: 1.0,
                    max: 2.0,
                },
                0.5,
            ),
            1.0,
            1e-15,
        );
        close(
            q(
                DistSpec::Triangular {
                    min: 0.0,
                    mode: 0.0,
                    max: 1.0,
                },
                0.75,
            ),
            0.5,
            1e-15,
        );
        // Beta(2, 5): median solving 1 - (1-x)^6 - 6x(1-x)^5 = 1/2; Beta(1, 1) is uniform; Beta(0.5, 0.5)
        // is the arcsine law, with quantile sin^2(pi p / 2).
        close(
            q(
                DistSpec::Beta {
                    alpha: 2.0,
                    beta: 5.0,
                    min: 0.0,
                    max: 1.0,
                },
                0.5,
            ),
            0.264_449_983_295_66,
            1e-12,
        );
        close(
            q(
                DistSpec::Beta {
                    alpha: 1.0,
                    beta: 1.0,
                    min: 0.0,
                    max: 10.0,
                },
                0.3,
            ),
            3.0,
            1e-12,
        );
        let arcsine = (std::f64::consts::FRAC_PI_2 * 0.1).sin().powi(2);
        close(
            q(
                DistSpec::Beta {
                    alpha: 0.5,
                    beta: 0.5,
                    min: 0.0,
                    max: 1.0,
                },
                0.1,
            ),
            arcsine,
            1e-12,
        );
        // PERT(0, 0.5, 1) is Beta(3, 3), symmetric.
        close(
            q(
                DistSpec::Pert {
                    min: 0.0,
                    mode: 0.5,
                    max: 1.0,
                },
                0.5,
            ),
            0.5,
            1e-12,
        );
        assert_eq!(q(DistSpec::Bernoulli { p: 0.3 }, 0.69), 0.0);
        assert_eq!(q(DistSpec::Bernoulli { p: 0.3 }, 0.71), 1.0);
        assert_eq!(
            q(
                DistSpec::LogNormal {
                    median: 1.0,
                    sigma: 1.0
                },
                1.0
            ),
            inf
        );
        assert_eq!(
            q(
                DistSpec::Pert {
                    min: 1.0,
                    mode: 2.0,
                    max: 5.0
                },
                0.0
            ),
            1.0
        );
        assert_eq!(q(DistSpec::Fixed(7.0), 0.9), 7.0);
    }

    /// The quantile function and the sampler describe the same distribution: the share of
    /// draws at or below quantile(p) is p, for every family.
    #[test]
    fn quantiles_agree_with_the_sampler() {
        let specs = [
            DistSpec::Uniform { min: 1.0, max: 3.0 },
            DistSpec::Normal {
                mean: 1.0,
                sd: 2.0,
                min: 0.0,
                max: f64::INFINITY,
            },
            DistSpec::Normal {
                mean: 0.0,
                sd: 1.0,
                min: -1.0,
                max: 2.0,
            },
            DistSpec::LogNormal {
                median: 2.0,
                sigma: 0.7,
            },
            DistSpec::Triangular {
                min: 0.0,
                mode: 4.0,
                max: 5.0,
            },
            DistSpec::Pert {
                min: 1000.0,
                mode: 2000.0,
                max: 6000.0,
            },
            DistSpec::Beta {
                alpha: 0.7,
                beta: 3.0,
                min: -1.0,
                max: 1.0,
            },
        ];
        let n = 40_000;
        for spec in specs {
            let d = Distribution::new(spec.clone()).unwrap();
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
            let draws: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            for p in [0.05, 0.1, 0.5, 0.9, 0.95] {
                let x = d.quantile(p);
                let share = draws.iter().filter(|v| **v <= x).count() as f64 / n as f64;
                // 4 binomial standard errors.
                assert!(
                    (share - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(),
                    "{spec:?} p={p}: {share}"
                );
            }
        }
    }
}
