//! `ghenv recipients list | add | remove`: who can decrypt the token.
//! Changing the set decrypts the token with an identity that can decrypt it
//! now and encrypts it again to the new set.

use std::io::Write;

use serde::Serialize;
use zeroize::Zeroizing;

use super::short_key;
use crate::cli::{RecipientsChangeArgs, RecipientsCommand, RecipientsListArgs};
use crate::crypt::{self, Recipient};
use crate::error::{Error, Result};
use crate::output::Io;
use crate::project::{Location, Project};
use crate::report::{Boxed, Report};
use crate::secret;
use crate::token::Token;
use crate::write::{self, Change};

/// Who can decrypt, as `recipients list` reports it.
#[derive(Debug, Serialize)]
pub struct RecipientsList {
    /// The recipients (empty with a passphrase).
    pub recipients: Vec<String>,
    /// Whether a passphrase is used instead.
    pub passphrase: bool,
    /// For each recipient, whether someone who could decrypt added it;
    /// `null` when no identity here can decrypt to check.
    pub verified: Option<Vec<bool>>,
    /// For each recipient, where it came from (`github:alice`), as
    /// config.toml records it; `null` when not recorded.
    pub origins: Vec<Option<String>>,
}

impl Report for RecipientsList {
    fn print(&self, io: &mut Io) {
        if self.passphrase {
            io.say("The token is encrypted with a passphrase: whoever knows it can decrypt.");
            return;
        }
        for (i, r) in self.recipients.iter().enumerate() {
            let mark = match &self.verified {
                Some(v) if v[i] => "verified",
                Some(_) => "NOT VERIFIED: added by someone who could not decrypt",
                None => "not checked: no identity here decrypts the token",
            };
            let from = match &self.origins[i] {
                Some(o) => format!(", from {}", crate::text::sanitize(o)),
                None => String::new(),
            };
            let _ = writeln!(io.out, "{}  ({mark}{from})", crate::text::sanitize(r));
        }
    }
}

/// What `recipients add|remove` did.
#[derive(Debug, Serialize)]
pub struct RecipientsChange {
    /// Always true: failures are errors.
    pub ok: bool,
    /// The recipients now.
    pub recipients: Vec<String>,
    /// Whether config.toml changed.
    pub changed: bool,
}

impl Report for RecipientsChange {
    fn print(&self, _io: &mut Io) {}
}

/// Runs `ghenv recipients ...`.
///
/// # Errors
/// See the subcommands.
pub fn run(cmd: &RecipientsCommand, io: &mut Io) -> Result<Boxed> {
    match cmd {
        RecipientsCommand::List(args) => Ok(Box::new(list(args, io)?)),
        RecipientsCommand::Add(args) => Ok(Box::new(change(args, io, true)?)),
        RecipientsCommand::Remove(args) => Ok(Box::new(change(args, io, false)?)),
    }
}

fn list(args: &RecipientsListArgs, io: &mut Io) -> Result<RecipientsList> {
    let project = Project::open(&Location::from(&args.project))?;
    let secret = project.require_secret("list")?;
    let verified = if secret.passphrase {
        None
    } else {
        secret::decrypt_quietly(secret, &args.identity, io).map(|token| {
            let bad = secret::unverified(secret, secrecy::ExposeSecret::expose_secret(&token));
            secret.recipients.iter().map(|r| !bad.contains(r)).collect()
        })
    };
    Ok(RecipientsList {
        origins: secret
            .recipients
            .iter()
            .map(|r| secret.origins.get(r).cloned())
            .collect(),
        recipients: secret.recipients.clone(),
        passphrase: secret.passphrase,
        verified,
    })
}

