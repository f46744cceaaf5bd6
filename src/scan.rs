//! Finding secrets in text: GitHub tokens (word-bounded candidates,
//! confirmed by [`check_format`](crate::token::check_format), so a random
//! 40-character string is reported only if its checksum holds) and age
//! identities (`AGE-SECRET-KEY-1…`, confirmed by their Bech32 checksum),
//! and a streaming block reader.
//!
//! Nothing is skipped as binary: a SQLite file or a `\0T=ghp_…` holds a
//! token as well as any text, and the checksums keep random bytes from
//! being reported. Where a block holds a NUL byte, the secrets are also
//! looked for in UTF-16 (LE and BE, at any alignment, whatever the start of
//! the file says): a UTF-16 token is made of NUL bytes, so no block without
//! one can hold it, and no byte-order mark or guess about the whole file
//! can hide it.
//!
//! Old 40-hex tokens are not looked for: they cannot be told apart from
//! commit ids and other hashes.

use std::io::{self, BufRead, Read};

use crate::token::{self, Kind};

/// How far into a file to look for a NUL byte that marks it binary (as git
/// and ripgrep do); a binary file is scanned all the same, and only counted
/// apart.
pub const BINARY_PEEK: usize = 8192;

const FINE_GRAINED_PREFIX: &[u8] = b"github_pat_";
const AGE_PREFIX: &[u8] = b"AGE-SECRET-KEY-1";
/// `AGE-SECRET-KEY-1` and 58 Bech32 characters.
const AGE_LEN: usize = 74;
const FINE_GRAINED_LEN: usize = 93;
const PREFIXED_LEN: usize = 40;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    /// A GitHub token of this kind.
    Token(Kind),
    /// An age X25519 identity: a private key.
    AgeIdentity,
}

impl Secret {
    /// The short name in JSON (`classic`, `fine-grained`, ..., `age-identity`).
    pub fn name(self) -> &'static str {
        match self {
            Secret::Token(k) => k.name(),
            Secret::AgeIdentity => "age-identity",
        }
    }

    /// What it is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Secret::Token(k) => k.describe(),
            Secret::AgeIdentity => "age identity (private key)",
        }
    }
}

/// How a secret's characters are laid out in the bytes it was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// One byte a character: ASCII, UTF-8, or inside binary content.
    #[default]
    Bytes,
    /// UTF-16, little-endian: each character, then a zero byte.
    Utf16Le,
    /// UTF-16, big-endian: a zero byte, then each character.
    Utf16Be,
}

impl Encoding {
    /// The name in JSON (`utf-16le`, `utf-16be`); `None` for bytes.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Encoding::Bytes => None,
            Encoding::Utf16Le => Some("utf-16le"),
            Encoding::Utf16Be => Some("utf-16be"),
        }
    }

    /// The character of the UTF-16 code unit at `at` in `bytes` when it is
    /// ASCII; [`NOT_ASCII`] otherwise.
    fn ascii_at(self, bytes: &[u8], at: usize) -> u8 {
        let (low, high) = match self {
            Encoding::Utf16Be => (bytes[at + 1], bytes[at]),
            _ => (bytes[at], bytes[at + 1]),
        };
        if high == 0 && low.is_ascii() {
            low
        } else {
            NOT_ASCII
        }
    }
}

/// Stands for a character that is not ASCII when UTF-16 is narrowed to
/// bytes: not part of any word, so it ends or precedes a secret as a
/// non-ASCII character does in UTF-8.
const NOT_ASCII: u8 = 0x80;

/// A secret found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// 1-based byte column.
    pub column: usize,
    /// What it is.
    pub kind: Secret,
    /// Masked for display (`ghp_…abcd`).
    pub masked: String,
    /// Its length in bytes (twice its characters in UTF-16).
    pub len: usize,
    /// How its characters are stored.
    pub encoding: Encoding,
}

/// A secret found in a file.
///
/// In JSON: `path`, a string that round-trips (the name as it is when it is
/// UTF-8, control characters escaped by JSON's own rules; otherwise with
/// U+FFFD for the bytes that are not), `path_bytes` for a name that is not
/// UTF-8 only (its bytes, numbers 0 to 255: what `revoke --from-scan` reads
/// back), then `line`, `column`, `kind`, `masked`, and when they apply
/// `encoding`, `blob` and `commits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, as given or as git names it: bytes, as on disk.
    pub path: Vec<u8>,
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column.
    pub column: usize,
    /// What it is; in JSON its short name (`classic`, `fine-grained`, ...).
    pub kind: Secret,
    /// Masked for display.
    pub masked: String,
    /// In JSON, `utf-16le` or `utf-16be` for a secret found in UTF-16;
    /// absent otherwise.
    pub encoding: Encoding,
    /// With `scan --history`: the blob it is in.
    pub blob: Option<String>,
    /// With `scan --history`: the commits that added (first) or removed it.
    pub commits: Vec<String>,
}

