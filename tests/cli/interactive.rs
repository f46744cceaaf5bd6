//! The interactive paths, on a real pseudo-terminal (util-linux `script`):
//! the hidden prompt, the new-token URL shown before it, and the spinner.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::*;

/// Runs `ghenv ARGS` in a pseudo-terminal in the project; when the output
/// shows `prompt`, types `answer` and a newline. Returns the transcript.
fn on_terminal(
    p: &Project,
    args: &[&str],
    env: &[(&str, &str)],
    prompt: &str,
    answer: &str,
) -> (i32, String) {
    on_terminal_answering(p, args, env, &[(prompt, answer)])
}

/// As [`on_terminal`], answering each prompt in turn.
pub fn on_terminal_answering(
    p: &Project,
    args: &[&str],
    env: &[(&str, &str)],
    answers: &[(&str, &str)],
) -> (i32, String) {
    let mut line = String::from(env!("CARGO_BIN_EXE_ghenv"));
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    line.push_str("; echo \"[exit $?]\"");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(p.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", p.home.path())
        .env("TERM", "xterm");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux script is installed");
    let mut out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut transcript = Vec::new();
    let mut stdin = child.stdin.take().unwrap();
    let mut pending = answers.iter();
    let mut next = pending.next();
    let mut seen = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(chunk) => transcript.extend(chunk),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        let text = String::from_utf8_lossy(&transcript).into_owned();
        if let Some((prompt, answer)) = next
            && let Some(at) = text[seen..].find(prompt)
        {
            // A hidden prompt is printed before echo is turned off: typed
            // only once the terminal says echo is off, however slow the
            // machine; a visible question can be answered at once.
            let hidden = text[seen + at..]
                .lines()
                .next()
                .is_some_and(|l| l.contains("hidden") || l.contains("assphrase"));
            seen += at + prompt.len();
            if hidden {
                wait_for_echo_off(p.path());
            }
            stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
            next = pending.next();
        }
        if text.contains("[exit ") {
            break;
        }
    }
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&transcript).into_owned();
    let code = text
        .rsplit("[exit ")
        .next()
        .and_then(|s| s.split(']').next())
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(-1);
    (code, text)
}

/// Waits until the terminal of the ghenv running in `dir` has echo off
/// (`stty -F` on its standard input), 20 s at most.
fn wait_for_echo_off(dir: &std::path::Path) {
    let dir = std::fs::canonicalize(dir).unwrap();
    let ghenv = env!("CARGO_BIN_EXE_ghenv");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let base = entry.path();
            let is_ghenv = std::fs::read(base.join("cmdline"))
                .is_ok_and(|c| c.split(|&b| b == 0).next() == Some(ghenv.as_bytes()));
            if !is_ghenv || std::fs::read_link(base.join("cwd")).ok().as_deref() != Some(&dir) {
                continue;
            }
            let Ok(tty) = std::fs::read_link(base.join("fd/0")) else {
                continue;
            };
            let off = Command::new("stty")
                .arg("-F")
                .arg(&tty)
                .arg("-a")
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(" -echo "));
            if off {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_hidden_prompt_reads_the_token_without_echoing_it() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    let url = fake.url();
    let (code, transcript) = on_terminal(
        &p,
        &["init", "--endpoint", &url],
        &[],
        "GitHub token (input hidden):",
        &token,
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(&token),
        "the token was echoed:\n{transcript}"
    );
    assert!(
        transcript.contains("https://github.com/settings/tokens/new?scopes=repo%2Cread%3Aorg"),
        "{transcript}"
    );
    assert!(transcript.contains("valid for"), "{transcript}");
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}

#[test]
fn on_a_terminal_errors_are_coloured_and_no_color_turns_it_off() {
    let p = Project::new();
    let bad = flipped(&classic());
    // A typo is asked again, three times in all; then it is an error.
    let prompt = "GitHub token (input hidden):";
    let three = [
        (prompt, bad.as_str()),
        (prompt, bad.as_str()),
        (prompt, bad.as_str()),
    ];
    let (code, transcript) = on_terminal_answering(&p, &["init"], &[], &three);
    assert_eq!(code, 3, "{transcript}");
    assert!(
        transcript.contains("paste it again (2 of 3)"),
        "{transcript}"
    );
    assert!(
        transcript.contains("\x1b[31merror:\x1b[0m"),
        "{transcript:?}"
    );
    assert!(!transcript.contains(&bad));
    let (code, transcript) = on_terminal_answering(&p, &["init"], &[("NO_COLOR", "1")], &three);
    assert_eq!(code, 3, "{transcript}");
    assert!(
        transcript.contains("error:") && !transcript.contains("\x1b[31m"),
        "{transcript:?}"
    );
}

