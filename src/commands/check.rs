//! `ghenv check`: validate the project's token again and report on it.
//! Reads only; never writes a file.

use std::io::Write;

use serde_json::{Value, json};

use super::{ScopeReport, announce_token, error_json, report_json};
use crate::cli::CheckArgs;
use crate::config;
use crate::error::{Error, Result};
use crate::github::Viewer;
use crate::output::Io;
use crate::source::{self, Origin};
use crate::token::Token;

/// Runs `ghenv check`.
///
/// # Errors
/// As `init`, but never for writing.
pub fn run(args: &CheckArgs, io: &mut Io) -> Result<()> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let config_path = dir.join(config::FILE);
    let config = super::read_config(&dir)?;
    let template = super::template(&args.template, config.template.as_deref())?;
    let required = super::required_scopes(&args.template, &template)?;
    let endpoint = super::endpoint(&args.endpoint, io, config.github.endpoint.as_deref())?;

    let env_file = config
        .env
        .file
        .clone()
        .unwrap_or_else(|| super::init::ENV_FILE.to_owned());
    let token_var = config
        .env
        .token_var
        .clone()
        .unwrap_or_else(|| template.token_var.clone());
    let env_path = dir.join(&env_file);
    let found = match source::explicit(&args.source, io)? {
        Some(found) => Some(found),
        None => match source::from_dotenv(&env_path, &token_var)? {
            Some(found) => Some(found),
            // No .env (a fresh clone): the encrypted token in config.toml.
            None => match &config.secret {
                Some(secret) => Some((
                    super::lock::decrypt_secret(secret, &args.identity, io)?,
                    Origin::Config(config_path.clone()),
                )),
                None => source::from_env(io),
            },
        },
    };
    let (secret, origin) = match found {
        Some(found) => found,
        None if io.stdin_tty => source::prompt(io)?,
        None => {
            return Err(Error::usage(
                format!(
                    "no token found: {} does not set {token_var}, and GH_TOKEN and GITHUB_TOKEN are not set",
                    env_path.display()
                ),
                Some("run `ghenv init` to set up this folder, or pass the token with --token-stdin or --token-file".to_string()),
            ))
        }
    };
    let token = Token::parse(secret)?;
    announce_token(io, &token, &origin);

    let viewer = super::validate(io, &token, &endpoint, args.endpoint.timeout)?;
    super::warn_expiry(io, &viewer);
    let scopes = ScopeReport::new(required, Some(&viewer));
    let mut report = report_json(&token, &origin, &endpoint, Some(&viewer), &scopes);
    let outcome = scopes.enforce(
        io,
        token.kind(),
        true,
        args.template.strict,
        &endpoint,
        &super::token_description(&dir),
    );
    if args.json {
        report.insert("ok".into(), json!(outcome.is_ok()));
        if let Err(e) = &outcome {
            report.insert("error".into(), error_json(e)["error"].clone());
        }
        io.json(&Value::Object(report));
    } else if !io.verbosity.quiet {
        print_report(io, &token, &origin, &endpoint, &viewer, &scopes);
    }
    outcome
}

fn print_report(
    io: &mut Io,
    token: &Token,
    origin: &Origin,
    endpoint: &str,
    viewer: &Viewer,
    scopes: &ScopeReport,
) {
    let mut lines: Vec<(&str, String)> = Vec::new();
    let name = viewer
        .name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    lines.push(("Account", format!("{}{name}", viewer.login)));
    lines.push((
        "Token",
        format!("{} ({}, from {origin})", token.masked(), token.kind()),
    ));
    lines.push((
        "Scopes",
        match &scopes.granted {
            Some(g) if g.is_empty() => "none".into(),
            Some(g) => g.join(", "),
            None => "not listed by GitHub for this kind of token".into(),
        },
    ));
    lines.push((
        "Required",
        if scopes.granted.is_none() {
            format!("{} (cannot be checked)", scopes.required.join(", "))
        } else if scopes.missing.is_empty() {
            format!("all {} granted", scopes.required.len())
        } else {
            format!("missing {}", scopes.missing.join(", "))
        },
    ));
    lines.push((
        "Expires",
        match viewer.expires_at {
            Some(at) => format!("{at} ({})", super::days_from_now(at)),
            None => "never (or not reported)".into(),
        },
    ));
    if let Some(rate) = &viewer.rate_limit {
        lines.push((
            "Rate limit",
            format!(
                "{} of {} points left, resets at {}",
                rate.remaining, rate.limit, rate.reset_at
            ),
        ));
    }
    lines.push(("Endpoint", endpoint.to_owned()));
    for (label, value) in lines {
        let _ = writeln!(io.out, "{label:<11} {value}");
    }
}
