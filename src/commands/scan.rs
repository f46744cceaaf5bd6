//! `ghenv scan`: which files to read (tracked by git, staged blobs, or
//! given paths walked with .gitignore rules), reading them in parallel, and
//! reporting findings.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::git::{self, BatchHeader, BlobStream, ObjectKind};
use crate::output::Io;
use crate::platform;
use crate::report::{Boxed, Outcome, Report};
use crate::scan::{self, Finding};

/// What was scanned and found.
#[derive(Debug, Default, Serialize)]
pub struct ScanReport {
    /// True when nothing was found.
    pub ok: bool,
    /// Tokens found, sorted by path, line, column.
    pub findings: Vec<Finding>,
    /// Files (or blobs) read, binary ones included.
    #[serde(rename = "files_scanned")]
    pub scanned: usize,
    /// How many of them were binary (a NUL byte in the first 8 KiB): read
    /// whole all the same, for tokens as bytes and in UTF-16.
    #[serde(rename = "binary_files")]
    pub binary: usize,
    /// What was read.
    pub mode: Mode,
    /// With [`Mode::Folder`]: why not the files git tracks.
    #[serde(skip)]
    why_folder: Option<WhyFolder>,
}

/// What `scan` read: in JSON, `tracked`, `folder`, `paths`, `staged` or
/// `history`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The files git tracks under the current folder.
    #[default]
    Tracked,
    /// Every file under the current folder, with .gitignore rules: outside
    /// a repository, or where git tracks nothing yet.
    Folder,
    /// The files and folders given.
    Paths,
    /// The staged blobs.
    Staged,
    /// Every blob of the history.
    History,
}

/// Why `scan` without paths read the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhyFolder {
    /// Not in a git repository (or git cannot be run).
    NoRepository,
    /// git tracks no file here (before the first `git add`).
    NothingTracked,
}

impl ScanReport {
    /// What was read, for people.
    fn scope(&self) -> &'static str {
        match (self.mode, self.why_folder) {
            (Mode::Tracked, _) => "the files git tracks",
            (Mode::Folder, Some(WhyFolder::NothingTracked)) => {
                "this folder, as git tracks no file here yet"
            }
            (Mode::Folder, _) => "this folder, as it is not in a git repository",
            (Mode::Paths, _) => "the paths given",
            (Mode::Staged, _) => "the staged files",
            (Mode::History, _) => "every blob of the history",
        }
    }
}

impl Report for ScanReport {
    fn print(&self, io: &mut Io) {
        for f in &self.findings {
            let commits = match f.commits.split_first() {
                None => String::new(),
                Some((first, [])) => format!(" (committed in {first})"),
                Some((first, rest)) => format!(
                    " (committed in {first}; touched again in {})",
                    rest.join(", ")
                ),
            };
            let encoding = match f.encoding {
                scan::Encoding::Bytes => "",
                scan::Encoding::Utf16Le => " (UTF-16LE)",
                scan::Encoding::Utf16Be => " (UTF-16BE)",
            };
            let _ = writeln!(
                io.out,
                "{}:{}:{}: {} {}{encoding}{commits}",
                shown_name(&f.path),
                f.line,
                f.column,
                f.kind.describe(),
                f.masked
            );
        }
        if self.findings.is_empty() {
            io.ok(&format!(
                "No GitHub tokens in {} file{}{}; read {}",
                self.scanned,
                if self.scanned == 1 { "" } else { "s" },
                if self.binary > 0 {
                    format!(" ({} binary)", self.binary)
                } else {
                    String::new()
                },
                self.scope()
            ));
            return;
        }
        let files = {
            let mut paths: Vec<&[u8]> = self.findings.iter().map(|f| f.path.as_slice()).collect();
            paths.dedup();
            paths.len()
        };
        let keys = self
            .findings
            .iter()
            .filter(|f| f.kind == scan::Secret::AgeIdentity)
            .count();
        let tokens = self.findings.len() - keys;
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let what = match (tokens, keys) {
            (t, 0) => plural(t, "GitHub token", "GitHub tokens"),
            (0, k) => plural(k, "age identity", "age identities"),
            (t, k) => format!(
                "{} and {}",
                plural(t, "GitHub token", "GitHub tokens"),
                plural(k, "age identity", "age identities")
            ),
        };
        let label = io.red("found");
        io.say(&format!(
            "ghenv: {label} {what} in {files} file{}{}",
            if files == 1 { "" } else { "s" },
            if self.mode == Mode::Staged {
                " staged for commit: the commit is blocked".to_owned()
            } else {
                format!("; read {}", self.scope())
            }
        ));
        io.say(&format!(
            "  hint: keep tokens in .env (git-ignored; `ghenv init` sets it up) and private keys outside the project, and remove them here{}; a token that was ever committed or pushed must be revoked (`ghenv scan{} --json | ghenv revoke --from-scan - --yes`, or at {}), and a key replaced (`ghenv keygen`, `ghenv recipients`)",
            if self.mode == Mode::Staged {
                ", then `git add` the files again"
            } else {
                ""
            },
            if self.mode == Mode::History {
                " --history"
            } else {
                ""
            },
            crate::scopes::TOKENS_URL
        ));
    }

