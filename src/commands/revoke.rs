//! `ghenv revoke`: the tokens to revoke (given, in the project's env file,
//! or the findings of a scan read again from their files and blobs), a
//! confirmation, then GitHub's credential revocation API in batches.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::github::{self, GithubError, Revoked};
use crate::output::Io;
use crate::project::{self, Location, Project};
use crate::report::{Boxed, Outcome, Report};
use crate::scan::{self, Secret};
use crate::source;
use crate::token::{Kind, Token};

/// The most bytes read from `--token-stdin`, `--token-file` or `--from-scan`.
const INPUT_LIMIT: u64 = 64 * 1024 * 1024;

/// What became of one token (`status` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// GitHub accepted it for revocation.
    Accepted,
    /// GitHub refused the request (422).
    Refused,
    /// GitHub's rate limit stopped the request.
    RateLimited,
    /// The request failed (network, server).
    Failed,
    /// Not sent, after a rate limit or an error.
    NotSent,
    /// A kind GitHub's revocation API does not take.
    NotRevocable,
}

/// One token and what became of it.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// Masked (`ghp_…abcd`).
    pub masked: String,
    /// Its kind (`classic`, `fine-grained`, ...).
    pub kind: &'static str,
    /// Where it was read from (`.env`, `src/App.js:3`, ...).
    pub from: String,
    /// `accepted`, `refused`, `rate_limited`, `failed`, `not_sent` or
    /// `not_revocable`.
    pub status: Status,
    /// GitHub's message, or what to do instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `ghenv revoke` did.
#[derive(Debug, Serialize)]
pub struct RevokeReport {
    /// True when GitHub accepted every token.
    pub ok: bool,
    /// The revocation URL.
    pub url: String,
    /// Every token, in the order found.
    pub tokens: Vec<Entry>,
    /// When GitHub's rate limit was reached: when to try again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<String>,
}

impl Report for RevokeReport {
    fn print(&self, io: &mut Io) {
        for e in &self.tokens {
            let status = match e.status {
                Status::Accepted => io.green("revoked"),
                Status::NotRevocable => io.yellow("not revocable here"),
                Status::NotSent => io.yellow("not sent"),
                Status::Refused => io.red("refused"),
                Status::RateLimited => io.red("rate limited"),
                Status::Failed => io.red("failed"),
            };
            let _ = writeln!(io.out, "{}  {status}  ({})", e.masked, e.from);
            if let Some(message) = &e.message {
                let message = io.commands(message).into_owned();
                let _ = writeln!(io.out, "    {message}");
            }
        }
        let count = |status: Status| self.tokens.iter().filter(|e| e.status == status).count();
        let accepted = count(Status::Accepted);
        if accepted > 0 {
            io.ok(&format!(
                "GitHub accepted {accepted} token{} for revocation and tells {} owner{} by email",
                plural(accepted),
                if accepted == 1 { "its" } else { "their" },
                plural(accepted)
            ));
            io.say("  next: `ghenv rotate` puts a new token in this project (and re-encrypts it for the team); the old one stays in git history, but it no longer works");
        }
        if let Some(retry) = &self.retry {
            io.warn(&format!(
                "GitHub's limit of 60 revocation requests an hour was reached: run the same command again {retry}; the tokens marked \"not sent\" were not revoked"
            ));
        } else if count(Status::Failed) + count(Status::NotSent) > 0 {
            io.warn("some tokens were not revoked: run the same command again (GitHub forgets nothing it accepted, so tokens sent twice are harmless)");
        }
        if count(Status::Refused) > 0 {
            io.warn("GitHub refused a request (422: a token it does not recognise, or too many requests): check the tokens, or revoke them at https://github.com/settings/tokens");
        }
    }

