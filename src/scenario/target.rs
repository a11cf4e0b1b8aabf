//! `[[target]]` tables: what the record says, as an outcome expression, a comparison and a
//! source, checked against a validated scenario with every problem placed in its file.

use crate::model::Scenario;
use crate::outcome::{Outcome, OutcomeError};
use crate::scenario::diagnostic::{Diagnostic, DocPath, ScenarioError};
use crate::scenario::load::Resolved;
use crate::scenario::raw::RawTarget;
use std::collections::HashSet;

/// A statement of the record about one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub outcome: Outcome,
    pub comparison: Comparison,
    /// Where the record says it (e.g. `facts.md s4 row "ByteDance's 910B order"`).
    pub source: String,
    /// Whether `exportsim calibrate` fits to it; `false` keeps it out of the fit, as a test.
    pub fit: bool,
}

/// What the simulated median must satisfy. Every bound is inclusive.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Comparison {
    Below {
        value: f64,
    },
    Above {
        value: f64,
    },
    Between {
        low: f64,
        high: f64,
    },
    /// Within `tolerance` of `value` (in the outcome's own units).
    Near {
        value: f64,
        tolerance: f64,
    },
}

impl Comparison {
    /// The interval the median must lie in (an end may be infinite).
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Comparison::Below { value } => (f64::NEG_INFINITY, value),
            Comparison::Above { value } => (value, f64::INFINITY),
            Comparison::Between { low, high } => (low, high),
            Comparison::Near { value, tolerance } => (value - tolerance, value + tolerance),
        }
    }

    pub fn holds(&self, x: f64) -> bool {
        let (low, high) = self.bounds();
        x >= low && x <= high
    }

    /// 0 when `x` satisfies the comparison, else its distance to the nearest edge relative to
    /// that edge (`|x - edge| / |edge|`, or the plain distance when the edge is 0). This is
    /// the per-target term of the calibration distance (docs/calibration.md).
    pub fn violation(&self, x: f64) -> f64 {
        let (low, high) = self.bounds();
        let edge = if x < low {
            low
        } else if x > high {
            high
        } else {
            return 0.0;
        };
        let scale = if edge == 0.0 { 1.0 } else { edge.abs() };
        (x - edge).abs() / scale
    }

    /// The record in words, numbers formatted by `show`: "below 30k", "between 62% and 74%".
    pub fn describe(&self, show: impl Fn(f64) -> String) -> String {
        match *self {
            Comparison::Below { value } => format!("below {}", show(value)),
            Comparison::Above { value } => format!("above {}", show(value)),
            Comparison::Between { low, high } => {
                format!("between {} and {}", show(low), show(high))
            }
            Comparison::Near { value, tolerance } => {
                format!("near {} (+/- {})", show(value), show(tolerance))
            }
        }
    }
}

/// Checks the `[[target]]` tables of `resolved` against its validated `scenario`, reporting
/// every problem at once, each placed in the file that set it.
pub fn validate(resolved: &Resolved, scenario: &Scenario) -> Result<Vec<Target>, ScenarioError> {
    let mut problems = Problems {
        resolved,
        list: Vec::new(),
    };
    let mut seen = HashSet::new();
    let mut targets = Vec::new();
    for (i, raw) in resolved.raw.target.iter().enumerate() {
        let path = match raw.id.as_deref() {
            Some(id) if !id.trim().is_empty() => DocPath::default().key("target").item("id", id),
            _ => DocPath::default().key("target").index(i),
        };
        if let Some(id) = raw.id.as_deref().filter(|id| !seen.insert(*id)) {
            let help = Some("give each target its own id");
            problems.add(
                &path.clone().key("id"),
                format!("a second target with id `{id}`"),
                help,
            );
        }
        let outcome = outcome(scenario, raw, &path, &mut problems);
        let comparison = comparison(raw, &path, &mut problems);
        let id = required(raw.id.as_deref(), &path, "id", &mut problems);
        let source = required(raw.source.as_deref(), &path, "source", &mut problems);
        if let (Some(outcome), Some(comparison), Some(id), Some(source)) =
            (outcome, comparison, id, source)
        {
            let fit = raw.fit.unwrap_or(true);
            targets.push(Target {
                id,
                outcome,
                comparison,
                source,
                fit,
            });
        }
    }
    if problems.list.is_empty() {
        Ok(targets)
    } else {
        Err(ScenarioError {
            diagnostics: problems.list,
        })
    }
}

/// Problems found so far, each placed in its file.
struct Problems<'a> {
    resolved: &'a Resolved,
    list: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn add(&mut self, at: &DocPath, message: impl Into<String>, help: Option<&str>) {
        let d = self
            .resolved
            .diagnostic(at, format!("{at}: {}", message.into()));
        self.list.push(d.with_help(help.map(str::to_string)));
    }
}

