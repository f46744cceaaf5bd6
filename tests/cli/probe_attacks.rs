//! The attacks a helper ran on `ghenv probe` as a pusher (config.toml, the
//! app's files) and as a server, each as a test: a wrong verdict, an exit
//! code that hides a failure, a denial of service, a token that slips past
//! the masking.

use serde_json::{Value, json};

use crate::common::{COURSE_SCOPES, FakeGitHub, Output, Project, Reply, classic, fine_grained};
use crate::lookalike::{LookAlike, Profile};

fn course_project(token: &str) -> Project {
    let p = Project::new();
    p.write("config.toml", "version = 1\ntemplate = \"react\"\n");
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    p
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
    let token = classic();
    let p = course_project(&token);
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/mutations.graphql",
        "mutation Star($id: ID!) {\n  addStar(input: {starrableId: $id}) { clientMutationId }\n  ... on Mutation { archiveRepository(input: {repositoryId: $id}) { clientMutationId } }\n}\n",
    );
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
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
    out.code(0).stderr_has(&["more than 500 GraphQL documents"]);
    let json = out.json();
    // The .graphql file (fragments only) and 499 of the templates.
    let operations = json["operations"].as_array().unwrap().len();
    assert_eq!(operations, 499, "{operations}");
}
