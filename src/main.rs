//! The `ghenv` binary: parse arguments, run the library, print the report
//! or the error once, and turn it into the exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use ghenv::cli::Cli;
use ghenv::error::Failure;
use ghenv::output::{Io, Verbosity};
use ghenv::report::ToJson;

fn main() -> ExitCode {
    ghenv::output::forbid_core_dumps();
    let cli = Cli::parse();
    let mut io = Io::process(Verbosity {
        quiet: cli.quiet,
        verbose: cli.verbose,
    });
    let json = cli.command.json();
    let code = match ghenv::run(&cli, &mut io) {
        Ok(report) => {
            if json {
                io.json(&report.to_json());
            } else {
                report.print(&mut io);
            }
            match report.failure() {
                Some(e) => {
                    io.error(e);
                    e.exit_code()
                }
                None => report.exit_code(),
            }
        }
        Err(e) => {
            if json {
                io.json(&Failure::from(&e).to_json());
            }
            io.error(&e);
            e.exit_code()
        }
    };
    // A closed pipe (ghenv check | head -1) is not an error.
    let _ = io.out.flush();
    ExitCode::from(code as u8)
}
