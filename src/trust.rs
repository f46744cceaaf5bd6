//! What the user trusts on this machine, kept under
//! `$XDG_CONFIG_HOME/ghenv/` (trusted: only the user writes there), never in
//! the repository: a committed `config.toml` is written by anyone who can
//! push, so what it says about where the token goes takes effect only once
//! the user accepted it here, as direnv's `allow` and SSH's `known_hosts`
//! do. This module stores those facts: the trusted endpoints, and one
//! [`Record`] per project (the settings, recipients and token accepted
//! there). [`crate::accept`] compares them with config.toml and asks.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::Result;
use crate::write::{self, Change};

/// The file that lists trusted GraphQL endpoints, one URL a line.
pub const ENDPOINTS_FILE: &str = "trusted-endpoints";

/// ghenv's folder of per-user files: `$XDG_CONFIG_HOME/ghenv`, else
/// `~/.config/ghenv` (on Windows `%APPDATA%\ghenv`; see
/// [`crate::platform::config_base`]). `var` reads the environment.
pub fn config_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    crate::platform::config_base(var).map(|d| d.join("ghenv"))
}

/// ghenv's folder as the user would type it, for messages: the real one
/// ([`config_dir`] with this process's environment), with the home folder
/// shown as `~`.
pub fn config_dir_shown() -> String {
    let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
    match config_dir(|k| std::env::var(k).ok().filter(|v| !v.is_empty())) {
        Some(dir) => {
            let shown = dir.display().to_string();
            match home {
                Some(h) if shown.starts_with(&format!("{h}/")) => format!("~{}", &shown[h.len()..]),
                _ => shown,
            }
        }
        None => "$XDG_CONFIG_HOME/ghenv".into(),
    }
}

/// `url` in the form it is compared and stored in.
fn normal(url: &str) -> String {
    reqwest::Url::parse(url).map_or_else(|_| url.to_owned(), |u| u.to_string())
}

/// The endpoints trusted in the folder `dir`.
fn read(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(ENDPOINTS_FILE))
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(normal)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the user trusted `url` on this machine.
pub fn is_trusted(dir: Option<&Path>, url: &str) -> bool {
    let url = normal(url);
    dir.is_some_and(|d| read(d).contains(&url))
}

/// Records that the user trusts `url`; a no-op when it is already trusted.
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) when the file cannot be written.
pub fn remember(dir: &Path, url: &str) -> Result<()> {
    if is_trusted(Some(dir), url) {
        return Ok(());
    }
    write::create_private_dir(dir)?;
    let path = dir.join(ENDPOINTS_FILE);
    let existing = write::read_existing(&path)?;
    let mut text = match &existing {
        Some(e) => e.text.to_string(),
        None => "# GraphQL endpoints you trust with your GitHub token (ghenv).\n".to_owned(),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&normal(url));
    text.push('\n');
    // 0600: the list says which hosts get the user's token; others on the
    // machine have no business reading it.
    write::commit(&[Change::new(
        path,
        existing.as_ref(),
        Zeroizing::new(text),
        true,
    )])
}

/// The folder of per-project records.
const PROJECTS_DIR: &str = "projects";
/// The random key the token fingerprints are made with.
const MACHINE_KEY_FILE: &str = "machine-key";

/// Where the token goes in a project, as config.toml (and the template it
/// names) says: what must be accepted before it takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The env file the token is written to (`[env] file`).
    pub env_file: String,
    /// The template, which decides what the env file exports.
    pub template: String,
    /// The variable that holds the token.
    pub token_var: String,
    /// Every variable the env file gets whose value is made from the token
    /// (as the template renders it).
    #[serde(default)]
    pub token_vars: Vec<String>,
    /// Whether one of them is a variable the framework puts into the
    /// browser bundle (`REACT_APP_`, `VITE_`, `NEXT_PUBLIC_`).
    pub exposed: bool,
}

/// The prefixes of variables the frameworks copy into the browser bundle.
pub const BROWSER_PREFIXES: [&str; 4] = ["REACT_APP_", "VITE_", "NEXT_PUBLIC_", "PUBLIC_"];

impl Settings {
    /// The settings of a project that writes the token to `env_file` as
    /// `token_var`, and as `token_vars` (all the variables made from it),
    /// with `template`.
    pub fn new(env_file: &str, template: &str, token_var: &str, token_vars: &[String]) -> Settings {
        let mut vars: Vec<String> = token_vars.to_vec();
        if !vars.iter().any(|v| v == token_var) {
            vars.push(token_var.to_owned());
            vars.sort();
        }
        Settings {
            env_file: env_file.to_owned(),
            template: template.to_owned(),
            token_var: token_var.to_owned(),
            exposed: vars
                .iter()
                .any(|v| BROWSER_PREFIXES.iter().any(|p| v.starts_with(p))),
            token_vars: vars,
        }
    }
}

