//! `exportsim sensitivity`: tornado, Morris and Sobol studies of a scenario's uncertain
//! inputs, from the command line to the output directory.

use super::{
    StudyArgs, announce, check_args, finish, input, load, metadata, outcomes, progress,
    study_failure, tables, write_file, write_out,
};
use crate::cli::Failure;
use crate::model::{ParamId, Scenario};
use crate::outcome::Outcome;
use crate::plot::study::StudyChart;
use crate::study::driver::EngineModel;
use crate::study::inputs::{self, Input};
use crate::study::plan::thousands;
use crate::study::{Model, Plan, morris, sobol, tornado, write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    Tornado,
    Morris,
    Sobol,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Tornado => "tornado",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }

    /// Default (runs per point, samples).
    fn defaults(self) -> (u64, usize) {
        match self {
            Method::Tornado => (200, 0),
            Method::Morris => (100, 20),
            Method::Sobol => (32, 256),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    #[arg(long, value_enum)]
    pub method: Method,
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
    check_args(&args.study)?;
    let s = load(&args.scenario)?;
    let (default_runs, default_samples) = args.method.defaults();
    if args.method == Method::Tornado && args.samples.is_some() {
        return Err(input(
            "--samples does not apply to tornado (it takes 2 points per input)",
        ));
    }
    let samples = args.samples.unwrap_or(default_samples);
    if args.method != Method::Tornado && samples < 2 {
        return Err(input("--samples must be at least 2"));
    }
    let chosen = if args.params.is_empty() {
        inputs::uncertain(&s)
    } else {
        inputs::select(&s, &args.params).map_err(study_failure)?
    };
    if chosen.is_empty() {
        return Err(input(
            "the scenario has no uncertain inputs; name some with --param PATH=LO:HI",
        ));
    }
    let (ids, list): (Vec<_>, Vec<Input>) = chosen.into_iter().unzip();
    let outs = outcomes(&s, &args.outcomes)?;
    let names: Vec<String> = outs.iter().map(|o| o.text().to_string()).collect();
    let seed = args.study.seed.unwrap_or(s.seed);
    let runs = args.study.runs.unwrap_or(default_runs);
    let target =
        args.study.out.clone().unwrap_or_else(|| {
            Path::new("output").join(format!("{}-{}", s.name, args.method.name()))
        });
    let job = Job {
        s: &s,
        inputs: &list,
        ids,
        outcomes: &outs,
        names: &names,
        args: &args.study,
        target: &target,
        samples,
        runs,
        seed,
    };
    match args.method {
        Method::Tornado => job.tornado(),
        Method::Morris => job.morris(),
        Method::Sobol => job.sobol(),
    }
}

/// A study's plan and the outcomes' means at its points, `[point][outcome]`.
type Evaluated = (Plan, Vec<Vec<f64>>);

/// One sensitivity study being run.
struct Job<'a> {
    s: &'a Scenario,
    inputs: &'a [Input],
    ids: Vec<ParamId>,
    outcomes: &'a [Outcome],
    names: &'a [String],
    args: &'a StudyArgs,
    target: &'a Path,
    samples: usize,
    runs: u64,
    seed: u64,
}