impl serde::Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match std::str::from_utf8(&self.path) {
            Ok(path) => m.serialize_entry("path", path)?,
            Err(_) => {
                m.serialize_entry("path", &String::from_utf8_lossy(&self.path))?;
                m.serialize_entry("path_bytes", &self.path)?;
            }
        }
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("column", &self.column)?;
        m.serialize_entry("kind", self.kind.name())?;
        m.serialize_entry("masked", &self.masked)?;
        if let Some(encoding) = self.encoding.name() {
            m.serialize_entry("encoding", encoding)?;
        }
        if let Some(blob) = &self.blob {
            m.serialize_entry("blob", blob)?;
        }
        if !self.commits.is_empty() {
            m.serialize_entry("commits", &self.commits)?;
        }
        m.end()
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `line[end]` (if any) ends a word there.
fn ends_word(line: &[u8], end: usize) -> bool {
    line.get(end).is_none_or(|&b| !is_word(b))
}

/// The length of the JWT-shaped installation token at the start of `rest`
/// (`ghs_` and at least 36 of `A-Za-z0-9._`, GitHub's own match, with
/// exactly two dots and no empty part), or `None`.
fn jwt_len(rest: &[u8]) -> Option<usize> {
    let body = rest[4..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        .count();
    let token = &rest[4..4 + body];
    let dots = token.iter().filter(|&&b| b == b'.').count();
    let parts_ok = token.split(|&b| b == b'.').all(|p| !p.is_empty());
    (body >= 36 && dots == 2 && parts_ok && ends_word(rest, 4 + body)).then_some(4 + body)
}

/// A literal the scanner looks for, and the two of its bytes the SIMD
/// search looks at (offsets into it).
///
/// memchr's own choice of bytes, by their frequency in general text, is
/// poor here: for `github_pat_` it picks the `g` and `b` of "github", a
/// word common in the very projects scanned, and every false candidate
/// costs a return from the SIMD loop. These pairs were chosen by counting
/// them in 155 MB of an installed `node_modules` (react-scripts 5): `g.._`
/// 9,553 times against 37,921 for `gh`; `b_` 842 times against 40,434 for
/// `g....b`; `Y-` 37 times.
struct Needle {
    literal: &'static [u8],
    pair: (u8, u8),
    /// Its place in the table of SIMD searchers, built once.
    slot: usize,
    /// Without AVX2: memmem on this (a prefix of `literal`, or all of it).
    fallback: &'static [u8],
}

/// The prefixed tokens (`ghp_` … `ghr_`): `g` and the `_` three bytes on;
/// the byte between varies, so candidates are checked by the caller.
const PREFIXED: Needle = Needle {
    literal: b"ghp_",
    pair: (0, 3),
    slot: 0,
    fallback: b"gh",
};
const FINE_GRAINED: Needle = Needle {
    literal: FINE_GRAINED_PREFIX,
    pair: (5, 6),
    slot: 1,
    fallback: FINE_GRAINED_PREFIX,
};
const AGE: Needle = Needle {
    literal: AGE_PREFIX,
    pair: (13, 14),
    slot: 2,
    fallback: AGE_PREFIX,
};

/// Calls `f` with every offset in `text` where `needle` may start: all the
/// places it does, and some others (`f` confirms).
fn candidates(text: &[u8], needle: &Needle, mut f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        use memchr::arch::all::packedpair::Pair;
        use memchr::arch::x86_64::avx2::packedpair::Finder;
        type Finders = [Option<Finder>; 3];
        static FINDERS: std::sync::OnceLock<Finders> = std::sync::OnceLock::new();
        let finders = FINDERS.get_or_init(|| {
            [PREFIXED, FINE_GRAINED, AGE].map(|n| {
                Finder::with_pair(
                    n.literal,
                    Pair::with_indices(n.literal, n.pair.0, n.pair.1)?,
                )
            })
        });
        if let Some(finder) = &finders[needle.slot] {
            let mut at = 0;
            while text.len() - at >= finder.min_haystack_len() {
                let Some(i) = finder.find_prefilter(&text[at..]) else {
                    return;
                };
                f(at + i);
                at += i + 1;
            }
            // The rest is too short for the SIMD search.
            memchr::memmem::find_iter(&text[at..], needle.fallback).for_each(|i| f(at + i));
            return;
        }
    }
    memchr::memmem::find_iter(text, needle.fallback).for_each(f);
}

/// What the bytes searched are, which decides whether a secret must stand
/// apart from the bytes around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Text: a secret is a word of its own (`x{token}` is not one).
    Text,
    /// Binary (a NUL byte in the first 8 KiB): a database or an archive
    /// stores fields side by side, so a secret counts glued to other bytes;
    /// its checksum (or, for `github_pat_` and `ghs_` JWTs, its shape)
    /// alone tells it from chance.
    Binary,
}

impl Content {
    /// Whether `bytes`, the start of a file, are binary content.
    pub fn of(bytes: &[u8]) -> Content {
        if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PEEK)]).is_some() {
            Content::Binary
        } else {
            Content::Text
        }
    }
}

