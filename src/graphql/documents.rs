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

/// What [`find`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// The documents, in path order.
    pub documents: Vec<AppDocument>,
    /// Whether some were left out (more than [`MAX_DOCUMENTS`]).
    pub truncated: bool,
    /// Files of a GraphQL kind left out for their size (over [`MAX_FILE`]).
    pub too_large: Vec<PathBuf>,
}

/// The project's files under `dir` in path order, without hidden and
/// git-ignored files and `node_modules`; symlinks are not followed.
pub fn walker(dir: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .sort_by_file_name(Ord::cmp)
        .build()
}

/// Every GraphQL document under `dir`, in path order.
pub fn find(dir: &Path) -> Found {
    find_selected(dir, &|_| true)
}

/// The GraphQL documents under `dir` in the files `select` takes (given
/// the path relative to `dir`: graphql-config's `documents`), in path
/// order, with the same bounds as [`find`].
pub fn find_selected(dir: &Path, select: &dyn Fn(&Path) -> bool) -> Found {
    let mut found = Vec::new();
    let mut too_large = Vec::new();
    for entry in walker(dir).flatten() {
        if found.len() > MAX_DOCUMENTS {
            break;
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if !select(path.strip_prefix(dir).unwrap_or(path)) {
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let script = SCRIPT.contains(&ext);
        if !script && !GRAPHQL.contains(&ext) {
            continue;
        }
        if entry.metadata().map_or(true, |m| m.len() > MAX_FILE) {
            too_large.push(path.strip_prefix(dir).unwrap_or(path).to_path_buf());
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
            // GraphQL allows a byte-order mark; apollo-compiler does not.
            let text = text
                .strip_prefix('\u{feff}')
                .map_or(text.clone(), str::to_owned);
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
    Found {
        documents: found,
        truncated,
        too_large,
    }
}

/// The `gql`/`graphql` tagged templates in a script's `source`, with where
/// each starts and its interpolated names (`path` left empty).
pub fn templates(source: &str) -> Vec<AppDocument> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let (mut seen, mut line, mut column) = (0, 1, 1);
    // A small scanner of JavaScript: comments, strings and plain template
    // literals are stepped over, so a `gql` in a comment or a string is no
    // document. Every position it stops at is an ASCII byte, so slicing
    // the text there is always on a character boundary.
    while i < bytes.len() {
        let b = bytes[i];
        let start = if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            continue;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let end =
                memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + 2 + n + 2);
            let comment = &source[i + 2..end.saturating_sub(2).max(i + 2)];
            i = end;
            // `/* GraphQL */ `…``: the comment tags the template after it.
            if comment.trim().eq_ignore_ascii_case("graphql") {
                match backtick_after(bytes, i) {
                    Some(at) => at + 1,
                    None => continue,
                }
            } else {
                continue;
            }
        } else if b == b'\'' || b == b'"' {
            let end = string_end(bytes, i);
            // A plain string that is a GraphQL document (`axios.post(url,
            // { query: "query { viewer { login } }" })`) is the app's too.
            if let Some(body) = string_body(source, i, end)
                && looks_like_graphql(&body)
            {
                push_at(
                    &mut out,
                    source,
                    i + 1,
                    body,
                    Vec::new(),
                    (&mut seen, &mut line, &mut column),
                );
            }
            i = end;
            continue;
        } else if b == b'`' {
            // An untagged template literal: the app's GraphQL only when
            // its text is a GraphQL document (the course's vanilla app
            // posts `query { … }` with axios).
            match template_body(source, i + 1) {
                Some((end, body, names)) => {
                    if looks_like_graphql(&body) {
                        push_at(
                            &mut out,
                            source,
                            i + 1,
                            body,
                            names,
                            (&mut seen, &mut line, &mut column),
                        );
                    }
                    i = end + 1;
                }
                None => i = bytes.len(),
            }
            continue;
        } else if (bytes[i..].starts_with(b"graphql") || bytes[i..].starts_with(b"gql"))
            && (i == 0 || !is_ident(bytes[i - 1]))
        {
            let tag_len = if bytes[i..].starts_with(b"graphql") {
                7
            } else {
                3
            };
            let after = i + tag_len;
            if after < bytes.len() && is_ident(bytes[after]) {
                i = after;
                continue;
            }
            // gql`…` and gql(`…`) (graphql-codegen's style).
            let mut j = after;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if bytes.get(j) == Some(&b'(') {
                j += 1;
            }
            match backtick_after(bytes, j) {
                Some(at) => at + 1,
                None => {
                    i = after;
                    continue;
                }
            }
        } else {
            i += 1;
            continue;
        };
        let Some((end, body, names)) = template_body(source, start) else {
            break;
        };
        push_at(
            &mut out,
            source,
            start,
            body,
            names,
            (&mut seen, &mut line, &mut column),
        );
        i = end + 1;
    }
    out
}

/// Adds the document `body` that starts at byte `start` of `source`. Line
/// and column are kept up to date from the last document on (`at`), so a
/// file of many documents is read once, not once per document.
fn push_at(
    out: &mut Vec<AppDocument>,
    source: &str,
    start: usize,
    body: String,
    names: Vec<String>,
    at: (&mut usize, &mut usize, &mut usize),
) {
    let (seen, line, column) = at;
    let between = &source[*seen..start];
    match between.rfind('\n') {
        Some(nl) => {
            *line += between.matches('\n').count();
            *column = between[nl + 1..].chars().count() + 1;
        }
        None => *column += between.chars().count(),
    }
    *seen = start;
    out.push(AppDocument {
        path: PathBuf::new(),
        text: body,
        line: *line,
        column: *column,
        interpolations: names,
    });
}

/// Whether the text of an untagged string or template is a GraphQL
/// executable document: it starts with `query`, `mutation`,
/// `subscription`, `fragment` or `{`, is small enough to measure, and
/// parses. Anything else (a sentence, JSON, CSS) is not the app's GraphQL.
fn looks_like_graphql(text: &str) -> bool {
    let t = text.trim_start();
    let keyword = ["query", "mutation", "subscription", "fragment"]
        .iter()
        .any(|k| {
            t.strip_prefix(k)
                .and_then(|rest| rest.bytes().next())
                .is_some_and(|b| !is_ident(b))
        });
    (keyword || t.starts_with('{'))
        && super::limits::measure(text).is_ok()
        && apollo_compiler::parser::Parser::new()
            .recursion_limit(super::limits::PARSER_RECURSION)
            .token_limit(super::limits::PARSER_TOKENS)
            .parse_ast(text, "untagged")
            .is_ok_and(|d| !d.definitions.is_empty())
}

/// The text of the string literal from the quote at `at` to `end` (after
/// its closing quote), escapes blanked; `None` when it is not closed on
/// its line.
fn string_body(source: &str, at: usize, end: usize) -> Option<String> {
    let bytes = source.as_bytes();
    if end < at + 2 || bytes.get(end - 1) != Some(&bytes[at]) {
        return None;
    }
    let inner = source.get(at + 1..end - 1)?;
    let mut body = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            body.push(' ');
            if chars.next().is_some() {
                body.push(' ');
            }
        } else {
            body.push(c);
        }
    }
    Some(body)
}

