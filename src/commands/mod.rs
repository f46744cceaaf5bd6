//! The commands, one file each. No command module uses another: what two
//! share lives in the layers below ([`crate::steps`], [`crate::setup`],
//! [`crate::hook`], [`crate::doctor`]); the shared steps are re-exported here
//! for the commands' `super::` paths.

pub mod allow;
pub mod check;
pub mod doctor;
pub mod hook;
pub mod init;
pub mod keys;
pub mod man;
pub mod probe;
pub mod proxy;
pub mod recipients;
pub mod revoke;
pub mod rotate;
pub mod run;
pub mod scan;
pub mod scopes;
pub mod templates;
pub mod unlock;

pub use crate::steps::{
    FileReport, ScopeReport, TokenInfo, Validation, announce_token, days_from_now, files_report,
    name_origin, open_in_browser, project_token, say_written, scopes_granted_line, short_key,
    validate, warn_expiry,
};
