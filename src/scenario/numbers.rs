//! Numeric inputs: plain numbers and distribution tables, checked against the ranges in
//! `limits`. Every numeric input becomes a named [`Param`].

use super::diagnostic::DocPath;
use super::limits::{MAX_MAGNITUDE, MAX_QUARTERS, Range};
use super::raw::{RawDist, RawNum};
use super::validate::Validator;
use crate::model::{DistSpec, Distribution, Param, ParamId};

/// How far into a tail an unbounded distribution is checked against a field's range, in
/// standard deviations (a draw beyond 8 sd has a probability of about 1e-15).
const TAIL_SD: f64 = 8.0;

const DISTS: [&str; 8] = [
    "fixed",
    "uniform",
    "normal",
    "lognormal",
    "triangular",
    "pert",
    "beta",
    "bernoulli",
];

impl Validator<'_> {
    /// Registers a numeric input (value or distribution) and checks its range.
    pub(super) fn num(
        &mut self,
        path: &DocPath,
        raw: Option<&RawNum>,
        default: Option<f64>,
        range: Range,
    ) -> ParamId {
        let id = ParamId(self.params.len());
        let dist = match (raw, default) {
            (Some(raw), _) => self
                .dist(path, raw, range)
                .unwrap_or_else(|| Distribution::fixed(0.0)),
            (None, Some(d)) => Distribution::fixed(d),
            (None, None) => {
                self.error(path, "missing: this field is required", None);
                Distribution::fixed(0.0)
            }
        };
        self.params.push(Param {
            path: param_path(path),
            dist,
        });
        id
    }

    pub(super) fn opt_num(
        &mut self,
        path: &DocPath,
        raw: Option<&RawNum>,
        range: Range,
    ) -> Option<ParamId> {
        raw.map(|r| self.num(path, Some(r), None, range))
    }

    fn dist(&mut self, path: &DocPath, raw: &RawNum, range: Range) -> Option<Distribution> {
        let spec = match raw {
            RawNum::Value(v) if !v.is_finite() => {
                self.error(
                    path,
                    format!("must be a finite number, not {v}"),
                    Some(NOT_FINITE_HELP.into()),
                );
                return None;
            }
            RawNum::Value(v) => DistSpec::Fixed(*v),
            RawNum::Dist(d) => self.dist_spec(path, d, range)?,
        };
        let d = match Distribution::new(spec) {
            Ok(d) => d,
            Err(e) => {
                self.error(path, e.to_string(), None);
                return None;
            }
        };
        let (lo, hi) = reach(&d, range);
        if lo >= range.min && hi <= range.max {
            return Some(d);
        }
        let got = match d.spec() {
            DistSpec::Fixed(v) => format!("got {}", show(*v)),
            spec => format!(
                "draws of {} can reach {}",
                describe(spec),
                show(if lo < range.min { lo } else { hi })
            ),
        };
        if hi > range.max && range.max == MAX_MAGNITUDE {
            let help =
                "numbers above 1e15 are taken for typos; check the units (e.g. USD, not thousands)";
            self.error(
                path,
                format!("is too large: at most {MAX_MAGNITUDE:e} ({got})"),
                Some(help.into()),
            );
        } else {
            self.error(path, format!("must be {} ({got})", range.what), None);
        }
        None
    }

    fn dist_spec(&mut self, path: &DocPath, d: &RawDist, range: Range) -> Option<DistSpec> {
        let kind = d.dist.as_deref().unwrap_or("");
        let Some((needed, optional)) = parameters(kind) else {
            let (msg, help) = if kind.is_empty() {
                (
                    "a distribution table needs `dist`".to_string(),
                    format!("add one of: {}", DISTS.join(", ")),
                )
            } else {
                (
                    format!("unknown distribution `{kind}`"),
                    self.one_of(kind, &DISTS),
                )
            };
            self.error(&path.clone().key("dist"), msg, Some(help));
            return None;
        };
        let mut ok = true;
        for (name, value) in fields(d) {
            let allowed = needed.contains(&name) || optional.contains(&name);
            match value {
                Some(_) if !allowed => {
                    let takes = needed
                        .iter()
                        .chain(optional)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.error(
                        &path.clone().key(name),
                        format!("`{name}` is not a parameter of `{kind}`"),
                        Some(format!("`{kind}` takes {takes}")),
                    );
                    ok = false;
                }
                Some(v) if !v.is_finite() => {
                    self.error(
                        &path.clone().key(name),
                        format!("must be a finite number, not {v}"),
                        Some(NOT_FINITE_HELP.into()),
                    );
                    ok = false;
                }
                None if needed.contains(&name) => {
                    self.error(path, format!("`{kind}` needs `{name}`"), None);
                    ok = false;
                }
                _ => {}
            }
        }
        ok.then(|| spec(kind, d, range))
    }

    /// A plain number (a chip spec): finite, non-negative and not absurdly large.
    pub(super) fn spec(
        &mut self,
        path: &DocPath,
        value: Option<f64>,
        required: bool,
    ) -> Option<f64> {
        match value {
            Some(v) if v.is_finite() && (0.0..=MAX_MAGNITUDE).contains(&v) => Some(v),
            Some(v) if !v.is_finite() => {
                self.error(
                    path,
                    format!("must be a finite number, not {v}"),
                    Some(NOT_FINITE_HELP.into()),
                );
                None
            }
            Some(v) => {
                self.error(
                    path,
                    format!("must be between 0 and {MAX_MAGNITUDE:e} (got {})", show(v)),
                    None,
                );
                None
            }
            None if required => {
                self.error(path, "missing: this field is required", None);
                None
            }
            None => None,
        }
    }

    /// A whole number of quarters that sizes a buffer: at most [`MAX_QUARTERS`].
    pub(super) fn quarters_count(
        &mut self,
        path: &DocPath,
        value: Option<u32>,
        default: u32,
    ) -> u32 {
        match value {
            Some(v) if i64::from(v) > MAX_QUARTERS => {
                self.error(
                    path,
                    format!("must be at most {MAX_QUARTERS} quarters (got {v})"),
                    None,
                );
                default
            }
            Some(v) => v,
            None => default,
        }
    }
}

