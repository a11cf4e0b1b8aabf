//! `exportsim sensitivity`: tornado, Morris and Sobol studies of a scenario's uncertain
//! inputs, from the command line to the output directory. A study is laid out from its
//! [`SensitivityDefinition`], so `merge` lays out a sharded one again from its partial result.

use super::{
    Study, StudyArgs, check_args, execute, input, load, metadata, outcomes, study_failure, tables,
    target, write_file, write_out,
};
use crate::cli::Failure;
use clap::ValueEnum;
use exportsim::model::{ParamId, Scenario};
use exportsim::outcome::Outcome;
use exportsim::plot::study::StudyChart;
use exportsim::report::study_partial::{Definition, SensitivityDefinition};
use exportsim::study::driver::Values;
use exportsim::study::inputs::{self, Input};
use exportsim::study::plan::thousands;
use exportsim::study::{Plan, morris, sobol, tornado, write};
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
    let definition = SensitivityDefinition {
        method: args.method.name().to_string(),
        params: args.params.clone(),
        outcomes: args.outcomes.clone(),
        samples,
        runs: args.study.runs.unwrap_or(default_runs),
        seed: args.study.seed.unwrap_or(s.seed),
    };
    let study = Sensitivity::new(&s, definition)?;
    let default = Path::new("output").join(format!("{}-{}", s.name, args.method.name()));
    execute(&s, &study, &args.study, &target(&args.study, default))
}

/// A method's design: what its analysis needs beside the means at the design's points.
enum Design {
    Tornado,
    Morris(morris::Design),
    Sobol(sobol::Design),
}

/// A sensitivity study laid out: its inputs, outcomes, design and plan.
pub(super) struct Sensitivity<'a> {
    s: &'a Scenario,
    definition: SensitivityDefinition,
    inputs: Vec<Input>,
    outcomes: Vec<Outcome>,
    names: Vec<String>,
    design: Design,
    /// The design's points, one value per input.
    points: Vec<Vec<f64>>,
    plan: Plan,
}

