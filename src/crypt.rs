//! age encryption of the token: recipients (X25519 `age1…`, `ssh-ed25519`,
//! `ssh-rsa`), identities (age identity files, unencrypted SSH private keys,
//! `GHENV_IDENTITY`), passphrases (scrypt), and ASCII-armored ciphertext that
//! the reference `age` command reads and writes too.
//!
//! Nothing here prints or prompts; callers pass passphrases (or an [`Ask`])
//! in and decide where identities come from.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::ExposeSecret;
use secrecy::SecretString;
use zeroize::Zeroizing;

/// Why encryption or decryption failed. Never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum CryptError {
    /// No identity could be found to decrypt with.
    #[error("no identity found to decrypt the token (looked at: {})", .looked.join(", "))]
    NoIdentity {
        /// Where ghenv looked.
        looked: Vec<String>,
    },
    /// Identities were found but none matches a recipient.
    #[error("none of the identities tried can decrypt the token\n  recipients: {}\n  identities tried: {}", .recipients.join(", "), .tried.join(", "))]
    NoMatch {
        /// The public recipients the token is encrypted to.
        recipients: Vec<String>,
        /// The identities tried (paths or names, never keys).
        tried: Vec<String>,
    },
    /// The armor or the age payload is damaged.
    #[error("the encrypted token is damaged: {0}")]
    Corrupt(String),
    /// The passphrase does not decrypt it.
    #[error("wrong passphrase: it does not decrypt the token")]
    WrongPassphrase,
    /// The token is encrypted with a passphrase and none was given.
    #[error("the token is encrypted with a passphrase, and none was given")]
    NoPassphrase,
    /// `--passphrase` asks to encrypt with one, and none was given.
    #[error("encrypting with --passphrase needs a passphrase, and none was given")]
    NoNewPassphrase,
    /// The two passphrases typed differ.
    #[error("the passphrases do not match")]
    PassphraseMismatch,
    /// A recipient string cannot be used.
    #[error("recipient {recipient:?} cannot be used: {why}")]
    BadRecipient {
        /// The recipient as given (public, not secret), shortened.
        recipient: String,
        /// Why.
        why: String,
    },
    /// A recipients file has a bad line.
    #[error("{}: line {line} is not a recipient: {why}", .path.display())]
    BadRecipientsLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number (the content is not repeated).
        line: usize,
        /// Why.
        why: String,
    },
    /// An identity file cannot be used.
    #[error("{source_name} is not a usable identity: {why}")]
    BadIdentity {
        /// The path or name of the identity.
        source_name: String,
        /// Why.
        why: String,
    },
    /// An SSH private key protected by a passphrase, with no terminal to ask.
    #[error(
        "{0} is an SSH private key protected by a passphrase, which ghenv can only use on a terminal"
    )]
    EncryptedSshKey(String),
    /// An age plugin recipient or identity (`age1yubikey1…`,
    /// `AGE-PLUGIN-…`), which ghenv cannot use.
    #[error(
        "{0}: age plugins are not supported (yet); use an age X25519 key (ghenv keygen) or an SSH key"
    )]
    Plugin(String),
    /// `[secret]` has a format other than age.
    #[error("config.toml's [secret] has format = {0:?}; this ghenv only knows \"age\"")]
    UnknownFormat(String),
    /// Reading or writing a key file failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What ghenv was doing.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// age refused to encrypt.
    #[error("encryption failed: {0}")]
    Encrypt(String),
}

