//! Which GitHub the token goes to: the GraphQL endpoint from the flags,
//! `GHENV_GRAPHQL_URL`, config.toml or GitHub.com's, checked and trusted
//! on this machine, decided once before any command sends anything. Below
//! the commands: none of them decides it on its own, and nothing here
//! knows clap (`options.rs` turns the flags into [`EndpointOptions`]).

use std::time::Duration;

use crate::error::{Error, Result};
use crate::github;
use crate::output::Io;
use crate::project::{self, Project};
use crate::trust;

/// Where an endpoint URL came from, which decides whether the token may be
/// sent there (see [`ensure_trusted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointOrigin {
    /// `--endpoint URL`: the user's word this run; remembered as trusted.
    EndpointFlag,
    /// `--host HOST`: likewise.
    HostFlag,
    /// `GHENV_GRAPHQL_URL`: the user's environment; trusted, not remembered.
    Environment,
    /// config.toml's `[github] endpoint`: from the repository, which anyone
    /// who can push writes; trusted only once the user said so here.
    Config,
    /// GitHub.com's.
    Default,
}

impl EndpointOrigin {
    /// How messages name it.
    pub fn name(self) -> &'static str {
        match self {
            EndpointOrigin::EndpointFlag => "--endpoint",
            EndpointOrigin::HostFlag => "--host",
            EndpointOrigin::Environment => "GHENV_GRAPHQL_URL",
            EndpointOrigin::Config => "config.toml",
            EndpointOrigin::Default => "default",
        }
    }
}

/// Which GitHub, as the flags say (`Default`: no flag, for commands that
/// take none and only read `GHENV_GRAPHQL_URL` and config.toml).
#[derive(Debug, Clone, Default)]
pub struct EndpointOptions {
    /// The URL from `--endpoint` or `--host`, and which flag gave it
    /// ([`EndpointOrigin::EndpointFlag`] or [`EndpointOrigin::HostFlag`]).
    pub flag: Option<(String, EndpointOrigin)>,
    /// `--timeout`.
    pub timeout: Duration,
}

impl EndpointOptions {
    /// The GraphQL endpoint: `--endpoint` or `--host`, `GHENV_GRAPHQL_URL`,
    /// the one `project` records, then GitHub.com's; checked with
    /// [`project::check_endpoint`], and trusted (see [`ensure_trusted`]).
    /// A endpoint other than GitHub.com's is named on stderr.
    ///
    /// # Errors
    /// [`Error::BadEndpoint`], [`Error::UntrustedEndpoint`].
    pub fn resolve(&self, io: &mut Io, project: Option<&Project>) -> Result<String> {
        let (url, origin) = if let Some((url, flag)) = &self.flag {
            (url.clone(), *flag)
        } else if let Some(url) = io.var("GHENV_GRAPHQL_URL") {
            (url, EndpointOrigin::Environment)
        } else if let Some(url) = project.and_then(Project::recorded_endpoint) {
            (url.to_owned(), EndpointOrigin::Config)
        } else {
            (github::DEFAULT_ENDPOINT.to_owned(), EndpointOrigin::Default)
        };
        let url = project::check_endpoint(origin.name(), &url)?;
        if !github::is_default_endpoint(&url) {
            ensure_trusted(io, &url, origin)?;
            io.say(&format!(
                "Using the GraphQL endpoint {url} (from {})",
                origin.name()
            ));
        }
        Ok(url)
    }
}

/// Makes sure the user trusts `url`, which is not GitHub.com's endpoint.
/// One given this run (`--endpoint`, `--host`, `GHENV_GRAPHQL_URL`) is
/// trusted, and a flag is remembered on this machine; one from
/// `config.toml`, which anyone who can push wrote, must have been trusted
/// before, or be confirmed now on a terminal with the full URL shown.
///
/// # Errors
/// [`Error::UntrustedEndpoint`].
pub fn ensure_trusted(io: &mut Io, url: &str, origin: EndpointOrigin) -> Result<()> {
    let dir = trust::config_dir(|k| io.var(k));
    let remember = |io: &mut Io| {
        if let Some(dir) = &dir
            && let Err(e) = trust::remember(dir, url)
        {
            io.warn(&format!("{e}; the endpoint was not remembered"));
        }
    };
    match origin {
        EndpointOrigin::EndpointFlag | EndpointOrigin::HostFlag => {
            remember(io);
            Ok(())
        }
        EndpointOrigin::Config if !trust::is_trusted(dir.as_deref(), url) => {
            let question = format!(
                "config.toml names the GraphQL endpoint\n  {url}\nwhich is not GitHub.com. Anyone who can push to the repository can change config.toml.\nSend your GitHub token there, now and from now on? [y/N] "
            );
            if io.ask(&question, false) {
                remember(io);
                Ok(())
            } else {
                Err(Error::UntrustedEndpoint(url.to_owned()))
            }
        }
        EndpointOrigin::Config | EndpointOrigin::Environment | EndpointOrigin::Default => Ok(()),
    }
}

impl EndpointOptions {
    /// The host `--host` named (its web host, where `--github USER`'s keys
    /// are), when the endpoint came from `--host`.
    pub fn host_flag(&self) -> Option<String> {
        self.flag
            .as_ref()
            .filter(|(_, origin)| *origin == EndpointOrigin::HostFlag)
            .and_then(|(url, _)| host_of(url))
    }
}

/// The host of `url`, when it is a URL with one.
pub fn host_of(url: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
}
