//! doctor's checks, in five groups (project, variable, token, secrets,
//! bundle): each one reads the facts ([`super`]) and comes out ok, warn or
//! fail, with one line of why and one of fix. A group function only says
//! which checks run, in which order; each check (or a family of checks of
//! one id, such as one per variable the code reads) is a function of its
//! own, and the token's checks take GitHub's answer and the time as
//! arguments, so that unit tests call them without a server or a clock. Offline except the token
//! group, which makes the one request `check` makes. Used by `ghenv doctor`
//! and, offline, after `ghenv init`.

use std::collections::BTreeSet;
use std::path::Path;

use super::{App, Check, CheckId, Group, Status};
use crate::doctor;
use crate::endpoint::EndpointOptions;
use crate::error::Error;
use crate::git;
use crate::output::Io;
use crate::platform::Privacy;
use crate::project::Project;
use crate::render::Template;
use crate::secret;
use crate::secret::Identities;
use crate::source::{self, Source};
use crate::steps;
use crate::text::sanitize;
use crate::token::Token;

/// What the checks are asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Skip the token group (no request to GitHub).
    pub offline: bool,
    /// Which GitHub.
    pub endpoint: EndpointOptions,
    /// `-i`: identities that may decrypt `[secret]`.
    pub identity: Identities,
    /// Try the lessons' and the app's operations (not `--no-probe`).
    pub probe: bool,
}

/// Every check, in group order.
pub fn checks(project: &Project, opts: &CheckOptions, io: &mut Io) -> Vec<Check> {
    let mut out = Vec::new();
    let template = project.template(None).ok();
    let app = doctor::find_app(project.dir());
    project_group(project, app.as_ref(), &mut out);
    // What config.toml asks that this machine has not accepted: run and
    // unlock would stop on it, so doctor says so first.
    if let Some(t) = &template {
        let pending = crate::accept::pending(io, project, t);
        if !pending.is_empty() {
            out.push(
                Check::new(
                    CheckId::Accepted,
                    Status::Warn,
                    format!(
                        "config.toml changed where the token goes since you accepted it here: {}",
                        pending.join("; ")
                    ),
                )
                .fix("read the change (`git log -p config.toml`), then `ghenv allow`"),
            );
        }
    }
    // An env file every other command refuses is a failure here too, not
    // a reason to leave groups out silently.
    if let Err(e) = project.env_file() {
        out.push(
            Check::new(CheckId::EnvFile, Status::Fail, e.to_string())
                .fix("put back `file = \".env\"` under [env] in config.toml, or ask who changed it (`git log -p config.toml`)"),
        );
        return out;
    }
    let token = known_token(project, template.as_ref(), &opts.identity, io);
    if let (Some(app), Some(template)) = (&app, &template) {
        variable_group(project, app, template, &mut out);
    }
    if !opts.offline {
        token_group(
            project,
            template.as_ref(),
            opts,
            token.as_ref(),
            io,
            &mut out,
        );
    }
    secrets_group(project, token.as_ref(), &opts.identity, io, &mut out);
    if let (Some(app), Some(template)) = (&app, &template) {
        bundle_group(project, app, template, token.as_ref(), &mut out);
    }
    out
}

/// The project's token, from the env file, else `[secret]` (quietly),
/// for the checks that compare against it.
fn known_token(
    project: &Project,
    template: Option<&Template>,
    identity: &Identities,
    io: &mut Io,
) -> Option<Token> {
    let path = project.env_path().ok()?;
    let var = template.map(|t| project.token_var(t))?;
    let mut quietly = |io: &mut Io| {
        Ok(project
            .secret()
            .and_then(|s| secret::decrypt_quietly(s, identity, io))
            .map(|t| (t, source::Origin::Config(project.config_path()))))
    };
    let (secret, _) = source::resolve(
        &mut [
            Source::EnvFile {
                path: &path,
                var: &var,
            },
            Source::Secret(&mut quietly),
        ],
        "doctor",
        io,
    )
    .ok()?;
    Token::parse(secret).ok()
}

/// The built-in template, other than `current`, whose prefix `name` has
/// (`VITE_` → vite, `REACT_APP_` → react) and which writes `name`.
fn template_that_writes(name: &str, current: &str) -> Option<&'static str> {
    let other = [("VITE_", "vite"), ("REACT_APP_", "react")]
        .into_iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, t)| t)
        .filter(|t| *t != current)?;
    let t = crate::render::load(other, None).ok()?;
    (t.token_var == name || t.variables().iter().any(|v| v == name)).then_some(other)
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn project_group(project: &Project, app: Option<&App>, out: &mut Vec<Check>) {
    config_check(project, out);
    framework_check(app, out);
    if let Some(app) = app {
        env_location_check(project, app, out);
    }
}

/// Whether ghenv's config.toml is here (or another tool's).
fn config_check(project: &Project, out: &mut Vec<Check>) {
    out.push(match project.config() {
        Some(_) => Check::new(
            CheckId::Config,
            Status::Ok,
            format!("config.toml found in {}", shown(project.dir())),
        ),
        None if project.has_foreign_config() => Check::new(
            CheckId::Config,
            Status::Warn,
            format!(
                "the config.toml in {} is another tool's (none of ghenv's keys): ghenv leaves it alone",
                shown(project.dir())
            ),
        )
        .fix("run ghenv in the app's own folder, the one with its package.json (`ghenv init -C DIR`)"),
        None => Check::new(
            CheckId::Config,
            Status::Warn,
            format!(
                "no config.toml in {} or a folder above it",
                shown(project.dir())
            ),
        )
        .fix("run `ghenv init` in the app's folder"),
    });
}

/// The app's framework: which prefix the browser sees, which env files its
/// dev server loads; a warning when there is no app here.
fn framework_check(app: Option<&App>, out: &mut Vec<Check>) {
    let Some(app) = app else {
        out.push(
            Check::new(
                CheckId::Framework,
                Status::Warn,
                "no package.json here or one folder below: the app's framework is unknown".into(),
            )
            .fix("run doctor in the app's folder (-C DIR)"),
        );
        return;
    };
    let files = app.framework.env_files().join(", ");
    out.push(Check::new(
        CheckId::Framework,
        Status::Ok,
        match app.framework.prefix() {
            Some(p) => format!(
                "{} in {}: the browser sees {p} variables; its dev server loads {files}",
                app.framework.app_name(),
                shown(&app.dir)
            ),
            None => format!(
                "{} in {}: loads .env",
                app.framework.app_name(),
                shown(&app.dir)
            ),
        },
    ));
}

/// Whether the env file sits where the dev server reads it: else where it
/// is instead (a stray copy in src/, a parent, a sibling), or that there is
/// none.
fn env_location_check(project: &Project, app: &App, out: &mut Vec<Check>) {
    let Ok(env) = project.env_path() else {
        return;
    };
    let env_name = project.env_file().unwrap_or(".env").to_owned();
    let env_dir = env.parent().map(Path::to_path_buf).unwrap_or_default();
    let same = match (
        std::fs::canonicalize(&env_dir),
        std::fs::canonicalize(&app.dir),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => env_dir == app.dir,
    };
    let served = app.dir.join(".env");
    out.push(if env.exists() && same {
        Check::new(CheckId::EnvLocation, Status::Ok,
            format!("{} sits where the dev server reads it", shown(&env)),
        )
    } else if env.exists() {
        Check::new(CheckId::EnvLocation, Status::Fail,
            format!(
                "the token is in {}, but the dev server reads {}",
                shown(&env),
                shown(&served)
            ),
        )
        .fix(format!(
            "set the app up where its package.json is: `ghenv init -C {}`",
            shown(&app.dir)
        ))
        .at(shown(&env), None)
    } else if let Some(stray) = (!served.exists())
        .then(|| stray_env_file(project.dir(), &app.dir))
        .flatten()
    {
        // Where students put it: src/, the repository root, a parent or a
        // sibling folder. The dev server reads only its own folder's.
        Check::new(CheckId::EnvLocation, Status::Fail,
            format!(
                "{} is not read by the {} dev server, which reads {} (there is none)",
                shown(&stray),
                app.framework.name(),
                shown(&served)
            ),
        )
        .fix(format!("mv {} {}", shown(&stray), shown(&served)))
        .at(shown(&stray), None)
    } else if project.secret().is_some() {
        Check::new(CheckId::EnvLocation, Status::Warn,
            format!("there is no {env_name}: the token lives only in config.toml, so the dev server sees none"),
        )
        .fix(format!(
            "`ghenv unlock` writes it (or start the app with `ghenv run -- {}`)",
            crate::app::dev_command(&app.dir)
        ))
    } else {
        Check::new(CheckId::EnvLocation, Status::Fail,
            format!("there is no {env_name} in {}: the app sees no token", shown(&env_dir)),
        )
        .fix("`ghenv init` asks for a token and writes it")
    });
}

