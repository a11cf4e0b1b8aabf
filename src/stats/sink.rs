//! The sink that feeds a [`super::summary::Summary`]: each chunk of runs buffers its rows of
//! cells and folds them into moments of its own and into sketches borrowed from a shared pool.

use super::Accumulator;
use super::cells::Cells;
use crate::engine::Record;

/// Sketch sets shared by the chunks of a simulation: a chunk borrows one, fills it and
/// gives it back, so there are about as many as threads, whatever the run count.
pub struct SketchPool {
    cells: usize,
    free: std::sync::Mutex<Vec<Accumulator>>,
}

impl SketchPool {
    pub fn new(cells: usize) -> SketchPool {
        SketchPool {
            cells,
            free: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn take(&self) -> Accumulator {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        free.pop()
            .unwrap_or_else(|| Accumulator::new(self.cells).take_sketches())
    }

    fn give(&self, sketches: Accumulator) {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sketches);
    }

    /// All sketches merged (exact, so the order they are merged in does not matter).
    pub fn merged(self) -> Accumulator {
        let mut all = Accumulator::new(self.cells).take_sketches();
        for s in self.free.into_inner().unwrap_or_else(|e| e.into_inner()) {
            all.merge_sketches(&s);
        }
        all
    }
}

/// Rows buffered before they are folded into the accumulators: enough to make the
/// cell-by-cell pass cache-friendly, few enough to stay in cache.
const FLUSH_ROWS: usize = 32;

/// The sink that feeds the summary. Each chunk buffers its runs' rows and folds them in
/// cell by cell when the chunk ends: moments into its own accumulator (merged in run
/// order), sketches into a set borrowed from the pool.
pub struct SummarySink<'a> {
    pub cells: &'a Cells,
    pub acc: Accumulator,
    pool: &'a SketchPool,
    rows: Vec<f64>,
    count: usize,
}

impl<'a> SummarySink<'a> {
    pub fn new(cells: &'a Cells, pool: &'a SketchPool) -> SummarySink<'a> {
        SummarySink {
            cells,
            acc: Accumulator::new(cells.len()).without_sketches(),
            pool,
            rows: Vec::new(),
            count: 0,
        }
    }

    /// Folds the buffered rows in, cell by cell.
    fn flush(&mut self) {
        if self.count == 0 {
            return;
        }
        let n = self.cells.len();
        let mut sketches = self.pool.take();
        self.acc.add_rows(
            &self.rows[..self.count * n],
            self.count,
            sketches.sketches_mut(),
        );
        self.pool.give(sketches);
        self.count = 0;
    }

    /// The moments gathered so far (without sketches: those are in the pool).
    pub fn into_accumulator(self) -> Accumulator {
        self.acc
    }
}

impl crate::engine::Sink for SummarySink<'_> {
    fn add(&mut self, _run: u64, record: &Record) {
        let n = self.cells.len();
        self.rows.resize((self.count + 1) * n, 0.0);
        self.cells.extract(record, &mut self.rows[self.count * n..]);
        self.count += 1;
        if self.count == FLUSH_ROWS {
            self.flush();
        }
    }

    fn finish(&mut self) {
        self.flush();
        self.rows = Vec::new();
    }

    fn merge(&mut self, later: Self) {
        self.acc.merge(&later.acc);
    }
}
