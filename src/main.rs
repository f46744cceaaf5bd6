//! The `ghenv` binary: parse arguments, run the library, print the error
//! once and turn it into the exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use ghenv::cli::Cli;
use ghenv::output::{Io, Verbosity};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut io = Io::process(Verbosity {
        quiet: cli.quiet,
        verbose: cli.verbose,
    });
    let code = match ghenv::run(&cli, &mut io) {
        Ok(code) => code,
        Err(e) => {
            if cli.command.json() && !io.json_written {
                io.json(&ghenv::commands::error_json(&e));
            }
            io.error(&e);
            e.exit_code()
        }
    };
    // A closed pipe (ghenv check | head -1) is not an error.
    let _ = io.out.flush();
    ExitCode::from(code as u8)
}
