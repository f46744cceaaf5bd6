//! The token: a secret from the moment it is read, its GitHub format, and the
//! offline checks (prefix, length, characters, checksum) made before any
//! network request.
//!
//! [`Token`] never prints itself: `Debug` shows only the kind and the masked
//! form (`ghp_…abcd`), and there is no `Display`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The base62 alphabet GitHub uses for token checksums.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Random characters in a 40-character token (after the 4-character prefix).
const RANDOM_LEN: usize = 30;
/// Checksum characters at the end of a 40-character token.
const CHECKSUM_LEN: usize = 6;
/// `github_pat_` + 22 + `_` + 59.
const FINE_GRAINED_PREFIX: &str = "github_pat_";
const FINE_GRAINED_ID_LEN: usize = 22;
const FINE_GRAINED_SECRET_LEN: usize = 59;
const FINE_GRAINED_LEN: usize =
    FINE_GRAINED_PREFIX.len() + FINE_GRAINED_ID_LEN + 1 + FINE_GRAINED_SECRET_LEN;
const PREFIXED_LEN: usize = 4 + RANDOM_LEN + CHECKSUM_LEN;
const LEGACY_LEN: usize = 40;
/// The longest token GitHub tells integrators to expect.
const MAX_LEN: usize = 255;
/// The longest stateless installation token (`ghs_` + a JWT of about 520
/// characters) accepted, with room to grow.
const MAX_JWT_LEN: usize = 2048;
/// Invisible characters an editor or a copy may put around a token: the
/// byte-order mark (Notepad, PowerShell) and zero-width spaces and joiners.
const INVISIBLE: [char; 5] = ['\u{feff}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}'];

/// The shortest piece of a token's secret part taken for an echo of it. A
/// server that sends the token back cut into pieces (by spaces, newlines,
/// escapes) gets every piece of 6 or more characters masked, so at most 5
/// characters in a row stay visible. A given 6-character run of base62
/// turns up by chance about once in 5.7 * 10^10 characters, so ordinary
/// text is left alone.
const ECHO_PIECE: usize = 6;

/// The 6-byte windows of a secret, as a set: a bitmap in front (one bit
/// test dismisses almost every window of ordinary text) and the windows,
/// with where they are in the secret, sorted for the rest.
struct Pieces {
    filter: [u64; 64],
    windows: Vec<(u64, usize)>,
}

impl Pieces {
    fn new(secret: &[u8]) -> Pieces {
        let mut windows: Vec<(u64, usize)> = secret
            .windows(ECHO_PIECE)
            .enumerate()
            .map(|(at, w)| (Self::key(w), at))
            .collect();
        windows.sort_unstable();
        let mut filter = [0u64; 64];
        for &(key, _) in &windows {
            let bit = Self::bit(key);
            filter[bit / 64] |= 1 << (bit % 64);
        }
        Pieces { filter, windows }
    }

    fn key(window: &[u8]) -> u64 {
        window.iter().fold(0, |k, &b| (k << 8) | u64::from(b))
    }

    /// One of 4,096 bits for `key` (Fibonacci hashing: the top 12 bits).
    fn bit(key: u64) -> usize {
        // 12 bits always fit.
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize
    }

    /// Where in the secret the 6 bytes of `window` are.
    fn find(&self, window: &[u8]) -> impl Iterator<Item = usize> + '_ {
        let key = Self::key(window);
        let bit = Self::bit(key);
        let maybe = self.filter[bit / 64] & (1 << (bit % 64)) != 0;
        let first = if maybe {
            self.windows.partition_point(|&(k, _)| k < key)
        } else {
            self.windows.len()
        };
        self.windows[first..]
            .iter()
            .take_while(move |&&(k, _)| k == key)
            .map(|&(_, at)| at)
    }
}

