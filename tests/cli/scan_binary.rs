//! The scanner does not fail open on content with NUL bytes: a token in a
//! binary file (a SQLite database, `\0T=…`) or in UTF-16 text (LE or BE,
//! with or without a byte-order mark) is found by every mode: the files git
//! tracks, named paths, the staged blobs the pre-commit hook reads, and the
//! history.

use crate::common::*;

/// UTF-16 of `text`, little- or big-endian, with or without a BOM.
fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut units: Vec<u16> = Vec::new();
    if bom {
        units.push(0xFEFF);
    }
    units.extend(text.encode_utf16());
    units
        .iter()
        .flat_map(|u| {
            if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            }
        })
        .collect()
}

/// A SQLite-like database of 8 KiB: the magic header, zero-filled pages,
/// binary record headers, and the token inside a record.
fn sqlite_with(token: &str) -> Vec<u8> {
    let mut db = b"SQLite format 3\0".to_vec();
    db.extend_from_slice(&[0x10, 0x00, 0x01, 0x01, 0x00, 0x40, 0x20, 0x20]);
    db.resize(4096, 0);
    db.extend_from_slice(&[0x0d, 0x00, 0x00, 0x00, 0x01, 0x0f, 0xa0, 0x00]);
    db.resize(8000, 0);
    db.extend_from_slice(&[0x52, 0x01, 0x03, 0x17, 0x81, 0x13]);
    db.extend_from_slice(b"api_token");
    db.extend_from_slice(token.as_bytes());
    db.resize(8192, 0);
    db
}

/// The hostile files, each with its own token.
fn payloads() -> Vec<(&'static str, Vec<u8>, String)> {
    let t = |seed| token_with("ghp_", seed);
    let (a, b, c, d, e, f) = (t(301), t(302), t(303), t(304), t(305), t(306));
    vec![
        ("app.sqlite", sqlite_with(&a), a),
        (
            "le-bom.txt",
            utf16(&format!("# settings\r\nTOKEN={b}\r\n"), true, true),
            b,
        ),
        (
            "le.txt",
            utf16(&format!("name = \"x\"\ntoken = \"{c}\"\n"), true, false),
            c,
        ),
        ("be-bom.txt", utf16(&format!("TOKEN={d}\n"), false, true), d),
        (
            "be.txt",
            utf16(&format!("é ünïcode\nGH={e}\n"), false, false),
            e,
        ),
        ("nul.env", [b"\0T=".as_slice(), f.as_bytes()].concat(), f),
    ]
}

fn write_payloads(p: &Project) -> Vec<(&'static str, Vec<u8>, String)> {
    let all = payloads();
    for (name, bytes, _) in &all {
        std::fs::write(p.file(name), bytes).unwrap();
    }
    all
}

