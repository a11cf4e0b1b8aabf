//! The options every simulating command takes, declared once with their bounds (clap checks
//! them while parsing) and resolved once against the scenario.

use exportsim::scenario::limits::MAX_RUNS;
use std::path::PathBuf;

/// Runs, seed, output, threads and quiet: for `run`, `sweep`, `sensitivity`, `check` and
/// `calibrate`.
#[derive(Debug, clap::Args)]
pub struct RunOptions {
    /// Monte Carlo runs: of the scenario (default: its `runs`), per point of a study (run i
    /// draws the same random numbers at every point), or per parameter set in `calibrate`.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_RUNS))]
    pub runs: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory (default: under output/, named after the scenario and the command).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// No progress bar, plan or table.
    #[arg(long, short)]
    pub quiet: bool,
}

impl RunOptions {
    /// The runs and seed to use: the options', else the defaults given.
    pub fn runs_and_seed(&self, runs: u64, seed: u64) -> (u64, u64) {
        (self.runs.unwrap_or(runs), self.seed.unwrap_or(seed))
    }

    /// Where to write: `--out`, else `default`.
    pub fn target(&self, default: impl FnOnce() -> PathBuf) -> PathBuf {
        self.out.clone().unwrap_or_else(default)
    }
}