/// The byte spans of `text` that repeat a piece of `secret` with at least
/// [`ECHO_PIECE`] bytes past its first `public` ones (the prefix every
/// token of its kind starts with, `ghp_`, `github_pat_`: no secret),
/// merged, in order. Tokens are ASCII, so a span always starts and ends on
/// a character boundary of `text`.
///
/// Each window of `text` found among the secret's is grown forward while
/// text and secret agree, and only when it cannot grow backward (else it
/// is inside the match one byte earlier): a text costs one look-up per
/// byte plus the length of what matches, a few megabytes in milliseconds.
fn echoed_spans(secret: &[u8], public: usize, text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if secret.len() < public + ECHO_PIECE || text.len() < ECHO_PIECE {
        return spans;
    }
    let pieces = Pieces::new(secret);
    for i in 0..=text.len() - ECHO_PIECE {
        for at in pieces.find(&text[i..i + ECHO_PIECE]) {
            if i > 0 && at > 0 && text[i - 1] == secret[at - 1] {
                continue;
            }
            let mut len = ECHO_PIECE;
            while i + len < text.len()
                && at + len < secret.len()
                && text[i + len] == secret[at + len]
            {
                len += 1;
            }
            if at + len >= at.max(public) + ECHO_PIECE {
                spans.push((i, i + len));
            }
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The kinds of GitHub token ghenv recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Classic personal access token, `ghp_`.
    Classic,
    /// OAuth app access token, `gho_`.
    OAuth,
    /// GitHub App user-to-server token, `ghu_`.
    UserToServer,
    /// GitHub App server-to-server (installation) token, `ghs_`.
    ServerToServer,
    /// GitHub App refresh token, `ghr_`.
    Refresh,
    /// Fine-grained personal access token, `github_pat_`.
    FineGrained,
    /// A pre-2021 token: 40 hexadecimal characters, no prefix, no checksum.
    Legacy,
}

impl Kind {
    /// Every kind with a prefix, in the order they are tried.
    pub const PREFIXED: [Kind; 5] = [
        Kind::Classic,
        Kind::OAuth,
        Kind::UserToServer,
        Kind::ServerToServer,
        Kind::Refresh,
    ];

    /// A short machine-friendly name (`classic`, `fine-grained`, ...), used in
    /// `config.toml` and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Classic => "classic",
            Kind::OAuth => "oauth",
            Kind::UserToServer => "user-to-server",
            Kind::ServerToServer => "server-to-server",
            Kind::Refresh => "refresh",
            Kind::FineGrained => "fine-grained",
            Kind::Legacy => "legacy",
        }
    }

    /// What a person calls this kind of token.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Classic => "classic personal access token",
            Kind::OAuth => "OAuth app token",
            Kind::UserToServer => "GitHub App user-to-server token",
            Kind::ServerToServer => "GitHub App installation token",
            Kind::Refresh => "GitHub App refresh token",
            Kind::FineGrained => "fine-grained personal access token",
            Kind::Legacy => "legacy (pre-2021) token",
        }
    }

    /// The literal prefix the token starts with (empty for legacy tokens).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Classic => "ghp_",
            Kind::OAuth => "gho_",
            Kind::UserToServer => "ghu_",
            Kind::ServerToServer => "ghs_",
            Kind::Refresh => "ghr_",
            Kind::FineGrained => FINE_GRAINED_PREFIX,
            Kind::Legacy => "",
        }
    }

    /// Whether GitHub reports this kind's scopes in `X-OAuth-Scopes`: classic
    /// and OAuth tokens have scopes; fine-grained and GitHub App tokens have
    /// permissions instead, which GitHub does not list.
    pub fn has_oauth_scopes(self) -> bool {
        matches!(self, Kind::Classic | Kind::OAuth | Kind::Legacy)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Why a string is not a well-formed GitHub token. No variant holds any part
/// of the token except a prefix that is not secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// Nothing was given.
    #[error("the token is empty")]
    Empty,
    /// White space or a control character inside the token.
    #[error(
        "the token contains white space or a control character (at character {position}); paste it as one word"
    )]
    Whitespace {
        /// 1-based character position.
        position: usize,
    },
    /// The input is not UTF-8 text.
    #[error("the token is not text (it is not valid UTF-8)")]
    NotText,
    /// The input line is far longer than any token.
    #[error("the input is longer than {0} bytes, far longer than any token")]
    TooLong(usize),
    /// Wrapped in quotes, as copied from a file.
    #[error("the token is wrapped in quotes; give it without them")]
    Quoted,
    /// No known prefix, and not a legacy 40-hex token.
    #[error("the token does not start with a GitHub token prefix (ghp_, gho_, ghu_, ghs_, ghr_ or github_pat_){}", unknown_prefix_note(.prefix))]
    UnknownPrefix {
        /// A prefix of the form `gh?_` that GitHub does not issue, if seen.
        prefix: Option<String>,
    },
    /// Known prefix, wrong length.
    #[error(
        "a {kind} has {expected} characters but this one has {found}: {}",
        if found < expected { "part of it was probably lost when copying (copy it again, whole)" } else { "it was probably pasted twice, or with extra characters" }
    )]
    Length {
        /// What the prefix says the token is.
        kind: Kind,
        /// How long that kind is.
        expected: usize,
        /// How long the input is.
        found: usize,
    },
    /// A character outside the kind's alphabet.
    #[error("character {position} is not allowed in a {kind} (only A-Z, a-z and 0-9{})", if *.kind == Kind::FineGrained { " and the one '_' after the id" } else { "" })]
    Character {
        /// What the prefix says the token is.
        kind: Kind,
        /// 1-based character position.
        position: usize,
    },
    /// The checksum at the end does not match the random part.
    #[error("checksum does not match: the token was probably mistyped or truncated")]
    Checksum,
    /// The prefix appears again inside the token.
    #[error("the token holds its prefix twice: it was probably pasted twice")]
    PastedTwice,
    /// Longer than any token of its kind.
    #[error("a {kind} has at most {max} characters but this one has {found}")]
    TooLongFor {
        /// What the prefix says the token is.
        kind: Kind,
        /// The most that kind may have.
        max: usize,
        /// How long the input is.
        found: usize,
    },
}

