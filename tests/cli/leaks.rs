//! After a leak: `scan --history` finds every copy in every branch, tag and
//! stash, each blob read once; `::add-mask::` under GitHub Actions.

use crate::common::*;

fn commit_all(p: &Project, message: &str) {
    p.git(&["add", "-A"]);
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-q",
            "-m",
            message,
        ])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

fn head(p: &Project) -> String {
    let out = p.git(&["rev-parse", "--short", "HEAD"]);
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_token_added_then_deleted_is_found_with_the_commit_that_added_it() {
    let p = Project::new();
    p.git_init();
    p.write("README.md", "hello\n");
    commit_all(&p, "start");
    let token = classic();
    p.write("src.js", &format!("// oops\nconst t = '{token}';\n"));
    commit_all(&p, "add a token");
    let added = head(&p);
    std::fs::remove_file(p.file("src.js")).unwrap();
    commit_all(&p, "remove it");
    // Today's files are clean; the history is not.
    p.run(&["scan"], "").code(0);
    let out = p.run(&["scan", "--history", "--json"], "");
    out.code(1).never_shows(&token);
    let f = &out.json()["findings"][0];
    assert_eq!(f["path"], "src.js");
    assert_eq!(f["line"], 2);
    assert_eq!(f["commits"][0], added.as_str(), "{f}");
    assert!(f["blob"].as_str().unwrap().len() >= 40);
    p.run(&["scan", "--history"], "").code(1).stdout_has(&[
        "src.js:2:12: classic personal access token ghp_…",
        &format!("(committed in {added}; touched again in "),
    ]);
    // --since the removal: nothing after it holds the token.
    p.run(&["scan", "--history", "--since", "HEAD"], "").code(0);
}

#[test]
fn the_same_blob_in_fifty_commits_is_read_once() {
    let p = Project::new();
    p.git_init();
    p.write("leak.txt", &format!("T={}\n", classic()));
    for i in 0..50 {
        p.write("counter.txt", &format!("{i}\n"));
        commit_all(&p, &format!("commit {i}"));
    }
    let j = p.run(&["scan", "--history", "--json"], "").json();
    assert_eq!(
        j["findings"].as_array().unwrap().len(),
        1,
        "one blob, one finding"
    );
    // 50 versions of counter.txt and one of leak.txt, each read once.
    assert_eq!(j["files_scanned"], 51);
}

#[test]
fn a_token_only_in_a_stash_or_a_tag_is_found() {
    let p = Project::new();
    p.git_init();
    p.write("a.txt", "clean\n");
    commit_all(&p, "start");
    // In a tag on a commit no branch holds.
    p.git(&["checkout", "-q", "-b", "tmp"]);
    p.write("tagged.txt", &format!("{}\n", token_with("ghp_", 201)));
    commit_all(&p, "tagged");
    p.git(&["tag", "leaky"]);
    p.git(&["checkout", "-q", "-"]);
    p.git(&["branch", "-q", "-D", "tmp"]);
    // In a stash.
    p.write("a.txt", &format!("{}\n", token_with("ghp_", 202)));
    p.git(&["stash", "-q"]);
    assert_eq!(p.read("a.txt"), "clean\n");
    let j = p.run(&["scan", "--history", "--json"], "").json();
    let paths: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"tagged.txt") && paths.contains(&"a.txt"),
        "{paths:?}"
    );
}

#[test]
fn an_age_key_in_the_history_is_found() {
    let p = Project::new();
    p.git_init();
    let (key, _) = p.keygen("k.txt");
    std::fs::copy(&key, p.file("ci.txt")).unwrap();
    commit_all(&p, "ci key");
    let j = p.run(&["scan", "--history", "--json"], "").json();
    assert_eq!(j["findings"][0]["kind"], "age-identity");
}

