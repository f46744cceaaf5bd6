//! Every fix doctor can print (issue 32, "done when"): a table with one row
//! per `.fix(` call site in src/doctor/checks.rs, in source order, naming
//! the test that applies it as printed and runs doctor again, or, for a fix
//! no test can apply, why not. A new fix without a row fails
//! [`every_fix_doctor_prints_has_a_row`].
//!
//! The scenarios of this file apply the offline fixes of a fresh clone.

use crate::common::*;

/// How a fix is covered.
enum How {
    /// Applied as printed, then doctor (or the next command) passes: the
    /// test's `module::function`.
    Applied(&'static str),
    /// Not applied, and why, but produced: the test (`module::function`)
    /// makes doctor print this fix and checks its text in the JSON.
    Driven(&'static str, &'static str),
    /// Neither applied nor produced by a test, and why.
    TextOnly(&'static str),
}

use How::{Applied, Driven, TextOnly};

/// One row per `.fix(` call site of src/doctor/checks.rs, in source order.
const FIXES: &[(&str, How)] = &[
    (
        "accepted",
        Applied(
            "doctor_fixes::a_teammates_change_to_config_toml_is_accepted_by_the_allow_doctor_names",
        ),
    ),
    (
        "env_file",
        Applied(
            "doctor_fixes::an_env_file_a_teammate_moved_out_of_the_project_is_put_back_as_the_fix_says",
        ),
    ),
    (
        "config",
        Applied("recovery::another_tools_config_toml_is_never_written_nor_taken_as_the_project"),
    ),
    (
        "config",
        Applied("doctor_fixes::a_fresh_app_folder_is_set_up_by_the_init_doctor_names"),
    ),
    (
        "framework",
        Applied("doctor_fixes::doctor_far_above_the_app_is_pointed_at_its_folder"),
    ),
    (
        "env_location",
        Applied("doctor_fixes::a_token_one_folder_above_the_app_is_set_up_where_the_fix_says"),
    ),
    (
        "env_location",
        Applied("doctor_fixes::a_stray_env_file_is_moved_where_the_dev_server_reads_it"),
    ),
    (
        "env_location",
        Applied("doctor_fixes::a_fresh_clone_with_only_the_secret_is_unlocked_as_the_fix_says"),
    ),
    (
        "env_location",
        Applied("doctor_fixes::a_fresh_app_folder_is_set_up_by_the_init_doctor_names"),
    ),
    (
        "prefix",
        Applied("recovery::cra_code_in_a_vite_app_is_fixed_the_vite_way_and_doctor_then_passes"),
    ),
    (
        "code_reads",
        Applied("recovery::process_env_in_vite_code_is_flagged_and_import_meta_env_passes"),
    ),
    (
        "code_reads",
        Applied("recovery::with_the_proxy_template_the_fix_takes_the_token_out_of_the_code"),
    ),
    (
        "prefix",
        Applied("recovery_doctor::the_prefix_fix_names_the_templates_variable_not_an_invented_one"),
    ),
    (
        "shadowed",
        Applied("doctor_fixes::a_shadowing_env_local_line_is_removed_as_the_fix_says"),
    ),
    (
        "second_token",
        Applied(
            "recovery_doctor::a_second_variable_holding_the_token_is_caught_before_rotate_leaves_it_behind",
        ),
    ),
    (
        "consumers",
        Applied("recovery_doctor::an_export_line_doctor_flags_is_cleared_by_the_fix_it_prints"),
    ),
    (
        "dev_server",
        TextOnly(
            "printed only where processes cannot be listed (Windows): scripts/wine-smoke.sh, run by .ci/run, produces it under Wine; Linux reads /proc",
        ),
    ),
    (
        "dev_server",
        Driven(
            "doctor::a_dev_server_started_before_env_changed_is_told_to_restart",
            "restarting a running Create React App server: the test has a look-alike process only",
        ),
    ),
    (
        "token",
        Applied("doctor_fixes::no_token_is_fixed_by_the_init_doctor_names"),
    ),
    (
        "token",
        Applied(
            "doctor_fixes::an_endpoint_config_toml_names_is_trusted_by_the_allow_the_fix_names",
        ),
    ),
    (
        "token",
        Driven(
            "doctor_fixes::the_fixes_that_need_github_com_are_printed_from_githubs_answers",
            "a new token is made on github.com (recovery::a_revoked_token_… gives rotate one, via check)",
        ),
    ),
    (
        "scopes",
        Driven(
            "doctor_fixes::the_fixes_that_need_github_com_are_printed_from_githubs_answers",
            "a new token created on github.com with the scopes ticked: a browser step",
        ),
    ),
    (
        "expiry",
        Driven(
            "doctor_fixes::the_fixes_that_need_github_com_are_printed_from_githubs_answers",
            "a new token on github.com, then rotate (recovery::an_expired_token_… applies it via check)",
        ),
    ),
    (
        "expiry",
        Driven(
            "doctor_fixes::the_fixes_that_need_github_com_are_printed_from_githubs_answers",
            "a warning ahead of expiry: the new token is made on github.com",
        ),
    ),
    (
        "sso",
        Driven(
            "doctor_fixes::the_fixes_that_need_github_com_are_printed_from_githubs_answers",
            "SSO authorization happens on github.com",
        ),
    ),
    (
        "account",
        Applied("doctor_fixes::a_token_of_another_account_is_recorded_by_the_init_the_fix_names"),
    ),
    (
        "rate_limit",
        Driven(
            "doctor_fixes::the_fixes_that_need_github_com_are_printed_from_githubs_answers",
            "waiting for GitHub's reset",
        ),
    ),
    (
        "probe",
        Driven(
            "doctor_fixes::operations_that_cannot_be_tried_get_the_probes_own_hint",
            "the error's own hint (here: wait for GitHub to recover)",
        ),
    ),
    (
        "app_schema",
        Applied("probe::check_probe_and_doctor_include_the_probe"),
    ),
    (
        "probe",
        Driven(
            "doctor_fixes::a_lesson_the_token_cannot_do_is_sent_to_the_probe_the_fix_names",
            "`ghenv probe` names the scope to add on github.com (the test runs it and sees that)",
        ),
    ),
    (
        "probe",
        Driven(
            "doctor_fixes::answers_the_probe_cannot_read_are_said_and_the_fix_names_probe",
            "a misbehaving server: the fix sends the user to `ghenv probe`, which the test runs",
        ),
    ),
    (
        "env_mode",
        Applied("doctor_fixes::a_shared_env_file_is_made_private_by_the_command_printed"),
    ),
    (
        "env_tracked",
        Applied("recovery::a_tracked_env_file_with_a_placeholder_is_untracked_not_revoked"),
    ),
    (
        "env_tracked",
        Applied(
            "doctor_fixes::a_committed_env_file_is_untracked_as_printed_and_its_history_then_named",
        ),
    ),
    (
        "env_ignored",
        Applied(
            "doctor_fixes::an_env_file_only_your_exclude_ignores_gets_its_gitignore_entry_from_init",
        ),
    ),
    (
        "env_ignored",
        Applied("doctor_fixes::a_missing_gitignore_entry_is_added_by_the_init_doctor_names"),
    ),
    (
        "env_history",
        Driven(
            "doctor_fixes::a_committed_env_file_is_untracked_as_printed_and_its_history_then_named",
            "revoke at github.com, then rotate: history cannot be unwritten",
        ),
    ),
    (
        "local_ignored",
        Applied("doctor_fixes::a_missing_gitignore_entry_is_added_by_the_init_doctor_names"),
    ),
    (
        "keys_in_tree",
        Applied(
            "doctor_fixes::a_private_key_in_the_project_is_moved_out_and_replaced_as_the_fix_says",
        ),
    ),
    (
        "secret_matches_env",
        Applied(
            "recovery::a_stale_checkout_never_reseals_its_old_token_and_doctors_fix_brings_the_new_one",
        ),
    ),
    (
        "recipients_intact",
        Driven(
            "doctor_fixes::a_recipient_a_push_added_is_listed_and_allowed_as_the_fix_says",
            "checking a fingerprint with its owner is a person's step (the test then runs list and allow)",
        ),
    ),
    (
        "secret_decrypts",
        Applied(
            "doctor_fixes::a_secret_for_a_key_kept_elsewhere_decrypts_with_the_i_the_fix_names",
        ),
    ),
    (
        "hook",
        Applied(
            "doctor_fixes::a_hook_husky_bypasses_is_moved_into_husky_by_the_install_doctor_names",
        ),
    ),
    (
        "hook",
        Applied("doctor_fixes::husky_without_ghenvs_check_gets_it_from_the_install_doctor_names"),
    ),
    (
        "hook",
        Applied("doctor_fixes::a_hook_pre_commit_would_overwrite_becomes_an_entry_of_its_config"),
    ),
    (
        "hook",
        Applied(
            "doctor_fixes::the_pre_commit_framework_without_ghenv_gets_the_entry_install_prints",
        ),
    ),
    (
        "hook",
        Applied("doctor_fixes::a_hook_core_hooks_path_bypasses_is_installed_where_git_looks"),
    ),
    (
        "hook",
        Applied("doctor_fixes::no_hook_is_fixed_by_the_hook_install_doctor_names"),
    ),
    (
        "client_exposed",
        Applied("doctor_fixes::a_token_in_the_bundle_is_kept_out_by_the_proxy_doctor_names"),
    ),
    (
        "build_output",
        Driven(
            "doctor_fixes::a_build_holding_the_token_is_named_with_the_fix_and_deleting_it_clears_the_check",
            "revoking the token is github.com's (the test deletes build/)",
        ),
    ),
];

/// The check id of each `.fix(` call site in the checks' source, in order:
/// the nearest `CheckId::Name` before it, in snake_case.
fn fix_sites() -> Vec<String> {
    let source = include_str!("../../src/doctor/checks.rs");
    let source = source.split("#[cfg(test)]").next().unwrap();
    let snake = |name: &str| {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    };
    source
        .match_indices(".fix(")
        .map(|(at, _)| {
            let before = &source[..at];
            let id_at = before.rfind("CheckId::").expect("a check before its fix") + 9;
            let name: String = before[id_at..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            snake(&name)
        })
        .collect()
}

#[test]
fn every_fix_doctor_prints_has_a_row() {
    let sites = fix_sites();
    let rows: Vec<&str> = FIXES.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        sites, rows,
        "src/doctor/checks.rs has a fix without a row here (or a row without its fix): add the scenario that applies it"
    );
    // Each scenario named exists.
    let tests: String = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    for (id, how) in FIXES {
        match how {
            Applied(test) => {
                let (_, name) = test.split_once("::").unwrap();
                assert!(
                    tests.contains(&format!("fn {name}()")),
                    "{id}: no test {test}"
                );
            }
            Driven(test, why) => {
                let (_, name) = test.split_once("::").unwrap();
                assert!(
                    tests.contains(&format!("fn {name}()")),
                    "{id}: no test {test}"
                );
                assert!(!why.is_empty(), "{id}: say why");
            }
            TextOnly(why) => assert!(!why.is_empty(), "{id}: say why"),
        }
    }
    let applied = FIXES
        .iter()
        .filter(|(_, h)| matches!(h, Applied(_)))
        .count();
    assert!(
        applied >= 35,
        "{applied} of {} fixes applied in a test",
        FIXES.len()
    );
    // A fix no Rust test produces may ship broken: only the one that only
    // Windows prints, which scripts/wine-smoke.sh (in .ci/run) produces.
    let unproduced: Vec<&str> = FIXES
        .iter()
        .filter(|(_, h)| matches!(h, TextOnly(_)))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(unproduced, ["dev_server"], "fixes no test produces");
}

/// The fix of the not-ok check `id` (the first).
fn fix_of(checks: &[serde_json::Value], id: &str) -> String {
    checks
        .iter()
        .find(|c| c["id"] == id && c["status"] != "ok")
        .and_then(|c| c["fix"].as_str())
        .unwrap_or_else(|| panic!("no failing {id}: {checks:#?}"))
        .to_owned()
}

fn status(checks: &[serde_json::Value], id: &str) -> String {
    checks
        .iter()
        .filter(|c| c["id"] == id)
        .map(|c| c["status"].as_str().unwrap().to_owned())
        .max_by_key(|s| match s.as_str() {
            "fail" => 2,
            "warn" => 1,
            _ => 0,
        })
        .unwrap_or_else(|| panic!("no {id}: {checks:#?}"))
}

/// The first backticked command of `fix`.
fn command(fix: &str) -> String {
    fix.split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no command in {fix}"))
        .to_owned()
}

/// Runs `fix`'s first ghenv command as printed (without the `ghenv`); an
/// `init` that would ask for a token reads `stdin` (off a terminal), and
/// runs offline.
fn apply_ghenv(p: &Project, fix: &str, stdin: &str) {
    let command = command(fix);
    let args: Vec<&str> = command
        .strip_prefix("ghenv ")
        .unwrap_or_else(|| panic!("not a ghenv command: {fix}"))
        .split(' ')
        .collect();
    let mut all = args.clone();
    if args[0] == "init" {
        all.push("--offline");
        if !stdin.is_empty() {
            all.push("--token-stdin");
        }
    }
    p.run(&all, stdin).code(0);
}

fn cra(p: &Project) {
    p.git_init();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"scripts\":{\"start\":\"react-scripts start\"},\"dependencies\":{\"react-scripts\":\"*\"}}\n",
    );
}

#[test]
fn a_fresh_app_folder_is_set_up_by_the_init_doctor_names() {
    let p = Project::new();
    cra(&p);
    let checks = doctor_json(&p, &["--offline"]);
    let config = fix_of(&checks, "config");
    let location = fix_of(&checks, "env_location");
    assert_eq!(command(&config), "ghenv init");
    assert_eq!(command(&location), "ghenv init");
    apply_ghenv(&p, &location, &classic());
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "config"), "ok");
    assert_eq!(status(&checks, "env_location"), "ok");
}

