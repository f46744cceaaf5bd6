//! Every git call ghenv makes, behind typed functions. Nothing else spawns
//! git. File names from git are kept as bytes: a repository's names are
//! data an attacker may have chosen (newlines, `:`, Latin-1), and they must
//! neither break a parser nor hide a file.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

/// `git -C dir …` with standard input closed and errors silenced.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// The stdout of `git -C dir args`, when git ran and succeeded.
fn output(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = git(dir).args(args).output().ok()?;
    out.status.success().then_some(out.stdout)
}

fn path_from(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

fn trim_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}

/// Whether `dir` is inside a git work tree, by looking for `.git` upwards,
/// without starting git: outside a repository ghenv asks git nothing.
pub fn in_work_tree(dir: &Path) -> bool {
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return false;
    };
    dir.ancestors().any(|d| d.join(".git").exists())
}

/// The output of `git check-ignore OPTIONS --stdin -z` given `names`, one
/// per NUL; `None` when git cannot be run. Its exit status (1 when nothing
/// is ignored) says nothing the output does not.
fn check_ignore(dir: &Path, options: &[&str], names: &[&Path]) -> Option<Vec<u8>> {
    let mut child = git(dir)
        .arg("check-ignore")
        .args(options)
        .args(["--stdin", "-z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut input = Vec::new();
    for n in names {
        input.extend_from_slice(n.as_os_str().as_bytes());
        input.push(0);
    }
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&input);
    }
    child.wait_with_output().ok().map(|o| o.stdout)
}

/// For each of `names` in `dir`, whether a `.gitignore` of the repository
/// (not a global or per-clone exclude) ignores it, the last matching rule
/// deciding; one `git check-ignore --stdin` for all of them. All false
/// outside a repository.
pub fn ignored_by_gitignores(dir: &Path, names: &[&Path]) -> Vec<bool> {
    let none = || vec![false; names.len()];
    if !in_work_tree(dir) {
        return none();
    }
    let Some(out) = check_ignore(dir, &["--verbose", "--non-matching", "--no-index"], names) else {
        return none();
    };
    // -z --verbose: source, line, pattern, path; each NUL-terminated.
    let fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let Some(rule) = fields.get(i * 4..i * 4 + 3) else {
                return false;
            };
            let (source, pattern) = (rule[0], rule[2]);
            !source.is_empty()
                && !pattern.starts_with(b"!")
                && Path::new(OsStr::from_bytes(source))
                    .file_name()
                    .is_some_and(|f| f == ".gitignore")
        })
        .collect()
}

/// The root of the work tree around `dir`; `None` outside a repository or
/// without git.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    output(dir, &["rev-parse", "--show-toplevel"]).map(|o| path_from(&trim_newline(o)))
}

/// The repository's hooks folder (honours `core.hooksPath`); `None`
/// outside a repository.
pub fn hooks_dir(dir: &Path) -> Option<PathBuf> {
    output(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
    )
    .map(|o| path_from(&trim_newline(o)))
}

