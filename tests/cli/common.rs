//! Test helpers: a fake GitHub GraphQL server on 127.0.0.1 and a runner for
//! the real `ghenv` binary in a fresh temp dir with a clean environment.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

// ---------------------------------------------------------------- tokens

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC32 (IEEE), bit by bit: an implementation independent of the crate's.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn base62_6(mut n: u32) -> String {
    let mut out = vec![b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// A well-formed token with `prefix` (`ghp_`, ...) built from `seed`.
pub fn token_with(prefix: &str, seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let random: String = (0..30)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            BASE62[(x % 62) as usize] as char
        })
        .collect();
    format!("{prefix}{random}{}", base62_6(crc32(random.as_bytes())))
}

/// A valid classic token.
pub fn classic() -> String {
    token_with("ghp_", 1)
}

/// A valid fine-grained token (checked by shape only).
pub fn fine_grained() -> String {
    format!(
        "github_pat_{}_{}",
        "11ABCDEFG0123456789xyz",
        "Z".repeat(20) + &"a1".repeat(19) + "q"
    )
}

/// `token` with one character of its random part changed.
pub fn flipped(token: &str) -> String {
    let mut b = token.as_bytes().to_vec();
    b[10] = if b[10] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

// ---------------------------------------------------------------- fake GitHub

/// One canned answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub reason: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Claim the full length but close after this many body bytes.
    pub cut_at: Option<usize>,
    /// Send the body one byte at a time, this long apart.
    pub trickle: Option<Duration>,
}

pub const COURSE_SCOPES: &str =
    "repo, read:org, write:org, notifications, read:user, user:email, user:follow";

