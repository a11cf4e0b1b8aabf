//! exportsim: a Monte Carlo simulator of export-control scenarios for China's AI-chip market.
//!
//! Data flows one way, and each arrow is a type boundary (`docs/architecture.md` has the map):
//!
//! ```text
//! scenario TOML --scenario::load--> Loaded { model::Scenario, targets, sweeps, ... }
//!     --engine (one pure run; montecarlo drives many)--> per-run Records
//!     --stats--> Summary --> report (CSV, JSON, HTML) and plot (charts)
//! ```
//!
//! The engine is pure and silent; writers and charts read a [`stats::summary::Summary`] only.
//! Studies ([`study`]: sweeps, tornado, Morris, Sobol) are plans of points x runs fed through
//! the same engine, measuring [`outcome`] expressions such as `compute_share[vendor=nvidia]@2027`.
//! [`check`] holds a scenario's `[[target]]`s (what the record says) against its runs, and
//! [`calibrate`] fits unobservable parameters to them by ABC-SMC (`docs/calibration.md`).
//! [`shard`] splits any of these over machines and merges them back, byte for byte. The
//! command line is the binary's own (`src/cli/`), not part of this library: simulations run
//! on the caller's rayon pool.
//!
//! ```
//! use exportsim::{scenario, simulate};
//! let s = scenario::load("scenarios/baseline.toml".as_ref()).unwrap().scenario;
//! let summary = simulate::summarize(&s, s.seed, 50, &());
//! let nvidia = summary.vendor("2028Q4", "nvidia", "compute_share").unwrap();
//! assert!((0.0..=1.0).contains(&nvidia.p50));
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