impl Job<'_> {
    /// Prints and checks the plan, then the outcomes' means at `points` (with a progress
    /// bar); `None` after `--dry-run`.
    /// The tornado holds every uncertain input it does not vary at its median.
    fn evaluate(&self, kind: &str, points: &[Vec<f64>]) -> Result<Option<Evaluated>, Failure> {
        let (ids, points) = if kind == "tornado" {
            self.with_medians(points)
        } else {
            (self.ids.clone(), points.to_vec())
        };
        let plan = Plan::from_rows(kind, &ids, &points, self.runs, self.seed);
        if !announce(self.s, &plan, self.args)? {
            return Ok(None);
        }
        let bar = progress(plan.simulations(), self.args.quiet);
        let model = EngineModel {
            base: self.s,
            ids,
            outcomes: self.outcomes,
            runs: self.runs,
            seed: self.seed,
            threads: self.args.threads.unwrap_or(0),
            progress: &bar,
        };
        let means = model.means(&points).map_err(study_failure)?;
        bar.0.finish_and_clear();
        Ok(Some((plan, means)))
    }

    /// `points` extended with the medians of the scenario's other uncertain inputs.
    fn with_medians(&self, points: &[Vec<f64>]) -> (Vec<ParamId>, Vec<Vec<f64>>) {
        let others: Vec<(ParamId, f64)> = inputs::uncertain(self.s)
            .into_iter()
            .filter(|(id, _)| !self.ids.contains(id))
            .map(|(id, input)| (id, input.value_at(0.5)))
            .collect();
        let ids = self
            .ids
            .iter()
            .copied()
            .chain(others.iter().map(|o| o.0))
            .collect();
        let rows = points
            .iter()
            .map(|p| {
                p.iter()
                    .copied()
                    .chain(others.iter().map(|o| o.1))
                    .collect()
            })
            .collect();
        (ids, rows)
    }

    fn context(&self, plan: &Plan) -> String {
        format!(
            "Scenario {}, {} runs per point, seed {}",
            self.s.name,
            thousands(plan.runs),
            plan.seed
        )
    }

    fn meta(&self, plan: &Plan, extra: serde_json::Value) -> serde_json::Value {
        let inputs: Vec<serde_json::Value> = self
            .inputs
            .iter()
            .map(|i| serde_json::json!({ "path": i.path, "distribution": i.dist.to_string() }))
            .collect();
        let mut meta = metadata(
            self.s,
            plan,
            self.names,
            serde_json::json!({ "inputs": inputs }),
        );
        if let (Some(m), serde_json::Value::Object(e)) = (meta.as_object_mut(), extra) {
            m.extend(e);
        }
        meta
    }

    fn samples_file(
        &self,
        dir: &Path,
        points: &[Vec<f64>],
        means: &[Vec<f64>],
    ) -> anyhow::Result<()> {
        let paths: Vec<String> = self.inputs.iter().map(|i| i.path.clone()).collect();
        write_file(dir, "samples.csv", |w| {
            write::samples_csv(&paths, self.names, points, means, w)
        })
    }

    fn tornado(&self) -> Result<(), Failure> {
        let started = std::time::Instant::now();
        let points = tornado::design(self.inputs);
        let Some((plan, means)) = self.evaluate("tornado", &points)? else {
            return Ok(());
        };
        let result = tornado::analyze(self.inputs, self.names, &means);
        let context = self.context(&plan);
        let list: Vec<StudyChart> = result
            .iter()
            .map(|t| StudyChart::Tornado(t, &context))
            .collect();
        let meta = self.meta(
            &plan,
            serde_json::json!({ "quantiles": [tornado::LOW, 0.5, tornado::HIGH] }),
        );
        let dir = write_out(self.target, self.s, &meta, &list, |dir| {
            write_file(dir, "tornado.csv", |w| write::tornado_csv(&result, w))?;
            self.samples_file(dir, &points, &means)
        })?;
        finish(self.args, started, &plan, &dir, || tables::tornado(&result));
        Ok(())
    }

    fn morris(&self) -> Result<(), Failure> {
        let started = std::time::Instant::now();
        let design = morris::design(self.inputs.len(), self.samples, self.seed);
        let points = design.points(self.inputs);
        let Some((plan, means)) = self.evaluate("morris", &points)? else {
            return Ok(());
        };
        let result = morris::analyze(&design, self.inputs, self.names, &means, self.seed);
        let context = self.context(&plan);
        let list: Vec<StudyChart> = result
            .iter()
            .map(|m| StudyChart::Morris(m, &context))
            .collect();
        let meta = self.meta(
            &plan,
            serde_json::json!({ "trajectories": self.samples, "levels": morris::LEVELS }),
        );
        let dir = write_out(self.target, self.s, &meta, &list, |dir| {
            write_file(dir, "morris.csv", |w| write::morris_csv(&result, w))?;
            self.samples_file(dir, &points, &means)
        })?;
        finish(self.args, started, &plan, &dir, || tables::morris(&result));
        Ok(())
    }

    fn sobol(&self) -> Result<(), Failure> {
        let started = std::time::Instant::now();
        let design = sobol::design(self.inputs.len(), self.samples).map_err(study_failure)?;
        let points = design.points(self.inputs);
        let Some((plan, means)) = self.evaluate("sobol", &points)? else {
            return Ok(());
        };
        let result = sobol::analyze(&design, self.inputs, self.names, &means, self.seed);
        let context = format!("{}, N = {}", self.context(&plan), self.samples);
        let list: Vec<StudyChart> = result
            .iter()
            .map(|ix| StudyChart::Sobol(ix, &context))
            .collect();
        let meta = self.meta(&plan, serde_json::json!({ "base_samples": self.samples, "bootstrap_resamples": sobol::RESAMPLES, "salib_problem": {
            "num_vars": self.inputs.len(),
            "names": self.inputs.iter().map(|i| i.path.clone()).collect::<Vec<_>>(),
        }}));
        let dir = write_out(self.target, self.s, &meta, &list, |dir| {
            write_file(dir, "sobol.csv", |w| write::sobol_csv(&result, w))?;
            self.samples_file(dir, &points, &means)
        })?;
        finish(self.args, started, &plan, &dir, || tables::sobol(&result));
        Ok(())
    }
}
