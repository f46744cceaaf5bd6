//! The steps several commands share, below them: validating the token with
//! GitHub (with a spinner), comparing scopes, announcing the token and where
//! it came from, and the parts of their reports that are the same.

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::github::{self, GithubError, RateLimit, Viewer};
use crate::output::Io;
use crate::source::Origin;
use crate::token::{Kind, Token};
use crate::write::{Change, Status};

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
    io: &mut Io,
) -> Result<(Token, Origin)> {
    let env_path = project.env_path()?;
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
        io,
    )?;
    let token = Token::parse(secret)?;
    if matches!(origin, Origin::Config(_)) {
        crate::accept::decrypted_token(io, project, &token, true)?;
        crate::accept::warn_recipients(io, project);
    }
    crate::accept::warn_unignored(io, project);
    Ok((token, origin))
}

/// Warn when a token expires sooner than this.
const EXPIRY_WARNING: Duration = Duration::from_secs(7 * 24 * 3600);

/// Validates `token` at `endpoint`, with a spinner on a terminal and
/// details with `--verbose`.
///
/// # Errors
/// [`Error::TokenRejected`] on 401, [`Error::Github`] otherwise.
pub fn validate(io: &mut Io, token: &Token, endpoint: &str, timeout: Duration) -> Result<Viewer> {
    let options = github::Options {
        endpoint: endpoint.to_owned(),
        timeout,
    };
    io.detail(&format!("POST {endpoint} (query {})", github::OPERATION));
    let start = Instant::now();
    let result = io.with_spinner("Validating the token with GitHub…", || {
        github::validate(&options, token)
    });
    io.detail(&format!("answer after {} ms", start.elapsed().as_millis()));
    match result {
        Ok(viewer) => {
            if let Some(id) = &viewer.request_id {
                io.detail(&format!(
                    "X-GitHub-Request-Id: {}",
                    crate::text::sanitize(id)
                ));
            }
            if viewer.scopes.is_none() && token.kind().has_oauth_scopes() {
                // GitHub always sends it for these tokens; without it the
                // scopes, the point of validating, cannot be checked.
                return Err(Error::Github(GithubError::Malformed {
                    detail: format!(
                        "it lacks the X-OAuth-Scopes header GitHub sends for a {} (is a proxy removing headers?)",
                        token.kind()
                    ),
                }));
            }
            Ok(viewer)
        }
        Err(GithubError::Unauthorized { message }) => Err(Error::TokenRejected {
            masked: token.masked(),
            message,
        }),
        Err(e) => Err(Error::Github(e)),
    }
}

/// Scopes compared: what is required, granted (when known) and missing.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeReport {
    /// Required by the template or `--scopes`.
    pub required: Vec<String>,
    /// Granted, from `X-OAuth-Scopes`; `None` when GitHub did not say.
    pub granted: Option<Vec<String>>,
    /// Required but not granted (empty when unknown).
    pub missing: Vec<String>,
}

impl ScopeReport {
    /// Compares `required` with what `viewer` says was granted.
    pub fn new(required: Vec<String>, viewer: Option<&Viewer>) -> ScopeReport {
        let granted = viewer.and_then(|v| v.scopes.clone());
        let missing = granted
            .as_ref()
            .map(|g| crate::scopes::missing(&required, g))
            .unwrap_or_default();
        ScopeReport {
            required,
            granted,
            missing,
        }
    }

    /// Turns missing or unknown scopes into the right error or warning.
    ///
    /// # Errors
    /// [`Error::MissingScopes`], or [`Error::ScopesUnknown`] with `strict`.
    pub fn enforce(
        &self,
        io: &mut Io,
        kind: Kind,
        validated: bool,
        strict: bool,
        endpoint: &str,
        description: &str,
    ) -> Result<()> {
        if !self.missing.is_empty() {
            return Err(Error::MissingScopes {
                missing: self.missing.clone(),
                new_token_url: crate::scopes::new_token_url(endpoint, &self.required, description),
            });
        }
        if self.granted.is_none() && validated {
            if strict {
                return Err(Error::ScopesUnknown {
                    kind: kind.describe().to_owned(),
                });
            }
            io.warn(&format!(
                "GitHub does not list the permissions of a {kind}, so the required scopes ({}) cannot be checked; make sure the token can do what the project needs",
                self.required.join(", ")
            ));
        }
        Ok(())
    }
}

/// The token, as reports show it: never the token itself.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    /// `classic`, `fine-grained`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `ghp_…x1Qz`.
    pub masked: String,
    /// Where it came from (`stdin`, `file`, `env`, `dotenv`, `config`, `prompt`).
    pub source: &'static str,
}

