//! OAuth scopes: parsing GitHub's `X-OAuth-Scopes` header and `--scopes`,
//! GitHub's implications between scopes (`repo` grants `public_repo`, ...),
//! and which required scopes a token lacks.

use std::collections::BTreeSet;

/// What a course app cannot do without `scope` (for `ghenv doctor`).
pub fn breaks(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "repo" => "repository queries: private repositories, stars, issues and pull requests",
        "public_repo" => "starring and changing public repositories",
        "read:org" | "write:org" | "admin:org" => "the organization query and its members",
        "notifications" => "the notifications query",
        "read:user" => "the viewer's profile",
        "user:email" => "the viewer's email address",
        "user:follow" => "following and unfollowing users",
        "user" => "the viewer's profile, email and follows",
        "gist" => "gists",
        "workflow" => "changing GitHub Actions workflows",
        _ => return None,
    })
}

/// Where to create or manage classic tokens on GitHub.com.
pub const TOKENS_URL: &str = "https://github.com/settings/tokens";

/// Where the user revokes what an OAuth App or GitHub App holds for them
/// (a `gho_` token from `--web` or the GitHub CLI).
pub const APPLICATIONS_URL: &str = "https://github.com/settings/applications";

/// Where a token of `kind` is revoked by hand on github.com.
pub fn revoke_url(kind: crate::token::Kind) -> &'static str {
    use crate::token::Kind;
    match kind {
        Kind::OAuth | Kind::UserToServer | Kind::Refresh => APPLICATIONS_URL,
        Kind::FineGrained => "https://github.com/settings/personal-access-tokens",
        _ => TOKENS_URL,
    }
}

/// GitHub's scope hierarchy: each scope and the scopes it directly grants.
/// Chains (`admin:org` ⇒ `write:org` ⇒ `read:org`) are followed by [`expand`].
const IMPLIES: &[(&str, &[&str])] = &[
    (
        "repo",
        &[
            "repo:status",
            "repo_deployment",
            "public_repo",
            "repo:invite",
            "security_events",
        ],
    ),
    ("admin:org", &["write:org"]),
    ("write:org", &["read:org"]),
    ("user", &["read:user", "user:email", "user:follow"]),
    ("admin:public_key", &["write:public_key"]),
    ("write:public_key", &["read:public_key"]),
    ("admin:repo_hook", &["write:repo_hook"]),
    ("write:repo_hook", &["read:repo_hook"]),
    ("write:discussion", &["read:discussion"]),
    ("admin:gpg_key", &["write:gpg_key"]),
    ("write:gpg_key", &["read:gpg_key"]),
    ("write:packages", &["read:packages"]),
    ("project", &["read:project"]),
];

/// What each classic OAuth scope allows, in GitHub's words (shortened).
const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "repo",
        "full control of private and public repositories: code, issues, pull requests, commit statuses",
    ),
    ("repo:status", "read and write commit statuses"),
    ("repo_deployment", "read and write deployment statuses"),
    (
        "public_repo",
        "public repositories only: code, issues, pull requests, stars",
    ),
    (
        "repo:invite",
        "accept and decline invitations to collaborate on repositories",
    ),
    (
        "security_events",
        "read and write security events (code scanning, secret scanning)",
    ),
    ("workflow", "update GitHub Actions workflow files"),
    ("write:packages", "upload packages to GitHub Packages"),
    ("read:packages", "download packages from GitHub Packages"),
    ("delete:packages", "delete packages from GitHub Packages"),
    ("admin:org", "full control of organizations and teams"),
    (
        "write:org",
        "read and write organization and team membership",
    ),
    (
        "read:org",
        "read organization and team membership, organization projects",
    ),
    (
        "admin:public_key",
        "full control of the user's public SSH keys",
    ),
    (
        "write:public_key",
        "create, list and view the user's public SSH keys",
    ),
    (
        "read:public_key",
        "list and view the user's public SSH keys",
    ),
    ("admin:repo_hook", "full control of repository webhooks"),
    (
        "write:repo_hook",
        "create, list and view repository webhooks",
    ),
    ("read:repo_hook", "list and view repository webhooks"),
    ("admin:org_hook", "full control of organization webhooks"),
    ("gist", "create gists"),
    (
        "notifications",
        "read notifications, mark them read, watch and unwatch repositories",
    ),
    ("user", "read and write all user profile data"),
    ("read:user", "read all user profile data"),
    ("user:email", "read the user's email addresses"),
    ("user:follow", "follow and unfollow users"),
    ("delete_repo", "delete repositories"),
    ("write:discussion", "read and write team discussions"),
    ("read:discussion", "read team discussions"),
    ("admin:enterprise", "full control of enterprises"),
    ("project", "read and write user and organization projects"),
    ("read:project", "read user and organization projects"),
    ("admin:gpg_key", "full control of the user's GPG keys"),
    ("write:gpg_key", "create, list and view the user's GPG keys"),
    ("read:gpg_key", "list and view the user's GPG keys"),
    ("codespace", "create and manage codespaces"),
    ("audit_log", "full control of audit logs"),
    ("read:audit_log", "read audit logs"),
    (
        "admin:ssh_signing_key",
        "full control of the user's SSH signing keys",
    ),
];

/// What `scope` allows, or `None` for a scope ghenv does not know.
pub fn describe(scope: &str) -> Option<&'static str> {
    DESCRIPTIONS
        .iter()
        .find(|(s, _)| *s == scope)
        .map(|(_, d)| *d)
}

