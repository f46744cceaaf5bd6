//! Input written by someone else: a config.toml from the repository (anyone
//! who can push wrote it) and a server that answers to paint the terminal.
//! The token goes only where the user said, and nothing from outside
//! reaches the terminal raw.

use crate::common::*;

const REACT_VAR: &str = "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN";

/// A fresh clone whose config.toml names `endpoint` (TOML string text,
/// without its quotes), with a token in .env.
fn clone_with_endpoint(endpoint: &str, token: &str) -> Project {
    let p = Project::new();
    p.write(
        "config.toml",
        &format!("version = 1\ntemplate = \"react\"\n\n[github]\nendpoint = \"{endpoint}\"\n"),
    );
    p.write(".env", &format!("{REACT_VAR}={token}\n"));
    p
}

#[test]
fn an_endpoint_from_config_toml_gets_no_token_until_the_user_trusts_it() {
    let token = classic();
    // Two answers: for the run that trusts it, and the one after.
    let attacker = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let p = clone_with_endpoint(&attacker.url(), &token);
    let before = p.snapshot();
    for args in [
        vec!["check"],
        vec!["rotate", "--token-stdin"],
        vec!["scopes"],
        vec!["run", "--", "true"],
    ] {
        let out = p.run(&args, &token_with("ghp_", 61));
        out.code(7).never_shows(&token).stderr_has(&[
            "not trusted",
            &attacker.url(),
            "ghenv allow",
        ]);
    }
    // The shell's token on a clone without .env is not sent either.
    std::fs::remove_file(p.file(".env")).unwrap();
    let mut cmd = p.cmd(&["check", "--json"]);
    cmd.env("GH_TOKEN", &token);
    let out = p.run_with(cmd, b"");
    out.code(7);
    assert_eq!(out.json()["error"]["kind"], "untrusted_endpoint");
    assert!(attacker.requests().is_empty(), "the token was sent");
    p.write(".env", &format!("{REACT_VAR}={token}\n"));
    assert_eq!(p.snapshot(), before);

    // Given once by flag, it is remembered on this machine (not in the
    // project) and named in the output.
    p.run(&["check", "--endpoint", &attacker.url()], "").code(0);
    let out = p.run(&["check"], "");
    out.code(0)
        .stderr_has(&["Using the GraphQL endpoint", &attacker.url()]);
    let trusted =
        std::fs::read_to_string(p.home.path().join(".config/ghenv/trusted-endpoints")).unwrap();
    assert!(trusted.contains(&attacker.url()), "{trusted}");
    assert_eq!(attacker.requests().len(), 2);
}

#[test]
fn the_environment_variable_is_trusted_for_the_run_but_not_remembered() {
    let token = classic();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let p = clone_with_endpoint("https://api.github.com/graphql", &token);
    let mut cmd = p.cmd(&["check"]);
    cmd.env("GHENV_GRAPHQL_URL", fake.url());
    p.run_with(cmd, b"").code(0);
    assert!(
        !p.home
            .path()
            .join(".config/ghenv/trusted-endpoints")
            .exists()
    );
}

#[test]
fn run_and_unlock_refuse_a_plain_http_endpoint_from_config_toml() {
    let token = classic();
    let p = clone_with_endpoint("http://evil.example/graphql", &token);
    let marker = p.file("ran");
    let out = p.run(&["run", "--", "touch", marker.to_str().unwrap()], "");
    out.code(2)
        .stderr_has(&["config.toml", "plain http", "evil.example"]);
    assert!(
        !marker.exists(),
        "the command ran with the endpoint exported"
    );
    // unlock, on an encrypted clone whose config.toml names the same
    // endpoint, writes no env file holding it.
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-r",
            &public,
            "--no-env",
        ],
        &token,
    )
    .code(0);
    p.set_config_line("endpoint", "endpoint = \"http://evil.example/graphql\"");
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(2)
        .never_shows(&token)
        .stderr_has(&["config.toml", "plain http", "evil.example"]);
    assert!(!p.exists(".env"));
}

#[test]
fn control_characters_in_an_endpoint_are_refused_and_never_printed() {
    let token = classic();
    let p = clone_with_endpoint("https://x.example/\\u001b]0;pwned\\u0007/graphql", &token);
    let out = p.run(&["check"], "");
    out.code(2).stderr_has(&["control characters"]);
    assert!(!out.stderr.contains('\u{1b}'), "{out}");
    assert!(!out.stderr.contains('\u{7}'), "{out}");
}

#[test]
fn escapes_from_the_server_never_reach_the_terminal() {
    let token = classic();
    let p = Project::new();
    let mut ok = Reply::ok("octo\\u001b]0;pwned\\u0007cat", COURSE_SCOPES);
    ok.body = String::from_utf8(ok.body)
        .unwrap()
        .replace("The Octocat", "\\u001b[8mhidden\\n✓ all good")
        .replace("2026-11-25T10:00:00Z", "\\u009b2J")
        .into_bytes();
    let fake = FakeGitHub::start(vec![ok.clone(), ok]);
    let out = p.init(&fake, &token, &["--offline"]);
    out.code(0);
    let out = p.init(&fake, &token, &[]);
    out.code(0);
    let check = p.run(&["check", "--endpoint", &fake.url()], "");
    for text in [&out.stderr, &check.stdout, &check.stderr] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "a control character reached the terminal\n{out}\n{check}"
        );
        assert!(!text.contains("\n✓ all good"), "a fake line was printed");
    }
    assert!(out.stderr.contains("octo\\u{1b}]0;pwned\\u{7}cat"), "{out}");
}

