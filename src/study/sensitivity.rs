//! Sensitivity studies of a scenario's uncertain inputs (tornado, Morris, Sobol) laid out
//! from their [`SensitivityDefinition`], so `merge` lays out a sharded one again from its
//! partial result. The tornado holds every uncertain input it does not vary at its median.

use super::driver::Values;
use super::inputs::{self, Input};
use super::kind::{Analysis, Study, metadata, outcomes, texts};
use super::plan::thousands;
use super::spec::{Definition, SensitivityDefinition};
use super::{Plan, StudyError, morris, sobol, tornado};
use crate::model::{ParamId, Scenario};
use crate::outcome::Outcome;

/// A sensitivity method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Tornado,
    Morris,
    Sobol,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Tornado, Method::Morris, Method::Sobol];

    pub fn name(self) -> &'static str {
        match self {
            Method::Tornado => "tornado",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }

    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Default (runs per point, samples).
    pub fn defaults(self) -> (u64, usize) {
        match self {
            Method::Tornado => (200, 0),
            Method::Morris => (100, 20),
            Method::Sobol => (32, 256),
        }
    }
}

/// A method's design: what its analysis needs beside the means at the design's points.
enum Design {
    Tornado,
    Morris(morris::Design),
    Sobol(sobol::Design),
}

/// A sensitivity study laid out: its inputs, outcomes, design and plan.
pub struct Sensitivity<'a> {
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
    pub fn new(s: &'a Scenario, d: SensitivityDefinition) -> Result<Sensitivity<'a>, StudyError> {
        let method = Method::from_name(&d.method).ok_or_else(|| {
            StudyError::Invalid(format!("unknown sensitivity method `{}`", d.method))
        })?;
        let (ids, list) = chosen_inputs(s, &d.params)?;
        let outcomes = outcomes(s, &d.outcomes)?;
        let names = texts(&outcomes);
        let (design, points) = design(method, &list, &d)?;
        let plan = plan(s, method, &ids, &points, &d);
        Ok(Sensitivity {
            s,
            definition: d,
            inputs: list,
            outcomes,
            names,
            design,
            points,
            plan,
        })
    }
}

/// The inputs `params` names, or every uncertain input if none.
fn chosen_inputs(
    s: &Scenario,
    params: &[String],
) -> Result<(Vec<ParamId>, Vec<Input>), StudyError> {
    let chosen = if params.is_empty() {
        inputs::uncertain(s)
    } else {
        inputs::select(s, params)?
    };
    if chosen.is_empty() {
        return Err(StudyError::Invalid(
            "the scenario has no uncertain inputs; name some with --param PATH=LO:HI".into(),
        ));
    }
    Ok(chosen.into_iter().unzip())
}

fn design(
    method: Method,
    list: &[Input],
    d: &SensitivityDefinition,
) -> Result<(Design, Vec<Vec<f64>>), StudyError> {
    Ok(match method {
        Method::Tornado => (Design::Tornado, tornado::design(list)),
        Method::Morris => {
            let m = morris::design(list.len(), d.samples, d.seed);
            let points = m.points(list);
            (Design::Morris(m), points)
        }
        Method::Sobol => {
            let design = sobol::design(list.len(), d.samples)?;
            let points = design.points(list);
            (Design::Sobol(design), points)
        }
    })
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

    fn metadata(&self) -> serde_json::Value {
        let inputs: Vec<serde_json::Value> = self
            .inputs
            .iter()
            .map(|i| serde_json::json!({ "path": i.path, "distribution": i.dist.to_string() }))
            .collect();
        let common = serde_json::json!({ "inputs": inputs });
        let mut meta = metadata(self.s, &self.plan, &self.names, common);
        if let (Some(m), serde_json::Value::Object(e)) = (meta.as_object_mut(), self.extra()) {
            m.extend(e);
        }
        meta
    }

    fn context(&self) -> String {
        let context = format!(
            "Scenario {}, {} runs per point, seed {}",
            self.s.name,
            thousands(self.plan.runs),
            self.plan.seed
        );
        match &self.design {
            Design::Sobol(d) => format!("{context}, N = {}", d.samples),
            _ => context,
        }
    }

    fn samples(&self) -> Option<(Vec<String>, &[Vec<f64>])> {
        let paths = self.inputs.iter().map(|i| i.path.clone()).collect();
        Some((paths, &self.points))
    }

    fn analyze(&self, values: &Values) -> Analysis {
        let means = values.means();
        let (list, names, seed) = (&self.inputs, &self.names, self.plan.seed);
        match &self.design {
            Design::Tornado => Analysis::Tornado(tornado::analyze(list, names, &means)),
            Design::Morris(d) => Analysis::Morris(morris::analyze(d, list, names, &means, seed)),
            Design::Sobol(d) => Analysis::Sobol(sobol::analyze(d, list, names, &means, seed)),
        }
    }
}

impl Sensitivity<'_> {
    /// The method's own fields of `study.json`.
    fn extra(&self) -> serde_json::Value {
        match &self.design {
            Design::Tornado => {
                serde_json::json!({ "quantiles": [tornado::LOW, 0.5, tornado::HIGH] })
            }
            Design::Morris(d) => {
                serde_json::json!({ "trajectories": d.trajectories, "levels": morris::LEVELS })
            }
            Design::Sobol(d) => serde_json::json!({
                "base_samples": d.samples,
                "bootstrap_resamples": sobol::RESAMPLES,
                "salib_problem": {
                    "num_vars": self.inputs.len(),
                    "names": self.inputs.iter().map(|i| i.path.clone()).collect::<Vec<_>>(),
                },
            }),
        }
    }
}
