//! A new user's walkthrough: each hint ghenv printed on the way is applied
//! as printed (under npm as `npx ghenv …`), and the next command works.

use crate::common::*;
use crate::interactive::on_terminal_answering;

/// The backticked command of `stderr` that contains `part`.
fn command_with<'a>(stderr: &'a str, part: &str) -> &'a str {
    stderr
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|c| c.contains(part))
        .unwrap_or_else(|| panic!("no `…{part}…` in:\n{stderr}"))
}

#[test]
fn no_token_off_a_terminal_names_the_commands_own_flag_and_that_works() {
    let p = Project::new();
    let token = classic();
    // init, no token, no terminal: the fix is not `ghenv init` again.
    let out = p.run(&["init", "--offline"], "");
    out.code(2);
    assert!(!out.stderr.contains("run `ghenv init`"), "{out}");
    let fix = command_with(&out.stderr, "--token-stdin");
    assert_eq!(fix, "gh auth token | ghenv init --token-stdin", "{out}");
    // Applied (the token stands in for gh's output).
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    // rotate names rotate's own flags, never init's.
    let out = p.run(&["rotate"], "");
    out.code(2)
        .stderr_has(&["`ghenv rotate --from-gh`", "`ghenv rotate --web`"]);
    assert!(!out.stderr.contains("ghenv init"), "{out}");
    assert_eq!(
        command_with(&out.stderr, "--token-stdin"),
        "gh auth token | ghenv rotate --token-stdin"
    );
    // Under npm, each ghenv of the pipe is as the user types it.
    let mut cmd = p.cmd(&["rotate"]);
    cmd.env("GHENV_LAUNCHER", "npm");
    let out = p.run_with(cmd, b"");
    out.stderr_has(&["`gh auth token | npx ghenv rotate --token-stdin`"]);
    let new = token_with("ghp_", 901);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(
        &["rotate", "--token-stdin", "--endpoint", &fake.url()],
        &new,
    )
    .code(0)
    .never_shows(&new);
    assert_eq!(p.env_token(), new);
}

#[test]
fn an_empty_paste_at_the_prompt_is_asked_again_and_never_lists_nothing() {
    let p = Project::new();
    let token = classic();
    let prompt = "GitHub token (input hidden):";
    let (code, text) = on_terminal_answering(
        &p,
        &["init", "--offline"],
        &[],
        &[(prompt, ""), (prompt, &token)],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("nothing was pasted; paste the token (2 of 3)"),
        "{text}"
    );
    assert!(!text.contains("looked at: )"), "{text}");
    assert_eq!(p.env_token(), token);
    // Three empty answers end in a reason, not an empty list.
    let q = Project::new();
    let (code, text) = on_terminal_answering(
        &q,
        &["init", "--offline"],
        &[],
        &[(prompt, ""), (prompt, ""), (prompt, "")],
    );
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("the token is empty"), "{text}");
    assert!(!text.contains("looked at: )"), "{text}");
}

