//! The library's one error type: every failure is a named variant with a
//! message, a hint, an exit code and a stable machine `kind`.
//!
//! Every message says what failed; [`Error::hint`] says what to do next. No
//! variant holds a token: token problems are described by
//! [`FormatError`](crate::token::FormatError), which never includes one.

use std::io;
use std::path::PathBuf;

use crate::config::ConfigError;
use crate::crypt::CryptError;
use crate::github::GithubError;
use crate::token::FormatError;

use crate::scopes::TOKENS_URL;

/// Exit codes, identical for every command.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// `scan` found a token (reserved for it; no error uses it).
    pub const FOUND: i32 = 1;
    /// Bad usage: flags, arguments, a missing input.
    pub const USAGE: i32 = 2;
    /// The token is malformed or GitHub rejected it.
    pub const TOKEN: i32 = 3;
    /// The token is valid but lacks required scopes.
    pub const SCOPES: i32 = 4;
    /// GitHub could not be reached or misbehaved.
    pub const NETWORK: i32 = 5;
    /// Encryption or decryption failed.
    pub const CRYPTO: i32 = 6;
    /// Refusing to write, or a file could not be read or written.
    pub const IO: i32 = 7;
    /// `run`: the command was found but could not be executed (as `env` does).
    pub const NOT_EXECUTABLE: i32 = 126;
    /// `run`: the command was not found (as `env` does).
    pub const NOT_FOUND: i32 = 127;
}

/// Why a GraphQL endpoint URL is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointProblem {
    /// It does not parse as a URL.
    NotAUrl(String),
    /// Plain `http://` to a host that is not this machine.
    PlainHttp(String),
    /// A scheme other than http(s).
    Scheme(String),
    /// `user:password@` in the URL.
    Credentials,
    /// Control characters or bidirectional marks, which could paint the terminal.
    ControlCharacters,
    /// It holds something shaped like a token (pasted into the wrong flag).
    LooksLikeToken,
}

