//! Every way GitHub can answer badly: each has its exit code and message,
//! and nothing is written.

use std::time::Duration;

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
fn bad_credentials_exit_3_and_point_to_the_settings() {
    fails(vec![Reply::bad_credentials()], 3, &[]).stderr_has(&[
        "GitHub rejected the token",
        "Bad credentials",
        "https://github.com/settings/tokens",
    ]);
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
fn secondary_rate_limit_says_when_to_retry() {
    fails(vec![Reply::secondary_rate_limit(60)], 5, &[]).stderr_has(&[
        "rate limit",
        "try again in 60 seconds",
        "nothing was written",
    ]);
}

#[test]
fn primary_rate_limit_uses_the_reset_time() {
    let reset = jiff::Timestamp::now().as_second() as u64 + 600;
    fails(vec![Reply::primary_rate_limit(reset)], 5, &[]).stderr_has(&[
        "rate limit",
        "try again at",
        "UTC (in 10 minutes)",
    ]);
}

#[test]
fn too_many_requests_is_a_rate_limit() {
    fails(vec![Reply::too_many(30)], 5, &[]).stderr_has(&["try again in 30 seconds"]);
}

#[test]
fn bad_gateway_html_exits_5() {
    fails(vec![Reply::bad_gateway()], 5, &[]).stderr_has(&["GitHub answered 502", "githubstatus"]);
}

#[test]
fn truncated_json_exits_5() {
    fails(vec![Reply::truncated_json()], 5, &[]).stderr_has(&["could not be read", "truncated"]);
}

#[test]
fn a_body_cut_mid_way_exits_5() {
    fails(vec![Reply::ok("octocat", COURSE_SCOPES).cut(20)], 5, &[])
        .stderr_has(&["broke while reading"]);
}

#[test]
fn graphql_errors_exit_5() {
    fails(vec![Reply::graphql_errors()], 5, &[])
        .stderr_has(&["GraphQL error", "Something went wrong"]);
}

#[test]
fn an_oversized_body_exits_5() {
    fails(vec![Reply::huge(2 * 1024 * 1024)], 5, &[]).stderr_has(&["larger than 1024 KiB"]);
}

#[test]
fn a_slow_answer_times_out_with_code_5() {
    fails(
        vec![Reply::ok("octocat", COURSE_SCOPES).delayed(Duration::from_secs(3))],
        5,
        &["--timeout", "1"],
    )
    .stderr_has(&["within 1 seconds", "--timeout"]);
}

#[test]
fn connection_refused_exits_5() {
    let p = Project::new();
    let token = classic();
    let out = p.run(
        &["init", "--token-stdin", "--endpoint", &refused_url()],
        &token,
    );
    out.code(5)
        .never_shows(&token)
        .stderr_has(&["cannot reach", "--offline"]);
    assert!(p.snapshot().is_empty());
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
