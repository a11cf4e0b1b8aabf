//! `exportsim sweep`: the sweep of the command line or the scenario's `[[sweep]]` tables,
//! each run as a [`Study`].

use super::{
    Study, StudyArgs, check_args, execute, input, load, metadata, outcomes, study_failure, tables,
    target, write_file, write_out,
};
use crate::cli::Failure;
use exportsim::model::Scenario;
use exportsim::outcome::Outcome;
use exportsim::plot::study as charts;
use exportsim::report::study_partial::{AxisDefinition, Definition, SweepDefinition};
use exportsim::study::driver::Values;
use exportsim::study::sweep::{self, Axis, Sweep};
use exportsim::study::{Plan, inputs, write};
use std::path::{Path, PathBuf};

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

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    check_args(&args.study)?;
    let s = load(&args.scenario)?;
    let sweeps = if args.params.is_empty() {
        file_sweeps(&s, &args)?
    } else {
        vec![(String::from("sweep"), command_line_sweep(&s, &args)?)]
    };
    let many = sweeps.len() > 1;
    if many && args.study.shard.is_some() {
        let names: Vec<&str> = sweeps.iter().map(|(n, _)| n.as_str()).collect();
        return Err(input(format!(
            "--shard runs one sweep at a time; pick one of {} with --name",
            names.join(", ")
        )));
    }
    for (name, sw) in sweeps {
        let default = Path::new("output").join(format!("{}-sweep", s.name));
        let base = target(&args.study, default);
        let target = if many { base.join(&name) } else { base };
        let kind = if many {
            format!("sweep `{name}`")
        } else {
            String::from("sweep")
        };
        for w in sw.warnings(&s) {
            eprintln!("warning: {w}");
        }
        execute(&s, &SweepStudy::new(&s, sw, &kind), &args.study, &target)?;
    }
    Ok(())
}

fn command_line_sweep(s: &Scenario, args: &SweepArgs) -> Result<Sweep, Failure> {
    let axes = args
        .params
        .iter()
        .map(|p| sweep::parse_axis(s, p))
        .collect::<Result<Vec<_>, _>>();
    let runs = args.study.runs.unwrap_or(sweep::DEFAULT_RUNS);
    let seed = args.study.seed.unwrap_or(s.seed);
    Sweep::new(
        axes.map_err(study_failure)?,
        outcomes(s, &args.outcomes)?,
        runs,
        seed,
    )
    .map_err(study_failure)
}

/// The scenario file's `[[sweep]]` tables (only the one named by `--name`, if given).
fn file_sweeps(s: &Scenario, args: &SweepArgs) -> Result<Vec<(String, Sweep)>, Failure> {
    if !args.outcomes.is_empty() {
        return Err(input(
            "--outcome needs --param (or put both in a [[sweep]] table)",
        ));
    }
    let resolved = exportsim::scenario::load::resolve(&args.scenario)
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

/// A sweep with its plan, labelled `kind` in the printout and `study.json`.
pub(super) struct SweepStudy<'a> {
    s: &'a Scenario,
    sweep: Sweep,
    plan: Plan,
}

impl<'a> SweepStudy<'a> {
    fn new(s: &'a Scenario, sweep: Sweep, kind: &str) -> SweepStudy<'a> {
        let plan = Plan {
            kind: kind.to_string(),
            ..sweep.plan()
        };
        SweepStudy { s, sweep, plan }
    }

    /// The sweep a shard's partial result defines, against its resolved scenario.
    pub(super) fn from_definition(
        s: &'a Scenario,
        d: &SweepDefinition,
    ) -> Result<SweepStudy<'a>, Failure> {
        let axes = d
            .axes
            .iter()
            .map(|a| {
                let id = inputs::find(s, &a.path)?;
                let (path, values) = (a.path.clone(), a.values.clone());
                Ok(Axis { id, path, values })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(study_failure)?;
        let sweep =
            Sweep::new(axes, outcomes(s, &d.outcomes)?, d.runs, d.seed).map_err(study_failure)?;
        Ok(SweepStudy::new(s, sweep, "sweep"))
    }

    fn outcome_texts(&self) -> Vec<String> {
        let texts = self.sweep.outcomes.iter().map(|o| o.text().to_string());
        texts.collect()
    }
}

impl Study for SweepStudy<'_> {
    fn plan(&self) -> &Plan {
        &self.plan
    }

    fn outcomes(&self) -> &[Outcome] {
        &self.sweep.outcomes
    }

    fn definition(&self) -> Definition {
        Definition::Sweep(SweepDefinition {
            axes: self
                .sweep
                .axes
                .iter()
                .map(|a| AxisDefinition {
                    path: a.path.clone(),
                    values: a.values.clone(),
                })
                .collect(),
            outcomes: self.outcome_texts(),
            runs: self.sweep.runs,
            seed: self.sweep.seed,
        })
    }

    fn write(&self, values: &Values, target: &Path) -> Result<(PathBuf, String), Failure> {
        let (s, plan) = (self.s, &self.plan);
        let result = self.sweep.summarize(values);
        let context = format!(
            "Scenario {}, seed {}, common random numbers",
            s.name, plan.seed
        );
        let chart_list = charts::sweep_charts(&result, &context);
        let axes = self.sweep.axes.iter();
        let params = axes.map(|x| serde_json::json!({ "path": x.path, "values": x.values }));
        let extra = serde_json::json!({ "params": params.collect::<Vec<_>>() });
        let meta = metadata(s, plan, &self.outcome_texts(), extra);
        let dir = write_out(target, s, &meta, &chart_list, |dir| {
            write_file(dir, "sweep.csv", |w| write::sweep_csv(&result, w))
        })?;
        Ok((dir, tables::sweep(&result)))
    }
}
