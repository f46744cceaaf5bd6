//! The Unix side of [`crate::platform`]: modes, `O_NOFOLLOW`, `exec`,
//! rlimits and signals through `libc`, processes from `/proc`.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Privacy, Process};

/// The core-file size limit the process started with, to give back to the
/// command `run` execs.
static CORE_LIMIT: std::sync::OnceLock<libc::rlimit> = std::sync::OnceLock::new();

/// What ghenv sets up before anything else (std's runtime has already
/// opened closed standard descriptors on /dev/null and ignores SIGPIPE):
/// SIGXFSZ is ignored, so that a write past the file-size limit
/// (`ulimit -f`) fails with an error ghenv reports (exit 7, nothing
/// half-written) instead of killing it silently. The commands ghenv starts
/// get the default back ([`child_signals`]).
#[allow(unsafe_code)]
pub fn start_process() {
    // SAFETY: installs the ignore disposition; no handler code runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Gives the process the default SIGXFSZ back, right before it execs or
/// spawns a command that should behave as it would without ghenv.
#[allow(unsafe_code)]
pub fn child_signals() {
    // SAFETY: as in start_process.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
    }
}

/// Keeps the token out of core dumps while ghenv holds it: no core files
/// (`RLIMIT_CORE` 0) and, on Linux, not dumpable (which also keeps other
/// processes of the user from attaching a debugger). Best effort: a system
/// that refuses leaves things as they were.
#[allow(unsafe_code)]
pub fn forbid_core_dumps() {
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the plain struct
    // passed by pointer, which lives on this stack frame.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_CORE, &mut old) == 0 {
            let _ = CORE_LIMIT.set(old);
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: old.rlim_max,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes plain integers and no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Gives the command `run` is about to exec the core-file limit ghenv
/// started with (exec makes it dumpable again by itself).
#[allow(unsafe_code)]
pub fn restore_core_dumps() {
    if let Some(old) = CORE_LIMIT.get() {
        // SAFETY: as in forbid_core_dumps.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, old);
        }
    }
}

/// While alive, Ctrl-C clears the terminal line before ghenv dies of the
/// signal (see [`clear_line_on_interrupt`]); dropping it puts back the
/// handler it replaced.
#[derive(Debug)]
pub struct InterruptGuard(libc::sighandler_t);

/// Makes Ctrl-C clear the spinner's line before ghenv dies of the signal,
/// so the shell prompt does not land on a half-drawn frame.
#[allow(unsafe_code)]
pub fn clear_line_on_interrupt() -> InterruptGuard {
    let handler = clear_line_and_reraise as extern "C" fn(libc::c_int);
    // SAFETY: installing a handler that only makes async-signal-safe calls.
    InterruptGuard(unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) })
}

impl Drop for InterruptGuard {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        if self.0 != libc::SIG_ERR {
            // SAFETY: restores a handler the process had.
            unsafe {
                libc::signal(libc::SIGINT, self.0);
            }
        }
    }
}

/// Clears the terminal line, then dies of the signal as the default action
/// would (so the shell sees an interrupted command). Only async-signal-safe
/// calls.
#[allow(unsafe_code)]
extern "C" fn clear_line_and_reraise(signal: libc::c_int) {
    const CLEAR: &[u8] = b"\r\x1b[2K";
    // SAFETY: write, signal and raise are async-signal-safe, and CLEAR is a
    // static buffer.
    unsafe {
        libc::write(2, CLEAR.as_ptr().cast(), CLEAR.len());
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Whether standard error is a regular file (`2>log`).
pub fn stderr_is_file() -> bool {
    io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .and_then(|fd| File::from(fd).metadata().ok())
        .is_some_and(|m| m.is_file())
}

/// The permission bits of the file `meta` describes.
pub fn mode_of(_path: &Path, meta: &fs::Metadata) -> u32 {
    meta.permissions().mode() & 0o7777
}

/// The owner and group of the file `meta` describes.
pub fn owner_of(meta: &fs::Metadata) -> (u32, u32) {
    (meta.uid(), meta.gid())
}

/// A new temp file in `dir` named `prefix…suffix`, removed when dropped.
/// `exact`: it gets `mode` as it is (created 0600, so a secret is never
/// readable by others even for an instant, then set); otherwise it is
/// created with `mode` and the umask takes its part, as for any new file.
///
/// # Errors
/// When it cannot be created or its mode set.
pub fn temp_file_in(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    mode: u32,
    exact: bool,
) -> io::Result<tempfile::NamedTempFile> {
    let create_mode = if exact { 0o600 } else { mode };
    let tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .permissions(fs::Permissions::from_mode(create_mode))
        .tempfile_in(dir)?;
    if exact {
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))?;
    }
    Ok(tmp)
}

/// When root writes (`sudo ghenv init`), the file keeps its owner, or a new
/// one gets the folder's: the user's `.env` must stay the user's.
///
/// # Errors
/// When the owner cannot be read or changed.
pub fn keep_owner(file: &File, dir: &Path, owner: Option<(u32, u32)>) -> io::Result<()> {
    if file.metadata()?.uid() != 0 {
        return Ok(()); // only root can give a file away
    }
    let (uid, gid) = match owner {
        Some(o) => o,
        None => {
            let d = fs::metadata(dir)?;
            (d.uid(), d.gid())
        }
    };
    if uid == 0 && gid == 0 {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(uid), Some(gid))
}

/// Renames the written temp file over `dest` (`rename(2)`: atomic).
///
/// # Errors
/// When the rename fails; the temp file is removed.
pub fn replace(tmp: tempfile::NamedTempFile, dest: &Path) -> io::Result<()> {
    tmp.persist(dest).map(drop).map_err(|e| e.error)
}

