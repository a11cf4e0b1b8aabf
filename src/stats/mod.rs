//! Mergeable accumulators: moments and quantile sketches per outcome cell.
//!
//! Runs are added in fixed chunks and chunks are merged in chunk order, so sums (and so
//! means and standard deviations) are the same bits whatever the thread count; sketches
//! merge exactly in any order.

pub mod sketch;
pub mod summary;

pub use sketch::Sketch;

/// Count, mean and sum of squared deviations of the non-zero values (Welford), plus the
/// total count; zeros join in closed form (Chan et al.'s pairwise update).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moments {
    nonzero: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    pub fn add(&mut self, x: f64) {
        self.nonzero += 1;
        let d = x - self.mean;
        self.mean += d / self.nonzero as f64;
        self.m2 += d * (x - self.mean);
    }

    pub fn merge(&mut self, o: &Moments) {
        if o.nonzero == 0 {
            return;
        }
        let n = self.nonzero + o.nonzero;
        let d = o.mean - self.mean;
        self.m2 += o.m2 + d * d * self.nonzero as f64 * o.nonzero as f64 / n as f64;
        self.mean += d * o.nonzero as f64 / n as f64;
        self.nonzero = n;
    }

    /// Mean and (sample) standard deviation over `n` values, the others being zero.
    pub fn mean_sd(&self, n: u64) -> (f64, f64) {
        if n == 0 {
            return (0.0, 0.0);
        }
        let k = self.nonzero as f64;
        let nf = n as f64;
        let mean = self.mean * k / nf;
        let m2 = self.m2 + k * (nf - k) / nf * self.mean * self.mean;
        let sd = if n > 1 { (m2.max(0.0) / (nf - 1.0)).sqrt() } else { 0.0 };
        (mean, sd)
    }
}

/// Statistics of one outcome cell across runs.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub moments: Moments,
    pub sketch: Sketch,
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

/// Accumulates a fixed number of cells over runs: each run supplies one value per cell.
#[derive(Debug, Clone)]
pub struct Accumulator {
    runs: u64,
    cells: Vec<Cell>,
}

impl Accumulator {
    pub fn new(cells: usize) -> Accumulator {
        Accumulator { runs: 0, cells: vec![Cell::default(); cells] }
    }

    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Adds one run's values, one per cell. Zeros cost only a count.
    pub fn add(&mut self, values: &[f64]) {
        debug_assert_eq!(values.len(), self.cells.len());
        self.runs += 1;
        for (cell, &x) in self.cells.iter_mut().zip(values) {
            if x != 0.0 {
                cell.moments.add(x);
                cell.sketch.add(x);
            }
        }
    }

    pub fn merge(&mut self, other: &Accumulator) {
        self.runs += other.runs;
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.moments.merge(&b.moments);
            a.sketch.merge(&b.sketch);
        }
    }

    pub fn stats(&self, cell: usize) -> Stats {
        let c = &self.cells[cell];
        let (mean, sd) = c.moments.mean_sd(self.runs);
        let mut sketch = c.sketch.clone();
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
        self.cells[cell].moments.mean_sd(self.runs).0
    }

    /// Largest value seen in a cell is above zero.
    pub fn any_nonzero(&self, cell: usize) -> bool {
        self.cells[cell].moments.nonzero > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_with_zeros_match_direct() {
        let xs = [0.0, 1.0, 0.0, 4.0, 2.5, 0.0, 7.0];
        let mut m = Moments::default();
        xs.iter().filter(|x| **x != 0.0).for_each(|x| m.add(*x));
        let (mean, sd) = m.mean_sd(xs.len() as u64);
        let n = xs.len() as f64;
        let mu = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0);
        assert!((mean - mu).abs() < 1e-12);
        assert!((sd - var.sqrt()).abs() < 1e-12);
    }
}
