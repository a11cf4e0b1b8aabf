//! Helpers every test module shares.

use assert_cmd::Command;
use std::path::Path;

/// The repository's root (where Cargo.toml is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `exportsim` binary, built by cargo for the tests.
pub fn exportsim() -> Command {
    Command::cargo_bin("exportsim").expect("the binary builds")
}
