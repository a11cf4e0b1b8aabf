//! Step 0 (docs/model.md, section 3): a run's sampled inputs. Drawn once before quarter 0,
//! only read afterwards.

use super::rng::{StreamRng, param_stream};
use crate::model::dist::unit;
use crate::model::*;
use rand_distr::{Distribution as _, StandardNormal};

/// What a run drew: every input's value and the run's own draws (taste noise, policy
/// occurrence, licence approvals), with what follows from them for the whole run.
pub struct Inputs {
    /// Every input's value in this run, by [`ParamId`].
    values: Vec<f64>,
    /// List price per chip, USD.
    pub price: Vec<f64>,
    /// The part of each option's utility fixed for the run, `[b][c]`:
    /// beta * ln(effective H100e per unit) + taste noise + lock-in (US chips); minus
    /// infinity where a chip has no value for the buyer.
    pub base_utility: Vec<f64>,
    /// ln(grey appetite) per buyer (minus infinity when 0: no grey purchases).
    pub ln_appetite: Vec<f64>,
    /// Per policy: whether it happens in this run; its start and end (inclusive) as
    /// quarters from the scenario's start.
    pub policy_on: Vec<bool>,
    pub policy_start: Vec<i64>,
    policy_end: Vec<i64>,
    /// Per `[policy][buyer]`: the US licence granted; the drawn per-buyer cap of a licence or
    /// a Beijing review (infinite otherwise).
    pub licence_ok: Vec<bool>,
    pub cap: Vec<f64>,
}

impl Inputs {
    pub fn new(s: &Scenario) -> Inputs {
        let (b, c, p) = (s.buyers.len(), s.chips.len(), s.policies.len());
        Inputs {
            values: vec![0.0; s.params.len()],
            price: vec![0.0; c],
            base_utility: vec![0.0; b * c],
            ln_appetite: vec![0.0; b],
            policy_on: vec![false; p],
            policy_start: vec![0; p],
            policy_end: vec![0; p],
            licence_ok: vec![false; p * b],
            cap: vec![0.0; p * b],
        }
    }

    /// The sampled value of an input in the current run.
    pub fn value(&self, id: ParamId) -> f64 {
        self.values[id.0]
    }

    /// Draws every input from its own stream, then the run's own draws from `rng` in a fixed
    /// order (taste noise, policy occurrence, licence approvals), all made whatever the values.
    pub fn sample(&mut self, s: &Scenario, seed: u64, run: u64, rng: &mut StreamRng) {
        for (k, p) in s.params.iter().enumerate() {
            self.values[k] = if p.dist.is_fixed() {
                p.dist.mean()
            } else {
                p.dist.sample(&mut param_stream(seed, run, k))
            };
        }
        for (c, chip) in s.chips.iter().enumerate() {
            self.price[c] = self.value(chip.price_usd);
        }
        for b in 0..s.buyers.len() {
            self.sample_buyer(s, b, rng);
        }
        for p in 0..s.policies.len() {
            self.sample_policy(s, p, rng);
        }
    }

    /// Whether policy `p` is in force in quarter `t`.
    pub fn active(&self, p: usize, t: usize) -> bool {
        let t = t as i64;
        self.policy_on[p] && self.policy_start[p] <= t && t <= self.policy_end[p]
    }

    /// Buyer `b`'s taste noise (one draw per chip) and the utilities fixed for the run.
    fn sample_buyer(&mut self, s: &Scenario, b: usize, rng: &mut StreamRng) {
        let buyer = &s.buyers[b];
        let taste_sd = self.value(s.settings.taste_sd);
        for (c, chip) in s.chips.iter().enumerate() {
            let value = self.effective_value(s, buyer, chip);
            let z: f64 = StandardNormal.sample(rng);
            let taste = taste_sd * z;
            let lock_in = if chip.origin == Origin::Us {
                self.value(buyer.lock_in)
            } else {
                0.0
            };
            self.base_utility[b * s.chips.len() + c] = if value > 0.0 {
                self.value(buyer.price_sensitivity) * value.ln() + taste + lock_in
            } else {
                f64::NEG_INFINITY
            };
        }
        let appetite = self.value(buyer.grey_appetite);
        self.ln_appetite[b] = if appetite > 0.0 {
            appetite.ln()
        } else {
            f64::NEG_INFINITY
        };
    }

    /// $V_{b,c}$: effective H100e per unit of `chip` for `buyer`'s mix of training (FLOPs)
    /// and inference (bandwidth against the H100's, and FLOPs).
    fn effective_value(&self, s: &Scenario, buyer: &Buyer, chip: &Chip) -> f64 {
        let w = self.value(s.settings.inference_bandwidth_weight);
        let training = self.value(buyer.training_share);
        let flops = chip.h100e();
        let train = flops * self.value(chip.training_efficiency);
        let bandwidth = chip.memory_bandwidth_tbs / H100_MEMORY_BANDWIDTH_TBS;
        let infer = (w * bandwidth + (1.0 - w) * flops) * self.value(chip.inference_efficiency);
        training * train + (1.0 - training) * infer
    }

    /// Policy `p`: whether it happens, its drawn start, and one draw per buyer (its US
    /// licence); the per-buyer caps.
    fn sample_policy(&mut self, s: &Scenario, p: usize, rng: &mut StreamRng) {
        let policy = &s.policies[p];
        let origin = s.start.index();
        let u = unit(rng);
        self.policy_on[p] = u < self.value(policy.probability);
        let delay = policy
            .start_delay_quarters
            .map_or(0.0, |d| self.value(d).floor());
        self.policy_start[p] = policy.start.index() + delay as i64 - origin;
        self.policy_end[p] = policy.end.map_or(i64::MAX, |e| e.index() - origin);
        for b in 0..s.buyers.len() {
            let u = unit(rng);
            let (ok, cap) = self.licence(&policy.kind, u);
            self.licence_ok[p * s.buyers.len() + b] = ok;
            self.cap[p * s.buyers.len() + b] = cap;
        }
    }

    /// A buyer's licence under a policy of kind `kind` given its draw `u`, and its cap.
    fn licence(&self, kind: &PolicyKind, u: f64) -> (bool, f64) {
        let cap = |c: &Option<ParamId>| c.map_or(f64::INFINITY, |c| self.value(c));
        match kind {
            PolicyKind::UsExport {
                effect:
                    UsEffect::Licence {
                        approval,
                        cap_units_per_buyer,
                        ..
                    },
                ..
            } => (u < self.value(*approval), cap(cap_units_per_buyer)),
            PolicyKind::BeijingReview {
                cap_units_per_buyer,
                ..
            } => (true, cap(cap_units_per_buyer)),
            _ => (true, f64::INFINITY),
        }
    }
}
