//! Writers: the summary as CSV and JSON, and output directories that appear whole or not
//! at all. Writers take `impl Write`, so tests can snapshot their bytes.

pub mod check;
pub mod files;
pub mod html;
pub mod outdir;
pub mod study;

pub use outdir::OutputDir;

use crate::model::Scenario;
use crate::simulate::Shard;
use crate::stats::Stats;
use crate::stats::summary::{Row, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};

const STATS_HEADER: [&str; 7] = ["mean", "sd", "p05", "p25", "p50", "p75", "p95"];

fn stats_fields(s: &Stats) -> [String; 7] {
    [s.mean, s.sd, s.p05, s.p25, s.p50, s.p75, s.p95].map(|x| format!("{x}"))
}

fn write_rows<'a>(
    w: impl Write,
    first: [&str; 3],
    rows: impl Iterator<Item = &'a Row>,
) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(first.iter().chain(STATS_HEADER.iter()))?;
    for r in rows {
        let f = stats_fields(&r.stats);
        out.write_record(
            [r.period.as_str(), r.key.as_str(), r.metric.as_str()]
                .iter()
                .copied()
                .chain(f.iter().map(String::as_str)),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `summary.csv`: one row per (quarter, vendor, metric).
pub fn write_summary_csv(s: &Summary, w: impl Write) -> csv::Result<()> {
    let quarterly = s.vendor_rows.iter().filter(|r| r.period.contains('Q'));
    write_rows(w, ["quarter", "vendor", "metric"], quarterly)
}

/// `yearly.csv`: one row per (year, vendor, metric), from each run's yearly totals.
pub fn write_yearly_csv(s: &Summary, w: impl Write) -> csv::Result<()> {
    let yearly = s.vendor_rows.iter().filter(|r| !r.period.contains('Q'));
    write_rows(w, ["year", "vendor", "metric"], yearly)
}

/// `market.csv`: one row per (period, metric) for the whole market; periods are quarters
/// then years.
pub fn write_market_csv(s: &Summary, w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["period", "metric"].iter().chain(STATS_HEADER.iter()))?;
    for r in &s.market_rows {
        let f = stats_fields(&r.stats);
        out.write_record(
            [r.period.as_str(), r.metric.as_str()]
                .into_iter()
                .chain(f.iter().map(String::as_str)),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `buyers.csv`: per (quarter, buyer, chip, channel, metric) mean and 90% interval.
pub fn write_buyers_csv(s: &Summary, w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "quarter", "buyer", "chip", "channel", "metric", "mean", "p05", "p50", "p95",
    ])?;
    for r in &s.buyer_rows {
        let st = &r.stats;
        let nums = [st.mean, st.p05, st.p50, st.p95].map(|x| format!("{x}"));
        out.write_record(
            [r.quarter.as_str(), &r.buyer, &r.chip, &r.channel, &r.metric]
                .into_iter()
                .chain(nums.iter().map(String::as_str)),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `chips.csv`: per (quarter, chip, metric) supply, orders, deliveries, backlog, seizures.
pub fn write_chips_csv(s: &Summary, w: impl Write) -> csv::Result<()> {
    write_rows(w, ["quarter", "chip", "metric"], s.chip_rows.iter())
}

/// `summary.json`: every table with the metadata.
pub fn write_json(s: &Summary, w: impl Write) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(w, s)
}

/// Writes every result file of a run into `dir` (the temporary directory of a run being
/// written): the tables, `summary.json`, the resolved scenario, the charts (with `extra`
/// ones) and `report.html`.
pub fn write_run(
    dir: &Path,
    s: &Summary,
    scenario: &Scenario,
    extra: Vec<crate::plot::Chart>,
) -> anyhow::Result<()> {
    write_tables(dir, s, scenario)?;
    render(s, dir, extra)
}

/// The tables, `summary.json` and the resolved scenario of a run: [`write_run`] without
/// the charts and report.
pub fn write_tables(dir: &Path, s: &Summary, scenario: &Scenario) -> anyhow::Result<()> {
    write_summary_csv(s, files::create(dir, "summary.csv")?)?;
    write_yearly_csv(s, files::create(dir, "yearly.csv")?)?;
    write_market_csv(s, files::create(dir, "market.csv")?)?;
    write_buyers_csv(s, files::create(dir, "buyers.csv")?)?;
    write_chips_csv(s, files::create(dir, "chips.csv")?)?;
    let mut json = files::create(dir, "summary.json")?;
    write_json(s, &mut json)?;
    json.write_all(b"\n")?;
    json.flush()?;
    files::write_resolved(dir, scenario, files::Resolved::As("simulated"))
}

/// Draws every chart of `s` (and `extra` ones) into `dir/charts/` and writes
/// `dir/report.html`.
pub fn render(s: &Summary, dir: &Path, extra: Vec<crate::plot::Chart>) -> anyhow::Result<()> {
    use anyhow::Context;
    let mut charts = crate::plot::Chart::all(s);
    charts.extend(extra);
    let rendered = crate::plot::write_charts(s, charts, &dir.join("charts"))?;
    let path = dir.join("report.html");
    std::fs::write(&path, html::render(s, &rendered))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Reads `dir/summary.json`; a directory without one, or with another version's, is the
/// input's fault.
pub fn read_summary(dir: &Path) -> anyhow::Result<Summary> {
    let path = dir.join("summary.json");
    let file = std::fs::File::open(&path).map_err(|e| {
        crate::error::input(anyhow::anyhow!(
            "cannot read {}: {e}; is {} an output directory of `exportsim run`?",
            path.display(),
            dir.display()
        ))
    })?;
    serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| {
        crate::error::input(anyhow::anyhow!(
            "{} is not a summary written by this version of exportsim: {e}",
            path.display()
        ))
    })
}

/// Redraws the charts (and `extra` ones) and report of the run directory `dir` from its
/// summary `s`: the directory is rebuilt beside itself and swapped in whole, like a run's.
pub fn redraw(dir: &Path, s: &Summary, extra: Vec<crate::plot::Chart>) -> anyhow::Result<PathBuf> {
    use anyhow::Context;
    let out = OutputDir::create(dir)?;
    copy_results(dir, out.path(), true)
        .with_context(|| format!("cannot copy {}", dir.display()))?;
    render(s, out.path(), extra)?;
    out.commit()
}

/// Copies the files of a result directory, except (at the top) the charts and report that
/// are about to be redrawn.
fn copy_results(from: &Path, to: &Path, top: bool) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if top && (name == "charts" || name == "report.html") {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            std::fs::create_dir(to.join(&name))?;
            copy_results(&entry.path(), &to.join(&name), false)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// Where a command writes by default: `output/<scenario>` with `-<suffix>` when given, and
/// `.shard-K-of-N` for a shard.
pub fn default_target(scenario: &str, suffix: Option<&str>, shard: Option<Shard>) -> PathBuf {
    let mut name = match suffix {
        Some(x) => format!("{scenario}-{x}"),
        None => scenario.to_string(),
    };
    if let Some(k) = shard {
        name += &format!(".shard-{}-of-{}", k.index, k.count);
    }
    Path::new("output").join(name)
}
