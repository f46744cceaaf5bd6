//! The attacks a helper ran on `ghenv probe` as a pusher (config.toml, the
//! app's files) and as a server, each as a test: a wrong verdict, an exit
//! code that hides a failure, a denial of service, a token that slips past
//! the masking.

use serde_json::{Value, json};

use crate::common::{COURSE_SCOPES, FakeGitHub, Output, Project, Reply, classic, fine_grained};
use crate::lookalike::{LookAlike, Profile};
use crate::probe::course_project;

/// A course project whose only operations are the app's `file`, with
/// `text`, and a look-alike for a full classic token.
fn app_only(file: &str, text: &str) -> (Project, LookAlike) {
    let p = course_project(&classic());
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(file, text);
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    (p, LookAlike::start(Profile::Classic(COURSE_SCOPES)))
}

/// A fake that answers every request with `body` (and `headers`).
fn always(status: u16, body: &Value, headers: &[(&str, &str)]) -> FakeGitHub {
    let mut reply = Reply::json(
        status,
        if status == 200 { "OK" } else { "Forbidden" },
        &body.to_string(),
    )
    .header("X-OAuth-Scopes", COURSE_SCOPES);
    for (k, v) in headers {
        reply = reply.header(k, v);
    }
    FakeGitHub::start(vec![reply; 60]).at_most()
}

fn probe(p: &Project, fake: &FakeGitHub, extra: &[&str]) -> Output {
    let url = fake.url();
    let mut args = vec!["probe", "--no-app", "--endpoint", url.as_str()];
    args.extend_from_slice(extra);
    p.run(&args, "")
}

fn status_of(json: &Value, name: &str) -> String {
    json["operations"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {json}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_rate_limit_is_an_error_not_a_verdict_and_ghenv_stops_asking() {
    let p = course_project(&classic());
    let fake = always(
        200,
        &json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]}),
        &[],
    );
    let out = probe(&p, &fake, &["--json"]);
    out.code(5);
    assert_eq!(out.json()["error"]["kind"], "rate_limited", "{out}");
    assert_eq!(
        fake.requests().len(),
        1,
        "no request after GitHub said stop"
    );
}