fn unknown_prefix_note(prefix: &Option<String>) -> String {
    match prefix {
        Some(p) => format!("; GitHub issues no tokens that start with \"{p}\""),
        None => String::new(),
    }
}

/// A classic token with a valid checksum, as GitHub issues them, for
/// unit tests.
#[cfg(test)]
pub fn sample_classic() -> String {
    let random = "abcdefghijklmnopqrstuvwxyzABCD";
    format!("ghp_{random}{}", checksum(random))
}

/// The base62 CRC32 checksum GitHub appends to 40-character tokens: CRC32
/// (IEEE) of `random`, in base62 with the alphabet `0-9A-Za-z`, left-padded
/// with `0` to 6 characters.
pub fn checksum(random: &str) -> String {
    let mut n = crc32fast::hash(random.as_bytes());
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    // A u32 always fits in 6 base62 digits (62^6 > 2^32), so nothing is lost.
    String::from_utf8(out.to_vec()).expect("base62 digits are ASCII")
}

/// Checks the shape of `s` without any network access and says which kind of
/// token it is.
///
/// # Errors
/// A [`FormatError`] saying what is wrong: prefix, length, a character or the
/// checksum.
pub fn check_format(s: &str) -> Result<Kind, FormatError> {
    if s.is_empty() {
        return Err(FormatError::Empty);
    }
    if let Some(position) = s.chars().position(|c| c.is_whitespace() || c.is_control()) {
        return Err(FormatError::Whitespace {
            position: position + 1,
        });
    }
    if s.len() >= 2
        && matches!(s.as_bytes()[0], b'"' | b'\'')
        && s.ends_with(s.as_bytes()[0] as char)
    {
        return Err(FormatError::Quoted);
    }
    if let Some(kind) = Kind::PREFIXED
        .into_iter()
        .find(|k| s.starts_with(k.prefix()))
    {
        return check_prefixed(s, kind);
    }
    if s.starts_with(FINE_GRAINED_PREFIX) {
        return check_fine_grained(s);
    }
    if s.len() == LEGACY_LEN
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Ok(Kind::Legacy);
    }
    let b = s.as_bytes();
    let prefix =
        (b.len() >= 4 && b[0] == b'g' && b[1] == b'h' && b[2].is_ascii_lowercase() && b[3] == b'_')
            .then(|| s[..4].to_string());
    Err(FormatError::UnknownPrefix { prefix })
}

fn check_prefixed(s: &str, kind: Kind) -> Result<Kind, FormatError> {
    let found = s.chars().count();
    if s[4..].contains(kind.prefix()) {
        return Err(FormatError::PastedTwice);
    }
    // Stateless installation tokens are `ghs_` and a JWT: dots and
    // underscores besides base62 (GitHub's match: ghs_[A-Za-z0-9._]{36,}).
    let jwt = kind == Kind::ServerToServer;
    let allowed = |c: char| c.is_ascii_alphanumeric() || (jwt && (c == '.' || c == '_'));
    if let Some(i) = s.chars().skip(4).position(|c| !allowed(c)) {
        return Err(FormatError::Character {
            kind,
            position: i + 5,
        });
    }
    if found < PREFIXED_LEN {
        return Err(FormatError::Length {
            kind,
            expected: PREFIXED_LEN,
            found,
        });
    }
    let max = if jwt { MAX_JWT_LEN } else { MAX_LEN };
    if found > max {
        return Err(FormatError::TooLongFor { kind, max, found });
    }
    if found == PREFIXED_LEN && s.bytes().skip(4).all(|b| b.is_ascii_alphanumeric()) {
        // All ASCII from here, so byte slicing is safe.
        let (random, sum) = s[4..].split_at(RANDOM_LEN);
        if checksum(random) != sum {
            return Err(FormatError::Checksum);
        }
    }
    Ok(kind)
}

