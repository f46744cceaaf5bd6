//! `ghenv doctor` on fixture projects made here, for Create React App and
//! Vite, each with exactly one fault; a healthy one passes every check.
//! The network group runs against the local GitHub look-alike.

use crate::common::*;

const VITE_VAR: &str = "VITE_GITHUB_PERSONAL_ACCESS_TOKEN";
const CRA_VAR: &str = "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN";

/// A healthy app of `framework` ("vite" or "react") in `p` (or in `sub`):
/// package.json, source that reads the template's variables, ghenv init,
/// a git repository with the hook installed.
fn app(p: &Project, framework: &str, sub: &str) -> String {
    let dir = p.file(sub);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let (dep, var, read) = match framework {
        "vite" => ("vite", VITE_VAR, "import.meta.env"),
        _ => ("react-scripts", CRA_VAR, "process.env"),
    };
    std::fs::write(
        dir.join("package.json"),
        format!("{{\"name\":\"app\",\"private\":true,\"dependencies\":{{\"{dep}\":\"*\"}}}}\n"),
    )
    .unwrap();
    let url_var = var.replace("PERSONAL_ACCESS_TOKEN", "GRAPHQL_URL");
    std::fs::write(
        dir.join("src/client.js"),
        format!("export const token = {read}.{var};\nexport const url = {read}.{url_var};\n"),
    )
    .unwrap();
    if !p.exists(".git") {
        p.git_init();
    }
    let token = classic();
    let mut cmd = p.cmd(&["init", "--offline", "--token-stdin", "-q", "-t", framework]);
    cmd.current_dir(&dir);
    p.run_with(cmd, token.as_bytes()).code(0);
    p.run(&["hook", "install"], "").code(0);
    token
}

/// `doctor --offline --json` in `sub`: the checks, and the exit code.
fn doctor(p: &Project, sub: &str, extra: &[&str]) -> (Vec<serde_json::Value>, i32) {
    let mut args = vec!["doctor", "--json"];
    args.extend_from_slice(extra);
    if !extra.contains(&"--endpoint") {
        args.push("--offline");
    }
    let mut cmd = p.cmd(&args);
    cmd.current_dir(p.file(sub));
    let out = p.run_with(cmd, b"");
    let checks = out.json().as_array().unwrap().clone();
    (checks, out.code)
}

fn failing(checks: &[serde_json::Value]) -> Vec<&str> {
    checks
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

fn find<'a>(checks: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    checks
        .iter()
        .find(|c| c["id"] == id && c["status"] != "ok")
        .or_else(|| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id}: {checks:#?}"))
}

#[test]
fn a_healthy_project_passes_every_check_and_the_json_has_its_shape() {
    for framework in ["vite", "react"] {
        let p = Project::new();
        app(&p, framework, ".");
        let (checks, code) = doctor(&p, ".", &[]);
        assert_eq!(
            failing(&checks),
            Vec::<&str>::new(),
            "{framework}: {checks:#?}"
        );
        assert_eq!(code, 0);
        for c in &checks {
            let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort();
            assert!(
                keys == ["fix", "group", "id", "message", "status"]
                    || keys == ["file", "fix", "group", "id", "message", "status"]
                    || keys == ["file", "fix", "group", "id", "line", "message", "status"],
                "{keys:?}"
            );
        }
        // The one warning: a client-exposed token ends up in the bundle,
        // and the fix runs the framework's own dev script.
        let exposed = find(&checks, "client_exposed");
        assert_eq!(exposed["status"], "warn");
        let script = if framework == "vite" {
            "npm run dev"
        } else {
            "npm start"
        };
        assert!(
            exposed["fix"]
                .as_str()
                .unwrap()
                .ends_with(&format!("`ghenv proxy -- {script}`")),
            "{exposed}"
        );
    }
}

#[test]
fn env_one_folder_too_high_is_the_classic_401() {
    let p = Project::new();
    app(&p, "vite", "web");
    // The token goes to the repository root instead of web/.
    std::fs::rename(p.file("web/.env"), p.file(".env")).unwrap();
    std::fs::rename(p.file("web/config.toml"), p.file("config.toml")).unwrap();
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "env_location");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(c["fix"].as_str().unwrap().contains("ghenv init -C"), "{c}");
}

