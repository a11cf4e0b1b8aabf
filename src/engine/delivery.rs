//! Steps 5 and 6 (docs/model.md, sections 8 and 9): the book of orders for capacity-bound
//! chips, served oldest first from capacity and stock, aged, cancelled when their channel
//! closes. Sharing a short supply is `supply.rs`; rerouting (5b) is `reroute.rs`.

use super::inputs::Inputs;
use super::record::Record;
use super::supply::allocate;
use super::terms::Terms;
use crate::model::*;

/// The orders in the book and the stock of capacity-bound chips.
pub struct Book {
    /// Units due at quarter t, `[b][c][t]`; late backlog by age, `[b][c][age]`.
    due: Vec<f64>,
    late: Vec<f64>,
    /// Units in stock, per chip.
    pub stock: Vec<f64>,
    /// Whether buyer b has orders for chip c in the book, `[b][c]` (lets idle pairs be skipped).
    open: Vec<bool>,
    /// Orders due this quarter that supply did not fill, `[b][c]`.
    pub unserved_new: Vec<f64>,
    /// One tier's requests and what each buyer is served, per buyer (scratch).
    request: Vec<f64>,
    served: Vec<f64>,
    /// The capacity-bound chips; quarters of the `due` axis; ages of the late backlog.
    bound_chips: Vec<usize>,
    due_len: usize,
    ages: usize,
    quarters: usize,
}

/// A tier of requests served from supply: late orders of an age, or orders due now.
#[derive(Clone, Copy, PartialEq)]
enum Tier {
    Late(usize),
    New,
}

impl Book {
    pub fn new(s: &Scenario) -> Book {
        let (b, c, quarters) = (s.buyers.len(), s.chips.len(), s.quarter_count());
        let max_lead = s
            .supply
            .iter()
            .flatten()
            .map(|x| x.lead_time_quarters as usize)
            .max()
            .unwrap_or(0);
        let due_len = quarters + max_lead + 1;
        let ages = s.settings.backlog_max_quarters as usize;
        Book {
            due: vec![0.0; b * c * due_len],
            late: vec![0.0; b * c * ages.max(1)],
            stock: vec![0.0; c],
            open: vec![false; b * c],
            unserved_new: vec![0.0; b * c],
            request: vec![0.0; b],
            served: vec![0.0; b],
            bound_chips: (0..c).filter(|&x| s.supply[x].is_some()).collect(),
            due_len,
            ages,
            quarters,
        }
    }

    /// Starts a run: the drawn stock of each capacity-bound chip, an empty book.
    pub fn reset(&mut self, s: &Scenario, inputs: &Inputs) {
        for (c, supply) in s.supply.iter().enumerate() {
            self.stock[c] = supply.as_ref().map_or(0.0, |x| inputs.value(x.stock));
        }
        self.due.fill(0.0);
        self.late.fill(0.0);
        self.open.fill(false);
    }

    /// An order of `units` for the pair `i` = (b, c), due in quarter `due`.
    pub fn place(&mut self, i: usize, due: usize, units: f64) {
        self.due[i * self.due_len + due] += units;
        self.open[i] = true;
    }

    /// Cancels buyer `b`'s books that no channel holds this quarter (`held`).
    pub fn cancel_closed(
        &mut self,
        s: &Scenario,
        t: usize,
        b: usize,
        held: &[Option<Channel>],
        record: &mut Record,
    ) {
        let nc = s.chips.len();
        for c in 0..nc {
            if held[b * nc + c].is_none() {
                self.cancel(s, t, b, c, record);
            }
        }
    }

    /// Orders that can no longer be delivered legally are cancelled: their compute is unmet.
    fn cancel(&mut self, s: &Scenario, t: usize, b: usize, c: usize, record: &mut Record) {
        let i = b * s.chips.len() + c;
        if !self.open[i] {
            return;
        }
        self.open[i] = false;
        let mut units = 0.0;
        for x in &mut self.due[i * self.due_len..(i + 1) * self.due_len] {
            units += *x;
            *x = 0.0;
        }
        let ages = self.ages.max(1);
        for x in &mut self.late[i * ages..(i + 1) * ages] {
            units += *x;
            *x = 0.0;
        }
        let lay = record.layout;
        record.unmet[lay.qb(t, b)] += units * s.chips[c].h100e();
    }

    /// Step 5: every capacity-bound chip's supply this quarter serves its book.
    pub fn serve(&mut self, m: &Terms, record: &mut Record) {
        let q = m.s.start.offset(m.t as i64);
        for (c, supply) in m.s.supply.iter().enumerate() {
            if let Some(supply) = supply {
                // No output accrues before launch or after the end of availability.
                let capacity = if m.s.chips[c].available_in(q) {
                    capacity(m, supply, q)
                } else {
                    0.0
                };
                self.serve_chip(m, c, capacity, supply, record);
            }
        }
    }