/// An env file where students put one by mistake (the app's `src/`, the
/// project or repository folder above the app, the app's parent, a sibling
/// folder), when the app's own folder has none.
fn stray_env_file(project_dir: &Path, app_dir: &Path) -> Option<std::path::PathBuf> {
    let mut places = vec![app_dir.join("src").join(".env"), project_dir.join(".env")];
    if let Some(parent) = app_dir.parent() {
        places.push(parent.join(".env"));
        if let Ok(entries) = std::fs::read_dir(parent) {
            let mut siblings: Vec<_> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path().join(".env"))
                .collect();
            siblings.sort();
            places.extend(siblings);
        }
    }
    if let Some(top) = git::toplevel(app_dir) {
        places.push(top.join(".env"));
    }
    let own = std::fs::canonicalize(app_dir.join(".env")).ok();
    places
        .into_iter()
        .filter(|p| p.is_file())
        .find(|p| std::fs::canonicalize(p).ok() != own)
}

/// What the variable group's checks read: the token variable, the env
/// files the app's dev server loads (in its order) and the variables its
/// code reads.
struct Vars<'a> {
    project: &'a Project,
    app: &'a App,
    template: &'a Template,
    token_var: String,
    env_name: String,
    files: Vec<doctor::EnvFile>,
    reads: Vec<doctor::Read>,
}

impl Vars<'_> {
    /// Every variable an env file the dev server loads defines.
    fn defined(&self) -> BTreeSet<&str> {
        self.files
            .iter()
            .flat_map(|f| f.vars.iter().map(|(k, _)| k.as_str()))
            .collect()
    }
}

/// The variable group: for each GitHub variable the app's code reads,
/// whether an env file its dev server loads defines it, with the prefix the
/// framework gives the browser, read the framework's way (`import.meta.env`
/// in Vite); a name that is only near one defined gets "did you mean" and
/// the fix that renames the right side (the template's variable, never an
/// invented one); then whether another env file shadows the token
/// variable, whether every .env reader reads the files alike, a second
/// variable holding a token, and a dev server started before the env file
/// changed (not Vite, which restarts by itself).
fn variable_group(project: &Project, app: &App, template: &Template, out: &mut Vec<Check>) {
    let v = Vars {
        project,
        app,
        template,
        token_var: project.token_var(template),
        env_name: project.env_file().unwrap_or(".env").to_owned(),
        files: doctor::env_files(app),
        reads: doctor::code_reads(app),
    };
    code_reads_checks(&v, out);
    token_prefix_check(&v, out);
    shadowed_check(&v, out);
    second_token_checks(&v, out);
    consumers_checks(&v, out);
    dev_server_check(&v, out);
}

/// Each GitHub variable the code reads: defined by an env file the dev
/// server loads, with the prefix the framework gives the browser (package.json
/// decides, whatever config.toml says), read the framework's way; a name
/// only near a defined one gets "did you mean" and the fix that renames the
/// right side.
fn code_reads_checks(v: &Vars<'_>, out: &mut Vec<Check>) {
    let (app, reads) = (v.app, &v.reads);
    let (token_var, env_name) = (v.token_var.as_str(), v.env_name.as_str());
    let defined = v.defined();
    let prefix = app.framework.prefix();
    let defined_list: Vec<&str> = defined.iter().copied().collect();
    let mut reported = BTreeSet::new();
    let mut failed = false;
    for read in reads.iter().filter(|r| doctor::about_github(&r.name)) {
        if !reported.insert(read.name.clone()) {
            continue;
        }
        let at = (shown(&app.dir.join(&read.file)), Some(read.line));
        let code = sanitize(&read.code).into_owned();
        // Another framework's name (CRA's REACT_APP_ in a Vite app) is
        // renamed, not prefixed again: VITE_REACT_APP_… reaches nobody.
        let bare = crate::trust::BROWSER_PREFIXES
            .iter()
            .find_map(|q| read.name.strip_prefix(q))
            .unwrap_or(&read.name);
        let vite = app.framework == doctor::Framework::Vite;
        if defined.contains(read.name.as_str()) {
            if let Some(p) = prefix.filter(|p| !read.name.starts_with(p))
                && app.framework != doctor::Framework::Node
            {
                failed = true;
                // The token goes by the framework's template's name, the
                // one `ghenv rotate` keeps up to date: never an invented one
                // (REACT_APP_GITHUB_TOKEN becomes VITE_GITHUB_PERSONAL_ACCESS_TOKEN).
                let name = crate::render::load(crate::app::template_for(app.framework), None)
                    .ok()
                    .map(|t| t.token_var)
                    .filter(|v| v.starts_with(p) && bare.contains("TOKEN"))
                    .unwrap_or_else(|| format!("{p}{bare}"));
                let fix = if vite {
                    format!(
                        "read `import.meta.env.{name}` in the code ({}:{}; `process.env` does not exist in a Vite app's browser code), then `ghenv init -t vite` so {env_name} defines {name}",
                        read.file, read.line
                    )
                } else {
                    format!("rename it {name} in the code and in {env_name}")
                };
                out.push(
                    Check::new(CheckId::Prefix, Status::Fail,
                        format!(
                            "the code reads {} ({}:{}: `{code}`), but {} gives the browser only {p} variables",
                            read.name,
                            read.file,
                            read.line,
                            app.framework.name()
                        ),
                    )
                    .fix(fix)
                    .at(at.0, at.1),
                );
            } else if vite && read.code.contains("process.env") {
                // The right name, read the Create React App way: it throws
                // in the browser ("process is not defined").
                failed = true;
                out.push(
                    Check::new(CheckId::CodeReads, Status::Fail,
                        format!(
                            "the code reads {} through process.env ({}:{}: `{code}`), which does not exist in a Vite app's browser code",
                            read.name, read.file, read.line
                        ),
                    )
                    .fix(format!(
                        "read `import.meta.env.{}` instead ({}:{})",
                        read.name, read.file, read.line
                    ))
                    .at(at.0, at.1),
                );
            }
            continue;
        }
        failed = true;
        let near = doctor::closest_meant(&read.name, &defined_list, token_var);
        let fix = undefined_read_fix(v, read, near);
        out.push(
            Check::new(CheckId::CodeReads, Status::Fail,
                format!(
                    "the code reads {} ({}:{}: `{code}`), which no env file the dev server loads defines{}",
                    read.name,
                    read.file,
                    read.line,
                    near.map(|n| format!("; did you mean {n}?")).unwrap_or_default()
                ),
            )
            .fix(fix)
            .at(at.0, at.1),
        );
    }
    if !failed {
        let names: BTreeSet<&str> = reads
            .iter()
            .filter(|r| doctor::about_github(&r.name))
            .map(|r| r.name.as_str())
            .collect();
        out.push(Check::new(
            CheckId::CodeReads,
            Status::Ok,
            if names.is_empty() {
                "the code reads no GitHub variable (none found in its source)".into()
            } else {
                format!(
                    "every GitHub variable the code reads is defined ({})",
                    names.into_iter().collect::<Vec<_>>().join(", ")
                )
            },
        ));
    }
}

