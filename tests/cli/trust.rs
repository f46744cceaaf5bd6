//! The trust model (issue 20), as the attacker tries it: someone who can
//! push to the repository, but holds neither the token nor a key, rewrites
//! config.toml. What it says about where the token goes takes effect on
//! the victim's machine only once the victim accepted it there.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::common::*;

/// The victim's project: the token encrypted to the victim's key, all of
/// it committed, the env file written.
fn team() -> (Project, String, String, String) {
    let p = Project::new();
    p.git_init();
    let (victim, victim_pub) = p.keygen("victim.txt");
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &victim_pub],
        &token,
    )
    .code(0);
    p.git(&["add", "config.toml", ".gitignore", ".env.example"]);
    p.git(&["commit", "-qm", "team config"]);
    (p, victim.to_str().unwrap().to_owned(), victim_pub, token)
}

/// The attacker's script: a `[secret]` of their own, written with age's
/// public interface (the reference `age`), to the listed recipients plus
/// their own key, each tagged as ghenv 0.2 tagged them (HMAC keyed by the
/// token, which they chose).
fn forge_secret(p: &Project, recipients: &[&str], evil: &str) {
    use hmac::Mac;
    let mut args = vec!["-a"];
    for r in recipients {
        args.extend(["-r", r]);
    }
    let out = age_cmd(&args, evil.as_bytes());
    assert!(out.status.success(), "{out:?}");
    let armored = String::from_utf8(out.stdout).unwrap();
    let tags: Vec<String> = recipients
        .iter()
        .map(|r| {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(evil.as_bytes()).unwrap();
            mac.update(b"ghenv recipient v1\n");
            mac.update(r.as_bytes());
            mac.finalize().into_bytes()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect();
    let config = p.read("config.toml");
    let head = &config[..config.find("[secret]").unwrap()];
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let recipients: Vec<String> = recipients.iter().map(|r| (*r).to_owned()).collect();
    p.write(
        "config.toml",
        &format!(
            "{head}[secret]\nformat = \"age\"\nrecipients = [{}]\nrecipient_tags = [{}]\ntoken = '''\n{}'''\n",
            list(&recipients),
            list(&tags),
            armored
        ),
    );
}

#[test]
fn a_forged_secret_gets_neither_the_next_token_nor_the_app_nor_the_env_file() {
    let (p, victim, victim_pub, token) = team();
    let (_, attacker_pub) = p.keygen("attacker.txt");
    let evil = token_with("ghp_", 666);
    forge_secret(&p, &[&victim_pub, &attacker_pub], &evil);
    let forged = p.read("config.toml");
    let env_before = p.read(".env");

    // `recipients list`: the forged tags count for nothing.
    let listed = p
        .run(&["recipients", "list", "-i", &victim, "--json"], "")
        .json();
    assert_eq!(listed["accepted"], serde_json::json!([true, false]));

    // The victim's next token never reaches the attacker's key: refused
    // before GitHub is even asked (the fake has no reply to give).
    let fake = FakeGitHub::start(vec![]);
    let new = token_with("ghp_", 71);
    let out = p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            &victim,
            "--endpoint",
            &fake.url(),
            "--json",
        ],
        &new,
    );
    out.code(7).never_shows(&new);
    assert_eq!(out.json()["error"]["kind"], "recipients_not_accepted");
    assert_eq!(p.read("config.toml"), forged);

    // The app never gets the attacker's token, and the command never runs.
    let out = p.run(
        &[
            "run",
            "-i",
            &victim,
            "--",
            "sh",
            "-c",
            "echo \"ran with $REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\"",
        ],
        "",
    );
    out.code(7).never_shows(&evil);
    assert!(!out.stdout.contains("ran with"), "{out}");
    out.stderr_has(&["is not one you accepted on this machine", "ghenv allow"]);

    // unlock leaves the good .env alone.
    let out = p.run(&["unlock", "-i", &victim, "--json"], "");
    out.code(7).never_shows(&evil);
    assert_eq!(p.read(".env"), env_before);
    assert!(p.read(".env").contains(&token));
}

