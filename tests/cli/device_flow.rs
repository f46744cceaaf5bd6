//! The token without copy-paste (issue 34): GitHub's device flow against
//! the look-alike (`GHENV_WEB_URL` points at it, as `--endpoint` does for
//! GraphQL), and the GitHub CLI's token through a stand-in `gh` on PATH.

use std::path::PathBuf;

use crate::common::*;

/// GitHub's answer to `POST /login/device/code` (`interval` 0: the test
/// does not wait; ghenv's own floor is lowered with a test variable).
pub fn device_code() -> Reply {
    Reply::json(
        200,
        "OK",
        r#"{"device_code":"3584d83530557fdd1f46af8289938c8ef79f9dc5","user_code":"WDJB-MJHT","verification_uri":"http://127.0.0.1/login/device","expires_in":900,"interval":0}"#,
    )
}

fn poll(error: &str) -> Reply {
    Reply::json(
        200,
        "OK",
        &format!(r#"{{"error":"{error}","error_description":"x","interval":0}}"#),
    )
}

pub fn granted(token: &str) -> Reply {
    Reply::json(
        200,
        "OK",
        &format!(r#"{{"access_token":"{token}","token_type":"bearer","scope":"repo,read:org"}}"#),
    )
}

/// `ghenv init --web ARGS` with the look-alike as GitHub's web and API.
pub fn init_web(p: &Project, fake: &FakeGitHub, args: &[&str]) -> Output {
    let url = fake.url();
    let mut all = vec!["init", "--web", "--endpoint", &url];
    all.extend_from_slice(args);
    let mut cmd = p.cmd(&all);
    cmd.env("GHENV_WEB_URL", fake.base())
        .env("GHENV_TEST_DEVICE_INTERVAL_MS", "0");
    p.run_with(cmd, b"")
}

#[test]
fn init_web_waits_through_pending_and_slow_down_then_writes_the_token() {
    let p = Project::new();
    let token = token_with("gho_", 301);
    let fake = FakeGitHub::start(vec![
        device_code(),
        poll("authorization_pending"),
        poll("slow_down"),
        granted(&token),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let out = init_web(&p, &fake, &["--client-id", "Iv1.course0123"]);
    out.code(0).never_shows(&token);
    out.stderr_has(&["WDJB-MJHT", "/login/device", "GitHub's device flow"]);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
    // The client id is recorded for the team; the token is not.
    let config = p.read("config.toml");
    assert!(
        config.contains("client_id = \"Iv1.course0123\""),
        "{config}"
    );
    assert!(!config.contains(&token));
    let requests = fake.requests();
    assert_eq!(requests[0].path, "/login/device/code");
    let asked: serde_json::Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(asked["client_id"], "Iv1.course0123");
    // Exactly the template's scopes.
    assert_eq!(
        asked["scope"],
        "repo read:org write:org notifications read:user user:email user:follow"
    );
    for r in &requests[1..4] {
        assert_eq!(r.path, "/login/oauth/access_token");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            body["grant_type"],
            "urn:ietf:params:oauth:grant-type:device_code"
        );
        assert_eq!(
            body["device_code"],
            "3584d83530557fdd1f46af8289938c8ef79f9dc5"
        );
        assert!(r.header("authorization").is_none());
    }
    // The device code is for GitHub alone: never printed.
    assert!(!out.stderr.contains("3584d83530557fdd"), "{out}");
    // Next time the client id comes from config.toml: no flag needed.
    let again = token_with("gho_", 302);
    let fake = FakeGitHub::start(vec![
        device_code(),
        granted(&again),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let url = fake.url();
    let mut cmd = p.cmd(&["rotate", "--web", "--endpoint", &url]);
    cmd.env("GHENV_WEB_URL", fake.base())
        .env("GHENV_TEST_DEVICE_INTERVAL_MS", "0");
    p.run_with(cmd, b"").code(0).never_shows(&again);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, again);
}

#[test]
fn a_declined_or_expired_code_writes_nothing_and_says_what_to_do() {
    for (answer, code, kind) in [
        ("access_denied", 3, "device_denied"),
        ("expired_token", 3, "device_code_expired"),
        ("device_flow_disabled", 5, "device_flow_refused"),
    ] {
        let p = Project::new();
        p.write(".env", "PORT=3000\n");
        let before = p.snapshot();
        let fake = FakeGitHub::start(vec![
            device_code(),
            poll("authorization_pending"),
            poll(answer),
        ]);
        let out = init_web(&p, &fake, &["--client-id", "Iv1.course0123", "--json"]);
        out.code(code);
        assert_eq!(out.json()["error"]["kind"], kind, "{answer}");
        assert_eq!(p.snapshot(), before, "{answer}: nothing written");
    }
    // GitHub's refusal of the code request itself.
    let p = Project::new();
    let fake = FakeGitHub::start(vec![poll("device_flow_disabled")]);
    let out = init_web(&p, &fake, &["--client-id", "Iv1.course0123"]);
    out.code(5).stderr_has(&["Enable Device Flow"]);
}

#[test]
fn web_without_a_client_id_is_a_usage_error_naming_where_one_goes() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![]);
    let out = init_web(&p, &fake, &["--json"]);
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "no_client_id");
    let out = init_web(&p, &fake, &[]);
    out.stderr_has(&["--client-id", "GHENV_CLIENT_ID", "[github]"]);
    assert!(!p.exists("config.toml"));
}

#[test]
fn a_server_that_sends_the_user_elsewhere_is_not_followed() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::json(
        200,
        "OK",
        r#"{"device_code":"x","user_code":"WDJB-MJHT","verification_uri":"https://evil.example/login/device","expires_in":900,"interval":0}"#,
    )]);
    init_web(&p, &fake, &["--client-id", "Iv1.course0123"])
        .code(5)
        .stderr_has(&["another host"]);
}