impl Reply {
    pub fn json(status: u16, reason: &'static str, body: &str) -> Reply {
        Reply {
            status,
            reason,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                (
                    "X-GitHub-Request-Id".into(),
                    "E3C4:1F2B:9A8F1:B1C2D:6765A1B2".into(),
                ),
                (
                    "X-GitHub-Media-Type".into(),
                    "github.v4; format=json".into(),
                ),
                ("X-RateLimit-Limit".into(), "5000".into()),
                ("X-RateLimit-Remaining".into(), "4999".into()),
                ("X-RateLimit-Used".into(), "1".into()),
                ("X-RateLimit-Resource".into(), "graphql".into()),
                ("X-RateLimit-Reset".into(), "1800000000".into()),
            ],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            cut_at: None,
            trickle: None,
        }
    }

    /// 200 for `login`, with `X-OAuth-Scopes: scopes` (classic tokens).
    pub fn ok(login: &str, scopes: &str) -> Reply {
        Reply::fine_grained(login)
            .header("X-OAuth-Scopes", scopes)
            .header("X-Accepted-OAuth-Scopes", "")
    }

    /// 200 for a viewer whose strings are all given (a server that echoes
    /// what it was sent), with `X-OAuth-Scopes: scopes`.
    pub fn viewer(login: &str, name: &str, reset_at: &str, scopes: &str) -> Reply {
        let body = serde_json::json!({"data": {
            "viewer": {"login": login, "name": name},
            "rateLimit": {"limit": 5000, "remaining": 4999, "resetAt": reset_at},
        }});
        Reply::json(200, "OK", &body.to_string())
            .header("X-OAuth-Scopes", scopes)
            .header("X-Accepted-OAuth-Scopes", "")
    }

    /// 200 without `X-OAuth-Scopes`, as for fine-grained tokens.
    pub fn fine_grained(login: &str) -> Reply {
        let body = format!(
            r#"{{"data":{{"viewer":{{"login":"{login}","name":"The Octocat"}},"rateLimit":{{"limit":5000,"remaining":4999,"resetAt":"2026-11-25T10:00:00Z"}}}}}}"#
        );
        Reply::json(200, "OK", &body)
    }

    /// 401 Bad credentials, as GitHub sends it.
    pub fn bad_credentials() -> Reply {
        let mut r = Reply::json(
            401,
            "Unauthorized",
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql","status":"401"}"#,
        );
        r.headers.retain(|(k, _)| !k.starts_with("X-RateLimit"));
        r.header("WWW-Authenticate", "Bearer realm=\"GitHub\"")
    }

    /// 403 secondary rate limit with `Retry-After`.
    pub fn secondary_rate_limit(secs: u64) -> Reply {
        Reply::json(
            403,
            "Forbidden",
            r#"{"documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#,
        )
        .header("Retry-After", &secs.to_string())
    }

    /// 403 primary rate limit: remaining 0 and a reset time.
    pub fn primary_rate_limit(reset: u64) -> Reply {
        let mut r = Reply::json(
            403,
            "Forbidden",
            r#"{"message":"API rate limit exceeded for user ID 1."}"#,
        );
        r.headers
            .retain(|(k, _)| k != "X-RateLimit-Remaining" && k != "X-RateLimit-Reset");
        r.header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", &reset.to_string())
    }

    /// 202 from the credential revocation API (REST headers, unauthenticated limit).
    pub fn revoke_accepted() -> Reply {
        Reply::rest(202, "Accepted", "{}")
    }

    /// 422 from the credential revocation API.
    pub fn revoke_unprocessable(message: &str) -> Reply {
        Reply::rest(
            422,
            "Unprocessable Entity",
            &serde_json::json!({
                "message": message,
                "documentation_url": "https://docs.github.com/rest/credentials/revoke#revoke-a-list-of-credentials",
                "status": "422"
            })
            .to_string(),
        )
    }

    /// 200 with `https://github.com/USER.keys`'s body: one key a line.
    pub fn keys(lines: &[&str]) -> Reply {
        let mut body = lines.join("\n");
        body.push('\n');
        Reply {
            status: 200,
            reason: "OK",
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.into_bytes(),
            delay: Duration::ZERO,
            cut_at: None,
            trickle: None,
        }
    }

    /// 404 as github.com answers an unknown user's `.keys`.
    pub fn not_found() -> Reply {
        let mut r = Reply::keys(&["Not Found"]);
        r.status = 404;
        r.reason = "Not Found";
        r
    }

    /// A REST answer with the headers of an unauthenticated call.
    pub fn rest(status: u16, reason: &'static str, body: &str) -> Reply {
        let mut r = Reply::json(status, reason, body);
        r.headers
            .retain(|(k, _)| !k.starts_with("X-RateLimit") && k != "X-GitHub-Media-Type");
        r.header("X-GitHub-Media-Type", "github.v3; format=json")
            .header("X-RateLimit-Limit", "60")
            .header("X-RateLimit-Remaining", "59")
            .header("X-RateLimit-Resource", "core")
    }

    /// 429 Too Many Requests.
    pub fn too_many(secs: u64) -> Reply {
        Reply::json(
            429,
            "Too Many Requests",
            r#"{"message":"Too many requests"}"#,
        )
        .header("Retry-After", &secs.to_string())
    }

    /// 502 with an HTML page, as GitHub's edge sends it.
    pub fn bad_gateway() -> Reply {
        Reply {
            status: 502,
            reason: "Bad Gateway",
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: b"<html><body><h1>502 Bad Gateway</h1>Unicorn!</body></html>".to_vec(),
            delay: Duration::ZERO,
            cut_at: None,
            trickle: None,
        }
    }

    /// 200 whose JSON stops half-way.
    pub fn truncated_json() -> Reply {
        let mut r = Reply::ok("octocat", COURSE_SCOPES);
        r.body.truncate(40);
        r
    }

    /// 200 with a body of `len` bytes.
    pub fn huge(len: usize) -> Reply {
        let mut body = br#"{"data":{"viewer":{"login":"octocat","name":""#.to_vec();
        body.resize(len, b'a');
        body.extend_from_slice(br#""}}}"#);
        let mut r = Reply::ok("octocat", COURSE_SCOPES);
        r.body = body;
        r
    }

    /// 200 with GraphQL `errors` and no data.
    pub fn graphql_errors() -> Reply {
        Reply::json(
            200,
            "OK",
            r#"{"errors":[{"message":"Something went wrong while executing your query."}]}"#,
        )
    }

    /// A redirect to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply {
            status: 307,
            reason: "Temporary Redirect",
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
            delay: Duration::ZERO,
            cut_at: None,
            trickle: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits before answering.
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Sends the body one byte every `gap`, after the headers.
    pub fn trickled(mut self, gap: Duration) -> Reply {
        self.trickle = Some(gap);
        self
    }

    /// Closes the connection after `n` body bytes.
    pub fn cut(mut self, n: usize) -> Reply {
        self.cut_at = Some(n);
        self
    }
}

/// A request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A fake GitHub GraphQL API. Answers with `replies` in order; a request
/// beyond them gets a 500 and fails the test on drop, and so does a reply
/// that was never asked for.
pub struct FakeGitHub {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    expected: usize,
    /// Whether fewer requests than replies may come (a test that stops
    /// ghenv at a moment it cannot pin to the request).
    at_most: bool,
}

