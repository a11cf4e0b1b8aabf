//! Calibration: fits parameters nobody observes (price sensitivity, lock-in, grey-market
//! caps) to a scenario's `[[target]]`s by approximate Bayesian computation.
//!
//! A particle is a value for each fitted parameter ([`prior`]); it is simulated on the same
//! `runs` runs as every other particle (common random numbers, through the study
//! [`driver`]), and its **distance** is the root mean square, over the fitted targets, of
//! each target's normalized violation by the simulated median
//! ([`crate::check::Comparison::violation`]: 0 when the median meets the record, else its
//! distance to the nearest edge relative to that edge). [`abc`] samples the posterior by
//! ABC-SMC; [`emit`] writes the calibrated scenario; [`write`] the sample and summaries.
//! Method and choices: `docs/calibration.md`.

pub mod abc;
pub mod emit;
pub mod kernel;
pub mod prior;
pub mod write;

pub use prior::{Prior, Spec};

use crate::check::Target;
use crate::engine::Progress;
use crate::model::{DistSpec, Scenario};
use crate::outcome::Outcome;
use crate::study::summary::quantile_sorted;
use crate::study::{Plan, StudyError, driver};

/// What to fit, to what, and how each particle is simulated.
pub struct Problem<'a> {
    /// The scenario, its fitted parameters carrying their priors.
    pub scenario: &'a Scenario,
    pub priors: Vec<Prior>,
    /// The targets fitted (those with `fit = true`).
    pub targets: Vec<Target>,
    pub runs: u64,
    pub seed: u64,
}

impl Problem<'_> {
    /// Parameter values at a point of the unit cube.
    pub fn values(&self, u: &[f64]) -> Vec<f64> {
        self.priors
            .iter()
            .zip(u)
            .map(|(p, &u)| p.value_at(u))
            .collect()
    }

    /// The median over runs of every fitted target, at each point (`[point][target]`).
    pub fn medians(
        &self,
        points: &[Vec<f64>],
        progress: &dyn Progress,
    ) -> Result<Vec<Vec<f64>>, StudyError> {
        let ids: Vec<_> = self.priors.iter().map(|p| p.id).collect();
        let rows: Vec<Vec<f64>> = points.iter().map(|u| self.values(u)).collect();
        let plan = Plan::from_rows("calibrate", &ids, &rows, self.runs, self.seed);
        let outcomes: Vec<Outcome> = self.targets.iter().map(|t| t.outcome.clone()).collect();
        let values = driver::simulate(self.scenario, &plan, &outcomes, progress);
        Ok((0..values.points)
            .map(|p| {
                (0..values.outcomes)
                    .map(|o| median(values.runs_of(p, o)))
                    .collect()
            })
            .collect())
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, 0.5)
}

/// The calibration distance: the root mean square over `targets` of each median's
/// normalized violation (0 when every median meets its record).
pub fn distance(targets: &[Target], medians: &[f64]) -> f64 {
    let n = targets.len().max(1) as f64;
    let sum: f64 = targets
        .iter()
        .zip(medians)
        .map(|(t, &m)| t.comparison.violation(m).powi(2))
        .sum();
    (sum / n).sqrt()
}

/// The posterior sample and how it was reached.
pub struct Calibration {
    pub priors: Vec<Prior>,
    pub population: abc::Population,
    /// Parameter values of each particle, in the priors' order.
    pub values: Vec<Vec<f64>>,
    pub settings: abc::Settings,
}

/// Prior and posterior of one parameter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamSummary {
    pub path: String,
    pub prior: String,
    pub prior_p05: f64,
    pub prior_p50: f64,
    pub prior_p95: f64,
    pub mean: f64,
    pub sd: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

impl Calibration {
    /// Each particle's value of parameter `k` with its weight.
    pub fn weighted(&self, k: usize) -> Vec<(f64, f64)> {
        let particles = &self.population.particles;
        self.values
            .iter()
            .zip(particles)
            .map(|(v, p)| (v[k], p.weight))
            .collect()
    }

