//! ghenv: create, validate and wire a GitHub personal access token into a
//! project's `.env` and `config.toml`.
//!
//! Data flows one way: arguments ([`cli`]) → token source ([`source`]) →
//! offline check ([`token`]) → GitHub validation ([`github`], [`scopes`]) →
//! rendering ([`render`], [`envfile`], [`config`]) → atomic write
//! ([`write`]). [`commands`] strings the steps together; [`output`] holds
//! every process edge so the rest can be tested without a terminal or a
//! network.

pub mod cli;
pub mod commands;
pub mod config;
pub mod crypt;
pub mod envfile;
pub mod error;
pub mod github;
pub mod output;
pub mod render;
pub mod scan;
pub mod scopes;
pub mod source;
pub mod token;
pub mod write;

pub use error::{Error, Result};

use cli::{Cli, Command};
use output::Io;

/// Runs the command `cli` names and returns the exit code on success (0,
/// or the command's own for `run` off Unix).
///
/// # Errors
/// The command's [`Error`]; the caller prints it and exits with
/// [`Error::exit_code`].
pub fn run(cli: &Cli, io: &mut Io) -> Result<i32> {
    match &cli.command {
        Command::Init(args) => commands::init::run(args, io),
        Command::Check(args) => commands::check::run(args, io),
        Command::Unlock(args) => commands::unlock::run(args, io),
        Command::Run(args) => return commands::run::run(args, io),
        Command::Rotate(args) => commands::rotate::run(args, io),
        Command::Recipients(cmd) => commands::recipients::run(cmd, io),
        Command::Keygen(args) => commands::keys::keygen(args, io),
        Command::Pubkey(args) => commands::keys::pubkey(args, io),
        Command::Scopes(args) => commands::scopes::run(args, io),
        Command::Scan(args) => return commands::scan::run(args, io),
        Command::Hook(cmd) => commands::hook::run(cmd, io),
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut cmd, "ghenv", &mut io.out);
            Ok(())
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut io.out)
                .map_err(|e| Error::io("write", "standard output", e))
        }
        Command::Templates(args) => commands::templates::run(args, io),
    }
    .map(|()| error::exit::OK)
}

impl Command {
    /// Whether the command was asked for JSON output.
    pub fn json(&self) -> bool {
        match self {
            Command::Init(a) => a.json,
            Command::Check(a) => a.json,
            Command::Unlock(a) => a.json,
            Command::Run(_) => false,
            Command::Rotate(a) => a.json,
            Command::Recipients(cli::RecipientsCommand::List(a)) => a.json,
            Command::Recipients(
                cli::RecipientsCommand::Add(a) | cli::RecipientsCommand::Remove(a),
            ) => a.json,
            Command::Keygen(a) => a.json,
            Command::Pubkey(a) => a.json,
            Command::Scopes(a) => a.json,
            Command::Scan(a) => a.json,
            Command::Hook(cli::HookCommand::Install(a)) => a.json,
            Command::Hook(cli::HookCommand::Uninstall(a)) => a.json,
            Command::Completions(_) | Command::Man => false,
            Command::Templates(a) => a.json,
        }
    }
}
