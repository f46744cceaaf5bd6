//! Where the token comes from: standard input, a file, the environment,
//! in which order, and never an argument. Each malformed token is a row of
//! the matrix (`matrix.rs`): exit 3 before any request, nothing written.

use crate::common::*;

/// Runs init with `input` on stdin against a fake that must get no request.
#[test]
fn every_prefixed_kind_passes_offline() {
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        let p = Project::new();
        let token = token_with(prefix, 7);
        p.run(&["init", "--token-stdin", "--offline"], &token)
            .code(0)
            .never_shows(&token);
    }
}

#[test]
fn stdin_takes_the_first_line_trimmed_of_crlf_and_spaces() {
    let p = Project::new();
    let token = classic();
    p.run(
        &["init", "--token-stdin", "--offline"],
        &format!("  {token}  \r\nsecond line\n"),
    )
    .code(0);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}

#[test]
fn token_file_is_read() {
    let p = Project::new();
    let token = classic();
    let file = p.home.path().join("token.txt");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    p.run(
        &["init", "--token-file", file.to_str().unwrap(), "--offline"],
        "",
    )
    .code(0);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}

#[test]
fn a_missing_token_file_is_a_usage_error() {
    let p = Project::new();
    p.run(
        &["init", "--token-file", "/nonexistent/token", "--offline"],
        "",
    )
    .code(2)
    .stderr_has(&["cannot read the token file", "--token-file"]);
    assert!(p.snapshot().is_empty());
}

#[test]
fn gh_token_wins_over_github_token() {
    let p = Project::new();
    let (a, b) = (token_with("ghp_", 11), token_with("ghp_", 12));
    let mut cmd = p.cmd(&["init", "--offline"]);
    cmd.env("GH_TOKEN", &a).env("GITHUB_TOKEN", &b);
    p.run_with(cmd, b"")
        .code(0)
        .never_shows(&a)
        .never_shows(&b)
        .stderr_has(&["$GH_TOKEN"]);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, a);

    let p = Project::new();
    let mut cmd = p.cmd(&["init", "--offline"]);
    cmd.env("GITHUB_TOKEN", &b);
    p.run_with(cmd, b"").code(0).stderr_has(&["$GITHUB_TOKEN"]);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, b);
}

#[test]
fn stdin_wins_over_the_environment() {
    let p = Project::new();
    let (a, b) = (token_with("ghp_", 21), token_with("ghp_", 22));
    let mut cmd = p.cmd(&["init", "--offline", "--token-stdin"]);
    cmd.env("GH_TOKEN", &b);
    p.run_with(cmd, a.as_bytes()).code(0);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, a);
}

#[test]
fn no_source_and_no_terminal_is_a_usage_error_naming_the_options() {
    let p = Project::new();
    p.run(&["init", "--offline"], "").code(2).stderr_has(&[
        "no token found",
        "--token-stdin",
        "--token-file",
        "GH_TOKEN",
    ]);
    assert!(p.snapshot().is_empty());
}

#[test]
fn there_is_no_flag_that_takes_the_token() {
    let p = Project::new();
    let token = classic();
    let out = p.run(&["init", "--token", &token], "");
    out.code(2);
    assert!(p.snapshot().is_empty());
}

#[test]
fn a_token_of_a_length_github_may_issue_is_left_to_github_with_a_note() {
    let p = Project::new();
    // A stateless installation token: ghs_ and a JWT of about 500 characters.
    let jwt = format!(
        "ghs_{}.{}.{}",
        "eyJhbGciOiJSUzI1NiJ9",
        "eyJpc3MiOiIxMjM0NSJ9".repeat(20),
        "c2lnbmF0dXJl".repeat(8)
    );
    let fake = FakeGitHub::start(vec![Reply::fine_grained("octocat")]);
    p.init(&fake, &jwt, &[])
        .code(0)
        .never_shows(&jwt)
        .stderr_has(&["cannot be checked offline", "installation token"]);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, jwt);
}

#[test]
fn a_byte_order_mark_or_zero_width_space_around_the_token_is_stripped() {
    let token = classic();
    for input in [
        format!("\u{feff}{token}\n"),
        format!("\u{200b}{token}\u{200b}\n"),
    ] {
        let p = Project::new();
        p.run(&["init", "--offline", "--token-stdin"], &input)
            .code(0);
        assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
    }
    let p = Project::new();
    let mut cmd = p.cmd(&["init", "--offline"]);
    cmd.env("GH_TOKEN", format!("\u{feff}{token}"));
    p.run_with(cmd, b"").code(0);
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}

#[test]
fn a_token_typed_as_an_argument_is_never_printed_back() {
    let token = classic();
    let p = Project::new();
    let inline = format!("--token-stdin={token}");
    let cases: Vec<Vec<&str>> = vec![
        vec!["init", &token],
        vec!["init", &inline],
        vec!["init", "--offline", "--token-file", &token],
        vec!["init", "--offline", "-C", &token],
        vec!["init", "--offline", "--token-stdin", "-t", &token],
        vec!["check", "-C", &token, "--json"],
    ];
    for args in cases {
        let out = p.run(&args, "");
        assert_ne!(out.code, 0, "{args:?}");
        out.never_shows(&token)
            .stderr_has(&["never takes a token as an argument", "ghp_…"]);
        if args.contains(&"--json") {
            let j = out.json();
            assert!(j["error"]["message"].as_str().unwrap().contains("ghp_…"));
        }
    }
    assert!(p.snapshot().is_empty());
}

#[test]
fn a_token_file_that_is_a_folder_is_a_read_error() {
    let p = Project::new();
    std::fs::create_dir(p.file("tokens")).unwrap();
    let out = p.run(
        &["init", "--offline", "--token-file", "tokens", "--json"],
        "",
    );
    out.code(2).stderr_has(&["is a folder"]);
    assert_eq!(out.json()["error"]["kind"], "token_file_unreadable");
}

#[test]
fn a_failing_token_from_the_shell_is_named_with_how_to_get_it_out_of_the_way() {
    let narrow = classic();
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "read:user")]);
    let mut cmd = p.cmd(&["init", "--endpoint", &fake.url()]);
    cmd.env("GH_TOKEN", &narrow);
    let out = p.run_with(cmd, b"");
    out.code(4).never_shows(&narrow).stderr_has(&[
        "came from $GH_TOKEN",
        "unset GH_TOKEN",
        "--token-stdin",
    ]);
}
