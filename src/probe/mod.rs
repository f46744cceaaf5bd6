//! The probe: will each of the course's (and the team's, and the app's)
//! operations work with this token? Queries are run for real; mutations are
//! sent with a node id that cannot exist and judged by how GitHub refuses
//! them (see [`classify`]). Nothing here prints or reads files: the caller
//! gives the operations and a function that sends one document.
//!
//! Few requests: the queries go in one document, each operation's
//! top-level fields aliased `p<N>_…`, its variables renamed `$p<N>_…` and
//! its fragments `…_p<N>`; the mutations likewise in a second one. When
//! GitHub fails a whole document (a missing scope nulls `data`), it is split
//! in halves until each failure is pinned to its operation.

pub mod catalogue;
pub mod session;

use std::collections::BTreeSet;

use apollo_compiler::Name;
use apollo_compiler::Node;
use apollo_compiler::ast::{self, Definition, OperationType, Selection, Value};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::github::{GithubError, GraphQlAnswer};
use catalogue::Needs;

/// Query or mutation: the probe runs queries for real, and tries a
/// mutation only with an id that cannot exist.
pub use crate::graphql::Kind;

/// Where an operation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// ghenv's catalogue of the course.
    Course,
    /// A `[[probe]]` entry of config.toml.
    Config,
    /// The project's own code.
    App,
}

/// What the probe concluded about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It works with this token.
    Ok,
    /// A classic token lacks a scope GitHub named.
    MissingScopes,
    /// A fine-grained token lacks a permission.
    MissingPermission,
    /// An organization requires SAML single sign-on for this token.
    SsoRequired,
    /// Refused for another reason (an organization's policy, or what a
    /// fine-grained token can never do).
    Forbidden,
    /// The app's operation does not validate against GitHub's schema.
    Invalid,
    /// GitHub's answer says neither yes nor no.
    Unknown,
    /// Valid, and not sent: it needs a variable's value, is a subscription,
    /// or is an app mutation the course has no probe for. Neither a yes
    /// nor a "could not tell".
    NotRun,
}

impl Status {
    /// Whether the token lacks something the operation needs (exit 4).
    pub fn lacks(self) -> bool {
        matches!(
            self,
            Status::MissingScopes
                | Status::MissingPermission
                | Status::SsoRequired
                | Status::Forbidden
        )
    }
}

/// An operation to probe.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its name in the report.
    pub name: String,
    /// The lesson (course), `config.toml` (team) or file (app).
    pub lesson: String,
    /// Where it comes from.
    pub source: Source,
    /// Query or mutation.
    pub kind: Kind,
    /// One operation and the fragments it uses.
    pub document: ast::Document,
    /// Values for its variables.
    pub variables: Map<String, Json>,
    /// What it needs from a token.
    pub needs: Needs,
    /// `file:line:column`, for the app's operations.
    pub location: Option<String>,
    /// What to do with it.
    pub plan: Plan,
    /// Whether it is in the report (a course probe sent only to judge an
    /// app mutation is not).
    pub shown: bool,
}

/// How an operation is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Sent (queries for real, mutations with made-up ids).
    Send,
    /// Not sent: the outcome is known without asking.
    Known(Status, String),
    /// An app mutation: never sent; judged by the course probes it names.
    Like(Vec<String>),
}

/// The probe's conclusion about one operation (`--json`'s `operations`).
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The operation's name.
    pub name: String,
    /// Its lesson, `config.toml`, or the app's file.
    pub lesson: String,
    /// `course`, `config` or `app`.
    pub source: Source,
    /// `query` or `mutation`.
    pub kind: Kind,
    /// The verdict.
    pub status: Status,
    /// What it needs: the scopes GitHub named, or the permission.
    pub needs: Vec<String>,
    /// GitHub's words, or ghenv's reason; empty when ok.
    pub message: String,
    /// `file:line:column`, for the app's operations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Every outcome, and how many requests it took.
#[derive(Debug, Clone, Serialize)]
pub struct Probed {
    /// One per reported operation, in the order given.
    pub operations: Vec<Outcome>,
    /// Requests sent to GitHub.
    pub requests: usize,
}

/// Sends one document with its variables.
pub type Send<'a> = dyn FnMut(&str, &Json) -> Result<GraphQlAnswer, GithubError> + 'a;

