//! The GraphQL proxy: a server on loopback that takes `POST /graphql` from
//! the app, adds `Authorization: bearer <token>` and forwards it to the one
//! configured endpoint, so the token never enters the browser. It is a
//! local server that holds a token, so it refuses what a web page the
//! student visits could send: other hosts (DNS rebinding), other origins,
//! other paths, big bodies; and it never logs the token or the variables.
//! Connections are bounded too: at most [`MAX_CONNECTIONS`] at once, each
//! closed when its request's headers have not come within
//! [`IDLE_TIMEOUT`], and an accept that fails (no descriptor left) is
//! retried after [`ACCEPT_BACKOFF`] rather than at once, so that idle
//! connections can neither spin a core nor lock the app out for long.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::token::Token;

/// The largest request body forwarded.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The largest answer passed back: GitHub's whole schema, as GraphiQL asks
/// for it with descriptions, is a few MiB. A server that sends more is
/// cut off with 502, so it cannot fill the memory or hold the proxy's one
/// thread masking a gigabyte.
pub const ANSWER_LIMIT: usize = 32 * 1024 * 1024;
/// The most requests forwarded at once; more wait their turn (within their
/// deadline). With [`ANSWER_LIMIT`], what GitHub's answers can hold in
/// memory is bounded (an app has a few requests in flight; GitHub's rate
/// limit makes more pointless).
pub const MAX_FORWARDED: usize = 8;
/// How long one request may take in all: reading its headers and body,
/// the upstream call and writing the answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The default port.
pub const DEFAULT_PORT: u16 = 8787;
/// The most connections served at once. Past it, new connections wait in
/// the kernel's queue until one closes, instead of taking the descriptors
/// the proxy needs (a default limit is 1,024 per process, 256 on macOS).
/// An app has a handful open.
pub const MAX_CONNECTIONS: usize = 256;
/// How long a connection may take to send its request's headers; one
/// that sends nothing is closed then. A browser sends its request as soon
/// as it has connected.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the accept loop waits after an error that the next accept
/// would meet again at once (no descriptor left: `EMFILE`, `ENFILE`).
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Answer headers passed back to the app: what GraphQL clients and
/// students look at (rate limits, request id, scopes).
const PASSED_BACK: [&str; 10] = [
    "content-type",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-used",
    "x-ratelimit-reset",
    "x-ratelimit-resource",
    "x-github-request-id",
    "x-oauth-scopes",
    "x-github-sso",
    "retry-after",
];

/// The passed-back headers a page may read besides the CORS-safelisted
/// `content-type` (see [`PASSED_BACK`]): without this, `fetch` hides the
/// rate limit from the app.
const EXPOSED: &str = "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-used, x-ratelimit-reset, x-ratelimit-resource, x-github-request-id, x-oauth-scopes, x-github-sso, retry-after";

/// The request headers a preflight may ask for. `authorization` is allowed
/// so that an app that still sends its own token gets an answer (its header
/// is dropped, and the log says to remove it) rather than "Failed to fetch".
const ALLOWED_HEADERS: &str =
    "content-type, authorization, apollographql-client-name, apollographql-client-version";

/// What the proxy needs to run.
pub struct Config {
    /// The GraphQL endpoint requests go to.
    pub endpoint: crate::endpoint::Endpoint,
    /// `bearer <token>`, marked sensitive.
    pub authorization: HeaderValue,
    /// The token, to mask it in whatever the upstream echoes back.
    pub token: Token,
    /// The port it listens on (for the `Host` check).
    pub port: u16,
    /// Origins allowed besides `http://localhost:*`, `http://127.0.0.1:*`
    /// and `http://[::1]:*`.
    pub allowed_origins: Vec<String>,
    /// Host names (lower case, IPv6 addresses in brackets, no port)
    /// allowed besides the loopback ones: `--allow-host`, and the address
    /// given to `--listen`. Loopback names are allowed only on connections
    /// that arrive on loopback.
    pub allowed_hosts: Vec<String>,
    /// Whether a request without an `Origin` header (curl, a script, a
    /// desktop client: any program of any user on this machine) is
    /// forwarded (`--allow-no-origin`).
    pub allow_no_origin: bool,
    /// The whole-request deadline: [`REQUEST_TIMEOUT`] (shorter only in
    /// tests).
    pub deadline: Duration,
    /// How long a connection may take to send its headers:
    /// [`IDLE_TIMEOUT`] (shorter only in tests).
    pub idle: Duration,
    /// The most connections served at once: [`MAX_CONNECTIONS`] (fewer
    /// only in tests).
    pub max_connections: usize,
    /// The largest answer passed back: [`ANSWER_LIMIT`] (smaller only in
    /// tests).
    pub answer_limit: usize,
    /// Whether GraphiQL's page is served on the proxy's origin
    /// (`--graphiql`): `GET /` and its files under `/graphiql/`.
    pub graphiql: bool,
}

