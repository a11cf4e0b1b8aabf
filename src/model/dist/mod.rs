//! Validated probability distributions for uncertain inputs.
//!
//! A [`Distribution`] is built by [`Distribution::new`] from a [`DistSpec`], which checks
//! its parameters once; after that, [`Distribution::sample`] cannot fail (STYLE habit 4).

use rand::Rng;
use rand_distr::Distribution as _;

/// The distribution families a scenario file may use, with their raw parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum DistSpec {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    /// Normal, truncated to `[min, max]` (either bound may be infinite).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// Log-normal given by its median and the standard deviation of its logarithm.
    LogNormal {
        median: f64,
        sigma: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// PERT (beta on `[min, max]` with shape 4).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta(alpha, beta) scaled to `[min, max]`.
    Beta {
        alpha: f64,
        beta: f64,
        min: f64,
        max: f64,
    },
    /// 1 with probability `p`, else 0.
    Bernoulli {
        p: f64,
    },
}

/// A distribution whose parameters have been checked.
#[derive(Debug, Clone)]
pub struct Distribution {
    spec: DistSpec,
    sampler: Sampler,
}

#[derive(Debug, Clone)]
enum Sampler {
    Fixed(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Normal {
        normal: rand_distr::Normal<f64>,
        min: f64,
        max: f64,
    },
    LogNormal(rand_distr::LogNormal<f64>),
    Triangular(rand_distr::Triangular<f64>),
    Pert(rand_distr::Pert<f64>),
    Beta {
        beta: rand_distr::Beta<f64>,
        min: f64,
        width: f64,
    },
    Bernoulli(f64),
}

/// Why distribution parameters were refused; the message says what is expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("parameters must be finite numbers (no nan or inf)")]
    NotFinite,
    #[error("needs min <= max (got min {min}, max {max})")]
    Bounds { min: f64, max: f64 },
    #[error("needs min <= mode <= max (got {min}, {mode}, {max})")]
    Mode { min: f64, mode: f64, max: f64 },
    #[error("needs {name} > 0 (got {value})")]
    NotPositive { name: &'static str, value: f64 },
    #[error("needs a probability p in [0, 1] (got {0})")]
    Probability(f64),
    #[error("the truncation range [{min}, {max}] holds almost none of Normal({mean}, {sd})")]
    EmptyTruncation {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
}

impl Distribution {
    pub fn fixed(value: f64) -> Distribution {
        Distribution {
            spec: DistSpec::Fixed(value),
            sampler: Sampler::Fixed(value),
        }
    }

    pub fn new(spec: DistSpec) -> Result<Distribution, DistError> {
        let sampler = match spec {
            DistSpec::Fixed(v) => {
                finite(&[v])?;
                Sampler::Fixed(v)
            }
            DistSpec::Uniform { min, max } => {
                finite(&[min, max])?;
                ordered(min, max)?;
                Sampler::Uniform {
                    min,
                    width: max - min,
                }
            }
            DistSpec::Normal { mean, sd, min, max } => {
                finite(&[mean, sd])?;
                positive("sd", sd)?;
                if min.is_nan() || max.is_nan() {
                    return Err(DistError::NotFinite);
                }
                ordered(min, max)?;
                // Refuse truncations that rejection sampling could not hit.
                if (min - mean) / sd > 3.0 || (mean - max) / sd > 3.0 {
                    return Err(DistError::EmptyTruncation { mean, sd, min, max });
                }
                let normal = rand_distr::Normal::new(mean, sd).map_err(|_| DistError::NotFinite)?;
                Sampler::Normal { normal, min, max }
            }
            DistSpec::LogNormal { median, sigma } => {
                finite(&[median, sigma])?;
                positive("median", median)?;
                positive("sigma", sigma)?;
                let d = rand_distr::LogNormal::new(median.ln(), sigma)
                    .map_err(|_| DistError::NotFinite)?;
                Sampler::LogNormal(d)
            }
            DistSpec::Triangular { min, mode, max } => {
                finite(&[min, mode, max])?;
                with_mode(min, mode, max)?;
                if min == max {
                    Sampler::Fixed(min)
                } else {
                    let d = rand_distr::Triangular::new(min, max, mode)
                        .map_err(|_| DistError::Mode { min, mode, max })?;
                    Sampler::Triangular(d)
                }
            }
            DistSpec::Pert { min, mode, max } => {
                finite(&[min, mode, max])?;
                with_mode(min, mode, max)?;
                if min == max {
                    Sampler::Fixed(min)
                } else {
                    let d = rand_distr::Pert::new(min, max)
                        .with_mode(mode)
                        .map_err(|_| DistError::Mode { min, mode, max })?;
                    Sampler::Pert(d)
                }
            }
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                finite(&[alpha, beta, min, max])?;
                positive("alpha", alpha)?;
                positive("beta", beta)?;
                ordered(min, max)?;
                let b = rand_distr::Beta::new(alpha, beta).map_err(|_| DistError::NotFinite)?;
                Sampler::Beta {
                    beta: b,
                    min,
                    width: max - min,
                }
            }
            DistSpec::Bernoulli { p } => {
                finite(&[p])?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(DistError::Probability(p));
                }
                Sampler::Bernoulli(p)
            }
        };
        Ok(Distribution { spec, sampler })
    }

    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// True when the distribution always gives the same value.
    pub fn is_fixed(&self) -> bool {
        matches!(self.sampler, Sampler::Fixed(_))
    }

