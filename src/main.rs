//! The `ghenv` binary: parse arguments, run the library, print the report
//! or the error once, and turn it into the exit code.

use std::io::{IsTerminal, Write};

use clap::error::ErrorKind;
use ghenv::cli::Cli;
use ghenv::error::Failure;
use ghenv::output::{Io, Verbosity};
use ghenv::report::ToJson;
use ghenv::token;

/// Said after an error when an argument looks like a token: the pipe names
/// the command that was run when it takes `--token-stdin`, and is written
/// as the user types it (`npx ghenv` under npm).
fn token_in_argv_note(io: &Io) -> String {
    let command = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .find(|a| !a.starts_with('-'))
        .filter(|a| ["init", "rotate", "check", "probe", "revoke"].contains(&a.as_str()))
        .unwrap_or_else(|| "init".to_owned());
    io.commands(&format!(
        "note: ghenv never takes a token as an argument: other programs on this machine can read a command's arguments, and the shell keeps them in its history. Give it on standard input instead (`gh auth token | ghenv {command} --token-stdin`), or let ghenv ask for it in a terminal."
    ))
    .into_owned()
}

fn main() -> std::process::ExitCode {
    // std's runtime has opened closed standard descriptors on /dev/null and
    // ignores SIGPIPE; what ghenv adds is in one place.
    ghenv::output::start_process();
    std::process::ExitCode::from(ghenv_main())
}

fn ghenv_main() -> u8 {
    ghenv::output::forbid_core_dumps();
    let token_in_argv = std::env::args_os()
        .skip(1)
        .any(|a| token::looks_like_token(&a.to_string_lossy()));
    let (cli, json) = match parse() {
        Ok(parsed) => parsed,
        Err(e) => return clap_error(&e, token_in_argv),
    };
    let mut io = Io::process(Verbosity {
        quiet: cli.quiet,
        verbose: cli.verbose,
    });
    let failed = |io: &mut Io, e: &ghenv::Error| {
        io.error(e);
        if token_in_argv {
            let note = token_in_argv_note(io);
            io.say(&note);
        }
        e.exit_code()
    };
    let code = match ghenv::run(&cli, &mut io) {
        Ok(report) => {
            if json {
                io.json(&report.to_json());
            } else {
                report.print(&mut io);
            }
            match report.outcome() {
                ghenv::report::Outcome::Failed(e) => failed(&mut io, e),
                outcome => ghenv::report::exit_code(&outcome),
            }
        }
        Err(e) => {
            if json {
                io.json(&Failure::from(&e).to_json());
            }
            failed(&mut io, &e)
        }
    };
    // A closed pipe (ghenv check | head -1) is not an error.
    let _ = io.out.flush();
    code as u8
}

/// Parses the command line, and whether the command asked for `--json`.
/// The command tree is not dropped: the process ends soon, and freeing its
/// allocations one by one was a sixth of a start-up's instructions.
fn parse() -> Result<(Cli, bool), clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let cmd = Box::leak(Box::new(Cli::command()));
    let mut matches = cmd.try_get_matches_from_mut(std::env::args_os())?;
    let json = ghenv::cli::wants_json(&matches);
    let cli = Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(cmd))?;
    Ok((cli, json))
}

/// Prints clap's error or help, with any token-looking argument masked.
/// `ghenv` alone prints the overview and succeeds.
fn clap_error(e: &clap::Error, token_in_argv: bool) -> u8 {
    let to_stdout = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    let no_arguments = std::env::args_os().len() == 1;
    let tty = if to_stdout {
        std::io::stdout().is_terminal()
    } else {
        std::io::stderr().is_terminal()
    };
    let color = ghenv::output::colors(tty, |k| std::env::var(k).ok());
    let rendered = e.render();
    let text = if color {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    let text = token::redact(&text);
    if to_stdout {
        let _ = std::io::stdout().write_all(text.as_bytes());
        let _ = std::io::stdout().flush();
    } else {
        let _ = std::io::stderr().write_all(text.as_bytes());
        if token_in_argv {
            let note = token_in_argv_note(&Io::process(Verbosity::default()));
            let _ = writeln!(std::io::stderr(), "\n{note}");
        }
    }
    let code = if no_arguments { 0 } else { e.exit_code() };
    code as u8
}
