//! A check's results as `check.csv`, `check.json` and a terminal table. Writers take
//! `impl Write`; numbers in files are Rust's shortest round-trip form.

use super::run::{CheckReport, Row};
use crate::display::{is_share, value_label};
use std::io::Write;

fn num(x: f64) -> String {
    format!("{x}")
}

/// A bound, empty when there is none (an infinite end).
fn bound(x: f64) -> String {
    if x.is_finite() { num(x) } else { String::new() }
}

/// `check.csv`: one row per target; `low` and `high` are the bounds the median must lie
/// within (empty when open).
pub fn csv(report: &CheckReport, w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "id",
        "outcome",
        "record",
        "low",
        "high",
        "median",
        "p05",
        "p95",
        "mean",
        "pass",
        "violation",
        "fit",
        "source",
    ])?;
    for r in &report.rows {
        let (low, high) = r.comparison.bounds();
        let s = &r.simulated;
        out.write_record([
            r.id.clone(),
            r.outcome.clone(),
            r.comparison.describe(num),
            bound(low),
            bound(high),
            num(s.p50),
            num(s.p05),
            num(s.p95),
            num(s.mean),
            r.pass.to_string(),
            num(r.violation),
            r.fit.to_string(),
            r.source.clone(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `check.json`: the report with a pass count (infinite bounds are written as null).
pub fn json(report: &CheckReport, w: impl Write) -> serde_json::Result<()> {
    let value = serde_json::json!({
        "scenario": report.scenario,
        "scenario_hash": report.scenario_hash,
        "runs": report.runs,
        "seed": report.seed,
        "rule": "a target passes when the median over runs satisfies its comparison; bounds are inclusive",
        "passed": report.passed(),
        "targets": report.rows.len(),
        "all_pass": report.all_pass(),
        "rows": report.rows,
    });
    let mut w = w;
    serde_json::to_writer_pretty(&mut w, &value)?;
    w.write_all(b"\n").map_err(serde_json::Error::io)
}

/// A number as the terminal shows it: percent for share outcomes, short forms for large ones.
pub fn show(outcome: &str) -> impl Fn(f64) -> String {
    let share = is_share(outcome);
    move |x| value_label(x, share)
}

/// The terminal table: per target, pass or fail, the simulated median and 90% interval, the
/// record, whether it is fitted, and its source.
pub fn table(report: &CheckReport) -> String {
    let mut out = format!(
        "Targets of `{}` ({} runs, seed {}): {} of {} pass (a target passes when the median satisfies the record)\n\n",
        report.scenario,
        report.runs,
        report.seed,
        report.passed(),
        report.rows.len()
    );
    for r in &report.rows {
        out.push_str(&entry(r));
    }
    out
}

fn entry(r: &Row) -> String {
    let show = show(&r.outcome);
    let s = &r.simulated;
    let verdict = if r.pass { "pass" } else { "FAIL" };
    let role = if r.fit { "fitted" } else { "held out" };
    format!(
        "{verdict}  {}  ({role})\n      {}\n      simulated median {} (90%: {} to {}); record: {}\n      source: {}\n",
        r.id,
        r.outcome,
        show(s.p50),
        show(s.p05),
        show(s.p95),
        r.comparison.describe(&show),
        r.source
    )
}
