//! The app's GraphQL, checked against GitHub's schema: the schema itself
//! ([`schema`]: introspection, SDL, cache), the documents in the project
//! ([`documents`]), the app's graphql-config ([`graphqlrc`]: which files
//! are documents, local schema extensions), what one of them may cost
//! ([`limits`]) and their validation ([`validate`]).

pub mod documents;
pub mod graphqlrc;
pub mod limits;
pub mod schema;
pub mod validate;

/// An operation's kind, as the probe treats it (subscriptions are checked
/// and never sent; see `validate::AppOperation::subscription`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Read.
    Query,
    /// Write.
    Mutation,
}
