//! `exportsim sensitivity`: tornado, Morris and Sobol studies of a scenario's uncertain
//! inputs, from the command line to a [`Sensitivity`] study.

use super::{StudyArgs, execute, load};
use crate::cli::Failure;
use exportsim::study::sensitivity::{Method, Sensitivity};
use exportsim::study::spec::SensitivityDefinition;
use std::path::PathBuf;

/// The methods as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    Tornado,
    Morris,
    Sobol,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::Tornado => Method::Tornado,
            MethodArg::Morris => Method::Morris,
            MethodArg::Sobol => Method::Sobol,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// An outcome expression, e.g. 'compute_share[vendor=nvidia]@2027' (repeatable).
    #[arg(long = "outcome", value_name = "EXPR", required = true)]
    pub outcomes: Vec<String>,
    /// Study only these inputs: PATH (its own distribution) or PATH=LO:HI (uniform);
    /// repeatable. Default: every uncertain input of the scenario.
    #[arg(long = "param", value_name = "PATH[=LO:HI]")]
    pub params: Vec<String>,
    /// Morris: trajectories (default 20). Sobol: base samples N, a power of 2 is best
    /// (default 256). Tornado takes none.
    #[arg(long)]
    pub samples: Option<usize>,
    #[command(flatten)]
    pub study: StudyArgs,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let s = load(&args.scenario)?.scenario;
    let method = Method::from(args.method);
    let (default_runs, default_samples) = method.defaults();
    if method == Method::Tornado && args.samples.is_some() {
        return Err(Failure::Input(
            "--samples does not apply to tornado (it takes 2 points per input)".into(),
        ));
    }
    let samples = args.samples.unwrap_or(default_samples);
    if method != Method::Tornado && samples < 2 {
        return Err(Failure::Input("--samples must be at least 2".into()));
    }
    let (runs, seed) = args.study.options.runs_and_seed(default_runs, s.seed);
    let definition = SensitivityDefinition {
        method: method.name().to_string(),
        params: args.params.clone(),
        outcomes: args.outcomes.clone(),
        samples,
        runs,
        seed,
    };
    let study = Sensitivity::new(&s, definition)?;
    execute(
        &s,
        &study,
        &args.study,
        &args.study.target(&s, method.name()),
    )
}
