//! Scopes and endpoints: which scopes a project needs and how missing ones
//! are reported (with the URL that creates the right token), and which
//! GitHub ghenv talks to (`--endpoint`, `--host`, `GHENV_GRAPHQL_URL`,
//! never a redirect or plain http to another host). The other ways GitHub
//! can answer badly are rows of the matrix (`matrix.rs`).

use std::os::unix::fs::PermissionsExt;

use crate::common::*;

/// Runs init against `replies`, checks the code, that nothing was written and
/// that the token never shows; returns the output.
fn fails(replies: Vec<Reply>, code: i32, extra: &[&str]) -> Output {
    let p = Project::new();
    p.write(".env", "# mine\nPORT=3000\n");
    let before = p.snapshot();
    let fake = FakeGitHub::start(replies);
    let token = classic();
    let out = p.init(&fake, &token, extra);
    out.code(code).never_shows(&token);
    assert_eq!(
        p.snapshot(),
        before,
        "nothing may be written or lost\n{out}"
    );
    out
}

#[test]
fn missing_scopes_exit_4_and_list_exactly_the_missing_ones() {
    let out = fails(vec![Reply::ok("octocat", "repo, read:org, user")], 4, &[]);
    out.stderr_has(&[
        "missing 2 required scopes: write:org, notifications",
        "https://github.com/settings/tokens/new?scopes=",
        "cannot add scopes to an existing token",
    ]);
    assert!(
        !out.stderr.contains("read:user,"),
        "implied scopes are not reported missing"
    );
}

#[test]
fn missing_scopes_in_json_name_them() {
    let out = fails(vec![Reply::ok("octocat", "repo")], 4, &["--json"]);
    let j = out.json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["error"]["code"], 4);
    assert_eq!(j["error"]["kind"], "missing_scopes");
    assert_eq!(
        j["scopes"]["missing"],
        serde_json::json!([
            "read:org",
            "write:org",
            "notifications",
            "read:user",
            "user:email",
            "user:follow"
        ])
    );
    assert_eq!(j["files"], serde_json::json!([]));
}

#[test]
fn an_empty_scopes_header_means_no_scopes() {
    fails(vec![Reply::ok("octocat", "")], 4, &[]).stderr_has(&["missing 7 required scopes"]);
}

#[test]
fn scopes_flag_overrides_the_template() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "read:user")]);
    p.init(&fake, &classic(), &["--scopes", "read:user"])
        .code(0);
    let p = Project::new();
    p.run(
        &[
            "init",
            "--token-stdin",
            "--offline",
            "--scopes",
            "repo,Not A Scope",
        ],
        &classic(),
    )
    .code(2)
    .stderr_has(&["\"Not A Scope\" is not a GitHub scope"]);
}

#[test]
fn a_redirect_is_not_followed_so_the_token_stays_home() {
    let elsewhere = FakeGitHub::start(vec![]);
    let target = elsewhere.url().replace("127.0.0.1", "localhost") + "?x=1";
    let out = fails(vec![Reply::redirect(&target)], 5, &[]);
    out.stderr_has(&["redirect", "does not follow redirects"]);
    assert!(!out.stderr.contains("x=1"));
    assert!(elsewhere.requests().is_empty());
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_asking_for_the_token() {
    let p = Project::new();
    p.run(&["init", "--endpoint", "http://example.com/graphql"], "")
        .code(2)
        .stderr_has(&["plain http", "https://"]);
    p.run(&["init", "--endpoint", "not a url"], "")
        .code(2)
        .stderr_has(&["is not a URL"]);
}

#[test]
fn host_means_github_enterprise_server() {
    let p = Project::new();
    let token = classic();
    // Nothing listens on port 1: the attempt shows the URL ghenv built.
    let out = p.run(
        &[
            "init",
            "--token-stdin",
            "--host",
            "127.0.0.1:1",
            "--verbose",
        ],
        &token,
    );
    out.code(5)
        .never_shows(&token)
        .stderr_has(&["https://127.0.0.1:1/api/graphql"]);
}

#[test]
fn the_environment_can_set_the_endpoint() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let mut cmd = p.cmd(&["init", "--token-stdin"]);
    cmd.env("GHENV_GRAPHQL_URL", fake.url());
    p.run_with(cmd, classic().as_bytes()).code(0);
    assert_eq!(fake.requests().len(), 1);
}

// ------------------------------------------------------------ the new-token URL

fn query(url: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

#[test]
fn scopes_json_gives_the_scopes_their_descriptions_and_the_url() {
    let p = Project::new();
    let out = p.run(&["scopes", "--json"], "");
    out.code(0);
    let j = out.json();
    assert_eq!(j["template"], "react");
    let scopes: Vec<&str> = j["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        [
            "repo",
            "read:org",
            "write:org",
            "notifications",
            "read:user",
            "user:email",
            "user:follow"
        ]
    );
    assert!(
        j["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["description"].is_string())
    );
    let url = j["new_token_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://github.com/settings/tokens/new?"),
        "{url}"
    );
    let folder = p.path().file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(
        query(url),
        vec![
            ("scopes".into(), scopes.join(",")),
            ("description".into(), format!("ghenv: {folder}")),
        ]
    );
    let human = p.run(&["scopes", "--template", "plain"], "");
    assert!(
        human.stdout.contains("read:org")
            && human
                .stdout
                .contains("https://github.com/settings/tokens/new?")
    );
}

#[test]
fn the_url_uses_the_enterprise_host() {
    let p = Project::new();
    let j = p
        .run(&["scopes", "--json", "--host", "ghe.example.com"], "")
        .json();
    assert!(
        j["new_token_url"]
            .as_str()
            .unwrap()
            .starts_with("https://ghe.example.com/settings/tokens/new?")
    );
}

#[test]
fn init_open_opens_the_prefilled_url_in_the_browser() {
    let p = Project::new();
    let bin = p.home.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let record = p.home.path().join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = p.cmd(&["init", "--open", "--template", "plain"]);
    cmd.env(
        "PATH",
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
    );
    // No terminal: after opening the page, ghenv still needs the token.
    p.run_with(cmd, b"")
        .code(2)
        .stderr_has(&["Opened GitHub's new-token page", "no token found"]);
    let url = std::fs::read_to_string(&record).unwrap();
    let q = query(&url);
    assert_eq!(
        q[0],
        ("scopes".to_string(), "repo,read:org,read:user".to_string())
    );
    assert!(q[1].1.starts_with("ghenv: "));
}

#[test]
fn missing_scopes_point_to_the_prefilled_url() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    let out = p.init(&fake, &classic(), &["--json"]);
    out.code(4);
    let url = out.json()["error"]["new_token_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        query(&url)[0].1,
        "repo,read:org,write:org,notifications,read:user,user:email,user:follow"
    );
    out.stderr_has(&[&url]);
}
