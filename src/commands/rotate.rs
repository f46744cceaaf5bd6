//! `ghenv rotate`: replace the project's token with a new one, validated the
//! same way as `init`, in `.env` and in `[secret]` (encrypted to the same
//! recipients). It is `init` with the choices `config.toml` recorded.

use super::init;
use crate::cli::{InitArgs, LockArgs, RotateArgs, TemplateChoice};
use crate::error::{Error, Result};
use crate::output::Io;

/// Runs `ghenv rotate`.
///
/// # Errors
/// As `init`; a usage error when the folder has no `config.toml`.
pub fn run(args: &RotateArgs, io: &mut Io) -> Result<()> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let before = init::inspect(&dir)?;
    let config = before.parsed.as_ref().ok_or_else(|| {
        Error::usage(
            format!(
                "there is no config.toml in {}: nothing to rotate",
                dir.display()
            ),
            Some("set the project up with `ghenv init` first".to_string()),
        )
    })?;
    let encrypted = config.secret.is_some();
    let init_args = InitArgs {
        source: args.source.clone(),
        endpoint: args.endpoint.clone(),
        template: TemplateChoice {
            template: config.template.clone(),
            template_dir: args.template_dir.clone(),
            ..TemplateChoice::default()
        },
        dir: Some(dir.clone()),
        offline: false,
        lock: LockArgs {
            // Keeps the recipients (or passphrase) that [secret] has.
            encrypt: encrypted,
            // A project without .env keeps its token only in config.toml.
            no_env: encrypted && before.env.is_none(),
            ..LockArgs::default()
        },
        open: false,
        hook: false,
        json: args.json,
    };
    init::run(&init_args, io)?;
    io.say(&format!(
        "Now revoke the old token at {} so it cannot be used any more.",
        crate::error::TOKENS_URL
    ));
    Ok(())
}
