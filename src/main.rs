//! The `exportsim` binary: parse arguments, run, print the error, map the exit code
//! (0 ok, 1 failed at run time, 2 invalid input, 130 interrupted).

use clap::Parser;
use std::io::Write;

fn main() {
    let cli = match exportsim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(e) = exportsim::report::outdir::remove_partials_on_interrupt() {
        let _ = writeln!(std::io::stderr(), "warning: {e:#}");
    }
    if let Err(failure) = exportsim::cli::run(cli) {
        let _ = writeln!(std::io::stderr(), "{failure}"); // a closed stderr is not a panic
        std::process::exit(failure.exit_code());
    }
}
