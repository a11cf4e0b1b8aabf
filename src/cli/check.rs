//! `exportsim check` and `exportsim calibrate`: arguments, progress, output directories and
//! terminal tables. Targets are in [`exportsim::scenario::target`], the check itself in
//! [`exportsim::check`], the ABC sampler and the calibrated scenario in
//! [`exportsim::calibrate`], the output directories in [`exportsim::report::check`].

mod calibrate;

pub use calibrate::{CalibrateArgs, calibrate};

use super::options::RunOptions;
use super::term::{progress, say};
use super::{Failure, load};
use exportsim::check::{self, CheckReport};
use exportsim::report::check::write_check_dir;
use exportsim::report::{OutputDir, default_target};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario file (TOML), with [[target]] tables.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub options: RunOptions,
}

/// Runs the scenario and holds every target against the record; exit 1 if any fails.
pub fn check(args: CheckArgs) -> Result<(), Failure> {
    let loaded = load(&args.scenario)?;
    let (s, targets) = (&loaded.scenario, &loaded.targets);
    if targets.is_empty() {
        return Err(Failure::Input(format!(
            "{} has no [[target]] tables to check (see docs/calibration.md)",
            args.scenario.display()
        )));
    }
    let (runs, seed) = args.options.runs_and_seed(s.runs, s.seed);
    let target = args
        .options
        .target(|| default_target(&s.name, Some("check"), None));
    let out = OutputDir::create(&target)?;
    let bar = progress(runs, "runs", args.options.quiet);
    let started = std::time::Instant::now();
    let report = check::check(s, targets, runs, seed, &bar)?;
    bar.0.finish_and_clear();
    write_check_dir(out.path(), &report, s)?;
    let dir = out.commit()?;
    if !args.options.quiet {
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
