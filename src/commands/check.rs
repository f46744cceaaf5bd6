//! `ghenv check`: validate the project's token again and report on it.
//! Reads only; never writes a file.

use std::io::Write;

use serde::Serialize;

use super::{ScopeReport, Validation};
use crate::endpoint::EndpointOptions;
use crate::error::{Error, ErrorReport, Result};
use crate::output::Io;
use crate::project::TemplateOptions;
use crate::project::{Location, Project};
use crate::report::{Boxed, Outcome, Report};
use crate::secret::Identities;
use crate::source::TokenInput;

/// What `check` is asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Where the project is.
    pub location: Location,
    /// `--token-stdin`, `--token-file`.
    pub input: TokenInput,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// Which template and scopes.
    pub template: TemplateOptions,
    /// `-i`, for a token only in `[secret]`.
    pub identity: Identities,
    /// `--probe`.
    pub probe: bool,
}

/// What `check` found.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Whether the token is valid and has the scopes.
    pub ok: bool,
    /// The token and what GitHub said.
    #[serde(flatten)]
    pub validation: Validation,
    /// Why it is not ok, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    /// What `--probe` found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<crate::probe::session::ProbeReport>,
    #[serde(skip)]
    edit_url: String,
    #[serde(skip)]
    source: crate::source::Origin,
    #[serde(skip)]
    token_kind: crate::token::Kind,
    #[serde(skip)]
    failure: Option<Error>,
    #[serde(skip)]
    origin: String,
    #[serde(skip)]
    kind: String,
}

/// Runs `ghenv check`.
///
/// # Errors
/// As `init`, but never for writing.
pub fn run(opts: &CheckOptions, io: &mut Io) -> Result<Boxed> {
    Ok(Box::new(check(opts, io)?))
}

/// Validates the project's token.
///
/// # Errors
/// As [`run`].
pub fn check(opts: &CheckOptions, io: &mut Io) -> Result<CheckReport> {
    let project = Project::open(&opts.location)?;
    let template = opts.template.template(&project)?;
    let required = opts.template.required(&template);
    let endpoint = opts.endpoint.resolve(io, Some(&project))?;
    let (token, origin) = super::token_to_check(
        &project,
        &template,
        &opts.input,
        &opts.identity,
        "check",
        io,
    )?;
    crate::accept::warn_recipients(io, &project);
    crate::accept::warn_unignored(io, &project);

    let viewer = super::validate(io, &token, &endpoint, opts.endpoint.timeout)
        .inspect_err(|_| super::name_origin(io, &origin))?;
    let new_url = endpoint.new_token_url(&required, &project.token_description());
    super::check_expiry(io, &token, &viewer, &new_url)
        .inspect_err(|_| super::name_origin(io, &origin))?;
    let scopes = ScopeReport::new(required, Some(&viewer));
    let outcome = scopes.enforce(
        io,
        token.kind(),
        true,
        opts.template.strict,
        endpoint.new_token_url(&scopes.required, &project.token_description()),
        &origin,
    );
    let failure = outcome.err();
    // Missing scopes are what the lesson table explains best: the probe
    // runs then too (not for a token GitHub refused: that failed above).
    let probe_useful = failure
        .as_ref()
        .is_none_or(|e| e.exit_code() == crate::error::exit::SCOPES);
    let probe = if opts.probe && probe_useful {
        Some(crate::probe::session::probe(
            io,
            &crate::probe::session::Input {
                project: &project,
                template: &template,
                token: &token,
                endpoint: &endpoint,
                timeout: opts.endpoint.timeout,
                app: true,
                refresh: false,
            },
        )?)
    } else {
        None
    };
    let probe_failed = probe
        .as_ref()
        .is_some_and(|p| !matches!(p.outcome(false), Outcome::Ok));
    Ok(CheckReport {
        probe,
        edit_url: endpoint.edit_token_url(token.kind()),
        source: origin.clone(),
        token_kind: token.kind(),
        ok: failure.is_none() && !probe_failed,
        validation: Validation::new(&token, &origin, &endpoint, Some(&viewer), scopes),
        error: failure.as_ref().map(ErrorReport::from),
        failure,
        origin: origin.to_string(),
        kind: token.kind().to_string(),
    })
}