#[test]
fn a_replayed_recipient_line_is_not_accepted_again() {
    let (p, victim, victim_pub, _) = team();
    let (_, bob_pub) = p.keygen("bob.txt");
    p.run(&["recipients", "add", &bob_pub, "-i", &victim], "")
        .code(0);
    p.git(&["commit", "-qam", "bob can decrypt"]);
    p.run(&["recipients", "remove", &bob_pub, "-i", &victim], "")
        .code(0);
    p.git(&["commit", "-qam", "bob left"]);
    // Bob, who can push, restores the config.toml that listed him.
    p.git(&["checkout", "HEAD~1", "--", "config.toml"]);
    assert!(p.read("config.toml").contains(&bob_pub));
    let restored = p.read("config.toml");
    let fake = FakeGitHub::start(vec![]);
    let new = token_with("ghp_", 72);
    let out = p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            &victim,
            "--endpoint",
            &fake.url(),
        ],
        &new,
    );
    // Shown with the commit git says added the line back, and refused.
    out.code(7).never_shows(&new).stderr_has(&[
        "not accepted on this machine",
        &bob_pub,
        "added in",
        "by T <t@example.com>",
    ]);
    assert_eq!(p.read("config.toml"), restored);
    // The victim's own key is still the only accepted one.
    let listed = p.run(&["recipients", "list", "--json"], "").json();
    assert_eq!(listed["accepted"], serde_json::json!([true, false]));
    let _ = victim_pub;
}

#[test]
fn a_template_downgrade_does_not_expose_the_token_until_accepted() {
    let p = Project::new();
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-t", "react-proxy"],
        &token,
    )
    .code(0);
    let config = p
        .read("config.toml")
        .replace("template = \"react-proxy\"", "template = \"react\"")
        .replace(
            "token_var = \"GITHUB_TOKEN\"",
            "token_var = \"REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\"",
        );
    p.write("config.toml", &config);
    let out = p.run(&["run", "--", "env"], "");
    out.code(7).never_shows(&token);
    assert!(
        !out.stdout
            .contains("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN="),
        "{out}"
    );
    out.stderr_has(&[
        "template: react-proxy -> react",
        "browser bundle",
        "ghenv allow",
    ]);
    // The user reads it and accepts it: then it takes effect.
    p.run(&["allow"], "")
        .code(0)
        .stdout_has(&["template     react", "put into the browser bundle"]);
    let out = p.run(&["run", "--", "true"], "");
    assert!(!out.stderr.contains("template:"), "accepted: {out}");
}

#[test]
fn env_files_that_lead_the_token_elsewhere_are_refused_with_their_line() {
    for (bad, shown) in [
        ("cache\n!.env", "control characters"),
        (".git/hooks/pre-commit", "inside .git/"),
        ("public/manifest-data.txt", "a build serves"),
        ("dist/.env", "a build serves"),
        ("assets/.env", "a build serves"),
        ("node_modules/.env", "a build serves"),
        (".env\u{1b}]0;PWN\u{7}", "control characters"),
        ("notes.txt", "does not start with .env"),
    ] {
        let (p, victim, _, _) = team();
        std::fs::create_dir_all(p.file(".git/hooks")).unwrap();
        std::fs::create_dir_all(p.file("public")).unwrap();
        let quoted = toml_edit::Value::from(bad).to_string();
        let config = p
            .read("config.toml")
            .replace("file = \".env\"", &format!("file = {quoted}"));
        assert!(config.contains(&quoted));
        p.write("config.toml", &config);
        std::fs::remove_file(p.file(".env")).unwrap();
        let before = p.snapshot();
        for args in [
            vec!["unlock", "-i", &victim],
            vec!["allow", "-i", &victim],
            vec!["run", "-i", &victim, "--", "true"],
        ] {
            let out = p.run(&args, "");
            out.code(7).stderr_has(&[shown, "config.toml line"]);
            assert!(!out.stderr.contains('\u{1b}'), "{bad:?}: {out}");
        }
        let out = p.run(&["unlock", "-i", &victim, "--json"], "");
        assert_eq!(out.json()["error"]["kind"], "env_file_refused", "{bad:?}");
        assert_eq!(p.snapshot(), before, "{bad:?}: nothing written");
        assert!(!p.exists(".git/hooks/pre-commit"));
        assert!(!p.exists("public/manifest-data.txt"));
    }
}

