//! Sequential Monte Carlo approximate Bayesian computation (ABC-SMC), in the population
//! Monte Carlo form of Beaumont, Cornuet, Marin and Robert (2009, "Adaptive approximate
//! Bayesian computation", Biometrika 96(4)) with the adaptive tolerance of Del Moral, Doucet
//! and Jasra (2012) and Drovandi and Pettitt (2011): each generation's tolerance is a
//! quantile of the previous generation's distances.
//!
//! It works in probit space: coordinate k of a particle is `z = Phi^-1(F_k(theta_k))`, with
//! F_k the prior CDF of parameter k, so every prior is a standard normal here and the caller
//! maps `u = Phi(z)` to a parameter value through the prior's quantile function. The space is
//! unbounded, so the perturbation kernel is a plain multivariate normal with twice the
//! previous population's weighted covariance (Beaumont et al. 2009; Filippi et al. 2013 show
//! the covariance kernel beats a component-wise one when parameters trade off), and the
//! importance weights are exact: `w = prod phi(z_k) / sum_j W_j N(z; z_j, 2 Sigma)`.
//!
//! Deterministic for a seed: proposals are drawn in order from one Xoshiro256++ stream and
//! a generation accepts the first `population` proposals within its tolerance, so batch
//! evaluation (in parallel, by the caller) cannot change the result.

use super::kernel::{Kernel, phi, standard_normal};
use crate::engine::rng::{StreamRng, mix};
use crate::model::dist::unit;
use rand::SeedableRng;

/// Points are kept this far inside the unit cube, so infinite-support priors map to finite
/// values.
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

/// A point in probit space with its importance weight and distance.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub z: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
}

impl Particle {
    /// The point in the unit cube: each coordinate's prior CDF value.
    pub fn u(&self) -> Vec<f64> {
        to_cube(&self.z)
    }
}

/// Distances of a batch of points of the unit cube, or why they could not be had.
pub type Distances<'a, E> = dyn FnMut(&[Vec<f64>]) -> Result<Vec<f64>, E> + 'a;

fn to_cube(z: &[f64]) -> Vec<f64> {
    z.iter().map(|z| phi(*z).clamp(EDGE, 1.0 - EDGE)).collect()
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
        1.0 / self
            .particles
            .iter()
            .map(|p| p.weight * p.weight)
            .sum::<f64>()
    }
}

/// Runs ABC-SMC in `dim` dimensions. `distances` gives the distance of each point of a
/// batch of points of the unit cube (the caller may evaluate them in parallel); `observe`
/// hears of each generation.
pub fn run<E>(
    dim: usize,
    settings: &Settings,
    distances: &mut Distances<E>,
    observe: &mut dyn FnMut(&Generation),
) -> Result<Population, E> {
    let n = settings.population.max(2);
    let mut rng = StreamRng::seed_from_u64(mix(mix(settings.seed) ^ 0x4142_4353_4d43_0000));
    let mut particles = prior_sample(dim, n, &mut rng, distances)?;
    let g0 = Generation {
        index: 0,
        tolerance: f64::INFINITY,
        proposed: n,
        accepted: n,
        complete: true,
    };
    observe(&g0);
    let mut generations = vec![g0];
    let mut simulated = n;
    let stop = loop {
        let tolerance = lower_quantile(particles.iter().map(|p| p.distance), settings.quantile);
        let index = generations.len();
        let budget = settings.budget.saturating_sub(simulated);
        let next = generation(&particles, tolerance, n, budget, &mut rng, distances)?;
        simulated += next.proposed;
        let accepted = next.accepted.len();
        let g = Generation {
            index,
            tolerance,
            proposed: next.proposed,
            accepted,
            complete: accepted == n,
        };
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
    Ok(Population {
        particles,
        generations,
        simulated,
        stop,
    })
}

/// Generation 0: `n` points drawn from the prior (a standard normal in probit space).
fn prior_sample<E>(
    dim: usize,
    n: usize,
    rng: &mut StreamRng,
    distances: &mut Distances<E>,
) -> Result<Vec<Particle>, E> {
    let normal = standard_normal();
    let first: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..dim).map(|_| normal.sample(rng)).collect())
        .collect();
    let d = distances(&first.iter().map(|z| to_cube(z)).collect::<Vec<_>>())?;
    Ok(first
        .into_iter()
        .zip(d)
        .map(|(z, distance)| Particle {
            z,
            weight: 1.0 / n as f64,
            distance,
        })
        .collect())
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
    distances: &mut Distances<E>,
) -> Result<Batch, E> {
    let points: Vec<&[f64]> = previous.iter().map(|p| p.z.as_slice()).collect();
    let weights: Vec<f64> = previous.iter().map(|p| p.weight).collect();
    let kernel = Kernel::from_population(&points, &weights);
    let mut accepted: Vec<Particle> = Vec::with_capacity(n);
    let mut proposed = 0;
    while accepted.len() < n && proposed < budget {
        let rate = (accepted.len() + 1) as f64 / (proposed + 2) as f64;
        let want = ((n - accepted.len()) as f64 / rate.max(0.02)).ceil() as usize;
        let size = want.clamp(n - accepted.len(), 4 * n).min(budget - proposed);
        let zs: Vec<Vec<f64>> = (0..size)
            .map(|_| kernel.sample(&pick(previous, rng).z, rng))
            .collect();
        let d = distances(&zs.iter().map(|z| to_cube(z)).collect::<Vec<_>>())?;
        proposed += size;
        for (z, distance) in zs.into_iter().zip(d) {
            if distance <= tolerance && accepted.len() < n {
                accepted.push(Particle {
                    z,
                    weight: 0.0,
                    distance,
                });
            }
        }
    }
    weigh(&mut accepted, previous, &kernel);
    Ok(Batch { accepted, proposed })
}

