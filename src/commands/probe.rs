//! `ghenv probe`: will each lesson work with this token? Tries the
//! course's operations, config.toml's `[[probe]]` queries and the app's own
//! documents (checked against GitHub's schema first). Reads only; writes
//! nothing but the schema cache.

use serde::Serialize;

use crate::endpoint::EndpointOptions;
use crate::error::Result;
use crate::output::Io;
use crate::probe::session::{self, ProbeReport};
use crate::project::{Location, Project};
use crate::report::{Boxed, Outcome, Report};
use crate::secret::Identities;
use crate::source::TokenInput;

/// What `probe` is asked to do.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Where the project is.
    pub location: Location,
    /// `--token-stdin`, `--token-file`.
    pub input: TokenInput,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// `-i`, for a token only in `[secret]`.
    pub identity: Identities,
    /// Not `--no-app`.
    pub app: bool,
    /// `--refresh`.
    pub refresh: bool,
    /// `--strict`.
    pub strict: bool,
}

/// `probe`'s report: the probe's, plus what the exit code depends on.
#[derive(Debug, Serialize)]
pub struct ProbeCommandReport {
    /// What the probe found.
    #[serde(flatten)]
    pub probe: ProbeReport,
    #[serde(skip)]
    strict: bool,
    #[serde(skip)]
    edit_url: String,
    #[serde(skip)]
    origin: crate::source::Origin,
    #[serde(skip)]
    kind: crate::token::Kind,
}

/// Runs `ghenv probe`.
///
/// # Errors
/// As [`probe`].
pub fn run(opts: &ProbeOptions, io: &mut Io) -> Result<Boxed> {
    Ok(Box::new(probe(opts, io)?))
}

/// Probes the project's operations with its token.
///
/// # Errors
/// No token, a malformed or rejected token, GitHub unreachable, a
/// `[[probe]]` entry that is not one query, an untrusted endpoint.
pub fn probe(opts: &ProbeOptions, io: &mut Io) -> Result<ProbeCommandReport> {
    let project = Project::open(&opts.location)?;
    let template = project.template(None)?;
    // The entries are checked before anything is sent.
    let endpoint = opts.endpoint.resolve(io, Some(&project))?;
    let (token, origin) = super::token_to_check(
        &project,
        &template,
        &opts.input,
        &opts.identity,
        "probe",
        io,
    )?;
    let report = session::probe(
        io,
        &session::Input {
            project: &project,
            template: &template,
            token: &token,
            endpoint: &endpoint,
            timeout: opts.endpoint.timeout,
            app: opts.app,
            refresh: opts.refresh,
        },
    )
    .inspect_err(|_| super::name_origin(io, &origin))?;
    Ok(ProbeCommandReport {
        probe: report,
        strict: opts.strict,
        edit_url: endpoint.edit_token_url(token.kind()),
        origin,
        kind: token.kind(),
    })
}

impl Report for ProbeCommandReport {
    fn print(&self, io: &mut Io) {
        if io.verbosity.quiet {
            return;
        }
        let add = |needs: &[String]| super::add_scopes_command(&self.origin, self.kind, needs);
        self.probe.print_table(io, &self.edit_url, &add);
        let failed = self
            .probe
            .operations
            .iter()
            .filter(|o| {
                !matches!(
                    o.status,
                    crate::probe::Status::Ok | crate::probe::Status::NotRun
                )
            })
            .count();
        let total = self
            .probe
            .operations
            .iter()
            .filter(|o| o.status != crate::probe::Status::NotRun)
            .count();
        let line = format!(
            "{} of {total} operations work with this token ({} request(s) to GitHub)",
            total - failed,
            self.probe.requests
        );
        if matches!(self.outcome(), Outcome::Ok) {
            io.ok(&line);
        } else {
            io.warn(&line);
        }
    }

    fn outcome(&self) -> Outcome<'_> {
        self.probe.outcome(self.strict)
    }
}