#[test]
fn an_env_file_a_deeper_gitignore_unignores_is_not_written() {
    let (p, victim, _, token) = team();
    std::fs::create_dir_all(p.file("client")).unwrap();
    p.write("client/.gitignore", "!.env\n");
    let config = p
        .read("config.toml")
        .replace("file = \".env\"", "file = \"client/.env\"");
    p.write("config.toml", &config);
    p.run(&["allow", "-i", &victim], "").code(0);
    let out = p.run(&["unlock", "-i", &victim, "--json"], "");
    out.code(7).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "env_file_refused");
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("would not be ignored by git")
    );
    assert!(!p.exists("client/.env"));
}

#[test]
fn a_remove_while_an_add_waits_is_not_undone() {
    let p = Project::new();
    let (a, a_pub) = p.keygen("a.txt");
    let (_, b_pub) = p.keygen("b.txt");
    let (_, c_pub) = p.keygen("c.txt");
    let a = a.to_str().unwrap().to_owned();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-r",
            &a_pub,
            "-r",
            &c_pub,
        ],
        &classic(),
    )
    .code(0);
    // `add -R slow` blocks on the FIFO (a slow disk, a network mount)...
    p.mkfifo("slow.txt");
    let add = p
        .cmd(&["recipients", "add", "-R", "slow.txt", "-i", &a])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // ...while C is removed.
    p.run(&["recipients", "remove", &c_pub, "-i", &a], "")
        .code(0);
    assert_eq!(p.recipients(), vec![a_pub.clone()]);
    let mut fifo = std::fs::OpenOptions::new()
        .write(true)
        .open(p.file("slow.txt"))
        .unwrap();
    writeln!(fifo, "{b_pub}").unwrap();
    drop(fifo);
    let done = add.wait_with_output().unwrap();
    assert!(done.status.success(), "{done:?}");
    assert_eq!(p.recipients(), vec![a_pub, b_pub], "C must not come back");
}

#[test]
fn server_echoes_of_the_token_are_masked_everywhere() {
    let p = Project::new();
    let token = classic();
    let echo = |token: &str| {
        Reply::viewer(
            &format!("L-{token}"),
            &format!("N {token}"),
            &format!("2026-11-25T10:00:00Z {token}"),
            COURSE_SCOPES,
        )
        .header("X-GitHub-Request-Id", &format!("id-{token}"))
    };
    let fake = FakeGitHub::start(vec![echo(&token), echo(&token), echo(&token)]);
    let out = p.init(&fake, &token, &["-v"]);
    out.code(0).never_shows(&token);
    assert!(!p.read("config.toml").contains(&token));
    assert!(p.read("config.toml").contains("L-ghp_…"));
    let out = p.run(&["check", "-v", "--endpoint", &fake.url()], "");
    out.code(0).never_shows(&token);
    let out = p.run(&["check", "--json", "--endpoint", &fake.url()], "");
    out.code(0).never_shows(&token);
    assert!(out.stdout.contains("L-ghp_…"), "{out}");
}

