//! `ghenv hook install | uninstall`: installs or removes the git pre-commit
//! hook ([`crate::hook`]) and says what was done.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::hook::{CHAINED, Installed, Uninstalled, install_in, uninstall_in};
use crate::output::Io;
use crate::report::{Boxed, Report};

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

/// What `hook` is asked to do.
#[derive(Debug, Clone)]
pub enum HookOptions {
    /// `install`, in the repository at `dir` (default: here); `force`
    /// chains an existing hook.
    Install {
        /// `-C`.
        dir: Option<PathBuf>,
        /// `--force`.
        force: bool,
    },
    /// `uninstall`, in the repository at `dir` (default: here).
    Uninstall {
        /// `-C`.
        dir: Option<PathBuf>,
    },
}

/// Runs `ghenv hook ...`.
///
/// # Errors
/// Outside a repository (usage), or when a hook would be lost (refuse).
pub fn run(cmd: &HookOptions, io: &mut Io) -> Result<Boxed> {
    Ok(Box::new(match cmd {
        HookOptions::Install { dir, force } => install(dir.as_deref(), *force, io)?,
        HookOptions::Uninstall { dir } => uninstall(dir.as_deref(), io)?,
    }))
}

fn repo_dir(dir: Option<&Path>) -> &Path {
    dir.unwrap_or(Path::new("."))
}

fn install(dir: Option<&Path>, force: bool, io: &mut Io) -> Result<HookReport> {
    let (hook, status) = install_in(repo_dir(dir), force)?;
    if std::env::current_exe().is_ok_and(|exe| crate::hook::in_npx_cache(&exe)) {
        io.warn("this ghenv runs from npx's cache, which npm may clean: `npm install --save-dev ghenv` keeps a copy in the project that the hook finds (node_modules/.bin/ghenv)");
    }
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
        Installed::Husky => {
            io.ok(&format!(
                "husky runs this repository's hooks: added `ghenv scan --staged` to {} (commit it, so your team's commits are checked too)",
                hook.display()
            ));
            "husky"
        }
    };
    Ok(HookReport {
        ok: true,
        hook: hook.display().to_string(),
        status,
    })
}

fn uninstall(dir: Option<&Path>, io: &mut Io) -> Result<HookReport> {
    let (hook, status) = uninstall_in(repo_dir(dir))?;
    let shown = hook.display();
    let status = match status {
        Uninstalled::HuskyRemoved => {
            io.ok(&format!("Removed ghenv's check from {shown}"));
            "removed"
        }
        Uninstalled::HuskyNone => {
            io.say("No ghenv check in husky's pre-commit; nothing to do.");
            "not-installed"
        }
        Uninstalled::None => {
            io.say("No ghenv pre-commit hook is installed; nothing to do.");
            "not-installed"
        }
        Uninstalled::Restored => {
            io.ok(&format!(
                "Removed ghenv's pre-commit hook and restored your previous one at {shown}"
            ));
            "restored"
        }
        Uninstalled::Removed => {
            let hooks = hook.parent().unwrap_or(Path::new("."));
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
