//! Sequential Monte Carlo approximate Bayesian computation (ABC-SMC), in the population
//! Monte Carlo form of Beaumont, Cornuet, Marin and Robert (2009, "Adaptive approximate
//! Bayesian computation", Biometrika 96(4)) with the adaptive tolerance of Del Moral, Doucet
//! and Jasra (2012) and Drovandi and Pettitt (2011): each generation's tolerance is a
//! quantile of the previous generation's distances.
//!
//! It works in the unit cube: coordinate k of a particle is the prior CDF of parameter k,
//! so every prior is uniform here and the caller maps a point to parameter values through
//! the priors' quantile functions. Importance weights therefore need no prior density:
//! `w = 1 / sum_j W_j K(u | u_j)`, with K a Gaussian kernel of variance twice the previous
//! population's weighted variance (Beaumont et al.), truncated to the cube.
//!
//! Deterministic for a seed: proposals are drawn in order from one Xoshiro256++ stream and
//! a generation accepts the first `population` proposals within its tolerance, so batch
//! evaluation (in parallel, by the caller) cannot change the result.

use crate::engine::rng::{StreamRng, mix};
use crate::model::dist::unit;
use crate::model::{DistSpec, Distribution};
use rand::SeedableRng;

/// Smallest kernel standard deviation, in the unit cube.
const MIN_KERNEL_SD: f64 = 1e-3;
/// Points are kept this far inside the cube, so infinite-support priors map to finite values.
pub const EDGE: f64 = 1e-9;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Particles per generation.
    pub population: usize,
    /// Most particles simulated in all, generation 0 included.
    pub budget: usize,
    /// Each generation's tolerance is this quantile of the previous generation's distances.
    pub quantile: f64,
    /// Stop after a generation that accepts fewer than this share of its proposals.
    pub min_acceptance: f64,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            population: 200,
            budget: 3000,
            quantile: 0.5,
            min_acceptance: 0.02,
            seed: 1,
        }
    }
}

/// A point of the unit cube with its importance weight and distance.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub u: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
}

/// What one generation did.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Generation {
    pub index: usize,
    /// Largest distance accepted (infinite for generation 0, which takes the prior sample).
    pub tolerance: f64,
    pub proposed: usize,
    pub accepted: usize,
    /// False when the budget ran out before the generation was full; it is then discarded.
    pub complete: bool,
}

/// Why the sampler stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// A generation was accepted at tolerance 0: every particle meets every target.
    Exact,
    /// A generation accepted fewer than `min_acceptance` of its proposals.
    Acceptance,
    /// The next generation did not fit in the budget.
    Budget,
}

/// The final population and the path to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// The last complete generation; weights sum to 1.
    pub particles: Vec<Particle>,
    pub generations: Vec<Generation>,
    /// Particles simulated in all.
    pub simulated: usize,
    pub stop: Stop,
}

impl Population {
    /// Accepted over proposed, over the complete generations after generation 0.
    pub fn acceptance_rate(&self) -> f64 {
        let later = self.generations.iter().skip(1).filter(|g| g.complete);
        let (a, p) = later.fold((0, 0), |(a, p), g| (a + g.accepted, p + g.proposed));
        if p == 0 { 1.0 } else { a as f64 / p as f64 }
    }

    /// The tolerance of the final population.
    pub fn tolerance(&self) -> f64 {
        let last = self.generations.iter().rev().find(|g| g.complete);
        last.map_or(f64::INFINITY, |g| g.tolerance)
    }

    /// Effective sample size of the weights, 1 / sum w^2.
    pub fn effective_size(&self) -> f64 {
        1.0 / self.particles.iter().map(|p| p.weight * p.weight).sum::<f64>()
    }
}

