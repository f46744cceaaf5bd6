//! The resolve step: clap's arguments, checked, into the plain options each
//! command takes (ripgrep's low-level to high-level arguments). The pieces
//! several commands share (the endpoint and where it came from, the
//! template and scopes) come first, then one function per command that
//! builds its options type (defined in its file under `commands/`). Nothing
//! below this module names [`crate::cli`]; a unit test keeps it so.
use std::time::Duration;

use crate::cli;
use crate::commands;
use crate::endpoint::{EndpointOptions, EndpointOrigin};
use crate::error::{Error, Result};
use crate::github;
use crate::project::{Location, TemplateOptions};
use crate::secret;
use crate::setup::{self, InitOptions};
use crate::source;

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

impl From<&cli::Login> for setup::Login {
    fn from(args: &cli::Login) -> setup::Login {
        setup::Login {
            web: args.web,
            client_id: args.client_id.clone(),
            from_gh: args.from_gh,
            expose_gh_token: args.expose_gh_token,
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
}

// ------------------------------------------------------------------------
// One resolve function per command: its clap arguments, checked, into the
// plain options the command takes (lib.rs calls them).

/// `check`'s flags, checked.
///
/// # Errors
/// A bad `--host` or `--scopes`.
pub fn check(args: &cli::CheckArgs) -> Result<commands::check::CheckOptions> {
    Ok(commands::check::CheckOptions {
        location: Location::from(&args.project),
        input: (&args.source).into(),
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        template: TemplateOptions::from_args(&args.template)?,
        identity: (&args.identity).into(),
        probe: args.probe,
    })
}

/// `probe`'s flags, checked.
///
/// # Errors
/// A bad `--host`.
pub fn probe(args: &cli::ProbeArgs) -> Result<commands::probe::ProbeOptions> {
    Ok(commands::probe::ProbeOptions {
        location: Location::from(&args.project),
        input: (&args.source).into(),
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        identity: (&args.identity).into(),
        app: !args.no_app,
        refresh: args.refresh,
        strict: args.strict,
    })
}

/// `schema`'s flags, checked.
///
/// # Errors
/// A bad `--host`.
pub fn schema(args: &cli::SchemaArgs) -> Result<commands::schema::SchemaOptions> {
    Ok(commands::schema::SchemaOptions {
        location: Location::from(&args.project),
        input: (&args.source).into(),
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        identity: (&args.identity).into(),
        out: args.out.clone(),
        introspection: args.introspection,
        refresh: args.refresh,
    })
}

/// `proxy`'s flags, checked.
///
/// # Errors
/// A `--listen` that is not an IP address, a bad `--host`.
pub fn proxy(args: &cli::ProxyArgs) -> Result<commands::proxy::ProxyOptions> {
    let (addr, public) = match &args.listen {
        Some(listen) => {
            let ip: std::net::IpAddr = listen
                .parse()
                .map_err(|_| Error::BadListen(listen.clone()))?;
            (std::net::SocketAddr::new(ip, args.port), !ip.is_loopback())
        }
        None => (crate::proxy::default_addr(args.port), false),
    };
    Ok(commands::proxy::ProxyOptions {
        location: Location::from(&args.project),
        addr,
        public,
        allowed_hosts: args.allow_host.clone(),
        allowed_origins: args.allow_origin.clone(),
        allow_no_origin: args.allow_no_origin,
        graphiql: args.graphiql,
        open: args.open,
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        identity: (&args.identity).into(),
        command: args.command.clone(),
    })
}

/// `run`'s arguments.
pub fn run(args: &cli::RunArgs) -> commands::run::RunOptions {
    commands::run::RunOptions {
        location: Location::from(&args.project),
        identity: (&args.identity).into(),
        command: args.command.clone(),
    }
}

/// `unlock`'s flags.
pub fn unlock(args: &cli::UnlockArgs) -> commands::unlock::UnlockOptions {
    commands::unlock::UnlockOptions {
        location: Location::from(&args.project),
        identity: (&args.identity).into(),
        replace: args.replace,
    }
}

/// `doctor`'s flags, checked.
///
/// # Errors
/// A bad `--host`.
pub fn doctor(args: &cli::DoctorArgs) -> Result<commands::doctor::DoctorOptions> {
    Ok(commands::doctor::DoctorOptions {
        location: Location::from(&args.project),
        checks: crate::doctor::checks::CheckOptions {
            offline: args.offline,
            endpoint: EndpointOptions::from_args(&args.endpoint)?,
            identity: (&args.identity).into(),
            probe: !args.no_probe,
        },
    })
}

/// `init`'s flags, checked.
///
/// # Errors
/// A bad `--host` or `--scopes`.
pub fn init(args: &cli::InitArgs) -> Result<InitOptions> {
    Ok(InitOptions {
        location: Location::from(&args.project),
        input: (&args.source).into(),
        login: (&args.login).into(),
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        template: TemplateOptions::from_args(&args.template)?,
        offline: args.offline,
        lock: (&args.lock).into(),
        identity: (&args.identity).into(),
        open: args.open,
        hook: args.hook,
        json: args.output.json,
        purpose: setup::Purpose::Init,
        proxy: args.proxy,
        probe: match (args.probe, args.no_probe) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
    })
}

/// `rotate`'s flags, checked.
///
/// # Errors
/// A bad `--host`.
pub fn rotate(args: &cli::RotateArgs) -> Result<commands::rotate::RotateOptions> {
    Ok(commands::rotate::RotateOptions {
        location: Location::from(&args.project),
        input: (&args.source).into(),
        login: (&args.login).into(),
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        identity: (&args.identity).into(),
        accept_recipients: args.accept_recipients,
        json: args.output.json,
    })
}

/// `templates`' flags.
pub fn templates(args: &cli::TemplatesArgs) -> commands::templates::TemplatesOptions {
    commands::templates::TemplatesOptions {
        template_dir: args.template_dir.clone(),
    }
}

/// `scopes`' flags, checked.
///
/// # Errors
/// Bad `--scopes` or `--host`.
pub fn scopes(args: &cli::ScopesArgs) -> Result<commands::scopes::ScopesOptions> {
    Ok(commands::scopes::ScopesOptions {
        location: Location::from(&args.project),
        template: TemplateOptions::from_args(&args.template)?,
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        open: args.open,
    })
}

/// `scan`'s flags.
pub fn scan(args: &cli::ScanArgs) -> commands::scan::ScanOptions {
    commands::scan::ScanOptions {
        paths: args.paths.clone(),
        staged: args.staged,
        history: args.history,
        since: args.since.clone(),
    }
}

/// `allow`'s flags.
pub fn allow(args: &cli::AllowArgs) -> commands::allow::AllowOptions {
    commands::allow::AllowOptions {
        location: Location::from(&args.project),
        identity: (&args.identity).into(),
    }
}

/// `keygen`'s flags.
pub fn keygen(args: &cli::KeygenArgs) -> commands::keys::KeygenOptions {
    commands::keys::KeygenOptions {
        output_path: args.output_path.clone(),
        force: args.force,
    }
}

/// `pubkey`'s flags.
pub fn pubkey(args: &cli::PubkeyArgs) -> commands::keys::PubkeyOptions {
    commands::keys::PubkeyOptions {
        identity: args.identity.clone(),
    }
}

/// `hook`'s subcommand and flags.
pub fn hook(cmd: &cli::HookCommand) -> commands::hook::HookOptions {
    match cmd {
        cli::HookCommand::Install(args) => commands::hook::HookOptions::Install {
            dir: args.repo.dir.clone(),
            force: args.force,
        },
        cli::HookCommand::Uninstall(args) => commands::hook::HookOptions::Uninstall {
            dir: args.repo.dir.clone(),
        },
    }
}

/// `man`'s arguments, with the command definitions it renders.
pub fn man(args: &cli::ManArgs) -> commands::man::ManOptions {
    commands::man::ManOptions {
        root: <cli::Cli as clap::CommandFactory>::command(),
        command: args.command.clone(),
        dir: args.dir.clone(),
    }
}

/// `revoke`'s flags.
pub fn revoke(args: &cli::RevokeArgs) -> commands::revoke::RevokeOptions {
    commands::revoke::RevokeOptions {
        token_stdin: args.token_stdin,
        token_file: args.token_file.clone(),
        from_scan: args.from_scan.clone(),
        yes: args.yes,
        timeout: args.timeout,
        location: Location::from(&args.project),
    }
}

/// `recipients`' subcommand and flags.
pub fn recipients(cmd: &cli::RecipientsCommand) -> commands::recipients::RecipientsOptions {
    use commands::recipients::{ChangeOptions, RecipientsOptions};
    let change = |args: &cli::RecipientsChangeArgs| ChangeOptions {
        recipients: args.recipients.clone(),
        recipients_files: args.recipients_files.clone(),
        github: args.github.clone(),
        host: args.host.clone(),
        timeout: args.timeout,
        accept_recipients: args.accept_recipients,
        yes: args.yes,
        force: args.force,
        identity: (&args.identity).into(),
        location: Location::from(&args.project),
    };
    match cmd {
        cli::RecipientsCommand::List(args) => {
            RecipientsOptions::List(Location::from(&args.project))
        }
        cli::RecipientsCommand::Add(args) => RecipientsOptions::Add(change(args)),
        cli::RecipientsCommand::Remove(args) => RecipientsOptions::Remove(change(args)),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The modules that may name clap's types: clap itself, `main`, the
    /// dispatch and this resolve step.
    const ALLOWED: [&str; 4] = ["cli.rs", "lib.rs", "main.rs", "options.rs"];

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Whether `text` names the `cli` module: `cli::` (as a whole word,
    /// not `foo_cli::`) or `cli` inside `crate::{...}`.
    fn names_cli(text: &str) -> bool {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let path = text
            .match_indices("cli::")
            .any(|(at, _)| !text[..at].chars().next_back().is_some_and(word));
        let group = text.match_indices("crate::{").any(|(at, m)| {
            let rest = &text[at + m.len()..];
            rest[..rest.find('}').unwrap_or(rest.len())]
                .split(',')
                .any(|item| item.trim() == "cli" || item.trim().starts_with("cli::"))
        });
        path || group
    }

    #[test]
    fn only_the_resolve_step_and_above_name_clap_types() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut found = Vec::new();
        for file in files {
            let name = file
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if ALLOWED.contains(&name.as_str()) {
                continue;
            }
            if names_cli(&std::fs::read_to_string(&file).unwrap()) {
                found.push(name);
            }
        }
        assert!(
            found.is_empty(),
            "these modules name crate::cli; give them plain options built in options.rs: {found:?}"
        );
    }

    #[test]
    fn the_guard_sees_paths_and_groups() {
        assert!(names_cli("use crate::cli::LockArgs;"));
        assert!(names_cli("fn f(a: &crate::cli::IdentityArgs) {}"));
        assert!(names_cli("use crate::{cli, error};"));
        assert!(!names_cli("use crate::{client, error};"));
        assert!(!names_cli("use clap_cli::Thing;"));
    }
}
