//! The encrypted token: where identities are looked for, asking for
//! passphrases, choosing recipients, sealing the token into `[secret]` and
//! decrypting it. The policy above [`crypt`], which only does age.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::config::SecretSection;
use crate::crypt::{self, CryptError, Identity, Recipient};
use crate::error::{Error, Result};
use crate::output::Io;

/// Environment variables that hold a key or passphrase: `run` never passes
/// them on to the command it starts.
pub const SECRET_VARS: [&str; 2] = ["GHENV_IDENTITY", "GHENV_PASSPHRASE"];

/// Keeps [`SECRET_VARS`] out of `cmd`'s environment: a command ghenv starts
/// gets the token it asked for, not the keys that unlock it.
pub fn withhold_keys(cmd: &mut std::process::Command) {
    for var in SECRET_VARS {
        cmd.env_remove(var);
    }
}

/// The identities given on the command line (`-i PATH`, `-i -` for
/// standard input), tried before the environment and the defaults.
#[derive(Debug, Clone, Default)]
pub struct Identities {
    /// The paths, in order; `-` is standard input.
    pub paths: Vec<PathBuf>,
}

/// How to encrypt the token into config.toml's `[secret]`, as asked.
#[derive(Debug, Clone, Default)]
pub struct LockOptions {
    /// `--encrypt`.
    pub encrypt: bool,
    /// `-r`: recipients as text.
    pub recipients: Vec<String>,
    /// `-R`: files of recipients.
    pub recipients_files: Vec<PathBuf>,
    /// `--github USER`: the SSH keys GitHub lists for these users.
    pub github: Vec<String>,
    /// `--passphrase` instead of recipients.
    pub passphrase: bool,
    /// `--no-env`: the token lives only in config.toml.
    pub no_env: bool,
    /// `--accept-recipients`: without asking.
    pub accept_recipients: bool,
    /// `--yes`: GitHub's keys without asking.
    pub yes: bool,
    /// `--force`: even when no key here could decrypt afterwards.
    pub force: bool,
}

impl LockOptions {
    /// Whether the user named how to seal the token this run: a
    /// passphrase, or recipients (`-r`, `-R`, `--github`).
    pub fn names_sealing(&self) -> bool {
        self.passphrase
            || !self.recipients.is_empty()
            || !self.recipients_files.is_empty()
            || !self.github.is_empty()
    }

    /// Whether anything asks for encryption.
    pub fn wants_encryption(&self) -> bool {
        self.encrypt
            || self.passphrase
            || !self.recipients.is_empty()
            || !self.recipients_files.is_empty()
            || !self.github.is_empty()
    }
}

/// The default identity: `$XDG_CONFIG_HOME/ghenv/identity.txt`, else
/// `~/.config/ghenv/identity.txt`.
pub fn default_identity_path(io: &Io) -> Option<PathBuf> {
    crate::trust::config_dir(|k| io.var(k)).map(|d| d.join("identity.txt"))
}

fn ssh_key_paths(io: &Io) -> Vec<PathBuf> {
    crate::platform::home(|k| io.var(k))
        .map(|h| {
            let ssh = h.join(".ssh");
            vec![ssh.join("id_ed25519"), ssh.join("id_rsa")]
        })
        .unwrap_or_default()
}

/// Every identity available, in order: `-i`, `GHENV_IDENTITY`, the default
/// identity, `~/.ssh/id_ed25519`, `~/.ssh/id_rsa`.
///
/// # Errors
/// An identity given with `-i` or `GHENV_IDENTITY` that cannot be used;
/// [`CryptError::NoIdentity`] naming where ghenv looked when there is none;
/// [`CryptError::EncryptedSshKey`] when the only keys found are
/// passphrase-protected SSH keys and there is no terminal.
pub fn identities(args: &Identities, io: &mut Io) -> Result<Vec<Identity>> {
    let ask = io.asker();
    let tty = ask.as_ref();
    let mut found = Vec::new();
    let mut looked = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            // `-i -`: the identity on standard input, as age reads it.
            let mut text = Zeroizing::new(String::new());
            std::io::Read::read_to_string(&mut io.stdin, &mut text).map_err(|source| {
                CryptError::Io {
                    action: "read the identity from",
                    path: PathBuf::from("standard input"),
                    source,
                }
            })?;
            found.push(crypt::parse_identity("standard input", &text, tty)?);
        } else {
            found.push(crypt::read_identity(path, tty)?);
        }
    }
    looked.push("$GHENV_IDENTITY".to_string());
    if let Some(text) = io.var("GHENV_IDENTITY") {
        let text = Zeroizing::new(text);
        found.push(crypt::parse_identity("$GHENV_IDENTITY", &text, tty)?);
    }
    if let Some(path) = default_identity_path(io) {
        looked.push(path.display().to_string());
        if path.exists() {
            found.push(crypt::read_identity(&path, tty)?);
        }
    }
    let mut skipped = None;
    for path in ssh_key_paths(io) {
        looked.push(path.display().to_string());
        if !path.exists() {
            continue;
        }
        // The user's SSH keys are tried when present; one ghenv cannot use
        // is skipped, not fatal, since another identity may fit.
        match crypt::read_identity(&path, tty) {
            Ok(id) => found.push(id),
            Err(e @ CryptError::EncryptedSshKey(_)) => skipped = Some(e),
            Err(_) => {}
        }
    }
    if found.is_empty() {
        return Err(match skipped {
            Some(e) => e.into(),
            None => CryptError::NoIdentity { looked }.into(),
        });
    }
    Ok(found)
}

