//! `scan --history` on a generated history reports every copy of every
//! token, with the path, line, column, blob and commits of each, wherever it
//! hides: a file deleted since, a merge, a tag no branch holds, a stash. The
//! blobs are named while the history is still read (the first finding starts
//! the `git log` pass, later ones get a second), and the findings must be
//! exactly what the construction put there; a clean history never starts
//! `git log` at all.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::common::*;

fn git_ok(p: &Project, args: &[&str]) -> String {
    let out = p.git(args);
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn commit_all(p: &Project, message: &str) -> String {
    git_ok(p, &["add", "-A"]);
    git_ok(
        p,
        &[
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-q",
            "-m",
            message,
        ],
    );
    git_ok(p, &["rev-parse", "--short", "HEAD"])
}

/// One expected finding: path, line, column, blob, commits.
type Expected = (String, u64, u64, String, Vec<String>);

fn findings(json: &serde_json::Value) -> BTreeSet<Expected> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["blob"].as_str().unwrap().to_owned(),
                // Left out of the JSON when there are none.
                f["commits"].as_array().map_or_else(Vec::new, |c| {
                    c.iter().map(|c| c.as_str().unwrap().to_owned()).collect()
                }),
            )
        })
        .collect()
}

fn blob_at(p: &Project, rev_path: &str) -> String {
    git_ok(p, &["rev-parse", rev_path])
}

/// A history of about 40 commits with tokens placed at known spots; what
/// `scan --history --json` must report for it.
fn generated_history(p: &Project) -> BTreeSet<Expected> {
    p.git_init();
    git_ok(p, &["checkout", "-q", "-b", "main"]);
    let mut expected = BTreeSet::new();
    let token = |seed| token_with("ghp_", seed);
    let (deleted, persisted, side, merged, tagged, stashed) = (
        token(301),
        token(302),
        token(303),
        token(304),
        token(305),
        token(306),
    );
    p.write("a.txt", "clean\n");
    for i in 0..12 {
        p.write(&format!("f{i}.js"), &format!("export const n = {i};\n"));
    }
    commit_all(p, "start");
    let mut config = None;
    let mut old = None;
    for i in 0..40 {
        p.write("counter.txt", &format!("{i}\n"));
        p.write(
            &format!("f{}.js", i % 12),
            &format!("export const n = {i};\n"),
        );
        match i {
            // A file with a token, deleted eight commits later.
            3 => p.write("old.txt", &format!("x\ny\n  {deleted}\n")),
            11 => std::fs::remove_file(p.file("old.txt")).unwrap(),
            // A token kept while its file changes: two blobs hold it.
            5 => p.write("config.js", &format!("// c\nconst t = '{persisted}';\n")),
            30 => p.write(
                "config.js",
                &format!("// changed\nconst t = '{persisted}';\n"),
            ),
            _ => {}
        }
        let c = commit_all(p, &format!("commit {i}"));
        match i {
            3 => old = Some((c, blob_at(p, "HEAD:old.txt"))),
            11 => {
                let (added, blob) = old.take().unwrap();
                expected.insert(("old.txt".into(), 3, 3, blob, vec![added, c.clone()]));
            }
            5 => config = Some((c, blob_at(p, "HEAD:config.js"))),
            30 => {
                let (added, blob) = config.take().unwrap();
                expected.insert(("config.js".into(), 2, 12, blob, vec![added, c.clone()]));
                let blob = blob_at(p, "HEAD:config.js");
                expected.insert(("config.js".into(), 2, 12, blob, vec![c.clone()]));
            }
            _ => {}
        }
        if i == 15 {
            // A side branch with a token in an ordinary commit, merged with
            // a merge that adds a token of its own (no ordinary commit
            // holds that blob: a merge names it but does not count).
            git_ok(p, &["checkout", "-q", "-b", "side"]);
            p.write("side.txt", &format!("{side}\n"));
            let on_side = commit_all(p, "side");
            expected.insert((
                "side.txt".into(),
                1,
                1,
                blob_at(p, "HEAD:side.txt"),
                vec![on_side],
            ));
            git_ok(p, &["checkout", "-q", "main"]);
            p.write("main.txt", "main only\n");
            commit_all(p, "main");
            git_ok(p, &["merge", "-q", "--no-commit", "--no-ff", "side"]);
            p.write("merged.txt", &format!("k = {merged}\n"));
            commit_all(p, "merge side");
            expected.insert((
                "merged.txt".into(),
                1,
                5,
                blob_at(p, "HEAD:merged.txt"),
                vec![],
            ));
            git_ok(p, &["branch", "-q", "-D", "side"]);
        }
        if i == 25 {
            // On an annotated tag only.
            git_ok(p, &["checkout", "-q", "-b", "tmp"]);
            p.write("tagged.txt", &format!("{tagged}\n"));
            let c = commit_all(p, "tagged");
            let blob = blob_at(p, "HEAD:tagged.txt");
            expected.insert(("tagged.txt".into(), 1, 1, blob, vec![c]));
            git_ok(p, &["tag", "-a", "-m", "t", "leaky"]);
            git_ok(p, &["checkout", "-q", "main"]);
            git_ok(p, &["branch", "-q", "-D", "tmp"]);
        }
    }
    // In a stash only: the work tree's blob is in the stash's merge commit.
    p.write("a.txt", &format!("clean\n{stashed}\n"));
    git_ok(p, &["stash", "-q"]);
    assert_eq!(p.read("a.txt"), "clean\n");
    let blob = blob_at(p, "stash@{0}:a.txt");
    expected.insert(("a.txt".into(), 2, 1, blob, vec![]));
    expected
}