impl TokenInfo {
    /// The report of `token`, read from `origin`.
    pub fn new(token: &Token, origin: &Origin) -> TokenInfo {
        TokenInfo {
            kind: token.kind().name(),
            masked: token.masked(),
            source: origin.name(),
        }
    }
}

/// What `init`, `rotate` and `check` report about a token and GitHub's
/// answer.
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    /// The token.
    pub token: TokenInfo,
    /// The GraphQL endpoint.
    pub endpoint: String,
    /// Whether GitHub was asked.
    pub validated: bool,
    /// The account.
    pub login: Option<String>,
    /// The account's display name.
    pub name: Option<String>,
    /// Required, granted and missing scopes.
    pub scopes: ScopeReport,
    /// When the token expires (RFC 3339).
    pub expires_at: Option<String>,
    /// GitHub's rate limit.
    pub rate_limit: Option<RateLimit>,
    /// `X-GitHub-Request-Id`.
    pub request_id: Option<String>,
}

impl Validation {
    /// The report of a token, what GitHub said of it, and its scopes.
    pub fn new(
        token: &Token,
        origin: &Origin,
        endpoint: &str,
        viewer: Option<&Viewer>,
        scopes: ScopeReport,
    ) -> Validation {
        Validation {
            token: TokenInfo::new(token, origin),
            endpoint: endpoint.to_owned(),
            validated: viewer.is_some(),
            login: viewer.map(|v| v.login.clone()),
            name: viewer.and_then(|v| v.name.clone()),
            scopes,
            expires_at: viewer.and_then(|v| v.expires_at).map(|t| t.to_string()),
            rate_limit: viewer.and_then(|v| v.rate_limit.clone()),
            request_id: viewer.and_then(|v| v.request_id.clone()),
        }
    }
}

/// A file a command wrote, as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The path.
    pub path: String,
    /// `created`, `updated` or `unchanged`.
    pub status: Status,
}

/// The report of `changes`.
pub fn files_report(changes: &[Change]) -> Vec<FileReport> {
    changes
        .iter()
        .map(|c| FileReport {
            path: c.path.display().to_string(),
            status: c.status,
        })
        .collect()
}

/// Says which files were written, relative to `dir` (`✓ Wrote .env
/// (created), … in DIR`).
pub fn say_written(io: &mut Io, dir: &Path, files: &[FileReport]) {
    let summary: Vec<String> = files
        .iter()
        .map(|f| {
            let name = Path::new(&f.path)
                .strip_prefix(dir)
                .map_or_else(|_| f.path.clone(), |p| p.display().to_string());
            let status = match f.status {
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
}

/// Opens `url` in the browser (`xdg-open`, or `open` on macOS); says so, or
/// that it could not, on stderr. Never fails: the URL has been printed.
pub fn open_in_browser(io: &mut Io, url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let opened = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if opened {
        io.ok("Opened GitHub's new-token page in your browser");
    } else {
        io.warn("could not open a browser; open the URL above yourself");
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

/// "Scopes: the 7 required scopes are granted (the token has: …)".
pub fn scopes_granted_line(required: usize, granted: &[String]) -> String {
    let has = if granted.is_empty() {
        "no scopes".to_owned()
    } else {
        granted.join(", ")
    };
    if required == 1 {
        format!("Scopes: the required scope is granted (the token has: {has})")
    } else {
        format!("Scopes: all {required} required scopes are granted (the token has: {has})")
    }
}

/// Warns about an expiry that is close.
pub fn warn_expiry(io: &mut Io, viewer: &Viewer) {
    if let Some(at) = viewer.expires_at {
        let left = at.as_second() - Timestamp::now().as_second();
        if left < EXPIRY_WARNING.as_secs() as i64 {
            io.warn(&format!(
                "the token expires {} ({at}); create a new one soon at {}",
                days_from_now(at),
                crate::error::TOKENS_URL
            ));
        }
    } else if let Some(raw) = &viewer.expires_raw {
        io.warn(&format!(
            "GitHub gave an expiry ghenv cannot read: \"{}\"",
            crate::text::sanitize(raw)
        ));
    }
}

/// "in 3 days", "today", "2 days ago".
pub fn days_from_now(at: Timestamp) -> String {
    let secs = at.as_second() - Timestamp::now().as_second();
    let days = secs.div_euclid(86_400);
    match days {
        0 => "within a day".into(),
        1 => "in 1 day".into(),
        d if d > 1 => format!("in {d} days"),
        -1 => "1 day ago".into(),
        d => format!("{} days ago", -d),
    }
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
