//! The inputs a study varies: scenario parameters found by path, with the distribution a
//! sensitivity method samples them from.

use super::StudyError;
use crate::display::nearest;
use crate::model::{DistSpec, Distribution, ParamId, Scenario};

/// One input of a sensitivity study: a name and the distribution its values come from.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: String,
    pub dist: Distribution,
}

/// Quantiles used for unit-cube coordinates stay this far inside (0, 1), so inputs with an
/// unbounded support never get an infinite value.
const EDGE: f64 = 1e-9;

impl Input {
    pub fn new(path: impl Into<String>, dist: Distribution) -> Input {
        Input {
            path: path.into(),
            dist,
        }
    }

    /// The input's value at unit-cube coordinate `u`: its `u`-quantile.
    pub fn value_at(&self, u: f64) -> f64 {
        self.dist.quantile(u.clamp(EDGE, 1.0 - EDGE))
    }
}

/// Maps a point of the unit cube to input values, one coordinate per input.
pub fn values_at(inputs: &[Input], unit: &[f64]) -> Vec<f64> {
    inputs
        .iter()
        .zip(unit)
        .map(|(i, u)| i.value_at(*u))
        .collect()
}

/// The parameter at `path`, or an error that suggests the nearest paths.
pub fn find(s: &Scenario, path: &str) -> Result<ParamId, StudyError> {
    s.param_by_path(path).ok_or_else(|| {
        let paths = s.params.iter().map(|p| p.path.as_str());
        let help = match nearest(path, paths) {
            Some(n) => {
                format!("; did you mean `{n}`? (`exportsim params SCENARIO` lists every path)")
            }
            None => "; `exportsim params SCENARIO` lists every path".to_string(),
        };
        StudyError::UnknownParam {
            path: path.to_string(),
            help,
        }
    })
}

/// Every uncertain input of the scenario (those with a distribution), in file order.
pub fn uncertain(s: &Scenario) -> Vec<(ParamId, Input)> {
    s.params
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.dist.is_fixed())
        .map(|(k, p)| (ParamId(k), Input::new(p.path.clone(), p.dist.clone())))
        .collect()
}

/// The inputs named by `--param` specs: `PATH` takes the parameter's own distribution (it
/// must have one); `PATH=LO:HI` studies it as uniform on [LO, HI] whatever it is in the file.
pub fn select(s: &Scenario, specs: &[String]) -> Result<Vec<(ParamId, Input)>, StudyError> {
    let mut out: Vec<(ParamId, Input)> = Vec::new();
    for spec in specs {
        let (path, range) = match spec.split_once('=') {
            Some((p, r)) => (p.trim(), Some(r.trim())),
            None => (spec.trim(), None),
        };
        let id = find(s, path)?;
        if out.iter().any(|(k, _)| *k == id) {
            return Err(StudyError::BadSpec {
                spec: spec.clone(),
                reason: format!("`{path}` is listed twice"),
            });
        }
        let dist = match range {
            Some(r) => uniform(spec, r)?,
            None if s.param(id).dist.is_fixed() => {
                let reason = format!(
                    "`{path}` is fixed at {} in this scenario; give it a range to study, e.g. `--param {path}=LO:HI`",
                    s.param(id).dist
                );
                return Err(StudyError::BadSpec {
                    spec: spec.clone(),
                    reason,
                });
            }
            None => s.param(id).dist.clone(),
        };
        out.push((id, Input::new(path, dist)));
    }
    Ok(out)
}

fn uniform(spec: &str, range: &str) -> Result<Distribution, StudyError> {
    let bad = |reason: String| StudyError::BadSpec {
        spec: spec.to_string(),
        reason,
    };
    let (lo, hi) = range
        .split_once(':')
        .ok_or_else(|| bad("a sensitivity range is written LO:HI, e.g. 0.2:0.8".into()))?;
    let num = |x: &str| {
        x.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| bad(format!("`{x}` is not a number")))
    };
    let (lo, hi) = (num(lo)?, num(hi)?);
    if lo >= hi {
        return Err(bad(format!(
            "the range {lo}:{hi} is empty: LO must be below HI"
        )));
    }
    Distribution::new(DistSpec::Uniform { min: lo, max: hi }).map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_from_quantiles_and_stay_finite() {
        let normal = Distribution::new(DistSpec::Normal {
            mean: 0.0,
            sd: 1.0,
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        })
        .unwrap();
        let input = Input::new("x", normal);
        assert_eq!(input.value_at(0.5), 0.0);
        assert!(input.value_at(0.0).is_finite() && input.value_at(1.0).is_finite());
        let u = Input::new(
            "u",
            Distribution::new(DistSpec::Uniform {
                min: 10.0,
                max: 20.0,
            })
            .unwrap(),
        );
        assert_eq!(values_at(&[u.clone(), u], &[0.1, 0.9]), vec![11.0, 19.0]);
    }

    #[test]
    fn ranges_must_be_well_formed() {
        assert!(uniform("x=1:2", "1:2").is_ok());
        for bad in ["1", "2:1", "a:2", "1:inf"] {
            assert!(uniform("x", bad).is_err(), "{bad}");
        }
    }
}