#[test]
fn answers_that_can_never_be_pinned_cost_at_most_forty_requests_within_the_timeout() {
    let p = course_project(&classic());
    let mut config = String::from("version = 1\ntemplate = \"react\"\n");
    for i in 0..20 {
        config.push_str(&format!(
            "\n[[probe]]\nname = \"q{i}\"\nquery = \"{{ viewer {{ login }} }}\"\n"
        ));
    }
    p.write("config.toml", &config);
    // data null and an error without a path: nothing can ever be pinned.
    let fake = always(
        200,
        &json!({"data": null, "errors": [{"message": "?"}]}),
        &[],
    );
    let out = probe(&p, &fake, &["--json"]);
    out.code(0);
    assert!(
        fake.requests().len() <= 40,
        "{} requests",
        fake.requests().len()
    );
    let json = out.json();
    assert!(
        json["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "unknown"),
        "{json}"
    );

    // A 21st entry is refused before anything is sent.
    config.push_str("\n[[probe]]\nname = \"one too many\"\nquery = \"{ viewer { login } }\"\n");
    p.write("config.toml", &config);
    let fake = always(200, &json!({"data": {}}), &[]);
    probe(&p, &fake, &[])
        .code(7)
        .stderr_has(&["one too many", "at most 20"]);
    assert!(fake.requests().is_empty());

    // One deadline for the whole probe: a server that answers every
    // request after 0.6 s cannot hold a --timeout 2 probe for 40 requests.
    p.write("config.toml", "version = 1\ntemplate = \"react\"\n");
    let slow = Reply::json(
        200,
        "OK",
        &json!({"data": null, "errors": [{"message": "?"}]}).to_string(),
    )
    .header("X-OAuth-Scopes", COURSE_SCOPES)
    .delayed(std::time::Duration::from_millis(600));
    let fake = FakeGitHub::start(vec![slow; 40]).at_most();
    let out = probe(&p, &fake, &["--timeout", "2"]);
    out.code(5).stderr_has(&["no answer"]);
    assert!(
        fake.requests().len() <= 5,
        "{} requests",
        fake.requests().len()
    );
}

#[test]
fn a_403_that_asks_for_sso_is_sso_required_whatever_its_body() {
    let p = course_project(&classic());
    let header = [(
        "X-GitHub-SSO",
        "required; url=https://github.com/orgs/acme/sso?authorization_request=A1",
    )];
    for body in [
        json!({"message": "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.", "documentation_url": "https://docs.github.com"}),
        json!("<html>sign in</html>"),
    ] {
        let fake = always(403, &body, &header);
        let out = probe(&p, &fake, &["--json"]);
        out.code(4);
        let json = out.json();
        assert_eq!(status_of(&json, "viewer"), "sso_required", "{json}");
        let viewer = json["operations"][0].clone();
        assert_eq!(
            viewer["needs"],
            json!(["https://github.com/orgs/acme/sso?authorization_request=A1"])
        );
    }
}

#[test]
fn a_partial_results_header_is_no_sso_demand() {
    let p = course_project(&classic());
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    // The look-alike's answers, with GitHub's header for organizations
    // that hid data: not a refusal, so every lesson stays ok.
    drop(fake);
    let body = json!({"data": {"p0_viewer": {"name": "x", "url": "u"}}});
    let fake = always(
        200,
        &body,
        &[(
            "X-GitHub-SSO",
            "partial-results; organizations=21955855,20582480",
        )],
    );
    let json = probe(&p, &fake, &["--json"]).json();
    assert_eq!(status_of(&json, "viewer"), "ok", "{json}");
    assert_ne!(status_of(&json, "add_star"), "sso_required", "{json}");
}

#[test]
fn a_mutation_is_ok_only_for_githubs_not_found_of_the_made_up_id() {
    let p = course_project(&classic());
    for (answer, why) in [
        (
            json!({"data": {"p4_addStar": {"starrable": {"id": "MDEwOlJlcG9zaXRvcnkw", "viewerHasStarred": true}}}}),
            "it ran",
        ),
        (
            json!({"data": {"p4_addStar": null}, "errors": [{"type": "not_found", "path": ["p4_addStar"], "message": "whatever"}]}),
            "not GitHub's words",
        ),
        (
            json!({"data": {"p4_addStar": null}, "errors": [{"type": "NOT_FOUND", "path": ["p4_addStar"], "message": "Could not resolve to a node with the global id of 'R_kgDOreal'"}]}),
            "another id",
        ),
    ] {
        let fake = always(200, &answer, &[]);
        let json = probe(&p, &fake, &["--json"]).json();
        assert_eq!(
            status_of(&json, "add_star_graphiql"),
            "unknown",
            "{why}: {json}"
        );
    }
}

#[test]
fn an_app_mutation_with_a_fragment_at_its_top_is_never_judged_ok() {
    let (p, fake) = app_only(
        "src/mutations.graphql",
        "mutation Star($id: ID!) {\n  addStar(input: {starrableId: $id}) { clientMutationId }\n  ... on Mutation { archiveRepository(input: {repositoryId: $id}) { clientMutationId } }\n}\n",
    );
    let url = fake.url();
    let out = p.run(&["probe", "--endpoint", &url, "--json"], "");
    let json = out.json();
    assert_eq!(status_of(&json, "Star"), "unknown", "{json}");
    assert!(
        fake.queries()
            .iter()
            .all(|q| !q.contains("archiveRepository")),
        "{:?}",
        fake.queries()
    );
}

#[test]
fn a_token_echoed_without_its_prefix_or_split_by_a_zero_width_space_is_masked() {
    let token = classic();
    let p = course_project(&token);
    let body = &token[4..];
    let split = format!("{}\u{200b}{}", &token[..10], &token[10..]);
    let fake = always(
        200,
        &json!({"data": null, "errors": [{"type": "FORBIDDEN", "message": format!("no: {body} / y{split}")}]}),
        &[],
    );
    let out = probe(&p, &fake, &[]);
    out.never_shows(&token).never_shows(body);
    assert!(!out.stdout.contains(&token[10..]), "{out}");
    let fake = always(
        200,
        &json!({"data": null, "errors": [{"type": "FORBIDDEN", "message": format!("no: {body} / y{split}")}]}),
        &[],
    );
    let out = probe(&p, &fake, &["--json"]);
    out.never_shows(&token).never_shows(body);
    assert!(!out.stdout.contains(&token[10..]), "{out}");
}

#[test]
fn a_config_query_that_selects_on_mutation_is_refused_before_any_request() {
    let p = course_project(&classic());
    for query in [
        "query { ... on Mutation { deleteRepository(input: {repositoryId: \\\"R_kgDOreal\\\"}) { clientMutationId } } }",
        "query { ...m } fragment m on Mutation { deleteRepository(input: {repositoryId: \\\"R_kgDOreal\\\"}) { clientMutationId } }",
    ] {
        p.write(
            "config.toml",
            &format!("version = 1\ntemplate = \"react\"\n\n[[probe]]\nname = \"innocent\"\nquery = \"{query}\"\n"),
        );
        let fake = always(200, &json!({"data": {}}), &[]);
        let out = probe(&p, &fake, &["--json"]);
        out.code(7);
        assert_eq!(out.json()["error"]["kind"], "probe_entry_refused", "{out}");
        assert!(fake.requests().is_empty());
    }
}

#[test]
fn thousands_of_definitions_are_read_in_proportion_to_the_files_and_capped() {
    let token = fine_grained();
    let p = course_project(&token);
    std::fs::create_dir_all(p.file("src")).unwrap();
    // 600 templates on one line: more than the 500 documents read.
    let line: String = (0..600)
        .map(|i| format!("const Q{i} = gql`query Q{i} {{ viewer {{ login }} }}`;"))
        .collect();
    p.write("src/many.js", &line);
    let mut graphql = String::new();
    for i in 0..2000 {
        graphql.push_str(&format!("fragment f{i} on User {{ login }}\n"));
    }
    p.write("src/many.graphql", &graphql);
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::FineGrained { starring: true });
    let url = fake.url();
    let out = p.run(&["probe", "--endpoint", &url, "--json"], "");
    out.code(0).stderr_has(&[
        "more than 500 GraphQL documents",
        "more than 200 GraphQL operations",
    ]);
    let json = out.json();
    // 500 documents (the .graphql file of fragments and 499 templates), of
    // whose operations the first 200 are checked and probed.
    let operations = json["operations"].as_array().unwrap().len();
    assert_eq!(operations, 200, "{operations}");
}

