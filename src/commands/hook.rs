//! `ghenv hook install | uninstall`: a git pre-commit hook that runs
//! `ghenv scan --staged`. An existing hook is never lost: with `--force` it
//! is renamed to `pre-commit.ghenv-chained` and runs after ghenv's check,
//! and `uninstall` renames it back, byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

use crate::cli::{HookArgs, HookCommand, HookUninstallArgs};
use crate::error::{Error, Result};
use crate::output::Io;
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

/// Runs `ghenv hook ...`.
///
/// # Errors
/// Outside a repository (usage), or when a hook would be lost (refuse).
pub fn run(cmd: &HookCommand, io: &mut Io) -> Result<()> {
    match cmd {
        HookCommand::Install(args) => install(args, io),
        HookCommand::Uninstall(args) => uninstall(args, io),
    }
}

/// The repository's hooks folder (honours `core.hooksPath`).
///
/// # Errors
/// A usage error outside a git repository.
pub fn hooks_dir(dir: Option<&Path>) -> Result<PathBuf> {
    let dir = dir.unwrap_or(Path::new("."));
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--path-format=absolute", "--git-path", "hooks"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => Ok(PathBuf::from(
            String::from_utf8_lossy(&o.stdout)
                .trim_end_matches('\n')
                .to_owned(),
        )),
        _ => Err(Error::usage(
            format!("{} is not in a git repository", dir.display()),
            Some("run `git init` first, or pass the repository with --dir".to_string()),
        )),
    }
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
pub fn install_in(dir: Option<&Path>, force: bool) -> Result<(PathBuf, Installed)> {
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
        return Err(Error::refuse(
            format!(
                "{} already exists; ghenv will not replace it",
                hook.display()
            ),
            Some(
                "`ghenv hook install --force` keeps it and runs it after ghenv's check".to_string(),
            ),
        ));
    } else if std::fs::symlink_metadata(&chained).is_ok() {
        return Err(Error::refuse(
            format!(
                "{} already exists, so the current hook cannot be chained without losing one",
                chained.display()
            ),
            Some("move one of the two hooks away, then run this again".to_string()),
        ));
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

fn install(args: &HookArgs, io: &mut Io) -> Result<()> {
    let (hook, status) = install_in(args.dir.as_deref(), args.force)?;
    match status {
        Installed::New => io.ok(&format!("Installed the pre-commit hook at {}", hook.display())),
        Installed::Chained => io.ok(&format!(
            "Installed the pre-commit hook at {}; your previous hook is kept as {CHAINED} and runs after the check",
            hook.display()
        )),
        Installed::Already => io.ok(&format!("The pre-commit hook is already installed at {}", hook.display())),
    }
    if args.json {
        let status = match status {
            Installed::New => "installed",
            Installed::Chained => "chained",
            Installed::Already => "already-installed",
        };
        io.json(&json!({ "ok": true, "hook": hook.display().to_string(), "status": status }));
    }
    Ok(())
}

fn uninstall(args: &HookUninstallArgs, io: &mut Io) -> Result<()> {
    let hooks = hooks_dir(args.dir.as_deref())?;
    let hook = hooks.join("pre-commit");
    let chained = hooks.join(CHAINED);
    let status = if !hook.exists() && !chained.exists() {
        io.say("No ghenv pre-commit hook is installed; nothing to do.");
        "not-installed"
    } else if hook.exists() && !is_ours(&hook) {
        return Err(Error::refuse(
            format!("{} is not ghenv's hook; leaving it alone", hook.display()),
            None,
        ));
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
    if args.json {
        io.json(&json!({ "ok": true, "hook": hook.display().to_string(), "status": status }));
    }
    Ok(())
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
