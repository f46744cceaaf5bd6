//! Finding tokens: `scan` over tracked files, folders and the staged
//! content, and the pre-commit hook that blocks a commit adding one.

use std::os::unix::fs::PermissionsExt;

use crate::common::*;

fn all_kinds() -> Vec<(String, &'static str)> {
    vec![
        (token_with("ghp_", 1), "classic"),
        (token_with("gho_", 2), "oauth"),
        (token_with("ghu_", 3), "user-to-server"),
        (token_with("ghs_", 4), "server-to-server"),
        (token_with("ghr_", 5), "refresh"),
        (fine_grained(), "fine-grained"),
    ]
}

// ------------------------------------------------------------ scan

#[test]
fn scan_finds_every_format_in_tracked_files() {
    let p = Project::new();
    p.git_init();
    let mut text = String::from("# config\n");
    for (t, _) in all_kinds() {
        text.push_str(&format!("value = \"{t}\"\n"));
    }
    p.write("leak.toml", &text);
    p.write("clean.txt", "nothing here: ghp_ is just a prefix\n");
    p.git(&["add", "."]);
    let out = p.run(&["scan", "--json"], "");
    out.code(1);
    for (t, _) in all_kinds() {
        out.never_shows(&t);
    }
    let j = out.json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["files_scanned"], 2);
    let found: Vec<(u64, &str)> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["path"], "leak.toml");
            assert_eq!(f["column"], 10);
            (f["line"].as_u64().unwrap(), f["kind"].as_str().unwrap())
        })
        .collect();
    let expected: Vec<(u64, &str)> = all_kinds()
        .iter()
        .enumerate()
        .map(|(i, (_, k))| (i as u64 + 2, *k))
        .collect();
    assert_eq!(found, expected);
    let human = p.run(&["scan"], "");
    human
        .code(1)
        .stderr_has(&["found 6 GitHub tokens in 1 file"]);
    assert!(
        human
            .stdout
            .starts_with("leak.toml:2:10: classic personal access token ghp_…"),
        "{human}"
    );
}

#[test]
fn scan_does_not_report_a_token_with_one_character_changed() {
    let p = Project::new();
    p.write(
        "notes.txt",
        &format!("{}\n{}\n", flipped(&classic()), "x".repeat(40)),
    );
    let out = p.run(&["scan", "notes.txt"], "");
    out.code(0).stderr_has(&["No GitHub tokens in 1 file"]);
    assert_eq!(out.stdout, "");
}

#[test]
fn scan_reads_binary_files_too() {
    let p = Project::new();
    let token = classic();
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00".to_vec();
    bytes.extend_from_slice(token.as_bytes());
    std::fs::write(p.file("image.png"), bytes).unwrap();
    let out = p.run(&["scan", ".", "--json"], "");
    out.code(1).never_shows(&token);
    assert_eq!(out.json()["binary_files"], 1);
    assert_eq!(out.json()["findings"][0]["path"], "image.png");
}

#[test]
fn scan_of_a_folder_honours_gitignore_but_not_for_named_files() {
    let p = Project::new();
    let token = classic();
    p.write(".gitignore", "secret.env\nbuild/\n");
    p.write("secret.env", &format!("T={token}\n"));
    std::fs::create_dir(p.file("build")).unwrap();
    p.write("build/out.js", &format!("var t='{token}'\n"));
    p.write(".env.local", &format!("T={token}\n"));
    let out = p.run(&["scan", "."], "");
    out.code(1);
    assert_eq!(
        out.stdout,
        ".env.local:1:3: classic personal access token ghp_…".to_owned() + &token[36..] + "\n"
    );
    p.run(&["scan", "secret.env"], "").code(1);
}

#[test]
fn scan_staged_reads_what_will_be_committed_not_the_working_tree() {
    let p = Project::new();
    p.git_init();
    let token = fine_grained();
    p.write("app.js", &format!("const t = '{token}';\n"));
    p.git(&["add", "app.js"]);
    // Fixed in the working tree but not re-staged: still blocked.
    p.write("app.js", "const t = process.env.TOKEN;\n");
    let out = p.run(&["scan", "--staged", "--json"], "");
    out.code(1).never_shows(&token);
    assert_eq!(out.json()["findings"][0]["kind"], "fine-grained");
    p.git(&["add", "app.js"]);
    p.run(&["scan", "--staged"], "").code(0);
}

#[test]
fn scan_staged_cannot_be_fooled_by_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let p = Project::new();
    p.git_init();
    // A name git would read as a revision (:0:path is stage 0), one that
    // is not UTF-8, and one with a newline: each once hid its token.
    let names: [&[u8]; 3] = [b"0:creds.txt", b"caf\xe9.txt", b"two\nlines.txt"];
    for (i, name) in names.iter().enumerate() {
        let path = p.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(&path, format!("T={}\n", token_with("ghp_", 50 + i as u64))).unwrap();
    }
    assert!(p.git(&["add", "-A"]).status.success());
    let out = p.run(&["scan", "--staged", "--json"], "");
    out.code(1);
    let j = out.json();
    assert_eq!(j["findings"].as_array().unwrap().len(), 3, "{out}");
    assert_eq!(j["files_scanned"], 3);
    // The newline is shown escaped, never raw.
    let human = p.run(&["scan", "--staged"], "");
    human.code(1);
    assert!(human.stdout.contains("two\\u{a}lines.txt:1:3:"), "{human}");
    // And git commit, through the hook, is blocked.
    p.run(&["hook", "install"], "").code(0);
    let commit = p.git(&["commit", "-q", "-m", "creds"]);
    assert!(!commit.status.success(), "{commit:?}");
    assert!(
        !p.git(&["rev-parse", "-q", "--verify", "HEAD"])
            .status
            .success()
    );
}

