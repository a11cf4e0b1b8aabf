//! Step 1b (docs/model.md, section 4): Beijing's measures in force this quarter, spread over
//! `[buyer][chip]`. A review makes one draw per (review, buyer) every quarter, whether or not
//! it is in force: the model's only per-quarter random draw.

use super::caps::Caps;
use super::inputs::Inputs;
use super::rng::StreamRng;
use crate::model::dist::unit;
use crate::model::*;

/// Beijing's measures this quarter.
pub struct Beijing {
    /// Per policy, the chips a Beijing ban, review or guidance covers (fixed).
    chips_of: Vec<Vec<usize>>,
    /// Per `[b][c]`: guidance penalty; legal purchase banned (which also cancels the book);
    /// new purchases refused by a review; grey purchase banned.
    pub penalty: Vec<f64>,
    pub banned: Vec<bool>,
    pub refused: Vec<bool>,
    pub grey_barred: Vec<bool>,
    /// Per `[b][c]`: the first review in force covering the pair, for its per-buyer cap.
    pub review_of: Vec<Option<usize>>,
    /// Per buyer: the minimum domestic share of orders.
    pub quota: Vec<f64>,
}

/// The chips a Beijing ban, review or guidance covers (none for other kinds).
fn beijing_chips(p: &Policy) -> Vec<usize> {
    match &p.kind {
        PolicyKind::BeijingBan { chips, .. }
        | PolicyKind::BeijingReview { chips, .. }
        | PolicyKind::BeijingGuidance { chips, .. } => chips
            .iter()
            .enumerate()
            .filter(|(_, x)| **x)
            .map(|(c, _)| c)
            .collect(),
        _ => Vec::new(),
    }
}

impl Beijing {
    pub fn new(s: &Scenario) -> Beijing {
        let (b, c) = (s.buyers.len(), s.chips.len());
        Beijing {
            chips_of: s.policies.iter().map(beijing_chips).collect(),
            penalty: vec![0.0; b * c],
            banned: vec![false; b * c],
            refused: vec![false; b * c],
            grey_barred: vec![false; b * c],
            review_of: vec![None; b * c],
            quota: vec![0.0; b],
        }
    }

    /// This quarter's measures, given the policies in force (`now`) and the caps left.
    pub fn update(
        &mut self,
        s: &Scenario,
        now: &[bool],
        inputs: &Inputs,
        caps: &Caps,
        rng: &mut StreamRng,
    ) {
        self.penalty.fill(0.0);
        self.banned.fill(false);
        self.refused.fill(false);
        self.grey_barred.fill(false);
        self.quota.fill(0.0);
        self.review_of.fill(None);
        for (p, policy) in s.policies.iter().enumerate() {
            let approval = match &policy.kind {
                PolicyKind::BeijingReview { approval, .. } => Some(inputs.value(*approval)),
                _ => None,
            };
            if approval.is_none() && !now[p] {
                continue;
            }
            for b in 0..s.buyers.len() {
                let approved = approval.is_none_or(|a| unit(rng) < a);
                if now[p] && policy.buyers[b] {
                    self.apply(s, p, b, approved, inputs, caps);
                }
            }
        }
    }

    /// Policy `p`, in force and covering buyer `b` (`approved`: its review this quarter).
    fn apply(
        &mut self,
        s: &Scenario,
        p: usize,
        b: usize,
        approved: bool,
        inputs: &Inputs,
        caps: &Caps,
    ) {
        let nc = s.chips.len();
        let cells = self.chips_of[p].iter().map(|&c| b * nc + c);
        match &s.policies[p].kind {
            PolicyKind::BeijingBan { include_grey, .. } => {
                for i in cells {
                    self.banned[i] = true;
                    self.grey_barred[i] |= *include_grey;
                }
            }
            PolicyKind::BeijingReview { .. } => {
                let refused = !approved || caps.left(p, b) <= 0.0;
                for i in cells {
                    self.refused[i] |= refused;
                    self.review_of[i].get_or_insert(p);
                }
            }
            PolicyKind::BeijingGuidance { penalty, .. } => {
                let x = inputs.value(*penalty);
                for i in cells {
                    self.penalty[i] += x;
                }
            }
            PolicyKind::BeijingQuota { min_domestic_share } => {
                self.quota[b] = self.quota[b].max(inputs.value(*min_domestic_share));
            }
            _ => {}
        }
    }
}
