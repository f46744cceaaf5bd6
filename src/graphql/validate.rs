//! The app's operations checked against GitHub's schema with
//! apollo-compiler: each operation with the fragments it uses (from any
//! file of the project), every error at its `file:line:column`, and a
//! "did you mean" for a misspelt field or argument.
//!
//! The documents come from the repository, so the work is bounded: each
//! document is measured before it is parsed ([`super::limits`]), an
//! operation shows at most [`MAX_PROBLEMS`] problems (the rest counted),
//! and the caller's deadline is looked at between documents and between
//! operations.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use apollo_compiler::ast::{self, Definition, Selection};
use apollo_compiler::diagnostic::ToCliReport;
use apollo_compiler::executable::ExecutableDocument;
use apollo_compiler::parser::Parser;
use apollo_compiler::validation::{DiagnosticList, Valid};
use apollo_compiler::{Node, Schema};
use serde::Serialize;

use super::documents::AppDocument;

/// One error in the app's GraphQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `file:line:column`.
    pub location: String,
    /// What is wrong, and what was meant when ghenv can tell.
    pub message: String,
}

/// One operation of the app, checked.
#[derive(Debug, Clone)]
pub struct AppOperation {
    /// Its name, or `anonymous query`.
    pub name: String,
    /// The file it is in.
    pub path: PathBuf,
    /// `file:line:column` of its start.
    pub location: String,
    /// Query or mutation (subscriptions are left out).
    pub kind: super::Kind,
    /// The operation and the fragments it uses, for the probe.
    pub document: ast::Document,
    /// Its errors, at most [`MAX_PROBLEMS`]; empty when it is valid.
    pub problems: Vec<Problem>,
    /// How many more errors it has than `problems` shows.
    pub omitted: usize,
    /// Deprecated fields and enum values it uses, with GitHub's reason
    /// (warnings; `--strict` fails on them). Each place once per check.
    pub deprecations: Vec<Problem>,
    /// Variables without a default that must have a value (non-null).
    pub required_variables: Vec<String>,
    /// The root fields it selects (for mutations: what it would do); `…`
    /// for a fragment at the top.
    pub root_fields: Vec<String>,
    /// A subscription (checked, never probed).
    pub subscription: bool,
}

/// At most this many operations of the app are checked: validation costs
/// time in proportion, and a course app has a few dozen.
pub const MAX_OPERATIONS: usize = 200;

/// At most this many problems are shown for one operation: a document of
/// thousands of mistakes would otherwise cost time and a screenful for each.
pub const MAX_PROBLEMS: usize = 20;

/// The deadline passed before every operation was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overdue;

/// A definition of the app: its own text and where that starts in its file.
struct Located {
    path: PathBuf,
    text: String,
    line: usize,
    column: usize,
    definition: Definition,
}

/// What each source apollo-compiler parsed stands for: diagnostics name a
/// source by the key it was given (`#N`), and this turns the key and a line
/// and column in the source into the file's.
#[derive(Default)]
struct Places(Vec<(PathBuf, usize, usize)>);

impl Places {
    fn key(&mut self, path: &std::path::Path, line: usize, column: usize) -> String {
        self.0.push((path.to_path_buf(), line, column));
        format!("#{}", self.0.len() - 1)
    }

    fn locate(&self, key: &str, line: usize, column: usize) -> String {
        match key
            .strip_prefix('#')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| self.0.get(n))
        {
            Some((path, l, c)) => {
                let (line, column) = super::documents::compose((*l, *c), (line, column));
                format!("{}:{line}:{column}", path.display())
            }
            None => key.to_owned(),
        }
    }
}

/// A parser with the limits behind [`super::limits::measure`].
fn parser() -> Parser {
    Parser::new()
        .recursion_limit(super::limits::PARSER_RECURSION)
        .token_limit(super::limits::PARSER_TOKENS)
}

