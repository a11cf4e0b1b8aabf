//! Partial results of a shard (`run --shard K/N`) and their merge.
//!
//! A shard simulates a contiguous range of the run's blocks (see
//! [`crate::engine::BLOCK_RUNS`]) and saves, per block, the moments of every non-empty
//! cell, plus its quantile sketches. Merging replays the one-machine reduction exactly:
//! blocks' moments are merged in block order, and sketches merge exactly in any order, so
//! the merged outputs are byte-identical to a single machine's.

use crate::engine::block_count;
use crate::stats::{Accumulator, Moments, Sketch};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "exportsim-partial/1";
pub const FILE: &str = "partial.json";

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

/// Checks that `partials` are shards 1..N of one job, each exactly once: every partial's
/// shard count and `identity` must equal the first's; `what` names the fields compared, for
/// the message. Errors name the odd directory, the duplicated or missing shards.
pub fn check_shards<T, K: PartialEq>(
    partials: &[(PathBuf, T)],
    shard: impl Fn(&T) -> Shard,
    identity: impl Fn(&T) -> K,
    what: &str,
) -> Result<()> {
    let Some((first_dir, first)) = partials.first() else {
        bail!("no partial results to merge")
    };
    let (n, key) = (shard(first).count, identity(first));
    for (dir, p) in partials {
        let Shard { index, count } = shard(p);
        if index == 0 || index > count || count > MAX_SHARDS {
            bail!(
                "{} is damaged (shard {index}/{count}); re-run that shard",
                dir.display()
            );
        }
        if count != n || identity(p) != key {
            bail!(
                "{} is from another simulation ({what} differ from {})",
                dir.display(),
                first_dir.display()
            );
        }
    }
    let mut seen: Vec<Option<&PathBuf>> = vec![None; n as usize];
    for (dir, p) in partials {
        let index = shard(p).index;
        let slot = &mut seen[(index - 1) as usize];
        if let Some(other) = slot {
            bail!(
                "shard {index}/{n} appears twice: {} and {}",
                other.display(),
                dir.display()
            );
        }
        *slot = Some(dir);
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{}/{n}", k + 1))
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard{}: {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        );
    }
    Ok(())
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
    let path = dir.join(FILE);
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), partial)?;
    Ok(())
}

/// Reads a shard directory's `partial.json` as `T` (any kind of partial result).
pub fn read_file<T: serde::de::DeserializeOwned>(dir: &Path) -> Result<T> {
    let path = dir.join(FILE);
    let file = std::fs::File::open(&path).with_context(|| {
        format!(
            "{} is not a shard's output: cannot read {}",
            dir.display(),
            path.display()
        )
    })?;
    serde_json::from_reader(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a valid partial result", path.display()))
}

/// The `format` of a shard directory's partial result, which says what kind it is.
pub fn format_of(dir: &Path) -> Result<String> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    Ok(read_file::<Head>(dir)?.format)
}

pub fn read(dir: &Path) -> Result<Partial> {
    let path = dir.join(FILE);
    let partial: Partial = read_file(dir)?;
    if partial.format != FORMAT {
        bail!(
            "{} has format `{}`, expected `{FORMAT}`",
            path.display(),
            partial.format
        );
    }
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
