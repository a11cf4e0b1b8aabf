//! Warnings about a valid scenario: things that are allowed but probably not meant, such as
//! a chip never on sale in the horizon or a buyer that can never buy anything.
//!
//! The buyer check is conservative: it warns only when, in every run and every quarter, each
//! chip is shut to the buyer for certain (not on sale, never supplied, free of charge, banned
//! by a rule in force with probability 1, and not on the grey market either).

use super::diagnostic::DocPath;
use crate::model::*;

/// Each warning with the place it is about.
pub fn warnings(s: &Scenario) -> Vec<(DocPath, String)> {
    let mut out = Vec::new();
    for chip in &s.chips {
        let at = DocPath::default().key("chip").item("id", &chip.id);
        if !s.quarters().any(|q| chip.available_in(q)) {
            out.push((
                at.key("available_from"),
                format!(
                    "chip `{}` is never available within {}..{}",
                    chip.id, s.start, s.end
                ),
            ));
        } else if hi(s, chip.price_usd) <= 0.0 {
            out.push((
                at.key("price_usd"),
                format!(
                    "chip `{}` costs 0, and buyers never weigh a free chip: it is never bought",
                    chip.id
                ),
            ));
        }
    }
    if !s.chips.iter().any(|c| c.origin == Origin::Domestic) {
        out.push((
            DocPath::default().key("chip"),
            "the scenario has no domestic chips: domestic quotas cannot be met".into(),
        ));
    }
    for policy in &s.policies {
        if hi(s, policy.probability) <= 0.0 {
            let at = DocPath::default()
                .key("policy")
                .item("id", &policy.id)
                .key("probability");
            out.push((
                at,
                format!("policy `{}` has probability 0: it never happens", policy.id),
            ));
        }
    }
    for (b, buyer) in s.buyers.iter().enumerate() {
        if let Some(reasons) = never_buys(s, b) {
            let path = DocPath::default().key("buyer").item("id", &buyer.id);
            out.push((
                path,
                format!(
                    "buyer `{}` can never buy anything in {}..{}: {}",
                    buyer.id,
                    s.start,
                    s.end,
                    reasons.join("; ")
                ),
            ));
        }
    }
    out
}

/// The largest and smallest value an input can take.
fn hi(s: &Scenario, id: ParamId) -> f64 {
    s.param(id).dist.support().1
}

fn lo(s: &Scenario, id: ParamId) -> f64 {
    s.param(id).dist.support().0
}

/// Whether the policy is in force at `q` in some run.
fn may_be_on(s: &Scenario, p: &Policy, q: Quarter) -> bool {
    let delay = p.start_delay_quarters.map_or(0.0, |d| lo(s, d).floor());
    hi(s, p.probability) > 0.0
        && q.index() >= p.start.index() + delay as i64
        && p.end.is_none_or(|e| q <= e)
}

/// Whether the policy is in force at `q` in every run.
fn surely_on(s: &Scenario, p: &Policy, q: Quarter) -> bool {
    let delay = p.start_delay_quarters.map_or(0.0, |d| hi(s, d).floor());
    lo(s, p.probability) >= 1.0
        && q.index() >= p.start.index() + delay as i64
        && p.end.is_none_or(|e| q <= e)
}

/// Why buyer `b` can never buy anything (one reason per chip), or `None` if it may.
fn never_buys(s: &Scenario, b: usize) -> Option<Vec<String>> {
    let buyer = &s.buyers[b];
    if buyer.budget_usd.is_some_and(|x| hi(s, x) <= 0.0) {
        return Some(vec!["its budget is 0".into()]);
    }
    let mut reasons = Vec::new();
    for (c, chip) in s.chips.iter().enumerate() {
        let mut why: Vec<String> = Vec::new();
        for q in s.quarters() {
            match shut(s, b, c, q) {
                Some(r) if !why.contains(&r) => why.push(r),
                Some(_) => {}
                None => return None,
            }
        }
        reasons.push(format!("`{}` {}", chip.id, why.join(", then ")));
    }
    Some(reasons)
}