impl CryptError {
    /// A short stable name for JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            CryptError::NoIdentity { .. } => "no_identity",
            CryptError::NoMatch { .. } => "no_matching_identity",
            CryptError::Corrupt(_) => "ciphertext_damaged",
            CryptError::WrongPassphrase => "wrong_passphrase",
            CryptError::NoPassphrase | CryptError::NoNewPassphrase => "no_passphrase",
            CryptError::PassphraseMismatch => "passphrase_mismatch",
            CryptError::BadRecipient { .. } | CryptError::BadRecipientsLine { .. } => {
                "bad_recipient"
            }
            CryptError::BadIdentity { .. } => "bad_identity",
            CryptError::EncryptedSshKey(_) => "protected_ssh_key",
            CryptError::UnknownFormat(_) => "unknown_secret_format",
            CryptError::Plugin(_) => "age_plugin_unsupported",
            CryptError::Io { .. } => "key_file_io",
            CryptError::Encrypt(_) => "encrypt_failed",
        }
    }

    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            CryptError::NoIdentity { .. } => "pass one with -i PATH (an age identity file or an unencrypted SSH private key), set GHENV_IDENTITY to the AGE-SECRET-KEY-1… text (for CI), or ask a teammate who can decrypt to run `ghenv recipients add` with your public key (`ghenv keygen` makes one)".into(),
            CryptError::NoMatch { .. } => "ask someone who can decrypt to add your public key with `ghenv recipients add`, or pass the right identity with -i".into(),
            CryptError::Corrupt(_) => "restore config.toml from git (`git checkout config.toml`), or run `ghenv rotate` to encrypt a token again".into(),
            CryptError::WrongPassphrase => "type the passphrase the token was encrypted with (ask whoever set the project up), then run the command again".into(),
            CryptError::NoPassphrase => "set GHENV_PASSPHRASE or run on a terminal to be asked for it".into(),
            CryptError::NoNewPassphrase => "set GHENV_PASSPHRASE to the passphrase to encrypt with, or run on a terminal to choose one (typed twice)".into(),
            CryptError::PassphraseMismatch => "run the command again and type the same passphrase twice".into(),
            CryptError::BadRecipient { .. } | CryptError::BadRecipientsLine { .. } => "a recipient is an age public key (age1…) or an SSH public key line (ssh-ed25519 … or ssh-rsa …)".into(),
            CryptError::BadIdentity { .. } => "an identity is an age identity file (AGE-SECRET-KEY-1…, see `ghenv keygen`) or an unencrypted OpenSSH private key".into(),
            CryptError::EncryptedSshKey(_) => "run on a terminal to be asked for the key's passphrase, or use an age identity (`ghenv keygen`) and add its public key with `ghenv recipients add`".into(),
            CryptError::UnknownFormat(_) => "upgrade ghenv, or remove the [secret] table and run `ghenv init --encrypt` again".into(),
            CryptError::Plugin(_) => "the other keys of the same file are used; add an X25519 (ghenv keygen) or SSH key for this person or machine".into(),
            CryptError::Io { path, .. } => format!(
                "check that {} exists and that you can read it",
                crate::text::sanitize(&path.display().to_string())
            ),
            CryptError::Encrypt(_) => return None,
        })
    }
}

/// A public recipient: its canonical text and age's recipient.
pub struct Recipient {
    text: String,
    inner: Box<dyn age::Recipient + Send>,
}

