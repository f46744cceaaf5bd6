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

/// A command's result.
pub trait Report: ToJson {
    /// Prints the result for people: results on stdout, the closing
    /// summary on stderr.
    fn print(&self, io: &mut Io);

    /// The exit code when there is no [`Report::failure`] (`scan`: 1 when
    /// a token was found).
    fn exit_code(&self) -> i32 {
        crate::error::exit::OK
    }

    /// An error that ends the command after its report was made (`check`
    /// with missing scopes reports the token and then fails).
    fn failure(&self) -> Option<&Error> {
        None
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