/// Runs ABC-SMC in `dim` dimensions. `distances` gives the distance of each point of a
/// batch (the caller may evaluate them in parallel); `observe` hears of each generation.
pub fn run<E>(
    dim: usize,
    settings: &Settings,
    distances: &mut dyn FnMut(&[Vec<f64>]) -> Result<Vec<f64>, E>,
    observe: &mut dyn FnMut(&Generation),
) -> Result<Population, E> {
    let n = settings.population.max(2);
    let mut rng = StreamRng::seed_from_u64(mix(mix(settings.seed) ^ 0x4142_4353_4d43_0000));
    let first: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..dim).map(|_| unit(&mut rng).clamp(EDGE, 1.0 - EDGE)).collect())
        .collect();
    let d = distances(&first)?;
    let mut particles: Vec<Particle> = first
        .into_iter()
        .zip(d)
        .map(|(u, distance)| Particle { u, weight: 1.0 / n as f64, distance })
        .collect();
    let g0 = Generation { index: 0, tolerance: f64::INFINITY, proposed: n, accepted: n, complete: true };
    observe(&g0);
    let mut generations = vec![g0];
    let mut simulated = n;
    let stop = loop {
        let tolerance = lower_quantile(particles.iter().map(|p| p.distance), settings.quantile);
        let index = generations.len();
        let budget = settings.budget.saturating_sub(simulated);
        let next = generation(&particles, tolerance, n, budget, &mut rng, distances)?;
        simulated += next.proposed;
        let g = Generation { index, tolerance, proposed: next.proposed, accepted: next.accepted.len(), complete: next.accepted.len() == n };
        observe(&g);
        generations.push(g);
        if !g.complete {
            break Stop::Budget;
        }
        particles = next.accepted;
        if tolerance <= 0.0 {
            break Stop::Exact;
        }
        if (n as f64) < settings.min_acceptance * next.proposed as f64 {
            break Stop::Acceptance;
        }
    };
    Ok(Population { particles, generations, simulated, stop })
}

struct Batch {
    accepted: Vec<Particle>,
    proposed: usize,
}

/// Proposes from the weighted `previous` population until `n` particles fall within
/// `tolerance` or `budget` proposals are spent, and weights the accepted ones.
fn generation<E>(
    previous: &[Particle],
    tolerance: f64,
    n: usize,
    budget: usize,
    rng: &mut StreamRng,
    distances: &mut dyn FnMut(&[Vec<f64>]) -> Result<Vec<f64>, E>,
) -> Result<Batch, E> {
    let sd = kernel_sd(previous);
    let mut accepted: Vec<Particle> = Vec::with_capacity(n);
    let mut proposed = 0;
    while accepted.len() < n && proposed < budget {
        let rate = (accepted.len() + 1) as f64 / (proposed + 2) as f64;
        let want = ((n - accepted.len()) as f64 / rate.max(0.02)).ceil() as usize;
        let size = want.clamp(n - accepted.len(), 4 * n).min(budget - proposed);
        let points: Vec<Vec<f64>> = (0..size).map(|_| propose(previous, &sd, rng)).collect();
        let d = distances(&points)?;
        proposed += size;
        for (u, distance) in points.into_iter().zip(d) {
            if distance <= tolerance && accepted.len() < n {
                accepted.push(Particle { u, weight: 0.0, distance });
            }
        }
    }
    weigh(&mut accepted, previous, &sd);
    Ok(Batch { accepted, proposed })
}

/// Twice the weighted variance of each coordinate (Beaumont et al. 2009), as a standard
/// deviation, at least [`MIN_KERNEL_SD`].
fn kernel_sd(particles: &[Particle]) -> Vec<f64> {
    let dim = particles.first().map_or(0, |p| p.u.len());
    (0..dim)
        .map(|k| {
            let mean: f64 = particles.iter().map(|p| p.weight * p.u[k]).sum();
            let var: f64 = particles.iter().map(|p| p.weight * (p.u[k] - mean).powi(2)).sum();
            (2.0 * var).sqrt().max(MIN_KERNEL_SD)
        })
        .collect()
}

/// A particle picked by weight, moved by the kernel truncated to the cube.
fn propose(previous: &[Particle], sd: &[f64], rng: &mut StreamRng) -> Vec<f64> {
    let pick = unit(rng);
    let mut cumulative = 0.0;
    let parent = previous
        .iter()
        .find(|p| {
            cumulative += p.weight;
            cumulative > pick
        })
        .unwrap_or(&previous[previous.len() - 1]);
    parent
        .u
        .iter()
        .zip(sd)
        .map(|(&mean, &sd)| {
            let kernel = Distribution::new(DistSpec::Normal { mean, sd, min: 0.0, max: 1.0 });
            let p = unit(rng);
            kernel.map_or(mean, |k| k.quantile(p)).clamp(EDGE, 1.0 - EDGE)
        })
        .collect()
}

