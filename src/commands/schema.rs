//! `ghenv schema`: GitHub's GraphQL schema for the editor and the linters
//! (the VS Code GraphQL extension, @graphql-eslint, codegen), which all
//! stumble on an authenticated remote schema: ghenv fetches it with the
//! project's token from the trusted endpoint (or takes the week-old cache
//! the probe keeps), and writes SDL, or the introspection JSON, that holds
//! no token. With `--out`, a `.graphqlrc.yml` pointing at the file is
//! written when the project has no graphql-config file yet, so the editor
//! finds the schema with no token in any config.

use std::path::PathBuf;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::endpoint::EndpointOptions;
use crate::error::Result;
use crate::graphql::graphqlrc;
use crate::output::Io;
use crate::probe::session;
use crate::project::{Location, Project};
use crate::report::{Boxed, Report};
use crate::secret::Identities;
use crate::source::TokenInput;
use crate::write::{self, Change};

/// What `schema` is asked to do.
#[derive(Debug, Clone)]
pub struct SchemaOptions {
    /// Where the project is.
    pub location: Location,
    /// `--token-stdin`, `--token-file`.
    pub input: TokenInput,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// `-i`, for a token only in `[secret]`.
    pub identity: Identities,
    /// `--out FILE`; stdout without it.
    pub out: Option<PathBuf>,
    /// `--introspection`: the introspection answer (JSON) instead of SDL.
    pub introspection: bool,
    /// `--refresh`.
    pub refresh: bool,
}

/// What `schema --out` wrote (printed, or with `--out`, the JSON report).
#[derive(Debug, Serialize)]
pub struct SchemaReport {
    /// Always true: failures are errors.
    pub ok: bool,
    /// The file written, `null` when printed to stdout.
    pub file: Option<String>,
    /// `sdl` or `json`.
    pub format: &'static str,
    /// The `.graphqlrc.yml` written beside it, when one was.
    pub config: Option<String>,
    #[serde(skip)]
    text: Option<String>,
}

impl Report for SchemaReport {
    fn print(&self, io: &mut Io) {
        if let Some(text) = &self.text {
            io.print(text);
            return;
        }
        if let Some(file) = &self.file {
            io.ok(&format!(
                "Wrote GitHub's schema ({}) to {}; it holds no token",
                self.format,
                crate::text::sanitize(file)
            ));
        }
        if let Some(config) = &self.config {
            io.ok(&format!(
                "Wrote {}: the GraphQL extension and @graphql-eslint read the schema from the file, with no token",
                crate::text::sanitize(config)
            ));
        }
    }
}

/// Runs `ghenv schema`.
///
/// # Errors
/// No token, a rejected token, GitHub unreachable, an untrusted endpoint,
/// a file that cannot be written.
pub fn run(opts: &SchemaOptions, io: &mut Io) -> Result<Boxed> {
    let project = Project::open(&opts.location)?;
    let template = project.template(None)?;
    let endpoint = opts.endpoint.resolve(io, Some(&project))?;
    let (token, origin) = super::token_to_check(
        &project,
        &template,
        &opts.input,
        &opts.identity,
        "schema",
        io,
    )?;
    let input = session::Input {
        project: &project,
        template: &template,
        token: &token,
        endpoint: &endpoint,
        timeout: opts.endpoint.timeout,
        app: false,
        refresh: opts.refresh,
    };
    let text = if opts.introspection {
        let answer =
            session::introspection(io, &input).inspect_err(|_| super::name_origin(io, &origin))?;
        let mut text = serde_json::to_string_pretty(&answer).expect("JSON values serialize");
        text.push('\n');
        text
    } else {
        session::schema_sdl(io, &input).inspect_err(|_| super::name_origin(io, &origin))?
    };
    let format = if opts.introspection { "json" } else { "sdl" };
    let Some(out) = &opts.out else {
        return Ok(Box::new(SchemaReport {
            ok: true,
            file: None,
            format,
            config: None,
            text: Some(text),
        }));
    };
    let existing = write::read_existing(out)?;
    let mut changes = vec![Change::new(
        out.clone(),
        existing.as_ref(),
        Zeroizing::new(text),
        false,
    )];
    let config = graphqlrc::pointing_at(project.dir(), out, "ghenv schema --out");
    if let Some((path, body)) = &config {
        changes.push(Change::new(
            path.clone(),
            None,
            Zeroizing::new(body.clone()),
            false,
        ));
    }
    write::commit(&changes)?;
    Ok(Box::new(SchemaReport {
        ok: true,
        file: Some(out.display().to_string()),
        format,
        config: config.map(|(p, _)| p.display().to_string()),
        text: None,
    }))
}
