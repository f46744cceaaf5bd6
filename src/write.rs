//! Reading the project's existing files safely and writing new versions of
//! them all-or-nothing: every file goes to a temp file in the same folder,
//! is fsynced, and only when all are ready are they renamed into place, in
//! the order given (the source of truth last), so a failure leaves the old
//! files untouched and a crash leaves each file either old or new, never
//! half-written. Writers hold a lock on the project folder, and remove the
//! temp files a crash left behind. Also: `.gitignore` upkeep.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::platform;

/// Mode of files that hold a secret: only the owner may read them.
pub const SECRET_MODE: u32 = 0o600;
/// Mode of new files that hold no secret, before the umask takes its part.
pub const PUBLIC_MODE: u32 = 0o666;
/// The prefix and suffix of ghenv's temp files.
const TEMP_PREFIX: &str = ".ghenv-";
const TEMP_SUFFIX: &str = ".tmp";
/// A `.gitignore` pattern for those temp files.
pub const TEMP_PATTERN: &str = ".ghenv-*.tmp";

/// A file as found before writing.
#[derive(Debug)]
pub struct Existing {
    /// Its text.
    pub text: Zeroizing<String>,
    /// Its permission bits.
    pub mode: u32,
    /// Its owner and group, kept when root rewrites it.
    pub owner: (u32, u32),
}

/// Reads `path` if it exists, refusing anything ghenv should not rewrite: a
/// directory, a symbolic link, a non-regular file, or text that is not UTF-8.
///
/// # Errors
/// [`Error::Symlink`], [`Error::IsDirectory`], [`Error::NotARegularFile`] or
/// [`Error::NotUtf8`], [`Error::Io`] when it cannot be
/// read.
pub fn read_existing(path: &Path) -> Result<Option<Existing>> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("inspect", path, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Error::Symlink(path.to_path_buf()));
    }
    if meta.is_dir() {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(Error::NotARegularFile(path.to_path_buf()));
    }
    let bytes = fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let bytes = Zeroizing::new(bytes);
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::NotUtf8(path.to_path_buf()))?;
    Ok(Some(Existing {
        text: Zeroizing::new(text.to_owned()),
        mode: platform::mode_of(path, &meta),
        owner: platform::owner_of(&meta),
    }))
}

/// What will happen, or happened, to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The file did not exist.
    Created,
    /// The file existed and its content or mode changes.
    Updated,
    /// The file already had this content and mode.
    Unchanged,
}

/// A file to write.
#[derive(Clone)]
pub struct Change {
    /// Where.
    pub path: PathBuf,
    /// The new content.
    pub contents: Zeroizing<String>,
    /// The new permission bits.
    pub mode: u32,
    /// Whether `mode` is only asked for and the umask takes its part (new
    /// files that hold no secret), rather than set as it is.
    pub follow_umask: bool,
    /// The owner to keep, when the file exists.
    pub owner: Option<(u32, u32)>,
    /// Created, updated or unchanged.
    pub status: Status,
}

impl Change {
    /// Plans writing `contents` to `path`, given what is there now. Secret
    /// files always get [`SECRET_MODE`]; others keep their mode, or get
    /// [`PUBLIC_MODE`] less the umask when new. An existing file keeps its
    /// owner.
    pub fn new(
        path: PathBuf,
        existing: Option<&Existing>,
        contents: Zeroizing<String>,
        secret: bool,
    ) -> Change {
        let mode = match (secret, existing) {
            (true, _) => SECRET_MODE,
            (false, Some(e)) => e.mode,
            (false, None) => PUBLIC_MODE,
        };
        let status = match existing {
            None => Status::Created,
            Some(e) if *e.text == *contents && e.mode == mode => Status::Unchanged,
            Some(_) => Status::Updated,
        };
        Change {
            path,
            contents,
            mode,
            follow_umask: !secret && existing.is_none(),
            owner: existing.map(|e| e.owner),
            status,
        }
    }
}

/// Writes every changed file, all or nothing (see the module docs).
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written; no file has been
/// replaced when this happens before the renames (the usual case: a full
/// disk, a read-only folder).
pub fn commit(changes: &[Change]) -> Result<()> {
    commit_observed(changes, true)
}

/// [`commit`] for ghenv's own files under the user's config folder (what
/// was accepted, the machine key): the test-only crash and fail points
/// stand for a cut in the project's write, so they do not fire here.
///
/// # Errors
/// As [`commit`].
pub fn commit_private(changes: &[Change]) -> Result<()> {
    commit_observed(changes, false)
}

