//! `exportsim calibrate`: priors from the scenario or the command line, the ABC-SMC run with
//! a progress bar, and the output directory: `posterior.csv`, `calibration.json`,
//! `prior_posterior.png`, `calibrated.toml`, and a check of the calibrated scenario against
//! every target, fitted and held out (`check.csv`, `check.json`).

use super::{Failure, input, load, progress, say, study_failure, write_check, write_scenario};
use anyhow::Context;
use exportsim::calibrate::{self, Calibration, Problem, Spec, abc, emit, prior};
use exportsim::check::{self, Target};
use exportsim::model::{DistSpec, Scenario};
use exportsim::plot::calibration::{Panel, render_png};
use exportsim::report::OutputDir;
use std::path::{Component, Path, PathBuf};

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
    /// Runs per parameter set (the same runs for every set: common random numbers).
    #[arg(long, default_value_t = 100)]
    pub runs: u64,
    /// Runs of the final check of the calibrated scenario (default: the scenario's `runs`).
    #[arg(long)]
    pub check_runs: Option<u64>,
    /// Master seed of the runs and the sampler (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory (default: output/<scenario>-calibration).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No plan, progress bar or tables.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let setup = setup(&args)?;
    let seed = args.seed.unwrap_or(setup.base.seed);
    let settings = abc::Settings {
        population: args.population,
        budget: args.budget,
        seed,
        ..abc::Settings::default()
    };
    let problem = Problem {
        scenario: &setup.priors,
        priors: prior::priors(&setup.priors, &setup.paths).map_err(study_failure)?,
        targets: setup.fitted.clone(),
        runs: args.runs,
        seed,
        threads: args.threads.unwrap_or(0),
    };
    announce(&args, &problem, setup.held_out.len());
    let default = || Path::new("output").join(format!("{}-calibration", setup.base.name));
    let target = args.out.clone().unwrap_or_else(default);
    let out = OutputDir::create(&target).map_err(|e| input(format!("{e:#}")))?;
    let started = std::time::Instant::now();
    let result = sample(&problem, &settings, args.quiet)?;
    let seconds = started.elapsed().as_secs_f64();
    let report = write_outputs(&args, &setup, &result, &target, out.path())?;
    let dir = out.commit()?;
    if !args.quiet {
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
    super::check_counts(Some(args.runs), args.threads)?;
    super::check_counts(args.check_runs, None)?;
    if args.population < 10 || args.budget < 2 * args.population {
        return Err(input(
            "--population must be at least 10 and --budget at least twice --population",
        ));
    }
    let (base, targets) = load(&args.scenario)?;
    let paths = param_paths(&base, &args.params)?;
    let (fitted, held_out): (Vec<Target>, Vec<Target>) = targets.into_iter().partition(|t| t.fit);
    if fitted.is_empty() {
        return Err(input(
            "the scenario has no [[target]] to fit (targets with `fit = false` are held out)",
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
        runs: args.runs,
        fitted: &setup.fitted,
        held_out: &setup.held_out,
    };
    write_results(dir, result, &context, &setup.priors)?;
    let extends = relative(target, &args.scenario)?;
    let (scenario, targets) = write_calibrated(dir, &setup.base, result, &extends)?;
    let runs = args.check_runs.unwrap_or(setup.base.runs);
    let seed = result.settings.seed;
    let threads = args.threads.unwrap_or(0);
    let report =
        check::check(&scenario, &targets, runs, seed, threads, &()).map_err(study_failure)?;
    write_check(dir, &report)?;
    Ok(report)
}

/// The `--param` paths, each once.
fn param_paths(s: &Scenario, specs: &[String]) -> Result<Vec<String>, Failure> {
    let mut paths: Vec<String> = Vec::new();
    for text in specs {
        let spec = Spec::parse(text, s).map_err(study_failure)?;
        if paths.contains(&spec.path) {
            return Err(input(format!("--param {} is given twice", spec.path)));
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
    let (s, _) = exportsim::scenario::load_text(&virtual_path, &text)
        .map_err(|e| Failure::Input(format!("a --param range is not valid for its field:\n{e}")))?;
    debug_assert!(paths.iter().all(|p| s.param_by_path(p).is_some()));
    Ok(s)
}

fn announce(args: &CalibrateArgs, problem: &Problem, held_out: usize) {
    if args.quiet {
        return;
    }
    let threads = args
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let per_run = exportsim::study::driver::pilot_seconds(problem.scenario, problem.seed, 16);
    let runs = args.budget as f64 * args.runs as f64;
    let seconds = per_run * runs / threads as f64;
    say(&format!(
        "calibrate: {} parameters to {} targets ({held_out} held out); {} particles a generation, at most {} parameter sets x {} runs = {} simulations; up to about {:.0} s on {threads} threads\n",
        problem.priors.len(),
        problem.targets.len(),
        args.population,
        args.budget,
        args.runs,
        exportsim::study::plan::thousands(runs as u64),
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
    let result =
        calibrate::calibrate(problem, settings, &bar, &mut observe).map_err(study_failure)?;
    bar.0.finish_and_clear();
    Ok(result)
}

fn write_results(
    dir: &Path,
    c: &Calibration,
    ctx: &calibrate::write::Context,
    priors: &Scenario,
) -> Result<(), Failure> {
    let file = |name: &str| {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .map(std::io::BufWriter::new)
            .with_context(|| format!("cannot create {}", path.display()))
    };
    calibrate::write::posterior_csv(c, file("posterior.csv")?)
        .context("cannot write posterior.csv")?;
    calibrate::write::json(c, ctx, file("calibration.json")?)
        .context("cannot write calibration.json")?;
    let panels: Vec<Panel> = c
        .summaries()
        .iter()
        .zip(&c.priors)
        .enumerate()
        .map(|(k, (s, p))| Panel {
            path: s.path.clone(),
            prior: p.dist.clone(),
            posterior: c.weighted(k),
            p05: s.p05,
            p50: s.p50,
            p95: s.p95,
        })
        .collect();
    let pop = &c.population;
    let subtitle = format!(
        "Scenario {}, seed {}; ABC-SMC, {} particles after {} simulated parameter sets of {} runs, acceptance {:.0}%",
        ctx.scenario,
        c.settings.seed,
        pop.particles.len(),
        pop.simulated,
        ctx.runs,
        100.0 * pop.acceptance_rate()
    );
    render_png(&panels, &subtitle, &dir.join("prior_posterior.png"))
        .context("cannot draw prior_posterior.png")?;
    write_scenario(dir, priors)?;
    Ok(())
}

/// Writes `calibrated.toml` and loads it back (with its targets), as any scenario is loaded.
fn write_calibrated(
    dir: &Path,
    base: &Scenario,
    c: &Calibration,
    extends: &str,
) -> Result<(Scenario, Vec<Target>), Failure> {
    let header = format!(
        "Scenario `{}` calibrated by `exportsim calibrate` (ABC-SMC, seed {}). Each fitted parameter is\nfixed at the value of one particle of the posterior: among those nearest the record, the one\nnearest the posterior medians. Its posterior median and 90% interval are in the comment; the\nweighted sample is posterior.csv beside this file; the method is in docs/calibration.md.",
        base.name, c.settings.seed
    );
    let name = format!("{}-calibrated", base.name);
    let text = emit::scenario_text(base, extends, &name, &header, &c.overrides());
    let path = dir.join("calibrated.toml");
    std::fs::write(&path, &text).context("cannot write calibrated.toml")?;
    let (s, targets, _) = check::load(&path).map_err(|e| {
        Failure::Runtime(anyhow::anyhow!(
            "the calibrated scenario does not load:\n{e}"
        ))
    })?;
    Ok((s, targets))
}

/// `scenario` as a path relative to the output directory `target` (for `extends`).
fn relative(target: &Path, scenario: &Path) -> Result<String, Failure> {
    let absolute = |p: &Path| std::path::absolute(p).map(|p| normalize(&p));
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target.file_name().unwrap_or_default();
    let from = absolute(
        &parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf()),
    )
    .context("cannot resolve the output path")?
    .join(name);
    let to = absolute(
        &scenario
            .canonicalize()
            .unwrap_or_else(|_| scenario.to_path_buf()),
    )
    .context("cannot resolve the scenario path")?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = PathBuf::new();
    for _ in from.components().skip(common) {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    Ok(rel.to_string_lossy().replace('\\', "/"))
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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
