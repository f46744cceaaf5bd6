//! The happy paths of `ghenv init`.

use crate::common::*;

#[test]
fn init_validates_once_and_writes_the_four_files() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    let out = p.init(&fake, &token, &[]);
    out.code(0).never_shows(&token).stderr_has(&[
        "octocat",
        "all 7 required scopes are granted",
        "Wrote .env (created)",
    ]);

    // Exactly one request, shaped like GitHub expects.
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/graphql");
    assert_eq!(
        r.header("authorization"),
        Some(format!("bearer {token}").as_str())
    );
    assert!(
        r.header("user-agent").unwrap().starts_with("ghenv/"),
        "{r:?}"
    );
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let query = body["query"].as_str().unwrap();
    for part in [
        "viewer",
        "login",
        "name",
        "rateLimit",
        "limit",
        "remaining",
        "resetAt",
    ] {
        assert!(query.contains(part), "{query}");
    }

    // .env: the token and URL, 0600, reads back exactly.
    assert_eq!(p.mode(".env"), 0o600);
    let env = dotenv_pairs(&p.read(".env"));
    assert_eq!(
        env,
        vec![
            (
                "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN".to_string(),
                token.clone()
            ),
            ("REACT_APP_GITHUB_GRAPHQL_URL".to_string(), fake.url()),
        ]
    );

    // .env.example: same keys, empty values, no secret.
    let example = p.read(".env.example");
    assert!(!example.contains(&token));
    let ex = dotenv_pairs(&example);
    assert_eq!(ex.len(), 2);
    assert!(ex.iter().all(|(_, v)| v.is_empty()));

    // config.toml: the documented keys, never the token.
    let config = p.read("config.toml");
    assert!(!config.contains(&token));
    let c: toml::Table = toml::from_str(&config).unwrap();
    assert_eq!(c["version"].as_integer(), Some(1));
    let g = c["github"].as_table().unwrap();
    assert_eq!(g["endpoint"].as_str(), Some(fake.url().as_str()));
    assert_eq!(g["login"].as_str(), Some("octocat"));
    let scopes: Vec<&str> = g["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        [
            "notifications",
            "read:org",
            "read:user",
            "repo",
            "user:email",
            "user:follow",
            "write:org"
        ]
    );
    assert_eq!(g["token_type"].as_str(), Some("classic"));
    assert_eq!(g["validated"].as_bool(), Some(true));
    let at = g["validated_at"].as_str().unwrap();
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "{at}");
    assert!(g.get("expires_at").is_none());
    assert_eq!(c["env"]["file"].as_str(), Some(".env"));
    assert_eq!(
        c["env"]["token_var"].as_str(),
        Some("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN")
    );

    // .gitignore ignores .env, the .env.local files Vite and CRA load, and
    // the temp files a write holding the token goes through.
    assert_eq!(
        p.read(".gitignore"),
        ".env\n.env.local\n.env.*.local\n.ghenv-*.tmp\n"
    );
}

#[test]
fn init_json_reports_what_was_validated_and_written() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok(
        "octocat",
        "repo, admin:org, user, notifications",
    )]);
    let token = classic();
    let out = p.init(&fake, &token, &["--json"]);
    out.code(0).never_shows(&token);
    let j = out.json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["login"], "octocat");
    assert_eq!(j["validated"], true);
    assert_eq!(j["template"], "react");
    assert_eq!(j["token"]["type"], "classic");
    assert_eq!(j["token"]["source"], "stdin");
    assert!(j["token"]["masked"].as_str().unwrap().starts_with("ghp_…"));
    assert_eq!(j["scopes"]["missing"], serde_json::json!([]));
    assert_eq!(
        j["scopes"]["granted"],
        serde_json::json!(["admin:org", "notifications", "repo", "user"])
    );
    assert_eq!(j["rate_limit"]["remaining"], 4999);
    assert_eq!(j["endpoint"], fake.url());
    let files: Vec<(&str, &str)> = j["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    assert_eq!(files.len(), 4);
    assert!(files.iter().all(|(_, s)| *s == "created"), "{files:?}");
    assert!(files.iter().any(|(path, _)| path.ends_with(".env")));
}

#[test]
fn init_with_each_builtin_template_writes_its_variables() {
    for (template, vars) in [
        (
            "vite",
            vec![
                "VITE_GITHUB_PERSONAL_ACCESS_TOKEN",
                "VITE_GITHUB_GRAPHQL_URL",
            ],
        ),
        ("node", vec!["GITHUB_TOKEN", "GITHUB_GRAPHQL_URL"]),
        ("plain", vec!["GITHUB_TOKEN"]),
    ] {
        let p = Project::new();
        let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
        let token = classic();
        p.init(&fake, &token, &["--template", template]).code(0);
        let env = dotenv_pairs(&p.read(".env"));
        assert_eq!(
            env.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            vars,
            "{template}"
        );
        assert_eq!(env[0].1, token);
        let c: toml::Table = toml::from_str(&p.read("config.toml")).unwrap();
        assert_eq!(c["template"].as_str(), Some(template));
        assert_eq!(c["env"]["token_var"].as_str(), Some(vars[0]));
    }
}