    /// The smallest and largest values a draw can take.
    pub fn support(&self) -> (f64, f64) {
        match self.spec {
            DistSpec::Fixed(v) => (v, v),
            DistSpec::Uniform { min, max }
            | DistSpec::Normal { min, max, .. }
            | DistSpec::Triangular { min, max, .. }
            | DistSpec::Pert { min, max, .. }
            | DistSpec::Beta { min, max, .. } => (min, max),
            DistSpec::LogNormal { .. } => (0.0, f64::INFINITY),
            DistSpec::Bernoulli { .. } => (0.0, 1.0),
        }
    }

    /// The mean (for a truncated normal, the untruncated mean clamped to its range).
    pub fn mean(&self) -> f64 {
        match self.spec {
            DistSpec::Fixed(v) => v,
            DistSpec::Uniform { min, max } => 0.5 * (min + max),
            DistSpec::Normal { mean, min, max, .. } => mean.clamp(min, max),
            DistSpec::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            DistSpec::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            DistSpec::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
            DistSpec::Bernoulli { p } => p,
        }
    }

    /// One draw. Never fails: parameters were checked in [`Distribution::new`].
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform { min, width } => min + width * unit(rng),
            Sampler::Normal { normal, min, max } => {
                for _ in 0..256 {
                    let x = normal.sample(rng);
                    if x >= *min && x <= *max {
                        return x;
                    }
                }
                normal.mean().clamp(*min, *max)
            }
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(d) => d.sample(rng),
            Sampler::Beta { beta, min, width } => min + width * beta.sample(rng),
            Sampler::Bernoulli(p) => f64::from(u8::from(unit(rng) < *p)),
        }
    }

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

impl std::fmt::Display for Distribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.spec {
            DistSpec::Fixed(v) => write!(f, "{v}"),
            DistSpec::Uniform { min, max } => write!(f, "uniform({min}, {max})"),
            DistSpec::Normal { mean, sd, min, max } => {
                write!(f, "normal(mean {mean}, sd {sd}")?;
                if min.is_finite() || max.is_finite() {
                    write!(f, ", within [{min}, {max}]")?;
                }
                write!(f, ")")
            }
            DistSpec::LogNormal { median, sigma } => {
                write!(f, "lognormal(median {median}, sigma {sigma})")
            }
            DistSpec::Triangular { min, mode, max } => {
                write!(f, "triangular({min}, {mode}, {max})")
            }
            DistSpec::Pert { min, mode, max } => write!(f, "pert({min}, {mode}, {max})"),
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
            } => write!(f, "beta({alpha}, {beta}) on [{min}, {max}]"),
            DistSpec::Bernoulli { p } => write!(f, "bernoulli({p})"),
        }
    }
}

/// A uniform draw in [0, 1) from the top 53 bits.
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn finite(values: &[f64]) -> Result<(), DistError> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(DistError::NotFinite)
    }
}

fn ordered(min: f64, max: f64) -> Result<(), DistError> {
    if min <= max {
        Ok(())
    } else {
        Err(DistError::Bounds { min, max })
    }
}

fn with_mode(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    if min <= mode && mode <= max {
        Ok(())
    } else {
        Err(DistError::Mode { min, mode, max })
    }
}

