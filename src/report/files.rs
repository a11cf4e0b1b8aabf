//! Files inside an output directory: creating one with its path in the error, and the one
//! writer of `scenario.resolved.toml`, which every result directory holds (it also marks the
//! directory as exportsim's; see [`super::outdir::MARKER`]).

use crate::model::Scenario;
use anyhow::{Context, Result};
use std::io::BufWriter;
use std::path::Path;

/// Creates `dir/name` for buffered writing.
pub fn create(dir: &Path, name: &str) -> Result<BufWriter<std::fs::File>> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::new(file))
}

/// Creates `dir/name` and hands it to `write`; errors name the file.
pub fn write_with<E>(
    dir: &Path,
    name: &str,
    write: impl FnOnce(BufWriter<std::fs::File>) -> Result<(), E>,
) -> Result<()>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let file = create(dir, name)?;
    write(file).with_context(|| format!("cannot write {}", dir.join(name).display()))
}

/// How `scenario.resolved.toml` is introduced: with a comment saying what was done with it
/// ("simulated", "studied", "run"), or bare (a shard's, read back by `merge`).
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'a> {
    As(&'a str),
    Bare,
}

/// Writes `dir/scenario.resolved.toml`: the scenario after `extends`, exactly as simulated.
pub fn write_resolved(dir: &Path, s: &Scenario, how: Resolved) -> Result<()> {
    let text = match how {
        Resolved::As(verb) => format!(
            "# The scenario `{}` after `extends`, as {verb}.\n# sha256 of the text below: {}\n\n{}",
            s.name, s.hash, s.resolved_toml
        ),
        Resolved::Bare => s.resolved_toml.clone(),
    };
    std::fs::write(dir.join(super::outdir::MARKER), text)
        .context("cannot write scenario.resolved.toml")
}
