//! ghenv: create, validate and wire a GitHub personal access token into a
//! project's `.env` and `config.toml`.
//!
//! Data flows one way: arguments ([`cli`]) → resolved options ([`options`])
//! → the project ([`project`]: config.toml, template, env file) → token
//! source ([`source`]) → offline check ([`token`]) → GitHub validation
//! ([`github`], [`scopes`]) → rendering ([`render`], [`envfile`],
//! [`config`]) → sealing ([`secret`], [`crypt`]) → atomic write ([`write`])
//! → a [`report`]. [`commands`] strings the steps together, one file per
//! command; [`output`] holds the streams, [`platform`] every OS-specific
//! process edge and [`git`] every git call,
//! so the rest can be tested without a terminal, a network or a repository.

pub mod accept;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod crypt;
pub mod device;
pub mod doctor;
pub mod endpoint;
pub mod envfile;
pub mod error;
pub mod git;
pub mod github;
pub mod graphiql;
pub mod graphql;
pub mod hook;
pub mod options;
pub mod output;
pub mod platform;
pub mod probe;
pub mod project;
pub mod proxy;
pub mod render;
pub mod report;
pub mod scan;
pub mod scopes;
pub mod secret;
pub mod setup;
pub mod source;
pub mod steps;
pub mod text;
pub mod token;
pub mod trust;
pub mod write;

pub use error::{Error, Result};

use cli::{Cli, Command};
use output::Io;
use report::Boxed;

/// Runs the command `cli` names and returns its report, for the caller to
/// print once (see [`report::Report`]).
///
/// # Errors
/// The command's [`Error`]; the caller prints it and exits with
/// [`Error::exit_code`].
pub fn run(cli: &Cli, io: &mut Io) -> Result<Boxed> {
    match &cli.command {
        Command::Init(args) => commands::init::run(&options::init(args)?, io),
        Command::Check(args) => commands::check::run(&options::check(args)?, io),
        Command::Probe(args) => commands::probe::run(&options::probe(args)?, io),
        Command::Schema(args) => commands::schema::run(&options::schema(args)?, io),
        Command::Doctor(args) => commands::doctor::run(&options::doctor(args)?, io),
        Command::Unlock(args) => commands::unlock::run(&options::unlock(args), io),
        Command::Run(args) => commands::run::run(&options::run(args), io),
        Command::Rotate(args) => commands::rotate::run(&options::rotate(args)?, io),
        Command::Proxy(args) => commands::proxy::run(&options::proxy(args)?, io),
        Command::Allow(args) => commands::allow::run(&options::allow(args), io),
        Command::Recipients(cmd) => commands::recipients::run(&options::recipients(cmd), io),
        Command::Keygen(args) => commands::keys::keygen(&options::keygen(args), io),
        Command::Pubkey(args) => commands::keys::pubkey(&options::pubkey(args), io),
        Command::Scopes(args) => commands::scopes::run(&options::scopes(args)?, io),
        Command::Scan(args) => commands::scan::run(&options::scan(args), io),
        Command::Revoke(args) => commands::revoke::run(&options::revoke(args), io),
        Command::Hook(cmd) => commands::hook::run(&options::hook(cmd), io),
        Command::Templates(args) => commands::templates::run(&options::templates(args), io),
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_complete::generate(args.shell, &mut cmd, "ghenv", &mut text);
            Ok(Box::new(report::Text(
                String::from_utf8_lossy(&text).into_owned(),
            )))
        }
        Command::Man(args) => commands::man::run(&options::man(args)),
    }
}
