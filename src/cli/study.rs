//! `exportsim params`, `exportsim sweep` and `exportsim sensitivity`: arguments, the plan
//! printout and cap, the progress bar and the terminal tables. The studies themselves are in
//! [`exportsim::study`], their output directories in [`exportsim::report::study`], their
//! shards in [`exportsim::shard::study`].

mod sensitivity;
mod sweep;
pub mod tables;

pub use sensitivity::{SensitivityArgs, sensitivity};
pub use sweep::{SweepArgs, sweep};

use super::options::RunOptions;
use super::term::{progress, say};
use super::{Failure, load};
use exportsim::display::thousands;
use exportsim::model::Scenario;
use exportsim::report::files::{Resolved, write_resolved};
use exportsim::report::study::write_study;
use exportsim::report::{OutputDir, default_target};
use exportsim::shard::{self, Shard};
use exportsim::study::driver;
use exportsim::study::kind::Study;
use exportsim::study::plan::MAX_SIMULATIONS;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ParamsArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Only the uncertain inputs (those with a distribution).
    #[arg(long)]
    pub uncertain: bool,
}

/// Options every study takes.
#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    #[command(flatten)]
    pub options: RunOptions,
    /// Run plans larger than the cap of 2,000,000 simulations.
    #[arg(long)]
    pub yes: bool,
    /// Print the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Simulate only shard K of N (e.g. `3/8`) and write a partial result for `exportsim merge`.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
}

impl StudyArgs {
    /// Where a study writes: `--out`, else `output/<scenario>-<suffix>` (a shard's suffixed
    /// `.shard-K-of-N`).
    fn target(&self, s: &Scenario, suffix: &str) -> PathBuf {
        self.options
            .target(|| default_target(&s.name, Some(suffix), self.shard))
    }
}

/// Lists every numeric parameter with its path and value or distribution.
pub fn params(args: ParamsArgs) -> Result<(), Failure> {
    let s = load(&args.scenario)?.scenario;
    say(&tables::params(&s, args.uncertain));
    Ok(())
}

/// Runs a study from the command line: prints and caps the plan, then simulates it and
/// writes its outputs, or with `--shard K/N` simulates that slice into a partial result.
fn execute(s: &Scenario, study: &dyn Study, a: &StudyArgs, target: &Path) -> Result<(), Failure> {
    let plan = study.plan();
    if !announce(s, plan, a)? {
        return Ok(());
    }
    if let Some(k) = a.shard {
        return simulate_shard(s, study, k, a, target);
    }
    let started = std::time::Instant::now();
    let bar = progress(plan.simulations(), "simulations", a.options.quiet);
    let values = driver::simulate(s, plan, study.outcomes(), &bar);
    bar.0.finish_and_clear();
    let (dir, analysis) = write_study(study, s, &values, target)?;
    if !a.options.quiet {
        let seconds = started.elapsed().as_secs_f64();
        say(&format!(
            "{}{} simulations in {seconds:.1} s; results in {}\n",
            tables::of(&analysis),
            thousands(plan.simulations()),
            dir.display()
        ));
    }
    Ok(())
}

/// Simulates shard `k` of `study` and writes its partial result, with the resolved
/// scenario, to `target`.
fn simulate_shard(
    s: &Scenario,
    study: &dyn Study,
    k: Shard,
    a: &StudyArgs,
    target: &Path,
) -> Result<(), Failure> {
    let plan = study.plan();
    let simulations = shard::study::simulations(plan, k);
    let bar = progress(simulations, "simulations", a.options.quiet);
    let partial = shard::study::simulate(s, study, k, &bar);
    bar.0.finish_and_clear();
    let out = OutputDir::create(target)?;
    shard::study::write(&partial, out.path())?;
    write_resolved(out.path(), s, Resolved::Bare)?;
    let dir = out.commit()?;
    if !a.options.quiet {
        let blocks = partial.first_block..partial.first_block + partial.blocks.len() as u64;
        say(&format!(
            "shard {}/{}: blocks {}..{} of {} ({} simulations); partial result in {}\n",
            k.index,
            k.count,
            blocks.start,
            blocks.end,
            partial.total_blocks,
            thousands(simulations),
            dir.display()
        ));
    }
    Ok(())
}

/// Prints the plan (and the shard's part of it) with an estimate of its time and applies
/// the cap to the whole plan; false means stop here (`--dry-run`).
fn announce(s: &Scenario, plan: &exportsim::study::Plan, a: &StudyArgs) -> Result<bool, Failure> {
    if !a.options.quiet {
        let threads = rayon::current_num_threads().max(1);
        let (part, simulations) = match a.shard {
            Some(k) => {
                let n = shard::study::simulations(plan, k);
                let part = format!(
                    "; shard {}/{}: {} simulations",
                    k.index,
                    k.count,
                    thousands(n)
                );
                (part, n)
            }
            None => (String::new(), plan.simulations()),
        };
        let per_run = driver::pilot_seconds(s, plan.seed, 16);
        let seconds = per_run * simulations as f64 / threads as f64;
        let plural = if threads == 1 { "" } else { "s" };
        say(&format!(
            "plan: {plan}{part}; estimated time {} on {threads} thread{plural}\n",
            duration(seconds)
        ));
    }
    plan.check(MAX_SIMULATIONS, a.yes)?;
    Ok(!a.dry_run)
}

fn duration(seconds: f64) -> String {
    match seconds {
        s if s < 1.0 => "under 1 s".into(),
        s if s < 90.0 => format!("{s:.0} s"),
        s if s < 5400.0 => format!("{:.0} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}
