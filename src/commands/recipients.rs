//! `ghenv recipients list | add | remove`: who can decrypt the token.
//! Changing the set decrypts the token with an identity that can decrypt it
//! now and encrypts it again to the new set.

use std::io::Write;

use serde_json::json;
use zeroize::Zeroizing;

use super::init::{self, short_key};
use super::lock;
use super::unlock::encrypted_config;
use crate::cli::{RecipientsChangeArgs, RecipientsCommand, RecipientsListArgs};
use crate::config;
use crate::crypt::{self, Recipient};
use crate::error::{Error, Result};
use crate::output::Io;
use crate::token::Token;
use crate::write::{self, Change};

/// Runs `ghenv recipients ...`.
///
/// # Errors
/// See the subcommands.
pub fn run(cmd: &RecipientsCommand, io: &mut Io) -> Result<()> {
    match cmd {
        RecipientsCommand::List(args) => list(args, io),
        RecipientsCommand::Add(args) => change(args, io, true),
        RecipientsCommand::Remove(args) => change(args, io, false),
    }
}

fn list(args: &RecipientsListArgs, io: &mut Io) -> Result<()> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let before = init::inspect(&dir)?;
    let (_, secret) = encrypted_config(before.parsed.as_ref(), &dir)?;
    if args.json {
        io.json(&json!({ "recipients": secret.recipients, "passphrase": secret.passphrase }));
    } else if secret.passphrase {
        io.say("The token is encrypted with a passphrase: whoever knows it can decrypt.");
    } else {
        for r in &secret.recipients {
            let _ = writeln!(io.out, "{r}");
        }
    }
    Ok(())
}

fn change(args: &RecipientsChangeArgs, io: &mut Io, add: bool) -> Result<()> {
    let dir = super::project_dir(args.dir.as_deref())?;
    let before = init::inspect(&dir)?;
    let (_, secret) = encrypted_config(before.parsed.as_ref(), &dir)?;
    if secret.passphrase {
        return Err(Error::usage(
            "the token is encrypted with a passphrase, not to recipients",
            Some("to switch to recipients, run `ghenv init --encrypt -r RECIPIENT`".to_string()),
        ));
    }
    let given = lock::parse_recipients(&args.recipients, &args.recipients_files)?;
    let changed: Vec<String> = given.iter().map(|g| short_key(g.as_str())).collect();
    if given.is_empty() {
        return Err(Error::usage(
            "no recipient given",
            Some("give age1… keys or SSH public key lines, or -R FILE".to_string()),
        ));
    }
    let current: Vec<Recipient> = secret
        .recipients
        .iter()
        .map(|r| crypt::parse_recipient(r))
        .collect::<Result<_, _>>()?;
    let next: Vec<Recipient> = if add {
        let fresh: Vec<&Recipient> = given
            .iter()
            .filter(|g| !current.iter().any(|c| c.as_str() == g.as_str()))
            .collect();
        if fresh.is_empty() {
            io.ok("Every recipient given can already decrypt the token; nothing to change");
            return report(io, args.json, &secret.recipients, false);
        }
        crypt::dedup(current.into_iter().chain(given).collect())
    } else {
        if let Some(unknown) = given
            .iter()
            .find(|g| !current.iter().any(|c| c.as_str() == g.as_str()))
        {
            return Err(Error::usage(
                format!(
                    "{} is not a recipient of the token",
                    short_key(unknown.as_str())
                ),
                Some("`ghenv recipients list` shows the recipients".to_string()),
            ));
        }
        let kept: Vec<Recipient> = current
            .into_iter()
            .filter(|c| !given.iter().any(|g| g.as_str() == c.as_str()))
            .collect();
        if kept.is_empty() {
            return Err(Error::refuse(
                "refusing to remove every recipient: nobody could decrypt the token",
                Some(
                    "add the new recipient first (`ghenv recipients add`), then remove the old one"
                        .to_string(),
                ),
            ));
        }
        kept
    };

    let plaintext = lock::decrypt_secret(secret, &args.identity, io)?;
    let token = Token::parse(plaintext)?;
    let armored = crypt::encrypt(token.expose_secret(), &next)?;
    let texts: Vec<String> = next.iter().map(|r| r.as_str().to_owned()).collect();
    let existing = before
        .config
        .as_ref()
        .expect("encrypted_config found config.toml");
    let text = lock::seal_into(&existing.text, &texts, false, &armored, &token)?;
    let path = dir.join(config::FILE);
    write::commit(&[Change::new(
        path,
        Some(existing),
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
    report(io, args.json, &texts, true)
}

fn report(io: &mut Io, json: bool, recipients: &[String], changed: bool) -> Result<()> {
    if json {
        io.json(&json!({ "ok": true, "recipients": recipients, "changed": changed }));
    }
    Ok(())
}