/// A document that is not checked: one invalid operation, named for why.
fn unchecked(name: &str, doc: &AppDocument, location: String, problems: Problems) -> AppOperation {
    AppOperation {
        name: name.into(),
        path: doc.path.clone(),
        location: problems
            .shown
            .first()
            .map_or(location, |p| p.location.clone()),
        kind: super::Kind::Query,
        document: ast::Document::new(),
        problems: problems.shown,
        omitted: problems.omitted,
        deprecations: Vec::new(),
        required_variables: Vec::new(),
        root_fields: Vec::new(),
        subscription: false,
    }
}

/// Checks the operations in `documents` against `schema`, at most
/// [`MAX_OPERATIONS`] of them (the second value says whether more were
/// left out). A document that does not parse, or that is too deep or too
/// large to check ([`super::limits`]), is one invalid operation.
///
/// # Errors
/// [`Overdue`] when `deadline` passes before the work is done.
pub fn check(
    schema: &Valid<Schema>,
    documents: &[AppDocument],
    deadline: Instant,
) -> Result<(Vec<AppOperation>, bool), Overdue> {
    let overdue = || {
        if Instant::now() >= deadline {
            Err(Overdue)
        } else {
            Ok(())
        }
    };
    let mut operations: Vec<Located> = Vec::new();
    let mut fragments: BTreeMap<String, Vec<Located>> = BTreeMap::new();
    let mut out = Vec::new();
    let mut places = Places::default();
    for doc in documents {
        overdue()?;
        if let Err(too_large) = super::limits::measure(&doc.text) {
            let (line, column) = too_large.place();
            let (line, column) = doc.place(line, column);
            let location = format!("{}:{line}:{column}", doc.path.display());
            let problems = Problems {
                shown: vec![Problem {
                    location: location.clone(),
                    message: too_large.to_string(),
                }],
                ..Problems::default()
            };
            out.push(unchecked("(not checked)", doc, location, problems));
            continue;
        }
        let key = places.key(&doc.path, doc.line, doc.column);
        let parsed = match parser().parse_ast(doc.text.clone(), &key) {
            Ok(d) => d,
            Err(with_errors) => {
                let mut problems = Problems::default();
                problems.add(&with_errors.errors, schema, &places, false);
                let location = places.locate(&key, 1, 1);
                out.push(unchecked("(does not parse)", doc, location, problems));
                continue;
            }
        };
        for definition in &parsed.definitions {
            let Some(span) = definition.location() else {
                continue;
            };
            let Some(text) = doc.text.get(span.offset()..span.end_offset()) else {
                continue;
            };
            let start = span
                .line_column(&parsed.sources)
                .map_or((1, 1), |lc| (lc.line, lc.column));
            let (line, column) = doc.place(start.0, start.1);
            // What Apollo Client sends: `@client` selections and its own
            // directives taken out (blanked, so every place stays where
            // it is); a definition that is all local state is never sent.
            let Some((text, sent)) = server_side(text, definition, span.offset()) else {
                continue;
            };
            let located = Located {
                path: doc.path.clone(),
                text,
                line,
                column,
                definition: sent,
            };
            match definition {
                Definition::OperationDefinition(_) => operations.push(located),
                Definition::FragmentDefinition(f) => {
                    fragments
                        .entry(f.name.to_string())
                        .or_default()
                        .push(located);
                }
                _ => {}
            }
        }
    }
    let truncated = operations.len() > MAX_OPERATIONS;
    let mut warned: HashSet<String> = HashSet::new();
    for op in operations.iter().take(MAX_OPERATIONS) {
        overdue()?;
        let Definition::OperationDefinition(def) = &op.definition else {
            continue;
        };
        // The fragments it uses, transitively; the one in its own file
        // first when two files define the same name.
        let mut needed: Vec<&Located> = Vec::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut queue: Vec<String> = spreads(&def.selection_set);
        while let Some(name) = queue.pop() {
            if !names.insert(name.clone()) {
                continue;
            }
            let Some(candidates) = fragments.get(&name) else {
                continue;
            };
            let chosen = candidates
                .iter()
                .find(|f| f.path == op.path)
                .unwrap_or(&candidates[0]);
            if let Definition::FragmentDefinition(f) = &chosen.definition {
                queue.extend(spreads(&f.selection_set));
            }
            needed.push(chosen);
        }
        let mut errors = DiagnosticList::new(Default::default());
        let mut builder = ExecutableDocument::builder(Some(schema), &mut errors);
        let mut parser = parser();
        let key = places.key(&op.path, op.line, op.column);
        parser.parse_into_executable_builder(op.text.clone(), &key, &mut builder);
        for f in &needed {
            let key = places.key(&f.path, f.line, f.column);
            parser.parse_into_executable_builder(f.text.clone(), &key, &mut builder);
        }
        let executable = builder.build();
        let mut problems = Problems::default();
        problems.add(&errors, schema, &places, false);
        // The build leaves out a field it cannot find, which can empty its
        // parent's selection: that is the same mistake.
        let built_with_errors = !problems.is_empty();
        let mut deprecations = Vec::new();
        match executable.validate(schema) {
            Ok(valid) => deprecated_uses(schema, &valid, &places, &mut warned, &mut deprecations),
            Err(with_errors) => {
                problems.add(&with_errors.errors, schema, &places, built_with_errors);
            }
        }
        let mut document = ast::Document::new();
        document.definitions.push(op.definition.clone());
        document
            .definitions
            .extend(needed.iter().map(|f| f.definition.clone()));
        out.push(AppOperation {
            name: def.name.as_ref().map_or_else(
                || format!("anonymous {}", kind_word(def.operation_type)),
                ToString::to_string,
            ),
            path: op.path.clone(),
            location: format!("{}:{}:{}", op.path.display(), op.line, op.column),
            kind: if def.operation_type == ast::OperationType::Mutation {
                super::Kind::Mutation
            } else {
                super::Kind::Query
            },
            document,
            problems: problems.shown,
            omitted: problems.omitted,
            deprecations,
            required_variables: def
                .variables
                .iter()
                .filter(|v| v.default_value.is_none() && v.ty.is_non_null())
                .map(|v| v.name.to_string())
                .collect(),
            // A fragment at the top of a mutation could hold any mutation:
            // "…" names none the probe knows, so it is judged unknown.
            root_fields: def
                .selection_set
                .iter()
                .map(|s| match s {
                    Selection::Field(f) => f.name.to_string(),
                    _ => "…".to_owned(),
                })
                .collect(),
            subscription: def.operation_type == ast::OperationType::Subscription,
        });
    }
    Ok((out, truncated))
}

