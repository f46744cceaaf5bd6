//! Command-line definitions (clap derive) and nothing else: no I/O here.
//! There is deliberately no flag that takes the token itself: argv is
//! readable by other programs on the machine and lands in shell history.
//!
//! The argument structs have plain comments, not doc comments: clap makes
//! a struct's doc comment the about of the command it is built into, and
//! with the commands deferred (see [`Command`]) that would replace the
//! command's own. A test compares every command's help with the overview.

// The structs' fields are documented (their doc comments are the help).
#![allow(missing_docs)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const OVERVIEW: &str = "\
Examples:
  ghenv init                      ask for a token, validate it, write .env + config.toml
  ghenv init --template vite      the same for a Vite project
  gh auth token | ghenv init --token-stdin
  ghenv init --encrypt            also encrypt it into config.toml (safe to commit)
  ghenv unlock                    on a fresh clone: decrypt config.toml into .env
  ghenv run -- npm run dev        run a command (here the app's dev server) with the token
  ghenv check                     re-validate the token in .env
  ghenv rotate                    replace the token everywhere
  ghenv allow                     accept what a changed config.toml asks for, on this machine

Exit codes: 0 ok, 2 usage, 3 token rejected, 4 missing scopes,
5 GitHub unreachable, 6 encryption, 7 refusing to write.";

/// Create, validate and wire a GitHub personal access token into a project.
#[derive(Debug, Parser)]
#[command(
    name = "ghenv",
    version,
    about,
    long_about = "ghenv checks a GitHub personal access token offline (prefix, length, checksum), \
validates it against GitHub's GraphQL API in one request (login, scopes, rate limit, expiry), \
checks the scopes your project needs, and writes .env, .env.example and config.toml from a template.",
    after_help = OVERVIEW,
    arg_required_else_help = true,
    propagate_version = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Print nothing but errors (and --json output).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print the endpoint, GitHub's request id and timings (never the token).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// ghenv's commands. Each one's arguments are built only when it is the
/// one run (`defer`): building and dropping every command's arguments was
/// a third of the instructions of a start-up.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Ask for a token, validate it with GitHub, write .env, .env.example, config.toml and .gitignore.
    #[command(after_help = "\
Examples:
  ghenv init                              prompt for the token (hidden), course template
  ghenv init --web                        create the token in the browser (the course's OAuth App)
  ghenv init --from-gh --proxy            take the GitHub CLI's token, kept out of the browser
  ghenv init --template vite --dir web    a Vite project in ./web
  ghenv init --token-file ~/.config/course-token --offline")]
    Init(InitArgs),

    /// Validate the project's token again and report login, scopes, expiry and rate limit.
    #[command(after_help = "\
Examples:
  ghenv check                   the token in the .env that config.toml names
  ghenv check --json | jq .scopes.missing
  GH_TOKEN=... ghenv check --dir /tmp/empty")]
    Check(CheckArgs),

    /// Try the course's, the team's and the app's GraphQL operations with the token: will each lesson work?
    #[command(after_help = "\
Examples:
  ghenv probe                   every lesson: queries run, mutations tried with ids that cannot exist
  ghenv probe --no-app          only the course's and config.toml's operations
  ghenv probe --json | jq '.operations[] | select(.status != \"ok\")'
Exit status: 0 when every operation works, 4 when the token lacks something one needs,
1 when an operation of the app does not validate against GitHub's schema (4 wins),
5 when GitHub cannot be reached.")]
    Probe(ProbeArgs),

    /// Write GitHub's GraphQL schema (SDL, or introspection JSON) for the editor and linters: no token in it.
    #[command(after_help = "\
Examples:
  ghenv schema --out github.graphql       the schema, and a .graphqlrc.yml pointing at it
  ghenv schema --introspection --out schema.json   the introspection answer, for codegen
  ghenv schema | grep -A3 'type Issue '   to stdout
Fetched with the project's token from the trusted endpoint, or taken from the
cache the probe keeps (a week; --refresh fetches it again).")]
    Schema(SchemaArgs),

    /// Find why the app does not see the token, and where it leaks: project, variable, token, secrets, bundle.
    #[command(after_help = "\
Examples:
  ghenv doctor                  every check; the token's with GitHub, the lessons' operations tried
  ghenv doctor --no-probe       one request to GitHub: the token, its scopes and expiry
  ghenv doctor --offline        no request: project, variable, secrets and bundle
  ghenv doctor --json | jq '.[] | select(.status == \"fail\")'
Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails.")]
    Doctor(DoctorArgs),

    /// Decrypt the token from config.toml and write .env (e.g. on a fresh clone).
    #[command(after_help = "\
Examples:
  ghenv unlock                           with your default identity or ~/.ssh/id_ed25519
  ghenv unlock -i ~/keys/course.txt
  GHENV_IDENTITY=\"$AGE_KEY\" ghenv unlock   in CI")]
    Unlock(UnlockArgs),

    /// Run a command with the project's variables in its environment, decrypted in memory.
    #[command(after_help = "\
