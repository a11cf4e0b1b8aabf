//! Exact statistics of a point's run values. A study keeps every run's value (a few per
//! simulation), so it sorts them rather than sketching: quantiles are exact, interpolated
//! linearly between order statistics (Hyndman and Fan's type 7, numpy's default).

use crate::stats::Stats;

/// Mean, sample standard deviation and the 5/25/50/75/95% quantiles of `values`.
pub fn describe(values: &[f64]) -> Stats {
    let n = values.len();
    if n == 0 {
        return Stats::default();
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| quantile_sorted(&sorted, p);
    Stats {
        mean,
        sd,
        p05: q(0.05),
        p25: q(0.25),
        p50: q(0.5),
        p75: q(0.75),
        p95: q(0.95),
    }
}

/// The `p`-quantile of sorted values, linear between order statistics (type 7).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = p.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy() {
        // numpy.percentile([3, 1, 4, 1, 5, 9, 2, 6], [5, 25, 50, 75, 95]) and numpy.std(ddof=1).
        let s = describe(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]);
        assert_eq!(s.mean, 3.875);
        assert!((s.sd - 2.748_376_143_938_713).abs() < 1e-12);
        let want = [1.0, 1.75, 3.5, 5.25, 7.95];
        for (got, want) in [s.p05, s.p25, s.p50, s.p75, s.p95].into_iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(describe(&[2.0]).p95, 2.0);
        assert_eq!(describe(&[]), Stats::default());
    }
}