/// Whether [`check_format`] could confirm `s` offline: a checksum (the
/// 40-character prefixed tokens) or a fixed shape (fine-grained tokens).
/// Other lengths GitHub may issue, and legacy tokens, are left to GitHub.
pub fn checked_offline(s: &str, kind: Kind) -> bool {
    match kind {
        Kind::FineGrained => true,
        Kind::Legacy => false,
        _ => s.len() == PREFIXED_LEN && s.bytes().skip(4).all(|b| b.is_ascii_alphanumeric()),
    }
}

fn check_fine_grained(s: &str) -> Result<Kind, FormatError> {
    let kind = Kind::FineGrained;
    let found = s.chars().count();
    if found != FINE_GRAINED_LEN {
        return Err(FormatError::Length {
            kind,
            expected: FINE_GRAINED_LEN,
            found,
        });
    }
    let separator = FINE_GRAINED_PREFIX.len() + FINE_GRAINED_ID_LEN;
    for (i, c) in s.chars().enumerate().skip(FINE_GRAINED_PREFIX.len()) {
        let ok = if i == separator {
            c == '_'
        } else {
            c.is_ascii_alphanumeric()
        };
        if !ok {
            return Err(FormatError::Character {
                kind,
                position: i + 1,
            });
        }
    }
    Ok(kind)
}

/// Masks a token-shaped string for display: the prefix, an ellipsis and the
/// last four characters (`ghp_…abcd`). Short or unknown input shows no
/// characters at all.
pub fn mask(s: &str) -> String {
    let prefix = Kind::PREFIXED
        .into_iter()
        .chain([Kind::FineGrained])
        .map(Kind::prefix)
        .find(|p| s.starts_with(p))
        .unwrap_or("");
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < prefix.len() + 12 {
        return format!("{prefix}…");
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{tail}")
}

/// The token inside a value that is not one, and what was around it: a
/// stray quote (`'ghp_…`, `ghp_…"`), a `Bearer ` or `token ` before it (a
/// header pasted whole), the token pasted twice. Only a value that is
/// exactly one well-formed token once those are taken away (with its
/// checksum, for the kinds that have one) counts: anything else is left
/// for the user to look at.
pub fn salvage(s: &str) -> Option<(String, &'static str)> {
    let s = s.trim();
    // check_format checks the checksum of the 40-character kinds; a bare
    // 40-hex legacy token has no prefix to be sure by.
    let good = |t: &str| check_format(t).is_ok_and(|kind| kind != Kind::Legacy);
    if good(s) {
        return None;
    }
    let unquoted = s.trim_matches(|c| c == '\'' || c == '"' || c == '`');
    if unquoted != s && good(unquoted) {
        return Some((unquoted.to_owned(), "a stray quote"));
    }
    let lower = unquoted.to_ascii_lowercase();
    for word in ["bearer ", "token "] {
        if lower.starts_with(word) {
            let rest = unquoted[word.len()..].trim();
            if good(rest) {
                return Some((rest.to_owned(), "a header's word before it"));
            }
        }
    }
    // Pasted twice: the same token, back to back.
    if unquoted.len() % 2 == 0 {
        let (a, b) = unquoted.split_at(unquoted.len() / 2);
        if a == b && good(a) {
            return Some((a.to_owned(), "the token twice"));
        }
    }
    None
}

/// Whether `s` looks like a GitHub token (a known prefix and at least eight
/// more token characters), whether or not it is well formed.
pub fn looks_like_token(s: &str) -> bool {
    token_runs(s).next().is_some()
}

/// Byte ranges of the token-looking runs in `text`.
fn token_runs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let b = text.as_bytes();
    let prefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", FINE_GRAINED_PREFIX];
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < b.len() {
            let start = at;
            at += 1;
            if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
                continue;
            }
            let Some(p) = prefixes
                .iter()
                .find(|p| b[start..].starts_with(p.as_bytes()))
            else {
                continue;
            };
            let body = b[start + p.len()..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
                .count();
            if body >= 8 {
                at = start + p.len() + body;
                return Some(start..at);
            }
        }
        None
    })
}

