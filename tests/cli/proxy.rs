//! `ghenv proxy`: real HTTP through the proxy to the GitHub look-alike.
//! The upstream gets the token, the app's request never carries it, and
//! what a web page could send (another origin, a rebinding Host, another
//! path, a big body) is refused.

use std::time::{Duration, Instant};

use crate::common::*;

/// A project set up with `init --proxy` (vite), and its token.
fn proxied_project() -> (Project, String) {
    let p = Project::new();
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-q",
            "-t",
            "vite",
            "--proxy",
        ],
        &token,
    )
    .code(0);
    (p, token)
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
}

const QUERY: &str =
    r#"{"query":"query Viewer { viewer { login } }","variables":{"secret":"do-not-log"}}"#;

#[test]
fn the_upstream_gets_the_token_and_the_apps_request_never_carries_one() {
    let (p, token) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let answer = client()
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .header("authorization", "bearer ghp_from_the_browser_000000000000")
        .header("cookie", "session=1")
        .header("content-type", "application/json")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert_eq!(answer.headers()["x-ratelimit-remaining"], "4999");
    assert!(answer.text().unwrap().contains("octocat"));
    let seen = &fake.requests()[0];
    assert_eq!(
        seen.header("authorization"),
        Some(format!("bearer {token}").as_str())
    );
    assert!(seen.header("cookie").is_none());
    assert_eq!(seen.body, QUERY);
    let log = proxy.stop();
    assert!(log.contains("POST /graphql Viewer 200"), "{log}");
    assert!(
        !log.contains(&token[4..]) && !log.contains("do-not-log"),
        "{log}"
    );
}

#[test]
fn errors_from_github_pass_through_with_their_status() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::bad_credentials(), Reply::bad_gateway()]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    for expected in [401, 502] {
        let status = client()
            .post(&proxy.url)
            .header("origin", "http://localhost:5173")
            .body(QUERY)
            .send()
            .unwrap()
            .status();
        assert_eq!(status, expected);
    }
    proxy.stop();
}

#[test]
fn what_a_web_page_could_send_is_refused_and_never_forwarded() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let c = client();
    let foreign = c
        .post(&proxy.url)
        .header("origin", "https://evil.example")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let rebinding = c
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .header("host", format!("evil.example:{}", proxy.port()))
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(rebinding.status(), 403);
    let other = c
        .post(proxy.url.replace("/graphql", "/repos"))
        .header("origin", "http://localhost:5173")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(other.status(), 404);
    let big = c
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .body(vec![b'x'; 2 << 20])
        .send()
        .unwrap();
    assert_eq!(big.status(), 413);
    // A CORS preflight from the dev server passes.
    let preflight = c
        .request(reqwest::Method::OPTIONS, &proxy.url)
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .send()
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let log = proxy.stop();
    for reason in [
        "POST /graphql refused: this Origin may not use the token",
        "POST /graphql refused: the Host header is not this proxy's",
        "POST /repos refused: only POST /graphql is forwarded",
        "POST /graphql refused: the request body is larger than 1 MiB",
    ] {
        assert!(log.contains(reason), "{reason:?} is not logged:\n{log}");
    }
}

