//! The `exportsim` binary: parse arguments, run, print the error, map the exit code
//! (0 ok, 1 failed at run time, 2 invalid input, 130 interrupted).

mod cli;

use clap::Parser;
use std::io::Write;

fn main() {
    quiet_broken_pipe();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            if e.kind() == clap::error::ErrorKind::ValueValidation {
                // A value out of its range: clap's first line says which and what is allowed,
                // as every other bad-input message does, in one line.
                let text = e.render().to_string();
                let _ = writeln!(std::io::stderr(), "{}", text.lines().next().unwrap_or(""));
            } else {
                let _ = e.print();
            }
            std::process::exit(code);
        }
    };
    if let Err(e) = ctrlc::set_handler(interrupted) {
        let _ = writeln!(
            std::io::stderr(),
            "warning: cannot install the Ctrl-C handler: {e}"
        );
    }
    if let Err(failure) = cli::run(cli) {
        let _ = writeln!(std::io::stderr(), "{failure}"); // a closed stderr is not a panic
        std::process::exit(failure.exit_code());
    }
}

/// On Ctrl-C or SIGTERM: remove this process's unfinished output directories, exit 130.
fn interrupted() {
    let note = if exportsim::report::outdir::remove_pending() {
        ": no results written"
    } else {
        ""
    };
    let _ = writeln!(std::io::stderr(), "interrupted{note}");
    std::process::exit(130);
}

/// `exportsim validate x.toml | head` closes stdout early; `println!` then panics with
/// "failed printing to stdout". A reader that stopped reading is not an error: exit 0.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