#[test]
fn under_github_actions_run_and_unlock_mask_the_token_first() {
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-q", "-r", &public],
        &token,
    )
    .code(0);
    let k = key.to_str().unwrap();
    let mut cmd = p.cmd(&["run", "-i", k, "--", "echo", "from the job"]);
    cmd.env("GITHUB_ACTIONS", "true");
    let out = p.run_with(cmd, b"");
    out.code(0);
    // The runner reads workflow commands from stderr as from stdout; on
    // stderr the mask never mixes with a command's results.
    assert_eq!(
        out.stderr.lines().next(),
        Some(format!("::add-mask::{token}").as_str()),
        "the mask comes first\n{out}"
    );
    assert_eq!(out.stdout, "from the job\n");
    std::fs::remove_file(p.file(".env")).unwrap();
    let mut cmd = p.cmd(&["unlock", "-i", k]);
    cmd.env("GITHUB_ACTIONS", "true");
    let out = p.run_with(cmd, b"");
    assert!(
        out.stderr.starts_with(&format!("::add-mask::{token}\n")),
        "{out}"
    );
    // Anywhere else, never.
    let out = p.run(&["run", "-i", k, "--", "echo", "local"], "");
    out.code(0).never_shows(&token);
}

#[test]
fn under_github_actions_json_stays_json_and_a_redirected_stderr_never_gets_the_token() {
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-q",
            "-r",
            &public,
            "--no-env",
        ],
        &token,
    )
    .code(0);
    let k = key.to_str().unwrap();
    let mut cmd = p.cmd(&["unlock", "-i", k, "--json"]);
    cmd.env("GITHUB_ACTIONS", "true");
    let out = p.run_with(cmd, b"");
    out.code(0);
    assert!(!out.stdout.contains(&token), "{out}");
    assert_eq!(out.json()["ok"], true);
    // `ghenv unlock 2> log`: the file would keep the token; nothing is
    // masked there, since no runner reads it.
    std::fs::remove_file(p.file(".env")).unwrap();
    let log = p.file("stderr.log");
    let mut cmd = p.cmd(&["unlock", "-i", k, "--json"]);
    cmd.env("GITHUB_ACTIONS", "true");
    cmd.stderr(std::fs::File::create(&log).unwrap());
    cmd.stdout(std::process::Stdio::piped());
    let done = cmd.output().unwrap();
    assert!(done.status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains(&token), "{text}");
    assert!(!String::from_utf8_lossy(&done.stdout).contains(&token));
}

// ------------------------------------------------------------------ revoke

/// `ghenv revoke ARGS` against the fake REST API, with `stdin`.
fn revoke(p: &Project, fake: &FakeGitHub, args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["revoke"];
    all.extend_from_slice(args);
    let mut cmd = p.cmd(&all);
    cmd.env("GHENV_API_URL", fake.base());
    p.run_with(cmd, stdin.as_bytes())
}

fn credentials(r: &Recorded) -> Vec<String> {
    let body: serde_json::Value = serde_json::from_str(&r.body).expect("JSON body");
    assert_eq!(
        body.as_object().unwrap().len(),
        1,
        "only credentials: {body}"
    );
    body["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn revoke_sends_the_project_token_unauthenticated_in_githubs_shape() {
    let token = classic();
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    let p = Project::new();
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    let out = revoke(&p, &fake, &["--yes"], "");
    out.code(0)
        .never_shows(&token)
        .stdout_has(&[&format!("ghp_…{}  revoked", &token[36..]), ".env"])
        .stderr_has(&["GitHub accepted 1 token", "ghenv rotate"]);
    let r = &fake.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/credentials/revoke")
    );
    assert_eq!(
        r.header("authorization"),
        None,
        "the API is unauthenticated"
    );
    assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
    assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    assert_eq!(credentials(r), vec![token.clone()]);
    // The .env is left as it was: rotate replaces the token.
    assert!(p.read(".env").contains(&token));
}

#[test]
fn revoke_sends_a_thousand_tokens_a_request_each_once() {
    let tokens: Vec<String> = (0..1001).map(|i| token_with("ghp_", 100 + i)).collect();
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted(), Reply::revoke_accepted()]);
    let p = Project::new();
    // One per line, some twice, one in a KEY=value line, and a fine-grained one.
    let mut input = tokens.join("\n");
    input.push_str(&format!("\n{}\nGH_TOKEN={}\n", tokens[0], tokens[5]));
    input.push_str(&format!("{}\n", fine_grained()));
    let out = revoke(&p, &fake, &["--token-stdin", "--yes", "--json"], &input);
    out.code(0).never_shows(&tokens[0]);
    let json = out.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["tokens"].as_array().unwrap().len(), 1002);
    let requests = fake.requests();
    let (first, second) = (credentials(&requests[0]), credentials(&requests[1]));
    assert_eq!(first.len(), 1000);
    assert_eq!(second.len(), 2);
    assert_eq!(first[0], tokens[0]);
    assert_eq!(second, vec![tokens[1000].clone(), fine_grained()]);
}

