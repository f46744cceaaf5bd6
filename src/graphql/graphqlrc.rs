//! The app's graphql-config file, as the VS Code GraphQL extension and
//! @graphql-eslint read it: which of the project's files are its GraphQL
//! documents (`documents`, `include`, `exclude`), and which local schema
//! files extend GitHub's schema (`schema: [https://api.github.com/graphql,
//! src/local.graphql]`), for the project (of `projects`) whose schema is
//! GitHub's.
//!
//! The file is the repository's, so it is data: read bounded and parsed
//! as JSON, TOML or YAML only (a `.ts`/`.js` config is a program and is
//! never run, so never read); no URL of it is ever fetched (GitHub's
//! schema comes from the endpoint ghenv trusts); `extensions` and
//! `require` are not looked at; every glob and file stays inside the
//! project (no `..`, no absolute path, no symlink followed).

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde_json::{Map, Value as Json};

/// The configuration files read, in graphql-config's order of search (the
/// first found is the config; `package.json`'s `graphql` key comes last).
pub const FILES: [&str; 9] = [
    "graphql.config.json",
    "graphql.config.yaml",
    "graphql.config.yml",
    "graphql.config.toml",
    ".graphqlrc",
    ".graphqlrc.json",
    ".graphqlrc.yaml",
    ".graphqlrc.yml",
    ".graphqlrc.toml",
];

/// Configurations that are programs: ghenv never runs the repository's
/// code, so it never reads them, and says so.
pub const PROGRAMS: [&str; 12] = [
    "graphql.config.ts",
    "graphql.config.js",
    "graphql.config.cjs",
    "graphql.config.mjs",
    "graphql.config.cts",
    "graphql.config.mts",
    ".graphqlrc.ts",
    ".graphqlrc.js",
    ".graphqlrc.cjs",
    ".graphqlrc.mjs",
    ".graphqlrc.cts",
    ".graphqlrc.mts",
];

/// The largest configuration file read (a real one is a few lines).
pub const MAX_CONFIG: u64 = 64 * 1024;
/// The largest `package.json` read for its `graphql` key.
pub const MAX_PACKAGE_JSON: u64 = 1024 * 1024;
/// The largest local schema file merged into GitHub's: an extension of a
/// course app is a few lines; a larger file is taken as a whole schema
/// (GitHub's own SDL is about 1 MB), never merged.
pub const MAX_LOCAL_SCHEMA: u64 = 256 * 1024;
/// At most this many local schema files are merged.
pub const MAX_LOCAL_SCHEMAS: usize = 20;
/// At most this many globs are taken from a configuration.
pub const MAX_GLOBS: usize = 64;
const MAX_GLOB_LEN: usize = 512;

/// The project of the configuration whose schema is GitHub's.
#[derive(Debug)]
pub struct GraphqlConfig {
    /// The file it came from (`.graphqlrc.yml`, `package.json#graphql`).
    pub file: String,
    /// Its name under `projects`, when the file has projects.
    pub project: Option<String>,
    /// The documents, when it names any; `None`: ghenv's own search.
    pub documents: Option<Selection>,
    /// The local schema files (globs) to merge into GitHub's schema.
    pub local_schemas: Option<Selection>,
}

impl GraphqlConfig {
    /// `.graphqlrc.yml`, or `.graphqlrc.yml (project app)`.
    pub fn describe(&self) -> String {
        match &self.project {
            Some(name) => format!("{} (project {name})", self.file),
            None => self.file.clone(),
        }
    }
}

/// Which files of the project a list of globs selects.
#[derive(Debug)]
pub struct Selection {
    include: GlobSet,
    exclude: GlobSet,
    /// The globs that select, as written.
    pub globs: Vec<String>,
}

impl Selection {
    /// Whether `relative` (a path inside the project) is selected.
    pub fn matches(&self, relative: &Path) -> bool {
        let text: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let text = text.join("/");
        self.include.is_match(&text) && !self.exclude.is_match(&text)
    }
}

