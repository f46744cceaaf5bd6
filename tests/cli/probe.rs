//! `ghenv probe` against a look-alike that reads each document as GitHub
//! would and refuses as GitHub does for each kind of token (classic with
//! every scope, classic without `notifications`, fine-grained, not yet
//! authorized for SSO), and the app's own documents against GitHub's real
//! public schema.

use serde_json::Value;

use crate::common::{COURSE_SCOPES, Project, classic, fine_grained};
use crate::lookalike::{LookAlike, Profile, schema_json};

/// A course project (react template) whose .env holds `token`.
pub fn course_project(token: &str) -> Project {
    let p = Project::new();
    p.write("config.toml", "version = 1\ntemplate = \"react\"\n");
    p.write(
        ".env",
        &format!("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={token}\n"),
    );
    p
}

fn probe(p: &Project, fake: &LookAlike, extra: &[&str]) -> crate::common::Output {
    let url = fake.url();
    let mut args = vec!["probe", "--endpoint", url.as_str()];
    args.extend_from_slice(extra);
    p.run(&args, "")
}

fn statuses(json: &Value) -> Vec<(String, String)> {
    json["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn status_of(json: &Value, name: &str) -> Value {
    json["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no operation {name} in {json}"))
        .clone()
}

/// No mutation ever carried an id the look-alike handed out, and every id
/// a mutation carried is one of the made-up ones.
fn no_real_id_in_mutations(fake: &LookAlike) {
    let handed = fake.handed_out();
    let carried = fake.mutation_ids();
    for id in &carried {
        assert!(
            !handed.contains(id),
            "a mutation carried {id}, which an answer handed out"
        );
    }
    let made_up = ["MDEwOlJlcG9zaXRvcnkw", "MDU6SXNzdWUw"];
    assert!(
        carried.iter().all(|s| made_up.contains(&s.as_str())
            || s == "ghenv probe"
            || s == "SUBSCRIBED"
            || s == "THUMBS_UP"),
        "{carried:?}"
    );
}

#[test]
fn a_full_classic_token_passes_every_lesson_in_two_requests() {
    let token = classic();
    let p = course_project(&token);
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &["--json"]);
    out.code(0).never_shows(&token);
    let json = out.json();
    let all = statuses(&json);
    assert_eq!(all.len(), 16, "{json}");
    assert!(all.iter().all(|(_, s)| s == "ok"), "{all:?}");
    // One document of queries, one of mutations.
    assert_eq!(json["requests"], 2);
    assert_eq!(fake.queries().len(), 2);
    assert!(
        fake.queries()[1].starts_with("mutation"),
        "{:?}",
        fake.queries()
    );
    let star = status_of(&json, "add_star");
    assert_eq!(star["kind"], "mutation");
    assert_eq!(star["source"], "course");
    assert_eq!(star["lesson"], "Apollo client: star, watch");
    assert_eq!(star["needs"], serde_json::json!(["public_repo"]));
    no_real_id_in_mutations(&fake);
    assert!(!fake.handed_out().is_empty(), "the queries ran for real");
    // For people: a table by lesson on stdout.
    let out = probe(&p, &fake, &[]);
    out.code(0)
        .stdout_has(&["GraphiQL: first query", "✓ viewer", "✓ add_star (mutation)"])
        .stderr_has(&["16 of 16 operations work with this token"]);
}

#[test]
fn a_token_without_notifications_fails_the_watch_lesson_only_and_says_which_scope() {
    let token = classic();
    let p = course_project(&token);
    let fake = LookAlike::start(Profile::Classic("public_repo, read:org, read:user"));
    let out = probe(&p, &fake, &["--json"]);
    out.code(4);
    let json = out.json();
    let watch = status_of(&json, "update_subscription");
    assert_eq!(watch["status"], "missing_scopes");
    assert_eq!(watch["needs"], serde_json::json!(["notifications"]));
    assert!(
        watch["message"]
            .as_str()
            .unwrap()
            .contains("updateSubscription")
    );
    for (name, status) in statuses(&json) {
        if name != "update_subscription" {
            assert_eq!(status, "ok", "{name}");
        }
    }
    // The mutation document failed as a whole and was split to find it.
    assert!(json["requests"].as_u64().unwrap() > 2, "{json}");
    no_real_id_in_mutations(&fake);
    let out = probe(&p, &fake, &[]);
    out.code(4).stdout_has(&[
        "✗ update_subscription (mutation): the token lacks the scope notifications (tick it on the token's page at https://github.com/settings/tokens",
    ]);
}

