//! A study laid out and ready to run: the [`Study`] trait the commands and `merge` share
//! (plan -> values -> analysis), the sweep as a study, and the metadata every study writes.
//! The sensitivity methods are in [`super::sensitivity`]; the output directory is laid out
//! by [`crate::report::study`].

use super::driver::Values;
use super::inputs;
use super::morris::Screening;
use super::sobol::Indices;
use super::spec::{AxisDefinition, Definition, SweepDefinition};
use super::sweep::{Axis, Sweep, SweepResult};
use super::tornado::Tornado;
use super::{Plan, StudyError};
use crate::model::Scenario;
use crate::outcome::Outcome;

/// A study laid out: its plan, its outcomes, what lays it out again, and how its values
/// become results. The command and `merge` both go plan -> values -> analysis through it.
pub trait Study {
    fn plan(&self) -> &Plan;
    fn outcomes(&self) -> &[Outcome];
    /// What `merge` needs, beside the resolved scenario, to lay the plan out again.
    fn definition(&self) -> Definition;
    /// `study.json`: what was run.
    fn metadata(&self) -> serde_json::Value;
    /// The start of every chart's subtitle: what was run.
    fn context(&self) -> String;
    /// The inputs' paths and the design's points (one value per input), for `samples.csv`;
    /// `None` for a sweep (its grid is in `sweep.csv`).
    fn samples(&self) -> Option<(Vec<String>, &[Vec<f64>])>;
    /// The statistics of `values`.
    fn analyze(&self, values: &Values) -> Analysis;
}

/// A study's results.
pub enum Analysis {
    Sweep(SweepResult),
    Tornado(Vec<Tornado>),
    Morris(Vec<Screening>),
    Sobol(Vec<Indices>),
}

/// Lays out again the study `definition` defines, against its resolved scenario.
pub fn from_definition<'a>(
    s: &'a Scenario,
    definition: &Definition,
) -> Result<Box<dyn Study + 'a>, StudyError> {
    Ok(match definition {
        Definition::Sweep(d) => Box::new(SweepStudy::from_definition(s, d)?),
        Definition::Sensitivity(d) => Box::new(super::sensitivity::Sensitivity::new(s, d.clone())?),
    })
}

/// Parses outcome expressions against `s`.
pub fn outcomes(s: &Scenario, texts: &[String]) -> Result<Vec<Outcome>, StudyError> {
    texts
        .iter()
        .map(|t| Outcome::parse(t, s).map_err(StudyError::from))
        .collect()
}

/// The outcome expressions' texts.
pub fn texts(outcomes: &[Outcome]) -> Vec<String> {
    outcomes.iter().map(|o| o.text().to_string()).collect()
}

/// The fields every `study.json` holds, then `extra`'s.
pub fn metadata(
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

/// A sweep with its plan, labelled `kind` in the printout and `study.json`.
pub struct SweepStudy<'a> {
    s: &'a Scenario,
    sweep: Sweep,
    plan: Plan,
}

impl<'a> SweepStudy<'a> {
    pub fn new(s: &'a Scenario, sweep: Sweep, kind: &str) -> SweepStudy<'a> {
        let plan = Plan {
            kind: kind.to_string(),
            ..sweep.plan()
        };
        SweepStudy { s, sweep, plan }
    }

    /// The sweep a shard's partial result defines, against its resolved scenario.
    pub fn from_definition(
        s: &'a Scenario,
        d: &SweepDefinition,
    ) -> Result<SweepStudy<'a>, StudyError> {
        let axes = d
            .axes
            .iter()
            .map(|a| {
                let id = inputs::find(s, &a.path)?;
                let (path, values) = (a.path.clone(), a.values.clone());
                Ok(Axis { id, path, values })
            })
            .collect::<Result<Vec<_>, StudyError>>()?;
        let sweep = Sweep::new(axes, outcomes(s, &d.outcomes)?, d.runs, d.seed)?;
        Ok(SweepStudy::new(s, sweep, "sweep"))
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
        let axes = self.sweep.axes.iter().map(|a| AxisDefinition {
            path: a.path.clone(),
            values: a.values.clone(),
        });
        Definition::Sweep(SweepDefinition {
            axes: axes.collect(),
            outcomes: texts(&self.sweep.outcomes),
            runs: self.sweep.runs,
            seed: self.sweep.seed,
        })
    }

    fn metadata(&self) -> serde_json::Value {
        let axes = self.sweep.axes.iter();
        let params = axes.map(|x| serde_json::json!({ "path": x.path, "values": x.values }));
        let extra = serde_json::json!({ "params": params.collect::<Vec<_>>() });
        metadata(self.s, &self.plan, &texts(&self.sweep.outcomes), extra)
    }

    fn context(&self) -> String {
        let (name, seed) = (&self.s.name, self.plan.seed);
        format!("Scenario {name}, seed {seed}, common random numbers")
    }

    fn samples(&self) -> Option<(Vec<String>, &[Vec<f64>])> {
        None
    }

    fn analyze(&self, values: &Values) -> Analysis {
        Analysis::Sweep(self.sweep.summarize(values))
    }
}
