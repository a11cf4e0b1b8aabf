//! A calibration's results: `posterior.csv` (the weighted sample), `calibration.json`
//! (settings, generations, acceptance, posterior summaries) and the terminal table.

use super::{Calibration, ParamSummary};
use crate::check::Target;
use crate::display::value_label;
use std::io::Write;

fn num(x: f64) -> String {
    format!("{x}")
}

/// `posterior.csv`: one row per accepted particle: its weight, distance and parameter values.
pub fn posterior_csv(c: &Calibration, w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let header = ["particle", "weight", "distance"]
        .into_iter()
        .map(String::from);
    out.write_record(header.chain(c.priors.iter().map(|p| p.path.clone())))?;
    for (i, (p, values)) in c.population.particles.iter().zip(&c.values).enumerate() {
        let mut row = vec![i.to_string(), num(p.weight), num(p.distance)];
        row.extend(values.iter().map(|v| num(*v)));
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// What `calibration.json` records beside the sample.
pub struct Context<'a> {
    pub scenario: &'a str,
    pub scenario_hash: &'a str,
    pub runs: u64,
    pub fitted: &'a [Target],
    pub held_out: &'a [Target],
}

/// `calibration.json`.
pub fn json(c: &Calibration, ctx: &Context, w: impl Write) -> serde_json::Result<()> {
    let pop = &c.population;
    let ids = |ts: &[Target]| {
        ts.iter()
            .map(|t| serde_json::json!({ "id": t.id, "outcome": t.outcome.text() }))
            .collect::<Vec<_>>()
    };
    let value = serde_json::json!({
        "scenario": ctx.scenario,
        "scenario_hash": ctx.scenario_hash,
        "method": "ABC-SMC (population Monte Carlo, Beaumont et al. 2009) with adaptive tolerance; distance: root mean square over fitted targets of the median's normalized violation",
        "seed": c.settings.seed,
        "population": c.settings.population,
        "budget": c.settings.budget,
        "tolerance_quantile": c.settings.quantile,
        "min_acceptance": c.settings.min_acceptance,
        "runs_per_particle": ctx.runs,
        "particles_simulated": pop.simulated,
        "engine_runs": pop.simulated as u64 * ctx.runs,
        "acceptance_rate": pop.acceptance_rate(),
        "final_tolerance": finite(pop.tolerance()),
        "effective_sample_size": pop.effective_size(),
        "stop": pop.stop,
        "generations": pop.generations.iter().map(|g| serde_json::json!({
            "index": g.index, "tolerance": finite(g.tolerance), "proposed": g.proposed, "accepted": g.accepted, "complete": g.complete,
        })).collect::<Vec<_>>(),
        "fitted_targets": ids(ctx.fitted),
        "held_out_targets": ids(ctx.held_out),
        "params": c.summaries(),
    });
    let mut w = w;
    serde_json::to_writer_pretty(&mut w, &value)?;
    w.write_all(b"\n").map_err(serde_json::Error::io)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The terminal table of posterior summaries.
pub fn table(summaries: &[ParamSummary]) -> String {
    let width = summaries
        .iter()
        .map(|s| s.path.len())
        .max()
        .unwrap_or(0)
        .max(9);
    let mut out = format!(
        "{:width$}  {:>28}  {:>28}\n",
        "parameter", "prior median (90%)", "posterior median (90%)"
    );
    for s in summaries {
        let cell = |m: f64, a: f64, b: f64| format!("{} ({} to {})", v(m), v(a), v(b));
        out.push_str(&format!(
            "{:width$}  {:>28}  {:>28}\n",
            s.path,
            cell(s.prior_p50, s.prior_p05, s.prior_p95),
            cell(s.p50, s.p05, s.p95)
        ));
    }
    out
}

fn v(x: f64) -> String {
    value_label(x, false)
}