#[test]
fn a_request_without_an_origin_is_refused_unless_allow_no_origin_is_given() {
    let (p, _) = proxied_project();
    // Any local user's curl sends no Origin: it must not get the owner's data.
    let fake = FakeGitHub::start(vec![]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let c = client();
    let curl = c
        .post(&proxy.url)
        .header("content-type", "application/json")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(curl.status(), 403);
    assert!(curl.text().unwrap().contains("--allow-no-origin"));
    let preflight = c
        .request(reqwest::Method::OPTIONS, &proxy.url)
        .send()
        .unwrap();
    assert_eq!(preflight.status(), 403);
    let log = proxy.stop();
    let refused: Vec<_> = log
        .lines()
        .filter(|l| l.contains("refused: no Origin header"))
        .collect();
    assert_eq!(refused.len(), 2, "{log}");
    assert!(refused[0].contains("--allow-no-origin"), "{log}");
    drop(fake);

    // The owner opts in for curl and desktop clients.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url(), "--allow-no-origin"]);
    let curl = c.post(&proxy.url).body(QUERY).send().unwrap();
    assert_eq!(curl.status(), 200);
    assert!(curl.headers().get("access-control-allow-origin").is_none());
    // A foreign Origin is still refused.
    let page = c
        .post(&proxy.url)
        .header("origin", "https://evil.example")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(page.status(), 403);
    proxy.stop();

    let help = p.run(&["proxy", "--help"], "");
    help.code(0)
        .stdout_has(&["--allow-no-origin", "ghenv proxy --allow-no-origin"]);
}

#[test]
fn allow_origin_lets_that_origin_use_the_proxy_and_no_look_alike() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let proxy = Proxy::start(
        &p,
        &[
            "--endpoint",
            &fake.url(),
            "--allow-origin",
            "https://app.example",
        ],
    );
    let c = client();
    let preflight = c
        .request(reqwest::Method::OPTIONS, &proxy.url)
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .send()
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let allowed = c
        .post(&proxy.url)
        .header("origin", "https://app.example")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    // Only that exact origin: not another scheme, port or a longer name.
    for look_alike in [
        "http://app.example",
        "https://app.example:8443",
        "https://app.example.evil.example",
        "https://evil.example",
    ] {
        let refused = c
            .post(&proxy.url)
            .header("origin", look_alike)
            .body(QUERY)
            .send()
            .unwrap();
        assert_eq!(refused.status(), 403, "{look_alike}");
        assert!(
            refused
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "{look_alike}"
        );
    }
    let log = proxy.stop();
    assert_eq!(
        log.matches("refused: this Origin may not use the token")
            .count(),
        4,
        "{log}"
    );
}

#[test]
fn with_a_command_it_sets_ghenv_proxy_url_and_exits_with_its_code() {
    let (p, token) = proxied_project();
    let out = p.run(
        &[
            "proxy",
            "--port",
            "0",
            "--",
            "sh",
            "-c",
            "case \"$GHENV_PROXY_URL\" in http://127.0.0.1:*/graphql) ;; *) exit 9;; esac; test -z \"$GITHUB_TOKEN\" || exit 8; exit 3",
        ],
        "",
    );
    out.code(3).never_shows(&token);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let (p, _) = proxied_project();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = p.run(&["proxy", "--port", &port, "--", "true"], "");
    out.code(2)
        .stderr_has(&[&format!("port {port} is already in use")]);
}

#[test]
fn init_proxy_keeps_the_token_out_of_every_client_variable() {
    let (p, token) = proxied_project();
    let pairs = dotenv_pairs(&p.read(".env"));
    for (k, v) in &pairs {
        if k.starts_with("VITE_") {
            assert!(!v.contains(&token[4..]), "{k} holds the token");
        }
    }
    assert!(pairs.contains(&("GITHUB_TOKEN".into(), token)));
    assert!(pairs.contains(&(
        "VITE_GITHUB_GRAPHQL_URL".into(),
        "http://127.0.0.1:8787/graphql".into()
    )));
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-t",
            "node",
            "--proxy",
        ],
        &classic(),
    )
    .code(2)
    .stderr_has(&["--proxy works with the react and vite templates"]);
}

/// This machine's address on its network (not loopback), or `None` (the
/// test is then skipped): a UDP "connection" sends nothing, it only picks
/// the source address a packet out would have.
fn network_ip() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.123:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Sends `POST /graphql` over raw TCP to `to` with these `Host` and
/// `Origin` headers and returns the answer's status.
fn raw_post(to: std::net::SocketAddr, host: &str, origin: &str) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect_timeout(&to, PATIENCE).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{QUERY}",
        QUERY.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

