//! Running a scenario end to end: the engine's runs folded into a [`Summary`], on one
//! machine, and the [`Shard`] slice of a simulation one machine of several runs (simulated
//! and merged by [`crate::shard`]).

use crate::engine::{Progress, block_count, simulate_runs};
use crate::model::Scenario;
use crate::stats::Accumulator;
use crate::stats::cells::Cells;
use crate::stats::sink::{SketchPool, SummarySink};
use crate::stats::summary::Summary;
use serde::{Deserialize, Serialize};

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

/// Most shards a run or study can be split into.
pub const MAX_SHARDS: u64 = 100_000;

/// Which slice of a run a shard covers: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with 1 <= K <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard takes K/N with 1 <= K <= N (got `{s}`)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || count == 0 || index > count || count > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The blocks of a `runs`-run simulation this shard covers.
    pub fn blocks(&self, runs: u64) -> std::ops::Range<u64> {
        self.slice(block_count(runs))
    }

    /// This shard's part of `total` work items: contiguous, and shards 1..N tile `0..total` in order.
    pub fn slice(&self, total: u64) -> std::ops::Range<u64> {
        let at = |k: u64| ((u128::from(total) * u128::from(k)) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}
