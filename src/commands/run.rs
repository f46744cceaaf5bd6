//! `ghenv run -- CMD`: decrypt the token in memory and run CMD with the
//! template's variables (and the rest of `.env`) in its environment. No
//! plaintext file is written. ghenv execs CMD, so CMD's exit status and
//! signals are its own.

use std::process::Command;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::init::ENV_FILE;
use crate::cli::RunArgs;
use crate::error::{Error, Result};
use crate::output::Io;
use crate::render;
use crate::source;
use crate::token::Token;

/// Runs `ghenv run`. Returns only on failure.
///
/// # Errors
/// Decryption errors (6), no token (2), a malformed token (3), or CMD that
/// cannot be started ([`Error::Exec`]).
pub fn run(args: &RunArgs, io: &mut Io) -> Result<i32> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let config = super::read_config(&dir)?;
    let template = super::configured_template(&config, args.template_dir.as_deref())?;
    let env_path = dir.join(config.env.file.as_deref().unwrap_or(ENV_FILE));
    let secret: SecretString = match &config.secret {
        Some(secret) => super::lock::decrypt_secret(secret, &args.identity, io)?,
        None => match source::from_dotenv(&env_path, &template.token_var)? {
            Some((secret, _)) => secret,
            None => {
                return Err(Error::usage(
                    format!(
                        "nothing to run with: config.toml has no [secret] and {} does not set {}",
                        env_path.display(),
                        template.token_var
                    ),
                    Some(
                        "run `ghenv init` (or `ghenv init --encrypt`) in this folder first"
                            .to_string(),
                    ),
                ));
            }
        },
    };
    let token = Token::parse(secret)?;
    let ctx = super::context_from_config(&config, &template, &dir);
    let rendered_env = render::render_env(&template, &ctx, token.expose_secret())?;

    let program = &args.command[0];
    let mut cmd = Command::new(program);
    cmd.args(&args.command[1..]);
    // The rest of .env first, as dotenv does: it does not override variables
    // already set in the environment.
    if env_path.exists() {
        let pairs = dotenvy::from_path_iter(&env_path).map_err(|e| {
            Error::refuse(
                format!(
                    "cannot read {}: {}",
                    env_path.display(),
                    source::dotenv_detail(&e)
                ),
                None,
            )
        })?;
        for pair in pairs {
            let (key, value) = pair.map_err(|e| {
                Error::refuse(
                    format!(
                        "cannot read {}: {}",
                        env_path.display(),
                        source::dotenv_detail(&e)
                    ),
                    None,
                )
            })?;
            let value = Zeroizing::new(value);
            if io.var(&key).is_none() {
                cmd.env(&key, value.as_str());
            }
        }
    }
    // The template's variables always win: they are what ghenv is for.
    for item in dotenvy::from_read_iter(rendered_env.as_bytes()) {
        let (key, value) = item.map_err(|e| Error::Template {
            name: template.name.clone(),
            message: format!("its env does not parse: {}", source::dotenv_detail(&e)),
        })?;
        let value = Zeroizing::new(value);
        cmd.env(&key, value.as_str());
    }
    drop(rendered_env);
    drop(token);
    exec(cmd, program)
}

/// Replaces ghenv with CMD, so CMD's exit status and signals are its own.
fn exec(mut cmd: Command, program: &std::ffi::OsStr) -> Result<i32> {
    use std::os::unix::process::CommandExt;
    let e = cmd.exec();
    Err(Error::Exec {
        program: program.to_string_lossy().into_owned(),
        source: e,
    })
}
