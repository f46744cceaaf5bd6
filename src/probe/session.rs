//! One probe of a project, as `probe`, `check --probe`, `init` and
//! `doctor` run it: which operations (the course's when the template and
//! config.toml want them, config.toml's `[[probe]]` queries, the app's
//! documents checked against GitHub's schema), then the requests, then a
//! report that prints as a table by lesson.

use std::io::Write as _;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::catalogue::{self, Needs};
use super::{Kind, Operation, Outcome, Plan, Source, Status};
use crate::error::{Error, Result};
use crate::github::{self, GithubError};
use crate::graphql::{documents, graphqlrc, schema, validate};
use crate::output::Io;
use crate::project::Project;
use crate::render::Template;
use crate::token::Token;

/// What to probe and where.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The project.
    pub project: &'a Project,
    /// Its template (does the course apply?).
    pub template: &'a Template,
    /// The token.
    pub token: &'a Token,
    /// The trusted GraphQL endpoint.
    pub endpoint: &'a str,
    /// `--timeout`: one deadline for the whole probe, the requests and
    /// the checking of the app's documents.
    pub timeout: Duration,
    /// Check and probe the app's own documents.
    pub app: bool,
    /// Fetch the schema even when the cache is fresh.
    pub refresh: bool,
}

/// What the probe found (`ghenv probe --json`).
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    /// One entry per operation.
    pub operations: Vec<Outcome>,
    /// Requests sent to GitHub, the introspection query included.
    pub requests: usize,
    /// The app's errors, each at `file:line:column`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<AppProblem>,
    /// Deprecated fields and enum values the app uses, each at
    /// `file:line:column` with GitHub's reason: warnings, which `--strict`
    /// fails on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deprecations: Vec<AppProblem>,
    /// What was found of the app's GraphQL, when the app was looked at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<AppDocuments>,
}

/// The app's GraphQL documents as found: how many, and in which files, so
/// that "none found" is said, never silent.
#[derive(Debug, Clone, Serialize)]
pub struct AppDocuments {
    /// How many documents.
    pub documents: usize,
    /// The files they are in, relative to the project, in path order.
    pub files: Vec<String>,
    /// The graphql-config whose `documents` chose the files
    /// (`.graphqlrc.yml`, `graphql.config.json (project app)`); absent
    /// when ghenv looked for them itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

/// One error in the app's GraphQL.
#[derive(Debug, Clone, Serialize)]
pub struct AppProblem {
    /// The operation.
    pub operation: String,
    /// Where the operation starts, which tells it from another of the same
    /// name.
    #[serde(skip)]
    pub operation_at: String,
    /// `file:line:column`.
    pub location: String,
    /// What is wrong (with "Did you mean" when ghenv can tell).
    pub message: String,
}

impl ProbeReport {
    /// Whether the token lacks something an operation needs (with
    /// `strict`, also when an answer could not be read).
    pub fn lacks(&self, strict: bool) -> bool {
        self.operations
            .iter()
            .any(|o| o.status.lacks() || strict && o.status == Status::Unknown)
    }

    /// Whether an operation of the app is invalid.
    pub fn invalid(&self) -> bool {
        self.operations.iter().any(|o| o.status == Status::Invalid)
    }

    /// How the probe went: the token lacks something (exit 4), else the
    /// app has an invalid operation, or with `strict` uses something
    /// deprecated (exit 1), else all well.
    pub fn outcome(&self, strict: bool) -> crate::report::Outcome<'static> {
        use crate::report::Outcome;
        if self.lacks(strict) {
            Outcome::Lacks
        } else if self.invalid() || strict && !self.deprecations.is_empty() {
            Outcome::Found
        } else {
            Outcome::Ok
        }
    }