    fn outcome(&self) -> Outcome<'_> {
        if self.findings.is_empty() {
            Outcome::Ok
        } else {
            Outcome::Found
        }
    }
}

/// What `scan` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Files and folders to scan (none: what git tracks, else the folder).
    pub paths: Vec<PathBuf>,
    /// `--staged`: what the next commit adds.
    pub staged: bool,
    /// `--history`: every blob in the repository's history.
    pub history: bool,
    /// `--since`: with `--history`, only commits since then.
    pub since: Option<String>,
}

/// Runs `ghenv scan`: exit 1 when a token is found.
///
/// # Errors
/// A usage error outside a git repository with `--staged`, or for a path
/// that does not exist; with `--staged`, any blob that cannot be read (the
/// hook fails closed).
pub fn run(args: &ScanOptions, io: &mut Io) -> Result<Boxed> {
    let mut report = if args.staged {
        ScanReport {
            mode: Mode::Staged,
            ..scan_staged()?
        }
    } else if args.history {
        ScanReport {
            mode: Mode::History,
            ..scan_history(args.since.as_deref())?
        }
    } else {
        let mut report = if args.paths.is_empty() {
            let folder = |why, io: &mut Io| ScanReport {
                mode: Mode::Folder,
                why_folder: Some(why),
                ..scan_walk(&[PathBuf::from(".")], io)
            };
            match scan_tracked(io)? {
                TrackedScan::Files(report) => report,
                // Before the first `git add`, reading what git tracks would
                // read nothing and call the folder clean: the folder.
                TrackedScan::Nothing => folder(WhyFolder::NothingTracked, io),
                TrackedScan::NoRepository => folder(WhyFolder::NoRepository, io),
            }
        } else {
            let (files, dirs) = given(&args.paths)?;
            let at = AtomicUsize::new(0);
            let mut report = scan_files(
                &|| files.get(at.fetch_add(1, Ordering::Relaxed)).cloned(),
                io,
            );
            if !dirs.is_empty() {
                report.merge(scan_walk(&dirs, io));
            }
            ScanReport {
                mode: Mode::Paths,
                ..report
            }
        };
        report
            .findings
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        report
    };
    report.ok = report.findings.is_empty();
    Ok(Box::new(report))
}

/// A name from a repository, shown with its control characters escaped
/// (a newline or an escape sequence in a file name must not reach the
/// terminal as such) and bytes that are not UTF-8 replaced.
fn shown_name(bytes: &[u8]) -> String {
    crate::text::sanitize(&String::from_utf8_lossy(bytes)).into_owned()
}

/// The files and the folders among `paths`.
fn given(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| Error::ScanPath {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            dirs.push(p.clone());
        } else {
            // A file named explicitly is scanned even if git ignores it.
            files.push(p.clone());
        }
    }
    Ok((files, dirs))
}

