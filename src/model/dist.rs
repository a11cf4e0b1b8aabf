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
    Uniform { min: f64, max: f64 },
    /// Normal, truncated to `[min, max]` (either bound may be infinite).
    Normal { mean: f64, sd: f64, min: f64, max: f64 },
    /// Log-normal given by its median and the standard deviation of its logarithm.
    LogNormal { median: f64, sigma: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    /// PERT (beta on `[min, max]` with shape 4).
    Pert { min: f64, mode: f64, max: f64 },
    /// Beta(alpha, beta) scaled to `[min, max]`.
    Beta { alpha: f64, beta: f64, min: f64, max: f64 },
    /// 1 with probability `p`, else 0.
    Bernoulli { p: f64 },
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
    Uniform { min: f64, width: f64 },
    Normal { normal: rand_distr::Normal<f64>, min: f64, max: f64 },
    LogNormal(rand_distr::LogNormal<f64>),
    Triangular(rand_distr::Triangular<f64>),
    Pert(rand_distr::Pert<f64>),
    Beta { beta: rand_distr::Beta<f64>, min: f64, width: f64 },
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
    EmptyTruncation { mean: f64, sd: f64, min: f64, max: f64 },
}

impl Distribution {
    pub fn fixed(value: f64) -> Distribution {
        Distribution { spec: DistSpec::Fixed(value), sampler: Sampler::Fixed(value) }
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
                Sampler::Uniform { min, width: max - min }
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
                let d = rand_distr::LogNormal::new(median.ln(), sigma).map_err(|_| DistError::NotFinite)?;
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
            DistSpec::Beta { alpha, beta, min, max } => {
                finite(&[alpha, beta, min, max])?;
                positive("alpha", alpha)?;
                positive("beta", beta)?;
                ordered(min, max)?;
                let b = rand_distr::Beta::new(alpha, beta).map_err(|_| DistError::NotFinite)?;
                Sampler::Beta { beta: b, min, width: max - min }
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
            DistSpec::Beta { alpha, beta, min, max } => min + (max - min) * alpha / (alpha + beta),
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
            DistSpec::LogNormal { median, sigma } => write!(f, "lognormal(median {median}, sigma {sigma})"),
            DistSpec::Triangular { min, mode, max } => write!(f, "triangular({min}, {mode}, {max})"),
            DistSpec::Pert { min, mode, max } => write!(f, "pert({min}, {mode}, {max})"),
            DistSpec::Beta { alpha, beta, min, max } => write!(f, "beta({alpha}, {beta}) on [{min}, {max}]"),
            DistSpec::Bernoulli { p } => write!(f, "bernoulli({p})"),
        }
    }
}

/// A uniform draw in [0, 1) from the top 53 bits.
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn finite(values: &[f64]) -> Result<(), DistError> {
    if values.iter().all(|v| v.is_finite()) { Ok(()) } else { Err(DistError::NotFinite) }
}

fn ordered(min: f64, max: f64) -> Result<(), DistError> {
    if min <= max { Ok(()) } else { Err(DistError::Bounds { min, max }) }
}

fn with_mode(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    if min <= mode && mode <= max { Ok(()) } else { Err(DistError::Mode { min, mode, max }) }
}

fn positive(name: &'static str, value: f64) -> Result<(), DistError> {
    if value > 0.0 { Ok(()) } else { Err(DistError::NotPositive { name, value }) }
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
            DistSpec::Triangular { min: 0.0, mode: 1.0, max: 5.0 },
            DistSpec::Pert { min: 0.0, mode: 1.0, max: 5.0 },
            DistSpec::Beta { alpha: 2.0, beta: 5.0, min: 0.0, max: 10.0 },
            DistSpec::Bernoulli { p: 0.3 },
            DistSpec::LogNormal { median: 2.0, sigma: 0.3 },
        ];
        for spec in specs {
            let d = Distribution::new(spec.clone()).unwrap();
            let (m, want) = (mean_of(&d), d.mean());
            assert!((m - want).abs() < 0.03 * want.abs().max(1.0), "{spec:?}: {m} vs {want}");
        }
    }

    #[test]
    fn truncated_normal_stays_in_range() {
        let d = Distribution::new(DistSpec::Normal { mean: 0.1, sd: 1.0, min: 0.0, max: f64::INFINITY }).unwrap();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        assert!((0..10_000).all(|_| d.sample(&mut rng) >= 0.0));
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Distribution::new(DistSpec::Uniform { min: 2.0, max: 1.0 }).is_err());
        assert!(Distribution::new(DistSpec::Normal { mean: 0.0, sd: 0.0, min: 0.0, max: 1.0 }).is_err());
        assert!(Distribution::new(DistSpec::Triangular { min: 0.0, mode: 3.0, max: 2.0 }).is_err());
        assert!(Distribution::new(DistSpec::Beta { alpha: 0.0, beta: 1.0, min: 0.0, max: 1.0 }).is_err());
        assert!(Distribution::new(DistSpec::Bernoulli { p: 1.5 }).is_err());
        assert!(Distribution::new(DistSpec::Fixed(f64::NAN)).is_err());
    }
}
