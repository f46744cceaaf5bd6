//! How shared things are said: the files written, the scopes granted,
//! dates relative to now, long keys shortened.

use std::path::Path;

use jiff::Timestamp;

use crate::output::Io;
use crate::write::Status;

use super::FileReport;

/// Says which files were written, relative to `dir` (`✓ Wrote .env
/// (created), … in DIR`).
pub fn say_written(io: &mut Io, dir: &Path, files: &[FileReport]) {
    let status = |f: &FileReport| match f.status {
        Status::Created => "created",
        Status::Updated => "updated",
        Status::Unchanged => "unchanged",
    };
    // The project's files by name, then any file elsewhere (the identity
    // in ghenv's folder) by its full path, so "in DIR" is never wrong.
    let (inside, outside): (Vec<String>, Vec<String>) =
        files
            .iter()
            .fold((Vec::new(), Vec::new()), |(mut inside, mut outside), f| {
                match Path::new(&f.path).strip_prefix(dir) {
                    Ok(p) => inside.push(format!("{} ({})", p.display(), status(f))),
                    Err(_) => outside.push(format!("{} ({})", f.path, status(f))),
                }
                (inside, outside)
            });
    let mut line = format!("Wrote {} in {}", inside.join(", "), dir.display());
    if !outside.is_empty() {
        line.push_str(&format!(", and {}", outside.join(", ")));
    }
    io.ok(&line);
}

/// "Scopes: the 7 required scopes are granted (the token has: …)".
pub fn scopes_granted_line(required: usize, granted: &[String]) -> String {
    let has = if granted.is_empty() {
        "no scopes".to_owned()
    } else {
        granted.join(", ")
    };
    if required == 1 {
        format!("Scopes: the required scope is granted (the token has: {has})")
    } else {
        format!("Scopes: all {required} required scopes are granted (the token has: {has})")
    }
}

/// "in 3 days", "today", "2 days ago".
pub fn days_from_now(at: Timestamp) -> String {
    let secs = at.as_second() - Timestamp::now().as_second();
    let days = secs.div_euclid(86_400);
    match days {
        0 => "within a day".into(),
        1 => "in 1 day".into(),
        d if d > 1 => format!("in {d} days"),
        -1 => "1 day ago".into(),
        d => format!("{} days ago", -d),
    }
}

/// "age1abcd…wxyz" for long keys, for messages.
pub fn short_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 24 {
        return key.to_owned();
    }
    let head: String = chars[..12].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}
