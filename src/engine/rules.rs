//! Step 1 (docs/model.md, section 4): the policies in force this quarter, each US chip's
//! status under its governing rule, the grey market that supplies each chip, and Beijing's
//! measures (`beijing.rs`).

use super::beijing::Beijing;
use super::caps::Caps;
use super::inputs::Inputs;
use super::record::Record;
use super::rng::StreamRng;
use crate::model::*;

/// How a US chip may be bought in a quarter under the governing US rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UsStatus {
    Free,
    Ban,
    /// Licensed under policy `p`.
    Licence(usize),
}

/// The policies in force this quarter and what the US rules and grey markets make of each chip.
pub struct Rules {
    /// Per chip, the US rules and the grey markets that cover it, in file order (fixed).
    us_rules_of: Vec<Vec<usize>>,
    grey_markets_of: Vec<Vec<usize>>,
    /// Per policy: in force this quarter.
    pub now: Vec<bool>,
    /// Per chip: status under the governing US rule, and that rule's revenue share and duty.
    pub status: Vec<UsStatus>,
    pub revenue_share: Vec<f64>,
    pub duty: Vec<f64>,
    /// Per chip: the first grey market in force that lists it.
    pub grey_source: Vec<Option<usize>>,
    pub beijing: Beijing,
}

/// The US rules (or grey markets) that cover chip `c`, in file order.
fn policies_covering(s: &Scenario, c: usize, us: bool) -> Vec<usize> {
    let covers = |p: &Policy| match &p.kind {
        PolicyKind::UsExport { covers, .. } => us && covers[c],
        PolicyKind::GreyMarket { chips, .. } => !us && chips[c],
        _ => false,
    };
    s.policies
        .iter()
        .enumerate()
        .filter(|(_, p)| covers(p))
        .map(|(i, _)| i)
        .collect()
}

impl Rules {
    pub fn new(s: &Scenario) -> Rules {
        let c = s.chips.len();
        Rules {
            us_rules_of: (0..c).map(|x| policies_covering(s, x, true)).collect(),
            grey_markets_of: (0..c).map(|x| policies_covering(s, x, false)).collect(),
            now: vec![false; s.policies.len()],
            status: vec![UsStatus::Free; c],
            revenue_share: vec![0.0; c],
            duty: vec![0.0; c],
            grey_source: vec![None; c],
            beijing: Beijing::new(s),
        }
    }

    /// Which policies are in force in quarter `t` (recorded), what that makes of each chip,
    /// and Beijing's measures (with their per-quarter draws from `rng`).
    pub fn update(
        &mut self,
        s: &Scenario,
        t: usize,
        inputs: &Inputs,
        caps: &Caps,
        rng: &mut StreamRng,
        record: &mut Record,
    ) {
        let np = s.policies.len();
        for p in 0..np {
            self.now[p] = inputs.active(p, t);
            record.policy_active[t * np + p] = self.now[p];
        }
        for c in 0..s.chips.len() {
            self.grey_source[c] = self.grey_markets_of[c]
                .iter()
                .copied()
                .find(|&p| self.now[p]);
            self.govern(s, c, inputs);
        }
        self.beijing.update(s, &self.now, inputs, caps, rng);
    }

    /// Chip `c`'s status, revenue share and duty under its governing US rule (free if none).
    fn govern(&mut self, s: &Scenario, c: usize, inputs: &Inputs) {
        let in_force = self.us_rules_of[c]
            .iter()
            .filter(|&&p| self.now[p])
            .map(|&p| (p, inputs.policy_start[p]));
        let rule = s.governing_us_rule(c, in_force);
        self.status[c] = rule.map_or(UsStatus::Free, |r| match r.effect {
            UsEffect::Ban => UsStatus::Ban,
            UsEffect::Licence { .. } => UsStatus::Licence(r.policy),
            UsEffect::Notify | UsEffect::Tax => UsStatus::Free,
        });
        let value = |x: Option<ParamId>| x.map_or(0.0, |x| inputs.value(x));
        self.revenue_share[c] = value(rule.and_then(|r| r.revenue_share));
        self.duty[c] = value(rule.and_then(|r| r.duty));
    }
}