/// What this user accepted on this machine for one project folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The project folder, for people reading the file.
    #[serde(default)]
    pub path: String,
    /// Where the token goes, as last accepted.
    pub settings: Option<Settings>,
    /// The recipients accepted (`None`: none ever were).
    pub recipients: Option<Vec<String>>,
    /// A keyed fingerprint of the token last decrypted or written here
    /// (HMAC-SHA256 under this machine's key): never the token.
    pub token: Option<String>,
    /// The one before it, when ghenv itself replaced it here (`rotate`,
    /// `init`): a write cut short leaves either in config.toml.
    #[serde(default)]
    pub previous_token: Option<String>,
}

impl Record {
    /// Whether the token with keyed fingerprint `f` was accepted here.
    pub fn knows_token(&self, f: &str) -> bool {
        self.token.as_deref() == Some(f) || self.previous_token.as_deref() == Some(f)
    }

    /// Records `f` as the token in use, keeping the one it replaces.
    pub fn set_token(&mut self, f: String) {
        if self.token.as_deref() != Some(f.as_str()) {
            self.previous_token = self.token.take();
            self.token = Some(f);
        }
    }
}

/// This machine's store of what the user accepted: the folder under
/// `$XDG_CONFIG_HOME/ghenv`, or none when there is no home (then nothing
/// is remembered, and every first use is the only one).
#[derive(Debug, Clone)]
pub struct Machine {
    dir: Option<PathBuf>,
}

impl Machine {
    /// The store in `dir` (see [`config_dir`]).
    pub fn new(dir: Option<PathBuf>) -> Machine {
        Machine { dir }
    }

    /// Whether there is anywhere to remember things.
    pub fn has_store(&self) -> bool {
        self.dir.is_some()
    }

    fn record_path(&self, project: &Path) -> Option<PathBuf> {
        use sha2::Digest;
        let dir = self.dir.as_ref()?;
        let canonical = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
        let digest = sha2::Sha256::digest(canonical.as_os_str().as_encoded_bytes());
        let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Some(dir.join(PROJECTS_DIR).join(format!("{name}.toml")))
    }

    /// Whether a record exists for the project in `project`.
    pub fn has_record(&self, project: &Path) -> bool {
        self.record_path(project).is_some_and(|p| p.exists())
    }

    /// What was accepted for the project in `project`; empty when nothing
    /// was, or the record cannot be read (then the user is asked again).
    pub fn record(&self, project: &Path) -> Record {
        self.record_path(project)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Stores `record` for the project in `project`.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) when it cannot be written.
    pub fn save(&self, project: &Path, record: &Record) -> Result<()> {
        let Some(path) = self.record_path(project) else {
            return Ok(());
        };
        let mut record = record.clone();
        record.path = std::fs::canonicalize(project)
            .unwrap_or_else(|_| project.to_path_buf())
            .display()
            .to_string();
        let body = toml::to_string(&record).map_err(|e| {
            crate::Error::io(
                "write",
                &path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
            )
        })?;
        let text = format!(
            "# What you accepted for this project on this machine (ghenv allow). Delete the file to be asked again.\n{body}"
        );
        let parent = path.parent().unwrap_or(Path::new("."));
        write::create_private_dir(parent)?;
        let existing = write::read_existing(&path)?;
        write::commit_private(&[Change::new(
            path,
            existing.as_ref(),
            Zeroizing::new(text),
            true,
        )])
    }