// ------------------------------------------------ the second round of attacks

#[test]
fn any_text_in_the_apps_files_is_read_without_a_crash_and_comments_hold_no_query() {
    let token = classic();
    let p = course_project(&token);
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/App.js",
        "// café — “quotes”, 😀\n// const OLD = gql`{ viewer { nmae } }`;\nconst s = \"gql`{ broken `\";\nconst Q = gql`query Q { viewer { login } }`;\n",
    );
    p.write("src/q.graphql", "\u{feff}query B { viewer { name } }\n");
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let url = fake.url();
    let out = p.run(&["probe", "--endpoint", &url, "--json"], "");
    out.code(0);
    let json = out.json();
    assert_eq!(status_of(&json, "Q"), "ok", "{json}");
    assert_eq!(status_of(&json, "B"), "ok", "{json}");
    assert_eq!(json["operations"].as_array().unwrap().len(), 2, "{json}");
}

#[test]
fn an_app_query_with_a_fragment_at_its_top_is_not_sent_beside_others() {
    let (p, fake) = app_only(
        "src/q.graphql",
        "query A { ...V } fragment V on Query { viewer { login } }\nquery B { viewer { name } }\n",
    );
    let url = fake.url();
    let json = p.run(&["probe", "--endpoint", &url, "--json"], "").json();
    assert_eq!(status_of(&json, "A"), "not_run", "{json}");
    assert_eq!(status_of(&json, "B"), "ok", "{json}");
    assert!(
        fake.queries().iter().all(|q| !q.contains("...V")),
        "{:?}",
        fake.queries()
    );
}

