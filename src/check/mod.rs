//! Reality checks: `[[target]]` tables that state what the record says ([`target`]), and
//! `exportsim check`, which runs a scenario and holds each target's simulated median and 90%
//! interval against the record ([`run`], written by [`write`]). Calibration to the same
//! targets is in [`crate::calibrate`]. Described in `docs/calibration.md`.

pub mod run;
pub mod target;
pub mod write;

pub use run::{CheckReport, Row, check};
pub use target::{Comparison, Target};

use crate::model::Scenario;
use crate::scenario::{Diagnostic, ScenarioError};
use std::path::Path;

/// Reads and validates a scenario with its targets; warnings come back beside them.
pub fn load(path: &Path) -> Result<(Scenario, Vec<Target>, Vec<Diagnostic>), ScenarioError> {
    let resolved = crate::scenario::load::resolve(path)?;
    let (scenario, warnings) = crate::scenario::validate::validate(&resolved)?;
    let targets = target::validate(&resolved, &scenario)?;
    Ok((scenario, targets, warnings))
}
