//! The trust model, third round (issue 30): what someone who can push but
//! holds no token and no key tried on 0.2.0 and got through. A project is
//! the same project when its folder is renamed, linked or checked out as a
//! worktree; a token this machine has not seen is asked about whichever
//! file it came from; a committed `.env` is neither read nor exported; the
//! way the token is sealed is a setting the user accepts.

use std::path::Path;

use crate::common::*;

/// The victim's app in `web/` of a repository: the proxy template (the
/// token stays out of the browser), the token encrypted to the victim's
/// key, committed. Returns the project, the victim's key file, the public
/// key and the token.
fn app_in_web() -> (Project, String, String, String) {
    let p = Project::new();
    p.git_init();
    std::fs::create_dir_all(p.file("web")).unwrap();
    let (key, public) = p.keygen("victim.txt");
    let token = classic();
    p.run(
        &[
            "init",
            "-C",
            "web",
            "--offline",
            "--token-stdin",
            "-t",
            "react-proxy",
            "-r",
            &public,
        ],
        &token,
    )
    .code(0);
    p.git(&[
        "add",
        "web/config.toml",
        "web/.gitignore",
        "web/.env.example",
    ]);
    p.git(&["commit", "-qm", "the app"]);
    (p, key.to_str().unwrap().to_owned(), public, token)
}

/// The pusher's change: the browser template in `dir`'s config.toml.
fn expose(p: &Project, dir: &str) {
    let name = format!("{dir}/config.toml");
    let config = p
        .read(&name)
        .replace("template = \"react-proxy\"", "template = \"react\"");
    assert!(config.contains("template = \"react\""), "{config}");
    p.write(&name, &config);
}

/// `ghenv ARGS` run in the folder `dir` (absolute, or in the project).
fn run_in(p: &Project, dir: &Path, args: &[&str]) -> Output {
    let mut cmd = p.cmd(args);
    cmd.current_dir(dir);
    p.run_with(cmd, b"")
}

/// What the victim runs after the pull, and that none of it puts the token
/// where the browser gets it.
fn assert_refused(p: &Project, dir: &Path, key: &str, token: &str) {
    for args in [
        vec!["unlock", "-i", key],
        vec!["run", "-i", key, "--", "env"],
    ] {
        let out = run_in(p, dir, &args);
        out.code(7).never_shows(token);
        out.stderr_has(&["browser bundle", "ghenv allow"]);
    }
    let env = dir.join(".env");
    let written = std::fs::read_to_string(&env).unwrap_or_default();
    assert!(
        !written.contains("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN"),
        "{}: {written}",
        env.display()
    );
    let out = run_in(p, dir, &["unlock", "-i", key, "--json"]);
    assert_eq!(out.json()["error"]["kind"], "settings_not_accepted");
}

#[test]
fn a_renamed_project_folder_does_not_start_afresh() {
    let (p, key, _, token) = app_in_web();
    p.git(&["mv", "web", "client"]);
    expose(&p, "client");
    p.git(&["commit", "-qam", "rename web to client"]);
    assert_refused(&p, &p.file("client"), &key, &token);
}

#[test]
fn a_renamed_folder_with_the_same_settings_is_the_same_project() {
    let (p, key, _, token) = app_in_web();
    p.git(&["mv", "web", "client"]);
    p.git(&["commit", "-qm", "rename web to client"]);
    // Nothing to ask: the token and where it goes are what was accepted.
    let out = run_in(&p, &p.file("client"), &["unlock", "-i", &key]);
    out.code(0).never_shows(&token);
    assert!(!out.stderr.contains("Accept?"), "{out}");
    assert!(p.read("client/.env").contains("GITHUB_TOKEN="));
    // And a later change in the renamed folder is still a change.
    expose(&p, "client");
    assert_refused(&p, &p.file("client"), &key, &token);
}

