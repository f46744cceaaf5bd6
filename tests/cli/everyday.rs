//! The everyday correctness items a new user hit (issue 22): a write past
//! the file-size limit, scope names, an empty passphrase.

use crate::common::*;

/// `ghenv ARGS` run by `sh -c` after `ulimit -f 0`, with `stdin`.
fn with_no_file_size(p: &Project, args: &str, stdin: &str) -> Output {
    let ghenv = env!("CARGO_BIN_EXE_ghenv");
    let mut cmd = std::process::Command::new("sh");
    cmd.args([
        "-c",
        &format!("ulimit -f 0 || exit 99; exec '{ghenv}' {args}"),
    ])
    .current_dir(p.path())
    .env_clear()
    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
    .env("HOME", p.home.path())
    .env("XDG_CONFIG_HOME", p.home.path().join(".config"));
    p.run_with(cmd, stdin.as_bytes())
}

#[test]
fn a_write_past_the_file_size_limit_is_reported_not_a_silent_death() {
    let p = Project::new();
    let token = classic();
    let out = with_no_file_size(&p, "init --offline --token-stdin", &token);
    if out.code == 99 {
        eprintln!("skipped: ulimit -f is not available");
        return;
    }
    // Before: killed by SIGXFSZ, exit 153, nothing said.
    out.code(7).never_shows(&token);
    out.stderr_has(&["cannot", "File too large"]);
    assert!(!p.exists(".env"));
    assert!(!p.exists("config.toml"));
}

#[test]
fn a_command_run_starts_gets_the_default_file_size_signal_back() {
    let p = Project::new();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let out = p.run(
        &[
            "run",
            "--",
            "sh",
            "-c",
            "ulimit -f 0; echo x > big.txt; echo survived",
        ],
        "",
    );
    // As without ghenv: ghenv execs the shell, and the shell is killed by
    // SIGXFSZ (a signal, no exit status) instead of going on.
    assert!(!out.stdout.contains("survived"), "{out}");
    assert_eq!(out.code, -1, "killed by a signal: {out}");
}

#[test]
fn scopes_are_githubs_names_one_way_and_never_an_empty_list() {
    let p = Project::new();
    let token = classic();
    for (given, shown) in [
        ("bogus:scope", "\"bogus:scope\" is not a GitHub scope"),
        ("REPO", "did you mean \"repo\""),
        ("repo,reed:org", "did you mean \"read:org\""),
        ("", "no scope given"),
        (" , ", "no scope given"),
    ] {
        let out = p.run(
            &[
                "init",
                "--offline",
                "--token-stdin",
                "--scopes",
                given,
                "--json",
            ],
            &token,
        );
        out.code(2).never_shows(&token);
        assert_eq!(out.json()["error"]["kind"], "bad_scopes", "{given:?}");
        let message = out.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(shown), "{given:?}: {message}");
        assert!(
            out.json()["error"]["hint"]
                .as_str()
                .unwrap()
                .contains("read:org"),
            "the hint lists GitHub's scopes"
        );
        assert!(!p.exists(".env") && !p.exists("config.toml"));
    }
}

#[test]
fn an_empty_passphrase_in_the_environment_is_empty_passphrase_and_encrypting_says_so() {
    let p = Project::new();
    let token = classic();
    let mut cmd = p.cmd(&[
        "init",
        "--offline",
        "--token-stdin",
        "--passphrase",
        "--json",
    ]);
    cmd.env("GHENV_PASSPHRASE", "");
    let out = p.run_with(cmd, token.as_bytes());
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "empty_passphrase");
    assert!(!p.exists("config.toml"));
    // Unset, off a terminal: the message is about encrypting.
    let out = p.run(
        &["init", "--offline", "--token-stdin", "--passphrase"],
        &token,
    );
    out.code(6)
        .stderr_has(&["encrypting with --passphrase needs a passphrase"]);
}

#[test]
fn hints_name_the_config_folder_xdg_config_home_points_at() {
    let p = Project::new();
    p.write(
        "config.toml",
        "version = 1\n[github]\nendpoint = \"https://ghe.example.com/api/graphql\"\n",
    );
    let xdg = p.home.path().join("elsewhere");
    let mut cmd = p.cmd(&["check", "--token-stdin"]);
    cmd.env("XDG_CONFIG_HOME", &xdg);
    let out = p.run_with(cmd, classic().as_bytes());
    out.code(7);
    out.stderr_has(&["~/elsewhere/ghenv/trusted-endpoints"]);
    assert!(!out.stderr.contains("~/.config/ghenv"), "{out}");
}

#[test]
fn every_man_page_has_the_exit_status_section() {
    let p = Project::new();
    for page in [vec!["man"], vec!["man", "init"], vec!["man", "allow"]] {
        p.run(&page, "")
            .code(0)
            .stdout_has(&[".SH \"EXIT STATUS\"", "refusing to write"]);
    }
}

#[test]
fn wording_counts_and_hints_are_right() {
    let p = Project::new();
    // A classic token one character short is truncated, not pasted twice.
    let token = classic();
    let short = &token[..token.len() - 1];
    let out = p.run(&["init", "--offline", "--token-stdin"], short);
    out.code(3).stderr_has(&["lost when copying"]);
    assert!(!out.stderr.contains("pasted twice"), "{out}");
    // A config.toml from a newer ghenv: the hint says to upgrade, not to
    // look for a line and column that are not there.
    p.write("config.toml", "version = 99\n");
    let out = p.run(&["check", "--token-stdin"], &token);
    out.code(7).stderr_has(&["upgrade ghenv"]);
    assert!(!out.stderr.contains("line and column"), "{out}");
    std::fs::remove_file(p.file("config.toml")).unwrap();
    // A recipients file that is not there has a hint.
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-R",
            "/nonexistent/keys.txt",
        ],
        &token,
    )
    .code(6)
    .stderr_has(&["hint: check that /nonexistent/keys.txt exists"]);
}

