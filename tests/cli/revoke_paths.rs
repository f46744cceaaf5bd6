//! `revoke --from-scan` reads tokens back only from files inside the
//! folder it runs in: a crafted scan naming another project's `.env` (by an
//! absolute path, `../`, or a folder linked outside) is refused whole,
//! before anything is sent.

use crate::common::*;

/// Another project beside this one, with a token in its `.env`.
fn other_project(token: &str) -> Project {
    let q = Project::new();
    q.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    q
}

/// A scan's JSON with a finding in this folder's `notes.txt` first, then
/// one for `path`, line 1, column 40 (where the token starts in `.env`).
fn forged_scan(path: &str) -> String {
    serde_json::json!({
        "ok": false,
        "findings": [
            {"path": "notes.txt", "line": 1, "column": 3, "kind": "classic", "masked": "x"},
            {"path": path, "line": 1, "column": 40, "kind": "classic", "masked": "x"},
        ],
        "files_scanned": 2,
        "binary_files": 0,
    })
    .to_string()
}

#[test]
fn from_scan_refuses_paths_outside_the_folder_and_sends_nothing() {
    let theirs = token_with("ghp_", 401);
    let q = other_project(&theirs);
    let p = Project::new();
    let mine = token_with("ghp_", 402);
    p.write("notes.txt", &format!("t={mine}\n"));
    std::os::unix::fs::symlink(q.path(), p.file("linked")).unwrap();
    let sibling = format!(
        "../{}/.env",
        q.path().file_name().unwrap().to_str().unwrap()
    );
    let absolute = q.file(".env").to_str().unwrap().to_owned();
    for path in [
        absolute.as_str(),
        sibling.as_str(),
        "linked/.env",
        "./linked/../linked/.env",
    ] {
        // Nothing is asked of the fake GitHub: it fails the test on drop
        // if a request came.
        let fake = FakeGitHub::start(vec![]);
        let mut cmd = p.cmd(&["revoke", "--from-scan", "-", "--yes", "--json"]);
        cmd.env("GHENV_API_URL", fake.base());
        let out = p.run_with(cmd, forged_scan(path).as_bytes());
        out.code(7).never_shows(&theirs).never_shows(&mine);
        let json = out.json();
        assert_eq!(json["error"]["kind"], "scan_path_outside", "{out}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains("findings[1]"), "{message}");
        // The entry is named by its index, never by what it holds.
        assert!(
            !out.stdout.contains(".env") && !out.stderr.contains(".env"),
            "{out}"
        );
        assert!(fake.requests().is_empty());
    }
    // The other project's file is as it was, and the same scan without the
    // forged entry goes through.
    assert!(q.read(".env").contains(&theirs));
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    let mut cmd = p.cmd(&["revoke", "--from-scan", "-", "--yes"]);
    cmd.env("GHENV_API_URL", fake.base());
    let scan = p.run(&["scan", "notes.txt", "--json"], "");
    p.run_with(cmd, scan.stdout.as_bytes())
        .code(0)
        .never_shows(&mine);
}

#[test]
fn a_folder_link_that_stays_inside_the_folder_is_allowed() {
    let p = Project::new();
    let token = token_with("ghp_", 403);
    std::fs::create_dir(p.file("real")).unwrap();
    p.write("real/a.txt", &format!("t={token}\n"));
    std::os::unix::fs::symlink("real", p.file("alias")).unwrap();
    let scan = serde_json::json!({"findings": [
        {"path": "alias/a.txt", "line": 1, "column": 3, "kind": "classic", "masked": "x"},
    ]})
    .to_string();
    // Inside the folder: allowed, and read.
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    let mut cmd = p.cmd(&["revoke", "--from-scan", "-", "--yes"]);
    cmd.env("GHENV_API_URL", fake.base());
    p.run_with(cmd, scan.as_bytes()).code(0).never_shows(&token);
}

#[test]
fn a_finding_that_names_a_link_to_a_file_is_skipped() {
    let p = Project::new();
    let token = token_with("ghp_", 404);
    p.write("a.txt", &format!("t={token}\n"));
    std::os::unix::fs::symlink("a.txt", p.file("link.txt")).unwrap();
    let scan = serde_json::json!({"findings": [
        {"path": "link.txt", "line": 1, "column": 3, "kind": "classic", "masked": "x"},
    ]})
    .to_string();
    let fake = FakeGitHub::start(vec![]);
    let mut cmd = p.cmd(&["revoke", "--from-scan", "-", "--yes"]);
    cmd.env("GHENV_API_URL", fake.base());
    p.run_with(cmd, scan.as_bytes())
        .code(2)
        .never_shows(&token)
        .stderr_has(&["link.txt: cannot read it"]);
}
