//! Recovery, continued (issue 32): every command sees the same app as
//! init, and every fix doctor prints works when followed. As in
//! `recovery.rs`, each test makes the student's mistake, applies the fix
//! exactly as printed, and runs the next command to see it pass.

use crate::common::*;

/// A Vite app's package.json (`npm run dev` starts it).
const VITE_PACKAGE: &str = "{\"name\":\"web\",\"private\":true,\"scripts\":{\"dev\":\"vite\",\"build\":\"vite build\"},\"devDependencies\":{\"vite\":\"*\"}}\n";

fn check<'a>(checks: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    checks
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}: {checks:#?}"))
}

#[test]
fn without_config_toml_check_and_doctor_read_the_vite_variable_init_would_write() {
    // A Vite app whose .env the student wrote by hand, as the course says.
    let p = Project::new();
    p.write("package.json", VITE_PACKAGE);
    let token = classic();
    p.write(
        ".env",
        &format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(&["check", "--endpoint", &fake.url()], "")
        .code(0)
        .never_shows(&token);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let checks = doctor_json(&p, &["--no-probe", "--endpoint", &fake.url()]);
    assert_eq!(check(&checks, "token")["status"], "ok", "{checks:#?}");
    p.run(&["scopes"], "")
        .code(0)
        .stdout_has(&["for the vite template"]);
}

fn monorepo(p: &Project, apps: &[&str]) {
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"mono\",\"private\":true,\"workspaces\":[\"apps/*\",\"packages/*\"]}\n",
    );
    for app in apps {
        std::fs::create_dir_all(p.file(app)).unwrap();
        p.write(&format!("{app}/package.json"), VITE_PACKAGE);
    }
    std::fs::create_dir_all(p.file("packages/ui")).unwrap();
    p.write(
        "packages/ui/package.json",
        "{\"name\":\"ui\",\"dependencies\":{\"react\":\"*\"}}\n",
    );
}

#[test]
fn init_at_a_monorepos_root_sets_up_the_one_app_in_its_workspaces() {
    let p = Project::new();
    monorepo(&p, &["apps/web"]);
    let token = classic();
    let out = p.run(&["init", "--offline", "--token-stdin"], &token);
    out.code(0).never_shows(&token).stderr_has(&["apps/web"]);
    assert!(
        !p.exists(".env"),
        "never at the root, where Vite never looks"
    );
    let pairs = dotenv_pairs(&p.read("apps/web/.env"));
    assert!(
        pairs.contains(&(
            "VITE_GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
            token.clone()
        )),
        "{pairs:?}"
    );
    // doctor, from the root too, sees the same app and passes.
    let checks = doctor_json(&p, &["--offline", "-C", "apps/web"]);
    assert_eq!(failing_checks(&checks), Vec::<serde_json::Value>::new());
}

#[test]
fn init_at_a_monorepos_root_with_several_apps_names_each_and_the_named_one_works() {
    let p = Project::new();
    monorepo(&p, &["apps/admin", "apps/web"]);
    let token = classic();
    let before = p.snapshot();
    let out = p.run(&["init", "--offline", "--token-stdin", "--json"], &token);
    out.code(2).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "several_apps");
    let out = p.run(&["init", "--offline", "--token-stdin"], &token);
    out.code(2)
        .stderr_has(&["ghenv init -C apps/admin", "ghenv init -C apps/web"]);
    assert_eq!(p.snapshot(), before, "nothing written");
    // The fix, as printed.
    p.run(
        &["init", "--offline", "--token-stdin", "-C", "apps/web"],
        &token,
    )
    .code(0);
    assert!(
        p.read("apps/web/.env")
            .contains("VITE_GITHUB_PERSONAL_ACCESS_TOKEN=")
    );
    let checks = doctor_json(&p, &["--offline", "-C", "apps/web"]);
    assert_eq!(failing_checks(&checks), Vec::<serde_json::Value>::new());
}

