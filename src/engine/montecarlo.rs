//! The Monte Carlo driver: runs split into fixed chunks, chunks simulated in parallel,
//! results merged in chunk order. Chunk boundaries do not depend on the thread count, so
//! the merged result is the same bits on 1 thread or 64.

use super::market::{Workspace, simulate};
use super::record::{Layout, Record};
use crate::model::Scenario;
use rayon::prelude::*;
use std::ops::Range;

/// Runs per chunk: the unit of parallel work and of merging.
pub const CHUNK_RUNS: u64 = 256;

/// Consumes runs' records; one per chunk, merged in chunk order.
pub trait Sink: Send + Sized {
    fn add(&mut self, run: u64, record: &Record);
    /// Called once when the chunk's last run has been added.
    fn finish(&mut self) {}
    fn merge(&mut self, later: Self);
}

/// Told how many runs have finished, between batches of chunks.
pub trait Progress: Sync {
    fn advance(&self, runs: u64);
}

impl Progress for () {
    fn advance(&self, _: u64) {}
}

/// Simulates `runs` of `scenario` with `seed` on `threads` threads (0 = all cores), feeding
/// each chunk's records to a fresh sink from `make` and merging sinks in run order.
pub fn simulate_runs<S: Sink>(
    scenario: &Scenario,
    seed: u64,
    runs: Range<u64>,
    threads: usize,
    progress: &dyn Progress,
    make: &(dyn Fn() -> S + Sync),
) -> Result<S, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let chunks: Vec<Range<u64>> = (runs.start..runs.end)
        .step_by(CHUNK_RUNS as usize)
        .map(|a| a..(a + CHUNK_RUNS).min(runs.end))
        .collect();
    let batch = pool.current_num_threads().max(1) * 4;
    let mut total = make();
    pool.install(|| {
        for group in chunks.chunks(batch) {
            let sinks: Vec<S> = group.par_iter().map(|range| simulate_chunk(scenario, seed, range.clone(), make)).collect();
            let mut done = 0;
            for (sink, range) in sinks.into_iter().zip(group) {
                total.merge(sink);
                done += range.end - range.start;
            }
            progress.advance(done);
        }
    });
    Ok(total)
}

fn simulate_chunk<S: Sink>(scenario: &Scenario, seed: u64, runs: Range<u64>, make: &(dyn Fn() -> S + Sync)) -> S {
    let mut ws = Workspace::new(scenario);
    let mut record = Record::new(Layout::of(scenario));
    let mut sink = make();
    for run in runs {
        simulate(scenario, seed, run, &mut ws, &mut record);
        sink.add(run, &record);
    }
    sink.finish();
    sink
}