/// What [`read`] found: the configuration, if one applies, and what the
/// user should be told (each line safe for a terminal).
#[derive(Debug, Default)]
pub struct Reading {
    /// The project whose schema is GitHub's, if the project has a
    /// configuration with one.
    pub config: Option<GraphqlConfig>,
    /// What was not read or not followed, and why.
    pub notes: Vec<String>,
}

/// The graphql-config of the project in `dir`; `endpoint` is the trusted
/// GraphQL endpoint (a schema URL equal to it is GitHub's).
pub fn read(dir: &Path, endpoint: &str) -> Reading {
    let mut reading = Reading::default();
    for name in PROGRAMS {
        if is_plain_file(&dir.join(name)) {
            reading.notes.push(format!(
                "{name} is a program and ghenv never runs the repository's code, so it is not read; write the configuration as .graphqlrc.yml (or JSON, TOML) for ghenv to follow it"
            ));
        }
    }
    let mut source = None;
    for name in FILES {
        let path = dir.join(name);
        if !is_plain_file(&path) {
            continue;
        }
        match load(&path, name, MAX_CONFIG) {
            Ok(value) => source = Some((name.to_owned(), value)),
            Err(why) => {
                reading.notes.push(format!(
                    "{name} could not be read ({why}); ghenv looked for the app's documents itself"
                ));
                return reading;
            }
        }
        break;
    }
    if source.is_none()
        && let Ok(Json::Object(mut package)) =
            load(&dir.join("package.json"), "package.json", MAX_PACKAGE_JSON)
        && let Some(graphql) = package.remove("graphql")
    {
        source = Some(("package.json#graphql".to_owned(), graphql));
    }
    let Some((file, root)) = source else {
        return reading;
    };
    reading.config = pick(dir, endpoint, &file, &root, &mut reading.notes);
    reading
}

/// Whether the project in `dir` has a graphql-config of any kind: one of
/// [`FILES`] or [`PROGRAMS`], or a `graphql` key in `package.json`.
pub fn any(dir: &Path) -> bool {
    FILES.iter().chain(&PROGRAMS).any(|n| dir.join(n).exists())
        || matches!(
            load(&dir.join("package.json"), "package.json", MAX_PACKAGE_JSON),
            Ok(Json::Object(p)) if p.contains_key("graphql")
        )
}

/// A regular file, not a symlink (which could point out of the project).
fn is_plain_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// The file at `path` (at most `limit` bytes) as a JSON value, parsed by
/// its name's format. The reason never quotes the file: only a line.
fn load(path: &Path, name: &str, limit: u64) -> Result<Json, String> {
    use std::io::Read as _;
    if !is_plain_file(path) {
        return Err("not a regular file".into());
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_string(&mut text))
        .map_err(|e| e.kind().to_string())?;
    if text.len() as u64 > limit {
        return Err(format!("larger than {} KiB", limit / 1024));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let line = |l: Option<usize>| l.map(|l| format!(" at line {l}")).unwrap_or_default();
    if name.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| format!("not JSON{}", line(Some(e.line()))))
    } else if name.ends_with(".toml") {
        toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            format!("not TOML{}", line(at))
        })
    } else {
        // `.graphqlrc` without an extension is YAML or JSON; YAML reads both.
        if has_anchor_or_alias(text) {
            return Err(
                "it uses YAML anchors or aliases (&name, *name), which ghenv does not follow"
                    .into(),
            );
        }
        serde_yaml_ng::from_str(text)
            .map_err(|e| format!("not YAML{}", line(e.location().map(|l| l.line()))))
    }
}

/// What one `schema` entry is.
#[derive(Debug, PartialEq, Eq)]
enum Pointer {
    /// GitHub's: its URL, the trusted endpoint, or a local copy of a whole
    /// schema (what `ghenv schema --out` writes).
    Github,
    /// A URL that is not GitHub's: never fetched.
    OtherUrl(String),
    /// A local file or glob whose SDL extends GitHub's schema.
    Local(String),
    /// A path out of the project.
    Refused(String),
}

