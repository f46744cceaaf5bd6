//! `ghenv unlock`: decrypt the token from `config.toml` and write the env
//! file, with the same merge and 0600 rules as `init`. The use case is a
//! fresh clone: the config was committed, the env file was not.

use serde::Serialize;

use super::{FileReport, files_report, say_written};
use crate::endpoint::EndpointOptions;
use crate::error::Result;
use crate::output::Io;
use crate::project::{Location, Project};
use crate::render;
use crate::report::{Boxed, Report};
use crate::secret::{self, Identities};
use crate::token::Token;

/// What `unlock` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct UnlockOptions {
    /// Where the project is.
    pub location: Location,
    /// `-i`.
    pub identity: Identities,
    /// `--replace`: replace another token in the env file without asking.
    pub replace: bool,
}

/// The decrypted token, as `unlock` reports it.
#[derive(Debug, Serialize)]
pub struct UnlockedToken {
    /// `classic`, `fine-grained`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `ghp_…x1Qz`.
    pub masked: String,
}

/// What `unlock` did.
#[derive(Debug, Serialize)]
pub struct UnlockReport {
    /// Always true: failures are errors.
    pub ok: bool,
    /// The token written.
    pub token: UnlockedToken,
    /// The files written.
    pub files: Vec<FileReport>,
    #[serde(skip)]
    dir: std::path::PathBuf,
}

impl Report for UnlockReport {
    fn print(&self, io: &mut Io) {
        say_written(io, &self.dir, &self.files);
    }
}

/// Runs `ghenv unlock`.
///
/// # Errors
/// Decryption errors (exit 6), a decrypted value that is not a token (3),
/// or refusals to write the env file (7).
pub fn run(opts: &UnlockOptions, io: &mut Io) -> Result<Boxed> {
    Ok(Box::new(unlock(opts, io)?))
}

/// Decrypts `[secret]` into the project's env file.
///
/// # Errors
/// As [`run`].
pub fn unlock(opts: &UnlockOptions, io: &mut Io) -> Result<UnlockReport> {
    let project = Project::open(&opts.location)?;
    let secret = project.require_secret("unlock")?;
    let files = project.files()?;
    let template = project.template(None)?;
    crate::accept::settings(io, &project, &template, false)?;
    // The endpoint run and unlock hand to the app follows the same trust
    // rules as the one ghenv sends the token to.
    let endpoint = EndpointOptions::default().resolve(io, Some(&project))?;
    let ctx = project.recorded_context(&template, endpoint.to_string())?;
    let token = Token::parse(secret::decrypt_secret(secret, &opts.identity, io)?)?;
    // Before anything else is printed, so the job's log never shows it.
    io.mask_in_ci(token.expose_secret());
    // A token the env file already holds is never replaced by another
    // without the user's word: [secret] may be someone else's.
    let env_path = project.env_path()?;
    let held = crate::source::from_dotenv(&env_path, &ctx.token_var)?
        .map(|(s, _)| s)
        .filter(|s| secrecy::ExposeSecret::expose_secret(s) != token.expose_secret());
    crate::accept::decrypted_token(io, &project, &token, held.is_none())?;
    crate::accept::warn_recipients(io, &project);
    if let Some(old) = held {
        let old = crate::token::mask(secrecy::ExposeSecret::expose_secret(&old));
        let file = crate::text::sanitize(project.env_file()?).into_owned();
        let question = format!(
            "{file} holds another token ({old}) than config.toml ({}). Replace it? [y/N] ",
            token.masked()
        );
        if !opts.replace && !io.ask(&question, false) {
            return Err(crate::Error::EnvTokenDiffers {
                file,
                old,
                new: token.masked(),
            });
        }
        io.warn(&format!(
            "replacing the token in {file} ({old}) with the one in config.toml ({})",
            token.masked()
        ));
    }
    io.ok(&format!(
        "Decrypted the token ({}, {})",
        token.masked(),
        token.kind()
    ));

    let rendered_env = render::render_env(&template, &ctx, token.expose_secret())?;
    drop(files);
    let (_lock, _, files) = project.lock_and_reread()?;
    let (change, notes) = project.env_change(&files, &rendered_env, &[])?;
    project.say_rewrites(io, &notes);
    let mut changes = vec![change];
    changes.extend(project.gitignore_change(&files)?);
    project.commit_guarded(&changes)?;
    Ok(UnlockReport {
        ok: true,
        token: UnlockedToken {
            kind: token.kind().name(),
            masked: token.masked(),
        },
        files: files_report(&changes),
        dir: project.dir().to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ToJson;
    use crate::setup::testing::Encrypted;

    #[test]
    fn unlock_writes_the_token_init_encrypted_to_a_key_held_here() {
        let set_up = Encrypted::set_up();
        let dir = set_up.project.path();
        let token = crate::token::sample_classic();
        let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
        assert!(config.contains("[secret]"), "{config}");
        assert!(
            !config.contains(&token),
            "config.toml holds it encrypted only"
        );
        assert!(!dir.join(".env").exists(), "--no-env");

        let (mut io, captured) = set_up.io_captured();
        let opts = UnlockOptions {
            location: set_up.location.clone(),
            identity: set_up.identity.clone(),
            replace: false,
        };
        let report = unlock(&opts, &mut io).unwrap();
        let env_file = std::fs::read_to_string(dir.join(".env")).unwrap();
        assert!(env_file.contains(&token), "{env_file}");
        assert!(crate::platform::is_private(&dir.join(".env")));
        assert_eq!(report.to_json()["token"]["type"], "classic");
        assert!(!captured.err().contains(&token), "{}", captured.err());
    }

    #[test]
    fn without_a_key_that_opens_it_nothing_is_written() {
        let set_up = Encrypted::set_up();
        let other = tempfile::tempdir().unwrap();
        let mut io = Io::test()
            .0
            .with_env(&[("XDG_CONFIG_HOME", other.path().to_str().unwrap())]);
        let opts = UnlockOptions {
            location: set_up.location.clone(),
            ..UnlockOptions::default()
        };
        let e = unlock(&opts, &mut io).err().unwrap();
        assert_eq!(e.exit_code(), crate::error::exit::CRYPTO, "{e}");
        assert!(!set_up.project.path().join(".env").exists());
    }
}
