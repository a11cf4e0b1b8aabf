//! Step 5b (docs/model.md, section 8; `unfilled = "reroute"`): each buyer's unserved new
//! orders, in H100e, are offered once to its other options that still have supply, split by
//! the same logit weights. Rerouted orders bypass the budget and the quota, not the caps.

use super::caps::Caps;
use super::delivery::Book;
use super::record::Record;
use super::terms::Terms;
use crate::model::Channel;

/// The logit weights of a buyer's options with spare supply, per chip (scratch).
pub struct Reroute {
    weight: Vec<f64>,
    /// Their total.
    total: f64,
}

impl Reroute {
    pub fn new(chips: usize) -> Reroute {
        Reroute {
            weight: vec![0.0; chips],
            total: 0.0,
        }
    }

    /// Reroutes every buyer's unserved new orders.
    pub fn run(&mut self, m: &Terms, book: &mut Book, caps: &mut Caps, record: &mut Record) {
        let nc = m.s.chips.len();
        for b in 0..m.s.buyers.len() {
            let missing: f64 = (0..nc)
                .map(|c| book.unserved_new[b * nc + c] * m.s.chips[c].h100e())
                .sum();
            if missing <= 0.0 {
                continue;
            }
            self.weigh(b, m, book);
            if self.total <= 0.0 {
                continue;
            }
            let got = self.take(b, m, missing, book, caps, record);
            let kept = 1.0 - (got / missing).min(1.0);
            for c in 0..nc {
                book.unserved_new[b * nc + c] *= kept;
            }
        }
    }

    /// Whether buyer `b` may be rerouted to chip `c`: open on a legal or licensed channel, no
    /// unserved orders of its own, and spare supply (stock left, or unconstrained).
    fn open(b: usize, c: usize, m: &Terms, book: &Book) -> bool {
        let i = b * m.s.chips.len() + c;
        let spare = if m.s.supply[c].is_some() {
            book.stock[c]
        } else {
            f64::INFINITY
        };
        matches!(m.options.channel[i], Some(k) if k != Channel::Grey)
            && book.unserved_new[i] <= 0.0
            && spare > 0.0
    }

    /// The logit weights of buyer `b`'s open options, and their total.
    fn weigh(&mut self, b: usize, m: &Terms, book: &Book) {
        let nc = m.s.chips.len();
        let best = (0..nc)
            .filter(|&c| Self::open(b, c, m, book))
            .map(|c| m.options.utility[b * nc + c])
            .fold(f64::NEG_INFINITY, f64::max);
        self.total = 0.0;
        for c in 0..nc {
            self.weight[c] = if Self::open(b, c, m, book) {
                (m.options.utility[b * nc + c] - best).exp()
            } else {
                0.0
            };
            self.total += self.weight[c];
        }
    }

    /// Delivers buyer `b`'s `missing` H100e now, split by weight, limited by stock and caps
    /// (recorded as ordered); returns the H100e delivered.
    fn take(
        &self,
        b: usize,
        m: &Terms,
        missing: f64,
        book: &mut Book,
        caps: &mut Caps,
        record: &mut Record,
    ) -> f64 {
        let mut got = 0.0;
        for (c, chip) in m.s.chips.iter().enumerate() {
            if self.weight[c] <= 0.0 {
                continue;
            }
            let h = chip.h100e();
            let bound = m.s.supply[c].is_some();
            let want = missing * self.weight[c] / self.total / h;
            let want = if bound { want.min(book.stock[c]) } else { want };
            let channel = m.options.channel[b * m.s.chips.len() + c].unwrap_or(Channel::Legal);
            let units = caps.take(b, c, channel, want, m.rules);
            if bound {
                book.stock[c] -= units;
            }
            record.ordered[record.layout.qbc(m.t, b, c)] += units;
            m.deliver(b, c, channel, units, record);
            got += units * h;
        }
        got
    }
}
