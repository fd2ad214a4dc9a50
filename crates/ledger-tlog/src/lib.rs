//! The transparency-log side of the ledger, written so that third-party tools
//! (Go's sumdb/tlog and note packages, transparency-dev witnesses, C2SP tile
//! clients) can check everything this crate produces.
//!
//! It owns the RFC 6962 / RFC 9162 Merkle tree over SHA-256, the storage model
//! of full-subtree hashes addressed by (level, index), inclusion and
//! consistency proofs, C2SP checkpoints, C2SP signed notes with Ed25519, and
//! the C2SP tlog-tiles encodings.
//!
//! It must never perform I/O, read a clock, use randomness or panic on
//! untrusted input: storage is reached only through the [`HashReader`] trait,
//! and every parser reports malformed input as a typed error.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod checkpoint;
mod error;
mod hash;
mod merkle;
mod note;
mod tiles;
mod verify;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use error::{NoteError, TlogError};
pub use hash::{leaf_hash, node_hash, Hash, EMPTY_ROOT};
pub use merkle::{
    consistency_proof, hashes_to_store, inclusion_proof, tree_root, HashReader, MemoryHashStore,
};
pub use note::{open, NoteSigner, NoteVerifier, OpenedNote, MAX_SIGNATURES};
pub use tiles::{
    decode_entry_bundle, encode_entry_bundle, hash_tile, parse_tile_path, tiles_for_size, TileKind,
    TileRef, TILE_HEIGHT, TILE_WIDTH,
};
pub use verify::{verify_consistency, verify_inclusion};