#[test]
fn the_spinner_shows_while_github_is_slow() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(Duration::from_millis(600)),
    ]);
    let token = classic();
    let url = fake.url();
    let (code, transcript) = on_terminal(
        &p,
        &["init", "--endpoint", &url],
        &[],
        "GitHub token (input hidden):",
        &token,
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("Validating the token with GitHub"),
        "{transcript}"
    );
    assert!(!transcript.contains(&token));
}

#[test]
fn a_dumb_terminal_gets_neither_spinner_nor_colour() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(Duration::from_millis(300)),
    ]);
    let token = classic();
    let url = fake.url();
    let (code, transcript) = on_terminal(
        &p,
        &["init", "--endpoint", &url],
        &[("TERM", "dumb")],
        "GitHub token (input hidden):",
        &token,
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains("Validating the token with GitHub"),
        "{transcript}"
    );
    assert!(!transcript.contains("\u{1b}["), "{transcript:?}");
    assert!(!transcript.contains(&token));
}

#[test]
fn init_on_a_terminal_offers_the_pre_commit_hook() {
    let p = Project::new();
    p.git_init();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    let url = fake.url();
    let (code, transcript) = on_terminal_answering(
        &p,
        &["init", "--endpoint", &url],
        &[],
        &[
            ("GitHub token (input hidden):", token.as_str()),
            ("blocks commits containing a GitHub token? [Y/n]", "y"),
        ],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("Pre-commit hook installed"),
        "{transcript}"
    );
    assert!(p.read(".git/hooks/pre-commit").contains("scan --staged"));
}

#[test]
fn an_endpoint_from_config_toml_is_trusted_only_on_a_yes_with_the_full_url_shown() {
    let token = classic();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let p = Project::new();
    p.write(
        "config.toml",
        &format!("version = 1\n\n[github]\nendpoint = \"{}\"\n", fake.url()),
    );
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    let xdg = p.home.path().join(".config");
    let xdg = xdg.to_str().unwrap();
    // The default is no: Enter refuses, and nothing is sent.
    let (code, text) = on_terminal(&p, &["check"], &[("XDG_CONFIG_HOME", xdg)], "[y/N]", "");
    assert_eq!(code, 7, "{text}");
    assert!(text.contains(&fake.url()), "the full URL is shown:\n{text}");
    assert!(fake.requests().is_empty());
    // Yes: the token goes there, and it is remembered.
    let (code, text) = on_terminal(&p, &["check"], &[("XDG_CONFIG_HOME", xdg)], "[y/N]", "y");
    assert_eq!(code, 0, "{text}");
    assert!(
        std::fs::read_to_string(p.home.path().join(".config/ghenv/trusted-endpoints"))
            .unwrap()
            .contains(&fake.url())
    );
    assert!(!text.contains(&token));
}

#[test]
fn unaccepted_recipients_are_shown_and_need_a_yes() {
    let p = Project::new();
    let (alice, alice_pub) = p.keygen("alice.txt");
    let (_, mallory_pub) = p.keygen("mallory.txt");
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &alice_pub],
        &token,
    )
    .code(0);
    let config = p.read("config.toml").replace(
        &format!("    \"{alice_pub}\",\n"),
        &format!("    \"{alice_pub}\",\n    \"{mallory_pub}\",\n"),
    );
    p.write("config.toml", &config);
    let a = alice.to_str().unwrap();
    let (_, bob_pub) = p.keygen("bob.txt");
    let (code, text) = on_terminal(
        &p,
        &["recipients", "add", &bob_pub, "-i", a],
        &[],
        "[y/N]",
        "n",
    );
    assert_eq!(code, 7, "{text}");
    assert!(
        text.contains(&mallory_pub),
        "the key is shown in full:\n{text}"
    );
    assert!(!p.read("config.toml").contains(&bob_pub));
    let (code, text) = on_terminal(
        &p,
        &["recipients", "add", &bob_pub, "-i", a],
        &[],
        "[y/N]",
        "y",
    );
    assert_eq!(code, 0, "{text}");
    // The user's yes accepts her key on this machine from now on.
    let listed = p.run(&["recipients", "list", "-i", a, "--json"], "").json();
    assert_eq!(listed["accepted"], serde_json::json!([true, true, true]));
}

