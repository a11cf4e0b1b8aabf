//! A study's specification: what lays its plan out again from the resolved scenario (a
//! shard's partial result carries it, so `merge` rebuilds the same study).

use serde::{Deserialize, Serialize};

/// What a study command needs, beside the resolved scenario, to lay out its plan again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "study", rename_all = "snake_case")]
pub enum Definition {
    Sweep(SweepDefinition),
    Sensitivity(SensitivityDefinition),
}

/// A sweep: its axes with their values, outcomes, runs per point and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepDefinition {
    pub axes: Vec<AxisDefinition>,
    pub outcomes: Vec<String>,
    pub runs: u64,
    pub seed: u64,
}

/// One swept parameter (its path, as for `--param`) and its values in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisDefinition {
    pub path: String,
    pub values: Vec<f64>,
}

/// A sensitivity study: `method` (`tornado`, `morris`, `sobol`), the `--param` specs (empty:
/// every uncertain input), outcomes, samples (trajectories or base samples), runs and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityDefinition {
    pub method: String,
    pub params: Vec<String>,
    pub outcomes: Vec<String>,
    pub samples: usize,
    pub runs: u64,
    pub seed: u64,
}