/// Why a document cannot be probed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not GraphQL.
    #[error("it is not a GraphQL document: {0}")]
    Syntax(String),
    /// No operation, or more than one.
    #[error("it must hold exactly one operation, and holds {0}")]
    Operations(usize),
    /// A mutation or subscription where only queries may come.
    #[error("it is a {0}; only queries may be probed from config.toml")]
    NotAQuery(&'static str),
    /// Something other than operations and fragments.
    #[error("it holds a type definition")]
    TypeDefinition,
    /// Too deep or too large to parse ([`crate::graphql::limits`]).
    #[error("{0}")]
    TooLarge(crate::graphql::limits::TooLarge),
}

/// Parses `text` as one operation and its fragments.
///
/// # Errors
/// [`DocumentError`].
pub fn parse_one(text: &str, path: &str) -> Result<(ast::Document, Kind), DocumentError> {
    use crate::graphql::limits;
    limits::measure(text).map_err(DocumentError::TooLarge)?;
    let document = apollo_compiler::parser::Parser::new()
        .recursion_limit(limits::PARSER_RECURSION)
        .token_limit(limits::PARSER_TOKENS)
        .parse_ast(text, path)
        .map_err(|e| {
            DocumentError::Syntax(
                e.errors
                    .iter()
                    .next()
                    .map(|d| {
                        let at = d
                            .line_column_range()
                            .map(|r| format!("line {}, column {}: ", r.start.line, r.start.column))
                            .unwrap_or_default();
                        format!("{at}{}", d.error)
                    })
                    .unwrap_or_default(),
            )
        })?;
    let mut kinds = Vec::new();
    for definition in &document.definitions {
        match definition {
            Definition::OperationDefinition(op) => kinds.push(op.operation_type),
            Definition::FragmentDefinition(_) => {}
            _ => return Err(DocumentError::TypeDefinition),
        }
    }
    let [kind] = kinds[..] else {
        return Err(DocumentError::Operations(kinds.len()));
    };
    let kind = match kind {
        OperationType::Query => Kind::Query,
        OperationType::Mutation => Kind::Mutation,
        OperationType::Subscription => return Err(DocumentError::NotAQuery("subscription")),
    };
    Ok((document, kind))
}

/// The root type a query document's fragments name (`... on Mutation`,
/// `fragment f on Subscription`): a way to put mutation fields in a
/// query that ghenv refuses rather than trust the server to reject.
pub fn names_root_type(document: &ast::Document) -> Option<&'static str> {
    fn condition(name: &str) -> Option<&'static str> {
        match name {
            "Mutation" => Some("Mutation"),
            "Subscription" => Some("Subscription"),
            _ => None,
        }
    }
    fn walk(selections: &[Selection]) -> Option<&'static str> {
        selections.iter().find_map(|s| match s {
            Selection::Field(f) => walk(&f.selection_set),
            Selection::FragmentSpread(_) => None,
            Selection::InlineFragment(f) => f
                .type_condition
                .as_ref()
                .and_then(|t| condition(t.as_str()))
                .or_else(|| walk(&f.selection_set)),
        })
    }
    document.definitions.iter().find_map(|d| match d {
        Definition::OperationDefinition(op) => walk(&op.selection_set),
        Definition::FragmentDefinition(f) => {
            condition(f.type_condition.as_str()).or_else(|| walk(&f.selection_set))
        }
        _ => None,
    })
}

/// Whether the operation selects a fragment at its top (`query { ...f }`):
/// its fields could not be aliased into a shared document.
pub fn top_level_fragment(document: &ast::Document) -> bool {
    document.definitions.iter().any(|d| match d {
        Definition::OperationDefinition(op) => op
            .selection_set
            .iter()
            .any(|s| !matches!(s, Selection::Field(_))),
        _ => false,
    })
}

