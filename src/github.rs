//! The one GraphQL request that validates a token against GitHub, and the
//! reading of its answer: viewer login, granted scopes (`X-OAuth-Scopes`),
//! rate limit and expiry.
//!
//! [`validate`] does the I/O; [`interpret`] turns a status, headers and body
//! into a [`Viewer`] or a [`GithubError`] and is pure, so every outcome is
//! unit-testable without a network.

use std::io::Read;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use serde::{Deserialize, Serialize};

use crate::token::Token;

/// GitHub.com's REST API.
pub const DEFAULT_API: &str = "https://api.github.com";
/// The media type GitHub recommends for its REST API.
pub const REST_ACCEPT: &str = "application/vnd.github+json";
/// The REST API version ghenv speaks.
pub const REST_API_VERSION: &str = "2022-11-28";
/// GitHub.com's GraphQL endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://api.github.com/graphql";
/// The largest answer ghenv reads; GitHub's is a few hundred bytes.
pub const BODY_LIMIT: u64 = 1024 * 1024;
/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `url` is GitHub.com's GraphQL endpoint.
pub fn is_default_endpoint(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| is_default_url(&u))
}

/// Whether the parsed `url` is GitHub.com's GraphQL endpoint.
pub fn is_default_url(url: &reqwest::Url) -> bool {
    url.as_str() == DEFAULT_ENDPOINT
}

/// Whether `url` names this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
pub fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// The name of the operation, so logs and fakes can tell it apart.
pub const OPERATION: &str = "GhenvValidate";
const QUERY: &str =
    "query GhenvValidate { viewer { login name } rateLimit { limit remaining resetAt } }";

/// The GraphQL endpoint of a GitHub Enterprise Server host.
pub fn enterprise_endpoint(host: &str) -> String {
    format!("https://{host}/api/graphql")
}

/// GraphQL rate-limit state, as reported in the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Points per hour.
    pub limit: u64,
    /// Points left in this hour.
    pub remaining: u64,
    /// When the window resets (RFC 3339).
    #[serde(rename(deserialize = "resetAt"))]
    pub reset_at: String,
}

/// What GitHub says about a valid token.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    /// The account's login.
    pub login: String,
    /// The account's display name, when set.
    pub name: Option<String>,
    /// Granted scopes (sorted), or `None` when GitHub sent no
    /// `X-OAuth-Scopes` header (fine-grained and installation tokens).
    pub scopes: Option<Vec<String>>,
    /// The rate limit, when reported.
    pub rate_limit: Option<RateLimit>,
    /// When the token expires, from `github-authentication-token-expiration`.
    pub expires_at: Option<Timestamp>,
    /// The expiration header's raw value when it could not be read as a date.
    pub expires_raw: Option<String>,
    /// `X-GitHub-Request-Id`, for support requests.
    pub request_id: Option<String>,
    /// `X-GitHub-SSO`: `required; url=…` or `partial-results;
    /// organizations=…` when an organization enforces SAML single sign-on.
    pub sso: Option<String>,
}

impl Viewer {
    /// This answer with `token`, and anything token-shaped, masked in every
    /// string the server sent.
    pub fn scrubbed(self, token: &Token) -> Viewer {
        let clean = |s: String| token.scrub(&s).into_owned();
        Viewer {
            login: clean(self.login),
            name: self.name.map(clean),
            scopes: self.scopes.map(|s| s.into_iter().map(clean).collect()),
            rate_limit: self.rate_limit.map(|r| RateLimit {
                reset_at: clean(r.reset_at),
                ..r
            }),
            expires_at: self.expires_at,
            expires_raw: self.expires_raw.map(clean),
            request_id: self.request_id.map(clean),
            sso: self.sso.map(clean),
        }
    }
}

/// When a rate-limited client may try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// From `Retry-After`: this many seconds from now.
    After(u64),
    /// From `X-RateLimit-Reset`: at this time.
    At(Timestamp),
    /// Nothing said.
    Unknown,
}

impl Retry {
    /// "in 60 seconds", "at 14:05:00 UTC (in 12 minutes)", "in a while".
    pub fn describe(&self, now: Timestamp) -> String {
        match self {
            Retry::After(secs) => format!("in {}", human_duration(*secs)),
            Retry::At(at) => {
                let secs = at.as_second().saturating_sub(now.as_second()).max(0) as u64;
                format!(
                    "at {} UTC (in {})",
                    at.strftime("%H:%M:%S"),
                    human_duration(secs)
                )
            }
            Retry::Unknown => "in a few minutes".into(),
        }
    }
}