    fn outcome(&self) -> Outcome<'_> {
        let sent_fine = self
            .tokens
            .iter()
            .all(|e| matches!(e.status, Status::Accepted | Status::NotRevocable));
        if !sent_fine {
            Outcome::Unreachable
        } else if self.ok {
            Outcome::Ok
        } else {
            Outcome::Rejected
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A token to revoke and where it came from.
struct Candidate {
    token: Token,
    from: String,
}

/// What `revoke` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct RevokeOptions {
    /// `--token-stdin`: the tokens on standard input, one a line.
    pub token_stdin: bool,
    /// `--token-file`: the tokens in this file, one a line.
    pub token_file: Option<PathBuf>,
    /// `--from-scan`: the tokens a `ghenv scan --json` found (`-`: stdin).
    pub from_scan: Option<PathBuf>,
    /// `--yes`: without asking.
    pub yes: bool,
    /// `--timeout`, in seconds.
    pub timeout: u64,
    /// Where the project is (for its env file, when no tokens are given).
    pub location: Location,
}

/// Runs `ghenv revoke`.
///
/// # Errors
/// [`Error::NothingToRevoke`] when no token is found where told to look,
/// [`Error::ScanInput`] for `--from-scan` input that is not a scan,
/// [`Error::ScanPathOutside`] for one naming a file outside this folder,
/// [`Error::ConfirmationNeeded`] off a terminal without `--yes`, a refused
/// confirmation ([`Error::Declined`]), and [`Error::BadEndpoint`] for a bad
/// `GHENV_API_URL`.
pub fn run(args: &RevokeOptions, io: &mut Io) -> Result<Boxed> {
    let url = api_url(io)?;
    let candidates = gather(args, io)?;
    let (revocable, other): (Vec<Candidate>, Vec<Candidate>) = candidates
        .into_iter()
        .partition(|c| matches!(c.token.kind(), Kind::Classic | Kind::FineGrained));
    if !revocable.is_empty() && !args.yes {
        confirm(io, &revocable)?;
    }
    let mut tokens = Vec::new();
    let mut retry = None;
    let options = github::Options {
        endpoint: url.clone(),
        timeout: Duration::from_secs(args.timeout),
    };
    // Why the batches after a rate limit or an error were not sent.
    let mut stopped: Option<String> = None;
    for batch in revocable.chunks(github::REVOKE_BATCH) {
        let entries = |status: Status, message: Option<String>| {
            batch.iter().map(move |c| entry(c, status, message.clone()))
        };
        if let Some(why) = &stopped {
            tokens.extend(entries(Status::NotSent, Some(why.clone())));
            continue;
        }
        let refs: Vec<&Token> = batch.iter().map(|c| &c.token).collect();
        io.detail(&format!("POST {url} ({} tokens)", refs.len()));
        let answer = io.with_spinner(
            &format!("Revoking {} token{}…", refs.len(), plural(refs.len())),
            || github::revoke(&options, &refs),
        );
        match answer {
            Ok(Revoked::Accepted) => tokens.extend(entries(Status::Accepted, None)),
            Ok(Revoked::Refused { status, message }) => tokens.extend(entries(
                Status::Refused,
                Some(format!("GitHub answered {status}: {message}")),
            )),
            Err(GithubError::RateLimited { message, retry: r }) => {
                let when = r.describe(Timestamp::now());
                tokens.extend(entries(Status::RateLimited, Some(message)));
                stopped = Some(format!("not sent after the rate limit; try again {when}"));
                retry = Some(when);
            }
            Err(e) => {
                tokens.extend(entries(Status::Failed, Some(e.to_string())));
                stopped = Some(format!("not sent after an error: {e}"));
            }
        }
    }
    for c in &other {
        tokens.push(entry(
            c,
            Status::NotRevocable,
            Some(elsewhere(c.token.kind())),
        ));
    }
    let ok = tokens.iter().all(|e| e.status == Status::Accepted);
    Ok(Box::new(RevokeReport {
        ok,
        url,
        tokens,
        retry,
    }))
}

fn entry(c: &Candidate, status: Status, message: Option<String>) -> Entry {
    Entry {
        masked: c.token.masked(),
        kind: c.token.kind().name(),
        from: c.from.clone(),
        status,
        message,
    }
}

/// Where a token the API does not take is revoked instead.
fn elsewhere(kind: Kind) -> String {
    match kind {
        Kind::OAuth | Kind::UserToServer | Kind::Refresh => format!(
            "GitHub's revocation API takes personal access tokens only: revoke this {} at https://github.com/settings/applications (or in the app's own settings)",
            kind.describe()
        ),
        Kind::ServerToServer => {
            "an installation token expires within an hour; the app's owner can revoke it sooner"
                .into()
        }
        _ => format!(
            "GitHub's revocation API does not take a {}: delete it at https://github.com/settings/tokens",
            kind.describe()
        ),
    }
}

/// The revocation URL: under `GHENV_API_URL`, else GitHub.com's API.
fn api_url(io: &mut Io) -> Result<String> {
    let base = match io.var("GHENV_API_URL") {
        Some(base) => {
            let base = project::check_endpoint("GHENV_API_URL", &base)?;
            io.say(&format!(
                "Using the REST API at {base} (from GHENV_API_URL)"
            ));
            base
        }
        None => github::DEFAULT_API.to_owned(),
    };
    Ok(github::revoke_url(&base))
}

/// Lists the tokens and asks before revoking them.
fn confirm(io: &mut Io, tokens: &[Candidate]) -> Result<()> {
    if !io.stdin_tty {
        return Err(Error::ConfirmationNeeded("revoke"));
    }
    io.say(&if tokens.len() == 1 {
        "This token will stop working for good, and GitHub will email its owner:".to_owned()
    } else {
        format!(
            "These {} tokens will stop working for good, and GitHub will email their owners:",
            tokens.len()
        )
    });
    for c in tokens.iter().take(20) {
        io.say(&format!("  {}  ({})", c.token.masked(), c.from));
    }
    if tokens.len() > 20 {
        io.say(&format!("  … and {} more", tokens.len() - 20));
    }
    let question = if tokens.len() == 1 {
        "Revoke it? [y/N] "
    } else {
        "Revoke them? [y/N] "
    };
    if io.ask(question, false) {
        Ok(())
    } else {
        Err(Error::Declined)
    }
}

/// The tokens the flags point at, each once, in the order found.
fn gather(args: &RevokeOptions, io: &mut Io) -> Result<Vec<Candidate>> {
    let mut found = if args.token_stdin {
        let text = read_limited(&mut io.stdin, "standard input")?;
        tokens_in_text(&text, "standard input")
    } else if let Some(path) = &args.token_file {
        let text = read_file(path)?;
        tokens_in_text(&text, &path.display().to_string())
    } else if let Some(scan) = &args.from_scan {
        from_scan(scan, io)?
    } else {
        from_project(args)?
    };
    let keep: Vec<bool> = {
        let mut seen = std::collections::HashSet::new();
        found
            .iter()
            .map(|c| seen.insert(c.token.expose_secret()))
            .collect()
    };
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(false));
    if found.is_empty() {
        let place = match (&args.token_file, &args.from_scan) {
            _ if args.token_stdin => "standard input".to_owned(),
            (Some(p), _) | (None, Some(p)) if p != Path::new("-") => p.display().to_string(),
            (None, Some(_)) => "the scan on standard input".to_owned(),
            _ => "the project".to_owned(),
        };
        return Err(Error::NothingToRevoke(place));
    }
    Ok(found)
}