#[test]
fn a_misspelt_variable_is_named_with_its_line_and_the_closest_defined_one() {
    let p = Project::new();
    app(&p, "vite", ".");
    p.write(
        "src/client.js",
        "// the course's client\nexport const token = import.meta.env.VITE_GITHUB_TOKEN;\n",
    );
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "code_reads");
    assert_eq!(c["status"], "fail");
    assert!(c["file"].as_str().unwrap().ends_with("src/client.js"));
    assert_eq!(c["line"], 2);
    assert!(c["message"].as_str().unwrap().contains(VITE_VAR), "{c}");
}

#[test]
fn a_token_variable_without_the_browser_prefix_fails() {
    let p = Project::new();
    app(&p, "react", ".");
    // The node template's GITHUB_TOKEN in a Create React App project.
    p.run(
        &["init", "--offline", "--token-stdin", "-q", "-t", "node"],
        &classic(),
    )
    .code(0);
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "prefix")["status"], "fail");
}

#[test]
fn a_stale_token_in_env_local_shadows_env() {
    let p = Project::new();
    app(&p, "react", ".");
    p.write(
        ".env.local",
        &format!("{CRA_VAR}={}\n", token_with("ghp_", 77)),
    );
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "shadowed");
    assert_eq!(c["status"], "fail");
    assert!(c["file"].as_str().unwrap().ends_with(".env.local"), "{c}");
}

#[test]
fn lines_readers_disagree_on_are_warned_about_with_their_line() {
    let p = Project::new();
    let token = app(&p, "react", ".");
    p.write(
        ".env",
        &format!("PORT=3000\nexport {CRA_VAR}=\"{token}\"\n"),
    );
    let (checks, _) = doctor(&p, ".", &[]);
    let quirks: Vec<&serde_json::Value> =
        checks.iter().filter(|c| c["id"] == "consumers").collect();
    // Every quirk is on line 2; the export line hides the variable from
    // Create React App altogether (a failure), the quotes only from docker
    // (a warning).
    assert!(quirks.iter().all(|c| c["line"] == 2), "{quirks:#?}");
    for q in &quirks {
        let export = q["message"].as_str().unwrap().contains("export");
        assert_eq!(q["status"], if export { "fail" } else { "warn" }, "{q:#?}");
    }
    assert!(
        quirks
            .iter()
            .any(|c| c["message"].as_str().unwrap().contains("export"))
    );
    assert!(
        quirks
            .iter()
            .any(|c| c["message"].as_str().unwrap().contains("docker"))
    );
}

#[test]
fn a_tracked_or_committed_env_fails() {
    let p = Project::new();
    app(&p, "vite", ".");
    p.git(&["add", "-f", ".env"]);
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "env_tracked")["status"], "fail");
    // Committed once, then untracked: still in the history.
    let committed = std::process::Command::new("git")
        .args([
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-q",
            "-m",
            "oops",
        ])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .status()
        .unwrap();
    assert!(committed.success());
    p.git(&["rm", "-q", "--cached", ".env"]);
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "env_history");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(c["message"].as_str().unwrap().contains("committed in"));
}

#[test]
fn local_env_files_git_would_commit_are_warned_about() {
    let p = Project::new();
    app(&p, "vite", ".");
    // init ignores them: ok.
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "local_ignored")["status"], "ok");
    // Force-added, .env.local is tracked, so the .gitignore line does not
    // keep it out; .env.development.local still is.
    p.write(".env.local", "X=1\n");
    p.git(&["add", "-f", ".env.local"]);
    let (checks, _) = doctor(&p, ".", &[]);
    let c = find(&checks, "local_ignored");
    assert_eq!(c["status"], "warn", "{c}");
    let message = c["message"].as_str().unwrap();
    assert!(message.contains(".env.local"), "{c}");
    assert!(!message.contains(".env.development.local"), "{c}");
    // Untracked again and ignored by nothing: both would be committed.
    p.git(&["rm", "-q", "--cached", ".env.local"]);
    p.write(".gitignore", ".env\n");
    let (checks, _) = doctor(&p, ".", &[]);
    let message = find(&checks, "local_ignored")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains(".env.local and .env.development.local"),
        "{message}"
    );
    // A personal exclude keeps them out of this clone's commits.
    p.write(".git/info/exclude", ".env.local\n.env.development.local\n");
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "local_ignored")["status"], "ok");
}

