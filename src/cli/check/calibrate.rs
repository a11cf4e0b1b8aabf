//! `exportsim calibrate`: priors from the scenario or the command line, the ABC-SMC run with
//! a progress bar, and the output directory: `posterior.csv`, `calibration.json`,
//! `prior_posterior.png`, `calibrated.toml`, and a check of the calibrated scenario against
//! every target, fitted and held out (`check.csv`, `check.json`).

use super::{Failure, load, progress, say};
use crate::cli::options::RunOptions;
use exportsim::calibrate::{self, Calibration, Problem, Spec, abc, emit, prior};
use exportsim::check::{self, Target};
use exportsim::display::thousands;
use exportsim::model::{DistSpec, Scenario};
use exportsim::report::check::{write_calibrated, write_calibration, write_check};
use exportsim::report::{OutputDir, default_target};
use std::path::{Path, PathBuf};

/// Runs per parameter set unless `--runs` says otherwise.
const DEFAULT_RUNS: u64 = 100;

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML), with [[target]] tables; those with `fit = false` are held out.
    pub scenario: PathBuf,
    /// A parameter to fit: PATH (its prior is the scenario's distribution) or PATH=LOW:HIGH
    /// (a uniform prior). Repeatable.
    #[arg(long = "param", value_name = "PATH[=LOW:HIGH]", required = true)]
    pub params: Vec<String>,
    /// Most parameter sets simulated in all (each on --runs runs).
    #[arg(long, default_value_t = 3000)]
    pub budget: usize,
    /// Particles per generation.
    #[arg(long, default_value_t = 200)]
    pub population: usize,
    /// Runs of the final check of the calibrated scenario (default: the scenario's `runs`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=exportsim::scenario::limits::MAX_RUNS))]
    pub check_runs: Option<u64>,
    /// Runs per parameter set default to 100 (the same runs for every set: common random
    /// numbers); the seed seeds the sampler too.
    #[command(flatten)]
    pub options: RunOptions,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let setup = setup(&args)?;
    let (runs, seed) = args.options.runs_and_seed(DEFAULT_RUNS, setup.base.seed);
    let settings = abc::Settings {
        population: args.population,
        budget: args.budget,
        seed,
        ..abc::Settings::default()
    };
    let problem = Problem {
        scenario: &setup.priors,
        priors: prior::priors(&setup.priors, &setup.paths)?,
        targets: setup.fitted.clone(),
        runs,
        seed,
    };
    announce(&args, &problem, setup.held_out.len());
    let default = || default_target(&setup.base.name, Some("calibration"), None);
    let target = args.options.target(default);
    let out = OutputDir::create(&target)?;
    let started = std::time::Instant::now();
    let result = sample(&problem, &settings, args.options.quiet)?;
    let seconds = started.elapsed().as_secs_f64();
    let report = write_outputs(&args, &setup, &result, &target, out.path())?;
    let dir = out.commit()?;
    if !args.options.quiet {
        say(&summary(&result, seconds));
        say(&format!(
            "\nThe calibrated scenario against every target:\n\n{}",
            check::write::table(&report)
        ));
        let file = dir.join("calibrated.toml");
        say(&format!(
            "\nresults in {}; the calibrated scenario is {}\n",
            dir.display(),
            file.display()
        ));
    }
    Ok(())
}

/// The scenario, the one with the command line's priors, and the targets split in two.
struct Setup {
    base: Scenario,
    priors: Scenario,
    paths: Vec<String>,
    fitted: Vec<Target>,
    held_out: Vec<Target>,
}

fn setup(args: &CalibrateArgs) -> Result<Setup, Failure> {
    if args.population < 10 || args.budget < 2 * args.population {
        return Err(Failure::Input(
            "--population must be at least 10 and --budget at least twice --population".into(),
        ));
    }
    let loaded = load(&args.scenario)?;
    let base = loaded.scenario;
    let paths = param_paths(&base, &args.params)?;
    let (fitted, held_out): (Vec<Target>, Vec<Target>) =
        loaded.targets.into_iter().partition(|t| t.fit);
    if fitted.is_empty() {
        return Err(Failure::Input(
            "the scenario has no [[target]] to fit (targets with `fit = false` are held out)"
                .into(),
        ));
    }
    let priors = with_priors(&args.scenario, &base, &args.params, &paths)?;
    Ok(Setup {
        base,
        priors,
        paths,
        fitted,
        held_out,
    })
}

