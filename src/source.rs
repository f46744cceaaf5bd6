//! Where the token comes from: `--token-stdin`, `--token-file`, the
//! environment (`GH_TOKEN`, then `GITHUB_TOKEN`), the project's env file,
//! `[secret]`, or a hidden prompt, through one ordered resolver
//! ([`resolve`]). The token is read straight into zeroizing memory and
//! wrapped in a [`SecretString`]; it never travels through argv.

use std::fmt;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::output::Io;
use crate::token::FormatError;

/// The longest line read as a token; real ones are at most 93 characters.
pub const MAX_LINE: usize = 4096;

/// Environment variables read for the token, in order.
pub const ENV_VARS: [&str; 2] = ["GH_TOKEN", "GITHUB_TOKEN"];

/// Where a token was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--token-stdin`.
    Stdin,
    /// `--token-file`.
    File(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// A variable in a `.env` file.
    DotEnv {
        /// The file.
        path: PathBuf,
        /// The variable.
        var: String,
    },
    /// Decrypted from `[secret]` in this `config.toml`.
    Config(PathBuf),
    /// The hidden prompt.
    Prompt,
    /// GitHub's device flow: created in the browser (`--web`).
    Device,
    /// The GitHub CLI's token (`--from-gh`), for this host.
    Gh(String),
}

impl Origin {
    /// A short stable name for JSON output.
    pub fn name(&self) -> &'static str {
        match self {
            Origin::Stdin => "stdin",
            Origin::File(_) => "file",
            Origin::Env(_) => "env",
            Origin::DotEnv { .. } => "dotenv",
            Origin::Config(_) => "config",
            Origin::Prompt => "prompt",
            Origin::Device => "device",
            Origin::Gh(_) => "gh",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Stdin => f.write_str("standard input"),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Env(v) => write!(f, "${v}"),
            Origin::DotEnv { path, var } => write!(f, "{var} in {}", path.display()),
            Origin::Config(path) => write!(f, "[secret] in {}", path.display()),
            Origin::Prompt => f.write_str("the prompt"),
            Origin::Device => f.write_str("GitHub's device flow (--web)"),
            Origin::Gh(host) => write!(f, "the GitHub CLI (gh, {host})"),
        }
    }
}

/// Reads the first line of `reader`, without its line ending and
/// surrounding spaces.
///
/// # Errors
/// [`FormatError::TooLong`] past [`MAX_LINE`] bytes, [`FormatError::NotText`]
/// when not UTF-8.
pub fn first_line(reader: &mut dyn BufRead) -> Result<SecretString, FormatError> {
    let mut buf = Zeroizing::new(Vec::with_capacity(128));
    let mut limited = reader.take(MAX_LINE as u64 + 1);
    // An I/O error on stdin reads as nothing, which is then reported as an
    // empty token; there is no better action to suggest.
    let _ = limited.read_until(b'\n', &mut buf);
    if buf.len() > MAX_LINE {
        return Err(FormatError::TooLong(MAX_LINE));
    }
    let text = std::str::from_utf8(&buf).map_err(|_| FormatError::NotText)?;
    Ok(SecretString::from(
        text.trim_end_matches(['\r', '\n']).trim().to_owned(),
    ))
}

/// The GitHub CLI's token for `host` (`gh auth token --hostname HOST`),
/// read from its output, never shown; gh's own messages are not passed on
/// (they may quote its config).
///
/// # Errors
/// [`Error::GhMissing`] when gh is not installed, [`Error::GhNoToken`]
/// when it holds no token for `host`.
pub fn from_gh(host: &str) -> Result<SecretString> {
    let out = std::process::Command::new("gh")
        .args(["auth", "token", "--hostname", host])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::GhMissing),
        Err(_) => return Err(Error::GhMissing),
    };
    let stdout = Zeroizing::new(out.stdout);
    let text = std::str::from_utf8(&stdout).unwrap_or("").trim();
    if !out.status.success() || text.is_empty() || text.contains(char::is_whitespace) {
        return Err(Error::GhNoToken {
            host: host.to_owned(),
        });
    }
    Ok(SecretString::from(text.to_owned()))
}