/// Parses the value of GitHub's `X-OAuth-Scopes` header: comma-separated,
/// spaces optional. Returns the scopes sorted and without duplicates.
pub fn parse_header(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Parses a user-given scope list (`--scopes repo,read:org`), keeping its
/// order and dropping duplicates.
///
/// # Errors
/// The offending entry when one is not shaped like a GitHub scope
/// (lower-case letters, digits, `_` and `:`).
pub fn parse_list(value: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for scope in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        // One rule for every name: GitHub's scopes, exactly as GitHub
        // spells them (it answers an unknown or upper-case one by ignoring
        // it, and the check would then fail for a scope nobody can grant).
        if !is_scope(scope) {
            let shown = crate::text::sanitize(scope);
            let closest = DESCRIPTIONS
                .iter()
                .map(|(s, _)| (strsim::levenshtein(&scope.to_lowercase(), s), *s))
                .min()
                .filter(|(d, _)| *d <= 2)
                .map(|(_, s)| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            return Err(format!("\"{shown}\" is not a GitHub scope{closest}"));
        }
        if !out.iter().any(|s| s == scope) {
            out.push(scope.to_owned());
        }
    }
    if out.is_empty() {
        return Err("no scope given".into());
    }
    Ok(out)
}

/// Whether `name` is a classic OAuth scope GitHub knows.
pub fn is_scope(name: &str) -> bool {
    DESCRIPTIONS.iter().any(|(s, _)| *s == name)
}

/// Every classic OAuth scope, for messages.
pub fn all_names() -> Vec<&'static str> {
    DESCRIPTIONS.iter().map(|(s, _)| *s).collect()
}

/// Every scope that `granted` gives, following GitHub's implications.
pub fn expand<S: AsRef<str>>(granted: &[S]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<&str> = granted.iter().map(AsRef::as_ref).collect();
    while let Some(scope) = stack.pop() {
        if out.insert(scope.to_owned())
            && let Some((_, implied)) = IMPLIES.iter().find(|(s, _)| *s == scope)
        {
            stack.extend(implied.iter().copied());
        }
    }
    out
}

/// The required scopes that `granted` does not give, in the order of
/// `required`.
pub fn missing<R: AsRef<str>, G: AsRef<str>>(required: &[R], granted: &[G]) -> Vec<String> {
    let have = expand(granted);
    required
        .iter()
        .map(AsRef::as_ref)
        .filter(|s| !have.contains(*s))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_split_trimmed_sorted_and_deduplicated() {
        assert_eq!(
            parse_header("repo, read:org,user:email ,,repo"),
            vec!["read:org", "repo", "user:email"]
        );
        assert!(parse_header("").is_empty());
        assert!(parse_header(" , ").is_empty());
    }

    #[test]
    fn repo_implies_its_sub_scopes() {
        let all = expand(&["repo"]);
        for s in [
            "repo:status",
            "repo_deployment",
            "public_repo",
            "repo:invite",
            "security_events",
        ] {
            assert!(all.contains(s), "{s}");
        }
        assert!(!all.contains("read:org"));
    }

    #[test]
    fn implications_follow_chains() {
        assert!(expand(&["admin:org"]).contains("read:org"));
        assert!(expand(&["admin:public_key"]).contains("read:public_key"));
        assert!(expand(&["admin:repo_hook"]).contains("read:repo_hook"));
        assert!(expand(&["admin:gpg_key"]).contains("read:gpg_key"));
        assert!(expand(&["write:discussion"]).contains("read:discussion"));
        assert!(expand(&["write:packages"]).contains("read:packages"));
        assert!(expand(&["project"]).contains("read:project"));
        let user = expand(&["user"]);
        assert!(
            user.contains("read:user")
                && user.contains("user:email")
                && user.contains("user:follow")
        );
    }

    #[test]
    fn implication_does_not_run_backwards() {
        assert_eq!(missing(&["write:org"], &["read:org"]), vec!["write:org"]);
        assert_eq!(missing(&["repo"], &["public_repo"]), vec!["repo"]);
    }

    #[test]
    fn course_scopes_are_met_by_repo_admin_org_user_notifications() {
        let course = [
            "repo",
            "read:org",
            "write:org",
            "notifications",
            "read:user",
            "user:email",
            "user:follow",
        ];
        assert!(missing(&course, &["repo", "admin:org", "user", "notifications"]).is_empty());
        assert_eq!(
            missing(&course, &["repo", "read:org", "user"]),
            vec!["write:org", "notifications"]
        );
        assert_eq!(missing(&course, &[] as &[&str]).len(), course.len());
    }

    #[test]
    fn every_implied_scope_is_described() {
        for (scope, implied) in IMPLIES {
            assert!(describe(scope).is_some(), "{scope}");
            for s in *implied {
                assert!(describe(s).is_some(), "{s}");
            }
        }
    }

    #[test]
    fn scope_lists_are_validated() {
        assert_eq!(
            parse_list("repo, read:org,repo").unwrap(),
            vec!["repo", "read:org"]
        );
        assert_eq!(
            parse_list("repo,Read Org").unwrap_err(),
            "\"Read Org\" is not a GitHub scope; did you mean \"read:org\"?"
        );
        assert_eq!(
            parse_list("REPO").unwrap_err(),
            "\"REPO\" is not a GitHub scope; did you mean \"repo\"?"
        );
        assert_eq!(
            parse_list("bogus:scope").unwrap_err(),
            "\"bogus:scope\" is not a GitHub scope"
        );
        assert_eq!(parse_list("").unwrap_err(), "no scope given");
        assert_eq!(parse_list(" , ").unwrap_err(), "no scope given");
    }
}
