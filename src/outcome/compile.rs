//! Checks a parsed expression against a scenario (metric, filter and id names, the period
//! within the horizon) and compiles it into index lists over a run's record, so evaluating
//! it per run is a few sums.

use super::OutcomeError;
use super::metric::{self, Key, Kind, Metric, Source};
use super::syntax::{Bound, Expr, Filter, Op, Period, Query, Spanned};
use crate::display::nearest;
use crate::engine::Record;
use crate::model::{Channel, Quarter, Scenario};
use std::ops::Range;

/// A weighted sum of cells of one record array over a range of quarters.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    source: Source,
    /// Elements per quarter.
    stride: usize,
    /// (offset within a quarter, weight).
    cells: Vec<(usize, f64)>,
    quarters: Range<usize>,
}

impl Cut {
    fn sum(&self, r: &Record) -> f64 {
        let mut total = 0.0;
        for q in self.quarters.clone() {
            let base = q * self.stride;
            for &(i, w) in &self.cells {
                total += self.source.read(r, base + i) * w;
            }
        }
        total
    }
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Number(f64),
    Cut(Cut),
    /// numerator / denominator, 0 when the denominator is 0.
    Ratio(Cut, Cut),
    Neg(Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
}

impl Node {
    pub fn evaluate(&self, r: &Record) -> f64 {
        match self {
            Node::Number(x) => *x,
            Node::Cut(c) => c.sum(r),
            Node::Ratio(n, d) => ratio(n.sum(r), d.sum(r)),
            Node::Neg(x) => -x.evaluate(r),
            Node::Binary(op, a, b) => {
                let (a, b) = (a.evaluate(r), b.evaluate(r));
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => ratio(a, b),
                }
            }
        }
    }
}

fn ratio(n: f64, d: f64) -> f64 {
    if d == 0.0 { 0.0 } else { n / d }
}

/// Selected indices per dimension after the filters.
struct Selection {
    buyers: Vec<bool>,
    chips: Vec<bool>,
    channels: [bool; Channel::COUNT],
    policies: Vec<bool>,
}

pub struct Compiler<'a> {
    pub text: &'a str,
    pub scenario: &'a Scenario,
}