    /// Weighted posterior mean, sd and 5/50/95% quantiles of every parameter, beside its prior.
    pub fn summaries(&self) -> Vec<ParamSummary> {
        self.priors
            .iter()
            .enumerate()
            .map(|(k, prior)| {
                let w = self.weighted(k);
                let mean: f64 = w.iter().map(|(x, w)| x * w).sum();
                let var: f64 = w.iter().map(|(x, w)| w * (x - mean).powi(2)).sum();
                let q = |p| abc::weighted_quantile(&w, p);
                ParamSummary {
                    path: prior.path.clone(),
                    prior: prior.dist.to_string(),
                    prior_p05: prior.dist.quantile(0.05),
                    prior_p50: prior.dist.quantile(0.5),
                    prior_p95: prior.dist.quantile(0.95),
                    mean,
                    sd: var.sqrt(),
                    p05: q(0.05),
                    p50: q(0.5),
                    p95: q(0.95),
                }
            })
            .collect()
    }

    /// The particle the calibrated scenario takes: among those with the smallest distance,
    /// the one nearest the posterior medians (each parameter in units of its posterior sd).
    pub fn representative(&self) -> usize {
        let summaries = self.summaries();
        let best = self
            .population
            .particles
            .iter()
            .map(|p| p.distance)
            .fold(f64::INFINITY, f64::min);
        let gap = |values: &[f64]| -> f64 {
            values
                .iter()
                .zip(&summaries)
                .map(|(v, s)| ((v - s.p50) / s.sd.max(f64::MIN_POSITIVE)).powi(2))
                .sum()
        };
        (0..self.values.len())
            .filter(|&i| self.population.particles[i].distance <= best)
            .min_by(|&a, &b| gap(&self.values[a]).total_cmp(&gap(&self.values[b])))
            .unwrap_or(0)
    }

    /// The calibrated scenario's values: every fitted parameter fixed at the
    /// [`representative`](Calibration::representative) particle's value, its posterior
    /// median and 90% interval in the comment. A scenario file has no joint distributions,
    /// and independent marginals would pair values the targets rule out when parameters
    /// trade off; `posterior.csv` keeps the whole sample.
    pub fn overrides(&self) -> Vec<emit::Override> {
        let chosen = &self.values[self.representative()];
        self.summaries()
            .iter()
            .zip(chosen)
            .map(|(s, &value)| {
                let comment = format!(
                    "calibrated (docs/calibration.md): posterior median {}, 90% {} to {}; prior {}",
                    emit::round(s.p50),
                    emit::round(s.p05),
                    emit::round(s.p95),
                    s.prior
                );
                emit::Override {
                    path: s.path.clone(),
                    spec: DistSpec::Fixed(value),
                    comment,
                }
            })
            .collect()
    }
}

/// Samples the posterior of `problem` by ABC-SMC. `progress` hears of every simulated run,
/// `observe` of every generation.
pub fn calibrate(
    problem: &Problem,
    settings: &abc::Settings,
    progress: &dyn Progress,
    observe: &mut dyn FnMut(&abc::Generation),
) -> Result<Calibration, StudyError> {
    if problem.targets.is_empty() || problem.priors.is_empty() {
        return Err(StudyError::Invalid(
            "a calibration needs at least one parameter and one fitted target".into(),
        ));
    }
    let mut distances = |points: &[Vec<f64>]| -> Result<Vec<f64>, StudyError> {
        let medians = problem.medians(points, progress)?;
        Ok(medians
            .iter()
            .map(|m| distance(&problem.targets, m))
            .collect())
    };
    let population = abc::run(problem.priors.len(), settings, &mut distances, observe)?;
    let values = population
        .particles
        .iter()
        .map(|p| problem.values(&p.u()))
        .collect();
    Ok(Calibration {
        priors: problem.priors.clone(),
        population,
        values,
        settings: *settings,
    })
}
