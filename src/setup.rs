//! The init pipeline, shared by `init` and `rotate`: the template and the
//! endpoint, accepting what config.toml asks, the token (asked, read,
//! checked offline and with GitHub), rendering, sealing into `[secret]`, one
//! all-or-nothing write, then the offline doctor checks and the hook offer.
//! It takes [`InitOptions`]; the commands build them from their flags.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::config;
use crate::endpoint::EndpointOptions;
use crate::error::{Error, ErrorReport, Result};
use crate::git;
use crate::github::Viewer;
use crate::output::{Io, now_rfc3339, open_in_browser};
use crate::project::TemplateOptions;
use crate::project::{self, EXAMPLE_FILE, Files, Location, Project};
use crate::render::{self, Context, Template};
use crate::report::Report;
use crate::scopes;
use crate::secret::{self, Identities, Lock, LockOptions};
use crate::source::{self, Origin, Source, TokenInput};
use crate::steps::{
    self, FileReport, ScopeReport, Validation, announce_token, files_report, say_written, short_key,
};
use crate::text::sanitize;
use crate::token::Token;
use crate::write::{self, Change, Existing, Status};

/// What the pipeline is asked to do: resolved from `init`'s flags, or
/// built by `rotate` from what config.toml records.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Where the project is.
    pub location: Location,
    /// `--token-stdin`, `--token-file`.
    pub input: TokenInput,
    /// `--web`, `--from-gh`.
    pub login: Login,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// Which template and scopes.
    pub template: TemplateOptions,
    /// `--offline`.
    pub offline: bool,
    /// How to encrypt.
    pub lock: LockOptions,
    /// Identities that decrypt the current `[secret]` (to check its
    /// recipients before encrypting a new token to them).
    pub identity: Identities,
    /// `--open`.
    pub open: bool,
    /// `--hook`.
    pub hook: bool,
    /// `--json` (no questions asked then).
    pub json: bool,
    /// A first set-up, or a rotation that replaces the token.
    pub purpose: Purpose,
    /// `--proxy`: the proxy form of the template.
    pub proxy: bool,
    /// `--probe` (`Some(true)`), `--no-probe` (`Some(false)`), else only
    /// for a fine-grained token.
    pub probe: Option<bool>,
}

/// A token made without pasting it.
#[derive(Debug, Clone, Default)]
pub struct Login {
    /// `--web`: GitHub's device flow.
    pub web: bool,
    /// `--client-id`.
    pub client_id: Option<String>,
    /// `--from-gh`: the GitHub CLI's token.
    pub from_gh: bool,
    /// `--expose-gh-token`.
    pub expose_gh_token: bool,
}

/// What the pipeline runs for.
#[derive(Debug, Clone, Default)]
pub enum Purpose {
    /// `init`: set the project up; a token the env file already holds is
    /// kept.
    #[default]
    Init,
    /// `rotate`: replace the project's token with a new one.
    Rotate {
        /// The token being replaced, when it could be read.
        previous: Option<secrecy::SecretString>,
    },
}

impl Purpose {
    /// Whether this is `rotate`.
    pub fn rotating(&self) -> bool {
        matches!(self, Purpose::Rotate { .. })
    }
}

/// How the token was encrypted, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct Encrypted {
    /// The recipients (empty with a passphrase).
    pub recipients: Vec<String>,
    /// Whether a passphrase was used.
    pub passphrase: bool,
}

/// What `init` did with the pre-commit hook, when it installed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookStatus {
    /// Installed now (new, chained to the previous hook, or in husky's).
    Installed,
    /// ghenv's hook was already there.
    AlreadyInstalled,
}

/// What `init` and `rotate` did.
#[derive(Debug, Serialize)]
pub struct InitReport {
    /// Whether it succeeded.
    pub ok: bool,
    /// The token and what GitHub said.
    #[serde(flatten)]
    pub validation: Validation,
    /// The template used.
    pub template: String,
    /// How the token was encrypted, if it was.
    pub encrypted: Option<Encrypted>,
    /// The files written.
    pub files: Vec<FileReport>,
    /// What happened to the pre-commit hook.
    pub hook: Option<HookStatus>,
    /// What the probe found, when it ran (see `ghenv probe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<crate::probe::session::ProbeReport>,
    /// What was written for the editor (GitHub's schema and a
    /// `.graphqlrc.yml`), when the app has GraphQL and no graphql-config.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub editor: Vec<String>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    #[serde(skip)]
    failure: Option<Error>,
    #[serde(skip)]
    dir: std::path::PathBuf,
    #[serde(skip)]
    wrote_env: bool,
    #[serde(skip)]
    rotating: bool,
    #[serde(skip)]
    same_token: bool,
    #[serde(skip)]
    env_path: std::path::PathBuf,
    /// The kind of the token replaced, when it was read.
    #[serde(skip)]
    old_kind: Option<crate::token::Kind>,
}

impl Report for InitReport {
    fn print(&self, io: &mut Io) {
        if self.failure.is_some() {
            return;
        }
        if self.wrote_env {
            io.say(&written_env_line(&self.env_path));
        } else if self.rotating {
            io.say("No .env written: this project keeps its token only in config.toml (use `ghenv run -- CMD` or `ghenv unlock`).");
        } else {
            io.say("No .env written (--no-env): use `ghenv run -- CMD` or `ghenv unlock`; config.toml is safe to commit.");
        }
        if self.rotating && self.same_token {
            io.say("The new token is the one already in use, so there is no old token to revoke.");
        } else if self.rotating {
            io.say(&format!(
                "Now revoke the old token at {} so it cannot be used any more.",
                self.old_kind.map_or(scopes::TOKENS_URL, scopes::revoke_url)
            ));
        }
    }

    fn outcome(&self) -> crate::report::Outcome<'_> {
        match &self.failure {
            Some(e) => crate::report::Outcome::Failed(e),
            None => crate::report::Outcome::Ok,
        }
    }
}

