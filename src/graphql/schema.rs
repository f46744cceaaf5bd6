//! GitHub's GraphQL schema: the introspection query, its answer turned into
//! SDL that apollo-compiler reads, and the cache of it per endpoint under
//! the user's cache folder (`$XDG_CACHE_HOME/ghenv/schemas/`).
//!
//! The answer is the server's: names are checked to be GraphQL names before
//! they go into the SDL, so an answer cannot smuggle definitions in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use apollo_compiler::Schema;
use apollo_compiler::validation::Valid;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// How long a cached schema is used before it is fetched again.
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(7 * 24);

/// The introspection query: every type with its fields, arguments, input
/// fields, enum values, interfaces and possible types, without the
/// descriptions (which are most of GitHub's 5 MB); with what is deprecated
/// and why, for the app's warnings.
pub const INTROSPECTION: &str = "query GhenvSchema { __schema { queryType { name } mutationType { name } subscriptionType { name } types { kind name fields(includeDeprecated: true) { name args { name type { ...TypeRef } defaultValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { name type { ...TypeRef } defaultValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } possibleTypes { ...TypeRef } } directives { name locations args { name type { ...TypeRef } defaultValue } } } } fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

/// Why an introspection answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// No `__schema` in it.
    #[error("the answer to the introspection query has no __schema")]
    NoSchema,
    /// A name or type reference that is not GraphQL.
    #[error("the schema has a malformed {0}")]
    Malformed(&'static str),
    /// apollo-compiler could not read the SDL made from it.
    #[error("the schema could not be read: {0}")]
    Unreadable(String),
}

/// The file that caches the schema of `endpoint` in `cache_dir`.
pub fn cache_file(cache_dir: &Path, endpoint: &str) -> PathBuf {
    // "v2": schemas cached before they said what is deprecated are not
    // read again.
    let digest = Sha256::digest(format!("v2 {endpoint}").as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    cache_dir.join("schemas").join(format!("{hex}.graphql"))
}

/// The user's cache folder for ghenv: `$XDG_CACHE_HOME/ghenv`, else
/// `~/.cache/ghenv` (on Windows `%LOCALAPPDATA%\ghenv`; see
/// [`crate::platform::cache_base`]).
pub fn cache_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    crate::platform::cache_base(var).map(|d| d.join("ghenv"))
}

/// The first line of a cache file: which endpoint, and when.
fn header(endpoint: &str, fetched: Timestamp) -> String {
    format!("# ghenv: schema of {endpoint}, fetched {fetched}\n")
}

/// The cached SDL for `endpoint` in `text`, if it is for this endpoint and
/// younger than [`MAX_AGE`] at `now`.
pub fn fresh_cache<'t>(text: &'t str, endpoint: &str, now: Timestamp) -> Option<&'t str> {
    let (first, sdl) = text.split_once('\n')?;
    let rest = first.strip_prefix(&format!("# ghenv: schema of {endpoint}, fetched "))?;
    let fetched: Timestamp = rest.parse().ok()?;
    (now.duration_since(fetched) < MAX_AGE && fetched <= now).then_some(sdl)
}

/// The cache file's text for `sdl`.
pub fn cache_text(endpoint: &str, fetched: Timestamp, sdl: &str) -> String {
    let mut text = header(endpoint, fetched);
    text.push_str(sdl);
    text
}

/// Reads SDL into a schema. GitHub's schema is taken as it is (it is not
/// checked against every rule of the spec: only the app's documents are).
///
/// # Errors
/// [`SchemaError::Unreadable`] when the SDL is not a schema at all.
pub fn parse(sdl: &str) -> Result<Valid<Schema>, SchemaError> {
    let schema = match Schema::parse(sdl, GITHUB_SOURCE) {
        Ok(schema) => schema,
        Err(with_errors) => with_errors.partial,
    };
    if schema.types.get("Query").is_none() && schema.schema_definition.query.is_none() {
        return Err(SchemaError::Unreadable("it has no query type".into()));
    }
    Ok(Valid::assume_valid(schema))
}

/// The name GitHub's SDL is parsed under; diagnostics elsewhere are the
/// local files'.
const GITHUB_SOURCE: &str = "github-schema.graphql";

