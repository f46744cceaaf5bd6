//! The steps several commands share, below them, one module each: the
//! project's token and what is said of it ([`token`]), validating it with
//! GitHub and comparing scopes ([`validate`]), the parts of reports that are
//! the same ([`parts`]) and how shared things are said ([`words`]).
//! Commands import them from here (or `super::` in `commands/`).

pub mod parts;
pub mod token;
pub mod validate;
pub mod words;

pub use parts::{FileReport, TokenInfo, Validation, files_report};
pub use token::{announce_token, name_origin, project_token, repair_env_value, token_to_check};
pub use validate::{Expiry, ScopeReport, add_scopes_command, check_expiry, expiry, validate};
pub use words::{days_from_now, say_written, scopes_granted_line, short_key};
