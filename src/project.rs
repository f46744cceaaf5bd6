//! The project: its folder (found by walking up to the nearest
//! `config.toml`, as cargo finds `Cargo.toml`), `config.toml`, the
//! template it records, the env file and token variable, the endpoint and
//! the recipients. Every command asks a [`Project`]; nothing else reads
//! `config.toml` or resolves `[env]`.

use std::path::{Component, Path, PathBuf};

use zeroize::Zeroizing;

use crate::config::{self, Config, SecretSection};
use crate::envfile::{self, Rewrite};
use crate::error::{EndpointProblem, Error, Result};
use crate::github;
use crate::render::{self, Context, Template};
use crate::write::{self, Change, Existing};

/// The env file's default name.
pub const ENV_FILE: &str = ".env";
/// The example file's name.
pub const EXAMPLE_FILE: &str = ".env.example";
/// Git's ignore file.
pub const GITIGNORE: &str = ".gitignore";

/// A project folder and what its `config.toml` says.
#[derive(Debug)]
pub struct Project {
    dir: PathBuf,
    template_dir: Option<PathBuf>,
    config_file: Option<Existing>,
    config: Option<Config>,
    /// Whether this run accepted the project's settings by first use (see
    /// [`crate::accept::settings`]): then the token it decrypts next is
    /// part of that first use, and is not asked about.
    first_use: std::cell::Cell<bool>,
    /// Whether the folder's config.toml is another tool's.
    foreign: bool,
}

/// The project's files as they are before a command writes them.
pub struct Files {
    /// The env file.
    pub env: Option<Existing>,
    /// `.env.example`.
    pub example: Option<Existing>,
    /// `.gitignore`.
    pub gitignore: Option<Existing>,
}

/// Where to look for the project.
#[derive(Debug, Clone, Default)]
pub struct Location {
    /// `-C DIR`: the project is exactly there.
    pub dir: Option<PathBuf>,
    /// `--template-dir`: also look for templates there.
    pub template_dir: Option<PathBuf>,
}

/// The project folder: `dir` when given (it must be a folder), else the
/// nearest folder from the current one upwards that holds `config.toml`,
/// stopping at the git work-tree root; else the current folder.
///
/// # Errors
/// [`Error::NotAFolder`] or [`Error::FolderUnusable`] for a `dir` that
/// cannot be used.
pub fn find(dir: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = dir {
        return match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => Ok(dir.to_path_buf()),
            Ok(_) => Err(Error::NotAFolder(dir.to_path_buf())),
            Err(source) => Err(Error::FolderUnusable {
                path: dir.to_path_buf(),
                source,
            }),
        };
    }
    let here = PathBuf::from(".");
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(here);
    };
    for (up, folder) in cwd.ancestors().enumerate() {
        if folder.join(config::FILE).exists() && !is_foreign(&folder.join(config::FILE)) {
            return Ok(if up == 0 { here } else { folder.to_path_buf() });
        }
        // The work tree's root: a project never spans two repositories.
        if folder.join(".git").exists() {
            break;
        }
    }
    Ok(here)
}

/// Whether the `config.toml` at `path` is another tool's (see
/// [`config::is_ghenvs`]); an unreadable one is not.
fn is_foreign(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| !config::is_ghenvs(&text))
}

impl Project {
    /// Finds the project (see [`find`]) and reads its `config.toml`.
    ///
    /// # Errors
    /// A folder that cannot be used, or a `config.toml` that is not one
    /// ghenv can use ([`Error::ConfigInvalid`]).
    pub fn open(at: &Location) -> Result<Project> {
        let dir = find(at.dir.as_deref())?;
        let path = dir.join(config::FILE);
        let mut config_file = write::read_existing(&path)?;
        // Another tool's config.toml is none of ghenv's business: not read,
        // and never written (see [`Project::refuse_foreign_config`]).
        let foreign = config_file
            .as_ref()
            .is_some_and(|f| !config::is_ghenvs(&f.text));
        if foreign {
            config_file = None;
        }
        let config = match &config_file {
            Some(found) => Some(
                config::parse(&found.text)
                    .map_err(|problem| Error::ConfigInvalid { path, problem })?,
            ),
            None => None,
        };
        let project = Project {
            dir,
            template_dir: at.template_dir.clone(),
            config_file,
            config,
            first_use: std::cell::Cell::new(false),
            foreign,
        };
        project.sweep_temp_files();
        Ok(project)
    }

