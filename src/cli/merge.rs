//! `exportsim merge`: the partial results of `run`, `sweep` or `sensitivity --shard K/N`
//! into the files one machine would have written ([`exportsim::shard`] does the work).

use super::Failure;
use super::term::say;
use exportsim::display::thousands;
use exportsim::report::study::write_study;
use exportsim::report::{OutputDir, write_run};
use exportsim::shard;
use exportsim::study::kind::from_definition;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Directories written by `run`, `sweep` or `sensitivity` with `--shard K/N`, one per
    /// shard, in any order.
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
    if shard::format_of_all(&args.dirs)? == shard::run::FORMAT {
        merge_runs(&args.dirs, &args.out, args.quiet)
    } else {
        merge_study(&args.dirs, &args.out, args.quiet)
    }
}

fn merge_runs(dirs: &[PathBuf], out: &Path, quiet: bool) -> Result<(), Failure> {
    let merged = shard::run::merge_dirs(dirs)?;
    let target = OutputDir::create(out)?;
    write_run(target.path(), &merged.summary, &merged.scenario, Vec::new())?;
    let dir = target.commit()?;
    if !quiet {
        say(&format!(
            "{}\nmerged {} shards ({} runs) into {}\n",
            super::run::table(&merged.summary),
            merged.shards,
            merged.runs,
            dir.display()
        ));
    }
    Ok(())
}

fn merge_study(dirs: &[PathBuf], out: &Path, quiet: bool) -> Result<(), Failure> {
    let merged = shard::study::merge_dirs(dirs)?;
    let (s, shards) = (merged.scenario.clone(), merged.shards);
    let study = from_definition(&s, &merged.definition)?;
    let values = merged.values(study.as_ref())?;
    let (written, analysis) = write_study(study.as_ref(), &s, &values, out)?;
    if !quiet {
        say(&format!(
            "{}merged {shards} shards ({} simulations) into {}\n",
            super::study::tables::of(&analysis),
            thousands(study.plan().simulations()),
            written.display()
        ));
    }
    Ok(())
}
