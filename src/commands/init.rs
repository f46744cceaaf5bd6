//! `ghenv init`: token in, validated, files out.
//!
//! Order matters: everything that can refuse without the token (folder,
//! template, endpoint, existing files, git tracking) is checked before the
//! token is asked for, and nothing is written until GitHub has answered and
//! every file has been rendered.

use std::path::Path;

use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::{announce_token, error_json, report_json, ScopeReport};
use crate::cli::InitArgs;
use crate::config;
use crate::envfile;
use crate::error::{Error, Result};
use crate::output::Io;
use crate::render::{self, Context};
use crate::scopes;
use crate::source::{self, Origin};
use crate::token::Token;
use crate::write::{self, Change, Existing, Status};

/// The `.env` file's name.
pub const ENV_FILE: &str = ".env";
/// The example file's name.
pub const EXAMPLE_FILE: &str = ".env.example";
/// Git's ignore file.
pub const GITIGNORE: &str = ".gitignore";

/// The project's files as they are before `init` writes.
struct Before {
    env: Option<Existing>,
    example: Option<Existing>,
    config: Option<Existing>,
    gitignore: Option<Existing>,
}

fn inspect(dir: &Path) -> Result<Before> {
    if write::tracked_by_git(dir, ENV_FILE) {
        return Err(Error::refuse(
            format!("{} is tracked by git, so a token written there would be committed", dir.join(ENV_FILE).display()),
            Some(format!(
                "stop tracking it first: `git -C {} rm --cached {ENV_FILE}` and commit (and if a token was ever committed, revoke it at {})",
                dir.display(),
                crate::error::TOKENS_URL
            )),
        ));
    }
    let config = write::read_existing(&dir.join(config::FILE))?;
    if let Some(c) = &config {
        config::parse(&c.text).map_err(|e| {
            Error::refuse(
                format!("{} cannot be updated: {e}", dir.join(config::FILE).display()),
                Some("fix it, or move it away so ghenv can write a new one; ghenv will not overwrite it".to_string()),
            )
        })?;
    }
    Ok(Before {
        env: write::read_existing(&dir.join(ENV_FILE))?,
        example: write::read_existing(&dir.join(EXAMPLE_FILE))?,
        config,
        gitignore: write::read_existing(&dir.join(GITIGNORE))?,
    })
}

/// The token from `--token-stdin`, `--token-file`, the environment, or the
/// prompt (after printing where to create one).
fn read_token(
    args: &InitArgs,
    io: &mut Io,
    endpoint: &str,
    required: &[String],
    dir: &Path,
) -> Result<(Token, Origin)> {
    let (secret, origin) = match source::explicit(&args.source, io)? {
        Some(found) => found,
        None => match source::from_env(io) {
            Some(found) => found,
            None => {
                if io.stdin_tty {
                    let url =
                        scopes::new_token_url(endpoint, required, &super::token_description(dir));
                    io.say(&format!(
                        "Create a token with the scopes this project needs ({}) at:\n  {url}\nthen paste it below.",
                        required.join(", ")
                    ));
                }
                source::prompt(io)?
            }
        },
    };
    Ok((Token::parse(secret)?, origin))
}