/// The public keys of the identities this machine holds, found without
/// asking for any passphrase: `-i`, `GHENV_IDENTITY`, the default
/// identity, and the SSH keys (their `.pub` files): to warn before a change
/// leaves the user unable to decrypt.
pub fn held_recipients(args: &Identities, io: &Io) -> Vec<String> {
    let mut out = Vec::new();
    let from_file = |path: &std::path::Path, out: &mut Vec<String>| {
        if let Ok(id) = crypt::read_identity(path, None) {
            out.extend(id.recipients());
        }
        let mut public = path.as_os_str().to_owned();
        public.push(".pub");
        if let Ok(text) = std::fs::read_to_string(PathBuf::from(public)) {
            out.extend(
                text.lines()
                    .filter_map(|l| crypt::parse_recipient(l).ok())
                    .map(|r| r.as_str().to_owned()),
            );
        }
    };
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        from_file(path, &mut out);
    }
    if let Some(text) = io.var("GHENV_IDENTITY") {
        let text = Zeroizing::new(text);
        if let Ok(id) = crypt::parse_identity("$GHENV_IDENTITY", &text, None) {
            out.extend(id.recipients());
        }
    }
    for path in default_identity_path(io)
        .into_iter()
        .chain(ssh_key_paths(io))
    {
        from_file(&path, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// The passphrase to decrypt with: `GHENV_PASSPHRASE`, else asked once.
///
/// # Errors
/// [`CryptError::NoPassphrase`] without either.
pub fn passphrase_to_decrypt(io: &mut Io) -> Result<SecretString> {
    if let Some(p) = io.var("GHENV_PASSPHRASE") {
        return Ok(SecretString::from(p));
    }
    if !io.stdin_tty {
        return Err(CryptError::NoPassphrase.into());
    }
    io.prompt_secret("Passphrase for the token: ")
        .map_err(|_| CryptError::NoPassphrase.into())
}

/// The passphrase to encrypt with: `GHENV_PASSPHRASE` (it must not be
/// empty), else asked twice on a terminal, three tries in all.
///
/// # Errors
/// [`CryptError::NoPassphrase`], [`CryptError::PassphraseMismatch`], or
/// [`Error::EmptyPassphrase`].
pub fn passphrase_to_encrypt(io: &mut Io) -> Result<SecretString> {
    if let Some(p) = io.var("GHENV_PASSPHRASE") {
        return Ok(SecretString::from(p));
    }
    // Set but empty: a passphrase nobody has to guess is no passphrase.
    if io.var_raw("GHENV_PASSPHRASE").is_some() {
        return Err(Error::EmptyPassphrase);
    }
    if !io.stdin_tty {
        return Err(CryptError::NoNewPassphrase.into());
    }
    // Two typings that differ, or an empty one, are asked again.
    for attempt in 1..=3 {
        let first = io
            .prompt_secret("New passphrase for the token: ")
            .map_err(|_| Error::from(CryptError::NoNewPassphrase))?;
        if first.expose_secret().is_empty() {
            if attempt == 3 {
                return Err(Error::EmptyPassphrase);
            }
            io.warn("the passphrase is empty; choose one (or use recipients, -r, instead)");
            continue;
        }
        let second = io
            .prompt_secret("The same passphrase again: ")
            .map_err(|_| Error::from(CryptError::NoNewPassphrase))?;
        if first.expose_secret() == second.expose_secret() {
            return Ok(first);
        }
        if attempt < 3 {
            io.warn("the passphrases do not match; type them again");
        }
    }
    Err(CryptError::PassphraseMismatch.into())
}

/// Refuses a `[secret]` in a format other than age.
///
/// # Errors
/// [`CryptError::UnknownFormat`].
pub fn check_format(secret: &SecretSection) -> Result<()> {
    match secret.format.as_deref().unwrap_or("") {
        "age" => Ok(()),
        other => Err(CryptError::UnknownFormat(other.to_owned()).into()),
    }
}

/// Decrypts `[secret]` with identities or a passphrase.
///
/// # Errors
/// [`CryptError`] variants: unknown format, damaged ciphertext, no identity,
/// no match, wrong passphrase.
pub fn decrypt_secret(
    secret: &SecretSection,
    args: &Identities,
    io: &mut Io,
) -> Result<SecretString> {
    check_format(secret)?;
    let armored = secret
        .token
        .as_deref()
        .ok_or_else(|| CryptError::Corrupt("config.toml's [secret] has no token".into()))?;
    let sealed = crypt::open(armored)?;
    if sealed.is_passphrase() {
        let from_env = io.var("GHENV_PASSPHRASE").is_some();
        let passphrase = passphrase_to_decrypt(io)?;
        return sealed
            .decrypt_with_passphrase(&passphrase)
            .map_err(|e| match e {
                CryptError::WrongPassphrase if from_env => Error::WrongPassphraseInEnv,
                other => other.into(),
            });
    }
    let ids = identities(args, io)?;
    Ok(sealed.decrypt(&ids, &secret.recipients)?)
}

/// The project's `[secret]`, decrypted, as a token source: `None` when
/// there is no `[secret]`.
///
/// # Errors
/// As [`decrypt_secret`].
pub fn from_project(
    project: &crate::project::Project,
    args: &Identities,
    io: &mut Io,
) -> Result<Option<crate::source::Found>> {
    match project.secret() {
        Some(secret) => Ok(Some((
            decrypt_secret(secret, args, io)?,
            crate::source::Origin::Config(project.config_path()),
        ))),
        None => Ok(None),
    }
}

/// The token in `secret`, decrypted with the identities at hand, or `None`
/// when none can (no error, no warning: for checks that only inform).
pub fn decrypt_quietly(
    secret: &SecretSection,
    args: &Identities,
    io: &mut Io,
) -> Option<SecretString> {
    let armored = secret.token.as_deref()?;
    let sealed = crypt::open(armored).ok()?;
    let ids = identities(args, io).ok()?;
    sealed.decrypt(&ids, &secret.recipients).ok()
}

/// An identity ghenv creates because `--encrypt` was given with nothing to
/// encrypt to; written together with the project's files.
pub struct NewIdentity {
    /// Where it goes.
    pub path: PathBuf,
    /// The identity file's text.
    pub text: Zeroizing<String>,
}

/// How the token will be encrypted.
pub enum Lock {
    /// To these recipients.
    Recipients {
        /// Who can decrypt.
        recipients: Vec<Recipient>,
        /// The default identity, when it has to be created.
        new_identity: Option<NewIdentity>,
        /// Where some of them came from: (recipient, `github:USER`).
        origins: Vec<(String, String)>,
    },
    /// With this passphrase (asked for before anything else, so that an
    /// empty or mistyped one stops ghenv before it talks to GitHub).
    Passphrase(SecretString),
    /// To the recipients `[secret]` has when config.toml is read again
    /// under the project's lock.
    Existing,
}

/// Where `--github USER` fetches keys: `GHENV_WEB_URL`, else
/// `https://HOST` for `--host`, else `https://github.com`.
#[derive(Debug, Clone)]
pub struct Web {
    /// `--host`, when given.
    pub host: Option<String>,
    /// How long to wait for an answer.
    pub timeout: std::time::Duration,
}

impl Web {
    /// The web base URL, checked like an endpoint.
    ///
    /// # Errors
    /// [`Error::BadEndpoint`] for a bad `GHENV_WEB_URL` or `--host`.
    pub fn base(&self, io: &Io) -> Result<String> {
        let (url, origin) = match (io.var("GHENV_WEB_URL"), &self.host) {
            (Some(url), _) => (url, "GHENV_WEB_URL"),
            (None, Some(host)) => (format!("https://{host}"), "--host"),
            (None, None) => return Ok("https://github.com".into()),
        };
        crate::project::check_endpoint(origin, &url).map(|u| u.trim_end_matches('/').to_owned())
    }
}

/// Whether `user` can be a GitHub login: letters, digits and single
/// hyphens, not at either end, at most 39 characters.
pub fn is_github_login(user: &str) -> bool {
    !user.is_empty()
        && user.len() <= 39
        && user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !user.starts_with('-')
        && !user.ends_with('-')
        && !user.contains("--")
}

/// The keys of each GitHub user in `users` that age can encrypt to
/// (ssh-ed25519, ssh-rsa), fetched from `https://github.com/USER.keys`,
/// each with its origin `github:USER`. Other keys (ECDSA, security keys)
/// are skipped with a warning.
///
/// # Errors
/// [`Error::BadGithubUser`], [`Error::GithubUserUnknown`] (404),
/// [`Error::NoUsableKeys`], and network errors as [`Error::Github`].
pub fn github_recipients(
    users: &[String],
    web: &Web,
    yes: bool,
    io: &mut Io,
) -> Result<Vec<(Recipient, String)>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let base = web.base(io)?;
    let mut out = Vec::new();
    for user in users {
        if !is_github_login(user) {
            return Err(Error::BadGithubUser(
                crate::text::sanitize(user).into_owned(),
            ));
        }
        let url = format!("{base}/{user}.keys");
        io.detail(&format!("GET {url}"));
        let options = crate::github::Options {
            endpoint: url.clone(),
            timeout: web.timeout,
        };
        let keys = io
            .with_spinner(&format!("Fetching {user}'s public keys…"), || {
                crate::github::fetch_keys(&options)
            })
            .map_err(Error::Github)?
            .ok_or_else(|| Error::GithubUserUnknown(user.clone()))?;
        let origin = format!("github:{user}");
        let mut usable = 0;
        let mut skipped = Vec::new();
        let mut shown = Vec::new();
        for line in keys.lines().map(str::trim).filter(|l| !l.is_empty()) {
            // GitHub's .keys lists SSH keys: anything else (an age key a
            // server slipped in) is not what the user asked for.
            let parsed = if line.starts_with("ssh-")
                || line.starts_with("ecdsa-")
                || line.starts_with("sk-")
            {
                crypt::parse_recipient(line)
            } else {
                Err(CryptError::BadRecipient {
                    recipient: String::new(),
                    why: "not an SSH public key line".into(),
                })
            };
            match parsed {
                Ok(r) => {
                    usable += 1;
                    let (kind, fingerprint) = crate::trust::describe_recipient(r.as_str());
                    shown.push(format!("  {kind} {fingerprint}"));
                    out.push((r, origin.clone()));
                }
                Err(e) => {
                    let kind = line.split_whitespace().next().unwrap_or("?");
                    let kind = crate::text::sanitize(&kind.chars().take(40).collect::<String>())
                        .into_owned();
                    skipped.push(kind.clone());
                    io.warn(&format!(
                        "{origin}: skipped a key of type {kind}: {}",
                        match e {
                            CryptError::BadRecipient { why, .. } => why,
                            other => other.to_string(),
                        }
                    ));
                }
            }
        }
        if usable == 0 {
            return Err(Error::NoUsableKeys {
                user: user.clone(),
                skipped,
            });
        }
        let listing = format!(
            "{usable} key{} of {user} from {}:\n{}",
            if usable == 1 { "" } else { "s" },
            crate::text::sanitize(&url),
            shown.join("\n")
        );
        if yes {
            io.say(&format!("Using {listing}"));
        } else if !io.stdin_tty {
            io.say(&format!("Found {listing}"));
            return Err(Error::ConfirmationNeeded("--github"));
        } else if !io.ask(
            &format!("{listing}\nCompare the fingerprints with {user} (`ssh-keygen -lf KEY.pub`). Encrypt the token to these keys? [y/N] "),
            false,
        ) {
            return Err(Error::Declined);
        }
    }
    Ok(out)
}

/// Parses `-r` values and `-R` files.
///
/// # Errors
/// The first recipient that cannot be used.
pub fn parse_recipients(
    values: &[String],
    files: &[PathBuf],
    io: &mut Io,
) -> Result<Vec<Recipient>> {
    let mut out = Vec::new();
    for v in values {
        out.push(crypt::parse_recipient(v)?);
    }
    for f in files {
        let file = crypt::read_recipients_file(f)?;
        for (line, why) in &file.skipped {
            io.warn(&format!(
                "{} line {line} skipped: {why}",
                crate::text::sanitize(&f.display().to_string())
            ));
        }
        out.extend(file.recipients);
    }
    Ok(crypt::dedup(out))
}

/// Decides how to encrypt: the flags, else what `[secret]` already uses,
/// else the default identity (created if missing). `None` when nothing asks
/// for encryption.
///
/// # Errors
/// A bad recipient, an unreadable default identity, or `--no-env` without
/// encryption.
pub fn resolve(
    args: &LockOptions,
    existing: Option<&SecretSection>,
    web: &Web,
    io: &mut Io,
) -> Result<Option<Lock>> {
    if !args.wants_encryption() && existing.is_none() {
        if args.no_env {
            return Err(Error::NoEnvWithoutEncryption);
        }
        return Ok(None);
    }
    if args.passphrase {
        return Ok(Some(Lock::Passphrase(passphrase_to_encrypt(io)?)));
    }
    let mut given = parse_recipients(&args.recipients, &args.recipients_files, io)?;
    let from_github = github_recipients(&args.github, web, args.yes, io)?;
    let origins: Vec<(String, String)> = from_github
        .iter()
        .map(|(r, o)| (r.as_str().to_owned(), o.clone()))
        .collect();
    given.extend(from_github.into_iter().map(|(r, _)| r));
    let given = crypt::dedup(given);
    if !given.is_empty() {
        return Ok(Some(Lock::Recipients {
            recipients: given,
            new_identity: None,
            origins,
        }));
    }
    if let Some(secret) = existing {
        if secret.passphrase {
            return Ok(Some(Lock::Passphrase(passphrase_to_encrypt(io)?)));
        }
        if !secret.recipients.is_empty() {
            // Which ones is decided under the project's lock, from
            // config.toml as it is then, and only with the user's word for
            // those not accepted on this machine (see `crate::accept`).
            return Ok(Some(Lock::Existing));
        }
    }
    let path = default_identity_path(io).ok_or(Error::NoHome("--encrypt with no recipient"))?;
    if path.exists() {
        let id = crypt::read_identity(&path, io.asker().as_ref())?;
        let recipients = id
            .recipients()
            .iter()
            .map(|r| crypt::parse_recipient(r))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(Lock::Recipients {
            recipients,
            new_identity: None,
            origins: Vec::new(),
        }));
    }
    let (text, public) = crypt::generate_identity(&crate::output::now_rfc3339());
    Ok(Some(Lock::Recipients {
        recipients: vec![crypt::parse_recipient(&public)?],
        new_identity: Some(NewIdentity { path, text }),
        origins: Vec::new(),
    }))
}