/// Where the command line says to read the token from, if anywhere:
/// `--token-stdin` or `--token-file PATH`.
#[derive(Debug, Clone, Default)]
pub struct TokenInput {
    /// The first line of standard input.
    pub stdin: bool,
    /// The first line of this file.
    pub file: Option<PathBuf>,
}

/// A token and where it was read from.
pub type Found = (SecretString, Origin);

/// A place a token may come from. Each command lists the ones it reads, in
/// order, and [`resolve`] takes the first that has a token.
pub enum Source<'a> {
    /// `--token-stdin` or `--token-file`, when one was given.
    Flags(&'a TokenInput),
    /// `GH_TOKEN`, then `GITHUB_TOKEN`.
    Environment,
    /// The token variable in the project's env file.
    EnvFile {
        /// The file.
        path: &'a Path,
        /// The variable.
        var: &'a str,
    },
    /// `[secret]` in config.toml, decrypted by the closure (which returns
    /// `None` when there is no `[secret]`).
    Secret(&'a mut dyn FnMut(&mut Io) -> Result<Option<Found>>),
    /// A hidden prompt, when standard input is a terminal; `before` runs
    /// first when this source is reached, terminal or not (to say where to
    /// create a token, or open that page).
    Prompt {
        /// Printed or done just before asking.
        before: Option<&'a mut dyn FnMut(&mut Io)>,
    },
}

impl Source<'_> {
    /// What the source is, for the "no token found" message.
    fn describe(&self) -> String {
        match self {
            Source::Flags(_) => "--token-stdin/--token-file".to_owned(),
            Source::Environment => ENV_VARS.join(", "),
            Source::EnvFile { path, var } => format!("{var} in {}", path.display()),
            Source::Secret(_) => "[secret] in config.toml".to_owned(),
            Source::Prompt { .. } => "the prompt (standard input is not a terminal)".to_owned(),
        }
    }
}

/// The token from the first of `sources` that has one. `command` is the
/// ghenv command reading it, so that "no token found" names the way on
/// for that command.
///
/// At the prompt an empty answer (Enter pressed, nothing pasted) is asked
/// again, three tries in all, as a malformed paste is.
///
/// # Errors
/// [`Error::NoToken`] naming every source when none has a token (or the
/// prompt read nothing); [`Error::TokenFormat`] after three empty answers;
/// the errors of the source that failed (an unreadable file, a failed
/// decryption).
pub fn resolve(sources: &mut [Source<'_>], command: &'static str, io: &mut Io) -> Result<Found> {
    let looked: Vec<String> = sources.iter().map(Source::describe).collect();
    for (i, source) in sources.iter_mut().enumerate() {
        let found = match source {
            Source::Flags(flags) => explicit(flags, io)?,
            Source::Environment => from_env(io),
            Source::EnvFile { path, var } => from_dotenv(path, var)?,
            Source::Secret(decrypt) => decrypt(io)?,
            Source::Prompt { before } => {
                if let Some(before) = before {
                    before(io);
                }
                if !io.stdin_tty {
                    continue;
                }
                Some((ask(io, &looked[..i], command)?, Origin::Prompt))
            }
        };
        if let Some(found) = found {
            return Ok(found);
        }
    }
    Err(Error::NoToken { looked, command })
}

/// The token typed at the hidden prompt, after the sources `before` had
/// none: asked again after an empty answer, three tries in all.
fn ask(io: &mut Io, before: &[String], command: &'static str) -> Result<SecretString> {
    const TRIES: usize = 3;
    for tried in 1..=TRIES {
        let Ok(secret) = io.prompt_secret("GitHub token (input hidden): ") else {
            // The input ended (Ctrl-D) or the terminal could not be read.
            let mut looked = before.to_vec();
            looked.push("the prompt (nothing was read)".to_owned());
            return Err(Error::NoToken { looked, command });
        };
        if !secrecy::ExposeSecret::expose_secret(&secret)
            .trim()
            .is_empty()
        {
            return Ok(secret);
        }
        if tried < TRIES {
            io.warn(&format!(
                "nothing was pasted; paste the token ({} of {TRIES}), or press Ctrl-C to stop",
                tried + 1
            ));
        }
    }
    Err(Error::TokenFormat(FormatError::Empty))
}

/// The token from `--token-stdin` or `--token-file`, when one was given.
///
/// # Errors
/// [`Error::TokenFile`] when the file cannot be read, [`Error::TokenFormat`]
/// when the input is not a line of text.
fn explicit(source: &TokenInput, io: &mut Io) -> Result<Option<Found>> {
    if source.stdin {
        return Ok(Some((first_line(&mut io.stdin)?, Origin::Stdin)));
    }
    if let Some(path) = &source.file {
        let unreadable = |source| Error::TokenFile {
            path: path.clone(),
            source,
        };
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(unreadable(std::io::Error::other(
                "it is a folder, not a file",
            )));
        }
        let file = std::fs::File::open(path).map_err(unreadable)?;
        let mut reader = std::io::BufReader::new(file);
        return Ok(Some((first_line(&mut reader)?, Origin::File(path.clone()))));
    }
    Ok(None)
}