fn human_duration(secs: u64) -> String {
    match secs {
        0..=1 => "1 second".into(),
        2..=119 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// Why GitHub could not confirm the token. Only `Unauthorized` is about the
/// token; the rest mean GitHub was unreachable or misbehaved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GithubError {
    /// 401: GitHub does not accept the token.
    #[error("GitHub rejected the token: {message}")]
    Unauthorized {
        /// GitHub's message ("Bad credentials").
        message: String,
    },
    /// 403/429 with rate-limit headers, or a GraphQL `RATE_LIMITED` error.
    #[error("GitHub's rate limit was reached ({message})")]
    RateLimited {
        /// GitHub's message.
        message: String,
        /// When to try again.
        retry: Retry,
    },
    /// Could not connect: refused, DNS, TLS.
    #[error("cannot reach {endpoint}: {detail}")]
    Connect {
        /// The URL.
        endpoint: String,
        /// What went wrong, from the network stack.
        detail: String,
    },
    /// No complete answer within the time limit.
    #[error("no answer from {endpoint} within {secs} seconds")]
    Timeout {
        /// The URL.
        endpoint: String,
        /// The limit.
        secs: u64,
    },
    /// The connection broke while reading the answer.
    #[error("the connection to {endpoint} broke while reading the answer: {detail}")]
    Interrupted {
        /// The URL.
        endpoint: String,
        /// What went wrong.
        detail: String,
    },
    /// A 3xx: ghenv does not follow redirects, so the token is never sent to
    /// another host.
    #[error(
        "{endpoint} answered with a redirect ({status}) to {location}; ghenv does not follow redirects with a token"
    )]
    Redirect {
        /// The URL.
        endpoint: String,
        /// The status.
        status: u16,
        /// Where it pointed (scheme, host and path only).
        location: String,
    },
    /// 5xx.
    #[error("GitHub answered {status}: it is having trouble")]
    Server {
        /// The status.
        status: u16,
    },
    /// Any other unexpected status (403 without rate-limit headers, 404, ...).
    #[error("GitHub answered {status}: {message}")]
    Status {
        /// The status.
        status: u16,
        /// GitHub's message, or a description.
        message: String,
    },
    /// The body is not the JSON GitHub sends.
    #[error("GitHub's answer could not be read: {detail}")]
    Malformed {
        /// What is wrong with it.
        detail: String,
    },
    /// The body is larger than the limit ([`BODY_LIMIT`], or [`SCHEMA_LIMIT`] for the schema).
    #[error("GitHub's answer is larger than {} KiB, which it never is", .limit / 1024)]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// GraphQL `errors` and no viewer.
    #[error("GitHub answered with a GraphQL error: {message}")]
    GraphQl {
        /// The errors' messages, joined.
        message: String,
    },
}

impl GithubError {
    /// A short stable name for JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            GithubError::Unauthorized { .. } => "token_rejected",
            GithubError::RateLimited { .. } => "rate_limited",
            GithubError::Connect { .. } => "unreachable",
            GithubError::Timeout { .. } => "timeout",
            GithubError::Interrupted { .. } => "connection_broken",
            GithubError::Redirect { .. } => "redirect",
            GithubError::Server { .. } => "server_error",
            GithubError::Status { .. } => "unexpected_status",
            GithubError::Malformed { .. } | GithubError::TooLarge { .. } => "bad_answer",
            GithubError::GraphQl { .. } => "graphql_error",
        }
    }

    /// What to do next.
    pub fn hint(&self) -> String {
        let nothing = "nothing was written";
        match self {
            GithubError::Unauthorized { .. } => {
                format!(
                    "check the token at {}; {nothing}",
                    crate::scopes::TOKENS_URL
                )
            }
            GithubError::RateLimited { retry, .. } => {
                format!("try again {}; {nothing}", retry.describe(Timestamp::now()))
            }
            GithubError::Connect { .. } => format!(
                "check your connection, proxy settings (HTTPS_PROXY) and --endpoint/--host, then try again, or use --offline to skip validation; {nothing}"
            ),
            GithubError::Timeout { .. } => {
                format!("try again, or allow more time with --timeout SECS; {nothing}")
            }
            GithubError::Interrupted { .. } | GithubError::Server { .. } => format!(
                "try again in a few minutes (GitHub's status: https://www.githubstatus.com); {nothing}"
            ),
            GithubError::Redirect { .. } => {
                format!("if you trust the new address, pass it with --endpoint; {nothing}")
            }
            GithubError::Status { status: 403, .. } => format!(
                "if the token is used with an organization that enforces SAML SSO, authorize it at {}; {nothing}",
                crate::scopes::TOKENS_URL
            ),
            GithubError::Status { .. }
            | GithubError::Malformed { .. }
            | GithubError::TooLarge { .. }
            | GithubError::GraphQl { .. } => format!(
                "check that --endpoint or GHENV_GRAPHQL_URL points at a GitHub GraphQL API, then try again; {nothing}"
            ),
        }
    }
}

/// Settings for the request.
#[derive(Debug, Clone)]
pub struct Options {
    /// The GraphQL URL.
    pub endpoint: String,
    /// The total time limit.
    pub timeout: Duration,
}

