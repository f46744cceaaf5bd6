//! The library's one error type and its mapping to exit codes.
//!
//! Every message says what failed; [`Error::hint`] says what to do next. No
//! variant holds a token: token problems are described by
//! [`FormatError`](crate::token::FormatError), which never includes one.

use std::io;
use std::path::PathBuf;

use crate::crypt::CryptError;
use crate::github::GithubError;
use crate::token::FormatError;

pub use crate::scopes::TOKENS_URL;

/// Exit codes, identical for every command.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// `scan` found a token (reserved for it; no error uses it).
    pub const FOUND: i32 = 1;
    /// Bad usage: flags, arguments, a missing input.
    pub const USAGE: i32 = 2;
    /// The token is malformed or GitHub rejected it.
    pub const TOKEN: i32 = 3;
    /// The token is valid but lacks required scopes.
    pub const SCOPES: i32 = 4;
    /// GitHub could not be reached or misbehaved.
    pub const NETWORK: i32 = 5;
    /// Encryption or decryption failed.
    pub const CRYPTO: i32 = 6;
    /// Refusing to write, or a file could not be read or written.
    pub const IO: i32 = 7;
    /// `run`: the command was found but could not be executed (as `env` does).
    pub const NOT_EXECUTABLE: i32 = 126;
    /// `run`: the command was not found (as `env` does).
    pub const NOT_FOUND: i32 = 127;
}

/// Everything that can go wrong in ghenv.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or arguments, or a required input is missing.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// The token failed the offline format check.
    #[error("invalid token: {0}")]
    TokenFormat(#[from] FormatError),
    /// GitHub answered 401: the token is revoked, expired or mistyped.
    #[error("GitHub rejected the token ({masked}): {message}")]
    TokenRejected {
        /// The masked token.
        masked: String,
        /// GitHub's message, usually "Bad credentials".
        message: String,
    },
    /// The token is valid but lacks required scopes.
    #[error("the token is missing {} required scope{}: {}", .missing.len(), if .missing.len() == 1 { "" } else { "s" }, .missing.join(", "))]
    MissingScopes {
        /// The required scopes the token does not grant.
        missing: Vec<String>,
        /// A URL that creates a token with every required scope ticked.
        new_token_url: String,
    },
    /// `--strict` and the token's scopes cannot be listed.
    #[error("the scopes of this {kind} cannot be listed, and --strict asks for them to be checked")]
    ScopesUnknown {
        /// The kind of token, described.
        kind: String,
    },
    /// GitHub could not be reached or did not answer as expected.
    #[error(transparent)]
    Github(GithubError),
    /// Encryption or decryption failed.
    #[error(transparent)]
    Crypt(#[from] CryptError),
    /// A template could not be found, loaded or rendered.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// ghenv will not write, to avoid losing or leaking something.
    #[error("{message}")]
    Refuse {
        /// Why.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// `ghenv run` could not start the command.
    #[error("cannot run {program}: {source}")]
    Exec {
        /// The command.
        program: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What ghenv was doing ("write", "read", ...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

impl From<GithubError> for Error {
    fn from(e: GithubError) -> Error {
        Error::Github(e)
    }
}

impl Error {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<Option<String>>) -> Error {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A refusal to write with a hint.
    pub fn refuse(message: impl Into<String>, hint: impl Into<Option<String>>) -> Error {
        Error::Refuse {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The process exit code for this error; the single mapping used by every
    /// command.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } | Error::Template { .. } => exit::USAGE,
            Error::TokenFormat(_) | Error::TokenRejected { .. } => exit::TOKEN,
            Error::MissingScopes { .. } | Error::ScopesUnknown { .. } => exit::SCOPES,
            Error::Github(_) => exit::NETWORK,
            Error::Crypt(_) => exit::CRYPTO,
            Error::Refuse { .. } | Error::Io { .. } => exit::IO,
            Error::Exec { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                exit::NOT_FOUND
            }
            Error::Exec { .. } => exit::NOT_EXECUTABLE,
        }
    }

    /// A short stable name for the error, used in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage { .. } => "usage",
            Error::TokenFormat(_) => "token_format",
            Error::TokenRejected { .. } => "token_rejected",
            Error::MissingScopes { .. } => "missing_scopes",
            Error::ScopesUnknown { .. } => "scopes_unknown",
            Error::Github(_) => "network",
            Error::Crypt(_) => "crypto",
            Error::Template { .. } => "template",
            Error::Refuse { .. } => "refused",
            Error::Io { .. } => "io",
            Error::Exec { .. } => "exec",
        }
    }

    /// What to do next, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. } | Error::Refuse { hint, .. } => hint.clone(),
            Error::TokenFormat(FormatError::Empty) => Some(
                "paste the token when asked, or pass it with --token-stdin, --token-file or GH_TOKEN".into(),
            ),
            Error::TokenFormat(_) => Some(format!(
                "copy the token again from GitHub, or create a new one at {TOKENS_URL}"
            )),
            Error::TokenRejected { .. } => Some(format!(
                "the token was revoked, has expired or was mistyped: check it at {TOKENS_URL}, or create a new one and run ghenv again"
            )),
            Error::MissingScopes { missing, new_token_url } => Some(format!(
                "GitHub cannot add scopes to an existing token by URL: either tick {} on the token's page at {TOKENS_URL} and run ghenv again, or create a new token with every required scope at\n  {new_token_url}",
                missing.join(", ")
            )),
            Error::ScopesUnknown { .. } => Some(
                "fine-grained tokens have permissions instead of scopes: check them on GitHub, or run without --strict to go on with a warning".into(),
            ),
            Error::Github(e) => Some(e.hint()),
            Error::Crypt(e) => e.hint(),
            Error::Template { .. } => Some("run `ghenv templates` to list the templates".into()),
            Error::Io { source, .. } if source.kind() == io::ErrorKind::PermissionDenied => Some(
                "check the folder's permissions, or choose another with --dir".into(),
            ),
            Error::Io { action, .. } => Some(format!(
                "nothing was changed{}; check the disk (free space) and the folder's permissions, then run ghenv again",
                if *action == "read" || *action == "inspect" { "" } else { ": the old files are as they were" }
            )),
            Error::Exec { .. } => Some("check the command's name and that it is on PATH and executable".into()),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