#[test]
fn a_hook_that_git_never_runs_fails_and_a_missing_one_warns() {
    let p = Project::new();
    app(&p, "vite", ".");
    p.git(&["config", "core.hooksPath", ".husky/_"]);
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "hook")["status"], "fail");
    p.git(&["config", "--unset", "core.hooksPath"]);
    p.run(&["hook", "uninstall"], "").code(0);
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "hook")["status"], "warn");
    assert_eq!(code, 0);
}

#[test]
fn a_private_key_git_would_commit_fails() {
    let p = Project::new();
    app(&p, "vite", ".");
    let (key, _) = p.keygen("k.txt");
    std::fs::copy(key, p.file("ci-key.txt")).unwrap();
    let (checks, _) = doctor(&p, ".", &[]);
    let c = find(&checks, "keys_in_tree");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["file"], "ci-key.txt");
}

#[test]
fn a_stale_env_after_a_teammate_rotated_and_an_appended_recipient_fail() {
    let p = Project::new();
    app(&p, "vite", ".");
    let (key, public) = p.keygen("k.txt");
    let (_, mallory) = p.keygen("m.txt");
    let k = key.to_str().unwrap();
    p.run(&["init", "--offline", "-q", "-r", &public], "")
        .code(0);
    // A teammate rotated: [secret] holds another token than .env.
    let env = p.read(".env");
    p.run(
        &["init", "--offline", "--token-stdin", "-q", "-i", k],
        &token_with("ghp_", 88),
    )
    .code(0);
    p.write(".env", &env);
    let config = p.read("config.toml").replace(
        &format!("    \"{public}\",\n"),
        &format!("    \"{public}\",\n    \"{mallory}\",\n"),
    );
    p.write("config.toml", &config);
    let (checks, code) = doctor(&p, ".", &["-i", k]);
    assert_eq!(code, 1);
    assert_eq!(find(&checks, "secret_matches_env")["status"], "fail");
    assert_eq!(find(&checks, "recipients_intact")["status"], "fail");
}

#[test]
fn build_output_holding_the_token_fails_naming_the_file() {
    let p = Project::new();
    let token = app(&p, "react", ".");
    std::fs::create_dir_all(p.file("build/static/js")).unwrap();
    p.write(
        "build/static/js/main.3f2a.js",
        &format!("var t=\"{token}\";"),
    );
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "build_output");
    assert!(c["file"].as_str().unwrap().ends_with("main.3f2a.js"), "{c}");
}

#[test]
fn a_dev_server_started_before_env_changed_is_told_to_restart() {
    // Create React App reads .env once at start; Vite restarts its server
    // by itself when .env changes, so only CRA is told (issue 32).
    let p = Project::new();
    app(&p, "react", ".");
    // A process named like CRA's dev server, running in the app folder.
    let bin = p.home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let vite = bin.join("react-scripts");
    // Lives until the test kills it, however slow the machine (a short
    // sleep at a time: what is left after the kill ends within a second).
    std::fs::write(&vite, "#!/bin/sh\nwhile :; do sleep 1; done\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&vite, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut server = std::process::Command::new("sh")
        .arg(&vite)
        .args(["--port", "5173"])
        .current_dir(p.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The env file changes after the server started: its time is set a
    // minute ahead rather than waited for, so no clock tick or load can
    // make the two look simultaneous.
    let text = p.read(".env");
    p.write(".env", &format!("{text}EXTRA=1\n"));
    std::fs::File::options()
        .write(true)
        .open(p.file(".env"))
        .unwrap()
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    let (checks, _) = doctor(&p, ".", &[]);
    let _ = server.kill();
    let _ = server.wait();
    let c = find(&checks, "dev_server");
    assert_eq!(c["status"], "warn", "{checks:#?}");
    assert_eq!(c["fix"], "restart it", "{c}");
}

#[test]
fn the_token_group_reports_expiry_sso_the_account_and_the_rate_limit() {
    let p = Project::new();
    app(&p, "vite", ".");
    let soon = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(48))
        .unwrap()
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    let mut reply = Reply::ok("someone-else", COURSE_SCOPES)
        .header("github-authentication-token-expiration", &soon)
        .header(
            "X-GitHub-SSO",
            "partial-results; organizations=21955855,20582480",
        );
    reply.body = String::from_utf8(reply.body)
        .unwrap()
        .replace("\"remaining\":4999", "\"remaining\":12")
        .into_bytes();
    let fake = FakeGitHub::start(vec![reply]);
    // config.toml recorded another account.
    let config = p
        .read("config.toml")
        .replace("[github]\n", "[github]\nlogin = \"octocat\"\n");
    p.write("config.toml", &config);
    let (checks, _) = doctor(&p, ".", &["--no-probe", "--endpoint", &fake.url()]);
    assert_eq!(find(&checks, "token")["status"], "ok");
    assert_eq!(find(&checks, "expiry")["status"], "warn");
    assert!(
        find(&checks, "sso")["message"]
            .as_str()
            .unwrap()
            .contains("21955855")
    );
    let account = find(&checks, "account")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        account.contains("someone-else") && account.contains("octocat"),
        "{account}"
    );
    assert_eq!(find(&checks, "rate_limit")["status"], "warn");
    assert_eq!(fake.requests().len(), 1, "one request, as check");
}