    /// Removes the temp files a ghenv killed mid-write left in the project
    /// and beside its env file (they may hold the token), unless another
    /// ghenv is writing there right now.
    fn sweep_temp_files(&self) {
        let env_folder = self
            .env_file()
            .ok()
            .map(|f| self.dir.join(f))
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .filter(|f| *f != self.dir);
        let mut folders = vec![self.dir.as_path()];
        folders.extend(env_folder.as_deref());
        write::sweep_if_idle(&self.dir, &folders);
    }

    /// Whether the folder holds another tool's config.toml (Supabase,
    /// Hugo, Zola, Streamlit), which ghenv leaves alone.
    pub fn has_foreign_config(&self) -> bool {
        self.foreign
    }

    /// Refuses to set a project up where config.toml is another tool's:
    /// ghenv would merge its keys into that file.
    ///
    /// # Errors
    /// [`Error::ForeignConfig`].
    pub fn refuse_foreign_config(&self) -> Result<()> {
        if self.foreign {
            return Err(Error::ForeignConfig(self.config_path()));
        }
        Ok(())
    }

    /// Notes whether this run accepted the project's settings by first use.
    pub fn accepted_by_first_use(&self, yes: bool) {
        self.first_use.set(yes);
    }

    /// Whether this run accepted the project's settings by first use.
    pub fn was_accepted_by_first_use(&self) -> bool {
        self.first_use.get()
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `config.toml`'s path.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join(config::FILE)
    }

    /// `config.toml`, parsed, when there is one.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// `config.toml` as found on disk, when there is one.
    pub fn config_file(&self) -> Option<&Existing> {
        self.config_file.as_ref()
    }

    /// `config.toml`, or an error saying there is nothing to `action`.
    ///
    /// # Errors
    /// [`Error::NoConfig`].
    pub fn require_config(&self, action: &'static str) -> Result<&Config> {
        self.config.as_ref().ok_or_else(|| Error::NoConfig {
            dir: self.dir.clone(),
            action,
        })
    }

    /// `[secret]`, when config.toml has one.
    pub fn secret(&self) -> Option<&SecretSection> {
        self.config.as_ref().and_then(|c| c.secret.as_ref())
    }

    /// `[secret]`, or an error saying how to get one.
    ///
    /// # Errors
    /// [`Error::NoConfig`] or [`Error::NotEncrypted`].
    pub fn require_secret(&self, action: &'static str) -> Result<&SecretSection> {
        self.require_config(action)?
            .secret
            .as_ref()
            .ok_or(Error::NotEncrypted)
    }