impl FakeGitHub {
    pub fn start(replies: Vec<Reply>) -> FakeGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let expected = replies.len();
        let (reqs, halt) = (Arc::clone(&requests), Arc::clone(&stop));
        let handle = thread::spawn(move || {
            let mut replies = replies.into_iter();
            for stream in listener.incoming() {
                if halt.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let reply = replies.next().unwrap_or_else(|| {
                    Reply::json(
                        500,
                        "Internal Server Error",
                        r#"{"message":"fake: unexpected request"}"#,
                    )
                });
                serve(stream, &reply, &reqs);
            }
        });
        FakeGitHub {
            port,
            requests,
            stop,
            handle: Some(handle),
            expected,
            at_most: false,
        }
    }

    /// Lets the test end with fewer requests than replies, never more.
    pub fn at_most(mut self) -> FakeGitHub {
        self.at_most = true;
        self
    }

    /// The REST base to pass in `GHENV_API_URL`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The GraphQL URL to pass with `--endpoint`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/graphql", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits until a request has arrived (ghenv is then waiting for the
    /// answer), 30 s at most: a condition, never a guess at how long.
    pub fn wait_for_request(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while self.requests.lock().unwrap().is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "ghenv never asked GitHub"
            );
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        if !thread::panicking() {
            let got = self.requests.lock().unwrap().len();
            if self.at_most {
                assert!(
                    got <= self.expected,
                    "the fake GitHub expected at most {} request(s) and got {got}",
                    self.expected
                );
                return;
            }
            assert_eq!(
                got, self.expected,
                "the fake GitHub expected {} request(s) and got {got}",
                self.expected
            );
        }
    }
}

fn serve(stream: TcpStream, reply: &Reply, requests: &Mutex<Vec<Recorded>>) {
    serve_with(stream, requests, |_| reply.clone());
}

/// Reads one request, records it, and answers with what `answer` makes of it.
pub fn serve_with(
    stream: TcpStream,
    requests: &Mutex<Vec<Recorded>>,
    answer: impl FnOnce(&Recorded) -> Reply,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return; // the drop's wake-up connection, or a client that gave up
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let recorded = Recorded {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let reply = &answer(&recorded);
    requests.lock().unwrap().push(recorded);
    thread::sleep(reply.delay);
    let mut out = stream;
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reply.reason);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let _ = out.write_all(head.as_bytes());
    let body = match reply.cut_at {
        Some(n) => &reply.body[..n.min(reply.body.len())],
        None => &reply.body[..],
    };
    match reply.trickle {
        Some(gap) => {
            let _ = out.flush();
            for b in body {
                thread::sleep(gap);
                if out.write_all(&[*b]).and_then(|()| out.flush()).is_err() {
                    return; // the client gave up
                }
            }
        }
        None => {
            let _ = out.write_all(body);
        }
    }
    let _ = out.flush();
}

/// A loopback URL on which nothing listens.
pub fn refused_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/graphql")
}