/// Appends the age identity starting at `line[i]`, if there is one, to `out`.
fn age_at(line: &[u8], i: usize, content: Content, out: &mut Vec<Hit>) {
    let is_key_char = |b: u8| content == Content::Text && (b.is_ascii_alphanumeric() || b == b'-');
    if (i > 0 && is_key_char(line[i - 1]))
        || line.len() < i + AGE_LEN
        || !line[i..].starts_with(AGE_PREFIX)
        || line.get(i + AGE_LEN).is_some_and(|&b| is_key_char(b))
    {
        return;
    }
    let Ok(candidate) = std::str::from_utf8(&line[i..i + AGE_LEN]) else {
        return;
    };
    // The Bech32 checksum tells a real key from a placeholder.
    if candidate.parse::<age::x25519::Identity>().is_ok() {
        out.push(Hit {
            column: i + 1,
            kind: Secret::AgeIdentity,
            masked: format!("AGE-SECRET-KEY-1…{}", &candidate[AGE_LEN - 4..]),
            len: AGE_LEN,
            encoding: Encoding::Bytes,
        });
    }
}

/// Appends the secrets in `line`, text, to `out`.
pub fn scan_line(line: &[u8], out: &mut Vec<Hit>) {
    scan_bytes(line, Content::Text, out);
}

/// Appends the secrets in `bytes` to `out`, sorted by column.
pub fn scan_bytes(bytes: &[u8], content: Content, out: &mut Vec<Hit>) {
    candidates(bytes, &PREFIXED, |i| token_at(bytes, i, content, out));
    candidates(bytes, &FINE_GRAINED, |i| token_at(bytes, i, content, out));
    candidates(bytes, &AGE, |i| age_at(bytes, i, content, out));
    out.sort_by_key(|h| h.column);
}

/// Appends the GitHub token starting at `line[i]`, if there is one, to `out`.
fn token_at(line: &[u8], i: usize, content: Content, out: &mut Vec<Hit>) {
    let text = content == Content::Text;
    if text && i > 0 && is_word(line[i - 1]) {
        return;
    }
    let rest = &line[i..];
    if rest.starts_with(b"ghs_")
        && let Some(len) = jwt_len(rest)
    {
        // A stateless installation token: no checksum, so its JWT shape
        // (three dot-separated parts) confirms it.
        let candidate = std::str::from_utf8(&rest[..len]).expect("ASCII");
        if token::check_format(candidate).is_ok() {
            out.push(Hit {
                column: i + 1,
                kind: Secret::Token(Kind::ServerToServer),
                masked: token::mask(candidate),
                len,
                encoding: Encoding::Bytes,
            });
        }
        return;
    }
    let len = if rest.starts_with(FINE_GRAINED_PREFIX) {
        FINE_GRAINED_LEN
    } else if rest.len() >= 4
        && rest.starts_with(b"gh")
        && rest[3] == b'_'
        && matches!(rest[2], b'p' | b'o' | b'u' | b's' | b'r')
    {
        PREFIXED_LEN
    } else {
        return;
    };
    if rest.len() < len || (text && !ends_word(line, i + len)) {
        return;
    }
    let Ok(candidate) = std::str::from_utf8(&rest[..len]) else {
        return;
    };
    // Forty characters are a token only when the checksum confirms them:
    // a `ghs_` run with underscores (`ghs_gho_tree…`, ghenv's own list of
    // prefixes in its binary) passes the format check, which lets GitHub
    // judge what it cannot, but has no checksum to confirm it; real
    // stateless `ghs_` tokens are JWTs and matched above by their shape.
    if let Ok(kind) = token::check_format(candidate)
        && kind != Kind::Legacy
        && token::checked_offline(candidate, kind)
    {
        out.push(Hit {
            column: i + 1,
            kind: Secret::Token(kind),
            masked: token::mask(candidate),
            len,
            encoding: Encoding::Bytes,
        });
    }
}

/// The UTF-16 forms of the literals: the scanner's candidates where a
/// block holds a NUL byte. Each starts where a code unit does.
const WIDE: [(&[u8], Encoding); 6] = [
    (b"g\0h\0", Encoding::Utf16Le),
    (b"g\0i\0t\0", Encoding::Utf16Le),
    (b"A\0G\0E\0-\0", Encoding::Utf16Le),
    (b"\0g\0h", Encoding::Utf16Be),
    (b"\0g\0i\0t", Encoding::Utf16Be),
    (b"\0A\0G\0E\0-", Encoding::Utf16Be),
];

/// How many UTF-16 characters are narrowed to look at a candidate: more
/// than a fine-grained token (93) and its next character; a `ghs_` JWT is
/// followed up to [`WIDE_JWT`].
const WIDE_SHORT: usize = 100;
const WIDE_JWT: usize = 4096;

/// Appends every secret stored as UTF-16 in `bytes` to `out`, as hits
/// whose column and length count bytes. A secret of ASCII characters in
/// UTF-16 reads as LE at its first byte and as BE one byte before (and the
/// reverse): both are kept here (see [`scan_wide`]).
fn wide_hits(bytes: &[u8], content: Content, out: &mut Vec<Hit>) {
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        WIDE.iter()
            .map(|(n, _)| memchr::memmem::Finder::new(n))
            .collect()
    });
    for (finder, (_, encoding)) in finders.iter().zip(WIDE) {
        for at in finder.find_iter(bytes) {
            wide_at(bytes, at, encoding, content, out);
        }
    }
}

