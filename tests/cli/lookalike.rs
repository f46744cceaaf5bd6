//! A GitHub GraphQL look-alike for the probe: it reads each document (with
//! apollo-compiler, as a server would), answers queries with data in
//! GitHub's shapes (handing out ids it records), refuses mutations as
//! GitHub does for each kind of token (`../shared/course-operations.md`),
//! answers introspection with GitHub's public schema from
//! `@octokit/graphql-schema` (vendored in tests/fixtures/), and records every id a
//! mutation carried.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use apollo_compiler::ast::{self, Definition, Selection, Value};
use serde_json::{Map, Value as Json, json};

use crate::common::{Recorded, Reply, serve_with};

/// Which token the look-alike pretends it was given.
#[derive(Clone, Debug)]
pub enum Profile {
    /// A classic token with these scopes (`X-OAuth-Scopes`).
    Classic(&'static str),
    /// A fine-grained token; `starring`: it has Starring (write).
    FineGrained { starring: bool },
    /// A classic token with every scope, not yet authorized for the
    /// course's organization, which enforces SAML SSO.
    Sso,
}

/// GitHub's public schema as the introspection answer GitHub gives.
/// Vendored in `tests/fixtures/` (see its README), so `cargo test` alone
/// runs the probe's tests, with no `npm ci`.
pub fn schema_json() -> Json {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github-schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    handed_out: Vec<String>,
    mutation_ids: Vec<String>,
}

pub struct LookAlike {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl LookAlike {
    pub fn start(profile: Profile) -> LookAlike {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, halt) = (Arc::clone(&state), Arc::clone(&stop));
        let handle = thread::spawn(move || {
            let schema = std::sync::OnceLock::new();
            for stream in listener.incoming() {
                if halt.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let recorded = Mutex::new(Vec::new());
                serve_with(stream, &recorded, |request| {
                    answer(&profile, request, &st, &schema)
                });
                st.lock()
                    .unwrap()
                    .requests
                    .extend(recorded.into_inner().unwrap());
            }
        });
        LookAlike {
            port,
            state,
            stop,
            handle: Some(handle),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/graphql", self.port)
    }

    /// The GraphQL documents ghenv sent, in order.
    pub fn queries(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .map(|r| {
                let body: Json = serde_json::from_str(&r.body).unwrap_or(Json::Null);
                body["query"].as_str().unwrap_or("").to_owned()
            })
            .collect()
    }

    /// Every id the look-alike put in an answer.
    pub fn handed_out(&self) -> Vec<String> {
        self.state.lock().unwrap().handed_out.clone()
    }