impl ScanReport {
    /// Counts a file read: text, or binary.
    fn count(&mut self, text: bool) {
        self.scanned += 1;
        if !text {
            self.binary += 1;
        }
    }

    fn merge(&mut self, other: ScanReport) {
        self.findings.extend(other.findings);
        self.scanned += other.scanned;
        self.binary += other.binary;
    }

    /// Scans one file into this report; a file that cannot be read is a
    /// warning in `warnings`.
    fn scan_file(&mut self, path: &Path, warnings: &Mutex<Vec<String>>) {
        // One open and no stat at all on Unix (rg makes none either):
        // O_NOFOLLOW refuses a link (it is scanned where it points, in its
        // own file), O_NONBLOCK keeps a FIFO from hanging the open or the
        // read, and a directory (a submodule git lists) fails the read with
        // EISDIR. The walker hands over regular files only (by the
        // directory entry's type); a device put in one's place meanwhile
        // takes the privilege to create device nodes.
        let opened = platform::open_no_follow(path);
        let file = match opened {
            Ok(f) => f,
            // Tracked but deleted in the working tree, or a link.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound || platform::is_link_refusal(&e) => {
                return;
            }
            Err(e) => return unreadable(path, &e, warnings),
        };
        let before = self.findings.len();
        match scan::scan_reader(file, "", &mut self.findings) {
            Ok(text) => self.count(text),
            // Not a file: a submodule, or a FIFO with a writer.
            Err(e)
                if platform::is_directory_error(&e)
                    || e.kind() == std::io::ErrorKind::WouldBlock =>
            {
                return;
            }
            Err(e) => return unreadable(path, &e, warnings),
        }
        // The name is taken as bytes only when something is found in it.
        if self.findings.len() > before {
            let name = platform::bytes(path.as_os_str());
            for f in &mut self.findings[before..] {
                f.path = name.to_vec();
            }
        }
    }
}

/// Notes that `path` could not be read, for a warning after the scan.
fn unreadable(path: &Path, e: &std::io::Error, warnings: &Mutex<Vec<String>>) {
    warnings.lock().expect("no panics while held").push(format!(
        "cannot read {}: {e}",
        shown_name(platform::bytes(path.as_os_str()))
    ));
}

fn say_warnings(io: &mut Io, warnings: Mutex<Vec<String>>) {
    for w in warnings.into_inner().expect("threads joined") {
        io.warn(&w);
    }
}

/// Every file under `dirs`, honouring .gitignore (also outside a
/// repository) and skipping `.git`; hidden files are included, since
/// `.env.local` and the like are where tokens hide. The walk and the scan
/// run together on every core (ignore's parallel walker), so scanning
/// starts with the first file found.
fn scan_walk(dirs: &[PathBuf], io: &mut Io) -> ScanReport {
    let mut builder = ignore::WalkBuilder::new(&dirs[0]);
    for d in &dirs[1..] {
        builder.add(d);
    }
    let results = Mutex::new(ScanReport::default());
    let warnings = Mutex::new(Vec::new());
    builder
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .build_parallel()
        .run(|| {
            let warnings = &warnings;
            // Each walker thread keeps its own report, merged once when the
            // thread is done, not a lock per file.
            let mut local = Merged {
                report: ScanReport::default(),
                into: &results,
            };
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    let path = entry.path();
                    let path = path.strip_prefix("./").unwrap_or(path);
                    local.report.scan_file(path, warnings);
                }
                ignore::WalkState::Continue
            })
        });
    say_warnings(io, warnings);
    results.into_inner().expect("threads joined")
}

/// A walker thread's report, merged into the shared one when dropped.
struct Merged<'a> {
    report: ScanReport,
    into: &'a Mutex<ScanReport>,
}

impl Drop for Merged<'_> {
    fn drop(&mut self) {
        let mine = std::mem::take(&mut self.report);
        if let Ok(mut all) = self.into.lock() {
            all.merge(mine);
        }
    }
}