/// The deprecated fields and enum values (as arguments) `doc` uses, each
/// with the schema's reason, at its place; a place already in `warned`
/// (a fragment two operations share) is not said again.
fn deprecated_uses(
    schema: &Schema,
    doc: &ExecutableDocument,
    places: &Places,
    warned: &mut HashSet<String>,
    out: &mut Vec<Problem>,
) {
    use apollo_compiler::executable::{Selection as Sel, SelectionSet};
    let reason = |directives: &ast::DirectiveList| {
        directives.get("deprecated").map(|d| {
            d.specified_argument_by_name("reason")
                .and_then(|v| v.as_str())
                .unwrap_or("No longer supported")
                .to_owned()
        })
    };
    let place = |span: Option<apollo_compiler::parser::SourceSpan>| {
        let span = span?;
        let key = doc
            .sources
            .get(&span.file_id())?
            .path()
            .display()
            .to_string();
        let lc = span.line_column(&doc.sources)?;
        Some(places.locate(&key, lc.line, lc.column))
    };
    fn walk(
        set: &SelectionSet,
        visit: &mut dyn FnMut(&Node<apollo_compiler::executable::Field>, &str),
    ) {
        for selection in &set.selections {
            match selection {
                Sel::Field(f) => {
                    visit(f, set.ty.as_str());
                    walk(&f.selection_set, visit);
                }
                Sel::InlineFragment(i) => walk(&i.selection_set, visit),
                Sel::FragmentSpread(_) => {}
            }
        }
    }
    let mut visit = |f: &Node<apollo_compiler::executable::Field>, parent: &str| {
        let mut found = Vec::new();
        if let Some(why) = reason(&f.definition.directives) {
            found.push(format!("{parent}.{} is deprecated: {why}", f.name));
        }
        for arg in &f.arguments {
            let ast::Value::Enum(value) = arg.value.as_ref() else {
                continue;
            };
            let Some(def) = f.definition.arguments.iter().find(|a| a.name == arg.name) else {
                continue;
            };
            if let Some(apollo_compiler::schema::ExtendedType::Enum(e)) =
                schema.types.get(def.ty.inner_named_type())
                && let Some(v) = e.values.get(value)
                && let Some(why) = reason(&v.directives)
            {
                found.push(format!("{}.{value} is deprecated: {why}", e.name));
            }
        }
        if found.is_empty() {
            return;
        }
        let Some(at) = place(f.location()) else {
            return;
        };
        if !warned.insert(at.clone()) {
            return;
        }
        for message in found {
            out.push(Problem {
                location: at.clone(),
                message,
            });
        }
    };
    for op in doc.operations.iter() {
        walk(&op.selection_set, &mut visit);
    }
    for fragment in doc.fragments.values() {
        walk(&fragment.selection_set, &mut visit);
    }
}

