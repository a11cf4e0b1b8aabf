//! Runs a scenario and holds each target's simulated distribution against the record.
//!
//! A target passes when the **median** over runs satisfies its comparison: the record is
//! one history, and the median is the scenario's central account of it. The 90% interval
//! (5% and 95% quantiles over runs) is reported beside it, so a pass by a hair or a record
//! far in the tail shows. Every run's values are kept and sorted, so quantiles are exact
//! (type 7, as the studies).

use crate::engine::Progress;
use crate::model::Scenario;
use crate::outcome::Outcome;
use crate::scenario::target::{Comparison, Target};
use crate::stats::Stats;
use crate::study::driver;
use crate::study::summary::describe;
use crate::study::{Plan, Point, StudyError};

/// One target's result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    pub id: String,
    pub outcome: String,
    pub comparison: Comparison,
    pub source: String,
    /// Whether the target is fitted by `exportsim calibrate` (else held out).
    pub fit: bool,
    /// Mean, sd and quantiles of the outcome over the runs.
    pub simulated: Stats,
    pub pass: bool,
    /// The median's normalized distance from the record (0 when it passes).
    pub violation: f64,
}

/// Every target of a scenario, checked on `runs` runs from `seed`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckReport {
    pub scenario: String,
    pub scenario_hash: String,
    pub runs: u64,
    pub seed: u64,
    pub rows: Vec<Row>,
}

impl CheckReport {
    pub fn passed(&self) -> usize {
        self.rows.iter().filter(|r| r.pass).count()
    }

    pub fn all_pass(&self) -> bool {
        self.rows.iter().all(|r| r.pass)
    }
}

/// Simulates `runs` runs of `scenario` from `seed` (on the current rayon pool) and checks
/// every target. The result does not depend on the thread count.
pub fn check(
    scenario: &Scenario,
    targets: &[Target],
    runs: u64,
    seed: u64,
    progress: &dyn Progress,
) -> Result<CheckReport, StudyError> {
    let plan = Plan::new("check", vec![Point(Vec::new())], runs, seed);
    plan.check(u64::MAX, true)?;
    let outcomes: Vec<Outcome> = targets.iter().map(|t| t.outcome.clone()).collect();
    let values = driver::simulate(scenario, &plan, &outcomes, progress);
    let rows = targets
        .iter()
        .enumerate()
        .map(|(o, t)| row(t, describe(values.runs_of(0, o))))
        .collect();
    Ok(CheckReport {
        scenario: scenario.name.clone(),
        scenario_hash: scenario.hash.clone(),
        runs,
        seed,
        rows,
    })
}

fn row(t: &Target, simulated: Stats) -> Row {
    Row {
        id: t.id.clone(),
        outcome: t.outcome.text().to_string(),
        comparison: t.comparison,
        source: t.source.clone(),
        fit: t.fit,
        simulated,
        pass: t.comparison.holds(simulated.p50),
        violation: t.comparison.violation(simulated.p50),
    }
}