/// Everything but the directory's commit: the sample, summaries and chart, the calibrated
/// scenario, and its check against every target (returned).
fn write_outputs(
    args: &CalibrateArgs,
    setup: &Setup,
    result: &Calibration,
    target: &Path,
    dir: &Path,
) -> Result<check::CheckReport, Failure> {
    let context = calibrate::write::Context {
        scenario: &setup.base.name,
        scenario_hash: &setup.base.hash,
        runs: args.options.runs.unwrap_or(DEFAULT_RUNS),
        fitted: &setup.fitted,
        held_out: &setup.held_out,
    };
    write_calibration(dir, result, &context, &setup.priors)?;
    let calibrated = write_calibrated(dir, target, &args.scenario, &setup.base, result)
        .map_err(Failure::Runtime)?;
    let runs = args.check_runs.unwrap_or(setup.base.runs);
    let seed = result.settings.seed;
    let report = check::check(&calibrated.scenario, &calibrated.targets, runs, seed, &())?;
    write_check(dir, &report)?;
    Ok(report)
}

/// The `--param` paths, each once.
fn param_paths(s: &Scenario, specs: &[String]) -> Result<Vec<String>, Failure> {
    let mut paths: Vec<String> = Vec::new();
    for text in specs {
        let spec = Spec::parse(text, s)?;
        if paths.contains(&spec.path) {
            return Err(Failure::Input(format!(
                "--param {} is given twice",
                spec.path
            )));
        }
        paths.push(spec.path);
    }
    Ok(paths)
}

/// The scenario with `--param PATH=LOW:HIGH` ranges as uniform distributions, validated as
/// any scenario file is (so a range outside a field's valid values is refused).
fn with_priors(
    path: &Path,
    base: &Scenario,
    specs: &[String],
    paths: &[String],
) -> Result<Scenario, Failure> {
    let overrides: Vec<emit::Override> = specs
        .iter()
        .filter_map(|t| Spec::parse(t, base).ok())
        .filter_map(|spec| {
            let (min, max) = spec.range?;
            Some(emit::Override {
                path: spec.path,
                spec: DistSpec::Uniform { min, max },
                comment: "prior from --param".into(),
            })
        })
        .collect();
    if overrides.is_empty() {
        return Ok(base.clone());
    }
    let name = path.file_name().map_or_else(
        || "scenario.toml".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = emit::scenario_text(
        base,
        &name,
        &base.name,
        "Priors given with --param.",
        &overrides,
    );
    let virtual_path = path.with_file_name(format!("{name} (with --param ranges)"));
    let s = exportsim::scenario::load_text(&virtual_path, &text)
        .map_err(|e| {
            Failure::Rendered(format!("a --param range is not valid for its field:\n{e}"))
        })?
        .scenario;
    debug_assert!(paths.iter().all(|p| s.param_by_path(p).is_some()));
    Ok(s)
}

fn announce(args: &CalibrateArgs, problem: &Problem, held_out: usize) {
    if args.options.quiet {
        return;
    }
    let threads = rayon::current_num_threads().max(1);
    let per_run = exportsim::study::driver::pilot_seconds(problem.scenario, problem.seed, 16);
    let runs = args.budget as f64 * problem.runs as f64;
    let seconds = per_run * runs / threads as f64;
    say(&format!(
        "calibrate: {} parameters to {} targets ({held_out} held out); {} particles a generation, at most {} parameter sets x {} runs = {} simulations; up to about {:.0} s on {threads} threads\n",
        problem.priors.len(),
        problem.targets.len(),
        args.population,
        args.budget,
        problem.runs,
        thousands(runs as u64),
        seconds
    ));
}

/// Runs the sampler with a progress bar over engine runs and a line per generation.
fn sample(
    problem: &Problem,
    settings: &abc::Settings,
    quiet: bool,
) -> Result<Calibration, Failure> {
    let bar = progress(settings.budget as u64 * problem.runs, "simulations", quiet);
    let mut observe = |g: &abc::Generation| {
        if !quiet {
            let share = 100.0 * g.accepted as f64 / g.proposed.max(1) as f64;
            let line = format!(
                "generation {}: tolerance {:.4}, accepted {} of {} ({share:.0}%){}",
                g.index,
                g.tolerance,
                g.accepted,
                g.proposed,
                if g.complete {
                    ""
                } else {
                    "; budget spent, discarded"
                }
            );
            bar.0.suspend(|| eprintln!("{line}"));
        }
    };
    let result = calibrate::calibrate(problem, settings, &bar, &mut observe)?;
    bar.0.finish_and_clear();
    Ok(result)
}

fn summary(c: &Calibration, seconds: f64) -> String {
    let pop = &c.population;
    format!(
        "\n{}\n{} parameter sets simulated in {seconds:.1} s; acceptance rate {:.1}%; final tolerance {:.4}; effective sample size {:.0} of {}; stopped: {:?}\n",
        calibrate::write::table(&c.summaries()),
        pop.simulated,
        100.0 * pop.acceptance_rate(),
        pop.tolerance(),
        pop.effective_size(),
        pop.particles.len(),
        pop.stop
    )
}
