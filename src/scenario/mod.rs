//! Scenario files: TOML schema (raw serde types), `extends` chains, and validation into
//! [`crate::model::Scenario`] with every problem located by file, line and column.

pub mod diagnostic;
pub mod load;
pub mod raw;
pub mod validate;

pub use diagnostic::{Diagnostic, ScenarioError, Severity};

use crate::model::{Origin, Scenario};
use std::path::Path;

/// Reads, resolves and validates a scenario file. Warnings come back beside the scenario.
pub fn load(path: &Path) -> Result<(Scenario, Vec<Diagnostic>), ScenarioError> {
    let resolved = load::resolve(path)?;
    validate::validate(&resolved)
}

/// Things that are allowed but probably not meant.
pub fn warnings(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for chip in &s.chips {
        if chip.available_until.is_some_and(|u| u < s.start) || chip.available_from > s.end {
            out.push(format!("chip `{}` is never available within {}..{}", chip.id, s.start, s.end));
        }
    }
    if !s.chips.iter().any(|c| c.origin == Origin::Domestic) {
        out.push("the scenario has no domestic chips: domestic quotas cannot be met".into());
    }
    for b in &s.buyers {
        let any = s.quarters().any(|q| s.chips.iter().any(|c| c.available_in(q)));
        if !any {
            out.push(format!("buyer `{}` can never buy anything: no chip is available in the horizon", b.id));
        }
    }
    out
}
