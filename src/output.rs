//! The edges of the process: standard streams, whether they are terminals,
//! colour, the environment, the hidden prompt, the spinner and the browser. Commands take
//! an [`Io`], so these edges are in one place and nothing else prints.

use std::io::{self, BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use secrecy::SecretString;

use crate::error::Error;
use crate::platform;

/// What ghenv sets up before anything else: see
/// [`platform::start_process`] (on Unix, SIGXFSZ ignored so that a write
/// past the file-size limit fails with an error ghenv reports).
pub fn start_process() {
    platform::start_process();
}

/// Gives the process the default signal dispositions back, right before it
/// spawns a command that should behave as it would without ghenv.
pub fn child_signals() {
    platform::child_signals();
}

/// Keeps the token out of core dumps while ghenv holds it (see
/// [`platform::forbid_core_dumps`]). Best effort.
pub fn forbid_core_dumps() {
    platform::forbid_core_dumps();
}

/// Opens `url` in the browser ([`platform::open_url`]); says so, or
/// that it could not, on stderr. Never fails: the URL has been printed.
pub fn open_in_browser(io: &mut Io, url: &str, what: &str) {
    let opened = platform::open_url(url);
    if opened {
        io.ok(&format!("Opened {what} in your browser"));
    } else {
        io.warn(&format!("could not open a browser; open {url} yourself"));
    }
}

/// age's description of a passphrase request as a prompt: the isolation
/// marks (U+2066 to U+2069) it puts around names removed, other unsafe
/// characters escaped, and a colon at the end.
pub fn passphrase_prompt(description: &str) -> String {
    let clean: String = description
        .chars()
        .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
        .collect();
    let clean = crate::text::sanitize(clean.trim_end().trim_end_matches(':'));
    format!("{clean}: ")
}

/// Asks for a secret on the terminal without echoing it.
///
/// # Errors
/// When there is no terminal to read from.
pub fn hidden_prompt(prompt: &str) -> io::Result<SecretString> {
    rpassword::prompt_password(prompt).map(SecretString::from)
}

/// Now, to the second, in RFC 3339 (`2026-11-25T08:10:00Z`).
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

/// Whether a stream (a terminal or not) gets colour, as the ecosystem
/// decides it: `CLICOLOR_FORCE` or `FORCE_COLOR` (set, not `0`) forces it,
/// then `NO_COLOR` (set, not empty) or `CLICOLOR=0` turns it off, then
/// `TERM=dumb` does; otherwise a terminal gets colour and anything else not.
pub fn colors(tty: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| var(k).filter(|v| !v.is_empty());
    let forced = |k: &str| set(k).is_some_and(|v| v != "0");
    if forced("CLICOLOR_FORCE") || forced("FORCE_COLOR") {
        return true;
    }
    if set("NO_COLOR").is_some() || set("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    tty && var("TERM").is_none_or(|t| t != "dumb")
}

/// How the user wants to be talked to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verbosity {
    /// `-q`: no human text at all, errors aside.
    pub quiet: bool,
    /// `-v`: also the endpoint, request id and timings.
    pub verbose: bool,
}

type Prompt = Box<dyn FnMut(&str) -> io::Result<SecretString>>;

/// What an [`Io::test`] wrote: stdout and stderr, as text.
#[cfg(test)]
#[derive(Default, Clone)]
pub struct Captured {
    out: Buffer,
    err: Buffer,
}

#[cfg(test)]
impl Captured {
    /// Everything written to stdout.
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.out.0.borrow()).into_owned()
    }

    /// Everything written to stderr.
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.err.0.borrow()).into_owned()
    }
}

