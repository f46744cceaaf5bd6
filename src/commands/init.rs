//! `ghenv init`: token in, validated, files out.
//!
//! Order matters: everything that can refuse without the token (folder,
//! template, endpoint, existing files, git tracking) is checked before the
//! token is asked for, and nothing is written until GitHub has answered and
//! every file has been rendered.

use std::path::Path;

use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::hook;
use super::lock::{self, Lock};
use super::{ScopeReport, announce_token, error_json, report_json};
use crate::cli::InitArgs;
use crate::config::{self, Config};
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

/// The project's files as they are before a command writes.
pub struct Before {
    /// `.env`.
    pub env: Option<Existing>,
    /// `.env.example`.
    pub example: Option<Existing>,
    /// `config.toml`, as text.
    pub config: Option<Existing>,
    /// `config.toml`, parsed.
    pub parsed: Option<Config>,
    /// `.gitignore`.
    pub gitignore: Option<Existing>,
}

/// Reads the project's files, refusing what ghenv must not rewrite: a `.env`
/// tracked by git, links, directories, a `config.toml` that is not valid.
///
/// # Errors
/// [`Error::Refuse`] or [`Error::Io`].
pub fn inspect(dir: &Path) -> Result<Before> {
    if write::tracked_by_git(dir, ENV_FILE) {
        return Err(Error::refuse(
            format!(
                "{} is tracked by git, so a token written there would be committed",
                dir.join(ENV_FILE).display()
            ),
            Some(format!(
                "stop tracking it first: `git -C {} rm --cached {ENV_FILE}` and commit (and if a token was ever committed, revoke it at {})",
                dir.display(),
                crate::error::TOKENS_URL
            )),
        ));
    }
    let config = write::read_existing(&dir.join(config::FILE))?;
    let parsed = match &config {
        Some(c) => Some(config::parse(&c.text).map_err(|e| {
            Error::refuse(
                format!("{} cannot be updated: {e}", dir.join(config::FILE).display()),
                Some("fix it, or move it away so ghenv can write a new one; ghenv will not overwrite it".to_string()),
            )
        })?),
        None => None,
    };
    Ok(Before {
        env: write::read_existing(&dir.join(ENV_FILE))?,
        example: write::read_existing(&dir.join(EXAMPLE_FILE))?,
        config,
        parsed,
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
    description: &str,
) -> Result<(Token, Origin)> {
    let (secret, origin) = match source::explicit(&args.source, io)? {
        Some(found) => found,
        None => match source::from_env(io) {
            Some(found) => found,
            None => {
                if io.stdin_tty || args.open {
                    let url = scopes::new_token_url(endpoint, required, description);
                    io.say(&format!(
                        "Create a token with the scopes this project needs ({}) at:\n  {url}\nthen paste it below.",
                        required.join(", ")
                    ));
                    if args.open {
                        super::open_in_browser(io, &url);
                    }
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
    let before = inspect(&dir)?;
    let configured = before
        .parsed
        .as_ref()
        .and_then(|c| c.github.endpoint.as_deref());
    let endpoint = super::endpoint(&args.endpoint, io, configured)?;
    let existing_secret = before.parsed.as_ref().and_then(|c| c.secret.as_ref());
    if let Some(secret) = existing_secret {
        lock::check_format(secret)?;
    }
    let lock = lock::resolve(&args.lock, existing_secret, io)?;
    let write_env = !(args.lock.no_env && lock.is_some());

    let description = super::token_description(&dir);
    let (token, origin) = read_token(args, io, &endpoint, &required, &description)?;
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
        &description,
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
        folder: description.trim_start_matches("ghenv: ").to_owned(),
    };
    let rendered = render::render(&template, &ctx, token.expose_secret())?;
    let mut changes = plan(&dir, before, rendered, write_env)?;
    let encrypted = match &lock {
        Some(lock) => Some(seal(io, lock, &token, &mut changes)?),
        None => None,
    };
    if let Some(Lock::Recipients {
        new_identity: Some(id),
        ..
    }) = &lock
    {
        if let Some(parent) = id.path.parent() {
            write::create_private_dir(parent)?;
        }
        changes.push(Change::new(id.path.clone(), None, id.text.clone(), true));
    }
    write::commit(&changes)?;
    if let Some(Lock::Recipients {
        new_identity: Some(id),
        ..
    }) = &lock
    {
        io.ok(&format!(
            "Created your age identity at {} (keep it safe: it decrypts the token)",
            id.path.display()
        ));
    }
    if let Some((recipients, passphrase)) = &encrypted {
        if *passphrase {
            io.ok("Encrypted the token into config.toml with your passphrase");
        } else {
            io.ok(&format!(
                "Encrypted the token into config.toml for {} recipient{}: {}",
                recipients.len(),
                if recipients.len() == 1 { "" } else { "s" },
                recipients
                    .iter()
                    .map(|r| short_key(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }

    let files = report_writes(io, &dir, &changes);
    let hook = offer_hook(args, io, &dir);
    if write_env {
        io.say(&format!(
            "{ENV_FILE} is git-ignored and readable only by you; config.toml and {EXAMPLE_FILE} are safe to commit."
        ));
    } else {
        io.say("No .env written (--no-env): use `ghenv run -- CMD` or `ghenv unlock`; config.toml is safe to commit.");
    }
    if args.json {
        report.insert("ok".into(), json!(true));
        report.insert("template".into(), json!(template.name));
        report.insert(
            "encrypted".into(),
            match &encrypted {
                Some((recipients, passphrase)) => {
                    json!({ "recipients": recipients, "passphrase": passphrase })
                }
                None => json!(null),
            },
        );
        report.insert("files".into(), json!(files));
        report.insert("hook".into(), json!(hook));
        io.json(&Value::Object(report));
    }
    Ok(())
}

/// Installs the pre-commit hook with `--hook`, or offers to on a terminal.
/// Never fails: the files are written by now, so problems are warnings.
/// Returns what happened, for JSON.
fn offer_hook(args: &InitArgs, io: &mut Io, dir: &Path) -> Option<&'static str> {
    let Ok(in_repo) = hook::hooks_dir(Some(dir)) else {
        if args.hook {
            io.warn(&format!(
                "--hook: {} is not in a git repository, so no hook was installed; run `git init`, then `ghenv hook install`",
                dir.display()
            ));
        }
        return None;
    };
    if !args.hook {
        let installed = in_repo.join("pre-commit").exists();
        if installed || !io.stdin_tty || args.json || io.verbosity.quiet {
            return None;
        }
        if !io.confirm(
            "Install a git pre-commit hook that blocks commits containing a GitHub token? [Y/n] ",
        ) {
            return None;
        }
    }
    match hook::install_in(Some(dir), false) {
        Ok((path, status)) => {
            io.ok(&format!("Pre-commit hook installed at {}", path.display()));
            Some(match status {
                hook::Installed::Already => "already-installed",
                _ => "installed",
            })
        }
        Err(e) => {
            io.warn(&format!("{e}; the hook was not installed"));
            if let Some(h) = e.hint() {
                io.say(&format!("  hint: {h}"));
            }
            None
        }
    }
}

/// Says which files were written, and returns them as JSON
/// (`[{ "path", "status" }]`).
pub fn report_writes(io: &mut Io, dir: &Path, changes: &[Change]) -> Vec<Value> {
    let summary: Vec<String> = changes
        .iter()
        .map(|c| {
            let name = c
                .path
                .strip_prefix(dir)
                .unwrap_or(&c.path)
                .display()
                .to_string();
            let status = match c.status {
                Status::Created => "created",
                Status::Updated => "updated",
                Status::Unchanged => "unchanged",
            };
            format!("{name} ({status})")
        })
        .collect();
    io.ok(&format!(
        "Wrote {} in {}",
        summary.join(", "),
        dir.display()
    ));
    changes
        .iter()
        .map(|c| json!({ "path": c.path.display().to_string(), "status": c.status }))
        .collect()
}

/// "age1abcd…wxyz" for long keys, for messages.
pub fn short_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 24 {
        return key.to_owned();
    }
    let head: String = chars[..12].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}

/// Encrypts the token into the planned `config.toml`, and proves the
/// plaintext is not in it. Returns the recipients and whether a passphrase
/// was used.
fn seal(
    io: &mut Io,
    lock: &Lock,
    token: &Token,
    changes: &mut [Change],
) -> Result<(Vec<String>, bool)> {
    let (recipients, passphrase, armored) = lock::encrypt(lock, token.expose_secret(), io)?;
    let config_change = changes
        .iter_mut()
        .find(|c| c.path.file_name().is_some_and(|n| n == config::FILE))
        .expect("init always plans config.toml");
    let text = lock::seal_into(
        &config_change.contents,
        &recipients,
        passphrase,
        &armored,
        token,
    )?;
    config_change.contents = Zeroizing::new(text);
    config_change.status = match config_change.status {
        Status::Unchanged => Status::Updated,
        other => other,
    };
    Ok((recipients, passphrase))
}

/// Merges the rendered files into what exists and plans the writes.
fn plan(
    dir: &Path,
    before: Before,
    rendered: render::Rendered,
    write_env: bool,
) -> Result<Vec<Change>> {
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
    let mut changes = Vec::new();
    if write_env {
        changes.push(merged_change(
            dir.join(ENV_FILE),
            before.env.as_ref(),
            &rendered.env,
            true,
        ));
    }
    changes.push(merged_change(
        dir.join(EXAMPLE_FILE),
        before.example.as_ref(),
        &rendered.env_example,
        false,
    ));
    changes.push(Change::new(
        dir.join(config::FILE),
        before.config.as_ref(),
        Zeroizing::new(config_text),
        false,
    ));
    changes.extend(gitignore_change(dir, &before));
    Ok(changes)
}

/// The change that merges rendered `.env`-style text into `path`.
pub fn merged_change(
    path: std::path::PathBuf,
    existing: Option<&Existing>,
    rendered: &str,
    secret: bool,
) -> Change {
    let text = Zeroizing::new(match existing {
        Some(e) => envfile::merge(&e.text, rendered),
        None => rendered.to_owned(),
    });
    Change::new(path, existing, text, secret)
}

/// The change that makes `.gitignore` ignore `.env`, if it does not yet.
pub fn gitignore_change(dir: &Path, before: &Before) -> Option<Change> {
    if write::ignored_by_gitignore(dir, ENV_FILE) {
        return None;
    }
    let existing = before.gitignore.as_ref();
    write::gitignore_with(existing.map(|g| g.text.as_str()), ENV_FILE)
        .map(|text| Change::new(dir.join(GITIGNORE), existing, Zeroizing::new(text), false))
}
