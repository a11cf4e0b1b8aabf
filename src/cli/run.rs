//! `exportsim run` and `exportsim validate`.

use super::options::RunOptions;
use super::term::{progress, say};
use super::{Failure, load};
use exportsim::budget::{Estimate, machine_memory};
use exportsim::model::{PolicyKind, Scenario};
use exportsim::report::files::{Resolved, write_resolved};
use exportsim::report::{OutputDir, default_target, write_run};
use exportsim::shard::{self, Shard};
use exportsim::simulate::summarize;
use exportsim::stats::summary::Summary;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub options: RunOptions,
    /// Run even if the estimated memory or time exceeds the machine's memory or a day.
    #[arg(long)]
    pub yes: bool,
    /// Simulate only shard K of N (e.g. `3/8`) and write a partial result for `exportsim merge`.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let scenario = load(&args.scenario)?.scenario;
    let (runs, seed) = args.options.runs_and_seed(scenario.runs, scenario.seed);
    let estimate = Estimate::of(&scenario, runs, rayon::current_num_threads());
    if let Some(why) = estimate.refusal(machine_memory()).filter(|_| !args.yes) {
        return Err(Failure::Input(format!(
            "{why}; use fewer --runs, or pass --yes to run it anyway"
        )));
    }
    let target = args
        .options
        .target(|| default_target(&scenario.name, None, args.shard));
    let out = OutputDir::create(&target)?;
    let bar = progress(runs, "runs", args.options.quiet);
    let started = std::time::Instant::now();
    if let Some(k) = args.shard {
        let partial = shard::run::simulate_shard(&scenario, seed, runs, k, &bar);
        bar.0.finish_and_clear();
        shard::run::write(&partial, out.path())?;
        write_resolved(out.path(), &scenario, Resolved::Bare)?;
        let dir = out.commit()?;
        if !args.options.quiet {
            let blocks = k.blocks(runs);
            say(&format!(
                "shard {}/{}: blocks {}..{} of {runs} runs; partial result in {}\n",
                k.index,
                k.count,
                blocks.start,
                blocks.end,
                dir.display()
            ));
        }
        return Ok(());
    }
    let summary = summarize(&scenario, seed, runs, &bar);
    bar.0.finish_and_clear();
    write_run(out.path(), &summary, &scenario, Vec::new())?;
    let dir = out.commit()?;
    if !args.options.quiet {
        let seconds = started.elapsed().as_secs_f64();
        say(&format!(
            "{}\n{runs} runs (seed {seed}) in {seconds:.2} s; results in {}\n",
            table(&summary),
            dir.display()
        ));
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
    let s = load(path)?.scenario;
    let mut out = header(&s);
    out += &chips(&s);
    out += &buyers(&s);
    out += &policies(&s);
    let uncertain = s.params.iter().filter(|p| !p.dist.is_fixed()).count();
    out += &format!(
        "\n{} numeric inputs, {} of them uncertain\n",
        s.params.len(),
        uncertain
    );
    say(&out);
    Ok(())
}

fn header(s: &Scenario) -> String {
    format!(
        "{} ({}..{}, {} quarters): {}\ndefault runs {}, seed {}, scenario hash {}\n",
        s.name,
        s.start,
        s.end,
        s.quarter_count(),
        s.description.trim(),
        s.runs,
        s.seed,
        &s.hash[..16]
    )
}

fn chips(s: &Scenario) -> String {
    let mut out = format!("\n{} chips:\n", s.chips.len());
    for (c, chip) in s.chips.iter().enumerate() {
        let until = chip
            .available_until
            .map_or_else(|| "-".into(), |q| q.to_string());
        let from = if chip.available_from.index() == 0 {
            "-".to_string()
        } else {
            chip.available_from.to_string()
        };
        let supply = match s.supply[c] {
            Some(_) => "capacity-bound",
            None => "unconstrained",
        };
        out += &format!(
            "  {:<16} {:<10} {:<8} {:>6.0} TFLOPS  {:>4.2} H100e  {}..{}  price {}  {}\n",
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
    out
}

fn buyers(s: &Scenario) -> String {
    let mut out = format!("\n{} buyers:\n", s.buyers.len());
    for b in &s.buyers {
        out += &format!(
            "  {:<16} {:<14} demand {} H100e/quarter, growth {}/year\n",
            b.id,
            b.class,
            s.param(b.demand_h100e).dist,
            s.param(b.demand_growth).dist
        );
    }
    out
}

fn policies(s: &Scenario) -> String {
    let mut out = format!("\n{} policies:\n", s.policies.len());
    for p in &s.policies {
        let end = p.end.map(|q| q.to_string()).unwrap_or_default();
        let prob = s.param(p.probability).dist.to_string();
        let prob = if prob == "1" {
            String::new()
        } else {
            format!(" (probability {prob})")
        };
        out += &format!(
            "  {:<22} {:<16} {}..{}{}{}\n",
            p.id,
            p.kind.name(),
            p.start,
            end,
            prob,
            covered(s, &p.kind)
        );
    }
    out
}

/// " chips: a, b" for a policy that names chips.
fn covered(s: &Scenario, kind: &PolicyKind) -> String {
    match kind {
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
    }
}
