//! `config.toml`: reading what ghenv needs from it, and merging a freshly
//! rendered one into an existing file so that everything ghenv does not own
//! (other tables, keys, comments) stays as it was.

use serde::Deserialize;
use toml_edit::{DocumentMut, Item, Table};

/// The file's name in the project folder.
pub const FILE: &str = "config.toml";
/// The version of the format this ghenv writes.
pub const VERSION: i64 = 1;

/// Keys ghenv owns, per table: when a fresh render leaves one out (no expiry
/// any more, offline so no login), the old value is removed rather than left
/// stale.
const OWNED: &[(&str, &[&str])] = &[(
    "github",
    &[
        "endpoint",
        "login",
        "scopes",
        "token_type",
        "validated",
        "validated_at",
        "expires_at",
    ],
)];

/// What ghenv reads back from `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    /// Format version.
    pub version: Option<i64>,
    /// The template used by `init`.
    pub template: Option<String>,
    /// `[github]`.
    #[serde(default)]
    pub github: GithubSection,
    /// `[env]`.
    #[serde(default)]
    pub env: EnvSection,
    /// `[secret]`: the encrypted token, when there is one.
    pub secret: Option<SecretSection>,
    /// `[probe]` or `[[probe]]`: what `ghenv probe` tries besides the
    /// course's operations.
    #[serde(default)]
    pub probe: Option<ProbeSection>,
}

/// What config.toml says about the probe. TOML cannot hold both a `[probe]`
/// table and `[[probe]]` entries, so both shapes are read: `[[probe]]`
/// entries alone, or `[probe]` with `course = false` and entries as
/// `[[probe.query]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ProbeSection {
    /// `[[probe]]` entries.
    Entries(Vec<ProbeEntry>),
    /// `[probe]`.
    Table {
        /// `course = false` turns the course's operations off.
        course: Option<bool>,
        /// `[[probe.query]]` entries.
        #[serde(default)]
        query: Vec<ProbeEntry>,
    },
}

impl ProbeSection {
    /// Whether the course's operations are probed (unless the template
    /// has none).
    pub fn course(&self) -> bool {
        match self {
            ProbeSection::Entries(_) => true,
            ProbeSection::Table { course, .. } => course.unwrap_or(true),
        }
    }

    /// The team's own queries.
    pub fn entries(&self) -> &[ProbeEntry] {
        match self {
            ProbeSection::Entries(e) | ProbeSection::Table { query: e, .. } => e,
        }
    }
}

/// One team query to probe. Untrusted: written by anyone who can push.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeEntry {
    /// Its name in the report.
    pub name: String,
    /// The GraphQL document: one query.
    pub query: String,
    /// Values for its variables.
    #[serde(default)]
    pub variables: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `[secret]` in `config.toml`: the token encrypted with age.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SecretSection {
    /// Always `"age"` for now.
    pub format: Option<String>,
    /// The public recipients (`age1…`, `ssh-ed25519 …`) it is encrypted to.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Whether it is encrypted with a passphrase instead of recipients.
    #[serde(default)]
    pub passphrase: bool,
    /// The ASCII-armored age ciphertext.
    pub token: Option<String>,
    /// Tags an older ghenv wrote (an HMAC keyed by the token, which anyone
    /// who encrypts a token of their own can forge): read so that old
    /// files parse, never trusted, and dropped on the next write.
    pub recipient_tags: Option<Vec<String>>,
    /// Where recipients came from (`github:alice`), by recipient. Only a
    /// label to show: config.toml is not trusted; what this user accepted
    /// on this machine ([`crate::trust::Record`]) is the check.
    #[serde(default)]
    pub origins: std::collections::BTreeMap<String, String>,
}

/// What to store in `[secret]`.
#[derive(Debug, Clone)]
pub struct Secret<'a> {
    /// The public recipients (empty with a passphrase).
    pub recipients: &'a [String],
    /// Encrypted with a passphrase.
    pub passphrase: bool,
    /// ASCII-armored age ciphertext.
    pub armored: &'a str,
    /// Where some recipients came from: (recipient, origin).
    pub origins: &'a [(String, String)],
}