#[test]
fn a_repository_moved_elsewhere_is_the_same_repository() {
    let (p, key, _, token) = app_in_web();
    // Used once since the first commit (init ran before it): the record
    // learns the repository's root commit.
    run_in(&p, &p.file("web"), &["run", "-i", &key, "--", "true"]).code(0);
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("course");
    std::fs::rename(p.path(), &moved).unwrap();
    // The test's own folder is gone; put it back empty for its clean-up.
    std::fs::create_dir(p.path()).unwrap();
    let name = moved.join("web/config.toml");
    let config = std::fs::read_to_string(&name)
        .unwrap()
        .replace("template = \"react-proxy\"", "template = \"react\"");
    std::fs::write(&name, config).unwrap();
    assert_refused(&p, &moved.join("web"), &key, &token);
}

#[test]
fn a_project_folder_replaced_by_a_committed_symlink_does_not_start_afresh() {
    let (p, key, _, token) = app_in_web();
    // The pusher moves the app to a folder of their own, exposing the
    // token there, and leaves `web` as a link to it: the victim's `cd web`
    // lands in a folder this machine has no record of.
    std::fs::create_dir_all(p.file("evil")).unwrap();
    p.write("evil/config.toml", &p.read("web/config.toml"));
    expose(&p, "evil");
    p.git(&["rm", "-q", "-r", "web"]);
    std::fs::remove_dir_all(p.file("web")).unwrap();
    std::os::unix::fs::symlink("evil", p.file("web")).unwrap();
    p.git(&["add", "web", "evil/config.toml"]);
    p.git(&["commit", "-qm", "web is a link now"]);
    assert_refused(&p, &p.file("web"), &key, &token);
}

#[test]
fn a_link_to_the_project_is_the_same_project() {
    let (p, key, _, token) = app_in_web();
    expose(&p, "web");
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("app");
    std::os::unix::fs::symlink(p.file("web"), &link).unwrap();
    assert_refused(&p, &link, &key, &token);
}

#[test]
fn a_worktree_of_a_branch_that_exposes_the_token_is_refused() {
    let (p, key, _, token) = app_in_web();
    p.git(&["checkout", "-qb", "pr-branch"]);
    expose(&p, "web");
    p.git(&["commit", "-qam", "a pull request"]);
    p.git(&["checkout", "-q", "-"]);
    let trees = tempfile::tempdir().unwrap();
    let pr = trees.path().join("pr");
    let out = p.git(&["worktree", "add", "-q", pr.to_str().unwrap(), "pr-branch"]);
    assert!(out.status.success(), "{out:?}");
    assert_refused(&p, &pr.join("web"), &key, &token);
    // The same branch checked out in the worktree but unchanged is fine.
    p.git(&[
        "-C",
        pr.to_str().unwrap(),
        "checkout",
        "-q",
        "HEAD~1",
        "--",
        "web/config.toml",
    ]);
    let out = run_in(&p, &pr.join("web"), &["unlock", "-i", &key]);
    out.code(0).never_shows(&token);
}

#[test]
fn a_new_subfolder_that_copies_the_settings_adopts_nothing_wider() {
    let (p, key, _, token) = app_in_web();
    // A copy of the app (same settings) is accepted as the project moved.
    std::fs::create_dir_all(p.file("copy")).unwrap();
    p.write("copy/config.toml", &p.read("web/config.toml"));
    run_in(&p, &p.file("copy"), &["unlock", "-i", &key])
        .code(0)
        .never_shows(&token);
    // A second one that exposes the token is not.
    std::fs::create_dir_all(p.file("exposed")).unwrap();
    p.write("exposed/config.toml", &p.read("web/config.toml"));
    expose(&p, "exposed");
    assert_refused(&p, &p.file("exposed"), &key, &token);
}

/// The attacker's `[secret]`: their own token, sealed with the reference
/// age to the victim's public key (as published at github.com/VICTIM.keys).
fn secret_for(public: &str, evil: &str) -> String {
    let out = age_cmd(&["-a", "-r", public], evil.as_bytes());
    assert!(out.status.success(), "{out:?}");
    format!(
        "\n[secret]\nformat = \"age\"\nrecipients = [{public:?}]\ntoken = '''\n{}'''\n",
        String::from_utf8(out.stdout).unwrap()
    )
}