#[test]
fn a_staged_blob_that_cannot_be_read_fails_the_scan() {
    let p = Project::new();
    p.git_init();
    p.write("a.txt", "hello\n");
    assert!(p.git(&["add", "a.txt"]).status.success());
    // Remove the blob behind git's back: the hook must fail closed.
    let id = String::from_utf8(p.git(&["rev-parse", ":a.txt"]).stdout).unwrap();
    let id = id.trim();
    std::fs::remove_file(p.file(&format!(".git/objects/{}/{}", &id[..2], &id[2..]))).unwrap();
    let out = p.run(&["scan", "--staged"], "");
    assert_ne!(out.code, 0, "{out}");
    out.stderr_has(&["a.txt", "git fsck"]);
    assert_eq!(out.code, 7);
}

#[test]
fn scan_staged_outside_a_repository_is_a_usage_error() {
    let p = Project::new();
    p.run(&["scan", "--staged"], "")
        .code(2)
        .stderr_has(&["needs a git repository"]);
    p.run(&["scan", "missing.txt"], "")
        .code(2)
        .stderr_has(&["cannot scan missing.txt"]);
}

// ------------------------------------------------------------ hook

#[test]
fn the_hook_blocks_a_commit_that_adds_a_token_and_allows_a_clean_one() {
    let p = Project::new();
    p.git_init();
    p.run(&["hook", "install"], "")
        .code(0)
        .stderr_has(&["Installed the pre-commit hook"]);
    let hook = p.file(".git/hooks/pre-commit");
    assert_eq!(
        std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
        0o755
    );

    p.write("README.md", "hello\n");
    p.git(&["add", "README.md"]);
    let ok = p.git(&["commit", "-qm", "clean"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let token = classic();
    p.write("config.js", &format!("export const token = '{token}';\n"));
    p.git(&["add", "config.js"]);
    let blocked = p.git(&["commit", "-qm", "leak"]);
    assert!(!blocked.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(
        said.contains("config.js:1:23") && said.contains("commit is blocked"),
        "{said}"
    );
    assert!(!said.contains(&token));
    let log = p.git(&["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
}

#[test]
fn an_existing_hook_survives_install_and_uninstall_byte_for_byte() {
    let p = Project::new();
    p.git_init();
    let hook = p.file(".git/hooks/pre-commit");
    let original = "#!/bin/sh\n# my own checks\necho mine >> \"$(git rev-parse --git-dir)/ran\"\n";
    std::fs::write(&hook, original).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();

    p.run(&["hook", "install"], "")
        .code(7)
        .stderr_has(&["already exists", "--force"]);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), original);

    p.run(&["hook", "install", "--force"], "")
        .code(0)
        .stderr_has(&["pre-commit.ghenv-chained"]);
    // Both run: ghenv's check, then the old hook.
    p.write("a.txt", "a\n");
    p.git(&["add", "a.txt"]);
    assert!(p.git(&["commit", "-qm", "a"]).status.success());
    assert_eq!(
        std::fs::read_to_string(p.file(".git/ran")).unwrap(),
        "mine\n"
    );
    // Installing again changes nothing.
    let again = p.run(&["hook", "install", "--json"], "");
    again.code(0);
    assert_eq!(again.json()["status"], "already-installed");

    p.run(&["hook", "uninstall"], "")
        .code(0)
        .stderr_has(&["restored"]);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), original);
    assert_eq!(
        std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
        0o750
    );
    assert!(!p.exists(".git/hooks/pre-commit.ghenv-chained"));
}

#[test]
fn uninstall_without_an_existing_hook_removes_ours_only() {
    let p = Project::new();
    p.git_init();
    p.run(&["hook", "install"], "").code(0);
    p.run(&["hook", "uninstall"], "")
        .code(0)
        .stderr_has(&["Removed"]);
    assert!(!p.exists(".git/hooks/pre-commit"));
    std::fs::write(p.file(".git/hooks/pre-commit"), "#!/bin/sh\n").unwrap();
    p.run(&["hook", "uninstall"], "")
        .code(7)
        .stderr_has(&["not ghenv's hook"]);
    assert!(p.exists(".git/hooks/pre-commit"));
}

#[test]
fn init_hook_installs_the_hook_in_the_project_repository() {
    let p = Project::new();
    p.git_init();
    let out = p.run(
        &["init", "--token-stdin", "--offline", "--hook", "--json"],
        &classic(),
    );
    out.code(0);
    assert_eq!(out.json()["hook"], "installed");
    assert!(
        std::fs::read_to_string(p.file(".git/hooks/pre-commit"))
            .unwrap()
            .contains("scan --staged")
    );
    // Outside a repository it is a warning, not a failure.
    let q = Project::new();
    q.run(
        &["init", "--token-stdin", "--offline", "--hook"],
        &classic(),
    )
    .code(0)
    .stderr_has(&["not in a git repository"]);
}

#[test]
fn a_folder_scan_skips_links_and_fifos_and_does_not_hang() {
    let p = Project::new();
    let token = classic();
    std::fs::create_dir_all(p.file("dir")).unwrap();
    p.write("dir/real.txt", &format!("t={token}\n"));
    // A link to the file: reported once, at the file itself.
    std::os::unix::fs::symlink("real.txt", p.file("dir/link.txt")).unwrap();
    // A FIFO nobody writes to would block a plain open for ever.
    p.mkfifo("dir/pipe");
    let out = p.run(&["scan", "dir", "--json"], "");
    out.code(1).never_shows(&token);
    let json = out.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["path"], "dir/real.txt");
    // Named on the command line, the FIFO is not opened for a blocking read.
    p.run(&["scan", "dir/pipe"], "").code(0);
}

