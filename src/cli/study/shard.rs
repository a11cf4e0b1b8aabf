//! Study shards: `sweep` or `sensitivity` with `--shard K/N` simulates one contiguous slice
//! of the plan's blocks and saves their values as a partial result; `merge` puts every
//! shard's blocks back in order and writes, through the same [`Study`], exactly the files
//! one machine would have written.

use super::sensitivity::Sensitivity;
use super::sweep::SweepStudy;
use super::{Study, StudyArgs, progress, say, study_failure};
use crate::cli::Failure;
use anyhow::Context;
use exportsim::model::Scenario;
use exportsim::report::OutputDir;
use exportsim::report::partial::Shard;
use exportsim::report::study_partial::{self, Definition, StudyPartial, plan_hash};
use exportsim::study::Plan;
use exportsim::study::driver::{self, Values};
use exportsim::study::plan::thousands;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Shard `k`'s blocks of `plan` (indices into [`driver::blocks`]) and how many there are in all.
fn slice(plan: &Plan, k: Shard) -> (Range<usize>, u64) {
    let total = driver::blocks(plan).len() as u64;
    let part = k.slice(total);
    (part.start as usize..part.end as usize, total)
}

/// How many simulations shard `k` of `plan` runs.
pub(super) fn simulations(plan: &Plan, k: Shard) -> u64 {
    let (part, _) = slice(plan, k);
    let blocks = driver::blocks(plan);
    blocks[part].iter().map(|(_, r)| r.end - r.start).sum()
}

/// Simulates shard `k` of `study` and writes its partial result, with the resolved
/// scenario, to `target`.
pub(super) fn simulate(
    s: &Scenario,
    study: &dyn Study,
    k: Shard,
    a: &StudyArgs,
    target: &Path,
) -> Result<(), Failure> {
    let plan = study.plan();
    let (part, total) = slice(plan, k);
    let bar = progress(simulations(plan, k), "simulations", a.quiet);
    let threads = a.threads.unwrap_or(0);
    let values = driver::simulate_blocks(s, plan, study.outcomes(), part.clone(), threads, &bar)
        .map_err(study_failure)?;
    bar.0.finish_and_clear();
    let names: Vec<String> = study
        .outcomes()
        .iter()
        .map(|o| o.text().to_string())
        .collect();
    let scenario = (s.name.as_str(), s.hash.as_str());
    let partial = StudyPartial::new(scenario, study.definition(), plan, &names, k, total, values);
    let out = OutputDir::create(target).map_err(|e| super::input(format!("{e:#}")))?;
    study_partial::write(&partial, out.path())?;
    std::fs::write(out.path().join("scenario.resolved.toml"), &s.resolved_toml)
        .context("cannot write the scenario")?;
    let dir = out.commit()?;
    if !a.quiet {
        say(&format!(
            "shard {}/{}: blocks {}..{} of {total} ({} simulations); partial result in {}\n",
            k.index,
            k.count,
            part.start,
            part.end,
            thousands(simulations(plan, k)),
            dir.display()
        ));
    }
    Ok(())
}

/// Merges the partial results in `dirs` (every shard of one study, in any order) into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path, quiet: bool) -> Result<(), Failure> {
    let bad = |e: anyhow::Error| Failure::Input(format!("error: {e:#}"));
    let mut partials = Vec::with_capacity(dirs.len());
    for dir in dirs {
        partials.push((dir.clone(), study_partial::read(dir).map_err(bad)?));
    }
    let blocks = study_partial::merge(&mut partials).map_err(bad)?;
    let (dir, first) = &partials[0];
    let s =
        crate::cli::shard::resolved_scenario(dir, &first.exportsim_version, &first.scenario_hash)?;
    let study: Box<dyn Study> = match &first.definition {
        Definition::Sweep(d) => Box::new(SweepStudy::from_definition(&s, d)?),
        Definition::Sensitivity(d) => Box::new(Sensitivity::new(&s, d.clone())?),
    };
    let plan = study.plan();
    let names: Vec<String> = study
        .outcomes()
        .iter()
        .map(|o| o.text().to_string())
        .collect();
    if plan_hash(plan, &names) != first.plan_hash {
        return Err(super::input(format!(
            "the study laid out again from {} differs from the plan its shards simulated; re-run the shards",
            dir.display()
        )));
    }
    let values = Values::from_blocks(plan, names.len(), blocks).ok_or_else(|| {
        super::input("the shards' values do not fit the study's plan; re-run the shards")
    })?;
    let (written, table) = study.write(&values, out)?;
    if !quiet {
        say(&format!(
            "{table}merged {} shards ({} simulations) into {}\n",
            partials.len(),
            thousands(plan.simulations()),
            written.display()
        ));
    }
    Ok(())
}
