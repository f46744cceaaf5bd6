//! Text from outside (a server's answer, config.toml, a file name) on its
//! way to a terminal: control characters and bidirectional marks are
//! escaped visibly, so such text can neither run escape sequences (window
//! titles, hidden text, cursor moves) nor fake lines of ghenv's own output.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 and C1 control
/// characters (escape sequences start with them), the bidirectional marks
/// that reorder what is shown, the line and paragraph separators, and the
/// zero-width characters that hide text or split a word (a token) unseen.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
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

    #[test]
    fn sanitize_shows_what_would_hide_text_or_split_a_word_unseen() {
        for c in [
            '\u{200b}', '\u{200d}', '\u{2028}', '\u{2029}', '\u{2060}', '\u{feff}',
        ] {
            let s = format!("ghp_ab{c}cd");
            assert_eq!(
                sanitize(&s),
                format!("ghp_ab{}cd", c.escape_unicode()),
                "{c:?}"
            );
        }
        // Emoji and their variation selectors are left as they are.
        assert_eq!(sanitize("✔️ 😀"), "✔️ 😀");
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
