//! Recovery (issue 32): every fix ghenv prints works when followed. Each
//! test makes the student's mistake, reads the fix ghenv prints, applies it
//! exactly, and runs the next command to see it pass.

use crate::common::*;

#[test]
fn an_expired_token_fails_with_code_3_and_the_rotate_it_names_fixes_it() {
    let p = Project::new();
    let old = classic();
    p.run(&["init", "--offline", "--token-stdin"], &old).code(0);
    let expired = || {
        Reply::ok("octocat", COURSE_SCOPES).header(
            "github-authentication-token-expiration",
            "2020-01-01 00:00:00 UTC",
        )
    };
    let fake = FakeGitHub::start(vec![expired(), expired()]);
    let out = p.run(&["check", "--endpoint", &fake.url(), "--json"], "");
    out.code(3).never_shows(&old);
    assert_eq!(out.json()["error"]["kind"], "token_expired");
    let out = p.run(&["check", "--endpoint", &fake.url()], "");
    out.code(3)
        .stderr_has(&["expired", "2020-01-01", "ghenv rotate"])
        .never_shows(&old);
    // init re-reads the same token and says the same; nothing is written.
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![expired()]);
    p.run(&["init", "--endpoint", &fake.url()], "")
        .code(3)
        .stderr_has(&["ghenv rotate"]);
    assert_eq!(p.snapshot(), before);
    // The fix, as printed: a new token given to `ghenv rotate`.
    let new = token_with("ghp_", 94);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(
        &["rotate", "--token-stdin", "--endpoint", &fake.url()],
        &new,
    )
    .code(0)
    .never_shows(&new);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(&["check", "--endpoint", &fake.url()], "").code(0);
}

#[test]
fn a_revoked_token_in_a_hand_written_env_file_is_replaced_by_the_rotate_the_hint_names() {
    // No config.toml: the student wrote .env by hand, as the course says.
    let p = Project::new();
    let old = classic();
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={old}\nPORT=3000\n"),
    );
    let fake = FakeGitHub::start(vec![Reply::bad_credentials()]);
    let out = p.run(&["init", "--endpoint", &fake.url()], "");
    out.code(3)
        .stderr_has(&["GitHub rejected the token", "ghenv rotate"])
        .never_shows(&old);
    assert!(!p.exists("config.toml"));
    // `ghenv rotate` works without the config.toml init never wrote.
    let new = token_with("ghp_", 95);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(
        &["rotate", "--token-stdin", "--endpoint", &fake.url()],
        &new,
    )
    .code(0)
    .never_shows(&new);
    let pairs = dotenv_pairs(&p.read(".env"));
    assert!(
        pairs.contains(&(
            "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
            new.clone()
        )),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("PORT".to_owned(), "3000".to_owned())),
        "nothing lost: {pairs:?}"
    );
    assert!(p.exists("config.toml"));
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(&["check", "--endpoint", &fake.url()], "").code(0);
}

#[test]
fn a_stale_checkout_never_reseals_its_old_token_and_doctors_fix_brings_the_new_one() {
    let p = Project::new();
    let (key, public) = p.keygen("me.txt");
    let key = key.to_str().unwrap();
    let old = classic();
    p.run(&["init", "--offline", "--token-stdin", "-r", &public], &old)
        .code(0);
    // A teammate rotated: [secret] holds the new token; this checkout's
    // .env still has the old one.
    let stale_env = p.read(".env");
    let new = token_with("ghp_", 96);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            key,
            "--endpoint",
            &fake.url(),
        ],
        &new,
    )
    .code(0);
    p.write(".env", &stale_env);
    let before = p.snapshot();
    // init (as an older hint said) would seal the old token for everyone.
    let out = p.run(&["init", "--offline", "-i", key, "--json"], "");
    out.code(7).never_shows(&old).never_shows(&new);
    assert_eq!(out.json()["error"]["kind"], "secret_token_differs");
    let out = p.run(&["init", "--offline", "-i", key], "");
    out.stderr_has(&["ghenv unlock --replace", "ghenv rotate"]);
    assert_eq!(p.snapshot(), before, "nothing written");
    // doctor names the fix; applied as printed, doctor's check passes.
    let out = p.run(&["doctor", "--offline", "-i", key, "--json"], "");
    let check = |out: &Output| {
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "secret_matches_env")
            .cloned()
            .expect("the check")
    };
    let failing = check(&out);
    assert_eq!(failing["status"], "fail", "{failing}");
    assert!(
        failing["fix"]
            .as_str()
            .unwrap()
            .contains("ghenv unlock --replace"),
        "{failing}"
    );
    p.run(&["unlock", "--replace", "-i", key], "").code(0);
    let out = p.run(&["doctor", "--offline", "-i", key, "--json"], "");
    assert_eq!(check(&out)["status"], "ok");
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, new);
}

