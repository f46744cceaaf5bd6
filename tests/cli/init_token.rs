//! Token input and the offline checks: each bad token exits 3 before any
//! request, and nothing is written.

use crate::common::*;

/// Runs init with `input` on stdin against a fake that must get no request.
fn rejected_offline(input: &str) -> (Project, Output) {
    let p = Project::new();
    p.write("keep.txt", "mine");
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    let out = p.run(&["init", "--token-stdin", "--endpoint", &fake.url()], input);
    assert_eq!(p.snapshot(), before, "nothing may be written\n{out}");
    (p, out)
}

#[test]
fn a_flipped_character_fails_the_checksum_with_code_3() {
    let token = flipped(&classic());
    let (_, out) = rejected_offline(&format!("{token}\n"));
    out.code(3).never_shows(&token).stderr_has(&[
        "checksum does not match",
        "mistyped or truncated",
        "hint:",
    ]);
}

#[test]
fn a_truncated_token_reports_both_lengths() {
    let token = classic();
    let (_, out) = rejected_offline(&token[..35]);
    out.code(3)
        .never_shows(&token[..35])
        .stderr_has(&["40 characters but this one has 35"]);
}

#[test]
fn an_unknown_prefix_is_rejected() {
    let token = classic().replacen("ghp_", "ghx_", 1);
    let (_, out) = rejected_offline(&token);
    out.code(3)
        .never_shows(&token)
        .stderr_has(&["GitHub token prefix", "\"ghx_\""]);
}

#[test]
fn a_bad_character_is_named_by_position() {
    let mut token = classic();
    token.replace_range(9..10, "!");
    let (_, out) = rejected_offline(&token);
    out.code(3)
        .never_shows(&token)
        .stderr_has(&["character 10 is not allowed"]);
}

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
fn empty_and_whitespace_input_is_rejected() {
    rejected_offline("").1.code(3);
    let (_, out) = rejected_offline("\n");
    out.code(3).stderr_has(&["the token is empty"]);
    let (_, out) = rejected_offline("   \r\n");
    out.code(3).stderr_has(&["the token is empty"]);
    let (_, out) = rejected_offline("ghp_abc def\n");
    out.code(3).stderr_has(&["white space"]);
}

#[test]
fn a_quoted_token_is_rejected_with_advice() {
    let token = classic();
    let (_, out) = rejected_offline(&format!("\"{token}\"\n"));
    out.code(3).never_shows(&token).stderr_has(&["quotes"]);
}

#[test]
fn non_utf8_and_huge_input_are_rejected() {
    let p = Project::new();
    let out = p.run_with(
        p.cmd(&["init", "--token-stdin", "--offline"]),
        b"\xff\xfe\xfd\n",
    );
    out.code(3).stderr_has(&["not valid UTF-8"]);
    let big = "a".repeat(1024 * 1024);
    let (_, out) = rejected_offline(&big);
    out.code(3).stderr_has(&["longer than"]);
    assert!(out.stderr.len() < 2000, "the input is not echoed");
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