Examples:
  ghenv run -- npm run dev        (`npm start` for Create React App)
  ghenv run -i ~/.ssh/id_ed25519 -- node scripts/query.js
The command's exit status is ghenv's exit status.")]
    Run(RunArgs),

    /// Serve a GraphQL proxy on loopback that adds the token, so it never enters the browser.
    #[command(after_help = "\
Examples:
  ghenv proxy                    on http://127.0.0.1:8787/graphql until Ctrl-C
  ghenv proxy -- npm run dev     the app's dev server and the proxy together
                                 (GHENV_PROXY_URL is set; `npm start` for CRA)
  ghenv proxy --graphiql --open  GraphiQL in the browser, for the first lessons
  ghenv proxy --allow-no-origin  also for curl or a desktop client (no Origin)
  ghenv proxy --port 9000 --allow-origin https://my-app.example
GraphiQL keeps your tabs per address: use the same port each time.
The app posts to the proxy's URL without a token; the proxy adds it and forwards to GitHub.
Set a project up for it with `ghenv init --proxy`.")]
    Proxy(ProxyArgs),

    /// Replace the token: validate a new one and write it to .env and config.toml.
    #[command(after_help = "\
Examples:
  ghenv rotate                           paste the new token when asked
  gh auth token | ghenv rotate --token-stdin
The new token is encrypted to the same recipients; the old one is not kept.")]
    Rotate(RotateArgs),

    /// Show what config.toml says about where the token goes, and accept it on this machine.
    #[command(after_help = "\
Examples:
  ghenv allow                            after a pull changed config.toml, or on a fresh clone
  ghenv allow -i ~/keys/course.txt       also accept the token in [secret], decrypted with this key
  ghenv allow --json
Anyone who can push can change config.toml. Until you accept a change here, ghenv keeps
sending the token where you last accepted it and never encrypts it to a recipient you did
not accept. Nothing is asked: running it is your yes, so read what it prints.")]
    Allow(AllowArgs),

    /// List, add or remove who can decrypt the token.
    #[command(subcommand)]
    Recipients(RecipientsCommand),

    /// Create an age identity (private key) for decrypting tokens.
    #[command(after_help = "\
Examples:
  ghenv keygen                           ~/.config/ghenv/identity.txt; prints the public key
  ghenv keygen --output ci-key.txt       for a CI secret (GHENV_IDENTITY)")]
    Keygen(KeygenArgs),

    /// Print the public key of an identity.
    #[command(after_help = "\
Examples:
  ghenv pubkey                           of the default identity
  ghenv pubkey -i ci-key.txt")]
    Pubkey(PubkeyArgs),

    /// Show the scopes a project needs, what each allows, and the URL that creates such a token.
    #[command(after_help = "\
Examples:
  ghenv scopes                           the course's scopes
  ghenv scopes --template plain --open   open GitHub's new-token page with them ticked")]
    Scopes(ScopesArgs),

    /// Find GitHub tokens in files (default: the files git tracks); exit 1 if any.
    #[command(after_help = "\
Examples:
  ghenv scan                             every file git tracks
  ghenv scan --staged                    what the next commit would add (the pre-commit hook)
  ghenv scan --history                   every blob of every branch, tag and stash, each once
  ghenv scan src/ notes.txt --json
Classic-format tokens are confirmed by their checksum, fine-grained ones by shape.")]
    Scan(ScanArgs),

    /// Revoke leaked tokens through GitHub's credential revocation API; GitHub tells their owners.
    #[command(after_help = "\
Examples:
  ghenv revoke                                     the token in the project's .env
  ghenv scan --history --json | ghenv revoke --from-scan - --yes
  ghenv revoke --token-file leaked.txt             one token per line