    /// The env file's name: `[env] file`, else `.env`. config.toml is
    /// written by anyone who can push, so only a name that cannot lead the
    /// token anywhere else is taken (see [`env_file_problem`]).
    ///
    /// # Errors
    /// [`Error::EnvFileRefused`] naming the line of config.toml.
    pub fn env_file(&self) -> Result<&str> {
        let name = self
            .config
            .as_ref()
            .and_then(|c| c.env.file.as_deref())
            .unwrap_or(ENV_FILE);
        // A folder on the way may be a link: out of the project, or to a
        // folder of the pusher's whose committed env file git, asked about
        // the path through the link, calls untracked.
        let folder = self.dir.join(name);
        let folder = folder.parent().unwrap_or(&self.dir);
        let (stays, direct) = match (
            std::fs::canonicalize(folder),
            std::fs::canonicalize(&self.dir),
        ) {
            (Ok(f), Ok(d)) => {
                let lexical = match Path::new(name).parent() {
                    Some(p) if !p.as_os_str().is_empty() => d.join(p),
                    _ => d.clone(),
                };
                (f.starts_with(&d), f == lexical)
            }
            // A folder that does not exist yet cannot lead anywhere.
            _ => (true, true),
        };
        let why = env_file_problem(name)
            .or((!stays).then_some("leads out of the project through a linked folder"))
            .or((!direct).then_some("goes through a linked folder"));
        match why {
            None => Ok(name),
            Some(why) => Err(Error::EnvFileRefused {
                name: crate::text::sanitize(name).into_owned(),
                line: self
                    .config_file
                    .as_ref()
                    .and_then(|f| env_file_line(&f.text)),
                why,
            }),
        }
    }

    /// The env file's path.
    ///
    /// # Errors
    /// As [`Project::env_file`].
    pub fn env_path(&self) -> Result<PathBuf> {
        Ok(self.dir.join(self.env_file()?))
    }

    /// The template: `name` when given, else the one config.toml records,
    /// else the one init would pick for the app here (its package.json:
    /// `vite` for a Vite app, [`crate::app::template_for`]), else the
    /// default; built in or from `--template-dir`.
    ///
    /// # Errors
    /// [`Error::Template`] when it does not exist or is malformed.
    pub fn template(&self, name: Option<&str>) -> Result<Template> {
        let name = name
            .or_else(|| self.config.as_ref().and_then(|c| c.template.as_deref()))
            .or_else(|| crate::app::inferred_template(&self.dir))
            .unwrap_or(render::DEFAULT_TEMPLATE);
        render::load(name, self.template_dir.as_deref())
    }

    /// The variable that holds the token: `[env] token_var`, else the
    /// template's.
    pub fn token_var(&self, template: &Template) -> String {
        self.config
            .as_ref()
            .and_then(|c| c.env.token_var.clone())
            .unwrap_or_else(|| template.token_var.clone())
    }

    /// The endpoint config.toml records.
    pub fn recorded_endpoint(&self) -> Option<&str> {
        self.config
            .as_ref()
            .and_then(|c| c.github.endpoint.as_deref())
    }

    /// The folder's name, for token descriptions (`ghenv: NAME`).
    pub fn name(&self) -> String {
        std::fs::canonicalize(&self.dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "project".into())
    }

    /// The description new tokens get: `ghenv: NAME`.
    pub fn token_description(&self) -> String {
        format!("ghenv: {}", self.name())
    }

    /// The template context as config.toml recorded it, for commands that
    /// render the env file again without asking GitHub (`unlock`, `run`);
    /// `endpoint` is the one resolved and trusted for this run.
    ///
    /// # Errors
    /// As [`Project::env_file`].
    pub fn recorded_context(&self, template: &Template, endpoint: String) -> Result<Context> {
        let g = self
            .config
            .as_ref()
            .map(|c| c.github.clone())
            .unwrap_or_default();
        Ok(Context {
            template: template.name.clone(),
            endpoint,
            login: g.login,
            name: None,
            scopes: g.scopes,
            required_scopes: template.scopes.clone(),
            token_type: g.token_type.unwrap_or_default(),
            validated: g.validated.unwrap_or(false),
            validated_at: g.validated_at,
            expires_at: g.expires_at,
            env_file: self.env_file()?.to_owned(),
            token_var: self.token_var(template),
            folder: self.name(),
            client_id: None,
        })
    }

