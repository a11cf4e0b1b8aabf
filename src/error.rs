//! The one library error that decides an exit code by itself: [`InputError`] marks an
//! `anyhow::Error` as the user's input's fault (an output path that cannot take results, a
//! directory that is not a shard's), so the binary exits 2 rather than 1. Everything else
//! the library returns is typed where it arises (`ScenarioError`, `StudyError`, ...).

/// An error caused by the user's input, not by a failed run.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct InputError(pub anyhow::Error);

/// Marks `e` as the input's fault.
pub fn input(e: anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(InputError(e))
}

/// Whether `e` is the input's fault.
pub fn is_input(e: &anyhow::Error) -> bool {
    e.downcast_ref::<InputError>().is_some()
}