/// The closing line about the env file just written: "readable only by
/// you" only when the platform's privacy check agrees (on Windows an
/// inherited permission can leave it readable by others, and the checks
/// above have just said so).
fn written_env_line(env_path: &std::path::Path) -> String {
    let name = env_path
        .file_name()
        .map_or_else(|| ".env".into(), |n| n.to_string_lossy());
    let private = matches!(
        crate::platform::privacy(env_path, &name),
        Some(crate::platform::Privacy::OwnerOnly(_))
    );
    format!(
        "{} is git-ignored{}; config.toml and {EXAMPLE_FILE} are safe to commit.",
        sanitize(&name),
        if private {
            " and readable only by you"
        } else {
            ""
        }
    )
}

/// Sets `project` up with a token, as `opts` say: the steps below, in
/// order, each with what it needs.
///
/// # Errors
/// Every [`Error`] variant can come out of here; see the exit-code table.
pub fn init(project: &Project, opts: &InitOptions, io: &mut Io) -> Result<InitReport> {
    let resolved = resolve(project, opts, io)?;
    let checked = token(opts, io, &resolved)?;
    let mut report = InitReport::new(project, opts, &resolved, &checked);
    if let Some(e) = checked.failure {
        report.fail(e);
        return Ok(report);
    }
    keep_the_teams_token(project, opts, io, &checked.token, &checked.origin)?;
    let rendered = render_files(project, opts, &resolved, &checked)?;
    let written = write_locked(project, opts, io, &resolved, &checked.token, rendered)?;
    report.encrypted = written.encrypted;
    report_done(
        project,
        opts,
        io,
        &resolved,
        &checked.token,
        &mut report,
        &written.changes,
    );
    editor_files(project, opts, io, &resolved, &checked.token, &mut report);
    Ok(report)
}

/// The schema file `init` writes for the editor.
const EDITOR_SCHEMA: &str = "github.graphql";

/// Step 6: for an app with GraphQL documents and no graphql-config, GitHub's
/// schema in `github.graphql` (no token in it) and a `.graphqlrc.yml`
/// pointing at it, so VS Code's GraphQL extension and @graphql-eslint work
/// with no token in any config. Not offline, not for rotate, never over a
/// file that is there; nothing here fails init: a schema that cannot be
/// had is a warning naming `ghenv schema --out`.
fn editor_files(
    project: &Project,
    opts: &InitOptions,
    io: &mut Io,
    resolved: &Resolved,
    token: &Token,
    report: &mut InitReport,
) {
    let dir = project.dir();
    let out = dir.join(EDITOR_SCHEMA);
    if opts.offline
        || opts.purpose.rotating()
        || crate::graphql::graphqlrc::any(dir)
        || out.symlink_metadata().is_ok()
        || crate::graphql::documents::find(dir).documents.is_empty()
    {
        return;
    }
    let Some((config, body)) = crate::graphql::graphqlrc::pointing_at(dir, &out, "ghenv init")
    else {
        return;
    };
    let input = crate::probe::session::Input {
        project,
        template: &resolved.template,
        token,
        endpoint: &resolved.endpoint,
        timeout: resolved.timeout,
        app: false,
        refresh: false,
    };
    let written = crate::probe::session::schema_sdl(io, &input).and_then(|sdl| {
        write::commit(&[
            Change::new(out.clone(), None, Zeroizing::new(sdl), false),
            Change::new(config.clone(), None, Zeroizing::new(body), false),
        ])
    });
    match written {
        Ok(()) => {
            io.ok(&format!(
                "Wrote {EDITOR_SCHEMA} (GitHub's schema, no token) and .graphqlrc.yml: VS Code's GraphQL extension and @graphql-eslint check the app's queries with it"
            ));
            report.editor = vec![EDITOR_SCHEMA.to_owned(), ".graphqlrc.yml".to_owned()];
        }
        Err(e) => io.warn(&format!(
            "GitHub's schema for the editor was not written ({e}); `ghenv schema --out {EDITOR_SCHEMA}` writes it"
        )),
    }
}

/// init (not rotate) over a `[secret]` that holds another token than the
/// one it would seal, read from the env file or the shell (not given this
/// run with a flag or at the prompt, which is the user's word): a
/// teammate's stale checkout whose env file still has the token from before
/// the last rotate. Sealing it would hand the whole
/// team the old token; asked on a terminal, refused otherwise. A `[secret]`
/// no identity here opens cannot be compared, and is left to the
/// recipients' rules.
///
/// # Errors
/// [`Error::SecretTokenDiffers`].
fn keep_the_teams_token(
    project: &Project,
    opts: &InitOptions,
    io: &mut Io,
    token: &Token,
    origin: &Origin,
) -> Result<()> {
    if opts.purpose.rotating() || !matches!(origin, Origin::DotEnv { .. } | Origin::Env(_)) {
        return Ok(());
    }
    let Some(secret) = project.secret() else {
        return Ok(());
    };
    let Some(sealed) = secret::decrypt_quietly(secret, &opts.identity, io) else {
        return Ok(());
    };
    let sealed = secrecy::ExposeSecret::expose_secret(&sealed);
    if sealed == token.expose_secret() {
        return Ok(());
    }
    let sealed = crate::token::mask(sealed);
    let question = format!(
        "config.toml's [secret] holds another token ({sealed}) than this one ({}): a teammate may have rotated it. Replace the team's token with this one? [y/N] ",
        token.masked()
    );
    if io.ask(&question, false) {
        return Ok(());
    }
    Err(Error::SecretTokenDiffers {
        sealed,
        new: token.masked(),
    })
}

/// What the project, its config.toml and the flags decide before the
/// token is read.
struct Resolved {
    /// The template (its proxy form with `--proxy`).
    template: Template,
    /// The scopes the project needs.
    required: Vec<String>,
    /// The GraphQL endpoint.
    endpoint: crate::endpoint::Endpoint,
    /// How long to wait for GitHub.
    timeout: std::time::Duration,
    /// How to encrypt, if at all, as first resolved.
    lock: Option<Lock>,
    /// Recipients kept from config.toml that the user approved already.
    approved: Vec<String>,
    /// Where `--github USER` recipients came from.
    origins: Vec<(String, String)>,
    /// Whether the env file is written (not `--no-env` with encryption).
    write_env: bool,
    /// The token's description on GitHub's "new token" page.
    description: String,
    /// The env file.
    env_path: std::path::PathBuf,
    /// The variable the token goes in.
    token_var: String,
    /// The OAuth App and web host for the device flow, when a client id
    /// is known (`--client-id`, `GHENV_CLIENT_ID`, config.toml's).
    device: Option<DeviceLogin>,
    /// `--from-gh`: the host whose gh token to take.
    gh_host: Option<String>,
}