/// The fix for a GitHub variable the code reads and no env file defines,
/// `near` the defined one it is closest to: rename the side that is wrong
/// (the env file when ghenv's template is, the code when it reads a
/// misspelt name), never invent a variable.
fn undefined_read_fix(v: &Vars<'_>, read: &doctor::Read, near: Option<&str>) -> String {
    let (project, app, template) = (v.project, v.app, v.template);
    let (token_var, env_name) = (v.token_var.as_str(), v.env_name.as_str());
    let prefix = app.framework.prefix();
    let proxied = template.is_proxy();
    match near {
        // The code has the prefix and the env file lacks it: the env
        // file is what must change, or the browser never sees it.
        // ghenv writes that variable: the template is what is wrong.
        Some(n)
            if n == token_var
                && project.config().is_some()
                && prefix.is_some_and(|p| !n.starts_with(p)) =>
        {
            format!(
                "set the project up for {}: `ghenv init -t {}`",
                app.framework.name(),
                if prefix == Some("VITE_") {
                    "vite"
                } else {
                    "react"
                }
            )
        }
        Some(n) if prefix.is_some_and(|p| read.name.starts_with(p) && !n.starts_with(p)) => {
            format!("rename {n} to {} in {env_name}", read.name)
        }
        Some(n) => format!(
            "read {n} in the code ({}:{}), or rename the variable in {env_name}",
            read.file, read.line
        ),
        // The proxy template keeps the token out of the browser: the
        // code must stop reading it, not get it back.
        None if proxied
            && crate::trust::reaches_browser(&read.name)
            && ["TOKEN", "PAT", "SECRET"]
                .iter()
                .any(|w| read.name.contains(w)) =>
        {
            format!(
                "with the {} template the token stays out of the browser: remove {} from the code ({}:{}) and send requests to the proxy's URL without an Authorization header (`ghenv proxy` adds it)",
                template.name, read.name, read.file, read.line
            )
        }
        // The name is a known template's (VITE_…, REACT_APP_…) and not
        // this template's: `ghenv init` would write this template's
        // variables again; the other template writes the one read.
        None => match template_that_writes(&read.name, &template.name) {
            Some(other) => format!(
                "`ghenv init -t {other}` writes {} (the {other} template's; this project uses the {} template, whose variables do not include it)",
                read.name, template.name
            ),
            None => format!(
                "define {} in {env_name} (`ghenv init` writes the template's variables)",
                read.name
            ),
        },
    }
}

/// The token variable's prefix, for a variable that exists: one the
/// env files define or the code reads.
fn token_prefix_check(v: &Vars<'_>, out: &mut Vec<Check>) {
    let (app, token_var, reads) = (v.app, v.token_var.as_str(), &v.reads);
    let defined = v.defined();
    let prefix = app.framework.prefix();
    let proxied = v.template.is_proxy();
    let token_exists = defined.contains(token_var) || reads.iter().any(|r| r.name == token_var);
    if proxied {
        out.push(Check::new(CheckId::Prefix, Status::Ok,
            format!("{token_var} stays out of the browser: the app talks to `ghenv proxy`, which adds it"),
        ));
    } else if let Some(prefix) = prefix
        && token_exists
        && !out
            .iter()
            .any(|c| c.id == CheckId::Prefix && c.status == Status::Fail)
    {
        out.push(if token_var.starts_with(prefix) {
            Check::new(
                CheckId::Prefix,
                Status::Ok,
                format!("{token_var} has the {prefix} prefix the browser needs"),
            )
        } else {
            Check::new(
                CheckId::Prefix,
                Status::Fail,
                format!(
                    "{token_var} lacks the {prefix} prefix: {} never gives it to the browser",
                    app.framework.name()
                ),
            )
            .fix(format!(
                "use a template for this framework (`ghenv init -t {}`)",
                if prefix == "VITE_" { "vite" } else { "react" }
            ))
        });
    }
}

/// A higher-precedence file with another value.
fn shadowed_check(v: &Vars<'_>, out: &mut Vec<Check>) {
    let (app, token_var, env_name, files) =
        (v.app, v.token_var.as_str(), v.env_name.as_str(), &v.files);
    let value_in = |f: &doctor::EnvFile| {
        f.vars
            .iter()
            .rev()
            .find(|(k, _)| *k == token_var)
            .map(|(_, v)| v.clone())
    };
    let ours = files.iter().find(|f| f.name == env_name).and_then(value_in);
    let winner = files.iter().find_map(|f| value_in(f).map(|v| (f.name, v)));
    match (winner, ours) {
        (Some((name, value)), Some(ours)) if name != env_name && value != ours => out.push(
            Check::new(CheckId::Shadowed, Status::Fail,
                format!("{name} sets {token_var} to another token, and the dev server reads it before {env_name}"),
            )
            .fix(format!("remove the {token_var} line from {name}"))
            .at(shown(&app.dir.join(name)), None),
        ),
        _ => out.push(Check::new(CheckId::Shadowed, Status::Ok,
            format!("no other env file overrides {token_var}"),
        )),
    }
}

/// A second variable holding a token (an invented VITE_REACT_APP_…, a
/// GITHUB_TOKEN pasted beside the template's): `ghenv rotate` replaces
/// only the token variable, so code reading the copy keeps the old
/// token while everything else says ✓.
fn second_token_checks(v: &Vars<'_>, out: &mut Vec<Check>) {
    let (app, token_var, files, reads) = (v.app, v.token_var.as_str(), &v.files, &v.reads);
    let mut copies = 0;
    for f in files {
        let mut seen = BTreeSet::new();
        for (key, value) in &f.vars {
            if *key == token_var
                || !crate::token::looks_like_token(value)
                || !seen.insert(key.as_str())
            {
                continue;
            }
            copies += 1;
            let read = reads.iter().find(|r| r.name == *key);
            let read_as = match app.framework {
                doctor::Framework::Vite => format!("import.meta.env.{token_var}"),
                _ => format!("process.env.{token_var}"),
            };
            let (status, fix) = match read {
                Some(r) => (
                    Status::Fail,
                    format!(
                        "read `{read_as}` in the code instead ({}:{}), then delete the {key} line from {}",
                        r.file, r.line, f.name
                    ),
                ),
                None => (
                    Status::Warn,
                    format!(
                        "delete the {key} line from {} (the app reads {token_var}, which ghenv keeps up to date)",
                        f.name
                    ),
                ),
            };
            out.push(
                Check::new(
                    CheckId::SecondToken,
                    status,
                    format!(
                        "{} sets {key} to a token ({}) besides {token_var}: `ghenv rotate` replaces only {token_var}{}",
                        f.name,
                        crate::token::mask(value),
                        if read.is_some() {
                            format!(", so the code reading {key} keeps the old token")
                        } else {
                            String::new()
                        }
                    ),
                )
                .fix(fix)
                .at(shown(&app.dir.join(f.name)), None),
            );
        }
    }
    if copies == 0 {
        out.push(Check::new(
            CheckId::SecondToken,
            Status::Ok,
            format!("no variable but {token_var} holds a token"),
        ));
    }
}

/// Lines one reader takes and another skips. init rewrites only the
/// template's own variables (and drops a byte-order mark) in the env
/// file it writes: every other line is the user's to change, and the
/// fix says so, or following it would change nothing.
fn consumers_checks(v: &Vars<'_>, out: &mut Vec<Check>) {
    let (app, template, token_var, env_name, files) = (
        v.app,
        v.template,
        &v.token_var,
        v.env_name.as_str(),
        &v.files,
    );
    let ours: Vec<String> = crate::envfile::parse(&template.env_example)
        .into_iter()
        .map(|(k, _)| k)
        .chain([token_var.clone()])
        .collect();
    let mut quirks = 0;
    for f in files {
        for q in doctor::quirks(&f.text, app.framework) {
            quirks += 1;
            // A variable the app cannot read at all is a failure; readers
            // that merely disagree are a warning.
            let status = if q.fatal { Status::Fail } else { Status::Warn };
            let rewritten = f.name == env_name
                && q.key.as_ref().is_none_or(|k| ours.contains(k))
                && q.kind != doctor::QuirkKind::Twice;
            let key = q.key.clone().unwrap_or_default();
            let line = q.line;
            let fix = if rewritten {
                "run `ghenv init` again: it rewrites the line so every reader agrees".to_owned()
            } else {
                let by_hand = match q.kind {
                    doctor::QuirkKind::Export => {
                        format!(
                            "remove `export ` from the start of line {line} of {}",
                            f.name
                        )
                    }
                    doctor::QuirkKind::Quoted => {
                        format!(
                            "remove the quotes around {key}'s value on line {line} of {}",
                            f.name
                        )
                    }
                    doctor::QuirkKind::Twice => format!(
                        "delete one of the two {key} lines of {} (keep the right value; line {line} is the second)",
                        f.name
                    ),
                    doctor::QuirkKind::Bom => format!(
                        "save {} without a byte-order mark (UTF-8, not \"UTF-8 with BOM\")",
                        f.name
                    ),
                };
                format!(
                    "{by_hand}: ghenv rewrites only the template's own variables in {env_name}, so this one is yours to change"
                )
            };
            out.push(
                Check::new(CheckId::Consumers, status, q.what)
                    .fix(fix)
                    .at(shown(&app.dir.join(f.name)), Some(q.line)),
            );
        }
    }
    if quirks == 0 {
        out.push(Check::new(
            CheckId::Consumers,
            Status::Ok,
            "every .env reader reads the env files alike".into(),
        ));
    }
}

