//! Validating the token with GitHub (with a spinner on a terminal), its
//! expiry, and its scopes compared with the project's.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::github::{self, GithubError, Viewer};
use crate::output::Io;
use crate::token::{Kind, Token};

use super::days_from_now;

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
            kind: token.kind(),
            message,
        }),
        Err(e) => Err(Error::Github(e)),
    }
}

/// Warn when a token expires sooner than this.
const EXPIRY_WARNING: Duration = Duration::from_secs(7 * 24 * 3600);

/// How close a token's expiry is, seen at some time: the one rule `check`,
/// `init` and `doctor` judge it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// It has passed.
    Expired,
    /// Within [`EXPIRY_WARNING`].
    Soon,
    /// Later.
    Later,
}

/// How close `at` is, seen at `now`.
pub fn expiry(at: Timestamp, now: Timestamp) -> Expiry {
    let left = at.as_second() - now.as_second();
    if left <= 0 {
        Expiry::Expired
    } else if left < EXPIRY_WARNING.as_secs() as i64 {
        Expiry::Soon
    } else {
        Expiry::Later
    }
}

/// Refuses a token whose expiry has passed, and warns about one that is
/// close.
///
/// # Errors
/// [`Error::TokenExpired`].
/// `new_token_url` is where a replacement is created (see
/// [`crate::endpoint::Endpoint::new_token_url`]).
pub fn check_expiry(
    io: &mut Io,
    token: &Token,
    viewer: &Viewer,
    new_token_url: &str,
) -> Result<()> {
    check_expiry_at(io, token, viewer, new_token_url, Timestamp::now())
}

/// [`check_expiry`] at the time `now`.
fn check_expiry_at(
    io: &mut Io,
    token: &Token,
    viewer: &Viewer,
    new_token_url: &str,
    now: Timestamp,
) -> Result<()> {
    if let Some(at) = viewer.expires_at {
        match expiry(at, now) {
            Expiry::Expired => {
                return Err(Error::TokenExpired {
                    masked: token.masked(),
                    at: at.to_string(),
                    ago: days_from_now(at),
                    new_token_url: new_token_url.to_owned(),
                });
            }
            Expiry::Soon => io.warn(&format!(
                "the token expires {} ({at}); create a new one soon at {new_token_url}",
                days_from_now(at),
            )),
            Expiry::Later => {}
        }
    } else if let Some(raw) = &viewer.expires_raw {
        io.warn(&format!(
            "GitHub gave an expiry ghenv cannot read: \"{}\"",
            crate::text::sanitize(raw)
        ));
    }
    Ok(())
}

/// The command that adds `missing` scopes to this kind of token, when one
/// can: `gh auth refresh` for gh's token, the device flow again for an
/// OAuth App's (GitHub grants the union of what was asked). A classic
/// token's scopes are ticked on its page (no command, no URL does it).
pub fn add_scopes_command(
    origin: &crate::source::Origin,
    kind: Kind,
    missing: &[String],
) -> Option<String> {
    match origin {
        crate::source::Origin::Gh(host) => Some(format!(
            "gh auth refresh -h {host} -s {}",
            missing.join(",")
        )),
        _ if kind == Kind::OAuth => Some("ghenv rotate --web".to_owned()),
        _ => None,
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
        new_token_url: String,
        origin: &crate::source::Origin,
    ) -> Result<()> {
        if !self.missing.is_empty() {
            return Err(Error::MissingScopes {
                missing: self.missing.clone(),
                new_token_url,
                add: add_scopes_command(origin, kind, &self.missing),
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
