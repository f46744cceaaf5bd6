//! GitHub's OAuth device flow ("Authorizing OAuth apps", device flow): the
//! user approves a short code at `https://github.com/login/device` while
//! ghenv waits, and GitHub hands ghenv a token with exactly the scopes the
//! project asked for: no token copied by hand. Nothing here prints; the
//! caller shows the code and decides how to wait (`sleep` is injected, so
//! tests never wait on the clock).

use std::time::Duration;

use secrecy::SecretString;

use crate::error::{Error, Result};
use crate::github::{self, GithubError};

/// The grant type GitHub's token endpoint takes for the device flow.
const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// GitHub's own interval when it names none, and the least ghenv waits
/// between polls whatever a server says (a server that says 0 must not
/// make ghenv spin).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
const LEAST_INTERVAL: Duration = Duration::from_secs(1);
/// The longest a code is waited for (GitHub's codes live 15 minutes).
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

/// Whether `id` can be an OAuth App's client id: printable ASCII letters,
/// digits, `.`, `_` and `-`, at most 100 characters (`Iv1.0123abcd…`,
/// `Ov23li…`). config.toml is a pusher's to write: nothing else is sent
/// or shown.
pub fn is_client_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A code GitHub handed out, for the user to approve.
pub struct Code {
    /// What the user types at `verification_uri` (`WDJB-MJHT`).
    pub user_code: String,
    /// Where the user approves it.
    pub verification_uri: String,
    /// How long the code is valid.
    pub expires_in: Duration,
    /// How long to wait between polls.
    pub interval: Duration,
    /// The code ghenv polls with: not for the user's eyes (anyone who has
    /// it while the user approves gets the token).
    device_code: SecretString,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Code")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .finish_non_exhaustive()
    }
}

/// Asks GitHub (the web host `web`) for a code for `client_id` and
/// `scopes`.
///
/// # Errors
/// [`Error::DeviceFlow`] when GitHub refuses (an unknown client id, device
/// flow not enabled for the app); network errors as [`Error::Github`].
pub fn start(web: &str, client_id: &str, scopes: &[String], timeout: Duration) -> Result<Code> {
    let options = github::Options {
        endpoint: format!("{}/login/device/code", web.trim_end_matches('/')),
        timeout,
    };
    let answer = github::oauth_post(
        &options,
        &serde_json::json!({ "client_id": client_id, "scope": scopes.join(" ") }),
    )
    .map_err(Error::Github)?;
    if let Some(error) = text(&answer, "error") {
        return Err(failure(&error, &answer));
    }
    let field = |name: &str| {
        text(&answer, name).ok_or_else(|| {
            Error::Github(GithubError::Malformed {
                detail: format!("the device code answer lacks {name}"),
            })
        })
    };
    let verification_uri = field("verification_uri")?;
    // Shown to the user and maybe opened: only a web address, on the host
    // ghenv asked (a server must not send the user elsewhere).
    let same_host = reqwest::Url::parse(&verification_uri)
        .ok()
        .zip(reqwest::Url::parse(web).ok())
        .is_some_and(|(v, w)| {
            matches!(v.scheme(), "https" | "http") && v.host_str() == w.host_str()
        });
    if !same_host {
        return Err(Error::Github(GithubError::Malformed {
            detail: "the device code answer sends the user to another host".into(),
        }));
    }
    let user_code = field("user_code")?;
    if user_code.is_empty()
        || user_code.len() > 32
        || !user_code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Error::Github(GithubError::Malformed {
            detail: "the user code is not a short code of letters and digits".into(),
        }));
    }
    Ok(Code {
        user_code,
        verification_uri,
        expires_in: seconds(&answer, "expires_in")
            .unwrap_or(LONGEST_WAIT)
            .min(LONGEST_WAIT),
        interval: seconds(&answer, "interval").unwrap_or(DEFAULT_INTERVAL),
        device_code: SecretString::from(field("device_code")?),
    })
}

/// Polls GitHub until the user approved `code` (the token), declined it,
/// or it expired, waiting with `sleep` between polls as GitHub asks
/// (`interval`, more after `slow_down`).
///
/// # Errors
/// [`Error::DeviceDenied`], [`Error::DeviceExpired`], [`Error::DeviceFlow`]
/// for GitHub's other refusals; network errors as [`Error::Github`].
pub fn wait_for_token(
    web: &str,
    client_id: &str,
    code: &Code,
    timeout: Duration,
    least_interval: Option<Duration>,
    sleep: &mut dyn FnMut(Duration),
) -> Result<SecretString> {
    use secrecy::ExposeSecret;
    let options = github::Options {
        endpoint: format!("{}/login/oauth/access_token", web.trim_end_matches('/')),
        timeout,
    };
    let least = least_interval.unwrap_or(LEAST_INTERVAL);
    let mut interval = code.interval.max(least);
    let mut waited = Duration::ZERO;
    loop {
        if waited >= code.expires_in {
            return Err(Error::DeviceExpired);
        }
        sleep(interval);
        waited += interval;
        let answer = github::oauth_post(
            &options,
            &serde_json::json!({
                "client_id": client_id,
                "device_code": code.device_code.expose_secret(),
                "grant_type": GRANT,
            }),
        )
        .map_err(Error::Github)?;
        if let Some(token) = text(&answer, "access_token") {
            return Ok(SecretString::from(token));
        }
        match text(&answer, "error").as_deref() {
            Some("authorization_pending") => {}
            Some("slow_down") => {
                // GitHub says the new interval; else it is 5 s longer.
                interval = seconds(&answer, "interval")
                    .unwrap_or(interval + DEFAULT_INTERVAL)
                    .max(least);
            }
            Some("expired_token") => return Err(Error::DeviceExpired),
            Some("access_denied") => return Err(Error::DeviceDenied),
            Some(other) => return Err(failure(other, &answer)),
            None => {
                return Err(Error::Github(GithubError::Malformed {
                    detail: "the token answer holds neither a token nor an error".into(),
                }));
            }
        }
    }
}

/// GitHub's refusal `error`, with its description, escaped.
fn failure(error: &str, answer: &serde_json::Map<String, serde_json::Value>) -> Error {
    let clean = |s: &str| {
        let s: String = s.chars().take(300).collect();
        crate::text::sanitize(&s).into_owned()
    };
    Error::DeviceFlow {
        error: clean(error),
        description: text(answer, "error_description").map(|d| clean(&d)),
    }
}

fn text(answer: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<String> {
    answer.get(name).and_then(|v| v.as_str()).map(str::to_owned)
}

fn seconds(answer: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<Duration> {
    answer
        .get(name)
        .and_then(serde_json::Value::as_u64)
        .map(|s| Duration::from_secs(s.min(3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_short_plain_words() {
        for good in ["Iv1.0123456789abcdef", "Ov23liAbCdEf", "a-b_c.d"] {
            assert!(is_client_id(good), "{good}");
        }
        for bad in [
            "",
            "id with space",
            "id\u{1b}[31m",
            "ünï",
            &"x".repeat(101),
            "a/b",
        ] {
            assert!(!is_client_id(bad), "{bad:?}");
        }
    }
}