#[test]
fn no_token_is_fixed_by_the_init_doctor_names() {
    let p = Project::new();
    cra(&p);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let url = fake.url();
    let online = ["--no-probe", "--endpoint", url.as_str()];
    let fix = fix_of(&doctor_json(&p, &online), "token");
    apply_ghenv(&p, &fix, &classic());
    assert_eq!(status(&doctor_json(&p, &online), "token"), "ok");
}

#[test]
fn a_stray_env_file_is_moved_where_the_dev_server_reads_it() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    std::fs::create_dir_all(p.file("src")).unwrap();
    std::fs::rename(p.file(".env"), p.file("src/.env")).unwrap();
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "env_location");
    let mv: Vec<&str> = fix.split(' ').collect();
    assert_eq!(mv.len(), 3, "{fix}");
    assert_eq!(mv[0], "mv", "{fix}");
    // As a shell in the project folder would (the paths may be relative).
    std::fs::rename(p.path().join(mv[1]), p.path().join(mv[2])).unwrap();
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "env_location"), "ok");
}

#[test]
fn a_shadowing_env_local_line_is_removed_as_the_fix_says() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let other = token_with("ghp_", 98);
    p.write(
        ".env.local",
        &format!("PORT=3001\nREACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={other}\n"),
    );
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "shadowed");
    assert_eq!(
        fix,
        "remove the REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN line from .env.local"
    );
    p.write(".env.local", "PORT=3001\n");
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "shadowed"), "ok");
    assert_eq!(status(&checks, "second_token"), "ok");
}

