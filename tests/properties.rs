//! Property tests (proptest) for the parts that take arbitrary input: the
//! token parser, the `.env` merge, and value quoting.

use ghenv::envfile;
use ghenv::token::{check_format, checksum};
use proptest::prelude::*;

/// 256 cases a property, no regression files (the minimal failing input
/// is printed instead).
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const PREFIXES: [&str; 5] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"];

fn base62(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The token grammar, written again from the spec, independently of
/// `token.rs`: what the parser must accept, and nothing else. A known
/// prefix with exactly 40 base62 characters must pass the CRC32 check;
/// other lengths GitHub may issue (up to 255, and `ghs_` JWTs with dots and
/// underscores) are accepted unchecked; the prefix never appears twice.
fn well_formed(s: &str) -> bool {
    let b = s.as_bytes();
    let prefixed = PREFIXES.iter().any(|p| {
        let jwt = *p == "ghs_";
        let body_ok = |c: &u8| base62(*c) || (jwt && (*c == b'.' || *c == b'_'));
        let max = if jwt { 2048 } else { 255 };
        s.starts_with(p)
            && !s[4..].contains(p)
            && (40..=max).contains(&b.len())
            && b[4..].iter().all(body_ok)
            && (b.len() != 40
                || !b[4..].iter().all(|&c| base62(c))
                || checksum(&s[4..34]) == s[34..])
    });
    let fine = b.len() == 93
        && s.starts_with("github_pat_")
        && b[11..33].iter().all(|&c| base62(c))
        && b[33] == b'_'
        && b[34..].iter().all(|&c| base62(c));
    let legacy = b.len() == 40
        && b.iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
    prefixed || fine || legacy
}

fn random_part(len: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".to_vec(),
        ),
        len,
    )
    .prop_map(|v| String::from_utf8(v).unwrap())
}

fn valid_prefixed() -> impl Strategy<Value = String> {
    (proptest::sample::select(PREFIXES.to_vec()), random_part(30))
        .prop_map(|(p, r)| format!("{p}{r}{}", checksum(&r)))
}

fn valid_fine_grained() -> impl Strategy<Value = String> {
    (random_part(22), random_part(59)).prop_map(|(a, b)| format!("github_pat_{a}_{b}"))
}

/// Strings near the grammar: a prefix, then token-ish characters of any
/// length, sometimes with a stray character.
fn near_tokens() -> impl Strategy<Value = String> {
    let prefix = proptest::sample::select(vec![
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "ghx_",
        "gh_",
        "GHP_",
        "",
    ]);
    (
        prefix,
        "[A-Za-z0-9_]{0,100}",
        proptest::option::of("[ -~é\t]"),
    )
        .prop_map(|(p, body, stray)| {
            let mut s = format!("{p}{body}");
            if let Some(c) = stray {
                let at = s.len() / 2;
                if s.is_char_boundary(at) {
                    s.insert_str(at, &c);
                }
            }
            s
        })
}

/// A valid token with one character replaced.
fn mutated() -> impl Strategy<Value = String> {
    (
        prop_oneof![valid_prefixed(), valid_fine_grained()],
        any::<prop::sample::Index>(),
        "[A-Za-z0-9_]",
    )
        .prop_map(|(t, i, c)| {
            let at = i.index(t.len());
            let mut s = t;
            s.replace_range(at..at + 1, &c);
            s
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(s in any::<String>()) {
        prop_assert_eq!(check_format(&s).is_ok(), well_formed(&s));
    }

    #[test]
    fn the_parser_accepts_exactly_the_well_formed_near_misses(s in near_tokens()) {
        prop_assert_eq!(check_format(&s).is_ok(), well_formed(&s), "{}", s);
    }

    #[test]
    fn every_well_formed_token_is_accepted(t in prop_oneof![valid_prefixed(), valid_fine_grained()]) {
        prop_assert!(check_format(&t).is_ok(), "{}", t);
    }

    #[test]
    fn a_changed_character_is_accepted_only_if_still_well_formed(t in mutated()) {
        prop_assert_eq!(check_format(&t).is_ok(), well_formed(&t), "{}", t);
    }
}

// ------------------------------------------------------------ .env merge

const TOKEN_KEY: &str = "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN";
const URL_KEY: &str = "REACT_APP_GITHUB_GRAPHQL_URL";

/// One line of a plausible `.env`, without its line ending.
fn env_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        4 => "[A-Z][A-Z0-9_]{0,12}",
        1 => Just(TOKEN_KEY.to_string()),
        1 => Just(URL_KEY.to_string()),
    ];
    let value = prop_oneof![
        "[A-Za-z0-9_./:@-]{0,20}",
        "[A-Za-z0-9 #$_.:-]{0,20}".prop_map(|v| format!("\"{v}\"")),
        "[A-Za-z0-9 #$\"_.:-]{0,20}".prop_map(|v| format!("'{v}'")),
    ];
    prop_oneof![
        "# [ -~]{0,30}",
        Just(String::new()),
        "[ \t]{1,3}",
        (
            proptest::option::of(Just("export ")),
            key,
            "[ ]{0,1}",
            value,
            proptest::option::of(" # [a-z ]{0,10}")
        )
            .prop_map(|(e, k, sp, v, comment)| format!(
                "{}{k}{sp}={sp}{v}{}",
                e.unwrap_or(""),
                comment.unwrap_or_default()
            )),
    ]
}