    /// The keyed fingerprint of `token` on this machine, made with a random
    /// key created here on first use; `None` without a store.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) when the key cannot be read or made.
    pub fn fingerprint(&self, token: &str) -> Result<Option<String>> {
        use hmac::Mac;
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        let path = dir.join(MACHINE_KEY_FILE);
        let key = match std::fs::read_to_string(&path) {
            Ok(k) if k.trim().len() == 64 => Zeroizing::new(k.trim().to_owned()),
            _ => {
                let mut bytes = Zeroizing::new([0u8; 32]);
                getrandom::getrandom(bytes.as_mut()).map_err(|e| {
                    crate::Error::io("make", &path, std::io::Error::other(e.to_string()))
                })?;
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                write::create_private_dir(dir)?;
                let existing = write::read_existing(&path)?;
                write::commit_private(&[Change::new(
                    path.clone(),
                    existing.as_ref(),
                    Zeroizing::new(format!("{hex}\n")),
                    true,
                )])?;
                Zeroizing::new(hex)
            }
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(b"ghenv token v1\n");
        mac.update(token.as_bytes());
        Ok(Some(
            mac.finalize().into_bytes()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ))
    }
}

/// Whether the recipient line `r` is exactly one key age can use: an
/// `age1…` key, or an SSH key line (a comment after the key is allowed).
/// Anything else (`age1… age1…`, a key with something glued on) is never
/// shown as a key nor accepted.
pub fn is_one_key(r: &str) -> bool {
    let r = r.trim();
    crate::crypt::parse_recipient(r).is_ok_and(|p| {
        let key = if r.starts_with("ssh-") {
            r.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
        } else {
            r.to_owned()
        };
        p.as_str() == key
    })
}

/// A recipient as people compare it: its key type and a fingerprint
/// (`SHA256:…` of the key blob, as `ssh-keygen -l` prints it, for SSH keys;
/// the key itself for age keys, which are short).
pub fn describe_recipient(recipient: &str) -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    // Shown whole: never as the key it starts with.
    if !is_one_key(recipient) {
        return (
            "not a key".into(),
            crate::text::sanitize(recipient).into_owned(),
        );
    }
    let mut parts = recipient.split_whitespace();
    let kind = parts.next().unwrap_or("");
    if kind.starts_with("age1") {
        return ("age X25519".into(), kind.to_owned());
    }
    let fingerprint = parts
        .next()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .map(|blob| {
            format!(
                "SHA256:{}",
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .encode(sha2::Sha256::digest(&blob))
            )
        })
        .unwrap_or_else(|| "(unreadable key)".into());
    (crate::text::sanitize(kind).into_owned(), fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_endpoints_are_trusted_once() {
        let dir = tempfile::tempdir().unwrap();
        let ghenv = dir.path().join("ghenv");
        let url = "https://ghe.example.com/api/graphql";
        assert!(!is_trusted(Some(&ghenv), url));
        remember(&ghenv, url).unwrap();
        remember(&ghenv, url).unwrap();
        assert!(is_trusted(Some(&ghenv), url));
        assert!(!is_trusted(
            Some(&ghenv),
            "https://evil.example/api/graphql"
        ));
        let text = std::fs::read_to_string(ghenv.join(ENDPOINTS_FILE)).unwrap();
        assert_eq!(text.matches(url).count(), 1, "{text}");
        assert!(!is_trusted(None, url));
        assert!(crate::platform::is_private(&ghenv.join(ENDPOINTS_FILE)));
    }

    #[test]
    fn records_are_per_project_and_fingerprints_are_keyed_per_machine() {
        let home = tempfile::tempdir().unwrap();
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let machine = Machine::new(Some(home.path().join("ghenv")));
        assert_eq!(machine.record(a.path()), Record::default());
        let record = Record {
            settings: Some(Settings::new(".env", "react", "REACT_APP_X", &[])),
            recipients: Some(vec!["age1x".into()]),
            ..Record::default()
        };
        machine.save(a.path(), &record).unwrap();
        let back = machine.record(a.path());
        assert_eq!(back.settings, record.settings);
        assert_eq!(back.recipients, record.recipients);
        assert!(back.settings.unwrap().exposed);
        assert_eq!(machine.record(b.path()), Record::default());
        let one = machine.fingerprint("ghp_x").unwrap().unwrap();
        assert_eq!(machine.fingerprint("ghp_x").unwrap().unwrap(), one);
        assert_ne!(machine.fingerprint("ghp_y").unwrap().unwrap(), one);
        let other = Machine::new(Some(home.path().join("other")));
        assert_ne!(other.fingerprint("ghp_x").unwrap().unwrap(), one);
        assert_eq!(Machine::new(None).fingerprint("ghp_x").unwrap(), None);
    }

    #[test]
    fn ssh_fingerprints_are_the_ones_ssh_keygen_prints() {
        // `ssh-keygen -lf` on this key printed the fingerprint below.
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILoZkCdKnmKAFkRuExU/unJVF0YN+NTJ2aMsp+lQKtL3";
        let (kind, fp) = describe_recipient(key);
        assert_eq!(kind, "ssh-ed25519");
        assert_eq!(fp, "SHA256:l4rRN+qLQZYkA8M2Qx/5Ms/IzFs1M1e+eXYzVol6SCc");
        // With its comment it is still one key; with another key glued on,
        // not.
        assert!(is_one_key(&format!("{key} root@vm")));
        assert!(!is_one_key(&format!("{key}x")));
        let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        let (kind, fp) = describe_recipient(key);
        assert_eq!((kind.as_str(), fp.as_str()), ("age X25519", key));
        // A line that is not one key is shown whole, never as its first key.
        let spoof = format!("{key} age1abc");
        let (kind, fp) = describe_recipient(&spoof);
        assert_eq!((kind.as_str(), fp.as_str()), ("not a key", spoof.as_str()));
    }
}
