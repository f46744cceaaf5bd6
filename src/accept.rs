//! The accept step: what a committed `config.toml` says about where the
//! token goes (the env file, the template and token variable, the
//! recipients, a changed `[secret]`) takes effect on this machine only
//! after this user accepted it here. Anyone who can push wrote config.toml;
//! only the user writes the [`trust::Record`] it is compared with.
//!
//! - The first use of a project on a machine (a fresh clone, a CI runner)
//!   accepts its settings and token as they are, as SSH's `known_hosts`
//!   does; every later change is shown and needs a yes on a terminal, or
//!   `ghenv allow`, before it takes effect.
//! - Recipients are never accepted by first use: a token ghenv encrypts
//!   reaches only recipients this user accepted here or named on the
//!   command line.
//! - What the user changes with ghenv is recorded as accepted.

use std::path::Path;

use crate::error::{Error, Result};
use crate::output::Io;
use crate::project::Project;
use crate::render::Template;
use crate::trust::{self, Machine, Record, Settings};

/// This user's store on this machine.
pub fn machine(io: &Io) -> Machine {
    Machine::new(trust::config_dir(|k| io.var(k)))
}

/// The settings `project` asks for with `template`.
///
/// # Errors
/// A refused env file ([`Error::EnvFileRefused`]).
pub fn current_settings(project: &Project, template: &Template) -> Result<Settings> {
    let ctx = project.recorded_context(template, crate::github::DEFAULT_ENDPOINT.to_owned())?;
    let token_vars = crate::render::token_variables(template, &ctx)?;
    Ok(Settings::new(
        project.env_file()?,
        &template.name,
        &project.token_var(template),
        &token_vars,
    )
    .with_client_id(project.config().and_then(|c| c.github.client_id.clone())))
}

/// What changed between the settings accepted and the ones asked for, one
/// line each, for people.
pub fn describe_changes(old: &Settings, new: &Settings) -> Vec<String> {
    let mut lines = Vec::new();
    let show = |s: &str| crate::text::sanitize(s).into_owned();
    if old.env_file != new.env_file {
        lines.push(format!(
            "env file: {} -> {}",
            show(&old.env_file),
            show(&new.env_file)
        ));
    }
    if old.template != new.template {
        lines.push(format!(
            "template: {} -> {}",
            show(&old.template),
            show(&new.template)
        ));
    }
    if old.token_var != new.token_var {
        lines.push(format!(
            "token variable: {} -> {}",
            show(&old.token_var),
            show(&new.token_var)
        ));
    }
    let added: Vec<&String> = new
        .token_vars
        .iter()
        .filter(|v| !old.token_vars.contains(v))
        .collect();
    if !added.is_empty() {
        lines.push(format!(
            "the token would now also be in: {}",
            added.iter().map(|v| show(v)).collect::<Vec<_>>().join(", ")
        ));
    }
    if old.client_id != new.client_id {
        let shown = |id: &Option<String>| id.as_deref().map_or_else(|| "none".to_owned(), &show);
        lines.push(format!(
            "OAuth App for --web (client id): {} -> {} (a token made with --web is that app's)",
            shown(&old.client_id),
            shown(&new.client_id)
        ));
    }
    if new.exposed && !old.exposed {
        let browser: Vec<String> = new
            .token_vars
            .iter()
            .filter(|v| trust::reaches_browser(v))
            .map(|v| show(v))
            .collect();
        lines.push(format!(
            "the token would now be put into the browser bundle as {} (any visitor of the built site can read it)",
            browser.join(", ")
        ));
    }
    lines
}