#[test]
fn listening_on_the_network_serves_only_the_listed_host_names() {
    let Some(ip) = network_ip() else {
        eprintln!("skipped: this machine has no address besides loopback");
        return;
    };
    let (p, _) = proxied_project();
    let page = "http://localhost:5173";

    // --listen IP: a client of the network that says Host: 127.0.0.1 is
    // not on loopback, and is refused; the address it listens on is served.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let ip_text = ip.to_string();
    let mut proxy = Proxy::start(&p, &["--endpoint", &fake.url(), "--listen", &ip_text]);
    proxy.wait_for("can be used from other machines");
    let at = std::net::SocketAddr::new(ip, proxy.port());
    let port = proxy.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(raw_post(at, &host, page), 403, "Host: {host}");
    }
    assert_eq!(raw_post(at, &at.to_string(), page), 200);
    let log = proxy.stop();
    assert_eq!(log.matches("refused: the Host header").count(), 3, "{log}");
    drop(fake);

    // With --graphiql, the page served on that address may post from its
    // own origin (http://IP:PORT), which is not a loopback one.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let proxy = Proxy::start(
        &p,
        &[
            "--endpoint",
            &fake.url(),
            "--listen",
            &ip_text,
            "--graphiql",
        ],
    );
    let at = std::net::SocketAddr::new(ip, proxy.port());
    let own = format!("http://{at}");
    assert_eq!(raw_post(at, &at.to_string(), &own), 200);
    assert_eq!(raw_post(at, &at.to_string(), "http://evil.example"), 403);
    proxy.stop();
    drop(fake);

    // --listen 0.0.0.0: only the names given with --allow-host from the
    // network; loopback names still from loopback.
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let proxy = Proxy::start(
        &p,
        &[
            "--endpoint",
            &fake.url(),
            "--listen",
            "0.0.0.0",
            "--allow-host",
            "proxy.example",
        ],
    );
    let port = proxy.port();
    let at = std::net::SocketAddr::new(ip, port);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("evil.example:{port}"),
        format!("0.0.0.0:{port}"),
        format!("proxy.example:{}", port.wrapping_add(1)),
    ] {
        assert_eq!(raw_post(at, &host, page), 403, "Host: {host}");
    }
    assert_eq!(raw_post(at, &format!("PROXY.example:{port}"), page), 200);
    let local = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    assert_eq!(raw_post(local, &format!("127.0.0.1:{port}"), page), 200);
    proxy.stop();

    // Without --allow-host, it says other machines are refused; a name
    // with a port is a usage error.
    p.run(
        &["proxy", "--port", "0", "--listen", "0.0.0.0", "--", "true"],
        "",
    )
    .code(0)
    .stderr_has(&["can be used from other machines", "without --allow-host"]);
    p.run(
        &[
            "proxy",
            "--listen",
            "0.0.0.0",
            "--allow-host",
            "proxy.example:8787",
            "--",
            "true",
        ],
        "",
    )
    .code(2)
    .stderr_has(&["without a port"]);
}

/// The deadline the tests give the proxy instead of 30 s (a test-only
/// setting that can only shorten it).
const SHORT_DEADLINE: Duration = Duration::from_millis(1500);

/// A proxy whose whole-request deadline is [`SHORT_DEADLINE`].
fn impatient_proxy(p: &Project, fake: &FakeGitHub) -> Proxy {
    let mut cmd = p.cmd(&["proxy", "--port", "0", "--endpoint", &fake.url()]);
    cmd.env(
        "GHENV_TEST_PROXY_DEADLINE_MS",
        SHORT_DEADLINE.as_millis().to_string(),
    );
    Proxy::start_with(cmd)
}

/// Sends `head` (and no more) and waits, at most [`PATIENCE`], for the
/// proxy to answer or close; returns what it sent and how long it took.
fn send_and_stall(proxy: &Proxy, head: &str) -> (String, Duration) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(proxy.addr()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let started = Instant::now();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!(
            "the connection is still held after {:?} ({e})",
            started.elapsed()
        ),
    }
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_slow_request_gets_408_or_is_closed_within_the_deadline() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![]);
    let proxy = impatient_proxy(&p, &fake);
    let host = proxy.addr();
    // A slowloris body: 10 of the 1000 bytes it announces, then nothing.
    let (answer, took) = send_and_stall(
        &proxy,
        &format!(
            "POST /graphql HTTP/1.1\r\nHost: {host}\r\nOrigin: http://localhost:5173\r\nContent-Length: 1000\r\n\r\n{{\"query\":"
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took < SHORT_DEADLINE + Duration::from_secs(2), "{took:?}");
    // Headers that never end.
    let (answer, took) = send_and_stall(
        &proxy,
        &format!("POST /graphql HTTP/1.1\r\nHost: {host}\r\nOrigin: http://local"),
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    assert!(took < SHORT_DEADLINE + Duration::from_secs(2), "{took:?}");
    let log = proxy.stop();
    assert!(
        log.contains("POST /graphql refused: the request body did not arrive in time"),
        "{log}"
    );
}

#[test]
fn a_slow_github_gets_504_within_the_deadline() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(SHORT_DEADLINE * 2),
    ]);
    let proxy = impatient_proxy(&p, &fake);
    let started = Instant::now();
    let answer = client()
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(answer.status(), 504);
    assert!(
        started.elapsed() < SHORT_DEADLINE * 2,
        "{:?}",
        started.elapsed()
    );
    let log = proxy.stop();
    assert!(log.contains("POST /graphql Viewer 504"), "{log}");
}

