//! File names in `scan --json` are JSON strings that round-trip: a UTF-8
//! name as it is (a newline as `\n`), a name that is not UTF-8 as a lossy
//! `path` plus its bytes in `path_bytes`; and `revoke --from-scan` reads back
//! what scan writes, from the same folder.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::common::*;

fn revoke_from(p: &Project, fake: &FakeGitHub, scan: &str) -> Output {
    let mut cmd = p.cmd(&["revoke", "--from-scan", "-", "--yes"]);
    cmd.env("GHENV_API_URL", fake.base());
    p.run_with(cmd, scan.as_bytes())
}

fn credentials(fake: &FakeGitHub) -> Vec<String> {
    let mut all: Vec<String> = fake
        .requests()
        .iter()
        .flat_map(|r| {
            let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            body["credentials"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    all.sort();
    all
}

#[test]
fn odd_file_names_round_trip_from_scan_to_revoke() {
    let p = Project::new();
    std::fs::create_dir(p.file("src")).unwrap();
    let latin1: &[u8] = b"src/le\xe9k\nline.js";
    let utf8 = "src/two\nlines \u{1b}[31m.js";
    let (a, b) = (token_with("ghp_", 601), token_with("ghp_", 602));
    std::fs::write(
        p.path().join(OsStr::from_bytes(latin1)),
        format!("const t = '{a}';\n"),
    )
    .unwrap();
    p.write(utf8, &format!("t={b}\n"));
    let scan = p.run(&["scan", "--json"], "");
    scan.code(1).never_shows(&a).never_shows(&b);
    let json = scan.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{json}");
    let latin = findings
        .iter()
        .find(|f| f.get("path_bytes").is_some())
        .expect("the non-UTF-8 name carries its bytes");
    assert_eq!(latin["path"], "src/le\u{fffd}k\nline.js");
    let bytes: Vec<u8> = latin["path_bytes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| u8::try_from(n.as_u64().unwrap()).unwrap())
        .collect();
    assert_eq!(bytes, latin1);
    let plain = findings
        .iter()
        .find(|f| f.get("path_bytes").is_none())
        .unwrap();
    assert_eq!(plain["path"], utf8, "a UTF-8 name as it is");
    // For people, still escaped.
    let human = p.run(&["scan"], "");
    human
        .code(1)
        .stdout_has(&["src/le\u{fffd}k\\u{a}line.js:1:12:"]);
    assert!(!human.stdout.contains('\u{1b}'), "{human}");

    let fake = FakeGitHub::start(vec![Reply::revoke_accepted()]);
    revoke_from(&p, &fake, &scan.stdout)
        .code(0)
        .never_shows(&a)
        .never_shows(&b);
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(credentials(&fake), expected);
}

#[test]
fn staged_and_history_findings_carry_the_name_the_same_way() {
    let p = Project::new();
    p.git_init();
    let name: &[u8] = b"caf\xe9\n.env";
    std::fs::write(
        p.path().join(OsStr::from_bytes(name)),
        format!("T={}\n", classic()),
    )
    .unwrap();
    assert!(p.git(&["add", "-A"]).status.success());
    let staged = p.run(&["scan", "--staged", "--json"], "");
    staged.code(1);
    let commit = p.git(&["-c", "core.hooksPath=/dev/null", "commit", "-qm", "x"]);
    assert!(commit.status.success(), "{commit:?}");
    let history = p.run(&["scan", "--history", "--json"], "");
    history.code(1);
    for out in [&staged, &history] {
        let f = &out.json()["findings"][0];
        assert_eq!(f["path"], "caf\u{fffd}\n.env", "{f}");
        let bytes: Vec<u64> = f["path_bytes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        assert_eq!(
            bytes,
            name.iter().map(|&b| u64::from(b)).collect::<Vec<_>>()
        );
    }
}
