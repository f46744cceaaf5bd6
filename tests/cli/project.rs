//! The project, found once and read the same way by every command: from a
//! subfolder (walking up to config.toml, not past the git work-tree root),
//! the env file and token variable config.toml names, the template it
//! records, and an `[env] file` that must stay inside the project.

use crate::common::*;

const REACT_VAR: &str = "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN";

/// A project set up offline with `token` and `args`.
fn project(token: &str, args: &[&str]) -> Project {
    let p = Project::new();
    let mut all = vec!["init", "--offline", "--token-stdin"];
    all.extend_from_slice(args);
    p.run(&all, token).code(0);
    p
}

/// `args` run in the folder `sub` below the project.
fn run_in(p: &Project, sub: &str, args: &[&str], stdin: &str) -> Output {
    let dir = p.file(sub);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = p.cmd(args);
    cmd.current_dir(&dir);
    p.run_with(cmd, stdin.as_bytes())
}

#[test]
fn commands_find_the_project_from_a_subfolder() {
    let token = classic();
    let p = project(&token, &["--template", "plain"]);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let out = run_in(
        &p,
        "src/deep",
        &["check", "--json", "--endpoint", &fake.url()],
        "",
    );
    out.code(0).never_shows(&token);
    assert_eq!(out.json()["token"]["source"], "dotenv");
    // scopes shows the project's template, not the default one.
    let scopes = run_in(&p, "src", &["scopes", "--json"], "").json();
    assert_eq!(scopes["template"], "plain");
    assert!(!p.exists("src/.env") && !p.exists("src/config.toml"));
}

#[test]
fn dir_wins_over_the_project_above() {
    let p = project(&classic(), &[]);
    let other = tempfile::tempdir().unwrap();
    let out = run_in(
        &p,
        "src",
        &["recipients", "list", "-C", other.path().to_str().unwrap()],
        "",
    );
    out.code(2)
        .stderr_has(&["there is no config.toml in", "nothing to list"]);
    assert!(out.stderr.contains(other.path().to_str().unwrap()), "{out}");
}

#[test]
fn walking_up_stops_at_the_git_work_tree_root() {
    let p = project(&classic(), &[]);
    let inner = p.file("vendor/lib");
    std::fs::create_dir_all(&inner).unwrap();
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&inner)
        .status()
        .unwrap();
    assert!(git.success());
    let out = run_in(&p, "vendor/lib", &["recipients", "list", "--json"], "");
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "no_config");
}

#[test]
fn scopes_shows_the_projects_template_and_flags_still_win() {
    let p = project(&classic(), &["--template", "plain"]);
    let j = p.run(&["scopes", "--json"], "").json();
    assert_eq!(j["template"], "plain");
    assert_eq!(j["scopes"].as_array().unwrap().len(), 3);
    let j = p
        .run(&["scopes", "--json", "--template", "vite"], "")
        .json();
    assert_eq!(j["template"], "vite");
}

#[test]
fn init_again_without_template_keeps_the_recorded_one() {
    let (a, b) = (classic(), token_with("ghp_", 31));
    let p = project(&a, &["--template", "vite"]);
    p.run(&["init", "--offline", "--token-stdin"], &b).code(0);
    let config: toml::Table = toml::from_str(&p.read("config.toml")).unwrap();
    assert_eq!(config["template"].as_str(), Some("vite"));
    let pairs = dotenv_pairs(&p.read(".env"));
    assert!(
        pairs
            .iter()
            .any(|(k, v)| k == "VITE_GITHUB_PERSONAL_ACCESS_TOKEN" && *v == b)
    );
    assert!(!pairs.iter().any(|(k, _)| k == REACT_VAR), "{pairs:?}");
}

