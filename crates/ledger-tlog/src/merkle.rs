//! The incremental storage model and everything computed from it: which
//! full-subtree hashes an append completes, tree roots, and inclusion and
//! consistency proofs in RFC 9162 order.
//!
//! Hashes are addressed exactly like Go's golang.org/x/mod/sumdb/tlog stored
//! hashes and C2SP tlog-tiles: (level L, index k) is the hash of the full
//! subtree over leaves [k * 2^L, (k + 1) * 2^L), so level 0 holds leaf hashes.
//! Such a hash never changes once written, which is what lets the caller keep
//! it in an append-only store.
//!
//! This module must never hold storage of its own beyond the in-memory
//! [`MemoryHashStore`], and must never read more than O(log n) hashes for a
//! root or a proof: it reads only through [`HashReader`].

use crate::hash::{leaf_hash, node_hash, Hash, EMPTY_ROOT};
use crate::TlogError;

/// Read access to stored full-subtree hashes.
pub trait HashReader {
    /// Returns the hash of the full subtree at (level, index), or an error
    /// if it was never stored.
    fn read_hash(&self, level: u8, index: u64) -> Result<Hash, TlogError>;
}

/// An in-memory hash store for tests, audits and small tools. It keeps one
/// vector per level, so index k of level L is simply `levels[L][k]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryHashStore {
    levels: Vec<Vec<Hash>>,
}

impl MemoryHashStore {
    /// An empty store (a tree of size 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the store of a tree holding these entries, in order.
    pub fn from_entries<I>(entries: I) -> Result<Self, TlogError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut store = Self::new();
        for entry in entries {
            store.append(leaf_hash(entry.as_ref()))?;
        }
        Ok(store)
    }

    /// Appends one leaf hash through [`hashes_to_store`], exactly as a
    /// persistent store would, and returns the new leaf's index. Pushing is
    /// enough to place each hash, because appends complete the subtrees of
    /// every level in index order.
    pub fn append(&mut self, leaf_hash: Hash) -> Result<u64, TlogError> {
        let index = self.size();
        for (level, _, hash) in hashes_to_store(index, leaf_hash, self)? {
            let level = usize::from(level);
            if self.levels.len() <= level {
                self.levels.resize_with(level + 1, Vec::new);
            }
            if let Some(row) = self.levels.get_mut(level) {
                row.push(hash);
            }
        }
        Ok(index)
    }

    /// Number of leaves stored.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |row| row.len() as u64)
    }
}

impl HashReader for MemoryHashStore {
    fn read_hash(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels.get(usize::from(level))?.get(i))
            .copied()
            .ok_or(TlogError::MissingHash { level, index })
    }
}

/// Returns the hashes that appending leaf number `leaf_index` (with hash
/// `leaf_hash`) adds to the store: the leaf itself at level 0, then one hash
/// per full subtree the leaf completes, which is one per trailing 1 bit of
/// `leaf_index`. Each completed subtree combines a left sibling that was
/// stored by an earlier append, so at most log2(n) hashes are read.
pub fn hashes_to_store<R: HashReader + ?Sized>(
    leaf_index: u64,
    leaf_hash: Hash,
    reader: &R,
) -> Result<Vec<(u8, u64, Hash)>, TlogError> {
    // After this append the tree has leaf_index + 1 leaves, which must fit
    // in a u64 tree size.
    if leaf_index == u64::MAX {
        return Err(TlogError::IndexOutOfRange {
            index: leaf_index,
            size: u64::MAX,
        });
    }
    let completed = leaf_index.trailing_ones() as u8;
    let mut out = Vec::with_capacity(usize::from(completed) + 1);
    out.push((0, leaf_index, leaf_hash));
    let mut hash = leaf_hash;
    for level in 0..completed {
        // The subtree at this level containing the new leaf has an odd
        // index, so its left sibling (index - 1) is already stored.
        let index = leaf_index >> level;
        let left = reader.read_hash(level, index - 1)?;
        hash = node_hash(&left, &hash);
        out.push((level + 1, index >> 1, hash));
    }
    Ok(out)
}

/// The Merkle Tree Hash of the first `size` leaves (RFC 9162 §2.1.1).
pub fn tree_root<R: HashReader + ?Sized>(size: u64, reader: &R) -> Result<Hash, TlogError> {
    subtree_hash(0, size, reader)
}