// ------------------------------------------ what a new user hit next

#[test]
fn switching_the_template_with_init_is_accepted_as_the_users_own_change() {
    let p = Project::new();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    p.run(&["init", "--offline", "-t", "vite"], "").code(0);
    // The next commands take the project as the user just set it up.
    p.run(&["run", "--", "true"], "").code(0);
    p.run(&["init", "--offline"], "").code(0);
}

#[test]
fn init_in_a_vite_app_uses_the_vite_template() {
    let p = Project::new();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"dependencies\":{\"vite\":\"*\"}}\n",
    );
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    assert!(
        p.read(".env")
            .contains("VITE_GITHUB_PERSONAL_ACCESS_TOKEN=")
    );
    assert!(p.read("config.toml").contains("template = \"vite\""));
}

#[test]
fn doctor_says_when_config_toml_asks_what_was_not_accepted_and_errors_name_the_commit() {
    let p = Project::new();
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"dependencies\":{\"vite\":\"*\"}}\n",
    );
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let config = p
        .read("config.toml")
        .replace("file = \".env\"", "file = \".env.development\"");
    p.write("config.toml", &config);
    p.git(&["add", "config.toml"]);
    p.git(&["commit", "-qm", "dev env"]);
    let out = p.run(&["doctor", "--offline", "--json"], "");
    let checks = out.json();
    let accepted = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "accepted")
        .expect("a check about what is not accepted");
    assert!(accepted["fix"].as_str().unwrap().contains("ghenv allow"));
    // No made-up stray: ./.env exists and is the app's own.
    assert!(!out.stdout.contains("mv .env"), "{}", out.stdout);
    p.run(&["run", "--", "true"], "")
        .code(7)
        .stderr_has(&["config.toml last changed in", "by T <t@example.com>"]);
}

#[test]
fn started_through_npm_the_hints_name_npx_ghenv() {
    let p = Project::new();
    let mut cmd = p.cmd(&["run", "--", "true"]);
    cmd.env("GHENV_LAUNCHER", "npm");
    p.run_with(cmd, b"")
        .code(2)
        .stderr_has(&["`npx ghenv init`", "`npx ghenv unlock`"]);
    // Without the launcher, the command as a Rust install names it.
    p.run(&["run", "--", "true"], "")
        .code(2)
        .stderr_has(&["`ghenv init`"]);
}

#[test]
fn the_token_variable_config_toml_names_is_the_one_written() {
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-t",
            "vite",
            "-r",
            &public,
        ],
        &token,
    )
    .code(0);
    // A teammate names another variable, and this user accepts it.
    p.set_config_line("token_var", "token_var = \"VITE_GH_TOKEN\"");
    p.run(&["allow", "-i", key.to_str().unwrap()], "").code(0);
    p.run(&["unlock", "-i", key.to_str().unwrap(), "--replace"], "")
        .code(0);
    assert!(p.read(".env").contains(&format!("VITE_GH_TOKEN={token}")));
    let out = p.run(&["run", "-i", key.to_str().unwrap(), "--", "env"], "");
    out.code(0);
    assert!(out.stdout.contains(&format!("VITE_GH_TOKEN={token}")));
    // A name that is no variable is refused, not written.
    p.set_config_line("token_var", "token_var = \"A B\"");
    p.run(&["allow", "-i", key.to_str().unwrap()], "")
        .code(2)
        .stderr_has(&["is not a variable name"]);
}

#[test]
fn allow_with_quiet_prints_nothing_but_errors() {
    let p = Project::new();
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let out = p.run(&["allow", "-q"], "");
    out.code(0);
    assert_eq!(out.stdout, "", "{out}");
    assert_eq!(out.stderr, "", "{out}");
}

#[test]
fn switching_template_removes_the_old_templates_copy_of_the_token_and_keeps_the_rest() {
    let p = Project::new();
    let token = classic();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    p.init(&fake, &token, &[]).code(0);
    let env = p.read(".env");
    p.write(".env", &format!("{env}MY_OWN=keep_me\n"));
    let out = p.init(&fake, &token, &["-t", "vite"]);
    out.code(0)
        .never_shows(&token)
        .stderr_has(&["Removed REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN from .env"]);
    let pairs = dotenv_pairs(&p.read(".env"));
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        !keys.contains(&"REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN"),
        "{keys:?}"
    );
    assert!(keys.contains(&"MY_OWN"), "{keys:?}");
    // One copy of the token, in the variable Vite reads.
    let copies: Vec<&str> = pairs
        .iter()
        .filter(|(_, v)| *v == token)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(copies, ["VITE_GITHUB_PERSONAL_ACCESS_TOKEN"], "{pairs:?}");
}

#[test]
fn init_encrypt_names_the_identity_apart_from_the_files_in_the_project() {
    let p = Project::new();
    let out = p.run(
        &["init", "--offline", "--token-stdin", "--encrypt"],
        &classic(),
    );
    out.code(0);
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains("Wrote "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_owned();
    let (project_part, rest) = line.split_once(" in ").unwrap();
    assert!(!project_part.contains("identity.txt"), "{line}");
    assert!(rest.contains("identity.txt (created)"), "{line}");
}
