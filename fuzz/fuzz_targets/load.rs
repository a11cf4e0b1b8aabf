//! Loads and validates arbitrary input as a scenario: it must return a scenario or located
//! errors, never panic. Files it `extends` resolve against the shipped scenarios' directory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/fuzzed.toml"
    ));
    match exportsim::scenario::load_text(path, text) {
        Ok(loaded) => {
            for w in loaded.warnings {
                let _ = w.to_string();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