/// `config_text` with `[secret]` set, after proving the plaintext token is
/// not in it (it cannot be, with age; checked so that it never can be).
///
/// # Errors
/// [`Error::Refuse`] when the text is not TOML or would hold the token.
pub fn seal_into(
    config_text: &str,
    recipients: &[String],
    passphrase: bool,
    armored: &str,
    token: &crate::token::Token,
    origins: &[(String, String)],
) -> Result<String> {
    // The origins config.toml has for recipients that stay, then the new.
    let mut all: Vec<(String, String)> = crate::config::parse(config_text)
        .ok()
        .and_then(|c| c.secret)
        .map(|s| s.origins.into_iter().collect())
        .unwrap_or_default();
    for (recipient, origin) in origins {
        all.retain(|(r, _)| r != recipient);
        all.push((recipient.clone(), origin.clone()));
    }
    let secret = crate::config::Secret {
        recipients,
        passphrase,
        armored,
        origins: &all,
    };
    let text = crate::config::set_secret(config_text, &secret).map_err(|problem| {
        Error::ConfigInvalid {
            path: PathBuf::from(crate::config::FILE),
            problem,
        }
    })?;
    if text.contains(token.expose_secret()) {
        return Err(Error::PlaintextInConfig);
    }
    Ok(text)
}