    /// Reads the files a writing command changes, refusing what ghenv must
    /// not rewrite: an env file tracked by git, links, directories.
    ///
    /// # Errors
    /// [`Error::EnvTracked`], the refusals of [`write::read_existing`], or
    /// [`Error::Io`].
    pub fn files(&self) -> Result<Files> {
        self.refuse_tracked_env()?;
        let env_file = self.env_file()?;
        Ok(Files {
            env: write::read_existing(&self.dir.join(env_file))?,
            example: write::read_existing(&self.dir.join(EXAMPLE_FILE))?,
            gitignore: write::read_existing(&self.dir.join(GITIGNORE))?,
        })
    }

    /// Refuses an env file git tracks: a token written there would be
    /// committed, and a token (or any variable) read from there may be a
    /// pusher's, who committed it with `git add -f` for `git pull` to put
    /// in place of the user's own.
    ///
    /// # Errors
    /// [`Error::EnvTracked`], naming the commit that last changed it.
    pub fn refuse_tracked_env(&self) -> Result<()> {
        let env_file = self.env_file()?;
        if crate::git::tracked(&self.dir, Path::new(env_file))? {
            return Err(Error::EnvTracked {
                path: self.dir.join(env_file),
                changed_by: crate::git::changed_by(&self.dir, Path::new(env_file), None),
            });
        }
        Ok(())
    }

    /// Locks the project folder for writing (see [`write::lock_folder`]),
    /// then reads `config.toml` and the other files again: whatever another
    /// ghenv or the user wrote while this one waited for GitHub or a prompt
    /// is merged, not lost.
    ///
    /// # Errors
    /// As [`write::lock_folder`], [`Project::files`], and
    /// [`Error::ConfigInvalid`].
    pub fn lock_and_reread(&self) -> Result<(write::FolderLock, Option<Existing>, Files)> {
        let lock = write::lock_folder(&self.dir)?;
        if let Some(folder) = self.env_path().ok().as_deref().and_then(Path::parent) {
            write::sweep(folder);
        }
        let path = self.config_path();
        let config_file = write::read_existing(&path)?;
        if let Some(found) = &config_file {
            config::parse(&found.text).map_err(|problem| Error::ConfigInvalid { path, problem })?;
        }
        let files = self.files()?;
        Ok((lock, config_file, files))
    }

    /// The change that merges rendered env text into the env file.
    ///
    /// # Errors
    /// As [`Project::env_path`].
    pub fn env_change(
        &self,
        files: &Files,
        rendered: &str,
        retire: &[String],
    ) -> Result<(Change, Vec<Rewrite>)> {
        let path = self.env_path()?;
        let (text, notes) = match &files.env {
            Some(e) => {
                let present = envfile::keys(&e.text);
                let retired: Vec<String> = retire
                    .iter()
                    .filter(|k| present.contains(k))
                    .cloned()
                    .collect();
                let kept = Zeroizing::new(envfile::without(&e.text, &retired));
                let (text, mut notes) = envfile::merge_noting(&kept, rendered);
                notes.extend(retired.into_iter().map(Rewrite::Retired));
                (text, notes)
            }
            None => (rendered.to_owned(), Vec::new()),
        };
        let change = Change::new(path, files.env.as_ref(), Zeroizing::new(text), true);
        Ok((change, notes))
    }

