//! `ghenv doctor`: why the app does not see the token, and where it leaks.
//! Runs the checklist of [`crate::doctor::checks`] on the project and prints
//! it by group; exits 1 when a check fails.

use std::io::Write;

use serde::Serialize;

use crate::doctor::checks::{CheckOptions, checks};
use crate::doctor::{Check, Group, Status};
use crate::error::{Result, exit};
use crate::output::Io;
use crate::project::{Location, Project};
use crate::report::{Boxed, Report};
use crate::text::sanitize;

/// What `doctor` is asked to do.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    /// Where the project is.
    pub location: Location,
    /// What the checks are asked to do.
    pub checks: CheckOptions,
}

/// The checklist: a JSON array of checks.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct DoctorReport(pub Vec<Check>);

impl Report for DoctorReport {
    fn print(&self, io: &mut Io) {
        for group in Group::ALL {
            let checks: Vec<&Check> = self.0.iter().filter(|c| c.group == group).collect();
            if checks.is_empty() {
                continue;
            }
            let _ = writeln!(io.out, "{}", io.bold(group.title()));
            for c in checks {
                print_check(io, c);
            }
        }
    }

    fn exit_code(&self) -> i32 {
        if self.0.iter().any(|c| c.status == Status::Fail) {
            exit::FOUND
        } else {
            exit::OK
        }
    }
}

/// One check, for people: a mark, the message, where, and the fix.
pub fn print_check(io: &mut Io, c: &Check) {
    let mark = match c.status {
        Status::Ok => io.green("✓"),
        Status::Warn => io.yellow("!"),
        Status::Fail => io.red("✗"),
    };
    let place = match (&c.file, c.line) {
        (Some(f), Some(l)) => format!(" ({}:{l})", sanitize(f)),
        (Some(f), None) => format!(" ({})", sanitize(f)),
        _ => String::new(),
    };
    let _ = writeln!(io.out, "  {mark} {}{place}", sanitize(&c.message));
    if let Some(fix) = &c.fix {
        let fix = io.commands(fix).into_owned();
        let _ = writeln!(io.out, "      fix: {}", sanitize(&fix));
    }
}

/// Runs `ghenv doctor`.
///
/// # Errors
/// A project that cannot be opened, or a bad `--host`.
pub fn run(opts: &DoctorOptions, io: &mut Io) -> Result<Boxed> {
    let project = Project::open(&opts.location)?;
    Ok(Box::new(DoctorReport(checks(&project, &opts.checks, io))))
}
