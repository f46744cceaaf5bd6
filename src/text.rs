//! Text from outside (a server's answer, config.toml, a file name) on its
//! way to a terminal: control characters and bidirectional marks are
//! escaped visibly, so such text can neither run escape sequences (window
//! titles, hidden text, cursor moves) nor fake lines of ghenv's own output.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 and C1 control
/// characters (escape sequences start with them) and the bidirectional
/// marks that reorder what is shown.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [unsafe character](is_unsafe_char) escaped visibly
/// (`\u{1b}`), for strings from outside (a server, config.toml, a file
/// name) on their way to a terminal.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` cut to at most `max` characters, with `…` where it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_controls_and_bidi_marks_only() {
        assert_eq!(sanitize("octocat Ünïcødé ✓"), "octocat Ünïcødé ✓");
        assert_eq!(sanitize("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(sanitize("x\u{202e}y\u{9b}z\n"), "x\\u{202e}y\\u{9b}z\\u{a}");
    }
}