    /// Writes `changes` (planned under the project's lock) so that the env
    /// file is never left where git would commit it: `.gitignore` first,
    /// then, in a repository, git is asked whether the env file is ignored
    /// now (a `.gitignore` deeper down may un-ignore it with `!.env`), and
    /// only then the rest. Refused, the env file is not written.
    ///
    /// # Errors
    /// [`Error::EnvFileRefused`] when git would not ignore the env file,
    /// and the errors of [`write::commit`].
    pub fn commit_guarded(&self, changes: &[Change]) -> Result<()> {
        let env_path = self.env_path()?;
        if !changes.iter().any(|c| c.path == env_path) {
            return write::commit(changes);
        }
        let gitignore = self.dir.join(GITIGNORE);
        let (first, rest): (Vec<&Change>, Vec<&Change>) =
            changes.iter().partition(|c| c.path == gitignore);
        let first: Vec<Change> = first
            .into_iter()
            .filter(|c| c.status != write::Status::Unchanged)
            .cloned()
            .collect();
        let rest: Vec<Change> = rest.into_iter().cloned().collect();
        if !first.is_empty() {
            write::commit(&first)?;
        }
        let name = self.env_file()?;
        if crate::git::in_work_tree(&self.dir)
            && !crate::git::ignored_by_gitignore(&self.dir, Path::new(name))
        {
            return Err(Error::EnvFileRefused {
                name: crate::text::sanitize(name).into_owned(),
                line: self
                    .config_file
                    .as_ref()
                    .and_then(|f| env_file_line(&f.text)),
                why: "would not be ignored by git (a .gitignore un-ignores it), so `git add -A` would commit the token",
            });
        }
        write::commit(&rest)
    }

    /// Tells the user what [`Project::env_change`] rewrote besides values.
    pub fn say_rewrites(&self, io: &mut crate::output::Io, notes: &[Rewrite]) {
        let file = self.env_file().unwrap_or(ENV_FILE);
        for note in notes {
            match note {
                Rewrite::DroppedExport(key) => io.warn(&format!(
                    "rewrote `export {key}=` as `{key}=` in {file}: Create React App reads .env with a dotenv that skips `export` lines, so the app would not see it"
                )),
                Rewrite::DroppedBom => io.warn(&format!(
                    "removed the byte-order mark at the start of {file}: some readers take it as part of the first variable's name"
                )),
                Rewrite::Retired(key) => io.say(&format!(
                    "Removed {key} from {file}: it held the token for the previous template, and a copy nobody updates would outlive the next rotate."
                )),
            }
        }
    }

    /// The change that makes `.gitignore` ignore the env file, and the
    /// `.env.local` and `.env.*.local` files Vite and Create React App load
    /// (where tokens end up too), for those it does not ignore yet.
    ///
    /// # Errors
    /// As [`Project::env_file`].
    pub fn gitignore_change(&self, files: &Files) -> Result<Option<Change>> {
        let env_file = self.env_file()?;
        // Each pattern, and a name git is asked about for it.
        let wanted = [
            (env_file, env_file),
            (".env.local", ".env.local"),
            (".env.*.local", ".env.development.local"),
            // The temp files a write goes through hold the token until the
            // rename: never committed, even after a crash.
            (write::TEMP_PATTERN, ".ghenv-probe.tmp"),
        ];
        // In a repository git has the last word: when it says a file is not
        // ignored (say `.env` then `!.env`), the entry is added even if the
        // text has one. One git process answers for every name, and none
        // runs outside a work tree.
        let in_repo = crate::git::in_work_tree(&self.dir);
        let probes: Vec<&Path> = wanted.iter().map(|(_, probe)| Path::new(*probe)).collect();
        let ignored = crate::git::ignored_by_gitignores(&self.dir, &probes);
        let existing = files.gitignore.as_ref();
        let mut text: Option<String> = None;
        let mut seen = Vec::new();
        for ((pattern, _), ignored) in wanted.into_iter().zip(ignored) {
            if seen.contains(&pattern) || ignored {
                continue;
            }
            seen.push(pattern);
            let current = text
                .as_deref()
                .or_else(|| existing.map(|g| g.text.as_str()));
            if let Some(next) = write::gitignore_with(current, pattern, in_repo) {
                text = Some(next);
            }
        }
        Ok(text.map(|t| Change::new(self.dir.join(GITIGNORE), existing, Zeroizing::new(t), false)))
    }
}

/// Folders a framework serves or copies into the build: a token there is
/// published with the site.
const SERVED_FOLDERS: [&str; 13] = [
    "public",
    "static",
    "dist",
    "build",
    "out",
    "assets",
    "_site",
    "docs",
    "www",
    ".next",
    ".nuxt",
    ".output",
    "node_modules",
];

