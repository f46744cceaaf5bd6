//! `ghenv hook install | uninstall`: a git pre-commit hook that runs
//! `ghenv scan --staged`. An existing hook is never lost: with `--force` it
//! is renamed to `pre-commit.ghenv-chained` and runs after ghenv's check,
//! and `uninstall` renames it back, byte for byte.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::{HookArgs, HookCommand, HookUninstallArgs};
use crate::error::{Error, Result};
use crate::git;
use crate::output::Io;
use crate::report::{Boxed, Report};
use crate::write;

/// The line that marks a hook as ghenv's.
pub const MARKER: &str = "# ghenv pre-commit hook";
const CHAINED: &str = "pre-commit.ghenv-chained";

/// The hook script, calling the ghenv at `exe` (or the one on PATH if that
/// moved).
pub fn script(exe: &str) -> String {
    let quoted = exe.replace('\'', "'\\''");
    format!(
        "#!/bin/sh\n\
{MARKER}: blocks commits that add a GitHub token.\n\
# Installed by `ghenv hook install`; `ghenv hook uninstall` removes it and\n\
# restores the hook it replaced ({CHAINED}), which runs after this check.\n\
ghenv='{quoted}'\n\
[ -x \"$ghenv\" ] || ghenv=ghenv\n\
\"$ghenv\" scan --staged || exit $?\n\
chained=\"$(dirname \"$0\")/{CHAINED}\"\n\
if [ -x \"$chained\" ]; then exec \"$chained\" \"$@\"; fi\n"
    )
}

/// What `hook install|uninstall` did.
#[derive(Debug, Serialize)]
pub struct HookReport {
    /// Always true: failures are errors.
    pub ok: bool,
    /// The hook's path.
    pub hook: String,
    /// `installed`, `chained`, `already-installed`, `removed`, `restored`
    /// or `not-installed`.
    pub status: &'static str,
}

impl Report for HookReport {
    fn print(&self, _io: &mut Io) {}
}

/// Runs `ghenv hook ...`.
///
/// # Errors
/// Outside a repository (usage), or when a hook would be lost (refuse).
pub fn run(cmd: &HookCommand, io: &mut Io) -> Result<Boxed> {
    Ok(Box::new(match cmd {
        HookCommand::Install(args) => install(args, io)?,
        HookCommand::Uninstall(args) => uninstall(args, io)?,
    }))
}

/// The repository's hooks folder (honours `core.hooksPath`).
///
/// # Errors
/// [`Error::NotARepository`] outside a git repository.
pub fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    git::hooks_dir(dir).ok_or_else(|| Error::NotARepository(dir.to_path_buf()))
}

fn is_ours(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(MARKER))
}

/// What `install` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// Written; there was no hook.
    New,
    /// Written; the previous hook is chained.
    Chained,
    /// ghenv's hook was already there (refreshed).
    Already,
}

/// Installs the hook in the repository at `dir`.
///
/// # Errors
/// [`Error::Refuse`] when another hook exists and `force` is false, or a
/// chained hook would be overwritten.
pub fn install_in(dir: &Path, force: bool) -> Result<(PathBuf, Installed)> {
    let hooks = hooks_dir(dir)?;
    std::fs::create_dir_all(&hooks).map_err(|e| Error::io("create", &hooks, e))?;
    let hook = hooks.join("pre-commit");
    let chained = hooks.join(CHAINED);
    let exe =
        std::env::current_exe().map_or_else(|_| "ghenv".to_string(), |p| p.display().to_string());
    let existing = std::fs::symlink_metadata(&hook).is_ok();
    let status = if !existing {
        Installed::New
    } else if is_ours(&hook) {
        Installed::Already
    } else if !force {
        return Err(Error::HookExists(hook));
    } else if std::fs::symlink_metadata(&chained).is_ok() {
        return Err(Error::HookChainTaken(chained));
    } else {
        // A rename keeps the old hook's bytes, mode and links as they were.
        std::fs::rename(&hook, &chained).map_err(|e| Error::io("rename", &hook, e))?;
        Installed::Chained
    };
    write_executable(&hook, &script(&exe))?;
    Ok((hook, status))
}

fn write_executable(path: &Path, text: &str) -> Result<()> {
    let existing = write::read_existing(path)?;
    let mut change = write::Change::new(
        path.to_path_buf(),
        existing.as_ref(),
        zeroize::Zeroizing::new(text.to_owned()),
        false,
    );
    // Git runs only executable hooks.
    change.mode = 0o755;
    change.status = if existing.is_some() {
        write::Status::Updated
    } else {
        write::Status::Created
    };
    write::commit(&[change])
}

fn repo_dir(dir: Option<&Path>) -> &Path {
    dir.unwrap_or(Path::new("."))
}

fn install(args: &HookArgs, io: &mut Io) -> Result<HookReport> {
    let (hook, status) = install_in(repo_dir(args.repo.dir.as_deref()), args.force)?;
    let status = match status {
        Installed::New => {
            io.ok(&format!(
                "Installed the pre-commit hook at {}",
                hook.display()
            ));
            "installed"
        }
        Installed::Chained => {
            io.ok(&format!(
                "Installed the pre-commit hook at {}; your previous hook is kept as {CHAINED} and runs after the check",
                hook.display()
            ));
            "chained"
        }
        Installed::Already => {
            io.ok(&format!(
                "The pre-commit hook is already installed at {}",
                hook.display()
            ));
            "already-installed"
        }
    };
    Ok(HookReport {
        ok: true,
        hook: hook.display().to_string(),
        status,
    })
}

fn uninstall(args: &HookUninstallArgs, io: &mut Io) -> Result<HookReport> {
    let hooks = hooks_dir(repo_dir(args.repo.dir.as_deref()))?;
    let hook = hooks.join("pre-commit");
    let chained = hooks.join(CHAINED);
    let status = if !hook.exists() && !chained.exists() {
        io.say("No ghenv pre-commit hook is installed; nothing to do.");
        "not-installed"
    } else if hook.exists() && !is_ours(&hook) {
        return Err(Error::HookNotOurs(hook));
    } else {
        if hook.exists() {
            std::fs::remove_file(&hook).map_err(|e| Error::io("remove", &hook, e))?;
        }
        if std::fs::symlink_metadata(&chained).is_ok() {
            std::fs::rename(&chained, &hook).map_err(|e| Error::io("restore", &chained, e))?;
            io.ok(&format!(
                "Removed ghenv's pre-commit hook and restored your previous one at {}",
                hook.display()
            ));
            "restored"
        } else {
            io.ok(&format!(
                "Removed ghenv's pre-commit hook from {}",
                hooks.display()
            ));
            "removed"
        }
    };
    Ok(HookReport {
        ok: true,
        hook: hook.display().to_string(),
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_quotes_the_path_and_chains() {
        let s = script("/opt/it's/ghenv");
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains(MARKER));
        assert!(s.contains("ghenv='/opt/it'\\''s/ghenv'"), "{s}");
        assert!(s.contains("scan --staged || exit $?"));
        assert!(s.contains(CHAINED));
    }
}
