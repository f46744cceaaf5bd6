//! doctor: the facts first (this file), then the checks ([`checks`]).
//!
//! The facts, found without printing: the app's framework and the env
//! files it loads, the variable names its code reads, lines that one `.env`
//! reader takes and another skips, dev servers started before the env file
//! changed, and build output that holds the token. A check line has a typed
//! id ([`CheckId`]) and group ([`Group`]), serialized as the stable strings
//! of doctor's JSON.

pub mod checks;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::envfile;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing to do.
    Ok,
    /// Worth a look; does not fail `doctor`.
    Warn,
    /// Broken: `doctor` exits 1.
    Fail,
}

/// Which check a line is: its stable `id` in doctor's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    // project
    /// config.toml found.
    Config,
    /// The app's framework, from package.json.
    Framework,
    /// The env file sits where the dev server reads it.
    EnvLocation,
    /// What config.toml asks has been accepted on this machine.
    Accepted,
    /// `[env] file` names a file ghenv writes to.
    EnvFile,
    // variable
    /// The token variable has the prefix the browser sees.
    Prefix,
    /// The code reads the variable the env file defines.
    CodeReads,
    /// No env file of higher precedence hides it.
    Shadowed,
    /// No other variable of the env files holds a token: `rotate`
    /// replaces only the token variable, so a copy keeps the old token.
    SecondToken,
    /// Every `.env` reader reads the env file's lines the same.
    Consumers,
    /// No dev server started before the env file changed.
    DevServer,
    /// The app's GraphQL documents validate against GitHub's schema.
    AppSchema,
    // token
    /// GitHub accepts the token.
    Token,
    /// It has the required scopes.
    Scopes,
    /// When it expires.
    Expiry,
    /// SAML SSO authorization.
    Sso,
    /// It is the account config.toml was set up for.
    Account,
    /// The rate limit left.
    RateLimit,
    /// The lessons' and the app's operations work (`ghenv probe`).
    Probe,
    // secrets
    /// The env file's mode.
    EnvMode,
    /// The env file is not tracked by git.
    EnvTracked,
    /// The env file is git-ignored.
    EnvIgnored,
    /// The env file, as it is now, is in no commit.
    EnvHistory,
    /// `.env*.local` files are git-ignored.
    LocalIgnored,
    /// No private key in the work tree.
    KeysInTree,
    /// `[secret]` decrypts here.
    SecretDecrypts,
    /// `[secret]` holds the env file's token.
    SecretMatchesEnv,
    /// Every recipient was accepted on this machine.
    RecipientsIntact,
    /// ghenv's pre-commit check is installed and runs.
    Hook,
    // bundle
    /// The token does not reach the browser.
    ClientExposed,
    /// No build output holds the token.
    BuildOutput,
}

impl CheckId {
    /// The group the check is printed under.
    pub fn group(self) -> Group {
        use CheckId as C;
        match self {
            C::Config | C::Framework | C::EnvLocation | C::Accepted | C::EnvFile => Group::Project,
            C::Prefix
            | C::CodeReads
            | C::Shadowed
            | C::SecondToken
            | C::Consumers
            | C::DevServer
            | C::AppSchema => Group::Variable,
            C::Token | C::Scopes | C::Expiry | C::Sso | C::Account | C::RateLimit | C::Probe => {
                Group::Token
            }
            C::EnvMode
            | C::EnvTracked
            | C::EnvIgnored
            | C::EnvHistory
            | C::LocalIgnored
            | C::KeysInTree
            | C::SecretDecrypts
            | C::SecretMatchesEnv
            | C::RecipientsIntact
            | C::Hook => Group::Secrets,
            C::ClientExposed | C::BuildOutput => Group::Bundle,
        }
    }
}