/// A particle of `previous` picked with probability its weight.
fn pick<'a>(previous: &'a [Particle], rng: &mut StreamRng) -> &'a Particle {
    let at = unit(rng);
    let mut cumulative = 0.0;
    previous
        .iter()
        .find(|p| {
            cumulative += p.weight;
            cumulative > at
        })
        .unwrap_or(&previous[previous.len() - 1])
}

/// Importance weights: the standard normal prior over the proposal mixture,
/// `prod phi(z_k) / sum_j W_j K(z - z_j)`, computed in logs and normalized to sum to 1.
fn weigh(particles: &mut [Particle], previous: &[Particle], kernel: &Kernel) {
    let logs: Vec<f64> = particles
        .iter()
        .map(|p| {
            let prior = -0.5 * p.z.iter().map(|z| z * z).sum::<f64>();
            let terms: Vec<f64> = previous
                .iter()
                .map(|j| j.weight.ln() + kernel.log_density(&p.z, &j.z))
                .collect();
            prior - log_sum_exp(&terms)
        })
        .collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let raw: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = raw.iter().sum();
    let n = particles.len() as f64;
    for (p, w) in particles.iter_mut().zip(raw) {
        p.weight = if total > 0.0 && total.is_finite() {
            w / total
        } else {
            1.0 / n
        };
    }
}

fn log_sum_exp(values: &[f64]) -> f64 {
    let top = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return top;
    }
    top + values.iter().map(|v| (v - top).exp()).sum::<f64>().ln()
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
        let settings = Settings {
            population: 200,
            budget: 4000,
            seed,
            ..Settings::default()
        };
        let mut distance = |points: &[Vec<f64>]| -> Result<Vec<f64>, ()> {
            Ok(points
                .iter()
                .map(|u| (0.3 - u[0]).max(u[0] - 0.4).max(0.0))
                .collect())
        };
        run(1, &settings, &mut distance, &mut |_| {}).unwrap()
    }

    #[test]
    fn finds_the_region_where_every_target_holds() {
        let pop = run_toy(5);
        assert_eq!(pop.stop, Stop::Exact);
        assert_eq!(pop.particles.len(), 200);
        assert!(pop.particles.iter().all(|p| p.distance == 0.0));
        let values: Vec<(f64, f64)> = pop.particles.iter().map(|p| (p.u()[0], p.weight)).collect();
        let (lo, mid, hi) = (
            weighted_quantile(&values, 0.05),
            weighted_quantile(&values, 0.5),
            weighted_quantile(&values, 0.95),
        );
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
        let settings = Settings {
            population: 50,
            budget: 120,
            ..Settings::default()
        };
        let mut distance = |points: &[Vec<f64>]| -> Result<Vec<f64>, ()> {
            Ok(points.iter().map(|u| u[0] + u[1]).collect())
        };
        let pop = run(2, &settings, &mut distance, &mut |_| {}).unwrap();
        assert_eq!(pop.stop, Stop::Budget);
        assert!(pop.simulated <= 120);
        assert_eq!(pop.particles.len(), 50);
    }

    #[test]
    fn follows_a_ridge_where_parameters_trade_off() {
        // The distance is 0 on the band |u0 - u1| <= 0.05, 0.2 <= u0 <= 0.8: the posterior
        // is uniform on it, so u0's marginal is uniform on [0.2, 0.8].
        let settings = Settings {
            population: 300,
            budget: 20_000,
            seed: 3,
            ..Settings::default()
        };
        let mut distance = |points: &[Vec<f64>]| -> Result<Vec<f64>, ()> {
            Ok(points
                .iter()
                .map(|u| {
                    ((u[0] - u[1]).abs() - 0.05).max(0.0) + (0.2 - u[0]).max(u[0] - 0.8).max(0.0)
                })
                .collect())
        };
        let pop = run(2, &settings, &mut distance, &mut |_| {}).unwrap();
        assert_eq!(pop.stop, Stop::Exact, "{:?}", pop.generations);
        let values: Vec<(f64, f64)> = pop.particles.iter().map(|p| (p.u()[0], p.weight)).collect();
        let q = |p| weighted_quantile(&values, p);
        assert!(
            (q(0.05) - 0.23).abs() < 0.04
                && (q(0.5) - 0.5).abs() < 0.05
                && (q(0.95) - 0.77).abs() < 0.04,
            "{} {} {}",
            q(0.05),
            q(0.5),
            q(0.95)
        );
    }
}
