//! The on-disk layout: file and tree names, and the byte encodings of keys and values.
//!
//! These encodings are the stored contract described in the crate documentation; tools
//! outside this crate (a tamper test, an auditor's script) may rely on them. This module
//! must never change an encoding in place: a new layout needs a new [`STORE_FORMAT`].

use ledger_core::{Head, RecordHash};
use ledger_tlog::Hash;

/// The lock file inside a ledger directory.
pub const LOCK_FILE: &str = "ledger.lock";

/// sled's data file inside a ledger directory; its presence marks a database.
pub const DB_FILE: &str = "db";

/// sled's page cache per open ledger, in bytes. The log is read once at start-up and then
/// mostly appended to, so a modest cache is enough and keeps many open ledgers (tests)
/// cheap. (Public so that a benchmark of sled alone can open sled as the store does.)
pub const SLED_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The log: position -> record bytes.
pub const EVENTS_TREE: &str = "events";

/// Derived: stream name + 0x00 + stream version -> position.
pub const STREAMS_TREE: &str = "streams";

/// Derived: command id -> first position + record count.
pub const COMMANDS_TREE: &str = "commands";

/// Not derived: stored command id -> the 32-byte [`ledger_core::CommandDigest`] of the
/// command appended under it (commands appended since [`DIGESTS_FROM_KEY`]).
pub const DIGESTS_TREE: &str = "digests";

/// The `meta` key of the position (`u64` BE) from which every command has its digest in
/// [`DIGESTS_TREE`]; commands before it were appended by a version that kept none.
pub const DIGESTS_FROM_KEY: &[u8] = b"digests-from";

/// The marker and how far the derived trees are indexed.
pub const META_TREE: &str = "meta";

/// The `meta` key of the format marker.
pub const FORMAT_KEY: &[u8] = b"format";

/// The value under [`FORMAT_KEY`] in every ledger written by this code.
pub const STORE_FORMAT: &[u8] = b"governance-ledger store v1";

/// The `meta` key of the indexed head.
pub const INDEXED_KEY: &[u8] = b"indexed";

/// Derived: the RFC 6962 Merkle tree over `events`, level (`u8`) + index (`u64` BE) ->
/// the 32-byte SHA-256 hash of the full subtree over leaves
/// `[index * 2^level, (index + 1) * 2^level)`.
pub const MERKLE_TREE: &str = "merkle";

/// The `meta` key of how far the `merkle` tree is written: tree size (`u64` BE) then the
/// root hash of the tree of that size (32 bytes).
pub const MERKLE_KEY: &[u8] = b"merkle";

/// The `meta` key of the log's verifier key (C2SP note verifier key text, UTF-8). Its
/// presence says the ledger was made with a signing key, so a missing key file is an
/// error rather than a ledger that predates signed checkpoints.
pub const LOG_KEY: &[u8] = b"log-verifier-key";

/// `meta` key of a mirror: the URL of the primary it copies (UTF-8). A directory with
/// this key is a mirror: [`crate::Ledger::open`] refuses it, [`crate::Ledger::open_mirror`]
/// opens it.
pub const MIRROR_OF_KEY: &[u8] = b"mirror-of";

/// `meta` key of a mirror: the primary's signed checkpoint (C2SP signed note, UTF-8)
/// that the mirror's records were last verified against; its size is at most the log's
/// length.
pub const MIRROR_CHECKPOINT_KEY: &[u8] = b"mirror-checkpoint";

/// `meta` key of a mirror: the checkpoint of the import being written, stored before
/// its records; after a crash it is the verified checkpoint when the log holds exactly
/// its size of records.
pub const MIRROR_NEXT_KEY: &[u8] = b"mirror-checkpoint-next";

/// The log's Ed25519 signing key, C2SP signer key text, mode 0600. Never in the log.
pub const SIGNING_KEY_FILE: &str = "log-signing.key";

/// The log's verifier key, C2SP verifier key text, for readers.
pub const VERIFIER_KEY_FILE: &str = "log-verifier.key";

/// The `events` key of a position: `u64` big-endian, so keys sort in log order.
pub fn position_key(position: u64) -> [u8; 8] {
    position.to_be_bytes()
}

/// Reads a position key or value; `None` unless it is exactly eight bytes.
pub fn decode_position(bytes: &[u8]) -> Option<u64> {
    let array: [u8; 8] = bytes.try_into().ok()?;
    Some(u64::from_be_bytes(array))
}

/// The prefix of every `streams` key of `stream`.
pub fn stream_prefix(stream: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(stream.len() + 9);
    key.extend_from_slice(stream.as_bytes());
    key.push(0);
    key
}