/// Runs the probe: the queries first, then the mutations.
///
/// `fine_grained`: the token has permissions, not scopes (fine-grained
/// personal access tokens and GitHub App tokens).
///
/// # Errors
/// A [`GithubError`] when GitHub cannot be reached or rejects the token:
/// then nothing can be concluded.
pub fn run(
    operations: &[Operation],
    fine_grained: bool,
    send: &mut Send<'_>,
) -> Result<Probed, GithubError> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; operations.len()];
    let mut requests = 0;
    let mut seen_ids = BTreeSet::new();
    for kind in [Kind::Query, Kind::Mutation] {
        let group: Vec<usize> = (0..operations.len())
            .filter(|&i| operations[i].kind == kind && operations[i].plan == Plan::Send)
            .collect();
        if group.is_empty() {
            continue;
        }
        if kind == Kind::Mutation
            && let Some(id) = catalogue::MADE_UP_IDS
                .iter()
                .find(|id| seen_ids.contains(**id))
        {
            // GitHub handed out one of the ids that are meant not to exist:
            // a mutation with it could act on something real.
            for i in group {
                outcomes[i] = Some(outcome(
                    &operations[i],
                    Status::Unknown,
                    Vec::new(),
                    format!(
                        "not tried: GitHub answered with the id {id}, which ghenv uses as one that cannot exist"
                    ),
                ));
            }
            continue;
        }
        let mut ctx = Context {
            operations,
            fine_grained,
            send,
            requests: &mut requests,
            outcomes: &mut outcomes,
            seen_ids: &mut seen_ids,
        };
        ctx.probe(&group)?;
    }
    for (i, op) in operations.iter().enumerate() {
        match &op.plan {
            Plan::Known(status, message) => {
                outcomes[i] = Some(outcome(
                    op,
                    *status,
                    needs_list(op.needs, fine_grained),
                    message.clone(),
                ));
            }
            Plan::Like(names) => {
                let judged: Vec<&Outcome> = names
                    .iter()
                    .filter_map(|n| {
                        operations
                            .iter()
                            .position(|o| o.source == Source::Course && &o.name == n)
                            .and_then(|j| outcomes[j].as_ref())
                    })
                    .collect();
                let worst = judged
                    .iter()
                    .copied()
                    .filter(|o| o.status != Status::Ok)
                    .max_by_key(|o| severity(o.status));
                outcomes[i] = Some(match (worst, judged.len() == names.len() && !names.is_empty()) {
                    (Some(w), _) => Outcome {
                        message: format!("not run (ghenv never runs the app's mutations); as the course's {}: {}", w.name, w.message),
                        ..outcome(op, w.status, w.needs.clone(), String::new())
                    },
                    (None, true) => outcome(
                        op,
                        Status::Ok,
                        needs_list(op.needs, fine_grained),
                        String::new(),
                    ),
                    // Whether the token could do it is unknown, not merely
                    // untried: --strict fails on it.
                    (None, false) => outcome(
                        op,
                        Status::Unknown,
                        Vec::new(),
                        "not run: ghenv never runs the app's mutations, and has no probe for this one".into(),
                    ),
                });
            }
            Plan::Send => {}
        }
    }
    Ok(Probed {
        operations: operations
            .iter()
            .zip(outcomes)
            .filter(|(op, _)| op.shown)
            .filter_map(|(_, o)| o)
            .collect(),
        requests,
    })
}

/// How bad a status is, to pick the one that decides.
fn severity(status: Status) -> u8 {
    match status {
        Status::Ok | Status::NotRun => 0,
        Status::Unknown => 1,
        Status::Invalid => 2,
        Status::Forbidden => 3,
        Status::MissingPermission => 4,
        Status::MissingScopes => 5,
        Status::SsoRequired => 6,
    }
}

fn outcome(op: &Operation, status: Status, needs: Vec<String>, message: String) -> Outcome {
    Outcome {
        name: op.name.clone(),
        lesson: op.lesson.clone(),
        source: op.source,
        kind: op.kind,
        status,
        needs,
        message,
        location: op.location.clone(),
    }
}

/// What `needs` asks of this kind of token, as words.
fn needs_list(needs: Needs, fine_grained: bool) -> Vec<String> {
    if fine_grained {
        needs.permission.map(str::to_owned).into_iter().collect()
    } else {
        needs
            .scopes
            .iter()
            .take(1)
            .map(|s| (*s).to_owned())
            .collect()
    }
}

struct Context<'a, 'b, 's> {
    operations: &'a [Operation],
    fine_grained: bool,
    send: &'b mut Send<'s>,
    requests: &'b mut usize,
    outcomes: &'b mut Vec<Option<Outcome>>,
    seen_ids: &'b mut BTreeSet<String>,
}

