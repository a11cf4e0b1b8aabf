//! `exportsim check` and `exportsim calibrate`: arguments, progress, output directories and
//! terminal tables. Targets and the check itself are in [`exportsim::check`], the ABC sampler
//! and the calibrated scenario in [`exportsim::calibrate`], the chart in
//! [`exportsim::plot::calibration`].

mod calibrate;

pub use calibrate::{CalibrateArgs, calibrate};

use super::Failure;
use super::term::{input, progress, say, study_failure};
use anyhow::Context;
use exportsim::check::{self, CheckReport, Target};
use exportsim::model::Scenario;
use exportsim::report::OutputDir;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario file (TOML), with [[target]] tables.
    pub scenario: PathBuf,
    /// Number of runs (default: the scenario's `runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory for check.csv and check.json (default: output/<scenario>-check).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no table.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Loads a scenario with its targets, printing warnings to stderr.
fn load(path: &Path) -> Result<(Scenario, Vec<Target>), Failure> {
    let (scenario, targets, warnings) =
        check::load(path).map_err(|e| Failure::Input(e.to_string()))?;
    for w in warnings {
        let _ = write!(std::io::stderr(), "{w}");
    }
    Ok((scenario, targets))
}

fn check_counts(runs: Option<u64>, threads: Option<usize>) -> Result<(), Failure> {
    if runs == Some(0) || runs.is_some_and(|r| r > exportsim::scenario::validate::MAX_RUNS) {
        return Err(input(format!(
            "--runs must be between 1 and {}",
            exportsim::scenario::validate::MAX_RUNS
        )));
    }
    if threads.is_some_and(|t| t == 0 || t > 1024) {
        return Err(input("--threads must be between 1 and 1024"));
    }
    Ok(())
}

/// Runs the scenario and holds every target against the record; exit 1 if any fails.
pub fn check(args: CheckArgs) -> Result<(), Failure> {
    check_counts(args.runs, args.threads)?;
    let (s, targets) = load(&args.scenario)?;
    if targets.is_empty() {
        return Err(input(format!(
            "{} has no [[target]] tables to check (see docs/calibration.md)",
            args.scenario.display()
        )));
    }
    let runs = args.runs.unwrap_or(s.runs);
    let seed = args.seed.unwrap_or(s.seed);
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-check", s.name)));
    let out = OutputDir::create(&target).map_err(|e| input(format!("{e:#}")))?;
    let bar = progress(runs, "runs", args.quiet);
    let started = std::time::Instant::now();
    let report = check::check(&s, &targets, runs, seed, args.threads.unwrap_or(0), &bar)
        .map_err(study_failure)?;
    bar.0.finish_and_clear();
    write_check(out.path(), &report)?;
    write_scenario(out.path(), &s)?;
    let dir = out.commit()?;
    if !args.quiet {
        say(&check::write::table(&report));
        say(&format!(
            "\n{runs} runs in {:.1} s; results in {}\n",
            started.elapsed().as_secs_f64(),
            dir.display()
        ));
    }
    verdict(&report)
}

/// Exit 0 when every target passes, 1 otherwise.
fn verdict(report: &CheckReport) -> Result<(), Failure> {
    if report.all_pass() {
        return Ok(());
    }
    let failed: Vec<&str> = report
        .rows
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.id.as_str())
        .collect();
    Err(Failure::Runtime(anyhow::anyhow!(
        "{} of {} targets fail: {}",
        failed.len(),
        report.rows.len(),
        failed.join(", ")
    )))
}

/// `check.csv` and `check.json` in `dir`.
fn write_check(dir: &Path, report: &CheckReport) -> anyhow::Result<()> {
    let file = |name: &str| {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .map(std::io::BufWriter::new)
            .with_context(|| format!("cannot create {}", path.display()))
    };
    check::write::csv(report, file("check.csv")?).context("cannot write check.csv")?;
    check::write::json(report, file("check.json")?).context("cannot write check.json")?;
    Ok(())
}

/// The scenario as run, after `extends` (it also marks the directory as exportsim results).
fn write_scenario(dir: &Path, s: &Scenario) -> anyhow::Result<()> {
    let header = format!(
        "# The scenario `{}` after `extends`, as run.\n# sha256 of the text below: {}\n\n",
        s.name, s.hash
    );
    std::fs::write(
        dir.join(exportsim::report::outdir::MARKER),
        header + &s.resolved_toml,
    )
    .context("cannot write scenario.resolved.toml")
}