/// Why ghenv will not write the token to `name`, or `None` when it may: a
/// relative path inside the project whose file name starts with `.env`,
/// printable, never under `.git/` (a hook there would run, or the token
/// would sit in git's own files) nor in a folder a build serves.
pub fn env_file_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(crate::text::is_unsafe_char) {
        return Some("contains control characters");
    }
    // Windows' path rules, checked on every platform: config.toml is
    // shared, and a name that is harmless on Linux may leave the project,
    // open a device or hide the token in a stream on a teammate's Windows.
    if let Some(why) = windows_name_problem(name) {
        return Some(why);
    }
    let path = Path::new(name);
    let relative = !name.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !relative {
        return Some("is not a relative path inside the project (no `..`, no leading `/`)");
    }
    let folders: Vec<&str> = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    if folders.contains(&".git") {
        return Some("is inside .git/");
    }
    if folders
        .iter()
        .any(|f| SERVED_FOLDERS.iter().any(|s| f.eq_ignore_ascii_case(s)))
    {
        return Some(
            "is in a folder a build serves, bundles or publishes (public/, static/, dist/, build/, out/, assets/, _site/, docs/, www/, .next/, .nuxt/, .output/, node_modules/)",
        );
    }
    let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
    if !file.starts_with(".env") {
        return Some("does not start with .env");
    }
    None
}

/// Windows' reserved device names: a file or folder named so (any case,
/// any extension: `nul.env`, `Con`) is the device, not a file.
const DEVICE_NAMES: &[&str] = &[
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    "COM0",
    "COM1",
    "COM2",
    "COM3",
    "COM4",
    "COM5",
    "COM6",
    "COM7",
    "COM8",
    "COM9",
    "COM\u{b9}",
    "COM\u{b2}",
    "COM\u{b3}",
    "LPT0",
    "LPT1",
    "LPT2",
    "LPT3",
    "LPT4",
    "LPT5",
    "LPT6",
    "LPT7",
    "LPT8",
    "LPT9",
    "LPT\u{b9}",
    "LPT\u{b2}",
    "LPT\u{b3}",
];

/// Why `name` (an `[env] file` value) would not be a plain relative file
/// on Windows: a UNC path, a backslash, a drive letter, an alternate data
/// stream, a device name, or a part ending in a dot or a space (which
/// Windows drops, so it names another file than the one checked).
fn windows_name_problem(name: &str) -> Option<&'static str> {
    if name.starts_with("\\\\") || name.starts_with("//") {
        return Some("is a network (UNC) path");
    }
    if name.contains('\\') {
        return Some("uses `\\` (separate folders with `/`)");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("starts with a drive letter");
    }
    if name.contains(':') {
        return Some("names an alternate data stream (`:`)");
    }
    for part in name
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
    {
        if part.ends_with(['.', ' ']) {
            return Some("has a part that ends in a dot or a space (Windows drops them)");
        }
        let stem = part.split('.').next().unwrap_or("").trim_end_matches(' ');
        if DEVICE_NAMES.iter().any(|d| stem.eq_ignore_ascii_case(d)) {
            return Some("names a Windows device (CON, NUL, COM1, LPT1...)");
        }
    }
    None
}

/// The line of `[env] file` in config.toml's text, for messages.
fn env_file_line(text: &str) -> Option<usize> {
    let mut in_env = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_env = t.trim_start_matches('[').trim_end_matches(']').trim() == "env";
            continue;
        }
        let key = t.split('=').next().unwrap_or("").trim();
        if (in_env && key == "file") || key == "env.file" {
            return Some(i + 1);
        }
    }
    None
}