impl Compiler<'_> {
    fn error(
        &self,
        span: &Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> OutcomeError {
        OutcomeError::new(self.text, span.clone(), message).with_help_opt(help)
    }

    pub fn compile(&self, e: &Expr) -> Result<Node, OutcomeError> {
        Ok(match e {
            Expr::Number(x) => Node::Number(*x),
            Expr::Neg(x) => Node::Neg(Box::new(self.compile(x)?)),
            Expr::Binary(op, a, b) => {
                Node::Binary(*op, Box::new(self.compile(a)?), Box::new(self.compile(b)?))
            }
            Expr::Query(q) => self.query(q)?,
        })
    }

    fn query(&self, q: &Query) -> Result<Node, OutcomeError> {
        let metric = metric::find(&q.metric.value).ok_or_else(|| {
            let names: Vec<&str> = metric::names().collect();
            self.error(
                &q.metric.span,
                format!("unknown metric `{}`", q.metric.value),
                Some(suggest(&q.metric.value, &names, "metrics")),
            )
        })?;
        let quarters = self.period(&q.period)?;
        let all = self.select(metric, &q.filters, false)?;
        if metric.source == Source::PolicyActive
            && !q.filters.iter().any(|f| f.key.value == "policy")
        {
            let ids: Vec<&str> = self
                .scenario
                .policies
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            let help = format!(
                "write `policy_active[policy=ID]@...`; policies: {}",
                ids.join(", ")
            );
            return Err(self.error(
                &q.metric.span,
                "`policy_active` needs one policy",
                Some(help),
            ));
        }
        let cut = |sel: &Selection| self.cut(metric, sel, quarters.clone());
        Ok(match metric.kind {
            Kind::Flow | Kind::Average => Node::Cut(cut(&all)),
            Kind::Stock => Node::Cut(self.cut(metric, &all, quarters.end - 1..quarters.end)),
            Kind::Share => Node::Ratio(cut(&all), cut(&self.select(metric, &q.filters, true)?)),
            Kind::UnmetShare => {
                let demand = Metric {
                    source: Source::Demand,
                    ..*metric
                };
                Node::Ratio(cut(&all), self.cut(&demand, &all, quarters))
            }
        })
    }

    /// The record quarters (0 = the scenario's start) the period covers.
    fn period(&self, p: &Period) -> Result<Range<usize>, OutcomeError> {
        let s = self.scenario;
        let horizon = format!("the scenario runs {}..{}", s.start, s.end);
        let edge = |b: &Spanned<Bound>, first: bool| -> Result<Quarter, OutcomeError> {
            let (lo, hi) = match b.value {
                Bound::Year(y) => (
                    Quarter::new(y, 1).expect("Q1"),
                    Quarter::new(y, 4).expect("Q4"),
                ),
                Bound::Quarter(q) => (q, q),
            };
            if hi < s.start || lo > s.end {
                return Err(self.error(
                    &b.span,
                    format!("{} is outside the scenario's horizon", show(b.value)),
                    Some(horizon.clone()),
                ));
            }
            Ok(if first {
                lo.max(s.start)
            } else {
                hi.min(s.end)
            })
        };
        let from = p
            .from
            .as_ref()
            .map(|b| edge(b, true))
            .transpose()?
            .unwrap_or(s.start);
        let to =
            p.to.as_ref()
                .map(|b| edge(b, false))
                .transpose()?
                .unwrap_or(s.end);
        if from > to {
            return Err(self.error(
                &p.span,
                format!("the period is empty: {from} comes after {to}"),
                None,
            ));
        }
        let origin = s.start.index();
        Ok((from.index() - origin) as usize..(to.index() - origin + 1) as usize)
    }

    /// Applies the filters (all of them, or only the buyer ones for a share's denominator).
    fn select(
        &self,
        metric: &Metric,
        filters: &[Filter],
        who_only: bool,
    ) -> Result<Selection, OutcomeError> {
        let s = self.scenario;
        let mut sel = Selection {
            buyers: vec![true; s.buyers.len()],
            chips: vec![true; s.chips.len()],
            channels: [true; Channel::COUNT],
            policies: vec![true; s.policies.len()],
        };
        for (i, f) in filters.iter().enumerate() {
            let key = self.key(metric, f)?;
            if let Some(earlier) = filters[..i].iter().find(|g| g.key.value == f.key.value) {
                let help = format!("list several values with `|`: `{}=a|b`", earlier.key.value);
                return Err(self.error(
                    &f.key.span,
                    format!("filter `{}` is given twice", f.key.value),
                    Some(help),
                ));
            }
            if key == Key::Policy && f.values.len() > 1 {
                return Err(self.error(
                    &f.values[1].span,
                    "`policy_active` takes one policy",
                    None,
                ));
            }
            if !(who_only && key.is_what()) {
                self.apply(key, f, &mut sel)?;
            }
        }
        for (what, mask) in [("buyer", &sel.buyers), ("chip", &sel.chips)] {
            if !mask.iter().any(|x| *x) {
                let span = filters.first().map_or(0..0, |f| {
                    f.key.span.start
                        ..filters
                            .last()
                            .map_or(0, |l| l.values.last().map_or(0, |v| v.span.end))
                });
                return Err(self.error(&span, format!("these filters select no {what}"), None));
            }
        }
        Ok(sel)
    }

    fn key(&self, metric: &Metric, f: &Filter) -> Result<Key, OutcomeError> {
        let names: Vec<&str> = Key::ALL.iter().map(|k| k.name()).collect();
        let key = Key::ALL
            .into_iter()
            .find(|k| k.name() == f.key.value)
            .ok_or_else(|| {
                self.error(
                    &f.key.span,
                    format!("unknown filter `{}`", f.key.value),
                    Some(suggest(&f.key.value, &names, "filters")),
                )
            })?;
        let allowed = metric.source.keys();
        if !allowed.contains(&key) {
            let list: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
            let help = if list.is_empty() {
                "it takes no filters".to_string()
            } else {
                format!("its filters: {}", list.join(", "))
            };
            let message = format!(
                "`{}` is recorded {}, so it cannot be filtered by `{}`",
                metric.name,
                metric.source.what(),
                key.name()
            );
            return Err(self.error(&f.key.span, message, Some(help)));
        }
        Ok(key)
    }

    /// Intersects the selection with one filter (its values are alternatives).
    fn apply(&self, key: Key, f: &Filter, sel: &mut Selection) -> Result<(), OutcomeError> {
        let s = self.scenario;
        let (names, what): (Vec<&str>, &str) = match key {
            Key::Vendor => (s.vendors.iter().map(|v| v.id.as_str()).collect(), "vendor"),
            Key::Chip => (s.chips.iter().map(|c| c.id.as_str()).collect(), "chip"),
            Key::Origin => (vec!["us", "domestic"], "origin"),
            Key::Buyer => (s.buyers.iter().map(|b| b.id.as_str()).collect(), "buyer"),
            Key::Class => (
                dedup(s.buyers.iter().map(|b| b.class.as_str()).collect()),
                "buyer class",
            ),
            Key::Channel => (Channel::ALL.iter().map(|c| c.as_str()).collect(), "channel"),
            Key::Policy => (s.policies.iter().map(|p| p.id.as_str()).collect(), "policy"),
        };
        let mut wanted = Vec::new();
        for v in &f.values {
            if !names.contains(&v.value.as_str()) {
                let help = suggest(&v.value, &names, &format!("{what}s in this scenario"));
                return Err(self.error(
                    &v.span,
                    format!("no {what} `{}` in this scenario", v.value),
                    Some(help),
                ));
            }
            wanted.push(v.value.as_str());
        }
        let has = |x: &str| wanted.contains(&x);
        match key {
            Key::Vendor => and(
                &mut sel.chips,
                s.chips.iter().map(|c| has(&s.vendors[c.vendor].id)),
            ),
            Key::Chip => and(&mut sel.chips, s.chips.iter().map(|c| has(&c.id))),
            Key::Origin => and(
                &mut sel.chips,
                s.chips.iter().map(|c| has(c.origin.as_str())),
            ),
            Key::Buyer => and(&mut sel.buyers, s.buyers.iter().map(|b| has(&b.id))),
            Key::Class => and(&mut sel.buyers, s.buyers.iter().map(|b| has(&b.class))),
            Key::Channel => and(
                &mut sel.channels,
                Channel::ALL.iter().map(|c| has(c.as_str())),
            ),
            Key::Policy => and(&mut sel.policies, s.policies.iter().map(|p| has(&p.id))),
        }
        Ok(())
    }

    /// The cells of `metric`'s array that the selection keeps, with their weights.
    fn cut(&self, metric: &Metric, sel: &Selection, quarters: Range<usize>) -> Cut {
        let s = self.scenario;
        let (nb, nc, nk, np) = (
            s.buyers.len(),
            s.chips.len(),
            Channel::COUNT,
            s.policies.len(),
        );
        let weight = |c: usize| {
            if metric.h100e {
                s.chips[c].h100e()
            } else {
                1.0
            }
        };
        let buyers = || (0..nb).filter(|b| sel.buyers[*b]);
        let chips = || (0..nc).filter(|c| sel.chips[*c]);
        let (stride, cells): (usize, Vec<(usize, f64)>) = match metric.source {
            Source::Delivered | Source::Spend => {
                let cells = buyers()
                    .flat_map(|b| chips().flat_map(move |c| (0..nk).map(move |k| (b, c, k))))
                    .filter(|(_, _, k)| sel.channels[*k])
                    .map(|(b, c, k)| ((b * nc + c) * nk + k, weight(c)))
                    .collect();
                (nb * nc * nk, cells)
            }
            Source::Ordered | Source::Backlog => (
                nb * nc,
                buyers()
                    .flat_map(|b| chips().map(move |c| (b * nc + c, 1.0)))
                    .collect(),
            ),
            Source::Demand | Source::Unmet => (nb, buyers().map(|b| (b, 1.0)).collect()),
            Source::Revenue | Source::Supply | Source::Seized => {
                (nc, chips().map(|c| (c, 1.0)).collect())
            }
            Source::UsGovernment => (1, vec![(0, 1.0)]),
            Source::PolicyActive => {
                let per_quarter = 1.0 / quarters.len() as f64;
                (
                    np,
                    (0..np)
                        .filter(|p| sel.policies[*p])
                        .map(|p| (p, per_quarter))
                        .collect(),
                )
            }
        };
        Cut {
            source: metric.source,
            stride,
            cells,
            quarters,
        }
    }
}

fn and(mask: &mut [bool], keep: impl Iterator<Item = bool>) {
    for (m, k) in mask.iter_mut().zip(keep) {
        *m &= k;
    }
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v.dedup();
    v
}

fn show(b: Bound) -> String {
    match b {
        Bound::Year(y) => y.to_string(),
        Bound::Quarter(q) => q.to_string(),
    }
}

/// "did you mean `x`? metrics: a, b, c".
fn suggest(word: &str, names: &[&str], what: &str) -> String {
    let list = format!("{what}: {}", names.join(", "));
    match nearest(word, names.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? {list}"),
        None => list,
    }
}