#[test]
fn missing_scopes_say_what_they_break_in_the_course() {
    let p = Project::new();
    app(&p, "react", ".");
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo, read:user")]);
    // --no-probe: the lesson table for missing scopes is in probe.rs.
    let (checks, code) = doctor(&p, ".", &["--no-probe", "--endpoint", &fake.url()]);
    assert_eq!(code, 1);
    let m = find(&checks, "scopes")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(m.contains("read:org (the organization query"), "{m}");
    assert!(m.contains("notifications (the notifications query)"), "{m}");
}

#[test]
fn init_ends_with_the_offline_checks_that_are_not_ok() {
    let p = Project::new();
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write("package.json", "{\"dependencies\":{\"vite\":\"*\"}}\n");
    p.write(
        "src/main.js",
        "const t = import.meta.env.VITE_GITHUB_TOKEN;\n",
    );
    p.run(
        &["init", "--offline", "--token-stdin", "-t", "vite"],
        &classic(),
    )
    .code(0)
    .stderr_has(&["the code reads VITE_GITHUB_TOKEN", "npm run build"]);
}

#[test]
fn a_proxied_app_keeps_the_token_out_of_the_browser_and_passes() {
    let p = Project::new();
    app(&p, "vite", ".");
    p.write(
        "src/client.js",
        "export const url = import.meta.env.VITE_GITHUB_GRAPHQL_URL;\n",
    );
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-q",
            "-t",
            "vite",
            "--proxy",
        ],
        &classic(),
    )
    .code(0);
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(failing(&checks), Vec::<&str>::new(), "{checks:#?}");
    assert_eq!(code, 0);
    assert!(!checks.iter().any(|c| c["id"] == "client_exposed"));
}

// ------------------------------------------------- the mistakes students make
// Each: doctor names the mistake and a fix; the test applies the fix as a
// student would and doctor then passes.

/// `doctor --offline` in the project folder; panics unless it passes.
fn passes(p: &Project) {
    let (checks, code) = doctor(p, ".", &[]);
    assert_eq!(failing(&checks), Vec::<&str>::new(), "{checks:#?}");
    assert_eq!(code, 0);
}

fn fix_of<'a>(checks: &'a [serde_json::Value], id: &str) -> &'a str {
    find(checks, id)["fix"].as_str().unwrap()
}

#[test]
fn a_misspelt_token_variable_is_matched_to_the_token_with_its_line() {
    let p = Project::new();
    app(&p, "react", ".");
    p.write(
        "src/client.js",
        "export const token = process.env.REACT_APP_GITHUB_TOKN;\nexport const url = process.env.REACT_APP_GITHUB_GRAPHQL_URL;\n",
    );
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "code_reads");
    let message = c["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("did you mean {CRA_VAR}?")),
        "{message}"
    );
    assert!(
        message.contains("process.env.REACT_APP_GITHUB_TOKN"),
        "the line of code: {message}"
    );
    assert_eq!(c["line"], 1);
    assert!(fix_of(&checks, "code_reads").starts_with(&format!("read {CRA_VAR} in the code")));
    // The fix, as the student makes it.
    let code_text = p
        .read("src/client.js")
        .replace("REACT_APP_GITHUB_TOKN", CRA_VAR);
    p.write("src/client.js", &code_text);
    passes(&p);
}