#[test]
fn a_secret_added_where_the_record_holds_no_token_is_asked_about() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    p.git(&["add", "config.toml", ".gitignore", ".env.example"]);
    p.git(&["commit", "-qm", "app"]);
    // A fresh clone on this machine: settings accepted by `run`, with the
    // user's own .env token, so the record holds no token.
    std::fs::remove_dir_all(p.home.path().join(".config/ghenv/projects")).unwrap();
    p.run(&["run", "--", "true"], "").code(0);
    let (key, public) = p.keygen("victim.txt");
    let evil = token_with("ghp_", 666);
    let config = p.read("config.toml") + &secret_for(&public, &evil);
    p.write("config.toml", &config);
    p.git(&["commit", "-qam", "share the token"]);
    let key = key.to_str().unwrap();
    for args in [
        vec![
            "run",
            "-i",
            key,
            "--",
            "sh",
            "-c",
            "echo \"ran with $REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\"",
        ],
        vec!["proxy", "-i", key, "--port", "0"],
    ] {
        let out = p.run(&args, "");
        out.code(7)
            .never_shows(&evil)
            .stderr_has(&["is not one you accepted on this machine", "ghenv allow"]);
        assert!(!out.stdout.contains("ran with"), "{out}");
    }
    let out = p.run(&["unlock", "-i", key, "--json"], "");
    assert_eq!(out.json()["error"]["kind"], "token_not_accepted");
    // Once the user has seen it (`allow` shows it masked), it is used.
    p.run(&["allow", "-i", key], "")
        .code(0)
        .stdout_has(&[&format!("…{}", &evil[evil.len() - 4..])]);
    p.run(&["run", "-i", key, "--", "true"], "").code(0);
}

#[test]
fn a_committed_env_file_is_neither_read_nor_exported() {
    let (p, key, _, token) = app_in_web();
    let evil = token_with("ghp_", 667);
    p.write(
        "web/.env",
        &format!("GITHUB_TOKEN={evil}\nLD_PRELOAD=./evil.so\nNODE_OPTIONS=--require ./evil.js\n"),
    );
    p.git(&["add", "-f", "web/.env"]);
    p.git(&["commit", "-qm", "pwn"]);
    let before = p.snapshot();
    let web = p.file("web");
    let refused = refused_url();
    for args in [
        vec!["run", "-i", &key, "--", "env"],
        vec!["check", "--endpoint", &refused],
        vec!["proxy", "-i", &key, "--port", "0"],
    ] {
        let out = run_in(&p, &web, &args);
        out.code(7).never_shows(&evil).never_shows(&token);
        out.stderr_has(&[
            "is tracked by git",
            "last changed in",
            "by T <t@example.com>",
            "git -C",
            "rm --cached .env",
        ]);
        assert!(!out.stdout.contains("LD_PRELOAD"), "{out}");
    }
    let out = run_in(&p, &web, &["check", "--endpoint", &refused, "--json"]);
    assert_eq!(out.json()["error"]["kind"], "env_tracked");
    assert_eq!(p.snapshot(), before, "nothing written");
}

#[test]
fn run_exports_the_templates_variables_and_nothing_else_from_the_env_file() {
    let p = Project::new();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let env = p.read(".env") + "LD_PRELOAD=./evil.so\nNODE_OPTIONS=--require ./evil.js\nOTHER=1\n";
    p.write(".env", &env);
    let out = p.run(&["run", "--", "env"], "");
    out.code(0);
    assert!(
        out.stdout
            .contains(&format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}")),
        "{out}"
    );
    for line in ["LD_PRELOAD", "NODE_OPTIONS", "OTHER=1"] {
        assert!(!out.stdout.contains(line), "{line}: {out}");
    }
}

