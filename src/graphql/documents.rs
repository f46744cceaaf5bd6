//! The app's GraphQL documents: `gql`/`graphql` tagged templates in
//! JavaScript and TypeScript files, and `.graphql`/`.gql` files, found in
//! the project without `node_modules` and git-ignored files.
//!
//! Each document carries where it starts in its file, and every `${…}`
//! interpolation is blanked to spaces (newlines kept), so a line and column
//! in the document map to the file's with [`AppDocument::place`]. No copy
//! of the file is kept per document: memory follows the file's size, not
//! documents × size.

use std::path::{Path, PathBuf};

/// Files larger than this are bundles or generated code, not the app's.
pub const MAX_FILE: u64 = 1024 * 1024;
/// At most this many documents are read from a project: a course app has a
/// few dozen; a repository could hold thousands to make every `doctor` slow.
pub const MAX_DOCUMENTS: usize = 500;

/// One GraphQL document of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDocument {
    /// The file, relative to the project folder.
    pub path: PathBuf,
    /// The document's text (interpolations blanked).
    pub text: String,
    /// The line of the file where it starts (1-based).
    pub line: usize,
    /// The column of that line where it starts (1-based, in characters).
    pub column: usize,
    /// The names the template interpolates (`${REPOSITORY_FRAGMENT}`).
    pub interpolations: Vec<String>,
}

const SCRIPT: [&str; 6] = ["js", "jsx", "ts", "tsx", "mjs", "cjs"];
const GRAPHQL: [&str; 2] = ["graphql", "gql"];

impl AppDocument {
    /// The file's line and column for `line` and `column` in the document.
    pub fn place(&self, line: usize, column: usize) -> (usize, usize) {
        compose((self.line, self.column), (line, column))
    }
}

/// Where a position `inner` of a text that starts at `start` in a file is
/// in that file (all 1-based).
pub fn compose(start: (usize, usize), inner: (usize, usize)) -> (usize, usize) {
    if inner.0 <= 1 {
        (start.0, start.1 + inner.1.saturating_sub(1))
    } else {
        (start.0 + inner.0 - 1, inner.1)
    }
}

/// Every GraphQL document under `dir`, in path order, and whether some
/// were left out (more than [`MAX_DOCUMENTS`]).
pub fn find(dir: &Path) -> (Vec<AppDocument>, bool) {
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
        if found.len() >= MAX_DOCUMENTS {
            found.truncate(MAX_DOCUMENTS);
            return (found, true);
        }
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
            found.extend(templates(&text).into_iter().map(|t| AppDocument {
                path: relative.clone(),
                ..t
            }));
        } else if !text.trim().is_empty() {
            found.push(AppDocument {
                path: relative,
                text,
                line: 1,
                column: 1,
                interpolations: Vec::new(),
            });
        }
    }
    let truncated = found.len() > MAX_DOCUMENTS;
    found.truncate(MAX_DOCUMENTS);
    (found, truncated)
}

/// The `gql`/`graphql` tagged templates in a script's `source`, with where
/// each starts and its interpolated names (`path` left empty).
pub fn templates(source: &str) -> Vec<AppDocument> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let (mut seen, mut line, mut column) = (0, 1, 1);
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
        // Line and column kept up to date from the last template on, so a
        // file of many templates is read once, not once per template.
        let between = &source[seen..start];
        match between.rfind('\n') {
            Some(nl) => {
                line += between.matches('\n').count();
                column = between[nl + 1..].chars().count() + 1;
            }
            None => column += between.chars().count(),
        }
        seen = start;
        out.push(AppDocument {
            path: PathBuf::new(),
            text: body,
            line,
            column,
            interpolations: names,
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_templates_keep_their_line_and_column_and_blank_interpolations() {
        let source = "import gql from 'graphql-tag';\nconst A = 1;\nexport const GET = gql`\n  query { viewer { ...repository } }\n  ${REPOSITORY_FRAGMENT}\n`;\nconst B = graphql `{ x }`;\nconst notgql = `{ y }`; mygql`{ z }`;\n";
        let found = templates(source);
        assert_eq!(found.len(), 2);
        let doc = &found[0];
        assert_eq!(doc.interpolations, ["REPOSITORY_FRAGMENT"]);
        assert_eq!((doc.line, doc.column), (3, 24));
        // "query" is on the document's line 2, column 3: the file's line 4.
        assert_eq!(doc.text.lines().nth(1).unwrap().find("query"), Some(2));
        assert_eq!(doc.place(2, 3), (4, 3));
        assert_eq!(doc.place(1, 1), (3, 24));
        assert!(!doc.text.contains("REPOSITORY_FRAGMENT") && !doc.text.contains("${"));
        let doc = &found[1];
        assert_eq!(doc.text, "{ x }");
        assert_eq!(doc.place(1, 3), (7, 22));
    }

    #[test]
    fn an_unclosed_template_ends_the_search_without_a_panic() {
        assert!(templates("const q = gql`{ viewer ").is_empty());
        assert!(templates("gql").is_empty());
        assert_eq!(templates("gql`{ a }`").len(), 1);
        assert_eq!(templates("x = gql`{ a \\` }`")[0].text, "{ a    }");
    }

    #[test]
    fn many_templates_on_one_long_line_cost_memory_in_proportion_to_the_file() {
        let line: String = (0..2000)
            .map(|i| format!("gql`fragment f{i} on User {{ login }}`;"))
            .collect();
        let found = templates(&line);
        assert_eq!(found.len(), 2000);
        let bytes: usize = found.iter().map(|d| d.text.len()).sum();
        assert!(
            bytes < line.len(),
            "{bytes} bytes kept for a {}-byte file",
            line.len()
        );
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
        let (found, truncated) = find(dir.path());
        assert!(!truncated);
        let paths: Vec<String> = found.iter().map(|d| d.path.display().to_string()).collect();
        assert_eq!(paths, ["src/App.js", "src/q.graphql"]);
    }
}