/// A dev server started before the env file changed. Vite watches its
/// env files and restarts its server by itself: nothing to tell there.
fn dev_server_check(v: &Vars<'_>, out: &mut Vec<Check>) {
    let (app, env_name) = (v.app, v.env_name.as_str());
    if app.framework != doctor::Framework::Vite
        && let Ok(meta) = std::fs::metadata(app.dir.join(env_name))
        && let Ok(changed) = meta.modified()
    {
        let stale = doctor::stale_dev_servers(&app.dir, app.framework, changed);
        if stale.is_none() {
            // No false all-clear: say that it could not be looked at.
            out.push(
                Check::new(
                    CheckId::DevServer,
                    Status::Warn,
                    format!(
                        "cannot tell on this system whether a running {} dev server predates {env_name}'s last change",
                        app.framework.name()
                    ),
                )
                .fix(format!("restart the dev server after each change to {env_name}")),
            );
        }
        if let Some(pid) = stale.as_deref().and_then(<[u32]>::first) {
            out.push(
                    Check::new(CheckId::DevServer, Status::Warn,
                        format!(
                            "a {} dev server (pid {pid}) started before {env_name} last changed: it still has the old values",
                            app.framework.name()
                        ),
                    )
                    .fix("restart it"),
                );
        }
    }
}

fn token_group(
    project: &Project,
    template: Option<&Template>,
    opts: &CheckOptions,
    token: Option<&Token>,
    io: &mut Io,
    out: &mut Vec<Check>,
) {
    let Some(token) = token else {
        out.push(
            Check::new(
                CheckId::Token,
                Status::Fail,
                "no token found in the env file or [secret]".into(),
            )
            .fix("run `ghenv init` (or `ghenv unlock` on a fresh clone)"),
        );
        return;
    };
    let endpoint = match opts.endpoint.resolve(io, Some(project)) {
        Ok(e) => e,
        Err(e) => {
            out.push(
                Check::new(CheckId::Token, Status::Fail, e.to_string())
                    .fix(e.hint().unwrap_or_default()),
            );
            return;
        }
    };
    let viewer = match steps::validate(io, token, &endpoint, opts.endpoint.timeout) {
        Ok(v) => v,
        Err(e) => {
            // Most of these name the token already ("GitHub rejected the
            // token (ghp_…)"): once is enough.
            let message = e.to_string();
            let message = if message.contains(&token.masked()) {
                message
            } else {
                format!("{} {message}", token.masked())
            };
            out.push(
                Check::new(CheckId::Token, Status::Fail, message).fix(e.hint().unwrap_or_default()),
            );
            return;
        }
    };
    out.push(Check::new(
        CheckId::Token,
        Status::Ok,
        format!("{} is valid for {}", token.masked(), viewer.login),
    ));
    let description = project.token_description();
    let required = template.map(|t| t.scopes.clone()).unwrap_or_default();
    let new_url = endpoint.new_token_url(&required, &description);
    out.push(scopes_check(&viewer, token, &required, &new_url));
    out.extend(expiry_check(&viewer, &new_url, jiff::Timestamp::now()));
    out.extend(sso_check(&viewer));
    out.extend(account_check(project, &viewer));
    out.extend(rate_limit_check(&viewer));
    // An expired token already failed above: trying the operations would
    // only say it again. Missing scopes are what the probe explains best,
    // lesson by lesson, so it runs then.
    let failed = out
        .iter()
        .any(|c| c.group == Group::Token && c.status == Status::Fail && c.id != CheckId::Scopes);
    if let Some(template) = template
        && opts.probe
        && !failed
    {
        out.extend(probe_check(project, template, token, &endpoint, opts, io));
    }
}

/// The scopes GitHub lists for the token against the template's; a token
/// kind GitHub lists none for (fine-grained, GitHub App) is a warning.
fn scopes_check(
    viewer: &crate::github::Viewer,
    token: &Token,
    required: &[String],
    new_url: &str,
) -> Check {
    let Some(granted) = &viewer.scopes else {
        return Check::new(
            CheckId::Scopes,
            Status::Warn,
            format!("GitHub does not list the permissions of a {}", token.kind()),
        );
    };
    let missing = crate::scopes::missing(required, granted);
    if missing.is_empty() {
        return Check::new(
            CheckId::Scopes,
            Status::Ok,
            format!("all {} required scopes granted", required.len()),
        );
    }
    let what: Vec<String> = missing
        .iter()
        .map(|s| match crate::scopes::breaks(s) {
            Some(b) => format!("{s} ({b})"),
            None => s.clone(),
        })
        .collect();
    Check::new(
        CheckId::Scopes,
        Status::Fail,
        format!("missing: {}", what.join("; ")),
    )
    .fix(format!(
        "create a token with every required scope: {new_url}"
    ))
}

/// When the token expires, seen at `now`: failed once expired, a warning
/// within a week.
fn expiry_check(
    viewer: &crate::github::Viewer,
    new_url: &str,
    now: jiff::Timestamp,
) -> Option<Check> {
    let at = viewer.expires_at?;
    Some(match steps::expiry(at, now) {
        steps::Expiry::Expired => Check::new(
            CheckId::Expiry,
            Status::Fail,
            format!("the token expired {}", steps::days_from_now(at)),
        )
        .fix(format!(
            "create a new one with the same scopes, then give it to `ghenv rotate`: {new_url}"
        )),
        steps::Expiry::Soon => Check::new(
            CheckId::Expiry,
            Status::Warn,
            format!("the token expires {} ({at})", steps::days_from_now(at)),
        )
        .fix(format!(
            "create a new one soon, then `ghenv rotate`: {new_url}"
        )),
        steps::Expiry::Later => Check::new(
            CheckId::Expiry,
            Status::Ok,
            format!("expires {}", steps::days_from_now(at)),
        ),
    })
}

/// Organizations that enforce SAML SSO and hide their data from the token
/// (GitHub's `X-GitHub-SSO` header).
fn sso_check(viewer: &crate::github::Viewer) -> Option<Check> {
    let sso = viewer.sso.as_ref()?;
    let url = sso.split("url=").nth(1).map(|u| u.trim().to_owned());
    let orgs = sso
        .split("organizations=")
        .nth(1)
        .map(|o| o.trim().to_owned());
    Some(
        Check::new(
            CheckId::Sso,
            Status::Warn,
            match &orgs {
                Some(o) => format!(
                    "organizations that enforce SAML single sign-on hide their data from this token: {o}"
                ),
                None => "an organization enforces SAML single sign-on for this token".into(),
            },
        )
        .fix(match url {
            Some(u) => format!("authorize the token for SSO: {u}"),
            None => format!(
                "authorize the token for SSO on its page at {}",
                crate::scopes::TOKENS_URL
            ),
        }),
    )
}

/// The token's account against the one config.toml was set up for.
fn account_check(project: &Project, viewer: &crate::github::Viewer) -> Option<Check> {
    let recorded = project.config().and_then(|c| c.github.login.as_deref())?;
    (recorded != viewer.login).then(|| {
        Check::new(
            CheckId::Account,
            Status::Warn,
            format!(
                "the token is {}'s, but config.toml was set up for {recorded}",
                viewer.login
            ),
        )
        .fix("use a token of the account the project expects, or run `ghenv init` to record this one")
    })
}

/// Under a tenth of the rate limit left.
fn rate_limit_check(viewer: &crate::github::Viewer) -> Option<Check> {
    let rate = viewer.rate_limit.as_ref()?;
    (rate.limit > 0 && rate.remaining * 10 < rate.limit).then(|| {
        Check::new(
            CheckId::RateLimit,
            Status::Warn,
            format!(
                "{} of {} points left, resets at {}",
                rate.remaining, rate.limit, rate.reset_at
            ),
        )
        .fix("wait for the reset, or make fewer requests")
    })
}

