//! Resolved options: the pieces of clap's arguments that several commands
//! share, checked and turned into what the commands work with (ripgrep's
//! low-level to high-level arguments). Each command's own options struct is
//! in its file under `commands/` and is built from these.

use std::time::Duration;

use crate::cli;
use crate::error::{Error, Result};
use crate::github;
use crate::output::Io;
use crate::project::{self, Location, Project};
use crate::render::Template;
use crate::secret;
use crate::source;
use crate::trust;

impl From<&cli::ProjectArgs> for Location {
    fn from(args: &cli::ProjectArgs) -> Location {
        Location {
            dir: args.dir.clone(),
            template_dir: args.template_dir.clone(),
        }
    }
}

impl From<&cli::IdentityArgs> for secret::Identities {
    fn from(args: &cli::IdentityArgs) -> secret::Identities {
        secret::Identities {
            paths: args.identities.clone(),
        }
    }
}

impl From<&cli::LockArgs> for secret::LockOptions {
    fn from(args: &cli::LockArgs) -> secret::LockOptions {
        secret::LockOptions {
            encrypt: args.encrypt,
            recipients: args.recipients.clone(),
            recipients_files: args.recipients_files.clone(),
            github: args.github.clone(),
            passphrase: args.passphrase,
            no_env: args.no_env,
            accept_recipients: args.accept_recipients,
            yes: args.yes,
            force: args.force,
        }
    }
}

impl From<&cli::TokenSource> for source::TokenInput {
    fn from(args: &cli::TokenSource) -> source::TokenInput {
        source::TokenInput {
            stdin: args.token_stdin,
            file: args.token_file.clone(),
        }
    }
}

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
    /// Checks `--host` and turns it into its GraphQL URL.
    ///
    /// # Errors
    /// [`Error::BadHost`].
    pub fn from_args(args: &cli::Endpoint) -> Result<EndpointOptions> {
        let flag = if let Some(url) = &args.endpoint {
            Some((url.clone(), EndpointOrigin::EndpointFlag))
        } else if let Some(host) = &args.host {
            if host.is_empty() || host.contains(['/', '?', '#', '@']) {
                return Err(Error::BadHost(crate::token::redact(host).into_owned()));
            }
            Some((github::enterprise_endpoint(host), EndpointOrigin::HostFlag))
        } else {
            None
        };
        Ok(EndpointOptions {
            flag,
            timeout: Duration::from_secs(args.timeout),
        })
    }

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

/// Which template and scopes, as the flags say.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `--template`: overrides the one config.toml records.
    pub template: Option<String>,
    /// `--scopes`, parsed.
    pub scopes: Option<Vec<String>>,
    /// `--strict`.
    pub strict: bool,
}

impl TemplateOptions {
    /// Parses `--scopes`.
    ///
    /// # Errors
    /// [`Error::BadScopes`] naming the first value that is not a scope.
    pub fn from_args(args: &cli::TemplateChoice) -> Result<TemplateOptions> {
        let scopes = match &args.scopes {
            None => None,
            Some(list) => Some(crate::scopes::parse_list(list).map_err(Error::BadScopes)?),
        };
        Ok(TemplateOptions {
            template: args.template.clone(),
            scopes,
            strict: args.strict,
        })
    }

    /// The template: `--template`, else the project's (see
    /// [`Project::template`]).
    ///
    /// # Errors
    /// [`Error::Template`].
    pub fn template(&self, project: &Project) -> Result<Template> {
        project.template(self.template.as_deref())
    }

    /// The scopes required: `--scopes`, else the template's.
    pub fn required(&self, template: &Template) -> Vec<String> {
        self.scopes
            .clone()
            .unwrap_or_else(|| template.scopes.clone())
    }
}