impl<'a> Sensitivity<'a> {
    /// Lays out the study `d` defines (from the command line or a shard's partial result).
    pub(super) fn new(
        s: &'a Scenario,
        d: SensitivityDefinition,
    ) -> Result<Sensitivity<'a>, Failure> {
        let method = Method::from_str(&d.method, false)
            .map_err(|_| input(format!("unknown sensitivity method `{}`", d.method)))?;
        let chosen = if d.params.is_empty() {
            inputs::uncertain(s)
        } else {
            inputs::select(s, &d.params).map_err(study_failure)?
        };
        if chosen.is_empty() {
            return Err(input(
                "the scenario has no uncertain inputs; name some with --param PATH=LO:HI",
            ));
        }
        let (ids, list): (Vec<ParamId>, Vec<Input>) = chosen.into_iter().unzip();
        let outs = outcomes(s, &d.outcomes)?;
        let names = outs.iter().map(|o| o.text().to_string()).collect();
        let (design, points) = match method {
            Method::Tornado => (Design::Tornado, tornado::design(&list)),
            Method::Morris => {
                let m = morris::design(list.len(), d.samples, d.seed);
                let points = m.points(&list);
                (Design::Morris(m), points)
            }
            Method::Sobol => {
                let design = sobol::design(list.len(), d.samples).map_err(study_failure)?;
                let points = design.points(&list);
                (Design::Sobol(design), points)
            }
        };
        let plan = plan(s, method, &ids, &points, &d);
        Ok(Sensitivity {
            s,
            definition: d,
            inputs: list,
            outcomes: outs,
            names,
            design,
            points,
            plan,
        })
    }

    fn context(&self) -> String {
        format!(
            "Scenario {}, {} runs per point, seed {}",
            self.s.name,
            thousands(self.plan.runs),
            self.plan.seed
        )
    }

    fn meta(&self, extra: serde_json::Value) -> serde_json::Value {
        let inputs: Vec<serde_json::Value> = self
            .inputs
            .iter()
            .map(|i| serde_json::json!({ "path": i.path, "distribution": i.dist.to_string() }))
            .collect();
        let mut meta = metadata(
            self.s,
            &self.plan,
            &self.names,
            serde_json::json!({ "inputs": inputs }),
        );
        if let (Some(m), serde_json::Value::Object(e)) = (meta.as_object_mut(), extra) {
            m.extend(e);
        }
        meta
    }

    fn samples_file(&self, dir: &Path, means: &[Vec<f64>]) -> anyhow::Result<()> {
        let paths: Vec<String> = self.inputs.iter().map(|i| i.path.clone()).collect();
        write_file(dir, "samples.csv", |w| {
            write::samples_csv(&paths, &self.names, &self.points, means, w)
        })
    }

    fn tornado(&self, target: &Path, means: &[Vec<f64>]) -> Result<(PathBuf, String), Failure> {
        let result = tornado::analyze(&self.inputs, &self.names, means);
        let context = self.context();
        let list: Vec<StudyChart> = result
            .iter()
            .map(|t| StudyChart::Tornado(t, &context))
            .collect();
        let meta =
            self.meta(serde_json::json!({ "quantiles": [tornado::LOW, 0.5, tornado::HIGH] }));
        let dir = write_out(target, self.s, &meta, &list, |dir| {
            write_file(dir, "tornado.csv", |w| write::tornado_csv(&result, w))?;
            self.samples_file(dir, means)
        })?;
        Ok((dir, tables::tornado(&result)))
    }

    fn morris(
        &self,
        design: &morris::Design,
        target: &Path,
        means: &[Vec<f64>],
    ) -> Result<(PathBuf, String), Failure> {
        let seed = self.plan.seed;
        let result = morris::analyze(design, &self.inputs, &self.names, means, seed);
        let context = self.context();
        let list: Vec<StudyChart> = result
            .iter()
            .map(|m| StudyChart::Morris(m, &context))
            .collect();
        let meta = self.meta(
            serde_json::json!({ "trajectories": design.trajectories, "levels": morris::LEVELS }),
        );
        let dir = write_out(target, self.s, &meta, &list, |dir| {
            write_file(dir, "morris.csv", |w| write::morris_csv(&result, w))?;
            self.samples_file(dir, means)
        })?;
        Ok((dir, tables::morris(&result)))
    }

    fn sobol(
        &self,
        design: &sobol::Design,
        target: &Path,
        means: &[Vec<f64>],
    ) -> Result<(PathBuf, String), Failure> {
        let seed = self.plan.seed;
        let result = sobol::analyze(design, &self.inputs, &self.names, means, seed);
        let context = format!("{}, N = {}", self.context(), design.samples);
        let list: Vec<StudyChart> = result
            .iter()
            .map(|ix| StudyChart::Sobol(ix, &context))
            .collect();
        let meta = self.meta(serde_json::json!({ "base_samples": design.samples, "bootstrap_resamples": sobol::RESAMPLES, "salib_problem": {
            "num_vars": self.inputs.len(),
            "names": self.inputs.iter().map(|i| i.path.clone()).collect::<Vec<_>>(),
        }}));
        let dir = write_out(target, self.s, &meta, &list, |dir| {
            write_file(dir, "sobol.csv", |w| write::sobol_csv(&result, w))?;
            self.samples_file(dir, means)
        })?;
        Ok((dir, tables::sobol(&result)))
    }
}

/// The plan over `points` (one value per input of `ids`). The tornado holds every uncertain
/// input it does not vary at its median.
fn plan(
    s: &Scenario,
    method: Method,
    ids: &[ParamId],
    points: &[Vec<f64>],
    d: &SensitivityDefinition,
) -> Plan {
    if method != Method::Tornado {
        return Plan::from_rows(method.name(), ids, points, d.runs, d.seed);
    }
    let others: Vec<(ParamId, f64)> = inputs::uncertain(s)
        .into_iter()
        .filter(|(id, _)| !ids.contains(id))
        .map(|(id, input)| (id, input.value_at(0.5)))
        .collect();
    let all: Vec<ParamId> = ids
        .iter()
        .copied()
        .chain(others.iter().map(|o| o.0))
        .collect();
    let rows: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            p.iter()
                .copied()
                .chain(others.iter().map(|o| o.1))
                .collect()
        })
        .collect();
    Plan::from_rows(method.name(), &all, &rows, d.runs, d.seed)
}

impl Study for Sensitivity<'_> {
    fn plan(&self) -> &Plan {
        &self.plan
    }

    fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    fn definition(&self) -> Definition {
        Definition::Sensitivity(self.definition.clone())
    }

    fn write(&self, values: &Values, target: &Path) -> Result<(PathBuf, String), Failure> {
        let means = values.means();
        match &self.design {
            Design::Tornado => self.tornado(target, &means),
            Design::Morris(d) => self.morris(d, target, &means),
            Design::Sobol(d) => self.sobol(d, target, &means),
        }
    }
}