impl Context<'_, '_, '_> {
    /// Sends `group` as one document; splits it when the answer cannot be
    /// pinned to each operation.
    fn probe(&mut self, group: &[usize]) -> Result<(), GithubError> {
        if *self.requests >= MAX_REQUESTS {
            for &i in group {
                self.outcomes[i] = Some(outcome(
                    &self.operations[i],
                    Status::Unknown,
                    Vec::new(),
                    format!("not tried: ghenv sends at most {MAX_REQUESTS} requests in one probe"),
                ));
            }
            return Ok(());
        }
        let (text, variables) = combine(self.operations, group);
        *self.requests += 1;
        let answer = (self.send)(&text, &Json::Object(variables))?;
        // A rate limit is no verdict on the token: stop asking.
        if let Some(limited) = answer
            .body
            .get("errors")
            .and_then(Json::as_array)
            .and_then(|e| {
                e.iter().find(|e| {
                    [
                        e.get("type"),
                        e.get("extensions").and_then(|x| x.get("code")),
                    ]
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .any(|t| t.eq_ignore_ascii_case("RATE_LIMITED"))
                })
            })
        {
            return Err(GithubError::RateLimited {
                message: crate::text::truncate(
                    limited
                        .get("message")
                        .and_then(Json::as_str)
                        .unwrap_or("RATE_LIMITED"),
                    200,
                ),
                retry: crate::github::Retry::Unknown,
            });
        }
        collect_ids(
            answer.body.get("data").unwrap_or(&Json::Null),
            self.seen_ids,
        );
        let errors: Vec<&Json> = answer
            .body
            .get("errors")
            .and_then(Json::as_array)
            .map(|e| e.iter().collect())
            .unwrap_or_default();
        let data = answer.body.get("data").and_then(Json::as_object);
        if let [only] = group {
            let op = &self.operations[*only];
            let has_data = data.is_some_and(|d| d.values().any(|v| !v.is_null()));
            self.outcomes[*only] = Some(classify(
                op,
                &errors,
                has_data,
                answer.sso.as_deref(),
                self.fine_grained,
            ));
            return Ok(());
        }
        // Pin each error to its operation by the alias at the head of its
        // path; an error without one, or a whole document without data,
        // cannot be pinned.
        let owner = |e: &Json| -> Option<usize> {
            let head = e.get("path")?.as_array()?.first()?.as_str()?;
            group
                .iter()
                .copied()
                .find(|&i| head.starts_with(&prefix(i)))
        };
        // Data under a key no operation asked for is an answer ghenv
        // cannot read either.
        let keys_known = data.is_some_and(|d| {
            d.keys()
                .all(|k| group.iter().any(|&i| k.starts_with(&prefix(i))))
        });
        let pinned = keys_known && errors.iter().all(|e| owner(e).is_some());
        if !pinned {
            let (left, right) = group.split_at(group.len() / 2);
            self.probe(left)?;
            return self.probe(right);
        }
        let data = data.expect("pinned answers have data");
        for &i in group {
            let mine: Vec<&Json> = errors
                .iter()
                .copied()
                .filter(|e| owner(e) == Some(i))
                .collect();
            let p = prefix(i);
            let has_data = data.iter().any(|(k, v)| k.starts_with(&p) && !v.is_null());
            self.outcomes[i] = Some(classify(
                &self.operations[i],
                &mine,
                has_data,
                answer.sso.as_deref(),
                self.fine_grained,
            ));
        }
        Ok(())
    }
}