const NOT_FINITE_HELP: &str = "TOML's `nan` and `inf` are not accepted: give a number";

/// The parameters a distribution family requires and those it may take.
fn parameters(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match kind {
        "fixed" => (&["value"], &[]),
        "uniform" => (&["min", "max"], &[]),
        "normal" => (&["mean", "sd"], &["min", "max"]),
        "lognormal" => (&["median", "sigma"], &[]),
        "triangular" | "pert" => (&["min", "mode", "max"], &[]),
        "beta" => (&["alpha", "beta"], &["min", "max"]),
        "bernoulli" => (&["p"], &[]),
        _ => return None,
    })
}

fn fields(d: &RawDist) -> [(&'static str, Option<f64>); 11] {
    [
        ("value", d.value),
        ("min", d.min),
        ("max", d.max),
        ("mode", d.mode),
        ("mean", d.mean),
        ("sd", d.sd),
        ("median", d.median),
        ("sigma", d.sigma),
        ("alpha", d.alpha),
        ("beta", d.beta),
        ("p", d.p),
    ]
}

/// The spec of a checked table: every required parameter is present and finite.
fn spec(kind: &str, d: &RawDist, range: Range) -> DistSpec {
    let g = |v: Option<f64>| v.unwrap_or(0.0);
    // An unbounded side of a normal stays unbounded; `reach` checks its tail against the range.
    let bound = |v: Option<f64>, limit: f64| {
        v.unwrap_or(if limit.abs() == MAX_MAGNITUDE {
            limit.signum() * f64::INFINITY
        } else {
            limit
        })
    };
    match kind {
        "fixed" => DistSpec::Fixed(g(d.value)),
        "uniform" => DistSpec::Uniform {
            min: g(d.min),
            max: g(d.max),
        },
        "normal" => DistSpec::Normal {
            mean: g(d.mean),
            sd: g(d.sd),
            min: bound(d.min, range.min),
            max: bound(d.max, range.max),
        },
        "lognormal" => DistSpec::LogNormal {
            median: g(d.median),
            sigma: g(d.sigma),
        },
        "triangular" => DistSpec::Triangular {
            min: g(d.min),
            mode: g(d.mode),
            max: g(d.max),
        },
        "pert" => DistSpec::Pert {
            min: g(d.min),
            mode: g(d.mode),
            max: g(d.max),
        },
        "beta" => DistSpec::Beta {
            alpha: g(d.alpha),
            beta: g(d.beta),
            min: d.min.unwrap_or(0.0),
            max: d.max.unwrap_or(1.0),
        },
        _ => DistSpec::Bernoulli { p: g(d.p) },
    }
}

/// The smallest and largest values a distribution may draw, to check against `range`: its
/// support, except that where the field itself is unbounded (only capped at
/// [`MAX_MAGNITUDE`]) an infinite tail is cut [`TAIL_SD`] standard deviations out. A field
/// bounded in earnest (a share, a probability) is checked against the whole support.
pub fn reach(d: &Distribution, range: Range) -> (f64, f64) {
    let (lo, hi) = d.support();
    let (low, high) = match *d.spec() {
        DistSpec::Normal { mean, sd, .. } => (mean - TAIL_SD * sd, mean + TAIL_SD * sd),
        DistSpec::LogNormal { median, sigma } => (0.0, median * (TAIL_SD * sigma).exp()),
        _ => (lo, hi),
    };
    let lo = if range.min == -MAX_MAGNITUDE {
        lo.max(low)
    } else {
        lo
    };
    let hi = if range.max == MAX_MAGNITUDE {
        hi.min(high)
    } else {
        hi
    };
    (lo, hi)
}

/// A number as a person would write it: plain when moderate, in exponent form when huge or tiny.
pub fn show(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() >= 1e15 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A distribution in words, its parameters shown with [`show`].
fn describe(spec: &DistSpec) -> String {
    let s = show;
    match *spec {
        DistSpec::Fixed(v) => s(v),
        DistSpec::Uniform { min, max } => format!("uniform({}, {})", s(min), s(max)),
        DistSpec::Normal { mean, sd, min, max } if min.is_finite() || max.is_finite() => {
            format!(
                "normal(mean {}, sd {}, within [{}, {}])",
                s(mean),
                s(sd),
                s(min),
                s(max)
            )
        }
        DistSpec::Normal { mean, sd, .. } => format!("normal(mean {}, sd {})", s(mean), s(sd)),
        DistSpec::LogNormal { median, sigma } => {
            format!("lognormal(median {}, sigma {})", s(median), s(sigma))
        }
        DistSpec::Triangular { min, mode, max } => {
            format!("triangular({}, {}, {})", s(min), s(mode), s(max))
        }
        DistSpec::Pert { min, mode, max } => format!("pert({}, {}, {})", s(min), s(mode), s(max)),
        DistSpec::Beta {
            alpha,
            beta,
            min,
            max,
        } => format!(
            "beta({}, {}) on [{}, {}]",
            s(alpha),
            s(beta),
            s(min),
            s(max)
        ),
        DistSpec::Bernoulli { p } => format!("bernoulli({})", s(p)),
    }
}

/// `chip.h20.price_usd` from `chip[h20].price_usd`.
fn param_path(path: &DocPath) -> String {
    use super::diagnostic::Seg;
    let parts: Vec<String> = path
        .0
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Item { value, .. } => value.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::limits::{NONNEG, UNIT};

    #[test]
    fn unbounded_tails_are_checked_eight_sd_out() {
        let d = Distribution::new(DistSpec::LogNormal {
            median: 100.0,
            sigma: 1.0,
        })
        .unwrap();
        let (lo, hi) = reach(&d, NONNEG);
        assert_eq!(lo, 0.0);
        assert!((hi - 100.0 * 8f64.exp()).abs() < 1e-6);
        assert_eq!(reach(&d, UNIT).1, f64::INFINITY);
        let n = Distribution::new(DistSpec::Normal {
            mean: 5.0,
            sd: 1.0,
            min: 0.0,
            max: f64::INFINITY,
        })
        .unwrap();
        assert_eq!(reach(&n, NONNEG), (0.0, 13.0));
    }
}