#[test]
fn a_fine_grained_token_is_told_the_permission_and_what_it_can_never_do() {
    let token = fine_grained();
    let p = course_project(&token);
    let fake = LookAlike::start(Profile::FineGrained { starring: false });
    let out = probe(&p, &fake, &["--json"]);
    out.code(4).never_shows(&token);
    let json = out.json();
    let star = status_of(&json, "add_star");
    assert_eq!(star["status"], "missing_permission");
    assert_eq!(
        star["needs"],
        serde_json::json!(["Starring (read and write)"])
    );
    let comment = status_of(&json, "add_comment");
    assert_eq!(comment["status"], "forbidden");
    assert!(
        comment["message"]
            .as_str()
            .unwrap()
            .contains("another owner's repository")
    );
    assert_eq!(status_of(&json, "viewer")["status"], "ok");
    // addComment and addReaction are not even sent.
    assert!(
        fake.queries()
            .iter()
            .all(|q| !q.contains("addComment") && !q.contains("addReaction"))
    );
    no_real_id_in_mutations(&fake);
    let out = probe(&p, &fake, &[]);
    out.code(4).stdout_has(&[
        "✗ add_star (mutation): the token lacks the permission Starring (read and write) (grant it at https://github.com/settings/personal-access-tokens)",
    ]);

    // With Starring granted, the star lessons pass.
    let fake = LookAlike::start(Profile::FineGrained { starring: true });
    let json = probe(&p, &fake, &["--json"]).json();
    assert_eq!(status_of(&json, "add_star")["status"], "ok");
    assert_eq!(status_of(&json, "remove_star")["status"], "ok");
}

#[test]
fn an_organization_that_enforces_sso_gets_the_authorization_link() {
    let token = classic();
    let p = course_project(&token);
    let fake = LookAlike::start(Profile::Sso);
    let out = probe(&p, &fake, &["--json"]);
    out.code(4);
    let json = out.json();
    let org = status_of(&json, "organization");
    assert_eq!(org["status"], "sso_required");
    assert_eq!(
        org["needs"],
        serde_json::json!([
            "https://github.com/orgs/the-road-to-learn-react/sso?authorization_request=AZSCKtL4"
        ])
    );
    assert_eq!(status_of(&json, "viewer")["status"], "ok");
    let out = probe(&p, &fake, &[]);
    out.code(4).stdout_has(&[
        "✗ organization: the organization requires SAML single sign-on for this token: authorize it at https://github.com/orgs/the-road-to-learn-react/sso?authorization_request=AZSCKtL4",
    ]);
}

#[test]
fn team_queries_from_config_toml_are_probed_and_a_mutation_there_is_refused_before_any_request() {
    let token = classic();
    let p = course_project(&token);
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n\n[[probe.query]]\nname = \"my repositories\"\nquery = \"query ($n: Int!) { viewer { repositories(first: $n) { totalCount } } }\"\nvariables = { n = 1 }\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &["--json"]);
    out.code(0);
    let json = out.json();
    assert_eq!(
        statuses(&json),
        [("my repositories".to_owned(), "ok".to_owned())]
    );
    assert_eq!(json["operations"][0]["source"], "config");
    let body: Value = serde_json::from_str(&{
        let q = fake.queries();
        assert_eq!(q.len(), 1);
        // The variables went along, renamed with the alias.
        serde_json::json!({"q": q[0]}).to_string()
    })
    .unwrap();
    assert!(
        body["q"].as_str().unwrap().contains("$p0_n: Int!"),
        "{body}"
    );

    // The attacker's entry: a mutation in a shared config.toml.
    for (kind, document) in [
        (
            "mutation",
            "mutation { addStar(input: {starrableId: \\\"R_kgDOreal\\\"}) { clientMutationId } }",
        ),
        ("subscription", "subscription { x }"),
    ] {
        p.write(
            "config.toml",
            &format!("version = 1\ntemplate = \"react\"\n\n[[probe]]\nname = \"sneaky\\u001b[2J\"\nquery = \"{document}\"\n"),
        );
        let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
        let out = probe(&p, &fake, &["--json"]);
        out.code(7)
            .stderr_has(&["probe entry \"sneaky\\u{1b}[2J\" is refused", kind]);
        assert_eq!(out.json()["error"]["kind"], "probe_entry_refused", "{out}");
        assert!(!out.stderr.contains('\u{1b}'), "{out}");
        assert!(
            fake.queries().is_empty(),
            "nothing is sent: {:?}",
            fake.queries()
        );
    }
}

