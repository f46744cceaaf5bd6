//! `ghenv rotate`: replace the project's token with a new one, validated the
//! same way as `init`, in the env file and in `[secret]` (encrypted to the
//! same recipients). It is the init pipeline ([`crate::setup`]) with the
//! choices config.toml recorded.

use crate::endpoint::EndpointOptions;
use crate::error::Result;
use crate::output::Io;
use crate::project::TemplateOptions;
use crate::project::{Location, Project};
use crate::report::Boxed;
use crate::secret::{self, Identities};
use crate::setup::{self, InitOptions, Purpose};
use crate::source::{self, TokenInput};

/// What `rotate` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct RotateOptions {
    /// Where the project is.
    pub location: Location,
    /// `--token-stdin`, `--token-file`.
    pub input: TokenInput,
    /// `--web`, `--from-gh`.
    pub login: setup::Login,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// `-i`: identities that open the current `[secret]`.
    pub identity: Identities,
    /// `--accept-recipients`.
    pub accept_recipients: bool,
    /// `--json` (no questions asked then).
    pub json: bool,
}

/// Runs `ghenv rotate`.
///
/// # Errors
/// As `init`.
pub fn run(args: &RotateOptions, io: &mut Io) -> Result<Boxed> {
    let project = Project::open(&args.location)?;
    // Without config.toml (init wrote none, or --offline failed before it
    // did) rotate sets the project up as init would: the way on from an
    // env file whose token went bad.
    let encrypted = project.secret().is_some();
    // The token being replaced, to tell the user whether there is one to
    // revoke: from the env file, else [secret] if an identity here opens it.
    let template = project.template(None)?;
    let previous = match source::from_dotenv(&project.env_path()?, &project.token_var(&template))? {
        Some((secret, _)) => Some(secret),
        None => project
            .secret()
            .and_then(|s| secret::decrypt_quietly(s, &args.identity, io)),
    };
    let opts = InitOptions {
        location: args.location.clone(),
        input: args.input.clone(),
        login: args.login.clone(),
        endpoint: args.endpoint.clone(),
        // The template config.toml records.
        template: TemplateOptions::default(),
        offline: false,
        lock: secret::LockOptions {
            // Keeps the recipients (or passphrase) that [secret] has.
            encrypt: encrypted,
            // A project without its env file keeps the token only in config.toml.
            no_env: encrypted && !project.env_path()?.exists(),
            accept_recipients: args.accept_recipients,
            ..secret::LockOptions::default()
        },
        identity: args.identity.clone(),
        open: false,
        hook: false,
        json: args.json,
        purpose: Purpose::Rotate { previous },
        probe: None,
        proxy: false,
    };
    Ok(Box::new(setup::init(&project, &opts, io)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_config_is_set_up_as_init_would_and_asks_for_a_token() {
        // No config.toml (a hand-written .env): rotate goes on as init
        // would; off a terminal with no token given, it says where it
        // looked, and nothing is written.
        let dir = tempfile::tempdir().unwrap();
        let (mut io, _) = Io::test();
        let opts = RotateOptions {
            location: Location {
                dir: Some(dir.path().to_path_buf()),
                template_dir: None,
            },
            ..RotateOptions::default()
        };
        let e = run(&opts, &mut io).err().unwrap();
        assert_eq!(e.kind(), "no_token", "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