/// Asserts that `out` found exactly the payloads' tokens, one per file,
/// without showing any of them.
#[track_caller]
fn finds_every_payload(out: &Output, all: &[(&'static str, Vec<u8>, String)]) {
    out.code(1);
    for (_, _, token) in all {
        out.never_shows(token);
    }
    let json = out.json();
    let mut found: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["masked"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, String)> = all
        .iter()
        .map(|(name, _, token)| ((*name).to_owned(), format!("ghp_…{}", &token[36..])))
        .collect();
    expected.sort();
    assert_eq!(found, expected, "{out}");
}

#[test]
fn tokens_in_binary_and_utf16_files_are_found_in_tracked_files_and_paths() {
    let p = Project::new();
    p.git_init();
    let all = write_payloads(&p);
    p.git(&["add", "-A"]);
    finds_every_payload(&p.run(&["scan", "--json"], ""), &all);
    finds_every_payload(&p.run(&["scan", ".", "--json"], ""), &all);
    let names: Vec<&str> = all.iter().map(|(n, _, _)| *n).collect();
    let mut args = vec!["scan", "--json"];
    args.extend(&names);
    finds_every_payload(&p.run(&args, ""), &all);
    // UTF-16 findings say so; line and column count bytes, as for any
    // file: line 2 starts after the 0x0a of "\n\0", so the token's first
    // byte comes after that \0 and the 12 bytes of "TOKEN=".
    let json = p.run(&["scan", "le-bom.txt", "--json"], "").json();
    let f = &json["findings"][0];
    assert_eq!(f["encoding"], "utf-16le", "{f}");
    assert_eq!((&f["line"], &f["column"]), (&2.into(), &14.into()), "{f}");
    assert_eq!(f["kind"], "classic");
    let json = p.run(&["scan", "be.txt", "--json"], "").json();
    assert_eq!(json["findings"][0]["encoding"], "utf-16be");
    let json = p.run(&["scan", "app.sqlite", "--json"], "").json();
    assert!(json["findings"][0].get("encoding").is_none(), "{json}");
    p.run(&["scan", "le.txt"], "")
        .code(1)
        .stdout_has(&["le.txt:2:", "(UTF-16LE)"]);
}

#[test]
fn the_hook_blocks_tokens_in_binary_and_utf16_files() {
    let p = Project::new();
    p.git_init();
    let all = write_payloads(&p);
    assert!(p.git(&["add", "-A"]).status.success());
    finds_every_payload(&p.run(&["scan", "--staged", "--json"], ""), &all);
    p.run(&["hook", "install"], "").code(0);
    let commit = p.git(&["commit", "-q", "-m", "data"]);
    assert!(!commit.status.success(), "{commit:?}");
    assert!(
        !p.git(&["rev-parse", "-q", "--verify", "HEAD"])
            .status
            .success()
    );
}

#[test]
fn tokens_in_binary_and_utf16_files_are_found_in_the_history() {
    let p = Project::new();
    p.git_init();
    let all = write_payloads(&p);
    p.git(&["add", "-A"]);
    let commit = p.git(&[
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-q",
        "-m",
        "data",
    ]);
    assert!(commit.status.success(), "{commit:?}");
    for (name, _, _) in &all {
        std::fs::remove_file(p.file(name)).unwrap();
    }
    p.git(&["add", "-A"]);
    let commit = p.git(&[
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-q",
        "-m",
        "gone",
    ]);
    assert!(commit.status.success(), "{commit:?}");
    finds_every_payload(&p.run(&["scan", "--history", "--json"], ""), &all);
}

#[test]
fn a_token_found_in_utf16_is_read_back_by_revoke() {
    let p = Project::new();
    let token = token_with("ghp_", 311);
    std::fs::write(
        p.file("creds.txt"),
        utf16(&format!("user=me\r\ntoken={token}\r\n"), true, true),
    )
    .unwrap();
    let scan = p.run(&["scan", "creds.txt", "--json"], "");
    scan.code(1).never_shows(&token);
    let fake = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    let mut cmd = p.cmd(&["revoke", "--from-scan", "-", "--yes"]);
    cmd.env("GHENV_API_URL", fake.base());
    p.run_with(cmd, scan.stdout.as_bytes())
        .code(0)
        .never_shows(&token);
    let body: serde_json::Value = serde_json::from_str(&fake.requests()[0].body).unwrap();
    assert_eq!(body["credentials"][0], token.as_str());
}

#[test]
fn binary_files_without_tokens_are_counted_not_reported() {
    let p = Project::new();
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    // A token with one character changed: its checksum keeps it out.
    png.extend_from_slice(flipped(&classic()).as_bytes());
    png.extend_from_slice(&[0u8; 64]);
    std::fs::write(p.file("image.png"), png).unwrap();
    p.write("notes.txt", "hello\n");
    let out = p.run(&["scan", ".", "--json"], "");
    out.code(0);
    let json = out.json();
    assert_eq!(json["files_scanned"], 2, "{json}");
    assert_eq!(json["binary_files"], 1, "{json}");
}