/// The checklist's groups, in the order they are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// config.toml, the app, where the env file is.
    Project,
    /// The variable the app reads.
    Variable,
    /// The token, as GitHub sees it.
    Token,
    /// Secrets at rest: modes, git, keys, `[secret]`, the hook.
    Secrets,
    /// What a build ships.
    Bundle,
}

impl Group {
    /// Every group, in print order.
    pub const ALL: [Group; 5] = [
        Group::Project,
        Group::Variable,
        Group::Token,
        Group::Secrets,
        Group::Bundle,
    ];

    /// Its heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::Project => "Project",
            Group::Variable => "The variable",
            Group::Token => "The token",
            Group::Secrets => "Secrets at rest",
            Group::Bundle => "The bundle",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Which check.
    pub id: CheckId,
    /// The group, from the id.
    pub group: Group,
    /// How it came out.
    pub status: Status,
    /// What was found, in one line.
    pub message: String,
    /// What to do, in one line, when not ok.
    pub fix: Option<String>,
    /// The file it is about, when one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line in `file`, when one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Check {
    /// A check with no file.
    pub fn new(id: CheckId, status: Status, message: String) -> Check {
        Check {
            id,
            group: id.group(),
            status,
            message,
            fix: None,
            file: None,
            line: None,
        }
    }

    /// With what to do.
    pub fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }

    /// About `file` (and `line`).
    pub fn at(mut self, file: impl Into<String>, line: Option<usize>) -> Check {
        self.file = Some(file.into());
        self.line = line;
        self
    }
}

pub use crate::app::{App, Framework, find_app};

/// A variable the app's code reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The variable.
    pub name: String,
    /// The file, relative to the app.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// That line of code, trimmed and shortened, for messages.
    pub code: String,
}

const SOURCE_EXTENSIONS: [&str; 8] = ["js", "jsx", "ts", "tsx", "mjs", "cjs", "vue", "svelte"];

/// Every `process.env.NAME`, `process.env["NAME"]` and
/// `import.meta.env.NAME` in the app's source, skipping what `.gitignore`
/// skips (and `node_modules` and build output, ignored or not).
pub fn code_reads(app: &App) -> Vec<Read> {
    let mut out = Vec::new();
    let skip: Vec<&str> = ["node_modules", ".git"]
        .into_iter()
        .chain(app.framework.build_dirs().iter().copied())
        .collect();
    let walker = ignore::WalkBuilder::new(&app.dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(move |e| !e.file_name().to_str().is_some_and(|n| skip.contains(&n)))
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        let source = path
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| SOURCE_EXTENSIONS.contains(&x));
        if !source || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let file = path
            .strip_prefix(&app.dir)
            .unwrap_or(path)
            .display()
            .to_string();
        for (i, line) in text.lines().enumerate() {
            for name in names_read(line) {
                let code: String = line.trim().chars().take(100).collect();
                out.push(Read {
                    name,
                    file: file.clone(),
                    line: i + 1,
                    code: crate::token::redact(&code).into_owned(),
                });
            }
        }
    }
    out
}