/// A byte buffer the test keeps a handle on while the `Io` writes to it.
#[cfg(test)]
#[derive(Default, Clone)]
struct Buffer(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

#[cfg(test)]
impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;

/// Standard streams and process facts, injected into every command.
pub struct Io {
    /// Results: one JSON document with `--json`.
    pub out: Box<dyn Write>,
    /// Messages, warnings, prompts, progress.
    pub err: Box<dyn Write>,
    /// Standard input.
    pub stdin: Box<dyn BufRead>,
    /// Whether standard input is a terminal (so a prompt can be shown).
    pub stdin_tty: bool,
    /// Whether standard error is a terminal (so a spinner can be shown).
    pub stderr_tty: bool,
    /// `-q` / `-v`.
    pub verbosity: Verbosity,
    /// Whether standard error is a regular file (redirected to one).
    pub stderr_is_file: bool,
    env: EnvLookup,
    prompt: Prompt,
    /// Passphrases of SSH keys already asked for this run, by prompt.
    asked: Arc<std::sync::Mutex<std::collections::HashMap<String, SecretString>>>,
}

impl Io {
    /// The real process: stdin, stdout, stderr, the environment and a
    /// prompt on the terminal.
    pub fn process(verbosity: Verbosity) -> Io {
        let var = |k: &str| std::env::var(k).ok();
        let stderr_tty = io::stderr().is_terminal();
        let dumb = var("TERM").is_some_and(|t| t == "dumb");
        // Each stream is coloured by its own kind: `ghenv doctor | cat`
        // gets plain text on stdout even when stderr is a terminal.
        let stream = |tty: bool| {
            if colors(tty, var) {
                anstream::ColorChoice::AlwaysAnsi
            } else {
                anstream::ColorChoice::Never
            }
        };
        let out_choice = stream(io::stdout().is_terminal());
        let err_choice = stream(stderr_tty);
        Io {
            out: Box::new(anstream::AutoStream::new(io::stdout(), out_choice)),
            err: Box::new(anstream::AutoStream::new(io::stderr(), err_choice)),
            stdin: Box::new(io::BufReader::new(io::stdin())),
            stdin_tty: io::stdin().is_terminal(),
            // No spinner where the terminal cannot move the cursor.
            stderr_tty: stderr_tty && !dumb,
            verbosity,
            stderr_is_file: platform::stderr_is_file(),
            env: Box::new(|k| std::env::var(k).ok()),
            prompt: Box::new(hidden_prompt),
            asked: Arc::default(),
        }
    }

    /// An `Io` for unit tests, and what it captured: stdout and stderr go
    /// to in-memory buffers ([`Captured`]), colour is off, standard input is
    /// empty and no terminal, the environment is empty and the hidden
    /// prompt answers nothing. Set what a test needs with [`Io::with_stdin`]
    /// and [`Io::with_env`], or the public fields (`stdin_tty`, `verbosity`).
    #[cfg(test)]
    pub fn test() -> (Io, Captured) {
        let captured = Captured::default();
        let io = Io {
            out: Box::new(anstream::StripStream::new(
                Box::new(captured.out.clone()) as Box<dyn Write>
            )),
            err: Box::new(anstream::StripStream::new(
                Box::new(captured.err.clone()) as Box<dyn Write>
            )),
            stdin: Box::new(io::Cursor::new(Vec::new())),
            stdin_tty: false,
            stderr_tty: false,
            verbosity: Verbosity::default(),
            stderr_is_file: false,
            env: Box::new(|_| None),
            prompt: Box::new(|_| Err(io::Error::other("no terminal in this test"))),
            asked: Arc::default(),
        };
        (io, captured)
    }

    /// With `text` on standard input, a terminal when `tty` (each
    /// question then reads its answer from `text`, a line at a time).
    #[cfg(test)]
    pub fn with_stdin(mut self, text: &str, tty: bool) -> Io {
        self.stdin = Box::new(io::Cursor::new(text.as_bytes().to_vec()));
        self.stdin_tty = tty;
        self
    }

    /// With these answers to the hidden prompt (token, passphrase), given
    /// in order; a prompt after the last fails as a closed terminal does.
    #[cfg(test)]
    pub fn with_hidden_answers(mut self, answers: &[&str]) -> Io {
        let mut answers: std::collections::VecDeque<String> =
            answers.iter().map(|a| (*a).to_owned()).collect();
        self.prompt = Box::new(move |_| {
            answers
                .pop_front()
                .map(SecretString::from)
                .ok_or_else(|| io::Error::other("no more answers in this test"))
        });
        self
    }

    /// With these environment variables, and no others.
    #[cfg(test)]
    pub fn with_env(mut self, vars: &[(&str, &str)]) -> Io {
        let vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.env = Box::new(move |k| vars.get(k).cloned());
        self
    }

    /// Under GitHub Actions (`GITHUB_ACTIONS=true`), tells the runner to
    /// mask `secret` in the job's log: `::add-mask::SECRET`, which the
    /// runner reads and never shows. This is the one place a secret is
    /// written out, on purpose, and only there. The runner reads workflow
    /// commands from a step's stdout and stderr alike (actions/runner,
    /// `ScriptHandler`: one `OutputManager` per stream), so it goes to
    /// stderr, where it cannot break `--json` on stdout; and only when
    /// stderr is a pipe or terminal, never a file a `2> log` redirected it
    /// to, which would then hold the token.
    pub fn mask_in_ci(&mut self, secret: &str) {
        if self.var("GITHUB_ACTIONS").as_deref() == Some("true") && !self.stderr_is_file {
            let _ = writeln!(self.err, "::add-mask::{secret}");
            let _ = self.err.flush();
        }
    }

    /// An environment variable as it is set, empty included.
    pub fn var_raw(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// An environment variable, empty counting as unset.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.trim().is_empty())
    }

    /// Asks for a secret without echoing it.
    ///
    /// # Errors
    /// When there is no terminal to read from.
    pub fn prompt_secret(&mut self, prompt: &str) -> io::Result<SecretString> {
        (self.prompt)(prompt)
    }

    /// How to ask for an SSH key's passphrase: on the terminal, when
    /// standard input is one.
    /// Each key's passphrase is asked once a run, however many recipients
    /// age tries it on, with a prompt that ends in a colon and without the
    /// invisible isolation marks age puts around the key's path.
    pub fn asker(&self) -> Option<crate::crypt::Ask> {
        if !self.stdin_tty {
            return None;
        }
        let asked = Arc::clone(&self.asked);
        Some(Arc::new(move |description: &str| {
            let prompt = passphrase_prompt(description);
            let mut asked = asked.lock().ok()?;
            if let Some(known) = asked.get(&prompt) {
                return Some(known.clone());
            }
            let answer = hidden_prompt(&prompt).ok()?;
            asked.insert(prompt, answer.clone());
            Some(answer)
        }) as crate::crypt::Ask)
    }

    /// Asks a yes/no question on the terminal (default yes). False when
    /// standard input is not a terminal.
    pub fn confirm(&mut self, question: &str) -> bool {
        self.ask(question, true)
    }

    /// Asks a yes/no question on the terminal; an empty answer is
    /// `default`. False when standard input is not a terminal.
    pub fn ask(&mut self, question: &str, default: bool) -> bool {
        if !self.stdin_tty {
            return false;
        }
        let _ = write!(self.err, "{question}");
        let _ = self.err.flush();
        let mut answer = String::new();
        if self.stdin.read_line(&mut answer).is_err() {
            return false;
        }
        match answer.trim().to_lowercase().as_str() {
            "" => default,
            "y" | "yes" => true,
            _ => false,
        }
    }

    /// `s` styled; the stream it is written to keeps the style on a colour
    /// terminal and strips it anywhere else (see [`Io::process`]).
    fn paint(&self, style: anstyle::Style, s: &str) -> String {
        format!("{style}{s}{style:#}")
    }

    /// Bold, on a colour terminal.
    pub fn bold(&self, s: &str) -> String {
        self.paint(anstyle::Style::new().bold(), s)
    }

    /// Green, on a colour terminal.
    pub fn green(&self, s: &str) -> String {
        self.paint(anstyle::AnsiColor::Green.on_default(), s)
    }

    /// Yellow, on a colour terminal.
    pub fn yellow(&self, s: &str) -> String {
        self.paint(anstyle::AnsiColor::Yellow.on_default(), s)
    }

    /// Red, on a colour terminal.
    pub fn red(&self, s: &str) -> String {
        self.paint(anstyle::AnsiColor::Red.on_default(), s)
    }

    /// Dim, on a colour terminal.
    pub fn dim(&self, s: &str) -> String {
        self.paint(anstyle::Style::new().dimmed(), s)
    }

    /// A line of human text on stderr, unless `--quiet`.
    pub fn say(&mut self, line: &str) {
        if !self.verbosity.quiet {
            // Every command a message names, runnable as printed.
            let line = self.commands(line).into_owned();
            let _ = writeln!(self.err, "{line}");
        }
    }

    /// A success line (`✓ ...`) on stderr, unless `--quiet`.
    pub fn ok(&mut self, line: &str) {
        let mark = self.green("✓");
        self.say(&format!("{mark} {line}"));
    }

    /// A warning on stderr, unless `--quiet`.
    pub fn warn(&mut self, line: &str) {
        let label = self.yellow("warning:");
        self.say(&format!("{label} {line}"));
    }

    /// A line shown only with `--verbose`.
    pub fn detail(&mut self, line: &str) {
        if self.verbosity.verbose && !self.verbosity.quiet {
            let line = self.dim(line);
            let _ = writeln!(self.err, "{line}");
        }
    }

    /// Prints an error and its hint on stderr (even with `--quiet`).
    pub fn error(&mut self, e: &Error) {
        // Messages hold names and values from outside (paths, config.toml,
        // a server); each line is escaped before it reaches the terminal.
        // A token given as an argument (-C, --token-file...) may be quoted
        // in a message: it is masked.
        let lines = |text: &str| {
            text.split('\n')
                .map(|l| crate::text::sanitize(&crate::token::redact(l)).into_owned())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let label = self.red("error:");
        let _ = writeln!(self.err, "ghenv: {label} {}", lines(&e.to_string()));
        if let Some(hint) = e.hint() {
            let label = self.bold("hint:");
            let hint = self.commands(&hint).into_owned();
            let _ = writeln!(self.err, "  {label} {}", lines(&hint));
        }
    }

    /// `text` (a hint, a fix) with the ghenv commands it names as the user
    /// can type them: `npx ghenv …` when npm's launcher started ghenv
    /// (`GHENV_LAUNCHER=npm`), where a bare `ghenv` may not be on PATH.
    /// Every command of a backticked span counts, also the second of a
    /// pipe (`` `ghenv scan --json | ghenv revoke --from-scan -` ``).
    pub fn commands<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if self.var("GHENV_LAUNCHER").as_deref() == Some("npm") && text.contains("ghenv ") {
            std::borrow::Cow::Owned(through_npx(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    /// Writes one JSON document to stdout.
    pub fn json(&mut self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value).expect("JSON values serialize");
        let _ = writeln!(self.out, "{text}");
    }

    /// Writes `text` to stdout as it is. A closed pipe (`ghenv man | head`)
    /// is not an error: the reader has all it wanted.
    pub fn print(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
    }

    /// Runs `work` with a spinner on stderr when it is a terminal.
    pub fn with_spinner<T>(&mut self, message: &str, work: impl FnOnce() -> T) -> T {
        if !self.stderr_tty || self.verbosity.quiet {
            return work();
        }
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let message = message.to_owned();
        let spinner = thread::spawn(move || {
            let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let mut i = 0;
            let mut err = io::stderr();
            while !flag.load(Ordering::Relaxed) {
                let _ = write!(err, "\r{} {message}", frames[i % frames.len()]);
                let _ = err.flush();
                i += 1;
                thread::sleep(Duration::from_millis(80));
            }
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        });
        // Ctrl-C while it spins clears its line before ghenv dies of the
        // signal, so the shell prompt does not land on a half-drawn frame.
        // The guard puts the previous handler back when this returns.
        let _interrupt = platform::clear_line_on_interrupt();
        let result = work();
        done.store(true, Ordering::Relaxed);
        let _ = spinner.join();
        result
    }
}

/// `text` with each `ghenv` that starts a command inside backticks (at the
/// span's start, or after `|`, `&&`, `;`, `$(`) written `npx ghenv`.
fn through_npx(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 0 {
            out.push_str(part);
            continue;
        }
        let mut rest = part;
        let mut at_command = true;
        while !rest.is_empty() {
            if at_command && rest.starts_with("ghenv ") {
                out.push_str("npx ");
            }
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
            if matches!(c, '|' | ';' | '&' | '(') {
                at_command = true;
            } else if c != ' ' {
                at_command = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_of_a_span_goes_through_npx() {
        assert_eq!(
            through_npx(
                "run `ghenv scan --json | ghenv revoke --from-scan -` or ghenv itself, `ghenv init && ghenv check`"
            ),
            "run `npx ghenv scan --json | npx ghenv revoke --from-scan -` or ghenv itself, `npx ghenv init && npx ghenv check`"
        );
        assert_eq!(through_npx("`echo ghenv x`"), "`echo ghenv x`");
    }

    #[test]
    fn the_test_io_captures_both_streams_without_colour() {
        let (mut io, captured) = Io::test();
        let io_ref = &mut io;
        io_ref.ok("written");
        let bold = io_ref.bold("Title");
        io_ref.print(&format!("{bold}\n"));
        assert_eq!(captured.out(), "Title\n");
        assert!(captured.err().contains("written"), "{}", captured.err());
        assert!(!captured.err().contains('\x1b'));
        let mut io = Io::test()
            .0
            .with_stdin("n\n", true)
            .with_env(&[("GH_TOKEN", "x")]);
        assert!(!io.confirm("go? "));
        assert_eq!(io.var("GH_TOKEN").as_deref(), Some("x"));
        assert_eq!(io.var("HOME"), None);
    }

    #[test]
    fn passphrase_prompts_end_with_a_colon_and_lose_isolation_marks() {
        assert_eq!(
            passphrase_prompt(
                "Type passphrase for OpenSSH key '\u{2068}/home/a/.ssh/id_ed25519\u{2069}'"
            ),
            "Type passphrase for OpenSSH key '/home/a/.ssh/id_ed25519': "
        );
        assert_eq!(passphrase_prompt("Passphrase: "), "Passphrase: ");
    }
}
