//! The crate's errors: [`StoreError`] for faults of the store, [`AppendError`] for the
//! answer to an append that did not produce a receipt.
//!
//! Expected outcomes (a rejection, a version conflict, a record too large) are kept apart
//! from faults (I/O, sled, damage), so a shell can map the first to "your request" and
//! the second to "our problem". This module must never hide a fault inside an outcome.

use std::path::PathBuf;

use ledger_core::record::MAX_RECORD_BYTES;
use ledger_core::{ActorId, CommandId, RecordError, Rejection};

/// A fault of the store, or a directory that cannot be used as asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file-system operation failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// sled reported an error.
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    /// Another process (or another open in this process) holds the directory's lock.
    #[error("the ledger in {dir} is in use by another process (locked)")]
    Locked {
        /// The ledger directory.
        dir: PathBuf,
    },
    /// The directory does not hold a ledger.
    #[error("{dir} is not a ledger directory")]
    NotALedger {
        /// The directory.
        dir: PathBuf,
    },
    /// `init` was pointed at a directory that already holds a ledger.
    #[error("{dir} already holds a ledger")]
    AlreadyExists {
        /// The directory.
        dir: PathBuf,
    },
    /// `init` was pointed at a directory that holds other files.
    #[error("{dir} is not empty; a new ledger needs an empty or new directory")]
    NotEmpty {
        /// The directory.
        dir: PathBuf,
    },
    /// The stored log or its indexes are damaged at `position`.
    #[error("the ledger is damaged at position {position}: {reason}")]
    Corrupt {
        /// The first bad position.
        position: u64,
        /// What is wrong there.
        reason: String,
    },
    /// A record could not be encoded or decoded.
    #[error("record error: {0}")]
    Record(#[from] RecordError),
    /// `init` was given an origin or secretariat the domain refuses.
    #[error("cannot initialise the ledger: {0}")]
    InitRejected(Rejection),
    /// The origin cannot name the log's signing key (C2SP key names have no `+`).
    #[error("the origin {origin:?} cannot name the log's signing key: {reason}")]
    BadOrigin {
        /// The origin asked for.
        origin: String,
        /// Why it cannot be a key name.
        reason: String,
    },
    /// The log's signing key is missing, unreadable, or does not belong to this ledger.
    #[error("the log signing key {path}: {reason}")]
    SigningKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A transparency-log read named a tree size, leaf or tile that the log's current
    /// tree does not hold (it may exist later; a superseded partial tile never will).
    #[error("{what} is not in the log's current tree of {size} entries")]
    BeyondTree {
        /// What was asked for, e.g. `tree size 12`.
        what: String,
        /// The size of the latest checkpoint.
        size: u64,
    },
    /// A transparency-log read that no tree can answer (a leaf index not below the tree
    /// size, a consistency proof from a larger to a smaller tree, a malformed tile).
    #[error("{0}")]
    BadTreeRequest(String),
    /// The durable write of a batch failed; the appends in it were not acknowledged.
    #[error("the write did not reach the disk: {reason}")]
    WriteFailed {
        /// What failed.
        reason: String,
    },
    /// The ledger was opened in quarantine ([`crate::Ledger::open_or_quarantine`]): its
    /// chain is damaged at `position`, so it serves the records before that position and
    /// takes no appends until the damage is repaired. Nothing was written.
    #[error(
        "the ledger is damaged at position {position} ({reason}); it serves the {position} \
         records before it and takes no writes until it is repaired"
    )]
    Damaged {
        /// The first bad position.
        position: u64,
        /// What is wrong there.
        reason: String,
    },
    /// The disk holding the ledger has less free space than the reserve the ledger keeps,
    /// so the append was refused before anything was written; it can be retried once
    /// space is freed.
    #[error(
        "the disk is (nearly) full: {available} bytes free, the ledger keeps a reserve of \
         {reserve} bytes; nothing was written"
    )]
    DiskFull {
        /// Bytes available to the ledger's process.
        available: u64,
        /// The reserve the ledger keeps free.
        reserve: u64,
    },
    /// A mirror's directory was opened as a primary ([`crate::Ledger::open`]): a mirror
    /// only copies its primary's log. Follow with `ledger mirror`, or make a primary of it
    /// with `ledger restore`.
    #[error(
        "{dir} is a mirror of {primary}: it copies that log and decides nothing; follow it \
         with `ledger mirror`, or build a primary from it with `ledger restore`"
    )]
    IsMirror {
        /// The directory.
        dir: PathBuf,
        /// The primary it copies.
        primary: String,
    },
    /// A mirror operation on a directory that is not a mirror.
    #[error("{dir} is not a mirror")]
    NotAMirror {
        /// The directory.
        dir: PathBuf,
    },
    /// An append to a mirror: commands are decided by its primary alone.
    #[error("this ledger is a read-only mirror of {primary}; send writes to the primary")]
    ReadOnlyMirror {
        /// The primary's URL.
        primary: String,
    },
    /// Records offered to a mirror did not check out against the signed checkpoint they
    /// came with; nothing was written.
    #[error("import refused at position {position}: {reason}; nothing was written")]
    ImportRefused {
        /// The first position concerned.
        position: u64,
        /// What did not check out.
        reason: String,
    },
    /// The writer no longer accepts appends (an earlier durable write failed, or the
    /// ledger is shutting down). Retrying does not help until the ledger is reopened
    /// (which re-reads what reached the disk); nothing was written.
    #[error("the ledger no longer accepts appends: {reason}")]
    WriterStopped {
        /// Why.
        reason: String,
    },
}