/// Sends the one GraphQL request and interprets the answer.
///
/// # Errors
/// A [`GithubError`] when GitHub rejects the token, cannot be reached, or
/// answers in an unexpected way. Messages taken from the answer never contain
/// the token, even if the server echoes it.
pub fn validate(options: &Options, token: &Token) -> Result<Viewer, GithubError> {
    let endpoint = &options.endpoint;
    let auth = bearer(token)?;
    let body = serde_json::json!({ "query": QUERY, "operationName": OPERATION }).to_string();
    let (status, headers, bytes) =
        post(options, Some(auth), body.into_bytes(), "application/json")?;
    // Every string of the answer is the server's: one that echoes the token
    // (in a login, a name, a header) must not carry it to the terminal,
    // the JSON report or config.toml.
    let viewer = interpret(status, &headers, &bytes).map(|v| v.scrubbed(token));
    viewer.map_err(|e| match scrub_error(e, token.expose_secret()) {
        GithubError::Redirect {
            status, location, ..
        } => GithubError::Redirect {
            endpoint: endpoint.clone(),
            status,
            location,
        },
        other => other,
    })
}

/// The `Authorization` header for `token`: built in zeroizing memory, and
/// marked sensitive so reqwest and hyper never show it in Debug output.
fn bearer(token: &Token) -> Result<reqwest::header::HeaderValue, GithubError> {
    let mut text = zeroize::Zeroizing::new(String::with_capacity(100));
    text.push_str("bearer ");
    text.push_str(token.expose_secret());
    let mut auth =
        reqwest::header::HeaderValue::from_str(&text).map_err(|_| GithubError::Malformed {
            detail: "the token cannot be sent in a header".into(),
        })?;
    auth.set_sensitive(true);
    Ok(auth)
}

/// The most tokens GitHub takes in one revocation request.
pub const REVOKE_BATCH: usize = 1000;

/// The revocation URL under a REST API base (`https://api.github.com`).
pub fn revoke_url(api_base: &str) -> String {
    format!("{}/credentials/revoke", api_base.trim_end_matches('/'))
}

/// What GitHub said to one revocation request.
#[derive(Debug, Clone, PartialEq)]
pub enum Revoked {
    /// 202: GitHub accepted the tokens for revocation and notifies their
    /// owners.
    Accepted,
    /// 422 (validation failed, or GitHub thinks the endpoint is being
    /// spammed), 403 (GitHub refuses, e.g. an authenticated request) or
    /// another 4xx, with GitHub's message.
    Refused {
        /// The status.
        status: u16,
        /// GitHub's message, or a description.
        message: String,
    },
}

/// Asks GitHub to revoke `tokens` (at most [`REVOKE_BATCH`]) through the
/// credential revocation API at `options.endpoint` (a URL from
/// [`revoke_url`]): one unauthenticated POST of `{"credentials": [...]}`.
///
/// # Errors
/// [`GithubError::RateLimited`] when GitHub's limit (60 an hour) is
/// reached, and the network and server errors of [`validate`].
pub fn revoke(options: &Options, tokens: &[&Token]) -> Result<Revoked, GithubError> {
    assert!(
        tokens.len() <= REVOKE_BATCH,
        "at most {REVOKE_BATCH} tokens"
    );
    // The body holds the tokens: built at its final size in zeroizing
    // memory, so no reallocation leaves a copy behind. Token characters
    // need no JSON escaping ([A-Za-z0-9_.]).
    let size = 20
        + tokens
            .iter()
            .map(|t| t.expose_secret().len() + 3)
            .sum::<usize>();
    let mut body = zeroize::Zeroizing::new(Vec::with_capacity(size));
    body.extend_from_slice(b"{\"credentials\":[");
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.push(b'"');
        body.extend_from_slice(token.expose_secret().as_bytes());
        body.push(b'"');
    }
    body.extend_from_slice(b"]}");
    let answer = post(options, None, body.to_vec(), REST_ACCEPT);
    let (status, headers, bytes) = answer?;
    let scrub_all = |s: String| tokens.iter().fold(s, |s, t| scrub(&s, t.expose_secret()));
    interpret_revoke(status, &headers, &bytes)
        .map_err(|e| match e {
            GithubError::RateLimited { message, retry } => GithubError::RateLimited {
                message: scrub_all(message),
                retry,
            },
            GithubError::Redirect {
                status, location, ..
            } => GithubError::Redirect {
                endpoint: options.endpoint.clone(),
                status,
                location: scrub_all(location),
            },
            other => other,
        })
        .map(|r| match r {
            Revoked::Refused { status, message } => Revoked::Refused {
                status,
                message: scrub_all(message),
            },
            accepted => accepted,
        })
}