/// What [`scan_tracked`] read.
enum TrackedScan {
    /// The files git tracks, scanned.
    Files(ScanReport),
    /// git tracks no file under this folder.
    Nothing,
    /// Not in a repository, or git cannot be run.
    NoRepository,
}

/// Scans the files git tracks, as `git ls-files` names them.
///
/// # Errors
/// git failing after it began to list files.
fn scan_tracked(io: &mut Io) -> Result<TrackedScan> {
    let Ok(mut tracked) = git::Tracked::start(Path::new(".")) else {
        return Ok(TrackedScan::NoRepository);
    };
    let fail = |e: std::io::Error| Error::io("list the tracked files with", "git", e);
    let first = match tracked.next_file().map_err(fail)? {
        git::NextTracked::NotARepository => return Ok(TrackedScan::NoRepository),
        git::NextTracked::End => return Ok(TrackedScan::Nothing),
        git::NextTracked::File(path) => path,
    };
    let state = Mutex::new((Some(first), tracked, None));
    let report = scan_files(
        &|| {
            let mut state = state.lock().ok()?;
            let (first, tracked, failed) = &mut *state;
            if let Some(path) = first.take() {
                return Some(path);
            }
            match tracked.next_file() {
                Ok(git::NextTracked::File(path)) => Some(path),
                Ok(_) => None,
                Err(e) => {
                    failed.get_or_insert(e);
                    None
                }
            }
        },
        io,
    );
    let (_, _, failed) = state.into_inner().expect("threads joined");
    match failed {
        Some(e) => Err(fail(e)),
        None => Ok(TrackedScan::Files(report)),
    }
}

/// Reads the files `next` gives on every core; a file that cannot be read
/// is skipped with a warning.
fn scan_files(next: &(dyn Fn() -> Option<PathBuf> + Sync), io: &mut Io) -> ScanReport {
    let results = Mutex::new(ScanReport::default());
    let warnings = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut local = ScanReport::default();
                while let Some(path) = next() {
                    local.scan_file(&path, &warnings);
                }
                results.lock().expect("no panics while held").merge(local);
            });
        }
    });
    say_warnings(io, warnings);
    results.into_inner().expect("threads joined")
}

/// Scans every blob reachable from any ref, each once (de-duplicated by
/// id, streamed through one `git cat-file --batch`), and names for each
/// finding its path, its blob and the commits that added and removed it.
/// Fails closed: anything unexpected from git is an error, never the end
/// of the history.
///
/// The `git log` pass that names the blobs starts at the first finding, and
/// runs while the rest of the history is read (a clean history never
/// starts it); blobs found after it started are named by a second pass.
fn scan_history(since: Option<&str>) -> Result<ScanReport> {
    use std::collections::HashSet;
    let root = git::toplevel(Path::new(".")).ok_or(Error::NotARepository(PathBuf::from(".")))?;
    let fail = |e: std::io::Error| Error::io("read the history with", "git", e);
    let mut stream = git::HistoryStream::start(&root, since).map_err(fail)?;
    let mut report = ScanReport::default();
    let mut naming: Option<git::OriginsPass> = None;
    let mut late: HashSet<String> = HashSet::new();
    while let Some(object) = stream.next_object().map_err(fail)? {
        let Some(size) = object.blob else { continue };
        let before = report.findings.len();
        let findings = &mut report.findings;
        let text = stream
            .read_body(size, |body| scan::scan_reader(body, "", findings))
            .map_err(fail)?;
        report.count(text);
        if report.findings.len() == before {
            continue;
        }
        for f in &mut report.findings[before..] {
            f.blob = Some(object.id.clone());
        }
        match &naming {
            None => naming = Some(git::OriginsPass::start(&root, HashSet::from([object.id]))),
            Some(pass) if !pass.names(&object.id) => {
                late.insert(object.id);
            }
            Some(_) => {}
        }
    }
    drop(stream);
    let Some(naming) = naming else {
        return Ok(report);
    };
    let mut origins = naming.finish().map_err(fail)?;
    if !late.is_empty() {
        origins.extend(git::blob_origins(&root, &late).map_err(fail)?);
    }
    for f in &mut report.findings {
        if let Some(origin) = f.blob.as_ref().and_then(|b| origins.get(b)) {
            f.commits.clone_from(&origin.commits);
            f.path = origin.path.clone().unwrap_or_default();
        }
    }
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(report)
}