#[test]
fn a_mutation_answer_that_names_another_id_goes_deeper_or_brings_data_is_not_ok() {
    let p = course_project(&classic());
    let nf = |message: &str, path: Value| json!({"data": {"p4_addStar": null}, "errors": [{"type": "NOT_FOUND", "path": path, "message": message}]});
    for (answer, why) in [
        (
            nf(
                "Could not resolve to a node with the global id of 'xMDEwOlJlcG9zaXRvcnkwQ'",
                json!(["p4_addStar"]),
            ),
            "a longer id",
        ),
        (
            nf(
                "Could not resolve to a node with the global id of 'MDEwOlJlcG9zaXRvcnkw' or 'R_kgDOreal'",
                json!(["p4_addStar"]),
            ),
            "a second id",
        ),
        (
            nf(
                "Could not resolve to a node with the global id of 'MDEwOlJlcG9zaXRvcnkw'",
                json!(["p4_addStar", "starrable"]),
            ),
            "deeper",
        ),
        (
            json!({"data": {"p4_addStar": null, "x": {"id": "R_kgDOreal"}}, "errors": [{"type": "NOT_FOUND", "path": ["p4_addStar"], "message": "Could not resolve to a node with the global id of 'MDEwOlJlcG9zaXRvcnkw'"}]}),
            "extra data",
        ),
    ] {
        let fake = always(200, &answer, &[]);
        let json = probe(&p, &fake, &["--json"]).json();
        assert_eq!(
            status_of(&json, "add_star_graphiql"),
            "unknown",
            "{why}: {json}"
        );
    }
    // The issue id for addComment is not taken for the repository id.
    let fake = always(
        200,
        &nf(
            "Could not resolve to a node with the global id of 'MDEwOlJlcG9zaXRvcnkw'",
            json!(["p13_addComment"]),
        ),
        &[],
    );
    let json = probe(&p, &fake, &["--json"]).json();
    assert_ne!(status_of(&json, "add_comment"), "ok", "{json}");
}

#[test]
fn sso_links_are_only_https_the_header_is_read_as_github_writes_it_and_rate_limits_in_any_case() {
    let p = course_project(&classic());
    for (header, shown) in [
        (
            "Required; url=https://github.com/orgs/acme/sso?authorization_request=A1",
            Some("https://github.com/orgs/acme/sso?authorization_request=A1"),
        ),
        ("required; url=javascript:alert(1)", None),
        (
            "required; url=https://github.com/orgs/acme/sso?x=1, partial-results; organizations=1",
            Some("https://github.com/orgs/acme/sso?x=1"),
        ),
    ] {
        let fake = always(
            200,
            &json!({"data": null, "errors": [{"type": "FORBIDDEN", "message": "no"}]}),
            &[("X-GitHub-SSO", header)],
        );
        let json = probe(&p, &fake, &["--json"]).json();
        let viewer = json["operations"][0].clone();
        assert_eq!(viewer["status"], "sso_required", "{header}: {json}");
        assert_eq!(
            viewer["needs"],
            json!(shown.into_iter().collect::<Vec<_>>()),
            "{header}"
        );
    }
    for error in [
        json!({"type": "rate_limited", "message": "slow down"}),
        json!({"message": "slow down", "extensions": {"code": "RATE_LIMITED"}}),
    ] {
        let fake = always(200, &json!({"errors": [error]}), &[]);
        probe(&p, &fake, &[]).code(5);
        assert_eq!(fake.requests().len(), 1);
    }
}

