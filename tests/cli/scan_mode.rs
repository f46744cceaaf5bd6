//! `ghenv scan` without paths says what it read, and never reports a clean
//! folder because git tracks nothing yet: before the first `git add` (or
//! outside a repository) it reads the folder as `scan .` does.

use crate::common::*;

#[test]
fn before_the_first_git_add_scan_reads_the_folder_and_says_so() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    p.write("config.js", &format!("export const t = '{token}';\n"));
    // Ignored by the repository's rules: left out, as `scan .` leaves it.
    p.write(".gitignore", "local.txt\n");
    p.write("local.txt", &format!("{}\n", token_with("ghp_", 501)));
    let out = p.run(&["scan", "--json"], "");
    out.code(1).never_shows(&token);
    let json = out.json();
    assert_eq!(json["mode"], "folder", "{json}");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["path"], "config.js");
    p.run(&["scan"], "")
        .code(1)
        .stderr_has(&["found 1 GitHub token in 1 file", "git tracks no file here"]);
    // Clean, it says what it read too.
    std::fs::remove_file(p.file("config.js")).unwrap();
    p.run(&["scan"], "").code(0).stderr_has(&[
        "No GitHub tokens in 1 file",
        "this folder",
        "git tracks no file here",
    ]);
}

#[test]
fn each_mode_is_named_in_json_and_for_people() {
    let p = Project::new();
    p.write("a.txt", "clean\n");
    let out = p.run(&["scan", "--json"], "");
    out.code(0);
    assert_eq!(out.json()["mode"], "folder");
    p.run(&["scan"], "")
        .code(0)
        .stderr_has(&["this folder", "not in a git repository"]);

    p.git_init();
    p.git(&["add", "a.txt"]);
    assert_eq!(p.run(&["scan", "--json"], "").json()["mode"], "tracked");
    p.run(&["scan"], "")
        .code(0)
        .stderr_has(&["No GitHub tokens in 1 file", "the files git tracks"]);
    assert_eq!(
        p.run(&["scan", "a.txt", "--json"], "").json()["mode"],
        "paths"
    );
    assert_eq!(
        p.run(&["scan", "--staged", "--json"], "").json()["mode"],
        "staged"
    );
    let commit = p.git(&["-c", "core.hooksPath=/dev/null", "commit", "-qm", "a"]);
    assert!(commit.status.success(), "{commit:?}");
    assert_eq!(
        p.run(&["scan", "--history", "--json"], "").json()["mode"],
        "history"
    );
}
