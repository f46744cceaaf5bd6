//! Every git call ghenv makes, behind typed functions. Nothing else spawns
//! git. File names from git are kept as bytes: a repository's names are
//! data an attacker may have chosen (newlines, `:`, Latin-1), and they must
//! neither break a parser nor hide a file.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

/// `git -C dir …` with standard input closed and errors silenced, in the
/// repository whose `.git` is in `dir` or a folder above it, named
/// explicitly. A project's files are anyone's who can push: a bare
/// repository committed into a folder (`HEAD`, `objects/`, `refs/` and a
/// `config` whose `gpg.program` or `core.fsmonitor` names a script of
/// theirs) is what git would otherwise find there, run their program
/// from, and answer for (a tracked `.env` "not tracked"). git never lets
/// anyone commit a `.git`, so the one found upwards is the user's own;
/// without one, `safe.bareRepository=explicit` keeps git from using a bare
/// repository it was not pointed at.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["-c", "safe.bareRepository=explicit"]);
    if let Some(dot_git) = dot_git(dir)
        && let Some(work_tree) = dot_git.parent()
    {
        cmd.arg("--git-dir")
            .arg(&dot_git)
            .arg("--work-tree")
            .arg(work_tree);
    }
    cmd.stdin(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// The `.git` (a folder, or a worktree's file) in `dir` or the nearest
/// folder above it, as an absolute path.
fn dot_git(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    dir.ancestors().map(|d| d.join(".git")).find(|g| g.exists())
}

/// The stdout of `git -C dir args`, when git ran and succeeded.
fn output(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = git(dir).args(args).output().ok()?;
    out.status.success().then_some(out.stdout)
}

fn path_from(bytes: &[u8]) -> PathBuf {
    crate::platform::path_from_bytes(bytes)
}

fn trim_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}

/// Whether git can be run at all (asked once per process).
pub fn available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("git")
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Refuses to go on in a git work tree when git cannot be run: what ghenv
/// asks git there (is the env file tracked, does `.gitignore` keep it or
/// a key out) guards the token, and "git said nothing" must never read as
/// "all clear" (GitHub Desktop, for one, keeps its git off PATH).
///
/// # Errors
/// [`crate::Error::GitMissing`].
pub fn require_in_work_tree(dir: &Path) -> crate::error::Result<()> {
    if in_work_tree(dir) && !available() {
        return Err(crate::Error::GitMissing(dir.to_path_buf()));
    }
    Ok(())
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
        input.extend_from_slice(crate::platform::bytes(n.as_os_str()));
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
                && path_from(source)
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

/// Where `dir` is in its repository, as far as the project's identity
/// goes: what stays the same when the folder is renamed, linked or checked
/// out as a worktree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// git's common folder (the main work tree's `.git`), shared by every
    /// worktree of the repository; canonical.
    pub common_dir: PathBuf,
    /// The work tree's root folder; canonical.
    pub toplevel: PathBuf,
    /// `dir` inside the work tree, `/`-separated, empty at its root.
    pub prefix: String,
    /// The commits without parents that HEAD descends from: the same in
    /// every clone and worktree, and wherever the repository is moved.
    /// Empty in a repository without commits.
    pub roots: Vec<String>,
}

