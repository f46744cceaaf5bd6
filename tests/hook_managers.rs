//! Living beside the tools that manage git hooks, tested with the real
//! ones: husky 9 (from compat/node_modules) and the pre-commit framework
//! (pip). `#[ignore]`d in a plain `cargo test`; `scripts/test.sh` (and so
//! CI) installs them and runs these too. Unix only, like the binary tests
//! whose helpers they share.

#![allow(clippy::print_stderr)]
#![cfg(unix)]

#[path = "cli/common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn compat() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("compat")
}

/// PATH with the ghenv under test first, as a user who installed it has.
fn path_with_ghenv() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_ghenv")).parent().unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

/// `git commit` in the project, with ghenv on PATH; true when it committed.
fn commit(p: &Project, message: &str) -> bool {
    Command::new("git")
        .args(["commit", "-q", "-m", message])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .env("PATH", path_with_ghenv())
        .env("PRE_COMMIT_HOME", p.home.path().join("pre-commit"))
        .status()
        .unwrap()
        .success()
}

fn husky(p: &Project, args: &[&str]) {
    let status = Command::new("node")
        .arg(compat().join("node_modules/husky/bin.js"))
        .args(args)
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .status()
        .expect("node is installed");
    assert!(status.success(), "husky {args:?}");
}

#[test]
#[ignore = "needs compat/node_modules (husky): run scripts/test.sh"]
fn husky_runs_ghenv_from_its_own_pre_commit_and_keeps_the_users_commands() {
    assert!(
        compat().join("node_modules/husky/bin.js").exists(),
        "compat/node_modules/husky is missing: run scripts/test.sh"
    );
    let p = Project::new();
    p.git_init();
    p.write("package.json", "{ \"name\": \"app\", \"private\": true }\n");
    husky(&p, &["init"]);
    // The user's own hook: it must keep running.
    p.write(".husky/pre-commit", "echo user-hook >> ran.log\n");
    let wrapper = p.read(".husky/_/pre-commit");

    let out = p.run(&["hook", "install", "--json"], "");
    out.code(0)
        .stderr_has(&["husky runs this repository's hooks"]);
    assert_eq!(out.json()["status"], "husky");
    // --force does not touch husky's wrapper either, and is idempotent.
    p.run(&["hook", "install", "--force"], "").code(0);
    assert_eq!(p.read(".husky/_/pre-commit"), wrapper);
    let script = p.read(".husky/pre-commit");
    assert_eq!(script.matches("ghenv scan --staged").count(), 1, "{script}");
    assert!(script.contains("echo user-hook >> ran.log"), "{script}");

    p.write("ran.log", "");
    p.write("clean.txt", "hello\n");
    p.git(&["add", "clean.txt", ".husky/pre-commit", "package.json"]);
    assert!(commit(&p, "clean"), "a clean commit is allowed");
    assert!(
        p.read("ran.log").contains("user-hook"),
        "the user's hook ran"
    );

    let token = classic();
    p.write("leak.txt", &format!("T={token}\n"));
    p.git(&["add", "leak.txt"]);
    assert!(!commit(&p, "leak"), "a commit adding a token is blocked");

    // `npm install` runs husky again, which rewrites .husky/_: the check
    // lives in .husky/pre-commit, so it survives.
    husky(&p, &[]);
    assert!(!commit(&p, "leak"), "still blocked after husky reinstalls");

    // uninstall removes ghenv's lines and nothing else.
    p.run(&["hook", "uninstall"], "").code(0);
    let script = p.read(".husky/pre-commit");
    assert!(!script.contains("ghenv"), "{script}");
    assert!(script.contains("echo user-hook >> ran.log"), "{script}");
}

/// A local git repository holding this project's `.pre-commit-hooks.yaml`,
/// as pre-commit would clone ghenv's; returns its path and commit.
fn hooks_repo(p: &Project) -> (PathBuf, String) {
    let repo = p.home.path().join("ghenv-hooks");
    std::fs::create_dir(&repo).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        repo.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("HOME", p.home.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "-c",
        "user.email=t@example.com",
        "-c",
        "user.name=T",
        "commit",
        "-q",
        "-m",
        "hooks",
    ]);
    let rev = git(&["rev-parse", "HEAD"]).trim().to_owned();
    (repo, rev)
}

fn pre_commit(p: &Project, args: &[&str]) -> std::process::Output {
    Command::new("python3")
        .args(["-m", "pre_commit"])
        .args(args)
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .env("PATH", path_with_ghenv())
        .env("PRE_COMMIT_HOME", p.home.path().join("pre-commit"))
        .output()
        .expect("pre-commit is installed (scripts/test.sh installs it with pip)")
}

#[test]
#[ignore = "needs pre-commit (pip): run scripts/test.sh"]
fn the_pre_commit_framework_gets_advice_and_runs_ghenv_from_its_hooks_file() {
    let p = Project::new();
    p.git_init();
    let (repo, rev) = hooks_repo(&p);
    p.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: ghenv-scan\n",
            repo.display()
        ),
    );
    let out = pre_commit(&p, &["install"]);
    assert!(out.status.success(), "{out:?}");
    let installed = p.read(".git/hooks/pre-commit");

    // ghenv does not fight pre-commit for the hook: it says what to add.
    for args in [vec!["hook", "install"], vec!["hook", "install", "--force"]] {
        let out = p.run(&args, "");
        out.code(7)
            .stderr_has(&["pre-commit framework", "repo: local", "ghenv scan --staged"]);
    }
    assert_eq!(p.read(".git/hooks/pre-commit"), installed);
    let out = p.run(&["hook", "install", "--json"], "");
    assert_eq!(out.json()["error"]["kind"], "pre_commit_framework");

    // The shipped .pre-commit-hooks.yaml runs ghenv through pre-commit.
    p.write("clean.txt", "hello\n");
    p.git(&["add", "clean.txt", ".pre-commit-config.yaml"]);
    assert!(commit(&p, "clean"), "a clean commit is allowed");
    p.write("leak.txt", &format!("T={}\n", classic()));
    p.git(&["add", "leak.txt"]);
    assert!(!commit(&p, "leak"), "a commit adding a token is blocked");
}