/// Where the device flow goes.
struct DeviceLogin {
    /// The OAuth App's client id.
    client_id: String,
    /// The web base: `https://github.com`, the Enterprise host's, or
    /// `GHENV_WEB_URL`.
    web: String,
    /// Whether `web` came from `GHENV_WEB_URL`.
    from_env: bool,
}

impl Resolved {
    /// The age identity to create, when encrypting to it.
    fn new_identity(&self) -> Option<&secret::NewIdentity> {
        match &self.lock {
            Some(Lock::Recipients {
                new_identity: Some(id),
                ..
            }) => Some(id),
            _ => None,
        }
    }
}

/// Step 1: the template, the endpoint and how to encrypt, with what
/// config.toml (from the repository) asks accepted on this machine before
/// the token is asked for.
fn resolve(project: &Project, opts: &InitOptions, io: &mut Io) -> Result<Resolved> {
    project.refuse_foreign_config()?;
    let template = opts.template.template(project)?;
    let template = if opts.proxy && !template.is_proxy() {
        match template.proxy_form() {
            Some(name) => project.template(Some(&name))?,
            None => return Err(Error::ProxyTemplate(template.name)),
        }
    } else {
        template
    };
    let required = opts.template.required(&template);
    let endpoint = opts.endpoint.resolve(io, Some(project))?;
    let timeout = opts.endpoint.timeout;
    // Checked now (an env file git tracks stops ghenv before the token is
    // asked for); the files are read again under the lock.
    project.files()?;
    if let Some(secret) = project.secret() {
        secret::check_format(secret)?;
    }
    // `--github USER` fetches keys from the web host of `--host`.
    let web = secret::Web {
        host: opts.endpoint.host_flag(),
        timeout,
    };
    // Also without config.toml where this machine accepted the project:
    // a pusher who deletes config.toml must not get package.json's guess
    // (which may put the token into the browser) past the record.
    if project.config().is_some() || crate::accept::machine(io).find(project.dir()).exists {
        crate::accept::settings(
            io,
            project,
            &template,
            opts.template.template.is_some() || opts.proxy,
        )?;
    }
    // A `passphrase = true` config.toml asks for, where the user names no
    // way to seal: accepted before the passphrase is asked for.
    if project.secret().is_some_and(|s| s.passphrase) && !opts.lock.names_sealing() {
        crate::accept::sealing(io, project, true)?;
    }
    let lock = secret::resolve(&opts.lock, project.secret(), &web, io)?;
    // Recipients kept from config.toml are asked about now, before the
    // token is read or GitHub asked; what the user approves here is not
    // asked again under the lock, where the set is decided for good.
    let approved: Vec<String> = match (&lock, project.secret()) {
        (Some(Lock::Existing), Some(s)) if !s.passphrase => {
            crate::accept::recipients(
                io,
                project,
                &s.recipients,
                &[],
                opts.lock.accept_recipients,
            )?;
            s.recipients.clone()
        }
        _ => Vec::new(),
    };
    let origins = match &lock {
        Some(Lock::Recipients { origins, .. }) => origins.clone(),
        _ => Vec::new(),
    };
    let (device, gh_host) = login(project, opts, io, &template, &endpoint)?;
    Ok(Resolved {
        device,
        gh_host,
        write_env: !(opts.lock.no_env && lock.is_some()),
        description: project.token_description(),
        env_path: project.env_path()?,
        token_var: project.token_var(&template),
        template,
        required,
        endpoint,
        timeout,
        lock,
        approved,
        origins,
    })
}

/// The device flow's client id and web host, and `--from-gh`'s host: a
/// client id from `--client-id`, else `GHENV_CLIENT_ID`, else config.toml's
/// `[github] client_id` (accepted on this machine like the other settings).
///
/// # Errors
/// [`Error::NoClientId`] for `--web` without one; [`Error::GhTokenExposed`]
/// for `--from-gh` with a template that puts the token into the browser;
/// a bad `GHENV_WEB_URL`.
fn login(
    project: &Project,
    opts: &InitOptions,
    io: &mut Io,
    template: &Template,
    endpoint: &crate::endpoint::Endpoint,
) -> Result<(Option<DeviceLogin>, Option<String>)> {
    let from_env = io.var("GHENV_WEB_URL").is_some();
    let web = match io.var("GHENV_WEB_URL") {
        Some(url) => project::check_endpoint("GHENV_WEB_URL", &url)?
            .trim_end_matches('/')
            .to_owned(),
        None => endpoint.web_base(),
    };
    let client_id = opts
        .login
        .client_id
        .clone()
        .or_else(|| io.var("GHENV_CLIENT_ID"))
        .or_else(|| project.config().and_then(|c| c.github.client_id.clone()));
    let client_id = match client_id {
        Some(id) if crate::device::is_client_id(&id) => Some(id),
        Some(id) => {
            io.warn(&format!(
                "\"{}\" is not an OAuth App's client id (letters, digits, '.', '_', '-'): not used",
                sanitize(&id)
            ));
            None
        }
        None => None,
    };
    if opts.login.web && client_id.is_none() {
        return Err(Error::NoClientId);
    }
    let gh_host = if opts.login.from_gh {
        if !opts.login.expose_gh_token
            && crate::accept::current_settings(project, template)?.exposed
        {
            return Err(Error::GhTokenExposed {
                template: template.name.clone(),
            });
        }
        Some(crate::endpoint::host_of(&web).unwrap_or_else(|| "github.com".to_owned()))
    } else {
        None
    };
    Ok((
        client_id.map(|client_id| DeviceLogin {
            client_id,
            web,
            from_env,
        }),
        gh_host,
    ))
}