#[test]
fn another_tools_config_toml_is_never_written_nor_taken_as_the_project() {
    let p = Project::new();
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"devDependencies\":{\"vite\":\"*\"}}\n",
    );
    std::fs::create_dir_all(p.file("supabase")).unwrap();
    let supabase = "# Supabase\nproject_id = \"app\"\n\n[api]\nport = 54321\n";
    p.write("supabase/config.toml", supabase);
    let token = classic();
    // Pointed at it: refused, naming what it is and where to go instead.
    let out = p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-C",
            "supabase",
            "--json",
        ],
        &token,
    );
    out.code(7).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "foreign_config");
    let out = p.run(
        &["init", "--offline", "--token-stdin", "-C", "supabase"],
        &token,
    );
    out.stderr_has(&["is not ghenv's", "Supabase", "package.json"]);
    assert_eq!(p.read("supabase/config.toml"), supabase);
    assert!(!p.exists("supabase/.env"));
    // doctor there says what it found, never "config.toml found".
    let out = p.run(&["doctor", "--offline", "-C", "supabase"], "");
    assert!(
        !out.stderr.contains("config.toml found") && !out.stdout.contains("config.toml found"),
        "{out}"
    );
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("another tool's"),
        "{out}"
    );
    // From the app's folder (the fix): ghenv's own config.toml, and a
    // command run inside supabase/ finds it, not Supabase's.
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    assert_eq!(p.read("supabase/config.toml"), supabase);
    assert!(p.read("config.toml").contains("template = \"vite\""));
    let mut cmd = p.cmd(&[
        "run",
        "--",
        "sh",
        "-c",
        "test -n \"$VITE_GITHUB_PERSONAL_ACCESS_TOKEN\"",
    ]);
    cmd.current_dir(p.file("supabase"));
    p.run_with(cmd, b"").code(0);
}

/// A Vite app (package.json) with `src/client.js` holding `code`.
fn vite_app(p: &Project, code: &str) {
    p.git_init();
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"private\":true,\"scripts\":{\"dev\":\"vite\"},\"devDependencies\":{\"vite\":\"*\"}}\n",
    );
    p.write("src/client.js", code);
}

fn doctor_checks(p: &Project) -> Vec<serde_json::Value> {
    doctor_json(p, &["--offline"])
}