/// Apollo Client's directives, which it strips before a request reaches
/// the server: `@client` (local state; the selection goes too),
/// `@connection`, `@export`, `@nonreactive`, `@unmask`.
const APOLLO_DIRECTIVES: [&str; 5] = ["client", "connection", "export", "nonreactive", "unmask"];

/// `text` (the source of `definition`, which starts at byte `base` of its
/// document) as Apollo Client sends it, and its syntax tree: `@client`
/// selections and Apollo's own directives replaced by spaces (lines and
/// columns stay), a selection whose fields are all `@client` with them.
/// `None` for a definition that is all local state (`@client` on it, or on
/// every selection), which never reaches the server.
fn server_side(text: &str, definition: &Definition, base: usize) -> Option<(String, Definition)> {
    let (directives, selections) = match definition {
        Definition::OperationDefinition(o) => (&o.directives, &o.selection_set),
        Definition::FragmentDefinition(f) => (&f.directives, &f.selection_set),
        _ => return Some((text.to_owned(), definition.clone())),
    };
    if is_client(directives) {
        return None;
    }
    let mut blanks = Vec::new();
    apollo_directives(directives, &mut blanks);
    if !keep_server_side(selections, &mut blanks) {
        return None;
    }
    if blanks.is_empty() {
        return Some((text.to_owned(), definition.clone()));
    }
    let mut bytes = text.as_bytes().to_vec();
    for (start, end) in blanks {
        let (start, end) = (
            start.saturating_sub(base),
            end.saturating_sub(base).min(bytes.len()),
        );
        for b in bytes.get_mut(start..end).into_iter().flatten() {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only whole characters were blanked, so the text is still UTF-8; the
    // tree is read again from it, for the probe and the fragment spreads.
    let blanked = String::from_utf8(bytes).ok()?;
    let reparsed = parser().parse_ast(blanked.clone(), "apollo").ok()?;
    let definition = reparsed.definitions.into_iter().next()?;
    Some((blanked, definition))
}

fn is_client(directives: &ast::DirectiveList) -> bool {
    directives.iter().any(|d| d.name == "client")
}

/// Adds the places of Apollo's own directives in `directives` to `blanks`.
fn apollo_directives(directives: &ast::DirectiveList, blanks: &mut Vec<(usize, usize)>) {
    for d in directives.iter() {
        if APOLLO_DIRECTIVES.contains(&d.name.as_str())
            && let Some(span) = d.location()
        {
            blanks.push((span.offset(), span.end_offset()));
        }
    }
}

/// Adds to `blanks` what of `selections` Apollo Client keeps to itself;
/// whether anything is left for the server.
fn keep_server_side(selections: &[Selection], blanks: &mut Vec<(usize, usize)>) -> bool {
    let mut kept = false;
    for s in selections {
        let (directives, children, span) = match s {
            Selection::Field(f) => (&f.directives, Some(&f.selection_set), f.location()),
            Selection::FragmentSpread(f) => (&f.directives, None, f.location()),
            Selection::InlineFragment(f) => (&f.directives, Some(&f.selection_set), f.location()),
        };
        let local = is_client(directives)
            || children.is_some_and(|c| !c.is_empty() && !keep_server_side(c, blanks));
        if local {
            if let Some(span) = span {
                blanks.push((span.offset(), span.end_offset()));
            }
            continue;
        }
        apollo_directives(directives, blanks);
        kept = true;
    }
    kept
}

fn kind_word(kind: ast::OperationType) -> &'static str {
    match kind {
        ast::OperationType::Query => "query",
        ast::OperationType::Mutation => "mutation",
        ast::OperationType::Subscription => "subscription",
    }
}

/// The fragment names spread in `selections`, at any depth.
fn spreads(selections: &[Selection]) -> Vec<String> {
    let mut out = Vec::new();
    for s in selections {
        match s {
            Selection::Field(f) => out.extend(spreads(&f.selection_set)),
            Selection::FragmentSpread(f) => out.push(f.fragment_name.to_string()),
            Selection::InlineFragment(f) => out.extend(spreads(&f.selection_set)),
        }
    }
    out
}

/// One operation's problems: each once, the first [`MAX_PROBLEMS`] with
/// their place and suggestion, the others only counted. Every diagnostic
/// costs a look-up in a set, so thousands of them cost time in proportion.
#[derive(Default)]
struct Problems {
    shown: Vec<Problem>,
    omitted: usize,
    /// Place and apollo-compiler's message of each problem seen.
    seen: HashSet<(String, String)>,
}

impl Problems {
    fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.omitted == 0
    }

    /// Each diagnostic in `errors` as a problem at its place, with a
    /// suggestion when a field or argument is misspelt. `cascade`: leave
    /// out the empty selections that a build error left behind.
    fn add(
        &mut self,
        errors: &DiagnosticList,
        schema: &Valid<Schema>,
        places: &Places,
        cascade: bool,
    ) {
        for d in errors.iter() {
            let message = d
                .error
                .unstable_compat_message()
                .unwrap_or_else(|| d.error.to_string());
            if cascade && message.contains("must have a selection of subfields") {
                continue;
            }
            let key = d
                .error
                .location()
                .and_then(|span| d.sources.get(&span.file_id()))
                .map(|file| file.path().display().to_string())
                .unwrap_or_default();
            let (line, column) = d
                .line_column_range()
                .map_or((1, 1), |r| (r.start.line, r.start.column));
            let at = places.locate(&key, line, column);
            if self.shown.len() >= MAX_PROBLEMS {
                if self.seen.insert((at, message)) {
                    self.omitted += 1;
                }
                continue;
            }
            if !self.seen.insert((at.clone(), message.clone())) {
                continue;
            }
            // The suggestion follows from the message: the same message at
            // the same place is the same problem.
            let message = match suggestion(&message, schema) {
                Some(meant) => format!("{message} Did you mean \"{meant}\"?"),
                None => message,
            };
            self.shown.push(Problem {
                location: at,
                message: crate::text::sanitize(&message).into_owned(),
            });
        }
    }
}

