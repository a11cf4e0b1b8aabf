//! One run of the market: sample the inputs, then step quarter by quarter through
//! availability, choice, constraints, supply and delivery. The equations are in
//! `docs/model.md`; this file follows its numbering.

use super::record::{Layout, Record};
use super::rng::{StreamRng, param_stream, run_stream};
use super::supply::allocate;
use crate::model::dist::unit;
use crate::model::*;
use rand_distr::{Distribution as _, StandardNormal};

/// How a US chip may be bought in a quarter under the governing US rule.
#[derive(Debug, Clone, Copy, PartialEq)]
enum UsStatus {
    Free,
    Ban,
    Licence(usize),
}

/// Scratch space for runs, allocated once per worker and reused.
pub struct Workspace {
    layout: Layout,
    values: Vec<f64>,
    price: Vec<f64>,
    /// Effective H100e per unit for each buyer's workload mix, `[b][c]`.
    value: Vec<f64>,
    taste: Vec<f64>,
    /// The part of each option's utility fixed for the run, `[b][c]`:
    /// beta * ln(effective H100e per unit) + taste noise + lock-in (US chips); minus
    /// infinity where a chip has no value for the buyer.
    base_utility: Vec<f64>,
    /// ln(grey appetite) per buyer (minus infinity when 0: no grey purchases).
    ln_appetite: Vec<f64>,
    /// This quarter's price paid per unit through a legal channel (with duty) and through
    /// the grey market (with markup), and their logarithms, per chip.
    paid_legal: Vec<f64>,
    paid_grey: Vec<f64>,
    ln_paid_legal: Vec<f64>,
    ln_paid_grey: Vec<f64>,
    /// Per chip, the US rules and grey markets that cover it; the capacity-bound chips.
    us_rules_of: Vec<Vec<usize>>,
    grey_markets_of: Vec<Vec<usize>>,
    /// Per policy, the chips a Beijing ban, review or guidance covers.
    chips_of: Vec<Vec<usize>>,
    bound_chips: Vec<usize>,
    policy_on: Vec<bool>,
    policy_start: Vec<i64>,
    policy_end: Vec<i64>,
    licence_ok: Vec<bool>,
    review_ok: Vec<bool>,
    cap_left: Vec<f64>,
    status: Vec<UsStatus>,
    revenue_share: Vec<f64>,
    duty: Vec<f64>,
    grey_source: Vec<Option<usize>>,
    /// This quarter's policy states: in force, per policy; Beijing's measures per
    /// `[b][c]` (guidance penalty; legal purchase banned, which also cancels the book;
    /// new purchases refused by a review; grey purchase banned) and the domestic quota per
    /// buyer.
    now: Vec<bool>,
    penalty: Vec<f64>,
    banned: Vec<bool>,
    refused: Vec<bool>,
    grey_barred: Vec<bool>,
    /// The channel through which the book of (b, c) is delivered this quarter, if it may be.
    held: Vec<Option<Channel>>,
    quota: Vec<f64>,
    reviews_now: bool,
    /// This quarter's option for each buyer and chip: channel (if any), utility, paid price.
    channel: Vec<Option<Channel>>,
    utility: Vec<f64>,
    paid: Vec<f64>,
    weight: Vec<f64>,
    /// Units due at quarter t, `[b][c][t]`; late backlog by age, `[b][c][age]`.
    due: Vec<f64>,
    late: Vec<f64>,
    stock: Vec<f64>,
    /// Whether buyer b has orders for chip c in the book, `[b][c]` (lets idle pairs be skipped).
    open: Vec<bool>,
    /// The first review in force covering (b, c), for its per-buyer cap.
    review_of: Vec<Option<usize>>,
    grey_request: Vec<f64>,
    unserved_new: Vec<f64>,
    request: Vec<f64>,
    served: Vec<f64>,
    due_len: usize,
    ages: usize,
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

impl Workspace {
    pub fn new(s: &Scenario) -> Workspace {
        let layout = Layout::of(s);
        let (b, c, p) = (layout.buyers, layout.chips, layout.policies);
        let max_lead = s
            .supply
            .iter()
            .flatten()
            .map(|x| x.lead_time_quarters as usize)
            .max()
            .unwrap_or(0);
        let due_len = layout.quarters + max_lead + 1;
        let ages = s.settings.backlog_max_quarters as usize;
        Workspace {
            layout,
            values: vec![0.0; s.params.len()],
            price: vec![0.0; c],
            value: vec![0.0; b * c],
            taste: vec![0.0; b * c],
            base_utility: vec![0.0; b * c],
            ln_appetite: vec![0.0; b],
            paid_legal: vec![0.0; c],
            paid_grey: vec![0.0; c],
            ln_paid_legal: vec![0.0; c],
            ln_paid_grey: vec![0.0; c],
            us_rules_of: (0..c).map(|x| policies_covering(s, x, true)).collect(),
            grey_markets_of: (0..c).map(|x| policies_covering(s, x, false)).collect(),
            chips_of: s.policies.iter().map(beijing_chips).collect(),
            bound_chips: (0..c).filter(|&x| s.supply[x].is_some()).collect(),
            policy_on: vec![false; p],
            policy_start: vec![0; p],
            policy_end: vec![0; p],
            licence_ok: vec![false; p * b],
            review_ok: vec![false; p * b],
            cap_left: vec![0.0; p * b],
            status: vec![UsStatus::Free; c],
            revenue_share: vec![0.0; c],
            duty: vec![0.0; c],
            grey_source: vec![None; c],
            now: vec![false; p],
            penalty: vec![0.0; b * c],
            banned: vec![false; b * c],
            refused: vec![false; b * c],
            grey_barred: vec![false; b * c],
            held: vec![None; b * c],
            quota: vec![0.0; b],
            reviews_now: false,
            channel: vec![None; b * c],
            utility: vec![0.0; b * c],
            paid: vec![0.0; b * c],
            weight: vec![0.0; c],
            due: vec![0.0; b * c * due_len],
            late: vec![0.0; b * c * ages.max(1)],
            stock: vec![0.0; c],
            open: vec![false; b * c],
            review_of: vec![None; b * c],
            grey_request: vec![0.0; b * c],
            unserved_new: vec![0.0; b * c],
            request: vec![0.0; b],
            served: vec![0.0; b],
            due_len,
            ages,
        }
    }

