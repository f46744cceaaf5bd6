//! `ghenv unlock`: decrypt the token from `config.toml` and write `.env`,
//! with the same merge and 0600 rules as `init`. The use case is a fresh
//! clone: the config was committed, the `.env` was not.

use serde_json::{Value, json};

use super::init::{self, ENV_FILE};
use super::lock;
use crate::cli::UnlockArgs;
use crate::config::{Config, SecretSection};
use crate::error::{Error, Result};
use crate::output::Io;
use crate::render;
use crate::token::Token;
use crate::write;

/// The parsed `config.toml` and its `[secret]`, or a usage error saying how
/// to get them.
///
/// # Errors
/// [`Error::Usage`] when there is no `config.toml` or no `[secret]`.
pub fn encrypted_config<'a>(
    config: Option<&'a Config>,
    dir: &std::path::Path,
) -> Result<(&'a Config, &'a SecretSection)> {
    let config = config.ok_or_else(|| {
        Error::usage(
            format!("there is no config.toml in {}", dir.display()),
            Some("run this in the project folder (or pass --dir), or set it up with `ghenv init --encrypt`".to_string()),
        )
    })?;
    let secret = config.secret.as_ref().ok_or_else(|| {
        Error::usage(
            "config.toml has no [secret]: the token is not encrypted in this project",
            Some("run `ghenv init --encrypt` to encrypt it".to_string()),
        )
    })?;
    Ok((config, secret))
}

/// Runs `ghenv unlock`.
///
/// # Errors
/// Decryption errors (exit 6), a decrypted value that is not a token (3),
/// or refusals to write `.env` (7).
pub fn run(args: &UnlockArgs, io: &mut Io) -> Result<()> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let before = init::inspect(&dir)?;
    let (config, secret) = encrypted_config(before.parsed.as_ref(), &dir)?;
    let template = super::configured_template(config, args.template_dir.as_deref())?;
    let plaintext = lock::decrypt_secret(secret, &args.identity, io)?;
    let token = Token::parse(plaintext)?;
    io.ok(&format!(
        "Decrypted the token ({}, {})",
        token.masked(),
        token.kind()
    ));

    let ctx = super::context_from_config(config, &template, &dir);
    let rendered_env = render::render_env(&template, &ctx, token.expose_secret())?;
    let mut changes = vec![init::merged_change(
        dir.join(ENV_FILE),
        before.env.as_ref(),
        &rendered_env,
        true,
    )];
    changes.extend(init::gitignore_change(&dir, &before));
    write::commit(&changes)?;
    let files = init::report_writes(io, &dir, &changes);
    if args.json {
        io.json(&json!({
            "ok": true,
            "token": { "type": token.kind().name(), "masked": token.masked() },
            "files": Value::Array(files),
        }));
    }
    Ok(())
}