/// The project of `root` whose schema is GitHub's: `root` itself, or the
/// first of its `projects` (in name order) with GitHub's schema.
fn pick(
    dir: &Path,
    endpoint: &str,
    file: &str,
    root: &Json,
    notes: &mut Vec<String>,
) -> Option<GraphqlConfig> {
    let clean = |s: &str| crate::text::sanitize(s).into_owned();
    let Some(root) = root.as_object() else {
        notes.push(format!(
            "{file} is not a map of settings; ghenv looked for the app's documents itself"
        ));
        return None;
    };
    let github = |project: &Map<String, Json>| {
        pointers(project.get("schema"))
            .iter()
            .any(|p| classify(dir, endpoint, p) == Pointer::Github)
    };
    let (name, project) = match root.get("projects") {
        Some(Json::Object(projects)) => {
            let Some((name, project)) = projects
                .iter()
                .filter_map(|(n, p)| Some((n, p.as_object()?)))
                .find(|(_, p)| github(p))
            else {
                notes.push(format!(
                    "none of {file}'s projects has GitHub's schema as its schema; ghenv looked for the app's documents itself"
                ));
                return None;
            };
            (Some(clean(name)), project)
        }
        _ if github(root) => (None, root),
        _ => {
            notes.push(format!(
                "{file}'s schema is not GitHub's; ghenv looked for the app's documents itself"
            ));
            return None;
        }
    };
    let place = match &name {
        Some(n) => format!("{file} (project {n})"),
        None => file.to_owned(),
    };
    let mut local = Vec::new();
    for p in pointers(project.get("schema")) {
        match classify(dir, endpoint, &p) {
            Pointer::Github => {}
            Pointer::Local(glob) => local.push(glob),
            Pointer::OtherUrl(url) => notes.push(format!(
                "{place}: the schema {} is not GitHub's and is never fetched; GitHub's schema comes from the endpoint ghenv trusts",
                clean(&url)
            )),
            Pointer::Refused(p) => notes.push(format!(
                "{place}: the schema {} is not inside the project and is not read",
                clean(&p)
            )),
        }
    }
    let local_schemas = selection(&place, local, Vec::new(), notes);
    let mut include = strings(project.get("documents"));
    include.extend(strings(project.get("include")));
    let exclude = strings(project.get("exclude"));
    let given = !include.is_empty();
    let documents = selection(&place, include, exclude, notes);
    if given && documents.is_none() {
        notes.push(format!(
            "{place} names no document ghenv can read; ghenv looked for the app's documents itself"
        ));
    }
    Some(GraphqlConfig {
        file: file.to_owned(),
        project: name,
        documents,
        local_schemas,
    })
}

