//! Mergeable accumulators: moments and quantile sketches per outcome cell.
//!
//! Runs are added in fixed chunks and chunks are merged in chunk order, so sums (and so
//! means and standard deviations) are the same bits whatever the thread count; sketches
//! merge exactly in any order.
//!
//! Here: [`Moments`], [`Stats`] and the [`Accumulator`]. `cells` lays out and fills one run's
//! cells, `metric` names the metrics, `sink` folds runs in, `summary` builds the tables.

pub mod cells;
pub mod metric;
pub mod sink;
pub mod sketch;
pub mod summary;

pub use sketch::Sketch;

/// Moments of the non-zero values of a cell: their count, and sums of their deviations
/// and squared deviations from a shift `k` (the first value seen), which keeps the sums
/// accurate without a division per value. Zeros join in closed form when reported.
/// Merging uses Chan et al.'s pairwise update, so merged results depend only on the order
/// of merging, which the driver fixes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Moments {
    nonzero: u64,
    shift: f64,
    sum: f64,
    sum_sq: f64,
}

impl Moments {
    /// Whether no non-zero value was added.
    pub fn is_empty(&self) -> bool {
        self.nonzero == 0
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        if self.nonzero == 0 {
            self.shift = x;
        }
        self.nonzero += 1;
        let d = x - self.shift;
        self.sum += d;
        self.sum_sq += d * d;
    }

    /// Mean and sum of squared deviations from the mean, of the non-zero values.
    fn mean_m2(&self) -> (f64, f64) {
        if self.nonzero == 0 {
            return (0.0, 0.0);
        }
        let n = self.nonzero as f64;
        (
            self.shift + self.sum / n,
            (self.sum_sq - self.sum * self.sum / n).max(0.0),
        )
    }

    pub fn merge(&mut self, o: &Moments) {
        if o.nonzero == 0 {
            return;
        }
        if self.nonzero == 0 {
            *self = o.clone();
            return;
        }
        let (ma, m2a) = self.mean_m2();
        let (mb, m2b) = o.mean_m2();
        let (na, nb) = (self.nonzero as f64, o.nonzero as f64);
        let n = na + nb;
        let d = mb - ma;
        let mean = ma + d * nb / n;
        let m2 = m2a + m2b + d * d * na * nb / n;
        // Re-express as sums around the merged mean.
        self.nonzero += o.nonzero;
        self.shift = mean;
        self.sum = 0.0;
        self.sum_sq = m2;
    }

    /// Mean and (sample) standard deviation over `n` values, the others being zero.
    pub fn mean_sd(&self, n: u64) -> (f64, f64) {
        if n == 0 {
            return (0.0, 0.0);
        }
        let (mean_nz, m2_nz) = self.mean_m2();
        let k = self.nonzero as f64;
        let nf = n as f64;
        let mean = mean_nz * k / nf;
        let m2 = m2_nz + k * (nf - k) / nf * mean_nz * mean_nz;
        let sd = if n > 1 {
            (m2.max(0.0) / (nf - 1.0)).sqrt()
        } else {
            0.0
        };
        (mean, sd)
    }
}

/// The summary of a distribution reported in every output.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub mean: f64,
    pub sd: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// Statistics of a fixed number of cells over runs: moments, merged in run order, and
/// quantile sketches, merged in any order (their merge is exact).
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    runs: u64,
    moments: Vec<Moments>,
    sketches: Vec<Sketch>,
}

impl Accumulator {
    pub fn new(cells: usize) -> Accumulator {
        Accumulator {
            runs: 0,
            moments: vec![Moments::default(); cells],
            sketches: vec![Sketch::default(); cells],
        }
    }

    pub fn runs(&self) -> u64 {
        self.runs
    }

    pub fn cells(&self) -> usize {
        self.moments.len()
    }

    /// The moments of every cell.
    pub fn moments(&self) -> &[Moments] {
        &self.moments
    }

    /// An accumulator from saved parts (a shard's blocks, say); `sketches` may be empty.
    pub fn from_parts(runs: u64, moments: Vec<Moments>, sketches: Vec<Sketch>) -> Accumulator {
        Accumulator {
            runs,
            moments,
            sketches,
        }
    }

    /// Moves the sketches out (empty if they are pooled elsewhere).
    pub fn into_sketches(self) -> Vec<Sketch> {
        self.sketches
    }