#[test]
fn a_template_that_sets_a_loader_variable_is_refused_by_run() {
    let p = Project::new();
    std::fs::create_dir_all(p.file("tpl")).unwrap();
    p.write(
        "tpl/evil.toml",
        "description = \"x\"\nscopes = [\"repo\"]\ntoken_var = \"GITHUB_TOKEN\"\nenv = \"\"\"\nGITHUB_TOKEN={{ token }}\nLD_PRELOAD=./evil.so\n\"\"\"\nenv_example = \"GITHUB_TOKEN=\\n\"\n",
    );
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "--template-dir",
            "tpl",
            "-t",
            "evil",
        ],
        &token,
    )
    .code(0);
    let marker = p.file("started");
    let out = p.run(
        &[
            "run",
            "--template-dir",
            "tpl",
            "--",
            "touch",
            marker.to_str().unwrap(),
        ],
        "",
    );
    out.code(2)
        .never_shows(&token)
        .stderr_has(&["LD_PRELOAD", "never exports it"]);
    assert!(!marker.exists());
}

#[test]
fn a_passphrase_flag_a_pusher_added_does_not_downgrade_the_sealing() {
    let p = Project::new();
    p.git_init();
    let (key, public) = p.keygen("victim.txt");
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &public],
        &token,
    )
    .code(0);
    p.git(&["add", "config.toml", ".gitignore", ".env.example"]);
    p.git(&["commit", "-qm", "team"]);
    let config = p
        .read("config.toml")
        .replace("[secret]\n", "[secret]\npassphrase = true\n");
    assert!(config.contains("passphrase = true"));
    p.write("config.toml", &config);
    p.git(&["commit", "-qam", "simpler for everyone"]);
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    let new = token_with("ghp_", 73);
    let key = key.to_str().unwrap();
    for args in [
        vec![
            "rotate",
            "--token-stdin",
            "-i",
            key,
            "--endpoint",
            &fake.url(),
        ],
        vec![
            "init",
            "--token-stdin",
            "--encrypt",
            "-i",
            key,
            "--endpoint",
            &fake.url(),
        ],
    ] {
        let mut cmd = p.cmd(&args);
        cmd.env("GHENV_PASSPHRASE", "guessable");
        let out = p.run_with(cmd, format!("{new}\n").as_bytes());
        out.code(7).never_shows(&new).never_shows(&token);
        out.stderr_has(&["with a passphrase", "ghenv allow"]);
    }
    assert_eq!(p.snapshot(), before, "nothing written");
    // `allow` shows it and the user accepts it: then it takes effect.
    p.run(&["allow", "-i", key], "")
        .code(0)
        .stdout_has(&["passphrase"]);
}

// ------------------------------------ what a helper's attack found next

