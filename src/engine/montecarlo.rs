//! The Monte Carlo driver. Runs are cut into fixed chunks of [`CHUNK_RUNS`], chunks into
//! blocks of [`BLOCK_CHUNKS`]. Chunks are simulated in parallel; each block's chunk sinks
//! are merged in chunk order, and blocks are handed over in block order. None of these
//! boundaries depends on the thread count, so the merged result is the same bits on 1
//! thread or 64; and because a block is also the unit of a shard (`--shard K/N`), merging
//! shards' blocks in order gives the same bits as one machine.

use super::market::{Workspace, simulate};
use super::record::{Layout, Record};
use crate::model::Scenario;
use rayon::prelude::*;
use std::ops::Range;

/// Runs per chunk: the unit of parallel work.
pub const CHUNK_RUNS: u64 = 256;
/// Chunks per block: the unit of merging and of sharding.
pub const BLOCK_CHUNKS: u64 = 16;
/// Runs per block.
pub const BLOCK_RUNS: u64 = CHUNK_RUNS * BLOCK_CHUNKS;

/// Consumes runs' records; one per chunk, merged in chunk order.
pub trait Sink: Send + Sized {
    fn add(&mut self, run: u64, record: &Record);
    /// Called once when the chunk's last run has been added.
    fn finish(&mut self) {}
    fn merge(&mut self, later: Self);
}

/// Told how many runs have finished.
pub trait Progress: Sync {
    fn advance(&self, runs: u64);
}

impl Progress for () {
    fn advance(&self, _: u64) {}
}

/// How many blocks `runs` runs make.
pub fn block_count(runs: u64) -> u64 {
    runs.div_ceil(BLOCK_RUNS)
}

/// The runs of block `block` out of `runs` in all.
pub fn block_runs(block: u64, runs: u64) -> Range<u64> {
    (block * BLOCK_RUNS).min(runs)..((block + 1) * BLOCK_RUNS).min(runs)
}

/// Simulates runs `0..runs` of `scenario` with `seed` on the current rayon pool, feeding each chunk's records to a fresh sink from `make`, and returns all
/// sinks merged in run order.
pub fn simulate_runs<S: Sink>(
    scenario: &Scenario,
    seed: u64,
    runs: u64,
    progress: &dyn Progress,
    make: &(dyn Fn() -> S + Sync),
) -> S {
    let mut total = make();
    simulate_blocks(
        scenario,
        seed,
        runs,
        0..block_count(runs),
        progress,
        make,
        |_, block| total.merge(block),
    );
    total
}

/// Simulates the blocks `blocks` of a `runs`-run simulation and hands each block's merged
/// sink to `on_block`, in block order. Work goes to the current rayon pool (the binary
/// installs one of `--threads` threads); results do not depend on its size.
pub fn simulate_blocks<S: Sink>(
    scenario: &Scenario,
    seed: u64,
    runs: u64,
    blocks: Range<u64>,
    progress: &dyn Progress,
    make: &(dyn Fn() -> S + Sync),
    mut on_block: impl FnMut(u64, S),
) {
    let chunks: Vec<(u64, Range<u64>)> = blocks
        .flat_map(|b| {
            let r = block_runs(b, runs);
            (r.start..r.end)
                .step_by(CHUNK_RUNS as usize)
                .map(move |a| (b, a..(a + CHUNK_RUNS).min(r.end)))
        })
        .collect();
    // Whole blocks per batch, about four chunks per thread: memory stays flat in the runs.
    let blocks_per_batch = (rayon::current_num_threads() as u64 * 4).div_ceil(BLOCK_CHUNKS);
    let batch = (blocks_per_batch.max(1) * BLOCK_CHUNKS) as usize;
    let mut current: Option<(u64, S)> = None;
    let simulate_chunk =
        |(_, range): &(u64, Range<u64>), ws: &mut Workspace, record: &mut Record| {
            let mut sink = make();
            for run in range.clone() {
                simulate(scenario, seed, run, ws, record);
                sink.add(run, record);
            }
            sink.finish();
            progress.advance(range.end - range.start);
            sink
        };
    drive(
        scenario,
        &chunks,
        batch,
        simulate_chunk,
        |(b, _), sink| match &mut current {
            Some((cb, acc)) if cb == b => acc.merge(sink),
            _ => {
                if let Some((cb, acc)) = current.replace((*b, sink)) {
                    on_block(cb, acc);
                }
            }
        },
    );
    if let Some((cb, acc)) = current {
        on_block(cb, acc);
    }
}

/// The one Monte Carlo driver under every command: simulates `units` (ranges of runs, in
/// whatever form the caller needs) in parallel on the current rayon pool, `batch` units at a
/// time, each worker reusing one workspace and record; and hands every unit's result to
/// `on_result` in unit order, so what the caller folds does not depend on the thread count.
pub fn drive<U: Sync, T: Send>(
    scenario: &Scenario,
    units: &[U],
    batch: usize,
    simulate: impl Fn(&U, &mut Workspace, &mut Record) -> T + Sync,
    mut on_result: impl FnMut(&U, T),
) {
    let start = || (Workspace::new(scenario), Record::new(Layout::of(scenario)));
    for part in units.chunks(batch.max(1)) {
        let results: Vec<T> = part
            .par_iter()
            .map_init(start, |(ws, record), unit| simulate(unit, ws, record))
            .collect();
        for (unit, result) in part.iter().zip(results) {
            on_result(unit, result);
        }
    }
}