/// Every string under an `id` key, anywhere in `data`.
fn collect_ids(data: &Json, ids: &mut BTreeSet<String>) {
    match data {
        Json::Object(map) => {
            for (k, v) in map {
                match v {
                    Json::String(s) if k == "id" => {
                        ids.insert(s.clone());
                    }
                    other => collect_ids(other, ids),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|v| collect_ids(v, ids)),
        _ => {}
    }
}

/// The most requests one probe sends: a whole document that fails is split
/// in halves, and a server that never lets an answer be pinned must not
/// turn a few operations into hundreds of requests with the user's token.
pub const MAX_REQUESTS: usize = 40;

/// The alias prefix of operation `i` in a combined document.
fn prefix(i: usize) -> String {
    format!("p{i}_")
}

/// The phrase GitHub uses when a fine-grained token lacks a permission.
const NOT_ACCESSIBLE: &str = "resource not accessible by personal access token";
/// The phrase GitHub uses when SAML single sign-on is not authorized.
const SAML: &str = "saml enforcement";

/// Judges one operation by GitHub's errors for it (see
/// `../shared/course-operations.md`): a missing scope, an SSO demand, a
/// missing permission, another refusal, or, for a mutation, `NOT_FOUND`
/// for the made-up id (ok). Anything else is `unknown`, never `ok`.
pub fn classify(
    op: &Operation,
    errors: &[&Json],
    has_data: bool,
    sso_header: Option<&str>,
    fine_grained: bool,
) -> Outcome {
    let kind_of = |e: &Json| -> String {
        e.get("type")
            .or_else(|| e.get("extensions").and_then(|x| x.get("code")))
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_ascii_uppercase()
    };
    let message_of = |e: &Json| -> String {
        e.get("message")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let messages = || {
        let mut all: Vec<String> = errors
            .iter()
            .map(|e| message_of(e))
            .filter(|m| !m.is_empty())
            .collect();
        all.dedup();
        crate::text::truncate(&all.join("; "), 400)
    };
    // Only `X-GitHub-SSO: required; url=…` asks for SSO; `partial-results`
    // says some organizations' data was left out, which is no refusal.
    let sso_header = sso_header.and_then(|h| {
        h.split(',').map(str::trim).find(|part| {
            part.get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("required"))
        })
    });
    if op.kind == Kind::Mutation && (errors.is_empty() || has_data) {
        return outcome(
            op,
            Status::Unknown,
            Vec::new(),
            "GitHub answered with data, as if the mutation ran with an id that cannot exist".into(),
        );
    }
    if errors.is_empty() {
        return if has_data {
            outcome(
                op,
                Status::Ok,
                needs_list(op.needs, fine_grained),
                String::new(),
            )
        } else {
            outcome(
                op,
                Status::Unknown,
                Vec::new(),
                "GitHub answered with neither data nor an error".into(),
            )
        };
    }
    if let Some(e) = errors
        .iter()
        .find(|e| message_of(e).to_ascii_lowercase().contains(SAML))
        .or_else(|| errors.iter().find(|_| sso_header.is_some()))
    {
        // Only an https link to GitHub's own web host is shown as the place
        // to authorize; anything else stays in the message.
        let url = sso_header
            .and_then(|h| h.split(';').find_map(|p| p.trim().strip_prefix("url=")))
            .map(str::to_owned)
            .or_else(|| first_url(&message_of(e)))
            .filter(|u| u.starts_with("https://") && !u.contains(char::is_whitespace));
        return outcome(
            op,
            Status::SsoRequired,
            url.into_iter().collect(),
            message_of(e),
        );
    }
    let scope_errors: Vec<&&Json> = errors
        .iter()
        .filter(|e| kind_of(e) == "INSUFFICIENT_SCOPES")
        .collect();
    if !scope_errors.is_empty() {
        let mut needs: Vec<String> = Vec::new();
        for e in &scope_errors {
            for s in required_scopes(&message_of(e)) {
                if !needs.contains(&s) {
                    needs.push(s);
                }
            }
        }
        return outcome(op, Status::MissingScopes, needs, messages());
    }
    if let Some(e) = errors
        .iter()
        .find(|e| message_of(e).to_ascii_lowercase().contains(NOT_ACCESSIBLE))
        .or_else(|| {
            errors
                .iter()
                .find(|e| fine_grained && kind_of(e) == "FORBIDDEN")
        })
    {
        let needs = op.needs.permission.map(str::to_owned).into_iter().collect();
        return outcome(op, Status::MissingPermission, needs, message_of(e));
    }
    if errors.iter().any(|e| kind_of(e) == "FORBIDDEN") {
        return outcome(op, Status::Forbidden, Vec::new(), messages());
    }
    // Exactly GitHub's NOT_FOUND for one of the made-up ids, and nothing
    // else, and no data: any other answer is not one ghenv can read.
    // The ids this operation carries: GitHub's NOT_FOUND names the one it
    // could not resolve, quoted, for the mutation field itself.
    let own_ids: Vec<&str> = catalogue::MADE_UP_IDS
        .iter()
        .copied()
        .filter(|id| op.document.to_string().contains(&format!("\"{id}\"")))
        .collect();
    let not_found = |e: &Json| {
        e.get("type").and_then(Json::as_str) == Some("NOT_FOUND")
            && e.get("path")
                .and_then(Json::as_array)
                .is_none_or(|p| p.len() <= 1)
            && own_ids
                .iter()
                .any(|id| message_of(e).contains(&format!("'{id}'")))
            && !message_of(e)
                .split('\'')
                .skip(1)
                .step_by(2)
                .any(|quoted| !own_ids.contains(&quoted))
    };
    if op.kind == Kind::Mutation && !has_data && errors.iter().all(|e| not_found(e)) {
        // GitHub looked the made-up id up, so it had accepted the token for
        // the mutation.
        return outcome(
            op,
            Status::Ok,
            needs_list(op.needs, fine_grained),
            String::new(),
        );
    }
    outcome(op, Status::Unknown, Vec::new(), messages())
}

/// The scopes in GitHub's message "... requires one of the following
/// scopes: ['user:email', 'read:user'], but your token ...".
fn required_scopes(message: &str) -> Vec<String> {
    let Some(start) = message.find("following scopes:") else {
        return Vec::new();
    };
    let rest = &message[start..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    let Some(close) = rest[open..].find(']') else {
        return Vec::new();
    };
    rest[open + 1..open + close]
        .split(',')
        .map(|s| s.trim().trim_matches(['\'', '"']).to_owned())
        .filter(|s| crate::scopes::is_scope(s))
        .collect()
}

/// The first `https://` URL in `text`.
fn first_url(text: &str) -> Option<String> {
    let start = text.find("https://")?;
    let url: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ')' | '>'))
        .collect();
    Some(url.trim_end_matches(['.', ',']).to_owned())
}

/// One document of the operations in `group` (all of one kind), and the
/// variables with their renamed names.
fn combine(operations: &[Operation], group: &[usize]) -> (String, Map<String, Json>) {
    let kind = operations[group[0]].kind;
    let mut combined = ast::OperationDefinition {
        operation_type: match kind {
            Kind::Query => OperationType::Query,
            Kind::Mutation => OperationType::Mutation,
        },
        name: Some(name("GhenvProbe")),
        variables: Vec::new(),
        directives: ast::DirectiveList::default(),
        selection_set: Vec::new(),
    };
    let mut fragments = Vec::new();
    let mut variables = Map::new();
    for &i in group {
        let op = &operations[i];
        let p = prefix(i);
        let rename = Renamer {
            prefix: &p,
            index: i,
        };
        for definition in &op.document.definitions {
            match definition {
                Definition::OperationDefinition(def) => {
                    for v in &def.variables {
                        let mut v = v.clone();
                        let v_mut = v.make_mut();
                        v_mut.name = name(&format!("{p}{}", v_mut.name));
                        combined.variables.push(v);
                    }
                    for selection in &def.selection_set {
                        let mut selection = selection.clone();
                        rename.selection(&mut selection);
                        if let Selection::Field(field) = &mut selection {
                            let f = field.make_mut();
                            let key = f.alias.as_ref().unwrap_or(&f.name).to_string();
                            f.alias = Some(name(&format!("{p}{key}")));
                        }
                        combined.selection_set.push(selection);
                    }
                }
                Definition::FragmentDefinition(def) => {
                    let mut def = def.clone();
                    let d = def.make_mut();
                    d.name = rename.fragment(&d.name);
                    for s in &mut d.selection_set {
                        rename.selection(s);
                    }
                    fragments.push(Definition::FragmentDefinition(def));
                }
                _ => {}
            }
        }
        for (k, v) in &op.variables {
            variables.insert(format!("{p}{k}"), v.clone());
        }
    }
    let mut document = ast::Document::new();
    document
        .definitions
        .push(Definition::OperationDefinition(Node::new(combined)));
    document.definitions.extend(fragments);
    (document.to_string(), variables)
}

/// A name ghenv made from valid names (a prefix of letters, digits and `_`).
fn name(text: &str) -> Name {
    Name::new(text).expect("made from a valid name")
}

struct Renamer<'p> {
    prefix: &'p str,
    index: usize,
}