#[test]
fn a_shared_env_file_is_made_private_by_the_command_printed() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    std::fs::set_permissions(p.file(".env"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "env_mode");
    let out = std::process::Command::new("sh")
        .args(["-c", &fix])
        .current_dir(p.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{fix}: {out:?}");
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "env_mode"), "ok");
}

#[test]
fn a_missing_gitignore_entry_is_added_by_the_init_doctor_names() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    p.write(".gitignore", "node_modules/\n");
    let checks = doctor_json(&p, &["--offline"]);
    let ignored = fix_of(&checks, "env_ignored");
    let local = fix_of(&checks, "local_ignored");
    assert_eq!(command(&ignored), "ghenv init");
    assert_eq!(command(&local), "ghenv init");
    p.run(&["init", "--offline"], "").code(0);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "env_ignored"), "ok");
    assert_eq!(status(&checks, "local_ignored"), "ok");
    assert!(p.read(".gitignore").starts_with("node_modules/\n"));
}

#[test]
fn no_hook_is_fixed_by_the_hook_install_doctor_names() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "hook");
    apply_ghenv(&p, &fix, "");
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "hook"), "ok");
}

#[test]
fn a_token_in_the_bundle_is_kept_out_by_the_proxy_doctor_names() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "client_exposed");
    assert!(fix.ends_with("`ghenv proxy -- npm start`"), "{fix}");
    apply_ghenv(&p, &fix, "");
    let checks = doctor_json(&p, &["--offline"]);
    assert!(
        !checks.iter().any(|c| c["id"] == "client_exposed"),
        "{checks:#?}"
    );
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
}