#[test]
fn a_rate_limit_stops_revoke_and_says_when_to_retry() {
    let tokens: Vec<String> = (0..1001).map(|i| token_with("ghp_", 5000 + i)).collect();
    let fake = FakeGitHub::start(vec![Reply::primary_rate_limit(4_000_000_000)]);
    let p = Project::new();
    let out = revoke(
        &p,
        &fake,
        &["--token-stdin", "--yes", "--json"],
        &tokens.join("\n"),
    );
    out.code(5);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert!(json["retry"].as_str().unwrap().starts_with("at "), "{json}");
    let statuses: Vec<&str> = json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "rate_limited").count(),
        1000
    );
    assert_eq!(statuses.last(), Some(&"not_sent"));
    // For people: when to try again.
    let fake = FakeGitHub::start(vec![Reply::too_many(120)]);
    revoke(&p, &fake, &["--token-stdin", "--yes"], &tokens[0])
        .code(5)
        .stderr_has(&["limit of 60 revocation requests", "again in 2 minutes"]);
}

#[test]
fn a_422_or_a_403_is_reported_per_token_without_the_token() {
    let token = classic();
    // A hostile or confused server echoes the token in its message.
    let fake = FakeGitHub::start(vec![Reply::revoke_unprocessable(&format!(
        "Validation Failed: {token}"
    ))]);
    let p = Project::new();
    let out = revoke(&p, &fake, &["--token-stdin", "--yes"], &token);
    out.code(5)
        .never_shows(&token)
        .stdout_has(&["refused", "GitHub answered 422: Validation Failed: [token]"]);
    // GitHub answers 403 to an authenticated request.
    let fake = FakeGitHub::start(vec![Reply::rest(
        403,
        "Forbidden",
        r#"{"message":"Must not be authenticated"}"#,
    )]);
    let out = revoke(&p, &fake, &["--token-stdin", "--yes", "--json"], &token);
    out.code(5);
    let t = &out.json()["tokens"][0];
    assert_eq!(t["status"], "refused");
    assert_eq!(
        t["message"],
        "GitHub answered 403: Must not be authenticated"
    );
}

#[test]
fn tokens_the_api_does_not_take_are_named_and_not_sent() {
    let fake = FakeGitHub::start(vec![]);
    let p = Project::new();
    let oauth = token_with("gho_", 7);
    let out = revoke(&p, &fake, &["--token-stdin", "--yes", "--json"], &oauth);
    out.code(3).never_shows(&oauth);
    let t = &out.json()["tokens"][0];
    assert_eq!(t["status"], "not_revocable");
    assert_eq!(t["kind"], "oauth");
    assert!(
        t["message"]
            .as_str()
            .unwrap()
            .contains("settings/applications")
    );
}

#[test]
fn revoke_off_a_terminal_needs_yes_and_sends_nothing() {
    let token = classic();
    let fake = FakeGitHub::start(vec![]);
    let p = Project::new();
    revoke(&p, &fake, &["--token-stdin", "--json"], &token)
        .code(2)
        .never_shows(&token);
    // No token anywhere: nothing to do, and it says where it looked.
    revoke(&p, &fake, &["--token-stdin", "--yes"], "no token here\n")
        .code(2)
        .stderr_has(&["no token to revoke in standard input"]);
    revoke(&p, &fake, &["--yes"], "")
        .code(2)
        .stderr_has(&["no token to revoke in", ".env"]);
    let out = revoke(&p, &fake, &["--token-stdin", "--json"], &token);
    assert_eq!(out.json()["error"]["kind"], "confirmation_needed");
}

#[test]
fn ghenv_api_url_is_checked_like_an_endpoint() {
    let token = classic();
    let p = Project::new();
    let mut cmd = p.cmd(&["revoke", "--token-stdin", "--yes", "--json"]);
    cmd.env("GHENV_API_URL", "http://example.com");
    let out = p.run_with(cmd, token.as_bytes());
    out.code(2).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "bad_endpoint");
}