/// Makes the renames in `dir` durable (fsync of the folder). Best effort.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The file whose lock stands for a lock on the folder `dir`: the folder
/// itself.
///
/// # Errors
/// When it cannot be opened.
pub fn lock_file_for(dir: &Path) -> io::Result<File> {
    File::open(dir)
}

/// Creates `path`, which must not exist, readable and writable by its
/// owner only (0600).
///
/// # Errors
/// When it exists or cannot be created.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Creates `dir` and its missing parents with mode 0700 (for folders that
/// hold keys); an existing folder is left as it is.
///
/// # Errors
/// When it cannot be created.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Opens `path` for reading without following a link in its last part
/// (`O_NOFOLLOW`, failing as [`is_link_refusal`] says) and without hanging
/// on a FIFO (`O_NONBLOCK`). A folder opens, and fails the first read as
/// [`is_directory_error`] says.
///
/// # Errors
/// As `open(2)`.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Whether [`open_no_follow`] failed because `path` is a link.
pub fn is_link_refusal(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Whether opening or reading failed because the path is a folder.
pub fn is_directory_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EISDIR)
}

/// A path from the bytes git (or a scan report) gave: the bytes are the
/// name.
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

/// Replaces ghenv with `cmd` (`execvp`), so its exit status and signals are
/// its own; it gets the core-file limit and SIGXFSZ ghenv started with.
/// Returns only when that fails.
pub fn exec(mut cmd: Command) -> io::Error {
    use std::os::unix::process::CommandExt;
    restore_core_dumps();
    child_signals();
    cmd.exec()
}

/// Ctrl-C or SIGTERM.
pub async fn termination() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}

/// The id of the process that started ghenv.
pub fn parent_id() -> u32 {
    std::os::unix::process::parent_id()
}

/// The running processes whose first two arguments `keep` accepts, with
/// their working folder and start time; `None` where processes cannot be
/// listed. Linux reads `/proc`; elsewhere (no `/proc`) the list is empty.
pub fn processes(keep: impl Fn(&[String]) -> bool) -> Option<Vec<Process>> {
    let Ok(procs) = fs::read_dir("/proc") else {
        return Some(Vec::new());
    };
    let boot = boot_time();
    let tick = 100.0; // USER_HZ, 100 on every Linux ghenv runs on
    let mut out = Vec::new();
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let base = entry.path();
        let Ok(cmdline) = fs::read(base.join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|&b| b == 0)
            .take(2)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if !keep(&args) {
            continue;
        }
        let started = fs::read_to_string(base.join("stat")).ok().and_then(|stat| {
            let after = &stat[stat.rfind(')')? + 2..];
            let ticks: f64 = after.split(' ').nth(19)?.parse().ok()?;
            Some(boot? + ticks / tick)
        });
        out.push(Process {
            pid,
            args,
            cwd: fs::read_link(base.join("cwd")).ok(),
            started,
        });
    }
    Some(out)
}

fn boot_time() -> Option<f64> {
    fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// Whether the file at `path` can be read by others, for doctor; `shown`
/// is its name as the fix should print it. `None` when it cannot be read.
pub fn privacy(path: &Path, shown: &str) -> Option<Privacy> {
    let meta = fs::metadata(path).ok()?;
    let mode = meta.permissions().mode() & 0o777;
    Some(if mode == 0o600 {
        Privacy::OwnerOnly("0600")
    } else {
        Privacy::Shared {
            what: format!("has mode {mode:o}"),
            fix: format!("chmod 600 {shown}"),
        }
    })
}

/// The folder under which ghenv keeps its per-user files:
/// `$XDG_CONFIG_HOME`, else `~/.config`. `var` reads the environment.
pub fn config_base(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// The folder under which ghenv keeps its caches: `$XDG_CACHE_HOME`, else
/// `~/.cache`.
pub fn cache_base(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
}

/// The user's home folder: `$HOME`.
pub fn home(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("HOME").map(PathBuf::from)
}

/// The program `name` names: on Unix, exactly what `exec` looks up on
/// PATH itself.
pub fn program(name: &OsStr) -> std::ffi::OsString {
    name.to_os_string()
}

/// Opens `url` in the browser (`xdg-open`, or `open` on macOS; under
/// WSL, where `xdg-open` is often missing, `wslview` or Windows' own URL
/// handler, never `cmd.exe /c start`, which would read `&` in the URL as
/// a command separator); whether that worked.
pub fn open_url(url: &str) -> bool {
    let quiet = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if cfg!(target_os = "macos") {
        return quiet("open", &[url]);
    }
    quiet("xdg-open", &[url])
        || (is_wsl()
            && (quiet("wslview", &[url])
                || quiet("rundll32.exe", &["url.dll,FileProtocolHandler", url])))
}

/// Whether this Linux runs under the Windows Subsystem for Linux.
fn is_wsl() -> bool {
    std::env::var_os("WSL_DISTRO_NAME").is_some()
        || fs::read_to_string("/proc/sys/kernel/osrelease")
            .is_ok_and(|r| r.to_ascii_lowercase().contains("microsoft"))
}

/// Puts `text` (nothing secret: a device flow's user code) on the
/// clipboard with the first tool there is (`pbcopy`; `wl-copy`, `xclip`,
/// `xsel`; `clip.exe` under WSL); whether one took it.
pub fn copy_to_clipboard(text: &str) -> bool {
    let tools: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("pbcopy", &[])]
    } else {
        &[
            ("wl-copy", &[]),
            ("xclip", &["-selection", "clipboard"]),
            ("xsel", &["--clipboard", "--input"]),
            ("clip.exe", &[]),
        ]
    };
    tools
        .iter()
        .any(|(program, args)| super::pipe_into(program, args, text))
}
