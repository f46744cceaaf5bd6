//! `ghenv proxy [-- CMD…]`: serve the GraphQL proxy on loopback with the
//! project's token (from the env file, or decrypted from `[secret]` in
//! memory, as `run` does), and with `-- CMD`, start CMD beside it and stop
//! when CMD exits, with its exit code.

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::header::HeaderValue;
use serde::Serialize;

use crate::endpoint::EndpointOptions;
use crate::error::{Error, Result};
use crate::output::Io;
use crate::project::{Location, Project};
use crate::proxy::{self, Config};
use crate::report::{Boxed, Outcome, Report};
use crate::secret::Identities;

/// What `proxy` is asked to do.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    /// Where the project is.
    pub location: Location,
    /// Where to listen.
    pub addr: SocketAddr,
    /// Whether `--listen` chose another address than loopback.
    pub public: bool,
    /// `--allow-host`.
    pub allowed_hosts: Vec<String>,
    /// `--allow-origin`.
    pub allowed_origins: Vec<String>,
    /// `--allow-no-origin`.
    pub allow_no_origin: bool,
    /// `--graphiql`: serve GraphiQL's page on the proxy's origin.
    pub graphiql: bool,
    /// `--open`: open that page in the browser.
    pub open: bool,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// `-i`.
    pub identity: Identities,
    /// The command to start beside the proxy.
    pub command: Vec<OsString>,
}

/// How the proxy ended.
#[derive(Debug, Serialize)]
pub struct ProxyReport {
    /// The exit code: the command's, or 0 after Ctrl-C / SIGTERM.
    pub code: i32,
}

impl Report for ProxyReport {
    fn print(&self, _io: &mut Io) {}

    fn outcome(&self) -> Outcome<'_> {
        Outcome::Child(self.code)
    }
}

/// Runs `ghenv proxy`.
///
/// # Errors
/// No token, an untrusted endpoint, a port in use, a command that cannot
/// start.
pub fn run(opts: &ProxyOptions, io: &mut Io) -> Result<Boxed> {
    Ok(Box::new(serve(opts, io)?))
}

/// Serves until CMD exits, or Ctrl-C / SIGTERM.
///
/// # Errors
/// As [`run`].
pub fn serve(opts: &ProxyOptions, io: &mut Io) -> Result<ProxyReport> {
    let project = Project::open(&opts.location)?;
    let template = project.template(None)?;
    let endpoint = opts.endpoint.resolve(io, Some(&project))?;
    let (token, origin) = super::project_token(&project, &template, &opts.identity, "proxy", io)?;
    let mut bearer = zeroize::Zeroizing::new(String::from("bearer "));
    bearer.push_str(token.expose_secret());
    let mut authorization = HeaderValue::from_str(&bearer)
        .map_err(|_| Error::from(crate::token::FormatError::NotText))?;
    authorization.set_sensitive(true);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start", "the proxy's runtime", e))?;
    let std_listener = std::net::TcpListener::bind(opts.addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Error::PortInUse(opts.addr.port()),
        _ => Error::io("listen on", opts.addr.to_string(), e),
    })?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| Error::io("listen on", opts.addr.to_string(), e))?;
    let port = std_listener
        .local_addr()
        .map_err(|e| Error::io("listen on", opts.addr.to_string(), e))?
        .port();
    let ip = opts.addr.ip();
    let mut allowed_hosts = opts.allowed_hosts.clone();
    // The address it listens on, named as an address: a rebinding page
    // needs a name of its own.
    if !ip.is_unspecified() {
        allowed_hosts.push(match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        });
    }
    if opts.public {
        io.warn(&format!(
            "--listen {ip}: the proxy, and so your token, can be used from other machines on this network"
        ));
        if ip.is_unspecified() && opts.allowed_hosts.is_empty() {
            io.warn(&format!(
                "--listen {ip} without --allow-host: other machines' requests are refused until you name the host they use (--allow-host NAME)"
            ));
        }
    }
    let url = local_url(SocketAddr::new(ip, port));
    let mut allowed_origins = opts.allowed_origins.clone();
    if opts.graphiql {
        // The page's own origin is the proxy's: with --listen, the address
        // or a name other machines use (loopback ones are allowed anyway).
        allowed_origins.extend(allowed_hosts.iter().map(|h| format!("http://{h}:{port}")));
    }
    warn_if_env_points_elsewhere(&project, &template, &url, io);
    io.ok(&format!(
        "Proxy on {url} → {endpoint}, with the token ({}) from {}; Ctrl-C stops it",
        token.masked(),
        crate::text::sanitize(&origin.to_string())
    ));
    if opts.graphiql {
        let page = url.trim_end_matches("graphql");
        io.ok(&format!(
            "GraphiQL on {page}: its queries go through the proxy, so the page never holds the token"
        ));
        if opts.open {
            crate::output::open_in_browser(io, page, "GraphiQL");
        }
    }
    let config = Config {
        endpoint,
        authorization,
        token,
        port,
        allowed_origins,
        allowed_hosts,
        allow_no_origin: opts.allow_no_origin,
        graphiql: opts.graphiql,
        deadline: lowered_for_tests(
            "GHENV_TEST_PROXY_DEADLINE_MS",
            proxy::REQUEST_TIMEOUT,
            |ms| Some(std::time::Duration::from_millis(ms)),
        ),
        idle: lowered_for_tests("GHENV_TEST_PROXY_IDLE_MS", proxy::IDLE_TIMEOUT, |ms| {
            Some(std::time::Duration::from_millis(ms))
        }),
        max_connections: lowered_for_tests(
            "GHENV_TEST_PROXY_MAX_CONNECTIONS",
            proxy::MAX_CONNECTIONS,
            |n| usize::try_from(n).ok(),
        ),
        answer_limit: lowered_for_tests(
            "GHENV_TEST_PROXY_ANSWER_LIMIT",
            proxy::ANSWER_LIMIT,
            |n| usize::try_from(n).ok(),
        ),
    };
    let log: proxy::Log = Arc::new(|line: &str| {
        let _ = writeln!(
            std::io::stderr(),
            "ghenv proxy: {}",
            crate::text::sanitize(line)
        );
    });
    let command = opts.command.clone();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(std_listener)
            .map_err(|e| Error::io("listen on", url.clone(), e))?;
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(proxy::serve(listener, config, log, async {
            let _ = stop_rx.await;
        }));
        let code = if command.is_empty() {
            wait_for_signal().await;
            0
        } else {
            // The proxy writes no file from here on: the command gets the
            // default SIGXFSZ, as it would without ghenv.
            crate::output::child_signals();
            let mut cmd = tokio::process::Command::new(crate::platform::program(&command[0]));
            cmd.args(&command[1..]).env("GHENV_PROXY_URL", &url);
            crate::secret::withhold_keys(cmd.as_std_mut());
            let mut child = cmd.spawn().map_err(|source| Error::Exec {
                program: command[0].to_string_lossy().into_owned(),
                source,
            })?;
            tokio::select! {
                status = child.wait() => status.ok().and_then(|s| s.code()).unwrap_or(1),
                () = wait_for_signal() => {
                    let _ = child.kill().await;
                    130
                }
            }
        };
        let _ = stop_tx.send(());
        let _ = server.await;
        Ok(ProxyReport { code })
    })
}

