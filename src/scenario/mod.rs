//! Scenario files: TOML schema (raw serde types), `extends` chains, and validation into
//! [`crate::model::Scenario`] with every problem located by file, line and column.
//!
//! The layers, in the order a file meets them: `load` reads files and resolves `extends`;
//! `types` checks each file's field names and types; `validate` (with `numbers`, `policy`
//! and `supply`) checks meaning and builds the model; `warn` flags what is valid but likely
//! unintended. `diagnostic` and `locate` place and render every problem.

pub mod diagnostic;
pub mod limits;
pub mod load;
pub mod locate;
pub mod numbers;
mod policy;
pub mod raw;
mod supply;
pub mod types;
pub mod validate;
pub mod warn;

pub use diagnostic::{Diagnostic, ScenarioError, Severity};

use crate::model::Scenario;
use std::path::Path;

/// Reads, resolves and validates a scenario file. Warnings come back beside the scenario.
pub fn load(path: &Path) -> Result<(Scenario, Vec<Diagnostic>), ScenarioError> {
    let resolved = load::resolve(path)?;
    let loaded = validate::validate(&resolved)?;
    crate::check::target::validate(&resolved, &loaded.0)?; // [[target]]s name the scenario's ids
    Ok(loaded)
}

/// As [`load`], with the scenario's text given; files it `extends` are read relative to `path`.
pub fn load_text(path: &Path, text: &str) -> Result<(Scenario, Vec<Diagnostic>), ScenarioError> {
    let resolved = load::resolve_text(path, text)?;
    let loaded = validate::validate(&resolved)?;
    crate::check::target::validate(&resolved, &loaded.0)?; // [[target]]s name the scenario's ids
    Ok(loaded)
}

/// Things that are allowed but probably not meant, as plain messages.
pub fn warnings(s: &Scenario) -> Vec<String> {
    warn::warnings(s)
        .into_iter()
        .map(|(_, message)| message)
        .collect()
}
