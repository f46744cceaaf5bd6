//! The Windows side of [`crate::platform`]. Windows has no file modes: a
//! file that holds the token gets a DACL naming its owner alone, protected
//! (nothing inherited from the folder), given at creation through
//! `CreateFileW`'s security attributes so it is never readable by others,
//! even for an instant. No exec: `run` spawns, waits and exits with the
//! child's code. No core-file limits, SIGXFSZ or `/proc`.
//!
//! The calls into Windows are `unsafe` FFI; each block says why it is
//! sound.
#![allow(unsafe_code)]

use std::ffi::{OsStr, c_void};
use std::fs::{self, File};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsHandle, FromRawHandle, OwnedHandle};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;
use std::time::Duration;

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_ACCESS_DENIED, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION, GENERIC_READ,
    GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
    GetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, EqualSid, GetAce,
    GetSecurityDescriptorControl, GetTokenInformation, PSECURITY_DESCRIPTOR, PSID,
    SE_DACL_PROTECTED, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_SHARE_DELETE,
    FILE_SHARE_READ, FILE_SHARE_WRITE,
};
use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

use super::{Privacy, Process};

/// `ACCESS_ALLOWED_ACE_TYPE` and `ACCESS_DENIED_ACE_TYPE`.
const ACCESS_ALLOWED: u8 = 0;
const ACCESS_DENIED: u8 = 1;

/// Nothing to set up: Windows has no SIGXFSZ (a write past a quota fails
/// with an error ghenv reports).
pub fn start_process() {}

/// Nothing to give back (see [`start_process`]).
pub fn child_signals() {}

/// Nothing to do: Windows has no core-file limit; Windows Error Reporting
/// writes dumps only where an administrator configured `LocalDumps`.
pub fn forbid_core_dumps() {}

/// Nothing to give back (see [`forbid_core_dumps`]).
pub fn restore_core_dumps() {}

/// Ctrl-C ends ghenv by the console's default action; the spinner's line
/// is left as it is.
#[derive(Debug)]
pub struct InterruptGuard;

/// See [`InterruptGuard`].
pub fn clear_line_on_interrupt() -> InterruptGuard {
    InterruptGuard
}

/// Whether standard error is a regular file (`2>log`).
pub fn stderr_is_file() -> bool {
    io::stderr()
        .as_handle()
        .try_clone_to_owned()
        .ok()
        .and_then(|h| File::from(h).metadata().ok())
        .is_some_and(|m| m.is_file())
}

/// The file's permissions as Unix bits: `0o600` when its DACL is
/// owner-only ([`owner_only`]), else `0o444` when read-only, else `0o666`.
pub fn mode_of(path: &Path, meta: &fs::Metadata) -> u32 {
    if owner_only(path).unwrap_or(false) {
        0o600
    } else if meta.permissions().readonly() {
        0o444
    } else {
        0o666
    }
}

/// No uid and gid on Windows.
pub fn owner_of(_meta: &fs::Metadata) -> (u32, u32) {
    (0, 0)
}

/// A new temp file in `dir` named `prefix…suffix`, removed when dropped:
/// owner-only from its creation when `mode` gives others nothing (a
/// secret), else with what the folder passes on.
///
/// # Errors
/// When it cannot be created.
pub fn temp_file_in(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    mode: u32,
    _exact: bool,
) -> io::Result<tempfile::NamedTempFile> {
    let private = mode & 0o077 == 0;
    tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .make_in(dir, |path| {
            if private {
                create_new_private(path)
            } else {
                fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .open(path)
            }
        })
}

/// Nothing to do: ownership is not given away on Windows.
///
/// # Errors
/// Never.
pub fn keep_owner(_file: &File, _dir: &Path, _owner: Option<(u32, u32)>) -> io::Result<()> {
    Ok(())
}

/// How many times, and how long apart, a replace blocked by another
/// program is tried again (about 2.5 s in all).
const REPLACE_TRIES: u32 = 12;
const REPLACE_PAUSE: Duration = Duration::from_millis(40);

