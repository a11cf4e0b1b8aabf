//! The output directories of `check` and `calibrate`: `check.csv` and `check.json`, and a
//! calibration's posterior, summary, chart and calibrated scenario.

use super::files::{Resolved, create, write_resolved};
use crate::calibrate::{self, Calibration, emit};
use crate::check::{self, CheckReport};
use crate::model::Scenario;
use crate::plot::calibration::{Panel, render_png};
use crate::scenario::Loaded;
use anyhow::{Context, Result};
use std::path::{Component, Path, PathBuf};

/// `check.csv` and `check.json` in `dir`.
pub fn write_check(dir: &Path, report: &CheckReport) -> Result<()> {
    check::write::csv(report, create(dir, "check.csv")?).context("cannot write check.csv")?;
    check::write::json(report, create(dir, "check.json")?).context("cannot write check.json")?;
    Ok(())
}

/// A check's directory: its results and the scenario as run.
pub fn write_check_dir(dir: &Path, report: &CheckReport, s: &Scenario) -> Result<()> {
    write_check(dir, report)?;
    write_resolved(dir, s, Resolved::As("run"))
}

/// A calibration's sample and summaries: `posterior.csv`, `calibration.json`,
/// `prior_posterior.png` and the scenario with its priors, as run.
pub fn write_calibration(
    dir: &Path,
    c: &Calibration,
    ctx: &calibrate::write::Context,
    priors: &Scenario,
) -> Result<()> {
    calibrate::write::posterior_csv(c, create(dir, "posterior.csv")?)
        .context("cannot write posterior.csv")?;
    calibrate::write::json(c, ctx, create(dir, "calibration.json")?)
        .context("cannot write calibration.json")?;
    let panels: Vec<Panel> = c
        .summaries()
        .iter()
        .zip(&c.priors)
        .enumerate()
        .map(|(k, (s, p))| Panel {
            path: s.path.clone(),
            prior: p.dist.clone(),
            posterior: c.weighted(k),
            p05: s.p05,
            p50: s.p50,
            p95: s.p95,
        })
        .collect();
    render_png(&panels, &subtitle(c, ctx), &dir.join("prior_posterior.png"))
        .context("cannot draw prior_posterior.png")?;
    write_resolved(dir, priors, Resolved::As("run"))
}

fn subtitle(c: &Calibration, ctx: &calibrate::write::Context) -> String {
    let pop = &c.population;
    format!(
        "Scenario {}, seed {}; ABC-SMC, {} particles after {} simulated parameter sets of {} runs, acceptance {:.0}%",
        ctx.scenario,
        c.settings.seed,
        pop.particles.len(),
        pop.simulated,
        ctx.runs,
        100.0 * pop.acceptance_rate()
    )
}

/// Writes `calibrated.toml` into `dir`, the temporary directory of output directory
/// `target`: a scenario that `extends` the calibrated one (`scenario`, by a path relative to
/// `target`), and loads it back, with its targets, as any scenario is loaded.
pub fn write_calibrated(
    dir: &Path,
    target: &Path,
    scenario: &Path,
    base: &Scenario,
    c: &Calibration,
) -> Result<Loaded> {
    let extends = relative(target, scenario)?;
    let header = format!(
        "Scenario `{}` calibrated by `exportsim calibrate` (ABC-SMC, seed {}). Each fitted parameter is\nfixed at the value of one particle of the posterior: among those nearest the record, the one\nnearest the posterior medians. Its posterior median and 90% interval are in the comment; the\nweighted sample is posterior.csv beside this file; the method is in docs/calibration.md.",
        base.name, c.settings.seed
    );
    let name = format!("{}-calibrated", base.name);
    let text = emit::scenario_text(base, &extends, &name, &header, &c.overrides());
    let path = dir.join("calibrated.toml");
    std::fs::write(&path, &text).context("cannot write calibrated.toml")?;
    crate::scenario::load(&path)
        .map_err(|e| anyhow::anyhow!("the calibrated scenario does not load:\n{e}"))
}

/// `scenario` as a path relative to the output directory `target` (for `extends`).
fn relative(target: &Path, scenario: &Path) -> Result<String> {
    let absolute = |p: &Path| std::path::absolute(p).map(|p| normalize(&p));
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target.file_name().unwrap_or_default();
    let from = absolute(
        &parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf()),
    )
    .context("cannot resolve the output path")?
    .join(name);
    let to = absolute(
        &scenario
            .canonicalize()
            .unwrap_or_else(|_| scenario.to_path_buf()),
    )
    .context("cannot resolve the scenario path")?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = PathBuf::new();
    for _ in from.components().skip(common) {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    Ok(rel.to_string_lossy().replace('\\', "/"))
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