fn read_limited(reader: &mut dyn Read, name: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    reader
        .take(INPUT_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", Path::new(name), e))?;
    Ok(bytes)
}

fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(Error::NotARegularFile(path.to_owned())),
        Err(e) => {
            return Err(Error::TokenFile {
                path: path.to_owned(),
                source: e,
            });
        }
        Ok(_) => {}
    }
    let mut file = std::fs::File::open(path).map_err(|e| Error::TokenFile {
        path: path.to_owned(),
        source: e,
    })?;
    read_limited(&mut file, &path.display().to_string())
}

/// Every GitHub token in `text`, wherever it is on its line (a bare token,
/// `GH_TOKEN=...`, a pasted log), confirmed as `scan` confirms them.
fn tokens_in_text(text: &[u8], name: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
        let mut hits = Vec::new();
        scan::scan_line(line, &mut hits);
        for hit in hits {
            let bytes = &line[hit.column - 1..hit.column - 1 + hit.len];
            if let Some(c) = candidate(bytes, hit.kind, format!("{name}:{}", n + 1)) {
                out.push(c);
            }
        }
    }
    out
}

/// The token `bytes` are, unless it is an age identity.
fn candidate(bytes: &[u8], kind: Secret, from: String) -> Option<Candidate> {
    if kind == Secret::AgeIdentity {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let token = Token::parse(SecretString::from(text.to_owned())).ok()?;
    Some(Candidate { token, from })
}

/// The token in the project's env file.
fn from_project(args: &RevokeOptions) -> Result<Vec<Candidate>> {
    let project = Project::open(&args.location)?;
    let template = project.template(None)?;
    let env_path = project.env_path()?;
    let var = project.token_var(&template);
    let Some((secret, _)) = source::from_dotenv(&env_path, &var)? else {
        return Err(Error::NothingToRevoke(format!(
            "{} (no {var})",
            env_path.display()
        )));
    };
    let token = Token::parse(secret)?;
    Ok(vec![Candidate {
        token,
        from: format!("{var} in {}", env_path.display()),
    }])
}

/// A finding as `ghenv scan --json` prints it.
#[derive(Deserialize)]
struct ScanFinding {
    /// The name, lossy when it is not UTF-8...
    path: String,
    /// ... and then its bytes.
    path_bytes: Option<Vec<u8>>,
    line: usize,
    column: usize,
    kind: String,
    blob: Option<String>,
}

#[derive(Deserialize)]
struct ScanDocument {
    findings: Vec<ScanFinding>,
}

/// The tokens of a scan's findings, read again from the blobs (history) or
/// files they name: the scan shows them masked only.
fn from_scan(path: &PathBuf, io: &mut Io) -> Result<Vec<Candidate>> {
    let (bytes, name) = if path == Path::new("-") {
        (
            read_limited(&mut io.stdin, "standard input")?,
            "standard input".to_owned(),
        )
    } else {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        (Zeroizing::new(bytes), path.display().to_string())
    };
    let document: ScanDocument = serde_json::from_slice(&bytes).map_err(|e| Error::ScanInput {
        source_name: name.clone(),
        detail: e.to_string(),
    })?;
    let here = Path::new(".");
    // Every file the findings name is checked before any is read or any
    // token sent: one that leads out of this folder refuses the whole scan.
    let root = std::fs::canonicalize(here).map_err(|e| Error::io("inspect", here, e))?;
    let mut files = Vec::with_capacity(document.findings.len());
    for (index, f) in document.findings.iter().enumerate() {
        let file = if f.blob.is_some() || f.kind == "age-identity" {
            None
        } else {
            let name = f.path_bytes.as_deref().unwrap_or(f.path.as_bytes());
            let path = crate::platform::path_from_bytes(name);
            Some(inside(&root, &path).ok_or(Error::ScanPathOutside { index })?)
        };
        files.push(file);
    }
    let mut out = Vec::new();
    let mut keys = 0;
    for (f, file) in document.findings.into_iter().zip(files) {
        let shown = crate::text::sanitize(&f.path).into_owned();
        if f.kind == "age-identity" {
            keys += 1;
            continue;
        }
        let content = match (&f.blob, file) {
            (Some(blob), _) => crate::git::blob_content(here, blob).map(Zeroizing::new),
            (None, Some(Some(file))) => regular_file(&file),
            (None, _) => None,
        };
        let Some(content) = content else {
            io.warn(&format!(
                "{shown}: cannot read it{}; skipped",
                if f.blob.is_some() {
                    " from git (run revoke in the repository the scan ran in)"
                } else {
                    " (run revoke in the folder the scan ran in)"
                }
            ));
            continue;
        };
        let from = format!("{shown}:{}", f.line);
        match scan::secret_at(&content, f.line, f.column) {
            Some((bytes, kind)) if kind != Secret::AgeIdentity => {
                out.extend(candidate(&bytes, kind, from));
            }
            _ => io.warn(&format!(
                "{from}:{}: the token is no longer there; run the scan again",
                f.column
            )),
        }
    }
    if keys > 0 {
        io.warn(&format!(
            "{keys} age identit{} skipped: a private key cannot be revoked; make a new one (`ghenv keygen`) and replace the old recipient (`ghenv recipients`)",
            if keys == 1 { "y" } else { "ies" }
        ));
    }
    Ok(out)
}

/// Where `path`, from a scan, leads inside `root` (this folder, canonical):
/// `Some(Some(file))`, the file with every link resolved; `Some(None)` when
/// there is nothing there to read; `None` when it leads outside: an
/// absolute path, a `..`, or a link (a folder on the way, or the file
/// itself) that points out.
fn inside(root: &Path, path: &Path) -> Option<Option<PathBuf>> {
    use std::path::Component;
    if !path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let joined = root.join(path);
    match std::fs::canonicalize(&joined) {
        // A link to a file inside: scan never names one (it reads the
        // file where it is), so it is not read.
        Ok(real) if real.starts_with(root) && !joined.is_symlink() => Some(Some(real)),
        Ok(real) if real.starts_with(root) => Some(None),
        Ok(_) => None,
        // Not there (or a dangling link): nothing is read.
        Err(_) => Some(None),
    }
}

/// The content of a regular file (not a link, a FIFO or a folder: the path
/// came from a repository), at a path already resolved by [`inside`].
fn regular_file(path: &Path) -> Option<Zeroizing<Vec<u8>>> {
    // No following: the resolved path has no link left, unless one was put
    // there since; and a FIFO put there does not hang the open.
    let file = crate::platform::open_no_follow(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(INPUT_LIMIT).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit;

    #[test]
    fn with_nothing_given_and_no_token_in_the_project_there_is_nothing_to_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let (mut io, _) = Io::test();
        let opts = RevokeOptions {
            location: Location {
                dir: Some(dir.path().to_path_buf()),
                template_dir: None,
            },
            timeout: 30,
            ..RevokeOptions::default()
        };
        let e = run(&opts, &mut io).err().unwrap();
        assert_eq!(
            (e.kind(), e.exit_code()),
            ("nothing_to_revoke", exit::USAGE)
        );
    }

    #[test]
    fn a_scan_naming_an_absolute_path_is_refused_by_its_index_only() {
        let scan = r#"{"findings": [{"path": "/etc/hostname", "line": 1, "column": 1, "kind": "classic"}]}"#;
        let (io, captured) = Io::test();
        let mut io = io.with_stdin(scan, false);
        let opts = RevokeOptions {
            from_scan: Some(PathBuf::from("-")),
            yes: true,
            timeout: 30,
            ..RevokeOptions::default()
        };
        let e = run(&opts, &mut io).err().unwrap();
        assert_eq!(e.kind(), "scan_path_outside");
        assert!(e.to_string().contains("findings[0]"), "{e}");
        assert!(!e.to_string().contains("/etc/hostname"), "{e}");
        assert!(
            !captured.err().contains("/etc/hostname"),
            "{}",
            captured.err()
        );
    }
}