/// Where a request that passed [`check`] goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// To the endpoint, with the token.
    Forward,
    /// A file of the GraphiQL page, from the binary.
    Page(&'static crate::graphiql::File),
}

/// Why a request is refused before it is forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Another path than `/graphql`.
    NotFound,
    /// Another method than POST (or OPTIONS).
    Method,
    /// A `Host` that is not this server: DNS rebinding.
    Host,
    /// An `Origin` that is not allowed: a web page the user visits.
    Origin,
    /// No `Origin` at all: not a browser page, but any program on this
    /// machine, another user's too.
    NoOrigin,
    /// A body over [`BODY_LIMIT`].
    TooLarge,
    /// A body that did not arrive before the deadline (a slowloris).
    TooSlow,
    /// GraphiQL's page, asked for when the proxy was started without
    /// `--graphiql`.
    NoGraphiql,
    /// A file of the page to a client that does not take gzip.
    NotGzip,
    /// `GET /graphql`: someone opened the API's address in a browser.
    /// GraphiQL is at `/` with `--graphiql`.
    BrowsedApi {
        /// Whether GraphiQL is served (`--graphiql`).
        graphiql: bool,
    },
    /// A file of the page that another site's page navigated to or loaded
    /// (`Sec-Fetch-Site: cross-site` or `same-site`): opening GraphiQL
    /// makes it ask for the schema with the token, which no other site may
    /// set off.
    CrossSite,
}

impl Refusal {
    /// The status it is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::NotFound | Refusal::NoGraphiql => StatusCode::NOT_FOUND,
            Refusal::NotGzip => StatusCode::NOT_ACCEPTABLE,
            Refusal::Method | Refusal::BrowsedApi { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::Host | Refusal::Origin | Refusal::NoOrigin | Refusal::CrossSite => {
                StatusCode::FORBIDDEN
            }
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::TooSlow => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// Why, for the answer and the log.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::NotFound => "only POST /graphql is forwarded",
            Refusal::Method => "only POST (and OPTIONS for CORS) is forwarded",
            Refusal::Host => {
                "the Host header is not this proxy's (DNS rebinding? from another machine, name the host it uses with --allow-host)"
            }
            Refusal::Origin => "this Origin may not use the token (allow it with --allow-origin)",
            Refusal::NoOrigin => {
                "no Origin header, so not a page of an allowed origin (to let curl and other programs on this machine use the token, start the proxy with --allow-no-origin)"
            }
            Refusal::TooLarge => "the request body is larger than 1 MiB",
            Refusal::TooSlow => "the request body did not arrive in time",
            Refusal::NoGraphiql => {
                "GraphiQL is served only by `ghenv proxy --graphiql`; this proxy forwards POST /graphql"
            }
            Refusal::NotGzip => {
                "GraphiQL's files are sent gzip-compressed, and this client does not take gzip: open the page in a browser"
            }
            Refusal::BrowsedApi { graphiql: true } => {
                "this is the API's address, for the app's POST requests: GraphiQL is at / on this address (this URL without graphql)"
            }
            Refusal::BrowsedApi { graphiql: false } => {
                "this is the API's address, for the app's POST requests, not a page: to run queries in a browser, start the proxy with --graphiql and open the address it prints"
            }
            Refusal::CrossSite => {
                "GraphiQL opens only from its own address, not from a link or a page of another site: type the address the proxy printed, or start it with --open"
            }
        }
    }
}

/// Whether `origin` may use the proxy: a loopback page on any port, or one
/// allowed by name.
pub fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a == origin) {
        return true;
    }
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match rest.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => rest,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// Whether `host` (the `Host` header) names this server on `port`: a
/// name in `allowed`, or a loopback name when the connection arrived on
/// loopback (`on_loopback`). A client of the network that says
/// `Host: 127.0.0.1` is not on loopback.
pub fn host_allowed(host: &str, port: u16, allowed: &[String], on_loopback: bool) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    p == port.to_string()
        && ((on_loopback && matches!(name, "localhost" | "127.0.0.1" | "[::1]"))
            || allowed.iter().any(|a| a.eq_ignore_ascii_case(name)))
}

