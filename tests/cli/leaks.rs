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
    assert_eq!(
        out.stdout.lines().next(),
        Some(format!("::add-mask::{token}").as_str()),
        "the mask comes first\n{out}"
    );
    std::fs::remove_file(p.file(".env")).unwrap();
    let mut cmd = p.cmd(&["unlock", "-i", k]);
    cmd.env("GITHUB_ACTIONS", "true");
    let out = p.run_with(cmd, b"");
    assert!(
        out.stdout.starts_with(&format!("::add-mask::{token}\n")),
        "{out}"
    );
    // Anywhere else, never.
    let out = p.run(&["run", "-i", k, "--", "echo", "local"], "");
    out.code(0).never_shows(&token);
}