/// `text` with every token-looking run masked (`ghp_…abcd`): for messages
/// that may quote an argument, since a token typed as one must never be
/// printed back.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    let runs: Vec<_> = token_runs(text).collect();
    if runs.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in runs {
        out.push_str(&text[last..r.start]);
        out.push_str(&mask(&text[r.clone()]));
        last = r.end;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// A GitHub token whose format has been checked. It holds the secret in a
/// [`SecretString`], which zeroizes on drop, and never prints it.
pub struct Token {
    secret: SecretString,
    kind: Kind,
}

impl Token {
    /// Checks the format of `secret` (see [`check_format`]) and wraps it.
    ///
    /// # Errors
    /// A [`FormatError`] when the format is wrong.
    pub fn parse(secret: SecretString) -> Result<Token, FormatError> {
        // A byte-order mark or a zero-width character around the token is
        // not part of it.
        let text = secret.expose_secret();
        let trimmed = text.trim_matches(|c: char| INVISIBLE.contains(&c) || c.is_whitespace());
        let secret = if trimmed.len() == text.len() {
            secret
        } else {
            SecretString::from(trimmed.to_owned())
        };
        let kind = check_format(secret.expose_secret())?;
        Ok(Token { secret, kind })
    }

    /// Whether its format was confirmed offline (see [`checked_offline`]).
    pub fn checked_offline(&self) -> bool {
        checked_offline(self.secret.expose_secret(), self.kind)
    }

    /// What kind of token this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The token for display: `ghp_…abcd`.
    pub fn masked(&self) -> String {
        mask(self.secret.expose_secret())
    }

    /// `text` (from a server, a proxied body, an error) with this token,
    /// and anything else that looks like a token, replaced by its masked
    /// form: a server may echo what it was sent, and what it says is
    /// printed, stored and passed on.
    pub fn scrub<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let spans = self.echoed(text.as_bytes());
        if spans.is_empty() {
            return redact(text);
        }
        // Any piece of 6 or more of the token's secret characters, in the
        // order the token has them, is masked: a server that echoes it
        // without its prefix, or cut into pieces, must not get the pieces
        // printed one after the other (the checksum is a CRC anyone can
        // recompute).
        let masked = self.masked();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in spans {
            out.push_str(&text[at..start]);
            out.push_str(&masked);
            at = end;
        }
        out.push_str(&text[at..]);
        std::borrow::Cow::Owned(redact(&out).into_owned())
    }

    /// [`Token::scrub`] for bytes that may not be UTF-8 (a proxied body):
    /// every piece of the token it repeats is replaced by the masked form,
    /// by the same rule. The bytes are read as they come: a body that
    /// spells the token's characters as JSON escapes (`\u0067`) is not
    /// decoded first, and other tokens are left as they are (the body is
    /// GitHub's answer to the app, not ghenv's output).
    pub fn scrub_bytes<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        let spans = self.echoed(bytes);
        if spans.is_empty() {
            return std::borrow::Cow::Borrowed(bytes);
        }
        let masked = self.masked();
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        for (start, end) in spans {
            out.extend_from_slice(&bytes[at..start]);
            out.extend_from_slice(masked.as_bytes());
            at = end;
        }
        out.extend_from_slice(&bytes[at..]);
        std::borrow::Cow::Owned(out)
    }

    /// The spans of `text` that repeat a piece of this token's secret part
    /// (see [`echoed_spans`]).
    fn echoed(&self, text: &[u8]) -> Vec<(usize, usize)> {
        echoed_spans(
            self.secret.expose_secret().as_bytes(),
            self.kind.prefix().len(),
            text,
        )
    }

    /// The secret itself. Only for the places that must send or store it:
    /// the `Authorization` header and the `.env` file.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("kind", &self.kind)
            .field("masked", &self.masked())
            .finish()
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Token) -> bool {
        self.secret.expose_secret() == other.secret.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 random characters whose checksum, computed independently with
    /// Python's zlib.crc32 and a base62 encoder, is `2C2O59`.
    const RANDOM: &str = "abcdefghijABCDEFGHIJ0123456789";
    const VALID: &str = "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";

    fn fine_grained() -> String {
        format!("github_pat_{}_{}", "A1".repeat(11), "b2c".repeat(19) + "dd")
    }

    #[test]
    fn scrub_masks_the_token_wherever_a_server_echoes_it() {
        let token = Token::parse(SecretString::from(VALID.to_owned())).unwrap();
        let echoed = format!("login L-{VALID} bearer {VALID}!");
        let clean = token.scrub(&echoed);
        assert!(!clean.contains(VALID), "{clean}");
        assert_eq!(clean, "login L-ghp_…2O59 bearer ghp_…2O59!");
        assert_eq!(token.scrub("octocat"), "octocat");
        // Without its prefix, the rest is still the secret; so is its
        // random part without the checksum, and each long piece of it cut
        // by a character.
        let bare = format!("token={}", &VALID[4..]);
        assert_eq!(token.scrub(&bare), "token=ghp_…2O59");
        let random = format!("r={}.", &VALID[4..34]);
        assert_eq!(token.scrub(&random), "r=ghp_…2O59.");
        let cut = format!("{}\u{34f}{}", &VALID[..20], &VALID[20..]);
        let clean = token.scrub(&cut);
        assert!(
            !clean.contains(&VALID[4..20]) && !clean.contains(&VALID[20..]),
            "{clean}"
        );
        // Short runs that happen to match are left alone.
        assert_eq!(token.scrub("ghp_abc"), "ghp_abc");
        let body = format!("{{\"message\":\"bad header: bearer {VALID}\"}}");
        let bytes = token.scrub_bytes(body.as_bytes());
        assert!(memchr::memmem::find(&bytes, VALID.as_bytes()).is_none());
        assert!(memchr::memmem::find(&bytes, "ghp_…2O59".as_bytes()).is_some());
        assert!(matches!(
            token.scrub_bytes(b"plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// A token of `kind` with a random-looking secret part (made from
    /// `seed`), as GitHub issues them: no runs or repeats.
    fn random_token(kind: Kind, seed: u64) -> Token {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005) | 1;
        let mut random = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    BASE62[usize::try_from(x % 62).unwrap()] as char
                })
                .collect()
        };
        let text = match kind {
            Kind::FineGrained => format!("github_pat_11{}_{}", random(20), random(59)),
            _ => {
                let r = random(RANDOM_LEN);
                format!("{}{r}{}", kind.prefix(), checksum(&r))
            }
        };
        let token = Token::parse(SecretString::from(text)).unwrap();
        assert_eq!(token.kind(), kind);
        token
    }

    /// Whether `text` holds 6 characters in a row of the token's secret
    /// part (after its prefix).
    fn shows_a_piece(token: &Token, text: &[u8]) -> Option<String> {
        let secret = &token.expose_secret().as_bytes()[token.kind().prefix().len()..];
        secret
            .windows(ECHO_PIECE)
            .find(|w| memchr::memmem::find(text, w).is_some())
            .map(|w| String::from_utf8_lossy(w).into_owned())
    }

    #[test]
    fn every_piece_of_six_to_twelve_characters_is_masked_however_it_is_separated() {
        for token in [
            random_token(Kind::Classic, 7),
            random_token(Kind::FineGrained, 8),
        ] {
            let whole = token.expose_secret().to_owned();
            for size in ECHO_PIECE..=12 {
                let pieces: Vec<&str> = whole
                    .as_bytes()
                    .chunks(size)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect();
                // Real spaces and newlines (a decoded message), JSON's
                // escapes as a raw body has them, and the end of one string
                // and the start of the next.
                for separator in [" ", "\n", "\\n", "\\u0020", "\", \"", "\u{200b}"] {
                    let text = format!("{{\"message\":\"no: {}.\"}}", pieces.join(separator));
                    let clean = token.scrub(&text);
                    let piece = shows_a_piece(&token, clean.as_bytes());
                    assert!(
                        piece.is_none(),
                        "{size} {separator:?}: {piece:?} in {clean}"
                    );
                    assert!(clean.contains(&token.masked()), "{clean}");
                    let clean = token.scrub_bytes(text.as_bytes());
                    let piece = shows_a_piece(&token, &clean);
                    assert!(piece.is_none(), "{size} {separator:?}: {piece:?}");
                }
            }
            // Not by chance: each piece of exactly 6 is masked on its own.
            let secret = &whole[token.kind().prefix().len()..];
            for at in 0..=secret.len() - ECHO_PIECE {
                let piece = &secret[at..at + ECHO_PIECE];
                assert_eq!(
                    token.scrub(&format!("<{piece}>")),
                    format!("<{}>", token.masked())
                );
            }
        }
    }

    #[test]
    fn ordinary_text_and_the_public_prefix_alone_are_left_alone() {
        for token in [
            random_token(Kind::Classic, 7),
            random_token(Kind::FineGrained, 8),
        ] {
            for text in [
                "Bad credentials. The quick brown fox jumps over the lazy dog, twice.",
                r#"{"data":{"viewer":{"login":"octocat","name":"The Octocat","id":"MDQ6VXNlcjE=","createdAt":"2011-01-25T18:44:36Z"}},"extensions":{"cost":1}}"#,
                "X-GitHub-Request-Id: E3C4:1F2B:9A8F1:B1C2D:6765A1B2, commit 3f786850e387550fdab836ed7e6dc881de23001b",
                "Tokens start with github_pat_ or ghp_; github_pat_11 is every fine-grained one's start. See https://github.com/settings/tokens",
            ] {
                assert!(shows_a_piece(&token, text.as_bytes()).is_none(), "{text}");
                assert_eq!(token.scrub(text), text);
                assert!(matches!(
                    token.scrub_bytes(text.as_bytes()),
                    std::borrow::Cow::Borrowed(_)
                ));
            }
            // The prefix and five characters of the secret: no piece of 6.
            let start = &token.expose_secret()[..token.kind().prefix().len() + 5];
            assert_eq!(token.scrub(&format!("{start} ")), format!("{start} "));
        }
    }

    #[test]
    fn a_text_of_megabytes_is_scrubbed_in_one_pass() {
        let token = random_token(Kind::FineGrained, 9);
        let secret = token.expose_secret();
        // 4 MB of JSON with the token, whole and in pieces, here and there;
        // and a text of the token's own characters over and over.
        let mut text = String::new();
        for i in 0..40_000 {
            text.push_str(r#"{"id":"MDEwOlJlcG9zaXRvcnkx","name":"hello-world","n":"#);
            text.push_str(&i.to_string());
            text.push_str("},");
            if i % 1000 == 0 {
                text.push_str(&secret[20..31]);
                text.push(' ');
                text.push_str(secret);
            }
        }
        let clean = token.scrub_bytes(text.as_bytes());
        assert!(shows_a_piece(&token, &clean).is_none());
        let repeated = secret.repeat(40_000);
        let clean = token.scrub(&repeated);
        assert_eq!(clean, token.masked());
    }

    #[test]
    fn checksum_matches_known_answers() {
        // CRC32("123456789") = 0xCBF43926, the standard check value.
        assert_eq!(checksum("123456789"), "3jZRME");
        assert_eq!(checksum(RANDOM), "2C2O59");
        assert_eq!(checksum(""), "000000");
    }

    #[test]
    fn every_prefixed_kind_with_a_valid_checksum_is_accepted() {
        for kind in Kind::PREFIXED {
            let t = format!("{}{RANDOM}{}", kind.prefix(), checksum(RANDOM));
            assert_eq!(check_format(&t), Ok(kind), "{t}");
        }
        assert_eq!(check_format(VALID), Ok(Kind::Classic));
    }

    #[test]
    fn flipping_any_character_of_the_random_part_breaks_the_checksum() {
        for i in 4..4 + RANDOM_LEN {
            let mut b = VALID.as_bytes().to_vec();
            b[i] = if b[i] == b'x' { b'y' } else { b'x' };
            let t = String::from_utf8(b).unwrap();
            assert_eq!(check_format(&t), Err(FormatError::Checksum), "position {i}");
        }
        let mut b = VALID.as_bytes().to_vec();
        b[39] = b'0';
        assert_eq!(
            check_format(std::str::from_utf8(&b).unwrap()),
            Err(FormatError::Checksum)
        );
    }

    #[test]
    fn other_lengths_github_may_issue_are_left_to_github() {
        let long = format!("ghp_{}", "a1B2".repeat(20));
        assert_eq!(check_format(&long), Ok(Kind::Classic));
        assert!(!checked_offline(&long, Kind::Classic));
        assert!(checked_offline(VALID, Kind::Classic));
        // A stateless installation token: ghs_ and a JWT.
        let jwt = format!(
            "ghs_{}.{}.{}",
            "eyJhbGciOiJSUzI1NiJ9",
            "eyJpc3MiOiIxMjM0NSJ9".repeat(20),
            "c2lnbmF0dXJl_-".replace('-', "A").repeat(10)
        );
        assert!(jwt.len() > 400);
        assert_eq!(check_format(&jwt), Ok(Kind::ServerToServer));
        // Dots are for ghs_ only; 256 characters is too many for a classic.
        assert!(matches!(
            check_format(&format!("ghp_{}.x", "a".repeat(40))),
            Err(FormatError::Character { position: 45, .. })
        ));
        assert!(matches!(
            check_format(&format!("ghp_{}", "a".repeat(252))),
            Err(FormatError::TooLongFor { max: 255, .. })
        ));
        assert_eq!(
            check_format(&format!("{VALID}{VALID}")),
            Err(FormatError::PastedTwice)
        );
    }

    #[test]
    fn redact_masks_every_token_looking_run_and_nothing_else() {
        let text = format!("unexpected argument '{VALID}' and --dir ghp_short12345 and ghp_x");
        let r = redact(&text);
        assert!(!r.contains(&VALID[4..30]), "{r}");
        assert!(!r.contains("short12345"), "{r}");
        assert!(r.contains("ghp_x"), "too short to be a token: {r}");
        assert!(r.contains("unexpected argument"), "{r}");
        assert!(looks_like_token(VALID) && !looks_like_token("./notes"));
        assert_eq!(redact("nothing here"), "nothing here");
    }

    #[test]
    fn invisible_characters_around_the_token_are_stripped() {
        for input in [
            format!("\u{feff}{VALID}"),
            format!("\u{200b}{VALID}\u{200b}"),
            format!("{VALID}\u{2060}"),
        ] {
            let t = Token::parse(SecretString::from(input)).unwrap();
            assert_eq!(t.expose_secret(), VALID);
        }
    }

    #[test]
    fn wrong_length_is_reported_with_both_lengths() {
        let err = check_format(&VALID[..39]).unwrap_err();
        assert_eq!(
            err,
            FormatError::Length {
                kind: Kind::Classic,
                expected: 40,
                found: 39
            }
        );
        assert!(
            err.to_string()
                .contains("40 characters but this one has 39")
        );
    }

    #[test]
    fn bad_character_is_reported_by_position_not_by_value() {
        let t = VALID.replacen('d', "-", 1);
        let err = check_format(&t).unwrap_err();
        assert_eq!(
            err,
            FormatError::Character {
                kind: Kind::Classic,
                position: 8
            }
        );
        let t = VALID.replacen('d', "é", 1);
        // Non-ASCII changes the byte length but not the character count.
        assert!(matches!(
            check_format(&t),
            Err(FormatError::Character { position: 8, .. })
        ));
    }

    #[test]
    fn unknown_prefixes_are_named_only_when_github_shaped() {
        assert_eq!(
            check_format("ghx_abcdefghijABCDEFGHIJ01234567892C2O59"),
            Err(FormatError::UnknownPrefix {
                prefix: Some("ghx_".into())
            })
        );
        let err = check_format("hunter2hunter2").unwrap_err();
        assert_eq!(err, FormatError::UnknownPrefix { prefix: None });
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn fine_grained_tokens_are_checked_by_shape() {
        let t = fine_grained();
        assert_eq!(t.len(), 93);
        assert_eq!(check_format(&t), Ok(Kind::FineGrained));
        let bad = t.replace("A1A1A1A1A1A1A1A1A1A1A1_", "A1A1A1A1A1A1A1A1A1A1A1-");
        assert_eq!(
            check_format(&bad),
            Err(FormatError::Character {
                kind: Kind::FineGrained,
                position: 34
            })
        );
        assert!(matches!(
            check_format(&t[..92]),
            Err(FormatError::Length {
                expected: 93,
                found: 92,
                ..
            })
        ));
    }

    #[test]
    fn legacy_hex_tokens_are_accepted_without_checksum() {
        let t = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(check_format(t), Ok(Kind::Legacy));
        assert!(check_format(&t.to_uppercase()).is_err());
    }

    #[test]
    fn whitespace_quotes_and_empty_are_rejected() {
        assert_eq!(check_format(""), Err(FormatError::Empty));
        assert_eq!(
            check_format("ghp_abc def"),
            Err(FormatError::Whitespace { position: 8 })
        );
        assert_eq!(
            check_format(&format!("\"{VALID}\"")),
            Err(FormatError::Quoted)
        );
    }

    #[test]
    fn masking_keeps_prefix_and_last_four_only() {
        assert_eq!(mask(VALID), "ghp_…2O59");
        assert_eq!(mask(&fine_grained()), "github_pat_…2cdd");
        assert_eq!(mask("short"), "…");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::parse(SecretString::from(VALID.to_string())).unwrap();
        let shown = format!("{token:?}");
        assert!(!shown.contains(RANDOM), "{shown}");
        assert!(shown.contains("ghp_…2O59"));
    }

    #[test]
    fn a_token_with_stray_characters_around_it_is_salvaged_and_nothing_else() {
        for (value, why) in [
            (format!("'{VALID}"), "a stray quote"),
            (format!("{VALID}\""), "a stray quote"),
            (format!("\"{VALID}'"), "a stray quote"),
            (format!("Bearer {VALID}"), "a header's word before it"),
            (format!("token {VALID}"), "a header's word before it"),
            (format!("{VALID}{VALID}"), "the token twice"),
        ] {
            assert_eq!(salvage(&value), Some((VALID.to_owned(), why)), "{value}");
        }
        for value in [
            VALID.to_owned(),
            format!("'{}", &VALID[..39]),
            format!("{VALID}x"),
            format!("bearer {VALID} {VALID}"),
            "'0123456789abcdef0123456789abcdef01234567".to_owned(),
            String::new(),
        ] {
            assert_eq!(salvage(&value), None, "{value}");
        }
    }
}