    /// Every string a mutation's input carried.
    pub fn mutation_ids(&self) -> Vec<String> {
        self.state.lock().unwrap().mutation_ids.clone()
    }
}

impl Drop for LookAlike {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn answer(
    profile: &Profile,
    request: &Recorded,
    state: &Mutex<State>,
    schema: &std::sync::OnceLock<String>,
) -> Reply {
    let with_headers = |reply: Reply| match profile {
        Profile::Classic(scopes) => reply.header("X-OAuth-Scopes", scopes),
        Profile::Sso => reply.header("X-OAuth-Scopes", crate::common::COURSE_SCOPES),
        Profile::FineGrained { .. } => reply,
    };
    let body: Json = serde_json::from_str(&request.body).unwrap_or(Json::Null);
    let query = body["query"].as_str().unwrap_or("");
    if query.contains("GhenvValidate") {
        return with_headers(Reply::json(
            200,
            "OK",
            r#"{"data":{"viewer":{"login":"octocat","name":"The Octocat"},"rateLimit":{"limit":5000,"remaining":4990,"resetAt":"2030-01-01T00:00:00Z"}}}"#,
        ));
    }
    if query.contains("__schema") {
        let text = schema.get_or_init(|| json!({ "data": schema_json() }).to_string());
        return with_headers(Reply::json(200, "OK", text));
    }
    let Ok(document) = ast::Document::parse(query, "request.graphql") else {
        return with_headers(Reply::json(
            200,
            "OK",
            r#"{"errors":[{"message":"Parse error on request"}]}"#,
        ));
    };
    let fragments: BTreeMap<String, Vec<Selection>> = document
        .definitions
        .iter()
        .filter_map(|d| match d {
            Definition::FragmentDefinition(f) => {
                Some((f.name.to_string(), f.selection_set.clone()))
            }
            _ => None,
        })
        .collect();
    let Some(op) = document.definitions.iter().find_map(|d| match d {
        Definition::OperationDefinition(op) => Some(op.clone()),
        _ => None,
    }) else {
        return with_headers(Reply::json(
            200,
            "OK",
            r#"{"errors":[{"message":"no operation"}]}"#,
        ));
    };
    let variables = body["variables"].as_object().cloned().unwrap_or_default();
    let mut state = state.lock().unwrap();
    let mut data = Map::new();
    let mut errors = Vec::new();
    let mut sso = false;
    if op.operation_type == ast::OperationType::Mutation {
        let mut missing = Vec::new();
        for s in &op.selection_set {
            let Selection::Field(f) = s else { continue };
            let key = f.alias.as_ref().unwrap_or(&f.name).to_string();
            let mut ids = Vec::new();
            for a in &f.arguments {
                strings(&a.value, &variables, &mut ids);
            }
            state.mutation_ids.extend(ids.iter().cloned());
            let (scopes, permission): (&[&str], bool) = match f.name.as_str() {
                "addStar" | "removeStar" => (&["public_repo", "repo"], true),
                "updateSubscription" => (&["notifications", "repo"], true),
                _ => (&["public_repo", "repo"], true),
            };
            match profile {
                Profile::Classic(granted) if !scopes.iter().any(|s| has_scope(granted, s)) => {
                    missing.push(json!({
                        "type": "INSUFFICIENT_SCOPES",
                        "locations": [{"line": 1, "column": 1}],
                        "message": format!("Your token has not been granted the required scopes to execute this query. The '{}' field requires one of the following scopes: ['{}'], but your token has only been granted the: ['{}'] scopes. Please modify your token's scopes at: https://github.com/settings/tokens.", f.name, scopes[0], granted.replace(", ", "', '")),
                    }));
                    continue;
                }
                Profile::FineGrained { starring }
                    if permission
                        && (matches!(f.name.as_str(), "addStar" | "removeStar") && !starring
                            || f.name.as_str() == "updateSubscription") =>
                {
                    data.insert(key.clone(), Json::Null);
                    errors.push(json!({"type": "FORBIDDEN", "path": [key], "locations": [{"line": 1, "column": 1}], "message": "Resource not accessible by personal access token"}));
                    continue;
                }
                _ => {}
            }
            data.insert(key.clone(), Json::Null);
            let id = ids.first().cloned().unwrap_or_default();
            errors.push(json!({"type": "NOT_FOUND", "path": [key], "locations": [{"line": 1, "column": 1}], "message": format!("Could not resolve to a node with the global id of '{id}'")}));
        }
        if !missing.is_empty() {
            let body = json!({"data": null, "errors": missing}).to_string();
            return with_headers(Reply::json(200, "OK", &body));
        }
    } else {
        let mut scope_errors = Vec::new();
        for s in &op.selection_set {
            let Selection::Field(f) = s else { continue };
            let key = f.alias.as_ref().unwrap_or(&f.name).to_string();
            let org_data = matches!(f.name.as_str(), "organization" | "repository");
            if matches!(profile, Profile::Sso) && org_data {
                sso = true;
                data.insert(key.clone(), Json::Null);
                errors.push(json!({"type": "FORBIDDEN", "path": [key], "extensions": {"saml_failure": true}, "locations": [{"line": 1, "column": 1}], "message": "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization."}));
                continue;
            }
            if let Profile::Classic(granted) = profile
                && selects(&f.selection_set, &fragments, "email")
                && !has_scope(granted, "user:email")
                && !has_scope(granted, "read:user")
            {
                scope_errors.push(json!({"type": "INSUFFICIENT_SCOPES", "locations": [{"line": 1, "column": 1}], "message": format!("Your token has not been granted the required scopes to execute this query. The 'email' field requires one of the following scopes: ['user:email', 'read:user'], but your token has only been granted the: ['{}'] scopes. Please modify your token's scopes at: https://github.com/settings/tokens.", granted.replace(", ", "', '"))}));
                continue;
            }
            let value = object(&f.selection_set, &fragments, &mut state.handed_out);
            data.insert(key, value);
        }
        if !scope_errors.is_empty() {
            let body = json!({"data": null, "errors": scope_errors}).to_string();
            return with_headers(Reply::json(200, "OK", &body));
        }
    }
    let mut body = json!({ "data": data });
    if !errors.is_empty() {
        body["errors"] = Json::Array(errors);
    }
    let reply = with_headers(Reply::json(200, "OK", &body.to_string()));
    if sso {
        reply.header(
            "X-GitHub-SSO",
            "required; url=https://github.com/orgs/the-road-to-learn-react/sso?authorization_request=AZSCKtL4",
        )
    } else {
        reply
    }
}

fn has_scope(granted: &str, scope: &str) -> bool {
    granted.split(',').any(|g| {
        let g = g.trim();
        g == scope || g == "repo" && scope == "public_repo"
    })
}

fn strings(value: &Value, variables: &Map<String, Json>, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Variable(v) => {
            if let Some(Json::String(s)) = variables.get(v.as_str()) {
                out.push(s.clone());
            }
        }
        Value::List(items) => items.iter().for_each(|i| strings(i, variables, out)),
        Value::Object(fields) => fields.iter().for_each(|(_, v)| strings(v, variables, out)),
        _ => {}
    }
}

fn selects(
    selections: &[Selection],
    fragments: &BTreeMap<String, Vec<Selection>>,
    name: &str,
) -> bool {
    selections.iter().any(|s| match s {
        Selection::Field(f) => f.name == name || selects(&f.selection_set, fragments, name),
        Selection::FragmentSpread(f) => fragments
            .get(f.fragment_name.as_str())
            .is_some_and(|set| selects(set, fragments, name)),
        Selection::InlineFragment(f) => selects(&f.selection_set, fragments, name),
    })
}

/// Data in the shape the selection asks for: one item in every list,
/// a fresh id for every `id`.
fn object(
    selections: &[Selection],
    fragments: &BTreeMap<String, Vec<Selection>>,
    ids: &mut Vec<String>,
) -> Json {
    let mut map = Map::new();
    fill(selections, fragments, ids, &mut map);
    Json::Object(map)
}

fn fill(
    selections: &[Selection],
    fragments: &BTreeMap<String, Vec<Selection>>,
    ids: &mut Vec<String>,
    map: &mut Map<String, Json>,
) {
    for s in selections {
        match s {
            Selection::Field(f) => {
                let key = f.alias.as_ref().unwrap_or(&f.name).to_string();
                let name = f.name.as_str();
                let value = if !f.selection_set.is_empty() {
                    let item = object(&f.selection_set, fragments, ids);
                    if matches!(name, "edges" | "nodes") {
                        json!([item])
                    } else {
                        item
                    }
                } else if name == "id" {
                    let id = format!("R_kgDOH{:05}", ids.len() + 1);
                    ids.push(id.clone());
                    json!(id)
                } else if matches!(name, "totalCount" | "forkCount" | "number") {
                    json!(1)
                } else if name.starts_with("viewerHas") || name.starts_with("has") {
                    json!(false)
                } else if name == "viewerSubscription" {
                    json!("UNSUBSCRIBED")
                } else {
                    json!("the-road-to-learn-react")
                };
                map.insert(key, value);
            }
            Selection::FragmentSpread(f) => {
                if let Some(set) = fragments.get(f.fragment_name.as_str()) {
                    fill(set, fragments, ids, map);
                }
            }
            Selection::InlineFragment(f) => fill(&f.selection_set, fragments, ids, map),
        }
    }
}
