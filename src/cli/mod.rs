//! The command line: arguments, subcommands, progress and terminal tables.

mod check;
mod chips;
mod merge;
mod options;
mod plot;
mod run;
mod study;
mod term;

use clap::{Parser, Subcommand};
use exportsim::scenario::{Loaded, ScenarioError};
use exportsim::study::StudyError;
use std::io::Write;
use std::path::PathBuf;

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (arguments, paths, directories), as one message: exit 2.
    Input(String),
    /// Bad input already rendered with its location (scenario diagnostics, an outcome
    /// expression with its caret): printed as it is, exit 2.
    Rendered(String),
    /// Something went wrong while running: exit 1.
    Runtime(anyhow::Error),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Input(_) | Failure::Rendered(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(m) => write!(f, "error: {m}"),
            Failure::Rendered(m) => write!(f, "{m}"),
            Failure::Runtime(e) => write!(f, "error: {e:#}"),
        }
    }
}

/// The one mapping from library errors to exit codes: a scenario that does not load and a
/// bad outcome expression print their located rendering; an error the library marks as
/// the input's fault, and a study that cannot be laid out, are bad input; the rest are
/// failures at run time.
impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        if let Some(s) = e.downcast_ref::<ScenarioError>() {
            return Failure::Rendered(s.to_string());
        }
        if exportsim::error::is_input(&e) {
            return Failure::Input(format!("{e:#}"));
        }
        match e.downcast::<StudyError>() {
            Ok(study) => Failure::from(study),
            Err(e) => Failure::Runtime(e),
        }
    }
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Rendered(e.to_string())
    }
}

impl From<StudyError> for Failure {
    fn from(e: StudyError) -> Self {
        match e {
            StudyError::Outcome(o) => Failure::Rendered(o.to_string()),
            other => Failure::Input(other.to_string()),
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "exportsim",
    version,
    about = "Monte Carlo scenarios of China's AI-chip market under export controls"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write summary tables to an output directory.
    Run(run::RunArgs),
    /// Combine the partial results of `run`, `sweep` or `sensitivity --shard K/N` into one output directory.
    Merge(merge::MergeArgs),
    /// Load and check a scenario, and print what it holds.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Each chip's TPP, performance density and status under the US rules at a quarter.
    Chips {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// The quarter to classify at (default: the scenario's last quarter), e.g. 2024Q1.
        #[arg(long)]
        at: Option<String>,
    },
    /// Redraw the charts and report.html of an output directory from its summary.json.
    Plot(plot::PlotArgs),
    /// Overlay one vendor's share (median and 90% band) across scenarios' output directories.
    Compare(plot::CompareArgs),
    /// Every numeric parameter of a scenario with its path and value or distribution.
    Params(study::ParamsArgs),
    /// Outcomes over a grid of one or two parameters, with common random numbers.
    Sweep(study::SweepArgs),
    /// Which uncertain inputs matter: tornado, Morris screening or Sobol indices.
    Sensitivity(study::SensitivityArgs),
    /// Hold the scenario's [[target]]s against the record: exit 0 if all pass, 1 if not.
    Check(check::CheckArgs),
    /// Fit parameters to the scenario's [[target]]s by ABC-SMC; write a calibrated scenario.
    Calibrate(check::CalibrateArgs),
}

impl Command {
    /// The `--threads` the command was given, if it takes them.
    fn threads(&self) -> Option<u16> {
        match self {
            Command::Run(a) => a.options.threads,
            Command::Sweep(a) => a.study.options.threads,
            Command::Sensitivity(a) => a.study.options.threads,
            Command::Check(a) => a.options.threads,
            Command::Calibrate(a) => a.options.threads,
            _ => None,
        }
    }
}

/// Runs the parsed command line on a pool of `--threads` worker threads (default: all
/// cores); the library simulates on whatever pool it is called from.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let threads = cli.command.threads().map_or(0, usize::from);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::Runtime(anyhow::anyhow!("cannot start worker threads: {e}")))?;
    pool.install(|| dispatch(cli.command))
}

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run(args) => run::run(args),
        Command::Merge(args) => merge::merge(args),
        Command::Validate { scenario } => run::validate(&scenario),
        Command::Chips { scenario, at } => chips::chips(&scenario, at.as_deref()),
        Command::Plot(args) => plot::plot(args),
        Command::Compare(args) => plot::compare(args),
        Command::Params(args) => study::params(args),
        Command::Sweep(args) => study::sweep(args),
        Command::Sensitivity(args) => study::sensitivity(args),
        Command::Check(args) => check::check(args),
        Command::Calibrate(args) => check::calibrate(args),
    }
}

/// Loads a scenario file (with its targets and sweeps), printing warnings to stderr.
pub fn load(path: &std::path::Path) -> Result<Loaded, Failure> {
    let loaded = exportsim::scenario::load(path)?;
    for w in &loaded.warnings {
        let _ = write!(std::io::stderr(), "{w}"); // a closed stderr is not a panic
    }
    Ok(loaded)
}