    /// The table by lesson, on stdout: ✓, or ✗ with the fix.
    /// `add_scopes` is the command that adds scopes to this kind of token,
    /// when one can (see [`crate::steps::add_scopes_command`]).
    pub fn print_table(
        &self,
        io: &mut Io,
        token_edit_url: &str,
        add_scopes: &dyn Fn(&[String]) -> Option<String>,
    ) {
        let mut lesson = None;
        for o in &self.operations {
            let clean = |s: &str| crate::text::sanitize(s).into_owned();
            if lesson != Some(&o.lesson) {
                let heading = match o.source {
                    Source::Course => clean(&o.lesson),
                    Source::Config => "config.toml [[probe]]".into(),
                    Source::App => format!("app: {}", clean(&o.lesson)),
                };
                let _ = writeln!(io.out, "{}", io.bold(&heading));
                lesson = Some(&o.lesson);
            }
            let (mark, what) = match o.status {
                Status::Ok => (io.green("✓"), String::new()),
                Status::Unknown => (
                    io.yellow("?"),
                    format!("cannot tell: {}", clean(&o.message)),
                ),
                Status::NotRun => (io.dim("–"), clean(&o.message)),
                Status::Invalid => (
                    io.red("✗"),
                    "does not validate against GitHub's schema:".into(),
                ),
                _ => (io.red("✗"), fix(o, token_edit_url, add_scopes)),
            };
            // Operations without a name are told apart by where they are.
            let name = match (&o.location, o.name.starts_with("anonymous ")) {
                (Some(at), true) => format!("{} at {}", clean(&o.name), clean(at)),
                _ => clean(&o.name),
            };
            let kind = if o.kind == Kind::Mutation {
                " (mutation)"
            } else {
                ""
            };
            if what.is_empty() {
                let _ = writeln!(io.out, "  {mark} {name}{kind}");
            } else {
                let what = io.commands(&what).into_owned();
                let _ = writeln!(io.out, "  {mark} {name}{kind}: {what}");
            }
            for d in self
                .deprecations
                .iter()
                .filter(|d| Some(&d.operation_at) == o.location.as_ref())
            {
                let _ = writeln!(
                    io.out,
                    "      {} {}: {}",
                    io.yellow("!"),
                    crate::text::sanitize(&d.location),
                    crate::text::sanitize(&d.message)
                );
            }
            if o.status == Status::Invalid {
                for p in self
                    .problems
                    .iter()
                    .filter(|p| Some(&p.operation_at) == o.location.as_ref())
                {
                    let _ = writeln!(
                        io.out,
                        "      {}: {}",
                        crate::text::sanitize(&p.location),
                        crate::text::sanitize(&p.message)
                    );
                }
            }
        }
        if let Some(app) = &self.app {
            let line = if let (0, Some(config)) = (app.documents, &app.config) {
                format!(
                    "app: no GraphQL documents found in the files {}'s documents name",
                    crate::text::sanitize(config)
                )
            } else if app.documents == 0 {
                "app: no GraphQL documents found (gql`…` and graphql`…` templates, strings and templates that start with query, mutation, subscription, fragment or {, .graphql and .gql files; node_modules and git-ignored files are skipped)".to_owned()
            } else {
                let shown: Vec<String> = app
                    .files
                    .iter()
                    .take(5)
                    .map(|f| crate::text::sanitize(f).into_owned())
                    .collect();
                format!(
                    "app: {} GraphQL document{} in {}{}{}",
                    app.documents,
                    if app.documents == 1 { "" } else { "s" },
                    shown.join(", "),
                    if app.files.len() > 5 {
                        format!(" and {} more files", app.files.len() - 5)
                    } else {
                        String::new()
                    },
                    app.config
                        .as_ref()
                        .map(|c| format!(" (the documents {} names)", crate::text::sanitize(c)))
                        .unwrap_or_default()
                )
            };
            let _ = writeln!(io.out, "{}", io.dim(&line));
        }
    }
}

/// The fix for a failed operation, in words.
fn fix(
    o: &Outcome,
    token_edit_url: &str,
    add_scopes: &dyn Fn(&[String]) -> Option<String>,
) -> String {
    let clean = |s: &str| crate::text::sanitize(s).into_owned();
    let needs = o.needs.iter().map(|n| clean(n)).collect::<Vec<_>>();
    match o.status {
        // Any one of `needs` does: the command asks for the first.
        Status::MissingScopes => match add_scopes(&needs[..needs.len().min(1)]) {
            Some(command) => format!(
                "the token lacks the scope {} (`{command}` adds it)",
                needs.join(" or ")
            ),
            None => format!(
                "the token lacks the scope {} (tick it on the token's page at {token_edit_url}: GitHub cannot add scopes by URL; or `ghenv rotate` with a new token)",
                needs.join(" or ")
            ),
        },
        Status::MissingPermission => format!(
            "the token lacks the permission {} (grant it at {token_edit_url})",
            if needs.is_empty() {
                "this operation needs".into()
            } else {
                needs.join(", ")
            }
        ),
        Status::SsoRequired => format!(
            "the organization requires SAML single sign-on for this token: authorize it at {}",
            needs
                .first()
                .cloned()
                .unwrap_or_else(|| token_edit_url.to_owned())
        ),
        Status::Forbidden | Status::Invalid | Status::Unknown | Status::NotRun | Status::Ok => {
            clean(&o.message)
        }
    }
}

/// The most `[[probe]]` queries config.toml may hold: each costs a share of
/// the requests a probe sends with the user's token.
pub const MAX_TEAM_QUERIES: usize = 20;

/// A string from the server, ready to keep: without the token, also when
/// echoed without its prefix or cut by a character ([`Token::scrub`]).
/// Characters that hide text stay, to be escaped before the terminal, so
/// that what is shown is what was said.
fn from_server(token: &Token, text: &str) -> String {
    token.scrub(text).into_owned()
}

