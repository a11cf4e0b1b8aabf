//! `exportsim params`, `exportsim sweep` and `exportsim sensitivity`: arguments, the plan
//! printout and cap, the progress bar, and the output directory. The studies themselves are
//! in [`crate::study`], their charts in [`crate::plot::study`].

mod sensitivity;
mod tables;

pub use sensitivity::{SensitivityArgs, sensitivity};

use super::{Failure, load};
use crate::engine::Progress;
use crate::model::Scenario;
use crate::outcome::Outcome;
use crate::plot::study::{self as charts, StudyChart};
use crate::report::OutputDir;
use crate::study::driver;
use crate::study::plan::{MAX_SIMULATIONS, thousands};
use crate::study::sweep::{self, Sweep};
use crate::study::{Plan, StudyError, write};
use anyhow::Context;
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
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// PATH=START:END:COUNT or PATH=V1,V2,... (once or twice; a grid when twice). Without
    /// it, the scenario's [[sweep]] tables are run.
    #[arg(long = "param", value_name = "PATH=SPEC")]
    pub params: Vec<String>,
    /// An outcome expression, e.g. 'compute_share[vendor=nvidia]@2027' (repeatable).
    #[arg(long = "outcome", value_name = "EXPR")]
    pub outcomes: Vec<String>,
    /// Run only the [[sweep]] table with this name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub study: StudyArgs,
}

fn input(e: impl std::fmt::Display) -> Failure {
    Failure::Input(format!("error: {e}"))
}

fn study_failure(e: StudyError) -> Failure {
    match e {
        StudyError::Threads(_) => Failure::Runtime(anyhow::Error::new(e)),
        StudyError::Outcome(o) => Failure::Input(o.to_string()),
        other => input(other),
    }
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

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    check_args(&args.study)?;
    let s = load(&args.scenario)?;
    let sweeps = if args.params.is_empty() {
        file_sweeps(&s, &args)?
    } else {
        let axes = args
            .params
            .iter()
            .map(|p| sweep::parse_axis(&s, p))
            .collect::<Result<Vec<_>, _>>();
        let runs = args.study.runs.unwrap_or(sweep::DEFAULT_RUNS);
        let seed = args.study.seed.unwrap_or(s.seed);
        let sw = Sweep::new(
            axes.map_err(study_failure)?,
            outcomes(&s, &args.outcomes)?,
            runs,
            seed,
        )
        .map_err(study_failure)?;
        vec![(String::from("sweep"), sw)]
    };
    let many = sweeps.len() > 1;
    for (name, sw) in sweeps {
        let default = || Path::new("output").join(format!("{}-sweep", s.name));
        let base = args.study.out.clone().unwrap_or_else(default);
        let target = if many { base.join(&name) } else { base };
        let kind = if many {
            format!("sweep `{name}`")
        } else {
            String::from("sweep")
        };
        run_sweep(&s, &sw, &kind, &args.study, &target)?;
    }
    Ok(())
}

/// The scenario file's `[[sweep]]` tables (only the one named by `--name`, if given).
fn file_sweeps(s: &Scenario, args: &SweepArgs) -> Result<Vec<(String, Sweep)>, Failure> {
    if !args.outcomes.is_empty() {
        return Err(input(
            "--outcome needs --param (or put both in a [[sweep]] table)",
        ));
    }
    let resolved = crate::scenario::load::resolve(&args.scenario)
        .map_err(|e| Failure::Input(e.to_string()))?;
    let mut all = sweep::from_tables(s, &resolved.raw.sweep, args.study.runs, args.study.seed)
        .map_err(study_failure)?;
    if all.is_empty() {
        return Err(input(
            "give --param and --outcome, or add a [[sweep]] table to the scenario (see docs/studies.md)",
        ));
    }
    if let Some(name) = &args.name {
        let names: Vec<String> = all.iter().map(|(n, _)| n.clone()).collect();
        all.retain(|(n, _)| n == name);
        if all.is_empty() {
            return Err(input(format!(
                "no [[sweep]] named `{name}`; the scenario has: {}",
                names.join(", ")
            )));
        }
    }
    Ok(all)
}

fn run_sweep(
    s: &Scenario,
    sw: &Sweep,
    kind: &str,
    a: &StudyArgs,
    target: &Path,
) -> Result<(), Failure> {
    for w in sw.warnings(s) {
        eprintln!("warning: {w}");
    }
    let plan = Plan {
        kind: kind.to_string(),
        ..sw.plan()
    };
    if !announce(s, &plan, a)? {
        return Ok(());
    }
    let bar = progress(plan.simulations(), a.quiet);
    let started = std::time::Instant::now();
    let values = driver::simulate(s, &plan, &sw.outcomes, a.threads.unwrap_or(0), &bar)
        .map_err(study_failure)?;
    bar.0.finish_and_clear();
    let result = sw.summarize(&values);
    let context = format!(
        "Scenario {}, seed {}, common random numbers",
        s.name, plan.seed
    );
    let chart_list = charts::sweep_charts(&result, &context);
    let meta = metadata(
        s,
        &plan,
        &sw.outcomes
            .iter()
            .map(|o| o.text().to_string())
            .collect::<Vec<_>>(),
        serde_json::json!({
            "params": sw.axes.iter().map(|x| serde_json::json!({ "path": x.path, "values": x.values })).collect::<Vec<_>>(),
        }),
    );
    let dir = write_out(target, s, &meta, &chart_list, |dir| {
        write_file(dir, "sweep.csv", |w| write::sweep_csv(&result, w))
    })?;
    finish(a, started, &plan, &dir, || tables::sweep(&result));
    Ok(())
}

/// Prints the plan with an estimate of its time and applies the cap; false means stop here
/// (`--dry-run`).
fn announce(s: &Scenario, plan: &Plan, a: &StudyArgs) -> Result<bool, Failure> {
    if !a.quiet {
        let threads = a.threads.unwrap_or_else(rayon::current_num_threads).max(1);
        let per_run = driver::pilot_seconds(s, plan.seed, 16);
        let seconds = per_run * plan.simulations() as f64 / threads as f64;
        let plural = if threads == 1 { "" } else { "s" };
        say(&format!(
            "plan: {plan}; estimated time {} on {threads} thread{plural}\n",
            duration(seconds)
        ));
    }
    plan.check(MAX_SIMULATIONS, a.yes).map_err(study_failure)?;
    Ok(!a.dry_run)
}

/// Writes to stdout; a closed pipe (`exportsim params ... | head`) is not an error.
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn duration(seconds: f64) -> String {
    match seconds {
        s if s < 1.0 => "under 1 s".into(),
        s if s < 90.0 => format!("{s:.0} s"),
        s if s < 5400.0 => format!("{:.0} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn advance(&self, runs: u64) {
        self.0.inc(runs);
    }
}

fn progress(total: u64, quiet: bool) -> Bar {
    if quiet {
        return Bar(indicatif::ProgressBar::hidden());
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} simulations [{bar:30}] {per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    Bar(bar)
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

fn finish(
    a: &StudyArgs,
    started: std::time::Instant,
    plan: &Plan,
    dir: &Path,
    table: impl FnOnce() -> String,
) {
    if !a.quiet {
        let seconds = started.elapsed().as_secs_f64();
        say(&format!(
            "{}{} simulations in {seconds:.1} s; results in {}\n",
            table(),
            thousands(plan.simulations()),
            dir.display()
        ));
    }
}