const APP_JS: &str = "import { gql } from '@apollo/client';\nimport REPOSITORY_FRAGMENT from '../Repository/fragments';\n\nconst GET_REPOSITORIES_OF_CURRENT_USER = gql`\n  query {\n    viewer {\n      repositories(first: 5, orderBy: { direction: DESC, field: STARGAZERS }) {\n        edges {\n          node {\n            ...repository\n          }\n        }\n      }\n    }\n  }\n  ${REPOSITORY_FRAGMENT}\n`;\n\nconst STAR_REPOSITORY = gql`\n  mutation($id: ID!) {\n    addStar(input: { starrableId: $id }) {\n      starrable {\n        id\n        viewerHasStarred\n      }\n    }\n  }\n`;\n\nexport { GET_REPOSITORIES_OF_CURRENT_USER, STAR_REPOSITORY };\n";

const FRAGMENTS_JS: &str = "import { gql } from '@apollo/client';\n\nconst REPOSITORY_FRAGMENT = gql`\n  fragment repository on Repository {\n    id\n    name\n    url\n    descriptionHTML\n    primaryLanguage {\n      name\n    }\n    owner {\n      login\n      url\n    }\n    stargazers {\n      totalCount\n    }\n    viewerHasStarred\n    watchers {\n      totalCount\n    }\n    viewerSubscription\n  }\n`;\n\nexport default REPOSITORY_FRAGMENT;\n";

fn app_project(token: &str, fragments: &str) -> Project {
    let p = course_project(token);
    std::fs::create_dir_all(p.file("src/Profile")).unwrap();
    std::fs::create_dir_all(p.file("src/Repository")).unwrap();
    std::fs::create_dir_all(p.file("node_modules/graphql-tag")).unwrap();
    p.write("src/Profile/queries.js", APP_JS);
    p.write("src/Repository/fragments.js", fragments);
    // Never read: a library's own documents.
    p.write("node_modules/graphql-tag/index.js", "gql`{ nothere }`");
    p
}

#[test]
fn a_misspelt_field_in_a_fragment_of_another_file_is_reported_at_its_place_with_what_was_meant() {
    let token = classic();
    let p = app_project(
        &token,
        &FRAGMENTS_JS.replace("    viewerHasStarred\n", "    viewerHasStared\n"),
    );
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &["--json"]);
    out.code(1);
    let json = out.json();
    assert_eq!(
        json["problems"][0]["location"], "src/Repository/fragments.js:19:5",
        "{json}"
    );
    assert_eq!(
        json["problems"][0]["message"],
        "Cannot query field \"viewerHasStared\" on type \"Repository\". Did you mean \"viewerHasStarred\"?"
    );
    let query = status_of(&json, "anonymous query");
    assert_eq!(query["status"], "invalid");
    assert_eq!(query["source"], "app");
    assert_eq!(query["location"], "src/Profile/queries.js:5:3");
    // The app's mutation is never sent; it is judged by the course's
    // addStar probe, which is sent with its made-up id.
    let star = status_of(&json, "anonymous mutation");
    assert_eq!(star["status"], "ok");
    assert_eq!(star["kind"], "mutation");
    assert!(
        fake.queries().iter().all(|q| !q.contains("$id")),
        "{:?}",
        fake.queries()
    );
    no_real_id_in_mutations(&fake);
    let out = probe(&p, &fake, &[]);
    out.code(1).stdout_has(&[
        "  ✗ anonymous query at src/Profile/queries.js:5:3: does not validate against GitHub's schema:\n      src/Repository/fragments.js:19:5: Cannot query field \"viewerHasStared\" on type \"Repository\". Did you mean \"viewerHasStarred\"?\n",
    ]);
}

