//! Terminal tables of studies: the parameter list and short result summaries (the CSV
//! files have everything).

use exportsim::display::{is_share, value_label};
use exportsim::model::Scenario;
use exportsim::study::kind::Analysis;
use exportsim::study::morris::Screening;
use exportsim::study::sobol::Indices;
use exportsim::study::sweep::SweepResult;
use exportsim::study::tornado::Tornado;
use std::fmt::Write;

/// Rows shown per table.
const TOP: usize = 10;

/// The short table of a study's results.
pub fn of(a: &Analysis) -> String {
    match a {
        Analysis::Sweep(r) => sweep(r),
        Analysis::Tornado(r) => tornado(r),
        Analysis::Morris(r) => morris(r),
        Analysis::Sobol(r) => sobol(r),
    }
}

/// Every numeric parameter: path, value or distribution, and for uncertain ones their
/// 10th, 50th and 90th percentiles (what a tornado uses).
pub fn params(s: &Scenario, uncertain_only: bool) -> String {
    let uncertain = s.params.iter().filter(|p| !p.dist.is_fixed()).count();
    let mut out = format!(
        "{} numeric parameters of `{}`, {uncertain} of them uncertain\n",
        s.params.len(),
        s.name
    );
    let width = s
        .params
        .iter()
        .map(|p| p.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<width$}  {:<40}  p10 / p50 / p90",
        "path", "value or distribution"
    );
    for p in &s.params {
        if p.dist.is_fixed() {
            if !uncertain_only {
                let _ = writeln!(out, "{:<width$}  {}", p.path, p.dist);
            }
            continue;
        }
        let q = |x: f64| number(p.dist.quantile(x));
        let _ = writeln!(
            out,
            "{:<width$}  {:<40}  {} / {} / {}",
            p.path,
            p.dist.to_string(),
            q(0.1),
            q(0.5),
            q(0.9)
        );
    }
    out
}

/// A parameter value in full for large numbers, four significant digits otherwise.
fn number(x: f64) -> String {
    if x.abs() >= 1000.0 || x == 0.0 || !x.is_finite() {
        return format!("{}", x.round());
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 8) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// One-parameter sweeps: each point's median and 90% interval per outcome.
pub fn sweep(r: &SweepResult) -> String {
    let mut out = String::new();
    if r.params.len() != 1 {
        return out;
    }
    let width = r.params[0].len();
    for (o, name) in r.outcomes.iter().enumerate() {
        let share = is_share(name);
        let _ = writeln!(
            out,
            "{name}\n{:>width$}  {:>10}  {:>22}",
            r.params[0], "median", "90% of runs"
        );
        for row in r.rows_of(o) {
            let st = &row.stats;
            let (p05, p50, p95) = (
                value_label(st.p05, share),
                value_label(st.p50, share),
                value_label(st.p95, share),
            );
            let _ = writeln!(
                out,
                "{:>width$}  {p50:>10}  {:>22}",
                number(row.at[0]),
                format!("{p05} - {p95}")
            );
        }
    }
    out
}

pub fn tornado(ts: &[Tornado]) -> String {
    let mut out = String::new();
    for t in ts {
        let share = is_share(&t.outcome);
        let v = |x: f64| value_label(x, share);
        let _ = writeln!(
            out,
            "{} (base, all inputs at medians: {})",
            t.outcome,
            v(t.base)
        );
        let width = t
            .bars
            .iter()
            .take(TOP)
            .map(|b| b.path.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = writeln!(
            out,
            "{:<width$}  {:>22}  {:>22}  {:>10}",
            "input", "at p10", "at p90", "swing"
        );
        for b in t.bars.iter().take(TOP) {
            let low = format!("{} -> {}", value_label(b.low_input, false), v(b.low));
            let high = format!("{} -> {}", value_label(b.high_input, false), v(b.high));
            let _ = writeln!(
                out,
                "{:<width$}  {low:>22}  {high:>22}  {:>10}",
                b.path,
                v(b.swing())
            );
        }
    }
    out
}

pub fn morris(ss: &[Screening]) -> String {
    let mut out = String::new();
    for s in ss {
        let mut effects: Vec<_> = s.effects.iter().collect();
        effects.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        let width = effects
            .iter()
            .take(TOP)
            .map(|e| e.path.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = writeln!(
            out,
            "{}\n{:<width$}  {:>18}  {:>10}",
            s.outcome, "input", "mu* (95%)", "sigma"
        );
        for e in effects.iter().take(TOP) {
            let mu = format!(
                "{} ± {}",
                value_label(e.mu_star, false),
                value_label(e.mu_star_conf, false)
            );
            let _ = writeln!(
                out,
                "{:<width$}  {mu:>18}  {:>10}",
                e.path,
                value_label(e.sigma, false)
            );
        }
    }
    out
}

pub fn sobol(all: &[Indices]) -> String {
    let mut out = String::new();
    for ix in all {
        if !ix.varies {
            let _ = writeln!(
                out,
                "{}: the outcome took one value at every point, so it has no variance to share out",
                ix.outcome
            );
            continue;
        }
        let mut rows: Vec<_> = ix.indices.iter().collect();
        rows.sort_by(|a, b| b.total.total_cmp(&a.total));
        let width = rows
            .iter()
            .take(TOP)
            .map(|r| r.path.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let sum: f64 = ix.indices.iter().map(|r| r.first).sum();
        let _ = writeln!(
            out,
            "{} (sum of S1: {sum:.2})\n{:<width$}  {:>15}  {:>15}",
            ix.outcome, "input", "S1 (95%)", "ST (95%)"
        );
        for r in rows.iter().take(TOP) {
            let s1 = format!("{:.3} ± {:.3}", r.first, r.first_conf);
            let st = format!("{:.3} ± {:.3}", r.total, r.total_conf);
            let _ = writeln!(out, "{:<width$}  {s1:>15}  {st:>15}", r.path);
        }
    }
    out
}
