//! The crate's one error type: a broken promise (what the harness exists to find) kept
//! apart from the faults that stop the harness itself (a binary that will not start, a
//! directory that cannot be written, an answer that is not HTTP).

use std::fmt;
use std::path::PathBuf;

/// A promise the ledger makes to its writers and readers, as the crash loop checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Promise {
    /// The directory left by the kill verifies offline and `ledger serve` reopens it.
    Reopens,
    /// Every acknowledged receipt is in the log at its position with its hash.
    AcknowledgedKept,
    /// Positions run from 0 without gaps and each record links to its predecessor.
    GapFree,
    /// The signed checkpoint, the Merkle tree, the chain and the tallies verify, and the
    /// log extends the checkpoint verified after the previous kill.
    Audit,
    /// The projections served equal a fold of the log from position 0.
    ProjectionsRebuild,
    /// A retried command (same Idempotency-Key) is applied at most once.
    AtMostOnce,
}

impl fmt::Display for Promise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Promise::Reopens => "the ledger reopens intact after a kill",
            Promise::AcknowledgedKept => "nothing acknowledged is lost",
            Promise::GapFree => "positions are gap-free and chained",
            Promise::Audit => "checkpoint, Merkle tree, chain and tallies verify",
            Promise::ProjectionsRebuild => "projections equal a rebuild from the log",
            Promise::AtMostOnce => "a retried command is applied at most once",
        })
    }
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum CrashLoopError {
    /// The ledger broke a promise; `detail` says where and how.
    #[error("cycle {cycle}: PROMISE BROKEN ({promise}): {detail}")]
    Broken {
        /// The cycle whose checks found it (1-based; 0 is the first start).
        cycle: u64,
        /// Which promise.
        promise: Promise,
        /// Positions, keys and values involved.
        detail: String,
    },
    /// Creating the ledger before the first start failed.
    #[error("setting up the ledger: {0}")]
    Setup(String),
    /// The server could not be started for a reason that is not the ledger's state
    /// (the binary is missing, the port cannot be bound).
    #[error("starting `ledger serve`: {0}")]
    Server(String),
    /// A file of the harness could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A running server answered something the harness cannot use (not JSON, an
    /// unexpected status for a well-formed request).
    #[error("HTTP: {0}")]
    Http(String),
}

impl From<ledger_harness::HarnessError> for CrashLoopError {
    fn from(e: ledger_harness::HarnessError) -> Self {
        CrashLoopError::Http(e.to_string())
    }
}

impl CrashLoopError {
    /// The promise broken, or `None` for a fault of the harness.
    pub fn promise(&self) -> Option<Promise> {
        match self {
            CrashLoopError::Broken { promise, .. } => Some(*promise),
            _ => None,
        }
    }
}

/// A broken `promise` in `cycle`.
pub(crate) fn broken(cycle: u64, promise: Promise, detail: impl Into<String>) -> CrashLoopError {
    CrashLoopError::Broken {
        cycle,
        promise,
        detail: detail.into(),
    }
}
