//! Studies: sweeps, tornado diagrams, Morris screening and Sobol indices, each a [`Plan`]
//! of points x runs fed through the one engine.
//!
//! A point fixes some of the scenario's numeric inputs ([`crate::model::Param`]s) to
//! values; run `i` of every point draws from the same random streams (the engine keys them
//! by seed, run and input), so differences between points come from the inputs, not from
//! noise (common random numbers). Every study is laid out up front, counted and capped
//! before anything runs ([`plan`]); [`driver`] simulates it in parallel with results that
//! do not depend on the thread count.
//!
//! The sensitivity methods work in the unit hypercube and map each coordinate through its
//! input's quantile function ([`Input::value_at`]), so any distribution can be an input.
//! Their estimators are generic over a [`Model`], such as a plain function ([`FnModel`],
//! used by the tests on functions with known indices); the commands run the engine through
//! [`driver`].
//! Methods and estimators are described, with references, in `docs/studies.md`.

pub mod driver;
pub mod inputs;
pub mod kind;
pub mod morris;
pub mod plan;
pub mod sensitivity;
pub mod sobol;
pub mod spec;
pub mod summary;
pub mod sweep;
pub mod tornado;
pub mod write;

pub use inputs::Input;
pub use plan::{Plan, Point};

use crate::outcome::OutcomeError;

/// Why a study could not be set up or run. Messages name the thing to fix.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error("no parameter `{path}` in this scenario{help}")]
    UnknownParam { path: String, help: String },
    #[error("bad parameter spec `{spec}`: {reason}")]
    BadSpec { spec: String, reason: String },
    #[error("{0}")]
    Outcome(#[from] OutcomeError),
    #[error("{0}")]
    Invalid(String),
    #[error(
        "the plan needs {simulations} simulations, more than the cap of {cap}; pass --yes to run it anyway, or lower --runs or --samples"
    )]
    TooLarge { simulations: u64, cap: u64 },
}

/// Something that gives outcome means at points of the inputs' space.
pub trait Model {
    /// How many outcomes each point gives.
    fn outcomes(&self) -> usize;
    /// For each point (one value per input), the mean of each outcome: `[point][outcome]`.
    fn means(&self, points: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, StudyError>;
}

/// A deterministic function of the inputs as a one-outcome [`Model`].
pub struct FnModel<F: Fn(&[f64]) -> f64 + Sync>(pub F);

impl<F: Fn(&[f64]) -> f64 + Sync> Model for FnModel<F> {
    fn outcomes(&self) -> usize {
        1
    }

    fn means(&self, points: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, StudyError> {
        Ok(points.iter().map(|x| vec![(self.0)(x)]).collect())
    }
}

/// A seeded generator for a study's own draws (designs, bootstrap), apart from the runs'.
pub(crate) fn design_rng(seed: u64, purpose: u64) -> crate::engine::rng::StreamRng {
    use rand::SeedableRng;
    let m = crate::engine::rng::mix;
    crate::engine::rng::StreamRng::seed_from_u64(m(m(seed ^ 0x5354_5544_5900_0000) ^ purpose))
}