#[test]
fn a_token_one_folder_above_the_app_is_set_up_where_the_fix_says() {
    let p = Project::new();
    p.git_init();
    std::fs::create_dir_all(p.file("web")).unwrap();
    p.write(
        "web/package.json",
        "{\"name\":\"web\",\"scripts\":{\"dev\":\"vite\"},\"devDependencies\":{\"vite\":\"*\"}}\n",
    );
    let token = classic();
    // Set up at the repository's root, where Vite never reads .env.
    p.run(
        &[
            "init",
            "-C",
            ".",
            "-t",
            "vite",
            "--offline",
            "--token-stdin",
        ],
        &token,
    )
    .code(0);
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "env_location");
    assert!(command(&fix).starts_with("ghenv init -C "), "{fix}");
    apply_ghenv(&p, &fix, &token);
    let checks = doctor_json(&p, &["--offline", "-C", "web"]);
    assert_eq!(status(&checks, "env_location"), "ok");
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
}

/// The fixes no test applies still name only commands that exist: every
/// backticked `ghenv …` of the checks' source, with its flags, is one
/// ghenv accepts (`--help` on the same words answers 0, flags checked
/// against that help).
#[test]
fn every_ghenv_command_a_fix_names_exists_with_its_flags() {
    let source = include_str!("../../src/doctor/checks.rs");
    let source = source.split("#[cfg(test)]").next().unwrap();
    let p = Project::new();
    let mut seen = std::collections::BTreeSet::new();
    for span in source.split('`').skip(1).step_by(2) {
        let Some(rest) = span.strip_prefix("ghenv ") else {
            continue;
        };
        let words: Vec<&str> = rest.split(' ').take_while(|w| *w != "--").collect();
        let sub: Vec<&str> = words
            .iter()
            .copied()
            .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            .collect();
        if !seen.insert(words.join(" ")) {
            continue;
        }
        let mut args = sub.clone();
        args.push("--help");
        let out = p.run(&args, "");
        out.code(0);
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(out.stdout.contains(flag), "`ghenv {rest}`: {flag} unknown");
        }
    }
    assert!(seen.len() >= 10, "{seen:?}");
}

/// No check `id` short of ok (some checks are there only when they fail).
fn clear(checks: &[serde_json::Value], id: &str) -> bool {
    checks.iter().all(|c| c["id"] != id || c["status"] == "ok")
}

/// `git commit -a` as whoever `name` is, without the hooks.
fn commit_all(p: &Project, name: &str, message: &str) {
    let out = p.git(&[
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        &format!("user.name={name}"),
        "commit",
        "-q",
        "-a",
        "-m",
        message,
    ]);
    assert!(out.status.success(), "{out:?}");
}

/// A Create React App project set up by init and committed (config.toml,
/// .gitignore, .env.example, package.json).
fn committed_cra(p: &Project, init: &[&str]) -> String {
    cra(p);
    let token = classic();
    let mut args = vec!["init", "--offline", "--token-stdin"];
    args.extend_from_slice(init);
    p.run(&args, &token).code(0);
    p.git(&["add", "."]);
    commit_all(p, "T", "set up ghenv");
    token
}