/// Runs `ghenv init`.
///
/// # Errors
/// Every [`Error`] variant can come out of here; see the exit-code table.
pub fn run(args: &InitArgs, io: &mut Io) -> Result<()> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let template = super::template(&args.template, None)?;
    let required = super::required_scopes(&args.template, &template)?;
    let endpoint = super::endpoint(&args.endpoint, io, None)?;
    let before = inspect(&dir)?;

    let (token, origin) = read_token(args, io, &endpoint, &required, &dir)?;
    announce_token(io, &token, &origin);

    let viewer = if args.offline {
        io.warn("--offline: the token was not validated with GitHub (config.toml says validated = false); run `ghenv check` when online");
        None
    } else {
        let viewer = super::validate(io, &token, &endpoint, args.endpoint.timeout)?;
        let name = viewer
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        io.ok(&format!(
            "GitHub: the token is valid for {}{name}",
            io.bold(&viewer.login)
        ));
        super::warn_expiry(io, &viewer);
        Some(viewer)
    };

    let scope_report = ScopeReport::new(required.clone(), viewer.as_ref());
    let mut report = report_json(&token, &origin, &endpoint, viewer.as_ref(), &scope_report);
    if let Err(e) = scope_report.enforce(
        io,
        token.kind(),
        viewer.is_some(),
        args.template.strict,
        &endpoint,
        &super::token_description(&dir),
    ) {
        if args.json {
            report.insert("ok".into(), json!(false));
            report.insert("error".into(), error_json(&e)["error"].clone());
            report.insert("files".into(), json!([]));
            io.json(&Value::Object(report));
        }
        return Err(e);
    }
    if let Some(granted) = &scope_report.granted {
        io.ok(&format!(
            "Scopes: all {} required scopes granted ({})",
            required.len(),
            if granted.is_empty() {
                "none".to_string()
            } else {
                granted.join(", ")
            }
        ));
    }

    let ctx = Context {
        template: template.name.clone(),
        endpoint: endpoint.clone(),
        login: viewer.as_ref().map(|v| v.login.clone()),
        name: viewer.as_ref().and_then(|v| v.name.clone()),
        scopes: scope_report.granted.clone(),
        required_scopes: required.clone(),
        token_type: token.kind().name().to_owned(),
        validated: viewer.is_some(),
        validated_at: viewer.as_ref().map(|_| super::now_rfc3339()),
        expires_at: viewer
            .as_ref()
            .and_then(|v| v.expires_at)
            .map(|t| t.to_string()),
        env_file: ENV_FILE.to_owned(),
        token_var: template.token_var.clone(),
        folder: super::token_description(&dir)
            .trim_start_matches("ghenv: ")
            .to_owned(),
    };
    let rendered = render::render(&template, &ctx, token.expose_secret())?;
    let changes = plan(&dir, before, rendered)?;
    write::commit(&changes)?;

    let files: Vec<Value> = changes
        .iter()
        .map(|c| json!({ "path": c.path.display().to_string(), "status": c.status }))
        .collect();
    let summary: Vec<String> = changes
        .iter()
        .map(|c| {
            let name = c
                .path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            match c.status {
                Status::Unchanged => format!("{name} (unchanged)"),
                s => format!(
                    "{name} ({})",
                    if s == Status::Created {
                        "created"
                    } else {
                        "updated"
                    }
                ),
            }
        })
        .collect();
    io.ok(&format!(
        "Wrote {} in {}",
        summary.join(", "),
        dir.display()
    ));
    io.say(&format!(
        "{} is git-ignored and readable only by you; config.toml and {EXAMPLE_FILE} are safe to commit.",
        ENV_FILE
    ));
    if args.json {
        report.insert("ok".into(), json!(true));
        report.insert("template".into(), json!(template.name));
        report.insert("files".into(), json!(files));
        io.json(&Value::Object(report));
    }
    Ok(())
}

/// Merges the rendered files into what exists and plans the writes.
fn plan(dir: &Path, before: Before, rendered: render::Rendered) -> Result<Vec<Change>> {
    let merged = |existing: &Option<Existing>, new: &str| -> Zeroizing<String> {
        Zeroizing::new(match existing {
            Some(e) => envfile::merge(&e.text, new),
            None => new.to_owned(),
        })
    };
    let env = merged(&before.env, &rendered.env);
    let example = merged(&before.example, &rendered.env_example);
    let config_text = match &before.config {
        Some(e) => config::merge(&e.text, &rendered.config).map_err(|err| {
            Error::refuse(
                format!(
                    "{} cannot be updated: {err}",
                    dir.join(config::FILE).display()
                ),
                Some("fix it, or move it away so ghenv can write a new one".to_string()),
            )
        })?,
        None => rendered.config,
    };
    let mut changes = vec![
        Change::new(dir.join(ENV_FILE), before.env.as_ref(), env, true),
        Change::new(
            dir.join(EXAMPLE_FILE),
            before.example.as_ref(),
            example,
            false,
        ),
        Change::new(
            dir.join(config::FILE),
            before.config.as_ref(),
            Zeroizing::new(config_text),
            false,
        ),
    ];
    let gitignore_text = before.gitignore.as_ref().map(|g| g.text.as_str());
    if let Some(text) = write::gitignore_with(gitignore_text, ENV_FILE) {
        changes.push(Change::new(
            dir.join(GITIGNORE),
            before.gitignore.as_ref(),
            Zeroizing::new(text),
            false,
        ));
    }
    Ok(changes)
}