/// The checks every request passes before anything else, and where it
/// goes then; `on_loopback` says whether its connection arrived on a
/// loopback address.
///
/// The GraphiQL page's files (`GET`, `--graphiql`) need no `Origin`: a
/// browser sends none when it loads a page or its scripts, and they are the
/// same for everyone, with nothing of the token. They pass the `Host`
/// check, and are refused to another site's navigation or prefetch where
/// the browser says so (`Sec-Fetch-Site`, `Sec-Purpose`); the page itself
/// sends nothing until the user acts in it (`assets/graphiql/ghenv.js`),
/// which is what holds where a browser says nothing. Its queries are
/// `POST /graphql` from the page's own origin, and pass every check as an
/// app's do.
pub fn check(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    config: &Config,
    on_loopback: bool,
) -> Result<Route, Refusal> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, config.port, &config.allowed_hosts, on_loopback) {
        return Err(Refusal::Host);
    }
    if method == Method::GET
        && let Some(file) = crate::graphiql::file(path)
    {
        if !config.graphiql {
            return Err(Refusal::NoGraphiql);
        }
        let gzip_ok = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(crate::graphiql::accepts_gzip);
        if file.gzip && !gzip_ok {
            return Err(Refusal::NotGzip);
        }
        // A browser says where a request comes from: `none` (typed,
        // opened by a program), `same-origin` (the page's own files);
        // curl says nothing.
        let from_another_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.eq_ignore_ascii_case("cross-site") || v.eq_ignore_ascii_case("same-site")
            });
        // A prefetch (Speculation Rules, a link hint) comes as `none`
        // even when another site asked for it; the page is never one.
        let prefetch = ["sec-purpose", "purpose"].iter().any(|name| {
            headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("prefetch"))
        });
        if from_another_site || prefetch {
            return Err(Refusal::CrossSite);
        }
        return Ok(Route::Page(file));
    }
    // Someone opened the API's address in a browser (a navigation has no
    // Origin): say where GraphiQL is, not how to let programs in.
    if method == Method::GET && path == "/graphql" {
        return Err(Refusal::BrowsedApi {
            graphiql: config.graphiql,
        });
    }
    match headers.get(header::ORIGIN) {
        Some(origin) => {
            let ok = origin
                .to_str()
                .is_ok_and(|o| origin_allowed(o, &config.allowed_origins));
            if !ok {
                return Err(Refusal::Origin);
            }
        }
        // Browsers send Origin with every POST and preflight; without one
        // it is a program, and any user's program can reach loopback.
        None if !config.allow_no_origin => return Err(Refusal::NoOrigin),
        None => {}
    }
    if path != "/graphql" {
        return Err(Refusal::NotFound);
    }
    if method != Method::POST && method != Method::OPTIONS {
        return Err(Refusal::Method);
    }
    Ok(Route::Forward)
}

/// The operation a GraphQL request body names, for the log: its
/// `operationName`, else the name after `query`/`mutation`, else `-`.
/// Never the variables.
pub fn operation_name(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return "-".into();
    };
    if let Some(name) = v["operationName"].as_str() {
        return crate::text::sanitize(name).into_owned();
    }
    let query = v["query"].as_str().unwrap_or("").trim_start();
    let named = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|k| query.strip_prefix(k))
        .map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty());
    named.unwrap_or_else(|| "-".into())
}

/// How much of an oversized body is read (and thrown away) before the 413
/// is sent, so that a client still sending gets the answer rather than a
/// reset connection.
const DRAIN_LIMIT: usize = 16 * BODY_LIMIT;

/// The body, or `None` when it is larger than [`BODY_LIMIT`] (read up to
/// [`DRAIN_LIMIT`] and dropped).
async fn read_body(mut body: Incoming) -> Option<Bytes> {
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len();
        if total <= BODY_LIMIT {
            kept.extend_from_slice(&data);
        } else if total > DRAIN_LIMIT {
            break;
        }
    }
    (total <= BODY_LIMIT).then(|| Bytes::from(kept))
}

type Answer = Response<Full<Bytes>>;

fn answer(status: StatusCode, text: &str) -> Answer {
    let mut r = Response::new(Full::new(Bytes::from(format!(
        "{{\"message\":\"ghenv proxy: {text}\"}}"
    ))));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    harden(&mut r);
    r
}

/// Headers for every answer that is not a page file: a browser never
/// renders one as a document of the proxy's origin (where GraphiQL may
/// run), whatever its content type.
fn harden(response: &mut Answer) {
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
}

