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

pub use crate::platform::{config_dir, config_dir_shown};

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
    /// Whether one of them is a variable a framework puts into the
    /// browser bundle ([`BROWSER_PREFIXES`]).
    pub exposed: bool,
    /// The OAuth App `--web` creates tokens with (`[github] client_id`): a
    /// pusher's app could ask for more than the course needs, or look like
    /// the course's.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// The prefixes of variables the frameworks copy into the browser bundle:
/// Create React App, Vite, Next.js, Vue CLI, Gatsby, Expo, Nuxt,
/// Storybook, and SvelteKit and Astro (`PUBLIC_`).
pub const BROWSER_PREFIXES: [&str; 9] = [
    "REACT_APP_",
    "VITE_",
    "NEXT_PUBLIC_",
    "VUE_APP_",
    "GATSBY_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
    "STORYBOOK_",
    "PUBLIC_",
];

/// Whether a framework puts the variable `name` into the JavaScript it
/// ships to browsers (see [`BROWSER_PREFIXES`]).
pub fn reaches_browser(name: &str) -> bool {
    // Create React App matches /^REACT_APP_/i: case is no way around it.
    let name = name.to_ascii_uppercase();
    BROWSER_PREFIXES.iter().any(|p| name.starts_with(p))
}

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
            exposed: vars.iter().any(|v| reaches_browser(v)),
            token_vars: vars,
            client_id: None,
        }
    }

    /// These settings with config.toml's `[github] client_id`.
    pub fn with_client_id(mut self, client_id: Option<String>) -> Settings {
        self.client_id = client_id;
        self
    }
}

/// How the token in `[secret]` is sealed: a setting the user accepts like
/// the recipients, since a pusher who flips `passphrase = true` would have
/// the next token sealed with a passphrase they can guess offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sealing {
    /// To the recipients (age or SSH keys).
    Recipients,
    /// With a passphrase (scrypt).
    Passphrase,
}

/// What identifies a project inside a git repository, kept in its record so
/// that the project is found again when its folder is renamed, reached
/// through a link or checked out as a worktree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    /// The repository's root commits (see [`crate::git::Place::roots`]).
    #[serde(default)]
    pub roots: Vec<String>,
    /// git's common folder, shared by the repository's worktrees.
    #[serde(default)]
    pub common_dir: String,
    /// The project folder inside the repository, `/`-separated.
    #[serde(default)]
    pub subdir: String,
}

impl Repository {
    fn of(place: &crate::git::Place) -> Repository {
        Repository {
            roots: place.roots.clone(),
            common_dir: place.common_dir.display().to_string(),
            subdir: place.prefix.clone(),
        }
    }

    /// Whether `self` (here) and `other` (a record's) are the same
    /// repository: the same git folder (a worktree, a link), or, when the
    /// record's git folder is gone, a root commit in common (the repository
    /// moved). Root commits are public and can be put into any history, so
    /// they never tie this repository to another one that still exists.
    pub fn same_repository(&self, other: &Repository) -> bool {
        (!self.common_dir.is_empty() && self.common_dir == other.common_dir)
            || (!Path::new(&other.common_dir).exists()
                && self.roots.iter().any(|r| other.roots.contains(r)))
    }

    /// Whether `self` and `other` are the same project: the same folder of
    /// the same repository.
    pub fn same_project(&self, other: &Repository) -> bool {
        self.subdir == other.subdir && self.same_repository(other)
    }
}

/// What this user accepted on this machine for one project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The project folder where the record was made: one way the project is
    /// found again (see [`Machine::find`]).
    #[serde(default)]
    pub path: String,
    /// The project's place in its repository, when it is in one.
    #[serde(default)]
    pub repository: Option<Repository>,
    /// Where the token goes, as last accepted.
    pub settings: Option<Settings>,
    /// The recipients accepted (`None`: none ever were).
    pub recipients: Option<Vec<String>>,
    /// How `[secret]` is sealed, as accepted (`None`: never said).
    #[serde(default)]
    pub sealing: Option<Sealing>,
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

    /// Records `f` as the token the user accepted: the one before it is no
    /// longer accepted (a `[secret]` replayed from before a teammate's
    /// rotate is a change like any other).
    pub fn accept_token(&mut self, f: String) {
        self.token = Some(f);
        self.previous_token = None;
    }

    /// Records `f` as the token this machine's ghenv is about to write,
    /// keeping the one it replaces until the write is done (see
    /// [`crate::accept::write_done`]).
    pub fn set_token(&mut self, f: String) {
        if self.token.as_deref() != Some(f.as_str()) {
            self.previous_token = self.token.take();
            self.token = Some(f);
        }
    }

    /// How the token was accepted to be sealed: as recorded, else to
    /// recipients when some were accepted.
    pub fn accepted_sealing(&self) -> Option<Sealing> {
        self.sealing.or(self
            .recipients
            .as_ref()
            .filter(|r| !r.is_empty())
            .map(|_| Sealing::Recipients))
    }
}

