//! A mergeable quantile sketch with a relative error bound.
//!
//! Positive values fall into logarithmic buckets taken from the top bits of their IEEE-754
//! representation (exponent plus the leading [`MANTISSA_BITS`] mantissa bits), the idea
//! behind HDR histograms and DDSketch. A bucket spans a factor of at most 1 + 2^-6, and a
//! quantile is reported as its bucket's midpoint, so it is within 2^-7 (0.78%) of the
//! exact order statistic, relative. Zeros are counted apart. Merging adds counts, so the
//! result does not depend on the order runs were added or merged in, and memory depends on
//! the spread of the values, not on how many there are.

/// Mantissa bits kept per bucket key.
pub const MANTISSA_BITS: u32 = 6;
const SHIFT: u32 = 52 - MANTISSA_BITS;
/// Largest relative error of a reported quantile.
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;
/// Values at or below this are counted as zero.
pub const ZERO: f64 = 1e-12;

/// Serialised in canonical form ([`Sketch::canonical`]): the bucket range a sketch happened to
/// grow to depends on the order values arrived in (and, with pooled sketches, on which thread
/// used the buffer before), so without trimming a partial result would differ from run to run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, into = "Canonical")]
pub struct Sketch {
    zeros: u64,
    offset: i64,
    counts: Vec<u32>,
    /// The smallest and largest positive values added: quantiles are clamped to them, so a
    /// share is never reported above 1 and a constant is reported exactly.
    lo: f64,
    hi: f64,
}

/// The serialised form of a [`Sketch`]: the same fields with zero counts trimmed off both ends.
#[derive(serde::Serialize)]
struct Canonical {
    zeros: u64,
    offset: i64,
    counts: Vec<u32>,
    lo: f64,
    hi: f64,
}

impl From<Sketch> for Canonical {
    fn from(s: Sketch) -> Canonical {
        let s = s.canonical();
        Canonical {
            zeros: s.zeros,
            offset: s.offset,
            counts: s.counts,
            lo: s.lo,
            hi: s.hi,
        }
    }
}

fn key(x: f64) -> i64 {
    (x.to_bits() >> SHIFT) as i64
}

fn midpoint(key: i64) -> f64 {
    let lo = f64::from_bits((key as u64) << SHIFT);
    let hi = f64::from_bits(((key + 1) as u64) << SHIFT);
    0.5 * (lo + hi)
}

impl Sketch {
    /// Adds a value; values at or below [`ZERO`] (and negative noise) count as zero.
    #[inline]
    pub fn add(&mut self, x: f64) {
        // NaN and values at or below ZERO count as zero.
        if x.is_nan() || x <= ZERO {
            self.zeros += 1;
            return;
        }
        let x = x.min(f64::MAX);
        self.extend_range(x, x);
        self.add_key(key(x), 1);
    }

    /// Adds `n` zeros.
    pub fn add_zeros(&mut self, n: u64) {
        self.zeros += n;
    }

    #[inline]
    fn extend_range(&mut self, lo: f64, hi: f64) {
        if self.counts.is_empty() {
            (self.lo, self.hi) = (lo, hi);
        } else {
            self.lo = self.lo.min(lo);
            self.hi = self.hi.max(hi);
        }
    }

    #[inline]
    fn add_key(&mut self, k: i64, n: u32) {
        let i = k.wrapping_sub(self.offset) as u64;
        if i < self.counts.len() as u64 {
            self.counts[i as usize] += n;
            return;
        }
        self.grow_to(k);
        self.counts[(k - self.offset) as usize] += n;
    }

    #[cold]
    fn grow_to(&mut self, k: i64) {
        if self.counts.is_empty() {
            self.offset = k;
            self.counts.push(0);
        } else if k < self.offset {
            // Grow downwards with slack, so a run of ever-smaller values costs few moves.
            let slack = (self.counts.len() / 4).max(8) as i64;
            let grow = (self.offset - k + slack) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset -= grow as i64;
        } else if k >= self.offset + self.counts.len() as i64 {
            self.counts.resize((k - self.offset + 1) as usize, 0);
        }
    }

    /// The same sketch with the zero counts at both ends of its bucket range dropped: two
    /// sketches of the same values are equal in this form whatever order they were built in.
    pub fn canonical(mut self) -> Sketch {
        let Some(first) = self.counts.iter().position(|&c| c > 0) else {
            return Sketch {
                zeros: self.zeros,
                ..Sketch::default()
            };
        };
        let last = self.counts.iter().rposition(|&c| c > 0).unwrap_or(first);
        self.counts.truncate(last + 1);
        self.counts.drain(..first);
        self.offset += first as i64;
        self
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.zeros == 0 && self.counts.is_empty()
    }

    pub fn count(&self) -> u64 {
        self.zeros + self.counts.iter().map(|&c| u64::from(c)).sum::<u64>()
    }

    pub fn merge(&mut self, other: &Sketch) {
        self.zeros += other.zeros;
        if !other.counts.is_empty() {
            self.extend_range(other.lo, other.hi);
        }
        for (i, &n) in other.counts.iter().enumerate() {
            if n > 0 {
                self.add_key(other.offset + i as i64, n);
            }
        }
    }

    /// The value at rank floor(p * (n - 1)) of the sorted values, within [`RELATIVE_ERROR`].
    pub fn quantile(&self, p: f64) -> f64 {
        let n = self.count();
        if n == 0 {
            return 0.0;
        }
        let rank = (p.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64;
        if rank < self.zeros {
            return 0.0;
        }
        let mut seen = self.zeros;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if rank < seen {
                return midpoint(self.offset + i as i64).clamp(self.lo, self.hi);
            }
        }
        self.hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exact(values: &mut [f64], p: f64) -> f64 {
        values.sort_by(f64::total_cmp);
        values[(p * (values.len() - 1) as f64).floor() as usize]
    }

    proptest! {
        #[test]
        fn quantiles_within_bound(values in prop::collection::vec(prop_oneof![Just(0.0), 1e-6f64..1e9], 1..400), p in 0.0f64..1.0) {
            let mut s = Sketch::default();
            for &v in &values { s.add(v); }
            let mut v = values.clone();
            let want = exact(&mut v, p);
            let got = s.quantile(p);
            prop_assert!((got - want).abs() <= RELATIVE_ERROR * want.abs() * 1.0001, "{got} vs {want}");
        }

        #[test]
        fn merge_is_order_free(a in prop::collection::vec(0.0f64..1e6, 0..100), b in prop::collection::vec(0.0f64..1e6, 0..100)) {
            let (mut x, mut y, mut all) = (Sketch::default(), Sketch::default(), Sketch::default());
            for &v in &a { x.add(v); all.add(v); }
            for &v in &b { y.add(v); all.add(v); }
            let mut xy = x.clone(); xy.merge(&y);
            let mut yx = y.clone(); yx.merge(&x);
            for p in [0.05, 0.5, 0.95] {
                prop_assert_eq!(xy.quantile(p), all.quantile(p));
                prop_assert_eq!(yx.quantile(p), all.quantile(p));
            }
            // The serialised form does not depend on the order either.
            let json = |s: &Sketch| serde_json::to_string(s).unwrap();
            prop_assert_eq!(json(&xy), json(&all));
            prop_assert_eq!(json(&yx), json(&all));
        }
    }
}