/// Moves the written temp file over `dest` (`MoveFileExW` with
/// `MOVEFILE_REPLACE_EXISTING`: atomic on NTFS). An editor, a dev server's
/// watcher or an antivirus may hold `dest` open for a moment without
/// sharing delete: the move is tried again for a few seconds, then fails
/// with an error that says so.
///
/// # Errors
/// When the move keeps failing; the temp file is removed.
pub fn replace(tmp: tempfile::NamedTempFile, dest: &Path) -> io::Result<()> {
    let mut tmp = tmp;
    let mut pause = REPLACE_PAUSE;
    for attempt in 1.. {
        let e = match tmp.persist(dest) {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        let held = matches!(
            e.error.raw_os_error().map(|c| c as u32),
            Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
        );
        if !held {
            return Err(e.error);
        }
        if attempt >= REPLACE_TRIES {
            return Err(io::Error::new(
                e.error.kind(),
                format!(
                    "{} (still, after {attempt} tries: another program, such as an editor, a dev server or an antivirus, holds the file open, or it is read-only; close that program and run ghenv again)",
                    e.error
                ),
            ));
        }
        tmp = e.file;
        std::thread::sleep(pause);
        pause = (pause * 3 / 2).min(Duration::from_millis(400));
    }
    unreachable!("the loop returns")
}

/// Nothing to do: NTFS journals the rename itself, and a folder cannot be
/// flushed without opening it for writing.
pub fn sync_dir(_dir: &Path) {}

/// The file whose lock stands for a lock on the folder `dir`: a folder
/// handle cannot be locked on Windows, so a file in the user's temp folder
/// named after the folder's canonical path (a digest: no name to escape)
/// stands for it.
///
/// # Errors
/// When the folder cannot be resolved or the file created.
pub fn lock_file_for(dir: &Path) -> io::Result<File> {
    use sha2::Digest;
    let real = fs::canonicalize(dir)?;
    let digest = sha2::Sha256::digest(real.as_os_str().as_encoded_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let locks = std::env::temp_dir().join("ghenv-locks");
    fs::create_dir_all(&locks)?;
    fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(locks.join(format!("{hex}.lock")))
}

/// Creates `path`, which must not exist, with an owner-only protected DACL
/// from the start.
///
/// # Errors
/// When it exists or cannot be created.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    let sd = PrivateDescriptor::new()?;
    let sa = sd.attributes();
    let wide = wide(path.as_os_str())?;
    // SAFETY: `wide` is NUL-terminated and outlives the call; `sa` points
    // at a descriptor `sd` keeps alive until after the call.
    let handle: HANDLE = unsafe {
        CreateFileW(
            wide.as_ptr(),
            GENERIC_READ | GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            &sa,
            CREATE_NEW,
            FILE_ATTRIBUTE_NORMAL,
            ptr::null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a valid handle CreateFileW just returned, owned by no one
    // else.
    Ok(File::from(unsafe { OwnedHandle::from_raw_handle(handle) }))
}

/// Creates `dir` and its missing parents; `dir` itself gets an owner-only
/// protected DACL (what 0700 means on Unix). An existing folder is left as
/// it is.
///
/// # Errors
/// When it cannot be created.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let sd = PrivateDescriptor::new()?;
    let sa = sd.attributes();
    let wide = wide(dir.as_os_str())?;
    // SAFETY: as in create_new_private.
    if unsafe { CreateDirectoryW(wide.as_ptr(), &sa) } == 0 {
        let e = io::Error::last_os_error();
        if !(e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir()) {
            return Err(e);
        }
    }
    Ok(())
}

/// Why [`open_no_follow`] refused a path.
#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Refused {}

const IS_A_LINK: &str = "is a link";
const IS_A_FOLDER: &str = "is a folder";

fn refused(e: &io::Error, why: &str) -> bool {
    e.get_ref()
        .and_then(|r| r.downcast_ref::<Refused>())
        .is_some_and(|r| r.0 == why)
}

/// Opens `path` for reading unless its last part is a link (a symbolic
/// link or a junction: [`is_link_refusal`]) or a folder
/// ([`is_directory_error`]). Windows has no `O_NOFOLLOW`: the check is a
/// `symlink_metadata` right before the open.
///
/// # Errors
/// As above, or as `CreateFileW`.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::other(Refused(IS_A_LINK)));
    }
    if meta.is_dir() {
        return Err(io::Error::other(Refused(IS_A_FOLDER)));
    }
    File::open(path)
}

/// Whether [`open_no_follow`] refused `path` as a link.
pub fn is_link_refusal(e: &io::Error) -> bool {
    refused(e, IS_A_LINK)
}

/// Whether [`open_no_follow`] refused `path` as a folder.
pub fn is_directory_error(e: &io::Error) -> bool {
    refused(e, IS_A_FOLDER)
}

/// A path from the bytes git (or a scan report) gave: git for Windows
/// writes names as UTF-8.
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// Windows has no exec: runs `cmd` with ghenv's console, ignores Ctrl-C in
/// ghenv while it runs (the child gets it and decides; ghenv must outlive
/// it to pass its code on), waits, and exits with the child's code.
/// Returns only when `cmd` cannot be started.
pub fn exec(mut cmd: Command) -> io::Error {
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return e,
    };
    // After the spawn: a child inherits "ignore Ctrl-C" from its parent.
    // SAFETY: no handler routine; TRUE makes this process ignore Ctrl-C.
    unsafe {
        SetConsoleCtrlHandler(None, 1);
    }
    let code = child
        .wait()
        .ok()
        .and_then(|status| status.code())
        .unwrap_or(1);
    std::process::exit(code)
}

