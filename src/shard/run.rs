//! Partial results of a run shard (`run --shard K/N`) and their merge.
//!
//! A shard simulates a contiguous range of the run's blocks (see
//! [`crate::engine::BLOCK_RUNS`]) and saves, per block, the moments of every non-empty
//! cell, plus its quantile sketches. Merging replays the one-machine reduction exactly:
//! blocks' moments are merged in block order, and sketches merge exactly in any order, so
//! the merged outputs are byte-identical to a single machine's.

use super::{FILE, Shard, check_shards, read_file, resolved_scenario};
use crate::engine::{Progress, simulate_blocks};
use crate::model::Scenario;
use crate::simulate::summary_of;
use crate::stats::cells::Cells;
use crate::stats::sink::{SketchPool, SummarySink};
use crate::stats::summary::Summary;
use crate::stats::{Accumulator, Moments, Sketch};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "exportsim-partial/1";

/// Simulates one shard's slice of a `runs`-run simulation and returns its partial result.
pub fn simulate_shard(
    s: &Scenario,
    seed: u64,
    runs: u64,
    shard: Shard,
    progress: &dyn Progress,
) -> Partial {
    let cells = Cells::of(s);
    let pool = SketchPool::new(cells.len());
    let mut blocks = Vec::new();
    simulate_blocks(
        s,
        seed,
        runs,
        shard.blocks(runs),
        progress,
        &|| SummarySink::new(&cells, &pool),
        |b, sink| {
            blocks.push(BlockMoments::from_accumulator(b, &sink.into_accumulator()));
        },
    );
    Partial {
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
    }
}

/// What merging a run's shards gives: the scenario they simulated, the summary one machine
/// would have built, and how many shards and runs went into it.
pub struct Merged {
    pub scenario: Scenario,
    pub summary: Summary,
    pub shards: usize,
    pub runs: u64,
}

/// Reads the run partials in `dirs` (every shard of one simulation, in any order), checks
/// they belong together and to the scenario saved beside them, and merges them.
pub fn merge_dirs(dirs: &[PathBuf]) -> Result<Merged> {
    let mut partials: Vec<(PathBuf, Partial)> = Vec::new();
    for dir in dirs {
        partials.push((dir.clone(), read(dir).map_err(crate::error::input)?));
    }
    let acc = merge(&partials).map_err(crate::error::input)?;
    let (dir, first) = &partials[0];
    let scenario = resolved_scenario(dir, &first.exportsim_version, &first.scenario_hash)?;
    let cells = Cells::of(&scenario);
    if cells.len() != first.cells {
        return Err(crate::error::input(anyhow::anyhow!(
            "the partial results do not fit this version's outputs; re-run the shards"
        )));
    }
    let summary = summary_of(&scenario, first.seed, &cells, &acc);
    Ok(Merged {
        scenario,
        summary,
        shards: partials.len(),
        runs: first.runs,
    })
}

/// One block's moments: its run count and the moments of its non-empty cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockMoments {
    pub block: u64,
    pub runs: u64,
    pub cells: Vec<(u32, Moments)>,
}

/// What a shard writes to `partial.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub format: String,
    pub scenario: String,
    pub scenario_hash: String,
    pub exportsim_version: String,
    pub seed: u64,
    pub runs: u64,
    pub shard: Shard,
    pub cells: usize,
    pub blocks: Vec<BlockMoments>,
    /// Non-empty sketches by cell.
    pub sketches: Vec<(u32, Sketch)>,
}

impl BlockMoments {
    pub fn from_accumulator(block: u64, acc: &Accumulator) -> BlockMoments {
        let cells = acc
            .moments()
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_empty())
            .map(|(i, m)| (i as u32, m.clone()))
            .collect();
        BlockMoments {
            block,
            runs: acc.runs(),
            cells,
        }
    }

    fn to_accumulator(&self, cells: usize) -> Accumulator {
        let mut moments = vec![Moments::default(); cells];
        for (i, m) in &self.cells {
            moments[*i as usize] = m.clone();
        }
        Accumulator::from_parts(self.runs, moments, Vec::new())
    }
}

/// Sparse form of per-cell sketches.
pub fn sparse_sketches(sketches: Vec<Sketch>) -> Vec<(u32, Sketch)> {
    sketches
        .into_iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| (i as u32, s))
        .collect()
}

pub fn write(partial: &Partial, dir: &Path) -> Result<()> {
    super::write_file(dir, partial)
}

pub fn read(dir: &Path) -> Result<Partial> {
    let path = dir.join(FILE);
    let partial: Partial = read_file(dir)?;
    super::check_format(dir, &partial.format, FORMAT)?;
    let Shard { index, count } = partial.shard;
    let in_range = |i: &u32| (*i as usize) < partial.cells;
    let blocks_ok = partial
        .blocks
        .iter()
        .all(|b| b.cells.iter().all(|(i, _)| in_range(i)));
    if index == 0
        || index > count
        || !blocks_ok
        || !partial.sketches.iter().all(|(i, _)| in_range(i))
    {
        bail!(
            "{} is damaged (shard or cell numbers out of range); re-run that shard",
            path.display()
        );
    }
    Ok(partial)
}

/// Checks that `partials` are the shards 1..N of one simulation, each once, and merges
/// them into the accumulator one machine would have built.
pub fn merge(partials: &[(PathBuf, Partial)]) -> Result<Accumulator> {
    let identity = |p: &Partial| {
        (
            p.scenario_hash.clone(),
            p.seed,
            p.runs,
            p.cells,
            p.exportsim_version.clone(),
        )
    };
    check_shards(
        partials,
        |p| p.shard,
        identity,
        "scenario hash, seed, runs, shard count or exportsim version",
    )?;
    let first = &partials[0].1;
    let mut ordered: Vec<&Partial> = partials.iter().map(|(_, p)| p).collect();
    ordered.sort_by_key(|p| p.shard.index);
    let mut total = Accumulator::new(first.cells).without_sketches();
    let mut sketches = vec![Sketch::default(); first.cells];
    for p in ordered {
        for b in &p.blocks {
            total.merge(&b.to_accumulator(first.cells));
        }
        for (i, s) in &p.sketches {
            sketches[*i as usize].merge(s);
        }
    }
    if total.runs() != first.runs {
        bail!(
            "the shards hold {} runs in all, expected {}",
            total.runs(),
            first.runs
        );
    }
    Ok(Accumulator::from_parts(
        total.runs(),
        total.moments().to_vec(),
        sketches,
    ))
}