#[test]
fn an_answer_that_echoes_the_token_reaches_the_app_masked() {
    let (p, token) = proxied_project();
    let masked = format!("ghp_…{}", &token[token.len() - 4..]);
    let echo = Reply::bad_credentials().header(
        "X-GitHub-SSO",
        &format!("required; url=https://github.com/orgs/o/sso?token={token}"),
    );
    let echo = Reply {
        body: format!(r#"{{"errors":[{{"message":"bad header: bearer {token}"}}]}}"#).into_bytes(),
        ..echo
    };
    let fake = FakeGitHub::start(vec![echo]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let answer = client()
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(answer.status(), 401);
    let sso = answer.headers()["x-github-sso"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = answer.text().unwrap();
    // Header values stay ASCII, so the app can read them.
    assert!(!sso.contains(&token[4..]), "{sso}");
    assert!(
        sso.ends_with(&format!("?token=ghp_...{}", &token[token.len() - 4..])),
        "{sso}"
    );
    assert!(!body.contains(&token[4..]), "{body}");
    assert_eq!(
        body,
        format!(r#"{{"errors":[{{"message":"bad header: bearer {masked}"}}]}}"#)
    );
    proxy.stop();
}

#[test]
fn listening_on_ipv6_loopback_announces_and_exports_that_address() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    }
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url(), "--listen", "::1"]);
    assert!(proxy.url.starts_with("http://[::1]:"), "{}", proxy.url);
    let answer = client()
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);
    proxy.stop();
    p.run(
        &[
            "proxy",
            "--port",
            "0",
            "--listen",
            "::1",
            "--",
            "sh",
            "-c",
            "case \"$GHENV_PROXY_URL\" in 'http://[::1]:'*/graphql) exit 3;; *) exit 9;; esac",
        ],
        "",
    )
    .code(3);
}

#[test]
fn a_port_other_than_the_one_in_the_env_file_is_warned_about_with_the_fix() {
    let (p, _) = proxied_project();
    // .env gives the app port 8787; --port 0 listens on another.
    let out = p.run(&["proxy", "--port", "0", "--", "true"], "");
    out.code(0).stderr_has(&[
        "VITE_GITHUB_GRAPHQL_URL in .env is http://127.0.0.1:8787/graphql",
        "set VITE_GITHUB_GRAPHQL_URL=http://127.0.0.1:",
        "--port 8787",
    ]);
    // When .env names the port it listens on, nothing is said.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let env = p.read(".env").replace(
        "http://127.0.0.1:8787/graphql",
        &format!("http://127.0.0.1:{port}/graphql"),
    );
    p.write(".env", &env);
    let out = p.run(&["proxy", "--port", &port, "--", "true"], "");
    out.code(0);
    assert!(!out.stderr.contains("VITE_GITHUB_GRAPHQL_URL"), "{out}");
}

/// A header's comma-separated names, lower case.
fn names(answer: &reqwest::blocking::Response, header: &str) -> Vec<String> {
    answer
        .headers()
        .get(header)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn the_page_can_read_the_rate_limit_and_an_app_sending_authorization_is_told_once() {
    let (p, token) = proxied_project();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let c = client();
    // The course's Apollo client still sends its own Authorization header,
    // so the browser's preflight asks for it.
    let preflight = c
        .request(reqwest::Method::OPTIONS, &proxy.url)
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let allowed = names(&preflight, "access-control-allow-headers");
    for asked in ["authorization", "content-type"] {
        assert!(allowed.iter().any(|a| a == asked), "{allowed:?}");
    }
    for _ in 0..2 {
        let answer = c
            .post(&proxy.url)
            .header("origin", "http://localhost:5173")
            .header("authorization", "bearer REACT_APP_token_from_the_bundle")
            .header("content-type", "application/json")
            .body(QUERY)
            .send()
            .unwrap();
        assert_eq!(answer.status(), 200);
        let exposed = names(&answer, "access-control-expose-headers");
        for header in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-used",
            "x-ratelimit-reset",
            "x-ratelimit-resource",
            "x-github-request-id",
            "x-oauth-scopes",
            "retry-after",
        ] {
            assert!(exposed.iter().any(|e| e == header), "{header}: {exposed:?}");
        }
    }
    // The app's Authorization is dropped; the proxy's token goes upstream.
    for seen in fake.requests() {
        assert_eq!(
            seen.header("authorization"),
            Some(format!("bearer {token}").as_str())
        );
    }
    let log = proxy.stop();
    assert_eq!(
        log.matches("remove it from the app").count(),
        1,
        "one line per run:\n{log}"
    );
}