/// The program `name` names, as Windows' own shell finds it: a bare name
/// (`npm`) is looked up on PATH with each extension of PATHEXT, so
/// `npm.cmd`, `npx.cmd` and `yarn.cmd` are found (std alone tries `.exe`
/// only, and `ghenv run -- npm start` would say "program not found"). A
/// name with a folder or an extension is used as it is.
pub fn program(name: &OsStr) -> std::ffi::OsString {
    let as_path = Path::new(name);
    if as_path.extension().is_some() || as_path.components().count() > 1 {
        return name.to_os_string();
    }
    let exts = std::env::var("PATHEXT").unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".to_owned());
    let Some(path) = std::env::var_os("PATH") else {
        return name.to_os_string();
    };
    for dir in std::env::split_paths(&path) {
        for ext in exts.split(';').filter(|e| !e.is_empty()) {
            let mut file = name.to_os_string();
            file.push(ext.to_ascii_lowercase());
            let candidate = dir.join(&file);
            if candidate.is_file() {
                return candidate.into_os_string();
            }
        }
    }
    name.to_os_string()
}

/// Ctrl-C (or Ctrl-Break).
pub async fn termination() {
    let brk = tokio::signal::windows::ctrl_break();
    match brk {
        Ok(mut brk) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = brk.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Not looked up on Windows, where [`processes`] lists none: 0.
pub fn parent_id() -> u32 {
    0
}

/// `None`: a process's command line, working folder and start time are
/// not readable on Windows without reading its memory, so whether a dev
/// server predates a change cannot be told.
pub fn processes(_keep: impl Fn(&[String]) -> bool) -> Option<Vec<Process>> {
    None
}

/// Whether the file at `path` can be read by other accounts, for doctor.
/// `None` when it cannot be read.
pub fn privacy(path: &Path, shown: &str) -> Option<Privacy> {
    fs::metadata(path).ok()?;
    Some(if owner_only(path).unwrap_or(false) {
        Privacy::OwnerOnly("its permissions name only your account")
    } else {
        let user = UserSid::current()
            .and_then(|u| u.string())
            .unwrap_or_else(|_| "%USERNAME%".into());
        let user = if user.starts_with("S-") {
            format!("*{user}")
        } else {
            user
        };
        Privacy::Shared {
            what: "has permissions that let other accounts in (inherited from its folder)".into(),
            fix: format!("icacls \"{shown}\" /inheritance:r /grant:r \"{user}:F\""),
        }
    })
}

/// The folder under which ghenv keeps its per-user files:
/// `%XDG_CONFIG_HOME%` when set, else `%APPDATA%` (the roaming profile,
/// where Windows programs keep settings), else `%HOME%\.config`. APPDATA
/// comes before HOME: Git Bash sets HOME and PowerShell does not, and the
/// key made in one must be found from the other.
pub fn config_base(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("XDG_CONFIG_HOME")
        .or_else(|| var("APPDATA"))
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// The folder under which ghenv keeps its caches: `%XDG_CACHE_HOME%`, else
/// `%LOCALAPPDATA%` (not roamed), else `%HOME%\.cache`.
pub fn cache_base(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("XDG_CACHE_HOME")
        .or_else(|| var("LOCALAPPDATA"))
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
}

/// The user's home folder: `%HOME%` (Git Bash), else `%USERPROFILE%`.
pub fn home(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("HOME")
        .or_else(|| var("USERPROFILE"))
        .map(PathBuf::from)
}

/// Opens `url` in the default browser (`rundll32 url.dll,FileProtocolHandler`:
/// no shell, so `&` in the URL is not a command separator); whether that
/// worked.
pub fn open_url(url: &str) -> bool {
    Command::new("rundll32.exe")
        .arg("url.dll,FileProtocolHandler")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Puts `text` (nothing secret: a device flow's user code) on the
/// clipboard with Windows' `clip.exe`; whether it took it.
pub fn copy_to_clipboard(text: &str) -> bool {
    super::pipe_into("clip.exe", &[], text)
}

/// `s` as a NUL-terminated UTF-16 string.
fn wide(s: &OsStr) -> io::Result<Vec<u16>> {
    let mut w: Vec<u16> = s.encode_wide().collect();
    if w.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a path with a NUL character",
        ));
    }
    w.push(0);
    Ok(w)
}

/// The `TOKEN_USER` of this process: the account's SID.
struct UserSid {
    /// The buffer `GetTokenInformation` filled; u64 for its alignment.
    buf: Vec<u64>,
}

impl UserSid {
    fn current() -> io::Result<UserSid> {
        let mut token: HANDLE = ptr::null_mut();
        // SAFETY: the pseudo-handle of this process and an out pointer to a
        // local.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut len = 0u32;
        // SAFETY: asks for the size only (null buffer, length 0).
        unsafe {
            GetTokenInformation(token, TokenUser, ptr::null_mut(), 0, &mut len);
        }
        let mut buf = vec![0u64; (len as usize).div_ceil(8).max(1)];
        // SAFETY: `buf` holds at least `len` bytes, aligned for TOKEN_USER.
        let ok = unsafe {
            GetTokenInformation(
                token,
                TokenUser,
                buf.as_mut_ptr().cast::<c_void>(),
                len,
                &mut len,
            )
        };
        let result = if ok == 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(UserSid { buf })
        };
        // SAFETY: the token handle opened above, closed once.
        unsafe {
            CloseHandle(token);
        }
        result
    }

    fn sid(&self) -> PSID {
        // SAFETY: `buf` was filled by GetTokenInformation(TokenUser), which
        // writes a TOKEN_USER at its start (the SID it points to follows it
        // in the same buffer, alive as long as `self`).
        unsafe { (*self.buf.as_ptr().cast::<TOKEN_USER>()).User.Sid }
    }

    /// The SID as `S-1-5-21-…`.
    fn string(&self) -> io::Result<String> {
        let mut out: *mut u16 = ptr::null_mut();
        // SAFETY: a valid SID; `out` receives a LocalAlloc'ed string.
        if unsafe { ConvertSidToStringSidW(self.sid(), &mut out) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `out` is a NUL-terminated UTF-16 string, freed once after
        // it is copied.
        unsafe {
            let len = (0..).take_while(|&i| *out.add(i) != 0).count();
            let s = String::from_utf16_lossy(std::slice::from_raw_parts(out, len));
            LocalFree(out.cast());
            Ok(s)
        }
    }
}

/// A security descriptor whose DACL grants the current account full
/// access and no one else anything, protected from inheritance:
/// `D:P(A;;FA;;;<user SID>)`.
struct PrivateDescriptor(PSECURITY_DESCRIPTOR);

impl PrivateDescriptor {
    fn new() -> io::Result<PrivateDescriptor> {
        let sid = UserSid::current()?.string()?;
        let sddl = wide(OsStr::new(&format!("D:P(A;;FA;;;{sid})")))?;
        let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
        // SAFETY: a NUL-terminated SDDL string; `sd` receives a
        // LocalAlloc'ed descriptor that Drop frees.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(PrivateDescriptor(sd))
    }

    /// Security attributes pointing at this descriptor (valid while it
    /// lives).
    fn attributes(&self) -> SECURITY_ATTRIBUTES {
        SECURITY_ATTRIBUTES {
            nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: self.0,
            bInheritHandle: 0,
        }
    }
}

impl Drop for PrivateDescriptor {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptor…, freed once.
        unsafe {
            LocalFree(self.0);
        }
    }
}

/// Whether the DACL of `path` is protected (inherits nothing) and lets no
/// account but the current one in: every allow entry names this account
/// (deny entries take nothing away from that).
fn owner_only(path: &Path) -> io::Result<bool> {
    let wide = wide(path.as_os_str())?;
    let mut dacl: *mut ACL = ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: a NUL-terminated path and out pointers to locals; `sd` is
    // LocalAlloc'ed and freed below, `dacl` points into it.
    let status = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut dacl,
            ptr::null_mut(),
            &mut sd,
        )
    };
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status as i32));
    }
    let user = UserSid::current();
    // SAFETY: `sd` and `dacl` are valid until the LocalFree at the end; each
    // ACE GetAce returns lies inside `dacl` and starts with an ACE_HEADER.
    let only = unsafe {
        let mut control = 0u16;
        let mut revision = 0u32;
        let protected = GetSecurityDescriptorControl(sd, &mut control, &mut revision) != 0
            && control & SE_DACL_PROTECTED != 0;
        // A null DACL lets everyone in.
        let mut only = protected && !dacl.is_null() && user.is_ok();
        if let (true, Ok(user)) = (only, &user) {
            for i in 0..u32::from((*dacl).AceCount) {
                let mut ace: *mut c_void = ptr::null_mut();
                if GetAce(dacl, i, &mut ace) == 0 {
                    only = false;
                    break;
                }
                let header = &*ace.cast::<ACE_HEADER>();
                match header.AceType {
                    ACCESS_DENIED => {}
                    ACCESS_ALLOWED => {
                        let allowed = ace.cast::<ACCESS_ALLOWED_ACE>();
                        let sid: PSID = ptr::addr_of_mut!((*allowed).SidStart).cast();
                        if EqualSid(sid, user.sid()) == 0 {
                            only = false;
                            break;
                        }
                    }
                    // Object and callback entries: not what ghenv writes.
                    _ => {
                        only = false;
                        break;
                    }
                }
            }
        }
        LocalFree(sd);
        only
    };
    Ok(only)
}