fn cors(response: &mut Answer, origin: Option<&HeaderValue>) {
    if let Some(origin) = origin {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
}

/// A file of the GraphiQL page, with the headers that keep it to its own
/// origin: the page's Content-Security-Policy, no framing, no sniffing, no
/// referrer, and no caching (a newer ghenv serves newer files).
fn page(file: &'static crate::graphiql::File) -> Answer {
    let mut r = Response::new(Full::new(Bytes::from_static(file.body)));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    if file.gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::graphiql::CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `value` with the token (and, if it is text, anything token-shaped)
/// masked. A text value stays ASCII (`ghp_...abcd`), so that a page can
/// read it.
fn scrub_header(token: &Token, value: &HeaderValue) -> HeaderValue {
    let scrubbed = match value.to_str() {
        Ok(text) => match token.scrub(text) {
            std::borrow::Cow::Borrowed(_) => return value.clone(),
            std::borrow::Cow::Owned(masked) => HeaderValue::from_str(&masked.replace('…', "...")),
        },
        Err(_) => match token.scrub_bytes(value.as_bytes()) {
            std::borrow::Cow::Borrowed(_) => return value.clone(),
            std::borrow::Cow::Owned(masked) => HeaderValue::from_bytes(&masked),
        },
    };
    // Masking only removes and adds visible characters; fail closed anyway.
    scrubbed.unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The answer to a body refused for `refusal` (too large, too slow),
/// logged.
fn refuse_body(refusal: Refusal, origin: Option<&HeaderValue>, log: &Log) -> Answer {
    log(&format!("POST /graphql refused: {}", refusal.reason()));
    let mut r = answer(refusal.status(), refusal.reason());
    cors(&mut r, origin);
    r
}

/// One line of the log: never the token, never the variables.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// What the requests of one run share.
struct Shared {
    config: Config,
    client: reqwest::Client,
    log: Log,
    /// Whether the log has said to remove the app's own Authorization
    /// header: once a run is enough.
    told_authorization: AtomicBool,
    /// One permit a request forwarded: at most [`MAX_FORWARDED`] at once.
    forwarding: tokio::sync::Semaphore,
    /// Whether the log has said that a request waits for its turn: once a
    /// run.
    told_busy: AtomicBool,
}

impl Shared {
    /// Logs, once a run, that the app sends a token of its own.
    fn tell_authorization(&self) {
        if !self.told_authorization.swap(true, Ordering::Relaxed) {
            (self.log)(
                "the app sends its own Authorization header (a token in the browser): the proxy drops it and sends the project's token; remove it from the app (e.g. the headers of Apollo's HttpLink)",
            );
        }
    }
}

/// Where a request came from: whether its connection arrived on a
/// loopback address, and when it was accepted.
#[derive(Clone, Copy)]
struct Arrival {
    on_loopback: bool,
    accepted: tokio::time::Instant,
}

/// Handles one request. Its body and the upstream call must be done by
/// the last tenth of the deadline, left for writing the answer.
async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    arrival: Arrival,
) -> Result<Answer, Infallible> {
    let Shared {
        config,
        client,
        log,
        ..
    } = &*shared;
    let started = Instant::now();
    let answer_by = arrival.accepted + config.deadline - config.deadline / 10;
    let origin = req.headers().get(header::ORIGIN).cloned();
    match check(
        req.method(),
        req.uri().path(),
        req.headers(),
        config,
        arrival.on_loopback,
    ) {
        Err(refusal) => {
            log(&format!(
                "{} {} refused: {}",
                req.method(),
                crate::text::sanitize(req.uri().path()),
                refusal.reason()
            ));
            return Ok(answer(refusal.status(), refusal.reason()));
        }
        Ok(Route::Page(file)) => return Ok(page(file)),
        Ok(Route::Forward) => {}
    }
    if req.method() == Method::OPTIONS {
        let asks_authorization = req
            .headers()
            .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|name| name.trim().eq_ignore_ascii_case("authorization"));
        if asks_authorization {
            shared.tell_authorization();
        }
        let mut r = answer(StatusCode::NO_CONTENT, "");
        *r.body_mut() = Full::new(Bytes::new());
        cors(&mut r, origin.as_ref());
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        return Ok(r);
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).cloned();
    if req.headers().contains_key(header::AUTHORIZATION) {
        shared.tell_authorization();
    }
    // Keep at most BODY_LIMIT; the app's Authorization and Cookie headers
    // are dropped with the rest of its request.
    let body = match tokio::time::timeout_at(answer_by, read_body(req.into_body())).await {
        Ok(Some(body)) => body,
        Ok(None) => return Ok(refuse_body(Refusal::TooLarge, origin.as_ref(), log)),
        Err(_) => return Ok(refuse_body(Refusal::TooSlow, origin.as_ref(), log)),
    };
    let operation = operation_name(&body);
    let forwarded = client
        .post(config.endpoint.graphql())
        .header(header::AUTHORIZATION, config.authorization.clone())
        .header(
            header::CONTENT_TYPE,
            content_type.unwrap_or(HeaderValue::from_static("application/json")),
        )
        .header(header::ACCEPT, "application/json")
        .body(body);
    let limit = config.answer_limit;
    let upstream = async {
        if shared.forwarding.available_permits() == 0
            && !shared.told_busy.swap(true, Ordering::Relaxed)
        {
            log(&format!(
                "{MAX_FORWARDED} requests are being forwarded, the most at once: the next ones wait their turn"
            ));
        }
        // Never closed: a permit always comes, in turn.
        let _turn = shared.forwarding.acquire().await.ok();
        let mut upstream = forwarded.send().await?;
        let status = upstream.status();
        let headers = upstream.headers().clone();
        if upstream.content_length().is_some_and(|n| n > limit as u64) {
            return Ok(None);
        }
        let mut kept = Vec::new();
        while let Some(chunk) = upstream.chunk().await? {
            if kept.len() + chunk.len() > limit {
                return Ok(None);
            }
            kept.extend_from_slice(&chunk);
        }
        Ok::<_, reqwest::Error>(Some((status, headers, Bytes::from(kept))))
    };
    let mut response = match tokio::time::timeout_at(answer_by, upstream).await {
        Ok(Ok(None)) => answer(
            StatusCode::BAD_GATEWAY,
            &format!(
                "the answer from GitHub is larger than {} MiB, the most the proxy passes back",
                limit / (1024 * 1024)
            ),
        ),
        Ok(Ok(Some((status, headers, bytes)))) => {
            // A server may echo what it was sent ("bad header: bearer
            // ghp_…"), and what it says goes to the page.
            // Off the thread that serves every connection: masking a big
            // answer takes a while.
            let holder = Arc::clone(&shared);
            let bytes = tokio::task::spawn_blocking(move || {
                match holder.config.token.scrub_bytes(&bytes) {
                    std::borrow::Cow::Borrowed(_) => bytes,
                    std::borrow::Cow::Owned(scrubbed) => Bytes::from(scrubbed),
                }
            })
            .await
            .unwrap_or_default();
            let mut r = Response::new(Full::new(bytes));
            *r.status_mut() = status;
            for name in PASSED_BACK {
                if let Some(v) = headers.get(name) {
                    r.headers_mut().insert(name, scrub_header(&config.token, v));
                }
            }
            harden(&mut r);
            r
        }
        Ok(Err(e)) if e.is_timeout() => {
            answer(StatusCode::GATEWAY_TIMEOUT, "GitHub did not answer in time")
        }
        Err(_) => answer(StatusCode::GATEWAY_TIMEOUT, "GitHub did not answer in time"),
        Ok(Err(e)) if e.is_body() || e.is_decode() => {
            answer(StatusCode::BAD_GATEWAY, "the answer from GitHub broke off")
        }
        Ok(Err(_)) => answer(StatusCode::BAD_GATEWAY, "GitHub could not be reached"),
    };
    cors(&mut response, origin.as_ref());
    let left = response
        .headers()
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .map(|v| format!(", {v} points left"))
        .unwrap_or_default();
    // What to do about an answer that says the token is the problem.
    let hint = match response.status().as_u16() {
        401 => {
            " (GitHub rejected the token: `ghenv check` says why; a new one goes in with `ghenv rotate`, then restart the proxy)"
        }
        _ => "",
    };
    log(&format!(
        "POST /graphql {operation} {} {} ms{left}{hint}",
        response.status().as_u16(),
        started.elapsed().as_millis()
    ));
    Ok(response)
}

/// Whether an accept error will come again at once: the process or the
/// system is out of descriptors or memory. A connection that was reset
/// before it was accepted is that connection's error alone.
fn accept_error_repeats(e: &std::io::Error) -> bool {
    !matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::Interrupted
            | std::io::ErrorKind::WouldBlock
    )
}

