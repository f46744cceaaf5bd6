//! `ghenv man`: the man pages, rendered by clap_mangen from the command
//! definitions: `ghenv(1)`, and one page per command (`ghenv-init(1)`,
//! `ghenv-recipients-add(1)`, ...), which `ghenv(1)` refers to.

use std::path::Path;

use crate::error::{Error, Result};
use crate::report::{Boxed, Text};
use crate::write::{self, Change};

/// What `man` is asked to do.
#[derive(Debug, Clone)]
pub struct ManOptions {
    /// ghenv's command definitions, as clap has them.
    pub root: clap::Command,
    /// The command whose page to print (`recipients add`); none: ghenv(1).
    pub command: Vec<String>,
    /// `--dir`: write every page there instead.
    pub dir: Option<std::path::PathBuf>,
}

/// Runs `ghenv man`.
///
/// # Errors
/// An unknown command, or a page that cannot be written.
pub fn run(args: &ManOptions) -> Result<Boxed> {
    let root = args.root.clone();
    if let Some(dir) = &args.dir {
        return write_all(&root, dir);
    }
    let mut cmd = root;
    let mut name = String::from("ghenv");
    for word in &args.command {
        let sub = cmd
            .find_subcommand(word)
            .cloned()
            .ok_or_else(|| Error::UnknownCommand(format!("{name} {word}")))?;
        name = format!("{name}-{word}");
        cmd = sub;
    }
    Ok(Box::new(Text(render(cmd, &name)?)))
}

/// The exit codes, the same for every command (the table in
/// docs/troubleshooting.md).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
success (scan: nothing found)
.TP
\fB1\fR
scan: a token was found; doctor: a check failed
.TP
\fB2\fR
usage: bad flags or arguments, no token found, unknown template, no config.toml where one is needed
.TP
\fB3\fR
the token is malformed or GitHub rejected it
.TP
\fB4\fR
the token lacks required scopes
.TP
\fB5\fR
GitHub unreachable or misbehaving (network, timeout, 5xx, rate limit, redirect)
.TP
\fB6\fR
encryption or decryption failed
.TP
\fB7\fR
refusing to write (or to use what config.toml asks before you accepted it), or a file cannot be read or written
.TP
\fB126\fR, \fB127\fR
run: the command could not be executed, or was not found
"#;

/// The page of `cmd`, titled `name`, with the exit codes.
fn render(cmd: clap::Command, name: &str) -> Result<String> {
    let mut text = Vec::new();
    clap_mangen::Man::new(cmd.name(name.to_owned()))
        .render(&mut text)
        .map_err(|e| Error::io("render", "the man page", e))?;
    let mut page = String::from_utf8_lossy(&text).into_owned();
    page.push_str(EXIT_STATUS);
    Ok(page)
}

/// Every page, as `name.1`, into `dir`, made first if it does not exist
/// (`~/.local/share/man/man1` often does not).
fn write_all(root: &clap::Command, dir: &Path) -> Result<Boxed> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let mut pages = Vec::new();
    // Built, so that clap's own `help` subcommands, which the pages list
    // too, exist.
    let mut root = root.clone();
    root.build();
    collect(root, "ghenv", &mut pages)?;
    let mut changes = Vec::new();
    let mut names = Vec::new();
    for (name, text) in pages {
        let path = dir.join(format!("{name}.1"));
        let existing = write::read_existing(&path)?;
        changes.push(Change::new(
            path,
            existing.as_ref(),
            zeroize::Zeroizing::new(text),
            false,
        ));
        names.push(format!("{name}.1"));
    }
    write::commit(&changes)?;
    Ok(Box::new(Text(format!(
        "{}\n",
        names
            .iter()
            .map(|n| dir.join(n).display().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    ))))
}

fn collect(cmd: clap::Command, name: &str, pages: &mut Vec<(String, String)>) -> Result<()> {
    // A `help` command's page is written (the parent's page lists it), but
    // not the pages of what it can show help for: those exist already.
    if cmd.get_name() == "help" {
        // Its own subcommands mirror the parent's: the page names them
        // by a positional argument instead of pages of their own.
        let plain = clap::Command::new("help")
            .about(cmd.get_about().cloned().unwrap_or_default())
            .arg(
                clap::Arg::new("COMMAND")
                    .num_args(0..)
                    .help("The command to show the help of"),
            );
        pages.push((name.to_owned(), render(plain, name)?));
        return Ok(());
    }
    for sub in cmd.get_subcommands() {
        collect(sub.clone(), &format!("{name}-{}", sub.get_name()), pages)?;
    }
    pages.push((name.to_owned(), render(cmd, name)?));
    Ok(())
}