impl Recipient {
    /// The canonical text (`age1…`, or `ssh-ed25519 AAAA…` without comment).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Recipient").field(&self.text).finish()
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Parses one recipient: `age1…` or an SSH public key line.
///
/// # Errors
/// [`CryptError::BadRecipient`] saying why.
pub fn parse_recipient(s: &str) -> Result<Recipient, CryptError> {
    let s = s.trim();
    let bad = |why: String| CryptError::BadRecipient {
        recipient: shorten(s),
        why,
    };
    if let Some(plugin) = plugin_name(s) {
        return Err(CryptError::Plugin(format!(
            "{} (the {plugin} plugin)",
            shorten(s)
        )));
    }
    if s.starts_with("age1") {
        let r: age::x25519::Recipient = s
            .parse()
            .map_err(|e: &str| bad(format!("not a valid age public key ({e})")))?;
        return Ok(Recipient {
            text: r.to_string(),
            inner: Box::new(r),
        });
    }
    if s.starts_with("ssh-") || s.starts_with("ecdsa-") || s.starts_with("sk-") {
        let r: age::ssh::Recipient = s.parse().map_err(|e| {
            bad(match e {
                age::ssh::ParseRecipientKeyError::Unsupported(kind) => {
                    format!("{kind} keys are not supported (use ssh-ed25519 or ssh-rsa)")
                }
                age::ssh::ParseRecipientKeyError::RsaModulusTooSmall => {
                    "RSA keys shorter than 2048 bits are too weak".into()
                }
                age::ssh::ParseRecipientKeyError::RsaModulusTooLarge => {
                    "the RSA key is larger than age supports".into()
                }
                _ => "not a valid SSH public key line".into(),
            })
        })?;
        return Ok(Recipient {
            text: r.to_string(),
            inner: Box::new(r),
        });
    }
    if s.starts_with("AGE-SECRET-KEY-") {
        return Err(CryptError::BadRecipient {
            recipient: "AGE-SECRET-KEY-1…".into(),
            why: "that is a private identity, not a public key; give its public key (ghenv pubkey)"
                .into(),
        });
    }
    if s.starts_with("-----BEGIN") {
        return Err(bad(
            "that is a private key; give the public key (the .pub file)".into(),
        ));
    }
    Err(bad(
        "it is neither an age public key (age1…) nor an SSH public key".into(),
    ))
}

/// The plugin named by an age plugin recipient (`age1yubikey1…` names
/// `yubikey`), if `s` is one.
fn plugin_name(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("age1")?;
    let name = &rest[..rest.find('1')?];
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')).then_some(name)
}

/// Whether a recipients-file line may be skipped rather than fail the file:
/// a key of a kind age cannot use (an ECDSA or security-key SSH key, an age
/// plugin), as Go age skips them.
fn skippable(e: &CryptError) -> bool {
    match e {
        CryptError::Plugin(_) => true,
        CryptError::BadRecipient { why, .. } => why.contains("are not supported"),
        _ => false,
    }
}

/// A recipients file as read: the usable recipients, and the lines left out
/// (1-based line number and why; never the line itself).
#[derive(Debug)]
pub struct RecipientsFile {
    /// The recipients.
    pub recipients: Vec<Recipient>,
    /// Lines of a kind ghenv cannot use.
    pub skipped: Vec<(usize, String)>,
}

/// Reads a recipients file: one recipient a line, `#` comments and blank
/// lines ignored (the `age -R` format). Keys of a kind age cannot use (an
/// ECDSA line in a GitHub `.keys` file, an age plugin) are skipped, as Go
/// age does; the file fails only when none is usable.
///
/// # Errors
/// [`CryptError::Io`] or [`CryptError::BadRecipientsLine`] with the line
/// number.
pub fn read_recipients_file(path: &Path) -> Result<RecipientsFile, CryptError> {
    let text = std::fs::read_to_string(path).map_err(|source| CryptError::Io {
        action: "read the recipients file",
        path: path.to_owned(),
        source,
    })?;
    let mut recipients = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_recipient(line) {
            Ok(r) => recipients.push(r),
            Err(e) if skippable(&e) => skipped.push((
                i + 1,
                match e {
                    CryptError::BadRecipient { why, .. } => why,
                    CryptError::Plugin(_) => {
                        "an age plugin recipient, which ghenv cannot use".into()
                    }
                    other => other.to_string(),
                },
            )),
            Err(e) => {
                return Err(CryptError::BadRecipientsLine {
                    path: path.to_owned(),
                    line: i + 1,
                    why: match e {
                        CryptError::BadRecipient { why, .. } => why,
                        other => other.to_string(),
                    },
                });
            }
        }
    }
    if recipients.is_empty() {
        return Err(CryptError::BadRecipientsLine {
            path: path.to_owned(),
            line: 0,
            why: if skipped.is_empty() {
                "the file has no recipients".into()
            } else {
                format!(
                    "none of its {} keys can be used ({})",
                    skipped.len(),
                    skipped[0].1
                )
            },
        });
    }
    Ok(RecipientsFile {
        recipients,
        skipped,
    })
}