/// The change that merges rendered `.env`-style text into `path` (for
/// files that hold no token, like `.env.example`).
pub fn merged_change(
    path: PathBuf,
    existing: Option<&Existing>,
    rendered: &str,
    secret: bool,
) -> Change {
    let text = Zeroizing::new(match existing {
        Some(e) => envfile::merge(&e.text, rendered),
        None => rendered.to_owned(),
    });
    Change::new(path, existing, text, secret)
}

/// Checks that the token may be sent to `url`: http(s), plain `http` only
/// to this machine, no credentials in the URL. `origin` names where the URL
/// came from, for the message.
///
/// # Errors
/// [`Error::BadEndpoint`].
pub fn check_endpoint(origin: &'static str, url: &str) -> Result<String> {
    parse_endpoint(origin, url).map(|_| url.to_owned())
}

/// [`check_endpoint`], giving back the URL it parsed.
///
/// # Errors
/// [`Error::BadEndpoint`].
pub fn parse_endpoint(origin: &'static str, url: &str) -> Result<reqwest::Url> {
    let bad = |problem| Error::BadEndpoint {
        origin,
        // A token pasted into the wrong flag is never printed back.
        url: crate::token::redact(url).into_owned(),
        problem,
    };
    if crate::token::looks_like_token(url) {
        return Err(bad(EndpointProblem::LooksLikeToken));
    }
    if url.chars().any(crate::text::is_unsafe_char) {
        return Err(bad(EndpointProblem::ControlCharacters));
    }
    let parsed =
        reqwest::Url::parse(url).map_err(|e| bad(EndpointProblem::NotAUrl(e.to_string())))?;
    match parsed.scheme() {
        "https" => {}
        "http" if github::is_loopback(&parsed) => {}
        "http" => {
            return Err(bad(EndpointProblem::PlainHttp(
                parsed.host_str().unwrap_or("").to_owned(),
            )));
        }
        other => return Err(bad(EndpointProblem::Scheme(other.to_owned()))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(EndpointProblem::Credentials));
    }
    Ok(parsed)
}

/// Which template and scopes, as the flags say.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `--template`: overrides the one config.toml records.
    pub template: Option<String>,
    /// `--scopes`, parsed.
    pub scopes: Option<Vec<String>>,
    /// `--strict`.
    pub strict: bool,
}

impl TemplateOptions {
    /// The template: `--template`, else the project's (see
    /// [`Project::template`]).
    ///
    /// # Errors
    /// [`Error::Template`].
    pub fn template(&self, project: &Project) -> Result<Template> {
        project.template(self.template.as_deref())
    }

    /// The scopes required: `--scopes`, else the template's.
    pub fn required(&self, template: &Template) -> Vec<String> {
        self.scopes
            .clone()
            .unwrap_or_else(|| template.scopes.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_with(config: &str) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(config::FILE), config).unwrap();
        let p = Project::open(&Location {
            dir: Some(dir.path().to_path_buf()),
            template_dir: None,
        })
        .unwrap();
        (dir, p)
    }

