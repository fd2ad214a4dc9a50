//! The transparency-log reads of a [`Ledger`]: the latest signed checkpoint, the verifier
//! key, roots, inclusion and consistency proofs (RFC 9162 order), and the C2SP
//! tlog-tiles resources (hash tiles and entry bundles).
//!
//! Every read is bounded by the size of the latest published checkpoint, whose hashes
//! are all stored: a size, leaf or tile beyond it is [`StoreError::BeyondTree`], and a
//! request no tree can answer is [`StoreError::BadTreeRequest`]. The proofs themselves
//! are `ledger_tlog`'s, computed from the stored hashes in O(log n) reads. This module
//! must never serve a tile that differs from what the static export writes for the same
//! tree, and never read past the published checkpoint. A ledger in quarantine has no
//! checkpoint: every read here is then [`StoreError::Damaged`].

use ledger_tlog::{
    consistency_proof, encode_entry_bundle, hash_tile, inclusion_proof, tree_root, Hash,
    TILE_HEIGHT, TILE_WIDTH,
};

use crate::error::StoreError;
use crate::layout::position_key;
use crate::merkle::StoredHashes;
use crate::Ledger;

/// The highest hash-tile level a tree with a u64 size can reach.
const MAX_TILE_LEVEL: u8 = 7;

impl Ledger {
    /// The latest signed checkpoint: a C2SP signed note whose text is the C2SP
    /// tlog-checkpoint (origin, tree size, base64 root), signed with the log's key.
    /// A ledger in quarantine signs no checkpoint: this is then empty, and
    /// [`Ledger::damage`] says why.
    pub fn checkpoint(&self) -> String {
        self.shared().tree().note.clone()
    }

    /// The size of the latest checkpoint: how many records the Merkle tree covers. It
    /// equals the head's length, except briefly after a failed write of Merkle hashes.
    pub fn tree_size(&self) -> u64 {
        self.shared().tree().size
    }

    /// The RFC 6962 root of the first `size` records.
    pub fn tree_root(&self, size: u64) -> Result<Hash, StoreError> {
        self.refuse_if_damaged()?;
        self.within_tree(size, || format!("tree size {size}"))?;
        let reader = StoredHashes::new(self.trees());
        tree_root(size, &reader).map_err(|e| reader.error(e))
    }

    /// The inclusion proof of record `index` in the tree of the first `size` records,
    /// from the leaf towards the root. `size` may be any size up to [`Ledger::tree_size`].
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, StoreError> {
        self.refuse_if_damaged()?;
        if index >= size {
            return Err(StoreError::BadTreeRequest(format!(
                "leaf index {index} is not inside a tree of size {size}"
            )));
        }
        self.within_tree(size, || format!("tree size {size}"))?;
        let reader = StoredHashes::new(self.trees());
        inclusion_proof(index, size, &reader).map_err(|e| reader.error(e))
    }

    /// The consistency proof that the tree of the first `from` records is a prefix of the
    /// tree of the first `to` records (empty when `from` is 0 or equals `to`).
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, StoreError> {
        self.refuse_if_damaged()?;
        if from > to {
            return Err(StoreError::BadTreeRequest(format!(
                "a consistency proof goes from a smaller to a larger tree, not from {from} to {to}"
            )));
        }
        self.within_tree(to, || format!("tree size {to}"))?;
        let reader = StoredHashes::new(self.trees());
        consistency_proof(from, to, &reader).map_err(|e| reader.error(e))
    }

    /// The stored bytes of record `index` (the tree's leaf `index`).
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, StoreError> {
        self.refuse_if_damaged()?;
        let size = self.tree_size();
        if index >= size {
            return Err(StoreError::BeyondTree {
                what: format!("entry {index}"),
                size,
            });
        }
        self.entry_bytes(index)
    }

    /// The body of hash tile `index` at tile level `level` with `width` hashes (256 for a
    /// full tile): the concatenated stored hashes of Merkle level `8 * level`. Only the
    /// tiles of the current tree exist: every full tile, and the one partial tile of each
    /// level with exactly the width the tree holds.
    pub fn hash_tile(&self, level: u8, index: u64, width: u16) -> Result<Vec<u8>, StoreError> {
        self.refuse_if_damaged()?;
        let size = self.tree_size();
        if level > MAX_TILE_LEVEL {
            return Err(StoreError::BeyondTree {
                what: format!("hash tile level {level}"),
                size,
            });
        }
        let hashes = size >> (u32::from(level) * u32::from(TILE_HEIGHT));
        tile_exists(size, hashes, index, width, || {
            format!("hash tile {level}/{index} of width {width}")
        })?;
        let reader = StoredHashes::new(self.trees());
        hash_tile(level, index, width, &reader).map_err(|e| reader.error(e))
    }

    /// The entry bundle `index` with `width` entries (256 when full): each record of
    /// positions `index * 256 ..` as a big-endian u16 length and its stored bytes. Only
    /// the bundles of the current tree exist, as for [`Ledger::hash_tile`] at level 0.
    pub fn entry_bundle(&self, index: u64, width: u16) -> Result<Vec<u8>, StoreError> {
        self.refuse_if_damaged()?;
        let size = self.tree_size();
        tile_exists(size, size, index, width, || {
            format!("entry bundle {index} of width {width}")
        })?;
        let first = index * u64::from(TILE_WIDTH);
        let entries = (first..first + u64::from(width))
            .map(|position| self.entry_bytes(position))
            .collect::<Result<Vec<_>, _>>()?;
        encode_entry_bundle(&entries)
            .map_err(|e| StoreError::corrupt(first, format!("entry bundle: {e}")))
    }

    /// Refuses every transparency read of a ledger in quarantine: it has no checkpoint,
    /// and a proof from hashes stored beside a damaged log would prove nothing. (Cache
    /// writes use it too: a ledger in quarantine writes nothing.)
    pub(crate) fn refuse_if_damaged(&self) -> Result<(), StoreError> {
        match self.damage() {
            Some(damage) => Err(StoreError::Damaged {
                position: damage.position,
                reason: damage.reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Refuses a size beyond the latest checkpoint.
    fn within_tree(&self, size: u64, what: impl FnOnce() -> String) -> Result<(), StoreError> {
        let tree = self.tree_size();
        if size > tree {
            return Err(StoreError::BeyondTree {
                what: what(),
                size: tree,
            });
        }
        Ok(())
    }

    fn entry_bytes(&self, position: u64) -> Result<Vec<u8>, StoreError> {
        self.trees()
            .events
            .get(position_key(position))?
            .map(|bytes| bytes.to_vec())
            .ok_or_else(|| StoreError::corrupt(position, "record is missing"))
    }
}

/// Whether tile `index` of `width` is a tile of a level holding `held` hashes (or
/// entries) in the tree of `size` records: a full tile that is complete, or the partial
/// tile with exactly the remainder.
fn tile_exists(
    size: u64,
    held: u64,
    index: u64,
    width: u16,
    what: impl FnOnce() -> String,
) -> Result<(), StoreError> {
    if width == 0 || width > TILE_WIDTH {
        return Err(StoreError::BadTreeRequest(format!(
            "a tile's width is between 1 and {TILE_WIDTH}, not {width}"
        )));
    }
    let full = held / u64::from(TILE_WIDTH);
    let remainder = held % u64::from(TILE_WIDTH);
    let exists = if width == TILE_WIDTH {
        index < full
    } else {
        index == full && u64::from(width) == remainder
    };
    if exists {
        Ok(())
    } else {
        Err(StoreError::BeyondTree { what: what(), size })
    }
}
