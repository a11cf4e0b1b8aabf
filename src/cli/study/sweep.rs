//! `exportsim sweep`: the sweep of the command line or the scenario's `[[sweep]]` tables,
//! each run as a [`SweepStudy`].

use super::{StudyArgs, execute, load};
use crate::cli::Failure;
use exportsim::model::Scenario;
use exportsim::scenario::RawSweep;
use exportsim::study::kind::{SweepStudy, outcomes};
use exportsim::study::sweep::{self, Sweep};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// PATH=START:END:COUNT or PATH=V1,V2,... (once or twice; a grid when twice). Without
    /// it, the scenario's [[sweep]] tables are run.
    #[arg(long = "param", value_name = "PATH=SPEC")]
    pub params: Vec<String>,
    /// An outcome expression, e.g. 'compute_share[vendor=nvidia]@2027' (repeatable).
    #[arg(long = "outcome", value_name = "EXPR")]
    pub outcomes: Vec<String>,
    /// Run only the [[sweep]] table with this name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub study: StudyArgs,
}

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let loaded = load(&args.scenario)?;
    let s = &loaded.scenario;
    let sweeps = if args.params.is_empty() {
        file_sweeps(s, &loaded.sweeps, &args)?
    } else {
        vec![(String::from("sweep"), command_line_sweep(s, &args)?)]
    };
    let many = sweeps.len() > 1;
    if many && args.study.shard.is_some() {
        let names: Vec<&str> = sweeps.iter().map(|(n, _)| n.as_str()).collect();
        return Err(Failure::Input(format!(
            "--shard runs one sweep at a time; pick one of {} with --name",
            names.join(", ")
        )));
    }
    for (name, sw) in sweeps {
        let base = args.study.target(s, "sweep");
        let (target, kind) = match many {
            true => (base.join(&name), format!("sweep `{name}`")),
            false => (base, String::from("sweep")),
        };
        for w in sw.warnings(s) {
            eprintln!("warning: {w}");
        }
        execute(s, &SweepStudy::new(s, sw, &kind), &args.study, &target)?;
    }
    Ok(())
}

fn command_line_sweep(s: &Scenario, args: &SweepArgs) -> Result<Sweep, Failure> {
    let axes = args.params.iter().map(|p| sweep::parse_axis(s, p));
    let axes = axes.collect::<Result<Vec<_>, _>>()?;
    let (runs, seed) = args
        .study
        .options
        .runs_and_seed(sweep::DEFAULT_RUNS, s.seed);
    Ok(Sweep::new(axes, outcomes(s, &args.outcomes)?, runs, seed)?)
}

/// The scenario file's `[[sweep]]` tables (only the one named by `--name`, if given).
fn file_sweeps(
    s: &Scenario,
    tables: &[RawSweep],
    args: &SweepArgs,
) -> Result<Vec<(String, Sweep)>, Failure> {
    if !args.outcomes.is_empty() {
        return Err(Failure::Input(
            "--outcome needs --param (or put both in a [[sweep]] table)".into(),
        ));
    }
    let options = &args.study.options;
    let mut all = sweep::from_tables(s, tables, options.runs, options.seed)?;
    if all.is_empty() {
        return Err(Failure::Input(
            "give --param and --outcome, or add a [[sweep]] table to the scenario (see docs/studies.md)".into(),
        ));
    }
    if let Some(name) = &args.name {
        let names: Vec<String> = all.iter().map(|(n, _)| n.clone()).collect();
        all.retain(|(n, _)| n == name);
        if all.is_empty() {
            return Err(Failure::Input(format!(
                "no [[sweep]] named `{name}`; the scenario has: {}",
                names.join(", ")
            )));
        }
    }
    Ok(all)
}