/// Removes duplicate recipients, keeping the first of each.
pub fn dedup(recipients: Vec<Recipient>) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    for r in recipients {
        if !out.iter().any(|o| o.text == r.text) {
            out.push(r);
        }
    }
    out
}

fn armor(encryptor: age::Encryptor, plaintext: &[u8]) -> Result<String, CryptError> {
    let fail = |e: std::io::Error| CryptError::Encrypt(e.to_string());
    let mut out = Vec::new();
    let armored = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(fail)?;
    let mut writer = encryptor.wrap_output(armored).map_err(fail)?;
    writer.write_all(plaintext).map_err(fail)?;
    writer
        .finish()
        .and_then(ArmoredWriter::finish)
        .map_err(fail)?;
    String::from_utf8(out).map_err(|e| CryptError::Encrypt(e.to_string()))
}

/// Encrypts `plaintext` to `recipients`, ASCII-armored.
///
/// # Errors
/// [`CryptError::Encrypt`] when there are no recipients or age refuses.
pub fn encrypt(plaintext: &str, recipients: &[Recipient]) -> Result<String, CryptError> {
    let encryptor = age::Encryptor::with_recipients(
        recipients
            .iter()
            .map(|r| r.inner.as_ref() as &dyn age::Recipient),
    )
    .map_err(|e| CryptError::Encrypt(e.to_string()))?;
    armor(encryptor, plaintext.as_bytes())
}

/// Encrypts `plaintext` with a passphrase (scrypt), ASCII-armored.
///
/// # Errors
/// [`CryptError::Encrypt`] when age refuses.
pub fn encrypt_with_passphrase(
    plaintext: &str,
    passphrase: SecretString,
) -> Result<String, CryptError> {
    let passphrase = SecretString::from(passphrase.expose_secret().to_owned());
    armor(
        age::Encryptor::with_user_passphrase(passphrase),
        plaintext.as_bytes(),
    )
}

/// An identity that can decrypt, and where it came from.
pub struct Identity {
    /// A path, `$GHENV_IDENTITY`, ...: for messages, never the key.
    pub source: String,
    inner: Vec<Box<dyn age::Identity>>,
    /// X25519 keys, kept to derive their public keys when asked (deriving
    /// costs a scalar multiplication, which decrypting does not need).
    x25519: Vec<age::x25519::Identity>,
    /// SSH public keys, known from the private key file for free.
    ssh: Vec<String>,
}

impl Identity {
    /// The public recipients of this identity (`age1…`, `ssh-ed25519 …`).
    pub fn recipients(&self) -> Vec<String> {
        self.x25519
            .iter()
            .map(|i| i.to_public().to_string())
            .chain(self.ssh.iter().cloned())
            .collect()
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("source", &self.source)
            .finish()
    }
}

/// Asks the user for a passphrase (an SSH key's), given a prompt; `None`
/// when it cannot be had. The caller decides how, so nothing here prompts.
pub type Ask = std::sync::Arc<dyn Fn(&str) -> Option<SecretString> + Send + Sync>;

/// age's callbacks, answering passphrase requests through an [`Ask`].
#[derive(Clone)]
struct AskCallbacks(Ask);

impl age::Callbacks for AskCallbacks {
    fn display_message(&self, _message: &str) {}

    fn confirm(&self, _: &str, _: &str, _: Option<&str>) -> Option<bool> {
        None
    }

    fn request_public_string(&self, _: &str) -> Option<String> {
        None
    }

    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        (self.0)(description)
    }
}

