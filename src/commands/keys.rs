//! `ghenv keygen` and `ghenv pubkey`: age identities.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::crypt::{self, CryptError};
use crate::error::{Error, Result};
use crate::git;
use crate::output::{Io, now_rfc3339};
use crate::report::{Boxed, Report};
use crate::secret::default_identity_path;
use crate::write::{self, Change};

fn identity_path(given: Option<&PathBuf>, io: &Io, command: &'static str) -> Result<PathBuf> {
    given
        .cloned()
        .or_else(|| default_identity_path(io))
        .ok_or(Error::NoHome(command))
}

/// What `keygen` made.
#[derive(Debug, Serialize)]
pub struct KeygenReport {
    /// The public key, `age1…`.
    pub public_key: String,
    /// Where the identity was written.
    pub path: String,
}

impl Report for KeygenReport {
    fn print(&self, io: &mut Io) {
        let _ = writeln!(io.out, "{}", self.public_key);
    }
}

/// An identity's public keys, as `pubkey` reports them.
#[derive(Debug, Serialize)]
pub struct PubkeyReport {
    /// `age1…` or SSH public key lines.
    pub public_keys: Vec<String>,
    /// The identity file.
    pub path: String,
}

impl Report for PubkeyReport {
    fn print(&self, io: &mut Io) {
        for r in &self.public_keys {
            let _ = writeln!(io.out, "{r}");
        }
    }
}

/// What `keygen` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct KeygenOptions {
    /// `--output`: where to write the identity [default: the default identity].
    pub output_path: Option<PathBuf>,
    /// `--force`: replace an existing identity.
    pub force: bool,
}

/// What `pubkey` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct PubkeyOptions {
    /// `-i`: the identity [default: the default identity].
    pub identity: Option<PathBuf>,
}

/// Runs `ghenv keygen`.
///
/// # Errors
/// [`Error::IdentityExists`] when the identity exists and `--force` was not
/// given.
pub fn keygen(args: &KeygenOptions, io: &mut Io) -> Result<Boxed> {
    let path = identity_path(args.output_path.as_ref(), io, "keygen")?;
    let existing = write::read_existing(&path)?;
    if existing.is_some() && !args.force {
        return Err(Error::IdentityExists(path));
    }
    // A key beside the config it decrypts is one `git add -A` from being
    // published with it.
    let (folder, name) = match (path.parent(), path.file_name()) {
        (Some(p), Some(n)) if !p.as_os_str().is_empty() => (p, n),
        (_, Some(n)) => (Path::new("."), n),
        _ => (Path::new("."), path.as_os_str()),
    };
    if folder.is_dir() {
        git::require_in_work_tree(folder)?;
    }
    if folder.is_dir() && !git::is_kept_out(folder, Path::new(name)) {
        return Err(Error::KeyInWorkTree(path));
    }
    let (text, public) = crypt::generate_identity(&now_rfc3339());
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        write::create_private_dir(parent)?;
    }
    match &existing {
        Some(e) => write::commit(&[Change::new(path.clone(), Some(e), text, true)])?,
        None => write::create_new_secret(&path, text.as_bytes())?,
    }
    io.ok(&format!(
        "Wrote a new age identity to {} (readable only by you; keep it safe)",
        path.display()
    ));
    Ok(Box::new(KeygenReport {
        public_key: public,
        path: path.display().to_string(),
    }))
}

/// Runs `ghenv pubkey`.
///
/// # Errors
/// [`CryptError`] when the identity is missing or unusable.
pub fn pubkey(args: &PubkeyOptions, io: &mut Io) -> Result<Boxed> {
    let path = identity_path(args.identity.as_ref(), io, "pubkey")?;
    if !path.exists() {
        return Err(CryptError::NoIdentity {
            looked: vec![path.display().to_string()],
        }
        .into());
    }
    let identity = crypt::read_identity(&path, io.asker().as_ref())?;
    Ok(Box::new(PubkeyReport {
        public_keys: identity.recipients(),
        path: path.display().to_string(),
    }))
}
