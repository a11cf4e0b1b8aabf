//! Every bound a scenario's values must respect: sizes that bound what a run allocates,
//! the largest accepted number, and the ranges numeric fields are checked against. `validate`
//! and `numbers` (and `policy`, `supply`) read them here, so the arrows run one way: the
//! checkers extend `validate`'s `Validator`, and `validate` imports none of them.

/// Largest run count accepted from a file or the command line.
pub const MAX_RUNS: u64 = 100_000_000;
/// Longest horizon, in quarters; also the largest lead time, delay or backlog age.
pub const MAX_QUARTERS: i64 = 200;
/// Longest scenario name or id, in characters.
pub const MAX_ID_CHARS: usize = 100;

/// Largest magnitude accepted for any number: bigger ones are taken for typos, and keep sums
/// of quantities over a long horizon far from overflow.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// The range a numeric field's values must lie in.
#[derive(Clone, Copy)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub what: &'static str,
}

pub const ANY: Range = Range {
    min: -MAX_MAGNITUDE,
    max: MAX_MAGNITUDE,
    what: "a finite number",
};
pub const NONNEG: Range = Range {
    min: 0.0,
    max: MAX_MAGNITUDE,
    what: "non-negative",
};
pub const UNIT: Range = Range {
    min: 0.0,
    max: 1.0,
    what: "in [0, 1]",
};
pub const GROWTH: Range = Range {
    min: -1.0,
    max: 10.0,
    what: "between -1 (a fall of 100%) and 10 (a rise of 1000%)",
};
pub const QUARTERS: Range = Range {
    min: 0.0,
    max: MAX_QUARTERS as f64,
    what: "between 0 and 200 quarters",
};
