//! The `digests` tree: the digest of every command appended since this store version,
//! under the command's stored id, and `meta/digests-from`, the position from which every
//! command has one.
//!
//! A digest is what tells a retry (same command id, same command: answered with the
//! first receipt) from a reused id (same command id, another command: refused). The
//! command itself is not in the log, so its digest cannot be rebuilt from `events`: this
//! tree is primary data, not a derived index. The writer inserts a batch's digests
//! before the batch's records and syncs them together; sled recovers a prefix of its
//! log, so a command that reached the disk has its digest (a digest whose command did
//! not is never looked at, and is overwritten if the id is used again). This module must
//! never be written anywhere but on the writer thread, never be used to find a command
//! (the `commands` index does that), and never answer "same command" for a command whose
//! digest it does not hold.

use ledger_core::{CommandDigest, CommandId};

use crate::disk::Trees;
use crate::error::StoreError;
use crate::layout::{decode_position, position_key, DIGESTS_FROM_KEY, DIGESTS_TREE};

/// The digests of the commands, opened by the writer before its first batch.
#[derive(Clone, Debug)]
pub(crate) struct Digests {
    tree: sled::Tree,
    /// Commands whose first record is at or after this position have a digest.
    from: u64,
}

/// What the store knows of a stored command's digest.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Known {
    /// The digest stored with the command.
    Digest(CommandDigest),
    /// The command predates digests (it is before `meta/digests-from`).
    Legacy,
}

impl Digests {
    /// Opens the tree. A ledger that has none yet (new, or written by an older version)
    /// records the current length `head` as `meta/digests-from`: every command from
    /// there on gets a digest. That insert becomes durable with the first batch's sync,
    /// before any digest or record of that batch.
    pub(crate) fn open(trees: &Trees, head: u64) -> Result<Digests, StoreError> {
        let tree = trees.db.open_tree(DIGESTS_TREE)?;
        let from = match trees.meta.get(DIGESTS_FROM_KEY)? {
            Some(bytes) => decode_position(&bytes)
                .ok_or_else(|| StoreError::corrupt(head, "meta/digests-from is not a position"))?,
            None => {
                trees
                    .meta
                    .insert(DIGESTS_FROM_KEY, &position_key(head)[..])?;
                head
            }
        };
        Ok(Digests { tree, from })
    }

    /// The digest of the command stored under `id`, whose first record is at `first`.
    /// A command at or after `meta/digests-from` without a digest is damage.
    pub(crate) fn known(&self, id: &CommandId, first: u64) -> Result<Known, StoreError> {
        match self.tree.get(id.as_str().as_bytes())? {
            Some(bytes) => {
                let digest = <[u8; 32]>::try_from(bytes.as_ref()).map_err(|_| {
                    StoreError::corrupt(first, format!("the digest of command {id} is unreadable"))
                })?;
                Ok(Known::Digest(CommandDigest(digest)))
            }
            None if first < self.from => Ok(Known::Legacy),
            None => Err(StoreError::corrupt(
                first,
                format!("the digest of command {id} is missing"),
            )),
        }
    }

    /// Stores `digest` under `id` (not yet durable: the batch's sync makes it so).
    pub(crate) fn insert(&self, id: &CommandId, digest: CommandDigest) -> Result<(), StoreError> {
        self.tree.insert(id.as_str().as_bytes(), &digest.0[..])?;
        Ok(())
    }
}
