//! Which GitHub the token goes to: the GraphQL endpoint from the flags,
//! `GHENV_GRAPHQL_URL`, config.toml or GitHub.com's, checked and trusted
//! on this machine, decided once before any command sends anything, as an
//! [`Endpoint`]: the GraphQL URL, where it came from, and the web host
//! that goes with it (token pages), parsed once. Below the commands: none
//! of them decides it on its own, and nothing here knows clap
//! (`options.rs` turns the flags into [`EndpointOptions`]).

use std::time::Duration;

use crate::error::{Error, Result};
use crate::github;
use crate::output::Io;
use crate::project::{self, Project};
use crate::trust;

/// Where an endpoint URL came from, which decides whether the token may be
/// sent there (see [`ensure_trusted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointOrigin {
    /// `--endpoint URL`: the user's word this run; remembered as trusted.
    EndpointFlag,
    /// `--host HOST`: likewise.
    HostFlag,
    /// `GHENV_GRAPHQL_URL`: the user's environment; trusted, not remembered.
    Environment,
    /// config.toml's `[github] endpoint`: from the repository, which anyone
    /// who can push writes; trusted only once the user said so here.
    Config,
    /// GitHub.com's.
    Default,
}

impl EndpointOrigin {
    /// How messages name it.
    pub fn name(self) -> &'static str {
        match self {
            EndpointOrigin::EndpointFlag => "--endpoint",
            EndpointOrigin::HostFlag => "--host",
            EndpointOrigin::Environment => "GHENV_GRAPHQL_URL",
            EndpointOrigin::Config => "config.toml",
            EndpointOrigin::Default => "default",
        }
    }
}

/// The GraphQL endpoint a command sends the token to. Only
/// [`EndpointOptions::resolve`] makes one, after checking the URL
/// ([`project::check_endpoint`]) and making sure this machine trusts it
/// ([`ensure_trusted`]): holding an `Endpoint` means both were done. It
/// reads as the URL it was given (`&endpoint` is a `&str`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The URL as given (and checked): what messages show and what the
    /// trust record and the schema cache are keyed by.
    given: String,
    /// The same, parsed.
    url: reqwest::Url,
    /// Where it came from.
    origin: EndpointOrigin,
}

impl Endpoint {
    /// GitHub.com's endpoint.
    pub fn github_com() -> Endpoint {
        Endpoint {
            given: github::DEFAULT_ENDPOINT.to_owned(),
            url: reqwest::Url::parse(github::DEFAULT_ENDPOINT)
                .expect("GitHub.com's endpoint is a URL"),
            origin: EndpointOrigin::Default,
        }
    }

    /// `given`, checked with [`project::parse_endpoint`] (not yet trusted).
    fn checked(given: String, origin: EndpointOrigin) -> Result<Endpoint> {
        let url = project::parse_endpoint(origin.name(), &given)?;
        Ok(Endpoint { given, url, origin })
    }

    /// For tests of code that takes an endpoint: `url`, checked, as if
    /// given with `--endpoint`, without asking or recording trust.
    ///
    /// # Errors
    /// [`Error::BadEndpoint`].
    #[cfg(test)]
    pub fn for_test(url: &str) -> Result<Endpoint> {
        Endpoint::checked(url.to_owned(), EndpointOrigin::EndpointFlag)
    }

    /// The GraphQL URL.
    pub fn graphql(&self) -> &str {
        &self.given
    }

    /// Where it came from.
    pub fn origin(&self) -> EndpointOrigin {
        self.origin
    }

    /// Whether it is GitHub.com's.
    pub fn is_github_com(&self) -> bool {
        github::is_default_url(&self.url)
    }

    /// Whether it is on this machine (a look-alike, a tunnel): requests to
    /// it never go through an HTTP proxy.
    pub fn is_loopback(&self) -> bool {
        github::is_loopback(&self.url)
    }

    /// The web host that goes with it: `https://HOST` for a GitHub
    /// Enterprise Server `https://HOST/api/graphql`, else
    /// `https://github.com`.
    pub fn web_base(&self) -> String {
        let u = &self.url;
        match u.host_str() {
            Some(host) if host != "api.github.com" && u.path() == "/api/graphql" => {
                let mut base = format!("{}://{host}", u.scheme());
                if let Some(port) = u.port() {
                    base.push_str(&format!(":{port}"));
                }
                base
            }
            _ => "https://github.com".to_owned(),
        }
    }

    /// GitHub's "new personal access token (classic)" page on
    /// [`Endpoint::web_base`], with `scopes` ticked and `description`
    /// filled in.
    pub fn new_token_url<S: AsRef<str>>(&self, scopes: &[S], description: &str) -> String {
        let mut url = reqwest::Url::parse(&self.web_base()).expect("the web base is a valid URL");
        url.set_path("/settings/tokens/new");
        let scopes: Vec<&str> = scopes.iter().map(AsRef::as_ref).collect();
        url.query_pairs_mut()
            .append_pair("scopes", &scopes.join(","))
            .append_pair("description", description);
        url.to_string()
    }

    /// Where the user edits a token of `kind` (its scopes, or a
    /// fine-grained token's permissions) on [`Endpoint::web_base`].
    pub fn edit_token_url(&self, kind: crate::token::Kind) -> String {
        let path = if kind.has_oauth_scopes() {
            "/settings/tokens"
        } else {
            "/settings/personal-access-tokens"
        };
        format!("{}{path}", self.web_base())
    }
}

impl std::ops::Deref for Endpoint {
    type Target = str;

    fn deref(&self) -> &str {
        &self.given
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.given)
    }
}