#[test]
fn a_hand_written_env_without_the_prefix_fails_and_the_rename_fixes_it() {
    // No config.toml, no ghenv init: a .env written by hand.
    let p = Project::new();
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"dependencies\":{\"react-scripts\":\"*\"}}\n",
    );
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/client.js",
        "export const token = process.env.GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    p.write(".gitignore", ".env\n");
    let token = classic();
    p.write(".env", &format!("GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"));
    std::fs::set_permissions(
        p.file(".env"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1, "{checks:#?}");
    let c = find(&checks, "prefix");
    assert_eq!(c["status"], "fail");
    assert!(!checks.iter().any(|c| {
        c["status"] == "ok"
            && c["message"]
                .as_str()
                .unwrap()
                .contains("has the REACT_APP_ prefix")
    }));
    assert_eq!(
        fix_of(&checks, "prefix"),
        "rename it REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN in the code and in .env"
    );
    p.write(
        "src/client.js",
        &p.read("src/client.js")
            .replace("GITHUB_", "REACT_APP_GITHUB_"),
    );
    p.write(
        ".env",
        &p.read(".env").replace("GITHUB_", "REACT_APP_GITHUB_"),
    );
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(failing(&checks), Vec::<&str>::new(), "{checks:#?}");

    // The reverse: the code has the prefix, the env file lacks it. The
    // fix is in the env file, never "read the unprefixed name".
    p.write(".env", &format!("GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"));
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(
        fix_of(&checks, "code_reads"),
        "rename GITHUB_PERSONAL_ACCESS_TOKEN to REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN in .env"
    );
    p.write(
        ".env",
        &p.read(".env").replace("GITHUB_", "REACT_APP_GITHUB_"),
    );
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(failing(&checks), Vec::<&str>::new(), "{checks:#?}");
}

#[test]
fn an_env_file_in_src_is_named_and_moving_it_fixes_it() {
    let p = Project::new();
    app(&p, "vite", ".");
    std::fs::rename(p.file(".env"), p.file("src/.env")).unwrap();
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "env_location");
    assert_eq!(c["status"], "fail");
    let message = c["message"].as_str().unwrap();
    assert!(message.contains("src/.env is not read"), "{message}");
    assert!(
        !checks
            .iter()
            .any(|c| c["id"] == "env_location" && c["status"] == "ok")
    );
    // The fix, run as printed.
    let fix = fix_of(&checks, "env_location").to_owned();
    assert!(fix.starts_with("mv "), "{fix}");
    let done = std::process::Command::new("sh")
        .args(["-c", &fix])
        .current_dir(p.path())
        .status()
        .unwrap();
    assert!(done.success());
    passes(&p);
}

#[test]
fn an_export_line_fails_and_ghenv_init_repairs_it_with_the_token_it_holds() {
    let p = Project::new();
    let token = app(&p, "react", ".");
    p.write(".env", &format!("export {CRA_VAR}={token}\n"));
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1, "a variable the app cannot read is a failure");
    assert!(
        !checks
            .iter()
            .any(|c| c["id"] == "code_reads" && c["status"] == "ok"),
        "no ✓ contradicts it: {checks:#?}"
    );
    assert!(fix_of(&checks, "consumers").contains("ghenv init"));
    // `ghenv init`, off a terminal, with no token given: it takes the one
    // the env file holds.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let out = p.run(&["init", "--endpoint", &fake.url()], "");
    out.code(0).never_shows(&token);
    assert!(p.read(".env").contains(&format!("{CRA_VAR}={token}")));
    assert!(!p.read(".env").contains("export"));
    passes(&p);
}

#[test]
fn no_env_file_at_all_is_said_plainly_and_init_creates_it() {
    let p = Project::new();
    app(&p, "vite", ".");
    std::fs::remove_file(p.file(".env")).unwrap();
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "env_location");
    assert!(
        c["message"].as_str().unwrap().contains("there is no .env"),
        "{c:#?}"
    );
    assert!(
        !checks.iter().any(|c| c["message"]
            .as_str()
            .unwrap()
            .contains("is not git-ignored")),
        "{checks:#?}"
    );
    assert!(fix_of(&checks, "env_location").contains("ghenv init"));
    p.run(&["init", "--offline", "--token-stdin", "-q"], &classic())
        .code(0);
    passes(&p);
}

