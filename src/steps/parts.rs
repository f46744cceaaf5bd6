//! The parts of reports several commands share: the token as shown, what
//! GitHub said of it, and the files written.

use serde::Serialize;

use crate::github::{RateLimit, Viewer};
use crate::source::Origin;
use crate::token::Token;
use crate::write::{Change, Status};

use super::ScopeReport;

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
