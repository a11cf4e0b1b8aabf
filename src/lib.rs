//! exportsim: a Monte Carlo simulator of export-control scenarios for China's AI-chip market.
//!
//! Data flows one way, and each arrow is a type boundary:
//!
//! ```text
//! scenario TOML --scenario::load--> model::Scenario --engine::simulate_runs--> per-run Records
//!     --stats::summary--> Summary --> report (CSV, JSON) and plot (charts)
//! ```
//!
//! The engine is pure and silent; writers and charts read a [`stats::summary::Summary`] only.
//! Studies ([`study`]: sweeps, tornado, Morris, Sobol) are plans of points x runs fed through
//! the same engine, measuring [`outcome`] expressions such as `compute_share[vendor=nvidia]@2027`.
//! [`check`] holds a scenario's `[[target]]`s (what the record says) against its runs, and
//! [`calibrate`] fits unobservable parameters to them by ABC-SMC (`docs/calibration.md`).
//!
//! ```no_run
//! use exportsim::{scenario, simulate};
//! let (s, _warnings) = scenario::load("scenarios/baseline.toml".as_ref()).unwrap();
//! let summary = simulate::summarize(&s, s.seed, 200, 0, &()).unwrap();
//! let nvidia = summary.vendor("2028Q4", "nvidia", "compute_share").unwrap();
//! println!("Nvidia's compute share in 2028Q4: median {:.1}%", nvidia.p50 * 100.0);
//! ```

pub mod budget;
pub mod calibrate;
pub mod check;
pub mod display;
pub mod engine;
pub mod error;
pub mod model;
pub mod outcome;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod shard;
pub mod simulate;
pub mod stats;
pub mod study;