#[test]
fn the_schema_is_fetched_once_cached_per_endpoint_and_refreshed_on_request() {
    let token = classic();
    let p = app_project(&token, FRAGMENTS_JS);
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &["--json"]);
    out.code(0);
    let json = out.json();
    assert_eq!(status_of(&json, "anonymous query")["status"], "ok");
    let introspections = |f: &LookAlike| {
        f.queries()
            .iter()
            .filter(|q| q.contains("__schema"))
            .count()
    };
    assert_eq!(introspections(&fake), 1);
    // The app's valid query ran, with the course's: 1 introspection, 1 for
    // the queries, 1 for the mutations.
    assert_eq!(json["requests"], 3);
    let again = probe(&p, &fake, &["--json"]);
    again.code(0);
    assert_eq!(introspections(&fake), 1, "the cached schema is used");
    assert_eq!(again.json()["requests"], 2);
    probe(&p, &fake, &["--refresh"]).code(0);
    assert_eq!(introspections(&fake), 2);
    let cache = p.home.path().join(".cache/ghenv/schemas");
    let files: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(files.len(), 1);
    // Another endpoint has its own cache.
    let other = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    probe(&p, &other, &[]).code(0);
    assert_eq!(introspections(&other), 1);
    // --no-app: no schema, no app operations.
    let plain = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let json = probe(&p, &plain, &["--no-app", "--json"]).json();
    assert_eq!(introspections(&plain), 0);
    assert!(
        json["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["source"] == "course")
    );
}

#[test]
fn every_course_operation_is_valid_against_githubs_public_schema() {
    let sdl = ghenv::graphql::schema::to_sdl(&schema_json()).unwrap();
    let schema = ghenv::graphql::schema::parse(&sdl).unwrap();
    for op in ghenv::probe::catalogue::operations() {
        if let Err(e) =
            apollo_compiler::ExecutableDocument::parse_and_validate(&schema, op.document, op.name)
        {
            panic!("{}: {}", op.name, e.errors);
        }
    }
}

#[test]
fn init_with_a_fine_grained_token_tries_the_lessons_and_still_writes_the_token() {
    let token = fine_grained();
    let p = Project::new();
    let fake = LookAlike::start(Profile::FineGrained { starring: false });
    let url = fake.url();
    let out = p.run(
        &["init", "--token-stdin", "--endpoint", &url, "--json"],
        &format!("{token}\n"),
    );
    out.code(0).never_shows(&token);
    let json = out.json();
    assert_eq!(
        json["probe"]["operations"].as_array().unwrap().len(),
        16,
        "{json}"
    );
    assert_eq!(
        status_of(&json["probe"], "add_star")["status"],
        "missing_permission"
    );
    assert!(p.read(".env").contains(&token));
    // For people: the table after the files, and a warning.
    let p = Project::new();
    let out = p.run(
        &["init", "--token-stdin", "--endpoint", &url],
        &format!("{token}\n"),
    );
    out.code(0)
        .stdout_has(&[
            "✗ add_star (mutation): the token lacks the permission Starring (read and write)",
        ])
        .stderr_has(&[
            "Will each lesson work with this token?",
            "some lessons will fail",
        ]);
    // A classic token gets it with --probe only; --no-probe turns it off.
    let classic_fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let p = Project::new();
    let url = classic_fake.url();
    let json = p
        .run(
            &["init", "--token-stdin", "--endpoint", &url, "--json"],
            &format!("{}\n", classic()),
        )
        .json();
    assert!(json.get("probe").is_none(), "{json}");
    assert_eq!(classic_fake.queries().len(), 1, "only the validation");
    let p = Project::new();
    let json = p
        .run(
            &[
                "init",
                "--token-stdin",
                "--endpoint",
                &url,
                "--probe",
                "--json",
            ],
            &format!("{}\n", classic()),
        )
        .json();
    assert_eq!(json["probe"]["requests"], 2, "{json}");
}