#[test]
fn found_to_revoked_from_a_history_scan() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    let other = token_with("ghp_", 42);
    p.write("app.js", &format!("const t = '{token}';\n"));
    commit_all(&p, "add a token");
    std::fs::remove_file(p.file("app.js")).unwrap();
    commit_all(&p, "remove it");
    // Another token only in today's files (no blob in the finding).
    p.write("notes.txt", &format!("old: {other}\n"));
    p.git(&["add", "notes.txt"]);
    let history = p.run(&["scan", "--history", "--json"], "");
    history.code(1);
    let today = p.run(&["scan", "notes.txt", "--json"], "");
    today.code(1);
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted(), Reply::revoke_accepted()]);
    revoke(&p, &fake, &["--from-scan", "-", "--yes"], &history.stdout)
        .code(0)
        .never_shows(&token)
        .stdout_has(&["app.js:1", "revoked"]);
    p.write("scan.json", &today.stdout);
    revoke(&p, &fake, &["--from-scan", "scan.json", "--yes"], "")
        .code(0)
        .never_shows(&other);
    let requests = fake.requests();
    assert_eq!(credentials(&requests[0]), vec![token.clone()]);
    assert_eq!(credentials(&requests[1]), vec![other.clone()]);
}

#[test]
fn an_age_identity_in_the_findings_is_skipped_with_advice() {
    let p = Project::new();
    let (key, _) = p.keygen("k.txt");
    p.write("ci-key.txt", &std::fs::read_to_string(&key).unwrap());
    let scan = p.run(&["scan", "ci-key.txt", "--json"], "");
    scan.code(1);
    let fake = FakeGitHub::start(vec![]);
    revoke(&p, &fake, &["--from-scan", "-", "--yes"], &scan.stdout)
        .code(2)
        .stderr_has(&[
            "1 age identity skipped",
            "ghenv keygen",
            "no token to revoke",
        ]);
}

#[test]
fn from_scan_refuses_what_is_not_a_scan_and_skips_what_moved() {
    let fake = FakeGitHub::start(vec![]);
    let p = Project::new();
    let out = revoke(
        &p,
        &fake,
        &["--from-scan", "-", "--yes", "--json"],
        "not json",
    );
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "scan_input");
    // The file changed since the scan: the token is not there any more.
    let token = classic();
    p.write("a.txt", &format!("x {token}\n"));
    let scan = p.run(&["scan", "a.txt", "--json"], "");
    p.write("a.txt", "clean now\n");
    revoke(&p, &fake, &["--from-scan", "-", "--yes"], &scan.stdout)
        .code(2)
        .stderr_has(&["a.txt:1:3: the token is no longer there"]);
    // A blob id that is not one never reaches git as an option.
    let forged = r#"{"findings":[{"path":"x","line":1,"column":1,"kind":"classic","masked":"x","blob":"--output=/tmp/pwned"}]}"#;
    revoke(&p, &fake, &["--from-scan", "-", "--yes"], forged)
        .code(2)
        .stderr_has(&["x: cannot read it from git"]);
    assert!(!std::path::Path::new("/tmp/pwned").exists());
}

#[test]
fn the_readme_path_from_found_to_safe_in_three_commands() {
    // A team project: the token encrypted to Alice and Bob, config.toml committed.
    let p = Project::new();
    p.git_init();
    let (ka, pa) = p.keygen("a.txt");
    let (kb, pb) = p.keygen("b.txt");
    let old = classic();
    let graphql = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    p.init(&graphql, &old, &["--encrypt", "-r", &pa, "-r", &pb])
        .code(0);
    commit_all(&p, "set up");
    // Someone pastes the token into the code, commits, and deletes it later.
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write("src/apollo.js", &format!("const token = '{old}';\n"));
    commit_all(&p, "quick test");
    std::fs::remove_file(p.file("src/apollo.js")).unwrap();
    commit_all(&p, "oops");
    p.run(&["scan"], "").code(0);

    // 1. Every copy.
    let found = p.run(&["scan", "--history", "--json"], "");
    found.code(1).never_shows(&old);
    // 2. Revoke them all.
    let rest = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    revoke(&p, &rest, &["--from-scan", "-", "--yes"], &found.stdout)
        .code(0)
        .never_shows(&old);
    assert_eq!(credentials(&rest.requests()[0]), vec![old.clone()]);
    // 3. A new token, re-encrypted to the same recipients.
    let new = token_with("ghp_", 77);
    p.run(
        &["rotate", "--token-stdin", "-i", ka.to_str().unwrap()],
        &new,
    )
    .code(0)
    .never_shows(&new);
    assert_eq!(p.recipients(), vec![pa, pb]);
    p.unlock(&["-i", kb.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), new);
}