/// Reads GitHub's answer to a revocation request.
///
/// # Errors
/// As [`revoke`].
pub fn interpret_revoke(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Revoked, GithubError> {
    refuse_rate_limit(status, headers, body, "too many revocation requests")?;
    match status {
        200..=299 => Ok(Revoked::Accepted),
        300..=399 => Err(GithubError::Redirect {
            endpoint: String::new(),
            status,
            location: redirect_target(headers),
        }),
        400..=499 => Ok(Revoked::Refused {
            status,
            message: body_message(body).unwrap_or_else(|| match status {
                422 => "validation failed, or the endpoint has been spammed".into(),
                _ => format!("status {status}"),
            }),
        }),
        _ => Err(GithubError::Server { status }),
    }
}

/// The public SSH keys GitHub shows for a user (`https://github.com/USER.keys`,
/// the URL in `options.endpoint`), one a line; `None` when there is no such
/// user (404).
///
/// # Errors
/// Rate limits, redirects, 5xx and network errors as for [`validate`].
pub fn fetch_keys(options: &Options) -> Result<Option<String>, GithubError> {
    let (status, headers, bytes) = request(
        options,
        reqwest::Method::GET,
        None,
        Vec::new(),
        "text/plain",
    )?;
    refuse_rate_limit(status, &headers, &bytes, "too many requests")?;
    match status {
        200 => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| GithubError::Malformed {
                detail: "the keys are not text".into(),
            }),
        404 => Ok(None),
        300..=399 => Err(GithubError::Redirect {
            endpoint: options.endpoint.clone(),
            status,
            location: redirect_target(&headers),
        }),
        500..=599 => Err(GithubError::Server { status }),
        _ => Err(GithubError::Status {
            status,
            message: body_message(&bytes)
                .map(|m| crate::text::sanitize(&m).into_owned())
                .unwrap_or_else(|| format!("status {status}")),
        }),
    }
}

/// POSTs `body` (JSON) to one of GitHub's OAuth endpoints at
/// `options.endpoint` (`/login/device/code`, `/login/oauth/access_token`)
/// and reads its JSON answer. GitHub answers the device flow's states
/// (`authorization_pending`, `slow_down`, ...) with 200 and an `error`
/// field, which the caller reads.
///
/// # Errors
/// Rate limits, redirects, 5xx, network errors and an answer that is not
/// a JSON object, as for [`validate`].
pub fn oauth_post(
    options: &Options,
    body: &serde_json::Value,
) -> Result<serde_json::Map<String, serde_json::Value>, GithubError> {
    let (status, headers, bytes) = post(
        options,
        None,
        serde_json::to_vec(body).expect("JSON values serialize"),
        "application/json",
    )?;
    refuse_rate_limit(status, &headers, &bytes, "too many requests")?;
    match status {
        200..=299 | 400..=499 if !bytes.is_empty() => {
            match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(serde_json::Value::Object(map)) => Ok(map),
                _ if status >= 400 => Err(GithubError::Status {
                    status,
                    message: format!("status {status}"),
                }),
                _ => Err(GithubError::Malformed {
                    detail: "the answer is not a JSON object".into(),
                }),
            }
        }
        300..=399 => Err(GithubError::Redirect {
            endpoint: options.endpoint.clone(),
            status,
            location: redirect_target(&headers),
        }),
        500..=599 => Err(GithubError::Server { status }),
        _ => Err(GithubError::Status {
            status,
            message: format!("status {status}"),
        }),
    }
}

/// What came back: status, headers and at most [`BODY_LIMIT`] bytes of body.
type Answer = (u16, HeaderMap, Vec<u8>);

/// POSTs `body` to `options.endpoint` with `auth` (if any) and reads the
/// answer, all within `options.timeout`.
///
/// `--timeout` is one deadline for connecting, the headers and the body:
/// reqwest's blocking timeout starts again with every read, so a server
/// that trickles its answer could hold ghenv for ever. The exchange runs on
/// its own thread; past the deadline ghenv stops waiting for it.
fn post(
    options: &Options,
    auth: Option<reqwest::header::HeaderValue>,
    body: Vec<u8>,
    accept: &'static str,
) -> Result<Answer, GithubError> {
    request(options, reqwest::Method::POST, auth, body, accept)
}

/// Sends one request within `options.timeout` (see [`post`]).
fn request(
    options: &Options,
    method: reqwest::Method,
    auth: Option<reqwest::header::HeaderValue>,
    body: Vec<u8>,
    accept: &'static str,
) -> Result<Answer, GithubError> {
    request_limited(options, method, auth, body, accept, BODY_LIMIT)
}

/// [`request`], reading at most `limit` bytes of the answer.
fn request_limited(
    options: &Options,
    method: reqwest::Method,
    auth: Option<reqwest::header::HeaderValue>,
    body: Vec<u8>,
    accept: &'static str,
    limit: u64,
) -> Result<Answer, GithubError> {
    let endpoint = &options.endpoint;
    let (sender, receiver) = std::sync::mpsc::channel();
    let thread_options = options.clone();
    std::thread::Builder::new()
        .name("ghenv-request".into())
        .spawn(move || {
            let _ = sender.send(exchange(&thread_options, method, auth, body, accept, limit));
        })
        .map_err(|e| GithubError::Connect {
            endpoint: endpoint.clone(),
            detail: e.to_string(),
        })?;
    match receiver.recv_timeout(options.timeout) {
        Ok(answer) => answer,
        Err(_) => Err(GithubError::Timeout {
            endpoint: endpoint.clone(),
            secs: options.timeout.as_secs(),
        }),
    }
}