/// Sets the `[secret]` table of `text` (a valid config), replacing any
/// previous one and keeping everything else.
///
/// # Errors
/// [`ConfigError::Syntax`] when `text` is not TOML.
pub fn set_secret(text: &str, secret: &Secret<'_>) -> Result<String, ConfigError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Syntax(one_line(e.message())))?;
    let mut table = Table::new();
    table.decor_mut().set_prefix(
        "\n# The token, encrypted with age (https://age-encryption.org) to the recipients below.\n# Decrypt with `ghenv unlock` or `ghenv run -- CMD`; extracted to a file, `age -d -i KEY` reads it too.\n",
    );
    table.insert("format", toml_edit::value("age"));
    let mut recipients = toml_edit::Array::new();
    for r in secret.recipients {
        recipients.push_formatted(toml_edit::Value::from(r.as_str()).decorated("\n    ", ""));
    }
    if !secret.recipients.is_empty() {
        recipients.set_trailing("\n");
        recipients.set_trailing_comma(true);
    }
    table.insert("recipients", toml_edit::value(recipients));
    let mut origins = toml_edit::InlineTable::new();
    for (recipient, origin) in secret.origins {
        if secret.recipients.contains(recipient) {
            origins.insert(recipient, origin.as_str().into());
        }
    }
    if !origins.is_empty() {
        let mut item = toml_edit::value(origins);
        if let Some(v) = item.as_value_mut() {
            v.decor_mut()
                .set_suffix(" # where recipients came from, for `ghenv recipients list`");
        }
        table.insert("origins", item);
    }
    if secret.passphrase {
        table.insert("passphrase", toml_edit::value(true));
    }
    // A multi-line literal string keeps the armor readable and copyable.
    let armored = secret.armored.trim_end();
    let literal = format!("'''\n{armored}\n'''");
    let value: toml_edit::Value = literal
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Syntax(one_line(e.message())))?;
    table.insert("token", Item::Value(value));
    doc.remove("secret");
    doc.insert("secret", Item::Table(table));
    Ok(doc.to_string())
}

/// `[github]` in `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GithubSection {
    /// The GraphQL endpoint.
    pub endpoint: Option<String>,
    /// The account the token belonged to at the last validation.
    pub login: Option<String>,
    /// Granted scopes at the last validation.
    pub scopes: Option<Vec<String>>,
    /// The kind of token.
    pub token_type: Option<String>,
    /// Whether GitHub confirmed the token.
    pub validated: Option<bool>,
    /// When (RFC 3339).
    pub validated_at: Option<String>,
    /// When the token expires (RFC 3339).
    pub expires_at: Option<String>,
    /// The OAuth App `--web` creates tokens with (a course's or team's;
    /// public, and accepted on each machine like the other settings).
    pub client_id: Option<String>,
}

/// `[env]` in `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnvSection {
    /// The `.env` file, relative to the project folder.
    pub file: Option<String>,
    /// The variable that holds the token.
    pub token_var: Option<String>,
}

/// Why an existing `config.toml` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML.
    #[error("it is not valid TOML: {0}")]
    Syntax(String),
    /// Valid TOML but not the shape ghenv writes.
    #[error("it does not have the shape ghenv writes: {0}")]
    Shape(String),
    /// Written by a newer ghenv.
    #[error("it has version = {0}, newer than this ghenv understands ({VERSION})")]
    Newer(i64),
}

/// Parses `config.toml`.
///
/// # Errors
/// [`ConfigError`] when it is not TOML, has the wrong shape or a newer
/// version.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    // Twice: first as any TOML, so that a syntax error and a shape error
    // are told apart; both with the line and column where TOML stopped.
    toml::from_str::<toml::Table>(text).map_err(|e| ConfigError::Syntax(located(text, &e)))?;
    let config: Config = toml::from_str(text).map_err(|e| ConfigError::Shape(located(text, &e)))?;
    match config.version {
        Some(v) if v > VERSION => Err(ConfigError::Newer(v)),
        _ => Ok(config),
    }
}