#[test]
fn check_probe_and_doctor_include_the_probe() {
    let token = classic();
    let p = app_project(
        &token,
        &FRAGMENTS_JS.replace("    viewerHasStarred\n", "    viewerHasStared\n"),
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let url = fake.url();
    let out = p.run(&["check", "--probe", "--endpoint", &url, "--json"], "");
    out.code(1);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert_eq!(
        json["probe"]["problems"][0]["location"],
        "src/Repository/fragments.js:19:5"
    );
    let out = p.run(&["doctor", "--endpoint", &url, "--json"], "");
    out.code(1);
    let checks = out.json();
    // The app's schema errors are the code's to fix: filed with the app,
    // not under "The token" (issue 32, item 16).
    let schema = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "app_schema")
        .unwrap_or_else(|| panic!("{checks}"))
        .clone();
    assert_eq!(schema["status"], "fail");
    assert_eq!(schema["group"], "variable");
    assert_eq!(schema["file"], "src/Repository/fragments.js");
    assert_eq!(schema["line"], 19);
    assert!(
        schema["message"]
            .as_str()
            .unwrap()
            .contains("anonymous query"),
        "{schema}"
    );
    assert!(
        schema["fix"]
            .as_str()
            .unwrap()
            .contains("src/Repository/fragments.js:19:5"),
        "{schema}"
    );
    assert!(
        !checks
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["group"] == "token" && c["status"] == "fail"),
        "{checks}"
    );
    // Fixed, every check about the token passes.
    p.write("src/Repository/fragments.js", FRAGMENTS_JS);
    let checks = p.run(&["doctor", "--endpoint", &url, "--json"], "").json();
    let probe = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "probe")
        .unwrap()
        .clone();
    assert_eq!(probe["status"], "ok", "{probe}");
    assert!(
        !checks
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "app_schema"),
        "{checks}"
    );
    // --no-probe: one request.
    let before = fake.queries().len();
    p.run(&["doctor", "--no-probe", "--endpoint", &url, "--json"], "");
    assert_eq!(fake.queries().len(), before + 1);
}

#[test]
fn a_hostile_server_can_neither_paint_the_terminal_nor_echo_the_token_nor_get_an_ok() {
    use crate::common::{FakeGitHub, Reply};
    let token = classic();
    let p = course_project(&token);
    let evil = format!("\u{1b}]0;pwned\u{7}\u{1b}[2J{token}\u{202e}");
    let queries = serde_json::json!({
        "data": null,
        "errors": [{"type": "SOMETHING_NEW", "message": evil}],
    });
    let mutations = serde_json::json!({
        "data": {},
        "errors": [{"type": "FORBIDDEN", "path": ["p4_addStar"], "message": format!("Resource protected by organization SAML enforcement {evil} https://evil.example/{token}")}],
    });
    // Each document fails as a whole, so each is split down to one
    // operation: answer every request the same way.
    let serve = |body: &Value| {
        FakeGitHub::start(vec![
            Reply::json(200, "OK", &body.to_string())
                .header("X-OAuth-Scopes", COURSE_SCOPES);
            40
        ])
        .at_most()
    };
    let fake = serve(&queries);
    let url = fake.url();
    let out = p.run(&["probe", "--no-app", "--endpoint", &url], "");
    out.code(0).never_shows(&token);
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'),
        "{out}"
    );
    assert!(!out.stdout.contains('\u{202e}'), "{out}");
    assert!(out.stdout.contains("? viewer: cannot tell:"), "{out}");
    // Unknown answers are never ok; --strict makes them fail.
    let fake = serve(&queries);
    let url = fake.url();
    let json = p.run(
        &[
            "probe",
            "--no-app",
            "--endpoint",
            &url,
            "--json",
            "--strict",
        ],
        "",
    );
    json.code(4).never_shows(&token);
    let json = json.json();
    assert!(
        statuses(&json).iter().all(|(_, s)| s == "unknown"),
        "{json}"
    );
    let fake = serve(&mutations);
    let url = fake.url();
    let out = p.run(&["probe", "--no-app", "--endpoint", &url], "");
    out.code(4).never_shows(&token);
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
}

#[test]
fn apollo_client_local_state_and_directives_validate_and_are_never_sent() {
    // Issue 35: a working Apollo app marks local fields with @client and
    // uses Apollo's own directives; Apollo strips them before sending.
    let token = classic();
    let p = app_project(&token, FRAGMENTS_JS);
    p.write(
        "src/Profile/local.js",
        "import { gql } from '@apollo/client';\nexport const ME = gql`\n  query Me {\n    isLoggedIn @client\n    viewer @connection(key: \"me\") {\n      login\n      isFavourite @client\n      name @nonreactive\n    }\n  }\n`;\nexport const LOCAL = gql`\n  query Cart { cart @client { items } }\n`;\n",
    );
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &["--json"]);
    out.code(0);
    let json = out.json();
    assert_eq!(status_of(&json, "Me")["status"], "ok", "{json}");
    assert!(
        json["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"] != "Cart"),
        "local state is never an operation of GitHub's: {json}"
    );
    for q in fake.queries() {
        for gone in [
            "@client",
            "isLoggedIn",
            "isFavourite",
            "@connection",
            "@nonreactive",
        ] {
            assert!(!q.contains(gone), "{gone} was sent: {q}");
        }
    }
}

