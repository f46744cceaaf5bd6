//! Binary-level tests: the real `ghenv` in temp folders against a fake
//! GitHub on 127.0.0.1. No test reaches the network.

// Tests say on stderr why a case was skipped on this machine.
#![allow(clippy::print_stderr)]
// They drive ghenv the Unix way (modes, symlinks, names as bytes, signals,
// pseudo-terminals); on Windows, scripts/wine-smoke.sh runs the binary.
#![cfg(unix)]

mod common;

mod check;
mod crash_and_concurrency;
mod crypto;
mod device_flow;
mod doctor;
mod doctor_fixes;
mod everyday;
mod help_and_output;
mod history_findings;
mod history_framing;
mod hostile;
mod init;
mod init_files;
mod interactive;
mod leaks;
mod lookalike;
mod matrix;
mod probe;
mod probe_attacks;
mod project;
mod promises;
mod proxy;
mod recovery;
mod recovery_doctor;
mod revoke_paths;
mod scan_and_hook;
mod scan_binary;
mod scan_json_paths;
mod scan_mode;
mod scopes_and_endpoints;
mod tls;
mod token_sources;
mod trust;
mod trust_v3;
mod walkthrough;