fn required(
    value: Option<&str>,
    path: &DocPath,
    key: &str,
    problems: &mut Problems,
) -> Option<String> {
    match value {
        Some(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
        Some(_) => {
            problems.add(&path.clone().key(key), "must not be empty", None);
            None
        }
        None => {
            let help = match key {
                "source" => "say where the record says it, e.g. source = \"facts.md s7 row ...\"",
                _ => "add e.g. id = \"h20_units_2024\"",
            };
            problems.add(path, format!("missing `{key}`"), Some(help));
            None
        }
    }
}

fn outcome(
    scenario: &Scenario,
    raw: &RawTarget,
    path: &DocPath,
    problems: &mut Problems,
) -> Option<Outcome> {
    let Some(text) = raw.outcome.as_deref() else {
        let help = "add e.g. outcome = \"units[chip=h20]@2024\" (see docs/outcomes.md)";
        problems.add(path, "missing `outcome`", Some(help));
        return None;
    };
    match Outcome::parse(text, scenario) {
        Ok(o) => Some(o),
        Err(e) => {
            let d = outcome_diagnostic(problems.resolved, &path.clone().key("outcome"), &e);
            problems.list.push(d);
            None
        }
    }
}

/// An outcome error placed on the offending word inside the TOML string when the string
/// holds the expression verbatim (no escapes), else on the whole string.
fn outcome_diagnostic(resolved: &Resolved, at: &DocPath, e: &OutcomeError) -> Diagnostic {
    let message = format!("{at}: {}", e.message);
    let help = e.help.clone();
    for source in &resolved.sources {
        let Some((span, true)) = source.locate(at) else {
            continue;
        };
        let inner = span.start + 1..span.end.saturating_sub(1);
        let quoted = source
            .text
            .get(span.clone())
            .is_some_and(|s| s.starts_with(['"', '\'']));
        let place = if quoted && source.text.get(inner.clone()) == Some(e.text.as_str()) {
            inner.start + e.span.start..inner.start + e.span.end.max(e.span.start + 1)
        } else {
            span
        };
        return Diagnostic::error(&source.path, message)
            .at(source, Some(place))
            .with_help(help);
    }
    resolved.diagnostic(at, message).with_help(help)
}

fn comparison(raw: &RawTarget, path: &DocPath, problems: &mut Problems) -> Option<Comparison> {
    let given: Vec<&str> = [
        ("below", raw.below.is_some()),
        ("above", raw.above.is_some()),
        ("between", raw.between.is_some()),
        ("near", raw.near.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect();
    if raw.tolerance.is_some() && raw.near.is_none() {
        let help = Some("`tolerance` goes with `near = x`; for bounds use below, above or between");
        problems.add(
            &path.clone().key("tolerance"),
            "`tolerance` needs `near`",
            help,
        );
        return None;
    }
    match given.as_slice() {
        [] => {
            let help = Some(
                "add one of: below = x, above = x, between = [low, high], near = x with tolerance = t",
            );
            problems.add(path, "missing a comparison", help);
            None
        }
        [one] => one_comparison(raw, one, &path.clone().key(one), problems),
        many => {
            let message = format!("give one comparison, not {}", many.join(" and "));
            problems.add(
                &path.clone().key(many[1]),
                message,
                Some("for a range use between = [low, high]"),
            );
            None
        }
    }
}

fn one_comparison(
    raw: &RawTarget,
    kind: &str,
    at: &DocPath,
    problems: &mut Problems,
) -> Option<Comparison> {
    let mut finite = |x: Option<f64>| match x {
        Some(x) if !x.is_finite() => {
            problems.add(at, format!("must be a finite number, not {x}"), None);
            None
        }
        x => x,
    };
    match kind {
        "below" => finite(raw.below).map(|value| Comparison::Below { value }),
        "above" => finite(raw.above).map(|value| Comparison::Above { value }),
        "between" => between(raw.between.as_deref().unwrap_or_default(), at, problems),
        _ => near(raw, at, problems),
    }
}

fn between(ends: &[f64], at: &DocPath, problems: &mut Problems) -> Option<Comparison> {
    let [low, high] = ends else {
        problems.add(
            at,
            format!("needs two numbers [low, high], got {}", ends.len()),
            None,
        );
        return None;
    };
    if !low.is_finite() || !high.is_finite() {
        problems.add(
            at,
            "both ends must be finite numbers",
            Some("for a one-sided bound use below or above"),
        );
        return None;
    }
    if low >= high {
        let message = format!(
            "the interval [{low}, {high}] is empty: the low end must be below the high end"
        );
        problems.add(
            at,
            message,
            Some("for a single value use near = x with a tolerance"),
        );
        return None;
    }
    Some(Comparison::Between {
        low: *low,
        high: *high,
    })
}

fn near(raw: &RawTarget, at: &DocPath, problems: &mut Problems) -> Option<Comparison> {
    let value = raw.near.unwrap_or_default();
    let Some(tolerance) = raw.tolerance else {
        let help = "in the outcome's units: near = 1000000, tolerance = 150000";
        problems.add(at, "`near` needs a `tolerance`", Some(help));
        return None;
    };
    if !value.is_finite() || !tolerance.is_finite() || tolerance <= 0.0 {
        let message = format!(
            "needs a finite value and a tolerance above 0 (got {value} and {tolerance}): the interval is empty"
        );
        problems.add(at, message, None);
        return None;
    }
    Some(Comparison::Near { value, tolerance })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_are_relative_to_the_nearest_edge() {
        let c = Comparison::Between {
            low: 0.5,
            high: 0.8,
        };
        assert_eq!(c.violation(0.6), 0.0);
        assert!((c.violation(0.4) - 0.2).abs() < 1e-12);
        assert!((c.violation(1.0) - 0.25).abs() < 1e-12);
        let below = Comparison::Below { value: 30_000.0 };
        assert!(below.holds(30_000.0) && !below.holds(30_001.0));
        assert!((below.violation(45_000.0) - 0.5).abs() < 1e-12);
        assert_eq!(Comparison::Above { value: 0.0 }.violation(-2.0), 2.0);
        let near = Comparison::Near {
            value: 1e6,
            tolerance: 1.5e5,
        };
        assert_eq!(near.bounds(), (8.5e5, 1.15e6));
        assert_eq!(
            near.describe(|x| format!("{x}")),
            "near 1000000 (+/- 150000)"
        );
    }
}
