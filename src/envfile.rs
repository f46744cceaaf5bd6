//! `.env` text: quoting values so every common parser reads them back
//! exactly, finding the assignments in a file, and merging new assignments
//! into an existing file without touching any other line.
//!
//! Parsers targeted: dotenvy (Rust), node's `dotenv` (+ `dotenv-expand`, as in
//! Create React App and Vite) and python-dotenv.

use std::collections::HashSet;

/// Quotes `value` for a `.env` file.
///
/// Values made only of characters no parser treats specially (letters,
/// digits and `_ . / : @ + - , % = ? & ~`: every token and URL) are written
/// bare, since `docker run --env-file` keeps quotes as part of the value.
/// Other plain values go in double quotes (no escapes are needed, so every
/// parser agrees). Values with `"` or `$` go in single quotes, which
/// dotenvy, node's dotenv and python-dotenv read literally (dotenv-expand,
/// used by Create React App and Vite, still expands `$NAME` in them).
/// Values that cannot be single-quoted (a `'`, a `\\` or a newline) use
/// double quotes with backslash escapes, which dotenvy reads exactly.
pub fn quote(value: &str) -> String {
    let bare = |c: char| c.is_ascii_alphanumeric() || "_./:@+-,%=?&~".contains(c);
    if !value.is_empty() && value.chars().all(bare) {
        return value.to_owned();
    }
    let needs_escape = |c: char| matches!(c, '"' | '\\' | '$' | '\n' | '\r');
    if !value.contains(needs_escape) {
        return format!("\"{value}\"");
    }
    // A backslash is literal inside single quotes for dotenvy's value
    // parser, but its line reader still takes `\'` as an escaped quote.
    if !value.contains(['\'', '\n', '\r', '\\']) {
        return format!("'{value}'");
    }
    let mut out = String::with_capacity(value.len() + 8);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One logical entry of a `.env` file: a comment, a blank line, an
/// assignment (possibly spanning lines inside quotes) or anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The entry's exact text, line ending included.
    pub text: &'a str,
    /// The variable it assigns, if it is an assignment.
    pub key: Option<&'a str>,
    /// What stands before the key (indentation and `export `).
    pub lead: &'a str,
}

impl Entry<'_> {
    /// The line ending the entry closes with (`\r\n`, `\n` or nothing).
    pub fn line_ending(&self) -> &str {
        if self.text.ends_with("\r\n") {
            "\r\n"
        } else if self.text.ends_with('\n') {
            "\n"
        } else {
            ""
        }
    }

    /// The entry without its line ending.
    pub fn body(&self) -> &str {
        &self.text[..self.text.len() - self.line_ending().len()]
    }
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Splits `text` into entries. Concatenating every entry's `text` gives
/// `text` back unchanged.
pub fn entries(text: &str) -> Vec<Entry<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let line_end = next_line_end(bytes, pos);
        let (key, lead, end) = match assignment(bytes, pos, line_end) {
            Some((key_start, key_end, value_start)) => (
                Some(&text[key_start..key_end]),
                &text[pos..key_start],
                value_end(bytes, value_start, line_end),
            ),
            None => (None, "", line_end),
        };
        out.push(Entry {
            text: &text[pos..end],
            key,
            lead,
        });
        pos = end;
    }
    out
}

/// Index just past the `\n` that ends the line starting at `pos`, or the end.
fn next_line_end(bytes: &[u8], pos: usize) -> usize {
    bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| pos + i + 1)
}

