//! Reality checks: `[[target]]` tables that state what the record says ([`target`]), and
//! `exportsim check`, which runs a scenario and holds each target's simulated median and 90%
//! interval against the record ([`run`], written by [`write`]). Calibration to the same
//! targets is in [`crate::calibrate`]. Described in `docs/calibration.md`.

pub mod run;
pub mod write;

pub use crate::scenario::target::{Comparison, Target};
pub use run::{CheckReport, Row, check};
