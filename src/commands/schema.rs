//! `ghenv schema`: GitHub's GraphQL schema for the editor and the linters
//! (the VS Code GraphQL extension, @graphql-eslint, codegen), which all
//! stumble on an authenticated remote schema: ghenv fetches it with the
//! project's token from the trusted endpoint (or takes the week-old cache
//! the probe keeps), and writes SDL, or the introspection JSON, that holds
//! no token. With `--out`, a `.graphqlrc.yml` pointing at the file is
//! written when the project has no graphql-config file yet, so the editor
//! finds the schema with no token in any config.

use std::path::{Path, PathBuf};

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
    let config = graphql_config(project.dir(), out);
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

/// A `.graphqlrc.yml` for the project in `dir` pointing `schema` at `out`
/// and `documents` at the app's sources, when it has no graphql-config
/// file yet (an existing one is the user's, never rewritten); `None` then,
/// or when `out` is not inside the project.
fn graphql_config(dir: &Path, out: &Path) -> Option<(PathBuf, String)> {
    if graphqlrc::any(dir) {
        return None;
    }
    let absolute = |p: &Path| {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let project_dir = std::fs::canonicalize(absolute(dir)).ok()?;
    let out_dir = std::fs::canonicalize(absolute(out).parent()?).ok()?;
    let relative = out_dir
        .strip_prefix(&project_dir)
        .ok()?
        .join(out.file_name()?);
    let schema: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let schema = schema.join("/");
    // YAML: a plain scalar only when it is plainly safe.
    if !schema
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'))
    {
        return None;
    }
    let body = format!(
        "# Written by `ghenv schema --out {schema}`: GitHub's schema for the editor\n# (VS Code's GraphQL extension, @graphql-eslint), with no token in it.\n# `ghenv schema --out {schema} --refresh` fetches it again.\nschema: {schema}\ndocuments: 'src/**/*.{{graphql,gql,js,jsx,ts,tsx}}'\n"
    );
    Some((dir.join(".graphqlrc.yml"), body))
}