/// Scans the staged version of every added, copied, modified or renamed
/// file, streaming the blobs, named by id, through one `git cat-file
/// --batch`. Fails closed: a blob that cannot be read is an error, never
/// a file skipped.
fn scan_staged() -> Result<ScanReport> {
    let root = git::toplevel(Path::new(".")).ok_or(Error::StagedOutsideRepository)?;
    let fail = |e: std::io::Error| Error::StagedUnreadable {
        path: "the staged files".to_owned(),
        detail: e.to_string(),
    };
    let blobs = git::staged_blobs(&root).map_err(fail)?;
    let mut report = ScanReport::default();
    if blobs.is_empty() {
        return Ok(report);
    }
    let mut stream =
        BlobStream::start(&root, blobs.iter().map(|b| b.id.clone()).collect()).map_err(fail)?;
    for blob in &blobs {
        let name = shown_name(&blob.path);
        let size = match stream.next_header().map_err(fail)? {
            BatchHeader::Object {
                id,
                kind: ObjectKind::Blob,
                size,
            } if id == blob.id => size,
            BatchHeader::Object { id, .. } | BatchHeader::Missing(id) if id != blob.id => {
                return Err(fail(std::io::Error::other(
                    "git cat-file answered for another object",
                )));
            }
            _ => {
                return Err(Error::StagedUnreadable {
                    path: name,
                    detail: "git cannot find its blob".to_owned(),
                });
            }
        };
        let before = report.findings.len();
        let findings = &mut report.findings;
        let text = stream
            .read_body(size, |body| scan::scan_reader(body, "", findings))
            .map_err(fail)?;
        report.count(text);
        for f in &mut report.findings[before..] {
            f.path.clone_from(&blob.path);
        }
    }
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit;

    use crate::token::sample_classic as classic;

    fn scan_paths(paths: Vec<PathBuf>) -> (Boxed, crate::output::Captured) {
        let (mut io, captured) = Io::test();
        let opts = ScanOptions {
            paths,
            ..ScanOptions::default()
        };
        (run(&opts, &mut io).unwrap(), captured)
    }

    #[test]
    fn finds_a_token_in_a_folder_given_and_exits_1() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("clean.txt"), "nothing here\n").unwrap();
        let token = classic();
        std::fs::write(
            dir.path().join("app.js"),
            format!("const t = \"{token}\";\n"),
        )
        .unwrap();
        let (report, _) = scan_paths(vec![dir.path().to_path_buf()]);
        assert_eq!(crate::report::exit_code(&report.outcome()), exit::FOUND);
        let json = report.to_json();
        assert_eq!(json["ok"], false);
        assert_eq!(json["mode"], "paths");
        assert_eq!(json["files_scanned"], 2);
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{json}");
        assert_eq!(findings[0]["line"], 1);
        assert!(!json.to_string().contains(&token), "the token is masked");
    }

    #[test]
    fn a_clean_folder_exits_0() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("readme.md"), "ghp_ is a prefix\n").unwrap();
        let (report, _) = scan_paths(vec![dir.path().to_path_buf()]);
        assert_eq!(crate::report::exit_code(&report.outcome()), exit::OK);
        assert_eq!(report.to_json()["ok"], true);
    }

    #[test]
    fn a_path_that_does_not_exist_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let (mut io, _) = Io::test();
        let opts = ScanOptions {
            paths: vec![dir.path().join("missing")],
            ..ScanOptions::default()
        };
        let e = run(&opts, &mut io).err().unwrap();
        assert_eq!((e.kind(), e.exit_code()), ("scan_path", exit::USAGE));
    }
}