/// The next connection from `accept`. After an error that would repeat,
/// it waits [`ACCEPT_BACKOFF`] before trying again (and logs once until a
/// connection is accepted): retrying at once spins a core while idle
/// connections hold every descriptor.
async fn accept_next<S, F, Fut>(mut accept: F, log: &Log) -> S
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::io::Result<S>>,
{
    let mut told = false;
    loop {
        match accept().await {
            Ok(stream) => return stream,
            Err(e) if accept_error_repeats(&e) => {
                if !told {
                    told = true;
                    log(&format!(
                        "cannot accept connections: {e}; trying again every {} ms",
                        ACCEPT_BACKOFF.as_millis()
                    ));
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
            Err(_) => {}
        }
    }
}

/// Serves on `listener` until `stop` resolves.
///
/// # Errors
/// When the upstream client cannot be built.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    log: Log,
    stop: impl Future<Output = ()>,
) -> Result<(), reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("ghenv-proxy/", env!("CARGO_PKG_VERSION")))
        .timeout(config.deadline)
        .redirect(reqwest::redirect::Policy::none());
    if config.endpoint.is_loopback() {
        builder = builder.no_proxy();
    }
    let shared = Arc::new(Shared {
        client: builder.build()?,
        config,
        log,
        told_authorization: AtomicBool::new(false),
        forwarding: tokio::sync::Semaphore::new(MAX_FORWARDED),
        told_busy: AtomicBool::new(false),
    });
    let slots = Arc::new(tokio::sync::Semaphore::new(
        shared.config.max_connections.max(1),
    ));
    let mut told_full = false;
    tokio::pin!(stop);
    loop {
        // A free slot first, then the connection: past the cap the next
        // ones wait in the listen queue, and hold no descriptor of ours.
        if slots.available_permits() == 0 && !told_full {
            told_full = true;
            (shared.log)(&format!(
                "{} connections are open, the most it serves at once: new ones wait until one closes (one that sends no request is closed after {} s)",
                shared.config.max_connections,
                shared.config.idle.as_secs_f32()
            ));
        }
        let slot = tokio::select! {
            () = &mut stop => return Ok(()),
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else {
            return Ok(()); // never closed
        };
        let (stream, _peer) = tokio::select! {
            () = &mut stop => return Ok(()),
            accepted = accept_next(|| listener.accept(), &shared.log) => accepted,
        };
        let accepted = tokio::time::Instant::now();
        let deadline = shared.config.deadline;
        let idle = shared.config.idle.min(deadline);
        // The address the connection arrived on, not the Host it names:
        // the kernel drops packets for 127.0.0.0/8 and ::1 from outside.
        let arrival = Arrival {
            on_loopback: stream
                .local_addr()
                .is_ok_and(|a| a.ip().to_canonical().is_loopback()),
            accepted,
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            // The slot is given back when the connection is done with.
            let _slot = slot;
            let service =
                hyper::service::service_fn(move |req| handle(req, Arc::clone(&shared), arrival));
            // One request per connection, so the connection's deadline is
            // the request's: headers, body, upstream and writing the
            // answer, however slowly a client sends or reads. The headers
            // must come sooner: a connection that sends nothing is idle.
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(idle)
                .keep_alive(false)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = tokio::time::timeout_at(accepted + deadline, connection).await;
        });
    }
}