Only classic (ghp_) and fine-grained (github_pat_) personal access tokens can be revoked this way.
Exit status: 0 when GitHub accepted every token, 5 when a request failed or was refused.")]
    Revoke(RevokeArgs),

    /// Install or remove the git pre-commit hook that blocks commits containing a token.
    #[command(subcommand)]
    Hook(HookCommand),

    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  ghenv completions bash > ~/.local/share/bash-completion/completions/ghenv
  ghenv completions zsh > \"${fpath[1]}/_ghenv\"
  ghenv completions fish > ~/.config/fish/completions/ghenv.fish")]
    Completions(CompletionsArgs),

    /// Print a man page (roff), or write every page to a folder.
    #[command(after_help = "\
Examples:
  ghenv man > ~/.local/share/man/man1/ghenv.1 && man ghenv
  ghenv man recipients add              the page ghenv-recipients-add(1)
  ghenv man --dir ~/.local/share/man/man1   ghenv.1 and a page for every command")]
    Man(ManArgs),

    /// List the project templates (built in, and from --template-dir).
    #[command(after_help = "\
Examples:
  ghenv templates
  ghenv templates --template-dir ./my-templates --json")]
    Templates(TemplatesArgs),
}

// Where the project is. Without `-C`, ghenv walks up from the current
// folder to the nearest `config.toml`, stopping at the git work-tree root.
#[derive(Debug, Clone, Default, Args)]
pub struct ProjectArgs {
    /// The project folder [default: the nearest folder upwards with a config.toml, else the current one].
    #[arg(short = 'C', long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Also look for templates (NAME.toml) in this folder.
    #[arg(long, value_name = "DIR")]
    pub template_dir: Option<PathBuf>,
}

// How to print the result.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct OutputArgs {
    /// Print one JSON document with the result on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A template name: any name is taken (templates of your own live in
/// `--template-dir`), and the built-in ones are offered to shell completion.
#[derive(Debug, Clone, Copy)]
pub struct TemplateName;

impl clap::builder::TypedValueParser for TemplateName {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            crate::render::BUILTIN_NAMES
                .iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

// Where the token comes from, besides the environment and the prompt.
#[derive(Debug, Clone, Default, Args)]
pub struct TokenSource {
    /// Read the token from the first line of standard input.
    #[arg(long, conflicts_with = "token_file")]
    pub token_stdin: bool,

    /// Read the token from the first line of this file.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
}

// A token made without pasting it: the device flow, or gh's.
#[derive(Debug, Clone, Default, Args)]
pub struct Login {
    /// Create the token in the browser with GitHub's device flow: approve a short code at github.com/login/device.
    #[arg(long, conflicts_with_all = ["token_stdin", "token_file", "from_gh"])]
    pub web: bool,

    /// The OAuth App's client id for --web [env: GHENV_CLIENT_ID]; init records it in config.toml's [github] client_id.
    #[arg(long, value_name = "ID", requires = "web")]
    pub client_id: Option<String>,

    /// Take the GitHub CLI's token (`gh auth token`); refused with a template that puts it into the browser.
    #[arg(long, conflicts_with_all = ["token_stdin", "token_file"])]
    pub from_gh: bool,

    /// With --from-gh: take gh's token even with a template that puts it into the browser bundle.
    #[arg(long, requires = "from_gh")]
    pub expose_gh_token: bool,
}

// Which GitHub to talk to, and how long to wait.
#[derive(Debug, Clone, Default, Args)]
pub struct Endpoint {
    /// GraphQL endpoint URL [env: GHENV_GRAPHQL_URL] [default: https://api.github.com/graphql].
    #[arg(long, value_name = "URL", conflicts_with = "host")]
    pub endpoint: Option<String>,

    /// GitHub Enterprise Server host: uses https://HOST/api/graphql.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    /// Give up on GitHub after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

// Which template and scopes.
#[derive(Debug, Clone, Default, Args)]
pub struct TemplateChoice {
    /// The project template (see `ghenv templates`) [default: the one config.toml records, else react].
    #[arg(short, long, value_name = "NAME", value_parser = TemplateName, hide_possible_values = true)]
    pub template: Option<String>,

    /// Required scopes, comma-separated, instead of the template's.
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,

    /// Fail (exit 4) when the token's scopes cannot be listed (fine-grained tokens).
    #[arg(long)]
    pub strict: bool,
}

// `ghenv init`.
#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    /// Where the token comes from.
    #[command(flatten)]
    pub source: TokenSource,