/// Appends the secret stored as UTF-16 from `bytes[start]`, if there is
/// one, to `out`: its characters (and the one before) are narrowed to
/// bytes, a character that is not ASCII becoming [`NOT_ASCII`], and checked
/// as any other candidate. The character before `start` counts as a
/// boundary when it is not in `bytes` (the start of the file, or of a line:
/// the code unit holding that 0x0a is never a word character).
fn wide_at(bytes: &[u8], start: usize, encoding: Encoding, content: Content, out: &mut Vec<Hit>) {
    let mut narrow = Vec::with_capacity(WIDE_SHORT + 2);
    let before = start >= 2;
    if before {
        narrow.push(encoding.ascii_at(bytes, start - 2));
    }
    let first = narrow.len();
    let mut limit = WIDE_SHORT;
    let mut at = start;
    while at + 1 < bytes.len() && narrow.len() - first < limit {
        let c = encoding.ascii_at(bytes, at);
        narrow.push(c);
        if c == NOT_ASCII {
            break;
        }
        if narrow.len() - first == 4 && narrow[first..] == *b"ghs_" {
            limit = WIDE_JWT;
        }
        at += 2;
    }
    let mut hits = Vec::new();
    token_at(&narrow, first, content, &mut hits);
    age_at(&narrow, first, content, &mut hits);
    out.extend(hits.into_iter().map(|h| Hit {
        column: start + 1,
        len: 2 * h.len,
        encoding,
        ..h
    }));
}

/// Appends the secrets stored as UTF-16 in `bytes` to `out`, each once.
/// `parity` is the offset of `bytes[0]` in the file, modulo 2: a secret
/// read both as LE and as BE one byte apart is the same characters, and is
/// reported at the even offset, where a UTF-16 file's code units start.
pub fn scan_wide(bytes: &[u8], parity: usize, content: Content, out: &mut Vec<Hit>) {
    let mut found = Vec::new();
    wide_hits(bytes, content, &mut found);
    found.sort_by_key(|h| h.column);
    let mut found = found.into_iter().peekable();
    while let Some(hit) = found.next() {
        let twin = found.peek().is_some_and(|next| {
            next.column == hit.column + 1 && next.kind == hit.kind && next.masked == hit.masked
        });
        if !twin {
            out.push(hit);
            continue;
        }
        let next = found.next().expect("peeked");
        out.push(if (hit.column - 1 + parity).is_multiple_of(2) {
            hit
        } else {
            next
        });
    }
}

/// The characters of the UTF-16 secret `hit` found in `bytes`.
fn wide_text(bytes: &[u8], hit: &Hit) -> Vec<u8> {
    let start = hit.column - 1;
    (0..hit.len / 2)
        .map(|k| hit.encoding.ascii_at(bytes, start + 2 * k))
        .collect()
}

/// The secret a scan found at `line` and `column` (both 1-based, counting
/// bytes) of `content`, and what it is: how `revoke --from-scan` gets back
/// the token a finding only shows masked (from UTF-16 too). `None` when it
/// is no longer there.
pub fn secret_at(
    content: &[u8],
    line: usize,
    column: usize,
) -> Option<(zeroize::Zeroizing<Vec<u8>>, Secret)> {
    let kind = Content::of(content);
    let text = content.split(|&b| b == b'\n').nth(line.checked_sub(1)?)?;
    let mut hits = Vec::new();
    scan_bytes(text, kind, &mut hits);
    if memchr::memchr(0, text).is_some() {
        wide_hits(text, kind, &mut hits);
    }
    let hit = hits.into_iter().find(|h| h.column == column)?;
    let secret = match hit.encoding {
        Encoding::Bytes => text[column - 1..column - 1 + hit.len].to_vec(),
        _ => wide_text(text, &hit),
    };
    Some((zeroize::Zeroizing::new(secret), hit.kind))
}

/// How much the block scanner reads at a time.
const BLOCK: usize = 256 * 1024;
/// A line longer than this is scanned in pieces that overlap by [`OVERLAP`],
/// so memory stays flat whatever the input.
const LONG_LINE: usize = 1024 * 1024;
/// More than the longest secret looked for (a `ghs_` JWT of up to 2,048
/// characters, twice as many bytes in UTF-16).
const OVERLAP: usize = 8192;
/// How many bytes before a long line's cut are kept for the next piece:
/// they were looked at already, and are there only as what stands before
/// the next candidate (a UTF-16 code unit, and the one before a twin one
/// byte earlier, see [`scan_wide`]).
const KEPT: usize = 4;

