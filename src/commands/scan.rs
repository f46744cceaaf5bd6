//! `ghenv scan`: which files to read (tracked by git, staged blobs, or
//! given paths walked with .gitignore rules), reading them in parallel, and
//! reporting findings.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use crate::cli::ScanArgs;
use crate::error::{Error, Result, exit};
use crate::output::Io;
use crate::scan::{self, Finding};

/// What was scanned and found.
#[derive(Debug, Default)]
pub struct Report {
    /// Tokens found, sorted by path, line, column.
    pub findings: Vec<Finding>,
    /// Text files read.
    pub scanned: usize,
    /// Binary files skipped.
    pub binary: usize,
}

/// Runs `ghenv scan`: exit 1 when a token is found.
///
/// # Errors
/// A usage error outside a git repository without paths, or for a path that
/// does not exist.
pub fn run(args: &ScanArgs, io: &mut Io) -> Result<i32> {
    let report = if args.staged {
        scan_staged()?
    } else {
        let files = if args.paths.is_empty() {
            tracked_or_walked()?
        } else {
            given(&args.paths)?
        };
        scan_files(&files, io)
    };
    let found = !report.findings.is_empty();
    if args.json {
        io.json(&json!({
            "ok": !found,
            "findings": report.findings,
            "files_scanned": report.scanned,
            "binary_skipped": report.binary,
        }));
    } else {
        for f in &report.findings {
            let _ = writeln!(
                io.out,
                "{}:{}:{}: {} {}",
                f.path,
                f.line,
                f.column,
                f.kind.describe(),
                f.masked
            );
        }
    }
    if found {
        let files = {
            let mut paths: Vec<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
            paths.dedup();
            paths.len()
        };
        let n = report.findings.len();
        let label = io.red("found");
        io.say(&format!(
            "ghenv: {label} {n} GitHub token{} in {files} file{}{}",
            if n == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" },
            if args.staged {
                " staged for commit: the commit is blocked"
            } else {
                ""
            }
        ));
        io.say(&format!(
            "  hint: keep tokens in .env (git-ignored; `ghenv init` sets it up) and remove them here{}; a token that was ever committed or pushed must be revoked at {}",
            if args.staged { ", then `git add` the files again" } else { "" },
            crate::error::TOKENS_URL
        ));
        Ok(exit::FOUND)
    } else {
        io.ok(&format!(
            "No GitHub tokens in {} file{}{}",
            report.scanned,
            if report.scanned == 1 { "" } else { "s" },
            if report.binary > 0 {
                format!(" ({} binary skipped)", report.binary)
            } else {
                String::new()
            }
        ));
        Ok(exit::OK)
    }
}

fn git(args: &[&str], dir: Option<&Path>) -> std::io::Result<std::process::Output> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.arg("-C").arg(dir);
    }
    cmd.args(args).stdin(Stdio::null()).output()
}

fn split_z(bytes: &[u8]) -> Vec<PathBuf> {
    bytes
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .collect()
}

/// The files git tracks under the current folder, or every file under it
/// (with .gitignore rules) outside a repository.
fn tracked_or_walked() -> Result<Vec<PathBuf>> {
    match git(&["ls-files", "-z", "--cached"], None) {
        Ok(out) if out.status.success() => Ok(split_z(&out.stdout)),
        _ => Ok(walk(Path::new("."))),
    }
}

fn given(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            Error::usage(
                format!("cannot scan {}: {e}", p.display()),
                Some("check the path".to_string()),
            )
        })?;
        if meta.is_dir() {
            out.extend(walk(p));
        } else {
            // A file named explicitly is scanned even if git ignores it.
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Every file under `dir`, honouring .gitignore (also outside a repository)
/// and skipping `.git`; hidden files are included, since `.env.local` and
/// the like are where tokens hide.
fn walk(dir: &Path) -> Vec<PathBuf> {
    ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| {
            let p = e.into_path();
            p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p)
        })
        .collect()
}

/// Reads `files` on every core; a file that cannot be read is skipped with
/// a warning.
fn scan_files(files: &[PathBuf], io: &mut Io) -> Report {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Report::default());
    let warnings = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(files.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut local = Report::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let shown = path.display().to_string();
                    let opened = match std::fs::symlink_metadata(path) {
                        // A link is scanned where it points, in its own file.
                        Ok(m) if m.file_type().is_symlink() => continue,
                        Ok(_) => File::open(path),
                        // Tracked but deleted in the working tree.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => Err(e),
                    };
                    let result = opened.and_then(|f| {
                        scan::scan_reader(
                            BufReader::with_capacity(64 * 1024, f),
                            &shown,
                            &mut local.findings,
                        )
                    });
                    match result {
                        Ok(true) => local.scanned += 1,
                        Ok(false) => local.binary += 1,
                        Err(e) => warnings
                            .lock()
                            .expect("no panics while held")
                            .push(format!("cannot read {shown}: {e}")),
                    }
                }
                let mut all = results.lock().expect("no panics while held");
                all.findings.append(&mut local.findings);
                all.scanned += local.scanned;
                all.binary += local.binary;
            });
        }
    });
    for w in warnings.into_inner().expect("threads joined") {
        io.warn(&w);
    }
    let mut report = results.into_inner().expect("threads joined");
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    report
}

/// Scans the staged version of every added, copied, modified or renamed
/// file, streaming the blobs through one `git cat-file --batch`.
fn scan_staged() -> Result<Report> {
    let not_repo = || {
        Error::usage(
            "--staged needs a git repository, and this folder is not in one",
            Some("run it inside the repository, or scan paths instead".to_string()),
        )
    };
    let top = git(&["rev-parse", "--show-toplevel"], None).map_err(|_| not_repo())?;
    if !top.status.success() {
        return Err(not_repo());
    }
    let root = PathBuf::from(
        String::from_utf8_lossy(&top.stdout)
            .trim_end_matches('\n')
            .to_owned(),
    );
    let staged = git(
        &[
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--diff-filter=ACMR",
        ],
        Some(&root),
    )
    .map_err(|_| not_repo())?;
    let paths: Vec<String> = split_z(&staged.stdout)
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.contains('\n'))
        .collect();
    let mut report = Report::default();
    if paths.is_empty() {
        return Ok(report);
    }
    let io_error = |e: std::io::Error| Error::io("read the staged files with", "git cat-file", e);
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(io_error)?;
    let mut stdin = child.stdin.take().expect("piped");
    let requests: Vec<String> = paths.iter().map(|p| format!(":{p}\n")).collect();
    // Write the requests from another thread so neither pipe can fill up
    // and block the other.
    let writer = std::thread::spawn(move || {
        for r in requests {
            if stdin.write_all(r.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut out = BufReader::with_capacity(64 * 1024, child.stdout.take().expect("piped"));
    for path in &paths {
        let mut header = String::new();
        out.read_line(&mut header).map_err(io_error)?;
        let mut parts = header.split_whitespace();
        let (Some(_), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            continue; // "<object> missing", e.g. a submodule
        };
        let size: u64 = size.parse().unwrap_or(0);
        let mut blob = (&mut out).take(size);
        if kind == "blob" {
            match scan::scan_reader(&mut blob, path, &mut report.findings) {
                Ok(true) => report.scanned += 1,
                Ok(false) => report.binary += 1,
                Err(e) => return Err(io_error(e)),
            }
        }
        // Skip what was not read (binary files) and the trailing newline.
        std::io::copy(&mut blob, &mut std::io::sink()).map_err(io_error)?;
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline).map_err(io_error)?;
    }
    let _ = writer.join();
    let _ = child.wait();
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(report)
}