/// Everything that can go wrong in ghenv.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // ------------------------------------------------------------- usage (2)
    /// No token source had a token.
    #[error("no token found{}", if .looked.is_empty() { String::new() } else { format!(" (looked at: {})", .looked.join(", ")) })]
    NoToken {
        /// The sources tried, in order.
        looked: Vec<String>,
        /// The command that looked (`init`, `rotate`, `check`, ...): the
        /// way on differs.
        command: &'static str,
    },
    /// `--token-file` cannot be read.
    #[error("cannot read the token file {}: {source}", .path.display())]
    TokenFile {
        /// The path given.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// `--scopes` holds something that is not a scope.
    #[error("--scopes: {0}")]
    BadScopes(String),
    /// `--host` is not a host name.
    #[error("--host {0:?} is not a host name")]
    BadHost(String),
    /// An endpoint URL that ghenv will not send a token to.
    #[error("{origin}: {}", match .problem {
        EndpointProblem::NotAUrl(why) => format!("{:?} is not a URL ({why})", .url),
        EndpointProblem::PlainHttp(host) => format!("refusing to send the token over plain http to {host}"),
        EndpointProblem::Scheme(scheme) => format!("{scheme}:// is not supported"),
        EndpointProblem::Credentials => "the URL must not hold credentials".to_string(),
        EndpointProblem::ControlCharacters => format!("{:?} holds control characters", .url),
        EndpointProblem::LooksLikeToken => format!("{:?} holds a GitHub token, not a URL", .url),
    })]
    BadEndpoint {
        /// Where the URL came from (`--endpoint`, `config.toml`, ...).
        origin: &'static str,
        /// The URL.
        url: String,
        /// What is wrong with it.
        problem: EndpointProblem,
    },
    /// The command needs a `config.toml` and there is none.
    #[error("there is no config.toml in {}: nothing to {action}", .dir.display())]
    NoConfig {
        /// The folder looked in (and the ones above it).
        dir: PathBuf,
        /// What the command would have done.
        action: &'static str,
    },
    /// The folder's config.toml is another tool's (no `version`,
    /// `template`, `[github]`, `[env]` or `[secret]`).
    #[error("{} is not ghenv's (it has none of ghenv's keys: another tool, such as Supabase, Hugo or Zola, keeps its settings there); ghenv will not write into it", .0.display())]
    ForeignConfig(PathBuf),
    /// A monorepo's root whose workspaces hold more than one app with a
    /// dev server: which one reads the token is the user's to say.
    #[error("this is a monorepo with {} apps that have a dev server ({}): ghenv does not guess which one reads the token", .0.len(), .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    SeveralApps(Vec<PathBuf>),
    /// The command needs `[secret]` and `config.toml` has none.
    #[error("config.toml has no [secret]: the token is not encrypted in this project")]
    NotEncrypted,
    /// `--passphrase` with an empty passphrase.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// `--no-env` without encryption: the token would be written nowhere.
    #[error("--no-env only makes sense with --encrypt: the token would be written nowhere")]
    NoEnvWithoutEncryption,
    /// Neither `XDG_CONFIG_HOME` nor `HOME` is set, so there is no default identity.
    #[error(
        "neither XDG_CONFIG_HOME nor HOME is set, so there is no default identity ({0} needs one)"
    )]
    NoHome(&'static str),
    /// A git command was asked for outside a repository.
    #[error("{} is not in a git repository", .0.display())]
    NotARepository(PathBuf),
    /// `scan --staged` outside a repository.
    #[error("--staged needs a git repository, and this folder is not in one")]
    StagedOutsideRepository,
    /// `recipients add|remove` on a passphrase-encrypted token.
    #[error("the token is encrypted with a passphrase, not to recipients")]
    PassphraseNotRecipients,
    /// `recipients add|remove` with nothing to add or remove.
    #[error("no recipient given")]
    NoRecipientGiven,
    /// `recipients remove` of a key that is not a recipient.
    #[error("{0} is not a recipient of the token")]
    NotARecipient(String),
    /// The proxy's port is taken.
    #[error("port {0} is already in use")]
    PortInUse(u16),
    /// `--listen` is not an IP address.
    #[error("--listen {0:?} is not an IP address")]
    BadListen(String),
    /// `ghenv revoke` found no token where it was told to look.
    #[error("no token to revoke in {0}")]
    NothingToRevoke(String),
    /// A scan's JSON given to `revoke --from-scan` cannot be read.
    #[error("cannot read the scan in {source_name}: {detail}")]
    ScanInput {
        /// The file, or "standard input".
        source_name: String,
        /// What is wrong.
        detail: String,
    },
    /// A finding given to `revoke --from-scan` names a file outside the
    /// folder revoke runs in (an absolute path, `..`, or a link leading
    /// out): the whole scan is refused, and the entry named by its index
    /// only, since its path is data from whoever wrote the scan.
    #[error("the scan's findings[{index}] names a file outside this folder; nothing was revoked")]
    ScanPathOutside {
        /// The finding's index in `findings`.
        index: usize,
    },
    /// `--github` with something that cannot be a GitHub login.
    #[error("{0:?} is not a GitHub username")]
    BadGithubUser(String),
    /// `--github USER` for a user GitHub does not know (404).
    #[error("GitHub has no user {0}")]
    GithubUserUnknown(String),
    /// `--github USER`: none of the user's keys can be used with age.
    #[error("none of {user}'s public keys on GitHub can be used with age{}", if .skipped.is_empty() { " (there are none)".to_owned() } else { format!(" ({})", .skipped.join(", ")) })]
    NoUsableKeys {
        /// The user.
        user: String,
        /// The kinds of key skipped.
        skipped: Vec<String>,
    },
    /// The user answered no.
    #[error("nothing was revoked")]
    Declined,
    /// A question that needs a terminal, asked without one.
    #[error("{0} needs a confirmation, and standard input is not a terminal")]
    ConfirmationNeeded(&'static str),
    /// `init --proxy` with a template that has no proxy form.
    #[error("--proxy works with the react and vite templates, not {0}")]
    ProxyTemplate(String),
    /// `ghenv man` for a command that does not exist.
    #[error("there is no command `{0}`")]
    UnknownCommand(String),
    /// A path given to `scan` cannot be read.
    #[error("cannot scan {}: {source}", .path.display())]
    ScanPath {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// There is no template of that name.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A template file is malformed or does not render.
    #[error("template {name}: {message}")]
    TemplateInvalid {
        /// The template's name.
        name: String,
        /// What is wrong.
        message: String,
    },

    // ------------------------------------------------------- the token (3, 4)
    /// The token failed the offline format check.
    #[error("invalid token: {0}")]
    TokenFormat(#[from] FormatError),
    /// GitHub answered 401: the token is revoked, expired or mistyped.
    #[error("GitHub rejected the token ({masked}): {message}")]
    TokenRejected {
        /// The masked token.
        masked: String,
        /// Its kind: an OAuth App's is made anew in the browser, a
        /// personal access token on its settings page.
        kind: crate::token::Kind,
        /// GitHub's message, usually "Bad credentials".
        message: String,
    },
    /// GitHub accepted the token but says it expired: it stops working
    /// at any moment, if it has not already.
    #[error("the token ({masked}) expired {ago} ({at})")]
    TokenExpired {
        /// The masked token.
        masked: String,
        /// When, as GitHub said.
        at: String,
        /// How long ago, for people ("3 days ago").
        ago: String,
        /// GitHub's new-token page with the project's scopes ticked.
        new_token_url: String,
    },
    /// The token is valid but lacks required scopes.
    #[error("the token is missing {} required scope{}: {}", .missing.len(), if .missing.len() == 1 { "" } else { "s" }, .missing.join(", "))]
    MissingScopes {
        /// The required scopes the token does not grant.
        missing: Vec<String>,
        /// A URL that creates a token with every required scope ticked.
        new_token_url: String,
        /// The command that adds them to this kind of token, when there is
        /// one (`gh auth refresh …` for gh's, `ghenv init --web` for an
        /// OAuth App's); a classic token's are ticked on its page.
        add: Option<String>,
    },
    /// `--strict` and the token's scopes cannot be listed.
    #[error("the scopes of this {kind} cannot be listed, and --strict asks for them to be checked")]
    ScopesUnknown {
        /// The kind of token, described.
        kind: String,
    },

    /// `--web` without an OAuth App's client id.
    #[error(
        "--web needs the client id of an OAuth App that has the device flow enabled, and none was given"
    )]
    NoClientId,
    /// The user declined the authorization in the browser.
    #[error("the authorization was declined on GitHub's page: no token was created")]
    DeviceDenied,
    /// The code was not approved in time.
    #[error("the code expired before it was approved on GitHub's page: no token was created")]
    DeviceExpired,
    /// GitHub refused the device flow.
    #[error("GitHub refused the device flow: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    DeviceFlow {
        /// GitHub's error code (`device_flow_disabled`, ...), escaped.
        error: String,
        /// GitHub's description, escaped.
        description: Option<String>,
    },
    /// The device flow's web host (`GHENV_WEB_URL`, or the web host of the
    /// endpoint) could not be reached or answered oddly.
    #[error("--web: {error}")]
    DeviceNetwork {
        /// What went wrong.
        error: GithubError,
        /// Whether the address came from `GHENV_WEB_URL`.
        from_env: bool,
        /// `init` or `rotate`.
        command: &'static str,
    },
    /// `--from-gh` and the GitHub CLI is not installed.
    #[error("--from-gh takes the GitHub CLI's token, and the GitHub CLI (gh) is not installed")]
    GhMissing,
    /// `--from-gh` and gh holds no token for the host.
    #[error("the GitHub CLI holds no token for {host} (`gh auth token` gave none)")]
    GhNoToken {
        /// The host asked about.
        host: String,
    },
    /// `--from-gh` with a template that puts the token into the browser.
    #[error(
        "gh's token is your broadest credential, and the {template} template would put it into the browser bundle"
    )]
    GhTokenExposed {
        /// The template.
        template: String,
    },

    // --------------------------------------------------- GitHub, age (5, 6)
    /// GitHub could not be reached or did not answer as expected.
    #[error(transparent)]
    Github(#[from] GithubError),
    /// Encryption or decryption failed.
    #[error(transparent)]
    Crypt(#[from] CryptError),
    /// `GHENV_PASSPHRASE` is set but does not decrypt the token.
    #[error("wrong passphrase: GHENV_PASSPHRASE does not decrypt the token")]
    WrongPassphraseInEnv,

    // ---------------------------------------------- refusing to write (7)
    /// The project folder given does not exist or cannot be used.
    #[error("cannot use the folder {}: {source}", .path.display())]
    FolderUnusable {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The project folder given is a file.
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    /// `config.toml` exists but ghenv cannot use it.
    #[error("{} cannot be used: {problem}", .path.display())]
    ConfigInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column where TOML says.
        problem: ConfigError,
    },
    /// The env file is tracked by git: a token written there would be
    /// committed, and one read from there may be a pusher's.
    #[error("{} is tracked by git{}: ghenv neither writes the token there (it would be committed) nor reads one from it (anyone who can push can put their own there)", .path.display(), changed_by.as_deref().map(|b| format!(" (last changed in {b})")).unwrap_or_default())]
    EnvTracked {
        /// The env file.
        path: PathBuf,
        /// The commit that last changed it, when git tells.
        changed_by: Option<String>,
    },
    /// `[env] file` in config.toml names a file ghenv never writes a token to.
    #[error("config.toml{} names the env file \"{name}\", which {why}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    EnvFileRefused {
        /// The name, with control characters escaped.
        name: String,
        /// The line of config.toml, when known.
        line: Option<usize>,
        /// Why.
        why: &'static str,
    },
    /// config.toml changed where the token goes, and the user did not
    /// accept the change on this machine.
    #[error("config.toml changed where your token goes, and you have not accepted it on this machine: {}", .0.join("; "))]
    SettingsNotAccepted(Vec<String>),
    /// `[secret]` holds a token other than the one last used here.
    #[error("the token in config.toml's [secret] ({masked}) is not one you accepted on this machine{}", changed_by.as_deref().map(|b| format!("; [secret] was last changed in {b}")).unwrap_or_default())]
    TokenNotAccepted {
        /// The new token, masked.
        masked: String,
        /// The commit that last changed config.toml, when git tells.
        changed_by: Option<String>,
    },
    /// `init` would seal a token into `[secret]` other than the one it
    /// holds: a stale checkout's old token, sealed for the whole team.
    #[error(
        "config.toml's [secret] holds another token ({sealed}) than the one init would encrypt into it ({new}); ghenv will not replace the team's token without your word"
    )]
    SecretTokenDiffers {
        /// The token in `[secret]`, masked.
        sealed: String,
        /// The token init read, masked.
        new: String,
    },
    /// The env file holds another token than the one `unlock` would write.
    #[error(
        "{file} holds another token ({old}) than the one in config.toml ({new}); ghenv will not replace it without your word"
    )]
    EnvTokenDiffers {
        /// The env file.
        file: String,
        /// The token there, masked.
        old: String,
        /// The decrypted one, masked.
        new: String,
    },
    /// The change leaves no recipient this machine holds a key for.
    #[error("after this change no key on this machine could decrypt the token")]
    LockedOut,
    /// config.toml names an endpoint the user has not trusted on this machine.
    #[error(
        "config.toml names the GraphQL endpoint {0}, which you have not trusted on this machine; ghenv will not send your token there"
    )]
    UntrustedEndpoint(String),
    /// A `[[probe]]` entry of config.toml that ghenv will not send.
    #[error("config.toml's probe entry \"{name}\" is refused: {reason}")]
    ProbeEntry {
        /// The entry's `name`.
        name: String,
        /// Why.
        reason: String,
    },
    /// GitHub's schema, from the introspection query, cannot be used.
    #[error("GitHub's schema cannot be used: {0}")]
    Schema(crate::graphql::schema::SchemaError),
    /// The probe's one deadline (`--timeout`) passed while ghenv was
    /// checking the app's GraphQL documents, before the probe sent them.
    #[error(
        "the probe did not finish within {secs} seconds (--timeout): checking the app's GraphQL documents took the time"
    )]
    ProbeTimeout {
        /// `--timeout`.
        secs: u64,
    },
    /// A file ghenv would write is a symbolic link.
    #[error("{} is a symbolic link; ghenv does not write through links, so that a secret never lands outside the project", .0.display())]
    Symlink(PathBuf),
    /// A file ghenv would write is a directory.
    #[error("{} is a directory, not a file", .0.display())]
    IsDirectory(PathBuf),
    /// A file ghenv would read or write is a FIFO, socket or device.
    #[error("{} is not a regular file", .0.display())]
    NotARegularFile(PathBuf),
    /// A file ghenv would rewrite is not UTF-8.
    #[error("{} is not UTF-8 text; ghenv will not rewrite it", .0.display())]
    NotUtf8(PathBuf),
    /// Writing `[secret]` would have put the plaintext token in config.toml.
    #[error("refusing to write config.toml: it would contain the plaintext token")]
    PlaintextInConfig,
    /// A pre-commit hook that is not ghenv's exists.
    #[error("{} already exists; ghenv will not replace it", .0.display())]
    HookExists(PathBuf),
    /// The chained hook's name is taken, so chaining would lose a hook.
    #[error("{} already exists, so the current hook cannot be chained without losing one", .0.display())]
    HookChainTaken(PathBuf),
    /// The pre-commit framework manages the hooks; it would overwrite ghenv's.
    #[error(
        "this repository's hooks are managed by the pre-commit framework, which rewrites the pre-commit hook on `pre-commit install`: ghenv will not replace it"
    )]
    PreCommitFramework,
    /// `hook uninstall` on a hook that is not ghenv's.
    #[error("{} is not ghenv's hook; leaving it alone", .0.display())]
    HookNotOurs(PathBuf),
    /// `keygen` over an existing identity without `--force`.
    #[error("{} already exists; ghenv will not overwrite an identity", .0.display())]
    IdentityExists(PathBuf),
    /// A git work tree, and git cannot be run: ghenv cannot tell what would
    /// be committed.
    #[error("{} is in a git repository, and git cannot be run (it is not installed, or not on PATH): ghenv cannot tell whether the token or a key would be committed", .0.display())]
    GitMissing(PathBuf),
    /// `keygen --output` into a git work tree, where `git add -A` would commit it.
    #[error("{} is inside a git work tree and not ignored, so `git add -A` would commit the private key", .0.display())]
    KeyInWorkTree(PathBuf),
    /// Encrypting to recipients the user has not accepted on this machine.
    #[error("config.toml lists {} recipient{} you have not accepted on this machine: {}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.join(", "))]
    RecipientsNotAccepted(Vec<String>),
    /// `recipients remove` of every recipient.
    #[error("refusing to remove every recipient: nobody could decrypt the token")]
    LastRecipient,
    /// `scan --staged` could not read what the commit would add; the hook
    /// fails closed.
    #[error("cannot read the staged content of {path}: {detail}")]
    StagedUnreadable {
        /// The file, with control characters escaped.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What ghenv was doing ("write", "read", ...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },

    // ------------------------------------------------------ run (126, 127)
    /// `ghenv run` could not start the command.
    #[error("cannot run {program}: {source}")]
    Exec {
        /// The command.
        program: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// What ghenv says about an error besides its message: its machine
/// [`kind`](Error::kind), [`exit code`](exit) and hint.
#[derive(Debug)]
pub struct ErrorMeta {
    /// The stable snake_case name, listed in the error-kind table of
    /// docs/troubleshooting.md.
    pub kind: &'static str,
    /// The process exit code (one of [`exit`]).
    pub code: i32,
    /// What to do next, when there is something to say.
    pub hint: Option<String>,
}

/// What to do when `command` found no token. Off a terminal, naming the
/// same command again without a flag would send the user in a circle: the
/// hint names the flag that gives it the token.
fn no_token_hint(command: &str) -> String {
    match command {
        // `run` and `proxy` read only the project's token: the flags and
        // variables other commands take would not help there.
        "run" | "proxy" => "run ghenv in the project's folder (`cd` there, or -C DIR); to set a folder up, run `ghenv init` in a terminal to write the token to the env file (off a terminal, `gh auth token | ghenv init --token-stdin` takes the GitHub CLI's), or `ghenv unlock` when config.toml holds it encrypted".to_owned(),
        "init" | "rotate" => format!(
            "ghenv asks for the token only in a terminal; otherwise give it with --token-stdin (e.g. `gh auth token | ghenv {command} --token-stdin` takes the GitHub CLI's), --token-file PATH, or the GH_TOKEN or GITHUB_TOKEN environment variable; `ghenv {command} --from-gh` takes gh's token, and `ghenv {command} --web` creates one in the browser when the course gave an OAuth App's client id"
        ),
        _ => format!(
            "set this folder up with `gh auth token | ghenv init --token-stdin` (or `ghenv init` in a terminal), or give {command} the token with --token-stdin (e.g. `gh auth token | ghenv {command} --token-stdin`), --token-file PATH, or the GH_TOKEN or GITHUB_TOKEN environment variable"
        ),
    }
}

/// A fixed hint.
fn say(hint: &str) -> Option<String> {
    Some(hint.to_owned())
}

/// One row of [`Error::meta`].
fn meta(kind: &'static str, code: i32, hint: Option<String>) -> ErrorMeta {
    ErrorMeta { kind, code, hint }
}

impl Error {
    /// Each variant's kind, exit code and hint, declared once: one arm per
    /// variant, in the enum's order. A new variant is one arm here (the
    /// compiler asks for it) and its kind in docs/troubleshooting.md's table
    /// (the unit test below asks for that).
    pub fn meta(&self) -> ErrorMeta {
        use Error as E;
        use exit::{CRYPTO, IO, NETWORK, NOT_EXECUTABLE, NOT_FOUND, SCOPES, TOKEN, USAGE};
        match self {
            // ----------------------------------------------------- usage (2)
            // `run` and `proxy` read only the project's token: the flags
            // and variables other commands take would not help there.
            E::NoToken { command, .. } => meta("no_token", USAGE, Some(no_token_hint(command))),
            E::TokenFile { .. } => meta(
                "token_file_unreadable",
                USAGE,
                say("check the path given to --token-file"),
            ),
            E::BadScopes(_) => meta(
                "bad_scopes",
                USAGE,
                Some(format!(
                    "give scopes comma-separated, as GitHub spells them, e.g. --scopes repo,read:org; GitHub's scopes: {}",
                    crate::scopes::all_names().join(", ")
                )),
            ),
            E::BadHost(_) => meta(
                "bad_host",
                USAGE,
                say(
                    "give just the host, e.g. --host github.example.com, or a full URL with --endpoint",
                ),
            ),
            E::BadEndpoint { problem, .. } => meta(
                "bad_endpoint",
                USAGE,
                say(match problem {
                    EndpointProblem::Credentials => {
                        "ghenv sends the token in a header; remove user:password@ from the URL"
                    }
                    EndpointProblem::NotAUrl(_) => {
                        "give a full URL, e.g. https://api.github.com/graphql"
                    }
                    EndpointProblem::LooksLikeToken => {
                        "the token was not sent or stored anywhere; give it on standard input instead (`--token-stdin`), and the endpoint as a URL, e.g. https://api.github.com/graphql"
                    }
                    EndpointProblem::PlainHttp(_)
                    | EndpointProblem::Scheme(_)
                    | EndpointProblem::ControlCharacters => "use an https:// URL",
                }),
            ),
            E::NoConfig { .. } => meta(
                "no_config",
                USAGE,
                say(
                    "run `ghenv init` in the project first (`ghenv init --encrypt` to encrypt the token), or pass the project's folder with -C DIR",
                ),
            ),
            E::ForeignConfig(_) => meta(
                "foreign_config",
                IO,
                say(
                    "run ghenv in the app's own folder, the one with its package.json (`ghenv init -C DIR`); ghenv keeps its config.toml there",
                ),
            ),
            E::SeveralApps(apps) => meta(
                "several_apps",
                USAGE,
                Some(format!(
                    "set up the one that calls GitHub: {}",
                    apps.iter()
                        .map(|a| format!("`ghenv init -C {}`", a.display()))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )),
            ),
            E::NotEncrypted => meta(
                "not_encrypted",
                USAGE,
                say("run `ghenv init --encrypt` to encrypt it"),
            ),
            E::EmptyPassphrase => meta(
                "empty_passphrase",
                USAGE,
                say("choose a passphrase, or use recipients (-r) instead"),
            ),
            E::NoEnvWithoutEncryption => meta(
                "no_env_without_encryption",
                USAGE,
                say("add --encrypt (or -r RECIPIENT)"),
            ),
            E::NoHome(_) => meta(
                "no_home",
                USAGE,
                say(
                    "pass a path (-i / --output), or a recipient with -r RECIPIENT or --passphrase",
                ),
            ),
            E::NotARepository(_) => meta(
                "not_a_repository",
                USAGE,
                say("run `git init` first, or pass the repository with --dir"),
            ),
            E::StagedOutsideRepository => meta(
                "not_a_repository",
                USAGE,
                say("run it inside the repository, or scan paths instead"),
            ),
            E::PassphraseNotRecipients => meta(
                "passphrase_not_recipients",
                USAGE,
                say("to switch to recipients, run `ghenv init --encrypt -r RECIPIENT`"),
            ),
            E::NoRecipientGiven => meta(
                "no_recipient",
                USAGE,
                say("give age1… keys or SSH public key lines, or -R FILE"),
            ),
            E::NotARecipient(_) => meta(
                "not_a_recipient",
                USAGE,
                say("`ghenv recipients list` shows the recipients"),
            ),
            E::PortInUse(port) => meta(
                "port_in_use",
                USAGE,
                Some(format!(
                    "another program (another ghenv proxy?) listens on {port}: stop it, or pick another port with --port (and put that URL in the app's .env)"
                )),
            ),
            E::BadListen(_) => meta(
                "bad_listen",
                USAGE,
                say("give an address such as 127.0.0.1, ::1 or 0.0.0.0"),
            ),
            E::NothingToRevoke(_) => meta(
                "nothing_to_revoke",
                USAGE,
                say(
                    "give the tokens with --token-stdin or --token-file, or a scan's findings with --from-scan (e.g. `ghenv scan --history --json | ghenv revoke --from-scan - --yes`)",
                ),
            ),
            E::ScanInput { .. } => meta(
                "scan_input",
                USAGE,
                say(
                    "give --from-scan the output of `ghenv scan --json` (or `scan --history --json`), run in the same folder",
                ),
            ),
            E::ScanPathOutside { .. } => meta(
                "scan_path_outside",
                IO,
                say(
                    "run `ghenv scan --json` in the project and give its output to `ghenv revoke --from-scan` in the same folder: a finding must name a file inside it by a relative path; check where the scan came from",
                ),
            ),
            E::BadGithubUser(_) => meta(
                "bad_github_user",
                USAGE,
                say("give the login as on github.com, e.g. --github octocat"),
            ),
            E::GithubUserUnknown(_) => meta(
                "github_user_unknown",
                USAGE,
                say(
                    "check the spelling of the username (and --host for GitHub Enterprise Server); nothing was written",
                ),
            ),
            E::NoUsableKeys { .. } => meta(
                "no_usable_keys",
                CRYPTO,
                say(
                    "ask them to add an ed25519 key at https://github.com/settings/keys, or to send an age public key (`ghenv keygen` prints one) for -r; nothing was written",
                ),
            ),
            E::Declined => meta("declined", USAGE, None),
            E::ConfirmationNeeded(_) => meta(
                "confirmation_needed",
                USAGE,
                say("pass --yes to go ahead without asking"),
            ),
            E::ProxyTemplate(_) => meta(
                "proxy_template",
                USAGE,
                say("use `--template react` or `--template vite` with --proxy"),
            ),
            E::UnknownCommand(_) => meta(
                "unknown_command",
                USAGE,
                say("`ghenv --help` lists the commands"),
            ),
            E::ScanPath { .. } => meta("scan_path", USAGE, say("check the path")),
            E::Template { .. } => meta(
                "template",
                USAGE,
                say("run `ghenv templates` to list the templates"),
            ),
            E::TemplateInvalid { .. } => meta(
                "template_invalid",
                USAGE,
                say(
                    "fix the template file (its keys: description, scopes, token_var, env, env_example, and optionally config; see https://github.com/ghenv/ghenv/blob/main/docs/course-authors.md#templates)",
                ),
            ),

            // ------------------------------------------------ the token (3, 4)
            E::TokenFormat(problem) => meta(
                "token_format",
                TOKEN,
                match problem {
                    FormatError::Empty => say(
                        "paste the token when asked, or pass it with --token-stdin, --token-file or GH_TOKEN",
                    ),
                    _ => Some(format!(
                        "copy the token again from GitHub, or create a new one at {TOKENS_URL}"
                    )),
                },
            ),
            E::TokenRejected { kind, .. } => meta(
                "token_rejected",
                TOKEN,
                Some(match kind {
                    crate::token::Kind::OAuth => "the OAuth App's token was revoked (at https://github.com/settings/applications, or by GitHub after a year unused): `ghenv rotate --web` creates a new one in the browser and replaces it everywhere ghenv wrote it (for the GitHub CLI's token: `gh auth login`, then `ghenv rotate --from-gh`)".to_owned(),
                    _ => format!(
                        "the token was revoked, has expired or was mistyped (GitHub shows a classic token only once): create a new one at {TOKENS_URL} and give it to `ghenv rotate`, which replaces it everywhere ghenv wrote it"
                    ),
                }),
            ),
            E::TokenExpired { new_token_url, .. } => meta(
                "token_expired",
                TOKEN,
                Some(format!(
                    "create a new token, the project's scopes ticked, at\n  {new_token_url}\nand give it to `ghenv rotate` (it asks for it; off a terminal `ghenv rotate --token-stdin`), which replaces it everywhere ghenv wrote it"
                )),
            ),
            E::MissingScopes {
                missing,
                new_token_url,
                add,
            } => meta(
                "missing_scopes",
                SCOPES,
                Some(match add {
                    Some(command) => format!("`{command}` adds them, then run ghenv again"),
                    None => format!(
                        "GitHub cannot add scopes to an existing token by URL: either tick {} on the token's page at {TOKENS_URL} and run ghenv again, or create a new token with every required scope at\n  {new_token_url}",
                        missing.join(", ")
                    ),
                }),
            ),
            E::ScopesUnknown { .. } => meta(
                "scopes_unknown",
                SCOPES,
                say(
                    "fine-grained tokens have permissions instead of scopes: check them on GitHub, or run without --strict to go on with a warning",
                ),
            ),

            // -------------------------------------------- GitHub, age (5, 6)
            E::NoClientId => meta(
                "no_client_id",
                USAGE,
                say(
                    "pass --client-id ID, set GHENV_CLIENT_ID, or put client_id under [github] in config.toml (a course or team registers one OAuth App with the device flow enabled: see https://github.com/ghenv/ghenv/blob/main/docs/course-authors.md); or leave out --web and paste a token",
                ),
            ),
            E::DeviceDenied => meta(
                "device_denied",
                TOKEN,
                say(
                    "run the command again and choose Authorize on GitHub's page, or leave out --web and paste a token",
                ),
            ),
            E::DeviceExpired => meta(
                "device_code_expired",
                TOKEN,
                say("run the command again and approve the code within 15 minutes"),
            ),
            E::DeviceFlow { error, .. } => meta(
                "device_flow_refused",
                NETWORK,
                Some(match error.as_str() {
                    "device_flow_disabled" => "the OAuth App's owner must tick \"Enable Device Flow\" in its settings (github.com/settings/developers); until then leave out --web and paste a token".to_owned(),
                    "incorrect_client_credentials" | "unsupported_grant_type" => "check the client id (--client-id, GHENV_CLIENT_ID or [github] client_id in config.toml): it must be an OAuth App's".to_owned(),
                    _ => "try again; if it keeps failing, leave out --web and paste a token".to_owned(),
                }),
            ),
            E::DeviceNetwork {
                error,
                from_env,
                command,
            } => {
                let checked = if *from_env {
                    "GHENV_WEB_URL (the address ghenv used for the device flow)"
                } else {
                    "--endpoint/--host (the device flow goes to that GitHub's web host)"
                };
                let first = match error {
                    GithubError::Timeout { .. } => {
                        "try again, or allow more time with --timeout SECS".to_owned()
                    }
                    GithubError::RateLimited { retry, .. } => {
                        format!("try again {}", retry.describe(jiff::Timestamp::now()))
                    }
                    GithubError::Server { .. } | GithubError::Interrupted { .. } => {
                        "try again in a few minutes (GitHub's status: https://www.githubstatus.com)"
                            .to_owned()
                    }
                    _ => format!(
                        "check your connection, proxy settings (HTTPS_PROXY) and {checked}, then try again"
                    ),
                };
                meta(
                    error.kind(),
                    NETWORK,
                    Some(format!(
                        "{first}; or leave out --web and give a token (`gh auth token | ghenv {command} --token-stdin`); nothing was written"
                    )),
                )
            }
            E::GhMissing => meta(
                "gh_missing",
                USAGE,
                say(
                    "install the GitHub CLI (https://cli.github.com) and run `gh auth login`, or leave out --from-gh",
                ),
            ),
            E::GhNoToken { host } => meta(
                "gh_no_token",
                USAGE,
                Some(format!("`gh auth login -h {host}` logs gh in; or leave out --from-gh")),
            ),
            E::GhTokenExposed { .. } => meta(
                "gh_token_exposed",
                IO,
                say(
                    "keep it out of the browser with `--proxy` (the app then talks to `ghenv proxy`), or use a token of its own for the app; --expose-gh-token takes it anyway",
                ),
            ),
            E::Github(e) => meta(e.kind(), NETWORK, Some(e.hint())),
            E::Crypt(e) => meta(e.kind(), CRYPTO, e.hint()),
            E::WrongPassphraseInEnv => meta(
                "wrong_passphrase",
                CRYPTO,
                say(
                    "GHENV_PASSPHRASE is set in your environment but holds another passphrase: check its value, or unset it (`unset GHENV_PASSPHRASE`) to be asked on a terminal",
                ),
            ),

            // ----------------------------------------- refusing to write (7)
            E::FolderUnusable { path, .. } => meta(
                "folder_unusable",
                IO,
                Some(
                    if crate::token::looks_like_token(&path.to_string_lossy()) {
                        // `-C TOKEN`: no folder to create; the token goes in
                        // by standard input, never as an argument.
                        "that is a GitHub token, not a folder: -C/--dir takes the project's folder (leave it out to use this one), and the token goes on standard input with --token-stdin".to_owned()
                    } else {
                        let shown = path.display().to_string();
                        let shown = if shown.contains(char::is_whitespace) {
                            format!("\"{shown}\"")
                        } else {
                            shown
                        };
                        // cmd's and PowerShell's mkdir make the parents too,
                        // and cmd's knows no -p.
                        let mkdir = if cfg!(windows) { "mkdir" } else { "mkdir -p" };
                        format!("create it first (`{mkdir} {shown}`) or pass another to --dir")
                    },
                ),
            ),
            E::NotAFolder(_) => meta("not_a_folder", IO, say("pass a folder to --dir")),
            E::ConfigInvalid { problem, .. } => meta(
                "config_invalid",
                IO,
                say(match problem {
                    ConfigError::Newer(_) => {
                        "a newer ghenv wrote it: upgrade ghenv (`npm install --save-dev ghenv@latest`, or `cargo install ghenv`)"
                    }
                    _ => {
                        "fix it at the line and column the message names, or move it away and run `ghenv init` to write a new one (ghenv will not overwrite it)"
                    }
                }),
            ),
            E::EnvTracked { path, .. } => {
                let (dir, name) = split(path);
                meta(
                    "env_tracked",
                    IO,
                    Some(format!(
                        "stop tracking it first: `git -C {dir} rm --cached {name}` and commit (and if a token was ever committed, revoke it at {TOKENS_URL})"
                    )),
                )
            }
            E::EnvFileRefused { .. } => meta(
                "env_file_refused",
                IO,
                say(
                    "[env] file must be a relative path inside the project whose name starts with .env, outside .git/ and the folders a build serves or publishes; fix that line of config.toml",
                ),
            ),
            E::SettingsNotAccepted(_) => meta(
                "settings_not_accepted",
                IO,
                say(
                    "`ghenv allow` shows what config.toml asks for and accepts it on this machine (or answer yes on a terminal); if you did not expect the change, ask who made it (`git log -p config.toml`)",
                ),
            ),
            E::TokenNotAccepted { .. } => meta(
                "token_not_accepted",
                IO,
                say(
                    "if a teammate rotated the token, `ghenv allow` accepts the new one on this machine (or answer yes on a terminal); if nobody did, someone who can push replaced it: `git log -p config.toml`",
                ),
            ),
            E::SecretTokenDiffers { .. } => meta(
                "secret_token_differs",
                IO,
                say(
                    "if a teammate rotated the token, `ghenv unlock --replace` puts theirs into your env file; to replace the token for everyone, `ghenv rotate` with a new one",
                ),
            ),
            E::EnvTokenDiffers { .. } => meta(
                "env_token_differs",
                IO,
                say(
                    "`ghenv unlock --replace` replaces it (or answer yes on a terminal); `ghenv check` tells which of the two tokens works",
                ),
            ),
            E::LockedOut => meta(
                "locked_out",
                IO,
                say(
                    "add a key you hold too (`ghenv pubkey` prints yours), or pass --force if that is what you want",
                ),
            ),
            E::UntrustedEndpoint(url) => meta(
                "untrusted_endpoint",
                IO,
                Some(format!(
                    "config.toml comes from the repository, and anyone who can push can change it. If you trust {url}, `ghenv allow` shows what config.toml asks for and remembers the endpoint in {}/trusted-endpoints (or answer yes on a terminal, or set GHENV_GRAPHQL_URL={url} for one run); otherwise remove [github] endpoint from config.toml to use GitHub.com",
                    crate::platform::config_dir_shown()
                )),
            ),
            E::ProbeEntry { .. } => meta(
                "probe_entry_refused",
                IO,
                say(
                    "only queries may be probed from config.toml, which anyone who can push can change; make the entry one valid query or remove it. Nothing was sent",
                ),
            ),
            E::Schema(_) => meta(
                "bad_schema",
                NETWORK,
                say(
                    "check that --endpoint or GHENV_GRAPHQL_URL points at a GitHub GraphQL API, then run `ghenv probe --refresh`",
                ),
            ),
            // The same kind and code as GitHub's own timeout: to a script,
            // the probe ran out of time either way.
            E::ProbeTimeout { .. } => meta(
                "timeout",
                NETWORK,
                say(
                    "allow more time with --timeout SECS, or leave the app's documents out with `ghenv probe --no-app`; nothing was written",
                ),
            ),
            E::Symlink(path) => {
                let shown = path.display();
                meta(
                    "symlink",
                    IO,
                    Some(format!(
                        "replace the link with a regular file (e.g. `cp --remove-destination \"$(readlink -f {shown})\" {shown}`), or remove it"
                    )),
                )
            }
            E::IsDirectory(_) => meta(
                "is_directory",
                IO,
                say("move or rename it, or use --dir to work in another folder"),
            ),
            E::NotARegularFile(_) => meta(
                "not_a_regular_file",
                IO,
                say("replace it with a regular file, or remove it"),
            ),
            E::NotUtf8(_) => meta(
                "not_utf8",
                IO,
                say("convert it to UTF-8, or move it away and run ghenv again"),
            ),
            E::PlaintextInConfig => meta("plaintext_in_config", IO, None),
            E::HookExists(_) => meta(
                "hook_exists",
                IO,
                say("`ghenv hook install --force` keeps it and runs it after ghenv's check"),
            ),
            E::HookChainTaken(_) => meta(
                "hook_chain_taken",
                IO,
                say("move one of the two hooks away, then run this again"),
            ),
            E::PreCommitFramework => meta(
                "pre_commit_framework",
                IO,
                Some(format!(
                    "add ghenv to .pre-commit-config.yaml, under `repos:`, then run `pre-commit install`:\n{PRE_COMMIT_CONFIG}"
                )),
            ),
            E::HookNotOurs(_) => meta("hook_not_ours", IO, None),
            E::IdentityExists(path) => meta(
                "identity_exists",
                IO,
                Some(format!(
                    "`ghenv pubkey -i {}` prints its public key; --force replaces it (tokens encrypted to it can then no longer be decrypted with the new one)",
                    path.display()
                )),
            ),
            E::GitMissing(_) => meta(
                "git_missing",
                IO,
                say(
                    "install Git (https://git-scm.com; on Windows, Git for Windows, which also puts git on PATH) or add the git you have to PATH, then run the command again",
                ),
            ),
            E::KeyInWorkTree(path) => meta(
                "key_in_work_tree",
                IO,
                Some(format!(
                    "keep keys outside the project (e.g. `ghenv keygen --output ~/.config/ghenv/ci.txt`), or add {} to .gitignore first",
                    path.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                )),
            ),
            E::RecipientsNotAccepted(_) => meta(
                "recipients_not_accepted",
                IO,
                say(
                    "someone who can push may have added their key to get the next token: check each fingerprint with its owner, then `ghenv allow` (or --accept-recipients, or yes on a terminal); remove the ones you do not know with `ghenv recipients remove KEY`",
                ),
            ),
            E::LastRecipient => meta(
                "last_recipient",
                IO,
                say(
                    "add the new recipient first (`ghenv recipients add`), then remove the old one",
                ),
            ),
            E::StagedUnreadable { .. } => meta(
                "staged_unreadable",
                IO,
                say(
                    "the commit is blocked because ghenv could not check what it adds; run `git fsck` to find what is wrong with the repository, then commit again",
                ),
            ),
            E::Io { action, source, .. } => meta(
                "io",
                IO,
                if source.kind() == io::ErrorKind::PermissionDenied {
                    say("check the folder's permissions, or choose another with --dir")
                } else {
                    Some(format!(
                        "nothing was changed{}; check the disk (free space) and the folder's permissions, then run ghenv again",
                        if *action == "read" || *action == "inspect" {
                            ""
                        } else {
                            ": the old files are as they were"
                        }
                    ))
                },
            ),

            // ---------------------------------------------- run (126, 127)
            E::Exec { source, .. } => meta(
                "exec",
                if source.kind() == io::ErrorKind::NotFound {
                    NOT_FOUND
                } else {
                    NOT_EXECUTABLE
                },
                say("check the command's name and that it is on PATH and executable"),
            ),
        }
    }

    /// An I/O error on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The process exit code for this error; the single mapping used by every
    /// command (declared in [`Error::meta`]).
    pub fn exit_code(&self) -> i32 {
        self.meta().code
    }

    /// A short stable name for the error, used in JSON output and listed in
    /// docs/troubleshooting.md (declared in [`Error::meta`]).
    pub fn kind(&self) -> &'static str {
        self.meta().kind
    }

    /// What to do next, when there is something to say (declared in
    /// [`Error::meta`]).
    pub fn hint(&self) -> Option<String> {
        self.meta().hint
    }
}

/// What to add to `.pre-commit-config.yaml` for the pre-commit framework
/// (the same hook the repository's `.pre-commit-hooks.yaml` offers),
/// indented as an entry of `repos:`. No `\` after the opening quote: it
/// would eat the first line's indentation, and the block pasted under an
/// indented `repos:` list would no longer be YAML.
const PRE_COMMIT_CONFIG: &str = "  - repo: local
    hooks:
      - id: ghenv-scan
        name: ghenv scan (GitHub tokens and age keys)
        entry: ghenv scan --staged
        language: system
        pass_filenames: false";

/// `path`'s folder and file name, for a `git -C DIR CMD NAME` hint.
fn split(path: &std::path::Path) -> (String, String) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".to_owned(),
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    (dir, name)
}