/// Where `dir` is in its repository; `None` outside one (or without git).
pub fn place(dir: &Path) -> Option<Place> {
    if !in_work_tree(dir) {
        return None;
    }
    let out = output(
        dir,
        &[
            "rev-parse",
            "--path-format=absolute",
            "--git-common-dir",
            "--show-toplevel",
            "--show-prefix",
        ],
    )?;
    let mut lines = out.split(|b| *b == b'\n');
    let canonical = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    let common_dir = canonical(path_from(lines.next()?));
    let toplevel = canonical(path_from(lines.next()?));
    let prefix = String::from_utf8_lossy(lines.next().unwrap_or_default())
        .trim_end_matches('/')
        .to_owned();
    let roots = output(dir, &["rev-list", "--max-parents=0", "HEAD", "--"])
        .map(|o| {
            String::from_utf8_lossy(&o)
                .lines()
                .filter(|l| is_object_id(l))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Some(Place {
        common_dir,
        toplevel,
        prefix,
        roots,
    })
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
    tracked(dir, name).unwrap_or(false)
}

/// Whether git tracks `name` in `dir` (false outside a repository), in one
/// git process: a git that cannot be started in a work tree is an error,
/// never "not tracked" (see [`require_in_work_tree`]), without a `git
/// --version` first on every `run`.
///
/// # Errors
/// [`crate::Error::GitMissing`].
pub fn tracked(dir: &Path, name: &Path) -> crate::error::Result<bool> {
    if !in_work_tree(dir) {
        return Ok(false);
    }
    match git(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .stdout(Stdio::null())
        .status()
    {
        Ok(status) => Ok(status.success()),
        Err(_) => Err(crate::Error::GitMissing(dir.to_path_buf())),
    }
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
        .map(|n| ignored.contains(crate::platform::bytes(n.as_os_str())))
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

/// What the index holds for `file` in `dir` (the version git tracks);
/// `None` when it tracks none or git cannot tell.
pub fn indexed_content(dir: &Path, file: &Path) -> Option<Vec<u8>> {
    let name = file.to_string_lossy();
    if name.starts_with('-') {
        return None;
    }
    output(dir, &["cat-file", "blob", &format!(":./{name}")])
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

/// The first commit on any ref that adds blob `id` (the one that put it
/// in the history, not a later one that removed it), short; `None` when no
/// commit holds it. One object lookup first, so a clean history costs
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
            &format!("--find-object={id}"),
        ],
    )
    // Newest first: a commit that removed the file also "touches" the
    // blob, so the oldest one is the one that added it.
    .and_then(|o| {
        String::from_utf8_lossy(&o)
            .lines()
            .rfind(|l| !l.is_empty())
            .map(str::to_owned)
    })
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

/// Where a blob of the history comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The commits that add or remove it, oldest first (the first added
    /// it), short ids; merges are left out.
    pub commits: Vec<String>,
    /// The path it was first added at, as bytes; `None` when no commit
    /// adds it (a blob a tag points at).
    pub path: Option<Vec<u8>>,
}

/// The commits and first path of each blob of `ids`, on any ref: one pass
/// of `git log --raw -z` over the history, whatever the number of blobs.
/// Paths come from `-z` output, whole (rev-list cuts a name at its first
/// newline); a merge's changes against its first parent name the blobs
/// only a merge adds (a stash's work tree) but do not count as touching
/// them. A blob no commit adds gets the name rev-list gives it.
///
/// # Errors
/// When git cannot be run, fails, or writes what `--raw -z` does not.
pub fn blob_origins(root: &Path, ids: &HashSet<String>) -> io::Result<HashMap<String, Origin>> {
    let mut found: HashMap<String, Origin> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let mut child = git(root)
        .args([
            "log",
            "--all",
            "--reverse",
            "--format=commit %H %P",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--diff-merges=first-parent",
        ])
        .stdout(Stdio::piped())
        .spawn()?;
    let out = BufReader::with_capacity(64 * 1024, child.stdout.take().expect("piped"));
    let parsed = parse_log(out, ids, &mut found);
    let status = child.wait()?;
    parsed?;
    if !status.success() {
        return Err(io::Error::other(format!("git log: {status}")));
    }
    let unnamed: HashSet<String> = found
        .iter()
        .filter(|(_, o)| o.path.is_none())
        .map(|(id, _)| id.clone())
        .chain(ids.iter().filter(|id| !found.contains_key(*id)).cloned())
        .collect();
    if !unnamed.is_empty() {
        for (id, path) in rev_list_names(root, &unnamed)? {
            found.entry(id).or_default().path = Some(path);
        }
    }
    shorten_commits(root, &mut found);
    Ok(found)
}

/// [`blob_origins`] run on another thread, so that naming the blobs found
/// so far overlaps the rest of a history scan (git inflating blobs keeps one
/// core busy; the log pass takes the other). The ids are fixed when it
/// starts: blobs found later need a pass of their own.
pub struct OriginsPass {
    ids: HashSet<String>,
    thread: JoinHandle<io::Result<HashMap<String, Origin>>>,
}

impl OriginsPass {
    /// Starts naming `ids` in `root`.
    pub fn start(root: &Path, ids: HashSet<String>) -> OriginsPass {
        let (root, wanted) = (root.to_path_buf(), ids.clone());
        let thread = std::thread::spawn(move || blob_origins(&root, &wanted));
        OriginsPass { ids, thread }
    }

    /// Whether this pass names `id`.
    pub fn names(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Waits for the pass and gives what [`blob_origins`] gives.
    ///
    /// # Errors
    /// [`blob_origins`]'s.
    pub fn finish(self) -> io::Result<HashMap<String, Origin>> {
        self.thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the git log pass panicked")))
    }
}

/// Reads `git log --format='commit %H %P' --raw -z` output: NUL-separated
/// commit lines and `:meta` fields, each `:meta` followed by its path
/// (taken whole, whatever bytes it holds).
fn parse_log(
    out: impl BufRead,
    ids: &HashSet<String>,
    found: &mut HashMap<String, Origin>,
) -> io::Result<()> {
    let bad = || io::Error::other("unexpected output from git log --raw -z");
    let mut fields = out.split(0);
    let mut commit = String::new();
    let mut merge = false;
    while let Some(field) = fields.next() {
        let field = field?;
        let start = field.iter().take_while(|&&b| b == b'\n').count();
        let field = &field[start..];
        if field.is_empty() {
            continue;
        }
        if let Some(line) = field.strip_prefix(b"commit ") {
            let line = std::str::from_utf8(line).map_err(|_| bad())?;
            let mut parts = line.split(' ');
            commit = parts
                .next()
                .filter(|c| is_object_id(c))
                .ok_or_else(bad)?
                .to_owned();
            merge = parts.count() > 1;
            continue;
        }
        // ":100644 100644 OLD NEW M", then the path.
        let meta = field.strip_prefix(b":").ok_or_else(bad)?;
        let path = fields.next().ok_or_else(bad)??;
        let meta = std::str::from_utf8(meta).map_err(|_| bad())?;
        let parts: Vec<&str> = meta.split(' ').collect();
        let [_, _, old, new, _] = parts[..] else {
            return Err(bad());
        };
        for blob in [new, old] {
            let Some(id) = ids.get(blob) else { continue };
            let origin = found.entry(id.clone()).or_default();
            // Oldest first: where it was first added.
            origin.path.get_or_insert_with(|| path.clone());
            if !merge && origin.commits.last() != Some(&commit) {
                origin.commits.push(commit.clone());
            }
        }
    }
    Ok(())
}

/// The names `git rev-list --objects` gives the blobs of `ids` (cut at a
/// newline by git itself): for blobs that no commit adds.
fn rev_list_names(root: &Path, ids: &HashSet<String>) -> io::Result<Vec<(String, Vec<u8>)>> {
    let out = git(root)
        .args([
            "rev-list",
            "--all",
            "--objects",
            "--filter=object:type=blob",
            "--filter-provided-objects",
        ])
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other("git rev-list failed"));
    }
    let mut names = Vec::new();
    for line in out.stdout.split(|&b| b == b'\n') {
        let (id, name) = match memchr::memchr(b' ', line) {
            Some(at) => (&line[..at], &line[at + 1..]),
            None => (line, &b""[..]),
        };
        if let Ok(id) = std::str::from_utf8(id)
            && ids.contains(id)
            && !names.iter().any(|(n, _): &(String, Vec<u8>)| n == id)
        {
            names.push((id.to_owned(), name.to_vec()));
        }
    }
    Ok(names)
}

/// Replaces the full commit ids of `found` with short ones, in one call.
fn shorten_commits(root: &Path, found: &mut HashMap<String, Origin>) {
    let full: Vec<String> = {
        let mut all: Vec<String> = found.values().flat_map(|o| o.commits.clone()).collect();
        all.sort();
        all.dedup();
        all
    };
    if full.is_empty() {
        return;
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
    for origin in found.values_mut() {
        for c in &mut origin.commits {
            if let Some(s) = short.get(c.as_str()) {
                c.clone_from(s);
            }
        }
    }
}

/// Whether `id` is a full object id (SHA-1 or SHA-256, lowercase hex).
fn is_object_id(id: &str) -> bool {
    matches!(id.len(), 40 | 64) && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// An object's header in `git cat-file --batch` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchHeader {
    /// An object: its id, type and size; its body follows.
    Object {
        /// The object id.
        id: String,
        /// `blob`, `tree`, `commit` or `tag`.
        kind: ObjectKind,
        /// The body's size in bytes.
        size: u64,
    },
    /// `<id> missing`: the object is not in the repository.
    Missing(String),
}

/// The type of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// File content.
    Blob,
    /// A tree, commit or tag.
    Other,
}

/// Parses one header line of `cat-file --batch` with the default format
/// (`<id> <type> <size>`, or `<id> missing`), newline included. Nothing
/// but those fields is accepted: the lines come after bodies git copied
/// from a repository, so anything else means the reader lost its place.
fn parse_header(line: &[u8]) -> io::Result<BatchHeader> {
    let bad = || {
        io::Error::other(format!(
            "unexpected header from git cat-file: {:?}",
            String::from_utf8_lossy(&line[..line.len().min(100)])
        ))
    };
    let text = line.strip_suffix(b"\n").ok_or_else(bad)?;
    let text = std::str::from_utf8(text).map_err(|_| bad())?;
    let parts: Vec<&str> = text.split(' ').collect();
    match parts[..] {
        [id, "missing"] if is_object_id(id) => Ok(BatchHeader::Missing(id.to_owned())),
        [id, kind, size] if is_object_id(id) => {
            let kind = match kind {
                "blob" => ObjectKind::Blob,
                "tree" | "commit" | "tag" => ObjectKind::Other,
                _ => return Err(bad()),
            };
            let digits = !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit());
            let size = size.parse().ok().filter(|_| digits).ok_or_else(bad)?;
            Ok(BatchHeader::Object {
                id: id.to_owned(),
                kind,
                size,
            })
        }
        _ => Err(bad()),
    }
}

