//! `ghenv run -- CMD`: decrypt the token in memory and run CMD with the
//! variables the template renders from it in its environment, and nothing
//! else from any file: the env file may be a pusher's (a committed `.env`
//! a `git pull` put in place), and a line such as `LD_PRELOAD=./evil.so`
//! or `NODE_OPTIONS=--require ./evil.js` would run their code with the
//! token. No plaintext file is written. ghenv execs CMD, so CMD's exit
//! status and signals are its own.

use std::ffi::OsString;
use std::process::Command;

use crate::endpoint::EndpointOptions;
use crate::error::{Error, Result};
use crate::output::Io;
use crate::project::{Location, Project};
use crate::render;
use crate::report::Boxed;
use crate::secret::{self, Identities};
use crate::source;

/// What `run` is asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Where the project is.
    pub location: Location,
    /// `-i`.
    pub identity: Identities,
    /// CMD and its arguments.
    pub command: Vec<OsString>,
}

/// Runs `ghenv run`. Returns only on failure.
///
/// # Errors
/// Decryption errors (6), no token (2), a malformed token (3), or CMD that
/// cannot be started ([`Error::Exec`]).
pub fn run(opts: &RunOptions, io: &mut Io) -> Result<Boxed> {
    let e = exec(opts, io)?;
    Err(e)
}

/// Builds CMD's environment and execs it; returns the error when it cannot.
///
/// # Errors
/// As [`run`].
pub fn exec(opts: &RunOptions, io: &mut Io) -> Result<Error> {
    let project = Project::open(&opts.location)?;
    let template = project.template(None)?;
    crate::accept::settings(io, &project, &template, false)?;
    // The endpoint run and unlock hand to the app follows the same trust
    // rules as the one ghenv sends the token to.
    let endpoint = EndpointOptions::default().resolve(io, Some(&project))?;
    let ctx = project.recorded_context(&template, endpoint.to_string())?;

    let (token, _) = super::project_token(&project, &template, &opts.identity, "run", io)?;
    // Before anything else is printed, so the job's log never shows it.
    io.mask_in_ci(token.expose_secret());
    let rendered_env = render::render_env(&template, &ctx, token.expose_secret())?;

    let program = &opts.command[0];
    let mut cmd = Command::new(crate::platform::program(program));
    cmd.args(&opts.command[1..]);
    secret::withhold_keys(&mut cmd);
    // Only the template's variables: the rest of the env file is the app's
    // to read (its dev server or dotenv does), and never ghenv's to put
    // into a process environment.
    for item in dotenvy::from_read_iter(rendered_env.as_bytes()) {
        let (key, value) = item.map_err(|e| Error::TemplateInvalid {
            name: template.name.clone(),
            message: format!("its env does not parse: {}", source::dotenv_detail(&e)),
        })?;
        let value = zeroize::Zeroizing::new(value);
        if is_loader_variable(&key) {
            return Err(Error::TemplateInvalid {
                name: template.name.clone(),
                message: format!(
                    "it sets {}, which makes programs load code: ghenv run never exports it",
                    crate::text::sanitize(&key)
                ),
            });
        }
        cmd.env(&key, value.as_str());
    }
    drop(rendered_env);
    drop(token);
    Ok(replace_process(cmd, program))
}

/// Whether `key` makes the dynamic loader, Node.js or a shell load code:
/// never exported from anything a repository holds.
fn is_loader_variable(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    ["LD_", "DYLD_"].iter().any(|p| key.starts_with(p))
        || [
            "NODE_OPTIONS",
            "BASH_ENV",
            "ENV",
            "PERL5OPT",
            "PYTHONSTARTUP",
            "RUBYOPT",
        ]
        .contains(&key.as_str())
}

/// Replaces ghenv with CMD (on Windows: runs it and exits with its code),
/// so CMD's exit status and signals are its own. Returns only when that
/// fails.
fn replace_process(cmd: Command, program: &std::ffi::OsStr) -> Error {
    let source = crate::platform::exec(cmd);
    Error::Exec {
        program: program.to_string_lossy().into_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_token_nothing_is_started() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("started");
        let (mut io, _) = Io::test();
        let opts = RunOptions {
            location: Location {
                dir: Some(dir.path().to_path_buf()),
                template_dir: None,
            },
            identity: Identities::default(),
            command: vec!["touch".into(), marker.clone().into()],
        };
        let e = exec(&opts, &mut io).err().unwrap();
        assert_eq!(e.kind(), "no_token");
        assert!(!marker.exists());
    }
}
