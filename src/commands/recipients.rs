//! `ghenv recipients list | add | remove`: who can decrypt the token.
//! Changing the set decrypts the token with an identity that can decrypt it
//! now and encrypts it again to the new set.

use std::io::Write;

use serde::Serialize;
use zeroize::Zeroizing;

use super::short_key;
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
    /// For each recipient, whether this user accepted it on this machine
    /// (`ghenv allow`, or a change made here with ghenv).
    pub accepted: Vec<bool>,
    /// For each recipient, its fingerprint (`SHA256:…` for SSH keys, the
    /// key itself for age keys).
    pub fingerprints: Vec<String>,
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
            // An age key is its own fingerprint; an SSH key's is shown as
            // `ssh-keygen -l` prints it, to compare with its owner.
            let fingerprint = match &self.fingerprints[i] {
                f if f == r => String::new(),
                f => format!(", {f}"),
            };
            let mark = if self.accepted[i] {
                format!("accepted here{fingerprint}")
            } else {
                format!(
                    "NOT ACCEPTED on this machine{fingerprint}: check it with its owner, then `ghenv allow`"
                )
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

/// What `recipients` is asked to do.
#[derive(Debug, Clone)]
pub enum RecipientsOptions {
    /// `list`, in the project there.
    List(Location),
    /// `add`.
    Add(ChangeOptions),
    /// `remove`.
    Remove(ChangeOptions),
}

/// What `recipients add|remove` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ChangeOptions {
    /// Recipients as text (`age1…`, SSH public key lines).
    pub recipients: Vec<String>,
    /// `-R`: files of recipients.
    pub recipients_files: Vec<std::path::PathBuf>,
    /// `--github USER`.
    pub github: Vec<String>,
    /// `--host`: the GitHub host for `--github`.
    pub host: Option<String>,
    /// `--timeout`, in seconds.
    pub timeout: u64,
    /// `--accept-recipients`.
    pub accept_recipients: bool,
    /// `--yes`.
    pub yes: bool,
    /// `--force`.
    pub force: bool,
    /// `-i`: identities that open `[secret]`.
    pub identity: secret::Identities,
    /// Where the project is.
    pub location: Location,
}

/// Runs `ghenv recipients ...`.
///
/// # Errors
/// See the subcommands.
pub fn run(cmd: &RecipientsOptions, io: &mut Io) -> Result<Boxed> {
    match cmd {
        RecipientsOptions::List(location) => Ok(Box::new(list(location, io)?)),
        RecipientsOptions::Add(args) => Ok(Box::new(change(args, io, true)?)),
        RecipientsOptions::Remove(args) => Ok(Box::new(change(args, io, false)?)),
    }
}

fn list(location: &Location, io: &mut Io) -> Result<RecipientsList> {
    let project = Project::open(location)?;
    let secret = project.require_secret("list")?;
    let record = crate::accept::machine(io).record(project.dir());
    let accepted = crate::accept::accepted_recipients(io, &record).unwrap_or_default();
    Ok(RecipientsList {
        origins: secret
            .recipients
            .iter()
            .map(|r| secret.origins.get(r).cloned())
            .collect(),
        accepted: secret
            .recipients
            .iter()
            .map(|r| accepted.contains(r))
            .collect(),
        fingerprints: secret
            .recipients
            .iter()
            .map(|r| crate::trust::describe_recipient(r).1)
            .collect(),
        recipients: secret.recipients.clone(),
        passphrase: secret.passphrase,
    })
}

fn change(args: &ChangeOptions, io: &mut Io, add: bool) -> Result<RecipientsChange> {
    let project = Project::open(&args.location)?;
    let action = if add { "add to" } else { "remove from" };
    let secret = project.require_secret(action)?;
    if secret.passphrase {
        return Err(Error::PassphraseNotRecipients);
    }
    // What the user names (files may be slow to read, keys come over the
    // network) is gathered first; the set it changes is read under the
    // project's lock, so a change another ghenv made meanwhile is kept.
    let mut given = secret::parse_recipients(&args.recipients, &args.recipients_files, io)?;
    let mut origins: Vec<(String, String)> = Vec::new();
    if add {
        let web = secret::Web {
            host: args.host.clone(),
            timeout: std::time::Duration::from_secs(args.timeout),
        };
        for (r, origin) in secret::github_recipients(&args.github, &web, args.yes, io)? {
            origins.push((r.as_str().to_owned(), origin));
            given.push(r);
        }
        given = crypt::dedup(given);
    }
    let (_lock, config_file, _) = project.lock_and_reread()?;
    let existing = config_file.ok_or_else(|| Error::NoConfig {
        dir: project.dir().to_path_buf(),
        action: "change",
    })?;
    let config = crate::config::parse(&existing.text).map_err(|problem| Error::ConfigInvalid {
        path: project.config_path(),
        problem,
    })?;
    let secret = config.secret.as_ref().ok_or(Error::NotEncrypted)?;
    if secret.passphrase {
        return Err(Error::PassphraseNotRecipients);
    }
    if !add {
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
    let texts: Vec<String> = next.iter().map(|r| r.as_str().to_owned()).collect();

    // The recipients kept from config.toml must be ones this user accepted
    // here; the ones named on the command line are the user's own word.
    crate::accept::recipients(io, &project, &texts, &given_texts, args.accept_recipients)?;
    let held = secret::held_recipients(&args.identity, io);
    crate::accept::keep_access(io, &texts, &held, args.force)?;
    let token = Token::parse(secret::decrypt_secret(secret, &args.identity, io)?)?;
    crate::accept::decrypted_token(io, &project, &token, true)?;
    let armored = crypt::encrypt(token.expose_secret(), &next)?;
    let text = secret::seal_into(&existing.text, &texts, false, &armored, &token, &origins)?;
    write::commit(&[Change::new(
        project.config_path(),
        Some(&existing),
        Zeroizing::new(text),
        false,
    )])?;
    // Only what this command decided is recorded: the recipients. The
    // settings (env file, template) are accepted by commands that use them.
    crate::accept::record_written(
        io,
        &project,
        None,
        Some(texts.clone()),
        Some(crate::trust::Sealing::Recipients),
        Some(token.expose_secret()),
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::testing::Encrypted;

    #[test]
    fn list_shows_the_recipient_init_encrypted_to() {
        let set_up = Encrypted::set_up();
        let mut io = set_up.io();
        let json = run(&RecipientsOptions::List(set_up.location.clone()), &mut io)
            .unwrap()
            .to_json();
        assert_eq!(json["recipients"][0], set_up.recipient.as_str(), "{json}");
        assert_eq!(json["passphrase"], false);
    }

    #[test]
    fn removing_the_last_recipient_is_refused_and_nothing_changes() {
        let set_up = Encrypted::set_up();
        let config = set_up.project.path().join("config.toml");
        let before = std::fs::read_to_string(&config).unwrap();
        let mut io = set_up.io();
        let opts = ChangeOptions {
            recipients: vec![set_up.recipient.clone()],
            identity: set_up.identity.clone(),
            location: set_up.location.clone(),
            timeout: 30,
            ..ChangeOptions::default()
        };
        let e = run(&RecipientsOptions::Remove(opts), &mut io)
            .err()
            .unwrap();
        assert_eq!(e.kind(), "last_recipient");
        assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    }
}
