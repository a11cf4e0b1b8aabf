//! Special functions behind [`super::Distribution::quantile`]: the standard normal CDF and
//! quantile, and the regularized incomplete beta function and its inverse.

use std::f64::consts::{PI, SQRT_2};

/// Standard normal CDF, from `erfc` (accurate in both tails).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// Standard normal quantile: Acklam's rational approximation (relative error 1.15e-9)
/// refined by one Halley step on `erfc`, which brings it to about machine precision.
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

/// Quantile of the standard normal truncated to [a, b]. Works on the side of the mean
/// where the CDF is small, so truncations far in one tail keep their precision.
pub fn truncated_normal_quantile(a: f64, b: f64, p: f64) -> f64 {
    if a > 0.0 {
        return -truncated_normal_quantile(-b, -a, 1.0 - p);
    }
    let (fa, fb) = (normal_cdf(a), normal_cdf(b));
    normal_quantile(fa + p * (fb - fa)).clamp(a, b)
}

/// ln B(a, b).
fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

/// Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes
/// 3rd ed., s6.4), converging fast for x < (a + 1) / (a + b + 2).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    d = if d.abs() < TINY { TINY } else { d }.recip();
    let mut h = d;
    for m in 1..=500 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            d = if d.abs() < TINY { TINY } else { d }.recip();
            c = 1.0 + aa / c;
            c = if c.abs() < TINY { TINY } else { c };
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x.
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_density(x: f64, a: f64, b: f64) -> f64 {
    ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - ln_beta(a, b)).exp()
}

/// Quantile of Beta(a, b): Newton steps on [`beta_cdf`], kept inside a shrinking bracket
/// and replaced by bisection whenever they would leave it, so it always converges.
pub fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    if p > 0.5 {
        // Work in the lower tail, where the CDF keeps its relative precision.
        return 1.0 - beta_quantile(b, a, 1.0 - p);
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let mut x = a / (a + b);
    for _ in 0..400 {
        let f = beta_cdf(x, a, b) - p;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x
        } else {
            hi = x
        }
        let newton = x - f / beta_density(x, a, b);
        // Outside the bracket, bisect; next to an end of [0, 1], approach it
        // geometrically, so quantiles like 1e-30 are reached in a few dozen steps.
        let next = if newton > lo && newton < hi && newton.is_finite() {
            newton
        } else if lo == 0.0 {
            hi / 16.0
        } else if hi == 1.0 {
            1.0 - (1.0 - lo) / 16.0
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 2.0 * f64::EPSILON * next || hi - lo <= 2.0 * f64::EPSILON * hi {
            return next;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beta_quantile_inverts_the_cdf() {
        for (a, b) in [(0.3, 0.3), (0.5, 8.0), (2.0, 2.0), (9.0, 1.2), (50.0, 60.0)] {
            for p in [1e-9, 0.001, 0.2, 0.5] {
                let x = beta_quantile(a, b, p);
                let back = beta_cdf(x, a, b);
                assert!(
                    (back - p).abs() < 1e-12 * p.max(1e-3),
                    "Beta({a}, {b}) p={p}: x={x}, cdf={back}"
                );
                // Upper tail: the survival function 1 - I_x(a, b) = I_(1-x)(b, a) gives back 1 - p
                // to the precision doubles near 1 allow (none when the quantile rounds to 1).
                let upper = beta_quantile(a, b, 1.0 - p);
                let tail = beta_cdf(1.0 - upper, b, a);
                assert!(
                    upper == 1.0 || (tail - p).abs() < 1e-6 * p,
                    "Beta({a}, {b}) 1-p={p}: x={upper}, tail={tail}"
                );
            }
        }
    }
}