/// The variable names one line of code reads.
fn names_read(line: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for prefix in ["process.env.", "import.meta.env."] {
        for (at, _) in line.match_indices(prefix) {
            let name = ident(&line[at + prefix.len()..]);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    for prefix in [
        "process.env[\"",
        "process.env['",
        "import.meta.env[\"",
        "import.meta.env['",
    ] {
        for (at, _) in line.match_indices(prefix) {
            let name = ident(&line[at + prefix.len()..]);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// Whether a variable name is about GitHub: a token or the GraphQL URL.
pub fn about_github(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    n.contains("GITHUB") || n.contains("GH_") || n.contains("GRAPHQL") || n.ends_with("TOKEN")
}

/// The defined name closest to `name`: the one sharing most of its words
/// (`VITE_GITHUB_TOKEN` and `VITE_GITHUB_PERSONAL_ACCESS_TOKEN` share three),
/// then the nearest by edit distance; `None` when none is close.
pub fn closest<'a>(name: &str, defined: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let words = |s: &str| -> Vec<String> { s.split('_').map(str::to_owned).collect() };
    let mine = words(name);
    defined
        .map(|d| {
            let shared = words(d).iter().filter(|w| mine.contains(w)).count();
            (shared, strsim::levenshtein(name, d), d)
        })
        .filter(|(shared, dist, d)| {
            *shared * 2 > mine.len() || *dist <= name.len().max(d.len()) / 3
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, _, d)| d)
}

/// The defined variable `name` (which the code reads) most likely meant:
/// for a token-looking name, the token variable `token_var` first when it
/// is defined and near, then the nearest defined name that holds a token;
/// otherwise as [`closest`]. A misspelt `…_TOKN` is the token, never the
/// GraphQL URL that happens to share more words.
pub fn closest_meant<'a>(name: &str, defined: &[&'a str], token_var: &'a str) -> Option<&'a str> {
    let tokenish = |n: &str| {
        let n = n.to_ascii_uppercase();
        n.contains("TOK") || n.contains("PAT") || n.contains("SECRET") || n.contains("KEY")
    };
    if tokenish(name) {
        let near = |d: &str| strsim::levenshtein(name, d) <= name.len().max(d.len()) / 3 + 1;
        if defined.contains(&token_var)
            && (near(token_var) || closest(name, [token_var].into_iter()).is_some())
        {
            return Some(token_var);
        }
        let tokens: Vec<&str> = defined
            .iter()
            .copied()
            .filter(|d| d.to_ascii_uppercase().contains("TOKEN"))
            .collect();
        if let Some(t) = closest(name, tokens.iter().copied()) {
            return Some(t);
        }
    }
    closest(name, defined.iter().copied())
}

/// An env file the framework loads, read.
#[derive(Debug, Clone)]
pub struct EnvFile {
    /// Its name in the app folder.
    pub name: &'static str,
    /// Its text.
    pub text: String,
    /// Its variables.
    pub vars: Vec<(String, String)>,
}

/// The env files of `app`'s framework that exist, highest precedence first.
pub fn env_files(app: &App) -> Vec<EnvFile> {
    app.framework
        .env_files()
        .iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(app.dir.join(name)).ok()?;
            let mut vars = envfile::parse(&text);
            if app.framework == Framework::Cra {
                // Create React App's dotenv skips `export NAME=` lines: for
                // its dev server those variables do not exist.
                let exported: Vec<String> = envfile::entries(&text)
                    .into_iter()
                    .filter(|e| e.lead.trim_start().starts_with("export"))
                    .filter_map(|e| e.key.map(str::to_owned))
                    .collect();
                vars.retain(|(k, _)| !exported.contains(k));
            }
            Some(EnvFile { name, text, vars })
        })
        .collect()
}

/// A line one `.env` reader takes and another skips or reads otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quirk {
    /// 1-based line.
    pub line: usize,
    /// What is wrong and for whom.
    pub what: String,
    /// Whether the app does not see the variable at all (a failure), not
    /// just that readers disagree.
    pub fatal: bool,
    /// What kind of line it is, for the fix.
    pub kind: QuirkKind,
    /// The variable on the line, when one.
    pub key: Option<String>,
}

/// What makes a line a [`Quirk`]: what decides whether `ghenv init`
/// rewrites it (the template's own variables, the byte-order mark) or the
/// user must change it by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuirkKind {
    /// A byte-order mark at the start.
    Bom,
    /// `export KEY=`.
    Export,
    /// A quoted value.
    Quoted,
    /// The key is set again.
    Twice,
}

