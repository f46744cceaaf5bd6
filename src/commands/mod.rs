//! The commands, and the steps `init` and `check` share: choosing the
//! endpoint, the template and the required scopes, validating the token
//! with GitHub, comparing scopes, and reporting.

pub mod check;
pub mod hook;
pub mod init;
pub mod keys;
pub mod lock;
pub mod recipients;
pub mod rotate;
pub mod run;
pub mod scan;
pub mod scopes;
pub mod templates;
pub mod unlock;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::cli::{Endpoint, TemplateChoice};
use crate::error::{Error, Result};
use crate::github::{self, GithubError, Viewer};
use crate::output::Io;
use crate::render::{self, Template};
use crate::source::Origin;
use crate::token::{Kind, Token};

/// Warn when a token expires sooner than this.
const EXPIRY_WARNING: Duration = Duration::from_secs(7 * 24 * 3600);

/// The project folder: `--dir` or the current one; it must exist.
///
/// # Errors
/// [`Error::Refuse`] when it does not exist or is not a folder.
pub fn project_dir(dir: Option<&Path>) -> Result<PathBuf> {
    let dir = dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(Error::refuse(
            format!("{} is not a folder", dir.display()),
            Some("pass a folder to --dir".to_string()),
        )),
        Err(e) => Err(Error::refuse(
            format!("cannot use the folder {}: {e}", dir.display()),
            Some(format!(
                "create it first (mkdir -p {}) or pass another to --dir",
                dir.display()
            )),
        )),
    }
}

/// `config.toml` in `dir`, or an empty config when there is none; for the
/// commands that only read it.
///
/// # Errors
/// [`Error::Refuse`] when it exists but is not a config ghenv can use.
pub fn read_config(dir: &Path) -> Result<crate::config::Config> {
    let path = dir.join(crate::config::FILE);
    match crate::write::read_existing(&path)? {
        Some(found) => crate::config::parse(&found.text).map_err(|e| {
            Error::refuse(
                format!("cannot use {}: {e}", path.display()),
                Some("fix it, or run `ghenv init` to write it again".to_string()),
            )
        }),
        None => Ok(crate::config::Config::default()),
    }
}

/// The template named by `--template`, else `fallback`, else the default.
///
/// # Errors
/// [`Error::Template`] when it does not exist or is malformed.
pub fn template(choice: &TemplateChoice, fallback: Option<&str>) -> Result<Template> {
    let name = choice
        .template
        .as_deref()
        .or(fallback)
        .unwrap_or(render::DEFAULT_TEMPLATE);
    render::load(name, choice.template_dir.as_deref())
}

/// The template `config.toml` records (the default when none is recorded),
/// built in or from `template_dir`, for commands that take no `--template`.
///
/// # Errors
/// [`Error::Template`] when it does not exist.
pub fn configured_template(
    config: &crate::config::Config,
    template_dir: Option<&Path>,
) -> Result<Template> {
    let name = config
        .template
        .as_deref()
        .unwrap_or(render::DEFAULT_TEMPLATE);
    render::load(name, template_dir)
}

/// `--scopes`, else the template's.
///
/// # Errors
/// [`Error::Usage`] when `--scopes` holds something that is not a scope.
pub fn required_scopes(choice: &TemplateChoice, template: &Template) -> Result<Vec<String>> {
    match &choice.scopes {
        None => Ok(template.scopes.clone()),
        Some(list) => crate::scopes::parse_list(list).map_err(|bad| {
            Error::usage(
                format!("--scopes: \"{bad}\" is not a GitHub scope"),
                Some("give scopes comma-separated, e.g. --scopes repo,read:org".to_string()),
            )
        }),
    }
}

/// The GraphQL endpoint: `--endpoint`, `--host`, `GHENV_GRAPHQL_URL`,
/// `from_config`, then GitHub.com. Plain `http` is allowed only to loopback
/// addresses, so the token is never sent in the clear.
///
/// # Errors
/// [`Error::Usage`] for a URL or host that is not usable.
pub fn endpoint(args: &Endpoint, io: &Io, from_config: Option<&str>) -> Result<String> {
    let (url, what) = if let Some(url) = &args.endpoint {
        (url.clone(), "--endpoint")
    } else if let Some(host) = &args.host {
        if host.is_empty() || host.contains(['/', '?', '#', '@']) {
            return Err(Error::usage(
                format!("--host {host:?} is not a host name"),
                Some("give just the host, e.g. --host github.example.com, or a full URL with --endpoint".to_string()),
            ));
        }
        (github::enterprise_endpoint(host), "--host")
    } else if let Some(url) = io.var("GHENV_GRAPHQL_URL") {
        (url, "GHENV_GRAPHQL_URL")
    } else if let Some(url) = from_config {
        (url.to_owned(), "config.toml")
    } else {
        (github::DEFAULT_ENDPOINT.to_owned(), "default")
    };
    let parsed = reqwest::Url::parse(&url).map_err(|e| {
        Error::usage(
            format!("{what}: {url:?} is not a URL ({e})"),
            Some("give a full URL, e.g. https://api.github.com/graphql".to_string()),
        )
    })?;
    let loopback = github::is_loopback(&parsed);
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::usage(
                format!(
                    "{what}: refusing to send the token over plain http to {}",
                    parsed.host_str().unwrap_or("")
                ),
                Some("use an https:// URL".to_string()),
            ));
        }
        other => {
            return Err(Error::usage(
                format!("{what}: {other}:// is not supported"),
                Some("use an https:// URL".to_string()),
            ));
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::usage(
            format!("{what}: the URL must not hold credentials"),
            Some(
                "ghenv sends the token in a header; remove user:password@ from the URL".to_string(),
            ),
        ));
    }
    Ok(url)
}