#[test]
fn on_a_terminal_a_failing_shell_token_is_named_and_another_asked_for() {
    let (narrow, good) = (classic(), token_with("ghp_", 91));
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", "read:user"),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let url = fake.url();
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--endpoint", &url],
        &[("GH_TOKEN", &narrow)],
        &[
            ("Paste a different token instead? [Y/n]", ""),
            ("GitHub token (input hidden):", &good),
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("the token in $GH_TOKEN, set in your shell, failed"),
        "{text}"
    );
    assert!(!text.contains(&narrow) && !text.contains(&good), "{text}");
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, good);
}

#[test]
fn a_token_pasted_at_the_yes_no_question_is_hidden_and_used() {
    let (narrow, good) = (classic(), token_with("ghp_", 92));
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", "read:user"),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let url = fake.url();
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--endpoint", &url],
        &[("GH_TOKEN", &narrow)],
        &[("Paste a different token instead? [Y/n]", &good)],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains(&good),
        "the pasted token is not echoed:\n{text}"
    );
    assert!(
        text.contains(&format!("ghp_…{}", &good[good.len() - 4..])),
        "{text}"
    );
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, good);
}

#[test]
fn a_typo_at_the_prompt_is_asked_again() {
    let good = classic();
    let p = Project::new();
    let prompt = "GitHub token (input hidden):";
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--offline"],
        &[],
        &[(prompt, &flipped(&good)), (prompt, &good)],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("checksum does not match"), "{text}");
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, good);
}

#[test]
fn passphrases_that_differ_or_are_empty_are_asked_again_before_github() {
    let token = classic();
    let p = Project::new();
    // Three empty passphrases: refused before any request (the fake expects
    // none) and before the token is asked for.
    let fake = FakeGitHub::start(vec![]);
    let url = fake.url();
    let new = "New passphrase for the token:";
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--passphrase", "--endpoint", &url],
        &[],
        &[(new, ""), (new, ""), (new, "")],
    );
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("the passphrase is empty"), "{text}");
    assert!(!text.contains("GitHub token (input hidden)"), "{text}");
    drop(fake);
    // Two that differ, then two that match: the token is encrypted.
    let again = "The same passphrase again:";
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--offline", "--passphrase"],
        &[],
        &[
            (new, "one"),
            (again, "two"),
            (new, "correct horse"),
            (again, "correct horse"),
            ("GitHub token (input hidden):", &token),
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("do not match"), "{text}");
    let mut cmd = p.cmd(&["unlock"]);
    cmd.env("GHENV_PASSPHRASE", "correct horse");
    let _ = std::fs::remove_file(p.file(".env"));
    p.run_with(cmd, b"").code(0);
    assert_eq!(p.env_token(), token);
}

#[test]
fn an_ssh_keys_passphrase_is_asked_once_with_a_plain_prompt() {
    let token = classic();
    let p = Project::new();
    let (key, public) = p.ssh_keygen("locked_ed25519", "ed25519", "hunter22");
    let (_, other) = p.keygen("other.txt");
    // Two recipients, so age tries the key on two stanzas.
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "--no-env",
            "-r",
            &other,
            "-r",
            &public,
        ],
        &token,
    )
    .code(0);
    let k = key.to_str().unwrap();
    // rotate opens [secret] twice: to know the old token, and to check
    // the recipients; the key's passphrase is asked once.
    let new = token_with("ghp_", 33);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let url = fake.url();
    let (code, text) = on_terminal_answering(
        &p,
        &["rotate", "-i", k, "--endpoint", &url],
        &[],
        &[
            ("passphrase", "hunter22"),
            ("GitHub token (input hidden):", &new),
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(text.matches("passphrase for").count(), 1, "{text}");
    assert!(!text.contains(['\u{2068}', '\u{2069}']), "{text:?}");
    assert!(text.contains(&format!("{k}': ")), "{text}");
    let (code, text) = on_terminal(&p, &["unlock", "-i", k], &[], "passphrase", "hunter22");
    assert_eq!(code, 0, "{text}");
    assert_eq!(p.env_token(), new);
}

#[test]
fn ctrl_c_during_the_spinner_clears_its_line() {
    let p = Project::new();
    // The spinner is up before the request is sent: Ctrl-C may come
    // before the fake sees it, which is not what this test is about.
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(Duration::from_secs(3)),
    ])
    .at_most();
    let token = classic();
    let url = fake.url();
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--endpoint", &url],
        &[],
        &[
            ("GitHub token (input hidden):", &token),
            // Ctrl-C, through the terminal, as a user types it.
            ("Validating the token with GitHub", "\u{3}"),
        ],
    );
    // The interrupt reaches the shell that wraps ghenv too, so there may be
    // no exit line to read; what matters is the line ghenv leaves.
    assert!(code == 130 || code == -1, "{text:?}");
    let after = text
        .rsplit("Validating the token with GitHub")
        .next()
        .unwrap();
    let after = &after[..after.find("[exit ").unwrap_or(after.len())];
    assert!(
        after.contains("\r\u{1b}[2K"),
        "the spinner line was left: {after:?}"
    );
    assert!(!p.exists(".env"));
}

