//! Shards: a run or a study split over machines (`--shard K/N`), each writing a partial
//! result, and `merge`, which rebuilds from them exactly the files one machine would have
//! written. What the two kinds share is here: the [`Shard`] slice, the checks that a set of
//! partials is every shard of one job exactly once, reading `partial.json`, and the
//! provenance check of the resolved scenario saved beside it. Run partials are in [`run`],
//! study partials in [`study`].

pub mod run;
pub mod study;

use crate::model::Scenario;
pub use crate::simulate::{MAX_SHARDS, Shard};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file a shard directory holds its partial result in.
pub const FILE: &str = "partial.json";

/// Checks that `partials` are shards 1..N of one job, each exactly once: every partial's
/// shard count and `identity` must equal the first's; `what` names the fields compared, for
/// the message. Errors name the odd directory, the duplicated or missing shards.
pub fn check_shards<T, K: PartialEq>(
    partials: &[(PathBuf, T)],
    shard: impl Fn(&T) -> Shard,
    identity: impl Fn(&T) -> K,
    what: &str,
) -> Result<()> {
    let Some((first_dir, first)) = partials.first() else {
        bail!("no partial results to merge")
    };
    let (n, key) = (shard(first).count, identity(first));
    for (dir, p) in partials {
        let Shard { index, count } = shard(p);
        if index == 0 || index > count || count > MAX_SHARDS {
            bail!(
                "{} is damaged (shard {index}/{count}); re-run that shard",
                dir.display()
            );
        }
        if count != n || identity(p) != key {
            bail!(
                "{} is from another simulation ({what} differ from {})",
                dir.display(),
                first_dir.display()
            );
        }
    }
    let mut seen: Vec<Option<&PathBuf>> = vec![None; n as usize];
    for (dir, p) in partials {
        let index = shard(p).index;
        let slot = &mut seen[(index - 1) as usize];
        if let Some(other) = slot {
            bail!(
                "shard {index}/{n} appears twice: {} and {}",
                other.display(),
                dir.display()
            );
        }
        *slot = Some(dir);
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{}/{n}", k + 1))
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard{}: {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        );
    }
    Ok(())
}

/// Reads a shard directory's `partial.json` as `T` (any kind of partial result).
pub fn read_file<T: serde::de::DeserializeOwned>(dir: &Path) -> Result<T> {
    let path = dir.join(FILE);
    let file = std::fs::File::open(&path).with_context(|| {
        format!(
            "{} is not a shard's output: cannot read {}",
            dir.display(),
            path.display()
        )
    })?;
    serde_json::from_reader(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a valid partial result", path.display()))
}

/// Writes a partial result (of any kind) to `dir/partial.json`.
pub fn write_file<T: serde::Serialize>(dir: &Path, partial: &T) -> Result<()> {
    let mut file = crate::report::files::create(dir, FILE)?;
    serde_json::to_writer(&mut file, partial)?;
    std::io::Write::flush(&mut file)?;
    Ok(())
}

/// Refuses a partial result in `dir` whose `format` is not `expected`.
fn check_format(dir: &Path, format: &str, expected: &str) -> Result<()> {
    if format != expected {
        bail!(
            "{} has format `{format}`, expected `{expected}`",
            dir.join(FILE).display()
        );
    }
    Ok(())
}

/// The `format` of a shard directory's partial result, which says what kind it is.
pub fn format_of(dir: &Path) -> Result<String> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    Ok(read_file::<Head>(dir)?.format)
}

/// The kinds of partial result `dirs` hold, checked to be one kind: a run's
/// ([`run::FORMAT`]) or a study's ([`study::FORMAT`]). Errors are the input's fault.
pub fn format_of_all(dirs: &[PathBuf]) -> Result<String> {
    let mut formats = Vec::with_capacity(dirs.len());
    for dir in dirs {
        formats.push(format_of(dir).map_err(crate::error::input)?);
    }
    if let Some(i) = formats.iter().position(|f| *f != formats[0]) {
        return Err(crate::error::input(anyhow::anyhow!(
            "{} holds a `{}` partial result and {} a `{}` one; merge the shards of one simulation",
            dirs[0].display(),
            formats[0],
            dirs[i].display(),
            formats[i]
        )));
    }
    match formats[0].as_str() {
        run::FORMAT | study::FORMAT => Ok(formats.swap_remove(0)),
        other => Err(crate::error::input(anyhow::anyhow!(
            "{} holds a partial result of format `{other}`, which this exportsim cannot merge (it knows `{}` and `{}`)",
            dirs[0].display(),
            run::FORMAT,
            study::FORMAT
        ))),
    }
}

/// The scenario saved in shard directory `dir` by exportsim `version`, checked against the
/// `hash` its shards simulated. A scenario that does not load comes back as its
/// [`crate::scenario::ScenarioError`]; the rest are [`crate::error::InputError`]s.
pub fn resolved_scenario(dir: &Path, version: &str, hash: &str) -> Result<Scenario> {
    if version != env!("CARGO_PKG_VERSION") {
        return Err(crate::error::input(anyhow::anyhow!(
            "the shards were made by exportsim {version}, this is {}; merge with the same version",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let path = dir.join(crate::report::outdir::MARKER);
    let scenario = crate::scenario::load(&path)?.scenario;
    if scenario.hash != hash {
        return Err(crate::error::input(anyhow::anyhow!(
            "{} does not match the scenario its shards simulated (hash differs)",
            path.display()
        )));
    }
    Ok(scenario)
}