/// A failed command's JSON: `{ "ok": false, "error": { ... } }`.
#[derive(Debug, serde::Serialize)]
pub struct ErrorReport {
    /// The exit code.
    pub code: i32,
    /// [`Error::kind`].
    pub kind: &'static str,
    /// The message.
    pub message: String,
    /// [`Error::hint`].
    pub hint: Option<String>,
    /// Missing scopes, for `missing_scopes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
    /// The URL that creates a token with the required scopes, for `missing_scopes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_token_url: Option<String>,
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> ErrorReport {
        let (missing, new_token_url) = match e {
            Error::MissingScopes {
                missing,
                new_token_url,
                ..
            } => (Some(missing.clone()), Some(new_token_url.clone())),
            _ => (None, None),
        };
        ErrorReport {
            code: e.exit_code(),
            kind: e.kind(),
            message: crate::token::redact(&e.to_string()).into_owned(),
            hint: e.hint().map(|h| crate::token::redact(&h).into_owned()),
            missing,
            new_token_url,
        }
    }
}

/// The JSON document of a failed command: `{ "ok": false, "error": ... }`.
#[derive(Debug, serde::Serialize)]
pub struct Failure {
    /// Always false.
    pub ok: bool,
    /// What failed.
    pub error: ErrorReport,
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Failure {
        Failure {
            ok: false,
            error: ErrorReport::from(e),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::Retry;

    /// The error-kind table of docs/troubleshooting.md: each kind and the
    /// exit code of its row.
    fn documented_codes() -> std::collections::HashMap<String, i32> {
        let doc = include_str!("../docs/troubleshooting.md");
        let table = &doc[doc.find("### Error kinds").expect("the table")..];
        let table = &table[..table.find("\n## ").unwrap_or(table.len())];
        let mut out = std::collections::HashMap::new();
        for row in table.lines().filter(|l| l.starts_with("| ")) {
            let mut cells = row.split('|').skip(1);
            let codes = cells.next().unwrap_or("").trim();
            let Some(code) = codes.split(',').next().and_then(|c| c.trim().parse().ok()) else {
                continue;
            };
            let kinds = cells.next().unwrap_or("");
            for kind in kinds.split('`').skip(1).step_by(2) {
                out.insert(kind.to_owned(), code);
            }
        }
        out
    }

    fn io() -> io::Error {
        io::Error::other("x")
    }
    fn p() -> PathBuf {
        PathBuf::from("x")
    }
    fn s() -> String {
        String::from("x")
    }
    fn v() -> Vec<String> {
        vec![s()]
    }

    /// A table of one row per variant of an error enum, `pattern => value`,
    /// in the enum's order; it declares `$samples`, one value per row, and
    /// `$place`, which row a value matches. A new variant does not compile
    /// until it has a row (the match in `$place` has no `_` arm), and a row
    /// cannot be written without its value, so every variant is in
    /// `$samples`; [`one_of_each_holds_every_variant`] checks each value
    /// sits in its own row.
    macro_rules! variants {
        ($ty:ty, $samples:ident, $place:ident: $($pat:pat => $sample:expr,)*) => {
            fn $samples() -> Vec<$ty> {
                vec![$($sample),*]
            }

            fn $place(e: &$ty) -> usize {
                match e {
                    $($pat => {})*
                }
                let rows: &[fn(&$ty) -> bool] = &[$(|e| matches!(e, $pat)),*];
                rows.iter().position(|row| row(e)).expect("the match is exhaustive")
            }
        };
    }

    variants! {
        Error, every_own_error, place:
        Error::NoToken { .. } => Error::NoToken { looked: v(), command: "init" },
        Error::TokenFile { .. } => Error::TokenFile {
            path: p(),
            source: io(),
            },
        Error::BadScopes(_) => Error::BadScopes(s()),
        Error::BadHost(_) => Error::BadHost(s()),
        Error::BadEndpoint { .. } => Error::BadEndpoint {
            origin: "x",
            url: s(),
            problem: EndpointProblem::Credentials,
            },
        Error::ForeignConfig(_) => Error::ForeignConfig(p()),
        Error::SeveralApps(_) => Error::SeveralApps(vec![p()]),
        Error::NoConfig { .. } => Error::NoConfig {
            dir: p(),
            action: "x",
            },
        Error::NotEncrypted => Error::NotEncrypted,
        Error::EmptyPassphrase => Error::EmptyPassphrase,
        Error::NoEnvWithoutEncryption => Error::NoEnvWithoutEncryption,
        Error::NoHome(_) => Error::NoHome("x"),
        Error::NotARepository(_) => Error::NotARepository(p()),
        Error::StagedOutsideRepository => Error::StagedOutsideRepository,
        Error::PassphraseNotRecipients => Error::PassphraseNotRecipients,
        Error::NoRecipientGiven => Error::NoRecipientGiven,
        Error::NotARecipient(_) => Error::NotARecipient(s()),
        Error::PortInUse(_) => Error::PortInUse(1),
        Error::BadListen(_) => Error::BadListen(s()),
        Error::NothingToRevoke(_) => Error::NothingToRevoke(s()),
        Error::ScanInput { .. } => Error::ScanInput {
            source_name: s(),
            detail: s(),
            },
        Error::ScanPathOutside { .. } => Error::ScanPathOutside { index: 0 },
        Error::BadGithubUser(_) => Error::BadGithubUser(s()),
        Error::GithubUserUnknown(_) => Error::GithubUserUnknown(s()),
        Error::NoUsableKeys { .. } => Error::NoUsableKeys {
            user: s(),
            skipped: v(),
            },
        Error::Declined => Error::Declined,
        Error::ConfirmationNeeded(_) => Error::ConfirmationNeeded("x"),
        Error::ProxyTemplate(_) => Error::ProxyTemplate(s()),
        Error::UnknownCommand(_) => Error::UnknownCommand(s()),
        Error::ScanPath { .. } => Error::ScanPath {
            path: p(),
            source: io(),
            },
        Error::Template { .. } => Error::Template {
            name: s(),
            message: s(),
            },
        Error::TemplateInvalid { .. } => Error::TemplateInvalid {
            name: s(),
            message: s(),
            },
        Error::TokenFormat(_) => Error::TokenFormat(FormatError::Quoted),
        Error::TokenRejected { .. } => Error::TokenRejected {
            masked: s(),
            kind: crate::token::Kind::Classic,
            message: s(),
            },
        Error::TokenExpired { .. } => Error::TokenExpired {
            masked: s(),
            at: s(),
            ago: s(),
            new_token_url: s(),
        },
        Error::MissingScopes { .. } => Error::MissingScopes {
            missing: v(),
            new_token_url: s(),
                add: None,
            },
        Error::NoClientId => Error::NoClientId,
        Error::DeviceDenied => Error::DeviceDenied,
        Error::DeviceExpired => Error::DeviceExpired,
        Error::DeviceFlow { .. } => Error::DeviceFlow {
            error: s(),
            description: None,
        },
        Error::DeviceNetwork { .. } => Error::DeviceNetwork {
            error: GithubError::TooLarge { limit: 1024 },
            from_env: true,
            command: "init",
        },
        Error::GhMissing => Error::GhMissing,
        Error::GhNoToken { .. } => Error::GhNoToken { host: s() },
        Error::GhTokenExposed { .. } => Error::GhTokenExposed { template: s() },
        Error::ScopesUnknown { .. } => Error::ScopesUnknown { kind: s() },
        Error::Github(_) => Error::Github(GithubError::TooLarge { limit: 1024 }),
        Error::Crypt(_) => Error::Crypt(CryptError::WrongPassphrase),
        Error::WrongPassphraseInEnv => Error::WrongPassphraseInEnv,
        Error::FolderUnusable { .. } => Error::FolderUnusable {
            path: p(),
            source: io(),
            },
        Error::NotAFolder(_) => Error::NotAFolder(p()),
        Error::ConfigInvalid { .. } => Error::ConfigInvalid {
            path: p(),
            problem: ConfigError::Newer(2),
            },
        Error::EnvTracked { .. } => Error::EnvTracked {
            path: p(),
            changed_by: None,
        },
        Error::EnvFileRefused { .. } => Error::EnvFileRefused {
            name: s(),
            line: None,
            why: "x",
            },
        Error::SettingsNotAccepted(_) => Error::SettingsNotAccepted(v()),
        Error::TokenNotAccepted { .. } => Error::TokenNotAccepted {
            masked: s(),
            changed_by: None,
            },
        Error::SecretTokenDiffers { .. } => Error::SecretTokenDiffers {
            sealed: s(),
            new: s(),
        },
        Error::EnvTokenDiffers { .. } => Error::EnvTokenDiffers {
            file: s(),
            old: s(),
            new: s(),
            },
        Error::LockedOut => Error::LockedOut,
        Error::UntrustedEndpoint(_) => Error::UntrustedEndpoint(s()),
        Error::ProbeEntry { .. } => Error::ProbeEntry {
            name: s(),
            reason: s(),
            },
        Error::Schema(_) => Error::Schema(crate::graphql::schema::SchemaError::NoSchema),
        Error::ProbeTimeout { .. } => Error::ProbeTimeout { secs: 1 },
        Error::Symlink(_) => Error::Symlink(p()),
        Error::IsDirectory(_) => Error::IsDirectory(p()),
        Error::NotARegularFile(_) => Error::NotARegularFile(p()),
        Error::NotUtf8(_) => Error::NotUtf8(p()),
        Error::PlaintextInConfig => Error::PlaintextInConfig,
        Error::HookExists(_) => Error::HookExists(p()),
        Error::HookChainTaken(_) => Error::HookChainTaken(p()),
        Error::PreCommitFramework => Error::PreCommitFramework,
        Error::HookNotOurs(_) => Error::HookNotOurs(p()),
        Error::IdentityExists(_) => Error::IdentityExists(p()),
        Error::GitMissing(_) => Error::GitMissing(p()),
        Error::KeyInWorkTree(_) => Error::KeyInWorkTree(p()),
        Error::RecipientsNotAccepted(_) => Error::RecipientsNotAccepted(v()),
        Error::LastRecipient => Error::LastRecipient,
        Error::StagedUnreadable { .. } => Error::StagedUnreadable {
            path: s(),
            detail: s(),
            },
        Error::Io { .. } => Error::Io {
            action: "x",
            path: p(),
            source: io(),
            },
        Error::Exec { .. } => Error::Exec {
            program: s(),
            source: io(),
            },
    }

    variants! {
        GithubError, every_github_error, github_place:
        GithubError::Unauthorized { .. } => GithubError::Unauthorized { message: s() },
        GithubError::RateLimited { .. } => GithubError::RateLimited {
            message: s(),
            retry: Retry::Unknown,
            },
        GithubError::Connect { .. } => GithubError::Connect {
            endpoint: s(),
            detail: s(),
            },
        GithubError::Timeout { .. } => GithubError::Timeout {
            endpoint: s(),
            secs: 1,
            },
        GithubError::Interrupted { .. } => GithubError::Interrupted {
            endpoint: s(),
            detail: s(),
            },
        GithubError::Redirect { .. } => GithubError::Redirect {
            endpoint: s(),
            status: 301,
            location: s(),
            },
        GithubError::Server { .. } => GithubError::Server { status: 500 },
        GithubError::Status { .. } => GithubError::Status {
            status: 404,
            message: s(),
            },
        GithubError::Malformed { .. } => GithubError::Malformed { detail: s() },
        GithubError::TooLarge { .. } => GithubError::TooLarge { limit: 1024 },
        GithubError::GraphQl { .. } => GithubError::GraphQl { message: s() },
    }

    variants! {
        CryptError, every_crypt_error, crypt_place:
        CryptError::NoIdentity { .. } => CryptError::NoIdentity { looked: v() },
        CryptError::NoMatch { .. } => CryptError::NoMatch {
            recipients: v(),
            tried: v(),
            },
        CryptError::Corrupt(_) => CryptError::Corrupt(s()),
        CryptError::WrongPassphrase => CryptError::WrongPassphrase,
        CryptError::NoPassphrase => CryptError::NoPassphrase,
        CryptError::NoNewPassphrase => CryptError::NoNewPassphrase,
        CryptError::PassphraseMismatch => CryptError::PassphraseMismatch,
        CryptError::BadRecipient { .. } => CryptError::BadRecipient {
            recipient: s(),
            why: s(),
            },
        CryptError::BadRecipientsLine { .. } => CryptError::BadRecipientsLine {
            path: p(),
            line: 1,
            why: s(),
            },
        CryptError::BadIdentity { .. } => CryptError::BadIdentity {
            source_name: s(),
            why: s(),
            },
        CryptError::EncryptedSshKey(_) => CryptError::EncryptedSshKey(s()),
        CryptError::Plugin(_) => CryptError::Plugin(s()),
        CryptError::UnknownFormat(_) => CryptError::UnknownFormat(s()),
        CryptError::Io { .. } => CryptError::Io {
            action: "x",
            path: p(),
            source: io(),
            },
        CryptError::Encrypt(_) => CryptError::Encrypt(s()),
    }

    /// One value of every `Error` variant, in the enum's order, then
    /// `Github` and `Crypt` once per variant of theirs.
    fn one_of_each() -> Vec<Error> {
        let mut all = every_own_error();
        all.extend(every_github_error().into_iter().map(Error::Github));
        all.extend(every_crypt_error().into_iter().map(Error::Crypt));
        all
    }

    #[test]
    fn one_of_each_holds_every_variant() {
        let in_order = |places: Vec<usize>| places == (0..places.len()).collect::<Vec<_>>();
        let all = one_of_each();
        let github = every_github_error();
        let crypt = every_crypt_error();
        let own = all.len() - github.len() - crypt.len();
        assert!(
            in_order(all[..own].iter().map(place).collect()),
            "one value per variant, in the enum's order"
        );
        assert!(in_order(github.iter().map(github_place).collect()));
        assert!(in_order(crypt.iter().map(crypt_place).collect()));
    }

    /// Every kind and code declared in [`Error::meta`] (and by the wrapped
    /// GitHub and age errors) is in docs/troubleshooting.md's table, in the
    /// row of its code.
    #[test]
    fn every_error_has_the_code_of_its_row_in_the_documented_table() {
        let table = documented_codes();
        for e in &one_of_each() {
            let ErrorMeta { kind, code, .. } = e.meta();
            assert!(
                kind.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{kind}"
            );
            // A 401 reaches the user as `TokenRejected` (code 3), the row
            // this kind is listed in; wrapped as it is it would exit 5.
            if matches!(e, Error::Github(GithubError::Unauthorized { .. })) {
                assert_eq!(table.get(kind), Some(&exit::TOKEN), "{kind}");
                continue;
            }
            assert_eq!(
                table.get(kind).copied(),
                Some(code),
                "`{kind}` exits {code} but docs/troubleshooting.md lists it under another code (or not at all)"
            );
        }
    }

    #[test]
    fn kind_exit_code_and_hint_are_the_declared_ones() {
        for e in &one_of_each() {
            let m = e.meta();
            assert_eq!(
                (m.kind, m.code, m.hint),
                (e.kind(), e.exit_code(), e.hint())
            );
        }
    }

    #[test]
    fn exec_exits_127_when_the_command_is_not_found_and_126_otherwise() {
        let exec = |kind| Error::Exec {
            program: s(),
            source: io::Error::from(kind),
        };
        assert_eq!(exec(io::ErrorKind::NotFound).exit_code(), exit::NOT_FOUND);
        assert_eq!(
            exec(io::ErrorKind::PermissionDenied).exit_code(),
            exit::NOT_EXECUTABLE
        );
    }

    #[test]
    fn env_tracked_hint_names_the_untrack_command() {
        let e = Error::EnvTracked {
            path: PathBuf::from("web/.env"),
            changed_by: None,
        };
        assert!(
            e.hint().unwrap().contains("git -C web rm --cached .env"),
            "{:?}",
            e.hint()
        );
    }
}