#[test]
fn a_client_id_a_pusher_changed_in_config_toml_is_asked_about() {
    let p = Project::new();
    let token = token_with("gho_", 303);
    let fake = FakeGitHub::start(vec![
        device_code(),
        granted(&token),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    init_web(&p, &fake, &["--client-id", "Iv1.course0123"]).code(0);
    // The pusher's own OAuth App.
    let config = p
        .read("config.toml")
        .replace("Iv1.course0123", "Iv1.pusher99999");
    p.write("config.toml", &config);
    let fake = FakeGitHub::start(vec![]);
    let url = fake.url();
    let mut cmd = p.cmd(&["rotate", "--web", "--endpoint", &url, "--json"]);
    cmd.env("GHENV_WEB_URL", fake.base());
    let out = p.run_with(cmd, b"");
    out.code(7);
    assert_eq!(out.json()["error"]["kind"], "settings_not_accepted");
    let mut cmd = p.cmd(&["rotate", "--web", "--endpoint", &url]);
    cmd.env("GHENV_WEB_URL", fake.base());
    p.run_with(cmd, b"")
        .code(7)
        .stderr_has(&["Iv1.course0123 -> Iv1.pusher99999", "ghenv allow"]);
}

/// A stand-in `gh` on PATH that prints `token` for `gh auth token`
/// (exit `code`), recording its arguments.
fn fake_gh(p: &Project, token: &str, code: i32) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let bin = p.home.path().join("gh-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = p.home.path().join("gh-args");
    let script = bin.join("gh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\n[ \"$1 $2\" = 'auth token' ] || exit 2\nprintf '%s\\n' '{token}'\nexit {code}\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (bin, log)
}

fn with_path(cmd: &mut std::process::Command, bin: &std::path::Path) {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap());
}

#[test]
fn from_gh_takes_the_cli_token_only_out_of_the_browser_and_names_gh_auth_refresh() {
    let p = Project::new();
    let token = token_with("gho_", 304);
    let (bin, log) = fake_gh(&p, &token, 0);
    // The react template would put gh's token into the bundle: refused.
    let mut cmd = p.cmd(&["init", "--from-gh", "-t", "react", "--offline", "--json"]);
    with_path(&mut cmd, &bin);
    let out = p.run_with(cmd, b"");
    out.code(7).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "gh_token_exposed");
    // gh's token lacks scopes: exit 4 and the exact gh auth refresh.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo, read:org")]);
    let url = fake.url();
    let mut cmd = p.cmd(&["init", "--from-gh", "--proxy", "--endpoint", &url]);
    with_path(&mut cmd, &bin);
    let out = p.run_with(cmd, b"");
    out.code(4)
        .never_shows(&token)
        .stderr_has(&["gh auth refresh -h github.com -s ", "notifications"]);
    // With the scopes, it is set up behind the proxy.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let url = fake.url();
    let mut cmd = p.cmd(&["init", "--from-gh", "--proxy", "--endpoint", &url]);
    with_path(&mut cmd, &bin);
    p.run_with(cmd, b"").code(0).never_shows(&token);
    assert!(p.read(".env").contains(&format!("GITHUB_TOKEN={token}")));
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(args.contains("auth token --hostname github.com"), "{args}");
}

#[test]
fn from_gh_without_gh_or_without_a_login_says_what_to_do() {
    let p = Project::new();
    // No gh anywhere on PATH.
    let empty = p.home.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let git = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let git_dir = PathBuf::from(String::from_utf8(git.stdout).unwrap().trim())
        .parent()
        .unwrap()
        .to_path_buf();
    let mut cmd = p.cmd(&["init", "--from-gh", "--proxy", "--offline", "--json"]);
    cmd.env("PATH", std::env::join_paths([empty, git_dir]).unwrap());
    let out = p.run_with(cmd, b"");
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "gh_missing");
    // gh without a login.
    let (bin, _) = fake_gh(&p, "", 1);
    let mut cmd = p.cmd(&["init", "--from-gh", "--proxy", "--offline"]);
    with_path(&mut cmd, &bin);
    p.run_with(cmd, b"")
        .code(2)
        .stderr_has(&["gh auth login -h github.com"]);
    assert!(!p.exists(".env"));
}