/// If the line at `pos..line_end` is `[ws][export ]KEY[ws]=[ws]...`, the key's
/// span and where the value starts.
fn assignment(bytes: &[u8], pos: usize, line_end: usize) -> Option<(usize, usize, usize)> {
    let skip_blank = |mut i: usize| {
        while i < line_end && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    // A byte-order mark (Windows editors) belongs to the first line's lead.
    let start = if pos == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        pos
    };
    let mut i = skip_blank(start);
    if bytes[i..line_end].starts_with(b"export") {
        let after = i + b"export".len();
        if after < line_end && matches!(bytes[after], b' ' | b'\t') {
            i = skip_blank(after);
        }
    }
    if i >= line_end || !is_key_start(bytes[i]) {
        return None;
    }
    let key_start = i;
    while i < line_end && is_key_byte(bytes[i]) {
        i += 1;
    }
    let key_end = i;
    i = skip_blank(i);
    if i >= line_end || bytes[i] != b'=' {
        return None;
    }
    Some((key_start, key_end, skip_blank(i + 1)))
}

/// Where an assignment whose value starts at `start` ends: the end of its
/// line, or of the line holding the closing quote of a multi-line value.
fn value_end(bytes: &[u8], start: usize, line_end: usize) -> usize {
    let Some(&quote) = bytes
        .get(start)
        .filter(|b| matches!(b, b'"' | b'\'' | b'`'))
    else {
        return line_end;
    };
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return next_line_end(bytes, i).max(line_end),
            _ => i += 1,
        }
    }
    // Unterminated: parsers read it as a single line, and so do we.
    line_end
}

/// The keys assigned in `text`, in order, without duplicates.
pub fn keys(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    entries(text)
        .into_iter()
        .filter_map(|e| e.key)
        .filter(|k| seen.insert(*k))
        .map(str::to_owned)
        .collect()
}

/// Merges the assignments of `rendered` into `existing`; see [`merge_noting`].
pub fn merge(existing: &str, rendered: &str) -> String {
    merge_noting(existing, rendered).0
}

/// What [`merge_noting`] changed besides values, to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewrite {
    /// `export KEY=` became `KEY=`: Create React App's dotenv 10 skips
    /// `export` lines, so the app would not see the variable.
    DroppedExport(String),
    /// The byte-order mark at the start was removed: some readers take it
    /// as part of the first variable's name.
    DroppedBom,
    /// The variable was removed: it held the token for the project's
    /// previous template, which the new one does not write.
    Retired(String),
}

/// `text` without the assignments to `keys` (every occurrence); the rest,
/// comments and blank lines included, as it was.
pub fn without(text: &str, keys: &[String]) -> String {
    entries(text)
        .into_iter()
        .filter(|e| !e.key.is_some_and(|k| keys.iter().any(|r| r == k)))
        .map(|e| e.text)
        .collect()
}

/// Merges the assignments of `rendered` into `existing`.
///
/// Every assignment in `existing` to a key that `rendered` sets is replaced
/// by the rendered one, keeping its indentation but not an `export ` prefix
/// (every occurrence, so parsers that keep the first and those that keep the
/// last agree). A byte-order mark at the start is removed. Every other byte
/// of `existing` stays as it was. Keys that `existing` lacks are appended,
/// after a blank line, in the line-ending style of `existing`. Returns the
/// text and the rewrites to tell the user about.
pub fn merge_noting(existing: &str, rendered: &str) -> (String, Vec<Rewrite>) {
    let mut notes = Vec::new();
    let existing = match existing.strip_prefix('\u{feff}') {
        Some(rest) => {
            notes.push(Rewrite::DroppedBom);
            rest
        }
        None => existing,
    };
    let new: Vec<Entry<'_>> = entries(rendered)
        .into_iter()
        .filter(|e| e.key.is_some())
        .collect();
    let rendered_line = |key: &str| {
        new.iter()
            .find(|e| e.key == Some(key))
            .map(|e| e.body()[e.lead.len()..].to_owned())
    };
    let eol = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(existing.len() + rendered.len());
    let mut done: HashSet<&str> = HashSet::new();
    for entry in entries(existing) {
        match entry
            .key
            .and_then(|k| rendered_line(k).map(|line| (k, line)))
        {
            Some((key, line)) => {
                let indent = &entry.lead[..entry.lead.len() - entry.lead.trim_start().len()];
                if entry.lead.trim_start().starts_with("export") {
                    let note = Rewrite::DroppedExport(key.to_owned());
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                out.push_str(indent);
                out.push_str(&line);
                out.push_str(entry.line_ending());
                done.insert(key);
            }
            None => out.push_str(entry.text),
        }
    }
    let mut appended = false;
    for entry in &new {
        let key = entry.key.expect("filtered to assignments");
        if !done.insert(key) {
            continue;
        }
        if !appended {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(eol);
            }
            if !out.is_empty() && !out.ends_with(&format!("{eol}{eol}")) && out != eol {
                out.push_str(eol);
            }
            appended = true;
        }
        out.push_str(&entry.body()[entry.lead.len()..]);
        out.push_str(eol);
    }
    (out, notes)
}