/// The token from `GH_TOKEN` or `GITHUB_TOKEN`, when set.
fn from_env(io: &Io) -> Option<Found> {
    ENV_VARS.into_iter().find_map(|name| {
        io.var(name)
            .map(|v| (SecretString::from(v.trim().to_owned()), Origin::Env(name)))
    })
}

/// The token held by `var` in the `.env` file at `path`, when both exist.
///
/// # Errors
/// As [`read_dotenv`].
pub fn from_dotenv(path: &Path, var: &str) -> Result<Option<Found>> {
    for (key, value) in read_dotenv(path)? {
        if key == var && !value.is_empty() {
            let origin = Origin::DotEnv {
                path: path.to_owned(),
                var: var.to_owned(),
            };
            return Ok(Some((SecretString::from(value.to_string()), origin)));
        }
    }
    Ok(None)
}

/// Every variable of the `.env` file at `path`, in order; none when it does
/// not exist. Values are in zeroizing memory: one of them is the token.
///
/// # Errors
/// [`Error::Symlink`] or [`Error::NotARegularFile`] for a link, a FIFO, a
/// folder; [`Error::NotUtf8`]; [`Error::Io`] when it cannot be read.
pub fn read_dotenv(path: &Path) -> Result<Vec<(String, Zeroizing<String>)>> {
    // A FIFO would hang the read, and a link could point anywhere.
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("inspect", path, e)),
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(path.to_owned())),
        Ok(m) if !m.is_file() => return Err(Error::NotARegularFile(path.to_owned())),
        Ok(_) => {}
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let bytes = Zeroizing::new(bytes);
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::NotUtf8(path.to_owned()))?;
    // ghenv's own reader: it reads every file init accepts and merges into
    // (a byte-order mark, `export`, a bare value with a space), which
    // dotenvy refuses.
    Ok(crate::envfile::parse(text)
        .into_iter()
        .map(|(k, v)| (k, Zeroizing::new(v)))
        .collect())
}

/// What went wrong reading a `.env`, without the line itself: dotenvy's
/// parse errors quote the offending line, which may be a secret, so only
/// the position is kept.
pub fn dotenv_detail(e: &dotenvy::Error) -> String {
    match e {
        dotenvy::Error::LineParse(_, index) => format!("it cannot be parsed near byte {index}"),
        dotenvy::Error::Io(io) => io.to_string(),
        _ => "it cannot be parsed".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn line(input: &[u8]) -> Result<String, FormatError> {
        first_line(&mut &input[..]).map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn first_line_is_trimmed() {
        assert_eq!(line(b"  ghp_x \r\nsecond\n").unwrap(), "ghp_x");
        assert_eq!(line(b"ghp_x").unwrap(), "ghp_x");
        assert_eq!(line(b"").unwrap(), "");
    }

    #[test]
    fn huge_and_binary_input_is_refused() {
        assert_eq!(
            line(&vec![b'a'; MAX_LINE + 10]),
            Err(FormatError::TooLong(MAX_LINE))
        );
        assert_eq!(line(b"\xff\xfe\n"), Err(FormatError::NotText));
    }
}
