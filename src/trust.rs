//! What the user trusts on this machine, kept under
//! `$XDG_CONFIG_HOME/ghenv/` (trusted: only the user writes there), never in
//! the repository: a committed `config.toml` is written by anyone who can
//! push, so an endpoint it names gets the token only once the user has
//! trusted it here.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::Result;
use crate::write::{self, Change};

/// The file that lists trusted GraphQL endpoints, one URL a line.
pub const ENDPOINTS_FILE: &str = "trusted-endpoints";

/// ghenv's folder of per-user files: `$XDG_CONFIG_HOME/ghenv`, else
/// `~/.config/ghenv`. `var` reads the environment.
pub fn config_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("ghenv"))
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
    write::commit(&[Change::new(
        path,
        existing.as_ref(),
        Zeroizing::new(text),
        false,
    )])
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
    }
}