    /// Chip `c`'s capacity plus stock serves the oldest backlog first, then orders due now,
    /// each tier shared by the chip's allocation rule. Leftover supply is kept as stock.
    fn serve_chip(
        &mut self,
        m: &Terms,
        c: usize,
        capacity: f64,
        supply: &Supply,
        record: &mut Record,
    ) {
        let (nb, nc) = (m.s.buyers.len(), m.s.chips.len());
        let mut available = capacity + self.stock[c];
        record.supply[record.layout.qc(m.t, c)] = available;
        if !(0..nb).any(|b| self.open[b * nc + c]) {
            self.stock[c] = available;
            return;
        }
        // Late orders first, oldest (age ages-1) to newest (age 0); then orders due now.
        for k in 0..=self.ages {
            let tier = if k == self.ages {
                Tier::New
            } else {
                Tier::Late(self.ages - 1 - k)
            };
            if self.gather(m, c, tier) == 0.0 {
                continue;
            }
            allocate(
                &self.request,
                available,
                &supply.allocation,
                &mut self.served,
            );
            available = self.hand_out(m, c, tier, available, record);
        }
        self.stock[c] = available.max(0.0);
    }

    /// The book's slot of pair `i` for `tier` in quarter `t`.
    fn slot(&mut self, i: usize, tier: Tier, t: usize) -> &mut f64 {
        match tier {
            Tier::New => &mut self.due[i * self.due_len + t],
            Tier::Late(age) => &mut self.late[i * self.ages.max(1) + age],
        }
    }

    /// Each buyer's request of chip `c` in `tier`; returns their total.
    fn gather(&mut self, m: &Terms, c: usize, tier: Tier) -> f64 {
        let nc = m.s.chips.len();
        let mut asked = 0.0;
        for b in 0..m.s.buyers.len() {
            self.request[b] = *self.slot(b * nc + c, tier, m.t);
            asked += self.request[b];
        }
        asked
    }

    /// Delivers what each buyer was served of `tier` and takes it off the book; returns the
    /// supply left. What is not served of the orders due now is this quarter's unserved.
    fn hand_out(
        &mut self,
        m: &Terms,
        c: usize,
        tier: Tier,
        mut available: f64,
        record: &mut Record,
    ) -> f64 {
        let nc = m.s.chips.len();
        for b in 0..m.s.buyers.len() {
            let i = b * nc + c;
            let served = self.served[b];
            available -= served;
            if served > 0.0 {
                let channel = m.options.held[i].unwrap_or(Channel::Legal);
                m.deliver(b, c, channel, served, record);
            }
            if tier == Tier::New {
                *self.slot(i, tier, m.t) = 0.0;
                self.unserved_new[i] = self.request[b] - served;
            } else {
                *self.slot(i, tier, m.t) -= served;
            }
        }
        available
    }

    /// Step 6: unserved orders age by a quarter; those older than `backlog_max_quarters` are
    /// cancelled (unmet). Records the backlog at the quarter's end.
    pub fn age(&mut self, s: &Scenario, t: usize, record: &mut Record) {
        for b in 0..s.buyers.len() {
            for k in 0..self.bound_chips.len() {
                let c = self.bound_chips[k];
                if self.open[b * s.chips.len() + c] {
                    self.age_pair(s, t, b, c, record);
                }
            }
        }
    }

    fn age_pair(&mut self, s: &Scenario, t: usize, b: usize, c: usize, record: &mut Record) {
        let (ages, lay) = (self.ages, record.layout);
        let i = b * s.chips.len() + c;
        let slot = &mut self.late[i * ages.max(1)..(i + 1) * ages.max(1)];
        let expired = if ages == 0 {
            self.unserved_new[i]
        } else {
            slot[ages - 1]
        };
        if ages > 0 {
            slot.copy_within(0..ages - 1, 1);
            slot[0] = self.unserved_new[i];
        }
        self.unserved_new[i] = 0.0;
        record.unmet[lay.qb(t, b)] += expired * s.chips[c].h100e();
        let pending: f64 = if self.due_len > self.quarters + 1 {
            self.due[i * self.due_len + t + 1..(i + 1) * self.due_len]
                .iter()
                .sum()
        } else {
            0.0
        };
        let backlog = slot.iter().sum::<f64>() * f64::from(u8::from(ages > 0)) + pending;
        record.backlog[lay.qbc(t, b, c)] = backlog;
        self.open[i] = backlog > 0.0;
    }
}

/// $K_{c,t}$: the capacity of the latest `schedule` step at or before `q` (or `capacity` from
/// the start), grown by `growth` per quarter since.
fn capacity(m: &Terms, supply: &Supply, q: Quarter) -> f64 {
    let value = |x| m.inputs.value(x);
    let (base, since) = match supply.schedule.iter().rev().find(|(from, _)| *from <= q) {
        Some((from, cap)) => (value(*cap), q.index() - from.index()),
        None => (value(supply.capacity), q.index() - m.s.start.index()),
    };
    base * (1.0 + value(supply.growth)).powi(since as i32)
}