/// The probe (`ghenv probe`) as one check: will each lesson work?
fn probe_check(
    project: &Project,
    template: &Template,
    token: &Token,
    endpoint: &str,
    opts: &CheckOptions,
    io: &mut Io,
) -> Vec<Check> {
    use crate::probe::Status as P;
    let input = crate::probe::session::Input {
        project,
        template,
        token,
        endpoint,
        timeout: opts.endpoint.timeout,
        app: true,
        refresh: false,
    };
    let report = match crate::probe::session::probe(io, &input) {
        Ok(r) => r,
        Err(e) => {
            return vec![
                Check::new(
                    CheckId::Probe,
                    Status::Warn,
                    format!("the operations could not be tried: {e}"),
                )
                .fix(e.hint().unwrap_or_default()),
            ];
        }
    };
    // The app's own documents that GitHub's schema refuses are the code's
    // to fix, not the token's: a check of their own, in the app's group.
    let invalid: Vec<&str> = report
        .operations
        .iter()
        .filter(|o| o.status == P::Invalid)
        .map(|o| o.name.as_str())
        .collect();
    let mut checks = Vec::new();
    if !invalid.is_empty() {
        let mut check = Check::new(
            CheckId::AppSchema,
            Status::Fail,
            format!(
                "{} of the app's operations do not validate against GitHub's schema: {}",
                invalid.len(),
                invalid.join(", ")
            ),
        );
        // An invalid operation always has a problem at its place (the
        // validator reports one, or the "(not checked)" reason).
        if let Some(first) = report.problems.first() {
            let mut parts = first.location.rsplitn(3, ':');
            let (_, line, file) = (parts.next(), parts.next(), parts.next());
            check = check.fix(format!(
                "correct the code at {}: {} (`ghenv probe` lists every error)",
                first.location, first.message
            ));
            if let Some(file) = file {
                check = check.at(file, line.and_then(|l| l.parse().ok()));
            }
        }
        checks.push(check);
    }
    let failing: Vec<String> = report
        .operations
        .iter()
        .filter(|o| o.status.lacks())
        .map(|o| {
            let what = match o.status {
                P::MissingScopes => format!("needs the scope {}", o.needs.join(" or ")),
                P::MissingPermission => format!("needs the permission {}", o.needs.join(", ")),
                P::SsoRequired => "needs SSO authorization".into(),
                _ => "is refused".into(),
            };
            format!("{} {what}", o.name)
        })
        .collect();
    let unknown = report
        .operations
        .iter()
        .filter(|o| o.status == P::Unknown)
        .count();
    let not_run = report
        .operations
        .iter()
        .filter(|o| o.status == P::NotRun)
        .count();
    let total = report.operations.len() - invalid.len() - not_run;
    checks.push(if !failing.is_empty() {
        Check::new(
            CheckId::Probe,
            Status::Fail,
            format!(
                "{} of {total} operations fail: {}",
                failing.len(),
                failing.join("; ")
            ),
        )
        .fix("`ghenv probe` shows each lesson with what to change")
    } else if unknown > 0 {
        Check::new(
            CheckId::Probe,
            Status::Warn,
            format!(
                "{} of {total} operations work; GitHub's answer for {unknown} could not be read as yes or no",
                total - unknown
            ),
        )
        .fix("`ghenv probe` shows which")
    } else {
        Check::new(
            CheckId::Probe,
            Status::Ok,
            format!("all {total} operations of the lessons and the app work with this token"),
        )
    });
    checks
}

fn secrets_group(
    project: &Project,
    token: Option<&Token>,
    identity: &Identities,
    io: &mut Io,
    out: &mut Vec<Check>,
) {
    let dir = project.dir();
    let Ok(env_path) = project.env_path() else {
        return;
    };
    let env_name = project.env_file().unwrap_or(".env").to_owned();
    env_mode_check(&env_path, &env_name, out);
    if git::in_work_tree(dir) {
        env_git_check(dir, &env_path, &env_name, out);
        env_history_check(dir, &env_path, &env_name, out);
        local_ignored_check(dir, out);
        out.push(hook_check(dir));
        keys_in_tree_check(dir, out);
    }
    if let Some(secret) = project.secret() {
        secret_checks(project, secret, token, identity, &env_name, io, out);
    }
}

/// Whether the env file is readable by its owner only.
fn env_mode_check(env_path: &Path, env_name: &str, out: &mut Vec<Check>) {
    match crate::platform::privacy(env_path, &shown(env_path)) {
        Some(Privacy::OwnerOnly(how)) => out.push(Check::new(
            CheckId::EnvMode,
            Status::Ok,
            format!("{env_name} is readable only by you ({how})"),
        )),
        Some(Privacy::Shared { what, fix }) => out.push(
            Check::new(
                CheckId::EnvMode,
                Status::Warn,
                format!("{env_name} {what}: others may read the token"),
            )
            .fix(fix),
        ),
        None => {}
    }
}

/// Whether git keeps the env file out: tracked (with a token or still a
/// placeholder), ignored by .gitignore, by the user's own exclude only, or
/// not at all. Nothing when there is no env file to commit yet.
fn env_git_check(dir: &Path, env_path: &Path, env_name: &str, out: &mut Vec<Check>) {
    let env_rel = Path::new(env_name);
    if !env_path.exists() && !git::is_tracked(dir, env_rel) {
        // Nothing to commit yet: whether the file is missing is the
        // project group's check; ghenv init ignores it when it writes.
    } else if git::is_tracked(dir, env_rel)
        && !git::indexed_content(dir, env_rel)
            .is_some_and(|c| crate::token::looks_like_token(&String::from_utf8_lossy(&c)))
    {
        // A placeholder (the course's vanilla repository ships one):
        // nothing to revoke, but the token must never land there.
        let (folder, name) = match env_rel.parent() {
            Some(p) if !p.as_os_str().is_empty() => (
                p.display().to_string(),
                env_rel
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            ),
            _ => (".".to_owned(), env_name.to_owned()),
        };
        out.push(
            Check::new(
                CheckId::EnvTracked,
                Status::Fail,
                format!("{env_name} is tracked by git (no token in it yet): a token written there would be committed"),
            )
            .fix(format!(
                "untrack it before `ghenv init`: `git rm --cached {}` and commit (ghenv init then adds it to .gitignore)",
                if folder == "." { name } else { format!("{folder}/{name}") }
            )),
        );
    } else if git::is_tracked(dir, env_rel) {
        out.push(
            Check::new(
                CheckId::EnvTracked,
                Status::Fail,
                format!("{env_name} is tracked by git: the token is committed"),
            )
            .fix(
                Error::EnvTracked {
                    path: env_path.to_path_buf(),
                    changed_by: None,
                }
                .hint()
                .unwrap_or_default(),
            ),
        );
    } else if git::ignored_by_gitignore(dir, env_rel) {
        out.push(Check::new(
            CheckId::EnvIgnored,
            Status::Ok,
            format!("{env_name} is git-ignored"),
        ));
    } else if git::is_kept_out(dir, env_rel) {
        out.push(
            Check::new(
                CheckId::EnvIgnored,
                Status::Warn,
                format!("only your own exclude ignores {env_name}; teammates' clones do not"),
            )
            .fix("run `ghenv init`, which adds it to .gitignore"),
        );
    } else {
        out.push(
            Check::new(
                CheckId::EnvIgnored,
                Status::Fail,
                format!("{env_name} is not git-ignored: `git add -A` would commit the token"),
            )
            .fix("run `ghenv init`, which adds it to .gitignore"),
        );
    }
}

/// Whether the env file, as it is now, is in a commit.
fn env_history_check(dir: &Path, env_path: &Path, env_name: &str, out: &mut Vec<Check>) {
    let env_rel = Path::new(env_name);
    if let Some(id) = env_path
        .exists()
        .then(|| git::blob_id(dir, env_rel))
        .flatten()
    {
        out.push(match git::commit_with_blob(dir, &id) {
            Some(commit) => Check::new(CheckId::EnvHistory, Status::Fail,
                format!("{env_name}, as it is now, was committed in {commit}: the token is in the history"),
            )
            .fix(format!("revoke the token at {}, then `ghenv rotate`", crate::scopes::TOKENS_URL)),
            None => Check::new(CheckId::EnvHistory, Status::Ok, format!("{env_name} was never committed as it is")),
        });
    }
}

