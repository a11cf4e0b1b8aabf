//! What one run produces: dense arrays indexed by quarter, buyer, chip and channel.
//! Buffers are allocated once per worker and overwritten by every run.

use crate::model::{Channel, Scenario};

/// Dimensions of a run's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub quarters: usize,
    pub buyers: usize,
    pub chips: usize,
    pub policies: usize,
}

impl Layout {
    pub fn of(s: &Scenario) -> Layout {
        Layout {
            quarters: s.quarter_count(),
            buyers: s.buyers.len(),
            chips: s.chips.len(),
            policies: s.policies.len(),
        }
    }
    /// Index into `[quarter][buyer][chip][channel]`.
    pub fn qbck(&self, q: usize, b: usize, c: usize, k: Channel) -> usize {
        ((q * self.buyers + b) * self.chips + c) * Channel::COUNT + k.index()
    }
    /// Index into `[quarter][buyer][chip]`.
    pub fn qbc(&self, q: usize, b: usize, c: usize) -> usize {
        (q * self.buyers + b) * self.chips + c
    }
    /// Index into `[quarter][buyer]`.
    pub fn qb(&self, q: usize, b: usize) -> usize {
        q * self.buyers + b
    }
    /// Index into `[quarter][chip]`.
    pub fn qc(&self, q: usize, c: usize) -> usize {
        q * self.chips + c
    }
}

/// One run's outcomes. Units are chips; compute is H100e (dense BF16 / 989); money is USD.
#[derive(Debug, Clone)]
pub struct Record {
    pub layout: Layout,
    /// Units delivered, `[q][b][c][channel]`.
    pub delivered: Vec<f64>,
    /// USD paid by the buyer for delivered units (duties and markups included), `[q][b][c][channel]`.
    pub spend: Vec<f64>,
    /// Units ordered in the quarter (all channels), `[q][b][c]`.
    pub ordered: Vec<f64>,
    /// Units ordered and not yet delivered at the quarter's end, `[q][b][c]`.
    pub backlog: Vec<f64>,
    /// Demand in H100e, `[q][b]`.
    pub demand: Vec<f64>,
    /// Demand in H100e that was not met and will not be (no option, quota, budget, caps,
    /// cancelled or seized orders), `[q][b]`.
    pub unmet: Vec<f64>,
    /// Vendor revenue in USD (after revenue shares), `[q][c]`.
    pub revenue: Vec<f64>,
    /// Units available to ship (capacity plus stock) for capacity-bound chips, `[q][c]`.
    pub supply: Vec<f64>,
    /// Smuggled units seized, `[q][c]`.
    pub seized: Vec<f64>,
    /// USD paid to the US government (revenue shares and duties), `[q]`.
    pub us_government: Vec<f64>,
    /// Whether each policy was in force, `[q][p]`.
    pub policy_active: Vec<bool>,
}

impl Record {
    pub fn new(layout: Layout) -> Record {
        let Layout {
            quarters: q,
            buyers: b,
            chips: c,
            policies: p,
        } = layout;
        Record {
            layout,
            delivered: vec![0.0; q * b * c * Channel::COUNT],
            spend: vec![0.0; q * b * c * Channel::COUNT],
            ordered: vec![0.0; q * b * c],
            backlog: vec![0.0; q * b * c],
            demand: vec![0.0; q * b],
            unmet: vec![0.0; q * b],
            revenue: vec![0.0; q * c],
            supply: vec![0.0; q * c],
            seized: vec![0.0; q * c],
            us_government: vec![0.0; q],
            policy_active: vec![false; q * p],
        }
    }

    pub fn clear(&mut self) {
        for v in [
            &mut self.delivered,
            &mut self.spend,
            &mut self.ordered,
            &mut self.backlog,
            &mut self.demand,
            &mut self.unmet,
            &mut self.revenue,
            &mut self.supply,
            &mut self.seized,
            &mut self.us_government,
        ] {
            v.fill(0.0);
        }
        self.policy_active.fill(false);
    }

    /// Units of chip `c` delivered to buyer `b` in quarter `q`, over all channels.
    pub fn delivered_units(&self, q: usize, b: usize, c: usize) -> f64 {
        let i = self.layout.qbck(q, b, c, Channel::Legal);
        self.delivered[i..i + Channel::COUNT].iter().sum()
    }
}