#[test]
fn a_lesson_an_oauth_token_cannot_do_names_web_again() {
    // A token from --web (gho_) that lacks notifications: probe says to ask
    // again in the browser, not to tick a box on a page it has not.
    let p = Project::new();
    let token = token_with("gho_", 305);
    let fake = FakeGitHub::start(vec![
        device_code(),
        granted(&token),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    init_web(&p, &fake, &["--client-id", "Iv1.course0123", "--no-probe"]).code(0);
    let fake = FakeGitHub::start(vec![Reply::ok(
        "octocat",
        "repo, read:org, write:org, read:user, user:email, user:follow",
    )]);
    let out = p.run(&["check", "--endpoint", &fake.url()], "");
    out.code(4).stderr_has(&["ghenv rotate --web"]);
}

#[test]
fn from_gh_is_refused_for_a_browser_variable_in_any_case() {
    // Create React App reads /^REACT_APP_/i: a lowercase name reaches the
    // bundle too (a helper's attack).
    let p = Project::new();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"dependencies\":{\"react-scripts\":\"*\"}}\n",
    );
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"node\"\n\n[env]\ntoken_var = \"react_app_github_token\"\n",
    );
    let token = token_with("gho_", 307);
    let (bin, _) = fake_gh(&p, &token, 0);
    let mut cmd = p.cmd(&["init", "--from-gh", "--offline", "--json"]);
    with_path(&mut cmd, &bin);
    let out = p.run_with(cmd, b"");
    out.code(7).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "gh_token_exposed");
    assert!(!p.exists(".env"));
}
