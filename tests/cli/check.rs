//! `ghenv check`.

use crate::common::*;

/// A project set up by init against its own fake.
fn initialised(token: &str) -> Project {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.init(&fake, token, &[]).code(0);
    p
}

#[test]
fn check_reads_the_token_from_the_env_file_config_names() {
    let token = classic();
    let p = initialised(&token);
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let out = p.run(&["check", "--endpoint", &fake.url()], "");
    out.code(0).never_shows(&token);
    assert!(out.stdout.contains("octocat"), "{out}");
    assert!(out.stdout.contains("all 7 granted"), "{out}");
    assert!(out.stdout.contains("4999 of 5000"), "{out}");
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("bearer {token}").as_str())
    );
    assert_eq!(p.snapshot(), before, "check writes nothing");
}

#[test]
fn check_uses_the_endpoint_in_config_toml() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let token = classic();
    p.init(&fake, &token, &[]).code(0);
    p.run(&["check"], "").code(0);
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn check_json_has_the_documented_fields() {
    let token = classic();
    let p = initialised(&token);
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", "repo, write:org, notifications, user").header(
            "github-authentication-token-expiration",
            "2030-01-01 00:00:00 UTC",
        ),
    ]);
    let out = p.run(&["check", "--json", "--endpoint", &fake.url()], "");
    out.code(0).never_shows(&token);
    let j = out.json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["login"], "octocat");
    assert_eq!(j["name"], "The Octocat");
    assert_eq!(j["token"]["type"], "classic");
    assert_eq!(j["token"]["source"], "dotenv");
    assert_eq!(
        j["scopes"]["granted"],
        serde_json::json!(["notifications", "repo", "user", "write:org"])
    );
    assert_eq!(j["scopes"]["missing"], serde_json::json!([]));
    assert_eq!(j["scopes"]["required"].as_array().unwrap().len(), 7);
    assert_eq!(j["expires_at"], "2030-01-01T00:00:00Z");
    assert_eq!(j["rate_limit"]["limit"], 5000);
    assert_eq!(j["rate_limit"]["reset_at"], "2026-11-25T10:00:00Z");
    assert_eq!(j["request_id"], "E3C4:1F2B:9A8F1:B1C2D:6765A1B2");
}

#[test]
fn check_exits_4_with_missing_scopes_and_reports_them_in_json() {
    let token = classic();
    let p = initialised(&token);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    let out = p.run(&["check", "--json", "--endpoint", &fake.url()], "");
    out.code(4)
        .never_shows(&token)
        .stderr_has(&["missing 6 required scopes"]);
    let j = out.json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["scopes"]["missing"].as_array().unwrap().len(), 6);
    assert_eq!(j["error"]["kind"], "missing_scopes");
}

#[test]
fn check_exits_3_when_the_token_was_revoked() {
    let token = classic();
    let p = initialised(&token);
    let fake = FakeGitHub::start(vec![Reply::bad_credentials()]);
    let out = p.run(&["check", "--json", "--endpoint", &fake.url()], "");
    out.code(3)
        .never_shows(&token)
        .stderr_has(&["Bad credentials"]);
    assert_eq!(out.json()["error"]["code"], 3);
}

#[test]
fn check_exits_5_when_github_is_down() {
    let token = classic();
    let p = initialised(&token);
    let fake = FakeGitHub::start(vec![Reply::bad_gateway()]);
    p.run(&["check", "--endpoint", &fake.url()], "")
        .code(5)
        .never_shows(&token);
}

#[test]
fn check_takes_the_token_from_stdin_or_the_environment_without_a_project() {
    let p = Project::new();
    let token = classic();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    p.run(
        &["check", "--token-stdin", "--endpoint", &fake.url()],
        &token,
    )
    .code(0)
    .never_shows(&token);
    let mut cmd = p.cmd(&["check", "--json", "--endpoint", &fake.url()]);
    cmd.env("GH_TOKEN", &token);
    let out = p.run_with(cmd, b"");
    out.code(0).never_shows(&token);
    assert_eq!(out.json()["token"]["source"], "env");
    assert!(p.snapshot().is_empty());
}

#[test]
fn check_without_any_token_is_a_usage_error_pointing_to_init() {
    let p = Project::new();
    p.run(&["check"], "")
        .code(2)
        .stderr_has(&["no token found", "ghenv init"]);
    let out = p.run(&["check", "--json"], "");
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "no_token");
}

#[test]
fn check_rejects_a_malformed_token_in_env_before_any_request() {
    let p = Project::new();
    let bad = flipped(&classic());
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={bad}\n"),
    );
    let fake = FakeGitHub::start(vec![]);
    p.run(&["check", "--endpoint", &fake.url()], "")
        .code(3)
        .never_shows(&bad)
        .stderr_has(&["checksum"]);
}
