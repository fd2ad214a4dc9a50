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
//! | `log-signing.key` | the log's Ed25519 signing key as C2SP signer key text, `PRIVATE+KEY+<origin>+<hexid>+<base64(0x01 ‖ seed)>` and a newline; mode 0600; written by [`Ledger::init`] (temporary file, `fsync`, rename) before the ledger's first record; never in the log. Back it up: a ledger whose key file is lost refuses to open ([`StoreError::SigningKey`]) |
//! | `log-verifier.key` | its C2SP verifier key `<origin>+<hexid>+<base64(0x01 ‖ public key)>` and a newline, for readers |
//! | `projections.snapshot` | a [`Cache`]: the API's read model at some position, kept for it through [`Ledger::write_cache`] (written to `projections.snapshot.tmp`, then renamed) and [`Ledger::read_cache`] / [`read_cache`]; never trusted, never written in quarantine |
//! | `tokens.json`, `tokens.lock` | the [`TokenBook`] |
//!
//! No other crate builds a path into the directory: what it keeps there is a [`Cache`].
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
//! - **`commands`**, derived. Key: the stored command id's UTF-8 bytes (the id the
//!   records carry). Value: the position of the command's first record (`u64` BE)
//!   followed by its number of records (`u32` BE). Commands that were rejected leave no
//!   entry. [`Ledger::open`] re-checks the entries below `meta/indexed` against the log
//!   (a fingerprint of each side, compared; on a difference every entry is looked up)
//!   and rewrites a missing or wrong one, since retries are found through it.
//! - **`digests`**, not derived (the command is not in the log, so neither is its
//!   digest). Key: the stored command id's UTF-8 bytes. Value: the command's 32-byte
//!   [`ledger_core::CommandDigest`] (see [`ledger_core::Envelope::digest`], which documents
//!   the hashed bytes). The writer inserts a batch's digests before its records; a digest
//!   whose command never reached the log is never consulted and is overwritten if its id
//!   is used again.
//! - **`merkle`**, derived: the RFC 6962 Merkle tree over the records (SHA-256, leaf =
//!   `SHA-256(0x00 ‖ record bytes)`, node = `SHA-256(0x01 ‖ left ‖ right)`), as the hashes
//!   of its full subtrees. Key: the level (`u8`) then the index (`u64` BE); value: the
//!   32-byte hash of the subtree over leaves `[index · 2^level, (index + 1) · 2^level)`
//!   (level 0 holds the leaf hashes). These are the hashes C2SP tlog-tiles serves.
//! - **`meta`**. Key `format`: the marker [`layout::STORE_FORMAT`] that says this sled
//!   database is a ledger. Key `indexed`: how far the derived trees are indexed, as the
//!   head they cover: length (`u64` BE) then the hash of the record at `length - 1`
//!   (32 bytes; zeros when empty). Key `merkle`: how far the `merkle` tree is written:
//!   tree size (`u64` BE) then the root of the tree of that size (32 bytes). Key
//!   `log-verifier-key`: the verifier key of the log's signing key (UTF-8), which tells a
//!   lost key file from a ledger made before signed checkpoints. Key `digests-from`: the
//!   log's length (`u64` BE) when the writer first kept digests; every command from that
//!   position on has one, those before it (older ledgers, and a primary restored from a
//!   mirror) have none. Only in a mirror: `mirror-of` (the primary's URL, UTF-8),
//!   `mirror-checkpoint` and `mirror-checkpoint-next` (the primary's signed checkpoints,
//!   UTF-8); see [`Ledger::open_mirror`] and [`Ledger::import`].
//!
//! The derived trees can always be rebuilt from `events`. They are written after the
//! events of a batch are durable, by plain inserts (a sled `Batch` would seal sled's
//! write buffer and wake its I/O threads for nothing), and `meta/indexed` (`meta/merkle`
//! for the Merkle tree) last; sled recovers a prefix of its log, so after a crash they
//! may lag behind `events` but never run ahead;
//! [`Ledger::open`] indexes whatever is missing. A ledger made before the `merkle` tree
//! and the signing key existed gets both at its next open (said on stderr).
//!
//! # The transparency log
//!
//! After every group commit the writer adds the batch's leaves to the Merkle tree (it
//! keeps the tree's right edge in memory: one leaf hash and at most log2(n) node hashes
//! per record, no reads), stores the new hashes, and signs a C2SP tlog-checkpoint
//! (origin, size, base64 root) as a C2SP signed note with the key named after the
//! ledger's origin; it publishes it with the new head ([`Ledger::checkpoint`]). Open signs
//! one for the current size. Proofs ([`Ledger::inclusion_proof`],
//! [`Ledger::consistency_proof`]), roots and C2SP tiles ([`Ledger::hash_tile`],
//! [`Ledger::entry_bundle`]) are read from the stored hashes for any size up to the
//! latest checkpoint's; beyond it they are [`StoreError::BeyondTree`].
//!
//! # Appending
//!
//! One writer thread owns decision and sequencing. [`Ledger::append`] sends the envelope
//! to it and waits. The writer takes every request queued at that moment (group
//! commit), and for each in order: looks its command id up for its actor (ids are scoped
//! per actor: under the id as sent, then under `actor/id`), answers a known one whose
//! command has the same digest with the original receipt (`replayed`) and refuses one
//! with another digest ([`AppendError::KeyReused`]); stores a new command under the id as
//! sent, or under `actor/id` when another actor's command holds that id; checks
//! `expected_version` against the target stream, reads the clock once, runs `decide` on
//! its working state (which includes the earlier commands of the same batch), and seals
//! the events with `chain::seal`. The batch's digests go to `digests`, then all its
//! records to `events` in one sled `Batch` (all or nothing; a batch of one record is one
//! insert); then `db.flush()`, then
//! `fdatasync` of sled's files, and of the directory only when its listing changed
//! (sled's flush alone uses `sync_file_range`, which flushes neither the disk cache nor
//! metadata); then the derived trees; then the batch's events are applied to the
//! durable state (a second decision state, the only one readers ever see), the new head
//! is published and every waiter answered.
//! If writing or syncing fails, no waiter of the batch is acknowledged and the writer
//! refuses every later append ([`StoreError::WriterStopped`]): the state in memory stays
//! at the last durable head, and the ledger must be reopened, which re-reads and
//! re-verifies what actually reached the disk.
//!
//! An expected refusal appends nothing and is an [`AppendError`] outcome: `Rejected`
//! (the domain said no), `Conflict` (wrong `expected_version`), `TooLarge` (a record
//! over 64 KiB) or `KeyReused` (the actor's command id names another command). A store
//! that does not take the command, having written nothing, answers
//! `AppendError::Refused(StoreError)` (full disk, quarantine, a stopped writer, a fault
//! met before writing): retrying with the same id is safe. A failure while the batch
//! was being written is `AppendError::Fault(StoreError)`: the command may or may not be
//! in the log, and a retry with the same id tells.
//!
//! # Checking
//!
//! [`Ledger::open`] replays `events` from position 0 through `chain::check_link` and
//! `State::evolve`, and refuses a damaged chain with [`StoreError::Corrupt`] naming the
//! first bad position; it also refuses a stored Merkle tree that disagrees with the
//! records: every stored hash it covers is compared with the recomputed one (as the
//! catch-up recomputes each level in index order, one forward iterator per level reads
//! them back), so the transparency reads only serve hashes an open has checked or the
//! writer has computed since. [`Ledger::open_folding`] opens the same way and hands every checked record
//! and its event to a fold of the caller's (a server's read model). [`verify`] does the same without starting a writer and also compares every
//! derived entry with a rebuild, every stored Merkle hash included (a wrong one is named
//! by the first leaf of its subtree), and names every command since `meta/digests-from`
//! whose digest is missing.
//!
//! What an acknowledged append costs is measured by `ledger-bench` (`tools/bench`), and
//! that nothing acknowledged is lost when the process holding the ledger is killed, by
//! `ledger-crashloop` (`tools/crashloop`); `tools/README.md` lists every tool.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cache;
mod checkpoint;
mod digests;
mod disk;
mod error;
mod index;
pub mod layout;
mod ledger;
mod lock;
mod log_key;
mod merkle;
mod mirror;
mod options;
mod receipt;
mod replay;
pub mod tokens;
mod transparency;
mod verify;
mod writer;

pub use cache::{read_cache, Cache};
pub use error::{AppendError, StoreError};
pub use ledger::{Damage, Ledger, DEFAULT_FREE_SPACE_RESERVE};
pub use options::{system_clock, Clock, Durability, LedgerOptions};
pub use receipt::Receipt;
pub use tokens::{TokenBook, TokenEntry, TokenError, TokenGrant, TokenSelector};
pub use verify::{verify, Problem, VerifyReport};
pub use writer::AppendStats;

/// The command id of the initialising command that [`Ledger::init`] appends.
pub const INIT_COMMAND_ID: &str = "initialize-ledger";

/// The actor of the initialising command that [`Ledger::init`] appends.
pub const INIT_ACTOR: &str = "operator";