#[test]
fn a_teammates_change_to_config_toml_is_accepted_by_the_allow_doctor_names() {
    let p = Project::new();
    committed_cra(&p, &[]);
    // A teammate renames the token variable and pushes; this clone pulls.
    p.set_config_line("token_var", "token_var = \"REACT_APP_GH_TOKEN\"");
    commit_all(&p, "Teammate", "rename the token variable");
    let checks = doctor_json(&p, &["--offline"]);
    let fix = fix_of(&checks, "accepted");
    assert_eq!(
        fix,
        "read the change (`git log -p config.toml`), then `ghenv allow`"
    );
    // As printed: the change first (git shows who and what) ...
    let log = p.git(&["log", "-p", "config.toml"]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(
        log.contains("Teammate") && log.contains("+token_var = \"REACT_APP_GH_TOKEN\""),
        "{log}"
    );
    // ... then the command.
    let allow = fix.split('`').nth(3).unwrap();
    assert_eq!(allow, "ghenv allow");
    p.run(&["allow"], "").code(0);
    let checks = doctor_json(&p, &["--offline"]);
    assert!(clear(&checks, "accepted"), "{checks:#?}");
    // Nothing else fails for it.
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
}

#[test]
fn an_env_file_a_teammate_moved_out_of_the_project_is_put_back_as_the_fix_says() {
    let p = Project::new();
    committed_cra(&p, &[]);
    p.set_config_line("file", "file = \"../other/.env\"");
    commit_all(&p, "Teammate", "share the env file");
    let checks = doctor_json(&p, &["--offline"]);
    let fix = fix_of(&checks, "env_file");
    assert_eq!(
        fix,
        "put back `file = \".env\"` under [env] in config.toml, or ask who changed it (`git log -p config.toml`)"
    );
    let log = p.git(&["log", "-p", "config.toml"]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("Teammate"), "{log}");
    // The line exactly as printed, under [env].
    let line = fix.split('`').nth(1).unwrap();
    p.set_config_line("file", line);
    assert!(p.read("config.toml").contains("[env]\nfile = \".env\"\n"));
    let checks = doctor_json(&p, &["--offline"]);
    assert!(clear(&checks, "env_file"), "{checks:#?}");
    assert_eq!(status(&checks, "env_location"), "ok");
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
}

#[test]
fn doctor_far_above_the_app_is_pointed_at_its_folder() {
    let p = Project::new();
    p.git_init();
    std::fs::create_dir_all(p.file("apps/web")).unwrap();
    p.write(
        "apps/web/package.json",
        "{\"name\":\"web\",\"scripts\":{\"dev\":\"vite\"},\"devDependencies\":{\"vite\":\"*\"}}\n",
    );
    p.run(
        &["init", "-C", "apps/web", "--offline", "--token-stdin"],
        &classic(),
    )
    .code(0);
    let checks = doctor_json(&p, &["--offline"]);
    let fix = fix_of(&checks, "framework");
    assert_eq!(fix, "run doctor in the app's folder (-C DIR)");
    let checks = doctor_json(&p, &["--offline", "-C", "apps/web"]);
    assert_eq!(status(&checks, "framework"), "ok");
    assert_eq!(status(&checks, "env_location"), "ok");
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
}

#[test]
fn a_fresh_clone_with_only_the_secret_is_unlocked_as_the_fix_says() {
    let p = Project::new();
    let token = committed_cra(&p, &["--encrypt"]);
    // A fresh clone: config.toml holds [secret], there is no .env.
    std::fs::remove_file(p.file(".env")).unwrap();
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "env_location");
    assert_eq!(
        fix,
        "`ghenv unlock` writes it (or start the app with `ghenv run -- npm start`)"
    );
    apply_ghenv(&p, &fix, "");
    assert_eq!(p.env_token(), token);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "env_location"), "ok");
    assert_eq!(status(&checks, "secret_matches_env"), "ok");
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
}

#[test]
fn an_env_file_only_your_exclude_ignores_gets_its_gitignore_entry_from_init() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    p.write(".gitignore", "node_modules/\n");
    p.write(
        ".git/info/exclude",
        ".env\n.env.local\n.env.development.local\n",
    );
    let checks = doctor_json(&p, &["--offline"]);
    let c = checks.iter().find(|c| c["id"] == "env_ignored").unwrap();
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("only your own exclude"),
        "{c}"
    );
    let fix = fix_of(&checks, "env_ignored");
    assert_eq!(fix, "run `ghenv init`, which adds it to .gitignore");
    apply_ghenv(&p, &fix, "");
    // Ignored for every clone now, not only this one.
    p.write(".git/info/exclude", "");
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "env_ignored"), "ok");
    assert_eq!(status(&checks, "local_ignored"), "ok");
}

#[test]
fn a_private_key_in_the_project_is_moved_out_and_replaced_as_the_fix_says() {
    let p = Project::new();
    cra(&p);
    // The team's key, kept in the project folder by mistake.
    let (key, old) = p.keygen("team.txt");
    std::fs::rename(&key, p.file("team-key.txt")).unwrap();
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "--encrypt",
            "-r",
            &old,
        ],
        &token,
    )
    .code(0);
    let checks = doctor_json(&p, &["--offline", "-i", "team-key.txt"]);
    let fix = fix_of(&checks, "keys_in_tree");
    assert_eq!(
        fix,
        "move the key out of the project and replace it (`ghenv keygen`, `ghenv recipients`)"
    );
    // Out of the project ...
    let moved = p.home.path().join("old-team-key.txt");
    std::fs::rename(p.file("team-key.txt"), &moved).unwrap();
    // ... and replaced: a new key, the token sealed to it, the old one
    // (which may have been copied) no longer a recipient.
    let new = p.run(&["keygen"], "");
    new.code(0);
    let new = new.stdout.trim().to_owned();
    assert!(new.starts_with("age1"), "{new}");
    p.run(
        &["recipients", "add", &new, "-i", moved.to_str().unwrap()],
        "",
    )
    .code(0);
    p.run(&["recipients", "remove", &old], "").code(0);
    assert_eq!(p.recipients(), vec![new]);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "keys_in_tree"), "ok");
    assert_eq!(status(&checks, "secret_decrypts"), "ok");
    assert_eq!(status(&checks, "secret_matches_env"), "ok");
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{checks:#?}");
    p.unlock(&[]).code(0);
    assert_eq!(p.env_token(), token);
}