/// The quirks of `text` that matter for `vars` (the app's variables).
pub fn quirks(text: &str, framework: Framework) -> Vec<Quirk> {
    let mut out = Vec::new();
    if text.starts_with('\u{feff}') {
        out.push(Quirk {
            line: 1,
            what: "a byte-order mark: some readers take it as part of the first name".into(),
            fatal: false,
            kind: QuirkKind::Bom,
            key: None,
        });
    }
    // CRLF is not a quirk: every reader ghenv targets reads CRLF values
    // alike (tests/compat.rs, crlf_content_keeps_its_values_in_every_consumer),
    // and ghenv keeps a CRLF file CRLF when it rewrites it (envfile::merge),
    // so advice to run `ghenv init` again could never clear it.
    let mut seen: Vec<String> = Vec::new();
    let mut line = 1;
    for entry in envfile::entries(text) {
        if let Some(key) = entry.key {
            if entry.lead.trim_start().starts_with("export") && framework == Framework::Cra {
                out.push(Quirk {
                    line,
                    what: format!(
                        "`export {key}=`: Create React App's dotenv skips export lines, so the app does not see {key}"
                    ),
                    fatal: true,
                    kind: QuirkKind::Export,
                    key: Some(key.to_owned()),
                });
            }
            let value = entry.body()[entry.lead.len() + key.len()..]
                .trim_start_matches([' ', '\t', '='])
                .trim_start();
            if value.starts_with(['"', '\'']) && about_github(key) {
                out.push(Quirk {
                    line,
                    what: format!(
                        "{key} is quoted: `docker run --env-file` keeps the quotes as part of the value"
                    ),
                    fatal: false,
                    kind: QuirkKind::Quoted,
                    key: Some(key.to_owned()),
                });
            }
            if seen.iter().any(|k| k == key) {
                out.push(Quirk {
                    line,
                    what: format!(
                        "{key} is set twice: some readers keep the first value, others the last"
                    ),
                    fatal: false,
                    kind: QuirkKind::Twice,
                    key: Some(key.to_owned()),
                });
            }
            seen.push(key.to_owned());
        }
        line += entry.text.matches('\n').count();
    }
    out
}

/// Dev servers of `framework` running in `dir` that started before
/// `changed` (the env file's last change): they still have the old values.
/// `None` where processes cannot be inspected (Windows); on Unix without
/// `/proc` none are found.
pub fn stale_dev_servers(
    dir: &Path,
    framework: Framework,
    changed: std::time::SystemTime,
) -> Option<Vec<u32>> {
    let me = std::process::id();
    let parent = crate::platform::parent_id();
    // The dev server's own command: the program, or the script node runs,
    // is `vite`/`vite.js`, `react-scripts`/`start.js`... A folder or an
    // argument that merely contains the word does not count.
    let procs =
        crate::platform::processes(|args| args.iter().any(|a| framework.is_server_program(a)))?;
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return Some(Vec::new());
    };
    let changed = changed
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    Some(
        procs
            .into_iter()
            // Never ghenv itself (`ghenv init -t vite`), nor what started it.
            .filter(|p| p.pid != me && p.pid != parent)
            .filter(|p| p.cwd.as_deref() == Some(dir.as_path()))
            .filter(|p| p.started.is_some_and(|s| s < changed))
            .map(|p| p.pid)
            .collect(),
    )
}