/// TOML's message on one line, after the line and column it points at.
fn located(text: &str, e: &toml::de::Error) -> String {
    let message = one_line(e.message());
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the text of a `config.toml` is ghenv's: it has ghenv's
/// `version` or `template` key or one of its tables (`[github]`, `[env]`,
/// `[secret]`, `[probe]`, `[app]`), or nothing at all. Other tools keep a
/// config.toml too (Supabase's `supabase/config.toml`, Hugo and Zola
/// sites, `.streamlit/config.toml`): ghenv never takes their folder as the
/// project nor writes into their file. Text that is not TOML is ghenv's to
/// report as invalid.
pub fn is_ghenvs(text: &str) -> bool {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return true;
    };
    table.is_empty()
        || [
            "version", "template", "github", "env", "secret", "probe", "app",
        ]
        .iter()
        .any(|k| table.contains_key(*k))
}

/// Overlays `rendered` onto `existing`: every key of `rendered` is set,
/// owned keys that `rendered` lacks are removed, and everything else in
/// `existing` is kept with its comments and order.
///
/// # Errors
/// [`ConfigError`] when either text is not valid TOML, or `existing` is not
/// usable (see [`parse`]).
pub fn merge(existing: &str, rendered: &str) -> Result<String, ConfigError> {
    parse(existing)?;
    let mut doc: DocumentMut = existing
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Syntax(one_line(e.message())))?;
    let new: DocumentMut = rendered
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Syntax(one_line(e.message())))?;
    overlay(doc.as_table_mut(), new.as_table(), "");
    Ok(doc.to_string())
}

