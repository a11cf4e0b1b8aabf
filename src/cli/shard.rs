//! `exportsim run --shard K/N` writes a partial result; `exportsim merge` combines the
//! partials into the files one machine would have written.

use super::{Failure, load};
use crate::report::partial::{self, Partial};
use crate::report::{OutputDir, write_all};
use crate::simulate::summary_of;
use crate::stats::summary::Cells;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Directories written by `run --shard K/N`, one per shard, in any order.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged results.
    #[arg(long)]
    pub out: PathBuf,
    /// No table.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let mut partials: Vec<(PathBuf, Partial)> = Vec::new();
    for dir in &args.dirs {
        let p = partial::read(dir).map_err(|e| Failure::Input(format!("error: {e:#}")))?;
        partials.push((dir.clone(), p));
    }
    let acc = partial::merge(&partials).map_err(|e| Failure::Input(format!("error: {e:#}")))?;
    let (dir, first) = &partials[0];
    if first.exportsim_version != env!("CARGO_PKG_VERSION") {
        return Err(Failure::Input(format!(
            "error: the shards were made by exportsim {}, this is {}; merge with the same version",
            first.exportsim_version,
            env!("CARGO_PKG_VERSION")
        )));
    }
    let scenario = load(&dir.join("scenario.resolved.toml"))?;
    if scenario.hash != first.scenario_hash {
        return Err(Failure::Input(format!(
            "error: {} does not match the scenario its shards simulated (hash differs)",
            dir.join("scenario.resolved.toml").display()
        )));
    }
    let cells = Cells::of(&scenario);
    if cells.len() != first.cells {
        return Err(Failure::Input("error: the partial results do not fit this version's outputs; re-run the shards".into()));
    }
    let out = OutputDir::create(&args.out).map_err(|e| Failure::Input(format!("error: {e:#}")))?;
    let summary = summary_of(&scenario, first.seed, &cells, &acc);
    write_all(&summary, &scenario.resolved_toml, out.path())?;
    super::plot::render(&summary, out.path(), Vec::new())?;
    let dir = out.commit()?;
    if !args.quiet {
        println!("{}", super::run::table(&summary));
        println!("merged {} shards ({} runs) into {}", partials.len(), first.runs, dir.display());
    }
    Ok(())
}