/// Sends the request and reads the answer (at most [`BODY_LIMIT`] bytes).
fn exchange(
    options: &Options,
    method: reqwest::Method,
    auth: Option<reqwest::header::HeaderValue>,
    body: Vec<u8>,
    accept: &'static str,
    limit: u64,
) -> Result<Answer, GithubError> {
    let endpoint = &options.endpoint;
    let mut builder = reqwest::blocking::Client::builder()
        .user_agent(concat!("ghenv/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT.min(options.timeout))
        .timeout(options.timeout)
        // A redirect could carry the Authorization header to another host.
        .redirect(reqwest::redirect::Policy::none());
    if reqwest::Url::parse(endpoint).is_ok_and(|u| is_loopback(&u)) {
        // This machine is reached directly: an HTTP proxy would see a
        // plain-http token, and one on another host could not reach it.
        builder = builder.no_proxy();
    }
    let client = builder.build().map_err(|e| GithubError::Connect {
        endpoint: endpoint.clone(),
        detail: error_chain(&e),
    })?;
    let mut request = client
        .request(method.clone(), endpoint)
        .header(reqwest::header::ACCEPT, accept);
    if method == reqwest::Method::POST {
        request = request.header(CONTENT_TYPE, "application/json");
    }
    if accept == REST_ACCEPT {
        request = request.header("x-github-api-version", REST_API_VERSION);
    }
    if let Some(auth) = auth {
        request = request.header(AUTHORIZATION, auth);
    }
    let response = request
        .body(body)
        .send()
        .map_err(|e| send_error(options, &e))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut bytes = Vec::new();
    response
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(options, &e))?;
    if bytes.len() as u64 > limit {
        return Err(GithubError::TooLarge { limit });
    }
    Ok((status, headers, bytes))
}

fn send_error(options: &Options, e: &reqwest::Error) -> GithubError {
    let endpoint = options.endpoint.clone();
    if e.is_timeout() {
        GithubError::Timeout {
            endpoint,
            secs: options.timeout.as_secs(),
        }
    } else {
        GithubError::Connect {
            endpoint,
            detail: error_chain(e),
        }
    }
}

fn read_error(options: &Options, e: &std::io::Error) -> GithubError {
    let endpoint = options.endpoint.clone();
    let timed_out = e.kind() == std::io::ErrorKind::TimedOut
        || std::error::Error::source(e)
            .and_then(|s| s.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout)
        || e.to_string().contains("timed out");
    if timed_out {
        GithubError::Timeout {
            endpoint,
            secs: options.timeout.as_secs(),
        }
    } else {
        GithubError::Interrupted {
            endpoint,
            detail: error_chain(e),
        }
    }
}

/// The innermost useful messages of an error chain, e.g. "Connection refused
/// (os error 111)", without reqwest's repetition of the URL.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !s.starts_with("error sending request") && !parts.iter().any(|p| p == &s) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts
        .last()
        .cloned()
        .unwrap_or_else(|| "unknown error".into())
}

/// A string from the server, ready for a message: without the token (a
/// server may echo it) and with control characters escaped.
fn scrub(s: &str, secret: &str) -> String {
    let s = if secret.is_empty() {
        s.to_owned()
    } else {
        s.replace(secret, "[token]")
    };
    crate::text::sanitize(&s).into_owned()
}

