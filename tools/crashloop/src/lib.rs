//! The crash loop: `ledger serve` under concurrent HTTP writers, killed with SIGKILL at
//! random moments and restarted, over and over on one data directory; after every kill
//! the harness checks that the ledger kept every promise it made to its writers.
//!
//! The promises, checked after every restart (see [`Promise`]):
//!
//! - the directory left by the kill verifies offline (`ledger_store::verify`: chain,
//!   derived trees, stored Merkle hashes) and `ledger serve` reopens it;
//! - every acknowledged receipt (HTTP 201 or 200) is in `/v1/events` at its position,
//!   with its record hash, its command id, its actor and what the writer sent;
//! - positions run 0..n without gaps and every record names its predecessor's hash;
//! - `ledger-audit`'s verification passes: signed checkpoint, Merkle tree rebuilt from
//!   every entry, BLAKE3 chain, every tally recounted, and the log extends the checkpoint
//!   verified after the previous kill;
//! - the projections served equal a pure fold of the log (`ledger_projections::ReadModel`);
//! - a command sent but not acknowledged, retried with the same Idempotency-Key, is
//!   applied at most once.
//!
//! This crate only observes: it must never repair, skip or soften a check to make a run
//! pass, and never count a write as acknowledged without a 201/200 receipt in hand. It
//! reaches the ledger through the `ledger` binary and HTTP only, except for creating the
//! ledger before the first start and the offline verification between a kill and the
//! next start, both while no server holds the directory.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod checks;
mod config;
mod cycle;
mod error;
mod fixture;
mod http;
mod server;
mod traffic;

pub use config::Config;
pub use cycle::{run, CycleReport, Summary};
pub use error::{CrashLoopError, Promise};
pub use fixture::{Account, Fixture};