/// Scans `reader`, appending findings for `path` to `out`. Returns `false`
/// when the content is binary (a NUL byte in the first 8 KiB, as git and
/// ripgrep decide), which is scanned all the same: every byte is read.
///
/// It reads 256 KiB blocks, searches each whole block for candidates
/// (`gh`, `AGE-SECRET-KEY-1`, and their UTF-16 forms in a block that holds
/// a NUL byte), confirms their shape in place, and only then counts lines
/// to place what it found: most blocks hold no candidate at all, and their
/// lines are never split out. The findings are exactly those of reading
/// line by line ([`scan_reader_by_line`], kept as the reference the
/// property tests compare against).
///
/// # Errors
/// Read errors.
pub fn scan_reader<R: Read>(reader: R, path: &str, out: &mut Vec<Finding>) -> io::Result<bool> {
    scan_blocks(reader, path, out, Blocks::default())
}

/// The block scanner's sizes; tests make them small to cross boundaries.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Blocks {
    /// How much is read at a time.
    pub block: usize,
    /// A line longer than this is scanned in overlapping pieces.
    pub long_line: usize,
    /// The overlap: more than the longest secret.
    pub overlap: usize,
}

impl Default for Blocks {
    fn default() -> Blocks {
        Blocks {
            block: BLOCK,
            long_line: LONG_LINE,
            overlap: OVERLAP,
        }
    }
}