    /// A token made without pasting it.
    #[command(flatten)]
    pub login: Login,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Which template and scopes.
    #[command(flatten)]
    pub template: TemplateChoice,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Skip GitHub: check the token's format only and write validated = false.
    #[arg(long, conflicts_with = "web")]
    pub offline: bool,

    /// How to encrypt the token.
    #[command(flatten)]
    pub lock: LockArgs,

    /// Identities that decrypt the current [secret], to check its recipients.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// With no token given: open GitHub's new-token page (scopes ticked) in the browser.
    #[arg(long)]
    pub open: bool,

    /// Install the git pre-commit hook that blocks commits containing a token.
    #[arg(long)]
    pub hook: bool,

    /// Set the app up for `ghenv proxy`: the browser gets only the proxy's URL (react and vite templates).
    #[arg(long)]
    pub proxy: bool,

    /// Try the course's operations with the new token (`ghenv probe`); on by default for a fine-grained token.
    #[arg(long, conflicts_with = "no_probe")]
    pub probe: bool,

    /// Do not try the course's operations, even for a fine-grained token.
    #[arg(long)]
    pub no_probe: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// How to encrypt the token into config.toml.
#[derive(Debug, Clone, Default, Args)]
pub struct LockArgs {
    /// Also encrypt the token with age into config.toml's [secret] (safe to commit).
    #[arg(long)]
    pub encrypt: bool,

    /// Encrypt to this recipient: age1… or an SSH public key line (repeatable; implies --encrypt).
    #[arg(short = 'r', long = "recipient", value_name = "RECIPIENT")]
    pub recipients: Vec<String>,

    /// Encrypt to the recipients in this file, one a line (repeatable; implies --encrypt).
    #[arg(short = 'R', long = "recipients-file", value_name = "PATH")]
    pub recipients_files: Vec<PathBuf>,

    /// Encrypt to the SSH keys this GitHub user shows at https://github.com/USER.keys (repeatable; implies --encrypt).
    #[arg(long = "github", value_name = "USER")]
    pub github: Vec<String>,

    /// Encrypt with a passphrase (asked twice, or GHENV_PASSPHRASE) instead of recipients.
    #[arg(long, conflicts_with_all = ["recipients", "recipients_files", "github"])]
    pub passphrase: bool,

    /// With --encrypt: do not write .env (the token then lives only in config.toml).
    #[arg(long)]
    pub no_env: bool,

    /// Encrypt to recipients in config.toml you have not accepted on this machine, without asking.
    #[arg(long)]
    pub accept_recipients: bool,

    /// With --github: encrypt to the keys GitHub lists without asking (they are printed with their fingerprints).
    #[arg(long)]
    pub yes: bool,

    /// Go on even when no key on this machine could decrypt the token afterwards.
    #[arg(long)]
    pub force: bool,
}

// Identities to decrypt with.
#[derive(Debug, Clone, Default, Args)]
pub struct IdentityArgs {
    /// Decrypt with this identity: an age identity file or an unencrypted SSH private key (repeatable).
    #[arg(short = 'i', long = "identity", value_name = "PATH")]
    pub identities: Vec<PathBuf>,
}

// `ghenv check`.
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Where the token comes from.
    #[command(flatten)]
    pub source: TokenSource,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Which template and scopes.
    #[command(flatten)]
    pub template: TemplateChoice,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Identities, for a token only in [secret].
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Also try the course's and the app's operations with the token (`ghenv probe`).
    #[arg(long)]
    pub probe: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv probe`.
#[derive(Debug, Clone, Default, Args)]
pub struct ProbeArgs {
    /// Where the token comes from.
    #[command(flatten)]
    pub source: TokenSource,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Identities, for a token only in [secret].
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Leave out the app's own GraphQL documents (no schema is fetched).
    #[arg(long)]
    pub no_app: bool,

    /// Fetch GitHub's schema again instead of using the cached copy.
    #[arg(long)]
    pub refresh: bool,

    /// Fail (exit 4) also when GitHub's answer for an operation cannot be read as yes or no.
    #[arg(long)]
    pub strict: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv schema`.
#[derive(Debug, Clone, Default, Args)]
pub struct SchemaArgs {
    /// Where the token comes from.
    #[command(flatten)]
    pub source: TokenSource,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Identities, for a token only in [secret].
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Write it to this file (and a .graphqlrc.yml pointing at it when the project has no graphql-config yet).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The introspection answer (JSON, for codegen) instead of SDL.
    #[arg(long)]
    pub introspection: bool,