/// Where the proxy listens by default: loopback only.
pub fn default_addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// How the URL an app posts to (`given`) differs from the proxy's (`real`).
#[derive(Debug, PartialEq, Eq)]
pub struct Differs {
    /// The port the app uses, when only the port differs (then the proxy
    /// can be started there instead).
    pub port: Option<u16>,
}

/// Whether the app's URL `given` reaches the proxy at `real`: another
/// port, or another address (`localhost` may be either loopback address,
/// so only two addresses that differ count), is [`Differs`]; two URLs
/// that are not both URLs are no news.
pub fn differs(given: &str, real: &str) -> Option<Differs> {
    let (Ok(given), Ok(real)) = (reqwest::Url::parse(given), reqwest::Url::parse(real)) else {
        return None;
    };
    let other_port = given.port_or_known_default() != real.port_or_known_default();
    let ip = |u: &reqwest::Url| {
        u.host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .and_then(|h| h.parse::<std::net::IpAddr>().ok())
    };
    let other_address = matches!((ip(&given), ip(&real)), (Some(g), Some(r)) if g != r);
    (other_port || other_address).then(|| Differs {
        port: given
            .port_or_known_default()
            .filter(|_| other_port && !other_address),
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            endpoint: crate::endpoint::Endpoint::github_com(),
            authorization: HeaderValue::from_static("bearer x"),
            token: token(),
            port: 8787,
            allowed_origins: vec!["https://app.example".into()],
            allowed_hosts: Vec::new(),
            allow_no_origin: false,
            deadline: REQUEST_TIMEOUT,
            idle: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            answer_limit: ANSWER_LIMIT,
            graphiql: false,
        }
    }

    const TOKEN: &str = "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";

    fn token() -> Token {
        Token::parse(secrecy::SecretString::from(TOKEN)).unwrap()
    }

    #[test]
    fn every_passed_back_header_but_content_type_is_exposed() {
        let exposed: Vec<&str> = EXPOSED.split(", ").collect();
        let passed: Vec<&str> = PASSED_BACK
            .into_iter()
            .filter(|h| *h != "content-type")
            .collect();
        assert_eq!(exposed, passed);
    }

    #[test]
    fn header_values_that_echo_the_token_are_masked_and_stay_ascii() {
        let t = token();
        let echo = HeaderValue::from_str(&format!("url=https://x/?t={TOKEN}")).unwrap();
        assert_eq!(scrub_header(&t, &echo), "url=https://x/?t=ghp_...2O59");
        let mut latin1 = b"\xe9 ".to_vec();
        latin1.extend_from_slice(TOKEN.as_bytes());
        let odd = HeaderValue::from_bytes(&latin1).unwrap();
        let scrubbed = scrub_header(&t, &odd);
        assert!(!scrubbed.as_bytes().ends_with(&TOKEN.as_bytes()[4..]));
        let plain = HeaderValue::from_static("4999");
        assert_eq!(scrub_header(&t, &plain), plain);
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_this_host_loopback_origins_and_post_graphql_pass() {
        let c = config();
        let ok = headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://localhost:5173"),
        ]);
        assert_eq!(
            check(&Method::POST, "/graphql", &ok, &c, true),
            Ok(Route::Forward)
        );
        assert_eq!(
            check(&Method::OPTIONS, "/graphql", &ok, &c, true),
            Ok(Route::Forward)
        );
        let curl = headers(&[("host", "localhost:8787")]);
        assert_eq!(
            check(&Method::POST, "/graphql", &curl, &c, true),
            Err(Refusal::NoOrigin)
        );
        let opted_in = Config {
            allow_no_origin: true,
            ..config()
        };
        assert_eq!(
            check(&Method::POST, "/graphql", &curl, &opted_in, true),
            Ok(Route::Forward)
        );
        let rebinding = headers(&[
            ("host", "evil.example:8787"),
            ("origin", "http://localhost:5173"),
        ]);
        assert_eq!(
            check(&Method::POST, "/graphql", &rebinding, &c, true),
            Err(Refusal::Host)
        );
        let other_port = headers(&[
            ("host", "127.0.0.1:9999"),
            ("origin", "http://localhost:5173"),
        ]);
        assert_eq!(
            check(&Method::POST, "/graphql", &other_port, &c, true),
            Err(Refusal::Host)
        );
        let page = headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "https://evil.example"),
        ]);
        assert_eq!(
            check(&Method::POST, "/graphql", &page, &c, true),
            Err(Refusal::Origin)
        );
        let allowed = headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "https://app.example"),
        ]);
        assert_eq!(
            check(&Method::POST, "/graphql", &allowed, &c, true),
            Ok(Route::Forward)
        );
        assert_eq!(
            check(&Method::POST, "/other", &ok, &c, true),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            check(&Method::GET, "/graphql", &ok, &c, true),
            Err(Refusal::BrowsedApi { graphiql: false })
        );
        assert_eq!(
            check(&Method::PUT, "/graphql", &ok, &c, true),
            Err(Refusal::Method)
        );
        // From the network, loopback names are not this server; the names
        // it was given are, in any case.
        assert!(!host_allowed("127.0.0.1:8787", 8787, &[], false));
        assert!(!host_allowed("localhost:8787", 8787, &[], false));
        let named = ["proxy.example".to_owned()];
        assert!(host_allowed("Proxy.Example:8787", 8787, &named, false));
        assert!(!host_allowed("proxy.example:8788", 8787, &named, false));
        assert!(!host_allowed("proxy.example", 8787, &named, false));
        // A look-alike of localhost is not localhost.
        assert!(!origin_allowed("http://localhost.evil.example:80", &[]));
        assert!(!origin_allowed("https://localhost:5173", &[]));
    }

    #[test]
    fn graphiql_files_need_only_this_host_and_only_with_graphiql() {
        let on = Config {
            graphiql: true,
            ..config()
        };
        // A browser loading a page or its scripts sends no Origin.
        let browser = headers(&[
            ("host", "127.0.0.1:8787"),
            ("accept-encoding", "gzip, deflate, br"),
        ]);
        let Ok(Route::Page(index)) = check(&Method::GET, "/", &browser, &on, true) else {
            panic!("the page is served");
        };
        assert_eq!(index.path, "/");
        assert!(matches!(
            check(&Method::GET, "/graphiql/graphiql.min.js", &browser, &on, true),
            Ok(Route::Page(f)) if f.gzip
        ));
        // Without --graphiql, the page is not there, and says how to get it.
        assert_eq!(
            check(&Method::GET, "/", &browser, &config(), true),
            Err(Refusal::NoGraphiql)
        );
        // A rebinding name gets no page either.
        let rebinding = headers(&[("host", "evil.example:8787"), ("accept-encoding", "gzip")]);
        assert_eq!(
            check(&Method::GET, "/", &rebinding, &on, true),
            Err(Refusal::Host)
        );
        // A compressed file to a client without gzip: refused, not garbled.
        let plain = headers(&[("host", "127.0.0.1:8787")]);
        assert_eq!(
            check(&Method::GET, "/graphiql/graphiql.min.js", &plain, &on, true),
            Err(Refusal::NotGzip)
        );
        assert!(check(&Method::GET, "/", &plain, &on, true).is_ok());
        // Another site's link or page may not open it (opening it asks
        // for the schema with the token); the page's own files, a typed
        // address and --open may.
        for (from, ok) in [
            ("cross-site", false),
            ("same-site", false),
            ("same-origin", true),
            ("none", true),
        ] {
            let mut h = browser.clone();
            h.insert("sec-fetch-site", HeaderValue::from_static(from));
            assert_eq!(
                check(&Method::GET, "/", &h, &on, true).is_ok(),
                ok,
                "{from}"
            );
        }
        // A prefetch says `none` even when another site asked for it.
        let mut prefetch = browser.clone();
        prefetch.insert("sec-fetch-site", HeaderValue::from_static("none"));
        prefetch.insert(
            "sec-purpose",
            HeaderValue::from_static("prefetch;prerender"),
        );
        assert_eq!(
            check(&Method::GET, "/", &prefetch, &on, true),
            Err(Refusal::CrossSite)
        );
        // Nothing else is served by GET, and the token's path still needs
        // an Origin: the page's own, here.
        assert_eq!(
            check(&Method::GET, "/graphiql/x.js", &browser, &on, true),
            Err(Refusal::NoOrigin)
        );
        assert_eq!(
            check(&Method::POST, "/graphql", &browser, &on, true),
            Err(Refusal::NoOrigin)
        );
        let page = headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://127.0.0.1:8787"),
        ]);
        assert_eq!(
            check(&Method::POST, "/graphql", &page, &on, true),
            Ok(Route::Forward)
        );
        assert_eq!(
            check(&Method::POST, "/", &page, &on, true),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn a_page_file_is_sent_with_headers_that_keep_it_to_its_origin() {
        let r = page(crate::graphiql::file("/graphiql/graphiql.min.js").unwrap());
        let h = r.headers();
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let r = page(crate::graphiql::file("/").unwrap());
        assert!(!r.headers().contains_key(header::CONTENT_ENCODING));
        assert!(
            !r.headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );
    }

    /// A log that keeps its lines.
    fn kept_log() -> (Log, Arc<std::sync::Mutex<Vec<String>>>) {
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = Arc::clone(&lines);
        let log: Log = Arc::new(move |line: &str| kept.lock().unwrap().push(line.to_owned()));
        (log, lines)
    }

    #[test]
    fn an_accept_error_that_repeats_is_retried_after_a_pause_not_at_once() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        // EMFILE, as the platform-neutral error it maps to.
        let emfile = || std::io::Error::other("too many open files");
        // Out of descriptors for good: the loop waits between tries. Left
        // to spin, it would try millions of times in the same while.
        let (log, lines) = kept_log();
        let mut tries = 0u32;
        let started = Instant::now();
        let accepted = runtime.block_on(async {
            let accept = || {
                tries += 1;
                std::future::ready(Err::<(), _>(emfile()))
            };
            tokio::time::timeout(Duration::from_millis(350), accept_next(accept, &log)).await
        });
        assert!(accepted.is_err(), "no connection was ever accepted");
        let most = started.elapsed().as_millis() / ACCEPT_BACKOFF.as_millis() + 2;
        assert!(u128::from(tries) <= most, "{tries} tries, at most {most}");
        assert!(tries >= 2, "{tries}");
        // Said once, not once a try.
        let said = lines.lock().unwrap().clone();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("cannot accept connections"), "{said:?}");

        // A connection reset before it was accepted is no reason to wait,
        // and the next connection is served.
        let (log, lines) = kept_log();
        let mut errors = vec![
            Err(std::io::Error::from(std::io::ErrorKind::ConnectionAborted)),
            Err(emfile()),
            Ok(7),
        ]
        .into_iter();
        let got = runtime.block_on(accept_next(
            || std::future::ready(errors.next().unwrap()),
            &log,
        ));
        assert_eq!(got, 7);
        assert_eq!(lines.lock().unwrap().len(), 1);
        assert!(!accept_error_repeats(&std::io::Error::from(
            std::io::ErrorKind::ConnectionReset
        )));
        assert!(accept_error_repeats(&std::io::Error::from(
            std::io::ErrorKind::OutOfMemory
        )));
    }

    #[test]
    fn the_log_names_the_operation_never_the_variables() {
        assert_eq!(
            operation_name(
                br#"{"query":"query Viewer { viewer { login } }","variables":{"secret":"x"}}"#
            ),
            "Viewer"
        );
        assert_eq!(
            operation_name(br#"{"operationName":"Stars","query":"..."}"#),
            "Stars"
        );
        assert_eq!(operation_name(b"{ viewer }"), "-");
    }
}