#[test]
fn a_rejected_oauth_token_names_rotate_web_and_its_revoke_page_is_applications() {
    use crate::device_flow::{device_code, granted, init_web};
    let p = Project::new();
    let old = token_with("gho_", 902);
    let fake = FakeGitHub::start(vec![
        device_code(),
        granted(&old),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    init_web(&p, &fake, &["--client-id", "Iv1.course0123", "--no-probe"]).code(0);
    // GitHub rejects it: the fix is the browser again, not a classic token.
    let fake = FakeGitHub::start(vec![Reply::bad_credentials()]);
    let out = p.run(&["check", "--endpoint", &fake.url()], "");
    out.code(3).never_shows(&old);
    assert!(!out.stderr.contains("settings/tokens"), "{out}");
    let fix = command_with(&out.stderr, "rotate");
    assert_eq!(fix, "ghenv rotate --web", "{out}");
    // Applied as printed (the look-alike is GitHub's web and API).
    let new = token_with("gho_", 903);
    let fake = FakeGitHub::start(vec![
        device_code(),
        granted(&new),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let url = fake.url();
    let mut cmd = p.cmd(&["rotate", "--web", "--endpoint", &url]);
    cmd.env("GHENV_WEB_URL", fake.base())
        .env("GHENV_TEST_DEVICE_INTERVAL_MS", "0");
    let out = p.run_with(cmd, b"");
    out.code(0).never_shows(&new);
    out.stderr_has(&["revoke the old token at https://github.com/settings/applications"]);
    assert!(!out.stderr.contains("settings/tokens"), "{out}");
    assert_eq!(p.env_token(), new);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(&["check", "--endpoint", &fake.url()], "").code(0);
}

#[test]
fn web_with_an_unreachable_device_host_names_ghenv_web_url_not_offline() {
    use crate::device_flow::{device_code, granted};
    let p = Project::new();
    // --offline cannot work with --web: a usage error.
    let out = p.run(&["init", "--web", "--offline", "--client-id", "Iv1.c"], "");
    out.code(2).stderr_has(&["--offline", "--web"]);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let url = fake.url();
    let web = refused_url().trim_end_matches("/graphql").to_owned();
    let mut cmd = p.cmd(&[
        "init",
        "--web",
        "--client-id",
        "Iv1.course0123",
        "--endpoint",
        &url,
    ]);
    cmd.env("GHENV_WEB_URL", &web);
    let out = p.run_with(cmd, b"");
    out.code(5).stderr_has(&["GHENV_WEB_URL", &web]);
    assert!(!out.stderr.contains("--offline"), "{out}");
    assert!(!p.exists(".env"));
    // The first fix: GHENV_WEB_URL pointed at a host that answers.
    let good = FakeGitHub::start(vec![device_code(), granted(&token_with("gho_", 904))]);
    let mut cmd = p.cmd(&[
        "init",
        "--web",
        "--client-id",
        "Iv1.course0123",
        "--endpoint",
        &url,
    ]);
    cmd.env("GHENV_WEB_URL", good.base())
        .env("GHENV_TEST_DEVICE_INTERVAL_MS", "0");
    p.run_with(cmd, b"").code(0);
    // The other: leave out --web and give a token, as printed.
    let q = Project::new();
    let mut cmd = q.cmd(&[
        "init",
        "--web",
        "--client-id",
        "Iv1.course0123",
        "--endpoint",
        &url,
    ]);
    cmd.env("GHENV_WEB_URL", &web);
    let out = q.run_with(cmd, b"");
    assert_eq!(
        command_with(&out.stderr, "--token-stdin"),
        "gh auth token | ghenv init --token-stdin"
    );
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    q.run(
        &["init", "--token-stdin", "--endpoint", &fake.url()],
        &classic(),
    )
    .code(0);
}

#[test]
fn code_reading_a_vite_variable_in_a_node_template_project_is_fixed_by_init_t_vite() {
    let p = Project::new();
    p.git_init();
    // No vite dependency: init picks the node template.
    p.write(
        "package.json",
        "{\"name\":\"app\",\"private\":true,\"scripts\":{\"dev\":\"node server.js\"}}\n",
    );
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/client.js",
        "export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    );
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let out = p.run(&["doctor", "--offline", "--json"], "");
    let checks = out.json();
    let reads = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "code_reads" && c["status"] == "fail")
        .cloned()
        .unwrap_or_else(|| panic!("{checks:#}"));
    let fix = reads["fix"].as_str().unwrap();
    let command = fix.split('`').nth(1).unwrap_or_default();
    assert_eq!(command, "ghenv init -t vite", "{fix}");
    // Applied as printed (the token is the one in .env), then doctor passes.
    p.run(&["init", "-t", "vite", "--offline"], "").code(0);
    let out = p.run(&["doctor", "--offline", "--json"], "");
    let failing: Vec<_> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .cloned()
        .collect();
    assert!(failing.is_empty(), "{failing:#?}");
    assert!(
        p.read(".env")
            .contains(&format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={token}"))
    );
}

#[test]
fn init_proxy_names_the_apps_own_dev_command() {
    // Vite with only a `dev` script, under pnpm; Create React App's `start`.
    let cases = [
        (
            "{\"name\":\"a\",\"scripts\":{\"dev\":\"vite\"},\"devDependencies\":{\"vite\":\"*\"}}\n",
            Some("pnpm-lock.yaml"),
            "`ghenv proxy -- pnpm dev`",
        ),
        (
            "{\"name\":\"a\",\"scripts\":{\"start\":\"react-scripts start\"},\"dependencies\":{\"react-scripts\":\"*\"}}\n",
            None,
            "`ghenv proxy -- npm start`",
        ),
    ];
    for (package, lock, said) in cases {
        let p = Project::new();
        p.write("package.json", package);
        if let Some(lock) = lock {
            p.write(lock, "lockfileVersion: '9.0'\n");
        }
        let out = p.run(
            &["init", "--offline", "--token-stdin", "--proxy"],
            &classic(),
        );
        out.code(0).stderr_has(&[said]);
    }
    let help = Project::new().run(&["proxy", "--help"], "");
    help.code(0).stdout_has(&["ghenv proxy -- npm run dev"]);
}

#[test]
fn an_expired_token_is_never_called_valid_and_the_new_token_url_fixes_it() {
    let p = Project::new();
    let old = classic();
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={old}\n"),
    );
    let fake = FakeGitHub::start(vec![Reply::ok("student1", COURSE_SCOPES).header(
        "github-authentication-token-expiration",
        "2020-01-01 00:00:00 UTC",
    )]);
    let out = p.run(&["init", "--endpoint", &fake.url()], "");
    out.code(3).stderr_has(&["expired"]).never_shows(&old);
    assert!(!out.stderr.contains("is valid for"), "{out}");
    // The hint's page is the new-token page with the scopes ticked.
    out.stderr_has(&["https://github.com/settings/tokens/new?scopes=repo"]);
    // Off a terminal, the form that takes the token from standard input.
    let fix = command_with(&out.stderr, "--token-stdin");
    assert_eq!(fix, "ghenv rotate --token-stdin", "{out}");
    let new = token_with("ghp_", 905);
    let fake = FakeGitHub::start(vec![Reply::ok("student1", COURSE_SCOPES)]);
    p.run(
        &["rotate", "--token-stdin", "--endpoint", &fake.url()],
        &new,
    )
    .code(0)
    .stderr_has(&["is valid for"]);
    assert_eq!(p.env_token(), new);
}

#[test]
fn doctor_names_a_rejected_token_once() {
    let p = Project::new();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let fake = FakeGitHub::start(vec![Reply::bad_credentials()]);
    let out = p.run(&["doctor", "--endpoint", &fake.url(), "--json"], "");
    let checks = out.json();
    let line = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "token")
        .cloned()
        .unwrap_or_else(|| panic!("{checks:#}"));
    let message = line["message"].as_str().unwrap();
    let masked = &message[message.find("ghp_").expect("the masked token")..][..9];
    assert_eq!(message.matches(masked).count(), 1, "{message}");
    assert!(message.contains("GitHub rejected the token"), "{message}");
}

#[test]
fn a_token_given_as_the_folder_is_not_a_folder_to_create_and_the_note_fits_the_launcher() {
    let p = Project::new();
    let token = classic();
    let mut cmd = p.cmd(&["doctor", "--offline", "-C", &token]);
    cmd.env("GHENV_LAUNCHER", "npm");
    let out = p.run_with(cmd, b"");
    out.code(7).never_shows(&token);
    assert!(!out.stderr.contains("mkdir"), "{out}");
    assert!(!out.stderr.contains("`ps`"), "{out}");
    out.stderr_has(&["not a folder", "--token-stdin"]);
    let pipe = command_with(&out.stderr, "| npx ghenv");
    assert_eq!(
        pipe, "gh auth token | npx ghenv init --token-stdin",
        "{out}"
    );
    // A rotate run names rotate.
    let out = p.run(&["rotate", "-C", &token], "");
    assert_eq!(
        command_with(&out.stderr, "| ghenv"),
        "gh auth token | ghenv rotate --token-stdin",
        "{out}"
    );
    // The note's command, applied.
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    // A real missing folder: the mkdir printed, run as printed, then init.
    let out = p.run(
        &["init", "--offline", "--token-stdin", "--dir", "my app/web"],
        &token,
    );
    out.code(7);
    let mkdir = command_with(&out.stderr, "mkdir");
    assert_eq!(mkdir, "mkdir -p \"my app/web\"", "{out}");
    let made = std::process::Command::new("sh")
        .args(["-c", mkdir])
        .current_dir(p.path())
        .status()
        .unwrap();
    assert!(made.success());
    p.run(
        &["init", "--offline", "--token-stdin", "--dir", "my app/web"],
        &token,
    )
    .code(0);
    // keygen says what the mode means, on every system.
    let out = p.run(
        &[
            "keygen",
            "--output",
            &p.home.path().join("k.txt").display().to_string(),
        ],
        "",
    );
    out.code(0).stderr_has(&["readable only by you"]);
    assert!(!out.stderr.contains("0600"), "{out}");
}