#[test]
fn a_token_pasted_into_endpoint_is_never_printed_or_stored() {
    let p = Project::new();
    let token = classic();
    let out = p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "--endpoint",
            &token,
            "--json",
        ],
        &token,
    );
    out.code(2).never_shows(&token);
    assert_eq!(out.json()["error"]["kind"], "bad_endpoint");
    let trusted = p.home.path().join(".config/ghenv/trusted-endpoints");
    assert!(!trusted.exists());
    // A real endpoint is remembered in a file only the user reads.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.init(&fake, &token, &[]).code(0);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&trusted).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_change_that_locks_you_out_is_refused_unless_forced() {
    let p = Project::new();
    let (mine, mine_pub) = p.keygen("mine.txt");
    let (_, other_pub) = p.keygen("other.txt");
    let mine = mine.to_str().unwrap().to_owned();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-r",
            &mine_pub,
            "-r",
            &other_pub,
        ],
        &classic(),
    )
    .code(0);
    let before = p.snapshot();
    let out = p.run(
        &["recipients", "remove", &mine_pub, "-i", &mine, "--json"],
        "",
    );
    out.code(7);
    assert_eq!(out.json()["error"]["kind"], "locked_out");
    assert_eq!(p.snapshot(), before);
    p.run(
        &["recipients", "remove", &mine_pub, "-i", &mine, "--force"],
        "",
    )
    .code(0)
    .stderr_has(&["no key on this machine can decrypt"]);
    assert_eq!(p.recipients(), vec![other_pub.clone()]);

    // init --encrypt to someone else's key while this user has a default
    // identity: asked, refused off a terminal.
    let q = Project::new();
    q.run(&["keygen"], "").code(0);
    let before = q.snapshot();
    q.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-r",
            &other_pub,
            "--no-env",
        ],
        &classic(),
    )
    .code(7)
    .stderr_has(&["--force"]);
    assert_eq!(q.snapshot(), before);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the crash and fail points exist only in debug builds"
)]
fn a_temp_file_a_crash_left_beside_a_nested_env_file_is_swept_and_ignored() {
    let p = Project::new();
    p.git_init();
    p.write(
        "config.toml",
        "version = 1\n[env]\nfile = \"client/.env\"\n",
    );
    std::fs::create_dir_all(p.file("client")).unwrap();
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    assert!(p.read(".gitignore").lines().any(|l| l == ".ghenv-*.tmp"));
    let mut cmd = p.cmd(&["init", "--offline", "--token-stdin"]);
    cmd.env("GHENV_CRASHPOINT", "after-temp");
    let new = token_with("ghp_", 73);
    let out = p.run_with(cmd, new.as_bytes());
    assert_eq!(out.code, -1, "killed\n{out}");
    let temps = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".ghenv-") && n.ends_with(".tmp"))
            .collect()
    };
    let left = temps(&p.file("client"));
    assert!(!left.is_empty(), "the crash left the env file's temp file");
    assert!(
        std::fs::read_to_string(p.file("client").join(&left[0]))
            .unwrap()
            .contains(&new)
    );
    // git ignores it by name...
    let rel = format!("client/{}", left[0]);
    assert!(p.git(&["check-ignore", "-q", &rel]).status.success());
    // ...and the next ghenv command of any kind removes it.
    p.run(&["doctor", "--offline", "-q"], "");
    assert!(temps(&p.file("client")).is_empty());
    assert!(temps(p.path()).is_empty());
}

// ------------------------------------ what the outside attacker found next

/// The victim's encrypted project (proxy template) in a repository.
fn proxied_team() -> (Project, String, String) {
    let p = Project::new();
    p.git_init();
    let (key, public) = p.keygen("victim.txt");
    let token = classic();
    p.run(
        &[
            "init",
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
    p.git(&["add", "-A"]);
    p.git(&["commit", "-qm", "team"]);
    (p, key.to_str().unwrap().to_owned(), token)
}

#[test]
fn changing_recipients_does_not_accept_the_settings_a_pull_changed() {
    let (p, key, token) = proxied_team();
    let config = p
        .read("config.toml")
        .replace("template = \"react-proxy\"", "template = \"react\"");
    p.write("config.toml", &config);
    let run = |p: &Project| p.run(&["run", "-i", &key, "--", "env"], "");
    run(&p).code(7).never_shows(&token);
    let (_, other) = p.keygen("other.txt");
    p.run(&["recipients", "add", &other, "-i", &key], "")
        .code(0);
    // Still not accepted: recipients decided only the recipients.
    run(&p).code(7).never_shows(&token);
}

#[test]
fn a_config_toml_in_a_subfolder_is_not_a_first_use() {
    let (p, key, token) = proxied_team();
    std::fs::create_dir_all(p.file("web/src")).unwrap();
    let secret = p.read("config.toml");
    let secret = &secret[secret.find("[secret]").unwrap()..];
    p.write(
        "web/config.toml",
        &format!("version = 1\ntemplate = \"vite\"\n[env]\nfile = \".env\"\n{secret}"),
    );
    for args in [
        vec!["run", "-i", &key, "--", "env"],
        vec!["unlock", "-i", &key],
    ] {
        let mut cmd = p.cmd(&args);
        cmd.current_dir(p.file("web"));
        let out = p.run_with(cmd, b"");
        out.code(7).never_shows(&token);
        out.stderr_has(&["browser bundle", "ghenv allow"]);
    }
    assert!(!p.exists("web/.env"));
}

#[test]
fn a_template_edited_in_the_repository_is_a_change_to_accept() {
    let p = Project::new();
    std::fs::create_dir_all(p.file("tpl")).unwrap();
    p.write(
        "tpl/apollo.toml",
        "description = \"d\"\nscopes = [\"repo\"]\ntoken_var = \"APOLLO_GH_TOKEN\"\nenv = '''\nAPOLLO_GH_TOKEN={{ token | dotenv }}\n'''\nenv_example = \"APOLLO_GH_TOKEN=\\n\"\n",
    );
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-t",
            "apollo",
            "--template-dir",
            "tpl",
        ],
        &token,
    )
    .code(0);
    // Someone who can push adds browser variables to the template.
    let t = p.read("tpl/apollo.toml").replace(
        "APOLLO_GH_TOKEN={{ token | dotenv }}\n",
        "APOLLO_GH_TOKEN={{ token | dotenv }}\nVITE_GH={{ token | dotenv }}\n",
    );
    p.write("tpl/apollo.toml", &t);
    let out = p.run(&["run", "--template-dir", "tpl", "--", "env"], "");
    out.code(7).never_shows(&token);
    out.stderr_has(&["also be in: VITE_GH", "browser bundle"]);
    assert!(!out.stdout.contains("VITE_GH"));
}