#[test]
fn unlock_writes_the_env_file_config_toml_names() {
    let token = classic();
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-r",
            &public,
            "--no-env",
        ],
        &token,
    )
    .code(0);
    let config = p
        .read("config.toml")
        .replace("file = \".env\"", "file = \".env.local\"");
    p.write("config.toml", &config);
    // A changed env file is where the token would now go: it takes effect
    // once this user accepted it here.
    let before = p.snapshot();
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(7)
        .stderr_has(&["env file: .env -> .env.local", "ghenv allow"])
        .never_shows(&token);
    assert_eq!(p.snapshot(), before);
    p.run(&["allow"], "")
        .code(0)
        .stdout_has(&["env file     .env.local"]);
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(0)
        .never_shows(&token);
    assert!(!p.exists(".env"));
    let pairs = dotenv_pairs(&p.read(".env.local"));
    assert!(pairs.iter().any(|(k, v)| k == REACT_VAR && *v == token));
    assert_eq!(p.mode(".env.local"), 0o600);
    assert!(p.read(".gitignore").lines().any(|l| l == ".env.local"));
}

#[test]
fn check_and_run_read_the_token_variable_config_toml_names() {
    let token = classic();
    let p = project(&classic(), &[]);
    // The user renamed the variable and recorded it.
    let config = p.read("config.toml").replace(
        &format!("token_var = \"{REACT_VAR}\""),
        "token_var = \"MY_TOKEN\"",
    );
    p.write("config.toml", &config);
    p.write(".env", &format!("MY_TOKEN={token}\n"));
    p.run(&["allow"], "").code(0);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let out = p.run(&["check", "--json", "--endpoint", &fake.url()], "");
    out.code(0);
    // The masked form of this token (its last four characters), which no
    // other token in the project has.
    assert_eq!(
        out.json()["token"]["masked"].as_str().unwrap(),
        format!("ghp_…{}", &token[token.len() - 4..])
    );
    let seen = fake.requests();
    assert!(
        seen[0]
            .header("authorization")
            .is_some_and(|h| h.ends_with(&token)),
        "check sent the token in MY_TOKEN"
    );
    // run exports the template's variable with the token from MY_TOKEN.
    let out = p.run(
        &[
            "run",
            "--",
            "sh",
            "-c",
            &format!("test -n \"$MY_TOKEN\" && test \"${REACT_VAR}\" = \"$MY_TOKEN\""),
        ],
        "",
    );
    out.code(0);
}

#[test]
fn an_env_file_outside_the_project_is_refused_and_not_read() {
    let victim = tempfile::tempdir().unwrap();
    let stolen = token_with("ghp_", 41);
    std::fs::write(
        victim.path().join(".env"),
        format!("{REACT_VAR}={stolen}\n"),
    )
    .unwrap();
    let p = Project::new();
    let rel = format!(
        "../{}/.env",
        victim.path().file_name().unwrap().to_str().unwrap()
    );
    p.write(
        "config.toml",
        &format!("version = 1\n[env]\nfile = {rel:?}\n"),
    );
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![]);
    for args in [
        vec!["check", "--json", "--endpoint", &fake.url()],
        vec!["run", "--", "true"],
    ] {
        let out = p.run(&args, "");
        out.code(7).never_shows(&stolen);
        out.stderr_has(&[
            "is not a relative path inside the project",
            "config.toml line 3",
        ]);
    }
    let out = p.run(&["check", "--json", "--endpoint", &fake.url()], "");
    assert_eq!(out.json()["error"]["kind"], "env_file_refused");
    assert_eq!(p.snapshot(), before);
}

#[test]
fn refusals_have_their_own_kind_in_json() {
    let p = Project::new();
    p.git_init();
    p.write(".env", "X=1\n");
    p.git(&["add", ".env"]);
    // Refused before the token is even read: GitHub gets no request.
    let fake = FakeGitHub::start(vec![]);
    let out = p.init(&fake, &classic(), &["--json"]);
    out.code(7);
    assert_eq!(out.json()["error"]["kind"], "env_tracked");
    let out = p.run(
        &["init", "--offline", "--token-stdin", "-C", "nope", "--json"],
        "",
    );
    out.code(7);
    assert_eq!(out.json()["error"]["kind"], "folder_unusable");
}