#[test]
fn init_at_a_pnpm_monorepos_root_sets_up_the_app_its_workspace_file_names() {
    let p = Project::new();
    p.git_init();
    // pnpm's layout: no `workspaces` in package.json, the globs in
    // pnpm-workspace.yaml (here in YAML's flow style, as pnpm's docs show).
    p.write(
        "package.json",
        "{\"name\":\"mono\",\"private\":true,\"packageManager\":\"pnpm@9.12.0\"}\n",
    );
    p.write("pnpm-workspace.yaml", "packages: ['apps/*']\n");
    p.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    std::fs::create_dir_all(p.file("apps/web")).unwrap();
    p.write("apps/web/package.json", VITE_PACKAGE);
    let token = classic();
    let out = p.run(&["init", "--offline", "--token-stdin"], &token);
    out.code(0).never_shows(&token).stderr_has(&["apps/web"]);
    assert!(
        !p.exists(".env"),
        "never at the root, where Vite never looks"
    );
    let pairs = dotenv_pairs(&p.read("apps/web/.env"));
    assert!(
        pairs.contains(&(
            "VITE_GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
            token.clone()
        )),
        "{pairs:?}"
    );
    assert!(
        p.read("apps/web/config.toml")
            .contains("template = \"vite\"")
    );
    let checks = doctor_json(&p, &["--offline", "-C", "apps/web"]);
    assert_eq!(failing_checks(&checks), Vec::<serde_json::Value>::new());
    // The commands doctor names are pnpm's.
    let exposed = checks
        .iter()
        .find(|c| c["id"] == "client_exposed")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    assert!(
        exposed["fix"]
            .as_str()
            .unwrap()
            .ends_with("`ghenv proxy -- pnpm dev`"),
        "{exposed}"
    );
}

/// A Create React App project, set up by init with `token`.
fn cra_app(p: &Project, token: &str) {
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"scripts\":{\"start\":\"react-scripts start\"},\"dependencies\":{\"react-scripts\":\"*\"}}\n",
    );
    p.run(&["init", "--offline", "--token-stdin"], token)
        .code(0);
}

/// The `consumers` checks that are not ok.
fn consumers(p: &Project) -> Vec<serde_json::Value> {
    doctor_json(p, &["--offline"])
        .into_iter()
        .filter(|c| c["id"] == "consumers" && c["status"] != "ok")
        .collect()
}

#[test]
fn an_export_line_doctor_flags_is_cleared_by_the_fix_it_prints() {
    let p = Project::new();
    let token = classic();
    cra_app(&p, &token);
    // On the template's variable: init rewrites it, as the fix says.
    let env = p.read(".env");
    p.write(
        ".env",
        &env.replace(
            "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=",
            "export REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=",
        ),
    );
    let bad = consumers(&p);
    assert_eq!(bad.len(), 1, "{bad:#?}");
    assert_eq!(bad[0]["status"], "fail");
    assert!(
        bad[0]["fix"].as_str().unwrap().contains("ghenv init"),
        "{bad:#?}"
    );
    p.run(&["init", "--offline"], "")
        .code(0)
        .never_shows(&token);
    assert_eq!(consumers(&p), Vec::<serde_json::Value>::new());
    // On the student's own variable: init leaves the line alone, so the
    // fix names the edit, and the edit clears it (no loop).
    let env = p.read(".env");
    p.write(".env", &format!("{env}export REACT_APP_REPO=me/app\n"));
    let bad = consumers(&p);
    assert_eq!(bad.len(), 1, "{bad:#?}");
    let fix = bad[0]["fix"].as_str().unwrap();
    assert!(
        !fix.contains("ghenv init"),
        "init would not change it: {fix}"
    );
    let line = bad[0]["line"].as_u64().unwrap() as usize;
    assert!(
        fix.contains(&format!(
            "remove `export ` from the start of line {line} of .env"
        )),
        "{fix}"
    );
    // Following `ghenv init` (the old fix) changes nothing: that was the loop.
    p.run(&["init", "--offline"], "").code(0);
    assert_eq!(consumers(&p).len(), 1);
    // The fix, as printed.
    let edited: String = p
        .read(".env")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let l = if i + 1 == line {
                l.strip_prefix("export ").unwrap()
            } else {
                l
            };
            format!("{l}\n")
        })
        .collect();
    p.write(".env", &edited);
    assert_eq!(consumers(&p), Vec::<serde_json::Value>::new());
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(failing_checks(&checks), Vec::<serde_json::Value>::new());
}