/// [`scan_reader`] with the sizes given.
///
/// # Errors
/// Read errors.
#[doc(hidden)]
pub fn scan_blocks<R: Read>(
    reader: R,
    path: &str,
    out: &mut Vec<Finding>,
    sizes: Blocks,
) -> io::Result<bool> {
    thread_local! {
        /// One buffer per thread, reused from file to file: a 260 KiB
        /// allocation and free for every small file of a walk was a sixth
        /// of its user time (malloc_consolidate, _int_free).
        static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut buf = BUFFER.take();
    buf.clear();
    buf.reserve(sizes.block + sizes.overlap);
    let result = scan_blocks_in(reader, path, out, sizes, &mut buf);
    // A buffer grown by one huge line is not kept.
    if buf.capacity() <= 2 * (sizes.block + sizes.overlap) {
        BUFFER.set(buf);
    }
    result
}

fn scan_blocks_in<R: Read>(
    mut reader: R,
    path: &str,
    out: &mut Vec<Finding>,
    sizes: Blocks,
    buf: &mut Vec<u8>,
) -> io::Result<bool> {
    let Blocks {
        block,
        long_line,
        overlap,
    } = sizes;
    let mut hits = Vec::new();
    let mut content = Content::Text;
    let mut first = true;
    let mut eof = false;
    // The line that buf[0] is on, and where that line started, measured
    // from buf[0] (negative: it started in bytes already dropped).
    let mut line = 1usize;
    let mut line_start: isize = 0;
    // Where buf[0] is in the input: UTF-16 twins are told apart by it.
    let mut offset = 0usize;
    // buf[..kept] was already looked at for candidates (the overlap of a
    // long line): it is there only as what stands before the next ones.
    let mut kept = 0;
    loop {
        // Fill up to a block more, or to the end. read_to_end writes into
        // the spare capacity without zeroing it first (a small file must not
        // cost a 256 KiB memset).
        if !eof {
            // The first read covers the 8 KiB that decide what the content
            // is, whatever the block size.
            let asked = if first { block.max(BINARY_PEEK) } else { block } as u64;
            let n = (&mut reader).take(asked).read_to_end(buf)?;
            eof = (n as u64) < asked;
        }
        if first {
            first = false;
            content = Content::of(buf);
        }
        let text = content == Content::Text;
        if buf.is_empty() {
            return Ok(text);
        }
        // What this round settles: everything up to the last newline (no
        // secret spans one, in UTF-16 either), all of it at the end, or a
        // long line's piece.
        let limit = if eof {
            buf.len()
        } else if let Some(nl) = memchr::memrchr(b'\n', buf) {
            nl + 1
        } else if buf.len() >= long_line {
            buf.len() - overlap
        } else {
            continue;
        };
        scan_bytes(buf.as_slice(), content, &mut hits);
        if memchr::memchr(0, buf).is_some() {
            scan_wide(buf.as_slice(), offset % 2, content, &mut hits);
            hits.sort_by_key(|h| h.column);
        }
        let mut counted = 0;
        for hit in hits.drain(..) {
            let at = hit.column - 1;
            if at >= limit || at < kept {
                continue;
            }
            count_lines(&buf[..at], counted, &mut line, &mut line_start);
            counted = at;
            out.push(Finding {
                path: path.as_bytes().to_vec(),
                line,
                column: (at as isize - line_start) as usize + 1,
                kind: hit.kind,
                masked: hit.masked,
                encoding: hit.encoding,
                blob: None,
                commits: Vec::new(),
            });
        }
        if eof && limit == buf.len() {
            // The lines after the last finding place nothing.
            return Ok(text);
        }
        count_lines(&buf[..limit], counted, &mut line, &mut line_start);
        // Keep what stands before the next byte, so a candidate at the
        // start of the next round sees it.
        let keep_from = if buf[limit - 1] == b'\n' {
            limit
        } else {
            limit - KEPT.min(limit - 1)
        };
        kept = limit - keep_from;
        buf.drain(..keep_from);
        line_start -= keep_from as isize;
        offset += keep_from;
    }
}

/// Moves `line` and `line_start` over the newlines of `text[from..]`: one
/// SIMD count, then one look back for where the last line starts (most
/// blocks have no finding, so this is all they cost besides the search).
fn count_lines(text: &[u8], from: usize, line: &mut usize, line_start: &mut isize) {
    let Some(last) = memchr::memrchr(b'\n', &text[from..]) else {
        return;
    };
    *line += memchr::memchr_iter(b'\n', &text[from..]).count();
    *line_start = (from + last + 1) as isize;
}

/// The reference scanner: line by line, each line searched on its own.
/// Slower; kept so tests can prove [`scan_reader`] finds exactly the same.
///
/// # Errors
/// Read errors.
#[doc(hidden)]
pub fn scan_reader_by_line<R: BufRead>(
    mut reader: R,
    path: &str,
    out: &mut Vec<Finding>,
) -> io::Result<bool> {
    let content = Content::of(reader.fill_buf()?);
    let mut buf = Vec::with_capacity(256);
    let mut hits = Vec::new();
    let mut line = 0;
    let mut offset = 0;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line += 1;
        scan_bytes(buf.as_slice(), content, &mut hits);
        if memchr::memchr(0, &buf).is_some() {
            scan_wide(buf.as_slice(), offset % 2, content, &mut hits);
            hits.sort_by_key(|h| h.column);
        }
        offset += buf.len();
        for hit in hits.drain(..) {
            out.push(Finding {
                path: path.as_bytes().to_vec(),
                line,
                column: hit.column,
                kind: hit.kind,
                masked: hit.masked,
                encoding: hit.encoding,
                blob: None,
                commits: Vec::new(),
            });
        }
    }
    Ok(content == Content::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASSIC: &str = "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";

    fn hits(line: &str) -> Vec<(usize, &'static str)> {
        let mut out = Vec::new();
        scan_line(line.as_bytes(), &mut out);
        out.into_iter().map(|h| (h.column, h.kind.name())).collect()
    }

    #[test]
    fn secret_at_gives_back_what_a_finding_points_at() {
        let content = format!("# notes\r\nA=1\nTOKEN=\"{CLASSIC}\" # x\n");
        let (secret, kind) = secret_at(content.as_bytes(), 3, 8).expect("found");
        assert_eq!(&secret[..], CLASSIC.as_bytes());
        assert_eq!(kind, Secret::Token(Kind::Classic));
        // Another line, another column, past the end: nothing.
        assert_eq!(secret_at(content.as_bytes(), 2, 8), None);
        assert_eq!(secret_at(content.as_bytes(), 3, 7), None);
        assert_eq!(secret_at(content.as_bytes(), 9, 8), None);
        assert_eq!(secret_at(content.as_bytes(), 0, 8), None);
    }

    #[test]
    fn finds_a_token_with_its_column() {
        assert_eq!(hits(&format!("TOKEN={CLASSIC}")), vec![(7, "classic")]);
        assert_eq!(
            hits(&format!("\"{CLASSIC}\", '{CLASSIC}'")),
            vec![(2, "classic"), (46, "classic")]
        );
    }

    #[test]
    fn every_prefix_and_fine_grained_are_found() {
        for kind in Kind::PREFIXED {
            let t = format!(
                "{}abcdefghijABCDEFGHIJ0123456789{}",
                kind.prefix(),
                token::checksum("abcdefghijABCDEFGHIJ0123456789")
            );
            assert_eq!(hits(&format!("x {t} y")), vec![(3, kind.name())], "{t}");
        }
        let fg = format!("github_pat_{}_{}", "A1".repeat(11), "b".repeat(59));
        assert_eq!(hits(&format!("key: {fg}")), vec![(6, "fine-grained")]);
    }

    #[test]
    fn a_wrong_checksum_or_a_longer_word_is_not_reported() {
        let flipped = CLASSIC.replacen('a', "b", 1);
        assert!(hits(&flipped).is_empty());
        assert!(hits(&format!("{CLASSIC}x")).is_empty());
        assert!(hits(&format!("x{CLASSIC}")).is_empty());
        assert!(hits(&CLASSIC[..39]).is_empty());
        assert!(
            hits("0123456789abcdef0123456789abcdef01234567").is_empty(),
            "legacy hex looks like a commit id"
        );
    }

    #[test]
    fn forty_characters_with_underscores_are_no_token_without_a_checksum() {
        // What ghenv's own binary holds, in node_modules after npm install.
        assert!(hits("x ghs_gho_treerepoV4_0v130duplolckqaaithai y\n").is_empty());
    }

    #[test]
    fn jwt_installation_tokens_are_found_by_shape() {
        let jwt = format!(
            "ghs_{}.{}.{}",
            "eyJhbGciOiJSUzI1NiJ9",
            "eyJpc3MiOiIxMjM0NSJ9".repeat(20),
            "c2ln_bmF0dXJl".repeat(8)
        );
        assert_eq!(
            hits(&format!("GITHUB_TOKEN={jwt}\n")),
            vec![(14, "server-to-server")]
        );
        // One dot, or an empty part, is not a JWT; a 40-character ghs_ still
        // needs its checksum.
        assert!(hits(&format!("ghs_{}.{}", "a".repeat(30), "b".repeat(30))).is_empty());
        assert!(hits(&format!("ghs_{}..{}", "a".repeat(30), "b".repeat(30))).is_empty());
        assert!(hits(&format!("ghs_{}", "a".repeat(36))).is_empty());
    }

    #[test]
    fn age_identities_are_found_by_their_checksum() {
        use age::secrecy::ExposeSecret;
        let key = age::x25519::Identity::generate()
            .to_string()
            .expose_secret()
            .to_owned();
        let mut out = Vec::new();
        scan_line(format!("GHENV_IDENTITY={key}\n").as_bytes(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].column, out[0].kind), (16, Secret::AgeIdentity));
        assert!(!out[0].masked.contains(&key[16..60]), "{}", out[0].masked);
        // One character changed breaks the Bech32 checksum; a placeholder
        // is not a key.
        let mut flipped = key.clone().into_bytes();
        flipped[30] = if flipped[30] == b'Q' { b'P' } else { b'Q' };
        let mut out = Vec::new();
        scan_line(&flipped, &mut out);
        scan_line(b"AGE-SECRET-KEY-1...", &mut out);
        scan_line(format!("{key}X").as_bytes(), &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_token_at_a_long_lines_cut_still_sees_the_byte_before_it() {
        // block 1, long lines cut every 4,096 bytes with 4,096 of overlap:
        // the first cut falls right before the token.
        let sizes = Blocks {
            block: 1,
            long_line: 8192,
            overlap: 4096,
        };
        let run = |text: String| {
            let mut out = Vec::new();
            assert!(scan_blocks(text.as_bytes(), "f", &mut out, sizes).unwrap());
            out.iter().map(|f| (f.line, f.column)).collect::<Vec<_>>()
        };
        let filler = "x".repeat(4096);
        // Glued to the word before the cut: not a token.
        assert_eq!(run(format!("{filler}{CLASSIC} {filler}\n")), vec![]);
        let spaces = " ".repeat(4096);
        assert_eq!(run(format!("{spaces}{CLASSIC}{filler}")), vec![]);
        assert_eq!(run(format!("{spaces}{CLASSIC} {filler}")), vec![(1, 4097)]);
        assert_eq!(
            run(format!("a\r\n{spaces}{CLASSIC} {filler}\n{CLASSIC}")),
            vec![(2, 4097), (3, 1)]
        );
    }

    #[test]
    fn reader_counts_lines_and_reads_binary_content_too() {
        let text = format!("one\ntwo {CLASSIC}\r\nthree\n{CLASSIC}");
        let mut out = Vec::new();
        assert!(scan_reader(text.as_bytes(), "f", &mut out).unwrap());
        let at: Vec<(usize, usize)> = out.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(at, vec![(2, 5), (4, 1)]);
        assert!(out.iter().all(|f| !f.masked.contains("abcdefghij")));

        let mut binary = b"\x00\x01PNG".to_vec();
        binary.extend_from_slice(CLASSIC.as_bytes());
        let mut out = Vec::new();
        assert!(!scan_reader(&binary[..], "b", &mut out).unwrap());
        assert_eq!(out.len(), 1, "binary, and scanned all the same");
        assert_eq!((out[0].column, out[0].encoding), (6, Encoding::Bytes));
    }

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_secrets_are_found_once_at_their_first_byte() {
        for little in [true, false] {
            let encoding = if little {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            };
            let content = utf16(&format!("\u{feff}a=1\nT=\"{CLASSIC}\" ✓\n"), little);
            let mut out = Vec::new();
            assert!(!scan_reader(&content[..], "f", &mut out).unwrap());
            assert_eq!(out.len(), 1, "{out:?}");
            let f = &out[0];
            assert_eq!(
                (f.line, f.encoding, f.kind.name()),
                (2, encoding, "classic")
            );
            // Line 2 starts right after the 0x0a byte: in LE, on the \0
            // that follows it.
            let column = if little { 8 } else { 7 };
            assert_eq!(f.column, column);
            let (secret, _) = secret_at(&content, 2, column).expect("read back");
            assert_eq!(&secret[..], CLASSIC.as_bytes());
            // UTF-16 is binary content: glued to other characters, the
            // token still counts (its checksum holds).
            for glued in [format!("x{CLASSIC}"), format!("{CLASSIC}x")] {
                let mut out = Vec::new();
                scan_reader(&utf16(&glued, little)[..], "f", &mut out).unwrap();
                assert_eq!(out.len(), 1, "{glued}: {out:?}");
            }
        }
        // Odd alignment inside binary content, and an age identity.
        use age::secrecy::ExposeSecret;
        let key = age::x25519::Identity::generate()
            .to_string()
            .expose_secret()
            .to_owned();
        let mut content = vec![0x01, 0x00, 0x07];
        content.extend(utf16(&key, true));
        content.extend([0xff, 0xfe, 0x00]);
        content.extend(utf16(CLASSIC, false));
        let mut out = Vec::new();
        scan_reader(&content[..], "f", &mut out).unwrap();
        let at: Vec<(usize, &str)> = out.iter().map(|f| (f.column, f.kind.name())).collect();
        assert_eq!(at, vec![(4, "age-identity"), (4 + 148 + 3, "classic")]);
    }

    #[test]
    fn a_flipped_utf16_token_is_not_reported() {
        let flipped = CLASSIC.replacen('a', "b", 1);
        let mut out = Vec::new();
        scan_reader(&utf16(&flipped, true)[..], "f", &mut out).unwrap();
        scan_reader(&utf16(&flipped, false)[..], "f", &mut out).unwrap();
        assert!(out.is_empty(), "{out:?}");
    }

    /// Every secret in `line`, found by trying every offset: what the SIMD
    /// candidate search must never miss.
    fn every_offset(line: &[u8]) -> Vec<Hit> {
        let mut out = Vec::new();
        for i in 0..line.len() {
            token_at(line, i, Content::Text, &mut out);
            age_at(line, i, Content::Text, &mut out);
        }
        out
    }

    fn fine_grained() -> String {
        format!("github_pat_{}_{}", "A1".repeat(11), "b".repeat(59))
    }

    #[test]
    fn a_secret_is_found_at_every_offset_and_length() {
        use age::secrecy::ExposeSecret;
        let age_key = age::x25519::Identity::generate()
            .to_string()
            .expose_secret()
            .to_owned();
        // Lengths on both sides of the SIMD search's minimum (16 or 32
        // bytes plus the pair's offset) and of its 32-byte steps.
        for secret in [CLASSIC.to_owned(), fine_grained(), age_key] {
            for before in 0..70 {
                for after in [0, 1, 5, 17, 33, 64] {
                    let line = format!("{}{secret}{}", " ".repeat(before), " ".repeat(after));
                    let mut out = Vec::new();
                    scan_line(line.as_bytes(), &mut out);
                    let at: Vec<usize> = out.iter().map(|h| h.column).collect();
                    assert_eq!(at, vec![before + 1], "{before} {after} {}", &secret[..4]);
                }
            }
        }
    }

    /// Bytes that matter to the candidate search: whole secrets, their
    /// prefixes and the bytes of the pairs it looks at, and filler.
    fn pieces() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let pieces = vec![
            CLASSIC.to_owned(),
            "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".replace("ghp", "gho"),
            fine_grained(),
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ".into(),
            "gh".into(),
            "ghp_".into(),
            "github_pat_".into(),
            "b_".into(),
            "g".into(),
            "_".into(),
            "Y-".into(),
            "AGE-SECRET-KEY-1".into(),
            " ".into(),
            "\n".into(),
            "xyz".into(),
            "é".into(),
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..60)
            .prop_map(|v| v.concat().into_bytes())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn the_candidate_search_misses_nothing(line in pieces()) {
            let mut found = Vec::new();
            scan_line(&line, &mut found);
            let mut reference = every_offset(&line);
            reference.sort_by_key(|h| h.column);
            proptest::prop_assert_eq!(found, reference);
        }
    }

    /// Pieces of hostile content: tokens as bytes and as UTF-16 of both
    /// orders, NUL bytes, newlines in both forms, non-ASCII characters.
    fn wide_pieces() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let pieces: Vec<Vec<u8>> = vec![
            CLASSIC.into(),
            utf16(CLASSIC, true),
            utf16(CLASSIC, false),
            utf16(&fine_grained(), true),
            utf16(&fine_grained(), false),
            utf16("T=", true),
            utf16("T=", false),
            utf16("\n", true),
            utf16("\n", false),
            utf16("《é", true),
            utf16("ਊ", false),
            b"\0".to_vec(),
            b"\n".to_vec(),
            b"x".to_vec(),
            b" ".to_vec(),
            "é".into(),
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn with_nul_bytes_the_block_scanner_finds_what_lines_find(
            input in wide_pieces(),
            block in 1usize..200,
            long in 0usize..2,
        ) {
            let by_line = |i: &[u8]| {
                let mut out = Vec::new();
                scan_reader_by_line(i, "f", &mut out).unwrap();
                out
            };
            let sizes = Blocks { block, long_line: [300, 8192][long], overlap: 200 };
            let mut blocks = Vec::new();
            scan_blocks(&input[..], "f", &mut blocks, sizes).unwrap();
            proptest::prop_assert_eq!(&blocks, &by_line(&input));
            // Every token put in is found (UTF-16 ones once), unless glued
            // to a word.
            for f in &blocks {
                let (secret, _) = secret_at(&input, f.line, f.column).expect("read back");
                proptest::prop_assert!(secret.starts_with(b"gh") || secret.starts_with(b"github_pat_"));
            }
        }
    }
}