/// The `streams` key of version `version` of `stream`.
pub fn stream_key(stream: &str, version: u64) -> Vec<u8> {
    let mut key = stream_prefix(stream);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

/// The `commands` value: first position (`u64` BE) and record count (`u32` BE).
pub fn command_value(first: u64, count: u32) -> [u8; 12] {
    let mut value = [0u8; 12];
    value[..8].copy_from_slice(&first.to_be_bytes());
    value[8..].copy_from_slice(&count.to_be_bytes());
    value
}

/// Reads a `commands` value; `None` unless it is exactly twelve bytes.
pub fn decode_command_value(bytes: &[u8]) -> Option<(u64, u32)> {
    let array: [u8; 12] = bytes.try_into().ok()?;
    let mut first = [0u8; 8];
    first.copy_from_slice(&array[..8]);
    let mut count = [0u8; 4];
    count.copy_from_slice(&array[8..]);
    Some((u64::from_be_bytes(first), u32::from_be_bytes(count)))
}

/// The `meta/indexed` value: length (`u64` BE) then the head hash (32 bytes).
pub fn indexed_value(head: Head) -> [u8; 40] {
    let mut value = [0u8; 40];
    value[..8].copy_from_slice(&head.length.to_be_bytes());
    value[8..].copy_from_slice(&head.hash.0);
    value
}

/// Reads a `meta/indexed` value; `None` unless it is exactly forty bytes.
pub fn decode_indexed(bytes: &[u8]) -> Option<Head> {
    let array: [u8; 40] = bytes.try_into().ok()?;
    let mut length = [0u8; 8];
    length.copy_from_slice(&array[..8]);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&array[8..]);
    Some(Head {
        length: u64::from_be_bytes(length),
        hash: RecordHash(hash),
    })
}

/// The `merkle` key of the stored hash at (`level`, `index`).
pub fn merkle_key(level: u8, index: u64) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = level;
    key[1..].copy_from_slice(&index.to_be_bytes());
    key
}

/// Reads a `merkle` key; `None` unless it is exactly nine bytes.
pub fn decode_merkle_key(bytes: &[u8]) -> Option<(u8, u64)> {
    let (&level, index) = bytes.split_first()?;
    Some((level, decode_position(index)?))
}

/// Reads a `merkle` value; `None` unless it is exactly 32 bytes.
pub fn decode_merkle_hash(bytes: &[u8]) -> Option<Hash> {
    <[u8; 32]>::try_from(bytes).ok().map(Hash)
}

/// The `meta/merkle` value: tree size (`u64` BE) then the root (32 bytes).
pub fn merkle_value(size: u64, root: Hash) -> [u8; 40] {
    let mut value = [0u8; 40];
    value[..8].copy_from_slice(&size.to_be_bytes());
    value[8..].copy_from_slice(root.as_bytes());
    value
}

/// Reads a `meta/merkle` value; `None` unless it is exactly forty bytes.
pub fn decode_merkle_value(bytes: &[u8]) -> Option<(u64, Hash)> {
    if bytes.len() != 40 {
        return None;
    }
    let (size, root) = bytes.split_at(8);
    Some((decode_position(size)?, decode_merkle_hash(root)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_in_log_and_stream_order() {
        assert!(position_key(255) < position_key(256));
        assert!(stream_key("round/r1", 9) < stream_key("round/r1", 10));
        // A stream whose name extends another's never shares its prefix.
        assert!(!stream_key("round/r10", 0).starts_with(&stream_prefix("round/r1")));
        assert_eq!(decode_position(&position_key(42)), Some(42));
        assert_eq!(decode_position(&[1, 2, 3]), None);
    }

    #[test]
    fn values_round_trip() {
        assert_eq!(decode_command_value(&command_value(7, 2)), Some((7, 2)));
        let head = Head {
            length: 3,
            hash: RecordHash([9; 32]),
        };
        assert_eq!(decode_indexed(&indexed_value(head)), Some(head));
        assert_eq!(decode_indexed(&[0; 39]), None);
        assert_eq!(decode_merkle_key(&merkle_key(3, 258)), Some((3, 258)));
        assert_eq!(decode_merkle_key(&[1; 8]), None);
        let root = Hash([5; 32]);
        assert_eq!(decode_merkle_value(&merkle_value(9, root)), Some((9, root)));
        assert_eq!(decode_merkle_value(&[0; 41]), None);
    }

    #[test]
    fn merkle_keys_sort_by_level_then_index() {
        assert!(merkle_key(0, 255) < merkle_key(0, 256));
        assert!(merkle_key(0, u64::MAX) < merkle_key(1, 0));
    }
}