/// The operations to probe in `input`'s project.
///
/// # Errors
/// [`Error::ProbeEntry`] for a `[[probe]]` entry that is not one query
/// (nothing is sent then).
fn team_operations(project: &Project) -> Result<Vec<Operation>> {
    let mut out = Vec::new();
    let Some(section) = project.config().and_then(|c| c.probe.as_ref()) else {
        return Ok(out);
    };
    if let Some(extra) = section.entries().get(MAX_TEAM_QUERIES) {
        return Err(Error::ProbeEntry {
            name: crate::text::sanitize(&extra.name).into_owned(),
            reason: format!("config.toml may hold at most {MAX_TEAM_QUERIES} probe queries"),
        });
    }
    for entry in section.entries() {
        let refuse = |reason: String| Error::ProbeEntry {
            name: crate::text::sanitize(&entry.name).into_owned(),
            reason,
        };
        let (document, kind) =
            super::parse_one(&entry.query, "config.toml").map_err(|e| refuse(e.to_string()))?;
        if kind != Kind::Query {
            return Err(refuse(
                "it is a mutation; only queries may be probed from config.toml".into(),
            ));
        }
        let top_fragment = super::top_level_fragment(&document);
        if let Some(root) = super::names_root_type(&document) {
            return Err(refuse(format!(
                "it selects on {root}, which could run a {} inside a query",
                root.to_lowercase()
            )));
        }
        out.push(Operation {
            name: entry.name.clone(),
            lesson: "config.toml".into(),
            source: Source::Config,
            kind,
            document,
            variables: entry.variables.clone().unwrap_or_default(),
            needs: catalogue::READ,
            location: None,
            plan: if top_fragment {
                Plan::Known(
                    Status::NotRun,
                    "not run: a fragment at the top of a query cannot share a document with others; select fields at the top".into(),
                )
            } else {
                Plan::Send
            },
            shown: true,
        });
    }
    Ok(out)
}

