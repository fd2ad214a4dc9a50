//! The checks of `ledger-audit` as a library, so that the binary, its tests and the fuzz
//! targets (`fuzz/`) run one and the same code: the checkpoint and proof-file parsers
//! are reachable here without going through the command line.
//!
//! This file only declares the modules; `main.rs` parses arguments and prints. Nothing
//! here may panic on any input, read a clock for a decision or link the ledger's storage.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod atomic_file;
pub mod chain;
pub mod checkpoint;
pub mod fork;
pub mod proof_file;
pub mod remember;
pub mod signatures;
pub mod source;
pub mod tallies;
pub mod tree;
pub mod verify;