fn env_file() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(env_line(), 0..20),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(eol);
            if final_newline && !text.is_empty() {
                text.push_str(eol);
            }
            text
        })
}

fn rendered(token: &str) -> String {
    format!(
        "# written by ghenv\n{TOKEN_KEY}={}\n{URL_KEY}={}\n",
        envfile::quote(token),
        envfile::quote("https://api.github.com/graphql")
    )
}

/// The entries of `text` that do not assign a template key, as text.
fn unrelated(text: &str) -> Vec<String> {
    envfile::entries(text)
        .into_iter()
        .filter(|e| !matches!(e.key, Some(TOKEN_KEY | URL_KEY)))
        .map(|e| e.body().to_owned())
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn merge_keeps_every_unrelated_line_and_the_token_reads_back(existing in env_file(), token in valid_prefixed()) {
        // Content dotenvy itself cannot read is not ghenv's to fix.
        prop_assume!(dotenvy::from_read_iter(existing.as_bytes()).all(|r| r.is_ok()));
        let merged = envfile::merge(&existing, &rendered(&token));
        // Unrelated lines: byte for byte, in order (appended keys come last).
        let before = unrelated(&existing);
        let after = unrelated(&merged);
        prop_assert!(after.len() >= before.len());
        prop_assert_eq!(&after[..before.len()], &before[..]);
        prop_assert!(after[before.len()..].iter().all(|l| l.is_empty()), "only a blank separator may follow: {:?}", &after[before.len()..]);
        // The token reads back exactly.
        let pairs: Vec<(String, String)> = dotenvy::from_read_iter(merged.as_bytes()).collect::<Result<_, _>>().unwrap();
        let got: Vec<&String> = pairs.iter().filter(|(k, _)| k == TOKEN_KEY).map(|(_, v)| v).collect();
        prop_assert!(!got.is_empty());
        prop_assert!(got.iter().all(|v| **v == token));
        // Merging again changes nothing.
        prop_assert_eq!(envfile::merge(&merged, &rendered(&token)), merged);
    }
}

// ------------------------------------------------------------ quoting

proptest! {
    #![proptest_config(config())]

    #[test]
    fn quoted_values_read_back_exactly_with_dotenvy(value in "[ -~\n\u{e9}\u{1F600}]{0,40}") {
        let text = format!("K={}\nNEXT=1\n", envfile::quote(&value));
        let pairs: Vec<(String, String)> = dotenvy::from_read_iter(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(pairs, vec![("K".to_string(), value), ("NEXT".to_string(), "1".to_string())]);
    }

    #[test]
    fn quoted_values_with_special_characters_read_back(value in proptest::collection::vec(proptest::sample::select(vec!["#", "'", "\"", "$", " ", "\n", "\\", "{", "}", "a", "=", "`"]), 0..20).prop_map(|v| v.concat())) {
        let text = format!("K={}\n", envfile::quote(&value));
        let pairs: Vec<(String, String)> = dotenvy::from_read_iter(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(pairs, vec![("K".to_string(), value)]);
    }
}

// ------------------------------------------------------------ the scanner

/// Text made of pieces that matter to the scanner: tokens of every kind
/// (valid, with a changed character, glued to a word), age keys, newlines
/// and CRLF, filler and long runs without a newline.
fn scan_input() -> impl Strategy<Value = Vec<u8>> {
    let age_key =
        "AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSHMDW9A".to_owned();
    let piece = prop_oneof![
        4 => valid_prefixed(),
        2 => valid_fine_grained(),
        2 => mutated(),
        1 => valid_prefixed().prop_map(|t| format!("x{t}")),
        1 => valid_prefixed().prop_map(|t| format!("{t}y")),
        1 => Just(age_key),
        4 => "[ a-z=:\"'.#_-]{0,40}",
        3 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => (1usize..20_000).prop_map(|n| "g".repeat(n)),
        1 => (1usize..3_000).prop_map(|n| "ab ".repeat(n)),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat().into_bytes())
}

fn findings(
    input: &[u8],
    scan: impl Fn(&[u8], &mut Vec<ghenv::scan::Finding>) -> bool,
) -> (bool, String) {
    let mut out = Vec::new();
    let text = scan(input, &mut out);
    (text, serde_json::to_string(&out).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..config() })]

    /// The block scanner finds byte for byte what the line-by-line reference
    /// finds, whatever the block size (so tokens cross block boundaries),
    /// on CRLF, without a final newline, several to a line, in long lines.
    #[test]
    fn the_block_scanner_finds_exactly_what_the_reference_finds(
        input in scan_input(),
        block in 1usize..300,
    ) {
        use ghenv::scan::{Blocks, scan_blocks, scan_reader, scan_reader_by_line};
        let reference = findings(&input, |i, out| scan_reader_by_line(i, "f", out).unwrap());
        let small = findings(&input, |i, out| {
            scan_blocks(i, "f", out, Blocks { block, long_line: 8192, overlap: 4096 }).unwrap()
        });
        let default = findings(&input, |i, out| scan_reader(i, "f", out).unwrap());
        prop_assert_eq!(&small, &reference);
        prop_assert_eq!(&default, &reference);
    }
}