#[test]
fn a_second_variable_holding_the_token_is_caught_before_rotate_leaves_it_behind() {
    let p = Project::new();
    p.git_init();
    p.write("package.json", VITE_PACKAGE);
    std::fs::create_dir_all(p.file("src")).unwrap();
    let old = classic();
    p.run(&["init", "--offline", "--token-stdin"], &old).code(0);
    // What an older fix made students invent: a second name for the token,
    // which the code reads.
    let env = p.read(".env");
    p.write(
        ".env",
        &format!("{env}VITE_REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={old}\n"),
    );
    p.write(
        "src/client.js",
        "export const token = import.meta.env.VITE_REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    let new = token_with("ghp_", 97);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(
        &["rotate", "--token-stdin", "--endpoint", &fake.url()],
        &new,
    )
    .code(0);
    // The app still has the old token: doctor says so, never all ✓.
    let out = p.run(&["doctor", "--offline", "--json"], "");
    out.code(1).never_shows(&old).never_shows(&new);
    let checks = out.json().as_array().unwrap().clone();
    let second = check(&checks, "second_token");
    assert_eq!(second["status"], "fail", "{second}");
    let fix = second["fix"].as_str().unwrap();
    assert!(
        fix.contains("import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN")
            && fix
                .contains("delete the VITE_REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN line from .env"),
        "{fix}"
    );
    // The fix, as printed.
    p.write(
        "src/client.js",
        "export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    let kept: String = p
        .read(".env")
        .lines()
        .filter(|l| !l.starts_with("VITE_REACT_APP_"))
        .map(|l| format!("{l}\n"))
        .collect();
    p.write(".env", &kept);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(failing_checks(&checks), Vec::<serde_json::Value>::new());
    assert_eq!(check(&checks, "second_token")["status"], "ok");
}

#[test]
fn the_prefix_fix_names_the_templates_variable_not_an_invented_one() {
    // A hand-written .env and CRA code with a name of the student's own.
    let p = Project::new();
    p.git_init();
    p.write("package.json", VITE_PACKAGE);
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/client.js",
        "export const token = process.env.REACT_APP_GITHUB_TOKEN;\n",
    );
    let token = classic();
    p.write(".env", &format!("REACT_APP_GITHUB_TOKEN={token}\n"));
    let checks = doctor_json(&p, &["--offline"]);
    let prefix = failing_checks(&checks)
        .into_iter()
        .find(|c| c["id"] == "prefix")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    let fix = prefix["fix"].as_str().unwrap();
    assert!(
        fix.contains("import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN")
            && fix.contains("ghenv init -t vite")
            && !fix.contains("VITE_GITHUB_TOKEN"),
        "{fix}"
    );
    // The fix, as printed: the name rotate keeps up to date.
    p.write(
        "src/client.js",
        "export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    p.run(
        &["init", "-t", "vite", "--offline", "--token-stdin"],
        &token,
    )
    .code(0);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(failing_checks(&checks), Vec::<serde_json::Value>::new());
    // The old line is left over: named, as a warning.
    assert_eq!(check(&checks, "second_token")["status"], "warn");
}

/// `args` run as npm's launcher runs ghenv (`npx ghenv …`).
fn under_npm(p: &Project, args: &[&str], stdin: &str) -> Output {
    let mut cmd = p.cmd(args);
    cmd.env("GHENV_LAUNCHER", "npm");
    p.run_with(cmd, stdin.as_bytes())
}

