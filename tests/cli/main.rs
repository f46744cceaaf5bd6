//! Binary-level tests: the real `ghenv` in temp folders against a fake
//! GitHub on 127.0.0.1. No test reaches the network.

// Tests say on stderr why a case was skipped on this machine.
#![allow(clippy::print_stderr)]

mod common;

mod check;
mod crypto;
mod guard;
mod init;
mod init_files;
mod init_network;
mod init_token;
mod interactive;
mod matrix;
mod misc;