fn scrub_error(e: GithubError, secret: &str) -> GithubError {
    match e {
        GithubError::Unauthorized { message } => GithubError::Unauthorized {
            message: scrub(&message, secret),
        },
        GithubError::RateLimited { message, retry } => GithubError::RateLimited {
            message: scrub(&message, secret),
            retry,
        },
        GithubError::Status { status, message } => GithubError::Status {
            status,
            message: scrub(&message, secret),
        },
        GithubError::GraphQl { message } => GithubError::GraphQl {
            message: scrub(&message, secret),
        },
        GithubError::Redirect {
            endpoint,
            status,
            location,
        } => GithubError::Redirect {
            endpoint,
            status,
            location: scrub(&location, secret),
        },
        GithubError::Malformed { detail } => GithubError::Malformed {
            detail: scrub(&detail, secret),
        },
        other => other,
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

#[derive(Deserialize)]
struct GraphQlResponse {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GraphQlErrorItem>,
}

#[derive(Deserialize)]
struct Data {
    viewer: Option<ViewerData>,
    #[serde(rename = "rateLimit")]
    rate_limit: Option<RateLimit>,
}

#[derive(Deserialize)]
struct ViewerData {
    login: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct GraphQlErrorItem {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct RestMessage {
    message: Option<String>,
}

/// The `message` of a REST-style error body, if the body is JSON with one.
fn body_message(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<RestMessage>(body)
        .ok()
        .and_then(|m| m.message)
        .map(|m| truncate(&m, 300))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// When a rate-limited client may retry: `Retry-After` first, then
/// `X-RateLimit-Reset` (epoch seconds).
fn retry_from(headers: &HeaderMap) -> Retry {
    if let Some(secs) = header(headers, RETRY_AFTER.as_str()).and_then(|v| v.parse().ok()) {
        return Retry::After(secs);
    }
    header(headers, "x-ratelimit-reset")
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .map_or(Retry::Unknown, Retry::At)
}

/// A rate-limit answer as its error, GitHub's message or `what` (what there
/// were too many of) with when to try again; anything else passes.
fn refuse_rate_limit(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    what: &str,
) -> Result<(), GithubError> {
    if is_rate_limited(status, headers, body) {
        return Err(GithubError::RateLimited {
            message: body_message(body).unwrap_or_else(|| what.to_owned()),
            retry: retry_from(headers),
        });
    }
    Ok(())
}

fn is_rate_limited(status: u16, headers: &HeaderMap, body: &[u8]) -> bool {
    if status == 429 {
        return true;
    }
    status == 403
        && (headers.contains_key(RETRY_AFTER)
            || header(headers, "x-ratelimit-remaining") == Some("0")
            || body_message(body).is_some_and(|m| m.to_lowercase().contains("rate limit")))
}

/// Parses `github-authentication-token-expiration`, which GitHub sends as
/// `2026-12-01 10:00:00 UTC` (older servers: `... +0000`).
pub fn parse_expiration(value: &str) -> Option<Timestamp> {
    let v = value.trim();
    if let Some(civil) = v.strip_suffix(" UTC") {
        return jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", civil.trim())
            .ok()
            .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp());
    }
    jiff::Zoned::strptime("%Y-%m-%d %H:%M:%S %z", v)
        .map(|z| z.timestamp())
        .or_else(|_| v.parse::<Timestamp>())
        .ok()
}

/// Turns GitHub's answer into a [`Viewer`] or a [`GithubError`].
///
/// # Errors
/// See [`GithubError`]: each status and malformed body has its own variant.
pub fn interpret(status: u16, headers: &HeaderMap, body: &[u8]) -> Result<Viewer, GithubError> {
    if let Some(e) = status_error(status, headers, body) {
        return Err(e);
    }
    let response: GraphQlResponse =
        serde_json::from_slice(body).map_err(|e| GithubError::Malformed {
            detail: if e.is_eof() {
                "the JSON ends early (truncated)".into()
            } else {
                format!("not the JSON GitHub sends ({e})")
            },
        })?;
    let data = response.data.unwrap_or(Data {
        viewer: None,
        rate_limit: None,
    });
    let Some(viewer) = data.viewer else {
        if let Some(limited) = response
            .errors
            .iter()
            .find(|e| e.kind.as_deref() == Some("RATE_LIMITED"))
        {
            return Err(GithubError::RateLimited {
                message: limited.message.clone().unwrap_or_default(),
                retry: retry_from(headers),
            });
        }
        let messages: Vec<String> = response
            .errors
            .iter()
            .filter_map(|e| e.message.as_deref().map(|m| truncate(m, 200)))
            .collect();
        return Err(if messages.is_empty() {
            GithubError::Malformed {
                detail: "it has no viewer".into(),
            }
        } else {
            GithubError::GraphQl {
                message: messages.join("; "),
            }
        });
    };
    let expiration = header(headers, "github-authentication-token-expiration");
    let expires_at = expiration.and_then(parse_expiration);
    Ok(Viewer {
        login: viewer.login,
        name: viewer.name.filter(|n| !n.is_empty()),
        scopes: header(headers, "x-oauth-scopes").map(crate::scopes::parse_header),
        rate_limit: data.rate_limit,
        expires_at,
        expires_raw: expiration
            .filter(|_| expires_at.is_none())
            .map(str::to_owned),
        request_id: header(headers, "x-github-request-id").map(str::to_owned),
        sso: header(headers, "x-github-sso").map(str::to_owned),
    })
}

/// The error a status other than 200 stands for (`None` for 200).
fn status_error(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<GithubError> {
    Some(match status {
        200 => return None,
        401 => GithubError::Unauthorized {
            message: body_message(body).unwrap_or_else(|| "Bad credentials".into()),
        },
        403 | 429 if is_rate_limited(status, headers, body) => GithubError::RateLimited {
            message: body_message(body).unwrap_or_else(|| format!("HTTP {status}")),
            retry: retry_from(headers),
        },
        300..=399 => GithubError::Redirect {
            endpoint: String::new(),
            status,
            location: redirect_target(headers),
        },
        500..=599 => GithubError::Server { status },
        _ => GithubError::Status {
            status,
            message: body_message(body).unwrap_or_else(|| "an unexpected answer".into()),
        },
    })
}

/// A GraphQL answer as GitHub gave it, for callers that read more than the
/// viewer (`ghenv probe`): the JSON body and the headers that matter. Every
/// string in it is the server's: scrub and sanitize before showing one.
#[derive(Debug, Clone)]
pub struct GraphQlAnswer {
    /// The JSON body (`data`, `errors`).
    pub body: serde_json::Value,
    /// `X-GitHub-SSO`, when GitHub asks for SAML single sign-on.
    pub sso: Option<String>,
    /// `X-OAuth-Scopes`, for classic and OAuth tokens.
    pub scopes: Option<Vec<String>>,
    /// `X-GitHub-Request-Id`, for `-v` (what GitHub's support asks for).
    pub request_id: Option<String>,
}

/// The largest introspection answer ghenv reads: GitHub's schema is about
/// 5 MB with descriptions and less without them; each byte read costs tens
/// in memory, so the limit stays well short of that.
pub const SCHEMA_LIMIT: u64 = 12 * 1024 * 1024;

/// Sends one GraphQL `document` (with `variables`) and returns the answer
/// as it is, reading at most `limit` bytes. A 200 and a 403 that names SAML
/// single sign-on (`X-GitHub-SSO`) are answers; every other status is a
/// [`GithubError`] as [`validate`] reports it.
///
/// # Errors
/// A [`GithubError`] when GitHub rejects the token, cannot be reached,
/// rate-limits, or answers with something other than GraphQL JSON.
pub fn graphql(
    options: &Options,
    token: &Token,
    document: &str,
    variables: Option<&serde_json::Value>,
    limit: u64,
) -> Result<GraphQlAnswer, GithubError> {
    let auth = bearer(token)?;
    let mut body = serde_json::json!({ "query": document });
    if let Some(variables) = variables {
        body["variables"] = variables.clone();
    }
    let secret = token.expose_secret();
    let (status, headers, bytes) = request_limited(
        options,
        reqwest::Method::POST,
        Some(auth),
        body.to_string().into_bytes(),
        "application/json",
        limit,
    )
    .map_err(|e| scrub_error(e, secret))?;
    let sso = header(&headers, "x-github-sso").map(str::to_owned);
    if !(status == 403 && sso.is_some())
        && let Some(e) = status_error(status, &headers, &bytes)
    {
        return Err(scrub_error(
            match e {
                GithubError::Redirect {
                    status, location, ..
                } => GithubError::Redirect {
                    endpoint: options.endpoint.clone(),
                    status,
                    location,
                },
                other => other,
            },
            secret,
        ));
    }
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        // A 403 for SSO comes with a REST-style body, or none that is JSON:
        // it is read as the GraphQL error it stands for.
        Ok(body) if status == 403 && body.get("errors").is_none() => serde_json::json!({
            "data": null,
            "errors": [{
                "type": "FORBIDDEN",
                "message": body.get("message").and_then(serde_json::Value::as_str)
                    .unwrap_or("Resource protected by organization SAML enforcement"),
            }],
        }),
        Ok(body) => body,
        Err(_) if status == 403 => serde_json::json!({
            "data": null,
            "errors": [{"type": "FORBIDDEN", "message": "Resource protected by organization SAML enforcement"}],
        }),
        Err(e) => {
            return Err(GithubError::Malformed {
                detail: if e.is_eof() {
                    "the JSON ends early (truncated)".into()
                } else {
                    format!("not the JSON GitHub sends ({e})")
                },
            });
        }
    };
    Ok(GraphQlAnswer {
        body,
        sso,
        scopes: header(&headers, "x-oauth-scopes").map(crate::scopes::parse_header),
        request_id: header(&headers, "x-github-request-id").map(str::to_owned),
    })
}

/// Where a redirect points: scheme, host and path of its `Location`,
/// without the query (which could hold anything).
fn redirect_target(headers: &HeaderMap) -> String {
    let Some(location) = header(headers, LOCATION.as_str()) else {
        return "an unnamed place".into();
    };
    match reqwest::Url::parse(location) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.path()
        ),
        Err(_) => truncate(location.split('?').next().unwrap_or(""), 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn revocation_answers_are_read_as_github_documents_them() {
        assert_eq!(
            interpret_revoke(202, &headers(&[]), b""),
            Ok(Revoked::Accepted)
        );
        assert_eq!(
            interpret_revoke(422, &headers(&[]), br#"{"message":"Validation Failed"}"#),
            Ok(Revoked::Refused {
                status: 422,
                message: "Validation Failed".into()
            })
        );
        // A 422 without a body still says what GitHub's documentation says.
        let Ok(Revoked::Refused { message, .. }) = interpret_revoke(422, &headers(&[]), b"") else {
            panic!("refused");
        };
        assert!(message.contains("spammed"));
        assert!(matches!(
            interpret_revoke(403, &headers(&[("retry-after", "60")]), b"{}"),
            Err(GithubError::RateLimited {
                retry: Retry::After(60),
                ..
            })
        ));
        assert!(matches!(
            interpret_revoke(403, &headers(&[]), br#"{"message":"Forbidden"}"#),
            Ok(Revoked::Refused { status: 403, .. })
        ));
        assert_eq!(
            interpret_revoke(500, &headers(&[]), b""),
            Err(GithubError::Server { status: 500 })
        );
        assert!(matches!(
            interpret_revoke(
                301,
                &headers(&[("location", "https://evil.example/x")]),
                b""
            ),
            Err(GithubError::Redirect { status: 301, .. })
        ));
        assert_eq!(
            revoke_url("http://127.0.0.1:9/"),
            "http://127.0.0.1:9/credentials/revoke"
        );
    }

    const OK_BODY: &str = r#"{"data":{"viewer":{"login":"octocat","name":"The Octocat"},"rateLimit":{"limit":5000,"remaining":4999,"resetAt":"2026-11-25T09:00:00Z"}}}"#;

    #[test]
    fn a_valid_answer_gives_login_scopes_rate_and_expiry() {
        let h = headers(&[
            ("x-oauth-scopes", "repo, read:org,user"),
            (
                "github-authentication-token-expiration",
                "2026-12-01 10:00:00 UTC",
            ),
            ("x-github-request-id", "ABCD:1234"),
        ]);
        let v = interpret(200, &h, OK_BODY.as_bytes()).unwrap();
        assert_eq!(v.login, "octocat");
        assert_eq!(v.name.as_deref(), Some("The Octocat"));
        assert_eq!(v.scopes.unwrap(), vec!["read:org", "repo", "user"]);
        assert_eq!(v.rate_limit.unwrap().remaining, 4999);
        assert_eq!(v.expires_at.unwrap().to_string(), "2026-12-01T10:00:00Z");
        assert_eq!(v.request_id.as_deref(), Some("ABCD:1234"));
    }

    #[test]
    fn no_scopes_header_means_scopes_unknown_and_empty_means_none() {
        let v = interpret(200, &HeaderMap::new(), OK_BODY.as_bytes()).unwrap();
        assert_eq!(v.scopes, None);
        let v = interpret(200, &headers(&[("x-oauth-scopes", "")]), OK_BODY.as_bytes()).unwrap();
        assert_eq!(v.scopes, Some(vec![]));
    }

    #[test]
    fn expiration_formats() {
        assert_eq!(
            parse_expiration("2026-12-01 10:00:00 +0000")
                .unwrap()
                .to_string(),
            "2026-12-01T10:00:00Z"
        );
        assert_eq!(parse_expiration("soon"), None);
    }

    #[test]
    fn unauthorized_carries_githubs_message() {
        let body = br#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql"}"#;
        assert_eq!(
            interpret(401, &HeaderMap::new(), body),
            Err(GithubError::Unauthorized {
                message: "Bad credentials".into()
            })
        );
    }

    #[test]
    fn secondary_rate_limit_uses_retry_after() {
        let body = br#"{"message":"You have exceeded a secondary rate limit."}"#;
        let err = interpret(403, &headers(&[("retry-after", "60")]), body).unwrap_err();
        let GithubError::RateLimited { retry, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(retry, Retry::After(60));
        assert_eq!(retry.describe(Timestamp::now()), "in 60 seconds");
    }

    #[test]
    fn primary_rate_limit_uses_reset() {
        let h = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1800000000"),
        ]);
        let err = interpret(403, &h, b"{}").unwrap_err();
        let GithubError::RateLimited { retry, .. } = err else {
            panic!("{err:?}")
        };
        let now = Timestamp::from_second(1_800_000_000 - 600).unwrap();
        assert_eq!(retry.describe(now), "at 08:00:00 UTC (in 10 minutes)");
        assert!(matches!(
            interpret(429, &HeaderMap::new(), b""),
            Err(GithubError::RateLimited {
                retry: Retry::Unknown,
                ..
            })
        ));
    }

    #[test]
    fn graphql_rate_limited_error() {
        let body = br#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}"#;
        assert!(matches!(
            interpret(200, &HeaderMap::new(), body),
            Err(GithubError::RateLimited { .. })
        ));
    }

    #[test]
    fn plain_403_is_not_a_rate_limit() {
        let body = br#"{"message":"Resource protected by organization SAML enforcement."}"#;
        assert!(matches!(
            interpret(403, &HeaderMap::new(), body),
            Err(GithubError::Status { status: 403, .. })
        ));
    }

    #[test]
    fn server_errors_and_bad_bodies() {
        assert_eq!(
            interpret(502, &HeaderMap::new(), b"<html>Bad Gateway</html>"),
            Err(GithubError::Server { status: 502 })
        );
        assert!(matches!(
            interpret(200, &HeaderMap::new(), br#"{"data":{"viewer":{"log"#),
            Err(GithubError::Malformed { detail }) if detail.contains("truncated")
        ));
        assert!(matches!(
            interpret(200, &HeaderMap::new(), b"<html></html>"),
            Err(GithubError::Malformed { .. })
        ));
        assert_eq!(
            interpret(
                200,
                &HeaderMap::new(),
                br#"{"errors":[{"message":"Something went wrong"}]}"#
            ),
            Err(GithubError::GraphQl {
                message: "Something went wrong".into()
            })
        );
    }

    #[test]
    fn redirects_are_not_followed_and_hide_the_query() {
        let h = headers(&[("location", "https://evil.example/graphql?steal=1")]);
        assert_eq!(
            interpret(307, &h, b""),
            Err(GithubError::Redirect {
                endpoint: String::new(),
                status: 307,
                location: "https://evil.example/graphql".into()
            })
        );
    }

    #[test]
    fn echoed_secrets_are_scrubbed() {
        let e = scrub_error(
            GithubError::Unauthorized {
                message: "bad token ghp_secret".into(),
            },
            "ghp_secret",
        );
        assert_eq!(
            e.to_string(),
            "GitHub rejected the token: bad token [token]"
        );
    }
}