// ------------------------------------------ idle connections (issue 30)

/// `n` connections to the proxy that send nothing.
fn idle_connections(proxy: &Proxy, n: usize) -> Vec<std::net::TcpStream> {
    (0..n)
        .map(|_| std::net::TcpStream::connect(proxy.addr()).unwrap())
        .collect()
}

/// Waits, at most [`PATIENCE`] for each, until the proxy has closed every
/// one of `idle`.
fn closed_by_the_proxy(idle: Vec<std::net::TcpStream>) {
    use std::io::Read;
    for mut stream in idle {
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("an idle connection is still open after {PATIENCE:?} ({e})"),
        }
    }
}

/// The app's query through the proxy; its status.
fn app_query(proxy: &Proxy) -> u16 {
    client()
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .body(QUERY)
        .timeout(PATIENCE)
        .send()
        .unwrap_or_else(|e| panic!("the app got no answer: {e}"))
        .status()
        .as_u16()
}

#[test]
fn connections_past_the_cap_wait_and_the_app_is_served_once_idle_ones_are_closed() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let mut cmd = p.cmd(&["proxy", "--port", "0", "--endpoint", &fake.url()]);
    // Test-only settings that can only lower the cap (256) and the idle
    // timeout (10 s).
    cmd.env("GHENV_TEST_PROXY_MAX_CONNECTIONS", "4")
        .env("GHENV_TEST_PROXY_IDLE_MS", "300");
    let mut proxy = Proxy::start_with(cmd);
    let idle = idle_connections(&proxy, 12);
    assert_eq!(app_query(&proxy), 200);
    proxy.wait_for("4 connections are open, the most it serves at once");
    closed_by_the_proxy(idle);
    let log = proxy.stop();
    assert!(log.contains("POST /graphql Viewer 200"), "{log}");
}

#[test]
fn idle_connections_past_the_descriptor_limit_do_not_lock_the_app_out() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    // The proxy with 64 descriptors, fewer than its cap of connections:
    // what 1,000 idle connections do to the default limit of 1,024.
    let ghenv = p.cmd(&["proxy", "--port", "0", "--endpoint", &fake.url()]);
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "ulimit -n 64 && exec \"$@\"", "sh"])
        .arg(ghenv.get_program())
        .args(ghenv.get_args())
        .current_dir(ghenv.get_current_dir().unwrap())
        .env_clear();
    for (key, value) in ghenv.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.env("GHENV_TEST_PROXY_IDLE_MS", "300");
    let mut proxy = Proxy::start_with(cmd);
    let idle = idle_connections(&proxy, 100);
    assert_eq!(app_query(&proxy), 200);
    proxy.wait_for("cannot accept connections");
    closed_by_the_proxy(idle);
    let log = proxy.stop();
    assert!(log.contains("POST /graphql Viewer 200"), "{log}");
}