fn overlay(dst: &mut Table, src: &Table, path: &str) {
    if let Some((_, owned)) = OWNED.iter().find(|(table, _)| *table == path) {
        for key in owned.iter().filter(|k| !src.contains_key(k)) {
            dst.remove(key);
        }
    }
    for (key, item) in src.iter() {
        match (dst.get_mut(key), item) {
            (Some(Item::Table(d)), Item::Table(s)) => overlay(d, s, key),
            (Some(existing), Item::Value(v)) if existing.is_value() => {
                // Keep the key's position and its decoration (comments).
                let decor = existing.as_value().map(|e| e.decor().clone());
                let mut v = v.clone();
                if let Some(decor) = decor {
                    *v.decor_mut() = decor;
                }
                *existing = Item::Value(v);
            }
            _ => {
                dst.insert(key, item.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RENDERED: &str = "version = 1\ntemplate = \"react\"\n\n[github]\nendpoint = \"https://api.github.com/graphql\"\nlogin = \"octocat\"\nscopes = [\"repo\"]\nvalidated = true\n\n[env]\nfile = \".env\"\ntoken_var = \"T\"\n";

    #[test]
    fn merge_keeps_foreign_tables_keys_and_comments() {
        let existing = "# my project\nversion = 1\n\n[github]\nlogin = \"old\" # who\nexpires_at = \"2020-01-01T00:00:00Z\"\nextra = 5\n\n[app]\nport = 3000 # dev server\n";
        let merged = merge(existing, RENDERED).unwrap();
        let v: toml::Table = toml::from_str(&merged).unwrap();
        assert_eq!(v["github"]["login"].as_str(), Some("octocat"));
        assert_eq!(v["github"]["extra"].as_integer(), Some(5));
        assert!(
            v["github"].get("expires_at").is_none(),
            "stale owned key removed"
        );
        assert_eq!(v["app"]["port"].as_integer(), Some(3000));
        assert_eq!(v["env"]["token_var"].as_str(), Some("T"));
        assert!(merged.starts_with("# my project\n"), "{merged}");
        assert!(merged.contains("port = 3000 # dev server"), "{merged}");
        assert!(merged.contains("login = \"octocat\" # who"), "{merged}");
    }

    #[test]
    fn merge_of_its_own_output_is_stable() {
        let once = merge("", RENDERED).unwrap();
        assert_eq!(merge(&once, RENDERED).unwrap(), once);
    }

    #[test]
    fn invalid_or_newer_files_are_refused() {
        assert!(matches!(
            merge("version = ", RENDERED),
            Err(ConfigError::Syntax(_))
        ));
        assert!(matches!(
            merge("github = 3", RENDERED),
            Err(ConfigError::Shape(_))
        ));
        assert_eq!(merge("version = 2", RENDERED), Err(ConfigError::Newer(2)));
    }

    #[test]
    fn secret_is_written_as_armored_literal_and_read_back() {
        let armored =
            "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n";
        let recipients = vec!["age1abc".to_string(), "ssh-ed25519 AAAA".to_string()];
        let origins = vec![
            ("ssh-ed25519 AAAA".to_string(), "github:alice".to_string()),
            ("age1gone".to_string(), "github:bob".to_string()),
        ];
        let secret = Secret {
            recipients: &recipients,
            passphrase: false,
            armored,
            origins: &origins,
        };
        let text = set_secret(RENDERED, &secret).unwrap();
        assert!(
            text.contains("token = '''\n-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n"),
            "{text}"
        );
        let c = parse(&text).unwrap();
        let s = c.secret.unwrap();
        assert_eq!(s.format.as_deref(), Some("age"));
        assert_eq!(s.recipients, recipients);
        assert!(!s.passphrase);
        assert_eq!(s.token.unwrap(), armored.to_string());
        // Origins only for recipients that are there.
        assert_eq!(s.origins.len(), 1, "{text}");
        assert_eq!(s.origins["ssh-ed25519 AAAA"], "github:alice");
        // Replacing keeps one table and the rest of the file.
        let again = set_secret(
            &text,
            &Secret {
                recipients: &[],
                passphrase: true,
                armored,
                origins: &[],
            },
        )
        .unwrap();
        assert_eq!(again.matches("[secret]").count(), 1);
        assert!(parse(&again).unwrap().secret.unwrap().passphrase);
        assert_eq!(parse(&again).unwrap().env.token_var.as_deref(), Some("T"));
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let e = parse("version = 1\n[github]\nlogin = = 3\n").unwrap_err();
        assert!(e.to_string().contains("line 3, column"), "{e}");
        let e = parse("version = 1\n\n[env]\nfile = 3\n").unwrap_err();
        assert!(matches!(e, ConfigError::Shape(_)), "{e}");
        assert!(e.to_string().contains("line 4"), "{e}");
    }

    #[test]
    fn parse_reads_env_and_endpoint() {
        let c = parse(RENDERED).unwrap();
        assert_eq!(c.env.token_var.as_deref(), Some("T"));
        assert_eq!(
            c.github.endpoint.as_deref(),
            Some("https://api.github.com/graphql")
        );
        assert_eq!(c.template.as_deref(), Some("react"));
    }

    #[test]
    fn another_tools_config_toml_is_told_apart_from_ghenvs() {
        for ours in [
            "",
            "version = 1\n",
            "template = \"react\"\n",
            "[env]\nfile = \".env\"\n",
            "[secret]\nformat = \"age\"\n",
            "not toml [",
        ] {
            assert!(is_ghenvs(ours), "{ours:?}");
        }
        for theirs in [
            "project_id = \"app\"\n[api]\nport = 54321\n",
            "baseURL = \"https://example.org/\"\ntitle = \"Site\"\n[params]\n",
            "base_url = \"https://example.org\"\n[markdown]\n",
            "[server]\nport = 8501\n[theme]\nbase = \"dark\"\n",
        ] {
            assert!(!is_ghenvs(theirs), "{theirs:?}");
        }
    }
}
