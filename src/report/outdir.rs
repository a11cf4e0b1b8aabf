//! An output directory written beside its target and renamed into place when complete:
//! a failure or an interruption leaves the previous results as they were and no partial
//! directory behind (the temporary one is removed on drop).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

pub struct OutputDir {
    target: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl OutputDir {
    /// Prepares a temporary sibling of `target`. Fails if `target` exists and is not a directory.
    pub fn create(target: &Path) -> Result<OutputDir> {
        if target.exists() && !target.is_dir() {
            bail!("the output path {} exists and is not a directory", target.display());
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        Ok(OutputDir { target: target.to_path_buf(), temp: Some(temp) })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        self.temp.as_ref().map(|t| t.path()).unwrap_or(&self.target)
    }

    /// Puts the finished directory in place of `target`, replacing any previous one whole.
    pub fn commit(mut self) -> Result<PathBuf> {
        let temp = self.temp.take().expect("commit once");
        let staged = temp.keep();
        if self.target.exists() {
            let old = self.target.with_file_name(format!(
                ".{}.old-{}",
                self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                std::process::id()
            ));
            std::fs::rename(&self.target, &old).with_context(|| format!("cannot replace {}", self.target.display()))?;
            std::fs::rename(&staged, &self.target)?;
            std::fs::remove_dir_all(&old).ok();
        } else {
            std::fs::rename(&staged, &self.target)?;
        }
        Ok(self.target.clone())
    }
}
