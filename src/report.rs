//! What a command returns: a serde type that `main` prints once, as one
//! JSON document (`--json`) or for people. Progress and warnings are not
//! part of a report: commands say those on stderr as they happen.

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::output::Io;

/// Turns a report into its JSON document; every `Serialize` type can.
pub trait ToJson {
    /// The JSON document.
    fn to_json(&self) -> Value;
}

impl<T: Serialize> ToJson for T {
    fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("reports are plain data and always serialize")
    }
}

/// How a finished command went, as its report says: what the exit code is
/// made of, by [`exit_code`] alone (as gh's `cmd.go` maps one result to
/// one code). Errors before a report are [`Error::exit_code`]'s.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// Everything went well.
    Ok,
    /// It found what it looks for: a token (`scan`), a failed check
    /// (`doctor`), an operation the schema refuses (`probe`).
    Found,
    /// The token lacks what an operation needs (`probe`).
    Lacks,
    /// GitHub could not be asked about everything (`revoke`).
    Unreachable,
    /// GitHub refused a token (`revoke`).
    Rejected,
    /// An error that ends the command after its report was made (`check`
    /// with missing scopes reports the token, then fails).
    Failed(&'a Error),
    /// The command ghenv ran beside it ended with this code (`proxy --
    /// CMD`).
    Child(i32),
}

/// The exit code of `outcome`: the one mapping, the same for every
/// command (the README's exit-code table).
pub fn exit_code(outcome: &Outcome<'_>) -> i32 {
    use crate::error::exit;
    match outcome {
        Outcome::Ok => exit::OK,
        Outcome::Found => exit::FOUND,
        Outcome::Lacks => exit::SCOPES,
        Outcome::Unreachable => exit::NETWORK,
        Outcome::Rejected => exit::TOKEN,
        Outcome::Failed(e) => e.exit_code(),
        Outcome::Child(code) => *code,
    }
}

/// A command's result.
pub trait Report: ToJson {
    /// Prints the result for people: results on stdout, the closing
    /// summary on stderr.
    fn print(&self, io: &mut Io);

    /// How it went (see [`Outcome`]).
    fn outcome(&self) -> Outcome<'_> {
        Outcome::Ok
    }
}

/// A boxed report, as commands return it.
pub type Boxed = Box<dyn Report>;

/// Text for stdout as it is (`completions`, `man`); never JSON.
#[derive(Serialize)]
pub struct Text(pub String);

impl Report for Text {
    fn print(&self, io: &mut Io) {
        io.print(&self.0);
    }
}