#[test]
fn the_timeout_message_names_the_timeout_and_a_fifo_in_the_cache_does_not_hang() {
    let p = course_project(&classic());
    let slow = Reply::json(
        200,
        "OK",
        &json!({"data": null, "errors": [{"message": "?"}]}).to_string(),
    )
    .header("X-OAuth-Scopes", COURSE_SCOPES)
    .delayed(std::time::Duration::from_millis(700));
    let fake = FakeGitHub::start(vec![slow; 10]).at_most();
    probe(&p, &fake, &["--timeout", "2"])
        .code(5)
        .stderr_has(&["within 2 seconds"]);
    // A FIFO where the schema cache goes: read as no cache.
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write("src/q.graphql", "query B { viewer { name } }\n");
    let lookalike = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let url = lookalike.url();
    p.run(&["probe", "--endpoint", &url, "--no-app"], "")
        .code(0);
    let cache = p.home.path().join(".cache/ghenv/schemas");
    std::fs::create_dir_all(&cache).unwrap();
    // The cache file's name for this endpoint: made by a first run.
    p.run(&["probe", "--endpoint", &url], "").code(0);
    let file = std::fs::read_dir(&cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::remove_file(&file).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    p.run(&["probe", "--endpoint", &url, "--timeout", "20"], "")
        .code(0);
}

#[test]
fn check_probe_shows_the_lessons_also_when_scopes_are_missing() {
    let token = classic();
    let p = course_project(&token);
    let fake = LookAlike::start(Profile::Classic("public_repo, read:org, read:user"));
    let url = fake.url();
    let out = p.run(&["check", "--probe", "--endpoint", &url, "--json"], "");
    out.code(4);
    let json = out.json();
    assert_eq!(
        status_of(&json["probe"], "update_subscription"),
        "missing_scopes",
        "{json}"
    );
}

// ------------------------------------------------- the third round (issue 30)

/// `query { deep { deep { … } } }`, `depth` levels deep.
fn nested(depth: usize) -> String {
    format!(
        "query Deep {}{}\n",
        "{ deep ".repeat(depth),
        "} ".repeat(depth)
    )
}

#[test]
fn a_committed_document_nested_thousands_deep_is_refused_not_ground_through() {
    let (p, fake) = app_only("src/deep.graphql", &nested(20_000));
    // Many selections side by side: the other way to make one document
    // cost a validator time out of proportion to its size.
    let wide = format!(
        "query Wide {{ viewer {{ {} }} }}\n",
        "login ".repeat(30_000)
    );
    p.write("src/wide.graphql", &wide);
    p.write("src/ok.graphql", "query Fine { viewer { login } }\n");
    let url = fake.url();
    let out = p.run(
        &["probe", "--endpoint", &url, "--timeout", "5", "--json"],
        "",
    );
    out.code(1);
    let json = out.json();
    assert_eq!(status_of(&json, "Fine"), "ok", "{json}");
    let problems = json["problems"].as_array().unwrap();
    let message = |file: &str| {
        problems
            .iter()
            .filter(|p| p["location"].as_str().unwrap().starts_with(file))
            .map(|p| p["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let deep = message("src/deep.graphql");
    assert_eq!(deep.len(), 1, "{deep:?}");
    assert!(deep[0].contains("nested deeper than"), "{deep:?}");
    let wide = message("src/wide.graphql");
    assert_eq!(wide.len(), 1, "{wide:?}");
    assert!(wide[0].contains("more than"), "{wide:?}");
    // Neither was sent to GitHub.
    assert!(
        fake.queries()
            .iter()
            .all(|q| !q.contains("deep") && q.matches("login").count() < 100),
        "{:?}",
        fake.queries().len()
    );
}

/// `token` cut into pieces of 6 to 12 characters, one cut for each size,
/// the pieces separated in turn by a space, a newline, a tab and a space
/// as JSON escapes write them in a raw body (`\n`, `\u0020`, `\t`).
pub fn echoed_in_pieces(token: &str) -> String {
    let separators = [" ", "\\n", "\\u0020", "\\t"];
    (6..=12)
        .zip(separators.iter().cycle())
        .map(|(size, separator)| {
            token
                .as_bytes()
                .chunks(size)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(separator)
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The first 6 characters in a row of `token`'s secret part (after
/// `prefix`) that `text` shows.
pub fn piece_shown(token: &str, prefix: &str, text: &str) -> Option<String> {
    token.as_bytes()[prefix.len()..]
        .windows(6)
        .map(|w| std::str::from_utf8(w).unwrap())
        .find(|w| text.contains(w))
        .map(str::to_owned)
}

#[test]
fn a_token_echoed_in_pieces_of_six_to_twelve_characters_is_masked_piece_by_piece() {
    for (token, prefix) in [(classic(), "ghp_"), (fine_grained(), "github_pat_")] {
        let p = course_project(&token);
        // The message as the raw JSON body carries it, escapes and all.
        let body = format!(
            r#"{{"data":null,"errors":[{{"type":"SOMETHING_NEW","message":"not allowed for {}"}}]}}"#,
            echoed_in_pieces(&token)
        );
        assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
        for extra in [&[][..], &["--json"][..]] {
            let reply = Reply::json(200, "OK", &body).header("X-OAuth-Scopes", COURSE_SCOPES);
            let fake = FakeGitHub::start(vec![reply; 60]).at_most();
            let out = probe(&p, &fake, extra);
            assert!(out.stdout.contains("not allowed for"), "{out}");
            for text in [&out.stdout, &out.stderr] {
                let piece = piece_shown(&token, prefix, text);
                assert!(piece.is_none(), "{piece:?} is shown\n{out}");
            }
        }
    }
}
