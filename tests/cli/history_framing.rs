//! `scan --history` keeps its place in git's object stream whatever the
//! repository holds: file names that end in " missing" or hold a newline,
//! and content crafted to look like `git cat-file` headers; and anything it
//! cannot make sense of is an error, never "no tokens".

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::common::*;

fn commit_all(p: &Project, message: &str) {
    assert!(p.git(&["add", "-A"]).status.success());
    let out = p.git(&[
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-q",
        "-m",
        message,
    ]);
    assert!(out.status.success(), "{out:?}");
}

fn blob_id(p: &Project, name: &str) -> String {
    let out = p.git(&["hash-object", "--", name]);
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_path_ending_in_missing_with_header_shaped_content_hides_nothing() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    // The blob after it in git's stream: "z.txt" sorts after "a missing".
    let leak = format!("T={token}\n");
    p.write("z.txt", &leak);
    let id = blob_id(&p, "z.txt");
    // What a reader that took "… a missing" for a missing object would see
    // next: this "header" claims a tree exactly as long as what follows it
    // (the next blob's header and body), so the token is skipped unread and
    // the stream ends cleanly.
    let rest = format!("{id} blob {} z.txt\n{leak}\n", leak.len());
    let crafted = format!(
        "{} missing\n{} missing\n{} tree {}\n",
        "f".repeat(40),
        "e".repeat(40),
        "0".repeat(40),
        rest.len()
    );
    p.write("a missing", &crafted);
    commit_all(&p, "innocent");
    let out = p.run(&["scan", "--history", "--json"], "");
    out.code(1).never_shows(&token);
    let json = out.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["path"], "z.txt");
    assert_eq!(findings[0]["blob"], id.as_str());
    assert_eq!(json["files_scanned"], 2, "{json}");
}

#[test]
fn a_path_with_a_newline_is_reported_whole() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    std::fs::write(
        p.path().join(OsStr::from_bytes(b"two\nlines.txt")),
        format!("T={token}\n"),
    )
    .unwrap();
    p.write("lines.txt", "clean\n");
    commit_all(&p, "names");
    let out = p.run(&["scan", "--history", "--json"], "");
    out.code(1).never_shows(&token);
    let json = out.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    // Whole: rev-list alone would have cut it to "two".
    assert_eq!(findings[0]["path"], "two\nlines.txt", "{json}");
    assert_eq!(json["files_scanned"], 2, "{json}");
}

#[test]
fn a_blob_git_cannot_read_fails_the_history_scan() {
    let p = Project::new();
    p.git_init();
    p.write("a.txt", "hello\n");
    p.write("b.txt", &format!("T={}\n", classic()));
    commit_all(&p, "two files");
    // Remove a blob behind git's back: not a partial clone, a broken
    // repository, and the scan cannot say it is clean.
    let id = blob_id(&p, "a.txt");
    std::fs::remove_file(p.file(&format!(".git/objects/{}/{}", &id[..2], &id[2..]))).unwrap();
    let out = p.run(&["scan", "--history", "--json"], "");
    assert_ne!(out.code, 0, "{out}");
    assert_ne!(out.code, 1, "an error, not a finding: {out}");
    assert_eq!(out.json()["ok"], false);
    out.stderr_has(&["history"]);
}