/// The token as [`encrypt`] sealed it.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The recipients' texts (empty with a passphrase).
    pub recipients: Vec<String>,
    /// Whether a passphrase was used instead.
    pub passphrase: bool,
    /// The ASCII-armored ciphertext.
    pub armored: String,
}

/// The token encrypted as `lock` says.
///
/// # Errors
/// An encryption failure.
pub fn encrypt(lock: &Lock, token: &str) -> Result<Sealed> {
    match lock {
        Lock::Recipients { recipients, .. } => Ok(Sealed {
            armored: crypt::encrypt(token, recipients)?,
            recipients: recipients.iter().map(|r| r.as_str().to_owned()).collect(),
            passphrase: false,
        }),
        Lock::Passphrase(passphrase) => Ok(Sealed {
            armored: crypt::encrypt_with_passphrase(token, passphrase.clone())?,
            recipients: Vec::new(),
            passphrase: true,
        }),
        // Settled into recipients by `existing_recipients` first.
        Lock::Existing => Err(Error::NotEncrypted),
    }
}

/// The recipients of `secret` (config.toml as read under the project's
/// lock), for a [`Lock::Existing`].
///
/// # Errors
/// [`Error::NotEncrypted`] when config.toml lost its `[secret]` meanwhile,
/// a recipient age cannot use.
pub fn existing_recipients(secret: Option<&SecretSection>) -> Result<Vec<Recipient>> {
    let secret = secret.ok_or(Error::NotEncrypted)?;
    Ok(secret
        .recipients
        .iter()
        .map(|r| crypt::parse_recipient(r))
        .collect::<Result<Vec<_>, _>>()?)
}

