//! `ghenv keygen` and `ghenv pubkey`: age identities.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::lock::default_identity_path;
use crate::cli::{KeygenArgs, PubkeyArgs};
use crate::crypt::{self, CryptError};
use crate::error::{Error, Result};
use crate::output::Io;
use crate::write::{self, Change};

fn identity_path(given: Option<&PathBuf>, io: &Io) -> Result<PathBuf> {
    given
        .cloned()
        .or_else(|| default_identity_path(io))
        .ok_or_else(|| {
            Error::usage(
                "neither XDG_CONFIG_HOME nor HOME is set, so there is no default identity path",
                Some("pass a path with --output / -i".to_string()),
            )
        })
}

/// Runs `ghenv keygen`.
///
/// # Errors
/// [`Error::Refuse`] when the identity exists and `--force` was not given.
pub fn keygen(args: &KeygenArgs, io: &mut Io) -> Result<()> {
    let path = identity_path(args.output.as_ref(), io)?;
    let existing = write::read_existing(&path)?;
    if existing.is_some() && !args.force {
        return Err(Error::refuse(
            format!(
                "{} already exists; ghenv will not overwrite an identity",
                path.display()
            ),
            Some(format!(
                "`ghenv pubkey -i {}` prints its public key; --force replaces it (tokens encrypted to it can then no longer be decrypted with the new one)",
                path.display()
            )),
        ));
    }
    let (text, public) = crypt::generate_identity(&super::now_rfc3339());
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        write::create_private_dir(parent)?;
    }
    match &existing {
        Some(e) => write::commit(&[Change::new(path.clone(), Some(e), text, true)])?,
        None => write::create_new_secret(&path, text.as_bytes())?,
    }
    io.ok(&format!(
        "Wrote a new age identity to {} (mode 0600; keep it safe)",
        path.display()
    ));
    if args.json {
        io.json(&json!({ "public_key": public, "path": path.display().to_string() }));
    } else {
        let _ = writeln!(io.out, "{public}");
    }
    Ok(())
}

/// Runs `ghenv pubkey`.
///
/// # Errors
/// [`CryptError`] when the identity is missing or unusable.
pub fn pubkey(args: &PubkeyArgs, io: &mut Io) -> Result<()> {
    let path = identity_path(args.identity.as_ref(), io)?;
    if !path.exists() {
        return Err(CryptError::NoIdentity {
            looked: vec![path.display().to_string()],
        }
        .into());
    }
    let identity = crypt::read_identity(&path, io.stdin_tty)?;
    if args.json {
        io.json(
            &json!({ "public_keys": identity.recipients(), "path": path.display().to_string() }),
        );
    } else {
        for r in &identity.recipients() {
            let _ = writeln!(io.out, "{r}");
        }
    }
    Ok(())
}