/// The device flow: the code shown (and its page opened with `--open`),
/// then GitHub polled until the user approved it. Nothing is written
/// before it ends, so a Ctrl-C while waiting leaves everything as it was.
///
/// # Errors
/// As [`crate::device::start`] and [`crate::device::wait_for_token`].
fn device_flow(
    opts: &InitOptions,
    io: &mut Io,
    resolved: &Resolved,
    device: &DeviceLogin,
) -> Result<source::Found> {
    // A network error here is about the web host, not the GraphQL
    // endpoint, and --offline cannot help: its own hint.
    let network = |e: Error| match e {
        Error::Github(error) => Error::DeviceNetwork {
            error,
            from_env: device.from_env,
            command: if opts.purpose.rotating() {
                "rotate"
            } else {
                "init"
            },
        },
        other => other,
    };
    let code = crate::device::start(
        &device.web,
        &device.client_id,
        &resolved.required,
        resolved.timeout,
    )
    .map_err(network)?;
    io.say(&format!(
        "Open {} and enter the code {} to create a token with the scopes this project needs ({}); it is valid for {} minutes.",
        sanitize(&code.verification_uri),
        io.bold(&code.user_code),
        resolved.required.join(", "),
        code.expires_in.as_secs().div_ceil(60)
    ));
    if crate::platform::copy_to_clipboard(&code.user_code) {
        io.say("(The code is on the clipboard.)");
    }
    if opts.open {
        open_in_browser(io, &code.verification_uri, "GitHub's device page");
    }
    io.say("Waiting for GitHub (Ctrl-C to stop; nothing is written until the token is validated)…");
    // Tests may shorten the wait between polls, never lengthen it.
    let least = io
        .var("GHENV_TEST_DEVICE_INTERVAL_MS")
        .and_then(|v| v.parse::<u64>().ok())
        .map(std::time::Duration::from_millis);
    let secret = crate::device::wait_for_token(
        &device.web,
        &device.client_id,
        &code,
        resolved.timeout,
        least,
        &mut std::thread::sleep,
    )
    .map_err(network)?;
    Ok((secret, Origin::Device))
}

/// Step 2: the token, read ([`read_secret`]) and validated
/// ([`validate`]). A typo at the prompt is asked again; on a terminal, a
/// token from the environment that fails is named and another offered.
///
/// # Errors
/// What [`read_secret`] or [`validate`] fail with, once no other token is
/// offered; missing scopes are [`Checked::failure`].
fn token(opts: &InitOptions, io: &mut Io, resolved: &Resolved) -> Result<Checked> {
    let mut asked = 0;
    let mut prompt_only = false;
    let mut show_where = false;
    let mut pasted: Option<secrecy::SecretString> = None;
    loop {
        let (secret, origin) = match pasted.take() {
            Some(secret) => (secret, Origin::Prompt),
            None => read_secret(opts, io, resolved, prompt_only, show_where)?,
        };
        if origin == Origin::Prompt {
            asked += 1;
        }
        let attempt = validate(io, opts, secret, &origin, resolved);
        let failed = match &attempt {
            Ok(got) => got.failure.as_ref(),
            Err(e) => Some(e),
        };
        if let Some(e) = failed {
            match offer_another(io, &origin, e, asked) {
                Another::Prompt => {
                    prompt_only = true;
                    continue;
                }
                Another::New => {
                    prompt_only = true;
                    show_where = true;
                    continue;
                }
                Another::Pasted(secret) => {
                    pasted = Some(secret);
                    continue;
                }
                Another::No => {}
            }
            steps::name_origin(io, &origin);
        }
        return attempt;
    }
}

impl InitReport {
    /// The report of a token just validated, before anything is written.
    fn new(project: &Project, opts: &InitOptions, resolved: &Resolved, checked: &Checked) -> Self {
        let token = &checked.token;
        InitReport {
            ok: true,
            validation: Validation::new(
                token,
                &checked.origin,
                &resolved.endpoint,
                checked.viewer.as_ref(),
                checked.scopes.clone(),
            ),
            template: resolved.template.name.clone(),
            encrypted: None,
            files: Vec::new(),
            hook: None,
            probe: None,
            editor: Vec::new(),
            error: None,
            failure: None,
            dir: project.dir().to_path_buf(),
            wrote_env: resolved.write_env,
            rotating: opts.purpose.rotating(),
            same_token: matches!(&opts.purpose, Purpose::Rotate { previous: Some(p) }
                if secrecy::ExposeSecret::expose_secret(p) == token.expose_secret()),
            env_path: resolved.env_path.clone(),
            old_kind: match &opts.purpose {
                Purpose::Rotate { previous: Some(p) } => {
                    crate::token::check_format(secrecy::ExposeSecret::expose_secret(p)).ok()
                }
                _ => None,
            },
        }
    }

    /// Marks it failed with `e` (missing scopes: nothing is written).
    fn fail(&mut self, e: Error) {
        self.ok = false;
        self.error = Some(ErrorReport::from(&e));
        self.failure = Some(e);
    }
}

/// Step 3: the files' text for the validated token.
///
/// # Errors
/// A template that does not render.
fn render_files(
    project: &Project,
    opts: &InitOptions,
    resolved: &Resolved,
    checked: &Checked,
) -> Result<render::Rendered> {
    let mut ctx = context(
        project,
        &resolved.template,
        &resolved.endpoint,
        &checked.token,
        checked.viewer.as_ref(),
        &checked.scopes,
    )?;
    // A template named on the command line brings its own variable; else
    // the one config.toml names (`[env] token_var`) is kept.
    if opts.template.template.is_none() && !opts.proxy {
        ctx.token_var = project.token_var(&resolved.template);
    }
    // A client id given on the command line is recorded for the team.
    ctx.client_id = opts.login.client_id.clone();
    render::render(&resolved.template, &ctx, checked.token.expose_secret())
}

/// What the locked write did.
struct Written {
    /// The files, in the order they were renamed into place.
    changes: Vec<Change>,
    /// How the token was encrypted, if it was.
    encrypted: Option<Encrypted>,
}

