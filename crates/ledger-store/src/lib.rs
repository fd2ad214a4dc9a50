//! The durable, append-only log of the governance ledger, on sled 0.34.
//!
//! This crate owns the ledger's directory on disk: it appends sealed records, makes them
//! durable before anybody is told they exist, keeps the derived indexes, and checks the
//! whole hash chain at start-up and on demand. It must never decide anything itself
//! (every decision is `ledger_core::decide`), never rewrite or delete a stored record, and
//! never acknowledge an append whose bytes are not on disk.
//!
//! # The directory
//!
//! | file | what |
//! | --- | --- |
//! | `ledger.lock` | the lock file: one process at a time holds an exclusive `flock` on it (fs4 `try_lock_exclusive`); a second open fails at once with [`StoreError::Locked`] |
//! | `db`, `conf`, `blobs/`, `snap.*` | sled 0.34's files for one database with the trees below |
//!
//! # The trees (the stored contract)
//!
//! - **`events`**, the log itself. Key: the record's position as a `u64` big-endian, from
//!   0, without gaps. Value: the record's bytes exactly as [`ledger_core::chain::seal`]
//!   produced them, i.e. the bytes that are hashed. Nothing else is ever stored here and
//!   a stored value is never changed.
//! - **`streams`**, derived. Key: the stream name's UTF-8 bytes, one `0x00` byte, then the
//!   record's version in that stream as a `u64` big-endian. Value: the record's position
//!   (`u64` BE).
//! - **`commands`**, derived. Key: the command id's UTF-8 bytes. Value: the position of the
//!   command's first record (`u64` BE) followed by its number of records (`u32` BE).
//!   Commands that were rejected leave no entry.
//! - **`meta`**. Key `format`: the marker [`layout::STORE_FORMAT`] that says this sled
//!   database is a ledger. Key `indexed`: how far the derived trees are indexed, as the
//!   head they cover: length (`u64` BE) then the hash of the record at `length - 1`
//!   (32 bytes; zeros when empty).
//!
//! The derived trees can always be rebuilt from `events`. They are written after the
//! events of a batch are durable, and `meta/indexed` last, so after a crash they may lag
//! behind `events` but never run ahead; [`Ledger::open`] indexes whatever is missing.
//!
//! # Appending
//!
//! One writer thread owns decision and sequencing. [`Ledger::append`] sends the envelope
//! to it and waits. The writer takes every request queued at that moment (group
//! commit), and for each in order: answers a command id seen before with the original
//! receipt (`replayed`), checks `expected_version` against the target stream, reads the
//! clock once, runs `decide` on its in-memory state (which includes the earlier commands
//! of the same batch), and seals the events with `chain::seal`. All records of the batch
//! go to `events` in one sled `Batch` (all or nothing); then `db.flush()`, then
//! `fsync` of sled's files and of the directory (sled's flush alone uses
//! `sync_file_range`, which flushes neither the disk cache nor metadata); then the
//! derived trees; then the new head and state are published and every waiter answered.
//! If writing or syncing fails, no waiter of the batch is acknowledged and the writer
//! refuses every later append ([`StoreError::WriterStopped`]): the state in memory stays
//! at the last durable head, and the ledger must be reopened, which re-reads and
//! re-verifies what actually reached the disk.
//!
//! An expected refusal appends nothing and is an [`AppendError`] outcome: `Rejected`
//! (the domain said no), `Conflict` (wrong `expected_version`) or `TooLarge` (a record
//! over 64 KiB). Everything else is `AppendError::Fault(StoreError)`.
//!
//! # Checking
//!
//! [`Ledger::open`] replays `events` from position 0 through `chain::check_link` and
//! `State::evolve`, and refuses a damaged chain with [`StoreError::Corrupt`] naming the
//! first bad position. [`verify`] does the same without starting a writer and also
//! compares every derived entry with a rebuild.
//!
//! # Tools
//!
//! The `ledger-store-load` binary appends registrations from several threads and prints
//! one line per acknowledged record; the crash test kills it with SIGKILL. The
//! `append_cost` example measures what a durable append and a group commit cost.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod disk;
mod error;
mod index;
pub mod layout;
mod ledger;
mod lock;
mod options;
mod receipt;
mod replay;
mod verify;
mod writer;

pub use error::{AppendError, StoreError};
pub use ledger::Ledger;
pub use options::{system_clock, Clock, Durability, LedgerOptions};
pub use receipt::Receipt;
pub use verify::{verify, Problem, VerifyReport};
pub use writer::AppendStats;

/// The command id of the initialising command that [`Ledger::init`] appends.
pub const INIT_COMMAND_ID: &str = "initialize-ledger";

/// The actor of the initialising command that [`Ledger::init`] appends.
pub const INIT_ACTOR: &str = "operator";
