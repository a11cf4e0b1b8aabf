//! `exportsim run --shard K/N` writes a partial result; `exportsim merge` combines the
//! partials into the files one machine would have written. Merge reads what kind of
//! partial each directory holds: a run's (here) or a study's ([`super::study::merge`]).

use super::{Failure, load};
use exportsim::model::Scenario;
use exportsim::report::partial::{self, Partial};
use exportsim::report::study_partial;
use exportsim::report::{OutputDir, write_all};
use exportsim::simulate::summary_of;
use exportsim::stats::summary::Cells;
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

fn input(e: anyhow::Error) -> Failure {
    Failure::Input(format!("error: {e:#}"))
}

pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let mut formats = Vec::with_capacity(args.dirs.len());
    for dir in &args.dirs {
        formats.push(partial::format_of(dir).map_err(input)?);
    }
    if let Some(i) = formats.iter().position(|f| *f != formats[0]) {
        return Err(Failure::Input(format!(
            "error: {} holds a `{}` partial result and {} a `{}` one; merge the shards of one simulation",
            args.dirs[0].display(),
            formats[0],
            args.dirs[i].display(),
            formats[i]
        )));
    }
    match formats[0].as_str() {
        partial::FORMAT => merge_runs(args),
        study_partial::FORMAT => super::study::merge(&args.dirs, &args.out, args.quiet),
        other => Err(Failure::Input(format!(
            "error: {} holds a partial result of format `{other}`, which this exportsim cannot merge (it knows `{}` and `{}`)",
            args.dirs[0].display(),
            partial::FORMAT,
            study_partial::FORMAT
        ))),
    }
}

/// The scenario saved in shard directory `dir` by exportsim `version`, checked against the
/// `hash` its shards simulated.
pub(super) fn resolved_scenario(
    dir: &Path,
    version: &str,
    hash: &str,
) -> Result<Scenario, Failure> {
    if version != env!("CARGO_PKG_VERSION") {
        return Err(Failure::Input(format!(
            "error: the shards were made by exportsim {version}, this is {}; merge with the same version",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let path = dir.join("scenario.resolved.toml");
    let scenario = load(&path)?;
    if scenario.hash != hash {
        return Err(Failure::Input(format!(
            "error: {} does not match the scenario its shards simulated (hash differs)",
            path.display()
        )));
    }
    Ok(scenario)
}

fn merge_runs(args: MergeArgs) -> Result<(), Failure> {
    let mut partials: Vec<(PathBuf, Partial)> = Vec::new();
    for dir in &args.dirs {
        partials.push((dir.clone(), partial::read(dir).map_err(input)?));
    }
    let acc = partial::merge(&partials).map_err(input)?;
    let (dir, first) = &partials[0];
    let scenario = resolved_scenario(dir, &first.exportsim_version, &first.scenario_hash)?;
    let cells = Cells::of(&scenario);
    if cells.len() != first.cells {
        return Err(Failure::Input(
            "error: the partial results do not fit this version's outputs; re-run the shards"
                .into(),
        ));
    }
    let out = OutputDir::create(&args.out).map_err(input)?;
    let summary = summary_of(&scenario, first.seed, &cells, &acc);
    write_all(&summary, &scenario.resolved_toml, out.path())?;
    super::plot::render(&summary, out.path(), Vec::new())?;
    let dir = out.commit()?;
    if !args.quiet {
        println!("{}", super::run::table(&summary));
        println!(
            "merged {} shards ({} runs) into {}",
            partials.len(),
            first.runs,
            dir.display()
        );
    }
    Ok(())
}
