//! Scenario files: TOML schema (raw serde types), `extends` chains, and validation into
//! [`crate::model::Scenario`] with every problem located by file, line and column.
//!
//! The layers, in the order a file meets them: `load` reads files and resolves `extends`;
//! `types` checks each file's field names and types; `validate` (with `numbers`, `policy`
//! and `supply`) checks meaning and builds the model; `target` checks `[[target]]`s; `warn` flags what is valid but likely
//! unintended. `diagnostic` and `locate` place and render every problem.

pub mod diagnostic;
pub mod limits;
pub mod load;
pub mod locate;
pub mod numbers;
mod policy;
pub mod raw;
mod supply;
pub mod target;
pub mod types;
pub mod validate;
pub mod warn;

pub use diagnostic::{Diagnostic, ScenarioError, Severity};

pub use raw::RawSweep;
pub use target::Target;

use crate::model::Scenario;
use std::path::{Path, PathBuf};

/// Everything a scenario file holds, read once: the validated scenario, its `[[target]]`s
/// (validated against it), its `[[sweep]]` tables (type-checked; a sweep's parameters and
/// outcomes are checked when it is run), the files it came from, and its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub targets: Vec<Target>,
    pub sweeps: Vec<RawSweep>,
    /// The files read, the scenario first, then what it `extends`, in order.
    pub provenance: Vec<PathBuf>,
    /// Valid but probably not meant.
    pub warnings: Vec<Diagnostic>,
}

/// Reads, resolves and validates a scenario file with its targets and sweeps.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    loaded(load::resolve(path)?)
}

/// As [`load`], with the scenario's text given; files it `extends` are read relative to `path`.
pub fn load_text(path: &Path, text: &str) -> Result<Loaded, ScenarioError> {
    loaded(load::resolve_text(path, text)?)
}

fn loaded(resolved: load::Resolved) -> Result<Loaded, ScenarioError> {
    let (scenario, warnings) = validate::validate(&resolved)?;
    let targets = target::validate(&resolved, &scenario)?;
    let provenance = resolved.sources.iter().map(|s| s.path.clone()).collect();
    Ok(Loaded {
        scenario,
        targets,
        sweeps: resolved.raw.sweep,
        provenance,
        warnings,
    })
}

/// Things that are allowed but probably not meant, as plain messages.
pub fn warnings(s: &Scenario) -> Vec<String> {
    warn::warnings(s)
        .into_iter()
        .map(|(_, message)| message)
        .collect()
}
