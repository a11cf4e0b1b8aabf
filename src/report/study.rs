//! A study's output directory: `study.json`, the resolved scenario, the result CSV (and
//! `samples.csv` for a sensitivity study) and a chart per outcome, appearing whole or not
//! at all.

use super::OutputDir;
use super::files::{Resolved, write_resolved, write_with};
use crate::model::Scenario;
use crate::plot::study::{self as charts, StudyChart};
use crate::study::driver::Values;
use crate::study::kind::{Analysis, Study};
use crate::study::write;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Analyses `values` of `study` and writes its directory to `target`; returns the directory
/// written and the analysis (for the terminal).
pub fn write_study(
    study: &dyn Study,
    s: &Scenario,
    values: &Values,
    target: &Path,
) -> Result<(PathBuf, Analysis)> {
    let analysis = study.analyze(values);
    let out = OutputDir::create(target)?;
    let dir = out.path();
    write_results(dir, study, &analysis, values)?;
    let meta = serde_json::to_string_pretty(&study.metadata()).context("study.json")? + "\n";
    std::fs::write(dir.join("study.json"), meta).context("cannot write study.json")?;
    write_resolved(dir, s, Resolved::As("studied"))?;
    let context = study.context();
    charts::write_pngs(&chart_list(&analysis, &context), dir).context("cannot draw the charts")?;
    Ok((out.commit()?, analysis))
}

fn write_results(dir: &Path, study: &dyn Study, a: &Analysis, values: &Values) -> Result<()> {
    match a {
        Analysis::Sweep(r) => write_with(dir, "sweep.csv", |w| write::sweep_csv(r, w))?,
        Analysis::Tornado(r) => write_with(dir, "tornado.csv", |w| write::tornado_csv(r, w))?,
        Analysis::Morris(r) => write_with(dir, "morris.csv", |w| write::morris_csv(r, w))?,
        Analysis::Sobol(r) => write_with(dir, "sobol.csv", |w| write::sobol_csv(r, w))?,
    }
    if let Some((paths, points)) = study.samples() {
        let names: Vec<String> = study
            .outcomes()
            .iter()
            .map(|o| o.text().to_string())
            .collect();
        let means = values.means();
        write_with(dir, "samples.csv", |w| {
            write::samples_csv(&paths, &names, points, &means, w)
        })?;
    }
    Ok(())
}

fn chart_list<'a>(a: &'a Analysis, context: &'a str) -> Vec<StudyChart<'a>> {
    match a {
        Analysis::Sweep(r) => charts::sweep_charts(r, context),
        Analysis::Tornado(r) => r.iter().map(|t| StudyChart::Tornado(t, context)).collect(),
        Analysis::Morris(r) => r.iter().map(|m| StudyChart::Morris(m, context)).collect(),
        Analysis::Sobol(r) => r.iter().map(|ix| StudyChart::Sobol(ix, context)).collect(),
    }
}