fn commit_observed(changes: &[Change], points: bool) -> Result<()> {
    let failpoint = |name: &str| if points { failpoint(name) } else { Ok(()) };
    let crash_point = |name: &str| {
        if points {
            crash_point(name);
        }
    };
    let mut staged = Vec::new();
    for change in changes.iter().filter(|c| c.status != Status::Unchanged) {
        let dir = parent(&change.path);
        let tmp = stage(dir, change).map_err(|e| Error::io("write", &change.path, e))?;
        staged.push((tmp, change));
    }
    failpoint("after-temp")?;
    crash_point("after-temp");
    let mut dirs: Vec<&Path> = Vec::new();
    for (i, (tmp, change)) in staged.into_iter().enumerate() {
        platform::replace(tmp, &change.path).map_err(|e| Error::io("replace", &change.path, e))?;
        crash_point(&format!("after-rename-{}", i + 1));
        let dir = parent(&change.path);
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    for dir in dirs {
        // Make the renames themselves durable.
        platform::sync_dir(dir);
    }
    Ok(())
}

/// An exclusive lock on a folder, held until dropped: one writing ghenv at
/// a time per project, so that each re-reads the files the other wrote.
#[derive(Debug)]
pub struct FolderLock(#[allow(dead_code)] fs::File);

/// Locks `dir` (waiting for another ghenv that holds it), then removes the
/// temp files a crashed ghenv left there: they may hold the token, and
/// nothing else can be writing them while the lock is held.
///
/// # Errors
/// [`Error::Io`] when the folder cannot be opened or locked.
pub fn lock_folder(dir: &Path) -> Result<FolderLock> {
    let file = platform::lock_file_for(dir).map_err(|e| Error::io("open", dir, e))?;
    file.lock().map_err(|e| Error::io("lock", dir, e))?;
    sweep(dir);
    Ok(FolderLock(file))
}

/// Removes the temp files a crashed ghenv left in `folder` (they may hold
/// the token). Only while the project's lock is held: nothing else can be
/// writing them then.
pub fn sweep(folder: &Path) {
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
            if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// [`sweep`]s `folders` when no other ghenv holds the lock of `dir`, and
/// leaves them alone (without waiting) when one does: every command
/// cleans up after a crash, none waits for another to do so.
pub fn sweep_if_idle(dir: &Path, folders: &[&Path]) {
    let Ok(file) = platform::lock_file_for(dir) else {
        return;
    };
    if file.try_lock().is_ok() {
        for folder in folders {
            sweep(folder);
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn stage(dir: &Path, change: &Change) -> io::Result<tempfile::NamedTempFile> {
    // A secret's temp file is private from the start (0600; an owner-only
    // DACL on Windows), so it is never readable by others, even for an
    // instant. A new public file gets PUBLIC_MODE and the umask decides the
    // rest, as for any new file.
    let mut tmp = platform::temp_file_in(
        dir,
        TEMP_PREFIX,
        TEMP_SUFFIX,
        change.mode,
        !change.follow_umask,
    )?;
    tmp.write_all(change.contents.as_bytes())?;
    platform::keep_owner(tmp.as_file(), dir, change.owner)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// A test-only way to fail at a named point, so tests can prove a failure
/// there leaves old files intact. Compiled out of release builds.
fn failpoint(name: &str) -> Result<()> {
    if cfg!(debug_assertions) && std::env::var("GHENV_FAILPOINT").is_ok_and(|v| v == name) {
        return Err(Error::io(
            "write",
            PathBuf::from("(failpoint)"),
            io::Error::other(format!("failpoint {name}")),
        ));
    }
    Ok(())
}

/// A test-only crash: with `GHENV_CRASHPOINT=NAME`, the process is killed
/// (abort, no unwinding, no clean-up) at that point, as a power cut or
/// SIGKILL would. Compiled out of release builds.
fn crash_point(name: &str) {
    if cfg!(debug_assertions) && std::env::var("GHENV_CRASHPOINT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

/// Writes a secret file that must not exist yet (owner-only, created
/// exclusively).
///
/// # Errors
/// [`Error::Io`] when it exists or cannot be written.
pub fn create_new_secret(path: &Path, contents: &[u8]) -> Result<()> {
    let mut f = platform::create_new_private(path).map_err(|e| Error::io("create", path, e))?;
    f.write_all(contents)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io("write", path, e))
}

/// Creates `dir` and its missing parents with mode 0700 (for folders that
/// hold keys); an existing folder is left as it is.
///
/// # Errors
/// [`Error::Io`] when it cannot be created.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    platform::create_private_dir(dir).map_err(|e| Error::io("create", dir, e))
}

/// The `.gitignore` text that ignores `entry`, or `None` when `existing`
/// already does: its last plain line naming `entry` (`.env`, `/.env`) is not
/// a negation (`!.env`), since git lets the last matching line win. With
/// `force`, the entry is appended whatever the text says (git itself said
/// the file is not ignored).
pub fn gitignore_with(existing: Option<&str>, entry: &str, force: bool) -> Option<String> {
    let existing = existing.unwrap_or("");
    let anchored = format!("/{entry}");
    let last = existing.lines().map(str::trim).rev().find_map(|l| {
        let (negated, pattern) = match l.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, l),
        };
        (pattern == entry || pattern == anchored).then_some(negated)
    });
    if last == Some(false) && !force {
        return None;
    }
    let eol = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = existing.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(entry);
    out.push_str(eol);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    #[test]
    fn gitignore_appends_once_and_keeps_style() {
        assert_eq!(
            gitignore_with(None, ".env", false).as_deref(),
            Some(".env\n")
        );
        assert_eq!(
            gitignore_with(Some("node_modules"), ".env", false).as_deref(),
            Some("node_modules\n.env\n")
        );
        assert_eq!(
            gitignore_with(Some("a\r\nb\r\n"), ".env", false).as_deref(),
            Some("a\r\nb\r\n.env\r\n")
        );
        assert_eq!(gitignore_with(Some("x\n.env\n"), ".env", false), None);
        assert_eq!(gitignore_with(Some("  /.env  \n"), ".env", false), None);
        assert!(gitignore_with(Some(".env.example\n"), ".env", false).is_some());
        // The last line wins: a negation after .env un-ignores it.
        assert_eq!(
            gitignore_with(Some(".env\n!.env\n"), ".env", false).as_deref(),
            Some(".env\n!.env\n.env\n")
        );
        assert_eq!(gitignore_with(Some("!.env\n.env\n"), ".env", false), None);
        assert!(gitignore_with(Some(".env\n"), ".env", true).is_some());
    }

    #[test]
    #[cfg(unix)]
    fn commit_writes_modes_and_skips_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join(".env");
        let public = dir.path().join("config.toml");
        let changes = vec![
            Change::new(secret.clone(), None, Zeroizing::new("A=1\n".into()), true),
            Change::new(
                public.clone(),
                None,
                Zeroizing::new("x = 1\n".into()),
                false,
            ),
        ];
        commit(&changes).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&secret), 0o600);
        // A new public file is 0644 less the umask, whatever the umask is
        // where the test runs: a plain file made the same way says what.
        let probe = dir.path().join("probe");
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&probe)
            .unwrap();
        assert_eq!(mode(&public), mode(&probe));
        fs::remove_file(&probe).unwrap();
        let existing = read_existing(&secret).unwrap().unwrap();
        let again = Change::new(
            secret.clone(),
            Some(&existing),
            Zeroizing::new("A=1\n".into()),
            true,
        );
        assert_eq!(again.status, Status::Unchanged);
        // No temp files are left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    #[cfg(unix)]
    fn existing_secret_file_is_tightened_to_0600() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        fs::write(&p, "A=1\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        let existing = read_existing(&p).unwrap().unwrap();
        let c = Change::new(
            p.clone(),
            Some(&existing),
            Zeroizing::new("A=1\n".into()),
            true,
        );
        assert_eq!(c.status, Status::Updated);
        commit(&[c]).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    #[cfg(unix)]
    fn links_directories_and_binary_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, "x").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("link")).unwrap();
        assert!(matches!(
            read_existing(&dir.path().join("link")),
            Err(Error::Symlink(_))
        ));
        fs::create_dir(dir.path().join("d")).unwrap();
        assert!(matches!(
            read_existing(&dir.path().join("d")),
            Err(Error::IsDirectory(_))
        ));
        fs::write(dir.path().join("bin"), [0xff, 0xfe]).unwrap();
        assert!(matches!(
            read_existing(&dir.path().join("bin")),
            Err(Error::NotUtf8(_))
        ));
        assert!(
            read_existing(&dir.path().join("missing"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn secrets_are_written_private_and_files_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join(".env");
        fs::write(&secret, "OLD=1\n").unwrap();
        let existing = read_existing(&secret).unwrap().unwrap();
        let c = Change::new(
            secret.clone(),
            Some(&existing),
            Zeroizing::new("A=1\n".into()),
            true,
        );
        assert_eq!(c.status, Status::Updated);
        commit(&[c]).unwrap();
        assert_eq!(fs::read_to_string(&secret).unwrap(), "A=1\n");
        assert!(platform::is_private(&secret));
        let key = dir.path().join("k").join("key.txt");
        create_private_dir(key.parent().unwrap()).unwrap();
        create_new_secret(&key, b"x").unwrap();
        assert!(platform::is_private(&key));
        assert!(create_new_secret(&key, b"y").is_err(), "never overwrites");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temp file left: {names:?}");
    }
}