#[test]
fn cra_code_in_a_vite_app_is_fixed_the_vite_way_and_doctor_then_passes() {
    let p = Project::new();
    vite_app(
        &p,
        "export const token = process.env.REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    let token = classic();
    // Set up the Create React App way, as the course's first lessons do.
    p.run(
        &["init", "--offline", "--token-stdin", "-t", "react"],
        &token,
    )
    .code(0);
    let checks = doctor_checks(&p);
    let bad = failing_checks(&checks);
    let prefix = bad
        .iter()
        .find(|c| c["id"] == "prefix")
        .unwrap_or_else(|| panic!("{bad:#?}"));
    let fix = prefix["fix"].as_str().unwrap();
    assert!(
        fix.contains("import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN")
            && fix.contains("ghenv init -t vite")
            && !fix.contains("VITE_REACT_APP_"),
        "{fix}"
    );
    // The fix, as printed.
    p.write(
        "src/client.js",
        "export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    p.run(&["init", "-t", "vite", "--offline"], "")
        .code(0)
        .never_shows(&token);
    let checks = doctor_checks(&p);
    assert_eq!(
        failing_checks(&checks),
        Vec::<serde_json::Value>::new(),
        "{checks:#?}"
    );
}

#[test]
fn process_env_in_vite_code_is_flagged_and_import_meta_env_passes() {
    let p = Project::new();
    vite_app(
        &p,
        "export const token = process.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    p.run(
        &["init", "--offline", "--token-stdin", "-t", "vite"],
        &classic(),
    )
    .code(0);
    let bad = failing_checks(&doctor_checks(&p));
    let reads = bad
        .iter()
        .find(|c| c["id"] == "code_reads")
        .unwrap_or_else(|| panic!("{bad:#?}"));
    assert!(
        reads["fix"]
            .as_str()
            .unwrap()
            .contains("import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN"),
        "{reads}"
    );
    p.write(
        "src/client.js",
        "export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    assert_eq!(
        failing_checks(&doctor_checks(&p)),
        Vec::<serde_json::Value>::new()
    );
}

#[test]
fn with_the_proxy_template_the_fix_takes_the_token_out_of_the_code() {
    let p = Project::new();
    vite_app(
        &p,
        "export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    p.run(
        &["init", "--offline", "--token-stdin", "-t", "vite-proxy"],
        &classic(),
    )
    .code(0);
    let bad = failing_checks(&doctor_checks(&p));
    let reads = bad
        .iter()
        .find(|c| c["id"] == "code_reads")
        .unwrap_or_else(|| panic!("{bad:#?}"));
    let fix = reads["fix"].as_str().unwrap();
    assert!(
        fix.contains("remove VITE_GITHUB_PERSONAL_ACCESS_TOKEN from the code"),
        "{fix}"
    );
    assert!(!fix.contains("define"), "never back into the bundle: {fix}");
    // The fix: the app posts to the proxy's URL, which .env defines.
    p.write(
        "src/client.js",
        "export const url = import.meta.env.VITE_GITHUB_GRAPHQL_URL;\n",
    );
    assert_eq!(
        failing_checks(&doctor_checks(&p)),
        Vec::<serde_json::Value>::new()
    );
}

#[test]
fn an_untrusted_endpoint_names_allow_and_allow_works_for_run() {
    let p = Project::new();
    let token = classic();
    let url = refused_url();
    p.run(
        &["init", "--offline", "--token-stdin", "--endpoint", &url],
        &token,
    )
    .code(0);
    // A teammate's machine: nobody trusted the endpoint there yet.
    std::fs::remove_file(p.home.path().join(".config/ghenv/trusted-endpoints")).unwrap();
    std::fs::remove_dir_all(p.home.path().join(".config/ghenv/projects")).unwrap();
    let out = p.run(&["run", "--", "true"], "");
    out.code(7)
        .stderr_has(&["ghenv allow", "GHENV_GRAPHQL_URL="]);
    assert!(!out.stderr.contains("run once with `--endpoint"), "{out}");
    // For one run, as the hint says.
    let mut cmd = p.cmd(&["run", "--", "true"]);
    cmd.env("GHENV_GRAPHQL_URL", &url);
    p.run_with(cmd, b"").code(0);
    // For good, as the hint says.
    p.run(&["allow"], "").code(0);
    p.run(&["run", "--", "true"], "").code(0);
}

#[test]
fn a_token_with_stray_characters_in_env_is_repaired_by_init_and_check_passes() {
    let token = classic();
    for value in [
        format!("'{token}"),
        format!("{token}\""),
        format!("bearer {token}"),
        format!("{token}{token}"),
    ] {
        let p = Project::new();
        p.write(
            ".env",
            &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={value}\nPORT=3000\n"),
        );
        // check names what is wrong and the fix; it still checks the token.
        let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
        p.run(&["check", "--endpoint", &fake.url()], "")
            .code(0)
            .never_shows(&token)
            .stderr_has(&["around the token", "ghenv init"]);
        // The fix, as printed: init writes the line anew.
        p.run(&["init", "--offline"], "")
            .code(0)
            .never_shows(&token);
        let pairs = dotenv_pairs(&p.read(".env"));
        assert!(
            pairs.contains(&(
                "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
                token.clone()
            )),
            "{value}: {pairs:?}"
        );
        assert!(pairs.contains(&("PORT".to_owned(), "3000".to_owned())));
        let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
        let out = p.run(&["check", "--endpoint", &fake.url()], "");
        out.code(0);
        assert!(!out.stderr.contains("around the token"), "{out}");
    }
}

#[test]
fn a_tracked_env_file_with_a_placeholder_is_untracked_not_revoked() {
    // The course's vanilla repository ships .env with a placeholder.
    let p = Project::new();
    p.git_init();
    p.write(".env", "GITHUB_PERSONAL_ACCESS_TOKEN=xxxxXXXX\n");
    p.git(&["add", ".env"]);
    p.git(&["commit", "-qm", "starter"]);
    let checks = doctor_checks(&p);
    let tracked = checks
        .iter()
        .find(|c| c["id"] == "env_tracked")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    let message = tracked["message"].as_str().unwrap();
    let fix = tracked["fix"].as_str().unwrap();
    assert!(message.contains("no token in it yet"), "{message}");
    assert!(!fix.contains("revoke"), "{fix}");
    assert!(fix.contains("git rm --cached .env"), "{fix}");
    // The fix, as printed; then init works and doctor passes that check.
    p.git(&["rm", "-q", "--cached", ".env"]);
    p.git(&["commit", "-qm", "untrack .env"]);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let checks = doctor_checks(&p);
    assert!(
        !checks
            .iter()
            .any(|c| c["id"] == "env_tracked" && c["status"] == "fail"),
        "{checks:#?}"
    );
}

#[test]
fn in_a_repository_without_git_on_path_nothing_is_taken_for_ignored() {
    // GitHub Desktop keeps its git off PATH: "git said nothing" must not
    // read as "not tracked" or "ignored".
    let p = Project::new();
    p.git_init();
    let token = classic();
    let no_git = p.home.path().join("no-git-bin");
    std::fs::create_dir_all(&no_git).unwrap();
    for args in [
        vec!["init", "--offline", "--token-stdin", "--json"],
        vec!["keygen", "--output", "key.txt", "--json"],
    ] {
        let mut cmd = p.cmd(&args);
        cmd.env("PATH", &no_git);
        let out = p.run_with(cmd, format!("{token}\n").as_bytes());
        out.code(7).never_shows(&token);
        assert_eq!(out.json()["error"]["kind"], "git_missing", "{args:?}");
    }
    assert!(
        !p.exists("key.txt"),
        "no private key where git add -A takes it"
    );
    assert!(!p.exists(".env") && !p.exists(".gitignore"));
    let mut cmd = p.cmd(&["init", "--offline", "--token-stdin"]);
    cmd.env("PATH", &no_git);
    p.run_with(cmd, format!("{token}\n").as_bytes())
        .stderr_has(&["git cannot be run", "Git for Windows"]);
}