/// Parses identity text: an age identity file (`AGE-SECRET-KEY-1…` lines)
/// or an OpenSSH private key. With `ask`, a passphrase-protected SSH key's
/// passphrase is asked for when it is needed.
///
/// # Errors
/// [`CryptError::BadIdentity`], or [`CryptError::EncryptedSshKey`] without
/// a terminal.
pub fn parse_identity(source: &str, text: &str, ask: Option<&Ask>) -> Result<Identity, CryptError> {
    let bad = |why: &str| CryptError::BadIdentity {
        source_name: source.to_owned(),
        why: why.to_owned(),
    };
    if text.contains("AGE-PLUGIN-") && !text.contains("AGE-SECRET-KEY-") {
        return Err(CryptError::Plugin(source.to_owned()));
    }
    if text.contains("AGE-SECRET-KEY-") {
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            // Plugin identities are left out; the file's other keys are used.
            if line.is_empty() || line.starts_with('#') || line.starts_with("AGE-PLUGIN-") {
                continue;
            }
            // The line number, never the line: it may be a key.
            let key = line.parse::<age::x25519::Identity>().map_err(|_| {
                bad(&format!(
                    "line {} is not an AGE-SECRET-KEY-1… identity",
                    i + 1
                ))
            })?;
            keys.push(key);
        }
        return Ok(Identity {
            source: source.to_owned(),
            inner: keys
                .iter()
                .map(|k| Box::new(k.clone()) as Box<dyn age::Identity>)
                .collect(),
            x25519: keys,
            ssh: Vec::new(),
        });
    }
    if text.contains("-----BEGIN") {
        let id = age::ssh::Identity::from_buffer(text.as_bytes(), Some(source.to_owned()))
            .map_err(|_| bad("it is not an OpenSSH private key age can read"))?;
        let ssh = age::ssh::Recipient::try_from(id.clone())
            .map(|r| vec![r.to_string()])
            .unwrap_or_default();
        let inner: Box<dyn age::Identity> = match id {
            age::ssh::Identity::Unencrypted(_) => Box::new(id),
            age::ssh::Identity::Encrypted(_) if ask.is_some() => {
                let ask = ask.expect("checked").clone();
                Box::new(id.with_callbacks(AskCallbacks(ask)))
            }
            age::ssh::Identity::Encrypted(_) => {
                return Err(CryptError::EncryptedSshKey(source.to_owned()));
            }
            age::ssh::Identity::Unsupported(_) => {
                return Err(bad(
                    "this kind of SSH key is not supported (use ed25519 or RSA)",
                ));
            }
        };
        return Ok(Identity {
            source: source.to_owned(),
            inner: vec![inner],
            x25519: Vec::new(),
            ssh,
        });
    }
    Err(bad(
        "it is neither an age identity (AGE-SECRET-KEY-1…) nor an OpenSSH private key",
    ))
}

/// Reads and parses an identity file.
///
/// # Errors
/// As [`parse_identity`], or [`CryptError::Io`].
pub fn read_identity(path: &Path, ask: Option<&Ask>) -> Result<Identity, CryptError> {
    let text = std::fs::read_to_string(path).map_err(|source| CryptError::Io {
        action: "read the identity",
        path: path.to_owned(),
        source,
    })?;
    let text = Zeroizing::new(text);
    parse_identity(&path.display().to_string(), &text, ask)
}

/// Armored age ciphertext whose header has been read, ready to decrypt
/// (the header is parsed once, whichever way it is then decrypted).
pub struct Sealed<'a> {
    decryptor: age::Decryptor<ArmoredReader<std::io::BufReader<&'a [u8]>>>,
}

/// Reads the header of armored age ciphertext.
///
/// # Errors
/// [`CryptError::Corrupt`] when it is not (intact) age.
pub fn open(armored: &str) -> Result<Sealed<'_>, CryptError> {
    let decryptor = age::Decryptor::new(ArmoredReader::new(armored.as_bytes())).map_err(corrupt)?;
    Ok(Sealed { decryptor })
}