/// The strings of a value that is a string or a list of them.
fn strings(value: Option<&Json>) -> Vec<String> {
    match value {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The entries of `schema`: a string, a list of strings and one-key maps
/// (`{url: {headers: …}}`: the key; the options are never read), or a map.
fn pointers(value: Option<&Json>) -> Vec<String> {
    let keys = |m: &Map<String, Json>| m.keys().cloned().collect::<Vec<_>>();
    match value {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .flat_map(|i| match i {
                Json::String(s) => vec![s.clone()],
                Json::Object(m) => keys(m),
                _ => Vec::new(),
            })
            .collect(),
        Some(Json::Object(m)) => keys(m),
        _ => Vec::new(),
    }
}

/// What a `schema` entry is (see [`Pointer`]). A local file is GitHub's
/// when it holds a whole schema: a `.json` file (an introspection answer,
/// `ghenv schema --introspection --out`), a file larger than
/// [`MAX_LOCAL_SCHEMA`], one with a `schema { … }` definition or a
/// `type Query` (what `ghenv schema --out` writes), or one not there yet
/// (the `.graphqlrc.yml` ghenv writes names a file each student makes).
fn classify(dir: &Path, endpoint: &str, pointer: &str) -> Pointer {
    let p = pointer.trim();
    if p.contains("://") {
        let trimmed = p.trim_end_matches('/');
        return if trimmed
            .to_ascii_lowercase()
            .contains("api.github.com/graphql")
            || trimmed == endpoint.trim_end_matches('/')
        {
            Pointer::Github
        } else {
            Pointer::OtherUrl(p.to_owned())
        };
    }
    let Some(glob) = inside(p) else {
        return Pointer::Refused(p.to_owned());
    };
    if glob.contains(['*', '?', '[', '{']) {
        return Pointer::Local(glob);
    }
    let path = dir.join(&glob);
    match plain_file(dir, &glob) {
        // A link or a FIFO named by the repository is refused, never read:
        // `/proc/self/fd/1` behind a link would hold the probe for ever.
        None => Pointer::Refused(p.to_owned()),
        // Not written yet: ghenv's own config names the schema file each
        // student creates with `ghenv schema --out`.
        Some(false) => Pointer::Github,
        Some(true) if glob.ends_with(".json") || whole_schema(&path) => Pointer::Github,
        Some(true) => Pointer::Local(glob),
    }
}

/// Whether `relative` in `dir` is a regular file reached without a link
/// (`Some(true)`), is missing (`Some(false)`), or is a link, sits behind
/// one, or is no regular file (`None`). Each folder on the way is looked
/// at, not followed.
fn plain_file(dir: &Path, relative: &str) -> Option<bool> {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = relative.split('/').filter(|c| !c.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(false),
            Err(_) => return None,
            Ok(m) if m.file_type().is_symlink() => return None,
            Ok(m) if i + 1 == parts.len() => return m.is_file().then_some(true),
            Ok(m) if !m.is_dir() => return None,
            Ok(_) => {}
        }
    }
    None
}

/// Whether YAML `text` uses an anchor (`&name`) or an alias (`*name`):
/// a graphql-config has no need of them, and a few kilobytes of aliases
/// replayed thousands of times burn minutes. Quoted strings (where a glob's
/// `*` lives) and comments are passed over.
fn has_anchor_or_alias(text: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    chars.next();
                }
            }
            None => match c {
                '\'' | '"' if previous.is_whitespace() || "[{,:-".contains(previous) => {
                    quote = Some(c);
                }
                '#' if previous.is_whitespace() => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    previous = '\n';
                    continue;
                }
                '&' | '*'
                    if (previous.is_whitespace() || "[{,:-".contains(previous))
                        && chars
                            .peek()
                            .is_some_and(|n| !n.is_whitespace() && !",]}".contains(*n)) =>
                {
                    return true;
                }
                _ => {}
            },
        }
        previous = c;
    }
    false
}

/// Whether the local file at `path` holds a whole schema (see
/// [`classify`]), judged from at most [`MAX_LOCAL_SCHEMA`] bytes.
pub fn whole_schema(path: &Path) -> bool {
    use std::io::Read as _;
    let mut text = String::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(MAX_LOCAL_SCHEMA + 1).read_to_string(&mut text));
    if read.is_err() {
        return false;
    }
    text.len() as u64 > MAX_LOCAL_SCHEMA || defines_a_schema(&text)
}

/// Whether SDL `text` defines a schema of its own (`schema {`, `type
/// Query`), which an extension of GitHub's cannot (the names are taken).
fn defines_a_schema(text: &str) -> bool {
    let after = |line: &str, word: &str| {
        line.strip_prefix(word).is_some_and(|rest| {
            rest.is_empty() || !rest.starts_with(|c: char| c == '_' || c.is_ascii_alphanumeric())
        })
    };
    text.lines().map(str::trim_start).any(|l| {
        after(l, "schema") && l["schema".len()..].trim_start().starts_with(['{', '@'])
            || after(l, "type Query")
    })
}

/// `glob` with a leading `./` taken off, or `None` when it could leave the
/// project: absolute, with a drive or `..`, too long, or with control
/// characters.
fn inside(glob: &str) -> Option<String> {
    let g = glob.trim();
    let g = g.strip_prefix("./").unwrap_or(g);
    let absolute = g.starts_with(['/', '\\', '~']) || g.as_bytes().get(1) == Some(&b':');
    let climbs = g.split(['/', '\\']).any(|c| c == "..");
    let odd = g.is_empty() || g.len() > MAX_GLOB_LEN || g.chars().any(char::is_control);
    (!absolute && !climbs && !odd).then(|| g.to_owned())
}

