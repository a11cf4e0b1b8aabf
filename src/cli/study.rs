//! `exportsim params`, `exportsim sweep` and `exportsim sensitivity`: arguments, the plan
//! printout and cap, the progress bar, and the output directory. The studies themselves are
//! in [`exportsim::study`], their charts in [`exportsim::plot::study`].
//!
//! Every study goes plan -> values -> outputs through [`Study`]: the command simulates the
//! plan on this machine, or with `--shard K/N` one slice of it ([`shard`]); `exportsim
//! merge` puts the shards' values back together and writes the same outputs.

mod sensitivity;
mod shard;
mod sweep;
mod tables;

pub use sensitivity::{SensitivityArgs, sensitivity};
pub use shard::merge;
pub use sweep::{SweepArgs, sweep};

use super::term::{input, progress, say, study_failure};
use super::{Failure, load};
use anyhow::Context;
use exportsim::model::Scenario;
use exportsim::outcome::Outcome;
use exportsim::plot::study::{self as charts, StudyChart};
use exportsim::report::OutputDir;
use exportsim::report::partial::Shard;
use exportsim::report::study_partial::Definition;
use exportsim::study::Plan;
use exportsim::study::driver::{self, Values};
use exportsim::study::plan::{MAX_SIMULATIONS, thousands};
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
    /// Runs per point; run i draws the same random numbers at every point.
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory (default: output/<scenario>-<study>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run plans larger than the cap of 2,000,000 simulations.
    #[arg(long)]
    pub yes: bool,
    /// Print the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// No plan, progress bar or table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Simulate only shard K of N (e.g. `3/8`) and write a partial result for `exportsim merge`.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
}

/// Lists every numeric parameter with its path and value or distribution.
pub fn params(args: ParamsArgs) -> Result<(), Failure> {
    let s = load(&args.scenario)?;
    say(&tables::params(&s, args.uncertain));
    Ok(())
}

fn outcomes(s: &Scenario, texts: &[String]) -> Result<Vec<Outcome>, Failure> {
    texts
        .iter()
        .map(|t| Outcome::parse(t, s).map_err(|e| Failure::Input(e.to_string())))
        .collect()
}

fn check_args(a: &StudyArgs) -> Result<(), Failure> {
    if a.runs == Some(0) {
        return Err(input("--runs must be at least 1"));
    }
    if a.threads == Some(0) {
        return Err(input("--threads must be at least 1"));
    }
    Ok(())
}

/// A study laid out and ready to run: its plan, and how the plan's values become its output
/// directory. The command and `merge` both go plan -> values -> outputs through it.
trait Study {
    fn plan(&self) -> &Plan;
    fn outcomes(&self) -> &[Outcome];
    /// What `merge` needs, beside the resolved scenario, to lay the plan out again.
    fn definition(&self) -> Definition;
    /// Computes the statistics from `values` and writes the files and charts to `target`;
    /// returns the directory written and the table for the terminal.
    fn write(&self, values: &Values, target: &Path) -> Result<(PathBuf, String), Failure>;
}

/// Where a study writes: `--out`, else `default`, which a shard suffixes `.shard-K-of-N`.
fn target(a: &StudyArgs, default: PathBuf) -> PathBuf {
    match (&a.out, a.shard) {
        (Some(out), _) => out.clone(),
        (None, Some(k)) => {
            let mut name = default.into_os_string();
            name.push(format!(".shard-{}-of-{}", k.index, k.count));
            PathBuf::from(name)
        }
        (None, None) => default,
    }
}

/// Runs a study from the command line: prints and caps the plan, then simulates it and
/// writes its outputs, or with `--shard K/N` simulates that slice into a partial result.
fn execute(s: &Scenario, study: &dyn Study, a: &StudyArgs, target: &Path) -> Result<(), Failure> {
    let plan = study.plan();
    if !announce(s, plan, a)? {
        return Ok(());
    }
    if let Some(k) = a.shard {
        return shard::simulate(s, study, k, a, target);
    }
    let started = std::time::Instant::now();
    let bar = progress(plan.simulations(), "simulations", a.quiet);
    let values = driver::simulate(s, plan, study.outcomes(), a.threads.unwrap_or(0), &bar)
        .map_err(study_failure)?;
    bar.0.finish_and_clear();
    let (dir, table) = study.write(&values, target)?;
    if !a.quiet {
        let seconds = started.elapsed().as_secs_f64();
        say(&format!(
            "{table}{} simulations in {seconds:.1} s; results in {}\n",
            thousands(plan.simulations()),
            dir.display()
        ));
    }
    Ok(())
}

/// Prints the plan (and the shard's part of it) with an estimate of its time and applies
/// the cap to the whole plan; false means stop here (`--dry-run`).
fn announce(s: &Scenario, plan: &Plan, a: &StudyArgs) -> Result<bool, Failure> {
    if !a.quiet {
        let threads = a.threads.unwrap_or_else(rayon::current_num_threads).max(1);
        let (part, simulations) = match a.shard {
            Some(k) => {
                let n = shard::simulations(plan, k);
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
    plan.check(MAX_SIMULATIONS, a.yes).map_err(study_failure)?;
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

fn metadata(
    s: &Scenario,
    plan: &Plan,
    outcomes: &[String],
    extra: serde_json::Value,
) -> serde_json::Value {
    let mut meta = serde_json::json!({
        "study": plan.kind,
        "scenario": s.name,
        "scenario_hash": s.hash,
        "seed": plan.seed,
        "runs_per_point": plan.runs,
        "points": plan.points.len(),
        "simulations": plan.simulations(),
        "outcomes": outcomes,
        "exportsim_version": env!("CARGO_PKG_VERSION"),
    });
    if let (Some(m), serde_json::Value::Object(e)) = (meta.as_object_mut(), extra) {
        m.extend(e);
    }
    meta
}

fn write_file(
    dir: &Path,
    name: &str,
    f: impl FnOnce(std::io::BufWriter<std::fs::File>) -> csv::Result<()>,
) -> anyhow::Result<()> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f(std::io::BufWriter::new(file)).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes a study's directory whole: `study.json`, the resolved scenario, the charts and
/// whatever `files` writes.
fn write_out(
    target: &Path,
    s: &Scenario,
    meta: &serde_json::Value,
    charts: &[StudyChart],
    files: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> Result<PathBuf, Failure> {
    let out = OutputDir::create(target).map_err(|e| input(format!("{e:#}")))?;
    let dir = out.path();
    files(dir)?;
    std::fs::write(
        dir.join("study.json"),
        serde_json::to_string_pretty(meta).context("study.json")? + "\n",
    )
    .context("cannot write study.json")?;
    let header = format!(
        "# The scenario `{}` after `extends`, as studied.\n# sha256 of the text below: {}\n\n",
        s.name, s.hash
    );
    std::fs::write(
        dir.join("scenario.resolved.toml"),
        header + &s.resolved_toml,
    )
    .context("cannot write scenario.resolved.toml")?;
    charts::write_pngs(charts, dir).context("cannot draw the charts")?;
    Ok(out.commit()?)
}