/// Validates `token` at `endpoint`, with a spinner on a terminal and
/// details with `--verbose`.
///
/// # Errors
/// [`Error::TokenRejected`] on 401, [`Error::Github`] otherwise.
pub fn validate(io: &mut Io, token: &Token, endpoint: &str, timeout: u64) -> Result<Viewer> {
    let options = github::Options {
        endpoint: endpoint.to_owned(),
        timeout: Duration::from_secs(timeout),
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
                io.detail(&format!("X-GitHub-Request-Id: {id}"));
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
#[derive(Debug, Clone)]
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

    /// JSON for reports.
    pub fn json(&self) -> Value {
        json!({ "required": self.required, "granted": self.granted, "missing": self.missing })
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

/// The template context as `config.toml` recorded it, for commands that
/// render `.env` again without talking to GitHub (`unlock`, `run`).
pub fn context_from_config(
    config: &crate::config::Config,
    template: &Template,
    dir: &Path,
) -> render::Context {
    let g = &config.github;
    render::Context {
        template: template.name.clone(),
        endpoint: g
            .endpoint
            .clone()
            .unwrap_or_else(|| github::DEFAULT_ENDPOINT.to_owned()),
        login: g.login.clone(),
        name: None,
        scopes: g.scopes.clone(),
        required_scopes: template.scopes.clone(),
        token_type: g.token_type.clone().unwrap_or_default(),
        validated: g.validated.unwrap_or(false),
        validated_at: g.validated_at.clone(),
        expires_at: g.expires_at.clone(),
        env_file: init::ENV_FILE.to_owned(),
        token_var: template.token_var.clone(),
        folder: token_description(dir)
            .trim_start_matches("ghenv: ")
            .to_owned(),
    }
}

/// Opens `url` in the browser (`xdg-open`, or `open` on macOS); says so, or that
/// it could not, on stderr. Never fails: the URL has been printed.
pub fn open_in_browser(io: &mut Io, url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let opened = cmd
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

/// "ghenv: FOLDER", the description for new tokens.
pub fn token_description(dir: &Path) -> String {
    let name = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "project".into());
    format!("ghenv: {name}")
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
        io.warn(&format!("GitHub gave an expiry ghenv cannot read: {raw:?}"));
    }
}

/// Now, to the second, in RFC 3339 (`2026-11-25T08:10:00Z`).
pub fn now_rfc3339() -> String {
    let now = Timestamp::now();
    Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
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

/// The JSON fields that `init` and `check` share.
pub fn report_json(
    token: &Token,
    origin: &Origin,
    endpoint: &str,
    viewer: Option<&Viewer>,
    scopes: &ScopeReport,
) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert(
        "token".into(),
        json!({ "type": token.kind().name(), "masked": token.masked(), "source": origin.name() }),
    );
    m.insert("endpoint".into(), json!(endpoint));
    m.insert("validated".into(), json!(viewer.is_some()));
    m.insert("login".into(), json!(viewer.map(|v| &v.login)));
    m.insert("name".into(), json!(viewer.and_then(|v| v.name.as_ref())));
    m.insert("scopes".into(), scopes.json());
    m.insert(
        "expires_at".into(),
        json!(viewer.and_then(|v| v.expires_at).map(|t| t.to_string())),
    );
    m.insert(
        "rate_limit".into(),
        json!(viewer.and_then(|v| v.rate_limit.as_ref())),
    );
    m.insert(
        "request_id".into(),
        json!(viewer.and_then(|v| v.request_id.as_ref())),
    );
    m
}

/// The JSON document for a failed command.
pub fn error_json(e: &Error) -> Value {
    let mut error = json!({
        "code": e.exit_code(),
        "kind": e.kind(),
        "message": e.to_string(),
        "hint": e.hint(),
    });
    if let Error::MissingScopes {
        missing,
        new_token_url,
    } = e
    {
        error["missing"] = json!(missing);
        error["new_token_url"] = json!(new_token_url);
    }
    json!({ "ok": false, "error": error })
}
