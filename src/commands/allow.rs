//! `ghenv allow`: show what config.toml says about where the token goes
//! (env file, template and token variable, endpoint, recipients, the token
//! in `[secret]`) and accept it on this machine, as `direnv allow` does.
//! Running it is the user's yes, so it prints exactly what it accepts.

use std::io::Write;

use serde::Serialize;

use crate::accept;
use crate::error::Result;
use crate::output::Io;
use crate::project::{Location, Project};
use crate::report::{Boxed, Report};
use crate::secret;
use crate::token::Token;
use crate::trust::{self, Sealing, Settings};

/// A recipient as `allow` accepted it.
#[derive(Debug, Serialize)]
pub struct AllowedRecipient {
    /// The recipient (`age1…`, `ssh-ed25519 AAAA…`).
    pub recipient: String,
    /// `age X25519`, `ssh-ed25519`, `ssh-rsa`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `SHA256:…` for SSH keys, the key itself for age keys.
    pub fingerprint: String,
    /// Whether it was not accepted here before.
    pub new: bool,
    /// Where git says it was added, when it can tell.
    #[serde(skip)]
    pub shown: String,
}

/// The token as `allow` accepted it.
#[derive(Debug, Serialize)]
pub struct AllowedToken {
    /// `ghp_…x1Qz`.
    pub masked: String,
    /// `classic`, `fine-grained`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// What `allow` accepted.
#[derive(Debug, Serialize)]
pub struct AllowReport {
    /// Always true: failures are errors.
    pub ok: bool,
    /// Where the token goes.
    pub settings: Settings,
    /// The endpoint config.toml names, when it is not GitHub.com's.
    pub endpoint: Option<String>,
    /// How `[secret]` seals the token: `recipients` or `passphrase`
    /// (`null` without `[secret]`).
    pub sealing: Option<Sealing>,
    /// The recipients (empty with a passphrase or without `[secret]`).
    pub recipients: Vec<AllowedRecipient>,
    /// The token in `[secret]`, when an identity here decrypted it.
    pub token: Option<AllowedToken>,
    /// Why the token was not accepted, when it was not.
    pub token_note: Option<String>,
    /// Whether anything was not accepted before.
    pub changed: bool,
}

impl Report for AllowReport {
    fn print(&self, io: &mut Io) {
        // -q: nothing but errors, as for check.
        if io.verbosity.quiet {
            return;
        }
        let s = &self.settings;
        let mut lines = vec![
            "Accepted for this project on this machine:".to_owned(),
            format!("  env file     {}", crate::text::sanitize(&s.env_file)),
            format!("  template     {}", crate::text::sanitize(&s.template)),
            format!(
                "  token var    {}{}",
                crate::text::sanitize(&s.token_var),
                if s.exposed {
                    " (put into the browser bundle by the framework)"
                } else {
                    ""
                }
            ),
        ];
        if let Some(id) = &s.client_id {
            lines.push(format!(
                "  OAuth App    client id {} (tokens made with --web are this app's)",
                crate::text::sanitize(id)
            ));
        }
        if let Some(url) = &self.endpoint {
            lines.push(format!("  endpoint     {}", crate::text::sanitize(url)));
        }
        if self.sealing == Some(Sealing::Passphrase) {
            lines.push(
                "  encryption   with a passphrase (anyone who guesses it can decrypt the token)"
                    .to_owned(),
            );
        }
        if !self.recipients.is_empty() {
            lines.push(format!("  recipients   {}", self.recipients.len()));
            for r in &self.recipients {
                lines.push(format!(
                    "    {}{}",
                    r.shown,
                    if r.new { "  (new)" } else { "" }
                ));
            }
        }
        match (&self.token, &self.token_note) {
            (Some(t), _) => lines.push(format!("  token        {} ({})", t.masked, t.kind)),
            (None, Some(note)) => lines.push(format!("  token        not accepted: {note}")),
            (None, None) => {}
        }
        if !self.changed {
            lines.push("Nothing new: all of it was accepted here before.".to_owned());
        }
        for line in lines {
            let _ = writeln!(io.out, "{line}");
        }
    }
}

/// What `allow` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct AllowOptions {
    /// Where the project is.
    pub location: Location,
    /// `-i`: identities that open `[secret]`, to accept the token it holds.
    pub identity: secret::Identities,
}