/// Step 4: holding the project's lock, config.toml is read again, the
/// token sealed ([`seal_token`]), the writes planned over the files as
/// they are now and done together, config.toml last; then what was
/// written is recorded as accepted on this machine. A change another
/// ghenv made meanwhile is neither lost nor undone.
///
/// # Errors
/// The lock, sealing, a config.toml that does not merge, or the write.
fn write_locked(
    project: &Project,
    opts: &InitOptions,
    io: &mut Io,
    resolved: &Resolved,
    token: &Token,
    rendered: render::Rendered,
) -> Result<Written> {
    let (_lock, config_file, files) = project.lock_and_reread()?;
    let sealed = seal_token(project, opts, io, resolved, config_file.as_ref(), token)?;
    let retire = retired_variables(project, &resolved.template, &files);
    let mut changes = plan(
        io,
        project,
        config_file.as_ref(),
        &files,
        rendered,
        resolved.write_env,
        &retire,
    )?;
    if let Some(id) = resolved.new_identity() {
        if let Some(parent) = id.path.parent() {
            write::create_private_dir(parent)?;
        }
        changes.insert(
            changes.len() - 1,
            Change::new(id.path.clone(), None, id.text.clone(), true),
        );
    }
    let mut encrypted = None;
    if let Some(secret::Sealed {
        recipients,
        passphrase,
        armored,
    }) = sealed
    {
        seal(
            token,
            &mut changes,
            &recipients,
            passphrase,
            &armored,
            &resolved.origins,
        )?;
        encrypted = Some(Encrypted {
            recipients,
            passphrase,
        });
    }
    crate::accept::expect_token(io, project, token.expose_secret());
    project.commit_guarded(&changes)?;
    // What is recorded is the project as just written (its config.toml may
    // now name another token variable), not as it was read before.
    let written = Project::open(&Location {
        dir: Some(project.dir().to_path_buf()),
        template_dir: opts.location.template_dir.clone(),
    })?;
    crate::accept::record_written(
        io,
        project,
        Some(crate::accept::current_settings(
            &written,
            &resolved.template,
        )?),
        encrypted
            .as_ref()
            .filter(|e| !e.passphrase)
            .map(|e| e.recipients.clone()),
        encrypted.as_ref().map(|e| {
            if e.passphrase {
                crate::trust::Sealing::Passphrase
            } else {
                crate::trust::Sealing::Recipients
            }
        }),
        Some(token.expose_secret()),
    );
    crate::accept::write_done(io, project);
    Ok(Written { changes, encrypted })
}

/// Step 4a, under the lock: the recipients decided for good (those
/// config.toml has now, for a project already encrypted), a check that
/// the user keeps access, and the token encrypted to them
/// ([`secret::Sealed`]), or `None` without encryption.
///
/// # Errors
/// A passphrase not given, recipients not accepted or that would lock the
/// user out, or encryption.
fn seal_token(
    project: &Project,
    opts: &InitOptions,
    io: &mut Io,
    resolved: &Resolved,
    config_file: Option<&Existing>,
    token: &Token,
) -> Result<Option<secret::Sealed>> {
    let settled = match &resolved.lock {
        Some(Lock::Existing) => {
            let reread = config_file
                .and_then(|f| config::parse(&f.text).ok())
                .and_then(|c| c.secret);
            if reread.as_ref().is_some_and(|s| s.passphrase) {
                // Before the passphrase is asked for: a pusher may have
                // flipped the flag where recipients were accepted.
                crate::accept::sealing(io, project, true)?;
                Some(Lock::Passphrase(secret::passphrase_to_encrypt(io)?))
            } else {
                let recipients = secret::existing_recipients(reread.as_ref())?;
                let texts: Vec<String> = recipients.iter().map(|r| r.as_str().to_owned()).collect();
                crate::accept::recipients(
                    io,
                    project,
                    &texts,
                    &resolved.approved,
                    opts.lock.accept_recipients,
                )?;
                io.say(&format!(
                    "Encrypting to the recipients config.toml already has ({}).",
                    texts.len()
                ));
                Some(Lock::Recipients {
                    recipients,
                    new_identity: None,
                    origins: Vec::new(),
                })
            }
        }
        _ => None,
    };
    let lock = settled.as_ref().or(resolved.lock.as_ref());
    if let Some(Lock::Recipients {
        recipients,
        new_identity: None,
        ..
    }) = lock
    {
        let texts: Vec<String> = recipients.iter().map(|r| r.as_str().to_owned()).collect();
        let held = secret::held_recipients(&opts.identity, io);
        crate::accept::keep_access(io, &texts, &held, opts.lock.force)?;
    }
    match lock {
        Some(lock) => Ok(Some(secret::encrypt(lock, token.expose_secret())?)),
        None => Ok(None),
    }
}