fn positive(name: &'static str, value: f64) -> Result<(), DistError> {
    if value > 0.0 {
        Ok(())
    } else {
        Err(DistError::NotPositive { name, value })
    }
}

/// Special functions behind [`Distribution::quantile`].
mod special {
    use std::f64::consts::{PI, SQRT_2};

    /// Standard normal CDF, from `erfc` (accurate in both tails).
    pub fn normal_cdf(x: f64) -> f64 {
        0.5 * libm::erfc(-x / SQRT_2)
    }

    /// Standard normal quantile: Acklam's rational approximation (relative error 1.15e-9)
    /// refined by one Halley step on `erfc`, which brings it to about machine precision.
    pub fn normal_quantile(p: f64) -> f64 {
        if p <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        const A: [f64; 6] = [
            -3.969683028665376e1,
            2.209460984245205e2,
            -2.759285104469687e2,
            1.38357751867269e2,
            -3.066479806614716e1,
            2.506628277459239,
        ];
        const B: [f64; 5] = [
            -5.447609879822406e1,
            1.615858368580409e2,
            -1.556989798598866e2,
            6.680131188771972e1,
            -1.328068155288572e1,
        ];
        const C: [f64; 6] = [
            -7.784894002430293e-3,
            -3.223964580411365e-1,
            -2.400758277161838,
            -2.549732539343734,
            4.374664141464968,
            2.938163982698783,
        ];
        const D: [f64; 4] = [
            7.784695709041462e-3,
            3.224671290700398e-1,
            2.445134137142996,
            3.754408661907416,
        ];
        let tail = |q: f64| {
            (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
        };
        let x = if p < 0.02425 {
            tail((-2.0 * p.ln()).sqrt())
        } else if p > 1.0 - 0.02425 {
            -tail((-2.0 * (1.0 - p).ln()).sqrt())
        } else {
            let q = p - 0.5;
            let r = q * q;
            (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
        };
        let e = normal_cdf(x) - p;
        let u = e * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
        x - u / (1.0 + 0.5 * x * u)
    }

    /// Quantile of the standard normal truncated to [a, b]. Works on the side of the mean
    /// where the CDF is small, so truncations far in one tail keep their precision.
    pub fn truncated_normal_quantile(a: f64, b: f64, p: f64) -> f64 {
        if a > 0.0 {
            return -truncated_normal_quantile(-b, -a, 1.0 - p);
        }
        let (fa, fb) = (normal_cdf(a), normal_cdf(b));
        normal_quantile(fa + p * (fb - fa)).clamp(a, b)
    }

    /// ln B(a, b).
    fn ln_beta(a: f64, b: f64) -> f64 {
        libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
    }

    /// Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes
    /// 3rd ed., s6.4), converging fast for x < (a + 1) / (a + b + 2).
    fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
        const TINY: f64 = 1e-300;
        let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
        let mut c = 1.0;
        let mut d = 1.0 - qab * x / qap;
        d = if d.abs() < TINY { TINY } else { d }.recip();
        let mut h = d;
        for m in 1..=500 {
            let m = f64::from(m);
            let m2 = 2.0 * m;
            for aa in [
                m * (b - m) * x / ((qam + m2) * (a + m2)),
                -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
            ] {
                d = 1.0 + aa * d;
                d = if d.abs() < TINY { TINY } else { d }.recip();
                c = 1.0 + aa / c;
                c = if c.abs() < TINY { TINY } else { c };
                h *= d * c;
            }
            if (d * c - 1.0).abs() < 1e-16 {
                break;
            }
        }
        h
    }

    /// The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x.
    pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        if x >= 1.0 {
            return 1.0;
        }
        let front = (a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b)).exp();
        if x < (a + 1.0) / (a + b + 2.0) {
            front * beta_fraction(x, a, b) / a
        } else {
            1.0 - front * beta_fraction(1.0 - x, b, a) / b
        }
    }

    fn beta_density(x: f64, a: f64, b: f64) -> f64 {
        ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - ln_beta(a, b)).exp()
    }

    /// Quantile of Beta(a, b): Newton steps on [`beta_cdf`], kept inside a shrinking bracket
    /// and replaced by bisection whenever they would leave it, so it always converges.
    pub fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        if p > 0.5 {
            // Work in the lower tail, where the CDF keeps its relative precision.
            return 1.0 - beta_quantile(b, a, 1.0 - p);
        }
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        let mut x = a / (a + b);
        for _ in 0..400 {
            let f = beta_cdf(x, a, b) - p;
            if f == 0.0 {
                return x;
            }
            if f < 0.0 {
                lo = x
            } else {
                hi = x
            }
            let newton = x - f / beta_density(x, a, b);
            // Outside the bracket, bisect; next to an end of [0, 1], approach it
            // geometrically, so quantiles like 1e-30 are reached in a few dozen steps.
            let next = if newton > lo && newton < hi && newton.is_finite() {
                newton
            } else if lo == 0.0 {
                hi / 16.0
            } else if hi == 1.0 {
                1.0 - (1.0 - lo) / 16.0
            } else {
                0.5 * (lo + hi)
            };
            if (next - x).abs() <= 2.0 * f64::EPSILON * next || hi - lo <= 2.0 * f64::EPSILON * hi {
                return next;
            }
            x = next;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn mean_of(d: &Distribution) -> f64 {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        (0..20_000).map(|_| d.sample(&mut rng)).sum::<f64>() / 20_000.0
    }

    #[test]
    fn sample_means_match() {
        let specs = [
            DistSpec::Uniform { min: 1.0, max: 3.0 },
            DistSpec::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 5.0,
            },
            DistSpec::Pert {
                min: 0.0,
                mode: 1.0,
                max: 5.0,
            },
            DistSpec::Beta {
                alpha: 2.0,
                beta: 5.0,
                min: 0.0,
                max: 10.0,
            },
            DistSpec::Bernoulli { p: 0.3 },
            DistSpec::LogNormal {
                median: 2.0,
                sigma: 0.3,
            },
        ];
        for spec in specs {
            let d = Distribution::new(spec.clone()).unwrap();
            let (m, want) = (mean_of(&d), d.mean());
            assert!(
                (m - want).abs() < 0.03 * want.abs().max(1.0),
                "{spec:?}: {m} vs {want}"
            );
        }
    }

    #[test]
    fn truncated_normal_stays_in_range() {
        let d = Distribution::new(DistSpec::Normal {
            mean: 0.1,
            sd: 1.0,
            min: 0.0,
            max: f64::INFINITY,
        })
        .unwrap();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        assert!((0..10_000).all(|_| d.sample(&mut rng) >= 0.0));
    }

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

    #[test]
    fn beta_quantile_inverts_the_cdf() {
        for (a, b) in [(0.3, 0.3), (0.5, 8.0), (2.0, 2.0), (9.0, 1.2), (50.0, 60.0)] {
            for p in [1e-9, 0.001, 0.2, 0.5] {
                let x = special::beta_quantile(a, b, p);
                let back = special::beta_cdf(x, a, b);
                assert!(
                    (back - p).abs() < 1e-12 * p.max(1e-3),
                    "Beta({a}, {b}) p={p}: x={x}, cdf={back}"
                );
                // Upper tail: the survival function 1 - I_x(a, b) = I_(1-x)(b, a) gives back 1 - p
                // to the precision doubles near 1 allow (none when the quantile rounds to 1).
                let upper = special::beta_quantile(a, b, 1.0 - p);
                let tail = special::beta_cdf(1.0 - upper, b, a);
                assert!(
                    upper == 1.0 || (tail - p).abs() < 1e-6 * p,
                    "Beta({a}, {b}) 1-p={p}: x={upper}, tail={tail}"
                );
            }
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Distribution::new(DistSpec::Uniform { min: 2.0, max: 1.0 }).is_err());
        assert!(
            Distribution::new(DistSpec::Normal {
                mean: 0.0,
                sd: 0.0,
                min: 0.0,
                max: 1.0
            })
            .is_err()
        );
        assert!(
            Distribution::new(DistSpec::Triangular {
                min: 0.0,
                mode: 3.0,
                max: 2.0
            })
            .is_err()
        );
        assert!(
            Distribution::new(DistSpec::Beta {
                alpha: 0.0,
                beta: 1.0,
                min: 0.0,
                max: 1.0
            })
            .is_err()
        );
        assert!(Distribution::new(DistSpec::Bernoulli { p: 1.5 }).is_err());
        assert!(Distribution::new(DistSpec::Fixed(f64::NAN)).is_err());
    }
}
