//! What the commands share on the terminal: the progress bar, writing to stdout through a
//! closed pipe.

use exportsim::engine::Progress;
use std::io::Write;

/// A progress bar on stderr (hidden with `--quiet`; indicatif hides it when not a terminal).
pub struct Bar(pub indicatif::ProgressBar);

impl Progress for Bar {
    fn advance(&self, done: u64) {
        self.0.inc(done);
    }
}

/// A bar over `total` units of work, labelled `unit` ("runs", "simulations").
pub fn progress(total: u64, unit: &str, quiet: bool) -> Bar {
    if quiet {
        return Bar(indicatif::ProgressBar::hidden());
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let template =
        format!("{{spinner}} {{pos}}/{{len}} {unit} [{{bar:30}}] {{per_sec}} eta {{eta}}");
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    Bar(bar)
}

/// Writes to stdout; a closed pipe (`exportsim params ... | head`) is not an error.
pub fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