/// A set-up app whose hooks are run by husky 9 (`core.hooksPath` is
/// `.husky/_`, as `husky init` leaves it), with ghenv's hook installed in
/// .git/hooks first when `hook_first`.
fn under_husky(p: &Project, hook_first: bool) {
    cra(p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    if hook_first {
        p.run(&["hook", "install"], "").code(0);
    }
    std::fs::create_dir_all(p.file(".husky/_")).unwrap();
    p.write(".husky/pre-commit", "npm test\n");
    p.git(&["config", "core.hooksPath", ".husky/_"]);
}

#[test]
fn a_hook_husky_bypasses_is_moved_into_husky_by_the_install_doctor_names() {
    let p = Project::new();
    under_husky(&p, true);
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "hook");
    assert_eq!(
        fix,
        "`ghenv hook install` (it adds the check to .husky/pre-commit)"
    );
    apply_ghenv(&p, &fix, "");
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "hook"), "ok");
    let script = p.read(".husky/pre-commit");
    assert!(script.contains("ghenv scan --staged"), "{script}");
    assert!(
        script.contains("npm test"),
        "the user's own line stays: {script}"
    );
}

#[test]
fn husky_without_ghenvs_check_gets_it_from_the_install_doctor_names() {
    let p = Project::new();
    under_husky(&p, false);
    let checks = doctor_json(&p, &["--offline"]);
    let c = checks.iter().find(|c| c["id"] == "hook").unwrap();
    assert!(c["message"].as_str().unwrap().contains("(husky)"), "{c}");
    let fix = fix_of(&checks, "hook");
    assert_eq!(fix, "`ghenv hook install`");
    apply_ghenv(&p, &fix, "");
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "hook"), "ok");
}

#[test]
fn a_hook_core_hooks_path_bypasses_is_installed_where_git_looks() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    p.run(&["hook", "install"], "").code(0);
    // The user's own hooks folder, set after ghenv's hook went in.
    p.git(&["config", "core.hooksPath", ".githooks"]);
    let checks = doctor_json(&p, &["--offline"]);
    let c = checks.iter().find(|c| c["id"] == "hook").unwrap();
    assert!(
        c["message"].as_str().unwrap().contains("core.hooksPath"),
        "{c}"
    );
    let fix = fix_of(&checks, "hook");
    assert_eq!(fix, "`ghenv hook install`");
    apply_ghenv(&p, &fix, "");
    assert!(p.read(".githooks/pre-commit").contains("ghenv"));
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "hook"), "ok");
    // And git runs it: a commit adding a token is refused.
    p.write("leak.txt", &format!("T={}\n", token_with("ghp_", 7)));
    p.git(&["add", "leak.txt"]);
    let out = p.git(&["commit", "-q", "-m", "leak"]);
    assert!(!out.status.success(), "{out:?}");
}

/// The pre-commit framework's config, with one entry of the user's.
const PRE_COMMIT_CONFIG: &str = "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: trailing-whitespace\n";

/// Follows "add the ghenv-scan hook to .pre-commit-config.yaml (`ghenv
/// hook install` prints it)": runs the command, takes the block it prints
/// and adds it at the end of the `repos:` list, as a user pasting it would.
fn add_printed_pre_commit_entry(p: &Project, fix: &str) {
    assert_eq!(
        fix,
        "add the ghenv-scan hook to .pre-commit-config.yaml (`ghenv hook install` prints it)"
    );
    let out = p.run(&["hook", "install"], "");
    out.code(7);
    let block: Vec<&str> = out
        .stderr
        .lines()
        .skip_while(|l| !l.contains("- repo: local"))
        .collect();
    assert!(block.len() >= 6, "{out}");
    // An entry of `repos:` as the user's are: the same indentation, or
    // the pasted block would not be YAML (or not the list's).
    assert!(block[0].starts_with("  - repo: local"), "{out}");
    assert!(block.iter().skip(1).all(|l| l.starts_with("    ")), "{out}");
    let config = format!(
        "{}{}\n",
        p.read(".pre-commit-config.yaml"),
        block.join("\n")
    );
    p.write(".pre-commit-config.yaml", &config);
}

#[test]
fn a_hook_pre_commit_would_overwrite_becomes_an_entry_of_its_config() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    p.run(&["hook", "install"], "").code(0);
    p.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "hook"), "fail");
    add_printed_pre_commit_entry(&p, &fix_of(&checks, "hook"));
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "hook"), "ok");
}

#[test]
fn the_pre_commit_framework_without_ghenv_gets_the_entry_install_prints() {
    let p = Project::new();
    cra(&p);
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    p.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG);
    let checks = doctor_json(&p, &["--offline"]);
    assert_eq!(status(&checks, "hook"), "warn");
    add_printed_pre_commit_entry(&p, &fix_of(&checks, "hook"));
    assert_eq!(status(&doctor_json(&p, &["--offline"]), "hook"), "ok");
}

/// `doctor --no-probe --endpoint URL` against `fake`.
fn online(p: &Project, fake: &FakeGitHub) -> Vec<serde_json::Value> {
    let url = fake.url();
    doctor_json(p, &["--no-probe", "--endpoint", &url])
}

