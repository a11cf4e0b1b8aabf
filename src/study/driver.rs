//! Runs a [`Plan`] through the engine and keeps every run's outcome values.
//!
//! Work is split into blocks of (point, up to [`STUDY_BLOCK_RUNS`] runs) that depend on the
//! plan alone, not on the thread count or the number of shards ([`blocks`]). The engine's
//! one driver ([`crate::engine::montecarlo::drive`]) simulates them with the pure one-run
//! function and hands each block's values back in order, so the result is the same bits on
//! 1 thread or 64. Blocks of 64 runs (rather than a run's 4,096) keep every core busy when a
//! study has many points with few runs each, as Sobol and Morris designs do. A shard of a
//! study simulates a contiguous slice of the blocks ([`simulate_blocks`]), and
//! [`Values::from_blocks`] puts the slices back together.

use super::Plan;
use crate::engine::montecarlo::drive;
use crate::engine::{Layout, Progress, Record, Workspace, simulate as simulate_run};
use crate::model::Scenario;
use crate::outcome::Outcome;
use std::ops::Range;

/// Runs per block of a study: the unit of its work and of its shards.
pub const STUDY_BLOCK_RUNS: u64 = 64;

/// Every run's value of every outcome at every point of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub points: usize,
    pub outcomes: usize,
    pub runs: usize,
    /// `[point][outcome][run]`
    data: Vec<f64>,
}

impl Values {
    /// The runs' values of `outcome` at `point`, in run order.
    pub fn runs_of(&self, point: usize, outcome: usize) -> &[f64] {
        let at = (point * self.outcomes + outcome) * self.runs;
        &self.data[at..at + self.runs]
    }

    /// The mean over runs of `outcome` at `point` (summed in run order).
    pub fn mean(&self, point: usize, outcome: usize) -> f64 {
        self.runs_of(point, outcome).iter().sum::<f64>() / self.runs as f64
    }

    /// Every outcome's mean at every point, `[point][outcome]`.
    pub fn means(&self) -> Vec<Vec<f64>> {
        (0..self.points)
            .map(|p| (0..self.outcomes).map(|o| self.mean(p, o)).collect())
            .collect()
    }

    /// Puts every block's values (each `[outcome][run]`, in [`blocks`] order, as
    /// [`simulate_blocks`] gives them) in place; `None` if they do not fit `plan`.
    pub fn from_blocks(plan: &Plan, outcomes: usize, values: Vec<Vec<f64>>) -> Option<Values> {
        let blocks = blocks(plan);
        let fits = values.len() == blocks.len()
            && blocks
                .iter()
                .zip(&values)
                .all(|((_, runs), v)| v.len() as u64 == outcomes as u64 * (runs.end - runs.start));
        fits.then(|| assemble(plan, outcomes, &blocks, values))
    }
}

/// The plan's blocks of work, in order: (point, runs), point by point, [`STUDY_BLOCK_RUNS`] runs
/// at a time. They depend on the plan alone, so a shard can take a slice of them.
pub fn blocks(plan: &Plan) -> Vec<(usize, Range<u64>)> {
    (0..plan.points.len())
        .flat_map(|p| {
            (0..plan.runs)
                .step_by(STUDY_BLOCK_RUNS as usize)
                .map(move |a| (p, a..(a + STUDY_BLOCK_RUNS).min(plan.runs)))
        })
        .collect()
}

/// Simulates every (point, run) of `plan` (on the current rayon pool) and evaluates
/// `outcomes` on each run. `progress` hears of every finished block.
pub fn simulate(
    base: &Scenario,
    plan: &Plan,
    outcomes: &[Outcome],
    progress: &dyn Progress,
) -> Values {
    let all = 0..blocks(plan).len();
    let values = simulate_blocks(base, plan, outcomes, all, progress);
    Values::from_blocks(plan, outcomes.len(), values).expect("every block was simulated")
}