impl StoreError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// Damage at `position`.
    pub(crate) fn corrupt(position: u64, reason: impl Into<String>) -> Self {
        StoreError::Corrupt {
            position,
            reason: reason.into(),
        }
    }
}

/// Why an append produced no receipt.
///
/// Three kinds, by what a caller may conclude: an expected refusal of this command
/// (`Rejected`, `Conflict`, `TooLarge`, `KeyReused`: nothing was written and the same
/// request will be refused again), `Refused` (the store cannot take it now; nothing was
/// written; retry the same command with the same id once the cause is gone) and `Fault`
/// (the outcome is unknown; retry with the same id to learn it).
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The domain refused the command; nothing was written.
    #[error("rejected: {0}")]
    Rejected(Rejection),
    /// `expected_version` did not match the target stream; nothing was written.
    #[error("version conflict on stream {stream}: expected {expected}, actual {actual}")]
    Conflict {
        /// The command's target stream.
        stream: String,
        /// The version the caller expected.
        expected: u64,
        /// The stream's length when the command was decided.
        actual: u64,
    },
    /// One of the command's records would exceed the 64 KiB record limit; nothing was
    /// written.
    #[error("a record of {size} bytes exceeds the limit of {MAX_RECORD_BYTES} bytes")]
    TooLarge {
        /// The size the record would have had.
        size: usize,
    },
    /// The actor already applied another command with this command id (idempotency
    /// key); nothing was written. A retry must send the same command; a new command
    /// needs a new id.
    #[error(
        "the command id {command_id} was already used by {actor} for another command \
         (stored as {stored_as}); nothing was written; a new command needs a new id"
    )]
    KeyReused {
        /// The command id as sent.
        command_id: CommandId,
        /// The actor, whose ids are their own.
        actor: ActorId,
        /// The command id the earlier command is stored under.
        stored_as: CommandId,
    },
    /// The store did not take the command, and nothing was written: a full disk
    /// ([`StoreError::DiskFull`]), a ledger in quarantine ([`StoreError::Damaged`]), a
    /// writer that stopped after a failed write ([`StoreError::WriterStopped`]: only a
    /// reopen of the ledger helps), or a store fault met before anything was written.
    /// Retrying with the same command id is safe and cannot apply it twice.
    #[error("refused, nothing was written: {0}")]
    Refused(StoreError),
    /// The store failed while the command was being written; it may or may not be in
    /// the log (retry with the same command id to find out: a repeat is answered, never
    /// applied twice).
    #[error(transparent)]
    Fault(#[from] StoreError),
}