/// The offset of the backtick at `from`, after spaces, if there is one.
fn backtick_after(bytes: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    (bytes.get(j) == Some(&b'`')).then_some(j)
}

/// The offset after the string literal that starts at `at` (its quote),
/// or after the line when it is not closed on it.
fn string_end(bytes: &[u8], at: usize) -> usize {
    let quote = bytes[at];
    let mut j = at + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'\n' => return j,
            c if c == quote => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
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
        // `{ y }` and `{ z }` are GraphQL too, though not tagged `gql`: an
        // untagged template that parses as a document counts (issue 35).
        let texts: Vec<&str> = found.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts[1..], ["{ x }", "{ y }", "{ z }"]);
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
    fn comments_strings_and_plain_templates_hold_no_document_and_any_text_is_safe() {
        let source = "// café — const A = gql`{ a }`;\n/* gql`{ b }` */\nconst s = \"gql`{ c }`\", t = 'gql`{ d }`';\nconst u = `gql ${x} { e }`;\nconst Q = gql(`{ f }`);\nconst R = /* GraphQL */ `{ g }`;\nconst é = gql`{ h }`;\n";
        let found: Vec<String> = templates(source).into_iter().map(|d| d.text).collect();
        assert_eq!(found, ["{ f }", "{ g }", "{ h }"]);
        let h = templates(source).pop().unwrap();
        assert_eq!((h.line, h.column), (7, 15));
        // Every prefix of a text with multi-byte characters: no panic.
        let text = "é gql`{ ü }` 😀 gql";
        for end in text.char_indices().map(|(i, _)| i) {
            let _ = templates(&text[..end]);
        }
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
        let Found {
            documents: found,
            truncated,
            ..
        } = find(dir.path());
        assert!(!truncated);
        let paths: Vec<String> = found.iter().map(|d| d.path.display().to_string()).collect();
        assert_eq!(paths, ["src/App.js", "src/q.graphql"]);
    }

    #[test]
    fn untagged_strings_and_templates_count_only_when_they_are_graphql() {
        let source = "const GET_ISSUES = `\n  query {\n    viewer { login }\n  }\n`;\nconst css = `color: red;`;\nconst text = `query the user about it`;\nconst q = 'query Me { viewer { login } }';\nconst json = `{\"a\": 1}`;\nconst bare = \"{ viewer { name } }\";\nconst note = 'fragment of a sentence';\n";
        let found = templates(source);
        let texts: Vec<&str> = found.iter().map(|d| d.text.trim()).collect();
        assert_eq!(
            texts,
            [
                "query {\n    viewer { login }\n  }",
                "query Me { viewer { login } }",
                "{ viewer { name } }",
            ],
            "{found:#?}"
        );
        // Where each starts, in the file.
        assert_eq!((found[0].line, found[0].column), (1, 21));
        assert_eq!((found[1].line, found[1].column), (8, 12));
        assert_eq!((found[2].line, found[2].column), (10, 15));
    }
}
