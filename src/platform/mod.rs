//! The process edges per operating system, and nothing else: private files,
//! atomic replace, folder locks and syncs, links, exec or spawn, signals,
//! core dumps, processes, and where the user's folders are. Every
//! `#[cfg(unix)]`/`#[cfg(windows)]` of ghenv is in this folder; the rest of
//! the crate calls the functions re-exported here, which have the same
//! signatures on every platform.
//!
//! Modes are Unix permission bits everywhere: on Windows a mode with no
//! bits for group and others (`0o600`) means "an owner-only DACL", any
//! other means "what the folder passes on".

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as imp;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

pub use imp::{
    InterruptGuard, cache_base, child_signals, clear_line_on_interrupt, config_base,
    copy_to_clipboard, create_new_private, create_private_dir, exec, forbid_core_dumps, home,
    is_directory_error, is_link_refusal, keep_owner, lock_file_for, mode_of, open_no_follow,
    open_url, owner_of, parent_id, path_from_bytes, privacy, processes, program, replace,
    restore_core_dumps, start_process, stderr_is_file, sync_dir, temp_file_in, termination,
};

/// Whether the file at `path` is readable by its owner only: mode 0600 on
/// Unix, an owner-only protected DACL on Windows.
pub fn is_private(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| mode_of(path, &m) & 0o077 == 0)
}

/// The bytes of an OS string as ghenv compares and stores them: the bytes
/// themselves on Unix, WTF-8 (UTF-8 for any valid name) on Windows.
pub fn bytes(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

/// Whether a file ghenv is about to write may be read by others, in the
/// words of this platform: for doctor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privacy {
    /// Only the owner can read it; how that is said (`0600`).
    OwnerOnly(&'static str),
    /// Others may read it: what is wrong, and the command that fixes it.
    Shared {
        /// What is wrong, e.g. `has mode 644`.
        what: String,
        /// The command that makes it owner-only.
        fix: String,
    },
}

/// A running process, as much as this platform tells of it.
#[derive(Debug, Clone)]
pub struct Process {
    /// Its id.
    pub pid: u32,
    /// Its first two arguments (the program, and the script node runs).
    pub args: Vec<String>,
    /// Its working folder, when known.
    pub cwd: Option<PathBuf>,
    /// When it started, in seconds since the Unix epoch, when known.
    pub started: Option<f64>,
}

/// Runs `program args` with `text` on its standard input, its output
/// dropped; whether it ran and succeeded (the clipboard tools).
fn pipe_into(program: &str, args: &[&str], text: &str) -> bool {
    use std::io::Write;
    let Ok(mut child) = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    else {
        return false;
    };
    let wrote = child
        .stdin
        .take()
        .is_some_and(|mut input| input.write_all(text.as_bytes()).is_ok());
    child.wait().is_ok_and(|s| s.success()) && wrote
}

/// ghenv's folder of per-user files: `$XDG_CONFIG_HOME/ghenv`, else
/// `~/.config/ghenv` (on Windows `%APPDATA%\ghenv`; see
/// [`config_base`]). `var` reads the environment.
pub fn config_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    config_base(var).map(|d| d.join("ghenv"))
}

/// ghenv's folder as the user would type it, for messages: the real one
/// ([`config_dir`] with this process's environment), with the home folder
/// shown as `~`.
pub fn config_dir_shown() -> String {
    let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
    match config_dir(|k| std::env::var(k).ok().filter(|v| !v.is_empty())) {
        Some(dir) => {
            let shown = dir.display().to_string();
            match home {
                Some(h) if shown.starts_with(&format!("{h}/")) => format!("~{}", &shown[h.len()..]),
                _ => shown,
            }
        }
        None => "$XDG_CONFIG_HOME/ghenv".into(),
    }
}
