//! The project's token as the commands that use it read it, and what is
//! said about a token: its kind and where it came from.

use crate::error::Result;
use crate::output::Io;
use crate::source::Origin;
use crate::token::{Kind, Token};

/// The project's token as the commands that hand it on (`run`, `proxy`)
/// read it: `[secret]` first, decrypted with `identity` (in an encrypted
/// project it is the source of truth), then the token variable in the env
/// file.
///
/// # Errors
/// No token ([`Error::NoToken`]), a decryption failure, a malformed token.
pub fn project_token(
    project: &crate::project::Project,
    template: &crate::render::Template,
    identity: &crate::secret::Identities,
    command: &'static str,
    io: &mut Io,
) -> Result<(Token, Origin)> {
    let env_path = project.env_path()?;
    project.refuse_tracked_env()?;
    let token_var = project.token_var(template);
    let mut decrypt = |io: &mut Io| crate::secret::from_project(project, identity, io);
    let (secret, origin) = crate::source::resolve(
        &mut [
            crate::source::Source::Secret(&mut decrypt),
            crate::source::Source::EnvFile {
                path: &env_path,
                var: &token_var,
            },
        ],
        command,
        io,
    )?;
    let secret = repair_env_value(io, secret, &origin, "`ghenv init` rewrites the line");
    let token = Token::parse(secret)?;
    if matches!(origin, Origin::Config(_)) {
        crate::accept::decrypted_token(io, project, &token, true)?;
        crate::accept::warn_recipients(io, project);
    }
    crate::accept::warn_unignored(io, project);
    Ok((token, origin))
}

/// The token as the commands that check it (`check`, `probe`) read it: the
/// flags, the env file (what the app reads), `[secret]` (a fresh clone),
/// the shell's `GH_TOKEN`/`GITHUB_TOKEN`, the hidden prompt. Announced,
/// with its origin named when it is malformed; a token from `[secret]` must
/// be one this machine accepted.
///
/// # Errors
/// No token, a malformed one, a decryption failure, a token not accepted.
pub fn token_to_check(
    project: &crate::project::Project,
    template: &crate::render::Template,
    input: &crate::source::TokenInput,
    identity: &crate::secret::Identities,
    command: &'static str,
    io: &mut Io,
) -> Result<(Token, Origin)> {
    use crate::source::Source;
    let env_path = project.env_path()?;
    // Only when the env file would be read: a token given with a flag is
    // the user's own.
    if !input.stdin && input.file.is_none() {
        project.refuse_tracked_env()?;
    }
    let token_var = project.token_var(template);
    let mut decrypt = |io: &mut Io| crate::secret::from_project(project, identity, io);
    let (secret, origin) = crate::source::resolve(
        &mut [
            Source::Flags(input),
            Source::EnvFile {
                path: &env_path,
                var: &token_var,
            },
            Source::Secret(&mut decrypt),
            Source::Environment,
            Source::Prompt { before: None },
        ],
        command,
        io,
    )?;
    let secret = repair_env_value(io, secret, &origin, "`ghenv init` rewrites the line");
    // Whatever fails, the user learns which token it was.
    let token = Token::parse(secret).inspect_err(|_| name_origin(io, &origin))?;
    announce_token(io, &token, &origin);
    if matches!(origin, Origin::Config(_)) {
        crate::accept::decrypted_token(io, project, &token, true)?;
    }
    Ok((token, origin))
}

/// A value from the env file that is not a token but holds one between
/// stray characters (a quote, `Bearer `, the token twice: what copying by
/// hand leaves): that token, with a warning naming what was around it and
/// `fix`. GitHub shows a classic token once, so "copy it again" is no
/// advice; anything else is returned as it is, to fail with its reason.
pub fn repair_env_value(
    io: &mut Io,
    secret: secrecy::SecretString,
    origin: &Origin,
    fix: &str,
) -> secrecy::SecretString {
    if !matches!(origin, Origin::DotEnv { .. }) {
        return secret;
    }
    match crate::token::salvage(secrecy::ExposeSecret::expose_secret(&secret)) {
        Some((token, what)) => {
            io.warn(&format!(
                "{} holds {what} around the token; using the token inside ({}): {fix}",
                crate::text::sanitize(&origin.to_string()),
                crate::token::mask(&token)
            ));
            secrecy::SecretString::from(token)
        }
        None => secret,
    }
}

/// Says what kind of token this is, and warns about legacy tokens.
pub fn announce_token(io: &mut Io, token: &Token, origin: &Origin) {
    io.ok(&format!(
        "Token format: {} ({}), from {origin}",
        token.kind(),
        token.masked()
    ));
    if token.kind() == Kind::Legacy {
        io.warn("this is an old-style 40-character token: its format cannot be checked offline; GitHub will still validate it");
    } else if !token.checked_offline() {
        io.warn(&format!(
            "this {} is {} characters long, not the 40 whose checksum ghenv can check, so it cannot be checked offline; GitHub will validate it",
            token.kind(),
            token.expose_secret().chars().count()
        ));
    }
}

/// Says where the token that failed came from, and for one from the
/// environment how to get it out of the way: the user may not know their
/// shell sets it.
pub fn name_origin(io: &mut Io, origin: &Origin) {
    match origin {
        Origin::Env(var) => io.warn(&format!(
            "the token came from ${var}, set in your shell; unset it (`unset {var}`) or give another token with --token-stdin"
        )),
        Origin::Prompt | Origin::Stdin => {}
        other => io.warn(&format!(
            "the token came from {}",
            crate::text::sanitize(&other.to_string())
        )),
    }
}
