//! Behaviour the README promises that had no test of its own (issue 26).

use crate::common::*;

#[test]
fn init_from_a_subfolder_updates_the_project_above() {
    let p = Project::new();
    p.git_init();
    let first = classic();
    p.run(&["init", "--offline", "--token-stdin"], &first)
        .code(0);
    std::fs::create_dir_all(p.file("src/components")).unwrap();
    let mut cmd = p.cmd(&["init", "--offline", "--token-stdin"]);
    cmd.current_dir(p.file("src/components"));
    let second = token_with("ghp_", 31);
    p.run_with(cmd, second.as_bytes()).code(0);
    assert_eq!(p.env_token(), second);
    assert!(!p.exists("src/components/.env"));
    assert!(!p.exists("src/components/config.toml"));
}

#[test]
fn unlock_proxy_and_doctor_send_nothing_to_an_endpoint_only_config_toml_names() {
    // A loopback look-alike with no answer to give: any request it gets
    // fails the test.
    let fake = FakeGitHub::start(vec![]);
    let p = Project::new();
    let (key, public) = p.keygen("k.txt");
    let token = classic();
    p.run(
        &["init", "--offline", "--token-stdin", "-r", &public],
        &token,
    )
    .code(0);
    p.set_config_line("endpoint", &format!("endpoint = \"{}\"", fake.url()));
    let k = key.to_str().unwrap();
    for args in [
        vec!["unlock", "-i", k],
        vec!["proxy", "-i", k, "--", "true"],
        vec!["check", "-i", k],
    ] {
        let out = p.run(&args, "");
        out.code(7)
            .never_shows(&token)
            .stderr_has(&["not trusted", "ghenv allow"]);
    }
    let out = p.run(&["doctor", "-i", k, "--json"], "");
    out.never_shows(&token);
    assert_ne!(out.code, 0, "{out}");
    assert!(
        out.stdout.contains("not trusted") || out.stderr.contains("not trusted"),
        "{out}"
    );
    // And a plain http endpoint to another host is refused outright.
    let config = p
        .read("config.toml")
        .replace(&fake.url(), "http://evil.example/graphql");
    p.write("config.toml", &config);
    for args in [
        vec!["unlock", "-i", k],
        vec!["proxy", "-i", k, "--", "true"],
    ] {
        p.run(&args, "")
            .code(2)
            .never_shows(&token)
            .stderr_has(&["plain http", "evil.example"]);
    }
}

#[test]
fn hook_install_follows_a_plain_core_hooks_path() {
    let p = Project::new();
    p.git_init();
    p.git(&["config", "core.hooksPath", ".githooks"]);
    p.run(&["hook", "install"], "").code(0);
    assert!(p.exists(".githooks/pre-commit"));
    assert!(!p.exists(".git/hooks/pre-commit"));
    let token = classic();
    p.write("leak.js", &format!("const t = '{token}';\n"));
    p.git(&["add", "leak.js"]);
    let blocked = p.git(&["commit", "-qm", "leak"]);
    assert!(!blocked.status.success(), "the hook in core.hooksPath ran");
    assert!(!String::from_utf8_lossy(&blocked.stderr).contains(&token));
}

#[test]
fn doctor_fails_an_expired_token() {
    let p = Project::new();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"dependencies\":{\"react-scripts\":\"*\"}}\n",
    );
    let token = classic();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES).header(
        "github-authentication-token-expiration",
        "2020-01-01 00:00:00 UTC",
    )]);
    let out = p.run(&["doctor", "--json", "--endpoint", &fake.url()], "");
    out.code(1).never_shows(&token);
    let checks = out.json();
    let expiry = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "expiry")
        .expect("an expiry check");
    assert_eq!(expiry["status"], "fail", "{expiry:#?}");
    assert!(expiry["message"].as_str().unwrap().contains("expired"));
}
