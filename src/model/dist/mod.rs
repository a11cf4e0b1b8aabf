//! Validated probability distributions for uncertain inputs.
//!
//! A [`Distribution`] is built by [`Distribution::new`] from a [`DistSpec`], which checks
//! its parameters once; after that, [`Distribution::sample`] cannot fail (STYLE habit 4).
//!
//! Here: the families, moments, support and display. `sampler` checks parameters and draws;
//! `quantile` inverts CDFs with the normal and incomplete-beta functions of `special`.

mod quantile;
mod sampler;
mod special;

use rand::Rng;
use sampler::Sampler;

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

    /// Checks `spec`'s parameters; the error says which one is wrong and what is expected.
    pub fn new(spec: DistSpec) -> Result<Distribution, DistError> {
        let sampler = Sampler::of(&spec)?;
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
        self.sampler.sample(rng)
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