    /// Fetch the schema again instead of using the cached copy.
    #[arg(long)]
    pub refresh: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv doctor`.
#[derive(Debug, Clone, Default, Args)]
pub struct DoctorArgs {
    /// Skip the token group (no request to GitHub).
    #[arg(long)]
    pub offline: bool,

    /// Do not try the course's and the app's operations (one request to GitHub instead of three or four).
    #[arg(long)]
    pub no_probe: bool,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Identities, to check [secret].
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv unlock`.
#[derive(Debug, Clone, Default, Args)]
pub struct UnlockArgs {
    /// Identities to decrypt with.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Replace a different token the env file holds without asking.
    #[arg(long)]
    pub replace: bool,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv run`.
#[derive(Debug, Clone, Default, Args)]
pub struct RunArgs {
    /// Identities to decrypt with.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// The command and its arguments, after `--`.
    #[arg(required = true, last = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

// `ghenv proxy`.
#[derive(Debug, Clone, Default, Args)]
pub struct ProxyArgs {
    /// The port to listen on.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,

    /// Listen on this address instead of 127.0.0.1 (another machine could then use the token).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Also let pages from this origin use the proxy (repeatable; loopback pages always can).
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,

    /// With --listen, also serve requests whose Host is this name or address, as other machines reach the proxy (repeatable).
    #[arg(long, value_name = "NAME", value_parser = host_name)]
    pub allow_host: Vec<String>,

    /// Also forward requests without an Origin header (curl, scripts, desktop clients): any program on this machine, any user's, can then use the token.
    #[arg(long)]
    pub allow_no_origin: bool,

    /// Also serve GraphiQL at the proxy's address (http://127.0.0.1:PORT/): its queries go through the proxy, so the browser never holds the token.
    #[arg(long)]
    pub graphiql: bool,

    /// Open GraphiQL in the browser once the proxy listens (with --graphiql).
    #[arg(long, requires = "graphiql")]
    pub open: bool,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Identities to decrypt [secret] with.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// A command to start beside the proxy (after `--`); the proxy stops when it exits.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

/// A `--allow-host` value as the `Host` header names it: a lower-case DNS
/// name, an IPv4 address, or an IPv6 address in brackets; no port.
fn host_name(value: &str) -> Result<String, String> {
    let bare = value.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::Ipv6Addr>() {
        return Ok(format!("[{ip}]"));
    }
    let name_like = !value.is_empty()
        && value.len() <= 253
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if name_like {
        Ok(value.to_ascii_lowercase())
    } else {
        Err("give a host name or an IP address, without a port (e.g. my-laptop.local)".into())
    }
}

// `ghenv rotate`.
#[derive(Debug, Clone, Default, Args)]
pub struct RotateArgs {
    /// Identities that decrypt the current token, to check its recipients.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Encrypt to recipients in config.toml you have not accepted on this machine, without asking.
    #[arg(long)]
    pub accept_recipients: bool,

    /// Where the new token comes from.
    #[command(flatten)]
    pub source: TokenSource,

    /// A new token made without pasting it.
    #[command(flatten)]
    pub login: Login,

    /// Which GitHub.
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `ghenv recipients`.
#[derive(Debug, Clone, Subcommand)]
#[command(defer = true)]
pub enum RecipientsCommand {
    /// Print the recipients the token is encrypted to.
    #[command(after_help = "Example:\n  ghenv recipients list --json")]
    List(RecipientsListArgs),
    /// Add recipients and re-encrypt the token (needs an identity that can decrypt it now).
    #[command(
        after_help = "Examples:\n  ghenv recipients add age1teammate…\n  ghenv recipients add --github alice   her SSH keys from https://github.com/alice.keys\n  ghenv recipients add -R bob.keys"
    )]
    Add(RecipientsChangeArgs),
    /// Remove recipients and re-encrypt the token to the others.
    #[command(
        after_help = "Examples:\n  ghenv recipients remove age1former…\n  ghenv recipients remove --github alice   every key added with --github alice"
    )]
    Remove(RecipientsChangeArgs),
}

// `ghenv allow`.
#[derive(Debug, Clone, Default, Args)]
pub struct AllowArgs {
    /// Identities to decrypt [secret] with, to accept the token it holds.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv recipients list`.
#[derive(Debug, Clone, Default, Args)]
pub struct RecipientsListArgs {
    /// Identities to check the recipients with (by decrypting the token).
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv recipients add|remove`.
#[derive(Debug, Clone, Default, Args)]
pub struct RecipientsChangeArgs {
    /// Recipients: age1… or SSH public key lines.
    #[arg(value_name = "RECIPIENT")]
    pub recipients: Vec<String>,

    /// Recipients from a file, one a line (repeatable).
    #[arg(short = 'R', long = "recipients-file", value_name = "PATH")]
    pub recipients_files: Vec<PathBuf>,

    /// add: the SSH keys this GitHub user shows at https://github.com/USER.keys; remove: the keys added that way (repeatable).
    #[arg(long = "github", value_name = "USER")]
    pub github: Vec<String>,

    /// With --github: a GitHub Enterprise Server host (https://HOST/USER.keys).
    #[arg(long, value_name = "HOST", requires = "github")]
    pub host: Option<String>,

    /// With --github: give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Keep recipients in config.toml you have not accepted on this machine, without asking.
    #[arg(long)]
    pub accept_recipients: bool,

    /// add --github: use the keys GitHub lists without asking (they are printed with their fingerprints).
    #[arg(long)]
    pub yes: bool,

    /// Go on even when no key on this machine could decrypt the token afterwards.
    #[arg(long)]
    pub force: bool,

    /// Identities that can decrypt the token now.
    #[command(flatten)]
    pub identity: IdentityArgs,

    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv keygen`.
#[derive(Debug, Clone, Default, Args)]
pub struct KeygenArgs {
    /// Where to write the identity [default: $XDG_CONFIG_HOME/ghenv/identity.txt].
    #[arg(short, long = "output", value_name = "PATH")]
    pub output_path: Option<PathBuf>,