/// The URL a program on this machine reaches the proxy at when it listens
/// on `addr`: that address, or loopback of its family for `0.0.0.0` and
/// `::`.
fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    // SocketAddr writes an IPv6 address in brackets, as a URL needs.
    format!("http://{}/graphql", SocketAddr::new(ip, addr.port()))
}

/// Warns when the variable of the env file that gives the app the
/// proxy's URL (the template's `{{ proxy_url }}` one, e.g.
/// `VITE_GITHUB_GRAPHQL_URL`) names another port, or another loopback
/// address, than the proxy's `url`: the app would post where nothing
/// listens, and the browser only says "Failed to fetch".
fn warn_if_env_points_elsewhere(
    project: &Project,
    template: &crate::render::Template,
    url: &str,
    io: &mut Io,
) {
    let Some(var) = crate::envfile::parse(&template.env)
        .into_iter()
        .find(|(_, value)| value.contains("proxy_url"))
        .map(|(key, _)| key)
    else {
        return;
    };
    let Ok(env_file) = project.env_file() else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(project.dir().join(env_file)) else {
        return;
    };
    let Some(given) = crate::envfile::parse(&text)
        .into_iter()
        .rev()
        .find(|(key, _)| *key == var)
        .map(|(_, value)| value)
    else {
        return;
    };
    if let Some(differs) = proxy::differs(&given, url) {
        let port_fix = differs
            .port
            .map(|p| format!(" (or start the proxy with --port {p})"))
            .unwrap_or_default();
        io.warn(&format!(
            "{var} in {} is {}, but the proxy listens on {url}: the app would post where nothing answers; set {var}={url} in {} and restart the dev server{port_fix}",
            crate::text::sanitize(env_file),
            crate::text::sanitize(&given),
            crate::text::sanitize(env_file),
        ));
    }
}

/// `bound` (the whole-request deadline, the idle timeout, the connection
/// cap, the answer limit), or, for the tests only, the number above 0 in
/// the variable `name` (`GHENV_TEST_PROXY_…`) made into one by `from`, when
/// it is lower: it never raises a bound. The tests reach the bounds
/// without waiting 30 seconds or opening a thousand connections; these
/// are not settings for users and are documented nowhere else.
fn lowered_for_tests<T: PartialOrd>(name: &str, bound: T, from: impl Fn(u64) -> Option<T>) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&v| v > 0)
        .and_then(from)
        .filter(|v| *v < bound)
        .unwrap_or(bound)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_signal() {
    crate::platform::termination().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_token_it_fails_before_listening() {
        let dir = tempfile::tempdir().unwrap();
        // A port this test holds: serve must fail before it tries to bind.
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let (mut io, _) = Io::test();
        let opts = ProxyOptions {
            location: Location {
                dir: Some(dir.path().to_path_buf()),
                template_dir: None,
            },
            addr: held.local_addr().unwrap(),
            public: false,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            allow_no_origin: false,
            graphiql: false,
            open: false,
            endpoint: EndpointOptions::default(),
            identity: Identities::default(),
            command: Vec::new(),
        };
        let e = serve(&opts, &mut io).err().unwrap();
        assert_eq!(e.kind(), "no_token", "not port_in_use: {e}");
    }
}