#[test]
fn the_previous_secret_replayed_after_a_rotate_is_a_token_change() {
    let (p, key, first) = proxied_team();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let second = token_with("ghp_", 61);
    p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            &key,
            "--endpoint",
            &fake.url(),
        ],
        &second,
    )
    .code(0);
    p.git(&["commit", "-qam", "rotated"]);
    p.git(&["checkout", "HEAD~1", "--", "config.toml"]);
    let out = p.run(&["run", "-i", &key, "--", "env"], "");
    out.code(7).never_shows(&first).never_shows(&second);
    out.stderr_has(&["not one you accepted"]);
}

#[test]
fn a_template_switch_that_exposes_the_token_says_so_whatever_token_var_says() {
    let (p, key, token) = proxied_team();
    // template react, token_var left as the proxy's GITHUB_TOKEN.
    let config = p
        .read("config.toml")
        .replace("template = \"react-proxy\"", "template = \"react\"");
    p.write("config.toml", &config);
    let out = p.run(&["run", "-i", &key, "--", "env"], "");
    out.code(7).never_shows(&token);
    out.stderr_has(&["browser bundle", "REACT_APP_"]);
    let listed = p.run(&["allow", "-i", &key, "--json"], "").json();
    assert_eq!(listed["settings"]["exposed"], true);
}

#[test]
fn an_env_file_a_pull_unignored_is_warned_about_on_every_use() {
    let (p, key, token) = proxied_team();
    let ignore = p.read(".gitignore");
    p.write(".gitignore", &format!("{ignore}!.env\n"));
    p.run(&["run", "-i", &key, "--", "true"], "")
        .code(0)
        .never_shows(&token)
        .stderr_has(&["not git-ignored any more", "git add -A"]);
}

#[test]
fn a_recipient_line_that_is_not_one_key_is_shown_whole_and_never_accepted() {
    let (p, key, _) = proxied_team();
    let (_, victim) = p.keygen("victim2.txt");
    let config = p.read("config.toml");
    let own = p.recipients()[0].clone();
    let spoof = format!("{own} {victim}");
    let config = config.replace(
        &format!("    \"{own}\",\n"),
        &format!("    \"{own}\",\n    \"{spoof}\",\n"),
    );
    p.write("config.toml", &config);
    let out = p.run(&["allow", "-i", &key, "--json"], "");
    out.code(0);
    let json = out.json();
    assert_eq!(json["recipients"][1]["type"], "not a key", "{json:#}");
    assert_eq!(json["recipients"][1]["fingerprint"], spoof.as_str());
    let listed = p.run(&["recipients", "list", "--json"], "").json();
    assert_eq!(listed["accepted"], serde_json::json!([true, false]));
}
