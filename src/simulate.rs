//! Running a scenario end to end: the engine's runs folded into a [`Summary`].

use crate::engine::{Progress, simulate_runs};
use crate::model::Scenario;
use crate::stats::summary::{Cells, SketchPool, Summary, SummarySink};

/// Simulates `runs` runs with `seed` on `threads` threads (0 = all cores) and summarizes them.
pub fn summarize(s: &Scenario, seed: u64, runs: u64, threads: usize, progress: &dyn Progress) -> Result<Summary, rayon::ThreadPoolBuildError> {
    let cells = Cells::of(s);
    let pool = SketchPool::new(cells.len());
    let sink = simulate_runs(s, seed, runs, threads, progress, &|| SummarySink::new(&cells, &pool))?;
    let mut acc = sink.into_accumulator();
    acc.set_sketches(pool.merged());
    let mut scenario = s.clone();
    scenario.seed = seed;
    Ok(Summary::build(&scenario, &cells, &acc))
}