/// Reads the next header of `cat-file --batch` output; `None` at its end.
///
/// # Errors
/// A read error, a header cut short, or one that does not parse.
fn read_header(out: &mut impl BufRead) -> io::Result<Option<BatchHeader>> {
    let mut line = Vec::new();
    // Bounded: a header is two ids' worth; a longer line is not one.
    if (&mut *out).take(256).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    parse_header(&line).map(Some)
}

/// Every blob reachable from any ref (branches, tags, stashes, notes), each
/// once, streamed: `git rev-list --all --objects --no-object-names
/// --filter=object:type=blob` piped straight into `git cat-file --batch`,
/// so ghenv holds no list of the history and its memory stays flat however
/// long it is. With `since`, only blobs of the commits not reachable from
/// it.
///
/// Objects are framed by the size in their header, and nothing else: no
/// file name passes through cat-file (rev-list names none), so no name can
/// look like a header, and a header that does not parse, a body cut short
/// or git failing is an error, never the end of the history.
/// [`blob_origins`] names the blobs found.
pub struct HistoryStream {
    rev_list: Child,
    cat_file: Child,
    out: BufReader<ChildStdout>,
}

/// One object from [`HistoryStream`].
pub struct Named {
    /// The object id.
    pub id: String,
    /// `Some(size)` for a blob of `size` bytes, to be read with
    /// [`HistoryStream::read_body`]; `None` for another object, already
    /// skipped.
    pub blob: Option<u64>,
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
            "--no-object-names",
            "--filter=object:type=blob",
            "--filter-provided-objects",
        ]);
        if let Some(rev) = since {
            cmd.arg("--not").arg(rev);
        }
        let mut rev_list = cmd.stdout(Stdio::piped()).spawn()?;
        let names = rev_list.stdout.take().expect("piped");
        let cat_file = git(root)
            // --buffer: nothing waits for an answer before asking the next
            // (rev-list asks, ghenv reads), so cat-file need not write each
            // header, body and newline with a call of its own.
            .args([
                "cat-file",
                "--buffer",
                "--batch=%(objectname) %(objecttype) %(objectsize)",
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

    /// The next object, or `None` at the end, once both git processes
    /// exited successfully.
    ///
    /// # Errors
    /// A read error, output that is not a `cat-file` header, or either git
    /// process failing (rev-list: an unknown `since`, a broken repository).
    pub fn next_object(&mut self) -> io::Result<Option<Named>> {
        loop {
            let Some(header) = read_header(&mut self.out)? else {
                let listed = self.rev_list.wait()?;
                if !listed.success() {
                    return Err(io::Error::other(format!("git rev-list: {listed}")));
                }
                let read = self.cat_file.wait()?;
                if !read.success() {
                    return Err(io::Error::other(format!("git cat-file: {read}")));
                }
                return Ok(None);
            };
            match header {
                // A promised object a partial clone never fetched.
                BatchHeader::Missing(_) => continue,
                BatchHeader::Object { id, kind, size } => {
                    let blob = (kind == ObjectKind::Blob).then_some(size);
                    if blob.is_none() {
                        self.read_body(size, |_| Ok(()))?;
                    }
                    return Ok(Some(Named { id, blob }));
                }
            }
        }
    }

    /// Hands the body of the blob just named (`size` bytes) to `read`, then
    /// skips what it left and the newline after it.
    ///
    /// # Errors
    /// A read error, a body cut short, or `read`'s.
    pub fn read_body<T>(
        &mut self,
        size: u64,
        read: impl FnOnce(&mut dyn BufRead) -> io::Result<T>,
    ) -> io::Result<T> {
        read_batch_body(&mut self.out, size, read)
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
/// body) to `read`, then skips what it left and checks the newline after
/// it: a body shorter than its header said is an error, never a shorter
/// object.
fn read_batch_body<T>(
    out: &mut impl BufRead,
    size: u64,
    read: impl FnOnce(&mut dyn BufRead) -> io::Result<T>,
) -> io::Result<T> {
    let mut body = out.take(size);
    let value = read(&mut body)?;
    io::copy(&mut body, &mut io::sink())?;
    let short = body.limit();
    let mut newline = [0u8; 1];
    if short > 0 || out.read_exact(&mut newline).is_err() || newline != *b"\n" {
        return Err(io::Error::other(
            "git cat-file ended inside an object, or an object did not end where its size said",
        ));
    }
    Ok(value)
}

/// A running `git cat-file --batch` fed with object ids, read in order.
pub struct BlobStream {
    child: Child,
    out: BufReader<ChildStdout>,
    writer: Option<JoinHandle<()>>,
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
    /// A read error, output that is not a `cat-file` header, or the end of
    /// the output.
    pub fn next_header(&mut self) -> io::Result<BatchHeader> {
        read_header(&mut self.out)?.ok_or_else(|| io::Error::other("git cat-file ended early"))
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

    #[test]
    fn only_exact_cat_file_headers_parse() {
        let id = "a".repeat(40);
        assert_eq!(
            parse_header(format!("{id} blob 12\n").as_bytes()).unwrap(),
            BatchHeader::Object {
                id: id.clone(),
                kind: ObjectKind::Blob,
                size: 12
            }
        );
        assert_eq!(
            parse_header(format!("{id} missing\n").as_bytes()).unwrap(),
            BatchHeader::Missing(id.clone())
        );
        for bad in [
            format!("{id} blob 12 a missing\n"),
            format!("{id} blob 12"),
            format!("{id} blob -1\n"),
            format!("{id} blob +1\n"),
            format!("{id} blob\n"),
            format!("{id} sock 1\n"),
            format!("{} missing\n", "A".repeat(40)),
            "xyz missing\n".to_owned(),
            "a missing\n".to_owned(),
            format!("{id}  missing\n"),
            String::new(),
        ] {
            assert!(parse_header(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_body_cut_short_or_not_ended_by_a_newline_is_an_error() {
        let read = |bytes: &[u8], size| {
            let mut out = BufReader::new(bytes);
            read_batch_body(&mut out, size, |body| {
                let mut v = Vec::new();
                body.read_to_end(&mut v)?;
                Ok(v)
            })
        };
        assert_eq!(read(b"hello\n", 5).unwrap(), b"hello");
        assert!(read(b"hel", 5).is_err());
        assert!(read(b"hello", 5).is_err());
        assert!(read(b"helloX", 5).is_err());
        // What the reader leaves is skipped.
        let mut out = BufReader::new(&b"hello\nnext"[..]);
        read_batch_body(&mut out, 5, |_| Ok(())).unwrap();
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next");
    }

    #[test]
    fn log_paths_are_taken_whole_and_merges_name_without_touching() {
        let (c1, c2, m) = ("1".repeat(40), "2".repeat(40), "3".repeat(40));
        let (a, b, z) = ("a".repeat(40), "b".repeat(40), "0".repeat(40));
        let mut log = Vec::new();
        log.extend_from_slice(format!("commit {c1} \0\n:000000 100644 {z} {a} A\0").as_bytes());
        log.extend_from_slice(b"two\nlines\0");
        log.extend_from_slice(format!(":000000 100644 {z} {z} A\0").as_bytes());
        log.extend_from_slice(format!("commit {c2} {c1}\0").as_bytes());
        log.extend_from_slice(format!("commit {m} {c1} {c2}\0\n").as_bytes());
        log.extend_from_slice(format!(":100644 100644 {z} {b} M\0").as_bytes());
        log.extend_from_slice(b":looks like meta\0");
        log.extend_from_slice(format!("commit {c2} {c1}\0\n").as_bytes());
        log.extend_from_slice(format!(":100644 000000 {a} {z} D\0").as_bytes());
        log.extend_from_slice(b"two\nlines\0");
        let ids: HashSet<String> = [a.clone(), b.clone()].into();
        let mut found = HashMap::new();
        parse_log(&log[..], &ids, &mut found).unwrap();
        assert_eq!(found[&a].path.as_deref(), Some(&b"two\nlines"[..]));
        assert_eq!(found[&a].commits, vec![c1.clone(), c2.clone()]);
        assert_eq!(found[&b].path.as_deref(), Some(&b":looks like meta"[..]));
        assert!(found[&b].commits.is_empty(), "a merge does not count");
        // A meta field without its path, or garbage, is an error.
        let mut found = HashMap::new();
        assert!(
            parse_log(
                format!(":000000 100644 {z} {a} A").as_bytes(),
                &ids,
                &mut found
            )
            .is_err()
        );
        assert!(parse_log(&b"garbage\0"[..], &ids, &mut found).is_err());
    }
}
