//! The app's GraphQL, checked against GitHub's schema: the schema itself
//! ([`schema`]: introspection, SDL, cache), the documents in the project
//! ([`documents`]) and their validation ([`validate`]).

pub mod documents;
pub mod schema;
pub mod validate;