#[test]
fn the_course_vanilla_apps_untagged_documents_are_found_and_the_count_is_said() {
    // The course's vanilla repository posts plain template strings with
    // axios; an operation that needs a variable is "not run", never
    // "could not tell"; and a project without GraphQL says so.
    let token = classic();
    let p = course_project(&token);
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/App.js",
        "import axios from 'axios';\nconst GET_ORGANIZATION = `\n  {\n    organization(login: \"the-road-to-learn-react\") {\n      name\n      url\n    }\n  }\n`;\nconst GET_ISSUES_OF_REPOSITORY = `\n  query ($organization: String!, $repository: String!) {\n    organization(login: $organization) {\n      name\n      repository(name: $repository) { name }\n    }\n  }\n`;\nconst label = `Show more`;\n",
    );
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &[]);
    out.code(0).stdout_has(&[
        "app: 2 GraphQL documents in src/App.js",
        "not run: it needs a value for $organization",
    ]);
    let json = probe(&p, &fake, &["--json"]).json();
    assert_eq!(json["app"]["documents"], 2, "{json}");
    // No GraphQL at all: said, not silent.
    let empty = course_project(&token);
    empty.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    probe(&empty, &fake, &[]).stdout_has(&["app: no GraphQL documents found"]);
}

#[test]
fn a_deprecated_field_the_app_uses_is_a_warning_with_githubs_reason_and_strict_fails() {
    let token = classic();
    let p = course_project(&token);
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/issues.graphql",
        "query Timeline {\n  repository(owner: \"o\", name: \"r\") {\n    issue(number: 1) {\n      timeline(first: 1) { totalCount }\n    }\n  }\n}\n",
    );
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &[]);
    out.code(0).stdout_has(&[
        "src/issues.graphql:4:7: Issue.timeline is deprecated:",
        "Use Issue.timelineItems instead",
    ]);
    let json = probe(&p, &fake, &["--json"]).json();
    assert_eq!(
        json["deprecations"][0]["location"], "src/issues.graphql:4:7",
        "{json}"
    );
    probe(&p, &fake, &["--strict"]).code(1);
}

#[test]
fn schema_writes_githubs_schema_without_the_token_and_a_graphqlrc_pointing_at_it() {
    let token = classic();
    let p = course_project(&token);
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let url = fake.url();
    let out = p.run(
        &["schema", "--endpoint", &url, "--out", "github.graphql"],
        "",
    );
    out.code(0).never_shows(&token);
    let sdl = p.read("github.graphql");
    assert!(
        sdl.contains("type Issue "),
        "{}",
        &sdl[..200.min(sdl.len())]
    );
    assert!(sdl.contains("@deprecated(reason:"));
    assert!(!sdl.contains(&token));
    let rc = p.read(".graphqlrc.yml");
    assert!(rc.contains("schema: github.graphql"), "{rc}");
    assert!(!rc.contains(&token));
    // A graphql-config of the user's is never rewritten; stdout and JSON.
    p.write(".graphqlrc.yml", "schema: mine.graphql\n");
    p.run(
        &["schema", "--endpoint", &url, "--out", "github.graphql"],
        "",
    )
    .code(0);
    assert_eq!(p.read(".graphqlrc.yml"), "schema: mine.graphql\n");
    let out = p.run(&["schema", "--endpoint", &url], "");
    out.code(0);
    assert!(out.stdout.contains("type Query"), "SDL on stdout");
    let out = p.run(&["schema", "--endpoint", &url, "--introspection"], "");
    out.code(0).never_shows(&token);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        json["data"]["__schema"]["types"].is_array() || json["__schema"]["types"].is_array(),
        "{}",
        &out.stdout[..300.min(out.stdout.len())]
    );
}