/// The pusher's bare repository, committed into `dir`: `HEAD`, `objects/`,
/// `refs/` and a `config` that makes `git log` run `dir/hook.sh` (through
/// `gpg.program` on a commit that looks signed). Without care, git finds it
/// first when ghenv runs `git -C dir …`. Returns the file the hook writes.
fn plant_bare_repository(p: &Project, dir: &str) -> std::path::PathBuf {
    let bare = tempfile::tempdir().unwrap();
    let b = bare.path().to_str().unwrap();
    let git = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new("git")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    git(&["init", "-q", "--bare", b], "");
    let blob = git(&["-C", b, "hash-object", "-w", "--stdin"], "x\n");
    let tree = git(
        &["-C", b, "mktree"],
        &format!("100644 blob {blob}\tconfig.toml\n"),
    );
    let commit = git(
        &["-C", b, "hash-object", "-t", "commit", "-w", "--stdin"],
        &format!(
            "tree {tree}\nauthor M <m@b.c> 1700000000 +0000\ncommitter M <m@b.c> 1700000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\nx\n"
        ),
    );
    let target = p.file(dir);
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(bare.path().join("objects"))
        .arg(&target)
        .status()
        .unwrap();
    assert!(copied.success());
    std::fs::create_dir_all(target.join("refs/heads")).unwrap();
    std::fs::write(target.join("refs/heads/main"), format!("{commit}\n")).unwrap();
    std::fs::write(target.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(
        target.join("config"),
        "[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ./hook.sh\n",
    )
    .unwrap();
    let pwned = p.path().join("pwned");
    std::fs::write(
        target.join("hook.sh"),
        format!("#!/bin/sh\ncat .env > '{}'\n", pwned.display()),
    )
    .unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(target.join("hook.sh"))
            .unwrap()
            .permissions(),
        0o755,
    );
    let mut perms = std::fs::metadata(target.join("hook.sh"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(target.join("hook.sh"), perms).unwrap();
    pwned
}

#[test]
fn a_bare_repository_committed_into_the_project_runs_nothing_and_decides_nothing() {
    let (p, key, _, token) = app_in_web();
    let pwned = plant_bare_repository(&p, "web");
    expose(&p, "web");
    p.git(&["add", "-A"]);
    p.git(&["commit", "-qm", "pwn"]);
    assert_refused(&p, &p.file("web"), &key, &token);
    let out = run_in(&p, &p.file("web"), &["rotate", "--token-stdin", "-i", &key]);
    out.code(7).never_shows(&token);
    assert!(!pwned.exists(), "the pusher's program ran");
}

#[test]
fn a_bare_repository_does_not_hide_a_committed_env_file() {
    let p = Project::new();
    p.git_init();
    std::fs::create_dir_all(p.file("web")).unwrap();
    let token = classic();
    p.run(&["init", "-C", "web", "--offline", "--token-stdin"], &token)
        .code(0);
    p.git(&["add", "web/config.toml", "web/.gitignore"]);
    p.git(&["commit", "-qm", "app"]);
    let evil = token_with("ghp_", 668);
    p.write(
        "web/.env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={evil}\n"),
    );
    // The markers that make git take web/ for a bare repository.
    std::fs::create_dir_all(p.file("web/objects")).unwrap();
    std::fs::create_dir_all(p.file("web/refs")).unwrap();
    p.write("web/objects/.k", "");
    p.write("web/refs/.k", "");
    p.write("web/HEAD", "ref: refs/heads/main\n");
    p.git(&[
        "add",
        "-f",
        "web/.env",
        "web/HEAD",
        "web/objects/.k",
        "web/refs/.k",
    ]);
    p.git(&["commit", "-qm", "pwn"]);
    let out = run_in(
        &p,
        &p.file("web"),
        &[
            "run",
            "--",
            "sh",
            "-c",
            "echo \"ran with $REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\"",
        ],
    );
    out.code(7)
        .never_shows(&evil)
        .stderr_has(&["is tracked by git"]);
    assert!(!out.stdout.contains("ran with"), "{out}");
}

#[test]
fn a_clone_that_shares_a_root_commit_is_another_repository() {
    // Two repositories on this machine from the same starter (or a pusher
    // who merged the starter's history in): the first's record, which put
    // the token into the browser, is no model for the second.
    let starter = Project::new();
    starter.git_init();
    starter.write("README.md", "starter\n");
    starter.git(&["add", "-A"]);
    starter.git(&["commit", "-qm", "starter"]);
    let home = &starter.home;
    let clone = |name: &str| {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(name);
        let out = std::process::Command::new("git")
            .args(["clone", "-q"])
            .arg(starter.path())
            .arg(&target)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        (dir, target)
    };
    let (_a_dir, a) = clone("a");
    let (_y_dir, y) = clone("y");
    let token = classic();
    let run = |dir: &Path, args: &[&str], stdin: &str| {
        let mut cmd = starter.cmd(args);
        cmd.current_dir(dir).env("HOME", home.path());
        starter.run_with(cmd, stdin.as_bytes())
    };
    std::fs::create_dir_all(a.join("web")).unwrap();
    run(
        &a.join("web"),
        &["init", "--offline", "--token-stdin", "-t", "react"],
        &token,
    )
    .code(0);
    std::fs::create_dir_all(y.join("client")).unwrap();
    run(
        &y.join("client"),
        &["init", "--offline", "--token-stdin", "-t", "react-proxy"],
        &token,
    )
    .code(0);
    // The pusher renames Y's app and gives it A's settings.
    std::fs::rename(y.join("client"), y.join("app")).unwrap();
    std::fs::write(
        y.join("app/config.toml"),
        std::fs::read_to_string(a.join("web/config.toml")).unwrap(),
    )
    .unwrap();
    let out = run(&y.join("app"), &["run", "--", "env"], "");
    out.code(7).never_shows(&token);
    out.stderr_has(&["browser bundle"]);
}

// ------------------------------------------------ the second round of attacks

#[test]
fn an_env_file_folder_replaced_by_a_link_is_refused_not_read() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let config = p
        .read("config.toml")
        .replace("file = \".env\"", "file = \"client/.env\"");
    p.write("config.toml", &config);
    std::fs::create_dir_all(p.file("client")).unwrap();
    p.run(&["allow"], "").code(0);
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    p.git(&["add", "config.toml", ".gitignore"]);
    p.git(&["commit", "-qm", "app"]);
    // The pusher: their token committed in client2/, client a link to it.
    let evil = token_with("ghp_", 669);
    std::fs::create_dir_all(p.file("client2")).unwrap();
    p.write(
        "client2/.env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={evil}\n"),
    );
    p.git(&["add", "-f", "client2/.env"]);
    std::fs::remove_dir_all(p.file("client")).unwrap();
    std::os::unix::fs::symlink("client2", p.file("client")).unwrap();
    p.git(&["add", "client"]);
    p.git(&["commit", "-qm", "pwn"]);
    for args in [
        vec!["run", "--", "env"],
        vec!["check", "--endpoint", &refused_url()],
    ] {
        let out = p.run(&args, "");
        out.code(7)
            .never_shows(&evil)
            .stderr_has(&["goes through a linked folder"]);
    }
}