/// Makes sure the user accepted where `project` now sends the token (the
/// env file, the template, the token variable): accepted by first use on a
/// machine without a record; a change needs a yes on a terminal. With
/// `chosen` the user named the template this run (`--template`), so only
/// what config.toml still decides is compared.
///
/// # Errors
/// [`Error::SettingsNotAccepted`] off a terminal or on a no;
/// [`Error::EnvFileRefused`] for an env file ghenv never writes.
pub fn settings(io: &mut Io, project: &Project, template: &Template, chosen: bool) -> Result<()> {
    let machine = machine(io);
    let wanted = current_settings(project, template)?;
    let found = machine.find(project.dir());
    let mut record = found.record.clone();
    let var_from_config = project.config().is_some_and(|c| c.env.token_var.is_some());
    let compare = |mut old: Settings| {
        if chosen {
            // The template named on the command line decides what the env
            // file exports: the user's word, not config.toml's.
            old.template = wanted.template.clone();
            old.token_vars = wanted.token_vars.clone();
            old.exposed = wanted.exposed;
            if !var_from_config {
                old.token_var = wanted.token_var.clone();
            }
        }
        old
    };
    let compared = match record.settings.clone() {
        Some(old) => Some(compare(old)),
        // No settings known here for the project or its repository: a
        // fresh clone (or a record that holds only a token, as init leaves
        // one just before its first write), accepted as it is.
        None if found.related.is_empty() && !found.unknown => None,
        // A folder new here, in a repository used here (renamed, linked,
        // a worktree of another branch, a config.toml added in a
        // subfolder): the same settings as one of its projects is that
        // project moved; anything else is compared with the closest.
        None => {
            if let Some(same) = found
                .related
                .iter()
                .find(|r| r.settings.clone().map(compare).as_ref() == Some(&wanted))
            {
                let mut moved = same.clone();
                moved.path.clear();
                moved.previous_token = None;
                moved.settings = Some(wanted);
                project.accepted_by_first_use(false);
                if let Err(e) = machine.save_found(&found, &moved) {
                    warn_unsaved(io, &e);
                }
                return Ok(());
            }
            Some(
                found
                    .related
                    .iter()
                    .filter_map(|r| r.settings.clone().map(compare))
                    .min_by_key(|old| describe_changes(old, &wanted).len())
                    .unwrap_or_else(|| Settings::new("", "", "", &[])),
            )
        }
    };
    match &compared {
        Some(old) if *old == wanted => {}
        Some(old) => {
            let changes = describe_changes(old, &wanted);
            let by = crate::git::changed_by(project.dir(), Path::new(crate::config::FILE), None)
                .map(|b| format!(" (config.toml last changed in {b})"))
                .unwrap_or_default();
            let what = if record.settings.is_some() {
                "config.toml changed where your token goes since you accepted it on this machine"
            } else {
                "this project folder is new on this machine, in a repository you used here, and its config.toml asks for more than you accepted there"
            };
            let question = format!(
                "{what}{by}:\n{}\nAnyone who can push can change config.toml, rename a folder or add a branch. Accept? [y/N] ",
                changes
                    .iter()
                    .map(|c| format!("  {c}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            if !io.ask(&question, false) {
                let mut changes = changes;
                if record.settings.is_none() {
                    changes.insert(
                        0,
                        "a project folder new on this machine, in a repository used here (renamed, linked, a worktree or a new subfolder)".into(),
                    );
                }
                if let Some(b) =
                    crate::git::changed_by(project.dir(), Path::new(crate::config::FILE), None)
                {
                    changes.push(format!("config.toml last changed in {b}"));
                }
                return Err(Error::SettingsNotAccepted(changes));
            }
        }
        None => project.accepted_by_first_use(true),
    }
    if record.settings.as_ref() == Some(&wanted) {
        return Ok(());
    }
    record.settings = Some(wanted);
    if let Err(e) = machine.save_found(&found, &record) {
        warn_unsaved(io, &e);
    }
    Ok(())
}

/// Makes sure `token`, just decrypted from `[secret]`, is one this user
/// accepted for the project (or another folder of its repository) on this
/// machine, or the user accepts it now. Only a true first use (nothing
/// known here about the project or its repository, or settings accepted
/// by first use in this very run) takes it without asking; with
/// `first_use` false not even that (unlock over an env file that holds
/// another token).
///
/// # Errors
/// [`Error::TokenNotAccepted`] off a terminal or on a no.
pub fn decrypted_token(
    io: &mut Io,
    project: &Project,
    token: &crate::token::Token,
    first_use: bool,
) -> Result<()> {
    let machine = machine(io);
    let Some(fingerprint) = machine.fingerprint(token.expose_secret())? else {
        return Ok(());
    };
    let found = machine.find(project.dir());
    let mut record = found.record.clone();
    if record.knows_token(&fingerprint) {
        return Ok(());
    }
    let known_nearby = found.related.iter().any(|r| r.knows_token(&fingerprint));
    let fresh = found.first_use() || project.was_accepted_by_first_use();
    if !known_nearby && (record.token.is_some() || !first_use || !fresh) {
        let by = crate::git::changed_by(project.dir(), Path::new(crate::config::FILE), None);
        let why = if record.token.is_some() {
            "is not the one last used on this machine"
        } else {
            "has not been used on this machine yet"
        };
        let question = format!(
            "The token in config.toml's [secret] ({}) {why}{}.\nAnyone who can push can replace [secret] with a token of their own. Use it? [y/N] ",
            token.masked(),
            by.as_deref()
                .map(|b| format!("; [secret] was last changed in {b}"))
                .unwrap_or_default()
        );
        if !io.ask(&question, false) {
            return Err(Error::TokenNotAccepted {
                masked: token.masked(),
                changed_by: by,
            });
        }
    }
    record.accept_token(fingerprint);
    if let Err(e) = machine.save_found(&found, &record) {
        warn_unsaved(io, &e);
    }
    Ok(())
}

/// Makes sure the way config.toml says the next token is sealed is one
/// this user accepted: a `passphrase = true` a pusher added where this
/// machine accepted recipients would have the token sealed with a
/// passphrase they can guess offline. A project with no recipients
/// accepted (or a fresh clone) has nothing to lose.
///
/// # Errors
/// [`Error::SettingsNotAccepted`] off a terminal or on a no.
pub fn sealing(io: &mut Io, project: &Project, passphrase: bool) -> Result<()> {
    if !passphrase {
        // Recipients are accepted one by one ([`recipients`]).
        return Ok(());
    }
    let machine = machine(io);
    let found = machine.find(project.dir());
    let accepted = found
        .record
        .accepted_sealing()
        .or_else(|| found.related.iter().find_map(Record::accepted_sealing));
    if accepted != Some(trust::Sealing::Recipients) {
        return Ok(());
    }
    let by = crate::git::changed_by(project.dir(), Path::new(crate::config::FILE), None);
    let change = "encryption: to the recipients you accepted -> with a passphrase (anyone who guesses it can decrypt the token)".to_owned();
    let question = format!(
        "config.toml now says to encrypt the token with a passphrase instead of to the recipients you accepted on this machine{}.\nAnyone who can push can change config.toml. Encrypt with a passphrase? [y/N] ",
        by.as_deref()
            .map(|b| format!(" (config.toml last changed in {b})"))
            .unwrap_or_default()
    );
    if io.ask(&question, false) {
        let mut record = found.record.clone();
        record.sealing = Some(trust::Sealing::Passphrase);
        if let Err(e) = machine.save_found(&found, &record) {
            warn_unsaved(io, &e);
        }
        return Ok(());
    }
    let mut changes = vec![change];
    changes.extend(by.map(|b| format!("config.toml last changed in {b}")));
    Err(Error::SettingsNotAccepted(changes))
}

/// Records `token` as the one this user is about to write here, before the
/// write: a crash half-way then leaves config.toml with either this token
/// or the one it replaces, both accepted until [`record_written`] says the
/// write is done (then only this one: an old `[secret]` replayed from git
/// history is a token change like any other).
pub fn expect_token(io: &mut Io, project: &Project, token: &str) {
    record_written(io, project, None, None, None, Some(token));
}

/// What config.toml now asks that this machine has not accepted, one line
/// each (empty when all is accepted, or nothing was yet): for doctor.
pub fn pending(io: &Io, project: &Project, template: &Template) -> Vec<String> {
    let record = machine(io).record(project.dir());
    match (record.settings, current_settings(project, template)) {
        (Some(old), Ok(new)) if old != new => describe_changes(&old, &new),
        _ => Vec::new(),
    }
}

/// A recipient as shown when asking: type, fingerprint, and where git says
/// it came from.
pub fn show_recipient(project_dir: &Path, recipient: &str, origin: Option<&str>) -> String {
    let (kind, fingerprint) = trust::describe_recipient(recipient);
    let needle = recipient
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let by = crate::git::changed_by(project_dir, Path::new(crate::config::FILE), Some(&needle))
        .map(|b| format!(", added in {b}"))
        .unwrap_or_default();
    let origin = origin
        .map(|o| {
            format!(
                ", config.toml says from {}",
                crate::text::sanitize(o).into_owned()
            )
        })
        .unwrap_or_default();
    format!("{kind} {fingerprint}{origin}{by}")
}

/// The accepted recipients: the record's, else `GHENV_RECIPIENTS` (a
/// workflow's pin, one a line or comma-separated), else none.
pub fn accepted_recipients(io: &Io, record: &Record) -> Option<Vec<String>> {
    if let Some(pin) = io.var("GHENV_RECIPIENTS") {
        return Some(
            pin.split(['\n', ','])
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(canonical)
                .collect(),
        );
    }
    record.recipients.clone()
}

/// A recipient's text as compared: what age parses it to, else itself.
fn canonical(r: &str) -> String {
    crate::crypt::parse_recipient(r).map_or_else(|_| r.trim().to_owned(), |p| p.as_str().to_owned())
}

/// Makes sure every recipient in `next` that is not in `given` (named by
/// the user this run) was accepted on this machine, showing each new one
/// with its type, fingerprint and the commit that added it; `accept` is
/// `--accept-recipients`.
///
/// # Errors
/// [`Error::RecipientsNotAccepted`] off a terminal or on a no.
pub fn recipients(
    io: &mut Io,
    project: &Project,
    next: &[String],
    given: &[String],
    accept: bool,
) -> Result<()> {
    let machine = machine(io);
    let record = machine.record(project.dir());
    let accepted = accepted_recipients(io, &record).unwrap_or_default();
    let unknown: Vec<&String> = next
        .iter()
        .filter(|r| !accepted.contains(r) && !given.contains(r))
        .collect();
    let removed: Vec<&String> = accepted.iter().filter(|r| !next.contains(r)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let origins = project
        .secret()
        .map(|s| s.origins.clone())
        .unwrap_or_default();
    let list = unknown
        .iter()
        .map(|r| {
            format!(
                "  + {}",
                show_recipient(project.dir(), r, origins.get(*r).map(String::as_str))
            )
        })
        .chain(removed.iter().map(|r| {
            let (kind, fp) = trust::describe_recipient(r);
            format!("  - {kind} {fp}")
        }))
        .collect::<Vec<_>>()
        .join("\n");
    if accept {
        io.warn(&format!(
            "--accept-recipients: encrypting to recipients not accepted on this machine before:\n{list}"
        ));
        return Ok(());
    }
    let question = format!(
        "config.toml lists recipients you have not accepted on this machine (anyone who can push can add one to get the next token):\n{list}\nEncrypt the token to them? [y/N] "
    );
    if io.ask(&question, false) {
        return Ok(());
    }
    Err(Error::RecipientsNotAccepted(
        unknown
            .iter()
            .map(|r| show_recipient(project.dir(), r, origins.get(*r).map(String::as_str)))
            .collect(),
    ))
}

/// Warns, when decrypting, about recipients config.toml lists that this
/// machine never accepted (decrypting gives them nothing, but the next
/// `rotate` would ask): only once something was accepted here.
pub fn warn_recipients(io: &mut Io, project: &Project) {
    let Some((true, new)) = unaccepted_recipients(io, project) else {
        return;
    };
    if !new.is_empty() {
        io.warn(&format!(
            "config.toml lists {} recipient{} not accepted on this machine: {}; `ghenv recipients list` shows them, and no new token is encrypted to them until you accept them (`ghenv allow`)",
            new.len(),
            if new.len() == 1 { "" } else { "s" },
            new.join(", ")
        ));
    }
}

/// The recipients of `[secret]` not accepted on this machine, each as type
/// and fingerprint, and whether any set was accepted here at all (a fresh
/// clone has none); `None` without `[secret]`.
pub fn unaccepted_recipients(io: &Io, project: &Project) -> Option<(bool, Vec<String>)> {
    let secret = project.secret()?;
    let record = machine(io).record(project.dir());
    let accepted = accepted_recipients(io, &record);
    let new = secret
        .recipients
        .iter()
        .filter(|r| !accepted.as_ref().is_some_and(|a| a.contains(r)))
        .map(|r| {
            let (kind, fp) = trust::describe_recipient(r);
            format!("{kind} {fp}")
        })
        .collect();
    Some((accepted.is_some(), new))
}

/// Records what the user's own ghenv just wrote as accepted: the settings,
/// the recipients it encrypted to (when it did), how it sealed the token,
/// the token.
pub fn record_written(
    io: &mut Io,
    project: &Project,
    settings: Option<Settings>,
    recipients: Option<Vec<String>>,
    sealing: Option<trust::Sealing>,
    token: Option<&str>,
) {
    let machine = machine(io);
    let mut record = machine.record(project.dir());
    if let Some(s) = settings {
        record.settings = Some(s);
    }
    if let Some(r) = recipients {
        record.recipients = Some(r);
    }
    if sealing.is_some() {
        record.sealing = sealing;
    }
    if let Some(token) = token {
        match machine.fingerprint(token) {
            Ok(Some(f)) => record.set_token(f),
            Ok(None) => {}
            Err(e) => io.warn(&format!("{e}; the token was not remembered as accepted")),
        }
    }
    save(io, &machine, project.dir(), &record);
}

/// Says the write [`expect_token`] prepared is done: the token it replaced
/// is no longer accepted.
pub fn write_done(io: &mut Io, project: &Project) {
    let machine = machine(io);
    let mut record = machine.record(project.dir());
    if record.previous_token.take().is_some() {
        save(io, &machine, project.dir(), &record);
    }
}

/// Warns when the env file holds the token and git would commit it (a
/// pull changed `.gitignore`): `git add -A` would publish the token.
pub fn warn_unignored(io: &mut Io, project: &Project) {
    let Ok(name) = project.env_file() else {
        return;
    };
    if project.dir().join(name).exists()
        && crate::git::in_work_tree(project.dir())
        && !crate::git::is_kept_out(project.dir(), Path::new(name))
    {
        io.warn(&format!(
            "{} is not git-ignored any more: `git add -A` would commit the token; `ghenv init` adds it to .gitignore again (and `git log -p .gitignore` shows who changed it)",
            crate::text::sanitize(name)
        ));
    }
}

/// Saves `record`; a failure is a warning (the user is asked again next
/// time, nothing is lost).
fn save(io: &mut Io, machine: &Machine, dir: &Path, record: &Record) {
    if let Err(e) = machine.save(dir, record) {
        warn_unsaved(io, &e);
    }
}

fn warn_unsaved(io: &mut Io, e: &Error) {
    io.warn(&format!(
        "{e}; what you accepted was not remembered, so ghenv will ask again"
    ));
}

/// Makes sure the user keeps a way to decrypt: when none of `next` is a
/// key this machine holds (`held`), asks on a terminal or refuses without
/// `force`; a machine that holds no key at all is only warned.
///
/// # Errors
/// [`Error::LockedOut`].
pub fn keep_access(io: &mut Io, next: &[String], held: &[String], force: bool) -> Result<()> {
    if next.iter().any(|r| held.contains(r)) {
        return Ok(());
    }
    let what = "after this, no key on this machine can decrypt the token in config.toml";
    if held.is_empty() || force {
        io.warn(&format!(
            "{what}; keep a copy of the token, or a key that decrypts it (`ghenv keygen`)"
        ));
        return Ok(());
    }
    if io.ask(&format!("{what}. Go on? [y/N] "), false) {
        return Ok(());
    }
    Err(Error::LockedOut)
}

#[cfg(test)]
mod tests {
    //! The accept step's decisions, in-process: what is accepted by first
    //! use, what is asked about, what is refused off a terminal.

    use super::*;
    use crate::project::Location;
    use crate::token::Token;

    /// A project folder with config.toml holding `config`, and an `Io`
    /// whose config folder is `home` (off a terminal unless `answer`).
    fn project(dir: &Path, config: &str) -> Project {
        std::fs::write(dir.join("config.toml"), config).unwrap();
        Project::open(&Location {
            dir: Some(dir.to_path_buf()),
            template_dir: None,
        })
        .unwrap()
    }

    fn io(home: &Path, answer: Option<&str>) -> Io {
        let (io, _) = Io::test();
        let io = io.with_env(&[("XDG_CONFIG_HOME", home.to_str().unwrap())]);
        match answer {
            Some(a) => io.with_stdin(&format!("{a}\n"), true),
            None => io,
        }
    }

    const PROXY: &str = "version = 1\ntemplate = \"react-proxy\"\n";
    const EXPOSED: &str = "version = 1\ntemplate = \"react\"\n";

    fn template(p: &Project) -> Template {
        p.template(None).unwrap()
    }

    #[test]
    fn first_use_accepts_and_a_later_widening_is_refused_off_a_terminal_and_asked_on_one() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = project(dir.path(), PROXY);
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        assert!(p.was_accepted_by_first_use());

        let p = project(dir.path(), EXPOSED);
        let e = settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap_err();
        assert_eq!(e.kind(), "settings_not_accepted");
        assert!(e.to_string().contains("browser bundle"), "{e}");
        // A no on a terminal refuses too; a yes accepts it from then on.
        let e = settings(&mut io(home.path(), Some("n")), &p, &template(&p), false).unwrap_err();
        assert_eq!(e.kind(), "settings_not_accepted");
        settings(&mut io(home.path(), Some("y")), &p, &template(&p), false).unwrap();
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        assert!(!p.was_accepted_by_first_use());
    }

    #[test]
    fn a_template_named_on_the_command_line_is_the_users_word() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = project(dir.path(), PROXY);
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        let exposed = p.template(Some("react")).unwrap();
        settings(&mut io(home.path(), None), &p, &exposed, true).unwrap();
    }

    #[test]
    fn a_token_not_seen_here_is_asked_about_unless_it_came_with_a_first_use() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let token = Token::parse(crate::token::sample_classic().into()).unwrap();
        // Settings accepted by first use in this run: the token with them.
        let p = project(dir.path(), PROXY);
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        decrypted_token(&mut io(home.path(), None), &p, &token, true).unwrap();
        // A later run: the record knows this token; another is asked about.
        let p = project(dir.path(), PROXY);
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        decrypted_token(&mut io(home.path(), None), &p, &token, true).unwrap();
        let other =
            Token::parse("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".to_owned().into()).unwrap();
        let e = decrypted_token(&mut io(home.path(), None), &p, &other, true).unwrap_err();
        assert_eq!(e.kind(), "token_not_accepted");
        decrypted_token(&mut io(home.path(), Some("y")), &p, &other, true).unwrap();
        // Accepting it drops the one before: no replay.
        let e = decrypted_token(&mut io(home.path(), None), &p, &token, true).unwrap_err();
        assert_eq!(e.kind(), "token_not_accepted");
    }

    #[test]
    fn a_record_without_a_token_asks_about_the_first_secret() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let token = Token::parse(crate::token::sample_classic().into()).unwrap();
        let p = project(dir.path(), PROXY);
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        // Another run (another Project): the record exists, holds no token.
        let p = project(dir.path(), PROXY);
        settings(&mut io(home.path(), None), &p, &template(&p), false).unwrap();
        let e = decrypted_token(&mut io(home.path(), None), &p, &token, true).unwrap_err();
        assert_eq!(e.kind(), "token_not_accepted");
    }

    #[test]
    fn a_passphrase_where_recipients_were_accepted_is_a_change_to_accept() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = project(dir.path(), PROXY);
        // Nothing accepted yet: nothing to downgrade.
        sealing(&mut io(home.path(), None), &p, true).unwrap();
        record_written(
            &mut io(home.path(), None),
            &p,
            None,
            Some(vec!["age1example".into()]),
            Some(trust::Sealing::Recipients),
            None,
        );
        sealing(&mut io(home.path(), None), &p, false).unwrap();
        let e = sealing(&mut io(home.path(), None), &p, true).unwrap_err();
        assert_eq!(e.kind(), "settings_not_accepted");
        assert!(e.to_string().contains("passphrase"), "{e}");
        sealing(&mut io(home.path(), Some("y")), &p, true).unwrap();
        sealing(&mut io(home.path(), None), &p, true).unwrap();
    }

    #[test]
    fn recipients_are_never_accepted_by_first_use() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = project(dir.path(), PROXY);
        let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".to_owned();
        let e = recipients(
            &mut io(home.path(), None),
            &p,
            std::slice::from_ref(&key),
            &[],
            false,
        )
        .unwrap_err();
        assert_eq!(e.kind(), "recipients_not_accepted");
        // Named on the command line, or --accept-recipients: the user's word.
        recipients(
            &mut io(home.path(), None),
            &p,
            std::slice::from_ref(&key),
            std::slice::from_ref(&key),
            false,
        )
        .unwrap();
        recipients(
            &mut io(home.path(), None),
            &p,
            std::slice::from_ref(&key),
            &[],
            true,
        )
        .unwrap();
    }
}