#[test]
fn init_with_a_user_template_from_template_dir() {
    let p = Project::new();
    let tdir = tempfile::tempdir().unwrap();
    std::fs::write(
        tdir.path().join("apollo.toml"),
        r#"description = "Apollo server"
scopes = ["read:user"]
token_var = "APOLLO_GH_TOKEN"
env = '''
APOLLO_GH_TOKEN={{ token | dotenv }}
APOLLO_LOGIN={{ login | dotenv }}
'''
env_example = '''
APOLLO_GH_TOKEN=
APOLLO_LOGIN=
'''
"#,
    )
    .unwrap();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "user")]);
    let token = classic();
    let dir = tdir.path().to_str().unwrap();
    p.init(
        &fake,
        &token,
        &["--template", "apollo", "--template-dir", dir],
    )
    .code(0);
    assert_eq!(
        dotenv_pairs(&p.read(".env")),
        vec![
            ("APOLLO_GH_TOKEN".into(), token.clone()),
            ("APOLLO_LOGIN".into(), "octocat".into())
        ]
    );
}

#[test]
fn init_offline_checks_format_only_and_marks_config_unvalidated() {
    let p = Project::new();
    let token = classic();
    let out = p.run(
        &[
            "init",
            "--token-stdin",
            "--offline",
            "--endpoint",
            &refused_url(),
        ],
        &token,
    );
    out.code(0).never_shows(&token).stderr_has(&["--offline"]);
    let c: toml::Table = toml::from_str(&p.read("config.toml")).unwrap();
    assert_eq!(c["github"]["validated"].as_bool(), Some(false));
    assert!(c["github"].get("login").is_none());
    assert!(c["github"].get("validated_at").is_none());
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}

#[test]
fn init_twice_with_the_same_token_changes_nothing_the_second_time() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let token = classic();
    p.init(&fake, &token, &[]).code(0);
    let env_before = p.read(".env");
    let gitignore_before = p.read(".gitignore");
    let out = p.init(&fake, &token, &["--json"]);
    out.code(0);
    assert_eq!(p.read(".env"), env_before);
    assert_eq!(
        p.read(".gitignore"),
        gitignore_before,
        ".env must not be added twice"
    );
    let statuses: Vec<String> = out.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}={}",
                f["path"].as_str().unwrap().rsplit('/').next().unwrap(),
                f["status"].as_str().unwrap()
            )
        })
        .collect();
    // config.toml changes (validated_at), the rest does not; .gitignore needs no change.
    assert!(
        statuses.contains(&".env=unchanged".to_string()),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&".env.example=unchanged".to_string()),
        "{statuses:?}"
    );
    assert!(
        !statuses.iter().any(|s| s.starts_with(".gitignore")),
        "{statuses:?}"
    );
}

#[test]
fn init_records_expiry_and_warns_when_it_is_close() {
    let p = Project::new();
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(72);
    let header = soon.strftime("%Y-%m-%d %H:%M:%S UTC").to_string();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES)
            .header("github-authentication-token-expiration", &header),
    ]);
    let token = classic();
    p.init(&fake, &token, &[])
        .code(0)
        .stderr_has(&["warning:", "expires in"]);
    let c: toml::Table = toml::from_str(&p.read("config.toml")).unwrap();
    let expires = c["github"]["expires_at"].as_str().unwrap();
    assert_eq!(
        expires,
        jiff::Timestamp::from_second(soon.as_second())
            .unwrap()
            .to_string()
    );
}

#[test]
fn init_works_in_another_folder_with_dir() {
    let p = Project::new();
    std::fs::create_dir(p.file("web")).unwrap();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    p.init(&fake, &token, &["--dir", "web"]).code(0);
    assert!(p.exists("web/.env") && p.exists("web/config.toml") && p.exists("web/.gitignore"));
    assert!(!p.exists(".env"));
}

#[test]
fn fine_grained_tokens_warn_that_scopes_cannot_be_listed() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::fine_grained("octocat")]);
    let token = fine_grained();
    // --no-probe: the probe a fine-grained token gets is in probe.rs.
    p.init(&fake, &token, &["--no-probe"])
        .code(0)
        .never_shows(&token)
        .stderr_has(&["warning:", "cannot be checked"]);
    let c: toml::Table = toml::from_str(&p.read("config.toml")).unwrap();
    assert_eq!(c["github"]["token_type"].as_str(), Some("fine-grained"));
    assert!(
        c["github"].get("scopes").is_none(),
        "unknown scopes are not written as []"
    );
}

#[test]
fn fine_grained_tokens_fail_with_code_4_under_strict() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::fine_grained("octocat")]);
    let out = p.init(&fake, &fine_grained(), &["--strict"]);
    out.code(4).stderr_has(&["--strict"]);
    assert!(p.snapshot().is_empty(), "nothing written");
}

#[test]
fn legacy_hex_tokens_are_accepted_with_a_warning() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = "0123456789abcdef0123456789abcdef01234567";
    p.init(&fake, token, &[])
        .code(0)
        .never_shows(token)
        .stderr_has(&["cannot be checked offline"]);
}
