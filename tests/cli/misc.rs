//! Output conventions and the small commands.

use crate::common::*;

#[test]
fn templates_lists_the_builtin_ones() {
    let p = Project::new();
    let out = p.run(&["templates"], "");
    out.code(0);
    for name in ["react (default)", "vite", "node", "plain"] {
        assert!(out.stdout.contains(name), "{out}");
    }
    assert!(
        out.stdout
            .contains("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN, REACT_APP_GITHUB_GRAPHQL_URL")
    );
    let j = p.run(&["templates", "--json"], "").json();
    let names: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["react", "vite", "node", "plain"]);
    assert_eq!(j[0]["default"], true);
    assert_eq!(j[3]["variables"], serde_json::json!(["GITHUB_TOKEN"]));
}

#[test]
fn an_unknown_template_is_a_usage_error() {
    let p = Project::new();
    p.run(
        &[
            "init",
            "--template",
            "angular",
            "--offline",
            "--token-stdin",
        ],
        &classic(),
    )
    .code(2)
    .stderr_has(&[
        "no such template",
        "react, vite, node, plain",
        "ghenv templates",
    ]);
}

#[test]
fn quiet_prints_nothing_on_success() {
    let p = Project::new();
    let out = p.run(
        &["init", "--token-stdin", "--offline", "--quiet"],
        &classic(),
    );
    out.code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, "");
}

#[test]
fn no_escape_codes_when_not_a_terminal() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    let out = p.init(&fake, &classic(), &[]);
    out.code(4);
    assert!(!out.stderr.contains('\x1b'), "{out}");
}

#[test]
fn verbose_shows_the_endpoint_and_request_id_but_not_the_token() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    p.init(&fake, &token, &["--verbose"])
        .code(0)
        .never_shows(&token)
        .stderr_has(&[&format!("POST {}", fake.url()), "X-GitHub-Request-Id: E3C4"]);
}

#[test]
fn help_and_version_work_and_no_arguments_shows_the_overview() {
    let p = Project::new();
    let out = p.run(&["--help"], "");
    out.code(0);
    assert!(out.stdout.contains("Exit codes"));
    for cmd in ["init", "check", "templates"] {
        let out = p.run(&[cmd, "--help"], "");
        out.code(0);
        assert!(out.stdout.contains("Examples:"), "{cmd}: {out}");
    }
    p.run(&["--version"], "").code(0);
    let out = p.run(&[], "");
    out.code(2);
    assert!(out.stderr.contains("Commands:"), "{out}");
}

#[test]
fn a_misspelt_command_gets_a_suggestion() {
    let p = Project::new();
    p.run(&["chek"], "").code(2).stderr_has(&["check"]);
}