/// Simulates the blocks `which` (indices into [`blocks`]) of `plan`, as [`simulate`] does,
/// and returns each block's values, `[outcome][run]`.
pub fn simulate_blocks(
    base: &Scenario,
    plan: &Plan,
    outcomes: &[Outcome],
    which: Range<usize>,
    progress: &dyn Progress,
) -> Vec<Vec<f64>> {
    // The scenario text is not needed to simulate; dropping it makes per-point copies cheap.
    let mut lean = base.clone();
    lean.resolved_toml = String::new();
    let blocks = &blocks(plan)[which];
    let mut out = Vec::with_capacity(blocks.len());
    let simulate_block =
        |(p, runs): &(usize, Range<u64>), ws: &mut Workspace, record: &mut Record| {
            let scenario = plan.points[*p].apply(&lean);
            let n = (runs.end - runs.start) as usize;
            let mut values = vec![0.0; outcomes.len() * n];
            for (j, r) in runs.clone().enumerate() {
                simulate_run(&scenario, plan.seed, plan.run_of(r), ws, record);
                for (o, outcome) in outcomes.iter().enumerate() {
                    values[o * n + j] = outcome.evaluate(record);
                }
            }
            progress.advance(n as u64);
            values
        };
    drive(&lean, blocks, blocks.len(), simulate_block, |_, values| {
        out.push(values)
    });
    out
}

fn assemble(
    plan: &Plan,
    outcomes: usize,
    blocks: &[(usize, Range<u64>)],
    results: Vec<Vec<f64>>,
) -> Values {
    let runs = plan.runs as usize;
    let mut data = vec![0.0; plan.points.len() * outcomes * runs];
    for ((p, range), block) in blocks.iter().zip(results) {
        let n = (range.end - range.start) as usize;
        for o in 0..outcomes {
            let at = (p * outcomes + o) * runs + range.start as usize;
            data[at..at + n].copy_from_slice(&block[o * n..(o + 1) * n]);
        }
    }
    Values {
        points: plan.points.len(),
        outcomes,
        runs,
        data,
    }
}

/// Seconds one simulation of `base` takes on one core, from a short pilot of `runs` runs
/// (whose results are thrown away).
pub fn pilot_seconds(base: &Scenario, seed: u64, runs: u64) -> f64 {
    let mut ws = Workspace::new(base);
    let mut record = Record::new(Layout::of(base));
    let started = std::time::Instant::now();
    for r in 0..runs.max(1) {
        simulate_run(base, seed, r, &mut ws, &mut record);
    }
    started.elapsed().as_secs_f64() / runs.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::Point;

    /// A plan of 3 points x 150 runs over the study fixture's scenario.
    fn fixture() -> (Scenario, Plan, Vec<Outcome>) {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/study.toml");
        let s = crate::scenario::load(&path)
            .expect("the study fixture loads")
            .scenario;
        let id = crate::study::inputs::find(&s, "policy.h200_review.approval").unwrap();
        let points = [0.1, 0.5, 0.9].map(|v| Point(vec![(id, v)])).to_vec();
        let outcomes = vec![Outcome::parse("units[chip=h200]@2025", &s).unwrap()];
        (s, Plan::new("sweep", points, 150, 3), outcomes)
    }

    #[test]
    fn blocks_cover_every_run_once_in_order() {
        let (_, plan, _) = fixture();
        let b = blocks(&plan);
        assert_eq!(
            b.len(),
            9,
            "150 runs are blocks of 64, 64 and 22 at each point"
        );
        assert_eq!(b[2], (0, 128..150));
        assert_eq!(b[3], (1, 0..64));
        let total: u64 = b.iter().map(|(_, r)| r.end - r.start).sum();
        assert_eq!(total, plan.simulations());
    }

    #[test]
    fn slices_simulated_apart_rebuild_the_whole() {
        let (s, plan, outcomes) = fixture();
        let whole = simulate(&s, &plan, &outcomes, &());
        assert!(
            whole.mean(2, 0) > whole.mean(0, 0),
            "approval drives H200 units"
        );
        let mut parts = Vec::new();
        for which in [0..4, 4..4, 4..5, 5..9] {
            parts.extend(simulate_blocks(&s, &plan, &outcomes, which, &()));
        }
        let rebuilt = Values::from_blocks(&plan, 1, parts.clone()).unwrap();
        assert_eq!(rebuilt, whole);
        assert_eq!(rebuilt.means()[2][0], whole.mean(2, 0));
        parts.pop();
        assert!(
            Values::from_blocks(&plan, 1, parts).is_none(),
            "a block short"
        );
    }
}