/// A project's record as [`Machine::find`] found it.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The project's own record; empty when there is none.
    pub record: Record,
    /// Whether the project has a record on this machine.
    pub exists: bool,
    /// The records of other projects of the same repository (another
    /// folder of it, a folder above), or of a folder above outside git.
    /// A project this machine knows the repository of is never a first
    /// use: an attacker who renames the folder must not get a fresh start.
    pub related: Vec<Record>,
    /// Whether the folder is in a git work tree git could not describe:
    /// never a first use (a check that guards the token fails closed).
    pub unknown: bool,
    file: Option<PathBuf>,
    canonical: PathBuf,
    place: Option<crate::git::Place>,
}

impl Found {
    /// Whether nothing about the project or its repository is known here:
    /// the only case where a project's settings and token are accepted as
    /// they are (a fresh clone, a CI runner).
    pub fn first_use(&self) -> bool {
        !self.exists && self.related.is_empty() && !self.unknown
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

    /// The file a new record for the folder `canonical` goes to.
    fn file_for(&self, canonical: &Path) -> Option<PathBuf> {
        use sha2::Digest;
        let dir = self.dir.as_ref()?;
        let digest = sha2::Sha256::digest(canonical.as_os_str().as_encoded_bytes());
        let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Some(dir.join(PROJECTS_DIR).join(format!("{name}.toml")))
    }

    /// Every record on this machine, with its file, in a stable order.
    fn all(&self) -> Vec<(PathBuf, Record)> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(dir.join(PROJECTS_DIR)) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|f| {
                let record = read_record(&f)?;
                Some((f, record))
            })
            .collect()
    }

    /// The project in `project` as this machine knows it: its own record,
    /// found by the folder's real path, else by its place in its
    /// repository (the same folder of a repository with the same git
    /// folder or a root commit in common: a renamed, linked, moved or
    /// worktree copy of it); and, when it has none, the records of the
    /// same repository's other projects.
    pub fn find(&self, project: &Path) -> Found {
        let canonical = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
        let mut found = Found {
            canonical: canonical.clone(),
            ..Found::default()
        };
        // The fast way, without git: the record made in this very folder.
        if let Some(file) = self.file_for(&canonical)
            && let Some(record) = read_record(&file)
            && Path::new(&record.path) == canonical
        {
            found.record = record;
            found.exists = true;
            found.file = Some(file);
            // A record made before the repository had a commit (init runs
            // before the first one) learns its root commits once there are
            // some: they are what finds the project again when the whole
            // repository is moved.
            if found
                .record
                .repository
                .as_ref()
                .is_none_or(|r| r.roots.is_empty())
                && crate::git::in_work_tree(&canonical)
                && let Some(place) = crate::git::place(&canonical)
                && !place.roots.is_empty()
            {
                found.place = Some(place);
                let record = found.record.clone();
                // Best effort: without it only a moved repository is news.
                let _ = self.save_found(&found, &record);
            }
            return found;
        }
        found.place = crate::git::place(&canonical);
        found.unknown = found.place.is_none() && crate::git::in_work_tree(&canonical);
        let here = found.place.as_ref().map(Repository::of);
        for (file, record) in self.all() {
            let same_path = Path::new(&record.path) == canonical;
            let (same_project, same_repository) = match (&here, &record.repository) {
                (Some(h), Some(r)) => (h.same_project(r), h.same_repository(r)),
                // A record from before records knew their repository: of
                // this repository when its folder is (or was) in this work
                // tree.
                (Some(_), None) => (
                    false,
                    found
                        .place
                        .as_ref()
                        .is_some_and(|p| Path::new(&record.path).starts_with(&p.toplevel)),
                ),
                (None, _) => (
                    false,
                    canonical.starts_with(&record.path) && !record.path.is_empty(),
                ),
            };
            if (same_path || same_project) && !found.exists {
                found.record = record;
                found.exists = true;
                found.file = Some(file);
            } else if same_repository || same_path || same_project {
                found.related.push(record);
            }
        }
        if found.exists {
            found.related.clear();
        }
        found
    }

    /// What was accepted for the project in `project`; empty when nothing
    /// was, or the record cannot be read (then the user is asked again).
    pub fn record(&self, project: &Path) -> Record {
        self.find(project).record
    }

    /// Stores `record` for the project in `project`.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) when it cannot be written.
    pub fn save(&self, project: &Path, record: &Record) -> Result<()> {
        self.save_found(&self.find(project), record)
    }

    /// Stores `record` for the project `found` describes: in the file its
    /// record came from, else in a new one.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) when it cannot be written.
    pub fn save_found(&self, found: &Found, record: &Record) -> Result<()> {
        let Some(path) = found
            .file
            .clone()
            .or_else(|| self.file_for(&found.canonical))
        else {
            return Ok(());
        };
        let mut record = record.clone();
        if record.path.is_empty() || !found.exists {
            record.path = found.canonical.display().to_string();
        }
        let place = match &found.place {
            Some(p) => Some(p.clone()),
            None if found.exists => crate::git::place(&found.canonical),
            None => None,
        };
        if let Some(place) = place {
            let mut repository = Repository::of(&place);
            // Roots once known stay known: HEAD on an orphan branch has
            // others, and the project is still the same.
            if let Some(old) = &record.repository {
                for r in &old.roots {
                    if !repository.roots.contains(r) {
                        repository.roots.push(r.clone());
                    }
                }
            }
            record.repository = Some(repository);
        }
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

/// The record in `file`; `None` when it is missing or unreadable.
fn read_record(file: &Path) -> Option<Record> {
    let text = std::fs::read_to_string(file).ok()?;
    toml::from_str(&text).ok()
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
    fn every_framework_prefix_that_reaches_the_browser_counts_as_exposed() {
        for name in [
            "REACT_APP_T",
            "VITE_T",
            "NEXT_PUBLIC_T",
            "VUE_APP_T",
            "GATSBY_T",
            "EXPO_PUBLIC_T",
            "NUXT_PUBLIC_T",
            "STORYBOOK_T",
            "PUBLIC_T",
        ] {
            assert!(reaches_browser(name), "{name}");
            assert!(Settings::new(".env", "x", name, &[]).exposed, "{name}");
        }
        // Create React App matches its prefix in any case.
        assert!(reaches_browser("react_app_github_token"));
        for name in ["GITHUB_TOKEN", "NUXT_T", "APP_PUBLIC_T", "VUE_T"] {
            assert!(!reaches_browser(name), "{name}");
            assert!(!Settings::new(".env", "x", name, &[]).exposed, "{name}");
        }
    }

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn accepted(template: &str) -> Record {
        Record {
            settings: Some(Settings::new(".env", template, "GITHUB_TOKEN", &[])),
            ..Record::default()
        }
    }

    #[test]
    fn a_project_is_found_again_after_a_rename_a_link_a_move_and_in_a_worktree() {
        let home = tempfile::tempdir().unwrap();
        let machine = Machine::new(Some(home.path().join("ghenv")));
        let top = tempfile::tempdir().unwrap();
        let repo = top.path().join("repo");
        std::fs::create_dir_all(repo.join("web")).unwrap();
        std::fs::write(repo.join("web/config.toml"), "version = 1\n").unwrap();
        git(&repo, &["init", "-q"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-qm", "one"]);
        machine
            .save(&repo.join("web"), &accepted("react-proxy"))
            .unwrap();
        let found = machine.find(&repo.join("web"));
        assert!(found.exists && found.related.is_empty());

        // Renamed inside the repository: another project of a known one.
        git(&repo, &["mv", "web", "client"]);
        let found = machine.find(&repo.join("client"));
        assert!(!found.exists);
        assert!(!found.first_use());
        assert_eq!(found.related.len(), 1);
        assert_eq!(
            found.related[0].settings.as_ref().unwrap().template,
            "react-proxy"
        );
        git(&repo, &["mv", "client", "web"]);

        // Reached through a link: the same record.
        #[cfg(unix)]
        {
            let link = top.path().join("link");
            std::os::unix::fs::symlink(repo.join("web"), &link).unwrap();
            assert!(machine.find(&link).exists);
        }

        // A worktree of the repository: the same project.
        let tree = top.path().join("tree");
        git(&repo, &["worktree", "add", "-q", tree.to_str().unwrap()]);
        let found = machine.find(&tree.join("web"));
        assert!(found.exists, "{found:?}");
        assert_eq!(
            found.record.settings.as_ref().unwrap().template,
            "react-proxy"
        );
        // Saving there updates the one record; nothing is copied.
        machine.save_found(&found, &accepted("vite-proxy")).unwrap();
        assert_eq!(
            machine.record(&repo.join("web")).settings.unwrap().template,
            "vite-proxy"
        );
        git(
            &repo,
            &["worktree", "remove", "--force", tree.to_str().unwrap()],
        );

        // The whole repository moved: found by its root commit.
        let moved = top.path().join("moved");
        std::fs::rename(&repo, &moved).unwrap();
        let found = machine.find(&moved.join("web"));
        assert!(found.exists, "{found:?}");

        // Another repository, and a folder outside git: first uses.
        let other = tempfile::tempdir().unwrap();
        git(other.path(), &["init", "-q"]);
        assert!(machine.find(other.path()).first_use());
        let plain = tempfile::tempdir().unwrap();
        assert!(machine.find(plain.path()).first_use());
    }

    #[test]
    fn outside_git_a_folder_below_a_known_one_is_no_first_use() {
        let home = tempfile::tempdir().unwrap();
        let machine = Machine::new(Some(home.path().join("ghenv")));
        let top = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(top.path().join("sub")).unwrap();
        machine.save(top.path(), &accepted("react-proxy")).unwrap();
        let found = machine.find(&top.path().join("sub"));
        assert!(!found.exists && !found.first_use());
    }

    #[test]
    fn recipients_accepted_mean_sealing_to_recipients() {
        let mut record = Record::default();
        assert_eq!(record.accepted_sealing(), None);
        record.recipients = Some(Vec::new());
        assert_eq!(record.accepted_sealing(), None);
        record.recipients = Some(vec!["age1x".into()]);
        assert_eq!(record.accepted_sealing(), Some(Sealing::Recipients));
        record.sealing = Some(Sealing::Passphrase);
        assert_eq!(record.accepted_sealing(), Some(Sealing::Passphrase));
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
