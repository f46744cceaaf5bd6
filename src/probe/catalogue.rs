//! The course's operations (`../shared/course-operations.md` in the
//! project's notes): what each lesson sends to GitHub, and what each needs
//! from a classic or a fine-grained token.
//!
//! Queries are written with the course's fixed values (its organization and
//! repository, `first: 1`) so they read little and change nothing.
//! Mutations carry a node id that cannot exist: GitHub checks the token's
//! scopes before it looks the id up, so the answer says whether the token
//! could run the mutation, and nothing is starred, watched or commented.

use super::Kind;

/// The course's organization on GitHub.
pub const ORGANIZATION: &str = "the-road-to-learn-react";
/// The course's repository in it.
pub const REPOSITORY: &str = "the-road-to-learn-react";

/// A repository id that cannot exist: the legacy global id of
/// `Repository` number 0 (`base64("010:Repository0")`).
pub const MISSING_REPOSITORY_ID: &str = "MDEwOlJlcG9zaXRvcnkw";
/// An issue id that cannot exist: `base64("05:Issue0")`.
pub const MISSING_ISSUE_ID: &str = "MDU6SXNzdWUw";

/// Every id a probe mutation carries: none is ever one an answer returned
/// (checked before the mutations are sent).
pub const MADE_UP_IDS: [&str; 2] = [MISSING_REPOSITORY_ID, MISSING_ISSUE_ID];

/// What an operation needs from a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// Classic scopes, any one of which will do (empty: none).
    pub scopes: &'static [&'static str],
    /// The fine-grained permission, as GitHub's token page names it.
    pub permission: Option<&'static str>,
    /// A fine-grained token can do this only on repositories its owner
    /// owns, and the lesson does it on the course's.
    pub own_repositories_only: bool,
}

/// Public reads: nothing beyond a token.
pub const READ: Needs = Needs {
    scopes: &[],
    permission: None,
    own_repositories_only: false,
};

const STAR: Needs = Needs {
    scopes: &["public_repo", "repo"],
    permission: Some("Starring (read and write)"),
    own_repositories_only: false,
};

const WATCH: Needs = Needs {
    scopes: &["notifications", "repo"],
    permission: Some("Watching (read and write)"),
    own_repositories_only: false,
};

const WRITE_ISSUES: Needs = Needs {
    scopes: &["public_repo", "repo"],
    permission: Some("Issues (read and write)"),
    own_repositories_only: true,
};

/// One of the course's operations.
#[derive(Debug, Clone, Copy)]
pub struct CourseOperation {
    /// A short stable name (`--json`'s `name`).
    pub name: &'static str,
    /// The lesson it belongs to.
    pub lesson: &'static str,
    /// Query or mutation.
    pub kind: Kind,
    /// The GraphQL document.
    pub document: &'static str,
    /// What it needs.
    pub needs: Needs,
}

/// The repository fragment of the course's Apollo client (a macro, so that
/// `concat!` can put it after the queries that spread it).
macro_rules! repository_fragment {
    () => {
        "fragment repository on Repository { id name url descriptionHTML primaryLanguage { name } owner { login url } stargazers { totalCount } viewerHasStarred watchers { totalCount } viewerSubscription }"
    };
}

