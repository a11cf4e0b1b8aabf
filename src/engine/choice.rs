//! Steps 3 and 4 (docs/model.md, sections 6 and 7): a buyer's demand split over its options
//! by a logit, then the domestic quota, the budget and the caps; the orders placed.

use super::caps::Caps;
use super::delivery::Book;
use super::grey::Grey;
use super::record::Record;
use super::terms::Terms;
use crate::model::*;

/// One buyer's orders this quarter, per chip (scratch, reused for every buyer).
pub struct Choice {
    /// Orders in H100e, through the logit, quota and budget.
    weight: Vec<f64>,
    /// Units ordered, after the caps.
    units: Vec<f64>,
    /// H100e of demand left unmet by the quota, the budget and the caps.
    unmet: f64,
}

impl Choice {
    pub fn new(s: &Scenario) -> Choice {
        Choice {
            weight: vec![0.0; s.chips.len()],
            units: vec![0.0; s.chips.len()],
            unmet: 0.0,
        }
    }

    /// Buyer `b`'s demand this quarter split over its options (recorded: demand and unmet).
    pub fn choose(&mut self, b: usize, m: &Terms, caps: &mut Caps, record: &mut Record) {
        let buyer = &m.s.buyers[b];
        let at = record.layout.qb(m.t, b);
        let growth = m.inputs.value(buyer.demand_growth);
        let demand = m.inputs.value(buyer.demand_h100e) * (1.0 + growth).powf(m.t as f64 / 4.0);
        record.demand[at] = demand;
        self.units.fill(0.0);
        let best = m.options.best[b];
        if best == f64::NEG_INFINITY {
            record.unmet[at] += demand;
            return;
        }
        self.unmet = 0.0;
        let (domestic, foreign) = self.logit(b, m, best, demand);
        self.quota(m, m.rules.beijing.quota[b], demand, domestic, foreign);
        if let Some(budget) = buyer.budget_usd.map(|x| m.inputs.value(x)) {
            self.budget(b, m, budget);
        }
        self.cap(b, m, caps);
        record.unmet[at] += self.unmet.max(0.0);
    }

    /// Logit shares of `demand`, by H100e; returns the domestic and foreign totals.
    fn logit(&mut self, b: usize, m: &Terms, best: f64, demand: f64) -> (f64, f64) {
        let nc = m.s.chips.len();
        let mut total = 0.0;
        for c in 0..nc {
            let i = b * nc + c;
            self.weight[c] = if m.options.channel[i].is_some() {
                (m.options.utility[i] - best).exp()
            } else {
                0.0
            };
            total += self.weight[c];
        }
        let (mut domestic, mut foreign) = (0.0, 0.0);
        for c in 0..nc {
            self.weight[c] *= demand / total;
            if m.s.chips[c].origin == Origin::Domestic {
                domestic += self.weight[c]
            } else {
                foreign += self.weight[c]
            }
        }
        (domestic, foreign)
    }

    /// Domestic quota: a floor on the domestic share of orders, enforced by rescaling.
    fn quota(&mut self, m: &Terms, quota: f64, demand: f64, domestic: f64, foreign: f64) {
        if !(demand > 0.0 && domestic < quota * demand) {
            return;
        }
        let (fd, ff) = if domestic > 0.0 {
            (
                quota * demand / domestic,
                (1.0 - quota) * demand / foreign.max(f64::MIN_POSITIVE),
            )
        } else {
            self.unmet += quota * demand;
            (0.0, 1.0 - quota)
        };
        for (c, chip) in m.s.chips.iter().enumerate() {
            self.weight[c] *= if chip.origin == Origin::Domestic {
                fd
            } else {
                ff
            };
        }
    }

    /// Budget: scale every order down when the bill exceeds it.
    fn budget(&mut self, b: usize, m: &Terms, budget: f64) {
        let nc = m.s.chips.len();
        let bill: f64 = (0..nc)
            .map(|c| self.weight[c] / m.s.chips[c].h100e() * m.options.paid[b * nc + c])
            .filter(|x| x.is_finite())
            .sum();
        if bill > budget {
            let f = budget / bill;
            for c in 0..nc {
                self.unmet += self.weight[c] * (1.0 - f);
                self.weight[c] *= f;
            }
        }
    }

    /// Units wanted, limited by the caps of licences and reviews.
    fn cap(&mut self, b: usize, m: &Terms, caps: &mut Caps) {
        let nc = m.s.chips.len();
        for c in 0..nc {
            let Some(channel) = m.options.channel[b * nc + c] else {
                continue;
            };
            let h = m.s.chips[c].h100e();
            let units = caps.take(b, c, channel, self.weight[c] / h, m.rules);
            self.unmet += self.weight[c] - units * h;
            self.units[c] = units;
        }
    }

    /// Places buyer `b`'s orders (recorded as ordered): grey ones with the grey market,
    /// those of capacity-bound chips in the book for their lead time, the rest delivered now.
    pub fn place(
        &self,
        b: usize,
        m: &Terms,
        book: &mut Book,
        grey: &mut Grey,
        record: &mut Record,
    ) {
        let nc = m.s.chips.len();
        for c in 0..nc {
            let i = b * nc + c;
            let Some(channel) = m.options.channel[i] else {
                continue;
            };
            let units = self.units[c];
            if units <= 0.0 {
                continue;
            }
            record.ordered[record.layout.qbc(m.t, b, c)] += units;
            match (channel, &m.s.supply[c]) {
                (Channel::Grey, _) => grey.request(i, units),
                (_, Some(supply)) => book.place(i, m.t + supply.lead_time_quarters as usize, units),
                (_, None) => m.deliver(b, c, channel, units, record),
            }
        }
    }
}