/// Whether git tracks `name` in `dir`. False when git is not installed or
/// `dir` is not in a repository.
pub fn is_tracked(dir: &Path, name: &Path) -> bool {
    in_work_tree(dir)
        && git(dir)
            .args(["ls-files", "--error-unmatch", "--"])
            .arg(name)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Whether git would leave `name` in `dir` out of `git add -A`: it is
/// ignored by any rule (a `.gitignore`, `.git/info/exclude`, the global
/// excludes) and not tracked. True outside a repository.
pub fn is_kept_out(dir: &Path, name: &Path) -> bool {
    kept_out(dir, &[name])[0]
}

/// [`is_kept_out`] for each of `names`, with one `git check-ignore
/// --stdin` (which, consulting the index, never names a tracked file) and
/// no git at all outside a work tree.
pub fn kept_out(dir: &Path, names: &[&Path]) -> Vec<bool> {
    if !in_work_tree(dir) {
        return vec![true; names.len()];
    }
    let Some(out) = check_ignore(dir, &[], names) else {
        return vec![true; names.len()];
    };
    let ignored: HashSet<&[u8]> = out.split(|&b| b == 0).collect();
    names
        .iter()
        .map(|n| ignored.contains(n.as_os_str().as_bytes()))
        .collect()
}

/// The blob id git gives `file`'s content (`git hash-object`), without
/// writing it.
pub fn blob_id(dir: &Path, file: &Path) -> Option<String> {
    output(
        dir,
        &["hash-object", "--no-filters", "--", &file.to_string_lossy()],
    )
    .map(|o| String::from_utf8_lossy(&trim_newline(o)).into_owned())
}

/// The content of blob `id` (a full hexadecimal object id, nothing else:
/// it comes from a scan's JSON, and must not reach git as an option).
pub fn blob_content(dir: &Path, id: &str) -> Option<Vec<u8>> {
    let hex = matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex {
        return None;
    }
    output(dir, &["cat-file", "blob", id])
}

/// A commit on any ref that adds or changes blob `id`, short; `None` when
/// no commit holds it. One object lookup first, so a clean history costs
/// almost nothing.
pub fn commit_with_blob(dir: &Path, id: &str) -> Option<String> {
    let exists = git(dir)
        .args(["cat-file", "-e", id])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !exists {
        return None;
    }
    output(
        dir,
        &[
            "log",
            "--all",
            "--format=%h",
            "-1",
            &format!("--find-object={id}"),
        ],
    )
    .map(|o| String::from_utf8_lossy(&trim_newline(o)).into_owned())
    .filter(|c| !c.is_empty())
}

/// Who last changed `file` (in `dir`) in a way that touched `needle`, or
/// last changed it at all without one: "abc1234 by Name <mail> on
/// 2026-12-01", escaped for a terminal. What git says of authors is what
/// the committer claimed: a clue for people, never an authority.
pub fn changed_by(dir: &Path, file: &Path, needle: Option<&str>) -> Option<String> {
    let mut args = vec![
        "log".to_owned(),
        "-1".to_owned(),
        "--format=%h by %an <%ae> on %ad".to_owned(),
        "--date=short".to_owned(),
    ];
    if let Some(needle) = needle {
        args.push(format!("-S{needle}"));
    }
    args.push("--".to_owned());
    args.push(file.to_string_lossy().into_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = output(dir, &args)?;
    let line = String::from_utf8_lossy(&trim_newline(out)).into_owned();
    (!line.is_empty()).then(|| crate::text::sanitize(&line).into_owned())
}

/// `git config core.hooksPath`, when set.
pub fn hooks_path_setting(dir: &Path) -> Option<String> {
    output(dir, &["config", "--get", "core.hooksPath"])
        .map(|o| String::from_utf8_lossy(&trim_newline(o)).into_owned())
}

/// The files git tracks and the untracked ones it does not ignore, under
/// `dir`; `None` outside a repository.
pub fn files_git_would_commit(dir: &Path) -> Option<Vec<PathBuf>> {
    output(
        dir,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    )
    .map(|o| {
        o.split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(path_from)
            .collect()
    })
}

/// Whether a `.gitignore` of the repository around `dir` (not a global or
/// per-clone exclude, which teammates do not share) ignores `name`, with any
/// pattern (`.env*`, `*.env`, a parent folder's `.gitignore`...). False
/// outside a repository or without git.
pub fn ignored_by_gitignore(dir: &Path, name: &Path) -> bool {
    let Some(out) = git(dir)
        .args(["check-ignore", "--verbose", "--no-index", "--"])
        .arg(name)
        .output()
        .ok()
        .filter(|o| o.status.success())
    else {
        return false;
    };
    // "<source>:<line>:<pattern>\t<path>"
    let text = String::from_utf8_lossy(&out.stdout);
    let Some((rule, _)) = text.split_once('\t') else {
        return false;
    };
    let mut parts = rule.splitn(3, ':');
    let (Some(source), Some(_), Some(pattern)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !pattern.starts_with('!')
        && Path::new(source)
            .file_name()
            .is_some_and(|f| f == ".gitignore")
}

/// The files git tracks under a folder, relative to it, read from
/// `git ls-files -z` as it writes them: a tree of 100,000 files is never
/// listed in memory whole (that was most of a 1 GB scan's 28 MiB).
pub struct Tracked {
    child: Child,
    out: BufReader<ChildStdout>,
    listed: bool,
}

/// What [`Tracked::next_file`] found.
pub enum NextTracked {
    /// A tracked file.
    File(PathBuf),
    /// The list is complete.
    End,
    /// `dir` is not in a git work tree (git said so before naming a file).
    NotARepository,
}

impl Tracked {
    /// Starts `git ls-files` in `dir`.
    ///
    /// # Errors
    /// When git cannot be started.
    pub fn start(dir: &Path) -> io::Result<Tracked> {
        let mut child = git(dir)
            .args(["ls-files", "-z", "--cached"])
            .stdout(Stdio::piped())
            .spawn()?;
        let out = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Tracked {
            child,
            out,
            listed: false,
        })
    }

    /// The next tracked file.
    ///
    /// # Errors
    /// A read error, or git failing after it named files.
    pub fn next_file(&mut self) -> io::Result<NextTracked> {
        let mut name = Vec::new();
        loop {
            name.clear();
            if self.out.read_until(0, &mut name)? == 0 {
                let status = self.child.wait()?;
                return match (status.success(), self.listed) {
                    (true, _) => Ok(NextTracked::End),
                    (false, false) => Ok(NextTracked::NotARepository),
                    (false, true) => Err(io::Error::other(format!("git ls-files: {status}"))),
                };
            }
            if name.last() == Some(&0) {
                name.pop();
            }
            if !name.is_empty() {
                self.listed = true;
                return Ok(NextTracked::File(path_from(&name)));
            }
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        // Stopped early (an error): git is not left behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A file staged for the next commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedBlob {
    /// The blob's object id, in full.
    pub id: String,
    /// The path, as bytes, relative to the work-tree root.
    pub path: Vec<u8>,
}

/// The blobs the next commit adds or changes (added, copied, modified or
/// renamed files; not submodules), from `git diff --cached --raw -z`, which
/// names each blob by id so that no file name is ever parsed as a revision.
///
/// # Errors
/// When git cannot be run or its output is not what `--raw -z` gives: the
/// caller must then fail closed.
pub fn staged_blobs(root: &Path) -> io::Result<Vec<StagedBlob>> {
    let out = git(root)
        .args([
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--diff-filter=ACMRT",
        ])
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other("git diff --cached failed"));
    }
    parse_raw(&out.stdout)
}

/// Parses `git diff --raw -z --no-renames` output:
/// `:old_mode new_mode old_id new_id status\0path\0`.
fn parse_raw(bytes: &[u8]) -> io::Result<Vec<StagedBlob>> {
    let bad = || io::Error::other("unexpected output from git diff --raw");
    let mut fields = bytes.split(|&b| b == 0);
    let mut blobs = Vec::new();
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            continue;
        }
        let path = fields.next().filter(|p| !p.is_empty()).ok_or_else(bad)?;
        let meta = std::str::from_utf8(meta).map_err(|_| bad())?;
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [_, new_mode, _, new_id, _status] = parts[..] else {
            return Err(bad());
        };
        // 160000 is a submodule: a commit id, not a blob to read.
        if new_mode == "160000" {
            continue;
        }
        blobs.push(StagedBlob {
            id: new_id.to_owned(),
            path: path.to_vec(),
        });
    }
    Ok(blobs)
}

