//! What init does to files that already exist: merge, keep, refuse.

use crate::common::*;

fn ok_fake() -> FakeGitHub {
    FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)])
}

#[test]
fn an_existing_env_is_merged_keeping_every_other_line() {
    let p = Project::new();
    let existing = "# my app\nPORT=3000\n\n# the old token:\nexport REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=ghp_old # stale\nSECRET_KEY='a#b $c'\n# end";
    p.write(".env", existing);
    let fake = ok_fake();
    let token = classic();
    // The token line loses its `export` (Create React App's dotenv skips
    // such lines), and the user is told; tokens and URLs go unquoted.
    p.init(&fake, &token, &[]).code(0).stderr_has(&[
        ".env (updated)",
        "rewrote `export REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=`",
    ]);
    let merged = p.read(".env");
    assert_eq!(
        merged,
        format!(
            "# my app\nPORT=3000\n\n# the old token:\nREACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\nSECRET_KEY='a#b $c'\n# end\n\nREACT_APP_GITHUB_GRAPHQL_URL={}\n",
            fake.url()
        )
    );
    let pairs = dotenv_pairs(&merged);
    assert!(pairs.contains(&("PORT".into(), "3000".into())));
    assert!(pairs.contains(&("SECRET_KEY".into(), "a#b $c".into())));
    assert!(pairs.contains(&(
        "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN".into(),
        token.clone()
    )));
    assert_eq!(p.mode(".env"), 0o600);
}