fn change(args: &RecipientsChangeArgs, io: &mut Io, add: bool) -> Result<RecipientsChange> {
    let project = Project::open(&Location::from(&args.project))?;
    let secret = project.require_secret(if add { "add to" } else { "remove from" })?;
    if secret.passphrase {
        return Err(Error::PassphraseNotRecipients);
    }
    let mut given = secret::parse_recipients(&args.recipients, &args.recipients_files, io)?;
    let mut origins: Vec<(String, String)> = Vec::new();
    if add {
        let web = secret::Web {
            host: args.host.clone(),
            timeout: std::time::Duration::from_secs(args.timeout),
        };
        for (r, origin) in secret::github_recipients(&args.github, &web, io)? {
            origins.push((r.as_str().to_owned(), origin));
            given.push(r);
        }
        given = crypt::dedup(given);
    } else {
        for user in &args.github {
            let origin = format!("github:{user}");
            let added: Vec<&String> = secret
                .origins
                .iter()
                .filter(|(r, o)| **o == origin && secret.recipients.contains(r))
                .map(|(r, _)| r)
                .collect();
            if added.is_empty() {
                return Err(Error::NotARecipient(origin));
            }
            for r in added {
                given.push(crypt::parse_recipient(r)?);
            }
        }
    }
    if given.is_empty() {
        return Err(Error::NoRecipientGiven);
    }
    let changed: Vec<String> = given.iter().map(|g| short_key(g.as_str())).collect();
    let given_texts: Vec<String> = given.iter().map(|g| g.as_str().to_owned()).collect();
    let current: Vec<Recipient> = secret
        .recipients
        .iter()
        .map(|r| crypt::parse_recipient(r))
        .collect::<Result<_, _>>()?;
    let next: Vec<Recipient> = if add {
        let fresh = given
            .iter()
            .any(|g| !current.iter().any(|c| c.as_str() == g.as_str()));
        if !fresh {
            io.ok("Every recipient given can already decrypt the token; nothing to change");
            return Ok(RecipientsChange {
                ok: true,
                recipients: secret.recipients.clone(),
                changed: false,
            });
        }
        crypt::dedup(current.into_iter().chain(given).collect())
    } else {
        if let Some(unknown) = given
            .iter()
            .find(|g| !current.iter().any(|c| c.as_str() == g.as_str()))
        {
            return Err(Error::NotARecipient(short_key(unknown.as_str())));
        }
        let kept: Vec<Recipient> = current
            .into_iter()
            .filter(|c| !given.iter().any(|g| g.as_str() == c.as_str()))
            .collect();
        if kept.is_empty() {
            return Err(Error::LastRecipient);
        }
        kept
    };

    let token = Token::parse(secret::decrypt_secret(secret, &args.identity, io)?)?;
    // Recipients kept from config.toml need a tag the token vouches for;
    // the ones given on the command line are the user's own word.
    let unverified: Vec<String> = secret::unverified(secret, token.expose_secret())
        .into_iter()
        .filter(|r| next.iter().any(|n| n.as_str() == r.as_str()))
        .filter(|r| !given_texts.contains(r))
        .collect();
    secret::confirm_unverified(
        io,
        secret::Checked::Unverified(unverified),
        args.accept_recipients,
    )?;
    let armored = crypt::encrypt(token.expose_secret(), &next)?;
    let texts: Vec<String> = next.iter().map(|r| r.as_str().to_owned()).collect();
    let (_lock, config_file, _) = project.lock_and_reread()?;
    let existing = config_file.ok_or_else(|| Error::NoConfig {
        dir: project.dir().to_path_buf(),
        action: "change",
    })?;
    let text = secret::seal_into(&existing.text, &texts, false, &armored, &token, &origins)?;
    write::commit(&[Change::new(
        project.config_path(),
        Some(&existing),
        Zeroizing::new(text),
        false,
    )])?;
    io.ok(&format!(
        "{} {}; the token is now encrypted to {} recipient{}",
        if add { "Added" } else { "Removed" },
        changed.join(", "),
        texts.len(),
        if texts.len() == 1 { "" } else { "s" }
    ));
    if !add {
        io.warn("a removed recipient can still decrypt older copies of config.toml (e.g. from git history); run `ghenv rotate` with a new token to lock them out");
    }
    Ok(RecipientsChange {
        ok: true,
        recipients: texts,
        changed: true,
    })
}