    /// Replace an existing identity (tokens encrypted to it can then no longer be decrypted with it).
    #[arg(long)]
    pub force: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv pubkey`.
#[derive(Debug, Clone, Default, Args)]
pub struct PubkeyArgs {
    /// The identity [default: $XDG_CONFIG_HOME/ghenv/identity.txt].
    #[arg(short = 'i', long = "identity", value_name = "PATH")]
    pub identity: Option<PathBuf>,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv scopes`.
#[derive(Debug, Clone, Default, Args)]
pub struct ScopesArgs {
    /// Which template and scopes.
    #[command(flatten)]
    pub template: TemplateChoice,

    /// Which GitHub (its host is where tokens are created).
    #[command(flatten)]
    pub endpoint: Endpoint,

    /// Where the project is (its template is the default).
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Open the new-token URL in the browser.
    #[arg(long)]
    pub open: bool,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv scan`.
#[derive(Debug, Clone, Default, Args)]
pub struct ScanArgs {
    /// Files or folders to scan (folders honour .gitignore) [default: the files git tracks].
    #[arg(value_name = "PATH", conflicts_with = "staged")]
    pub paths: Vec<PathBuf>,

    /// Scan the staged content, as it will be committed.
    #[arg(long, conflicts_with = "history")]
    pub staged: bool,

    /// Scan every blob reachable from any branch, tag or stash, each once.
    #[arg(long, conflicts_with = "paths")]
    pub history: bool,

    /// With --history: only what came after this commit (or ref).
    #[arg(long, value_name = "REV", requires = "history")]
    pub since: Option<String>,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv revoke`.
#[derive(Debug, Clone, Default, Args)]
pub struct RevokeArgs {
    /// Read the tokens from standard input, one or more per line.
    #[arg(long, conflicts_with_all = ["token_file", "from_scan"])]
    pub token_stdin: bool,

    /// Read the tokens from this file, one or more per line.
    #[arg(long, value_name = "PATH", conflicts_with = "from_scan")]
    pub token_file: Option<PathBuf>,

    /// The tokens a `ghenv scan --json` found (`-` for standard input), read again from the files or blobs it names.
    #[arg(long, value_name = "FILE")]
    pub from_scan: Option<PathBuf>,

