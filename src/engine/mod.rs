//! The market engine: one run is a pure function of (scenario, seed, run index); the Monte
//! Carlo driver runs many in parallel. Nothing here prints, reads files or knows about the
//! command line.

pub mod market;
pub mod montecarlo;
pub mod record;
pub mod rng;
pub mod supply;

pub use market::{Workspace, prepare, simulate, step};
pub use montecarlo::{
    BLOCK_RUNS, CHUNK_RUNS, Progress, Sink, block_count, block_runs, simulate_blocks, simulate_runs,
};
pub use record::{Layout, Record};
pub use rng::StreamRng;