#[test]
fn a_graphqlrc_chooses_the_documents_and_its_local_schema_extends_githubs() {
    // Issue 35: graphql-config's `documents` replace ghenv's own search (a
    // broken document elsewhere is not read), and a local schema file
    // listed beside GitHub's extends it: a field it adds is valid, and an
    // operation that uses it is checked but never sent.
    let token = classic();
    let p = course_project(&token);
    for dir in ["queries/profile", "src"] {
        std::fs::create_dir_all(p.file(dir)).unwrap();
    }
    p.write(
        "config.toml",
        "version = 1\ntemplate = \"react\"\n\n[probe]\ncourse = false\n",
    );
    p.write(
        ".graphqlrc.yml",
        "schema:\n  - https://api.github.com/graphql\n  - src/local.graphql\ndocuments: 'queries/**/*.graphql'\nextensions:\n  codegen:\n    require: ./never-run.js\n",
    );
    p.write(
        "src/local.graphql",
        "extend type Repository {\n  isFavourite: Boolean\n}\n",
    );
    p.write(
        "queries/profile/me.graphql",
        "query Me { viewer { login } }\n",
    );
    p.write(
        "queries/favourite.graphql",
        "query Favourite {\n  repository(owner: \"the-road-to-learn-react\", name: \"the-road-to-learn-react\") {\n    name\n    isFavourite\n  }\n}\n",
    );
    p.write(
        "src/Broken.js",
        "const Q = gql`query Broken { viewer { nmae } }`;\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let out = probe(&p, &fake, &["--json"]);
    out.code(0).never_shows(&token);
    let json = out.json();
    assert_eq!(json["app"]["documents"], 2, "{json}");
    assert_eq!(json["app"]["config"], ".graphqlrc.yml", "{json}");
    assert_eq!(status_of(&json, "Me")["status"], "ok", "{json}");
    let favourite = status_of(&json, "Favourite");
    assert_eq!(favourite["status"], "not_run", "{json}");
    assert!(
        favourite["message"]
            .as_str()
            .unwrap()
            .contains("local schema"),
        "{json}"
    );
    assert!(
        json["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"] != "Broken"),
        "src/Broken.js is outside the documents: {json}"
    );
    assert!(json.get("problems").is_none(), "{json}");
    for q in fake.queries() {
        assert!(!q.contains("isFavourite"), "a local field was sent: {q}");
    }
    // The human output says where the documents came from.
    probe(&p, &fake, &[]).code(0).stdout_has(&[
        "app: 2 GraphQL documents in queries/favourite.graphql, queries/profile/me.graphql (the documents .graphqlrc.yml names)",
    ]);
    // Without the local schema the field is GitHub's error.
    p.write(
        ".graphqlrc.yml",
        "schema: https://api.github.com/graphql\ndocuments: 'queries/**/*.graphql'\n",
    );
    let out = probe(&p, &fake, &["--json"]);
    out.code(1);
    assert!(
        out.stdout
            .contains("Cannot query field \\\"isFavourite\\\" on type \\\"Repository\\\""),
        "{out}"
    );
    // A program config is said not to be read.
    p.write(
        "graphql.config.ts",
        "export default { schema: 'https://api.github.com/graphql' }\n",
    );
    probe(&p, &fake, &["--json"]).stderr_has(&["graphql.config.ts is a program", "not read"]);
}

#[test]
fn init_writes_githubs_schema_and_a_graphqlrc_for_an_app_with_graphql() {
    // Issue 35: the editor's GraphQL tools get the schema with no token in
    // any config.
    let token = classic();
    let p = Project::new();
    std::fs::create_dir_all(p.file("src")).unwrap();
    p.write(
        "src/queries.js",
        "import { gql } from '@apollo/client';\nexport const Q = gql`query Me { viewer { login } }`;\n",
    );
    let fake = LookAlike::start(Profile::Classic(COURSE_SCOPES));
    let url = fake.url();
    let out = p.run(
        &["init", "--token-stdin", "--endpoint", &url, "--no-probe"],
        &token,
    );
    out.code(0)
        .never_shows(&token)
        .stderr_has(&["Wrote github.graphql", ".graphqlrc.yml"]);
    assert!(p.read("github.graphql").contains("type Query"));
    assert!(!p.read("github.graphql").contains(&token));
    assert!(p.read(".graphqlrc.yml").contains("schema: github.graphql"));
    // A graphql-config of the user's is never rewritten.
    p.write(".graphqlrc.yml", "schema: mine.graphql\n");
    p.run(
        &["init", "--token-stdin", "--endpoint", &url, "--no-probe"],
        &token,
    )
    .code(0);
    assert_eq!(p.read(".graphqlrc.yml"), "schema: mine.graphql\n");
    // Offline, nothing is fetched.
    let q = Project::new();
    std::fs::create_dir_all(q.file("src")).unwrap();
    q.write(
        "src/queries.js",
        "export const Q = gql`{ viewer { login } }`;\n",
    );
    q.run(&["init", "--token-stdin", "--offline"], &token)
        .code(0);
    assert!(!q.exists("github.graphql") && !q.exists(".graphqlrc.yml"));
}
