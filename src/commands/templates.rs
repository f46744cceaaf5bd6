//! `ghenv templates`: list the templates and what each sets.

use std::io::Write;

use serde::Serialize;

use crate::error::Result;
use crate::output::Io;
use crate::render;
use crate::report::{Boxed, Report};

/// One template, as `templates` lists it.
#[derive(Debug, Serialize)]
pub struct TemplateLine {
    /// Its name.
    pub name: String,
    /// One line about it.
    pub description: String,
    /// `built-in` or its path.
    pub origin: String,
    /// The variable that holds the token.
    pub token_var: String,
    /// The variables its env file sets.
    pub variables: Vec<String>,
    /// The scopes it requires.
    pub scopes: Vec<String>,
    /// Whether it is the default.
    pub default: bool,
}

/// What `templates` lists: a JSON array.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct TemplatesReport(pub Vec<TemplateLine>);

impl Report for TemplatesReport {
    fn print(&self, io: &mut Io) {
        for t in &self.0 {
            let default = if t.default { " (default)" } else { "" };
            let _ = writeln!(io.out, "{}{default}: {}", t.name, t.description);
            let _ = writeln!(io.out, "    variables: {}", t.variables.join(", "));
            let _ = writeln!(io.out, "    scopes:    {}", t.scopes.join(", "));
            if t.origin != "built-in" {
                let _ = writeln!(io.out, "    from:      {}", t.origin);
            }
        }
    }
}

/// What `templates` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct TemplatesOptions {
    /// `--template-dir`: a folder of templates besides the built-in ones.
    pub template_dir: Option<std::path::PathBuf>,
}

/// Runs `ghenv templates`.
///
/// # Errors
/// When `--template-dir` cannot be read.
pub fn run(args: &TemplatesOptions, io: &mut Io) -> Result<Boxed> {
    let (templates, broken) = render::list(args.template_dir.as_deref())?;
    // A broken file is reported and skipped; the other templates are listed.
    for e in &broken {
        io.warn(&format!("{e}; skipped"));
    }
    Ok(Box::new(TemplatesReport(
        templates
            .into_iter()
            .map(|t| TemplateLine {
                default: t.name == render::DEFAULT_TEMPLATE,
                variables: t.variables(),
                name: t.name,
                description: t.description,
                origin: t.origin,
                token_var: t.token_var,
                scopes: t.scopes,
            })
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_built_in_templates_with_react_as_the_default() {
        let (mut io, captured) = Io::test();
        let report = run(&TemplatesOptions::default(), &mut io).unwrap();
        let json = report.to_json();
        let names: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        for name in ["react", "vite", "node", "react-proxy", "vite-proxy"] {
            assert!(names.contains(&name), "{names:?}");
        }
        report.print(&mut io);
        assert!(
            captured.out().contains("react (default): "),
            "{}",
            captured.out()
        );
        assert_eq!(captured.err(), "", "nothing was broken, so no warning");
    }

    #[test]
    fn a_broken_template_file_is_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.toml"), "not = [toml").unwrap();
        let (mut io, captured) = Io::test();
        let opts = TemplatesOptions {
            template_dir: Some(dir.path().to_path_buf()),
        };
        let json = run(&opts, &mut io).unwrap().to_json();
        assert!(
            json.as_array()
                .unwrap()
                .iter()
                .all(|t| t["name"] != "broken")
        );
        assert!(captured.err().contains("broken"), "{}", captured.err());
        assert!(captured.err().contains("skipped"), "{}", captured.err());
    }
}