#[test]
fn an_answer_that_echoes_the_token_in_pieces_reaches_the_app_with_every_piece_masked() {
    use crate::probe_attacks::{echoed_in_pieces, piece_shown};
    let (p, token) = proxied_project();
    // The raw body: pieces of 6 to 12 characters apart by spaces and JSON
    // escapes, which the page's JSON.parse would put back together.
    let body = format!(
        r#"{{"errors":[{{"message":"bad header: {}"}}]}}"#,
        echoed_in_pieces(&token)
    );
    let echo = Reply {
        body: body.into_bytes(),
        ..Reply::bad_credentials()
    };
    let fake = FakeGitHub::start(vec![echo]);
    let proxy = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let answer = client()
        .post(&proxy.url)
        .header("origin", "http://localhost:5173")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(answer.status(), 401);
    let body = answer.text().unwrap();
    assert!(
        body.starts_with(r#"{"errors":[{"message":"bad header: "#),
        "{body}"
    );
    let piece = piece_shown(&token, "ghp_", &body);
    assert!(piece.is_none(), "{piece:?} reaches the app: {body}");
    let log = proxy.stop();
    assert!(piece_shown(&token, "ghp_", &log).is_none(), "{log}");
}

#[test]
fn graphiql_is_served_on_the_proxys_own_origin_only_with_graphiql_and_only_to_its_host() {
    let (p, token) = proxied_project();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);

    // Without --graphiql the page is not there, and the answer says how
    // to get it (a student who opens the proxy's address in a browser).
    let plain = Proxy::start(&p, &["--endpoint", &fake.url()]);
    let base = plain.url.trim_end_matches("graphql").to_owned();
    let missing = client().get(&base).send().unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().unwrap().contains("ghenv proxy --graphiql"));
    // Nor is the API's address a page; the answer says what to do, not
    // how to let programs in (a browser's navigation has no Origin).
    let api = client().get(&plain.url).send().unwrap();
    assert_eq!(api.status(), 405);
    let said = api.text().unwrap();
    assert!(
        said.contains("--graphiql") && !said.contains("--allow-no-origin"),
        "{said}"
    );
    plain.stop();

    let mut proxy = Proxy::start(&p, &["--graphiql", "--endpoint", &fake.url()]);
    let page_url = proxy.url.trim_end_matches("graphql").to_owned();
    let said = proxy.wait_for("GraphiQL on ");
    assert!(said.contains(&format!("GraphiQL on {page_url}:")), "{said}");

    // The page and its files, from the binary, with a policy that keeps
    // them to this origin.
    let page = client().get(&page_url).send().unwrap();
    assert_eq!(page.status(), 200);
    let h = page.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().unwrap();
    for rule in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
    ] {
        assert!(csp.contains(rule), "{csp}");
    }
    assert!(h.get("access-control-allow-origin").is_none());
    let html = page.text().unwrap();
    assert!(html.contains("/graphiql/graphiql.min.js"), "{html}");
    let js = client()
        .get(format!("{page_url}graphiql/graphiql.min.js"))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .unwrap();
    assert_eq!(js.status(), 200);
    assert_eq!(js.headers()["content-encoding"], "gzip");
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(js.bytes().unwrap().starts_with(&[0x1f, 0x8b]));
    // A client that takes no gzip is told, not sent bytes it cannot read.
    let raw = client()
        .get(format!("{page_url}graphiql/graphiql.min.js"))
        .send()
        .unwrap();
    assert_eq!(raw.status(), 406);

    let api = client().get(&proxy.url).send().unwrap();
    assert_eq!(api.status(), 405);
    assert!(api.text().unwrap().contains("GraphiQL is at /"));

    // A page reached through another name (DNS rebinding) gets nothing.
    let rebinding = client()
        .get(&page_url)
        .header("host", format!("evil.example:{}", proxy.port()))
        .send()
        .unwrap();
    assert_eq!(rebinding.status(), 403);

    // The page's own queries (its origin is the proxy's) go through with
    // the token; another site's still do not.
    let origin = page_url.trim_end_matches('/');
    let own = client()
        .post(&proxy.url)
        .header("origin", origin)
        .header("content-type", "application/json")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.text().unwrap().contains("octocat"));
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("bearer {token}").as_str())
    );
    let foreign = client()
        .post(&proxy.url)
        .header("origin", "https://evil.example")
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert_eq!(fake.requests().len(), 1, "nothing else was forwarded");
    // The page's files are not POST targets, /graphql is no page.
    let post_page = client()
        .post(&page_url)
        .header("origin", origin)
        .body(QUERY)
        .send()
        .unwrap();
    assert_eq!(post_page.status(), 404);
    let log = proxy.stop();
    assert!(!log.contains(&token[4..]), "{log}");
}

#[test]
fn open_needs_graphiql() {
    let (p, _) = proxied_project();
    p.run(&["proxy", "--open", "--port", "0"], "")
        .code(2)
        .stderr_has(&["--graphiql"]);
}

