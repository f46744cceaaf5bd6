//! ghenv: create, validate and wire a GitHub personal access token into a
//! project's `.env` and `config.toml`.
//!
//! Data flows one way: arguments ([`cli`]) → token source ([`source`]) →
//! offline check ([`token`]) → GitHub validation ([`github`], [`scopes`]) →
//! rendering ([`render`], [`envfile`], [`config`]) → atomic write
//! ([`write`]). [`commands`] strings the steps together; [`output`] holds
//! every process edge so the rest can be tested without a terminal or a
//! network.

#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod config;
pub mod envfile;
pub mod error;
pub mod github;
pub mod output;
pub mod render;
pub mod scopes;
pub mod source;
pub mod token;
pub mod write;

pub use error::{Error, Result};

use cli::{Cli, Command};
use output::Io;

/// Runs the command `cli` names.
///
/// # Errors
/// The command's [`Error`]; the caller prints it and exits with
/// [`Error::exit_code`].
pub fn run(cli: &Cli, io: &mut Io) -> Result<()> {
    match &cli.command {
        Command::Init(args) => commands::init::run(args, io),
        Command::Check(args) => commands::check::run(args, io),
        Command::Templates(args) => commands::templates::run(args, io),
    }
}

impl Command {
    /// Whether the command was asked for JSON output.
    pub fn json(&self) -> bool {
        match self {
            Command::Init(a) => a.json,
            Command::Check(a) => a.json,
            Command::Templates(a) => a.json,
        }
    }
}
