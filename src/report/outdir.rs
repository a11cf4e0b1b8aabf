//! An output directory that appears whole or not at all.
//!
//! Results are written to a temporary sibling of the target, `.NAME.partial-PID-XXXX`, and
//! renamed into place only when complete; an existing result directory is replaced whole.
//! What an interruption leaves behind:
//!
//! - an error or a panic: the temporary directory is removed on drop;
//! - Ctrl-C or SIGTERM: the binary's handler calls [`remove_pending`], which removes the
//!   temporary directories of this process, and exits with status 130;
//! - SIGKILL or a power cut (no code runs): the next `create` for the same target removes
//!   partial directories whose process is gone, and puts back a previous result that was
//!   moved aside (`.NAME.old-PID`) if the kill fell between the two renames of a commit.
//!
//! The previous result is never touched before the new one is complete.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// A file every result directory holds; a directory without it is not replaced.
pub const MARKER: &str = "scenario.resolved.toml";

/// Temporary directories of this process not yet committed or dropped.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct OutputDir {
    target: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl OutputDir {
    /// Prepares a temporary sibling of `target`. Fails, with an [`crate::error::InputError`],
    /// if `target` is a file, or a directory that holds something other than exportsim
    /// results (it would be replaced whole).
    pub fn create(target: &Path) -> Result<OutputDir> {
        OutputDir::prepare(target).map_err(crate::error::input)
    }

    fn prepare(target: &Path) -> Result<OutputDir> {
        let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            bail!(
                "the output path {} does not name a directory (use e.g. output/baseline)",
                target.display()
            );
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if target.is_file() {
            bail!(
                "the output path {} is a file, not a directory",
                target.display()
            );
        }
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        clean_stale(&parent, &name);
        if target.is_dir() && !replaceable(target) {
            bail!(
                "the output directory {} exists and does not hold exportsim results; it would be replaced whole, so choose another --out or remove it",
                target.display()
            );
        }
        let mut pending = pending();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-{}-", std::process::id()))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        pending.push(temp.path().to_path_buf());
        Ok(OutputDir {
            target: target.to_path_buf(),
            temp: Some(temp),
        })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        self.temp.as_ref().map(|t| t.path()).unwrap_or(&self.target)
    }

    /// Puts the finished directory in place of `target`, replacing any previous one whole.
    pub fn commit(mut self) -> Result<PathBuf> {
        let mut pending = pending(); // an interrupt waits for the commit to finish
        let Some(temp) = self.temp.take() else {
            bail!("the output directory was already committed")
        };
        let staged = temp.keep();
        pending.retain(|p| *p != staged);
        let result = replace(&staged, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result.map(|()| self.target.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let mut pending = pending();
            pending.retain(|p| p != temp.path());
            drop(temp); // removes the directory
        }
    }
}

/// Renames `staged` to `target`, moving a previous `target` aside first and removing it after.
fn replace(staged: &Path, target: &Path) -> Result<()> {
    if !target.exists() {
        return std::fs::rename(staged, target)
            .with_context(|| format!("cannot move the results to {}", target.display()));
    }
    let old = sibling(target, &format!("old-{}", std::process::id()));
    std::fs::rename(target, &old)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&old, target); // put the previous result back
        return Err(e).with_context(|| format!("cannot move the results to {}", target.display()));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// `.NAME.WHAT` beside `target`.
fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{what}"))
}

/// An existing directory may be replaced if it is empty or holds a previous result.
fn replaceable(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Removes what killed runs left beside `NAME`: partial directories of processes that are gone,
/// and a previous result moved aside by a commit that never finished (put back if `NAME` is
/// missing). Best effort: a failure here only leaves litter.
fn clean_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let target = parent.join(name);
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let (kind, pid) = match rest.split_once('-') {
            Some((kind @ ("partial" | "old"), tail)) => (
                kind,
                tail.split('-').next().and_then(|p| p.parse::<u32>().ok()),
            ),
            _ => continue,
        };
        if !pid.is_some_and(gone) {
            continue;
        }
        if kind == "old" && !target.exists() {
            let _ = std::fs::rename(entry.path(), &target);
        } else {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// True when process `pid` surely no longer runs (known only where /proc exists).
fn gone(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes this process's unfinished output directories (for a signal handler: the binary
/// calls this on Ctrl-C or SIGTERM before it exits). Returns whether there were any.
pub fn remove_pending() -> bool {
    let pending = pending();
    for dir in pending.iter() {
        // A writer may still be adding files: retry until the directory is gone.
        for _ in 0..20 {
            if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
                break;
            }
        }
    }
    !pending.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commits_whole_and_drops_clean() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("res");
        let out = OutputDir::create(&target).unwrap();
        std::fs::write(out.path().join(MARKER), "a").unwrap();
        out.commit().unwrap();
        assert_eq!(names(root.path()), ["res"]);
        let out = OutputDir::create(&target).unwrap();
        std::fs::write(out.path().join("half"), "b").unwrap();
        drop(out);
        assert_eq!(names(root.path()), ["res"]);
        assert_eq!(names(&target), [MARKER]);
    }

    #[test]
    fn cleans_what_killed_runs_left() {
        let root = tempfile::tempdir().unwrap();
        let dead = u32::MAX - 7; // no such process
        std::fs::create_dir(root.path().join(format!(".res.partial-{dead}-abc"))).unwrap();
        std::fs::create_dir(root.path().join(format!(".res.old-{dead}"))).unwrap();
        std::fs::write(
            root.path().join(format!(".res.old-{dead}")).join(MARKER),
            "old",
        )
        .unwrap();
        std::fs::create_dir(root.path().join(".other.partial-1-x")).unwrap();
        let out = OutputDir::create(&root.path().join("res")).unwrap();
        drop(out);
        assert_eq!(names(root.path()), [".other.partial-1-x", "res"]);
        assert_eq!(
            std::fs::read_to_string(root.path().join("res").join(MARKER)).unwrap(),
            "old"
        );
    }

    #[test]
    fn refuses_files_and_foreign_directories() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("file"), "x").unwrap();
        assert!(OutputDir::create(&root.path().join("file")).is_err());
        std::fs::create_dir(root.path().join("mine")).unwrap();
        std::fs::write(root.path().join("mine").join("notes.txt"), "x").unwrap();
        let e = OutputDir::create(&root.path().join("mine")).err().unwrap();
        assert!(
            e.to_string().contains("does not hold exportsim results"),
            "{e}"
        );
        assert!(OutputDir::create(Path::new(".")).is_err());
    }
}
