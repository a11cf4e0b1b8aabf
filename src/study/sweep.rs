//! Sweeps: one or two parameters set to each value of a grid, every outcome's distribution
//! over runs at each point.

use super::driver::Values;
use super::summary::describe;
use super::{Plan, StudyError, inputs};
use crate::model::{ParamId, Scenario};
use crate::outcome::Outcome;
use crate::stats::Stats;

/// Most values along one axis.
pub const MAX_AXIS_VALUES: usize = 1000;

/// One swept parameter and its values, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub id: ParamId,
    pub path: String,
    pub values: Vec<f64>,
}

/// Parses `PATH=SPEC` against the scenario's parameters.
pub fn parse_axis(s: &Scenario, text: &str) -> Result<Axis, StudyError> {
    let bad = |reason: &str| StudyError::BadSpec {
        spec: text.to_string(),
        reason: reason.to_string(),
    };
    let (path, spec) = text
        .split_once('=')
        .ok_or_else(|| bad("write PATH=START:END:COUNT or PATH=V1,V2,..."))?;
    let id = inputs::find(s, path.trim())?;
    let values = parse_values(spec).map_err(|r| bad(&r))?;
    Ok(Axis {
        id,
        path: path.trim().to_string(),
        values,
    })
}

/// `start:end:count` (count evenly spaced values, both ends included) or `v1,v2,...`.
pub fn parse_values(spec: &str) -> Result<Vec<f64>, String> {
    let num = |x: &str| {
        x.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{}` is not a number", x.trim()))
    };
    let values = if spec.contains(':') {
        let parts: Vec<&str> = spec.split(':').collect();
        let [start, end, count] = parts[..] else {
            return Err("a range is START:END:COUNT, e.g. 0:1:11".into());
        };
        let (start, end) = (num(start)?, num(end)?);
        let count: usize = count
            .trim()
            .parse()
            .map_err(|_| format!("the count `{}` is not a whole number", count.trim()))?;
        match count {
            0 => return Err("the count must be at least 1".into()),
            1 if start != end => {
                return Err("a range with one value needs START = END (or list the value)".into());
            }
            1 => vec![start],
            n => (0..n)
                .map(|i| start + (end - start) * i as f64 / (n - 1) as f64)
                .collect(),
        }
    } else {
        spec.split(',')
            .map(num)
            .collect::<Result<Vec<f64>, String>>()?
    };
    if values.len() > MAX_AXIS_VALUES {
        return Err(format!(
            "{} values; an axis takes at most {MAX_AXIS_VALUES}",
            values.len()
        ));
    }
    Ok(values)
}

/// A sweep: its axes (one or two), outcomes, runs per point and seed.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub axes: Vec<Axis>,
    pub outcomes: Vec<Outcome>,
    pub runs: u64,
    pub seed: u64,
}

impl Sweep {
    pub fn new(
        axes: Vec<Axis>,
        outcomes: Vec<Outcome>,
        runs: u64,
        seed: u64,
    ) -> Result<Sweep, StudyError> {
        if axes.is_empty() || axes.len() > 2 {
            return Err(StudyError::Invalid(format!(
                "a sweep takes one or two --param (got {})",
                axes.len()
            )));
        }
        if axes.len() == 2 && axes[0].id == axes[1].id {
            return Err(StudyError::Invalid(format!(
                "`{}` is swept twice",
                axes[0].path
            )));
        }
        if outcomes.is_empty() {
            return Err(StudyError::Invalid(
                "a sweep needs at least one --outcome".into(),
            ));
        }
        Ok(Sweep {
            axes,
            outcomes,
            runs,
            seed,
        })
    }

    /// Every point's parameter values; the first axis varies slowest.
    pub fn grid(&self) -> Vec<Vec<f64>> {
        let mut rows: Vec<Vec<f64>> = vec![Vec::new()];
        for axis in &self.axes {
            rows = rows
                .iter()
                .flat_map(|r| {
                    axis.values
                        .iter()
                        .map(move |v| [r.as_slice(), &[*v]].concat())
                })
                .collect();
        }
        rows
    }

    pub fn plan(&self) -> Plan {
        let ids: Vec<ParamId> = self.axes.iter().map(|a| a.id).collect();
        Plan::from_rows("sweep", &ids, &self.grid(), self.runs, self.seed)
    }

    /// Values outside the support of a parameter's distribution in the scenario.
    pub fn warnings(&self, s: &Scenario) -> Vec<String> {
        let mut out = Vec::new();
        for a in &self.axes {
            let dist = &s.param(a.id).dist;
            let (lo, hi) = dist.support();
            if !dist.is_fixed() && a.values.iter().any(|v| *v < lo || *v > hi) {
                out.push(format!(
                    "`{}` is swept outside [{lo}, {hi}], the range of its distribution {dist}",
                    a.path
                ));
            }
        }
        out
    }

    /// Each point's statistics of each outcome over runs.
    pub fn summarize(&self, values: &Values) -> SweepResult {
        let grid = self.grid();
        let rows = grid
            .iter()
            .enumerate()
            .flat_map(|(p, at)| {
                (0..self.outcomes.len()).map(move |o| SweepRow {
                    at: at.clone(),
                    outcome: o,
                    stats: describe(values.runs_of(p, o)),
                })
            })
            .collect();
        SweepResult {
            params: self.axes.iter().map(|a| a.path.clone()).collect(),
            axes: self.axes.iter().map(|a| a.values.clone()).collect(),
            outcomes: self.outcomes.iter().map(|o| o.text().to_string()).collect(),
            runs: self.runs,
            seed: self.seed,
            rows,
        }
    }
}

/// Runs per point when neither the command line nor the `[[sweep]]` table says.
pub const DEFAULT_RUNS: u64 = 500;

/// The `[[sweep]]` tables of a scenario file as sweeps, each with its name (`sweep_N`, from
/// 1, when the table has none). `runs` and `seed` override the tables' own when given.
pub fn from_tables(
    s: &Scenario,
    tables: &[crate::scenario::raw::RawSweep],
    runs: Option<u64>,
    seed: Option<u64>,
) -> Result<Vec<(String, Sweep)>, StudyError> {
    let mut out = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let name = t.name.clone().unwrap_or_else(|| format!("sweep_{}", i + 1));
        let context = |e: StudyError| StudyError::Invalid(format!("[[sweep]] `{name}`: {e}"));
        let axes = t
            .param
            .iter()
            .flatten()
            .map(|p| parse_axis(s, p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(context)?;
        let outcomes = t
            .outcome
            .iter()
            .flatten()
            .map(|o| Outcome::parse(o, s).map_err(StudyError::from))
            .collect::<Result<Vec<_>, _>>()
            .map_err(context)?;
        let sweep = Sweep::new(
            axes,
            outcomes,
            runs.or(t.runs).unwrap_or(DEFAULT_RUNS),
            seed.or(t.seed).unwrap_or(s.seed),
        )
        .map_err(context)?;
        out.push((name, sweep));
    }
    Ok(out)
}

/// One point's statistics of one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The parameters' values, in axis order.
    pub at: Vec<f64>,
    /// Index into [`SweepResult::outcomes`].
    pub outcome: usize,
    pub stats: Stats,
}

/// What a sweep found; the input of its CSV and charts.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    pub params: Vec<String>,
    pub axes: Vec<Vec<f64>>,
    pub outcomes: Vec<String>,
    pub runs: u64,
    pub seed: u64,
    /// Points in grid order (first axis slowest), outcomes within each point.
    pub rows: Vec<SweepRow>,
}

impl SweepResult {
    /// The rows of one outcome, in grid order.
    pub fn rows_of(&self, outcome: usize) -> impl Iterator<Item = &SweepRow> {
        self.rows.iter().filter(move |r| r.outcome == outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_give_ranges_and_lists() {
        assert_eq!(
            parse_values("0:1:5").unwrap(),
            vec![0.0, 0.25, 0.5, 0.75, 1.0]
        );
        assert_eq!(parse_values("2:2:1").unwrap(), vec![2.0]);
        assert_eq!(parse_values("0.1, 0.5,2").unwrap(), vec![0.1, 0.5, 2.0]);
        assert_eq!(parse_values("1e3").unwrap(), vec![1000.0]);
        for bad in [
            "0:1",
            "0:1:0",
            "0:1:1",
            "a,b",
            "0:1:x",
            "1,,2",
            "0:1:100000",
        ] {
            assert!(parse_values(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn grid_varies_the_first_axis_slowest() {
        let axis = |k: usize, values: Vec<f64>| Axis {
            id: ParamId(k),
            path: format!("p{k}"),
            values,
        };
        let sweep = Sweep {
            axes: vec![axis(0, vec![1.0, 2.0]), axis(1, vec![10.0, 20.0, 30.0])],
            outcomes: vec![],
            runs: 3,
            seed: 1,
        };
        let grid = sweep.grid();
        assert_eq!(grid.len(), 6);
        assert_eq!(grid[0], vec![1.0, 10.0]);
        assert_eq!(grid[2], vec![1.0, 30.0]);
        assert_eq!(grid[3], vec![2.0, 10.0]);
        assert_eq!(sweep.plan().simulations(), 18);
    }
}