/// Importance weights `1 / sum_j W_j K(u | u_j)` (the prior is uniform on the cube),
/// normalized to sum to 1.
fn weigh(particles: &mut [Particle], previous: &[Particle], sd: &[f64]) {
    for p in particles.iter_mut() {
        let q: f64 = previous
            .iter()
            .map(|j| j.weight * p.u.iter().zip(&j.u).zip(sd).map(|((&x, &m), &s)| truncated_density(x, m, s)).product::<f64>())
            .sum();
        p.weight = if q > 0.0 { 1.0 / q } else { 0.0 };
    }
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    let n = particles.len() as f64;
    for p in particles.iter_mut() {
        p.weight = if total > 0.0 { p.weight / total } else { 1.0 / n };
    }
}

/// Density at `x` of Normal(`mean`, `sd`) truncated to [0, 1].
fn truncated_density(x: f64, mean: f64, sd: f64) -> f64 {
    let phi = |z: f64| 0.5 * libm::erfc(-z / std::f64::consts::SQRT_2);
    let mass = phi((1.0 - mean) / sd) - phi(-mean / sd);
    let z = (x - mean) / sd;
    (-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt()) / mass.max(f64::MIN_POSITIVE)
}

/// The order statistic of rank floor(q (n - 1)): a distance some particle actually has.
fn lower_quantile(values: impl Iterator<Item = f64>, q: f64) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    let rank = (q.clamp(0.0, 1.0) * (v.len().saturating_sub(1)) as f64).floor() as usize;
    v.get(rank).copied().unwrap_or(f64::INFINITY)
}

/// The `p`-quantile of values with weights (the smallest value whose cumulative weight
/// reaches `p`).
pub fn weighted_quantile(values: &[(f64, f64)], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|x| x.1).sum();
    let mut cumulative = 0.0;
    for (x, w) in &v {
        cumulative += w;
        if cumulative >= p * total - 1e-12 {
            return *x;
        }
    }
    v.last().map_or(f64::NAN, |x| x.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_toy(seed: u64) -> Population {
        // One parameter; the distance is 0 on [0.3, 0.4] and grows outside it: the ABC
        // posterior is the uniform prior restricted to [0.3, 0.4].
        let settings = Settings { population: 200, budget: 4000, seed, ..Settings::default() };
        let mut distance = |points: &[Vec<f64>]| -> Result<Vec<f64>, ()> {
            Ok(points.iter().map(|u| (0.3 - u[0]).max(u[0] - 0.4).max(0.0)).collect())
        };
        run(1, &settings, &mut distance, &mut |_| {}).unwrap()
    }

    #[test]
    fn finds_the_region_where_every_target_holds() {
        let pop = run_toy(5);
        assert_eq!(pop.stop, Stop::Exact);
        assert_eq!(pop.particles.len(), 200);
        assert!(pop.particles.iter().all(|p| p.distance == 0.0));
        let values: Vec<(f64, f64)> = pop.particles.iter().map(|p| (p.u[0], p.weight)).collect();
        let (lo, mid, hi) = (weighted_quantile(&values, 0.05), weighted_quantile(&values, 0.5), weighted_quantile(&values, 0.95));
        assert!((0.3..0.32).contains(&lo), "p05 {lo}");
        assert!((0.33..0.37).contains(&mid), "p50 {mid}");
        assert!((0.38..=0.4).contains(&hi), "p95 {hi}");
        assert!((pop.particles.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(pop.simulated <= 4000 && pop.acceptance_rate() > 0.02);
    }

    #[test]
    fn is_deterministic_for_a_seed_and_stops_at_the_budget() {
        assert_eq!(run_toy(9), run_toy(9));
        assert_ne!(run_toy(9).particles, run_toy(10).particles);
        let settings = Settings { population: 50, budget: 120, ..Settings::default() };
        let mut distance = |points: &[Vec<f64>]| -> Result<Vec<f64>, ()> { Ok(points.iter().map(|u| u[0] + u[1]).collect()) };
        let pop = run(2, &settings, &mut distance, &mut |_| {}).unwrap();
        assert_eq!(pop.stop, Stop::Budget);
        assert!(pop.simulated <= 120);
        assert_eq!(pop.particles.len(), 50);
    }

    #[test]
    fn truncated_kernel_density_integrates_to_one() {
        for (mean, sd) in [(0.5, 0.1), (0.02, 0.3), (0.99, 0.05)] {
            let steps = 20_000;
            let total: f64 = (0..steps).map(|i| truncated_density((i as f64 + 0.5) / steps as f64, mean, sd)).sum::<f64>() / steps as f64;
            assert!((total - 1.0).abs() < 1e-4, "{mean} {sd}: {total}");
        }
    }
}