/// GitHub's SDL with the app's local schema files (`(path, SDL)`,
/// graphql-config's `extend type Repository { isFavourite: Boolean }`)
/// after it, as one schema, and each problem of a local file at its
/// `path:line:column` (at most 20). Problems of GitHub's part are not
/// reported: its schema is taken as it is, as in [`parse`].
///
/// # Errors
/// [`SchemaError::Unreadable`] when there is no query type.
pub fn parse_with(
    sdl: &str,
    local: &[(PathBuf, String)],
) -> Result<(Valid<Schema>, Vec<String>), SchemaError> {
    use apollo_compiler::diagnostic::ToCliReport as _;
    if local.is_empty() {
        return parse(sdl).map(|s| (s, Vec::new()));
    }
    let mut builder = Schema::builder().parse(sdl, GITHUB_SOURCE);
    for (path, text) in local {
        builder = builder.parse(text.as_str(), path);
    }
    let (schema, problems) = match builder.build() {
        Ok(schema) => (schema, Vec::new()),
        Err(with_errors) => {
            let problems = with_errors
                .errors
                .iter()
                .filter_map(|d| {
                    let file = d
                        .error
                        .location()
                        .and_then(|span| d.sources.get(&span.file_id()))?
                        .path()
                        .display()
                        .to_string();
                    if file == GITHUB_SOURCE {
                        return None;
                    }
                    let (line, column) = d
                        .line_column_range()
                        .map_or((1, 1), |r| (r.start.line, r.start.column));
                    Some(format!("{file}:{line}:{column}: {}", d.error))
                })
                .take(20)
                .collect();
            (with_errors.partial, problems)
        }
    };
    if schema.types.get("Query").is_none() && schema.schema_definition.query.is_none() {
        return Err(SchemaError::Unreadable("it has no query type".into()));
    }
    Ok((Valid::assume_valid(schema), problems))
}

const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];
const BUILT_IN_DIRECTIVES: [&str; 5] = ["include", "skip", "deprecated", "specifiedBy", "oneOf"];

/// Turns an introspection answer (`{"data": {"__schema": …}}` or
/// `{"__schema": …}`) into SDL.
///
/// # Errors
/// [`SchemaError`] when it has no schema or a name that is not GraphQL.
pub fn to_sdl(answer: &Json) -> Result<String, SchemaError> {
    let schema = answer
        .get("data")
        .unwrap_or(answer)
        .get("__schema")
        .ok_or(SchemaError::NoSchema)?;
    let mut out = String::new();
    let root = |key: &str| {
        schema
            .get(key)
            .and_then(|t| t.get("name"))
            .and_then(Json::as_str)
    };
    out.push_str("schema {\n");
    for (op, key) in [
        ("query", "queryType"),
        ("mutation", "mutationType"),
        ("subscription", "subscriptionType"),
    ] {
        if let Some(name) = root(key) {
            let _ = writeln!(out, "  {op}: {}", checked(name)?);
        }
    }
    out.push_str("}\n");
    for t in schema
        .get("types")
        .and_then(Json::as_array)
        .ok_or(SchemaError::NoSchema)?
    {
        let name = checked(str_of(t, "name")?)?;
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        match str_of(t, "kind")? {
            "SCALAR" => {
                let _ = writeln!(out, "scalar {name}");
            }
            "OBJECT" | "INTERFACE" => {
                let keyword = if str_of(t, "kind")? == "OBJECT" {
                    "type"
                } else {
                    "interface"
                };
                let _ = write!(out, "{keyword} {name}");
                let interfaces = list(t, "interfaces");
                if !interfaces.is_empty() {
                    let names: Result<Vec<&str>, _> = interfaces
                        .iter()
                        .map(|i| checked(str_of(i, "name")?))
                        .collect();
                    let _ = write!(out, " implements {}", names?.join(" & "));
                }
                out.push_str(" {\n");
                for f in list(t, "fields") {
                    let _ = write!(out, "  {}", checked(str_of(f, "name")?)?);
                    arguments(&mut out, list(f, "args"))?;
                    let _ = write!(out, ": {}", type_ref(f.get("type"))?);
                    deprecated(&mut out, f);
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            "UNION" => {
                let members: Result<Vec<&str>, _> = list(t, "possibleTypes")
                    .iter()
                    .map(|p| checked(str_of(p, "name")?))
                    .collect();
                let _ = writeln!(out, "union {name} = {}", members?.join(" | "));
            }
            "ENUM" => {
                let _ = writeln!(out, "enum {name} {{");
                for v in list(t, "enumValues") {
                    let _ = write!(out, "  {}", checked(str_of(v, "name")?)?);
                    deprecated(&mut out, v);
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            "INPUT_OBJECT" => {
                let _ = writeln!(out, "input {name} {{");
                for f in list(t, "inputFields") {
                    let _ = write!(
                        out,
                        "  {}: {}",
                        checked(str_of(f, "name")?)?,
                        type_ref(f.get("type"))?
                    );
                    default_value(&mut out, f)?;
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            _ => return Err(SchemaError::Malformed("type kind")),
        }
    }
    for d in list(schema, "directives") {
        let name = checked(str_of(d, "name")?)?;
        if BUILT_IN_DIRECTIVES.contains(&name) {
            continue;
        }
        let _ = write!(out, "directive @{name}");
        arguments(&mut out, list(d, "args"))?;
        let locations: Result<Vec<&str>, _> = d
            .get("locations")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|l| {
                l.as_str()
                    .ok_or(SchemaError::Malformed("directive location"))
                    .and_then(checked)
            })
            .collect();
        let _ = writeln!(out, " on {}", locations?.join(" | "));
    }
    Ok(out)
}

/// ` @deprecated(reason: "…")` after a field or enum value the answer
/// says is deprecated. The reason is the server's text: written as a
/// GraphQL string (JSON's escapes are GraphQL's), at most 300 characters.
fn deprecated(out: &mut String, value: &Json) {
    if value.get("isDeprecated").and_then(Json::as_bool) != Some(true) {
        return;
    }
    let reason: String = value
        .get("deprecationReason")
        .and_then(Json::as_str)
        .unwrap_or("No longer supported")
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    let quoted = serde_json::to_string(&reason).expect("strings serialize");
    let _ = write!(out, " @deprecated(reason: {quoted})");
}

fn list<'a>(value: &'a Json, key: &str) -> &'a [Json] {
    value
        .get(key)
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice)
}

fn str_of<'a>(value: &'a Json, key: &'static str) -> Result<&'a str, SchemaError> {
    value
        .get(key)
        .and_then(Json::as_str)
        .ok_or(SchemaError::Malformed(key))
}

/// `name` if it is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`).
fn checked(name: &str) -> Result<&str, SchemaError> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    if ok {
        Ok(name)
    } else {
        Err(SchemaError::Malformed("name"))
    }
}

fn arguments(out: &mut String, args: &[Json]) -> Result<(), SchemaError> {
    if args.is_empty() {
        return Ok(());
    }
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{}: {}",
            checked(str_of(a, "name")?)?,
            type_ref(a.get("type"))?
        );
        default_value(out, a)?;
    }
    out.push(')');
    Ok(())
}