#[test]
fn escapes_in_an_error_message_from_the_server_are_shown_escaped() {
    let token = classic();
    let p = Project::new();
    let mut r = Reply::bad_credentials();
    r.body =
        br#"{"message":"Bad credentials\u001b]0;pwned\u0007\n\u2713 token accepted"}"#.to_vec();
    let fake = FakeGitHub::start(vec![r]);
    let out = p.init(&fake, &token, &[]);
    out.code(3).stderr_has(&["Bad credentials\\u{1b}]0;pwned"]);
    assert!(!out.stderr.contains(['\u{1b}', '\u{7}']), "{out}");
    assert!(!out.stderr.contains("\n✓ token accepted"), "{out}");
}

#[test]
fn a_trickling_server_is_cut_off_at_the_timeout() {
    let token = classic();
    let p = Project::new();
    // Headers at once, then one body byte a second: about four minutes.
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).trickled(std::time::Duration::from_secs(1)),
    ]);
    let started = std::time::Instant::now();
    let out = p.init(&fake, &token, &["--timeout", "2"]);
    out.code(5)
        .never_shows(&token)
        .stderr_has(&["within 2 seconds"]);
    // A deadline, not a speed target: each byte restarting the clock would
    // take minutes.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "--timeout 2 took {:?}",
        started.elapsed()
    );
    assert!(p.snapshot().is_empty());
}

#[test]
fn a_proxy_never_sees_the_token_for_a_loopback_endpoint() {
    let token = classic();
    let p = Project::new();
    let proxy = FakeGitHub::start(vec![]);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let endpoint = fake.url().replace("127.0.0.1", "localhost");
    let proxy_url = proxy.url().replace("/graphql", "");
    let mut cmd = p.cmd(&["init", "--token-stdin", "--endpoint", &endpoint]);
    for var in ["http_proxy", "HTTP_PROXY", "https_proxy", "ALL_PROXY"] {
        cmd.env(var, &proxy_url);
    }
    p.run_with(cmd, token.as_bytes()).code(0);
    assert!(proxy.requests().is_empty(), "the proxy got the request");
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn run_does_not_pass_the_keys_to_the_command() {
    let token = classic();
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &public],
        &token,
    )
    .code(0);
    let identity = std::fs::read_to_string(&key).unwrap();
    let mut cmd = p.cmd(&[
        "run",
        "--",
        "sh",
        "-c",
        &format!(
            "test -z \"$GHENV_IDENTITY\" && test -z \"$GHENV_PASSPHRASE\" && test \"${REACT_VAR}\" = '{token}'"
        ),
    ]);
    cmd.env("GHENV_IDENTITY", identity.trim())
        .env("GHENV_PASSPHRASE", "not for the child");
    p.run_with(cmd, b"").code(0);
}