#[test]
fn every_copy_in_a_generated_history_is_found_and_named_exactly() {
    let p = Project::new();
    let expected = generated_history(&p);
    let out = p.run(&["scan", "--history", "--json"], "");
    out.code(1);
    for seed in 301..=306 {
        out.never_shows(&token_with("ghp_", seed));
    }
    assert_eq!(findings(&out.json()), expected, "{}", out.stdout);
    // --since commit 25 (HEAD~14 on main): the tag's commit, the second
    // config.js and the stash are after it; named the same way.
    let commit_25 = git_ok(&p, &["rev-parse", "HEAD~14"]);
    let since = p.run(&["scan", "--history", "--json", "--since", &commit_25], "");
    let after: BTreeSet<Expected> = expected
        .iter()
        .filter(|f| match f.0.as_str() {
            "tagged.txt" | "a.txt" => true,
            "config.js" => f.4.len() == 1,
            _ => false,
        })
        .cloned()
        .collect();
    assert_eq!(after.len(), 3);
    assert_eq!(findings(&since.json()), after, "{}", since.stdout);
}

/// A `git` in front of the real one that notes each subcommand (and its
/// first option) in `log`.
fn git_spy(p: &Project) -> (PathBuf, PathBuf) {
    let real = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join("git"))
                .find(|g| g.is_file())
                .expect("git on PATH")
        })
        .unwrap();
    let bin = p.home.path().join("spy");
    std::fs::create_dir_all(&bin).unwrap();
    let log = p.home.path().join("git-calls");
    let script = bin.join("git");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n[ \"$1\" = -C ] && echo \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (bin, log)
}

fn log_passes(p: &Project, bin: &std::path::Path, log: &std::path::Path) -> (i32, usize) {
    let _ = std::fs::remove_file(log);
    let mut cmd = p.cmd(&["scan", "--history", "-q"]);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap());
    let out = p.run_with(cmd, b"");
    let calls = std::fs::read_to_string(log).unwrap_or_default();
    assert!(calls.contains("rev-list"), "{calls}");
    (
        out.code,
        calls.lines().filter(|l| l.contains(" log --all")).count(),
    )
}

#[test]
fn git_log_runs_only_when_something_was_found() {
    let p = Project::new();
    p.git_init();
    for i in 0..20 {
        p.write("a.txt", &format!("{i}\n"));
        commit_all(&p, &format!("c{i}"));
    }
    let (bin, log) = git_spy(&p);
    assert_eq!(log_passes(&p, &bin, &log), (0, 0), "a clean history");
    // Tokens in several blobs: one pass started at the first, one for
    // those found after it started; never one per blob.
    for i in 0..6 {
        p.write("a.txt", &format!("{}\n", token_with("ghp_", 400 + i)));
        commit_all(&p, &format!("leak {i}"));
    }
    let (code, passes) = log_passes(&p, &bin, &log);
    assert_eq!(code, 1);
    assert!((1..=2).contains(&passes), "{passes} git log passes");
}
