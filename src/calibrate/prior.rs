//! The parameters a calibration fits and their priors: `--param PATH` takes the
//! distribution the scenario gives the parameter, `--param PATH=LOW:HIGH` a uniform range.

use crate::model::{Distribution, ParamId, Scenario};
use crate::study::StudyError;

/// One `--param` as given on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub path: String,
    /// A uniform prior on [low, high], or `None` for the scenario's own distribution.
    pub range: Option<(f64, f64)>,
}

impl Spec {
    /// Reads `PATH` or `PATH=LOW:HIGH`, checking the path against `scenario`.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Spec, StudyError> {
        let bad = |reason: &str| StudyError::BadSpec {
            spec: text.to_string(),
            reason: reason.to_string(),
        };
        let (path, range) = match text.split_once('=') {
            None => (text.trim(), None),
            Some((path, range)) => {
                let (low, high) = range
                    .split_once(':')
                    .ok_or_else(|| bad("write the range as LOW:HIGH, e.g. 0.5:4"))?;
                let num = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
                let (Some(low), Some(high)) = (num(low), num(high)) else {
                    return Err(bad("LOW and HIGH must be finite numbers"));
                };
                if low >= high {
                    return Err(bad("the range is empty: LOW must be below HIGH"));
                }
                (path.trim(), Some((low, high)))
            }
        };
        let id = find(scenario, path)?;
        if range.is_none() && scenario.param(id).dist.is_fixed() {
            let value = scenario.param(id).dist.to_string();
            return Err(bad(&format!(
                "the scenario fixes it at {value}, so it has no prior; give a range, e.g. {path}=LOW:HIGH"
            )));
        }
        Ok(Spec {
            path: path.to_string(),
            range,
        })
    }
}

/// A fitted parameter and its prior.
#[derive(Debug, Clone)]
pub struct Prior {
    pub path: String,
    pub id: ParamId,
    pub dist: Distribution,
}

impl Prior {
    /// The parameter value at a point of the unit cube: the prior's quantile function.
    pub fn value_at(&self, u: f64) -> f64 {
        self.dist.quantile(u)
    }
}

/// The priors of `paths` in `scenario` (whose distributions are the priors).
pub fn priors(scenario: &Scenario, paths: &[String]) -> Result<Vec<Prior>, StudyError> {
    paths
        .iter()
        .map(|path| {
            let id = find(scenario, path)?;
            Ok(Prior {
                path: path.clone(),
                id,
                dist: scenario.param(id).dist.clone(),
            })
        })
        .collect()
}

fn find(scenario: &Scenario, path: &str) -> Result<ParamId, StudyError> {
    scenario.param_by_path(path).ok_or_else(|| {
        let near = crate::display::nearest(path, scenario.params.iter().map(|p| p.path.as_str()));
        let help = match near {
            Some(n) => format!("; did you mean `{n}`? (`exportsim params SCENARIO` lists them)"),
            None => "; `exportsim params SCENARIO` lists them".to_string(),
        };
        StudyError::UnknownParam {
            path: path.to_string(),
            help,
        }
    })
}
