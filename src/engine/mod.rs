//! The market engine: one run is a pure function of (scenario, seed, run index); the Monte
//! Carlo driver runs many in parallel. Nothing here prints, reads files or knows about the
//! command line.

mod beijing;
mod caps;
mod channels;
mod choice;
mod delivery;
mod grey;
mod inputs;
pub mod market;
pub mod montecarlo;
pub mod record;
mod reroute;
pub mod rng;
mod rules;
pub mod supply;
mod terms;

pub use market::{Workspace, prepare, simulate, step};
pub use montecarlo::{
    BLOCK_RUNS, CHUNK_RUNS, Progress, Sink, block_count, block_runs, simulate_blocks, simulate_runs,
};
pub use record::{Layout, Record};
pub use rng::StreamRng;
