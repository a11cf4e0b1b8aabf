//! The command line: arguments, subcommands, progress and terminal tables.

mod budget;
mod check;
mod chips;
mod plot;
mod run;
mod shard;
mod study;
mod term;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (scenario file, arguments, paths): exit 2.
    Input(String),
    /// Something went wrong while running: exit 1.
    Runtime(anyhow::Error),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(m) => write!(f, "{m}"),
            Failure::Runtime(e) => write!(f, "error: {e:#}"),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Runtime(e)
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
    Merge(shard::MergeArgs),
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

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Merge(args) => shard::merge(args),
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

/// Loads a scenario, printing warnings to stderr; errors become [`Failure::Input`].
pub fn load(path: &std::path::Path) -> Result<exportsim::model::Scenario, Failure> {
    let (scenario, warnings) =
        exportsim::scenario::load(path).map_err(|e| Failure::Input(e.to_string()))?;
    for w in warnings {
        let _ = write!(std::io::stderr(), "{w}"); // a closed stderr is not a panic
    }
    Ok(scenario)
}