/// The selection of `include` less `exclude` (and `!`-globs in
/// `include`), with the globs that leave the project refused; `None`
/// when nothing is left to include.
fn selection(
    place: &str,
    include: Vec<String>,
    exclude: Vec<String>,
    notes: &mut Vec<String>,
) -> Option<Selection> {
    let clean = |s: &str| crate::text::sanitize(s).into_owned();
    let mut globs = Vec::new();
    let mut yes = GlobSetBuilder::new();
    let mut no = GlobSetBuilder::new();
    let all = include
        .into_iter()
        .map(|g| (g, true))
        .chain(exclude.into_iter().map(|g| (g, false)));
    for (n, (written, included)) in all.enumerate() {
        if n >= MAX_GLOBS {
            notes.push(format!(
                "{place} has more than {MAX_GLOBS} globs; the rest are not read"
            ));
            break;
        }
        let (text, included) = match written.trim().strip_prefix('!') {
            Some(rest) => (rest.to_owned(), false),
            None => (written.clone(), included),
        };
        let built = inside(&text).map(|g| {
            GlobBuilder::new(&g)
                .literal_separator(true)
                .build()
                .map(|glob| (g, glob))
        });
        match built {
            None => notes.push(format!(
                "{place}: the glob {} leaves the project (an absolute path or ..) and is not followed",
                clean(&written)
            )),
            Some(Err(_)) => notes.push(format!(
                "{place}: {} is not a glob ghenv can read and is not followed",
                clean(&written)
            )),
            Some(Ok((g, glob))) if included => {
                yes.add(glob);
                globs.push(g);
            }
            Some(Ok((_, glob))) => {
                no.add(glob);
            }
        }
    }
    if globs.is_empty() {
        return None;
    }
    Some(Selection {
        include: yes.build().ok()?,
        exclude: no.build().ok()?,
        globs,
    })
}

/// The local schema files `selection` picks in `dir` (SDL files: `.graphql`,
/// `.graphqls`, `.gql`), with their text, in path order; what was left out
/// and why goes to `notes`. A file that holds a whole schema (GitHub's
/// copy) is not merged.
pub fn local_schemas(
    dir: &Path,
    selection: &Selection,
    notes: &mut Vec<String>,
) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in super::documents::walker(dir).flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let relative = path.strip_prefix(dir).unwrap_or(path);
        let sdl = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("graphql" | "graphqls" | "gql")
        );
        if !sdl || !selection.matches(relative) || whole_schema(path) {
            continue;
        }
        if out.len() >= MAX_LOCAL_SCHEMAS {
            notes.push(format!(
                "more than {MAX_LOCAL_SCHEMAS} local schema files; the rest are not merged into GitHub's schema"
            ));
            break;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
        out.push((relative.to_path_buf(), text));
    }
    out
}

