//! The app's GraphQL documents: `gql`/`graphql` tagged templates in
//! JavaScript and TypeScript files, and `.graphql`/`.gql` files, found in
//! the project without `node_modules` and git-ignored files.
//!
//! Each document's text keeps its place in its file: it is preceded by as
//! many newlines and spaces as the file has before it, and every
//! `${…}` interpolation is blanked to spaces, so a line and column in the
//! document are the line and column in the file.

use std::path::{Path, PathBuf};

/// Files larger than this are bundles or generated code, not the app's.
pub const MAX_FILE: u64 = 1024 * 1024;

/// One GraphQL document of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDocument {
    /// The file, relative to the project folder.
    pub path: PathBuf,
    /// The document, padded to its place in the file.
    pub text: String,
    /// The names the template interpolates (`${REPOSITORY_FRAGMENT}`).
    pub interpolations: Vec<String>,
}

const SCRIPT: [&str; 6] = ["js", "jsx", "ts", "tsx", "mjs", "cjs"];
const GRAPHQL: [&str; 2] = ["graphql", "gql"];

/// Every GraphQL document under `dir`, in path order.
pub fn find(dir: &Path) -> Vec<AppDocument> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .sort_by_file_name(Ord::cmp)
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let script = SCRIPT.contains(&ext);
        if !script && !GRAPHQL.contains(&ext) {
            continue;
        }
        if entry.metadata().map_or(true, |m| m.len() > MAX_FILE) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let relative = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
        if script {
            found.extend(
                templates(&text)
                    .into_iter()
                    .map(|(text, interpolations)| AppDocument {
                        path: relative.clone(),
                        text,
                        interpolations,
                    }),
            );
        } else if !text.trim().is_empty() {
            found.push(AppDocument {
                path: relative,
                text,
                interpolations: Vec::new(),
            });
        }
    }
    found
}

/// The `gql`/`graphql` tagged templates in a script's `source`: each
/// padded to its place, with its interpolated names.
pub fn templates(source: &str) -> Vec<(String, Vec<String>)> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        let tag_len = if rest.starts_with("graphql") {
            7
        } else if rest.starts_with("gql") {
            3
        } else {
            i += 1;
            continue;
        };
        let before_ok = i == 0 || !is_ident(bytes[i - 1]);
        let mut j = i + tag_len;
        if !before_ok || j < bytes.len() && is_ident(bytes[j]) {
            i += 1;
            continue;
        }
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b'`' {
            i += 1;
            continue;
        }
        let start = j + 1;
        let Some((end, body, names)) = template_body(source, start) else {
            break;
        };
        out.push((padded(source, start, &body), names));
        i = end + 1;
    }
    out
}

fn is_ident(b: u8) -> bool {
    b == b'_' || b == b'$' || b == b'.' || b.is_ascii_alphanumeric()
}

/// The template literal's text from `start` (after the backtick) to the
/// closing backtick, with interpolations blanked; the closing backtick's
/// offset; the interpolated names.
fn template_body(source: &str, start: usize) -> Option<(usize, String, Vec<String>)> {
    let mut body = String::new();
    let mut names = Vec::new();
    let mut chars = source[start..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '`' => return Some((start + at, body, names)),
            '\\' => {
                body.push(' ');
                if let Some((_, next)) = chars.next() {
                    body.push(if next == '\n' { '\n' } else { ' ' });
                }
            }
            '$' if chars.peek().is_some_and(|(_, n)| *n == '{') => {
                chars.next();
                body.push_str("  ");
                let mut depth = 1;
                let mut expression = String::new();
                for (_, c) in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        body.push(' ');
                        break;
                    }
                    expression.push(c);
                    body.push(if c == '\n' { '\n' } else { ' ' });
                }
                let name = expression.trim();
                if !name.is_empty() {
                    names.push(name.to_owned());
                }
            }
            c => body.push(c),
        }
    }
    None
}

/// `body` preceded by the newlines and spaces that put it at `start` in
/// `source`.
fn padded(source: &str, start: usize, body: &str) -> String {
    let before = &source[..start];
    let lines = before.matches('\n').count();
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    let mut text = String::with_capacity(lines + column + body.len());
    text.extend(std::iter::repeat_n('\n', lines));
    text.extend(std::iter::repeat_n(' ', column));
    text.push_str(body);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_templates_keep_their_line_and_column_and_blank_interpolations() {
        let source = "import gql from 'graphql-tag';\nconst A = 1;\nexport const GET = gql`\n  query { viewer { ...repository } }\n  ${REPOSITORY_FRAGMENT}\n`;\nconst B = graphql `{ x }`;\nconst notgql = `{ y }`; mygql`{ z }`;\n";
        let found = templates(source);
        assert_eq!(found.len(), 2);
        let (text, names) = &found[0];
        assert_eq!(names, &["REPOSITORY_FRAGMENT"]);
        // "query" is on line 4, column 3 of the file.
        let line4 = text.lines().nth(3).unwrap();
        assert_eq!(line4.find("query"), Some(2));
        assert!(!text.contains("REPOSITORY_FRAGMENT") && !text.contains("${"));
        assert_eq!(
            text.lines().count(),
            source[..source.find("`;\nconst B").unwrap()]
                .lines()
                .count()
        );
        let (text, _) = &found[1];
        assert_eq!(text.lines().nth(6).unwrap().trim(), "{ x }");
    }

    #[test]
    fn an_unclosed_template_ends_the_search_without_a_panic() {
        assert!(templates("const q = gql`{ viewer ").is_empty());
        assert!(templates("gql").is_empty());
        assert_eq!(templates("gql`{ a }`").len(), 1);
        assert_eq!(templates("x = gql`{ a \\` }`")[0].0, "        { a    }");
    }

    #[test]
    fn files_are_found_without_node_modules_and_ignored_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |p: &str, t: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        };
        write("src/App.js", "const Q = gql`{ viewer { login } }`;");
        write("src/q.graphql", "query A { viewer { login } }");
        write("node_modules/x/index.js", "gql`{ a }`");
        write("build/main.js", "gql`{ b }`");
        write(".gitignore", "build/\n");
        let found = find(dir.path());
        let paths: Vec<String> = found.iter().map(|d| d.path.display().to_string()).collect();
        assert_eq!(paths, ["src/App.js", "src/q.graphql"]);
    }
}