/// The course's operations, in lesson order.
pub fn operations() -> Vec<CourseOperation> {
    let q = |name, lesson, document| CourseOperation {
        name,
        lesson,
        kind: Kind::Query,
        document,
        needs: READ,
    };
    let m = |name, lesson, document, needs| CourseOperation {
        name,
        lesson,
        kind: Kind::Mutation,
        document,
        needs,
    };
    vec![
        q(
            "viewer",
            "GraphiQL: first query",
            "query { viewer { name url } }",
        ),
        q(
            "organization",
            "GraphiQL: arguments, aliases, fragments",
            "query { organization(login: \"the-road-to-learn-react\") { name url } }",
        ),
        q(
            "organization_repository",
            "GraphiQL: variables, directives",
            "query ($withFork: Boolean! = true) { organization(login: \"the-road-to-learn-react\") { name url repository(name: \"the-road-to-learn-react\") { name forkCount @include(if: $withFork) } } }",
        ),
        q(
            "organization_repositories_page",
            "GraphiQL: pagination",
            "query ($cursor: String) { organization(login: \"the-road-to-learn-react\") { repositories(first: 1, after: $cursor) { totalCount edges { node { name } cursor } pageInfo { endCursor hasNextPage } } } }",
        ),
        m(
            "add_star_graphiql",
            "GraphiQL: mutations",
            "mutation { addStar(input: { starrableId: \"MDEwOlJlcG9zaXRvcnkw\" }) { starrable { id viewerHasStarred } } }",
            STAR,
        ),
        q(
            "organization_issues",
            "React client (fetch)",
            "query ($cursor: String) { organization(login: \"the-road-to-learn-react\") { name url repository(name: \"the-road-to-learn-react\") { id name url stargazers { totalCount } viewerHasStarred issues(first: 1, after: $cursor, states: [OPEN]) { edges { node { id title url reactions(last: 1) { edges { node { id content } } } } } totalCount pageInfo { endCursor hasNextPage } } } } }",
        ),
        m(
            "remove_star",
            "React client (fetch)",
            "mutation { removeStar(input: { starrableId: \"MDEwOlJlcG9zaXRvcnkw\" }) { starrable { viewerHasStarred } } }",
            STAR,
        ),
        q(
            "profile_repositories",
            "Apollo client: profile",
            concat!(
                "query ($cursor: String) { viewer { repositories(first: 1, orderBy: { direction: DESC, field: STARGAZERS }, after: $cursor) { edges { node { ...repository } } pageInfo { endCursor hasNextPage } } } } ",
                repository_fragment!()
            ),
        ),
        q(
            "organization_repositories",
            "Apollo client: organization",
            concat!(
                "query ($organizationName: String! = \"the-road-to-learn-react\", $cursor: String) { organization(login: $organizationName) { repositories(first: 1, after: $cursor) { edges { node { ...repository } } pageInfo { endCursor hasNextPage } } } } ",
                repository_fragment!()
            ),
        ),
        q(
            "repository_issues",
            "Apollo client: issues",
            "query ($issueState: IssueState! = OPEN, $cursor: String) { repository(name: \"the-road-to-learn-react\", owner: \"the-road-to-learn-react\") { issues(first: 1, states: [$issueState], after: $cursor) { edges { node { id number state title url bodyHTML } } pageInfo { endCursor hasNextPage } } } }",
        ),
        q(
            "issue_comments",
            "Apollo client: comments",
            "query ($cursor: String) { repository(name: \"the-road-to-learn-react\", owner: \"the-road-to-learn-react\") { issues(first: 1) { edges { node { id comments(first: 1, after: $cursor) { edges { node { id bodyHTML author { login } } } pageInfo { endCursor hasNextPage } } } } } } }",
        ),
        m(
            "add_star",
            "Apollo client: star, watch",
            "mutation { addStar(input: { starrableId: \"MDEwOlJlcG9zaXRvcnkw\" }) { starrable { id viewerHasStarred } } }",
            STAR,
        ),
        m(
            "update_subscription",
            "Apollo client: star, watch",
            "mutation { updateSubscription(input: { state: SUBSCRIBED, subscribableId: \"MDEwOlJlcG9zaXRvcnkw\" }) { subscribable { id viewerSubscription } } }",
            WATCH,
        ),
        m(
            "add_comment",
            "Apollo client: comment (exercise)",
            "mutation { addComment(input: { subjectId: \"MDU6SXNzdWUw\", body: \"ghenv probe\" }) { commentEdge { node { body } } } }",
            WRITE_ISSUES,
        ),
        m(
            "add_reaction",
            "Apollo client: comment (exercise)",
            "mutation { addReaction(input: { subjectId: \"MDU6SXNzdWUw\", content: THUMBS_UP }) { reaction { content } } }",
            WRITE_ISSUES,
        ),
        q(
            "organization_top_repositories",
            "Node example",
            "query { organization(login: \"the-road-to-learn-react\") { repositories(first: 1, orderBy: { field: STARGAZERS, direction: DESC }) { edges { node { name url stargazers { totalCount } } } } } }",
        ),
    ]
}

/// What a mutation field of GitHub's schema needs, for the app's own
/// mutations (reported, never run) and to pick the course probe that tells.
pub fn mutation_needs(field: &str) -> Option<(Needs, &'static str)> {
    match field {
        "addStar" => Some((STAR, "add_star")),
        "removeStar" => Some((STAR, "remove_star")),
        "updateSubscription" => Some((WATCH, "update_subscription")),
        "addComment" => Some((WRITE_ISSUES, "add_comment")),
        "addReaction" => Some((WRITE_ISSUES, "add_reaction")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn the_made_up_ids_are_the_global_ids_of_number_zero() {
        let decode = |id: &str| {
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(id)
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(decode(MISSING_REPOSITORY_ID), "010:Repository0");
        assert_eq!(decode(MISSING_ISSUE_ID), "05:Issue0");
    }

    #[test]
    fn every_mutation_carries_only_made_up_ids_and_every_operation_parses() {
        for op in operations() {
            let doc = apollo_compiler::ast::Document::parse(op.document, op.name)
                .unwrap_or_else(|e| panic!("{}: {e}", op.name));
            assert!(!doc.definitions.is_empty());
            if op.kind == Kind::Mutation {
                let ids: Vec<&str> = op
                    .document
                    .split('"')
                    .skip(1)
                    .step_by(2)
                    .filter(|s| s.starts_with("MD"))
                    .collect();
                assert!(!ids.is_empty(), "{}", op.name);
                assert!(ids.iter().all(|id| MADE_UP_IDS.contains(id)), "{}", op.name);
            }
            if op.document.contains("...repository") {
                assert!(op.document.ends_with(repository_fragment!()), "{}", op.name);
            }
            // The course's organization and repository, and no other.
            for (key, value) in op
                .document
                .split(['(', ',', ')'])
                .filter_map(|arg| arg.split_once(':'))
                .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
                .filter(|(_, v)| !v.starts_with('$'))
            {
                match key {
                    "login" | "owner" => assert_eq!(value, ORGANIZATION, "{}", op.name),
                    "name" => assert_eq!(value, REPOSITORY, "{}", op.name),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn names_are_unique_and_every_lesson_of_the_course_is_covered() {
        let ops = operations();
        let mut names: Vec<&str> = ops.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ops.len());
        for lesson in [
            "GraphiQL: first query",
            "GraphiQL: mutations",
            "React client (fetch)",
            "Apollo client: profile",
            "Apollo client: star, watch",
            "Apollo client: comment (exercise)",
            "Node example",
        ] {
            assert!(ops.iter().any(|o| o.lesson == lesson), "{lesson}");
        }
    }
}
