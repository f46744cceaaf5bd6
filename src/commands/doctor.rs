//! `ghenv doctor`: why the app does not see the token, and where it leaks.
//! Runs the checklist of [`crate::doctor::checks`] on the project and prints
//! it by group; exits 1 when a check fails.

use std::io::Write;

use serde::Serialize;

use crate::doctor::checks::{CheckOptions, checks};
use crate::doctor::{Check, Group, Status};
use crate::error::Result;
use crate::output::Io;
use crate::project::{Location, Project};
use crate::report::{Boxed, Outcome, Report};
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

    fn outcome(&self) -> Outcome<'_> {
        if self.0.iter().any(|c| c.status == Status::Fail) {
            Outcome::Found
        } else {
            Outcome::Ok
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::CheckId;
    use crate::error::exit;

    fn offline(dir: &std::path::Path) -> DoctorOptions {
        DoctorOptions {
            location: Location {
                dir: Some(dir.to_path_buf()),
                template_dir: None,
            },
            checks: CheckOptions {
                offline: true,
                ..CheckOptions::default()
            },
        }
    }

    fn statuses(report: &Boxed) -> Vec<(String, String)> {
        report
            .to_json()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn an_empty_folder_warns_about_config_and_framework_and_passes() {
        let dir = tempfile::tempdir().unwrap();
        let (mut io, captured) = Io::test();
        let report = run(&offline(dir.path()), &mut io).unwrap();
        let got = statuses(&report);
        assert_eq!(got[0], ("config".into(), "warn".into()), "{got:?}");
        assert_eq!(got[1], ("framework".into(), "warn".into()), "{got:?}");
        assert!(got.iter().all(|(id, _)| id != "token"), "offline: {got:?}");
        assert_eq!(crate::report::exit_code(&report.outcome()), exit::OK);
        report.print(&mut io);
        assert!(
            captured.out().starts_with("Project\n"),
            "{}",
            captured.out()
        );
        assert!(captured.out().contains("  ! no config.toml in "));
    }

    #[test]
    fn an_env_file_in_src_of_a_vite_app_fails_with_the_move_to_make() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"devDependencies": {"vite": "5"}}"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/.env"), "VITE_GITHUB_TOKEN=x\n").unwrap();
        let (mut io, _) = Io::test();
        let project = Project::open(&offline(dir.path()).location).unwrap();
        let found = checks(&project, &offline(dir.path()).checks, &mut io);
        let location = found
            .iter()
            .find(|c| c.id == CheckId::EnvLocation)
            .expect("an env_location check");
        assert_eq!(location.status, Status::Fail);
        assert!(
            location.fix.as_deref().unwrap().starts_with("mv "),
            "{location:?}"
        );
        assert_eq!(
            crate::report::exit_code(&DoctorReport(found).outcome()),
            exit::FOUND
        );
    }
}