    /// Adds one run's values, one per cell. Zeros cost only a count.
    pub fn add(&mut self, values: &[f64]) {
        let mut sketches = std::mem::take(&mut self.sketches);
        self.add_rows(values, 1, &mut sketches);
        self.sketches = sketches;
    }

    /// Adds `rows` runs stored row after row in `values` (`rows * cells` long), cell by
    /// cell, which keeps each cell's sketch in cache. Moments go to this accumulator,
    /// quantiles to `sketches` (one per cell).
    pub fn add_rows(&mut self, values: &[f64], rows: usize, sketches: &mut [Sketch]) {
        let cells = self.moments.len();
        debug_assert_eq!(values.len(), rows * cells);
        debug_assert_eq!(sketches.len(), cells);
        self.runs += rows as u64;
        for (cell, (m, sk)) in self.moments.iter_mut().zip(sketches.iter_mut()).enumerate() {
            for r in 0..rows {
                let x = values[r * cells + cell];
                if x != 0.0 {
                    m.add(x);
                    sk.add(x);
                }
            }
        }
    }

    /// This accumulator's moments with no sketches (for chunks that fill pooled sketches).
    pub fn without_sketches(mut self) -> Accumulator {
        self.sketches = Vec::new();
        self
    }

    /// The sketches, one per cell.
    pub fn sketches_mut(&mut self) -> &mut [Sketch] {
        &mut self.sketches
    }

    /// Replaces the sketches with `sketches` (for putting pooled sketches back together).
    pub fn set_sketches(&mut self, sketches: Accumulator) {
        self.sketches = sketches.sketches;
    }

    /// Merges the moments of runs that come after this accumulator's, and all sketches.
    pub fn merge(&mut self, later: &Accumulator) {
        self.runs += later.runs;
        for (a, b) in self.moments.iter_mut().zip(&later.moments) {
            a.merge(b);
        }
        self.merge_sketches(later);
    }

    /// Merges only the sketches (order does not matter).
    pub fn merge_sketches(&mut self, other: &Accumulator) {
        if self.sketches.is_empty() {
            self.sketches = other.sketches.clone();
            return;
        }
        for (a, b) in self.sketches.iter_mut().zip(&other.sketches) {
            a.merge(b);
        }
    }

    /// Moves the sketches out, leaving empty ones.
    pub fn take_sketches(&mut self) -> Accumulator {
        let empty = vec![Sketch::default(); self.sketches.len()];
        Accumulator {
            runs: 0,
            moments: Vec::new(),
            sketches: std::mem::replace(&mut self.sketches, empty),
        }
    }

    pub fn stats(&self, cell: usize) -> Stats {
        let (mean, sd) = self.moments[cell].mean_sd(self.runs);
        let mut sketch = self.sketches[cell].clone();
        sketch.add_zeros(self.runs.saturating_sub(sketch.count()));
        Stats {
            mean,
            sd,
            p05: sketch.quantile(0.05),
            p25: sketch.quantile(0.25),
            p50: sketch.quantile(0.50),
            p75: sketch.quantile(0.75),
            p95: sketch.quantile(0.95),
        }
    }

    /// Mean of a cell (cheap: no quantiles).
    pub fn mean(&self, cell: usize) -> f64 {
        self.moments[cell].mean_sd(self.runs).0
    }

    /// Whether any run gave the cell a non-zero value.
    pub fn any_nonzero(&self, cell: usize) -> bool {
        self.moments[cell].nonzero > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_with_zeros_match_direct() {
        let xs = [0.0, 1.0, 0.0, 4.0, 2.5, 0.0, 7.0];
        let (mut m, mut tail) = (Moments::default(), Moments::default());
        xs[..3]
            .iter()
            .filter(|x| **x != 0.0)
            .for_each(|x| m.add(*x));
        xs[3..]
            .iter()
            .filter(|x| **x != 0.0)
            .for_each(|x| tail.add(*x));
        m.merge(&tail);
        let (mean, sd) = m.mean_sd(xs.len() as u64);
        let n = xs.len() as f64;
        let mu = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0);
        assert!((mean - mu).abs() < 1e-12);
        assert!((sd - var.sqrt()).abs() < 1e-12);
    }
}