impl Report for CheckReport {
    fn print(&self, io: &mut Io) {
        if io.verbosity.quiet {
            return;
        }
        let v = &self.validation;
        let mut lines: Vec<(&str, String)> = Vec::new();
        let name = v
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        lines.push((
            "Account",
            format!("{}{name}", v.login.as_deref().unwrap_or("")),
        ));
        lines.push((
            "Token",
            format!("{} ({}, from {})", v.token.masked, self.kind, self.origin),
        ));
        let scopes = &v.scopes;
        lines.push((
            "Scopes",
            match &scopes.granted {
                Some(g) if g.is_empty() => "none".into(),
                Some(g) => g.join(", "),
                None => "not listed by GitHub for this kind of token".into(),
            },
        ));
        lines.push((
            "Required",
            if scopes.granted.is_none() {
                format!("{} (cannot be checked)", scopes.required.join(", "))
            } else if scopes.missing.is_empty() {
                format!("all {} granted", scopes.required.len())
            } else {
                format!("missing {}", scopes.missing.join(", "))
            },
        ));
        lines.push((
            "Expires",
            match v
                .expires_at
                .as_deref()
                .map(|t| (t, t.parse::<jiff::Timestamp>()))
            {
                Some((text, Ok(at))) => format!("{text} ({})", super::days_from_now(at)),
                Some((text, Err(_))) => text.to_owned(),
                None => "never (or not reported)".into(),
            },
        ));
        if let Some(rate) = &v.rate_limit {
            lines.push((
                "Rate limit",
                format!(
                    "{} of {} points left, resets at {}",
                    rate.remaining, rate.limit, rate.reset_at
                ),
            ));
        }
        lines.push(("Endpoint", v.endpoint.clone()));
        // Every value here may come from the server or the project's files.
        for (label, value) in lines {
            let _ = writeln!(io.out, "{label:<11} {}", crate::text::sanitize(&value));
        }
        if let Some(probe) = &self.probe {
            let _ = writeln!(io.out);
            let kind = self.token_kind;
            let add = |needs: &[String]| super::add_scopes_command(&self.source, kind, needs);
            probe.print_table(io, &self.edit_url, &add);
        }
    }

    fn outcome(&self) -> Outcome<'_> {
        match (&self.failure, &self.probe) {
            (Some(e), _) => Outcome::Failed(e),
            (None, Some(p)) => p.outcome(false),
            (None, None) => Outcome::Ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: &std::path::Path) -> CheckOptions {
        CheckOptions {
            location: Location {
                dir: Some(dir.to_path_buf()),
                template_dir: None,
            },
            input: TokenInput::default(),
            endpoint: EndpointOptions::default(),
            template: TemplateOptions::default(),
            identity: Identities::default(),
            probe: false,
        }
    }

    #[test]
    fn without_a_token_anywhere_it_says_where_it_looked() {
        let dir = tempfile::tempdir().unwrap();
        let (mut io, _) = Io::test();
        let e = check(&options(dir.path()), &mut io).err().unwrap();
        assert_eq!(
            (e.kind(), e.exit_code()),
            ("no_token", crate::error::exit::USAGE)
        );
        assert!(e.to_string().contains("GH_TOKEN"), "{e}");
    }

    #[test]
    fn on_a_terminal_the_token_is_asked_for_hidden_and_checked_offline_first() {
        let dir = tempfile::tempdir().unwrap();
        let (io, captured) = Io::test();
        let mut io = io
            .with_stdin("", true)
            .with_hidden_answers(&["ghp_typo-at-the-prompt"]);
        let e = check(&options(dir.path()), &mut io).err().unwrap();
        assert_eq!(e.kind(), "token_format");
        assert!(
            !captured.err().contains("typo-at-the-prompt"),
            "{}",
            captured.err()
        );
    }

    #[test]
    fn a_malformed_token_fails_offline_and_is_not_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let (io, captured) = Io::test();
        let mut io = io.with_stdin("ghp_tooshort\n", false);
        let opts = CheckOptions {
            input: TokenInput {
                stdin: true,
                file: None,
            },
            ..options(dir.path())
        };
        let e = check(&opts, &mut io).err().unwrap();
        assert_eq!(e.kind(), "token_format");
        assert!(
            !captured.err().contains("ghp_tooshort"),
            "{}",
            captured.err()
        );
    }

    #[test]
    fn a_token_in_the_env_file_is_named_with_its_file_when_it_fails() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=ghp_tooshort\n",
        )
        .unwrap();
        let (mut io, captured) = Io::test();
        let e = check(&options(dir.path()), &mut io).err().unwrap();
        assert_eq!(e.kind(), "token_format");
        assert!(
            captured.err().contains("the token came from"),
            "{}",
            captured.err()
        );
        assert!(captured.err().contains(".env"), "{}", captured.err());
    }
}
