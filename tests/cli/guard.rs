//! Issue 5: the new-token URL, scan, the pre-commit hook, completions, the
//! man page and the JSON shapes.

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

fn query(url: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

// ------------------------------------------------------------ URL

#[test]
fn scopes_json_gives_the_scopes_their_descriptions_and_the_url() {
    let p = Project::new();
    let out = p.run(&["scopes", "--json"], "");
    out.code(0);
    let j = out.json();
    assert_eq!(j["template"], "react");
    let scopes: Vec<&str> = j["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        [
            "repo",
            "read:org",
            "write:org",
            "notifications",
            "read:user",
            "user:email",
            "user:follow"
        ]
    );
    assert!(
        j["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["description"].is_string())
    );
    let url = j["new_token_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://github.com/settings/tokens/new?"),
        "{url}"
    );
    let folder = p.path().file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(
        query(url),
        vec![
            ("scopes".into(), scopes.join(",")),
            ("description".into(), format!("ghenv: {folder}")),
        ]
    );
    let human = p.run(&["scopes", "--template", "plain"], "");
    assert!(
        human.stdout.contains("read:org")
            && human
                .stdout
                .contains("https://github.com/settings/tokens/new?")
    );
}

#[test]
fn the_url_uses_the_enterprise_host() {
    let p = Project::new();
    let j = p
        .run(&["scopes", "--json", "--host", "ghe.example.com"], "")
        .json();
    assert!(
        j["new_token_url"]
            .as_str()
            .unwrap()
            .starts_with("https://ghe.example.com/settings/tokens/new?")
    );
}

#[test]
fn init_open_opens_the_prefilled_url_in_the_browser() {
    let p = Project::new();
    let bin = p.home.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let record = p.home.path().join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = p.cmd(&["init", "--open", "--template", "plain"]);
    cmd.env(
        "PATH",
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
    );
    // No terminal: after opening the page, ghenv still needs the token.
    p.run_with(cmd, b"")
        .code(2)
        .stderr_has(&["Opened GitHub's new-token page", "no token found"]);
    let url = std::fs::read_to_string(&record).unwrap();
    let q = query(&url);
    assert_eq!(
        q[0],
        ("scopes".to_string(), "repo,read:org,read:user".to_string())
    );
    assert!(q[1].1.starts_with("ghenv: "));
}

#[test]
fn missing_scopes_point_to_the_prefilled_url() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    let out = p.init(&fake, &classic(), &["--json"]);
    out.code(4);
    let url = out.json()["error"]["new_token_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        query(&url)[0].1,
        "repo,read:org,write:org,notifications,read:user,user:email,user:follow"
    );
    out.stderr_has(&[&url]);
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
fn scan_skips_binary_files() {
    let p = Project::new();
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00".to_vec();
    bytes.extend_from_slice(classic().as_bytes());
    std::fs::write(p.file("image.png"), bytes).unwrap();
    let out = p.run(&["scan", ".", "--json"], "");
    out.code(0);
    assert_eq!(out.json()["binary_skipped"], 1);
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

// ------------------------------------------------------------ completions, man, help

#[test]
fn completions_generate_for_every_shell() {
    let p = Project::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = p.run(&["completions", shell], "");
        out.code(0);
        for word in ["init", "unlock", "scan", "token-stdin"] {
            assert!(out.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    p.run(&["completions", "tcsh"], "").code(2);
}

#[test]
fn the_man_page_generates() {
    let p = Project::new();
    let out = p.run(&["man"], "");
    out.code(0);
    assert!(out.stdout.contains(".TH ghenv 1"));
    assert!(out.stdout.contains("init"));
}

#[test]
fn every_command_has_help_with_an_example() {
    let p = Project::new();
    for cmd in [
        vec!["init"],
        vec!["check"],
        vec!["unlock"],
        vec!["run"],
        vec!["rotate"],
        vec!["recipients", "list"],
        vec!["recipients", "add"],
        vec!["recipients", "remove"],
        vec!["keygen"],
        vec!["pubkey"],
        vec!["scopes"],
        vec!["scan"],
        vec!["hook", "install"],
        vec!["hook", "uninstall"],
        vec!["completions"],
        vec!["man"],
        vec!["templates"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let out = p.run(&args, "");
        out.code(0);
        assert!(
            out.stdout.contains("Example"),
            "{cmd:?} --help has no example\n{out}"
        );
    }
}

// ------------------------------------------------------------ JSON shapes

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

#[test]
fn json_shapes_are_the_documented_ones() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    let (key, public) = p.keygen("a.txt");
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let k = key.to_str().unwrap();

    let init = p.init(&fake, &token, &["--json", "-r", &public]).json();
    assert_eq!(
        keys(&init),
        [
            "encrypted",
            "endpoint",
            "expires_at",
            "files",
            "hook",
            "login",
            "name",
            "ok",
            "rate_limit",
            "request_id",
            "scopes",
            "template",
            "token",
            "validated"
        ]
    );
    assert_eq!(keys(&init["token"]), ["masked", "source", "type"]);
    assert_eq!(keys(&init["scopes"]), ["granted", "missing", "required"]);
    assert_eq!(keys(&init["encrypted"]), ["passphrase", "recipients"]);

    let check = p.run(&["check", "--json"], "").json();
    assert_eq!(
        keys(&check),
        [
            "endpoint",
            "expires_at",
            "login",
            "name",
            "ok",
            "rate_limit",
            "request_id",
            "scopes",
            "token",
            "validated"
        ]
    );
    let rotate = p.run(
        &["rotate", "--json", "--token-stdin"],
        &token_with("ghp_", 8),
    );
    assert_eq!(keys(&rotate.json()), keys(&init));

    assert_eq!(
        keys(&p.run(&["unlock", "--json", "-i", k], "").json()),
        ["files", "ok", "token"]
    );
    assert_eq!(
        keys(&p.run(&["recipients", "list", "--json"], "").json()),
        ["passphrase", "recipients"]
    );
    let (_, other) = p.keygen("b.txt");
    assert_eq!(
        keys(
            &p.run(&["recipients", "add", &other, "-i", k, "--json"], "")
                .json()
        ),
        ["changed", "ok", "recipients"]
    );
    assert_eq!(
        keys(
            &p.run(
                &[
                    "keygen",
                    "--json",
                    "--output",
                    p.home.path().join("c.txt").to_str().unwrap()
                ],
                ""
            )
            .json()
        ),
        ["path", "public_key"]
    );
    assert_eq!(
        keys(&p.run(&["pubkey", "--json", "-i", k], "").json()),
        ["path", "public_keys"]
    );
    assert_eq!(
        keys(&p.run(&["scopes", "--json"], "").json()),
        ["new_token_url", "scopes", "template"]
    );
    assert_eq!(
        keys(&p.run(&["scan", "--json"], "").json()),
        ["binary_skipped", "files_scanned", "findings", "ok"]
    );
    assert_eq!(
        keys(&p.run(&["hook", "install", "--json"], "").json()),
        ["hook", "ok", "status"]
    );
    assert_eq!(
        keys(&p.run(&["hook", "uninstall", "--json"], "").json()),
        ["hook", "ok", "status"]
    );
    let templates = p.run(&["templates", "--json"], "").json();
    assert_eq!(
        keys(&templates[0]),
        [
            "default",
            "description",
            "name",
            "origin",
            "scopes",
            "token_var",
            "variables"
        ]
    );
    let failed = p.run(&["check", "--json", "--token-stdin"], "nope").json();
    assert_eq!(keys(&failed), ["error", "ok"]);
    assert_eq!(keys(&failed["error"]), ["code", "hint", "kind", "message"]);
}