impl Renamer<'_> {
    fn fragment(&self, n: &Name) -> Name {
        name(&format!("{n}_p{}", self.index))
    }

    fn selection(&self, selection: &mut Selection) {
        match selection {
            Selection::Field(field) => {
                let f = field.make_mut();
                for a in &mut f.arguments {
                    self.value(a.make_mut().value.make_mut());
                }
                self.directives(&mut f.directives);
                for s in &mut f.selection_set {
                    self.selection(s);
                }
            }
            Selection::FragmentSpread(spread) => {
                let s = spread.make_mut();
                s.fragment_name = self.fragment(&s.fragment_name);
                self.directives(&mut s.directives);
            }
            Selection::InlineFragment(inline) => {
                let f = inline.make_mut();
                self.directives(&mut f.directives);
                for s in &mut f.selection_set {
                    self.selection(s);
                }
            }
        }
    }

    fn directives(&self, directives: &mut ast::DirectiveList) {
        for d in directives.0.iter_mut() {
            for a in &mut d.make_mut().arguments {
                self.value(a.make_mut().value.make_mut());
            }
        }
    }

    fn value(&self, value: &mut Value) {
        match value {
            Value::Variable(v) => *v = name(&format!("{}{v}", self.prefix)),
            Value::List(items) => items.iter_mut().for_each(|i| self.value(i.make_mut())),
            Value::Object(fields) => fields
                .iter_mut()
                .for_each(|(_, v)| self.value(v.make_mut())),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(name: &str, kind: Kind, text: &str) -> Operation {
        let (document, parsed) = parse_one(text, name).unwrap();
        assert_eq!(parsed, kind);
        Operation {
            name: name.into(),
            lesson: "lesson".into(),
            source: Source::Course,
            kind,
            document,
            variables: Map::new(),
            needs: catalogue::READ,
            location: None,
            plan: Plan::Send,
            shown: true,
        }
    }

    fn answer(body: Json) -> GraphQlAnswer {
        GraphQlAnswer {
            body,
            sso: None,
            scopes: None,
            request_id: None,
        }
    }

    #[test]
    fn combining_renames_aliases_variables_and_fragments_per_operation() {
        let ops = vec![
            op(
                "a",
                Kind::Query,
                "query ($c: String = \"x\") { viewer { ...f name } } fragment f on User { login }",
            ),
            op(
                "b",
                Kind::Query,
                "query ($c: String) { v: viewer { ...f } } fragment f on User { url }",
            ),
        ];
        let mut ops = ops;
        ops[1].variables.insert("c".into(), json!("y"));
        let (text, vars) = combine(&ops, &[0, 1]);
        let doc = ast::Document::parse(&text, "combined").unwrap();
        let printed = doc.to_string();
        assert!(printed.contains("p0_viewer: viewer"), "{printed}");
        assert!(printed.contains("p1_v: viewer"), "{printed}");
        assert!(printed.contains("$p0_c: String = \"x\""), "{printed}");
        assert!(printed.contains("fragment f_p0 on User"), "{printed}");
        assert!(printed.contains("...f_p1"), "{printed}");
        assert_eq!(vars, json!({"p1_c": "y"}).as_object().unwrap().clone());
    }

    #[test]
    fn a_document_that_fails_as_a_whole_is_split_until_each_failure_is_pinned() {
        let ops = vec![
            op("a", Kind::Query, "{ viewer { name } }"),
            op("b", Kind::Query, "{ viewer { email } }"),
            op("c", Kind::Query, "{ viewer { url } }"),
        ];
        let scope_error = json!({"data": null, "errors": [{"type": "INSUFFICIENT_SCOPES", "message": "Your token has not been granted the required scopes to execute this query. The 'email' field requires one of the following scopes: ['user:email', 'read:user'], but your token has only been granted the: ['repo'] scopes."}]});
        let mut sent = Vec::new();
        let mut send = |text: &str, _: &Json| {
            sent.push(text.to_owned());
            Ok(answer(if text.contains("email") {
                scope_error.clone()
            } else {
                json!({"data": {"p0_viewer": {"name": "x"}, "p2_viewer": {"url": "u"}}})
            }))
        };
        let probed = run(&ops, false, &mut send).unwrap();
        let statuses: Vec<Status> = probed.operations.iter().map(|o| o.status).collect();
        assert_eq!(statuses, [Status::Ok, Status::MissingScopes, Status::Ok]);
        assert_eq!(probed.operations[1].needs, ["user:email", "read:user"]);
        // The whole, then [a] and [b, c], then [b] and [c].
        assert_eq!(probed.requests, 5);
        assert_eq!(sent.len(), 5);
    }

    #[test]
    fn answers_are_judged_as_github_words_them() {
        let m = op(
            "m",
            Kind::Mutation,
            "mutation { addStar(input: {starrableId: \"MDEwOlJlcG9zaXRvcnkw\"}) { clientMutationId } }",
        );
        let judge = |errors: Json, fine: bool, sso: Option<&str>| {
            let errors: Vec<Json> = errors.as_array().unwrap().clone();
            let refs: Vec<&Json> = errors.iter().collect();
            classify(&m, &refs, false, sso, fine).status
        };
        assert_eq!(
            judge(
                json!([{"type": "NOT_FOUND", "message": "Could not resolve to a node with the global id of 'MDEwOlJlcG9zaXRvcnkw'"}]),
                false,
                None
            ),
            Status::Ok
        );
        assert_eq!(
            judge(
                json!([{"type": "FORBIDDEN", "message": "Resource not accessible by personal access token"}]),
                true,
                None
            ),
            Status::MissingPermission
        );
        assert_eq!(
            judge(
                json!([{"type": "FORBIDDEN", "message": "Although you appear to have the correct authorization credentials, the org has an IP allow list"}]),
                false,
                None
            ),
            Status::Forbidden
        );
        assert_eq!(
            judge(json!([{"type": "FORBIDDEN", "message": "x"}]), true, None),
            Status::MissingPermission
        );
        assert_eq!(
            judge(
                json!([{"type": "FORBIDDEN", "message": "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization."}]),
                false,
                None
            ),
            Status::SsoRequired
        );
        assert_eq!(
            judge(
                json!([{"type": "FORBIDDEN", "message": "x"}]),
                false,
                Some("required; url=https://github.com/orgs/o/sso?authorization_request=1")
            ),
            Status::SsoRequired
        );
        assert_eq!(
            judge(
                json!([{"type": "SOMETHING_NEW", "message": "?"}]),
                false,
                None
            ),
            Status::Unknown
        );
        assert_eq!(
            judge(
                json!([{"type": "NOT_FOUND", "message": "a"}, {"message": "b"}]),
                false,
                None
            ),
            Status::Unknown
        );
        // A query's NOT_FOUND is not an answer about the token.
        let q = op("q", Kind::Query, "{ viewer { name } }");
        let e = json!({"type": "NOT_FOUND", "message": "Could not resolve to an Organization"});
        assert_eq!(
            classify(&q, &[&e], false, None, false).status,
            Status::Unknown
        );
        assert_eq!(
            classify(&q, &[], false, None, false).status,
            Status::Unknown
        );
        assert_eq!(classify(&q, &[], true, None, false).status, Status::Ok);
    }

    #[test]
    fn the_sso_link_comes_from_the_header_or_the_message() {
        let q = op("q", Kind::Query, "{ viewer { name } }");
        let e = json!({"type": "FORBIDDEN", "message": "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization. Visit https://github.com/orgs/acme/sso?authorization_request=ABC."});
        let o = classify(&q, &[&e], false, None, false);
        assert_eq!(
            o.needs,
            ["https://github.com/orgs/acme/sso?authorization_request=ABC"]
        );
        let o = classify(
            &q,
            &[&e],
            false,
            Some("required; url=https://github.com/orgs/acme/sso?x=1"),
            false,
        );
        assert_eq!(o.needs, ["https://github.com/orgs/acme/sso?x=1"]);
    }

    #[test]
    fn mutations_are_not_sent_when_an_answer_handed_out_a_made_up_id() {
        let ops = vec![
            op("q", Kind::Query, "{ viewer { id } }"),
            op(
                "m",
                Kind::Mutation,
                "mutation { addStar(input: {starrableId: \"MDEwOlJlcG9zaXRvcnkw\"}) { clientMutationId } }",
            ),
        ];
        let mut count = 0;
        let mut send = |_: &str, _: &Json| {
            count += 1;
            Ok(answer(
                json!({"data": {"p0_viewer": {"id": "MDEwOlJlcG9zaXRvcnkw"}}}),
            ))
        };
        let probed = run(&ops, false, &mut send).unwrap();
        assert_eq!(count, 1);
        assert_eq!(probed.operations[1].status, Status::Unknown);
    }

    #[test]
    fn config_documents_must_be_one_query() {
        assert!(matches!(
            parse_one("mutation { a }", "x"),
            Ok((_, Kind::Mutation))
        ));
        assert_eq!(
            parse_one("subscription { a }", "x").unwrap_err(),
            DocumentError::NotAQuery("subscription")
        );
        assert_eq!(
            parse_one("{ a } { b }", "x").unwrap_err(),
            DocumentError::Operations(2)
        );
        assert_eq!(
            parse_one("type A { a: Int }", "x").unwrap_err(),
            DocumentError::TypeDefinition
        );
        assert!(matches!(
            parse_one("{ a", "x"),
            Err(DocumentError::Syntax(_))
        ));
        let deep = format!("{}{}", "{ a ".repeat(1000), "}".repeat(1000));
        assert!(matches!(
            parse_one(&deep, "x"),
            Err(DocumentError::TooLarge(
                crate::graphql::limits::TooLarge::Depth { .. }
            ))
        ));
    }

    #[test]
    fn scopes_are_read_from_githubs_message() {
        assert_eq!(
            required_scopes(
                "The 'email' field requires one of the following scopes: ['user:email', 'read:user'], but your token has only been granted the: ['repo'] scopes."
            ),
            ["user:email", "read:user"]
        );
        assert!(required_scopes("nothing here").is_empty());
    }
}