    #[test]
    fn env_file_must_stay_inside_the_project() {
        for bad in [
            "../other/.env",
            "/etc/passwd",
            "a/../../b/.env",
            "",
            "cache\n!.env",
            ".git/hooks/pre-commit",
            ".git/.env",
            "public/manifest-data.txt",
            "public/.env",
            "client/build/.env",
            "Static/.env",
            "notes.txt",
            ".env\u{1b}]0;PWN\u{7}",
        ] {
            let quoted = toml_edit::Value::from(bad).to_string();
            let (_d, p) = project_with(&format!("version = 1\n[env]\nfile = {quoted}\n"));
            match p.env_file() {
                Err(Error::EnvFileRefused { line, .. }) => assert_eq!(line, Some(3), "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        for good in [
            ".env",
            ".env.local",
            "client/.env",
            "./web/.env.development",
        ] {
            let (_d, p) = project_with(&format!("[env]\nfile = {good:?}\n"));
            assert_eq!(p.env_file().unwrap(), good);
        }
        let (_d, p) = project_with("[env]\nfile = \"web/.env\"\n");
        assert_eq!(p.env_file().unwrap(), "web/.env");
        let (_d, p) = project_with("");
        assert_eq!(p.env_file().unwrap(), ENV_FILE);
    }

    #[test]
    #[cfg(unix)]
    fn env_file_may_not_leave_through_a_linked_folder() {
        let outside = tempfile::tempdir().unwrap();
        let (d, p) = project_with("[env]\nfile = \"web/.env\"\n");
        std::os::unix::fs::symlink(outside.path(), d.path().join("web")).unwrap();
        assert!(matches!(p.env_file(), Err(Error::EnvFileRefused { .. })));
    }

    #[test]
    fn env_file_names_windows_reads_otherwise_are_refused_everywhere() {
        let why =
            |name: &str| env_file_problem(name).unwrap_or_else(|| panic!("{name:?} accepted"));
        for unc in [
            "\\\\server\\share\\.env",
            "//server/share/.env",
            "\\\\?\\C:\\.env",
        ] {
            assert!(why(unc).contains("UNC"), "{unc}");
        }
        for backslash in ["web\\.env", ".\\.env", "..\\.env", ".env\\"] {
            assert!(why(backslash).contains('\\'), "{backslash}");
        }
        for drive in ["C:.env", "c:/.env", "C:/Users/x/.env", "z:.env"] {
            assert!(why(drive).contains("drive letter"), "{drive}");
        }
        for stream in [".env:stream", ".env:x:$DATA", "web/.env::$DATA"] {
            assert!(why(stream).contains("data stream"), "{stream}");
        }
        for device in [
            "CON/.env",
            "nul/.env",
            "Com1/.env",
            "lpt1.txt/.env",
            "AUX .x/.env",
            "web/PRN/.env",
            "COM\u{b9}/.env",
            "conout$/.env",
        ] {
            assert!(why(device).contains("device"), "{device}");
        }
        for trailing in [".env.", ".env ", "web./.env", "web /.env", ".env.local. "] {
            assert!(why(trailing).contains("dot or a space"), "{trailing}");
        }
        // Names that merely contain a device name, or dots inside, are fine.
        for good in [
            ".env",
            "console/.env",
            "nulls/.env",
            "COM10/.env",
            "./web/.env.local",
        ] {
            assert_eq!(env_file_problem(good), None, "{good}");
        }
        // And the refusal reaches config.toml's reader, with the line.
        let (_d, p) = project_with("[env]\nfile = 'C:\\Users\\x\\.env'\n");
        assert!(matches!(
            p.env_file(),
            Err(Error::EnvFileRefused { line: Some(2), .. })
        ));
    }

    #[test]
    fn token_var_prefers_config_then_template() {
        let (_d, p) = project_with("template = \"vite\"\n");
        let t = p.template(None).unwrap();
        assert_eq!(t.name, "vite");
        assert_eq!(p.token_var(&t), "VITE_GITHUB_PERSONAL_ACCESS_TOKEN");
        let (_d, p) = project_with("template = \"vite\"\n[env]\ntoken_var = \"MINE\"\n");
        assert_eq!(p.token_var(&p.template(None).unwrap()), "MINE");
    }

    #[test]
    fn endpoints_that_would_leak_the_token_are_refused() {
        assert!(check_endpoint("x", "https://api.github.com/graphql").is_ok());
        assert!(check_endpoint("x", "http://127.0.0.1:9/graphql").is_ok());
        assert!(check_endpoint("x", "http://[::1]:9/graphql").is_ok());
        for bad in [
            "http://evil.example/graphql",
            "ftp://x/graphql",
            "https://u:p@api.github.com/graphql",
            "not a url",
        ] {
            assert!(
                matches!(check_endpoint("x", bad), Err(Error::BadEndpoint { .. })),
                "{bad}"
            );
        }
    }
}
