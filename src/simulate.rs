//! Running a scenario end to end: the engine's runs folded into a [`Summary`], on one
//! machine or as shards merged later.

use crate::engine::{Progress, simulate_blocks, simulate_runs};
use crate::model::Scenario;
use crate::report::partial::{BlockMoments, FORMAT, Partial, Shard, sparse_sketches};
use crate::stats::Accumulator;
use crate::stats::summary::{Cells, SketchPool, Summary, SummarySink};

/// Simulates `runs` runs with `seed` on `threads` threads (0 = all cores) and summarizes them.
pub fn summarize(
    s: &Scenario,
    seed: u64,
    runs: u64,
    threads: usize,
    progress: &dyn Progress,
) -> Result<Summary, rayon::ThreadPoolBuildError> {
    let cells = Cells::of(s);
    let pool = SketchPool::new(cells.len());
    let sink = simulate_runs(s, seed, runs, threads, progress, &|| {
        SummarySink::new(&cells, &pool)
    })?;
    let mut acc = sink.into_accumulator();
    acc.set_sketches(pool.merged());
    Ok(summary_of(s, seed, &cells, &acc))
}

/// The summary of accumulated runs (from one machine or merged shards).
pub fn summary_of(s: &Scenario, seed: u64, cells: &Cells, acc: &Accumulator) -> Summary {
    let mut scenario = s.clone();
    scenario.seed = seed;
    Summary::build(&scenario, cells, acc)
}

/// Simulates one shard's slice of a `runs`-run simulation and returns its partial result.
pub fn simulate_shard(
    s: &Scenario,
    seed: u64,
    runs: u64,
    shard: Shard,
    threads: usize,
    progress: &dyn Progress,
) -> Result<Partial, rayon::ThreadPoolBuildError> {
    let cells = Cells::of(s);
    let pool = SketchPool::new(cells.len());
    let mut blocks = Vec::new();
    simulate_blocks(
        s,
        seed,
        runs,
        shard.blocks(runs),
        threads,
        progress,
        &|| SummarySink::new(&cells, &pool),
        |b, sink| {
            blocks.push(BlockMoments::from_accumulator(b, &sink.into_accumulator()));
        },
    )?;
    Ok(Partial {
        format: FORMAT.into(),
        scenario: s.name.clone(),
        scenario_hash: s.hash.clone(),
        exportsim_version: env!("CARGO_PKG_VERSION").into(),
        seed,
        runs,
        shard,
        cells: cells.len(),
        blocks,
        sketches: sparse_sketches(pool.merged().into_sketches()),
    })
}