/// Runs `ghenv allow`.
///
/// # Errors
/// No config.toml, a config.toml ghenv cannot use, an env file it never
/// writes, an endpoint it never sends a token to.
pub fn run(args: &AllowOptions, io: &mut Io) -> Result<Boxed> {
    let project = Project::open(&args.location)?;
    project.require_config("allow")?;
    let template = project.template(None)?;
    let settings = accept::current_settings(&project, &template)?;
    let machine = accept::machine(io);
    if !machine.has_store() {
        return Err(crate::Error::NoHome("allow"));
    }
    let found = machine.find(project.dir());
    let mut record = found.record.clone();
    let mut changed = record.settings.as_ref() != Some(&settings);
    let mut sealing = None;

    let endpoint = match project.recorded_endpoint() {
        Some(url) if !crate::github::is_default_endpoint(url) => {
            let url = crate::project::check_endpoint("config.toml", url)?;
            let dir = trust::config_dir(|k| io.var(k));
            if let Some(dir) = &dir {
                if !trust::is_trusted(Some(dir), &url) {
                    changed = true;
                }
                trust::remember(dir, &url)?;
            }
            Some(url)
        }
        _ => None,
    };

    let accepted = record.recipients.clone().unwrap_or_default();
    let mut recipients = Vec::new();
    let mut token = None;
    let mut token_note = None;
    if let Some(secret) = project.secret() {
        secret::check_format(secret)?;
        let sealed = if secret.passphrase {
            Sealing::Passphrase
        } else {
            Sealing::Recipients
        };
        changed |= record.accepted_sealing().is_some_and(|s| s != sealed);
        record.sealing = Some(sealed);
        sealing = Some(sealed);
        for r in &secret.recipients {
            let (kind, fingerprint) = trust::describe_recipient(r);
            let new = !accepted.contains(r);
            changed |= new;
            recipients.push(AllowedRecipient {
                shown: accept::show_recipient(
                    project.dir(),
                    r,
                    secret.origins.get(r).map(String::as_str),
                ),
                recipient: r.clone(),
                kind,
                fingerprint,
                new,
            });
        }
        let plaintext = if secret.passphrase {
            if io.stdin_tty || io.var("GHENV_PASSPHRASE").is_some() {
                secret::decrypt_secret(secret, &args.identity, io).ok()
            } else {
                None
            }
        } else {
            secret::decrypt_quietly(secret, &args.identity, io)
        };
        match plaintext.map(Token::parse) {
            Some(Ok(t)) => {
                if let Some(f) = machine.fingerprint(t.expose_secret())? {
                    changed |= record.token.as_deref() != Some(f.as_str());
                    record.accept_token(f);
                }
                token = Some(AllowedToken {
                    masked: t.masked(),
                    kind: t.kind().name(),
                });
            }
            Some(Err(e)) => token_note = Some(format!("[secret] does not hold a token ({e})")),
            None => {
                token_note = Some(
                    "no identity here decrypts [secret] (pass -i KEY); a new token will be asked about when it is first decrypted".into(),
                )
            }
        }
        if !secret.passphrase {
            // Only lines that are one key each: anything else is shown as
            // it is and never accepted.
            record.recipients = Some(
                secret
                    .recipients
                    .iter()
                    .filter(|r| trust::is_one_key(r))
                    .cloned()
                    .collect(),
            );
        }
    }
    record.settings = Some(settings.clone());
    machine.save_found(&found, &record)?;
    Ok(Box::new(AllowReport {
        ok: true,
        settings,
        endpoint,
        sealing,
        recipients,
        token,
        token_note,
        changed,
    }))
}