/// The inclusion proof (RFC 9162 §2.1.3.1, PATH) of leaf `index` in the tree
/// of the first `size` leaves, ordered from the leaf towards the root.
pub fn inclusion_proof<R: HashReader + ?Sized>(
    index: u64,
    size: u64,
    reader: &R,
) -> Result<Vec<Hash>, TlogError> {
    if index >= size {
        return Err(TlogError::IndexOutOfRange { index, size });
    }
    let mut proof = Vec::new();
    path(index, 0, size, reader, &mut proof)?;
    Ok(proof)
}

/// The consistency proof (RFC 9162 §2.1.4.1, PROOF) that the tree of size
/// `old` is a prefix of the tree of size `new`.
///
/// RFC 9162 defines proofs only for 0 < old; this crate chooses to return an
/// empty proof for old == 0 because every tree extends the empty tree, and
/// [`crate::verify_consistency`] accepts exactly that empty proof.
pub fn consistency_proof<R: HashReader + ?Sized>(
    old: u64,
    new: u64,
    reader: &R,
) -> Result<Vec<Hash>, TlogError> {
    if old > new {
        return Err(TlogError::SizeOutOfOrder { old, new });
    }
    let mut proof = Vec::new();
    if old > 0 {
        subproof(old, 0, new, true, reader, &mut proof)?;
    }
    Ok(proof)
}

/// MTH(D[lo..hi]) for a range that is a node of some RFC 6962 tree, read as
/// the full subtrees given by the binary digits of its length, largest first,
/// and folded from the right exactly as the RFC's recursive split does. An
/// empty range has no parts and yields the empty-tree hash, as MTH({}) does.
fn subtree_hash<R: HashReader + ?Sized>(lo: u64, hi: u64, reader: &R) -> Result<Hash, TlogError> {
    let mut parts = Vec::new();
    let mut start = lo;
    let mut remaining = hi - lo;
    while remaining > 0 {
        let level = 63 - remaining.leading_zeros();
        parts.push(reader.read_hash(level as u8, start >> level)?);
        start += 1 << level;
        remaining -= 1 << level;
    }
    let mut parts = parts.into_iter().rev();
    let mut hash = parts.next().unwrap_or(EMPTY_ROOT);
    for left in parts {
        hash = node_hash(&left, &hash);
    }
    Ok(hash)
}

/// The largest power of two strictly smaller than `n` (RFC 9162's k), for n >= 2.
fn split_point(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// PATH(index, D[lo..hi]) from RFC 9162 §2.1.3.1, appended to `out`.
fn path<R: HashReader + ?Sized>(
    index: u64,
    lo: u64,
    hi: u64,
    reader: &R,
    out: &mut Vec<Hash>,
) -> Result<(), TlogError> {
    if hi - lo == 1 {
        return Ok(());
    }
    let mid = lo + split_point(hi - lo);
    if index < mid {
        path(index, lo, mid, reader, out)?;
        out.push(subtree_hash(mid, hi, reader)?);
    } else {
        path(index, mid, hi, reader, out)?;
        out.push(subtree_hash(lo, mid, reader)?);
    }
    Ok(())
}

/// SUBPROOF(old, D[lo..hi], complete) from RFC 9162 §2.1.4.1, appended to
/// `out`; `old` counts leaves from `lo`, and `complete` is true while the old
/// tree is still the whole left edge (so its root need not be sent).
fn subproof<R: HashReader + ?Sized>(
    old: u64,
    lo: u64,
    hi: u64,
    complete: bool,
    reader: &R,
    out: &mut Vec<Hash>,
) -> Result<(), TlogError> {
    if old == hi - lo {
        if !complete {
            out.push(subtree_hash(lo, hi, reader)?);
        }
        return Ok(());
    }
    let k = split_point(hi - lo);
    if old <= k {
        subproof(old, lo, lo + k, complete, reader, out)?;
        out.push(subtree_hash(lo + k, hi, reader)?);
    } else {
        subproof(old - k, lo + k, hi, false, reader, out)?;
        out.push(subtree_hash(lo, lo + k, reader)?);
    }
    Ok(())
}
