//! Running a scenario end to end: the engine's runs folded into a [`Summary`], on one
//! machine; shards are simulated and merged by [`crate::shard`].

use crate::engine::{Progress, simulate_runs};
use crate::model::Scenario;
use crate::stats::Accumulator;
use crate::stats::summary::{Cells, SketchPool, Summary, SummarySink};

/// Simulates `runs` runs with `seed` (on the current rayon pool) and summarizes them.
pub fn summarize(s: &Scenario, seed: u64, runs: u64, progress: &dyn Progress) -> Summary {
    let cells = Cells::of(s);
    let pool = SketchPool::new(cells.len());
    let sink = simulate_runs(s, seed, runs, progress, &|| SummarySink::new(&cells, &pool));
    let mut acc = sink.into_accumulator();
    acc.set_sketches(pool.merged());
    summary_of(s, seed, &cells, &acc)
}

/// The summary of accumulated runs (from one machine or merged shards).
pub fn summary_of(s: &Scenario, seed: u64, cells: &Cells, acc: &Accumulator) -> Summary {
    let mut scenario = s.clone();
    scenario.seed = seed;
    Summary::build(&scenario, cells, acc)
}