/// For `Cannot query field "nmae" on type "User".` the closest field of
/// `User`; likewise for an unknown argument.
fn suggestion(message: &str, schema: &Valid<Schema>) -> Option<String> {
    let quoted: Vec<&str> = message.split('"').skip(1).step_by(2).collect();
    let (wrong, candidates): (&str, Vec<String>) = if message.starts_with("Cannot query field") {
        let [field, ty, ..] = quoted[..] else {
            return None;
        };
        let fields = match schema.types.get(ty)? {
            apollo_compiler::schema::ExtendedType::Object(o) => {
                o.fields.keys().map(|k| k.to_string()).collect()
            }
            apollo_compiler::schema::ExtendedType::Interface(i) => {
                i.fields.keys().map(|k| k.to_string()).collect()
            }
            _ => return None,
        };
        (field, fields)
    } else if message.starts_with("Unknown argument") && message.contains(" on field ") {
        let [argument, coordinate, ..] = quoted[..] else {
            return None;
        };
        let (ty, field) = coordinate.split_once('.')?;
        let definition = schema.type_field(ty, field).ok()?;
        (
            argument,
            definition
                .arguments
                .iter()
                .map(|a| a.name.to_string())
                .collect(),
        )
    } else {
        return None;
    };
    closest(wrong, &candidates)
}