#[test]
fn revoke_lists_the_masked_tokens_and_revokes_only_on_a_yes() {
    let token = classic();
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    let p = Project::new();
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    let base = fake.base();
    let env = [("GHENV_API_URL", base.as_str())];
    // Enter is no: nothing is sent.
    let (code, text) = on_terminal(&p, &["revoke"], &env, "[y/N]", "");
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("nothing was revoked"), "{text}");
    assert!(text.contains(&format!("ghp_…{}", &token[36..])), "{text}");
    assert!(fake.requests().is_empty());
    let (code, text) = on_terminal(&p, &["revoke"], &env, "[y/N]", "y");
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains(&token));
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn ctrl_c_at_the_hook_question_leaves_the_files_said_written() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    let (_, text) = on_terminal_answering(
        &p,
        &["init", "--offline"],
        &[],
        &[
            ("GitHub token (input hidden):", &token),
            ("Install a git pre-commit hook", "\u{3}"),
        ],
    );
    let before = text.split("Install a git pre-commit hook").next().unwrap();
    assert!(before.contains("Wrote .env (created)"), "{text}");
    assert!(p.exists(".env") && p.exists("config.toml"));
    assert!(!text.contains(&token));
}

#[test]
fn on_a_terminal_init_asks_for_a_new_token_when_the_env_files_went_bad() {
    // The most common dead end (issue 32): a classic token expires after
    // 30 days; init re-read it, failed, and never asked for a new one.
    let (old, new) = (classic(), token_with("ghp_", 93));
    let p = Project::new();
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={old}\n"),
    );
    let fake = FakeGitHub::start(vec![
        Reply::bad_credentials(),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let url = fake.url();
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--endpoint", &url],
        &[],
        &[
            ("Create a new token and paste it here? [Y/n]", ""),
            ("GitHub token (input hidden):", &new),
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("the token in ./.env"), "{text}");
    assert!(
        text.contains("settings/tokens/new"),
        "where to create it: {text}"
    );
    assert!(!text.contains(&old) && !text.contains(&new), "{text}");
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, new);
}

#[test]
fn on_a_terminal_with_a_client_id_known_init_offers_the_browser_first() {
    // Issue 34: a course that registered an OAuth App; the student runs
    // plain `init` and is offered the device flow before the paste.
    let p = Project::new();
    let token = token_with("gho_", 306);
    let fake = FakeGitHub::start(vec![
        Reply::json(
            200,
            "OK",
            r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"http://127.0.0.1/login/device","expires_in":900,"interval":0}"#,
        ),
        Reply::json(
            200,
            "OK",
            &format!(r#"{{"access_token":"{token}","token_type":"bearer","scope":"repo"}}"#),
        ),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let (url, base) = (fake.url(), fake.base());
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--endpoint", &url, "--no-probe"],
        &[
            ("GHENV_CLIENT_ID", "Iv1.course0123"),
            ("GHENV_WEB_URL", &base),
            ("GHENV_TEST_DEVICE_INTERVAL_MS", "0"),
        ],
        &[("device flow (recommended)? [Y/n", "")],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("WDJB-MJHT"), "{text}");
    assert!(!text.contains(&token), "{text}");
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}
