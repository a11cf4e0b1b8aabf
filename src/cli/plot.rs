//! `exportsim plot DIR` (redraw the charts and report of a saved output directory) and
//! `exportsim compare DIR...` (one vendor's share across scenarios).

use super::Failure;
use super::term::say;
use anyhow::Context;
use exportsim::plot::{self, Chart, Named, PlotError};
use exportsim::report::{read_summary, redraw};
use exportsim::stats::summary::Summary;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct PlotArgs {
    /// An output directory of `exportsim run` (it holds summary.json).
    pub dir: PathBuf,
    /// Also draw where each buyer's compute came from in this year (repeatable), e.g. 2027.
    #[arg(long = "year", value_name = "YEAR")]
    pub years: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Output directories of `exportsim run`, one per scenario (two to six).
    #[arg(required = true, num_args = 2..)]
    pub dirs: Vec<PathBuf>,
    /// The vendor to compare (e.g. nvidia, huawei), or `domestic` for all domestic vendors.
    #[arg(long)]
    pub vendor: String,
    /// compute_share, units_share or revenue_share (or units, compute_h100e, revenue_usd).
    #[arg(long, default_value = "compute_share")]
    pub metric: String,
    /// The chart file, .png or .svg (default: output/compare_<vendor>_<metric>.png).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn plot(args: PlotArgs) -> Result<(), Failure> {
    let s = read_summary(&args.dir)?;
    if let Some(y) = args.years.iter().find(|y| !s.years.contains(y)) {
        return Err(Failure::Input(format!(
            "--year {y} is outside the horizon; years: {}",
            s.years.join(", ")
        )));
    }
    let extra: Vec<Chart> = args
        .years
        .into_iter()
        .map(|y| Chart::Buyers(Some(y)))
        .collect();
    let count = Chart::all(&s).len() + extra.len();
    let dir = redraw(&args.dir, &s, extra)?;
    say(&format!(
        "{count} charts in {}; report in {}\n",
        dir.join("charts").display(),
        dir.join("report.html").display()
    ));
    Ok(())
}

pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let summaries = args
        .dirs
        .iter()
        .map(|d| read_summary(d).map_err(Failure::from))
        .collect::<Result<Vec<_>, _>>()?;
    let runs: Vec<Named> = summaries
        .iter()
        .zip(&args.dirs)
        .map(|(s, d)| Named {
            name: scenario_name(s, d, &summaries),
            summary: s,
        })
        .collect();
    let out = args.out.unwrap_or_else(|| {
        Path::new("output").join(format!("compare_{}_{}.png", args.vendor, args.metric))
    });
    let svg = match out.extension().and_then(|e| e.to_str()) {
        Some("svg") => true,
        Some("png") => false,
        _ => {
            return Err(Failure::Input(format!(
                "--out {} must end in .png or .svg",
                out.display()
            )));
        }
    };
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let drawn = if svg {
        plot::compare_svg(&runs, &args.vendor, &args.metric).and_then(|text| {
            std::fs::write(&out, text).map_err(|source| PlotError::Io {
                path: out.clone(),
                source,
            })
        })
    } else {
        plot::compare_png(&runs, &args.vendor, &args.metric, &out)
    };
    match drawn {
        Err(PlotError::Incompatible(m)) => Err(Failure::Input(m)),
        Err(e) => Err(Failure::Runtime(e.into())),
        Ok(()) => {
            say(&format!("{}\n", out.display()));
            Ok(())
        }
    }
}

/// A scenario's name, or its directory when two compared runs share a name.
fn scenario_name(s: &Summary, dir: &Path, all: &[Summary]) -> String {
    let same = all
        .iter()
        .filter(|o| o.metadata.scenario == s.metadata.scenario)
        .count();
    if same > 1 {
        dir.display().to_string()
    } else {
        s.metadata.scenario.clone()
    }
}
