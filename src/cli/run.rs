//! `exportsim run` and `exportsim validate`.

use super::term::progress;
use super::{Failure, load};
use anyhow::Context;
use exportsim::model::PolicyKind;
use exportsim::report::{OutputDir, write_all};
use exportsim::simulate::{simulate_shard, summarize};
use exportsim::stats::summary::Summary;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of Monte Carlo runs (default: the scenario's `runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory (default: output/<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the estimated memory or time exceeds the machine's memory or a day.
    #[arg(long)]
    pub yes: bool,
    /// Simulate only shard K of N (e.g. `3/8`) and write a partial result for `exportsim merge`.
    #[arg(long, value_name = "K/N", value_parser = exportsim::report::partial::Shard::parse)]
    pub shard: Option<exportsim::report::partial::Shard>,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    if args.runs == Some(0) {
        return Err(Failure::Input("error: --runs must be at least 1".into()));
    }
    if args
        .runs
        .is_some_and(|r| r > exportsim::scenario::validate::MAX_RUNS)
    {
        return Err(Failure::Input(format!(
            "error: --runs must be at most {}",
            exportsim::scenario::validate::MAX_RUNS
        )));
    }
    if args.threads.is_some_and(|t| t == 0 || t > 1024) {
        return Err(Failure::Input(
            "error: --threads must be between 1 and 1024".into(),
        ));
    }
    let scenario = load(&args.scenario)?;
    let runs = args.runs.unwrap_or(scenario.runs);
    let seed = args.seed.unwrap_or(scenario.seed);
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if let Some(why) = super::budget::Estimate::of(&scenario, runs, threads)
        .refusal(super::budget::machine_memory())
    {
        if !args.yes {
            return Err(Failure::Input(format!(
                "error: {why}; use fewer --runs, or pass --yes to run it anyway"
            )));
        }
    }
    let target = args.out.clone().unwrap_or_else(|| match args.shard {
        Some(k) => Path::new("output").join(format!(
            "{}.shard-{}-of-{}",
            scenario.name, k.index, k.count
        )),
        None => Path::new("output").join(&scenario.name),
    });
    let out = OutputDir::create(&target).map_err(|e| Failure::Input(format!("error: {e:#}")))?;
    let bar = progress(runs, "runs", args.quiet);
    let started = std::time::Instant::now();
    if let Some(shard) = args.shard {
        let partial = simulate_shard(
            &scenario,
            seed,
            runs,
            shard,
            args.threads.unwrap_or(0),
            &bar,
        )
        .context("cannot start worker threads")?;
        bar.0.finish_and_clear();
        exportsim::report::partial::write(&partial, out.path())?;
        std::fs::write(
            out.path().join("scenario.resolved.toml"),
            &scenario.resolved_toml,
        )
        .context("cannot write the scenario")?;
        let dir = out.commit()?;
        if !args.quiet {
            let blocks = shard.blocks(runs);
            println!(
                "shard {}/{}: blocks {}..{} of {runs} runs; partial result in {}",
                shard.index,
                shard.count,
                blocks.start,
                blocks.end,
                dir.display()
            );
        }
        return Ok(());
    }
    let summary = summarize(&scenario, seed, runs, args.threads.unwrap_or(0), &bar)
        .context("cannot start worker threads")?;
    bar.0.finish_and_clear();
    write_all(&summary, &scenario.resolved_toml, out.path())?;
    super::plot::render(&summary, out.path(), Vec::new())?;
    let dir = out.commit()?;
    if !args.quiet {
        println!("{}", table(&summary));
        println!(
            "{runs} runs (seed {seed}) in {:.2} s; results in {}",
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}

/// The last quarter's compute shares by vendor, with 90% intervals.
pub fn table(s: &Summary) -> String {
    let Some(last) = s.quarters.last() else {
        return String::new();
    };
    let mut out = format!(
        "Share of compute delivered in {last} ({}, {} runs)\n{:<12} {:>8} {:>8} {:>18}\n",
        s.metadata.scenario, s.metadata.runs, "vendor", "origin", "median", "90% interval"
    );
    for v in &s.vendors {
        if let Some(st) = s.vendor(last, &v.id, "compute_share") {
            out += &format!(
                "{:<12} {:>8} {:>7.1}% {:>8.1}% - {:>5.1}%\n",
                v.id,
                v.origin,
                st.p50 * 100.0,
                st.p05 * 100.0,
                st.p95 * 100.0
            );
        }
    }
    if let Some(st) = s.market(last, "domestic_compute_share") {
        out += &format!(
            "{:<12} {:>8} {:>7.1}% {:>8.1}% - {:>5.1}%\n",
            "domestic",
            "(all)",
            st.p50 * 100.0,
            st.p05 * 100.0,
            st.p95 * 100.0
        );
    }
    out
}

pub fn validate(path: &Path) -> Result<(), Failure> {
    let s = load(path)?;
    println!(
        "{} ({}..{}, {} quarters): {}",
        s.name,
        s.start,
        s.end,
        s.quarter_count(),
        s.description.trim()
    );
    println!(
        "default runs {}, seed {}, scenario hash {}",
        s.runs,
        s.seed,
        &s.hash[..16]
    );
    println!("\n{} chips:", s.chips.len());
    for (c, chip) in s.chips.iter().enumerate() {
        let until = chip
            .available_until
            .map(|q| q.to_string())
            .unwrap_or_else(|| "-".into());
        let from = if chip.available_from.index() == 0 {
            "-".to_string()
        } else {
            chip.available_from.to_string()
        };
        let supply = if s.supply[c].is_some() {
            "capacity-bound"
        } else {
            "unconstrained"
        };
        println!(
            "  {:<16} {:<10} {:<8} {:>6.0} TFLOPS  {:>4.2} H100e  {}..{}  price {}  {}",
            chip.id,
            s.vendors[chip.vendor].id,
            chip.origin.as_str(),
            chip.bf16_tflops,
            chip.h100e(),
            from,
            until,
            s.param(chip.price_usd).dist,
            supply
        );
    }
    println!("\n{} buyers:", s.buyers.len());
    for b in &s.buyers {
        println!(
            "  {:<16} {:<14} demand {} H100e/quarter, growth {}/year",
            b.id,
            b.class,
            s.param(b.demand_h100e).dist,
            s.param(b.demand_growth).dist
        );
    }
    println!("\n{} policies:", s.policies.len());
    for p in &s.policies {
        let end = p.end.map(|q| q.to_string()).unwrap_or_default();
        let covered = match &p.kind {
            PolicyKind::UsExport { covers, .. }
            | PolicyKind::BeijingBan { chips: covers, .. }
            | PolicyKind::BeijingGuidance { chips: covers, .. }
            | PolicyKind::BeijingReview { chips: covers, .. }
            | PolicyKind::GreyMarket { chips: covers, .. } => {
                let ids: Vec<&str> = s
                    .chips
                    .iter()
                    .zip(covers)
                    .filter(|(_, c)| **c)
                    .map(|(x, _)| x.id.as_str())
                    .collect();
                format!(" chips: {}", ids.join(", "))
            }
            _ => String::new(),
        };
        let prob = s.param(p.probability).dist.to_string();
        let prob = if prob == "1" {
            String::new()
        } else {
            format!(" (probability {prob})")
        };
        println!(
            "  {:<22} {:<16} {}..{}{}{}",
            p.id,
            p.kind.name(),
            p.start,
            end,
            prob,
            covered
        );
    }
    let uncertain = s.params.iter().filter(|p| !p.dist.is_fixed()).count();
    println!(
        "\n{} numeric inputs, {} of them uncertain",
        s.params.len(),
        uncertain
    );
    Ok(())
}