#[test]
fn an_endpoint_config_toml_names_is_trusted_by_the_allow_the_fix_names() {
    let p = Project::new();
    committed_cra(&p, &[]);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    // The course's own GitHub (here the look-alike), named in config.toml.
    p.set_config_line("endpoint", &format!("endpoint = \"{}\"", fake.url()));
    commit_all(&p, "Teacher", "the course's GitHub");
    let checks = doctor_json(&p, &["--no-probe"]);
    let fix = fix_of(&checks, "token");
    assert!(
        fix.contains("If you trust ")
            && fix.contains("`ghenv allow` shows what config.toml asks for"),
        "{fix}"
    );
    assert!(fake.requests().is_empty(), "no token sent before the trust");
    p.run(&["allow"], "").code(0);
    let checks = doctor_json(&p, &["--no-probe"]);
    assert_eq!(status(&checks, "token"), "ok", "{checks:#?}");
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_token_of_another_account_is_recorded_by_the_init_the_fix_names() {
    let p = Project::new();
    committed_cra(&p, &[]);
    let config = p
        .read("config.toml")
        .replace("[github]\n", "[github]\nlogin = \"octocat\"\n");
    p.write("config.toml", &config);
    let fake = FakeGitHub::start(vec![Reply::ok("someone-else", COURSE_SCOPES); 4]).at_most();
    let fix = fix_of(&online(&p, &fake), "account");
    assert_eq!(
        fix,
        "use a token of the account the project expects, or run `ghenv init` to record this one"
    );
    // `ghenv init` as printed, online (it records who the token is).
    assert_eq!(command(&fix), "ghenv init");
    p.run(&["init", "--endpoint", &fake.url()], "").code(0);
    assert!(p.read("config.toml").contains("login = \"someone-else\""));
    let checks = online(&p, &fake);
    assert!(clear(&checks, "account"), "{checks:#?}");
    assert_eq!(status(&checks, "token"), "ok");
}

#[test]
fn a_secret_for_a_key_kept_elsewhere_decrypts_with_the_i_the_fix_names() {
    let p = Project::new();
    cra(&p);
    // The course's key, not at the default place.
    let (key, public) = p.keygen("course.txt");
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "--encrypt",
            "-r",
            &public,
        ],
        &token,
    )
    .code(0);
    let checks = doctor_json(&p, &["--offline"]);
    let fix = fix_of(&checks, "secret_decrypts");
    assert_eq!(
        fix,
        "pass -i KEY, or ask a teammate to `ghenv recipients add` your key"
    );
    let key = key.to_str().unwrap();
    let checks = doctor_json(&p, &["--offline", "-i", key]);
    assert_eq!(status(&checks, "secret_decrypts"), "ok");
    assert_eq!(status(&checks, "secret_matches_env"), "ok");
}

#[test]
fn a_committed_env_file_is_untracked_as_printed_and_its_history_then_named() {
    let p = Project::new();
    let token = committed_cra(&p, &[]);
    p.git(&["add", "-f", ".env"]);
    commit_all(&p, "T", "oops");
    let checks = doctor_json(&p, &["--offline"]);
    let fix = fix_of(&checks, "env_tracked");
    assert!(
        fix.starts_with("stop tracking it first: `git -C . rm --cached .env` and commit (and if a token was ever committed, revoke it at https://github.com/settings/tokens)"),
        "{fix}"
    );
    let untrack = command(&fix);
    let args: Vec<&str> = untrack.strip_prefix("git ").unwrap().split(' ').collect();
    assert!(p.git(&args).status.success());
    commit_all(&p, "T", "untrack .env");
    let checks = doctor_json(&p, &["--offline"]);
    assert!(clear(&checks, "env_tracked"), "{checks:#?}");
    assert_eq!(status(&checks, "env_ignored"), "ok");
    // What cannot be unwritten is named next, with GitHub's step.
    let fix = fix_of(&checks, "env_history");
    assert_eq!(
        fix,
        "revoke the token at https://github.com/settings/tokens, then `ghenv rotate`"
    );
    assert!(p.exists(".env") && p.read(".env").contains(&token));
}

#[test]
fn a_build_holding_the_token_is_named_with_the_fix_and_deleting_it_clears_the_check() {
    let p = Project::new();
    let token = committed_cra(&p, &[]);
    std::fs::create_dir_all(p.file("build/static/js")).unwrap();
    p.write("build/static/js/main.js", &format!("var t=\"{token}\";"));
    let fix = fix_of(&doctor_json(&p, &["--offline"]), "build_output");
    assert_eq!(
        fix,
        "delete build/, never deploy it, and revoke the token at https://github.com/settings/tokens"
    );
    // The local half; revoking is GitHub's.
    std::fs::remove_dir_all(p.file("build")).unwrap();
    assert_eq!(
        status(&doctor_json(&p, &["--offline"]), "build_output"),
        "ok"
    );
}