#[test]
fn a_secret_from_before_a_teammates_rotate_is_not_accepted_again() {
    let (p, key, public, token) = app_in_web();
    // A teammate rotated: [secret] now holds W, sealed to the victim's key.
    let w = token_with("ghp_", 670);
    let config = p.read("web/config.toml");
    let head = &config[..config.find("[secret]").unwrap()];
    p.write(
        "web/config.toml",
        &format!("{head}{}", secret_for(&public, &w).trim_start()),
    );
    p.git(&["commit", "-qam", "rotate"]);
    let web = p.file("web");
    run_in(&p, &web, &["run", "-i", &key, "--", "true"]).code(7);
    run_in(&p, &web, &["allow", "-i", &key]).code(0);
    run_in(&p, &web, &["run", "-i", &key, "--", "true"]).code(0);
    // The pusher puts the [secret] from before the rotate back.
    p.git(&["checkout", "HEAD~1", "--", "web/config.toml"]);
    p.git(&["commit", "-qm", "revert"]);
    let out = run_in(
        &p,
        &web,
        &[
            "run",
            "-i",
            &key,
            "--",
            "sh",
            "-c",
            "echo \"ran with $GITHUB_TOKEN\"",
        ],
    );
    out.code(7).never_shows(&token);
    assert!(!out.stdout.contains("ran with"), "{out}");
}

#[test]
fn a_deleted_config_toml_does_not_let_package_json_expose_the_token() {
    let (p, _, _, token) = app_in_web();
    p.write(
        "web/package.json",
        "{\"name\":\"app\",\"dependencies\":{\"react-scripts\":\"*\"}}\n",
    );
    p.git(&["rm", "-q", "web/config.toml"]);
    p.git(&["add", "web/package.json"]);
    p.git(&["commit", "-qm", "cleanup"]);
    let mut cmd = p.cmd(&["init", "--offline"]);
    cmd.current_dir(p.file("web")).env("GH_TOKEN", &token);
    let out = p.run_with(cmd, b"");
    out.code(7)
        .never_shows(&token)
        .stderr_has(&["browser bundle"]);
    let env = std::fs::read_to_string(p.file("web/.env")).unwrap_or_default();
    assert!(
        !env.contains("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN"),
        "{env}"
    );
}