/// Why chip `c` is shut to buyer `b` at `q` in every run, or `None` if it may be bought.
fn shut(s: &Scenario, b: usize, c: usize, q: Quarter) -> Option<String> {
    let chip = &s.chips[c];
    if !chip.available_in(q) {
        return Some("is not on sale".into());
    }
    if hi(s, chip.price_usd) <= 0.0 {
        return Some("costs 0 and is never weighed".into());
    }
    if let Some(supply) = &s.supply[c] {
        let stock = hi(s, supply.stock) > 0.0;
        let made = s
            .quarters()
            .take_while(|x| *x <= q)
            .any(|x| capacity_hi(s, supply, x) > 0.0);
        if !stock && !made {
            return Some("has no supply".into());
        }
    }
    let quota = s.policies.iter().find(|p| p.buyers[b] && surely_on(s, p, q) && matches!(p.kind, PolicyKind::BeijingQuota { min_domestic_share } if lo(s, min_domestic_share) >= 1.0));
    if let (Some(p), Origin::Us) = (quota, chip.origin) {
        return Some(format!(
            "is foreign under the 100% domestic quota `{}`",
            p.id
        ));
    }
    let legal = legal_shut(s, b, c, q)?;
    match grey_open(s, b, c, q) {
        true => None,
        false => Some(legal),
    }
}

/// Why no legal or licensed purchase is possible, or `None` if one may be.
fn legal_shut(s: &Scenario, b: usize, c: usize, q: Quarter) -> Option<String> {
    for p in s
        .policies
        .iter()
        .filter(|p| p.buyers[b] && surely_on(s, p, q))
    {
        match &p.kind {
            PolicyKind::BeijingBan { chips, .. } if chips[c] => {
                return Some(format!("is banned by `{}`", p.id));
            }
            PolicyKind::BeijingReview {
                chips, approval, ..
            } if chips[c] && hi(s, *approval) <= 0.0 => {
                return Some(format!("is refused by the review `{}`", p.id));
            }
            _ => {}
        }
    }
    if s.chips[c].origin != Origin::Us {
        return None;
    }
    // The governing US rule is the latest-starting one in force; the chip is shut only if
    // some shutting rule surely is in force and no rule that lets sales through may be.
    let rules: Vec<&Policy> = s
        .policies
        .iter()
        .filter(|p| matches!(&p.kind, PolicyKind::UsExport { covers, .. } if covers[c]))
        .collect();
    let shuts = |p: &Policy| match &p.kind {
        PolicyKind::UsExport {
            effect: UsEffect::Ban,
            ..
        } => true,
        PolicyKind::UsExport {
            effect:
                UsEffect::Licence {
                    approval,
                    cap_units_per_buyer,
                    ..
                },
            ..
        } => hi(s, *approval) <= 0.0 || cap_units_per_buyer.is_some_and(|x| hi(s, x) <= 0.0),
        _ => false,
    };
    let open = rules.iter().any(|p| may_be_on(s, p, q) && !shuts(p));
    let shut = rules.iter().find(|p| surely_on(s, p, q) && shuts(p));
    match (open, shut) {
        (false, Some(p)) => Some(format!("is banned by `{}`", p.id)),
        _ => None,
    }
}

/// Whether the grey market may sell chip `c` to buyer `b` at `q`.
fn grey_open(s: &Scenario, b: usize, c: usize, q: Quarter) -> bool {
    let buyer = &s.buyers[b];
    if hi(s, buyer.grey_appetite) <= 0.0 {
        return false;
    }
    let blocked = s.policies.iter().any(|p| {
        p.buyers[b]
            && surely_on(s, p, q)
            && matches!(&p.kind, PolicyKind::BeijingBan { chips, include_grey: true } if chips[c])
    });
    let market = s.policies.iter().any(|p| {
        may_be_on(s, p, q)
            && matches!(&p.kind, PolicyKind::GreyMarket { chips, markup, cap_units_per_quarter, .. }
                if chips[c] && hi(s, *markup) > 0.0 && hi(s, *cap_units_per_quarter) > 0.0)
    });
    market && !blocked
}

/// The largest capacity a supply can have at `q` (before growth, which cannot lift a zero).
fn capacity_hi(s: &Scenario, supply: &Supply, q: Quarter) -> f64 {
    match supply.schedule.iter().rev().find(|(from, _)| *from <= q) {
        Some((_, cap)) => hi(s, *cap),
        None => hi(s, supply.capacity),
    }
}
