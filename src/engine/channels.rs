//! Step 2 (docs/model.md, section 5): this quarter's prices, and for each buyer and chip the
//! channel it may buy through (legal, licensed, grey or none), the utility of that option
//! and the price paid; the channel through which orders already in the book are delivered.

use super::caps::Caps;
use super::inputs::Inputs;
use super::rules::{Rules, UsStatus};
use crate::model::*;

/// The options open to buyers this quarter.
pub struct Options {
    /// Per chip: price paid per unit through a legal channel (with duty) and through the grey
    /// market (with markup), and their logarithms.
    paid_legal: Vec<f64>,
    paid_grey: Vec<f64>,
    ln_paid_legal: Vec<f64>,
    ln_paid_grey: Vec<f64>,
    /// Per `[b][c]`: the option's channel (if any), utility and price paid.
    pub channel: Vec<Option<Channel>>,
    pub utility: Vec<f64>,
    pub paid: Vec<f64>,
    /// Per `[b][c]`: the channel through which the book of (b, c) is delivered this
    /// quarter; `None` cancels it.
    pub held: Vec<Option<Channel>>,
    /// Per buyer: the highest utility among its options (minus infinity if none).
    pub best: Vec<f64>,
}

/// How buyer `b` may deal in chip `c` this quarter.
struct Access {
    /// The channel for new orders, if any.
    new_orders: Option<Channel>,
    /// The channel through which orders already in the book are delivered; `None` cancels them.
    book: Option<Channel>,
    /// A Beijing ban also shuts the grey channel.
    grey_blocked: bool,
}

impl Options {
    pub fn new(s: &Scenario) -> Options {
        let (b, c) = (s.buyers.len(), s.chips.len());
        Options {
            paid_legal: vec![0.0; c],
            paid_grey: vec![0.0; c],
            ln_paid_legal: vec![0.0; c],
            ln_paid_grey: vec![0.0; c],
            channel: vec![None; b * c],
            utility: vec![0.0; b * c],
            paid: vec![0.0; b * c],
            held: vec![None; b * c],
            best: vec![f64::NEG_INFINITY; b],
        }
    }

    /// Starts a run: nothing is held in the book.
    pub fn reset(&mut self) {
        self.held.fill(None);
    }

    /// This quarter's prices paid per unit: list price plus the governing rule's duty, and
    /// list price times the markup of the chip's grey source (if it has one).
    pub fn price(&mut self, s: &Scenario, inputs: &Inputs, rules: &Rules) {
        for c in 0..s.chips.len() {
            self.paid_legal[c] = inputs.price[c] * (1.0 + rules.duty[c]);
            self.ln_paid_legal[c] = self.paid_legal[c].ln();
            if let Some(PolicyKind::GreyMarket { markup, .. }) =
                rules.grey_source[c].map(|g| &s.policies[g].kind)
            {
                self.paid_grey[c] = inputs.price[c] * inputs.value(*markup);
                self.ln_paid_grey[c] = self.paid_grey[c].ln();
            }
        }
    }

    /// Buyer `b`'s options in quarter `t`, and the channel holding each of its books.
    pub fn offer(
        &mut self,
        s: &Scenario,
        t: usize,
        b: usize,
        inputs: &Inputs,
        rules: &Rules,
        caps: &Caps,
    ) {
        let q = s.start.offset(t as i64);
        let nc = s.chips.len();
        let beta = inputs.value(s.buyers[b].price_sensitivity);
        let mut best = f64::NEG_INFINITY;
        for c in 0..nc {
            let i = b * nc + c;
            self.channel[i] = None;
            if !s.chips[c].available_in(q) {
                // Out of production: orders in the book are still served from stock.
                self.held[i] = self.held[i].or(Some(Channel::Legal));
                continue;
            }
            let access = access(s, t, b, c, inputs, rules, caps);
            self.held[i] = access.book;
            let Some((channel, paid, ln_paid, bonus)) = self.terms(c, &access, rules, inputs, b)
            else {
                continue;
            };
            if inputs.base_utility[i] == f64::NEG_INFINITY || paid <= 0.0 {
                continue;
            }
            // -beta ln(paid / value) + taste + lock-in - guidance (+ ln appetite for grey).
            let u = inputs.base_utility[i] - beta * ln_paid - rules.beijing.penalty[i] + bonus;
            self.channel[i] = Some(channel);
            self.utility[i] = u;
            self.paid[i] = paid;
            best = best.max(u);
        }
        self.best[b] = best;
    }

    /// The channel, price paid, its logarithm and the utility bonus of buyer `b`'s option on
    /// chip `c`: the legal or licensed channel if open, else the grey market if the chip has
    /// a source, the buyer an appetite and no Beijing ban bars it.
    fn terms(
        &self,
        c: usize,
        access: &Access,
        rules: &Rules,
        inputs: &Inputs,
        b: usize,
    ) -> Option<(Channel, f64, f64, f64)> {
        match access.new_orders {
            Some(k) => Some((k, self.paid_legal[c], self.ln_paid_legal[c], 0.0)),
            None if rules.grey_source[c].is_some()
                && !access.grey_blocked
                && inputs.ln_appetite[b] > f64::NEG_INFINITY =>
            {
                Some((
                    Channel::Grey,
                    self.paid_grey[c],
                    self.ln_paid_grey[c],
                    inputs.ln_appetite[b],
                ))
            }
            None => None,
        }
    }
}

/// Step 2a: what US rules and Beijing's measures allow. Bans (and licences never granted)
/// close the channel and cancel the book; a refused review or a used-up cap only stops
/// new orders.
fn access(
    s: &Scenario,
    t: usize,
    b: usize,
    c: usize,
    inputs: &Inputs,
    rules: &Rules,
    caps: &Caps,
) -> Access {
    let i = b * s.chips.len() + c;
    let (mut book, mut new_orders) = match (s.chips[c].origin, rules.status[c]) {
        (Origin::Domestic, _) | (Origin::Us, UsStatus::Free) => {
            (Some(Channel::Legal), Some(Channel::Legal))
        }
        (Origin::Us, UsStatus::Ban) => (None, None),
        (Origin::Us, UsStatus::Licence(p)) => licensed(s, t, b, p, inputs, caps),
    };
    if rules.beijing.banned[i] {
        (book, new_orders) = (None, None);
    }
    if rules.beijing.refused[i] {
        new_orders = None;
    }
    Access {
        new_orders,
        book,
        grey_blocked: rules.beijing.grey_barred[i],
    }
}

/// The book and new-order channels of buyer `b` for a chip licensed under policy `p`: open
/// once the licence is granted and its delay has passed; new orders only while the cap lasts.
fn licensed(
    s: &Scenario,
    t: usize,
    b: usize,
    p: usize,
    inputs: &Inputs,
    caps: &Caps,
) -> (Option<Channel>, Option<Channel>) {
    let delay = match &s.policies[p].kind {
        PolicyKind::UsExport {
            effect: UsEffect::Licence { delay_quarters, .. },
            ..
        } => *delay_quarters as i64,
        _ => 0,
    };
    let granted =
        inputs.licence_ok[p * s.buyers.len() + b] && t as i64 >= inputs.policy_start[p] + delay;
    let book = granted.then_some(Channel::Licensed);
    (book, book.filter(|_| caps.left(p, b) > 0.0))
}
