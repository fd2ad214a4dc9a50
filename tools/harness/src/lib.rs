//! The pieces every tool that drives a running `ledger serve` over HTTP needs, written
//! once: sending one command and sorting its answer into a typed receipt, a refusal or
//! no answer ([`receipt`]); paging through `/v1/events` and other `{"items", "next"}`
//! lists ([`pages`]); and checking that an acknowledged write is in the log at its
//! positions with its hashes ([`acknowledged`]). `tools/load` and `tools/crashloop` use
//! it.
//!
//! This crate is an HTTP client only: it must never open a ledger directory, never turn a
//! missing or unreadable answer into a receipt, and never retry on its own.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod acknowledged;
pub mod pages;
pub mod receipt;

pub use acknowledged::{check_receipt, Mismatch};
pub use ledger_api::routes::commands::CommandReceipt;
pub use pages::{all_pages, event_rows, get_json, EventRow};
pub use receipt::{submit, Answer, Receipt};

/// Why the harness could not read what it asked for.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// No HTTP answer, or a status the read did not expect.
    #[error("GET {url}: {detail}")]
    Http {
        /// The URL asked.
        url: String,
        /// The status and body, or the transport error.
        detail: String,
    },
    /// An answer that is not the JSON the read expects.
    #[error("GET {url}: not the expected JSON: {detail}")]
    Json {
        /// The URL asked.
        url: String,
        /// What did not parse.
        detail: String,
    },
}