// ---------------------------------------------------------------- runner

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Fails (with the whole output) unless the exit code is `code`.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Output {
        assert_eq!(self.code, code, "unexpected exit code\n{self}");
        self
    }

    /// Fails unless stdout contains every one of `parts`.
    #[track_caller]
    pub fn stdout_has(&self, parts: &[&str]) -> &Output {
        for p in parts {
            assert!(self.stdout.contains(p), "stdout lacks {p:?}\n{self}");
        }
        self
    }

    /// Fails unless stderr contains every one of `parts`.
    #[track_caller]
    pub fn stderr_has(&self, parts: &[&str]) -> &Output {
        for p in parts {
            assert!(self.stderr.contains(p), "stderr lacks {p:?}\n{self}");
        }
        self
    }

    /// Fails if `secret` appears anywhere in stdout or stderr.
    #[track_caller]
    pub fn never_shows(&self, secret: &str) -> &Output {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "the secret leaked\n{self}"
        );
        // Not even most of it: a token minus its last character.
        let cut = secret.char_indices().last().map_or(0, |(i, _)| i);
        let most = &secret[..cut];
        assert!(
            !self.stdout.contains(most) && !self.stderr.contains(most),
            "the secret leaked\n{self}"
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e})\n{self}"))
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A temp project folder and a way to run ghenv in it.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.file(name), text).unwrap();
    }

    pub fn exists(&self, name: &str) -> bool {
        self.file(name).symlink_metadata().is_ok()
    }

    pub fn mode(&self, name: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(self.file(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    /// Every file in the folder with its bytes and mode, to prove nothing
    /// changed.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>, u32)> {
        use std::os::unix::fs::PermissionsExt;
        let mut out: Vec<_> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let meta = e.path().symlink_metadata().unwrap();
                let bytes = if meta.is_file() {
                    std::fs::read(e.path()).unwrap()
                } else {
                    Vec::new()
                };
                (
                    e.file_name().to_string_lossy().into_owned(),
                    bytes,
                    meta.permissions().mode(),
                )
            })
            .filter(|(name, _, _)| name != ".git")
            .collect();
        out.sort();
        out
    }

    /// The command, run in the project with a clean environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ghenv"));
        cmd.args(args).current_dir(self.path()).env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("LANG", "C.UTF-8");
        cmd
    }

    /// Runs ghenv with `args` and `stdin`.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_with(self.cmd(args), stdin.as_bytes())
    }

    /// Runs `ghenv init --token-stdin --endpoint URL` with extra `args`.
    pub fn init(&self, fake: &FakeGitHub, token: &str, args: &[&str]) -> Output {
        let mut all = vec!["init", "--token-stdin", "--endpoint"];
        let url = fake.url();
        all.push(&url);
        all.extend_from_slice(args);
        self.run(&all, &format!("{token}\n"))
    }

    pub fn run_with(&self, mut cmd: Command, stdin: &[u8]) -> Output {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run ghenv");
        {
            let mut input = child.stdin.take().unwrap();
            let _ = input.write_all(stdin);
        }
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `git init` in the project (quietly, with an identity for commits).
    pub fn git_init(&self) {
        self.git(&["init", "-q"]);
        self.git(&["config", "user.email", "t@example.com"]);
        self.git(&["config", "user.name", "T"]);
    }

    /// config.toml with its `KEY = …` line (the first) replaced by `line`.
    pub fn set_config_line(&self, key: &str, line: &str) {
        let mut done = false;
        let text: String = self
            .read("config.toml")
            .lines()
            .map(|l| {
                if !done && l.starts_with(&format!("{key} = ")) {
                    done = true;
                    format!("{line}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert!(done, "config.toml has no {key} line");
        self.write("config.toml", &text);
    }

    /// A FIFO at `name` in the project (nobody writes to it).
    pub fn mkfifo(&self, name: &str) {
        let made = Command::new("mkfifo")
            .arg(self.file(name))
            .status()
            .expect("mkfifo");
        assert!(made.success(), "mkfifo {name}");
    }

    pub fn git(&self, args: &[&str]) -> std::process::Output {
        Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("HOME", self.home.path())
            .output()
            .expect("git")
    }
}

/// Reads `.env` text back with dotenvy.
pub fn dotenv_pairs(text: &str) -> Vec<(String, String)> {
    dotenvy::from_read_iter(text.as_bytes())
        .map(Result::unwrap)
        .collect()
}

// ---------------------------------------------------------------- keys

impl Project {
    /// `config.toml`, asserting it does not hold `token` in plaintext.
    #[track_caller]
    pub fn config_without(&self, token: &str) -> String {
        let text = self.read("config.toml");
        assert!(
            !text.contains(token),
            "config.toml holds the plaintext token:\n{text}"
        );
        text
    }

    /// A new age identity at `name` (in the home folder); returns its path
    /// and public key.
    pub fn keygen(&self, name: &str) -> (PathBuf, String) {
        let path = self.home.path().join(name);
        let out = self.run(&["keygen", "--output", path.to_str().unwrap()], "");
        out.code(0);
        let public = out.stdout.trim().to_owned();
        assert!(public.starts_with("age1"), "{out}");
        (path, public)
    }

    /// A new unencrypted SSH key of `kind` (`ed25519`, `rsa`); returns the
    /// private key path and the public key line.
    pub fn ssh_keygen(&self, name: &str, kind: &str, passphrase: &str) -> (PathBuf, String) {
        let path = self.home.path().join(name);
        let mut args = vec!["-q", "-t", kind, "-N", passphrase, "-C", "test@ghenv", "-f"];
        let p = path.to_str().unwrap().to_owned();
        args.push(&p);
        if kind == "rsa" {
            args.extend(["-b", "2048"]);
        }
        let status = Command::new("ssh-keygen")
            .args(&args)
            .status()
            .expect("ssh-keygen is installed (scripts/test.sh installs openssh-client)");
        assert!(status.success());
        let public = std::fs::read_to_string(path.with_extension("pub"))
            .unwrap()
            .trim()
            .to_owned();
        (path, public)
    }

    /// The armored ciphertext from `[secret]`.
    pub fn armored(&self) -> String {
        let c: toml::Table = toml::from_str(&self.read("config.toml")).unwrap();
        c["secret"]["token"].as_str().unwrap().to_owned()
    }

    /// `[secret].recipients`.
    pub fn recipients(&self) -> Vec<String> {
        let c: toml::Table = toml::from_str(&self.read("config.toml")).unwrap();
        c["secret"]["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    /// Runs `ghenv unlock` with `args` and returns the token `.env` then
    /// holds (after removing any `.env` first, as on a fresh clone).
    pub fn unlock(&self, args: &[&str]) -> Output {
        let _ = std::fs::remove_file(self.file(".env"));
        let mut all = vec!["unlock"];
        all.extend_from_slice(args);
        self.run(&all, "")
    }

    pub fn env_token(&self) -> String {
        dotenv_pairs(&self.read(".env"))
            .into_iter()
            .find(|(k, _)| k == "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN")
            .map(|(_, v)| v)
            .expect("the token variable")
    }
}

/// Runs the reference Go `age` command.
pub fn age_cmd(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new("age")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reference `age` is installed (scripts/test.sh installs it with apt-get)");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// A folder made read-only for every process, root included (a read-only
/// bind mount of itself), until dropped. For the tests of a write that
/// fails: permission bits do not stop root, and CI runs as root.
pub struct ReadOnly(PathBuf);

impl ReadOnly {
    /// Mounts `path` read-only over itself; `None` where mounting is not
    /// allowed (then permission bits are what stops a user).
    pub fn mount(path: &Path) -> Option<ReadOnly> {
        let run = |args: &[&str]| {
            Command::new("mount")
                .args(args)
                .arg(path)
                .arg(path)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !run(&["--bind"]) {
            return None;
        }
        let guard = ReadOnly(path.to_path_buf());
        if !run(&["-o", "remount,bind,ro"]) {
            return None;
        }
        Some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Whether this process writes where permission bits say it cannot (root).
pub fn ignores_permissions() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let can = std::fs::write(dir.path().join("x"), "x").is_ok();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    can
}

/// `ghenv doctor --json ARGS` in the project: its checks.
pub fn doctor_json(p: &Project, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["doctor", "--json"];
    all.extend_from_slice(args);
    p.run(&all, "").json().as_array().unwrap().clone()
}

/// The checks among `checks` that fail.
pub fn failing_checks(checks: &[serde_json::Value]) -> Vec<serde_json::Value> {
    checks
        .iter()
        .filter(|c| c["status"] == "fail")
        .cloned()
        .collect()
}

/// A running `ghenv proxy --port 0 …`; its URL from the line it prints.
pub struct Proxy {
    pub child: std::process::Child,
    pub url: String,
    /// Every line of its stderr, as the reader thread sends them; the
    /// sender is dropped when stderr reaches its end.
    lines: std::sync::mpsc::Receiver<String>,
    /// The lines received so far.
    seen: Vec<String>,
}

/// How long a test waits for the proxy to do something before failing.
pub const PATIENCE: Duration = Duration::from_secs(10);

impl Proxy {
    pub fn start(p: &Project, args: &[&str]) -> Proxy {
        let mut all = vec!["proxy", "--port", "0"];
        all.extend_from_slice(args);
        Proxy::start_with(p.cmd(&all))
    }

    pub fn start_with(mut cmd: Command) -> Proxy {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut proxy = Proxy {
            child,
            url: String::new(),
            lines: rx,
            seen: Vec::new(),
        };
        let line = proxy.wait_for("Proxy on http://");
        let rest = &line[line.find("Proxy on ").unwrap() + "Proxy on ".len()..];
        proxy.url = rest.split_whitespace().next().unwrap().to_owned();
        proxy
    }

    /// Waits (at most [`PATIENCE`]) for a line of stderr that contains
    /// `needle`, and returns it.
    pub fn wait_for(&mut self, needle: &str) -> String {
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "no line with {needle:?} on stderr ({e:?}); so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The socket address in its URL.
    pub fn addr(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches("/graphql")
            .to_owned()
    }

    pub fn port(&self) -> u16 {
        self.addr().rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Stops it (SIGTERM) and returns everything it logged: stderr is
    /// read to its end, so no line is lost.
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "SIGTERM stops it cleanly");
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    panic!("its stderr never closed")
                }
            }
        }
        self.seen.join("\n")
    }
}

impl Drop for Proxy {
    /// A test that fails half-way leaves no proxy running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