impl Sealed<'_> {
    /// Whether it is encrypted with a passphrase rather than to recipients.
    pub fn is_passphrase(&self) -> bool {
        self.decryptor.is_scrypt()
    }

    /// Decrypts with the first identity that fits.
    ///
    /// # Errors
    /// [`CryptError::NoMatch`] (naming `recipients` and the identities
    /// tried), [`CryptError::NoPassphrase`] for passphrase ciphertext,
    /// [`CryptError::Corrupt`], or [`CryptError::NoIdentity`] when
    /// `identities` is empty.
    pub fn decrypt(
        self,
        identities: &[Identity],
        recipients: &[String],
    ) -> Result<SecretString, CryptError> {
        if identities.is_empty() {
            return Err(CryptError::NoIdentity { looked: Vec::new() });
        }
        if self.is_passphrase() {
            return Err(CryptError::NoPassphrase);
        }
        let all = identities
            .iter()
            .flat_map(|i| i.inner.iter().map(|b| b.as_ref() as &dyn age::Identity));
        match self.decryptor.decrypt(all) {
            Ok(mut reader) => read_plaintext(&mut reader),
            Err(age::DecryptError::NoMatchingKeys) => Err(CryptError::NoMatch {
                recipients: recipients.to_vec(),
                tried: identities.iter().map(|i| i.source.clone()).collect(),
            }),
            Err(age::DecryptError::KeyDecryptionFailed) => Err(CryptError::BadIdentity {
                source_name: identities
                    .iter()
                    .map(|i| i.source.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                why: "an SSH key's passphrase was wrong".into(),
            }),
            Err(e) => Err(corrupt(e)),
        }
    }

    /// Decrypts passphrase ciphertext.
    ///
    /// # Errors
    /// [`CryptError::WrongPassphrase`] or [`CryptError::Corrupt`].
    pub fn decrypt_with_passphrase(
        self,
        passphrase: &SecretString,
    ) -> Result<SecretString, CryptError> {
        let identity =
            age::scrypt::Identity::new(SecretString::from(passphrase.expose_secret().to_owned()));
        match self
            .decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
        {
            Ok(mut reader) => read_plaintext(&mut reader),
            Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => {
                Err(CryptError::WrongPassphrase)
            }
            Err(e) => Err(corrupt(e)),
        }
    }
}

fn corrupt(e: age::DecryptError) -> CryptError {
    CryptError::Corrupt(match e {
        age::DecryptError::Io(io) => io.to_string(),
        age::DecryptError::InvalidHeader => "its header is invalid (truncated or not age)".into(),
        age::DecryptError::InvalidMac => "its header was changed (MAC mismatch)".into(),
        age::DecryptError::UnknownFormat => "it uses an age format this ghenv does not know".into(),
        other => other.to_string(),
    })
}

fn read_plaintext(reader: &mut dyn Read) -> Result<SecretString, CryptError> {
    let mut out = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut out)
        .map_err(|e| CryptError::Corrupt(format!("the payload does not decrypt ({e})")))?;
    let text = std::str::from_utf8(&out)
        .map_err(|_| CryptError::Corrupt("the decrypted token is not text".into()))?;
    Ok(SecretString::from(text.to_owned()))
}

/// Decrypts armored text with the first identity that fits (see
/// [`Sealed::decrypt`]).
///
/// # Errors
/// As [`open`] and [`Sealed::decrypt`].
pub fn decrypt(
    armored: &str,
    identities: &[Identity],
    recipients: &[String],
) -> Result<SecretString, CryptError> {
    open(armored)?.decrypt(identities, recipients)
}

/// Decrypts passphrase-encrypted armored text (see
/// [`Sealed::decrypt_with_passphrase`]).
///
/// # Errors
/// As [`open`] and [`Sealed::decrypt_with_passphrase`].
pub fn decrypt_with_passphrase(
    armored: &str,
    passphrase: &SecretString,
) -> Result<SecretString, CryptError> {
    open(armored)?.decrypt_with_passphrase(passphrase)
}

