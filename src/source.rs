//! Where the token comes from: `--token-stdin`, `--token-file`, the
//! environment (`GH_TOKEN`, then `GITHUB_TOKEN`), a `.env` file, or a hidden
//! prompt. The token is read straight into zeroizing memory and wrapped in a
//! [`SecretString`]; it never travels through argv.

use std::fmt;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::cli::TokenSource;
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

/// The token from `--token-stdin` or `--token-file`, when one was given.
///
/// # Errors
/// [`Error::Usage`] when the file cannot be read, [`Error::TokenFormat`]
/// when the input is not a line of text.
pub fn explicit(source: &TokenSource, io: &mut Io) -> Result<Option<(SecretString, Origin)>> {
    if source.token_stdin {
        return Ok(Some((first_line(&mut io.stdin)?, Origin::Stdin)));
    }
    if let Some(path) = &source.token_file {
        let file = std::fs::File::open(path).map_err(|e| {
            Error::usage(
                format!("cannot read the token file {}: {e}", path.display()),
                Some("check the path given to --token-file".to_string()),
            )
        })?;
        let mut reader = std::io::BufReader::new(file);
        return Ok(Some((first_line(&mut reader)?, Origin::File(path.clone()))));
    }
    Ok(None)
}

/// The token from `GH_TOKEN` or `GITHUB_TOKEN`, when set.
pub fn from_env(io: &Io) -> Option<(SecretString, Origin)> {
    ENV_VARS.into_iter().find_map(|name| {
        io.var(name)
            .map(|v| (SecretString::from(v.trim().to_owned()), Origin::Env(name)))
    })
}

/// The token held by `var` in the `.env` file at `path`, when both exist.
///
/// # Errors
/// [`Error::Refuse`] when the file exists but cannot be parsed.
pub fn from_dotenv(path: &Path, var: &str) -> Result<Option<(SecretString, Origin)>> {
    let iter = match dotenvy::from_path_iter(path) {
        Ok(iter) => iter,
        Err(dotenvy::Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(dotenv_error(path, &e)),
    };
    for item in iter {
        let (key, value) = item.map_err(|e| dotenv_error(path, &e))?;
        let value = Zeroizing::new(value);
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

fn dotenv_error(path: &Path, e: &dotenvy::Error) -> Error {
    let detail = dotenv_detail(e);
    Error::refuse(
        format!("cannot read {}: {detail}", path.display()),
        Some("fix the file, or run `ghenv init` to write it again".to_string()),
    )
}

/// Asks for the token on the terminal, without echo.
///
/// # Errors
/// [`Error::Usage`] naming every way to pass a token, when standard input
/// is not a terminal.
pub fn prompt(io: &mut Io) -> Result<(SecretString, Origin)> {
    if !io.stdin_tty {
        return Err(no_source());
    }
    let secret = io
        .prompt_secret("GitHub token (input hidden): ")
        .map_err(|_| no_source())?;
    Ok((secret, Origin::Prompt))
}

fn no_source() -> Error {
    Error::usage(
        "no token given, and standard input is not a terminal to ask for one",
        Some(
            "pass it with --token-stdin (e.g. `gh auth token | ghenv init --token-stdin`), --token-file PATH, or the GH_TOKEN or GITHUB_TOKEN environment variable"
                .to_string(),
        ),
    )
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

    #[test]
    fn dotenv_errors_do_not_quote_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        std::fs::write(&p, "T='ghp_secret\n").unwrap();
        let err = from_dotenv(&p, "T").unwrap_err();
        assert!(!err.to_string().contains("ghp_secret"), "{err}");
    }
}
