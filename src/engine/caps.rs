//! Per-buyer caps of US licences and Beijing reviews (docs/model.md, section 7): drawn once per
//! run, counted at order time over the policy's window, never refunded.

use super::inputs::Inputs;
use super::rules::{Rules, UsStatus};
use crate::model::Channel;

/// Units each buyer may still order under each policy's cap, `[policy][buyer]`.
pub struct Caps {
    left: Vec<f64>,
    buyers: usize,
    chips: usize,
}

impl Caps {
    pub fn new(policies: usize, buyers: usize, chips: usize) -> Caps {
        Caps {
            left: vec![0.0; policies * buyers],
            buyers,
            chips,
        }
    }

    /// Starts a run with the caps it drew.
    pub fn reset(&mut self, inputs: &Inputs) {
        self.left.copy_from_slice(&inputs.cap);
    }

    /// Units buyer `b` may still order under policy `p`'s cap.
    pub fn left(&self, p: usize, b: usize) -> f64 {
        self.left[p * self.buyers + b]
    }

    /// Buyer `b` orders `units` of chip `c` on `channel`: orders beyond what is left of the
    /// licence's cap (if the chip is licensed) or of the first review in force covering the
    /// pair are refused. Returns the units allowed, which are debited from both. Grey orders
    /// are not capped here.
    pub fn take(&mut self, b: usize, c: usize, channel: Channel, units: f64, rules: &Rules) -> f64 {
        if channel == Channel::Grey {
            return units;
        }
        let licence = match rules.status[c] {
            UsStatus::Licence(p) => Some(p * self.buyers + b),
            _ => None,
        };
        let review = rules.beijing.review_of[b * self.chips + c].map(|p| p * self.buyers + b);
        let mut units = units;
        for i in [licence, review].into_iter().flatten() {
            units = units.min(self.left[i].max(0.0));
        }
        for i in [licence, review].into_iter().flatten() {
            self.left[i] -= units;
        }
        units
    }
}