/// A new X25519 identity file's text (with `# created:` and
/// `# public key:` lines) and its public key.
pub fn generate_identity(created: &str) -> (Zeroizing<String>, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let text = format!(
        "# created: {created}\n# public key: {public}\n{}\n",
        identity.to_string().expose_secret()
    );
    (Zeroizing::new(text), public)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "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";

    fn identity() -> (Identity, String) {
        let (text, public) = generate_identity("2026-11-25T08:00:00Z");
        (parse_identity("test", &text, None).unwrap(), public)
    }

    #[test]
    fn x25519_round_trip_and_armor() {
        let (id, public) = identity();
        assert_eq!(id.recipients(), vec![public.clone()]);
        let armored = encrypt(TOKEN, &[parse_recipient(&public).unwrap()]).unwrap();
        assert!(armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
        assert!(
            armored
                .trim_end()
                .ends_with("-----END AGE ENCRYPTED FILE-----")
        );
        assert!(!armored.contains(TOKEN));
        let back = decrypt(&armored, &[id], &[public]).unwrap();
        assert_eq!(back.expose_secret(), TOKEN);
    }

    #[test]
    fn every_recipient_can_decrypt_and_others_cannot() {
        let (a, pa) = identity();
        let (b, pb) = identity();
        let (c, _) = identity();
        let rs = vec![parse_recipient(&pa).unwrap(), parse_recipient(&pb).unwrap()];
        let armored = encrypt(TOKEN, &rs).unwrap();
        assert_eq!(decrypt(&armored, &[a], &[]).unwrap().expose_secret(), TOKEN);
        assert_eq!(decrypt(&armored, &[b], &[]).unwrap().expose_secret(), TOKEN);
        let err = decrypt(&armored, &[c], &[pa.clone(), pb]).unwrap_err();
        assert!(matches!(err, CryptError::NoMatch { .. }), "{err}");
        assert!(err.to_string().contains(&pa));
    }

    #[test]
    fn tampered_and_truncated_armor_are_corrupt() {
        let (id, public) = identity();
        let armored = encrypt(TOKEN, &[parse_recipient(&public).unwrap()]).unwrap();
        let truncated = &armored[..armored.len() / 2];
        assert!(matches!(
            decrypt(truncated, &[identity().0], &[]),
            Err(CryptError::Corrupt(_))
        ));
        // Flip a character in the body.
        let lines: Vec<&str> = armored.lines().collect();
        let mut body = lines[1].to_owned();
        let c = if body.as_bytes()[10] == b'A' {
            "B"
        } else {
            "A"
        };
        body.replace_range(10..11, c);
        let tampered = [lines[0], &body]
            .iter()
            .chain(&lines[2..])
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        assert!(matches!(
            decrypt(&tampered, &[id], &[]),
            Err(CryptError::Corrupt(_) | CryptError::NoMatch { .. })
        ));
    }

    #[test]
    fn recipients_are_validated_with_reasons() {
        assert!(parse_recipient("age1qqqq").is_err());
        let e = parse_recipient("AGE-SECRET-KEY-1ABC").unwrap_err();
        assert!(e.to_string().contains("private identity"), "{e}");
        assert!(!e.to_string().contains("1ABC"));
        let e = parse_recipient(
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHHn",
        )
        .unwrap_err();
        assert!(e.to_string().contains("cannot be used"), "{e}");
        assert!(
            parse_recipient("hello")
                .unwrap_err()
                .to_string()
                .contains("neither")
        );
    }

    #[test]
    fn recipients_files_skip_comments_and_name_bad_lines() {
        let (_, pa) = identity();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.txt");
        std::fs::write(&p, format!("# team\n\n{pa}\n")).unwrap();
        assert_eq!(read_recipients_file(&p).unwrap().recipients.len(), 1);
        std::fs::write(&p, format!("{pa}\nnot a key\n")).unwrap();
        let e = read_recipients_file(&p).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(!e.to_string().contains("not a key"));
    }

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let armored = encrypt_with_passphrase(TOKEN, SecretString::from("correct horse")).unwrap();
        assert!(open(&armored).unwrap().is_passphrase());
        let back = decrypt_with_passphrase(&armored, &SecretString::from("correct horse")).unwrap();
        assert_eq!(back.expose_secret(), TOKEN);
        assert!(matches!(
            decrypt_with_passphrase(&armored, &SecretString::from("wrong")),
            Err(CryptError::WrongPassphrase)
        ));
    }
}