/// Reads the variables of `.env` text the way ghenv writes and merges it,
/// and as node's dotenv does: `KEY=value` lines (an `export ` prefix and a
/// byte-order mark allowed), bare values trimmed and cut at ` #`, single
/// quotes literal, double quotes with `\\n`, `\\r`, `\\t`, `\\"`, `\\\\` and
/// `\\$` escapes, values spanning lines inside quotes. Lines that are not
/// assignments are skipped, not errors: ghenv reads every file it accepts.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in entries(text) {
        let Some(key) = entry.key else { continue };
        let body = entry.body();
        let after_key = &body[entry.lead.len() + key.len()..];
        let raw = after_key
            .trim_start_matches([' ', '\t'])
            .strip_prefix('=')
            .unwrap_or("")
            .trim_start_matches([' ', '\t']);
        out.push((key.to_owned(), value(raw)));
    }
    out
}

/// The value of an assignment, from the text after `=`.
fn value(raw: &str) -> String {
    let Some(quote) = raw.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
        // Bare: up to an inline comment, trimmed.
        let cut = raw
            .find(" #")
            .or_else(|| raw.find("\t#"))
            .unwrap_or(raw.len());
        return raw[..cut].trim().to_owned();
    };
    let inner = &raw[1..];
    if quote == '"' {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return out,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        // Unterminated: the rest of the line, as a bare value.
        return raw.trim_end().to_owned();
    }
    match inner.find(quote) {
        Some(end) => inner[..end].to_owned(),
        None => raw.trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(text: &str) -> Vec<(String, String)> {
        dotenvy::from_read_iter(text.as_bytes())
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn quoted_values_read_back_exactly_with_dotenvy() {
        for value in [
            "ghp_abc123",
            "https://api.github.com/graphql",
            "has # hash",
            "has space",
            "dollar $HOME and ${X}",
            "double \" quote",
            "back\\slash",
            "single ' quote",
            "both ' and \" and $",
            "new\nline",
            "",
        ] {
            let text = format!("K={}\n", quote(value));
            assert_eq!(read_back(&text), vec![("K".into(), value.into())], "{text}");
        }
    }

    #[test]
    fn tokens_and_urls_are_bare_others_quoted() {
        assert_eq!(quote("ghp_x"), "ghp_x");
        assert_eq!(
            quote("https://api.github.com/graphql"),
            "https://api.github.com/graphql"
        );
        assert_eq!(quote("has space"), "\"has space\"");
        assert_eq!(quote("a#b"), "\"a#b\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a$b"), "'a$b'");
    }

    #[test]
    fn parse_reads_what_ghenv_writes_and_what_dotenvy_refuses() {
        let text = "\u{feff}export A=1\nPLAIN=hello world # note\nB=\"x\\ny\"\nC='$lit'\nnot an assignment\nD=\nM=\"two\nlines\"\n";
        assert_eq!(
            parse(text),
            vec![
                ("A".into(), "1".into()),
                ("PLAIN".into(), "hello world".into()),
                ("B".into(), "x\ny".into()),
                ("C".into(), "$lit".into()),
                ("D".into(), String::new()),
                ("M".into(), "two\nlines".into()),
            ]
        );
    }

    #[test]
    fn without_removes_every_assignment_of_the_keys_and_nothing_else() {
        let text = "# course\nREACT_APP_T=ghp_x\nexport REACT_APP_T=ghp_y\nOTHER=1\r\n# end\n";
        assert_eq!(
            without(text, &["REACT_APP_T".to_owned()]),
            "# course\nOTHER=1\r\n# end\n"
        );
        assert_eq!(without(text, &[]), text);
    }

    #[test]
    fn entries_round_trip_and_find_keys() {
        let text = "# c\n\nexport A=1\r\n  B = \"x\ny\"\nC='z'\nnot an assignment\nD=";
        let es = entries(text);
        assert_eq!(es.iter().map(|e| e.text).collect::<String>(), text);
        let ks: Vec<_> = es.iter().filter_map(|e| e.key).collect();
        assert_eq!(ks, vec!["A", "B", "C", "D"]);
        let b = es.iter().find(|e| e.key == Some("B")).unwrap();
        assert_eq!(b.text, "  B = \"x\ny\"\n");
        assert_eq!(b.lead, "  ");
        assert_eq!(es[2].lead, "export ");
        assert_eq!(es[2].line_ending(), "\r\n");
    }

    #[test]
    fn merge_into_empty_writes_the_rendered_assignments() {
        assert_eq!(merge("", "A=\"1\"\nB=\"2\"\n"), "A=\"1\"\nB=\"2\"\n");
    }

    #[test]
    fn merge_replaces_keys_and_keeps_everything_else_byte_for_byte() {
        let existing = "# my settings\nPORT=3000\nexport TOKEN=old # old one\n\n# end\n";
        let (merged, notes) = merge_noting(existing, "TOKEN=\"new\"\nURL=\"u\"\n");
        assert_eq!(
            merged,
            "# my settings\nPORT=3000\nTOKEN=\"new\"\n\n# end\n\nURL=\"u\"\n"
        );
        assert_eq!(notes, vec![Rewrite::DroppedExport("TOKEN".into())]);
    }

    #[test]
    fn merge_updates_every_duplicate_and_multiline_values() {
        let existing = "TOKEN=\"a\nb\"\nX=1\nTOKEN=c\n";
        let merged = merge(existing, "TOKEN=\"n\"\n");
        assert_eq!(merged, "TOKEN=\"n\"\nX=1\nTOKEN=\"n\"\n");
    }

    #[test]
    fn merge_keeps_crlf_and_adds_missing_final_newline() {
        let merged = merge("A=1\r\nB=2", "C=\"3\"\n");
        assert_eq!(merged, "A=1\r\nB=2\r\n\r\nC=\"3\"\r\n");
    }

    #[test]
    fn a_crlf_file_stays_crlf_when_a_value_is_replaced_and_new_text_is_lf() {
        // Rewriting a Windows user's file keeps its CRLF on every line,
        // the replaced one and the appended ones alike.
        let merged = merge("T=old\r\nX=1\r\n", "T=new\nY=2\n");
        assert_eq!(merged, "T=new\r\nX=1\r\n\r\nY=2\r\n");
        // A new file is the rendered text, LF only.
        assert_eq!(merge("", "T=new\nY=2\n"), "T=new\nY=2\n");
    }

    #[test]
    fn merge_removes_a_byte_order_mark_so_no_line_hides_behind_it() {
        let (merged, notes) = merge_noting("\u{feff}TOKEN=old\nX=1\n", "TOKEN=\"new\"\n");
        assert_eq!(merged, "TOKEN=\"new\"\nX=1\n");
        assert_eq!(notes, vec![Rewrite::DroppedBom]);
    }

    #[test]
    fn merge_is_idempotent() {
        let once = merge("X=1\n", "A=\"1\"\nB=\"2\"\n");
        assert_eq!(merge(&once, "A=\"1\"\nB=\"2\"\n"), once);
    }
}