#[test]
fn a_recipient_a_push_added_is_listed_and_allowed_as_the_fix_says() {
    let p = Project::new();
    cra(&p);
    let (key, public) = p.keygen("me.txt");
    let (_, teammate) = p.keygen("teammate.txt");
    let key = key.to_str().unwrap();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "--encrypt",
            "-r",
            &public,
        ],
        &classic(),
    )
    .code(0);
    // A pushed config.toml with a recipient this machine never accepted.
    let config = p.read("config.toml").replace(
        &format!("    \"{public}\",\n"),
        &format!("    \"{public}\",\n    \"{teammate}\",\n"),
    );
    assert_ne!(config, p.read("config.toml"));
    p.write("config.toml", &config);
    let checks = doctor_json(&p, &["--offline", "-i", key]);
    let fix = fix_of(&checks, "recipients_intact");
    assert_eq!(
        fix,
        "`ghenv recipients list` shows them; check each fingerprint with its owner, then `ghenv allow`, or remove the ones you do not know"
    );
    let list = p.run(&["recipients", "list"], "");
    list.code(0).stdout_has(&[&teammate]);
    // The owner confirmed it (a person's step), then:
    p.run(&["allow", "-i", key], "").code(0);
    let checks = doctor_json(&p, &["--offline", "-i", key]);
    assert_eq!(status(&checks, "recipients_intact"), "ok");
}

/// The token group's fixes that name github.com, printed as written
/// against the look-alike's answers (GitHub's headers).
#[test]
fn the_fixes_that_need_github_com_are_printed_from_githubs_answers() {
    let p = Project::new();
    committed_cra(&p, &[]);
    let header_time = |hours: i64| {
        jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_hours(hours))
            .unwrap()
            .strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_string()
    };
    // Rejected.
    let fake = FakeGitHub::start(vec![Reply::bad_credentials()]);
    let fix = fix_of(&online(&p, &fake), "token");
    assert!(fix.contains("`ghenv rotate`"), "{fix}");
    // Scopes missing.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo, read:user")]);
    let fix = fix_of(&online(&p, &fake), "scopes");
    assert!(
        fix.starts_with("create a token with every required scope: http")
            && fix.contains("scopes="),
        "{fix}"
    );
    // Expired, and about to.
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES)
            .header("github-authentication-token-expiration", &header_time(-48)),
    ]);
    let fix = fix_of(&online(&p, &fake), "expiry");
    assert!(
        fix.starts_with(
            "create a new one with the same scopes, then give it to `ghenv rotate`: http"
        ),
        "{fix}"
    );
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES)
            .header("github-authentication-token-expiration", &header_time(48)),
    ]);
    let fix = fix_of(&online(&p, &fake), "expiry");
    assert!(
        fix.starts_with("create a new one soon, then `ghenv rotate`: http"),
        "{fix}"
    );
    // SSO, and few points left.
    let mut reply = Reply::ok("octocat", COURSE_SCOPES).header(
        "X-GitHub-SSO",
        "partial-results; organizations=21955855,20582480",
    );
    reply.body = String::from_utf8(reply.body)
        .unwrap()
        .replace("\"remaining\":4999", "\"remaining\":12")
        .into_bytes();
    let fake = FakeGitHub::start(vec![reply]);
    let checks = online(&p, &fake);
    assert_eq!(
        fix_of(&checks, "sso"),
        "authorize the token for SSO on its page at https://github.com/settings/tokens"
    );
    assert_eq!(
        fix_of(&checks, "rate_limit"),
        "wait for the reset, or make fewer requests"
    );
}

#[test]
fn a_lesson_the_token_cannot_do_is_sent_to_the_probe_the_fix_names() {
    use crate::lookalike::{LookAlike, Profile};
    let p = crate::probe::course_project(&classic());
    let fake = LookAlike::start(Profile::Classic("public_repo, read:org, read:user"));
    let url = fake.url();
    let checks = doctor_json(&p, &["--endpoint", &url]);
    let fix = fix_of(&checks, "probe");
    assert_eq!(fix, "`ghenv probe` shows each lesson with what to change");
    // What it shows names the scope to tick on github.com.
    p.run(&["probe", "--endpoint", &url], "")
        .code(4)
        .stdout_has(&[
            "update_subscription",
            "the token lacks the scope notifications",
        ]);
}

#[test]
fn operations_that_cannot_be_tried_get_the_probes_own_hint() {
    let p = crate::probe::course_project(&classic());
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::bad_gateway(),
        Reply::bad_gateway(),
        Reply::bad_gateway(),
    ])
    .at_most();
    let url = fake.url();
    // The token passes; GitHub fails the operations' requests.
    let checks = doctor_json(&p, &["--endpoint", &url]);
    assert_eq!(status(&checks, "token"), "ok");
    let c = checks.iter().find(|c| c["id"] == "probe").unwrap();
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .starts_with("the operations could not be tried: GitHub answered 502"),
        "{c}"
    );
    assert!(
        fix_of(&checks, "probe").starts_with("try again in a few minutes (GitHub's status: "),
        "{c}"
    );
}

#[test]
fn answers_the_probe_cannot_read_are_said_and_the_fix_names_probe() {
    let p = crate::probe::course_project(&classic());
    let empty = || Reply::json(200, "OK", r#"{"data":{}}"#);
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        empty(),
        empty(),
        empty(),
        empty(),
    ])
    .at_most();
    let url = fake.url();
    // The token passes; GitHub's answers to the operations say nothing.
    let checks = doctor_json(&p, &["--endpoint", &url]);
    let c = checks.iter().find(|c| c["id"] == "probe").unwrap();
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("could not be read as yes or no"),
        "{c}"
    );
    assert_eq!(fix_of(&checks, "probe"), "`ghenv probe` shows which");
    // The fix as printed: probe shows which, marked "?".
    let fake = FakeGitHub::start(vec![empty(), empty(), empty(), empty()]).at_most();
    let url = fake.url();
    p.run(&["probe", "--endpoint", &url], "")
        .stdout_has(&["? "]);
}