    /// The sampled value of an input in the current run.
    pub fn value(&self, id: ParamId) -> f64 {
        self.values[id.0]
    }
}

/// Simulates run `run` of `scenario` with master seed `seed` into `record`.
pub fn simulate(s: &Scenario, seed: u64, run: u64, ws: &mut Workspace, record: &mut Record) {
    let mut rng = prepare(s, seed, run, ws, record);
    for t in 0..ws.layout.quarters {
        step(s, t, ws, &mut rng, record);
    }
}

/// Starts run `run`: clears `record`, draws the run's inputs, and returns the run's stream
/// for [`step`]. [`simulate`] is `prepare` then `step` for every quarter in order.
pub fn prepare(
    s: &Scenario,
    seed: u64,
    run: u64,
    ws: &mut Workspace,
    record: &mut Record,
) -> StreamRng {
    record.clear();
    let mut rng = run_stream(seed, run);
    sample_inputs(s, seed, run, ws, &mut rng);
    rng
}

/// Step 0: draw every input from its own stream, then the run's own draws in a fixed order
/// (taste noise, policy occurrence, licence approvals), all made whatever the values.
fn sample_inputs(s: &Scenario, seed: u64, run: u64, ws: &mut Workspace, rng: &mut StreamRng) {
    for (k, p) in s.params.iter().enumerate() {
        ws.values[k] = if p.dist.is_fixed() {
            p.dist.mean()
        } else {
            p.dist.sample(&mut param_stream(seed, run, k))
        };
    }
    let w = ws.value(s.settings.inference_bandwidth_weight);
    let taste_sd = ws.value(s.settings.taste_sd);
    for (c, chip) in s.chips.iter().enumerate() {
        ws.price[c] = ws.value(chip.price_usd);
    }
    for (b, buyer) in s.buyers.iter().enumerate() {
        let training = ws.value(buyer.training_share);
        for (c, chip) in s.chips.iter().enumerate() {
            let flops = chip.h100e();
            let train = flops * ws.value(chip.training_efficiency);
            let bandwidth = chip.memory_bandwidth_tbs / H100_MEMORY_BANDWIDTH_TBS;
            let infer = (w * bandwidth + (1.0 - w) * flops) * ws.value(chip.inference_efficiency);
            let i = b * s.chips.len() + c;
            ws.value[i] = training * train + (1.0 - training) * infer;
            let z: f64 = StandardNormal.sample(rng);
            ws.taste[i] = taste_sd * z;
            let lock_in = if chip.origin == Origin::Us {
                ws.value(buyer.lock_in)
            } else {
                0.0
            };
            ws.base_utility[i] = if ws.value[i] > 0.0 {
                ws.value(buyer.price_sensitivity) * ws.value[i].ln() + ws.taste[i] + lock_in
            } else {
                f64::NEG_INFINITY
            };
        }
        let appetite = ws.value(buyer.grey_appetite);
        ws.ln_appetite[b] = if appetite > 0.0 {
            appetite.ln()
        } else {
            f64::NEG_INFINITY
        };
    }
    let origin = s.start.index();
    for (p, policy) in s.policies.iter().enumerate() {
        let u = unit(rng);
        ws.policy_on[p] = u < ws.value(policy.probability);
        let delay = policy
            .start_delay_quarters
            .map_or(0.0, |d| ws.value(d).floor());
        ws.policy_start[p] = policy.start.index() + delay as i64 - origin;
        ws.policy_end[p] = policy.end.map_or(i64::MAX, |e| e.index() - origin);
        for b in 0..s.buyers.len() {
            let i = p * s.buyers.len() + b;
            let u = unit(rng);
            let (ok, cap) = match &policy.kind {
                PolicyKind::UsExport {
                    effect:
                        UsEffect::Licence {
                            approval,
                            cap_units_per_buyer,
                            ..
                        },
                    ..
                } => (
                    u < ws.value(*approval),
                    cap_units_per_buyer.map_or(f64::INFINITY, |c| ws.value(c)),
                ),
                PolicyKind::BeijingReview {
                    cap_units_per_buyer,
                    ..
                } => (
                    true,
                    cap_units_per_buyer.map_or(f64::INFINITY, |c| ws.value(c)),
                ),
                _ => (true, f64::INFINITY),
            };
            ws.licence_ok[i] = ok;
            ws.cap_left[i] = cap;
        }
    }
    for (c, supply) in s.supply.iter().enumerate() {
        ws.stock[c] = supply.as_ref().map_or(0.0, |x| ws.value(x.stock));
    }
    ws.due.fill(0.0);
    ws.late.fill(0.0);
    ws.open.fill(false);
    ws.held.fill(None);
}

fn active(ws: &Workspace, p: usize, t: usize) -> bool {
    let t = t as i64;
    ws.policy_on[p] && ws.policy_start[p] <= t && t <= ws.policy_end[p]
}

fn capacity(s: &Scenario, supply: &Supply, ws: &Workspace, q: Quarter) -> f64 {
    let (base, since) = match supply.schedule.iter().rev().find(|(from, _)| *from <= q) {
        Some((from, cap)) => (ws.value(*cap), q.index() - from.index()),
        None => (ws.value(supply.capacity), q.index() - s.start.index()),
    };
    base * (1.0 + ws.value(supply.growth)).powi(since as i32)
}

/// Step 1: which rules are in force, each US chip's status under the governing rule, and
/// which grey market supplies each chip.
fn rules(s: &Scenario, t: usize, ws: &mut Workspace, rng: &mut StreamRng, record: &mut Record) {
    let np = s.policies.len();
    for p in 0..np {
        ws.now[p] = active(ws, p, t);
        record.policy_active[t * np + p] = ws.now[p];
    }
    for c in 0..s.chips.len() {
        ws.status[c] = UsStatus::Free;
        ws.revenue_share[c] = 0.0;
        ws.duty[c] = 0.0;
        ws.grey_source[c] = ws.grey_markets_of[c].iter().copied().find(|&p| ws.now[p]);
        // The governing rule: the active one with the latest start (ties: later in file).
        let mut governing: Option<(i64, usize)> = None;
        for &p in ws.us_rules_of[c].iter().filter(|&&p| ws.now[p]) {
            if governing.is_none_or(|(start, _)| ws.policy_start[p] >= start) {
                governing = Some((ws.policy_start[p], p));
            }
        }
        if let Some((_, p)) = governing {
            if let PolicyKind::UsExport {
                effect,
                revenue_share,
                duty,
                ..
            } = &s.policies[p].kind
            {
                ws.status[c] = match effect {
                    UsEffect::Ban => UsStatus::Ban,
                    UsEffect::Licence { .. } => UsStatus::Licence(p),
                    UsEffect::Notify | UsEffect::Tax => UsStatus::Free,
                };
                ws.revenue_share[c] = revenue_share.map_or(0.0, |x| ws.value(x));
                ws.duty[c] = duty.map_or(0.0, |x| ws.value(x));
            }
        }
        ws.paid_legal[c] = ws.price[c] * (1.0 + ws.duty[c]);
        ws.ln_paid_legal[c] = ws.paid_legal[c].ln();
        if let Some(PolicyKind::GreyMarket { markup, .. }) =
            ws.grey_source[c].map(|g| &s.policies[g].kind)
        {
            ws.paid_grey[c] = ws.price[c] * ws.value(*markup);
            ws.ln_paid_grey[c] = ws.paid_grey[c].ln();
        }
    }
    beijing(s, ws, rng);
}

/// Step 1b: Beijing's measures in force this quarter, spread over `[buyer][chip]`. The
/// review makes one draw per (review, buyer) every quarter, whether or not it binds.
fn beijing(s: &Scenario, ws: &mut Workspace, rng: &mut StreamRng) {
    let (nb, nc) = (s.buyers.len(), s.chips.len());
    ws.penalty.fill(0.0);
    ws.banned.fill(false);
    ws.refused.fill(false);
    ws.grey_barred.fill(false);
    ws.quota.fill(0.0);
    ws.reviews_now = false;
    ws.review_of.fill(None);
    for (p, policy) in s.policies.iter().enumerate() {
        if let PolicyKind::BeijingReview { approval, .. } = &policy.kind {
            for b in 0..nb {
                let u = unit(rng);
                ws.review_ok[p * nb + b] = u < ws.value(*approval);
            }
        }
        if !ws.now[p] {
            continue;
        }
        let chips = &ws.chips_of[p];
        for b in (0..nb).filter(|&b| policy.buyers[b]) {
            let cells = chips.iter().map(|&c| b * nc + c);
            match &policy.kind {
                PolicyKind::BeijingBan { include_grey, .. } => {
                    for i in cells {
                        ws.banned[i] = true;
                        ws.grey_barred[i] |= *include_grey;
                    }
                }
                PolicyKind::BeijingReview { .. } => {
                    ws.reviews_now = true;
                    let refused = !ws.review_ok[p * nb + b] || ws.cap_left[p * nb + b] <= 0.0;
                    for i in cells {
                        ws.refused[i] |= refused;
                        ws.review_of[i].get_or_insert(p);
                    }
                }
                PolicyKind::BeijingGuidance { penalty, .. } => {
                    let x = ws.value(*penalty);
                    for i in cells {
                        ws.penalty[i] += x;
                    }
                }
                PolicyKind::BeijingQuota { min_domestic_share } => {
                    ws.quota[b] = ws.quota[b].max(ws.value(*min_domestic_share));
                }
                _ => {}
            }
        }
    }
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

/// Step 2a: what US rules and Beijing's measures allow. Bans (and licences never granted)
/// close the channel and cancel the book; a refused review or a used-up cap only stops
/// new orders.
fn access(s: &Scenario, t: usize, b: usize, c: usize, ws: &Workspace) -> Access {
    let chip = &s.chips[c];
    let nb = s.buyers.len();
    let i = b * s.chips.len() + c;
    let (mut book, mut new_orders) = match (chip.origin, ws.status[c]) {
        (Origin::Domestic, _) | (Origin::Us, UsStatus::Free) => {
            (Some(Channel::Legal), Some(Channel::Legal))
        }
        (Origin::Us, UsStatus::Ban) => (None, None),
        (Origin::Us, UsStatus::Licence(p)) => {
            let delay = match &s.policies[p].kind {
                PolicyKind::UsExport {
                    effect: UsEffect::Licence { delay_quarters, .. },
                    ..
                } => *delay_quarters as i64,
                _ => 0,
            };
            let granted = ws.licence_ok[p * nb + b] && t as i64 >= ws.policy_start[p] + delay;
            let book = granted.then_some(Channel::Licensed);
            (book, book.filter(|_| ws.cap_left[p * nb + b] > 0.0))
        }
    };
    if ws.banned[i] {
        (book, new_orders) = (None, None);
    }
    if ws.refused[i] {
        new_orders = None;
    }
    Access {
        new_orders,
        book,
        grey_blocked: ws.grey_barred[i],
    }
}

/// Simulates quarter `t` (0-based) of a run started by [`prepare`]; quarters must be
/// stepped in order.
pub fn step(s: &Scenario, t: usize, ws: &mut Workspace, rng: &mut StreamRng, record: &mut Record) {
    let q = s.start.offset(t as i64);
    rules(s, t, ws, rng, record);
    for b in 0..s.buyers.len() {
        choose(s, t, q, b, ws, record);
    }
    for c in 0..s.chips.len() {
        if let Some(supply) = &s.supply[c] {
            // No output accrues before launch or after the end of availability.
            let cap = if s.chips[c].available_in(q) {
                capacity(s, supply, ws, q)
            } else {
                0.0
            };
            serve(s, t, c, cap, supply, ws, record);
        }
    }
    if s.settings.unfilled == Unfilled::Reroute {
        reroute(s, t, ws, record);
    }
    age_backlog(s, t, ws, record);
    smuggle(s, t, ws, record);
}

/// Steps 2-4 for one buyer: options, logit split, quota, budget and caps; orders placed.
fn choose(s: &Scenario, t: usize, q: Quarter, b: usize, ws: &mut Workspace, record: &mut Record) {
    let buyer = &s.buyers[b];
    let nc = s.chips.len();
    let lay = record.layout;
    let growth = ws.value(buyer.demand_growth);
    let demand = ws.value(buyer.demand_h100e) * (1.0 + growth).powf(t as f64 / 4.0);
    record.demand[lay.qb(t, b)] = demand;
    let beta = ws.value(buyer.price_sensitivity);
    let mut best = f64::NEG_INFINITY;
    for c in 0..nc {
        let i = b * nc + c;
        ws.channel[i] = None;
        let chip = &s.chips[c];
        if !chip.available_in(q) {
            // Out of production: orders in the book are still served from stock.
            ws.held[i] = ws.held[i].or(Some(Channel::Legal));
            continue;
        }
        let Access {
            new_orders: legal,
            book,
            grey_blocked,
        } = access(s, t, b, c, ws);
        ws.held[i] = book;
        if book.is_none() {
            cancel_backlog(s, t, b, c, ws, record);
        }
        let (channel, paid, ln_paid, bonus) = match legal {
            Some(k) => (k, ws.paid_legal[c], ws.ln_paid_legal[c], 0.0),
            None if ws.grey_source[c].is_some()
                && !grey_blocked
                && ws.ln_appetite[b] > f64::NEG_INFINITY =>
            {
                (
                    Channel::Grey,
                    ws.paid_grey[c],
                    ws.ln_paid_grey[c],
                    ws.ln_appetite[b],
                )
            }
            None => continue,
        };
        if ws.base_utility[i] == f64::NEG_INFINITY || paid <= 0.0 {
            continue;
        }
        // -beta ln(paid / value) + taste + lock-in - guidance (+ ln appetite for grey).
        let u = ws.base_utility[i] - beta * ln_paid - ws.penalty[i] + bonus;
        ws.channel[i] = Some(channel);
        ws.utility[i] = u;
        ws.paid[i] = paid;
        best = best.max(u);
    }
    if best == f64::NEG_INFINITY {
        record.unmet[lay.qb(t, b)] += demand;
        return;
    }
    // Logit shares of demand, by H100e.
    let mut total = 0.0;
    for c in 0..nc {
        let i = b * nc + c;
        ws.weight[c] = if ws.channel[i].is_some() {
            (ws.utility[i] - best).exp()
        } else {
            0.0
        };
        total += ws.weight[c];
    }
    let (mut domestic, mut foreign) = (0.0, 0.0);
    for c in 0..nc {
        ws.weight[c] *= demand / total;
        if s.chips[c].origin == Origin::Domestic {
            domestic += ws.weight[c]
        } else {
            foreign += ws.weight[c]
        }
    }
    let mut unmet = 0.0;
    // Domestic quota: a floor on the domestic share of orders, enforced by rescaling.
    let quota = ws.quota[b];
    if demand > 0.0 && domestic < quota * demand {
        let (fd, ff) = if domestic > 0.0 {
            (
                quota * demand / domestic,
                (1.0 - quota) * demand / foreign.max(f64::MIN_POSITIVE),
            )
        } else {
            unmet += quota * demand;
            (0.0, 1.0 - quota)
        };
        for c in 0..nc {
            ws.weight[c] *= if s.chips[c].origin == Origin::Domestic {
                fd
            } else {
                ff
            };
        }
    }
    // Budget: scale every order down when the bill exceeds it.
    if let Some(budget) = buyer.budget_usd.map(|x| ws.value(x)) {
        let bill: f64 = (0..nc)
            .map(|c| ws.weight[c] / s.chips[c].h100e() * ws.paid[b * nc + c])
            .filter(|x| x.is_finite())
            .sum();
        if bill > budget {
            let f = budget / bill;
            for c in 0..nc {
                unmet += ws.weight[c] * (1.0 - f);
                ws.weight[c] *= f;
            }
        }
    }
    for c in 0..nc {
        let i = b * nc + c;
        let Some(channel) = ws.channel[i] else {
            continue;
        };
        let h = s.chips[c].h100e();
        let mut units = ws.weight[c] / h;
        units = apply_caps(s, b, c, channel, units, ws);
        unmet += ws.weight[c] - units * h;
        if units <= 0.0 {
            continue;
        }
        record.ordered[lay.qbc(t, b, c)] += units;
        match (channel, &s.supply[c]) {
            (Channel::Grey, _) => ws.grey_request[i] += units,
            (_, Some(supply)) => {
                let due = t + supply.lead_time_quarters as usize;
                ws.due[i * ws.due_len + due] += units;
                ws.open[i] = true;
            }
            (_, None) => deliver(s, t, b, c, channel, units, ws, record),
        }
    }
    record.unmet[lay.qb(t, b)] += unmet.max(0.0);
}

/// Per-buyer caps of licences and reviews: orders beyond what is left are refused. Where
/// several reviews cover a chip, the first in the file counts its cap.
fn apply_caps(
    s: &Scenario,
    b: usize,
    c: usize,
    channel: Channel,
    units: f64,
    ws: &mut Workspace,
) -> f64 {
    if channel == Channel::Grey {
        return units;
    }
    let nb = s.buyers.len();
    let licence = match ws.status[c] {
        UsStatus::Licence(p) => Some(p * nb + b),
        _ => None,
    };
    let review = ws.review_of[b * s.chips.len() + c].map(|p| p * nb + b);
    let mut units = units;
    for i in [licence, review].into_iter().flatten() {
        units = units.min(ws.cap_left[i].max(0.0));
    }
    for i in [licence, review].into_iter().flatten() {
        ws.cap_left[i] -= units;
    }
    units
}

/// Orders that can no longer be delivered legally are cancelled: their compute is unmet.
fn cancel_backlog(
    s: &Scenario,
    t: usize,
    b: usize,
    c: usize,
    ws: &mut Workspace,
    record: &mut Record,
) {
    let i = b * s.chips.len() + c;
    if !ws.open[i] {
        return;
    }
    ws.open[i] = false;
    let mut units = 0.0;
    for x in &mut ws.due[i * ws.due_len..(i + 1) * ws.due_len] {
        units += *x;
        *x = 0.0;
    }
    for x in &mut ws.late[i * ws.ages.max(1)..(i + 1) * ws.ages.max(1)] {
        units += *x;
        *x = 0.0;
    }
    let lay = record.layout;
    record.unmet[lay.qb(t, b)] += units * s.chips[c].h100e();
}

/// Records a delivery: units, the buyer's spend, the vendor's revenue and the US share.
/// Legal and licensed units pay list price plus duty; grey units pay the smuggler's markup
/// and the vendor keeps list price (it sold the chip elsewhere).
#[allow(clippy::too_many_arguments)]
fn deliver(
    s: &Scenario,
    t: usize,
    b: usize,
    c: usize,
    channel: Channel,
    units: f64,
    ws: &Workspace,
    record: &mut Record,
) {
    let lay = record.layout;
    let i = lay.qbck(t, b, c, channel);
    let price = ws.price[c];
    let (paid, share, duty) = match channel {
        Channel::Grey => (ws.paid[b * s.chips.len() + c], 0.0, 0.0),
        _ => (price * (1.0 + ws.duty[c]), ws.revenue_share[c], ws.duty[c]),
    };
    record.delivered[i] += units;
    record.spend[i] += units * paid;
    record.revenue[lay.qc(t, c)] += units * price * (1.0 - share);
    record.us_government[t] += units * price * (share + duty);
}

/// Step 5: a capacity-bound chip's supply serves the oldest backlog first, then orders due
/// now, each tier shared by the chip's allocation rule. Leftover supply is kept as stock.
fn serve(
    s: &Scenario,
    t: usize,
    c: usize,
    capacity: f64,
    supply: &Supply,
    ws: &mut Workspace,
    record: &mut Record,
) {
    let nb = s.buyers.len();
    let nc = s.chips.len();
    let ages = ws.ages.max(1);
    let mut available = capacity + ws.stock[c];
    record.supply[record.layout.qc(t, c)] = available;
    if !(0..nb).any(|b| ws.open[b * nc + c]) {
        ws.stock[c] = available;
        return;
    }
    // Late orders first, oldest (age ages-1) to newest (age 0); then orders due now.
    for tier in 0..=ws.ages {
        let is_new = tier == ws.ages;
        let age = if is_new { 0 } else { ws.ages - 1 - tier };
        let mut asked = 0.0;
        for b in 0..nb {
            let i = b * nc + c;
            ws.request[b] = if is_new {
                ws.due[i * ws.due_len + t]
            } else {
                ws.late[i * ages + age]
            };
            asked += ws.request[b];
        }
        if asked == 0.0 {
            continue;
        }
        allocate(&ws.request, available, &supply.allocation, &mut ws.served);
        for b in 0..nb {
            let i = b * nc + c;
            let served = ws.served[b];
            available -= served;
            if served > 0.0 {
                let channel = ws.held[i].unwrap_or(Channel::Legal);
                deliver(s, t, b, c, channel, served, ws, record);
            }
            if is_new {
                ws.due[i * ws.due_len + t] = 0.0;
                ws.unserved_new[i] = ws.request[b] - served;
            } else {
                ws.late[i * ages + age] -= served;
            }
        }
    }
    ws.stock[c] = available.max(0.0);
}

/// Step 5b (`unfilled = "reroute"`): each buyer's unserved new orders, in H100e, are offered
/// once to its other options that still have supply, split by the same logit weights.
fn reroute(s: &Scenario, t: usize, ws: &mut Workspace, record: &mut Record) {
    let nc = s.chips.len();
    for b in 0..s.buyers.len() {
        let missing: f64 = (0..nc)
            .map(|c| ws.unserved_new[b * nc + c] * s.chips[c].h100e())
            .sum();
        if missing <= 0.0 {
            continue;
        }
        let open = |c: usize, ws: &Workspace| {
            let i = b * nc + c;
            let spare = if s.supply[c].is_some() {
                ws.stock[c]
            } else {
                f64::INFINITY
            };
            matches!(ws.channel[i], Some(k) if k != Channel::Grey)
                && ws.unserved_new[i] <= 0.0
                && spare > 0.0
        };
        let best = (0..nc)
            .filter(|&c| open(c, ws))
            .map(|c| ws.utility[b * nc + c])
            .fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for c in 0..nc {
            ws.weight[c] = if open(c, ws) {
                (ws.utility[b * nc + c] - best).exp()
            } else {
                0.0
            };
            total += ws.weight[c];
        }
        if total <= 0.0 {
            continue;
        }
        let mut got = 0.0;
        for c in 0..nc {
            if ws.weight[c] <= 0.0 {
                continue;
            }
            let i = b * nc + c;
            let h = s.chips[c].h100e();
            let want = missing * ws.weight[c] / total / h;
            let want = if s.supply[c].is_some() {
                want.min(ws.stock[c])
            } else {
                want
            };
            let channel = ws.channel[i].unwrap_or(Channel::Legal);
            let units = apply_caps(s, b, c, channel, want, ws);
            if s.supply[c].is_some() {
                ws.stock[c] -= units;
            }
            record.ordered[record.layout.qbc(t, b, c)] += units;
            deliver(s, t, b, c, channel, units, ws, record);
            got += units * h;
        }
        let kept = 1.0 - (got / missing).min(1.0);
        for c in 0..nc {
            ws.unserved_new[b * nc + c] *= kept;
        }
    }
}

/// Step 6: unserved orders age by a quarter; those older than `backlog_max_quarters` are
/// cancelled (unmet). Records the backlog at the quarter's end.
fn age_backlog(s: &Scenario, t: usize, ws: &mut Workspace, record: &mut Record) {
    let nc = s.chips.len();
    let ages = ws.ages;
    let lay = record.layout;
    for b in 0..s.buyers.len() {
        for &c in &ws.bound_chips {
            let i = b * nc + c;
            if !ws.open[i] {
                continue;
            }
            let slot = &mut ws.late[i * ages.max(1)..(i + 1) * ages.max(1)];
            let expired = if ages == 0 {
                ws.unserved_new[i]
            } else {
                slot[ages - 1]
            };
            if ages > 0 {
                slot.copy_within(0..ages - 1, 1);
                slot[0] = ws.unserved_new[i];
            }
            ws.unserved_new[i] = 0.0;
            record.unmet[lay.qb(t, b)] += expired * s.chips[c].h100e();
            let pending: f64 = if ws.due_len > ws.layout.quarters + 1 {
                ws.due[i * ws.due_len + t + 1..(i + 1) * ws.due_len]
                    .iter()
                    .sum()
            } else {
                0.0
            };
            let backlog = slot.iter().sum::<f64>() * f64::from(u8::from(ages > 0)) + pending;
            record.backlog[lay.qbc(t, b, c)] = backlog;
            ws.open[i] = backlog > 0.0;
        }
    }
}

/// Step 7: grey-market orders share each market's quarterly cap (cut by crackdowns); a
/// fraction is seized. Unfilled and seized orders are unmet; there is no grey backlog.
fn smuggle(s: &Scenario, t: usize, ws: &mut Workspace, record: &mut Record) {
    let nc = s.chips.len();
    let lay = record.layout;
    let (mut factor, mut seizure_override) = (1.0, None);
    for (p, policy) in s.policies.iter().enumerate() {
        if let PolicyKind::Crackdown {
            cap_factor,
            seizure,
        } = &policy.kind
        {
            if ws.now[p] {
                factor *= ws.value(*cap_factor);
                if let Some(x) = seizure {
                    seizure_override = Some(ws.value(*x));
                }
            }
        }
    }
    for (g, policy) in s.policies.iter().enumerate() {
        let PolicyKind::GreyMarket {
            cap_units_per_quarter,
            seizure,
            ..
        } = &policy.kind
        else {
            continue;
        };
        let mut total = 0.0;
        for b in 0..s.buyers.len() {
            for c in 0..nc {
                if ws.grey_source[c] == Some(g) {
                    total += ws.grey_request[b * nc + c];
                }
            }
        }
        if total <= 0.0 {
            continue;
        }
        let cap = ws.value(*cap_units_per_quarter) * factor;
        let fill = (cap / total).min(1.0);
        let seized = seizure_override.unwrap_or(ws.value(*seizure));
        for b in 0..s.buyers.len() {
            for c in 0..nc {
                let i = b * nc + c;
                if ws.grey_source[c] != Some(g) || ws.grey_request[i] <= 0.0 {
                    continue;
                }
                let req = ws.grey_request[i];
                let got = req * fill;
                deliver(s, t, b, c, Channel::Grey, got * (1.0 - seized), ws, record);
                record.seized[lay.qc(t, c)] += got * seized;
                record.unmet[lay.qb(t, b)] += (req - got * (1.0 - seized)) * s.chips[c].h100e();
                ws.grey_request[i] = 0.0;
            }
        }
    }
}
