//! `ghenv scopes`: the scopes a project needs (its template's, or
//! `--template`'s, or `--scopes`), what each allows, and the URL that opens
//! GitHub's new-token page with them ticked.

use std::io::Write;

use serde::Serialize;

use crate::endpoint::EndpointOptions;
use crate::error::Result;
use crate::output::{Io, open_in_browser};
use crate::project::TemplateOptions;
use crate::project::{Location, Project};
use crate::report::{Boxed, Report};
use crate::scopes;

/// One scope and what it allows.
#[derive(Debug, Serialize)]
pub struct ScopeLine {
    /// The scope.
    pub scope: String,
    /// What it allows, when ghenv knows.
    pub description: Option<&'static str>,
}

/// What `scopes` shows.
#[derive(Debug, Serialize)]
pub struct ScopesReport {
    /// The template.
    pub template: String,
    /// The scopes required.
    pub scopes: Vec<ScopeLine>,
    /// GitHub's new-token page with them ticked.
    pub new_token_url: String,
}

impl Report for ScopesReport {
    fn print(&self, io: &mut Io) {
        let _ = writeln!(io.out, "Scopes for the {} template:", self.template);
        let width = self.scopes.iter().map(|s| s.scope.len()).max().unwrap_or(0);
        for s in &self.scopes {
            let what = s.description.unwrap_or("(a scope ghenv does not know)");
            let _ = writeln!(io.out, "  {:<width$}  {what}", s.scope);
        }
        let _ = writeln!(
            io.out,
            "\nCreate a token with these scopes ticked:\n  {}",
            self.new_token_url
        );
    }
}

/// What `scopes` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ScopesOptions {
    /// Where the project is (its template is the default).
    pub location: Location,
    /// Which template and scopes.
    pub template: TemplateOptions,
    /// Which GitHub (its host is where tokens are created).
    pub endpoint: EndpointOptions,
    /// `--open`: open the new-token page in a browser.
    pub open: bool,
}

/// Runs `ghenv scopes`.
///
/// # Errors
/// An unknown template, bad `--scopes`, or a bad endpoint.
pub fn run(args: &ScopesOptions, io: &mut Io) -> Result<Boxed> {
    let template_opts = &args.template;
    let endpoint_opts = &args.endpoint;
    let project = Project::open(&args.location)?;
    let template = template_opts.template(&project)?;
    let required = template_opts.required(&template);
    let endpoint = endpoint_opts.resolve(io, Some(&project))?;
    let url = endpoint.new_token_url(&required, &project.token_description());
    if args.open {
        open_in_browser(io, &url, "GitHub's new-token page");
    }
    Ok(Box::new(ScopesReport {
        template: template.name,
        scopes: required
            .into_iter()
            .map(|scope| ScopeLine {
                description: scopes::describe(&scope),
                scope,
            })
            .collect(),
        new_token_url: url,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: &std::path::Path, template: &str, scopes: Option<&str>) -> ScopesOptions {
        ScopesOptions {
            location: Location {
                dir: Some(dir.to_path_buf()),
                template_dir: None,
            },
            template: TemplateOptions {
                template: Some(template.to_owned()),
                scopes: scopes.map(|s| s.split(',').map(str::to_owned).collect()),
                strict: false,
            },
            ..ScopesOptions::default()
        }
    }

    #[test]
    fn lists_the_template_scopes_and_a_new_token_url_without_the_network() {
        let dir = tempfile::tempdir().unwrap();
        let (mut io, captured) = Io::test();
        let report = run(&options(dir.path(), "react", None), &mut io).unwrap();
        let json = report.to_json();
        assert_eq!(json["template"], "react");
        let url = json["new_token_url"].as_str().unwrap();
        assert!(
            url.starts_with("https://github.com/settings/tokens/new?"),
            "{url}"
        );
        for scope in json["scopes"].as_array().unwrap() {
            let name = scope["scope"].as_str().unwrap();
            let encoded = name.replace(':', "%3A");
            assert!(url.contains(&encoded), "{name} is ticked in {url}");
        }
        report.print(&mut io);
        assert!(
            captured
                .out()
                .starts_with("Scopes for the react template:\n")
        );
        assert!(captured.out().contains(url));
    }

    #[test]
    fn scopes_given_replace_the_template_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (mut io, _) = Io::test();
        let json = run(&options(dir.path(), "node", Some("read:org")), &mut io)
            .unwrap()
            .to_json();
        let scopes: Vec<&str> = json["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["scope"].as_str().unwrap())
            .collect();
        assert_eq!(scopes, ["read:org"]);
    }

    #[test]
    fn an_endpoint_from_the_environment_is_named_on_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let (io, captured) = Io::test();
        let mut io = io.with_env(&[("GHENV_GRAPHQL_URL", "https://ghe.example.com/api/graphql")]);
        let json = run(&options(dir.path(), "react", None), &mut io)
            .unwrap()
            .to_json();
        assert!(
            json["new_token_url"]
                .as_str()
                .unwrap()
                .starts_with("https://ghe.example.com/settings/tokens/new?"),
            "{json}"
        );
        assert!(
            captured.err().contains("(from GHENV_GRAPHQL_URL)"),
            "{}",
            captured.err()
        );
    }
}
