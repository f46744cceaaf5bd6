//! The commands, one file each. No command module uses another: what two
//! share lives in the layers below ([`crate::steps`], [`crate::setup`],
//! [`crate::hook`], [`crate::doctor`]); the shared steps are re-exported here
//! for the commands' `super::` paths.

pub mod allow;
pub mod check;
pub mod doctor;
pub mod hook;
pub mod init;
pub mod keys;
pub mod man;
pub mod probe;
pub mod proxy;
pub mod recipients;
pub mod revoke;
pub mod rotate;
pub mod run;
pub mod scan;
pub mod schema;
pub mod scopes;
pub mod templates;
pub mod unlock;

pub use crate::steps::{
    FileReport, ScopeReport, TokenInfo, Validation, add_scopes_command, announce_token,
    check_expiry, days_from_now, files_report, name_origin, project_token, say_written,
    scopes_granted_line, short_key, token_to_check, validate,
};

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The command modules: the files of src/commands/ but mod.rs.
    fn command_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("src/commands")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".rs").map(str::to_owned))
            .filter(|n| n != "mod")
            .collect();
        names.sort();
        names
    }

    /// The first segment of each path that follows `prefix` in `text`:
    /// `super::doctor::checks` gives `doctor`, `super::{a, b::c}` gives
    /// `a` and `b`.
    fn used_after(text: &str, prefix: &str) -> Vec<String> {
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut out = Vec::new();
        for (at, _) in text.match_indices(prefix) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue; // e.g. `subcommands::`
            }
            let rest = &text[at + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                out.extend(group.split(',').map(|item| ident(item.trim())));
            } else {
                out.push(ident(rest));
            }
        }
        out
    }

    #[test]
    fn no_command_module_uses_another() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        let names = command_names(&dir);
        assert!(names.len() > 10, "{names:?}");
        let mut found = Vec::new();
        for name in &names {
            let text = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
            for prefix in ["commands::", "super::"] {
                for used in used_after(&text, prefix) {
                    if used != *name && names.contains(&used) {
                        found.push(format!("src/commands/{name}.rs uses {prefix}{used}"));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "a command uses another command; move what they share below src/commands/:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_guard_sees_paths_and_groups() {
        let text = "use super::{ScopeReport, doctor};\nlet x = crate::commands::hook::MARKER;\nsuper::validate(io);";
        assert_eq!(
            used_after(text, "super::"),
            ["ScopeReport", "doctor", "validate"]
        );
        assert_eq!(used_after(text, "commands::"), ["hook"]);
    }
}