/// The candidate nearest to `wrong`, if it is near enough to be a typo.
pub fn closest(wrong: &str, candidates: &[String]) -> Option<String> {
    let limit = (wrong.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&wrong.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, (*c).clone()))
        .map(|(_, c)| c.clone())
}

/// The operation's own node, for callers that want its span.
pub fn operation_of(document: &ast::Document) -> Option<&Node<ast::OperationDefinition>> {
    document.definitions.iter().find_map(|d| match d {
        Definition::OperationDefinition(op) => Some(op),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::documents::templates;

    const SDL: &str =
        "type Query { viewer: User! repository(owner: String!, name: String!): Repository }
type User { login: String! name: String url: String! }
type Repository { id: ID! name: String! stargazers: Count! }
type Count { totalCount: Int! }
type Mutation { addStar(input: AddStarInput!): Boolean }
input AddStarInput { starrableId: ID! }";

    fn far() -> Instant {
        Instant::now() + std::time::Duration::from_secs(3600)
    }

    fn docs(files: &[(&str, &str)]) -> Vec<AppDocument> {
        files
            .iter()
            .flat_map(|(path, source)| {
                templates(source).into_iter().map(move |d| AppDocument {
                    path: PathBuf::from(path),
                    ..d
                })
            })
            .collect()
    }

    #[test]
    fn a_misspelt_field_is_reported_at_its_place_with_what_was_meant() {
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        let (found, _) = check(
            &schema,
            &docs(&[(
                "src/App.js",
                "const a = 1;\nconst Q = gql`\n  query Me {\n    viewer { nmae }\n  }\n`;\n",
            )]),
            far(),
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "Me");
        assert_eq!(found[0].location, "src/App.js:3:3");
        assert_eq!(
            found[0].problems,
            [Problem {
                location: "src/App.js:4:14".into(),
                message: "Cannot query field \"nmae\" on type \"User\". Did you mean \"name\"?"
                    .into()
            }]
        );
    }

    #[test]
    fn a_fragment_from_another_file_is_found_and_its_errors_point_there() {
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        let fragments = "import gql from 'graphql-tag';\n\nconst REPOSITORY_FRAGMENT = gql`\n  fragment repository on Repository {\n    id\n    nme\n  }\n`;\nexport default REPOSITORY_FRAGMENT;\n";
        let query = "import REPOSITORY_FRAGMENT from './fragments';\nconst GET = gql`\n  query Repo { repository(owner: \"a\", name: \"b\") { ...repository } }\n  ${REPOSITORY_FRAGMENT}\n`;\n";
        let (found, _) = check(
            &schema,
            &docs(&[
                ("src/Repository/fragments.js", fragments),
                ("src/Repository/queries.js", query),
            ]),
            far(),
        )
        .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].problems.len(), 1, "{:?}", found[0].problems);
        assert_eq!(
            found[0].problems[0].location,
            "src/Repository/fragments.js:6:5"
        );
        assert!(
            found[0].problems[0]
                .message
                .contains("Did you mean \"name\"")
        );
        // Fixed, it validates, and the probe's document holds the fragment.
        let fixed = fragments.replace("nme", "name");
        let (found, _) = check(
            &schema,
            &docs(&[
                ("src/Repository/fragments.js", &fixed),
                ("src/Repository/queries.js", query),
            ]),
            far(),
        )
        .unwrap();
        assert!(found[0].problems.is_empty(), "{:?}", found[0].problems);
        assert_eq!(found[0].document.definitions.len(), 2);
    }

    #[test]
    fn an_undefined_fragment_and_a_syntax_error_are_problems() {
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        let (found, _) = check(
            &schema,
            &docs(&[("a.js", "gql`{ viewer { ...nowhere } }`; gql`{ viewer { `;")]),
            far(),
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|o| !o.problems.is_empty()), "{found:?}");
    }

    #[test]
    fn an_operation_shows_at_most_max_problems_and_counts_the_rest_once_each() {
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        // 500 distinct unknown fields, each also written twice.
        let fields: String = (0..500).map(|i| format!(" x{i} x{i}")).collect();
        let doc = AppDocument {
            path: PathBuf::from("q.graphql"),
            text: format!("query Many {{ viewer {{{fields} }} }}"),
            line: 1,
            column: 1,
            interpolations: Vec::new(),
        };
        let (found, _) = check(&schema, &[doc], far()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].problems.len(), MAX_PROBLEMS);
        // The same field twice is two places, so two problems.
        assert_eq!(found[0].problems.len() + found[0].omitted, 1000);
        // Unbalanced braces: thousands of syntax errors, few shown.
        let doc = AppDocument {
            path: PathBuf::from("b.graphql"),
            text: format!("query B {{ viewer {{ login }} }} {}", "} ".repeat(5000)),
            line: 1,
            column: 1,
            interpolations: Vec::new(),
        };
        let (found, _) = check(&schema, &[doc], far()).unwrap();
        assert_eq!(found[0].name, "(does not parse)");
        assert!(found[0].problems.len() <= MAX_PROBLEMS, "{found:?}");
        assert!(found[0].omitted > 0, "{found:?}");
    }

    #[test]
    fn a_document_deeper_or_larger_than_the_limits_is_refused_before_parsing() {
        use crate::graphql::limits::{MAX_DEPTH, MAX_TOKENS};
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        let doc = |text: String| AppDocument {
            path: PathBuf::from("src/App.js"),
            text,
            line: 3,
            column: 11,
            interpolations: Vec::new(),
        };
        let nested = |n: usize| format!("query D {}{}", "{ a ".repeat(n), "} ".repeat(n));
        let wide = format!("query W {{ viewer {{{} }} }}", " login".repeat(MAX_TOKENS));
        let (found, _) = check(
            &schema,
            &[doc(nested(MAX_DEPTH + 1)), doc(nested(20_000)), doc(wide)],
            far(),
        )
        .unwrap();
        assert_eq!(found.len(), 3, "{found:?}");
        for (op, word) in found.iter().zip(["deeper", "deeper", "more than"]) {
            assert_eq!(op.name, "(not checked)");
            assert_eq!(op.problems.len(), 1, "{op:?}");
            assert!(op.problems[0].message.contains(word), "{op:?}");
        }
        // At the first bracket too deep, in the file's lines and columns.
        let column = 11 + "query D ".len() + 4 * MAX_DEPTH;
        assert_eq!(
            found[0].problems[0].location,
            format!("src/App.js:3:{column}")
        );
        // At the limit it is checked as any other (the field is unknown).
        let (found, _) = check(&schema, &[doc(nested(MAX_DEPTH))], far()).unwrap();
        assert_eq!(found[0].name, "D");
        assert!(found[0].problems[0].message.contains("Cannot query field"));
    }

    #[test]
    fn a_passed_deadline_stops_the_check() {
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        let docs = docs(&[("a.js", "gql`{ viewer { login } }`")]);
        assert_eq!(check(&schema, &docs, Instant::now()).unwrap_err(), Overdue);
        assert!(check(&schema, &docs, far()).is_ok());
    }

    #[test]
    fn closest_takes_only_near_names() {
        let c = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(closest("nmae", &c(&["name", "url"])), Some("name".into()));
        assert_eq!(
            closest("stargazer", &c(&["stargazers", "id"])),
            Some("stargazers".into())
        );
        assert_eq!(closest("zzzz", &c(&["name"])), None);
    }

    #[test]
    fn apollo_clients_local_state_and_directives_are_what_apollo_strips() {
        let schema = crate::graphql::schema::parse(SDL).unwrap();
        let source = "const Q = gql`
  query Me {
    isLoggedIn @client
    viewer @connection(key: \"me\") {
      login
      isFavourite @client
      name @nonreactive
      ...Extra @unmask
    }
  }
  fragment Extra on User { url @export(as: \"u\") }
  query Local { cart @client { items } }
  query Broken { viewer { nmae } cart @client }
`;
";
        let (found, _) = check(&schema, &docs(&[("src/App.js", source)]), far()).unwrap();
        let names: Vec<&str> = found.iter().map(|o| o.name.as_str()).collect();
        // The all-local query never reaches GitHub: not checked, not probed.
        assert_eq!(names, ["Me", "Broken"], "{found:#?}");
        assert!(found[0].problems.is_empty(), "{:#?}", found[0].problems);
        // What would be sent holds none of it.
        let sent = found[0].document.to_string();
        for gone in [
            "@client",
            "isLoggedIn",
            "isFavourite",
            "@connection",
            "@nonreactive",
            "@unmask",
            "@export",
        ] {
            assert!(!sent.contains(gone), "{gone}: {sent}");
        }
        assert!(
            sent.contains("login") && sent.contains("...Extra"),
            "{sent}"
        );
        // Real mistakes still are, at their own place.
        assert_eq!(found[1].problems.len(), 1, "{:#?}", found[1].problems);
        assert!(
            found[1].problems[0].location.ends_with(":13:27"),
            "{:#?}",
            found[1].problems
        );
        assert!(found[1].problems[0].message.contains("nmae"));
    }

    #[test]
    fn deprecated_fields_and_enum_values_are_warned_about_once_with_the_reason() {
        let schema = crate::graphql::schema::parse(
            "type Query { viewer: User! }
type User { login: String! name: String @deprecated(reason: \"Use login.\") repos(order: Order): Int }
enum Order { ASC OLD @deprecated(reason: \"Use ASC.\") }",
        )
        .unwrap();
        let source = "const Q = gql`\n  query A { viewer { name ...F } }\n  query B { viewer { ...F } }\n  fragment F on User { repos(order: OLD) login }\n`;\n";
        let (found, _) = check(&schema, &docs(&[("src/App.js", source)]), far()).unwrap();
        assert!(found.iter().all(|o| o.problems.is_empty()), "{found:#?}");
        let all: Vec<(String, String)> = found
            .iter()
            .flat_map(|o| {
                o.deprecations
                    .iter()
                    .map(|d| (d.location.clone(), d.message.clone()))
            })
            .collect();
        assert_eq!(
            all,
            [
                (
                    "src/App.js:2:22".to_owned(),
                    "User.name is deprecated: Use login.".to_owned()
                ),
                (
                    "src/App.js:4:24".to_owned(),
                    "Order.OLD is deprecated: Use ASC.".to_owned()
                ),
            ],
            "the fragment both use is said once: {found:#?}"
        );
    }
}
