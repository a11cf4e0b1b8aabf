//! Checked parameters and draws: [`Sampler::of`] checks a [`DistSpec`] family by family
//! (each check in the order its error should be reported) and keeps what sampling needs.

use super::{DistError, DistSpec, unit};
use rand::Rng;
use rand_distr::Distribution as _;

#[derive(Debug, Clone)]
pub(super) enum Sampler {
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

impl Sampler {
    /// Checks `spec`'s parameters and builds its sampler.
    pub(super) fn of(spec: &DistSpec) -> Result<Sampler, DistError> {
        match *spec {
            DistSpec::Fixed(v) => finite(&[v]).map(|()| Sampler::Fixed(v)),
            DistSpec::Uniform { min, max } => uniform(min, max),
            DistSpec::Normal { mean, sd, min, max } => normal(mean, sd, min, max),
            DistSpec::LogNormal { median, sigma } => log_normal(median, sigma),
            DistSpec::Triangular { min, mode, max } => triangular(min, mode, max),
            DistSpec::Pert { min, mode, max } => pert(min, mode, max),
            DistSpec::Beta {
                alpha,
                beta: b,
                min,
                max,
            } => beta(alpha, b, min, max),
            DistSpec::Bernoulli { p } => bernoulli(p),
        }
    }

    /// One draw.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
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

fn uniform(min: f64, max: f64) -> Result<Sampler, DistError> {
    finite(&[min, max])?;
    ordered(min, max)?;
    Ok(Sampler::Uniform {
        min,
        width: max - min,
    })
}

fn normal(mean: f64, sd: f64, min: f64, max: f64) -> Result<Sampler, DistError> {
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
    Ok(Sampler::Normal { normal, min, max })
}

fn log_normal(median: f64, sigma: f64) -> Result<Sampler, DistError> {
    finite(&[median, sigma])?;
    positive("median", median)?;
    positive("sigma", sigma)?;
    let d = rand_distr::LogNormal::new(median.ln(), sigma).map_err(|_| DistError::NotFinite)?;
    Ok(Sampler::LogNormal(d))
}

fn triangular(min: f64, mode: f64, max: f64) -> Result<Sampler, DistError> {
    finite(&[min, mode, max])?;
    with_mode(min, mode, max)?;
    if min == max {
        return Ok(Sampler::Fixed(min));
    }
    let d = rand_distr::Triangular::new(min, max, mode).map_err(|_| DistError::Mode {
        min,
        mode,
        max,
    })?;
    Ok(Sampler::Triangular(d))
}

fn pert(min: f64, mode: f64, max: f64) -> Result<Sampler, DistError> {
    finite(&[min, mode, max])?;
    with_mode(min, mode, max)?;
    if min == max {
        return Ok(Sampler::Fixed(min));
    }
    let d = rand_distr::Pert::new(min, max)
        .with_mode(mode)
        .map_err(|_| DistError::Mode { min, mode, max })?;
    Ok(Sampler::Pert(d))
}

fn beta(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Sampler, DistError> {
    finite(&[alpha, beta, min, max])?;
    positive("alpha", alpha)?;
    positive("beta", beta)?;
    ordered(min, max)?;
    let b = rand_distr::Beta::new(alpha, beta).map_err(|_| DistError::NotFinite)?;
    Ok(Sampler::Beta {
        beta: b,
        min,
        width: max - min,
    })
}

fn bernoulli(p: f64) -> Result<Sampler, DistError> {
    finite(&[p])?;
    if !(0.0..=1.0).contains(&p) {
        return Err(DistError::Probability(p));
    }
    Ok(Sampler::Bernoulli(p))
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

#[cfg(test)]
mod tests {
    use super::super::Distribution;
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