/// Every backticked command in `text` that starts with ghenv, bare.
fn bare_commands(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| {
            span.starts_with("ghenv ") || span.contains("| ghenv ") || span.contains("&& ghenv ")
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn under_npm_every_command_a_message_names_runs_as_printed() {
    let p = Project::new();
    p.git_init();
    p.write("package.json", VITE_PACKAGE);
    let token = classic();
    // init --proxy names how to start the app: npx, and Vite's `dev` script.
    let out = under_npm(
        &p,
        &["init", "--offline", "--token-stdin", "--proxy"],
        &token,
    );
    out.code(0)
        .never_shows(&token)
        .stderr_has(&["`npx ghenv proxy -- npm run dev`"]);
    assert!(!out.stderr.contains("npm start"), "{out}");
    assert_eq!(bare_commands(&out.stderr), Vec::<String>::new(), "{out}");
    // doctor's checklist (stdout), with fixes.
    p.run(&["init", "--offline", "-t", "vite"], "").code(0);
    let out = under_npm(&p, &["doctor", "--offline"], "");
    out.stdout_has(&["`npx ghenv proxy -- npm run dev`"]);
    assert_eq!(bare_commands(&out.stdout), Vec::<String>::new(), "{out}");
    // scan's hint, both halves of its pipe.
    p.write("notes.txt", &format!("mine: {token}\n"));
    let out = under_npm(&p, &["scan", "notes.txt"], "");
    out.code(1)
        .never_shows(&token)
        .stderr_has(&["`npx ghenv scan --json | npx ghenv revoke --from-scan - --yes`"]);
    assert_eq!(
        bare_commands(&format!("{}{}", out.stdout, out.stderr)),
        Vec::<String>::new(),
        "{out}"
    );
}

/// Points the installed hook at a ghenv that is not there (a teammate's
/// clone, where the path recorded at install does not exist).
fn hook_with_ghenv_gone(p: &Project) {
    let hook = p.file(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    let start = text.find("ghenv='").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let text = format!("{}ghenv='/nowhere/ghenv'{}", &text[..start], &text[end..]);
    std::fs::write(&hook, text).unwrap();
}

fn commit(p: &Project) -> std::process::Output {
    std::process::Command::new("git")
        .args(["commit", "-qm", "work"])
        .current_dir(p.path())
        .env("HOME", p.home.path())
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap()
}

#[test]
fn the_hook_says_npm_install_where_package_json_already_lists_ghenv() {
    let p = Project::new();
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"devDependencies\":{\"ghenv\":\"^0.2.0\",\"vite\":\"*\"}}\n",
    );
    p.write(".gitignore", "node_modules/\n");
    p.run(&["hook", "install"], "").code(0);
    hook_with_ghenv_gone(&p);
    p.git(&["add", "package.json", ".gitignore"]);
    let out = commit(&p);
    assert!(!out.status.success(), "blocked");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("install it: npm install ("), "{said}");
    assert!(!said.contains("--save-dev"), "{said}");
    // The fix, as printed: what `npm install` puts in node_modules/.bin.
    std::fs::create_dir_all(p.file("node_modules/.bin")).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_ghenv"),
        p.file("node_modules/.bin/ghenv"),
    )
    .unwrap();
    let out = commit(&p);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn doctor_names_the_commit_that_added_the_token_not_the_one_that_removed_env() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    p.git(&["add", ".env"]);
    p.git(&["commit", "-qm", "add the token"]);
    let added = p.git(&["rev-parse", "--short", "HEAD"]);
    let added = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    p.git(&["rm", "-q", "--cached", ".env"]);
    p.write(".gitignore", ".env\n");
    p.git(&["add", ".gitignore"]);
    p.git(&["commit", "-qm", "untrack .env"]);
    let removed = p.git(&["rev-parse", "--short", "HEAD"]);
    let removed = String::from_utf8_lossy(&removed.stdout).trim().to_owned();
    let checks = doctor_json(&p, &["--offline"]);
    let history = check(&checks, "env_history");
    let message = history["message"].as_str().unwrap();
    assert!(
        message.contains(&added) && !message.contains(&removed),
        "added {added}, removed {removed}: {message}"
    );
    // The same commit `ghenv scan --history` names.
    p.run(&["scan", "--history"], "")
        .code(1)
        .stdout_has(&[&format!("committed in {added}")]);
}