/// A `.graphqlrc.yml` for the project in `dir` pointing `schema` at `out`
/// (GitHub's schema, with no token) and `documents` at the app's sources,
/// when the project has no graphql-config yet (an existing one is the
/// user's, never rewritten); `None` then, or when `out` is not inside the
/// project or its name is not plainly safe in YAML. `written_by` is the
/// command that writes it, for the file's comment.
pub fn pointing_at(dir: &Path, out: &Path, written_by: &str) -> Option<(PathBuf, String)> {
    if any(dir) {
        return None;
    }
    let absolute = |p: &Path| {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let project_dir = std::fs::canonicalize(absolute(dir)).ok()?;
    let out_dir = std::fs::canonicalize(absolute(out).parent()?).ok()?;
    let relative = out_dir
        .strip_prefix(&project_dir)
        .ok()?
        .join(out.file_name()?);
    let schema: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let schema = schema.join("/");
    if !schema
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'))
    {
        return None;
    }
    let body = format!(
        "# Written by `{written_by}`: GitHub's schema for the editor\n# (VS Code's GraphQL extension, @graphql-eslint), with no token in it.\n# `ghenv schema --out {schema} --refresh` fetches it again.\nschema: {schema}\ndocuments: 'src/**/*.{{graphql,gql,js,jsx,ts,tsx}}'\n"
    );
    Some((dir.join(".graphqlrc.yml"), body))
}
#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: &str = "https://api.github.com/graphql";

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn documents(r: &Reading) -> &Selection {
        r.config.as_ref().unwrap().documents.as_ref().unwrap()
    }

    #[test]
    fn every_file_name_is_read_in_graphql_configs_order() {
        let yaml = "schema: https://api.github.com/graphql\ndocuments: 'queries/**/*.graphql'\n";
        let json =
            r#"{"schema": "https://api.github.com/graphql", "documents": "queries/**/*.graphql"}"#;
        let toml =
            "schema = \"https://api.github.com/graphql\"\ndocuments = \"queries/**/*.graphql\"\n";
        for (name, text) in [
            ("graphql.config.json", json),
            ("graphql.config.yaml", yaml),
            ("graphql.config.yml", yaml),
            ("graphql.config.toml", toml),
            (".graphqlrc", yaml),
            (".graphqlrc", json),
            (".graphqlrc.json", json),
            (".graphqlrc.yaml", yaml),
            (".graphqlrc.yml", yaml),
            (".graphqlrc.toml", toml),
        ] {
            let dir = project(&[(name, text)]);
            let r = read(dir.path(), GITHUB);
            assert_eq!(r.config.as_ref().unwrap().file, name, "{name}: {r:?}");
            let d = documents(&r);
            assert!(d.matches(Path::new("queries/a/b.graphql")), "{name}");
            assert!(!d.matches(Path::new("src/b.graphql")), "{name}");
            assert!(r.notes.is_empty(), "{name}: {:?}", r.notes);
        }
        // The first in graphql-config's order wins.
        let dir = project(&[
            (
                ".graphqlrc.yml",
                "schema: https://api.github.com/graphql\ndocuments: a/*.graphql",
            ),
            ("graphql.config.json", json),
        ]);
        assert_eq!(
            read(dir.path(), GITHUB).config.unwrap().file,
            "graphql.config.json"
        );
    }

    #[test]
    fn package_json_graphql_is_read_when_no_file_is_there() {
        let dir = project(&[(
            "package.json",
            r#"{"name": "app", "graphql": {"schema": "https://api.github.com/graphql", "documents": ["src/**/*.js"]}}"#,
        )]);
        let r = read(dir.path(), GITHUB);
        assert_eq!(r.config.as_ref().unwrap().file, "package.json#graphql");
        assert!(documents(&r).matches(Path::new("src/App/index.js")));
        assert!(any(dir.path()));
        // A package.json without the key is no configuration.
        let dir = project(&[("package.json", r#"{"name": "app"}"#)]);
        assert!(read(dir.path(), GITHUB).config.is_none());
        assert!(!any(dir.path()));
    }

    #[test]
    fn programs_are_never_read_and_the_user_is_told() {
        let dir = project(&[(
            "graphql.config.ts",
            "export default { schema: 'https://api.github.com/graphql' }",
        )]);
        let r = read(dir.path(), GITHUB);
        assert!(r.config.is_none());
        assert!(
            r.notes[0].contains("graphql.config.ts is a program"),
            "{:?}",
            r.notes
        );
        assert!(r.notes[0].contains("not read"));
    }

    #[test]
    fn include_exclude_and_negated_globs_select_the_documents() {
        let dir = project(&[(
            ".graphqlrc.yml",
            "schema: https://api.github.com/graphql\ndocuments:\n  - 'src/**/*.{graphql,js}'\n  - '!src/generated/**'\ninclude: ./lib/*.ts\nexclude: ['src/**/*.test.js']\n",
        )]);
        let r = read(dir.path(), GITHUB);
        let d = documents(&r);
        for (path, yes) in [
            ("src/a.graphql", true),
            ("src/deep/b.js", true),
            ("src/generated/c.graphql", false),
            ("src/d.test.js", false),
            ("lib/e.ts", true),
            ("lib/sub/e.ts", false),
            ("other/f.graphql", false),
        ] {
            assert_eq!(d.matches(Path::new(path)), yes, "{path}");
        }
    }

    #[test]
    fn globs_and_schema_files_out_of_the_project_are_refused() {
        let dir = project(&[(
            ".graphqlrc.yml",
            "schema: [https://api.github.com/graphql, ../secret.graphql, /etc/x.graphql]\ndocuments: ['../**/*.graphql', '/etc/**', 'C:/x/*.js', 'src/../../*.js', 'ok/*.graphql']\n",
        )]);
        let r = read(dir.path(), GITHUB);
        let d = documents(&r);
        assert_eq!(d.globs, ["ok/*.graphql"]);
        assert!(!d.matches(Path::new("../x.graphql")));
        assert_eq!(
            r.notes
                .iter()
                .filter(|n| n.contains("leaves the project"))
                .count(),
            4
        );
        assert_eq!(
            r.notes
                .iter()
                .filter(|n| n.contains("not inside the project"))
                .count(),
            2
        );
        assert!(r.config.unwrap().local_schemas.is_none());
        // All refused: ghenv's own search, and it says so.
        let dir = project(&[(
            ".graphqlrc.yml",
            "schema: https://api.github.com/graphql\ndocuments: /abs/**\n",
        )]);
        let r = read(dir.path(), GITHUB);
        assert!(r.config.unwrap().documents.is_none());
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("looked for the app's documents itself"))
        );
    }

    #[test]
    fn projects_pick_the_one_whose_schema_is_githubs() {
        let dir = project(&[
            (
                ".graphqlrc.yml",
                "projects:\n  server:\n    schema: server/schema.graphql\n    documents: server/**/*.graphql\n  app:\n    schema:\n      - https://api.github.com/graphql:\n          headers:\n            Authorization: Bearer ${GITHUB_TOKEN}\n      - src/local.graphql\n    documents: src/**/*.js\n    extensions:\n      codegen: { require: ./evil.js }\n",
            ),
            (
                "server/schema.graphql",
                "type Query { me: String }\nextend type Query { x: Int }\n",
            ),
            (
                "src/local.graphql",
                "extend type Repository { isFavourite: Boolean }\n",
            ),
        ]);
        let r = read(dir.path(), GITHUB);
        let config = r.config.as_ref().unwrap();
        assert_eq!(config.project.as_deref(), Some("app"));
        assert_eq!(config.describe(), ".graphqlrc.yml (project app)");
        assert!(documents(&r).matches(Path::new("src/App.js")));
        let mut notes = Vec::new();
        let local = local_schemas(
            dir.path(),
            config.local_schemas.as_ref().unwrap(),
            &mut notes,
        );
        assert_eq!(local.len(), 1);
        assert_eq!(local[0].0, Path::new("src/local.graphql"));
        // The trusted endpoint (Enterprise, the tests' look-alike) is GitHub's too;
        // another URL is not, and is never fetched.
        let dir = project(&[(
            "graphql.config.json",
            r#"{"projects": {"a": {"schema": "http://127.0.0.1:9/graphql/"}, "b": {"schema": "https://evil.example/graphql"}}}"#,
        )]);
        let r = read(dir.path(), "http://127.0.0.1:9/graphql");
        assert_eq!(r.config.unwrap().project.as_deref(), Some("a"));
        let r = read(dir.path(), GITHUB);
        assert!(r.config.is_none());
        assert!(
            r.notes[0].contains("none of graphql.config.json's projects"),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn the_file_ghenv_schema_writes_is_githubs_and_never_merged() {
        // ghenv's own .graphqlrc.yml, before and after `ghenv schema --out`.
        let rc = "schema: github.graphql\ndocuments: 'src/**/*.{graphql,gql,js,jsx,ts,tsx}'\n";
        let dir = project(&[(".graphqlrc.yml", rc)]);
        let r = read(dir.path(), GITHUB);
        assert!(r.config.unwrap().local_schemas.is_none());
        let dir = project(&[
            (".graphqlrc.yml", rc),
            (
                "github.graphql",
                "schema {\n  query: Query\n}\ntype Query { viewer: User! }\n",
            ),
        ]);
        assert!(
            read(dir.path(), GITHUB)
                .config
                .unwrap()
                .local_schemas
                .is_none()
        );
        // An extension alone is not GitHub's schema.
        let dir = project(&[
            (".graphqlrc.yml", "schema: local.graphql\n"),
            (
                "local.graphql",
                "extend type Repository { isFavourite: Boolean }\n",
            ),
        ]);
        assert!(read(dir.path(), GITHUB).config.is_none());
        assert!(defines_a_schema("  type Query {"));
        assert!(defines_a_schema("schema @link(url: \"x\") {"));
        assert!(!defines_a_schema(
            "extend type Query { a: Int }\ntype QueryResult { a: Int }"
        ));
    }

    #[test]
    fn a_broken_or_hostile_file_is_refused_by_line_without_its_content() {
        for (name, text) in [
            (".graphqlrc.yml", "schema: [\nsecret-token-here: : :\n"),
            (".graphqlrc.json", "{\"schema\": secret-token-here}"),
            (".graphqlrc.toml", "schema = secret-token-here\n"),
            (".graphqlrc.yml", "- a\n- b\n"),
        ] {
            let dir = project(&[(name, text)]);
            let r = read(dir.path(), GITHUB);
            assert!(r.config.is_none(), "{name}");
            assert!(
                r.notes.iter().all(|n| !n.contains("secret-token-here")),
                "{name}: {:?}",
                r.notes
            );
            assert!(r.notes[0].starts_with(name), "{:?}", r.notes);
        }
        // Aliases that would expand a billion times are refused, quickly.
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (n, prev) in ('b'..='j').zip('a'..) {
            bomb.push_str(&format!("{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let dir = project(&[(".graphqlrc.yml", &bomb)]);
        assert!(read(dir.path(), GITHUB).config.is_none());
        // Too large.
        let big = format!("schema: {GITHUB}\n#{}\n", "x".repeat(MAX_CONFIG as usize));
        let dir = project(&[(".graphqlrc.yml", &big)]);
        let r = read(dir.path(), GITHUB);
        assert!(r.notes[0].contains("larger than"), "{:?}", r.notes);
    }

    #[test]
    fn a_schema_file_behind_a_link_or_not_a_file_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("real")).unwrap();
        std::fs::write(
            dir.path().join("real/local.graphql"),
            "extend type Query { x: Int }\n",
        )
        .unwrap();
        assert_eq!(plain_file(dir.path(), "real/local.graphql"), Some(true));
        assert_eq!(plain_file(dir.path(), "missing.graphql"), Some(false));
        assert_eq!(plain_file(dir.path(), "real"), None, "a folder");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/proc/self/fd/1", dir.path().join("out.graphql")).unwrap();
            std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
            assert_eq!(plain_file(dir.path(), "out.graphql"), None);
            assert_eq!(plain_file(dir.path(), "link/local.graphql"), None);
            let fifo = dir.path().join("fifo.graphql");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert_eq!(plain_file(dir.path(), "fifo.graphql"), None);
            }
            assert_eq!(
                classify(dir.path(), "", "out.graphql"),
                Pointer::Refused("out.graphql".into())
            );
        }
    }

    #[test]
    fn yaml_anchors_and_aliases_are_refused_and_globs_are_not_taken_for_them() {
        for text in [
            "a: &a {k: x}\nb: *a\n",
            "documents: [*x]\n",
            "- &first src\n",
        ] {
            assert!(has_anchor_or_alias(text), "{text:?}");
        }
        for text in [
            "documents: 'src/**/*.graphql'\n",
            "documents: \"src/**/*.graphql\"\n",
            "documents: src/**/*.graphql\n",
            "schema: https://example.com/?a=1&b=2\n",
            "# a comment with &anchor and *alias\nschema: x\n",
            "documents:\n  - 'a/*.gql'\n  - \"b/**/*.ts\"\n",
        ] {
            assert!(!has_anchor_or_alias(text), "{text:?}");
        }
    }
}