/// The commits that add or remove each blob of `ids`, on any ref, oldest
/// first (the first added it), short ids: one pass of `git log --raw` over
/// the history, whatever the number of blobs.
pub fn commits_touching(root: &Path, ids: &HashSet<String>) -> HashMap<String, Vec<String>> {
    let mut found: HashMap<String, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return found;
    }
    let Ok(mut child) = git(root)
        .args([
            "log",
            "--all",
            "--reverse",
            "--format=commit %h",
            "--raw",
            "--no-abbrev",
            "--no-renames",
        ])
        .stdout(Stdio::piped())
        .spawn()
    else {
        return found;
    };
    let out = BufReader::with_capacity(64 * 1024, child.stdout.take().expect("piped"));
    let mut commit = String::new();
    for line in out.split(b'\n') {
        let Ok(line) = line else { break };
        if let Some(id) = line.strip_prefix(b"commit ") {
            commit = String::from_utf8_lossy(id).into_owned();
            continue;
        }
        // ":100644 100644 OLD NEW M\tpath"
        if !line.starts_with(b":") {
            continue;
        }
        let head = line.split(|&b| b == b'\t').next().unwrap_or_default();
        for blob in head.split(|&b| b == b' ').skip(2).take(2) {
            let blob = String::from_utf8_lossy(blob);
            if let Some(id) = ids.get(blob.as_ref()) {
                let commits = found.entry(id.clone()).or_default();
                if commits.last() != Some(&commit) {
                    commits.push(commit.clone());
                }
            }
        }
    }
    let _ = child.wait();
    // --no-abbrev makes %h full too: shorten the few commits found at once.
    let full: Vec<String> = {
        let mut all: Vec<String> = found.values().flatten().cloned().collect();
        all.sort();
        all.dedup();
        all
    };
    if full.is_empty() {
        return found;
    }
    let mut args = vec!["log", "--no-walk=unsorted", "--format=%H %h"];
    args.extend(full.iter().map(String::as_str));
    let short: HashMap<String, String> = output(root, &args)
        .map(|o| {
            String::from_utf8_lossy(&o)
                .lines()
                .filter_map(|l| l.split_once(' '))
                .map(|(f, s)| (f.to_owned(), s.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    for commits in found.values_mut() {
        for c in commits.iter_mut() {
            if let Some(s) = short.get(c.as_str()) {
                c.clone_from(s);
            }
        }
    }
    found
}

/// Every blob reachable from any ref (branches, tags, stashes, notes), each
/// once, streamed: `git rev-list --all --objects --filter=object:type=blob`
/// piped straight into `git cat-file --batch`, so ghenv holds no list of
/// the history and its memory stays flat however long it is. With `since`,
/// only blobs of the commits not reachable from it.
pub struct HistoryStream {
    rev_list: Child,
    cat_file: Child,
    out: BufReader<ChildStdout>,
}

/// One object's header from [`HistoryStream`].
pub struct Named {
    /// The object id.
    pub id: String,
    /// `Some(size)` for a blob of `size` bytes; `None` for another object
    /// (rev-list also names the commits), already skipped.
    pub blob: Option<u64>,
    /// The first path the blob was seen at, as bytes.
    pub path: Vec<u8>,
}

impl HistoryStream {
    /// Starts the two git processes in `root`.
    ///
    /// # Errors
    /// When git cannot be started.
    pub fn start(root: &Path, since: Option<&str>) -> io::Result<HistoryStream> {
        let mut cmd = git(root);
        cmd.args([
            "rev-list",
            "--all",
            "--objects",
            "--filter=object:type=blob",
            "--filter-provided-objects",
        ]);
        if let Some(rev) = since {
            cmd.arg("--not").arg(rev);
        }
        let mut rev_list = cmd.stdout(Stdio::piped()).spawn()?;
        let names = rev_list.stdout.take().expect("piped");
        let cat_file = git(root)
            .args([
                "cat-file",
                "--batch=%(objectname) %(objecttype) %(objectsize) %(rest)",
            ])
            .stdin(Stdio::from(names))
            .stdout(Stdio::piped())
            .spawn();
        let mut cat_file = match cat_file {
            Ok(c) => c,
            Err(e) => {
                let _ = rev_list.kill();
                let _ = rev_list.wait();
                return Err(e);
            }
        };
        let out = BufReader::with_capacity(64 * 1024, cat_file.stdout.take().expect("piped"));
        Ok(HistoryStream {
            rev_list,
            cat_file,
            out,
        })
    }

    /// The next object, or `None` at the end.
    ///
    /// # Errors
    /// A read error, output that is not a `cat-file` header, or rev-list
    /// failing (an unknown `since`).
    pub fn next_object(&mut self) -> io::Result<Option<Named>> {
        loop {
            let mut header = Vec::new();
            if self.out.read_until(b'\n', &mut header)? == 0 {
                let status = self.rev_list.wait()?;
                if !status.success() {
                    return Err(io::Error::other("git rev-list failed"));
                }
                return Ok(None);
            }
            if header.last() == Some(&b'\n') {
                header.pop();
            }
            if header.ends_with(b" missing") {
                // A promised object a partial clone never fetched.
                continue;
            }
            let mut parts = header.splitn(4, |&b| b == b' ');
            let (Some(id), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(io::Error::other("bad git cat-file header"));
            };
            let size: u64 = std::str::from_utf8(size)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| io::Error::other("bad git cat-file header"))?;
            let named = Named {
                id: String::from_utf8_lossy(id).into_owned(),
                blob: (kind == b"blob").then_some(size),
                path: parts.next().unwrap_or_default().to_vec(),
            };
            if named.blob.is_none() {
                self.skip(size)?;
            }
            return Ok(Some(named));
        }
    }

    /// Hands the body of the blob just named (`size` bytes) to `read`, then
    /// skips what it left and the newline after it.
    ///
    /// # Errors
    /// A read error, or `read`'s.
    pub fn read_body<T>(
        &mut self,
        size: u64,
        read: impl FnOnce(&mut dyn BufRead) -> io::Result<T>,
    ) -> io::Result<T> {
        read_batch_body(&mut self.out, size, read)
    }

    fn skip(&mut self, size: u64) -> io::Result<()> {
        self.read_body(size, |_| Ok(()))
    }
}

impl Drop for HistoryStream {
    fn drop(&mut self) {
        let _ = self.rev_list.kill();
        let _ = self.rev_list.wait();
        let _ = self.cat_file.kill();
        let _ = self.cat_file.wait();
    }
}

/// Hands the next `size` bytes of `cat-file --batch` output (an object's
/// body) to `read`, then skips what it left and the newline after it.
fn read_batch_body<T>(
    out: &mut BufReader<ChildStdout>,
    size: u64,
    read: impl FnOnce(&mut dyn BufRead) -> io::Result<T>,
) -> io::Result<T> {
    let mut body = out.take(size);
    let value = read(&mut body)?;
    io::copy(&mut body, &mut io::sink())?;
    let mut newline = [0u8; 1];
    out.read_exact(&mut newline)?;
    Ok(value)
}

/// A running `git cat-file --batch` fed with object ids, read in order.
pub struct BlobStream {
    child: Child,
    out: BufReader<ChildStdout>,
    writer: Option<JoinHandle<()>>,
}

/// One blob's header from `cat-file --batch`.
pub enum BlobHeader {
    /// A blob of this many bytes follows.
    Blob(u64),
    /// Another kind of object of this many bytes follows.
    Other(u64),
    /// The object is missing.
    Missing,
}

impl BlobStream {
    /// Starts `git cat-file --batch` in `root` and sends it `ids`.
    ///
    /// # Errors
    /// When git cannot be started.
    pub fn start(root: &Path, ids: Vec<String>) -> io::Result<BlobStream> {
        let mut child = git(root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().expect("piped");
        // Write the requests from another thread so neither pipe can fill
        // up and block the other.
        let writer = std::thread::spawn(move || {
            for id in ids {
                if writeln!(stdin, "{id}").is_err() {
                    break;
                }
            }
        });
        let out = BufReader::with_capacity(64 * 1024, child.stdout.take().expect("piped"));
        Ok(BlobStream {
            child,
            out,
            writer: Some(writer),
        })
    }

    /// Reads the next object's header.
    ///
    /// # Errors
    /// A read error, or output that is not a `cat-file` header.
    pub fn next_header(&mut self) -> io::Result<BlobHeader> {
        let mut header = String::new();
        if self.out.read_line(&mut header)? == 0 {
            return Err(io::Error::other("git cat-file ended early"));
        }
        let parts: Vec<&str> = header.split_whitespace().collect();
        match parts[..] {
            [_, "missing"] => Ok(BlobHeader::Missing),
            [_, kind, size] => {
                let size = size
                    .parse()
                    .map_err(|_| io::Error::other("bad git cat-file header"))?;
                Ok(if kind == "blob" {
                    BlobHeader::Blob(size)
                } else {
                    BlobHeader::Other(size)
                })
            }
            _ => Err(io::Error::other("bad git cat-file header")),
        }
    }

    /// Hands the body of the object whose header was just read (`size`
    /// bytes) to `read`, then skips what it left and the newline after it.
    ///
    /// # Errors
    /// A read error, or `read`'s.
    pub fn read_body<T>(
        &mut self,
        size: u64,
        read: impl FnOnce(&mut dyn BufRead) -> io::Result<T>,
    ) -> io::Result<T> {
        read_batch_body(&mut self.out, size, read)
    }
}

impl Drop for BlobStream {
    fn drop(&mut self) {
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_output_keeps_names_as_bytes_and_skips_submodules() {
        let zeros = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let mut raw = Vec::new();
        raw.extend_from_slice(format!(":000000 100644 {zeros} {a} A\0").as_bytes());
        raw.extend_from_slice(b"0:creds.txt\0");
        raw.extend_from_slice(format!(":100644 100644 {a} {b} M\0").as_bytes());
        raw.extend_from_slice(b"caf\xe9\nname\0");
        raw.extend_from_slice(format!(":000000 160000 {zeros} {b} A\0").as_bytes());
        raw.extend_from_slice(b"vendor/sub\0");
        let blobs = parse_raw(&raw).unwrap();
        assert_eq!(
            blobs,
            vec![
                StagedBlob {
                    id: a.clone(),
                    path: b"0:creds.txt".to_vec()
                },
                StagedBlob {
                    id: b.clone(),
                    path: b"caf\xe9\nname".to_vec()
                },
            ]
        );
    }

    #[test]
    fn truncated_raw_output_is_an_error() {
        let raw = format!(":000000 100644 {} {} A\0", "0".repeat(40), "a".repeat(40));
        assert!(parse_raw(raw.as_bytes()).is_err());
        assert!(parse_raw(b"garbage\0path\0").is_err());
    }
}