/// Probes the project's operations with the token.
///
/// # Errors
/// [`Error::ProbeEntry`]; [`Error::TokenRejected`] when GitHub refuses the
/// token; [`Error::Github`] when it cannot be reached; [`Error::Schema`]
/// when the introspection answer is not a schema.
pub fn probe(io: &mut Io, input: &Input<'_>) -> Result<ProbeReport> {
    // `--timeout` bounds the whole probe, every request and the schema.
    let deadline = std::time::Instant::now() + input.timeout;
    let fine_grained = !input.token.kind().has_oauth_scopes();
    let team = team_operations(input.project)?;
    let course_wanted = input.template.course
        && input
            .project
            .config()
            .and_then(|c| c.probe.as_ref())
            .is_none_or(crate::config::ProbeSection::course);
    let mut operations: Vec<Operation> = Vec::new();
    for op in catalogue::operations() {
        let (document, kind) =
            super::parse_one(op.document, op.name).expect("the catalogue parses");
        debug_assert_eq!(kind, op.kind);
        let plan = if fine_grained && op.needs.own_repositories_only {
            Plan::Known(
                Status::Forbidden,
                "a fine-grained token cannot write to another owner's repository, and this exercise comments on the course's; use a classic token with public_repo for it".into(),
            )
        } else {
            Plan::Send
        };
        operations.push(Operation {
            name: op.name.into(),
            lesson: op.lesson.into(),
            source: Source::Course,
            kind,
            document,
            variables: serde_json::Map::new(),
            needs: op.needs,
            location: None,
            plan,
            shown: course_wanted,
        });
    }
    operations.extend(team);
    let mut requests = 0;
    let mut problems = Vec::new();
    let mut app_documents = None;
    let mut deprecations = Vec::new();
    if input.app {
        let dir = input.project.dir();
        let rc = graphqlrc::read(dir, input.endpoint);
        for note in &rc.notes {
            io.warn(note);
        }
        let chosen = rc
            .config
            .as_ref()
            .and_then(|c| Some((c, c.documents.as_ref()?)));
        let found = match chosen {
            Some((config, selection)) => {
                io.detail(&format!(
                    "the app's documents are {}'s: {}",
                    crate::text::sanitize(&config.describe()),
                    crate::text::sanitize(&selection.globs.join(", "))
                ));
                documents::find_selected(dir, &|p| selection.matches(p))
            }
            None => documents::find(dir),
        };
        let mut notes = Vec::new();
        let local = rc
            .config
            .as_ref()
            .and_then(|c| c.local_schemas.as_ref())
            .map(|s| graphqlrc::local_schemas(dir, s, &mut notes))
            .unwrap_or_default();
        for note in &notes {
            io.warn(note);
        }
        let mut files: Vec<String> = found
            .documents
            .iter()
            .map(|d| d.path.display().to_string())
            .collect();
        files.dedup();
        app_documents = Some(AppDocuments {
            documents: found.documents.len(),
            files,
            config: chosen.map(|(c, _)| c.describe()),
        });
        io.detail(&format!(
            "{} GraphQL document(s) in the app",
            found.documents.len()
        ));
        if found.truncated {
            io.warn(&format!(
                "the project has more than {} GraphQL documents; only the first {0} were checked",
                documents::MAX_DOCUMENTS
            ));
        }
        for path in &found.too_large {
            io.warn(&format!(
                "{} is larger than {} KiB and was not checked (generated code or a bundle?)",
                crate::text::sanitize(&path.display().to_string()),
                documents::MAX_FILE / 1024
            ));
        }
        if !found.documents.is_empty() {
            let (schema, sdl) = github_schema(io, input, deadline, &mut requests, &local)?;
            let overdue = |validate::Overdue| Error::ProbeTimeout {
                secs: input.timeout.as_secs(),
            };
            let (checked, truncated) =
                validate::check(&schema, &found.documents, deadline).map_err(overdue)?;
            // What is valid only with the local schema files is the app's
            // own (client-side fields): checked, never sent to GitHub,
            // which would refuse it.
            let local_only: Vec<String> = if local.is_empty() {
                Vec::new()
            } else {
                let github = schema::parse(&sdl).map_err(Error::Schema)?;
                let (plain, _) =
                    validate::check(&github, &found.documents, deadline).map_err(overdue)?;
                plain
                    .into_iter()
                    .filter(|o| !o.problems.is_empty())
                    .map(|o| o.location)
                    .collect()
            };
            if truncated {
                io.warn(&format!(
                    "the app has more than {} GraphQL operations; only the first {0} were checked",
                    validate::MAX_OPERATIONS
                ));
            }
            for app in checked {
                for p in &app.problems {
                    problems.push(AppProblem {
                        operation: app.name.clone(),
                        operation_at: app.location.clone(),
                        location: p.location.clone(),
                        message: from_server(input.token, &p.message),
                    });
                }
                for d in &app.deprecations {
                    deprecations.push(AppProblem {
                        operation: app.name.clone(),
                        operation_at: app.location.clone(),
                        location: d.location.clone(),
                        message: from_server(input.token, &d.message),
                    });
                }
                if app.omitted > 0 {
                    problems.push(AppProblem {
                        operation: app.name.clone(),
                        operation_at: app.location.clone(),
                        location: app.location.clone(),
                        message: format!(
                            "… and {} more (ghenv shows the first {})",
                            app.omitted,
                            validate::MAX_PROBLEMS
                        ),
                    });
                }
                let local_fields = app.problems.is_empty() && local_only.contains(&app.location);
                let mut operation = app_operation(app);
                if local_fields {
                    operation.plan = Plan::Known(
                        Status::NotRun,
                        "valid with the local schema files; not run: it uses what only they define, which GitHub does not have".into(),
                    );
                }
                operations.push(operation);
            }
        }
    }
    // Course operations only an app mutation needs are sent, not shown;
    // the others that nothing needs are not sent at all.
    let needed: Vec<String> = operations
        .iter()
        .filter_map(|o| match &o.plan {
            Plan::Like(names) => Some(names.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    operations.retain(|o| o.shown || o.source == Source::Course && needed.contains(&o.name));
    let token = input.token;
    let mut send = |text: &str, variables: &serde_json::Value| {
        let options = options_until(input, deadline)?;
        io.detail(&format!(
            "POST {} (probe, {} bytes)",
            options.endpoint,
            text.len()
        ));
        let vars = variables
            .as_object()
            .is_some_and(|v| !v.is_empty())
            .then_some(variables);
        let started = std::time::Instant::now();
        let answer = io.with_spinner("Probing the course's operations…", || {
            github::graphql(&options, token, text, vars, github::BODY_LIMIT)
        });
        io.detail(&format!(
            "answer after {} ms{}",
            started.elapsed().as_millis(),
            answer
                .as_ref()
                .ok()
                .and_then(|a| a.request_id.as_deref())
                .map(|id| format!(", X-GitHub-Request-Id: {}", crate::text::sanitize(id)))
                .unwrap_or_default()
        ));
        answer
    };
    let probed = super::run(&operations, fine_grained, &mut send)
        .map_err(|e| github_error(whole_timeout(e, input), token))?;
    requests += probed.requests;
    io.detail(&format!("{requests} request(s) to GitHub"));
    let operations = probed
        .operations
        .into_iter()
        .map(|mut o| {
            o.message = from_server(token, &o.message);
            o.needs = o.needs.iter().map(|n| from_server(token, n)).collect();
            o
        })
        .collect();
    Ok(ProbeReport {
        operations,
        requests,
        problems,
        deprecations,
        app: app_documents,
    })
}

fn github_error(e: GithubError, token: &Token) -> Error {
    match e {
        GithubError::Unauthorized { message } => Error::TokenRejected {
            masked: token.masked(),
            kind: token.kind(),
            message,
        },
        other => Error::Github(other),
    }
}

/// The app's operation as the probe takes it.
fn app_operation(app: validate::AppOperation) -> Operation {
    let lesson = app.path.display().to_string();
    let mut needs = catalogue::READ;
    let plan = if !app.problems.is_empty() {
        let first = &app.problems[0];
        let more = match app.problems.len() + app.omitted {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        Plan::Known(
            Status::Invalid,
            format!("{}: {}{more}", first.location, first.message),
        )
    } else if app.subscription {
        Plan::Known(
            Status::NotRun,
            "valid; a subscription, which the probe does not try".into(),
        )
    } else if app.kind == Kind::Query && app.root_fields.iter().any(|f| f == "…") {
        Plan::Known(
            Status::NotRun,
            "valid; not run: a fragment at the top of a query cannot share a document with others"
                .into(),
        )
    } else if app.kind == Kind::Mutation {
        let mut names = Vec::new();
        for field in &app.root_fields {
            match catalogue::mutation_needs(field) {
                Some((n, course)) => {
                    needs = merge_needs(needs, n);
                    names.push(course.to_owned());
                }
                None => {
                    names.clear();
                    break;
                }
            }
        }
        Plan::Like(names)
    } else if !app.required_variables.is_empty() {
        Plan::Known(
            Status::NotRun,
            format!(
                "valid; not run: it needs a value for ${}",
                app.required_variables.join(", $")
            ),
        )
    } else {
        Plan::Send
    };
    Operation {
        name: app.name,
        lesson,
        source: Source::App,
        kind: app.kind,
        document: app.document,
        variables: serde_json::Map::new(),
        needs,
        location: Some(app.location),
        plan,
        shown: true,
    }
}

/// What an app mutation of several fields needs: the first field's that
/// needs anything (the course's mutations all need the same scope).
fn merge_needs(a: Needs, b: Needs) -> Needs {
    if a.scopes.is_empty() { b } else { a }
}

/// A timeout as the user set it: the requests share one deadline, so the
/// last one's own limit is only what was left of `--timeout`.
fn whole_timeout(e: GithubError, input: &Input<'_>) -> GithubError {
    match e {
        GithubError::Timeout { endpoint, .. } => GithubError::Timeout {
            endpoint,
            secs: input.timeout.as_secs(),
        },
        other => other,
    }
}

/// The largest schema cache read back: GitHub's SDL is about 1 MB.
const CACHE_LIMIT: u64 = 8 * 1024 * 1024;

/// The request options with the time left before `deadline`.
fn options_until(
    input: &Input<'_>,
    deadline: std::time::Instant,
) -> std::result::Result<github::Options, GithubError> {
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    if left.is_zero() {
        return Err(GithubError::Timeout {
            endpoint: input.endpoint.to_owned(),
            secs: input.timeout.as_secs(),
        });
    }
    // Sub-second remainders still get a chance rather than a zero limit.
    Ok(github::Options {
        endpoint: input.endpoint.to_owned(),
        timeout: left,
    })
}

/// GitHub's schema: the cached copy when it is younger than a week (and
/// not `--refresh`), else the introspection query (one request).
/// GitHub's schema as SDL (`ghenv schema`): the cached copy while it is
/// fresh (and not `input.refresh`), else fetched from the trusted endpoint
/// with the token and cached; scrubbed of the token (a deprecation reason
/// is the server's text).
///
/// # Errors
/// As the probe's: GitHub unreachable, the token rejected, an answer that
/// is no schema.
pub fn schema_sdl(io: &mut Io, input: &Input<'_>) -> Result<String> {
    let deadline = std::time::Instant::now() + input.timeout;
    let (_, sdl) = github_schema(io, input, deadline, &mut 0, &[])?;
    Ok(from_server(input.token, &sdl))
}

/// GitHub's answer to the introspection query, always fetched (`ghenv
/// schema --json`), scrubbed of the token.
///
/// # Errors
/// As [`schema_sdl`].
pub fn introspection(io: &mut Io, input: &Input<'_>) -> Result<serde_json::Value> {
    let deadline = std::time::Instant::now() + input.timeout;
    let answer = ask_introspection(io, input, deadline)?;
    // Checked to be a schema before it is handed on.
    schema::to_sdl(&answer.body).map_err(Error::Schema)?;
    let text = serde_json::to_string(&answer.body).expect("JSON values serialize");
    Ok(serde_json::from_str(&from_server(input.token, &text)).unwrap_or(answer.body))
}

/// The introspection query sent with the token to the trusted endpoint,
/// within `deadline`.
///
/// # Errors
/// GitHub unreachable, the token rejected, the deadline passed.
fn ask_introspection(
    io: &mut Io,
    input: &Input<'_>,
    deadline: std::time::Instant,
) -> Result<github::GraphQlAnswer> {
    let options = options_until(input, deadline).map_err(|e| github_error(e, input.token))?;
    io.detail(&format!("POST {} (introspection)", input.endpoint));
    io.with_spinner("Fetching GitHub's schema…", || {
        github::graphql(
            &options,
            input.token,
            schema::INTROSPECTION,
            None,
            github::SCHEMA_LIMIT,
        )
    })
    .map_err(|e| github_error(whole_timeout(e, input), input.token))
}

/// With `local` schema files (graphql-config's, `(path, SDL)`), the schema
/// is GitHub's extended by them (the SDL returned is GitHub's alone), and
/// each problem of theirs is a warning.
fn github_schema(
    io: &mut Io,
    input: &Input<'_>,
    deadline: std::time::Instant,
    requests: &mut usize,
    local: &[(std::path::PathBuf, String)],
) -> Result<(
    apollo_compiler::validation::Valid<apollo_compiler::Schema>,
    String,
)> {
    let now = Timestamp::now();
    let cache =
        schema::cache_dir(|k| io.var(k)).map(|dir| schema::cache_file(&dir, input.endpoint));
    if !input.refresh
        && let Some(path) = &cache
        && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= CACHE_LIMIT)
        && let Ok(text) = std::fs::read_to_string(path)
        && let Some(sdl) = schema::fresh_cache(&text, input.endpoint, now)
    {
        io.detail(&format!("GitHub's schema from {}", path.display()));
        let schema = with_local(io, sdl, local)?;
        return Ok((schema, sdl.to_owned()));
    }
    *requests += 1;
    let answer = ask_introspection(io, input, deadline)?;
    let sdl = schema::to_sdl(&answer.body).map_err(Error::Schema)?;
    let parsed = with_local(io, &sdl, local)?;
    if let Some(path) = &cache {
        // A cache that cannot be written costs one request next time.
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let dir = path.parent().unwrap_or(path);
                let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
                tmp.write_all(schema::cache_text(input.endpoint, now, &sdl).as_bytes())?;
                tmp.persist(path).map(|_| ()).map_err(|e| e.error)
            });
        if let Err(e) = written {
            io.detail(&format!(
                "the schema was not cached in {}: {e}",
                path.display()
            ));
        }
    }
    Ok((parsed, sdl))
}

/// GitHub's `sdl` extended by the app's `local` schema files; each
/// problem of theirs is a warning, and what parsed of them is used.
///
/// # Errors
/// [`Error::Schema`] when the SDL has no query type.
fn with_local(
    io: &mut Io,
    sdl: &str,
    local: &[(std::path::PathBuf, String)],
) -> Result<apollo_compiler::validation::Valid<apollo_compiler::Schema>> {
    let (parsed, problems) = schema::parse_with(sdl, local).map_err(Error::Schema)?;
    for (path, _) in local {
        io.detail(&format!(
            "{} merged into GitHub's schema",
            crate::text::sanitize(&path.display().to_string())
        ));
    }
    for p in problems {
        io.warn(&format!("local schema: {}", crate::text::sanitize(&p)));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    //! The probe's decisions without a server: how an app operation is
    //! judged, how a report turns into an outcome, and what the table says.

    use super::*;
    use crate::graphql::validate::{AppOperation, Problem};
    use crate::project::Location;

    /// An app operation of `text`, valid unless `problems`.
    fn app(text: &str, root_fields: &[&str], required: &[&str]) -> AppOperation {
        let (document, kind) = super::super::parse_one(text, "src/api.js").unwrap();
        AppOperation {
            name: "Op".into(),
            path: "src/api.js".into(),
            location: "src/api.js:3:7".into(),
            kind,
            document,
            problems: Vec::new(),
            omitted: 0,
            deprecations: Vec::new(),
            required_variables: required.iter().map(|v| (*v).to_owned()).collect(),
            root_fields: root_fields.iter().map(|f| (*f).to_owned()).collect(),
            subscription: false,
        }
    }

    fn not_run(why: &str) -> Plan {
        Plan::Known(Status::NotRun, why.into())
    }

    #[test]
    fn an_app_query_that_needs_variables_is_not_run_and_one_without_is_sent() {
        let op = app_operation(app(
            "query Op($login: String!) { user(login: $login) { name } }",
            &["user"],
            &["login", "first"],
        ));
        assert_eq!(
            op.plan,
            not_run("valid; not run: it needs a value for $login, $first")
        );
        assert_eq!(op.source, Source::App);
        assert_eq!(op.lesson, "src/api.js");
        assert_eq!(op.location.as_deref(), Some("src/api.js:3:7"));

        let op = app_operation(app("query Op { viewer { login } }", &["viewer"], &[]));
        assert_eq!(op.plan, Plan::Send);
        assert_eq!(op.needs, catalogue::READ);
    }

    #[test]
    fn an_app_mutation_is_never_sent_but_judged_by_the_courses_probe() {
        let op = app_operation(app(
            "mutation Op { addStar(input: {starrableId: \"x\"}) { clientMutationId } }",
            &["addStar"],
            // A mutation's variables do not matter: it is never sent.
            &["id"],
        ));
        assert_eq!(op.kind, Kind::Mutation);
        assert_eq!(op.plan, Plan::Like(vec!["add_star".into()]));
        assert_eq!(op.needs.scopes, ["public_repo", "repo"]);
        // A field the course has no probe for: nothing to judge it by.
        let op = app_operation(app(
            "mutation Op { addStar(input: {starrableId: \"x\"}) { clientMutationId } deleteRepository(input: {repositoryId: \"x\"}) { clientMutationId } }",
            &["addStar", "deleteRepository"],
            &[],
        ));
        assert_eq!(op.plan, Plan::Like(Vec::new()));
    }

    #[test]
    fn a_fragment_at_the_top_an_invalid_operation_and_a_subscription_are_known_without_asking() {
        let op = app_operation(app(
            "query Op { ...F } fragment F on Query { viewer { login } }",
            &["…"],
            &[],
        ));
        assert_eq!(
            op.plan,
            not_run(
                "valid; not run: a fragment at the top of a query cannot share a document with others"
            )
        );

        let mut invalid = app("query Op { viewer { logn } }", &["viewer"], &[]);
        invalid.problems = vec![Problem {
            location: "src/api.js:3:21".into(),
            message: "no field logn on User".into(),
        }];
        invalid.omitted = 2;
        assert_eq!(
            app_operation(invalid).plan,
            Plan::Known(
                Status::Invalid,
                "src/api.js:3:21: no field logn on User (and 2 more)".into()
            )
        );

        let mut subscription = app("query Op { viewer { login } }", &["viewer"], &[]);
        subscription.subscription = true;
        assert_eq!(
            app_operation(subscription).plan,
            not_run("valid; a subscription, which the probe does not try")
        );
    }

    fn project(config: &str) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        let p = Project::open(&Location {
            dir: Some(dir.path().to_path_buf()),
            template_dir: None,
        })
        .unwrap();
        (dir, p)
    }

    #[test]
    fn a_config_query_with_a_fragment_at_the_top_is_not_run_and_a_mutation_is_refused() {
        let (_dir, p) = project(
            "version = 1\n\n[[probe]]\nname = \"mine\"\nquery = \"query { ...F } fragment F on Query { viewer { login } }\"\n\n[[probe]]\nname = \"plain\"\nquery = \"query { viewer { login } }\"\n",
        );
        let ops = team_operations(&p).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].source, Source::Config);
        assert_eq!(
            ops[0].plan,
            not_run(
                "not run: a fragment at the top of a query cannot share a document with others; select fields at the top"
            )
        );
        assert_eq!(ops[1].plan, Plan::Send);

        let (_dir, p) = project(
            "version = 1\n\n[[probe]]\nname = \"star\"\nquery = \"mutation { addStar(input: {starrableId: \\\"x\\\"}) { clientMutationId } }\"\n",
        );
        let e = team_operations(&p).unwrap_err();
        assert_eq!(e.kind(), "probe_entry_refused");
        assert!(e.to_string().contains("it is a mutation"), "{e}");
    }

    fn outcome(name: &str, status: Status, needs: &[&str]) -> Outcome {
        Outcome {
            name: name.into(),
            lesson: "Lesson 1".into(),
            source: Source::Course,
            kind: Kind::Query,
            status,
            needs: needs.iter().map(|n| (*n).to_owned()).collect(),
            message: "GitHub's words".into(),
            location: None,
        }
    }

    fn report(operations: Vec<Outcome>) -> ProbeReport {
        ProbeReport {
            operations,
            requests: 1,
            problems: Vec::new(),
            deprecations: Vec::new(),
            app: None,
        }
    }

    fn said(report: &ProbeReport, strict: bool) -> &'static str {
        match report.outcome(strict) {
            crate::report::Outcome::Ok => "ok",
            crate::report::Outcome::Found => "found",
            crate::report::Outcome::Lacks => "lacks",
            _ => "other",
        }
    }

    #[test]
    fn a_lacking_token_outranks_an_invalid_app_and_deprecations_count_only_when_strict() {
        let ok = report(vec![outcome("viewer", Status::Ok, &[])]);
        assert_eq!((said(&ok, false), said(&ok, true)), ("ok", "ok"));

        let lacks = report(vec![
            outcome("viewer", Status::Invalid, &[]),
            outcome("star", Status::MissingScopes, &["public_repo"]),
        ]);
        assert_eq!(
            (said(&lacks, false), said(&lacks, true)),
            ("lacks", "lacks")
        );

        let invalid = report(vec![outcome("viewer", Status::Invalid, &[])]);
        assert_eq!(
            (said(&invalid, false), said(&invalid, true)),
            ("found", "found")
        );

        let mut deprecated = report(vec![outcome("viewer", Status::Ok, &[])]);
        deprecated.deprecations.push(AppProblem {
            operation: "viewer".into(),
            operation_at: "src/api.js:1:1".into(),
            location: "src/api.js:1:9".into(),
            message: "deprecated".into(),
        });
        assert_eq!(
            (said(&deprecated, false), said(&deprecated, true)),
            ("ok", "found")
        );

        // An answer that could not be read fails only --strict.
        let unknown = report(vec![outcome("viewer", Status::Unknown, &[])]);
        assert_eq!(
            (said(&unknown, false), said(&unknown, true)),
            ("ok", "lacks")
        );
        // Not run is neither yes nor "could not tell".
        let not_run = report(vec![outcome("viewer", Status::NotRun, &[])]);
        assert_eq!((said(&not_run, false), said(&not_run, true)), ("ok", "ok"));
    }

    fn table(report: &ProbeReport, add_scopes: &dyn Fn(&[String]) -> Option<String>) -> String {
        let (mut io, captured) = Io::test();
        report.print_table(&mut io, "https://github.com/settings/tokens/1", add_scopes);
        captured.out()
    }

    #[test]
    fn a_missing_scope_names_the_command_that_adds_it_or_else_the_tokens_page() {
        let r = report(vec![
            outcome("viewer", Status::Ok, &[]),
            outcome("star", Status::MissingScopes, &["public_repo", "repo"]),
        ]);
        let asked = std::cell::RefCell::new(Vec::new());
        let with = table(&r, &|scopes| {
            asked.borrow_mut().push(scopes.to_vec());
            Some(format!("gh auth refresh -s {}", scopes.join(",")))
        });
        assert_eq!(
            with,
            "Lesson 1\n  ✓ viewer\n  ✗ star: the token lacks the scope public_repo or repo (`gh auth refresh -s public_repo` adds it)\n"
        );
        // Any one of them does: the command asks for the first only.
        assert_eq!(*asked.borrow(), vec![vec!["public_repo".to_owned()]]);

        let without = table(&r, &|_| None);
        assert_eq!(
            without,
            "Lesson 1\n  ✓ viewer\n  ✗ star: the token lacks the scope public_repo or repo (tick it on the token's page at https://github.com/settings/tokens/1: GitHub cannot add scopes by URL; or `ghenv rotate` with a new token)\n"
        );
    }

    #[test]
    fn the_table_ends_with_how_many_app_documents_were_found_or_that_none_were() {
        let mut r = report(Vec::new());
        r.app = Some(AppDocuments {
            documents: 3,
            config: None,
            files: vec!["src/a.js".into(), "src/b.graphql".into()],
        });
        assert_eq!(
            table(&r, &|_| None),
            "app: 3 GraphQL documents in src/a.js, src/b.graphql\n"
        );

        r.app = Some(AppDocuments {
            documents: 1,
            config: None,
            files: vec!["src/a.js".into()],
        });
        assert_eq!(
            table(&r, &|_| None),
            "app: 1 GraphQL document in src/a.js\n"
        );

        r.app = Some(AppDocuments {
            documents: 7,
            config: None,
            files: (1..=7).map(|i| format!("src/{i}.js")).collect(),
        });
        assert_eq!(
            table(&r, &|_| None),
            "app: 7 GraphQL documents in src/1.js, src/2.js, src/3.js, src/4.js, src/5.js and 2 more files\n"
        );

        r.app = Some(AppDocuments {
            documents: 0,
            config: None,
            files: Vec::new(),
        });
        let none = table(&r, &|_| None);
        assert!(
            none.starts_with("app: no GraphQL documents found (gql`…` and graphql`…` templates"),
            "{none}"
        );
        // Without looking at the app, nothing is said about it.
        r.app = None;
        assert_eq!(table(&r, &|_| None), "");
    }
}