#[test]
fn a_fifo_at_env_is_refused_instead_of_hanging() {
    let p = Project::new();
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    std::fs::remove_file(p.file(".env")).unwrap();
    p.mkfifo(".env");
    for args in [vec!["check"], vec!["run", "--", "true"]] {
        let mut child = p
            .cmd(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{args:?} hangs on a FIFO at .env");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(7), "{args:?}");
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert!(err.contains("not a regular file"), "{err}");
    }
}

#[test]
fn a_negated_env_in_gitignore_ends_ignored() {
    let p = Project::new();
    p.git_init();
    p.write(".gitignore", "node_modules\n.env\n!.env\n");
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let ignored = p.git(&["check-ignore", "-q", ".env"]);
    assert!(
        ignored.status.success(),
        ".env is not ignored:\n{}",
        p.read(".gitignore")
    );
    assert!(
        p.read(".gitignore")
            .starts_with("node_modules\n.env\n!.env\n")
    );
    p.git(&["add", "-A"]);
    let staged = String::from_utf8(p.git(&["diff", "--cached", "--name-only"]).stdout).unwrap();
    assert!(!staged.lines().any(|l| l == ".env"), "{staged}");
}

#[test]
fn keygen_will_not_put_a_key_where_git_would_commit_it() {
    let p = Project::new();
    p.git_init();
    let out = p.run(&["keygen", "--output", "ci.txt", "--json"], "");
    out.code(7)
        .stderr_has(&["git add -A", "outside the project"]);
    assert_eq!(out.json()["error"]["kind"], "key_in_work_tree");
    assert!(!p.exists("ci.txt"));
    // Ignored first, it may go there; outside a work tree always.
    p.write(".gitignore", "ci.txt\n");
    p.run(&["keygen", "--output", "ci.txt"], "").code(0);
    let outside = p.home.path().join("ci.txt");
    p.run(&["keygen", "--output", outside.to_str().unwrap()], "")
        .code(0);
}

#[test]
fn a_committed_age_identity_is_found_by_scan_and_the_hook() {
    let p = Project::new();
    p.git_init();
    let (key, _) = p.keygen("k.txt");
    let identity = std::fs::read_to_string(&key).unwrap();
    let secret = identity
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap()
        .to_owned();
    p.write("ci-key.txt", &identity);
    p.git(&["add", "ci-key.txt"]);
    let out = p.run(&["scan", "--staged", "--json"], "");
    out.code(1).never_shows(&secret);
    let j = out.json();
    assert_eq!(j["findings"][0]["kind"], "age-identity");
    assert_eq!(j["findings"][0]["path"], "ci-key.txt");
    p.run(&["scan"], "")
        .code(1)
        .never_shows(&secret)
        .stderr_has(&["1 age identity"]);
}

#[test]
fn no_core_dump_while_the_token_is_held_and_the_limit_comes_back_for_run() {
    let token = classic();
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(std::time::Duration::from_millis(1500)),
    ]);
    // Started with core dumps allowed (sh execs ghenv, keeping the pid).
    let ghenv = env!("CARGO_BIN_EXE_ghenv");
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "ulimit -c 1234 2>/dev/null || exit 99; exec '{ghenv}' init --token-stdin --endpoint {}",
                fake.url()
            ),
        ])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .env("XDG_CONFIG_HOME", p.home.path().join(".config"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), token.as_bytes()).unwrap();
    // While ghenv waits for GitHub, holding the token (the fake has the
    // request and holds its answer back 1.5 s):
    fake.wait_for_request();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(
        core.split_whitespace().nth(4),
        Some("0"),
        "core dumps are allowed: {core}"
    );
    assert!(child.wait().unwrap().success());

    // The command run execs gets the limit ghenv started with.
    let mut cmd = std::process::Command::new("sh");
    cmd.args([
        "-c",
        &format!("ulimit -c 1234 2>/dev/null || exit 99; exec '{ghenv}' run -- sh -c 'ulimit -c'"),
    ])
    .current_dir(p.path())
    .env("HOME", p.home.path());
    let out = cmd.output().unwrap();
    if out.status.code() == Some(99) {
        eprintln!("skipped: the hard core-file limit is below 1234 here");
        return;
    }
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "1234",
        "{out:?}"
    );
}

#[test]
fn an_appended_recipient_is_flagged_and_never_gets_the_rotated_token() {
    let p = Project::new();
    let (alice, alice_pub) = p.keygen("alice.txt");
    let (mallory, mallory_pub) = p.keygen("mallory.txt");
    let a = alice.to_str().unwrap();
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &alice_pub],
        &token,
    )
    .code(0);
    // Mallory can push: she appends her key without re-encrypting.
    let config = p.read("config.toml").replace(
        &format!("    \"{alice_pub}\",\n"),
        &format!("    \"{alice_pub}\",\n    \"{mallory_pub}\",\n"),
    );
    assert!(config.contains(&mallory_pub));
    p.write("config.toml", &config);
    std::fs::remove_file(p.file(".env")).unwrap();
    let before = p.snapshot();

    // Decrypting still works, with a warning naming her key.
    p.unlock(&["-i", a])
        .code(0)
        .stderr_has(&["not accepted on this machine", &mallory_pub]);
    let listed = p.run(&["recipients", "list", "-i", a, "--json"], "").json();
    assert_eq!(listed["accepted"], serde_json::json!([true, false]));
    std::fs::remove_file(p.file(".env")).unwrap();
    assert_eq!(p.snapshot(), before);

    // Nothing encrypts a new token to her without the user's word.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let new = token_with("ghp_", 71);
    let out = p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            a,
            "--endpoint",
            &fake.url(),
            "--json",
        ],
        &new,
    );
    out.code(7).never_shows(&new);
    assert_eq!(out.json()["error"]["kind"], "recipients_not_accepted");
    let (_, bob_pub) = p.keygen("bob.txt");
    p.run(&["recipients", "add", &bob_pub, "-i", a], "")
        .code(7)
        .stderr_has(&[&mallory_pub]);
    assert_eq!(p.snapshot(), before, "nothing may be written");

    // Removing her (verified or not, removal is safe), then rotating:
    // her key cannot decrypt the new token.
    p.run(&["recipients", "remove", &mallory_pub, "-i", a], "")
        .code(0);
    p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            a,
            "--endpoint",
            &fake.url(),
        ],
        &new,
    )
    .code(0);
    p.unlock(&["-i", mallory.to_str().unwrap()]).code(6);
    p.unlock(&["-i", a]).code(0);
    assert_eq!(p.env_token(), new);
}

#[test]
fn the_reference_age_reads_the_secret_and_no_forgeable_tags_are_written() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &public],
        &token,
    )
    .code(0);
    // The tags (an HMAC keyed by the token) could be forged by anyone who
    // encrypts a token of their own: they are gone.
    assert!(!p.read("config.toml").contains("recipient_tags"));
    let out = age_cmd(&["-d", "-i", key.to_str().unwrap()], p.armored().as_bytes());
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), token);
}