    /// Revoke without asking (needed when standard input is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Give up on a request after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Where the project is (for its .env, when no tokens are given).
    #[command(flatten)]
    pub project: ProjectArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `ghenv hook`.
#[derive(Debug, Clone, Subcommand)]
#[command(defer = true)]
pub enum HookCommand {
    /// Install a pre-commit hook that runs `ghenv scan --staged`.
    #[command(
        after_help = "Examples:\n  ghenv hook install\n  ghenv hook install --force   keep the existing hook, chained after ghenv's check"
    )]
    Install(HookArgs),
    /// Remove ghenv's pre-commit hook and restore the one it replaced.
    #[command(after_help = "Example:\n  ghenv hook uninstall")]
    Uninstall(HookUninstallArgs),
}

// The repository a hook command works on.
#[derive(Debug, Clone, Default, Args)]
pub struct RepoArgs {
    /// The repository folder [default: the current folder].
    #[arg(short = 'C', long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

// `ghenv hook install`.
#[derive(Debug, Clone, Default, Args)]
pub struct HookArgs {
    /// Install even if a pre-commit hook exists: it is kept and runs after ghenv's check.
    #[arg(long)]
    pub force: bool,

    /// The repository.
    #[command(flatten)]
    pub repo: RepoArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv hook uninstall`.
#[derive(Debug, Clone, Default, Args)]
pub struct HookUninstallArgs {
    /// The repository.
    #[command(flatten)]
    pub repo: RepoArgs,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

// `ghenv completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

// `ghenv man`.
#[derive(Debug, Clone, Default, Args)]
pub struct ManArgs {
    /// The command whose page to print (e.g. `init`, `recipients add`) [default: ghenv's].
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,

    /// Write ghenv.1 and a page for every command (ghenv-init.1, ...) into this folder.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

// `ghenv templates`.
#[derive(Debug, Clone, Default, Args)]
pub struct TemplatesArgs {
    /// Also list templates (NAME.toml) in this folder.
    #[arg(long, value_name = "DIR")]
    pub template_dir: Option<PathBuf>,

    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Whether the command being run asked for JSON output. Every command that
/// can print JSON flattens [`OutputArgs`], so its flag has the id `json`:
/// reading it from the innermost subcommand's matches needs no list of
/// commands, and a command without the flag (`run`, `proxy`, ...) says no.
/// Call it before the matches are turned into [`Cli`], which takes the
/// values out of them.
pub fn wants_json(matches: &clap::ArgMatches) -> bool {
    let mut leaf = matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    matches!(leaf.try_get_one::<bool>("json"), Ok(Some(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn json_of(args: &[&str]) -> bool {
        let mut cmd = Cli::command();
        let matches = cmd.try_get_matches_from_mut(args).unwrap();
        wants_json(&matches)
    }

    #[test]
    fn json_is_read_from_the_command_run_at_any_depth() {
        assert!(json_of(&["ghenv", "check", "--json"]));
        assert!(json_of(&["ghenv", "recipients", "list", "--json"]));
        assert!(json_of(&["ghenv", "hook", "uninstall", "--json"]));
        assert!(json_of(&["ghenv", "probe", "--json"]));
        assert!(!json_of(&["ghenv", "check"]));
        assert!(!json_of(&["ghenv", "-q", "recipients", "list"]));
        // Commands without the flag: no JSON, and no panic for a missing id.
        assert!(!json_of(&["ghenv", "run", "--", "env"]));
        assert!(!json_of(&["ghenv", "completions", "bash"]));
    }

    /// The flag keeps the id `wants_json` reads, on every command that has it.
    #[test]
    fn every_json_flag_has_the_id_json() {
        fn walk(cmd: &clap::Command) {
            for arg in cmd.get_arguments() {
                if arg.get_long() == Some("json") {
                    assert_eq!(arg.get_id(), "json", "{}", cmd.get_name());
                }
            }
            cmd.get_subcommands().for_each(walk);
        }
        let mut cmd = Cli::command();
        cmd.build();
        walk(&cmd);
    }

    #[test]
    fn token_sources_conflict() {
        let r = Cli::try_parse_from(["ghenv", "init", "--token-stdin", "--token-file", "x"]);
        assert_eq!(r.unwrap_err().exit_code(), 2);
    }

    #[test]
    fn there_is_no_token_flag() {
        for flag in ["--token", "--pat"] {
            assert!(Cli::try_parse_from(["ghenv", "init", flag, "ghp_x"]).is_err());
        }
    }
}