#[test]
fn tracked_files_that_are_not_files_are_skipped_without_a_warning() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    p.write("a.txt", &format!("t={token}\n"));
    p.write("b.txt", "plain\n");
    // A gitlink (what a submodule is in the index): a directory on disk.
    std::fs::create_dir_all(p.file("sub")).unwrap();
    let head = "0123456789abcdef0123456789abcdef01234567";
    p.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{head},sub"),
    ]);
    p.git(&["add", "a.txt", "b.txt"]);
    // A tracked file replaced by a FIFO in the work tree.
    std::fs::remove_file(p.file("b.txt")).unwrap();
    p.mkfifo("b.txt");
    let out = p.run(&["scan", "--json"], "");
    out.code(1).never_shows(&token);
    let json = out.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["path"], "a.txt");
    assert!(!out.stderr.contains("cannot read"), "{}", out.stderr);
}

#[test]
fn scan_without_paths_reads_tracked_files_in_a_repository_and_the_folder_outside() {
    let token = classic();
    // Outside a repository: the folder.
    let p = Project::new();
    p.write("notes.txt", &format!("t={token}\n"));
    let out = p.run(&["scan", "--json"], "");
    out.code(1).never_shows(&token);
    assert_eq!(out.json()["findings"][0]["path"], "notes.txt");
    // In a repository where nothing is tracked yet: the folder still.
    p.git_init();
    let out = p.run(&["scan", "--json"], "");
    out.code(1).never_shows(&token);
    assert_eq!(out.json()["mode"], "folder", "{}", out.stdout);
    // Tracked: read.
    p.git(&["add", "notes.txt"]);
    p.run(&["scan"], "").code(1).never_shows(&token);
}

/// Points the installed hook at `path`, as if ghenv had moved since.
fn recorded_ghenv(p: &Project, path: &str) {
    let hook = p.file(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    let start = text.find("ghenv='").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let text = format!("{}ghenv='{path}'{}", &text[..start], &text[end..]);
    std::fs::write(&hook, text).unwrap();
}

#[test]
fn without_ghenv_installed_the_hook_blocks_the_commit_and_says_what_to_do() {
    let p = Project::new();
    p.git_init();
    p.run(&["hook", "install"], "").code(0);
    // A teammate's clone: the path the hook recorded is not there, and
    // ghenv is not on PATH.
    recorded_ghenv(&p, "/nowhere/ghenv");
    p.write("README.md", "hello\n");
    p.git(&["add", "README.md"]);
    let out = std::process::Command::new("git")
        .args(["commit", "-qm", "clean"])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the commit is blocked");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("ghenv is not installed here"), "{said}");
    assert!(said.contains("npm install --save-dev ghenv"), "{said}");
    assert!(said.contains("git commit --no-verify"), "{said}");
    assert!(!said.contains("not found"), "{said}");
}

#[test]
fn the_hook_finds_the_projects_npm_copy_when_the_recorded_one_is_gone() {
    let p = Project::new();
    p.git_init();
    p.run(&["hook", "install"], "").code(0);
    // Installed through npx, whose cache npm cleaned since; the project has
    // ghenv as a devDependency.
    recorded_ghenv(&p, "/home/u/.npm/_npx/1a2b/node_modules/.bin/ghenv");
    std::fs::create_dir_all(p.file("node_modules/.bin")).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_ghenv"),
        p.file("node_modules/.bin/ghenv"),
    )
    .unwrap();
    p.write(".gitignore", "node_modules/\n");
    let token = classic();
    p.write("notes.txt", &format!("token {token}\n"));
    p.git(&["add", "notes.txt", ".gitignore"]);
    let out = std::process::Command::new("git")
        .args(["commit", "-qm", "leak"])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the scan ran and blocked the commit");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("not installed"), "{said}");
    assert!(said.contains("notes.txt"), "{said}");
    assert!(!said.contains(&token), "{said}");
}