/// Step 5: what was done, said once the files are written, then the
/// hook offer, the probe, the offline doctor checks and, for a proxy
/// template, how the app reaches the proxy. Nothing here fails: the files
/// are written by now.
fn report_done(
    project: &Project,
    opts: &InitOptions,
    io: &mut Io,
    resolved: &Resolved,
    token: &Token,
    report: &mut InitReport,
    changes: &[Change],
) {
    if let Some(id) = resolved.new_identity() {
        io.ok(&format!(
            "Created your age identity at {} (keep it safe: it decrypts the token)",
            id.path.display()
        ));
    }
    match &report.encrypted {
        Some(Encrypted {
            passphrase: true, ..
        }) => io.ok("Encrypted the token into config.toml with your passphrase"),
        Some(Encrypted { recipients, .. }) => io.ok(&format!(
            "Encrypted the token into config.toml for {} recipient{}: {}",
            recipients.len(),
            if recipients.len() == 1 { "" } else { "s" },
            recipients
                .iter()
                .map(|r| short_key(r))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => {}
    }
    report.files = files_report(changes);
    // Said before any question that follows: a Ctrl-C there must not leave
    // the user wondering whether the files were written.
    say_written(io, &report.dir, &report.files);
    report.hook = offer_hook(opts, io, project.dir());
    let template = &resolved.template;
    let fine_grained = token.kind() == crate::token::Kind::FineGrained;
    if !opts.offline && opts.probe.unwrap_or(fine_grained) {
        report.probe = probe_after_init(io, project, template, token, &resolved.endpoint, opts);
    }
    if !opts.purpose.rotating() && !opts.json {
        after_init_checks(opts, io);
    }
    if template.is_proxy() && !opts.json {
        let var = if template.name.starts_with("vite") {
            "import.meta.env.VITE_GITHUB_GRAPHQL_URL"
        } else {
            "process.env.REACT_APP_GITHUB_GRAPHQL_URL"
        };
        io.say(&format!(
            "The app talks to `ghenv proxy`, which adds the token. In the Apollo client, change two lines:\n  uri: {var},   // the proxy, not GitHub\n  // and remove the Authorization header: the proxy sends it\nStart both with `ghenv proxy -- {}`.",
            crate::app::dev_command(project.dir())
        ));
    }
}

/// A token that passed the offline check, and what GitHub said of it.
struct Checked {
    token: Token,
    origin: Origin,
    viewer: Option<Viewer>,
    scopes: ScopeReport,
    /// Missing scopes (or unknown ones under `--strict`).
    failure: Option<Error>,
}

/// The token from the sources `init` reads, in order: `--token-stdin` /
/// `--token-file`, with `--encrypt` (and the like) the token already in the
/// env file (so a project is encrypted without pasting it again),
/// `GH_TOKEN` / `GITHUB_TOKEN`, the prompt (after printing where to create
/// one); only the prompt when asking again (saying where to create a
/// token again with `show_where_again`).
fn read_secret(
    opts: &InitOptions,
    io: &mut Io,
    resolved: &Resolved,
    prompt_only: bool,
    show_where_again: bool,
) -> Result<source::Found> {
    let command = if opts.purpose.rotating() {
        "rotate"
    } else {
        "init"
    };
    if !prompt_only {
        if let (true, Some(device)) = (opts.login.web, &resolved.device) {
            return device_flow(opts, io, resolved, device);
        }
        if let Some(host) = &resolved.gh_host {
            return source::from_gh(host).map(|s| (s, Origin::Gh(host.clone())));
        }
        // A client id is known and nobody said where the token comes
        // from: on a terminal, the browser is offered before the paste.
        if let Some(device) = &resolved.device
            && io.stdin_tty
            && !opts.input.stdin
            && opts.input.file.is_none()
        {
            let mut quiet = if opts.purpose.rotating() {
                vec![Source::Environment]
            } else {
                vec![
                    Source::EnvFile {
                        path: &resolved.env_path,
                        var: &resolved.token_var,
                    },
                    Source::Environment,
                ]
            };
            match source::resolve(&mut quiet, command, io) {
                Ok(found) => return Ok(found),
                Err(Error::NoToken { .. }) => {
                    if io.ask(
                        "Create the token in the browser with GitHub's device flow (recommended)? [Y/n, n: paste one] ",
                        true,
                    ) {
                        return device_flow(opts, io, resolved, device);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    let (endpoint, required) = (&resolved.endpoint, &resolved.required);
    let mut show_where = |io: &mut Io| {
        if (io.stdin_tty || opts.open) && (!prompt_only || show_where_again) {
            let url = endpoint.new_token_url(required, &resolved.description);
            io.say(&format!(
                "Create a token with the scopes this project needs ({}) at:\n  {url}\nthen paste it below.",
                required.join(", ")
            ));
            if opts.open {
                open_in_browser(io, &url, "GitHub's new-token page");
            }
        }
    };
    let prompt = Source::Prompt {
        before: Some(&mut show_where),
    };
    if prompt_only {
        return source::resolve(&mut [prompt], command, io);
    }
    let env_file = Source::EnvFile {
        path: &resolved.env_path,
        var: &resolved.token_var,
    };
    // init over a project that has a token (to repair it, as doctor's
    // fixes say, or to encrypt it) keeps that token: the env file comes
    // before the shell's variables. rotate is there to replace it.
    if !opts.purpose.rotating() {
        source::resolve(
            &mut [
                Source::Flags(&opts.input),
                env_file,
                Source::Environment,
                prompt,
            ],
            command,
            io,
        )
    } else {
        source::resolve(
            &mut [Source::Flags(&opts.input), Source::Environment, prompt],
            command,
            io,
        )
    }
}

/// Checks `secret` offline, with GitHub (unless `--offline`), and its
/// scopes against the project's.
///
/// # Errors
/// A malformed token, GitHub's refusal or a network error; missing scopes
/// are [`Checked::failure`].
fn validate(
    io: &mut Io,
    opts: &InitOptions,
    secret: secrecy::SecretString,
    origin: &Origin,
    resolved: &Resolved,
) -> Result<Checked> {
    let (endpoint, required) = (&resolved.endpoint, resolved.required.as_slice());
    let secret = steps::repair_env_value(io, secret, origin, "init writes the line anew");
    let token = Token::parse(secret)?;
    announce_token(io, &token, origin);
    let viewer = if opts.offline {
        io.warn("--offline: the token was not validated with GitHub (config.toml says validated = false); run `ghenv check` when online");
        None
    } else {
        let viewer = steps::validate(io, &token, endpoint, resolved.timeout)?;
        // Before "valid": an expired token is not, whatever GitHub let by.
        steps::check_expiry(
            io,
            &token,
            &viewer,
            &endpoint.new_token_url(required, &resolved.description),
        )?;
        let name = viewer
            .name
            .as_deref()
            .map(|n| format!(" ({})", sanitize(n)))
            .unwrap_or_default();
        io.ok(&format!(
            "GitHub: the token is valid for {}{name}",
            io.bold(&sanitize(&viewer.login))
        ));
        Some(viewer)
    };
    let scopes = ScopeReport::new(required.to_vec(), viewer.as_ref());
    let failure = scopes
        .enforce(
            io,
            token.kind(),
            viewer.is_some(),
            opts.template.strict,
            endpoint.new_token_url(required, &resolved.description),
            origin,
        )
        .err();
    if failure.is_none()
        && let Some(granted) = &scopes.granted
    {
        io.ok(&steps::scopes_granted_line(required.len(), granted));
    }
    Ok(Checked {
        token,
        origin: origin.clone(),
        viewer,
        scopes,
        failure,
    })
}

/// What to do after a token failed.
enum Another {
    /// Give up.
    No,
    /// Ask for one at the prompt.
    Prompt,
    /// Ask for a new one at the prompt, saying where to create it.
    New,
    /// Use this one, pasted at the question itself.
    Pasted(secrecy::SecretString),
}

/// Whether to ask for another token after `error`: a typo at the prompt
/// (three tries in all), or, on a terminal, a token from the environment
/// that the user may not even know is set. That question is read hidden:
/// a user who pastes a token instead of answering must not see it echoed,
/// and it is taken as the token.
fn offer_another(io: &mut Io, origin: &Origin, error: &Error, asked: usize) -> Another {
    let about_the_token = matches!(
        error,
        Error::TokenFormat(_)
            | Error::TokenRejected { .. }
            | Error::TokenExpired { .. }
            | Error::MissingScopes { .. }
            | Error::ScopesUnknown { .. }
    );
    match origin {
        Origin::Prompt if matches!(error, Error::TokenFormat(_)) && asked < 3 => {
            io.warn(&format!("{error}; paste it again ({} of 3)", asked + 1));
            Another::Prompt
        }
        Origin::Env(var) if io.stdin_tty && about_the_token => {
            io.warn(&format!(
                "the token in ${var}, set in your shell, failed: {error}"
            ));
            let Ok(answer) =
                io.prompt_secret("Paste a different token instead? [Y/n] (input hidden) ")
            else {
                return Another::No;
            };
            let text = secrecy::ExposeSecret::expose_secret(&answer).trim();
            if crate::token::looks_like_token(text) || text.len() >= 20 {
                io.ok(&format!(
                    "Took the token pasted at the question ({})",
                    crate::token::mask(text)
                ));
                return Another::Pasted(answer);
            }
            match text.to_lowercase().as_str() {
                "" | "y" | "yes" => Another::Prompt,
                _ => Another::No,
            }
        }
        // The env file's token went bad (a classic token expires after 30
        // days by default): reading it again would fail again, and GitHub
        // shows a token only once, so a new one is the way on.
        Origin::DotEnv { path, var } if io.stdin_tty && about_the_token => {
            io.warn(&format!(
                "the token in {} ({var}) failed: {error}",
                sanitize(&path.display().to_string())
            ));
            if io.ask("Create a new token and paste it here? [Y/n] ", true) {
                Another::New
            } else {
                Another::No
            }
        }
        _ => Another::No,
    }
}

/// The template context of a freshly validated token.
fn context(
    project: &Project,
    template: &Template,
    endpoint: &str,
    token: &Token,
    viewer: Option<&Viewer>,
    scopes: &ScopeReport,
) -> Result<Context> {
    Ok(Context {
        template: template.name.clone(),
        endpoint: endpoint.to_owned(),
        login: viewer.map(|v| v.login.clone()),
        name: viewer.and_then(|v| v.name.clone()),
        scopes: scopes.granted.clone(),
        required_scopes: scopes.required.clone(),
        token_type: token.kind().name().to_owned(),
        validated: viewer.is_some(),
        validated_at: viewer.map(|_| now_rfc3339()),
        expires_at: viewer.and_then(|v| v.expires_at).map(|t| t.to_string()),
        env_file: project.env_file()?.to_owned(),
        token_var: template.token_var.clone(),
        folder: project.name(),
        client_id: None,
    })
}

/// The variables the project's previous template wrote the token to that
/// `template` does not write (`init -t vite` in a project set up with
/// `react`): left in the env file, they would be copies of the token that
/// `rotate` no longer updates. Only those holding something token-shaped.
fn retired_variables(project: &Project, template: &Template, files: &Files) -> Vec<String> {
    let Some(previous) = project
        .config()
        .and_then(|c| c.template.clone())
        .filter(|name| *name != template.name)
        .and_then(|name| project.template(Some(&name)).ok())
    else {
        return Vec::new();
    };
    let Some(env) = &files.env else {
        return Vec::new();
    };
    let kept = template.variables();
    let mut old = previous.variables();
    old.push(project.token_var(&previous));
    let values = crate::envfile::parse(&env.text);
    let mut out: Vec<String> = old
        .into_iter()
        .filter(|k| !kept.contains(k) && *k != template.token_var)
        .filter(|k| {
            values
                .iter()
                .any(|(key, value)| key == k && crate::token::looks_like_token(value))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Merges the rendered files into what exists and plans the writes, in
/// the order they are renamed into place: `config.toml` last, so that it
/// stays the source of truth if ghenv dies half-way.
fn plan(
    io: &mut Io,
    project: &Project,
    config_file: Option<&Existing>,
    files: &Files,
    rendered: render::Rendered,
    write_env: bool,
    retire: &[String],
) -> Result<Vec<Change>> {
    let config_text = match config_file {
        Some(e) => {
            config::merge(&e.text, &rendered.config).map_err(|problem| Error::ConfigInvalid {
                path: project.config_path(),
                problem,
            })?
        }
        None => rendered.config,
    };
    // config.toml is committed: nothing shaped like a token goes in, even
    // one a server slipped into a login.
    if crate::token::looks_like_token(&config_text) {
        return Err(Error::PlaintextInConfig);
    }
    let mut changes = Vec::new();
    if write_env {
        let (change, notes) = project.env_change(files, &rendered.env, retire)?;
        project.say_rewrites(io, &notes);
        changes.push(change);
    }
    changes.push(project::merged_change(
        project.dir().join(EXAMPLE_FILE),
        files.example.as_ref(),
        &rendered.env_example,
        false,
    ));
    changes.extend(project.gitignore_change(files)?);
    changes.push(Change::new(
        project.config_path(),
        config_file,
        Zeroizing::new(config_text),
        false,
    ));
    Ok(changes)
}

/// Puts the encrypted token into the planned `config.toml`, and proves the
/// plaintext is not in it.
fn seal(
    token: &Token,
    changes: &mut [Change],
    recipients: &[String],
    passphrase: bool,
    armored: &str,
    origins: &[(String, String)],
) -> Result<()> {
    let config_change = changes
        .iter_mut()
        .find(|c| c.path.file_name().is_some_and(|n| n == config::FILE))
        .expect("init always plans config.toml");
    let text = secret::seal_into(
        &config_change.contents,
        recipients,
        passphrase,
        armored,
        token,
        origins,
    )?;
    config_change.contents = Zeroizing::new(text);
    config_change.status = match config_change.status {
        Status::Unchanged => Status::Updated,
        other => other,
    };
    Ok(())
}

/// The offline part of `ghenv doctor` on the project just written,
/// printed only for what is not ok.
fn after_init_checks(opts: &InitOptions, io: &mut Io) {
    let Ok(project) = Project::open(&opts.location) else {
        return;
    };
    let offline = crate::doctor::checks::CheckOptions {
        offline: true,
        endpoint: EndpointOptions::default(),
        identity: opts.identity.clone(),
        probe: false,
    };
    for check in crate::doctor::checks::checks(&project, &offline, io) {
        if check.status != crate::doctor::Status::Ok {
            let fix = check
                .fix
                .as_deref()
                .map(|f| format!("; fix: {f}"))
                .unwrap_or_default();
            io.warn(&sanitize(&format!("{}{fix}", check.message)));
        }
    }
}

/// The probe of the course's and config.toml's operations (not the app's:
/// `ghenv probe` does those), printed as its table. The token is written
/// by then, so a probe that cannot run is a warning, never a failure.
fn probe_after_init(
    io: &mut Io,
    project: &Project,
    template: &Template,
    token: &Token,
    endpoint: &crate::endpoint::Endpoint,
    opts: &InitOptions,
) -> Option<crate::probe::session::ProbeReport> {
    let input = crate::probe::session::Input {
        project,
        template,
        token,
        endpoint,
        timeout: opts.endpoint.timeout,
        app: false,
        refresh: false,
    };
    match crate::probe::session::probe(io, &input) {
        Ok(report) => {
            if !opts.json && !io.verbosity.quiet && !report.operations.is_empty() {
                io.say("Will each lesson work with this token?");
                let kind = token.kind();
                let add =
                    |needs: &[String]| steps::add_scopes_command(&Origin::Prompt, kind, needs);
                report.print_table(io, &endpoint.edit_token_url(kind), &add);
                if report.lacks(false) {
                    io.warn(
                        "some lessons will fail with this token: the lines with ✗ say what to add",
                    );
                }
            }
            Some(report)
        }
        Err(e) => {
            io.warn(&format!(
                "{e}; the course's operations were not tried (`ghenv probe` tries again)"
            ));
            None
        }
    }
}

/// Installs the pre-commit hook with `--hook`, or offers to on a terminal.
/// Never fails: the files are written by now, so problems are warnings.
/// Returns what happened, for the report.
fn offer_hook(opts: &InitOptions, io: &mut Io, dir: &std::path::Path) -> Option<HookStatus> {
    let Some(hooks) = git::hooks_dir(dir) else {
        if opts.hook {
            io.warn(&format!(
                "--hook: {} is not in a git repository, so no hook was installed; run `git init`, then `ghenv hook install`",
                dir.display()
            ));
        }
        return None;
    };
    if !opts.hook {
        let installed = hooks.join("pre-commit").exists();
        if installed || !io.stdin_tty || opts.json || io.verbosity.quiet {
            return None;
        }
        if !io.confirm(
            "Install a git pre-commit hook that blocks commits containing a GitHub token? [Y/n] ",
        ) {
            return None;
        }
    }
    match crate::hook::install_in(dir, false) {
        Ok((path, status)) => {
            io.ok(&format!("Pre-commit hook installed at {}", path.display()));
            Some(match status {
                crate::hook::Installed::Already => HookStatus::AlreadyInstalled,
                _ => HookStatus::Installed,
            })
        }
        Err(e) => {
            io.warn(&format!("{e}; the hook was not installed"));
            if let Some(h) = e.hint() {
                io.say(&format!("  hint: {h}"));
            }
            None
        }
    }
}

/// Set-ups unit tests of other commands start from.
#[cfg(test)]
pub mod testing {
    use super::*;

    /// A project set up by the pipeline, offline, with
    /// [`crate::token::sample_classic`] encrypted to a new age key and no
    /// env file (`init --offline -r KEY --no-env`).
    pub struct Encrypted {
        /// The project's folder.
        pub project: tempfile::TempDir,
        /// `XDG_CONFIG_HOME`, which holds the key as `key.txt`.
        pub home: tempfile::TempDir,
        /// The key's public half.
        pub recipient: String,
        /// Where the project is.
        pub location: Location,
        /// `-i` with the key.
        pub identity: Identities,
    }

    impl Encrypted {
        /// Sets it up.
        pub fn set_up() -> Encrypted {
            let project = tempfile::tempdir().unwrap();
            let home = tempfile::tempdir().unwrap();
            let key = age::x25519::Identity::generate();
            let key_file = home.path().join("key.txt");
            std::fs::write(
                &key_file,
                format!(
                    "{}\n",
                    secrecy::ExposeSecret::expose_secret(&key.to_string())
                ),
            )
            .unwrap();
            let set_up = Encrypted {
                location: Location {
                    dir: Some(project.path().to_path_buf()),
                    template_dir: None,
                },
                identity: Identities {
                    paths: vec![key_file],
                },
                recipient: key.to_public().to_string(),
                project,
                home,
            };
            let token = crate::token::sample_classic();
            let mut io = set_up.io().with_stdin(&format!("{token}\n"), false);
            let opts = InitOptions {
                location: set_up.location.clone(),
                input: TokenInput {
                    stdin: true,
                    file: None,
                },
                offline: true,
                lock: LockOptions {
                    recipients: vec![set_up.recipient.clone()],
                    no_env: true,
                    ..LockOptions::default()
                },
                identity: set_up.identity.clone(),
                json: true,
                ..InitOptions::default()
            };
            init(&Project::open(&set_up.location).unwrap(), &opts, &mut io).unwrap();
            set_up
        }

        /// An [`Io::test`] whose environment is this machine's `home`.
        pub fn io(&self) -> Io {
            self.io_captured().0
        }

        /// The same, with what it captures.
        pub fn io_captured(&self) -> (Io, crate::output::Captured) {
            let (io, captured) = Io::test();
            let home = self.home.path().to_str().unwrap();
            (io.with_env(&[("XDG_CONFIG_HOME", home)]), captured)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_closing_line_says_readable_only_by_you_only_when_it_is() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        std::fs::write(&env, "X=1\n").unwrap();
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(written_env_line(&env).contains(".env is git-ignored and readable only by you"));
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
        let line = written_env_line(&env);
        assert!(!line.contains("readable only by you"), "{line}");
        assert!(line.starts_with(".env is git-ignored;"), "{line}");
    }

    /// `--json`'s `hook` keeps the strings it had when it was a `&str`.
    #[test]
    fn hook_status_serializes_to_the_strings_of_the_json() {
        let json = |h: Option<HookStatus>| serde_json::to_value(h).unwrap();
        assert_eq!(json(Some(HookStatus::Installed)), "installed");
        assert_eq!(
            json(Some(HookStatus::AlreadyInstalled)),
            "already-installed"
        );
        assert_eq!(json(None), serde_json::Value::Null);
    }
}
