//! A study as a value: the points it visits and the runs at each, enumerated up front so
//! the plan can be printed, counted and capped before anything runs.

use super::StudyError;
pub use crate::display::thousands;
use crate::model::{Distribution, ParamId, Scenario};
use std::fmt;

/// Plans above this many simulations need `--yes`.
pub const MAX_SIMULATIONS: u64 = 2_000_000;

/// One point of a study: values for some inputs; every other input keeps its distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Point(pub Vec<(ParamId, f64)>);

impl Point {
    /// The scenario at this point: `base` with these inputs fixed. Fixed inputs take no
    /// random draws, so every other input and run keeps its random streams.
    pub fn apply(&self, base: &Scenario) -> Scenario {
        let mut s = base.clone();
        for &(id, v) in &self.0 {
            s.params[id.0].dist = Distribution::fixed(v);
        }
        s
    }
}

/// Points x runs. Simulation (point p, replicate r) is run `r` of the engine with `seed`,
/// at every point: common random numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// What the study is, for the printout: "sweep", "tornado", "morris", "sobol".
    pub kind: String,
    pub points: Vec<Point>,
    pub runs: u64,
    pub seed: u64,
}

impl Plan {
    pub fn new(kind: &str, points: Vec<Point>, runs: u64, seed: u64) -> Plan {
        Plan {
            kind: kind.to_string(),
            points,
            runs,
            seed,
        }
    }

    /// A plan whose points fix `ids` to the rows of `values` (one value per id).
    pub fn from_rows(
        kind: &str,
        ids: &[ParamId],
        values: &[Vec<f64>],
        runs: u64,
        seed: u64,
    ) -> Plan {
        let points = values
            .iter()
            .map(|row| Point(ids.iter().copied().zip(row.iter().copied()).collect()))
            .collect();
        Plan::new(kind, points, runs, seed)
    }

    pub fn simulations(&self) -> u64 {
        self.points.len() as u64 * self.runs
    }

    /// The engine run behind replicate `r` of any point.
    pub fn run_of(&self, replicate: u64) -> u64 {
        replicate
    }

    /// Refuses plans above `cap` simulations unless `yes`.
    pub fn check(&self, cap: u64, yes: bool) -> Result<(), StudyError> {
        if self.runs == 0 || self.points.is_empty() {
            return Err(StudyError::Invalid(
                "the plan is empty: it needs at least one point and one run".into(),
            ));
        }
        if self.simulations() > cap && !yes {
            return Err(StudyError::TooLarge {
                simulations: self.simulations(),
                cap,
            });
        }
        Ok(())
    }
}

/// `sweep: 100 points x 1,000 runs = 100,000 simulations`.
impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} points x {} runs = {} simulations (seed {})",
            self.kind,
            thousands(self.points.len() as u64),
            thousands(self.runs),
            thousands(self.simulations()),
            self.seed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_caps_and_prints() {
        let plan = Plan::from_rows(
            "sweep",
            &[ParamId(3)],
            &[vec![0.1], vec![0.2], vec![0.3]],
            1000,
            7,
        );
        assert_eq!(plan.simulations(), 3000);
        assert_eq!(plan.points[1], Point(vec![(ParamId(3), 0.2)]));
        assert!(plan.check(2999, false).is_err());
        assert!(plan.check(2999, true).is_ok());
        assert!(plan.check(3000, false).is_ok());
        assert_eq!(
            plan.to_string(),
            "sweep: 3 points x 1,000 runs = 3,000 simulations (seed 7)"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