/// Whether `.env.local` and `.env.*.local` are kept out of commits.
fn local_ignored_check(dir: &Path, out: &mut Vec<Check>) {
    let local = [".env.local", ".env.development.local"];
    let kept_out = git::kept_out(dir, &local.map(Path::new));
    let unignored: Vec<&str> = local
        .into_iter()
        .zip(kept_out)
        .filter_map(|(n, out)| (!out).then_some(n))
        .collect();
    out.push(if unignored.is_empty() {
        Check::new(
            CheckId::LocalIgnored,
            Status::Ok,
            ".env.local and .env.*.local are git-ignored".into(),
        )
    } else {
        Check::new(
            CheckId::LocalIgnored,
            Status::Warn,
            format!("{} would be committed", unignored.join(" and ")),
        )
        .fix("run `ghenv init`, which adds .env.local and .env.*.local to .gitignore")
    });
}

/// Whether an age private key sits in a file git would commit.
fn keys_in_tree_check(dir: &Path, out: &mut Vec<Check>) {
    let keys = keys_in_tree(dir);
    out.push(match keys.first() {
        Some(file) => Check::new(
            CheckId::KeysInTree,
            Status::Fail,
            "an age private key is in a file git would commit".into(),
        )
        .fix("move the key out of the project and replace it (`ghenv keygen`, `ghenv recipients`)")
        .at(file.clone(), None),
        None => Check::new(
            CheckId::KeysInTree,
            Status::Ok,
            "no private key in a file git would commit".into(),
        ),
    });
}

/// `[secret]`: whether an identity at hand decrypts it, whether the env
/// file holds the same token, and whether every recipient was accepted
/// here.
fn secret_checks(
    project: &Project,
    secret: &crate::config::SecretSection,
    token: Option<&Token>,
    identity: &Identities,
    env_name: &str,
    io: &mut Io,
    out: &mut Vec<Check>,
) {
    match secret::decrypt_quietly(secret, identity, io) {
        Some(inside) => {
            let inside = secrecy::ExposeSecret::expose_secret(&inside).to_owned();
            out.push(Check::new(
                CheckId::SecretDecrypts,
                Status::Ok,
                "[secret] decrypts with an identity at hand".into(),
            ));
            if let Some(token) = token {
                out.push(if token.expose_secret() == inside {
                    Check::new(CheckId::SecretMatchesEnv, Status::Ok, format!("{env_name} holds the token in [secret]"))
                } else {
                    Check::new(CheckId::SecretMatchesEnv, Status::Fail, format!("{env_name} holds another token than [secret] (a teammate rotated it?)"))
                        .fix("`ghenv unlock --replace` (puts the token in [secret] into the env file; `ghenv rotate` if neither works)")
                });
            }
            let (accepted_any, bad) =
                crate::accept::unaccepted_recipients(io, project).unwrap_or_default();
            out.push(if bad.is_empty() || secret.passphrase {
                Check::new(CheckId::RecipientsIntact, Status::Ok,
                    "every recipient was accepted on this machine".into(),
                )
            } else {
                Check::new(
                    CheckId::RecipientsIntact,
                    // Never accepted anything here (a fresh clone): a
                    // warning; a recipient added since: a failure.
                    if accepted_any { Status::Fail } else { Status::Warn },
                    format!(
                        "recipients not accepted on this machine: {}",
                        bad.join(", ")
                    ),
                )
                .fix("`ghenv recipients list` shows them; check each fingerprint with its owner, then `ghenv allow`, or remove the ones you do not know")
            });
        }
        None => out.push(
            Check::new(
                CheckId::SecretDecrypts,
                Status::Warn,
                "no identity here decrypts [secret]".into(),
            )
            .fix("pass -i KEY, or ask a teammate to `ghenv recipients add` your key"),
        ),
    }
}

/// Whether ghenv's pre-commit check is installed and will run.
fn hook_check(dir: &Path) -> Check {
    let top = git::toplevel(dir).unwrap_or_else(|| dir.to_path_buf());
    let ours = |p: &Path| std::fs::read_to_string(p).is_ok_and(|t| t.contains(crate::hook::MARKER));
    let hooks = git::hooks_dir(dir);
    let in_git_hooks = hooks.as_ref().is_some_and(|h| ours(&h.join("pre-commit")));
    let default_hooks = top.join(".git").join("hooks").join("pre-commit");
    let husky = git::hooks_path_setting(dir).is_some_and(|p| p.contains(".husky"));
    let pre_commit_config = std::fs::read_to_string(top.join(".pre-commit-config.yaml")).ok();
    if husky {
        return if ours(&top.join(".husky").join("pre-commit")) {
            Check::new(
                CheckId::Hook,
                Status::Ok,
                "husky runs ghenv's check before every commit".into(),
            )
        } else if ours(&default_hooks) {
            Check::new(
                CheckId::Hook,
                Status::Fail,
                "ghenv's hook is in .git/hooks, but husky's core.hooksPath means git never runs it"
                    .into(),
            )
            .fix("`ghenv hook install` (it adds the check to .husky/pre-commit)")
        } else {
            Check::new(
                CheckId::Hook,
                Status::Warn,
                "no check for tokens before commits (husky)".into(),
            )
            .fix("`ghenv hook install`")
        };
    }
    if let Some(config) = pre_commit_config {
        return if config.contains("ghenv-scan") || config.contains("ghenv scan") {
            Check::new(
                CheckId::Hook,
                Status::Ok,
                "the pre-commit framework runs ghenv's check".into(),
            )
        } else if in_git_hooks || ours(&default_hooks) {
            Check::new(CheckId::Hook, Status::Fail, "ghenv's hook will be overwritten by `pre-commit install`".into())
                .fix("add the ghenv-scan hook to .pre-commit-config.yaml (`ghenv hook install` prints it)")
        } else {
            Check::new(CheckId::Hook, Status::Warn, "no check for tokens before commits (pre-commit)".into())
                .fix("add the ghenv-scan hook to .pre-commit-config.yaml (`ghenv hook install` prints it)")
        };
    }
    if in_git_hooks {
        Check::new(
            CheckId::Hook,
            Status::Ok,
            "the pre-commit hook blocks commits that add a token".into(),
        )
    } else if ours(&default_hooks) {
        Check::new(
            CheckId::Hook,
            Status::Fail,
            "ghenv's hook is in .git/hooks, but core.hooksPath points git elsewhere".into(),
        )
        .fix("`ghenv hook install`")
    } else {
        Check::new(
            CheckId::Hook,
            Status::Warn,
            "no check for tokens before commits".into(),
        )
        .fix("`ghenv hook install`")
    }
}

