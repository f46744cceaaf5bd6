//! What one GraphQL document may cost before ghenv parses it. The app's
//! files and config.toml's `[[probe]]` queries come from the repository:
//! 80 KB of nested braces, or as many fields side by side, would otherwise
//! hold the parser and the validator (and with them every `probe`,
//! `check --probe` and online `doctor`) for half a minute. One linear scan
//! counts the tokens and the depth of brackets first; apollo-compiler's own
//! limits ([`PARSER_RECURSION`], [`PARSER_TOKENS`]) stay behind it in case
//! the scan and its lexer ever read a string or a comment differently.

use std::fmt;

/// The deepest nesting of `{`, `(` and `[` a document may have. The
/// course's queries nest about ten deep; GitHub's own schema could not use
/// much more than twenty.
pub const MAX_DEPTH: usize = 64;

/// The most tokens a document may hold (names, numbers, strings,
/// punctuation, commas, comments). The course's largest query has a few
/// hundred; a file of 2,000 fragments has 14,000.
pub const MAX_TOKENS: usize = 20_000;

/// apollo-compiler's recursion limit for what passed the scan: it counts
/// selection sets and lists, which are never deeper than the brackets.
pub const PARSER_RECURSION: usize = MAX_DEPTH + 1;

/// apollo-compiler's token limit for what passed the scan: it counts
/// spaces as tokens too, so a little over twice the scan's count.
pub const PARSER_TOKENS: usize = 4 * MAX_TOKENS;

/// Why a document is refused before it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    /// Brackets nested deeper than [`MAX_DEPTH`]; the place (1-based line
    /// and column, in characters) of the first one too deep.
    Depth {
        /// The line in the document.
        line: usize,
        /// The column in that line.
        column: usize,
    },
    /// More than [`MAX_TOKENS`] tokens; the place of the first one over.
    Tokens {
        /// The line in the document.
        line: usize,
        /// The column in that line.
        column: usize,
    },
}

impl TooLarge {
    /// Where in the document (line, column; 1-based).
    pub fn place(self) -> (usize, usize) {
        match self {
            TooLarge::Depth { line, column } | TooLarge::Tokens { line, column } => (line, column),
        }
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TooLarge::Depth { .. } => write!(
                f,
                "the document is nested deeper than {MAX_DEPTH} levels of brackets; ghenv does not check it"
            ),
            TooLarge::Tokens { .. } => write!(
                f,
                "the document holds more than {MAX_TOKENS} tokens; ghenv does not check it"
            ),
        }
    }
}

/// Checks that `text` is within [`MAX_DEPTH`] and [`MAX_TOKENS`], in one
/// pass over its bytes.
///
/// # Errors
/// [`TooLarge`] with the place of the first bracket or token over a limit.
pub fn measure(text: &str) -> Result<(), TooLarge> {
    let b = text.as_bytes();
    let (mut i, mut depth, mut tokens) = (0, 0usize, 0usize);
    let (mut line, mut line_start) = (1, 0);
    // The scan stops only on ASCII bytes or after whole characters, so
    // every place it reports is on a character boundary.
    let at =
        |line: usize, line_start: usize, i: usize| (line, text[line_start..i].chars().count() + 1);
    while i < b.len() {
        let start = i;
        match b[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n),
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                // A block string: to the first `"""` not escaped as `\"""`.
                i += 3;
                loop {
                    match b.get(i) {
                        None => break,
                        Some(b'\\') if b[i + 1..].starts_with(b"\"\"\"") => i += 4,
                        Some(b'"') if b[i..].starts_with(b"\"\"\"") => {
                            i += 3;
                            break;
                        }
                        Some(b'\n') => {
                            line += 1;
                            line_start = i + 1;
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'"' => {
                // A string ends at its quote or, unclosed, at the line's end.
                i += 1;
                while let Some(&c) = b.get(i) {
                    match c {
                        b'\\' if matches!(b.get(i + 1), Some(b'"' | b'\\')) => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
            }
            b'{' | b'(' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let (line, column) = at(line, line_start, i);
                    return Err(TooLarge::Depth { line, column });
                }
                i += 1;
            }
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'.' if b[i..].starts_with(b"...") => i += 3,
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'.') => {
                while b.get(i).is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'.')
                }) {
                    i += 1;
                }
            }
            c if c.is_ascii() => i += 1,
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
        tokens += 1;
        if tokens > MAX_TOKENS {
            let (line, column) = at(line, line_start, start);
            return Err(TooLarge::Tokens { line, column });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("query {}{}", "{ a ".repeat(depth), "} ".repeat(depth))
    }

    #[test]
    fn depth_up_to_the_limit_passes_and_one_more_is_refused_at_its_bracket() {
        assert_eq!(measure(&nested(MAX_DEPTH)), Ok(()));
        assert_eq!(
            measure(&nested(MAX_DEPTH + 1)),
            Err(TooLarge::Depth {
                line: 1,
                column: 7 + 4 * MAX_DEPTH
            })
        );
        assert!(matches!(
            measure(&nested(20_000)),
            Err(TooLarge::Depth { .. })
        ));
        // Braces alone, and arguments' lists and objects, count alike.
        assert!(measure(&"{ ".repeat(MAX_DEPTH + 1)).is_err());
        let list = format!(
            "{{ a(x: {}1{}) }}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(matches!(measure(&list), Err(TooLarge::Depth { .. })));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count_and_places_are_in_characters() {
        let deep = "{".repeat(MAX_DEPTH * 2);
        for text in [
            format!("query {{ a(x: \"{deep}\") }}"),
            format!("query {{ a(x: \"\\\"{deep}\") }}"),
            format!("query {{ a(x: \"\"\"\n\\\"\"\"{deep}\n\"\"\") }}"),
            format!("# {deep}\nquery {{ a }}"),
        ] {
            assert_eq!(measure(&text), Ok(()), "{text}");
        }
        let text = format!("# é\n\"é\" {}", "{".repeat(MAX_DEPTH + 1));
        assert_eq!(
            measure(&text),
            Err(TooLarge::Depth {
                line: 2,
                column: 5 + MAX_DEPTH
            })
        );
        // Any prefix of any text: no panic.
        let text = "query é { a(x: \"é\\\" \"\"\"é\\\"\"\" ) # é\n ... on X { b } }";
        for end in text.char_indices().map(|(i, _)| i) {
            let _ = measure(&text[..end]);
        }
    }

    #[test]
    fn tokens_up_to_the_limit_pass_and_one_more_is_refused() {
        // `{`, `}` and the fields: MAX_TOKENS in all.
        let fields = |n: usize| format!("{{{}}}", " login".repeat(n));
        assert_eq!(measure(&fields(MAX_TOKENS - 2)), Ok(()));
        assert!(matches!(
            measure(&fields(MAX_TOKENS - 1)),
            Err(TooLarge::Tokens { line: 1, .. })
        ));
        // Commas and comments are tokens too.
        assert!(measure(&",".repeat(MAX_TOKENS + 1)).is_err());
        assert!(measure(&"#\n".repeat(MAX_TOKENS + 1)).is_err());
        // The 2,000 fragments a test of the probe reads in one file pass.
        let fragments: String = (0..2000)
            .map(|i| format!("fragment f{i} on User {{ login }}\n"))
            .collect();
        assert_eq!(measure(&fragments), Ok(()));
    }
}