/// Files under `dir` (a build output folder, even git-ignored) that hold
/// `token`; at most a few, for the message.
pub fn files_holding(dir: &Path, token: &str) -> Vec<PathBuf> {
    let finder = memchr::memmem::Finder::new(token.as_bytes());
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(entry.path())
            && finder.find(&bytes).is_some()
        {
            out.push(entry.into_path());
            if out.len() == 3 {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON ids and groups are the strings doctor printed before they
    /// were typed; scripts match on them.
    #[test]
    fn check_ids_and_groups_serialize_as_before() {
        use CheckId as C;
        let table = [
            (C::Config, "config", "project"),
            (C::Framework, "framework", "project"),
            (C::EnvLocation, "env_location", "project"),
            (C::Accepted, "accepted", "project"),
            (C::EnvFile, "env_file", "project"),
            (C::Prefix, "prefix", "variable"),
            (C::CodeReads, "code_reads", "variable"),
            (C::Shadowed, "shadowed", "variable"),
            (C::SecondToken, "second_token", "variable"),
            (C::Consumers, "consumers", "variable"),
            (C::DevServer, "dev_server", "variable"),
            (C::AppSchema, "app_schema", "variable"),
            (C::Token, "token", "token"),
            (C::Scopes, "scopes", "token"),
            (C::Expiry, "expiry", "token"),
            (C::Sso, "sso", "token"),
            (C::Account, "account", "token"),
            (C::RateLimit, "rate_limit", "token"),
            (C::Probe, "probe", "token"),
            (C::EnvMode, "env_mode", "secrets"),
            (C::EnvTracked, "env_tracked", "secrets"),
            (C::EnvIgnored, "env_ignored", "secrets"),
            (C::EnvHistory, "env_history", "secrets"),
            (C::LocalIgnored, "local_ignored", "secrets"),
            (C::KeysInTree, "keys_in_tree", "secrets"),
            (C::SecretDecrypts, "secret_decrypts", "secrets"),
            (C::SecretMatchesEnv, "secret_matches_env", "secrets"),
            (C::RecipientsIntact, "recipients_intact", "secrets"),
            (C::Hook, "hook", "secrets"),
            (C::ClientExposed, "client_exposed", "bundle"),
            (C::BuildOutput, "build_output", "bundle"),
        ];
        for (id, name, group) in table {
            let check = serde_json::to_value(Check::new(id, Status::Ok, String::new())).unwrap();
            assert_eq!(check["id"], name);
            assert_eq!(check["group"], group, "{name}");
        }
        let groups: Vec<String> = Group::ALL
            .iter()
            .map(|g| {
                serde_json::to_value(g)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            groups,
            ["project", "variable", "token", "secrets", "bundle"]
        );
    }

    #[test]
    fn names_read_finds_every_form() {
        assert_eq!(
            names_read(
                "const t = process.env.REACT_APP_X || process.env['B_C'] + import.meta.env.VITE_Y;"
            ),
            vec!["REACT_APP_X", "VITE_Y", "B_C"]
        );
        assert!(names_read("process.env").is_empty());
    }

    #[test]
    fn closest_name_is_found_and_far_ones_are_not() {
        let defined = [
            "VITE_GITHUB_GRAPHQL_URL",
            "VITE_GITHUB_PERSONAL_ACCESS_TOKEN",
            "PORT",
        ];
        assert_eq!(
            closest("VITE_GITHUB_TOKEN", defined.into_iter()),
            Some("VITE_GITHUB_PERSONAL_ACCESS_TOKEN")
        );
        assert_eq!(
            closest(
                "REACT_APP_GITHUB_TOKN",
                ["REACT_APP_GITHUB_TOKEN"].into_iter()
            ),
            Some("REACT_APP_GITHUB_TOKEN")
        );
        assert_eq!(closest("SOMETHING_ELSE", ["PORT"].into_iter()), None);
    }

    #[test]
    fn quirks_name_the_line() {
        let q = quirks(
            "A=1\nexport REACT_APP_GITHUB_TOKEN=x\nGITHUB_TOKEN=\"q\"\nA=2\n",
            Framework::Cra,
        );
        let lines: Vec<usize> = q.iter().map(|q| q.line).collect();
        assert_eq!(lines, vec![2, 3, 4], "{q:?}");
    }

    #[test]
    fn crlf_line_endings_are_not_a_quirk() {
        let q = quirks("A=1\r\nVITE_X=2\r\n", Framework::Vite);
        assert!(q.is_empty(), "{q:?}");
        // Quirks on CRLF lines still name their line.
        let q = quirks("A=1\r\nA=2\r\n", Framework::Vite);
        assert_eq!(q.iter().map(|q| q.line).collect::<Vec<_>>(), vec![2]);
    }
}