#[test]
fn a_tampered_env_file_is_a_failed_check_even_offline() {
    let p = Project::new();
    app(&p, "vite", ".");
    let config = p
        .read("config.toml")
        .replace("file = \".env\"", "file = \"../other/.env\"");
    p.write("config.toml", &config);
    let (checks, code) = doctor(&p, ".", &[]);
    assert_eq!(code, 1);
    let c = find(&checks, "env_file");
    assert_eq!(c["status"], "fail");
    assert!(c["message"].as_str().unwrap().contains("../other/.env"));
}

#[test]
fn ghenv_is_never_its_own_dev_server() {
    let p = Project::new();
    p.git_init();
    std::fs::create_dir_all(p.file("x/vite/src")).unwrap();
    p.write(
        "x/vite/package.json",
        "{\"name\":\"app\",\"dependencies\":{\"vite\":\"*\"}}\n",
    );
    // Run where a dev server would run, with "vite" in ghenv's own
    // command line twice over.
    let mut cmd = p.cmd(&[
        "init",
        "--offline",
        "--token-stdin",
        "-t",
        "vite",
        "-C",
        "../vite",
    ]);
    cmd.current_dir(p.file("x/vite"));
    let out = p.run_with(cmd, classic().as_bytes());
    out.code(0);
    assert!(!out.stderr.contains("dev server"), "{out}");
}

#[test]
fn a_shadowing_env_local_is_fixed_by_the_fix_doctor_prints() {
    let p = Project::new();
    app(&p, "vite", ".");
    p.write(
        ".env.local",
        &format!("{VITE_VAR}={}\n", token_with("ghp_", 55)),
    );
    let (checks, _) = doctor(&p, ".", &[]);
    assert_eq!(find(&checks, "shadowed")["status"], "fail");
    let fix = fix_of(&checks, "shadowed");
    assert_eq!(fix, format!("remove the {VITE_VAR} line from .env.local"));
    p.write(".env.local", "");
    passes(&p);
}

#[test]
fn run_and_proxy_without_a_token_point_at_what_helps_them() {
    let p = Project::new();
    p.write("config.toml", "version = 1\n");
    for args in [vec!["run", "--", "true"], vec!["proxy", "--", "true"]] {
        let out = p.run(&args, "");
        out.code(2).stderr_has(&["ghenv init", "ghenv unlock"]);
        assert!(!out.stderr.contains("GH_TOKEN"), "{out}");
    }
}

#[test]
fn init_at_a_monorepo_root_sets_up_the_app_folder_below() {
    let p = Project::new();
    p.git_init();
    std::fs::create_dir_all(p.file("client/src")).unwrap();
    p.write(
        "client/package.json",
        "{\"name\":\"client\",\"dependencies\":{\"vite\":\"*\"}}\n",
    );
    p.write(
        "client/src/main.js",
        &format!("export const token = import.meta.env.{VITE_VAR};\n"),
    );
    let out = p.run(&["init", "--offline", "--token-stdin"], &classic());
    out.code(0).stderr_has(&["The app is in ./client", "-C ."]);
    assert!(p.exists("client/.env") && p.exists("client/config.toml"));
    assert!(!p.exists(".env") && !p.exists("config.toml"));
    assert!(p.read("client/.env").contains(VITE_VAR));
    let (checks, _) = doctor(&p, "client", &[]);
    assert_eq!(failing(&checks), Vec::<&str>::new(), "{checks:#?}");
    // -C . keeps the folder it is given.
    let q = Project::new();
    std::fs::create_dir_all(q.file("client")).unwrap();
    q.write(
        "client/package.json",
        "{\"name\":\"client\",\"dependencies\":{\"vite\":\"*\"}}\n",
    );
    q.run(
        &["init", "--offline", "--token-stdin", "-C", "."],
        &classic(),
    )
    .code(0);
    assert!(q.exists(".env") && !q.exists("client/.env"));
}
