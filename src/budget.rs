//! Up-front resource estimates: a run (or a study: points x runs) that would exceed the
//! machine's memory or take more than a day is refused before it starts, with the estimate,
//! unless the user insists (`--yes`).
//!
//! The estimates are rough by design (the point is to catch a mistyped run count or a
//! scenario with thousands of buyers, not to predict to the second). They model:
//!
//! - memory: every outcome cell has moments in each chunk sink in flight (a batch of blocks of
//!   chunks is simulated before it is merged; see `engine::montecarlo`), [`SINK_BYTES_PER_CELL`]
//!   each, and a quantile sketch per worker thread plus the merged one,
//!   [`SKETCH_BYTES_PER_CELL`] each;
//! - time: the engine's work grows with runs x quarters x buyers x chips
//!   ([`NANOS_PER_RUN_CELL`] each, spread over the threads), and summarizing with the number of
//!   cells ([`NANOS_PER_SUMMARY_CELL`] each, on one thread).
//!
//! The constants were measured on a release build (2 cores; a synthetic scenario of 40
//! quarters x 30 buyers x 40 chips, 247,480 cells: 187 bytes per cell and sink, about 3.9 KB
//! per cell and sketch, 210 ns per run and (quarter, buyer, chip), 9 us per cell to summarize)
//! and rounded up. Remeasure them when the engine or the accumulators change much.

use crate::engine::montecarlo::{BLOCK_CHUNKS, CHUNK_RUNS};
use crate::model::Scenario;
use crate::stats::cells::Cells;

/// Memory per outcome cell in one chunk's sink (moments and buffered rows), in bytes.
pub const SINK_BYTES_PER_CELL: f64 = 256.0;
/// Memory per outcome cell in one quantile sketch, in bytes.
pub const SKETCH_BYTES_PER_CELL: f64 = 4096.0;
/// Engine time per run and (quarter, buyer, chip), in nanoseconds of one core.
pub const NANOS_PER_RUN_CELL: f64 = 300.0;
/// Time to summarize one outcome cell (quantiles of its sketch), in nanoseconds.
pub const NANOS_PER_SUMMARY_CELL: f64 = 15_000.0;
/// Longest run accepted without `--yes`, in seconds.
pub const MAX_SECONDS: f64 = 24.0 * 3600.0;
/// Memory assumed when the machine's cannot be read, in bytes.
const FALLBACK_MEMORY: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;

/// What simulating `runs` runs of a scenario on `threads` threads is expected to need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub bytes: f64,
    pub seconds: f64,
}

impl Estimate {
    pub fn of(s: &Scenario, runs: u64, threads: usize) -> Estimate {
        let cells = Cells::of(s).len() as f64;
        let threads = threads.max(1) as f64;
        let chunks = (runs as f64 / CHUNK_RUNS as f64).ceil();
        let blocks_per_batch = (threads * 4.0 / BLOCK_CHUNKS as f64).ceil().max(1.0);
        let sinks = chunks.min(blocks_per_batch * BLOCK_CHUNKS as f64) + 1.0;
        let sketches = threads.min(chunks) + 1.0;
        let work = runs as f64 * (s.quarter_count() * s.buyers.len() * s.chips.len()) as f64;
        Estimate {
            bytes: cells * (SINK_BYTES_PER_CELL * sinks + SKETCH_BYTES_PER_CELL * sketches),
            seconds: work * NANOS_PER_RUN_CELL * 1e-9 / threads
                + cells * NANOS_PER_SUMMARY_CELL * 1e-9,
        }
    }

    /// Why the run should not start (with the estimate), or `None` if it fits in
    /// `memory_bytes` and a day.
    pub fn refusal(&self, memory_bytes: f64) -> Option<String> {
        if self.bytes <= memory_bytes && self.seconds <= MAX_SECONDS {
            return None;
        }
        Some(format!(
            "this run would need about {} of memory (this machine has {}) and take about {}",
            bytes(self.bytes),
            bytes(memory_bytes),
            duration(self.seconds)
        ))
    }
}

/// The machine's physical memory (Linux: /proc/meminfo), or 8 GiB if it cannot be read.
pub fn machine_memory() -> f64 {
    let kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        });
    kib.map_or(FALLBACK_MEMORY, |k| k * 1024.0)
}

fn bytes(b: f64) -> String {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else {
        format!("{:.0} MiB", b / (1024.0 * 1024.0))
    }
}

fn duration(s: f64) -> String {
    match s {
        s if s >= 2.0 * 86400.0 => format!("{:.0} days", s / 86400.0),
        s if s >= 3600.0 => format!("{:.0} hours", s / 3600.0),
        s if s >= 60.0 => format!("{:.0} minutes", s / 60.0),
        s => format!("{s:.0} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_with_the_estimate() {
        let big = Estimate {
            bytes: 3e12,
            seconds: 10.0,
        };
        assert!(
            big.refusal(16e9)
                .unwrap()
                .contains("about 2794.0 GiB of memory (this machine has 14.9 GiB)")
        );
        let long = Estimate {
            bytes: 1e6,
            seconds: 5.0 * 86400.0,
        };
        assert!(long.refusal(16e9).unwrap().ends_with("take about 5 days"));
        assert_eq!(
            Estimate {
                bytes: 1e6,
                seconds: 60.0
            }
            .refusal(16e9),
            None
        );
    }
}