#[test]
fn graphiql_does_not_open_from_another_sites_link_or_page() {
    let (p, _) = proxied_project();
    let fake = FakeGitHub::start(vec![]);
    let proxy = Proxy::start(&p, &["--graphiql", "--endpoint", &fake.url()]);
    let page_url = proxy.url.trim_end_matches("graphql").to_owned();
    // Opening the page makes GraphiQL ask for the schema with the token:
    // another site's link, redirect or script may not set that off.
    for from in ["cross-site", "same-site"] {
        let r = client()
            .get(&page_url)
            .header("sec-fetch-site", from)
            .send()
            .unwrap();
        assert_eq!(r.status(), 403, "{from}");
        assert!(r.text().unwrap().contains("--open"));
    }
    // Typed or opened by --open (none), its own files (same-origin), or a
    // program that says nothing: served.
    for from in [Some("none"), Some("same-origin"), None] {
        let mut get = client().get(&page_url);
        if let Some(from) = from {
            get = get.header("sec-fetch-site", from);
        }
        assert_eq!(get.send().unwrap().status(), 200, "{from:?}");
    }
    assert!(fake.requests().is_empty());
    proxy.stop();
}

#[test]
fn an_answer_larger_than_the_limit_is_cut_off_with_502_and_the_proxy_goes_on() {
    let (p, token) = proxied_project();
    let big = format!("{{\"data\":{{\"x\":\"{}\"}}}}", "a".repeat(4096));
    let fake = FakeGitHub::start(vec![
        Reply::json(200, "OK", &big),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let mut cmd = p.cmd(&["proxy", "--port", "0", "--endpoint", &fake.url()]);
    cmd.env("GHENV_TEST_PROXY_ANSWER_LIMIT", "1024");
    let proxy = Proxy::start_with(cmd);
    let post = || {
        client()
            .post(&proxy.url)
            .header("origin", "http://localhost:5173")
            .body(QUERY)
            .send()
            .unwrap()
    };
    let cut = post();
    assert_eq!(cut.status(), 502);
    assert_eq!(cut.headers()["x-content-type-options"], "nosniff");
    assert!(cut.text().unwrap().contains("larger than"));
    // The next request is served as usual, and its answer is never a
    // document a browser would render as the proxy's.
    let next = post();
    assert_eq!(next.status(), 200);
    assert_eq!(next.headers()["x-content-type-options"], "nosniff");
    assert!(
        next.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let log = proxy.stop();
    assert!(log.contains("502"), "{log}");
    assert!(!log.contains(&token[4..]));
}

#[test]
fn at_most_eight_requests_are_forwarded_at_once_and_the_next_wait_their_turn() {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let (p, _) = proxied_project();
    // An upstream that holds every connection until told to answer, and
    // then answers each (held or new) at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream = format!("http://{}/graphql", listener.local_addr().unwrap());
    let held: Arc<Mutex<Vec<std::net::TcpStream>>> = Arc::default();
    let release = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let answer = |mut s: std::net::TcpStream| {
        let mut buf = [0u8; 4096];
        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
        let _ = s.read(&mut buf);
        let body = r#"{"data":{"viewer":{"login":"octocat"}}}"#;
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    };
    {
        let (held, release) = (Arc::clone(&held), Arc::clone(&release));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                if release.load(std::sync::atomic::Ordering::SeqCst) {
                    answer(stream);
                } else {
                    held.lock().unwrap().push(stream);
                }
            }
        });
    }
    let mut proxy = Proxy::start(&p, &["--endpoint", &upstream]);
    let url = proxy.url.clone();
    let clients: Vec<_> = (0..9)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                client()
                    .post(&url)
                    .header("origin", "http://localhost:5173")
                    .body(QUERY)
                    .send()
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    // The ninth waits: the log says so, and GitHub has eight connections,
    // never a ninth while none is answered.
    proxy.wait_for("the most at once: the next ones wait their turn");
    let deadline = Instant::now() + PATIENCE;
    while held.lock().unwrap().len() < 8 {
        assert!(Instant::now() < deadline, "eight never reached GitHub");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(held.lock().unwrap().len(), 8);
    // Answered, every request gets its turn.
    release.store(true, std::sync::atomic::Ordering::SeqCst);
    for stream in held.lock().unwrap().drain(..) {
        answer(stream);
    }
    for c in clients {
        assert_eq!(c.join().unwrap().unwrap(), 200);
    }
    proxy.stop();
}