/// Files git would commit that hold an age private key.
fn keys_in_tree(dir: &Path) -> Vec<String> {
    let Some(files) = git::files_git_would_commit(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for file in files {
        let Ok(f) = std::fs::File::open(dir.join(&file)) else {
            continue;
        };
        let mut findings = Vec::new();
        let shown = file.display().to_string();
        let _ = crate::scan::scan_reader(std::io::BufReader::new(f), &shown, &mut findings);
        if findings
            .iter()
            .any(|f| f.kind == crate::scan::Secret::AgeIdentity)
        {
            out.push(shown);
        }
    }
    out
}

fn bundle_group(
    project: &Project,
    app: &App,
    template: &Template,
    token: Option<&Token>,
    out: &mut Vec<Check>,
) {
    client_exposed_check(project, app, template, out);
    if let Some(token) = token {
        build_output_checks(app, token, out);
    }
}

/// Whether the token variable has a prefix that puts it in the browser's
/// JavaScript.
fn client_exposed_check(project: &Project, app: &App, template: &Template, out: &mut Vec<Check>) {
    let token_var = project.token_var(template);
    // The framework's own prefix, else any prefix some framework copies
    // into the browser (Vue, Gatsby, Expo, Nuxt, Storybook, SvelteKit,
    // Astro): ghenv may not know the app's framework.
    let prefix = app
        .framework
        .prefix()
        .filter(|p| token_var.starts_with(p))
        .or_else(|| {
            crate::trust::BROWSER_PREFIXES
                .iter()
                .copied()
                .find(|p| token_var.starts_with(p))
        });
    if let Some(prefix) = prefix {
        out.push(
                Check::new(CheckId::ClientExposed, Status::Warn,
                    format!("{token_var} is a {prefix} variable: `npm run build` copies the token into the JavaScript every visitor downloads"),
                )
                .fix(format!(
                    "keep the token out of the browser: `ghenv init --proxy`, then run the app with `ghenv proxy -- {}`",
                    // The dev server's own script: Vite's is `dev`.
                    crate::app::dev_command(&app.dir)
                )),
            );
    }
}

/// Whether a build folder of the framework holds the token.
fn build_output_checks(app: &App, token: &Token, out: &mut Vec<Check>) {
    let mut leaked = false;
    for build in app.framework.build_dirs() {
        let dir = app.dir.join(build);
        if !dir.is_dir() {
            continue;
        }
        for file in doctor::files_holding(&dir, token.expose_secret()) {
            leaked = true;
            out.push(
                Check::new(
                    CheckId::BuildOutput,
                    Status::Fail,
                    format!("{build}/ holds the token: anyone who gets this build gets the token"),
                )
                .fix(format!(
                    "delete {build}/, never deploy it, and revoke the token at {}",
                    crate::scopes::TOKENS_URL
                ))
                .at(shown(&file), None),
            );
        }
    }
    if !leaked {
        out.push(Check::new(
            CheckId::BuildOutput,
            Status::Ok,
            "no build output holds the token".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    //! The checks' decisions on small projects, in-process and offline:
    //! which check comes out ok, warn or fail, and with which fix.

    use std::path::PathBuf;

    use super::*;
    use crate::project::Location;

    const VITE: &str = "version = 1\ntemplate = \"vite\"\n";
    const VITE_APP: &str = r#"{"devDependencies":{"vite":"5"}}"#;

    fn token() -> String {
        crate::token::sample_classic()
    }

    /// `root/app` with these files (`package.json` a Vite app's unless
    /// given): a folder of its own, so that no other test's `.env` is a
    /// sibling the location check could find.
    fn project(root: &Path, files: &[(&str, &str)]) -> PathBuf {
        let dir = root.join("app");
        for (name, text) in [("package.json", VITE_APP)].iter().chain(files) {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// Every check of the project in `dir`, offline, with ghenv's own
    /// folder under `root`.
    fn run(root: &Path, dir: &Path) -> Vec<Check> {
        let p = Project::open(&Location {
            dir: Some(dir.to_path_buf()),
            template_dir: None,
        })
        .unwrap();
        let home = root.join("home");
        let (io, _) = Io::test();
        let mut io = io.with_env(&[("XDG_CONFIG_HOME", home.to_str().unwrap())]);
        let opts = CheckOptions {
            offline: true,
            ..CheckOptions::default()
        };
        checks(&p, &opts, &mut io)
    }

    /// The one check with `id`.
    fn only(checks: &[Check], id: CheckId) -> Check {
        let found: Vec<&Check> = checks.iter().filter(|c| c.id == id).collect();
        assert_eq!(found.len(), 1, "{id:?} in {checks:#?}");
        found[0].clone()
    }

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn no_config_and_no_package_json_are_warnings_that_say_where_to_run() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("app");
        std::fs::create_dir_all(&dir).unwrap();
        let checks = run(root.path(), &dir);
        let config = only(&checks, CheckId::Config);
        assert_eq!(config.status, Status::Warn);
        assert_eq!(
            config.fix.as_deref(),
            Some("run `ghenv init` in the app's folder")
        );
        let framework = only(&checks, CheckId::Framework);
        assert_eq!(framework.status, Status::Warn);
        assert_eq!(
            framework.fix.as_deref(),
            Some("run doctor in the app's folder (-C DIR)")
        );
    }

    #[test]
    fn a_missing_env_file_fails_with_init_as_the_fix() {
        let root = tempfile::tempdir().unwrap();
        let dir = project(root.path(), &[("config.toml", VITE)]);
        let c = only(&run(root.path(), &dir), CheckId::EnvLocation);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.message,
            format!(
                "there is no .env in {}: the app sees no token",
                dir.display()
            )
        );
        assert_eq!(
            c.fix.as_deref(),
            Some("`ghenv init` asks for a token and writes it")
        );
    }

    #[test]
    fn an_env_file_in_src_fails_with_the_move_that_fixes_it() {
        let root = tempfile::tempdir().unwrap();
        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        let dir = project(root.path(), &[("config.toml", VITE), ("src/.env", &line)]);
        let c = only(&run(root.path(), &dir), CheckId::EnvLocation);
        assert_eq!(c.status, Status::Fail);
        let stray = dir.join("src").join(".env");
        assert_eq!(
            c.fix,
            Some(format!(
                "mv {} {}",
                stray.display(),
                dir.join(".env").display()
            ))
        );
        assert_eq!(c.file, Some(stray.display().to_string()));
    }

    #[test]
    fn an_env_file_beside_package_json_is_ok_and_one_at_a_monorepos_root_fails() {
        let root = tempfile::tempdir().unwrap();
        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        let dir = project(root.path(), &[("config.toml", VITE), (".env", &line)]);
        let c = only(&run(root.path(), &dir), CheckId::EnvLocation);
        assert_eq!(c.status, Status::Ok, "{c:?}");

        // The project (config.toml, .env) one folder above the app.
        let root = tempfile::tempdir().unwrap();
        let top = root.path().join("app");
        project(
            root.path(),
            &[
                ("package.json", r#"{"name":"monorepo"}"#),
                ("config.toml", VITE),
                (".env", &line),
                ("web/package.json", VITE_APP),
            ],
        );
        let c = only(&run(root.path(), &top), CheckId::EnvLocation);
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert_eq!(
            c.fix,
            Some(format!(
                "set the app up where its package.json is: `ghenv init -C {}`",
                top.join("web").display()
            ))
        );
    }

    #[test]
    fn an_env_file_name_leading_out_of_the_project_fails_and_stops_the_checks() {
        let root = tempfile::tempdir().unwrap();
        let config = format!("{VITE}[env]\nfile = \"../elsewhere.env\"\n");
        let dir = project(root.path(), &[("config.toml", &config)]);
        let checks = run(root.path(), &dir);
        let c = only(&checks, CheckId::EnvFile);
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.fix
                .as_deref()
                .unwrap()
                .starts_with("put back `file = \".env\"`"),
            "{c:?}"
        );
        assert_eq!(checks.last().unwrap().id, CheckId::EnvFile);
    }

    #[test]
    fn a_token_variable_without_the_frameworks_prefix_fails_with_the_template_to_use() {
        let root = tempfile::tempdir().unwrap();
        let plain = "version = 1\ntemplate = \"plain\"\n";
        let line = format!("GITHUB_TOKEN={}\n", token());
        let dir = project(root.path(), &[("config.toml", plain), (".env", &line)]);
        let c = only(&run(root.path(), &dir), CheckId::Prefix);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.message,
            "GITHUB_TOKEN lacks the VITE_ prefix: Vite never gives it to the browser"
        );
        assert_eq!(
            c.fix.as_deref(),
            Some("use a template for this framework (`ghenv init -t vite`)")
        );

        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        std::fs::write(dir.join(".env"), line).unwrap();
        std::fs::write(dir.join("config.toml"), VITE).unwrap();
        let c = only(&run(root.path(), &dir), CheckId::Prefix);
        assert_eq!(c.status, Status::Ok, "{c:?}");
    }

    #[test]
    fn code_reading_another_frameworks_name_fails_with_the_vite_way_to_read_it() {
        let root = tempfile::tempdir().unwrap();
        let line = format!("REACT_APP_GITHUB_TOKEN={}\n", token());
        let dir = project(
            root.path(),
            &[
                ("config.toml", VITE),
                (".env", &line),
                (
                    "src/api.js",
                    "const t = process.env.REACT_APP_GITHUB_TOKEN;\n",
                ),
            ],
        );
        let checks = run(root.path(), &dir);
        let c = only(&checks, CheckId::Prefix);
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.fix.as_deref().unwrap().starts_with(
                "read `import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN` in the code (src/api.js:1;"
            ),
            "{c:?}"
        );
        assert_eq!(c.line, Some(1));
    }

    #[test]
    fn a_second_variable_holding_a_token_is_a_warning_to_delete_it() {
        let root = tempfile::tempdir().unwrap();
        let text = format!(
            "VITE_GITHUB_PERSONAL_ACCESS_TOKEN={t}\nGITHUB_TOKEN={t}\n",
            t = token()
        );
        let dir = project(root.path(), &[("config.toml", VITE), (".env", &text)]);
        let c = only(&run(root.path(), &dir), CheckId::SecondToken);
        assert_eq!(c.status, Status::Warn);
        assert_eq!(
            c.fix.as_deref(),
            Some(
                "delete the GITHUB_TOKEN line from .env (the app reads VITE_GITHUB_PERSONAL_ACCESS_TOKEN, which ghenv keeps up to date)"
            )
        );
        assert!(!c.message.contains(&token()), "{c:?}");
    }

    #[cfg(unix)]
    #[test]
    fn an_env_file_others_can_read_is_flagged_with_the_chmod_that_fixes_it() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        let dir = project(root.path(), &[("config.toml", VITE), (".env", &line)]);
        let env = dir.join(".env");
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
        let c = only(&run(root.path(), &dir), CheckId::EnvMode);
        assert_eq!(c.status, Status::Warn);
        assert_eq!(c.message, ".env has mode 644: others may read the token");
        assert_eq!(c.fix, Some(format!("chmod 600 {}", env.display())));

        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
        let c = only(&run(root.path(), &dir), CheckId::EnvMode);
        assert_eq!(c.status, Status::Ok);
        assert_eq!(c.fix, None);
    }

    #[test]
    fn a_tracked_env_file_fails_whether_it_holds_a_placeholder_or_a_token_with_different_fixes() {
        let root = tempfile::tempdir().unwrap();
        let dir = project(
            root.path(),
            &[
                ("config.toml", VITE),
                (
                    ".env",
                    "VITE_GITHUB_PERSONAL_ACCESS_TOKEN=paste-yours-here\n",
                ),
            ],
        );
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", ".env"]);
        let c = only(&run(root.path(), &dir), CheckId::EnvTracked);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.message,
            ".env is tracked by git (no token in it yet): a token written there would be committed"
        );
        assert_eq!(
            c.fix.as_deref(),
            Some(
                "untrack it before `ghenv init`: `git rm --cached .env` and commit (ghenv init then adds it to .gitignore)"
            )
        );

        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        std::fs::write(dir.join(".env"), line).unwrap();
        git(&dir, &["add", ".env"]);
        let c = only(&run(root.path(), &dir), CheckId::EnvTracked);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(c.message, ".env is tracked by git: the token is committed");
        assert!(
            c.fix.as_deref().unwrap().starts_with(&format!(
                "stop tracking it first: `git -C {} rm --cached .env` and commit",
                dir.display()
            )),
            "{c:?}"
        );
    }

    #[test]
    fn an_untracked_env_file_passes_when_git_ignored_and_fails_when_not() {
        let root = tempfile::tempdir().unwrap();
        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        let dir = project(root.path(), &[("config.toml", VITE), (".env", &line)]);
        git(&dir, &["init", "-q"]);
        let checks = run(root.path(), &dir);
        assert!(!checks.iter().any(|c| c.id == CheckId::EnvTracked));
        let c = only(&checks, CheckId::EnvIgnored);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.fix.as_deref(),
            Some("run `ghenv init`, which adds it to .gitignore")
        );

        std::fs::write(dir.join(".gitignore"), ".env\n").unwrap();
        let checks = run(root.path(), &dir);
        assert_eq!(only(&checks, CheckId::EnvIgnored).status, Status::Ok);
        assert_eq!(only(&checks, CheckId::EnvHistory).status, Status::Ok);
    }

    #[test]
    fn a_browser_variable_is_a_bundle_warning_and_a_build_holding_the_token_fails() {
        let root = tempfile::tempdir().unwrap();
        let line = format!("VITE_GITHUB_PERSONAL_ACCESS_TOKEN={}\n", token());
        let built = format!("const t=\"{}\";\n", token());
        let dir = project(
            root.path(),
            &[
                ("config.toml", VITE),
                (".env", &line),
                ("dist/assets/index.js", &built),
            ],
        );
        let checks = run(root.path(), &dir);
        let c = only(&checks, CheckId::ClientExposed);
        assert_eq!(c.status, Status::Warn);
        assert_eq!(
            c.fix.as_deref(),
            Some(
                "keep the token out of the browser: `ghenv init --proxy`, then run the app with `ghenv proxy -- npm run dev`"
            )
        );
        let c = only(&checks, CheckId::BuildOutput);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.fix,
            Some(format!(
                "delete dist/, never deploy it, and revoke the token at {}",
                crate::scopes::TOKENS_URL
            ))
        );

        // The proxy template keeps the token out of the browser.
        std::fs::remove_dir_all(dir.join("dist")).unwrap();
        std::fs::write(
            dir.join("config.toml"),
            "version = 1\ntemplate = \"vite-proxy\"\n",
        )
        .unwrap();
        std::fs::write(dir.join(".env"), format!("GITHUB_TOKEN={}\n", token())).unwrap();
        let checks = run(root.path(), &dir);
        assert!(!checks.iter().any(|c| c.id == CheckId::ClientExposed));
        assert_eq!(only(&checks, CheckId::BuildOutput).status, Status::Ok);
        assert_eq!(only(&checks, CheckId::Prefix).status, Status::Ok);
    }

    fn viewer() -> crate::github::Viewer {
        crate::github::Viewer {
            login: "octocat".into(),
            name: None,
            scopes: Some(vec!["read:org".into(), "repo".into()]),
            rate_limit: None,
            expires_at: None,
            expires_raw: None,
            request_id: None,
            sso: None,
        }
    }

    #[test]
    fn scopes_fail_with_what_each_missing_one_breaks_and_the_url_that_fixes_them() {
        let t = Token::parse(secrecy::SecretString::from(token())).unwrap();
        let required = vec!["repo".to_owned(), "notifications".to_owned()];
        let c = scopes_check(
            &viewer(),
            &t,
            &required,
            "https://github.com/settings/tokens/new?x",
        );
        assert_eq!((c.id, c.status), (CheckId::Scopes, Status::Fail));
        assert!(c.message.contains("notifications ("), "{}", c.message);
        assert!(
            c.fix
                .unwrap()
                .ends_with("https://github.com/settings/tokens/new?x")
        );
        let granted = scopes_check(&viewer(), &t, &required[..1], "u");
        assert_eq!(granted.status, Status::Ok);
        // A token GitHub lists no scopes for is not said to lack them.
        let fine = crate::github::Viewer {
            scopes: None,
            ..viewer()
        };
        assert_eq!(scopes_check(&fine, &t, &required, "u").status, Status::Warn);
    }

    #[test]
    fn expiry_is_judged_at_the_time_given_failed_when_past_a_warning_within_a_week() {
        let at: jiff::Timestamp = "2030-01-10T00:00:00Z".parse().unwrap();
        let v = crate::github::Viewer {
            expires_at: Some(at),
            ..viewer()
        };
        let when = |now: &str| expiry_check(&v, "URL", now.parse().unwrap()).unwrap();
        assert_eq!(when("2030-01-10T00:00:01Z").status, Status::Fail);
        assert!(
            when("2030-01-10T00:00:01Z")
                .fix
                .unwrap()
                .contains("ghenv rotate")
        );
        assert_eq!(when("2030-01-05T00:00:00Z").status, Status::Warn);
        assert_eq!(when("2029-12-01T00:00:00Z").status, Status::Ok);
        assert!(
            expiry_check(&viewer(), "URL", at).is_none(),
            "no date, no check"
        );
    }

    #[test]
    fn sso_rate_limit_and_account_are_only_said_when_they_matter() {
        let sso = crate::github::Viewer {
            sso: Some("required; url=https://github.com/orgs/o/sso?authorization_request=A".into()),
            ..viewer()
        };
        let c = sso_check(&sso).unwrap();
        assert_eq!(c.status, Status::Warn);
        assert_eq!(
            c.fix.as_deref(),
            Some(
                "authorize the token for SSO: https://github.com/orgs/o/sso?authorization_request=A"
            )
        );
        assert!(sso_check(&viewer()).is_none());
        let rate = |remaining| crate::github::Viewer {
            rate_limit: Some(crate::github::RateLimit {
                limit: 5000,
                remaining,
                reset_at: "2030-01-01T00:00:00Z".into(),
            }),
            ..viewer()
        };
        assert!(rate_limit_check(&rate(499)).is_some());
        assert!(rate_limit_check(&rate(500)).is_none());
        assert!(rate_limit_check(&viewer()).is_none());
    }
}