/// ` = value` when the introspection gives a default: it is GraphQL text
/// from the server, so it must parse as a value on its own.
fn default_value(out: &mut String, input: &Json) -> Result<(), SchemaError> {
    if let Some(text) = input.get("defaultValue").and_then(Json::as_str) {
        // Parsed as the default of a variable and printed from the syntax
        // tree, so only a value, never the server's raw text, reaches the SDL.
        let probe = format!("query ($v: X = {text}) {{ a }}");
        let document = apollo_compiler::ast::Document::parse(probe, "default.graphql")
            .map_err(|_| SchemaError::Malformed("default value"))?;
        let value = match &document.definitions[..] {
            [apollo_compiler::ast::Definition::OperationDefinition(op)] => {
                match &op.variables[..] {
                    [v] => v.default_value.clone(),
                    _ => None,
                }
            }
            _ => None,
        };
        let value = value.ok_or(SchemaError::Malformed("default value"))?;
        let _ = write!(out, " = {value}");
    }
    Ok(())
}

fn type_ref(t: Option<&Json>) -> Result<String, SchemaError> {
    let t = t.ok_or(SchemaError::Malformed("type reference"))?;
    match str_of(t, "kind")? {
        "NON_NULL" => Ok(format!("{}!", type_ref(t.get("ofType"))?)),
        "LIST" => Ok(format!("[{}]", type_ref(t.get("ofType"))?)),
        _ => Ok(checked(str_of(t, "name")?)?.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn small() -> Json {
        json!({"data": {"__schema": {
            "queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}, "subscriptionType": null,
            "types": [
                {"kind": "OBJECT", "name": "Query", "fields": [
                    {"name": "viewer", "args": [], "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "OBJECT", "name": "User", "ofType": null}}},
                    {"name": "nodes", "args": [{"name": "ids", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "LIST", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}}, "defaultValue": null}], "type": {"kind": "LIST", "name": null, "ofType": {"kind": "INTERFACE", "name": "Node", "ofType": null}}}
                ], "interfaces": []},
                {"kind": "OBJECT", "name": "User", "fields": [
                    {"name": "id", "args": [], "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}},
                    {"name": "name", "args": [], "type": {"kind": "SCALAR", "name": "String", "ofType": null}}
                ], "interfaces": [{"kind": "INTERFACE", "name": "Node", "ofType": null}]},
                {"kind": "INTERFACE", "name": "Node", "fields": [{"name": "id", "args": [], "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}}], "interfaces": [], "possibleTypes": [{"kind": "OBJECT", "name": "User"}]},
                {"kind": "OBJECT", "name": "Mutation", "fields": [
                    {"name": "addStar", "args": [{"name": "input", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "INPUT_OBJECT", "name": "AddStarInput", "ofType": null}}, "defaultValue": null}], "type": {"kind": "SCALAR", "name": "Boolean", "ofType": null}}
                ], "interfaces": []},
                {"kind": "INPUT_OBJECT", "name": "AddStarInput", "inputFields": [{"name": "starrableId", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}, "defaultValue": null}, {"name": "first", "type": {"kind": "SCALAR", "name": "Int", "ofType": null}, "defaultValue": "10"}]},
                {"kind": "ENUM", "name": "State", "enumValues": [{"name": "OPEN"}, {"name": "CLOSED"}]},
                {"kind": "SCALAR", "name": "DateTime"},
                {"kind": "SCALAR", "name": "String"},
                {"kind": "OBJECT", "name": "__Type", "fields": [], "interfaces": []}
            ],
            "directives": [
                {"name": "include", "locations": ["FIELD"], "args": []},
                {"name": "preview", "locations": ["FIELD_DEFINITION"], "args": [{"name": "toggledBy", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "String", "ofType": null}}, "defaultValue": null}]}
            ]
        }}})
    }

    #[test]
    fn an_introspection_answer_becomes_a_schema_that_validates_documents() {
        let sdl = to_sdl(&small()).unwrap();
        assert!(sdl.contains("type User implements Node {"), "{sdl}");
        assert!(sdl.contains("first: Int = 10"), "{sdl}");
        assert!(
            !sdl.contains("__Type") && !sdl.contains("scalar String"),
            "{sdl}"
        );
        let schema = parse(&sdl).unwrap();
        assert!(
            apollo_compiler::ExecutableDocument::parse_and_validate(
                &schema,
                "{ viewer { id name } }",
                "q.graphql"
            )
            .is_ok()
        );
        assert!(
            apollo_compiler::ExecutableDocument::parse_and_validate(
                &schema,
                "{ viewer { nmae } }",
                "q.graphql"
            )
            .is_err()
        );
    }

    #[test]
    fn a_name_from_the_server_cannot_inject_definitions() {
        let mut evil = small();
        evil["data"]["__schema"]["types"][1]["name"] = json!("User { x: Int } type Evil");
        assert_eq!(to_sdl(&evil), Err(SchemaError::Malformed("name")));
        let mut evil = small();
        evil["data"]["__schema"]["types"][4]["inputFields"][1]["defaultValue"] =
            json!("1 } type Evil { a: Int");
        assert_eq!(to_sdl(&evil), Err(SchemaError::Malformed("default value")));
        assert_eq!(to_sdl(&json!({"data": null})), Err(SchemaError::NoSchema));
    }

    #[test]
    fn a_cache_is_fresh_for_a_week_and_for_its_own_endpoint_only() {
        let fetched: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let text = cache_text(
            "https://api.github.com/graphql",
            fetched,
            "type Query { a: Int }\n",
        );
        let day = |d: i64| fetched + SignedDuration::from_hours(24 * d);
        assert_eq!(
            fresh_cache(&text, "https://api.github.com/graphql", day(6)),
            Some("type Query { a: Int }\n")
        );
        assert_eq!(
            fresh_cache(&text, "https://api.github.com/graphql", day(8)),
            None
        );
        assert_eq!(
            fresh_cache(&text, "https://ghe.example/api/graphql", day(1)),
            None
        );
        // A clock set back: fetch again rather than trust a date ahead.
        assert_eq!(
            fresh_cache(&text, "https://api.github.com/graphql", day(-1)),
            None
        );
        let a = cache_file(Path::new("/c"), "https://api.github.com/graphql");
        let b = cache_file(Path::new("/c"), "https://ghe.example/api/graphql");
        assert_ne!(a, b);
        assert!(a.starts_with("/c/schemas"));
    }

    #[test]
    fn local_schema_files_extend_githubs_and_their_problems_are_placed() {
        let sdl = to_sdl(&small()).unwrap();
        let local = vec![(
            PathBuf::from("src/local.graphql"),
            "extend type User {\n  isFavourite: Boolean\n}\nextend type Nope { a: Int }\n"
                .to_owned(),
        )];
        let (schema, problems) = parse_with(&sdl, &local).unwrap();
        let user = schema.get_object("User").unwrap();
        assert!(user.fields.contains_key("isFavourite"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("src/local.graphql:4:"),
            "{problems:?}"
        );
        assert!(problems[0].contains("Nope"), "{problems:?}");
        let (_, none) = parse_with(&sdl, &[]).unwrap();
        assert!(none.is_empty());
    }
}