#[test]
fn a_crlf_env_stays_crlf() {
    let p = Project::new();
    p.write(".env", "A=1\r\nB=2\r\n");
    let fake = ok_fake();
    let token = classic();
    p.init(&fake, &token, &[]).code(0);
    let text = p.read(".env");
    assert!(text.starts_with("A=1\r\nB=2\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    assert!(
        dotenv_pairs(&text).contains(&("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN".into(), token))
    );
}

#[test]
fn an_existing_config_toml_keeps_foreign_keys_and_comments() {
    let p = Project::new();
    p.write("config.toml", "# team settings\nversion = 1\n\n[app]\nport = 3000 # dev\n\n[github]\nlogin = \"someone-else\"\n");
    let fake = ok_fake();
    p.init(&fake, &classic(), &[]).code(0);
    let text = p.read("config.toml");
    assert!(text.starts_with("# team settings\n"), "{text}");
    assert!(text.contains("port = 3000 # dev"), "{text}");
    let c: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(c["github"]["login"].as_str(), Some("octocat"));
    assert_eq!(
        c["env"]["token_var"].as_str(),
        Some("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN")
    );
}

#[test]
fn an_existing_env_example_keeps_its_other_keys() {
    let p = Project::new();
    p.write(".env.example", "PORT=3000\n");
    let fake = ok_fake();
    p.init(&fake, &classic(), &[]).code(0);
    let pairs = dotenv_pairs(&p.read(".env.example"));
    assert_eq!(pairs[0], ("PORT".into(), "3000".into()));
    assert_eq!(pairs.len(), 3);
}

#[test]
fn gitignore_is_appended_once_and_an_existing_entry_is_respected() {
    let p = Project::new();
    p.write(".gitignore", "node_modules");
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    p.init(&fake, &classic(), &[]).code(0);
    let ignores = "node_modules\n.env\n.env.local\n.env.*.local\n.ghenv-*.tmp\n";
    assert_eq!(p.read(".gitignore"), ignores);
    p.init(&fake, &classic(), &[]).code(0);
    assert_eq!(p.read(".gitignore"), ignores);

    let p = Project::new();
    p.write(".gitignore", "/.env\n.env.local\n.env.*.local\n");
    let fake = ok_fake();
    p.init(&fake, &classic(), &[]).code(0);
    assert_eq!(
        p.read(".gitignore"),
        "/.env\n.env.local\n.env.*.local\n.ghenv-*.tmp\n"
    );
}

#[test]
fn a_git_repository_sees_env_as_ignored() {
    let p = Project::new();
    p.git_init();
    let fake = ok_fake();
    p.init(&fake, &classic(), &[]).code(0);
    let status = p.git(&["status", "--porcelain", "--untracked-files=all"]);
    let listed = String::from_utf8_lossy(&status.stdout);
    assert!(!listed.lines().any(|l| l.ends_with(" .env")), "{listed}");
    assert!(listed.contains("config.toml"));
    assert!(p.git(&["check-ignore", "-q", ".env"]).status.success());
}

#[test]
fn a_tracked_env_is_refused_with_code_7_and_nothing_written() {
    let p = Project::new();
    p.git_init();
    p.write(".env", "PORT=3000\n");
    p.git(&["add", ".env"]);
    p.git(&["commit", "-qm", "oops"]);
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    let token = classic();
    p.init(&fake, &token, &[])
        .code(7)
        .never_shows(&token)
        .stderr_has(&["tracked by git", "git -C", "rm --cached .env"]);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn env_as_a_directory_is_refused() {
    let p = Project::new();
    std::fs::create_dir(p.file(".env")).unwrap();
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    p.init(&fake, &classic(), &[])
        .code(7)
        .stderr_has(&["is a directory"]);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn env_as_a_symlink_is_refused_and_its_target_untouched() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("shared.env");
    std::fs::write(&target, "SHARED=1\n").unwrap();
    std::os::unix::fs::symlink(&target, p.file(".env")).unwrap();
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    p.init(&fake, &classic(), &[])
        .code(7)
        .stderr_has(&["symbolic link", "does not write through links"]);
    assert_eq!(p.snapshot(), before);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "SHARED=1\n");
}

#[test]
fn an_invalid_config_toml_is_refused_and_kept() {
    let p = Project::new();
    p.write("config.toml", "version = [oops\n");
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    p.init(&fake, &classic(), &[]).code(7).stderr_has(&[
        "config.toml cannot be used",
        "not valid TOML",
        "will not overwrite",
    ]);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn a_missing_dir_is_refused() {
    let p = Project::new();
    p.run(
        &["init", "--token-stdin", "--offline", "--dir", "nope"],
        &classic(),
    )
    .code(7)
    .stderr_has(&["cannot use the folder", "mkdir -p nope"]);
}

#[test]
fn an_unwritable_folder_exits_7_and_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    p.write(".env", "PORT=3000\n");
    let before = p.snapshot();
    let fake = ok_fake();
    // Root ignores permission bits: a read-only mount stops it too.
    let (out, why) = if ignores_permissions() {
        let ro = ReadOnly::mount(p.path())
            .expect("as root, the test needs to mount a read-only bind mount");
        let out = p.init(&fake, &classic(), &[]);
        drop(ro);
        (out, "Read-only file system")
    } else {
        std::fs::set_permissions(p.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let out = p.init(&fake, &classic(), &[]);
        std::fs::set_permissions(p.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        (out, "Permission denied")
    };
    out.code(7).stderr_has(&["cannot write", why]);
    assert_eq!(p.snapshot(), before);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the crash and fail points exist only in debug builds"
)]
fn a_failure_after_the_temp_files_leaves_the_old_files_and_no_temp_files() {
    let p = Project::new();
    p.write(".env", "PORT=3000\n");
    p.write("config.toml", "# mine\n");
    let before = p.snapshot();
    let fake = ok_fake();
    let token = classic();
    let mut cmd = p.cmd(&["init", "--token-stdin", "--endpoint", &fake.url()]);
    cmd.env("GHENV_FAILPOINT", "after-temp");
    let out = p.run_with(cmd, token.as_bytes());
    out.code(7).never_shows(&token);
    assert_eq!(p.snapshot(), before, "old files intact, temp files removed");
}

#[test]
fn a_gitignore_pattern_that_already_covers_env_is_respected() {
    let p = Project::new();
    p.git_init();
    p.write(".gitignore", "node_modules\n.env*\n!.env.example\n");
    let fake = ok_fake();
    p.init(&fake, &classic(), &[]).code(0);
    assert_eq!(
        p.read(".gitignore"),
        "node_modules\n.env*\n!.env.example\n.ghenv-*.tmp\n"
    );
    assert!(p.git(&["check-ignore", "-q", ".env"]).status.success());

    // A global exclude does not count: teammates do not share it.
    let q = Project::new();
    q.git_init();
    std::fs::write(q.file(".git/info/exclude"), ".env\n").unwrap();
    let fake = ok_fake();
    q.init(&fake, &classic(), &[]).code(0);
    assert_eq!(
        q.read(".gitignore"),
        ".env\n.env.local\n.env.*.local\n.ghenv-*.tmp\n"
    );

    // A negation un-ignores: the line is added.
    let r = Project::new();
    r.git_init();
    r.write(".gitignore", ".env*\n!.env\n");
    let fake = ok_fake();
    r.init(&fake, &classic(), &[]).code(0);
    assert_eq!(r.read(".gitignore"), ".env*\n!.env\n.env\n.ghenv-*.tmp\n");
    for name in [".env.local", ".env.production.local"] {
        assert!(
            r.git(&["check-ignore", "-q", name]).status.success(),
            "{name}"
        );
    }
    assert!(r.git(&["check-ignore", "-q", ".env"]).status.success());
}

#[test]
fn what_init_accepts_check_and_run_read_too() {
    // A byte-order mark and a line dotenvy refuses (a bare value with a
    // space): init accepted them and check and run then failed with exit 7.
    let p = Project::new();
    p.write(".env", "\u{feff}PLAIN=hello world\nPORT=3000\n");
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0)
        .stderr_has(&["removed the byte-order mark"]);
    assert!(!p.read(".env").starts_with('\u{feff}'));
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(&["check", "--endpoint", &fake.url()], "").code(0);
    p.run(
        &[
            "run",
            "--",
            "sh",
            "-c",
            "test -n \"$REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\" && test -z \"$PLAIN\"",
        ],
        "",
    )
    .code(0);
    // And init again, over the same file.
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
}

#[test]
fn a_custom_template_can_compute_with_floats() {
    // `**` on floats is minijinja's, through the C library's pow.
    let p = Project::new();
    std::fs::create_dir(p.file("t")).unwrap();
    p.write(
        "t/mine.toml",
        "description = \"d\"\nscopes = [\"repo\"]\ntoken_var = \"GITHUB_TOKEN\"\nenv = '''\nGITHUB_TOKEN={{ token | dotenv }}\nROOT={{ 2.0 ** 0.5 }}\nCUBE={{ 1.5 ** 3 }}\n'''\nenv_example = \"GITHUB_TOKEN=\\n\"\n",
    );
    let token = classic();
    p.run(
        &[
            "init",
            "--token-stdin",
            "--offline",
            "-t",
            "mine",
            "--template-dir",
            "t",
        ],
        &token,
    )
    .code(0);
    let pairs = dotenv_pairs(&p.read(".env"));
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("ROOT"), Some("1.4142135623730951"), "{pairs:?}");
    assert_eq!(get("CUBE"), Some("3.375"), "{pairs:?}");
}
