//! Loads arbitrary input as a scenario and, when it is valid and small, simulates a few runs
//! and summarizes them: nothing past validation may panic on a scenario validation accepted.
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
    let Ok(loaded) = exportsim::scenario::load_text(path, text) else {
        return;
    };
    let scenario = loaded.scenario;
    let size =
        scenario.quarter_count() * scenario.buyers.len().max(1) * scenario.chips.len().max(1);
    if size > 20_000 {
        return; // keep each input fast; size limits are the budget's job, not the engine's
    }
    let summary = exportsim::simulate::summarize(&scenario, scenario.seed, 3, &());
    let mut sink = Vec::new();
    exportsim::report::write_json(&summary, &mut sink).expect("JSON of a summary");
});