/// Which GitHub, as the flags say (`Default`: no flag, for commands that
/// take none and only read `GHENV_GRAPHQL_URL` and config.toml).
#[derive(Debug, Clone, Default)]
pub struct EndpointOptions {
    /// The URL from `--endpoint` or `--host`, and which flag gave it
    /// ([`EndpointOrigin::EndpointFlag`] or [`EndpointOrigin::HostFlag`]).
    pub flag: Option<(String, EndpointOrigin)>,
    /// `--timeout`.
    pub timeout: Duration,
}

impl EndpointOptions {
    /// The GraphQL endpoint: `--endpoint` or `--host`, `GHENV_GRAPHQL_URL`,
    /// the one `project` records, then GitHub.com's; checked with
    /// [`project::check_endpoint`], and trusted (see [`ensure_trusted`]).
    /// A endpoint other than GitHub.com's is named on stderr.
    ///
    /// # Errors
    /// [`Error::BadEndpoint`], [`Error::UntrustedEndpoint`].
    pub fn resolve(&self, io: &mut Io, project: Option<&Project>) -> Result<Endpoint> {
        let (url, origin) = if let Some((url, flag)) = &self.flag {
            (url.clone(), *flag)
        } else if let Some(url) = io.var("GHENV_GRAPHQL_URL") {
            (url, EndpointOrigin::Environment)
        } else if let Some(url) = project.and_then(Project::recorded_endpoint) {
            (url.to_owned(), EndpointOrigin::Config)
        } else {
            (github::DEFAULT_ENDPOINT.to_owned(), EndpointOrigin::Default)
        };
        let endpoint = Endpoint::checked(url, origin)?;
        if !endpoint.is_github_com() {
            ensure_trusted(io, endpoint.graphql(), origin)?;
            io.say(&format!(
                "Using the GraphQL endpoint {endpoint} (from {})",
                origin.name()
            ));
        }
        Ok(endpoint)
    }
}

/// Makes sure the user trusts `url`, which is not GitHub.com's endpoint.
/// One given this run (`--endpoint`, `--host`, `GHENV_GRAPHQL_URL`) is
/// trusted, and a flag is remembered on this machine; one from
/// `config.toml`, which anyone who can push wrote, must have been trusted
/// before, or be confirmed now on a terminal with the full URL shown.
///
/// # Errors
/// [`Error::UntrustedEndpoint`].
pub fn ensure_trusted(io: &mut Io, url: &str, origin: EndpointOrigin) -> Result<()> {
    let dir = trust::config_dir(|k| io.var(k));
    let remember = |io: &mut Io| {
        if let Some(dir) = &dir
            && let Err(e) = trust::remember(dir, url)
        {
            io.warn(&format!("{e}; the endpoint was not remembered"));
        }
    };
    match origin {
        EndpointOrigin::EndpointFlag | EndpointOrigin::HostFlag => {
            remember(io);
            Ok(())
        }
        EndpointOrigin::Config if !trust::is_trusted(dir.as_deref(), url) => {
            let question = format!(
                "config.toml names the GraphQL endpoint\n  {url}\nwhich is not GitHub.com. Anyone who can push to the repository can change config.toml.\nSend your GitHub token there, now and from now on? [y/N] "
            );
            if io.ask(&question, false) {
                remember(io);
                Ok(())
            } else {
                Err(Error::UntrustedEndpoint(url.to_owned()))
            }
        }
        EndpointOrigin::Config | EndpointOrigin::Environment | EndpointOrigin::Default => Ok(()),
    }
}

impl EndpointOptions {
    /// The host `--host` named (its web host, where `--github USER`'s keys
    /// are), when the endpoint came from `--host`.
    pub fn host_flag(&self) -> Option<String> {
        self.flag
            .as_ref()
            .filter(|(_, origin)| *origin == EndpointOrigin::HostFlag)
            .and_then(|(url, _)| host_of(url))
    }
}

/// The host of `url`, when it is a URL with one.
pub fn host_of(url: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_token_url_round_trips_scopes_and_description() {
        let url = Endpoint::github_com().new_token_url(&["repo", "read:org"], "ghenv: my app & co");
        let parsed = reqwest::Url::parse(&url).unwrap();
        assert_eq!(parsed.host_str(), Some("github.com"));
        assert_eq!(parsed.path(), "/settings/tokens/new");
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("scopes".into(), "repo,read:org".into()),
                ("description".into(), "ghenv: my app & co".into())
            ]
        );
    }

    #[test]
    fn enterprise_endpoints_get_their_own_web_host_and_others_github_com() {
        let ghe = Endpoint::for_test("https://ghe.example.com/api/graphql").unwrap();
        assert_eq!(ghe.web_base(), "https://ghe.example.com");
        assert!(
            ghe.new_token_url(&["repo"], "x")
                .starts_with("https://ghe.example.com/settings/tokens/new?")
        );
        assert_eq!(
            ghe.edit_token_url(crate::token::Kind::FineGrained),
            "https://ghe.example.com/settings/personal-access-tokens"
        );
        let port = Endpoint::for_test("https://ghe.example.com:8443/api/graphql").unwrap();
        assert_eq!(port.web_base(), "https://ghe.example.com:8443");
        let local = Endpoint::for_test("http://127.0.0.1:8080/graphql").unwrap();
        assert_eq!(local.web_base(), "https://github.com");
        assert!(local.is_loopback() && !local.is_github_com());
        assert!(Endpoint::github_com().is_github_com());
    }

    #[test]
    fn it_reads_as_the_url_it_was_given() {
        let e = Endpoint::for_test("https://ghe.example.com/api/graphql").unwrap();
        let s: &str = &e;
        assert_eq!(s, "https://ghe.example.com/api/graphql");
        assert_eq!(e.to_string(), s);
        assert_eq!(e.origin(), EndpointOrigin::EndpointFlag);
        assert!(Endpoint::for_test("http://ghe.example.com/graphql").is_err());
    }
}