#[cfg(test)]
mod tests {
    //! The encryption policy's decisions, in-process: which recipients are
    //! used, which passphrase is taken or refused, what a child never gets,
    //! and that what is sealed opens only with the right key.

    use super::*;
    use crate::token::Token;

    fn web() -> Web {
        Web {
            host: None,
            timeout: std::time::Duration::from_secs(1),
        }
    }

    /// A fresh identity's text and its public key.
    fn identity() -> (Zeroizing<String>, String) {
        crypt::generate_identity("2026-11-25T08:00:00Z")
    }

    fn section(recipients: &[&str], passphrase: bool) -> SecretSection {
        SecretSection {
            format: Some("age".into()),
            recipients: recipients.iter().map(|r| (*r).to_owned()).collect(),
            passphrase,
            token: None,
            recipient_tags: None,
            origins: Default::default(),
        }
    }

    /// What `resolve` decided, as text a test can compare.
    fn decided(lock: Option<Lock>) -> String {
        match lock {
            None => "none".into(),
            Some(Lock::Recipients {
                recipients,
                new_identity,
                ..
            }) => format!(
                "recipients {} new identity: {}",
                recipients
                    .iter()
                    .map(Recipient::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                new_identity.is_some()
            ),
            Some(Lock::Passphrase(p)) => format!("passphrase {}", p.expose_secret()),
            Some(Lock::Existing) => "existing".into(),
        }
    }

    fn kind<T>(r: Result<T>) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        }
    }

    #[test]
    fn names_sealing_counts_a_passphrase_or_recipients_but_not_a_bare_encrypt() {
        assert!(!LockOptions::default().names_sealing());
        let encrypt = LockOptions {
            encrypt: true,
            ..LockOptions::default()
        };
        assert!(!encrypt.names_sealing());
        assert!(encrypt.wants_encryption());
        for named in [
            LockOptions {
                passphrase: true,
                ..LockOptions::default()
            },
            LockOptions {
                recipients: vec!["age1x".into()],
                ..LockOptions::default()
            },
            LockOptions {
                recipients_files: vec!["keys.txt".into()],
                ..LockOptions::default()
            },
            LockOptions {
                github: vec!["alice".into()],
                ..LockOptions::default()
            },
        ] {
            assert!(named.names_sealing(), "{named:?}");
            assert!(named.wants_encryption(), "{named:?}");
        }
        // --no-env, --yes, --force ask for nothing by themselves.
        let others = LockOptions {
            no_env: true,
            yes: true,
            force: true,
            accept_recipients: true,
            ..LockOptions::default()
        };
        assert!(!others.wants_encryption());
    }

    #[test]
    fn recipients_on_the_command_line_replace_the_ones_in_secret() {
        let (_, ours) = identity();
        let (_, theirs) = identity();
        let (mut io, _) = Io::test();
        let args = LockOptions {
            recipients: vec![ours.clone(), ours.clone()],
            ..LockOptions::default()
        };
        let existing = section(&[&theirs], false);
        let lock = resolve(&args, Some(&existing), &web(), &mut io).unwrap();
        assert_eq!(
            decided(lock),
            format!("recipients {ours} new identity: false")
        );
    }

    #[test]
    fn without_flags_the_secrets_recipients_are_kept_and_its_passphrase_asked_again() {
        let (_, theirs) = identity();
        let (mut io, _) = Io::test();
        let args = LockOptions::default();
        let lock = resolve(&args, Some(&section(&[&theirs], false)), &web(), &mut io).unwrap();
        assert_eq!(decided(lock), "existing");

        let mut io = Io::test()
            .0
            .with_env(&[("GHENV_PASSPHRASE", "correct horse")]);
        let lock = resolve(&args, Some(&section(&[], true)), &web(), &mut io).unwrap();
        assert_eq!(decided(lock), "passphrase correct horse");
    }

    #[test]
    fn nothing_asked_and_no_secret_is_no_encryption_and_no_env_without_it_is_refused() {
        let (mut io, _) = Io::test();
        let lock = resolve(&LockOptions::default(), None, &web(), &mut io).unwrap();
        assert_eq!(decided(lock), "none");
        let no_env = LockOptions {
            no_env: true,
            ..LockOptions::default()
        };
        assert_eq!(
            kind(resolve(&no_env, None, &web(), &mut io)),
            "no_env_without_encryption"
        );
    }

    #[test]
    fn a_bare_encrypt_uses_the_default_identity_and_creates_it_when_missing() {
        let home = tempfile::tempdir().unwrap();
        let mut io = Io::test()
            .0
            .with_env(&[("XDG_CONFIG_HOME", home.path().to_str().unwrap())]);
        let args = LockOptions {
            encrypt: true,
            ..LockOptions::default()
        };
        let Some(Lock::Recipients {
            recipients,
            new_identity: Some(new),
            ..
        }) = resolve(&args, None, &web(), &mut io).unwrap()
        else {
            panic!("a new identity was expected");
        };
        assert_eq!(new.path, home.path().join("ghenv").join("identity.txt"));
        let id = crypt::parse_identity("test", &new.text, None).unwrap();
        assert_eq!(id.recipients(), vec![recipients[0].as_str().to_owned()]);

        // Once it exists, it is used as it is.
        std::fs::create_dir_all(new.path.parent().unwrap()).unwrap();
        std::fs::write(&new.path, new.text.as_str()).unwrap();
        let lock = resolve(&args, None, &web(), &mut io).unwrap();
        assert_eq!(
            decided(lock),
            format!("recipients {} new identity: false", recipients[0].as_str())
        );
    }

    #[test]
    fn the_passphrase_to_encrypt_comes_from_the_environment_and_set_but_empty_is_refused() {
        let mut io = Io::test().0.with_env(&[("GHENV_PASSPHRASE", "from env")]);
        assert_eq!(
            passphrase_to_encrypt(&mut io).unwrap().expose_secret(),
            "from env"
        );
        let mut io = Io::test()
            .0
            .with_env(&[("GHENV_PASSPHRASE", "")])
            .with_stdin("", true)
            .with_hidden_answers(&["typed", "typed"]);
        assert_eq!(kind(passphrase_to_encrypt(&mut io)), "empty_passphrase");
        // Off a terminal, with nothing set: nothing to ask.
        let mut io = Io::test().0.with_hidden_answers(&["typed", "typed"]);
        assert_eq!(kind(passphrase_to_encrypt(&mut io)), "no_passphrase");
    }

    #[test]
    fn the_passphrase_to_encrypt_is_asked_twice_and_a_mismatch_is_asked_again_then_refused() {
        let mut io = Io::test()
            .0
            .with_stdin("", true)
            .with_hidden_answers(&["one", "one"]);
        assert_eq!(
            passphrase_to_encrypt(&mut io).unwrap().expose_secret(),
            "one"
        );

        let (io, captured) = Io::test();
        let mut io = io
            .with_stdin("", true)
            .with_hidden_answers(&["one", "two", "three", "three"]);
        assert_eq!(
            passphrase_to_encrypt(&mut io).unwrap().expose_secret(),
            "three"
        );
        assert!(
            captured.err().contains("the passphrases do not match"),
            "{}",
            captured.err()
        );

        let mut io = Io::test()
            .0
            .with_stdin("", true)
            .with_hidden_answers(&["a", "b", "c", "d", "e", "f", "g", "g"]);
        assert_eq!(kind(passphrase_to_encrypt(&mut io)), "passphrase_mismatch");

        let mut io = Io::test()
            .0
            .with_stdin("", true)
            .with_hidden_answers(&["", "", ""]);
        assert_eq!(kind(passphrase_to_encrypt(&mut io)), "empty_passphrase");
    }

    #[test]
    fn existing_recipients_refuse_a_malformed_line_and_a_missing_secret() {
        let (_, good) = identity();
        let parsed = existing_recipients(Some(&section(&[&good], false))).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].as_str(), good);
        assert_eq!(
            kind(existing_recipients(Some(&section(
                &[&good, "age1notakey"],
                false
            )))),
            "bad_recipient"
        );
        assert_eq!(kind(existing_recipients(None)), "not_encrypted");
    }

    #[test]
    fn a_recipients_file_with_a_bad_line_is_refused_by_line_number_not_content() {
        let dir = tempfile::tempdir().unwrap();
        let (_, good) = identity();
        let file = dir.path().join("keys.txt");
        std::fs::write(&file, format!("# team\n{good}\nnot-a-key-SECRETISH\n")).unwrap();
        let (mut io, _) = Io::test();
        let e = parse_recipients(&[], std::slice::from_ref(&file), &mut io).unwrap_err();
        assert_eq!(e.kind(), "bad_recipient");
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(!e.to_string().contains("SECRETISH"), "{e}");
    }

    #[test]
    fn the_key_variables_never_reach_a_child() {
        assert_eq!(SECRET_VARS, ["GHENV_IDENTITY", "GHENV_PASSPHRASE"]);
        let mut cmd = std::process::Command::new("env");
        cmd.env("GHENV_IDENTITY", "AGE-SECRET-KEY-1X")
            .env("GHENV_PASSPHRASE", "hunter2")
            .env("GHENV_OTHER", "kept");
        withhold_keys(&mut cmd);
        let mut envs: Vec<(String, Option<String>)> = cmd
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect();
        envs.sort();
        assert_eq!(
            envs,
            vec![
                ("GHENV_IDENTITY".to_owned(), None),
                ("GHENV_OTHER".to_owned(), Some("kept".to_owned())),
                ("GHENV_PASSPHRASE".to_owned(), None),
            ]
        );
        #[cfg(unix)]
        {
            let out = cmd.output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("GHENV_OTHER=kept"), "{text}");
            assert!(!text.contains("GHENV_IDENTITY"), "{text}");
            assert!(!text.contains("GHENV_PASSPHRASE"), "{text}");
        }
    }

    /// config.toml's text with the token sealed to `public`, as init
    /// writes it, read back as its `[secret]`.
    fn sealed(public: &str, token: &Token) -> SecretSection {
        let (mut io, _) = Io::test();
        let args = LockOptions {
            recipients: vec![public.to_owned()],
            ..LockOptions::default()
        };
        let lock = resolve(&args, None, &web(), &mut io).unwrap().unwrap();
        let Sealed {
            recipients,
            passphrase,
            armored,
        } = encrypt(&lock, token.expose_secret()).unwrap();
        assert!(!passphrase);
        let text = seal_into(
            "version = 1\ntemplate = \"react\"\n",
            &recipients,
            passphrase,
            &armored,
            token,
            &[],
        )
        .unwrap();
        assert!(!text.contains(token.expose_secret()));
        crate::config::parse(&text).unwrap().secret.unwrap()
    }

    #[test]
    fn a_sealed_token_opens_with_the_identity_it_was_sealed_to() {
        let (text, public) = identity();
        let token = Token::parse(crate::token::sample_classic().into()).unwrap();
        let secret = sealed(&public, &token);
        assert_eq!(secret.recipients, vec![public]);
        let mut io = Io::test().0.with_env(&[("GHENV_IDENTITY", text.as_str())]);
        let opened = decrypt_secret(&secret, &Identities::default(), &mut io).unwrap();
        assert_eq!(opened.expose_secret(), token.expose_secret());
        // The same from an identity file given with -i.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.txt");
        std::fs::write(&path, text.as_str()).unwrap();
        let args = Identities { paths: vec![path] };
        let opened = decrypt_secret(&secret, &args, &mut Io::test().0).unwrap();
        assert_eq!(opened.expose_secret(), token.expose_secret());
    }

    #[test]
    fn decrypting_with_another_identity_or_none_fails_with_its_kind() {
        let (_, public) = identity();
        let (other, _) = identity();
        let token = Token::parse(crate::token::sample_classic().into()).unwrap();
        let secret = sealed(&public, &token);
        let mut io = Io::test().0.with_env(&[("GHENV_IDENTITY", other.as_str())]);
        assert_eq!(
            kind(decrypt_secret(&secret, &Identities::default(), &mut io)),
            "no_matching_identity"
        );
        assert!(decrypt_quietly(&secret, &Identities::default(), &mut io).is_none());
        assert_eq!(
            kind(decrypt_secret(
                &secret,
                &Identities::default(),
                &mut Io::test().0
            )),
            "no_identity"
        );
        let mut other_format = secret.clone();
        other_format.format = Some("gpg".into());
        assert_eq!(
            kind(decrypt_secret(
                &other_format,
                &Identities::default(),
                &mut Io::test().0
            )),
            "unknown_secret_format"
        );
    }
}
