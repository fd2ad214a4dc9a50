//! The derived `merkle` tree: the RFC 6962 Merkle tree over the stored records, kept as
//! the hashes of its full subtrees (see `ledger_tlog::hashes_to_store`).
//!
//! The writer keeps the tree's right edge in memory (a [`Frontier`]), so appending a
//! record costs one leaf hash, at most log2(n) node hashes and no read; the new hashes go
//! to sled after the records they cover are durable, and `meta/merkle` (size and root)
//! last, so the stored tree may lag behind `events` after a crash but never runs ahead.
//! This module must never be the only copy of anything: every hash it writes is a pure
//! function of the bytes in `events`, and [`Ledger::open`](crate::Ledger::open) rebuilds
//! whatever is missing. Nor may it let an open pass over a stored hash it has not
//! compared with the one the records give: the open's catch-up recomputes every hash of
//! the tree and compares each one the stored tree already holds, so the transparency reads
//! serve only hashes an open has checked.

use std::cell::RefCell;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use ledger_tlog::{hashes_to_store, leaf_hash, tree_root, Hash, HashReader, TlogError};

use crate::disk::Trees;
use crate::error::StoreError;
use crate::layout::{
    decode_merkle_hash, decode_merkle_key, decode_merkle_value, merkle_key, merkle_value,
    MERKLE_KEY,
};

/// Stored hashes computed and written per chunk while catching up, so memory stays
/// bounded.
const CATCH_UP_CHUNK: usize = 64 * 1024;

/// One stored hash: level, index, hash.
pub(crate) type StoredHash = (u8, u64, Hash);

/// The right edge of a tree: the latest stored hash of every level, which is exactly what
/// the next append and the current root read.
///
/// For a tree of n leaves the latest hash of level L has index n / 2^L - 1; the next
/// append combines only such hashes (its left siblings), and the root is made of those of
/// the levels whose bit is set in n.
#[derive(Clone, Debug, Default)]
pub(crate) struct Frontier {
    size: u64,
    latest: Vec<Option<(u64, Hash)>>,
}

impl Frontier {
    /// The empty tree.
    pub(crate) fn new() -> Frontier {
        Frontier::default()
    }

    /// The number of leaves.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Appends the record `entry` and returns the hashes to store for it.
    pub(crate) fn append(&mut self, entry: &[u8]) -> Result<Vec<StoredHash>, StoreError> {
        self.append_leaf(leaf_hash(entry))
    }

    /// Appends a leaf by its hash and returns the hashes to store for it.
    pub(crate) fn append_leaf(&mut self, leaf: Hash) -> Result<Vec<StoredHash>, StoreError> {
        let position = self.size;
        let stored = hashes_to_store(position, leaf, self)
            .map_err(|e| StoreError::corrupt(position, format!("merkle tree: {e}")))?;
        for &(level, index, hash) in &stored {
            let level = usize::from(level);
            if self.latest.len() <= level {
                self.latest.resize(level + 1, None);
            }
            if let Some(slot) = self.latest.get_mut(level) {
                *slot = Some((index, hash));
            }
        }
        self.size += 1;
        Ok(stored)
    }

    /// The root of the tree of [`Frontier::size`] leaves.
    pub(crate) fn root(&self) -> Result<Hash, StoreError> {
        tree_root(self.size, self).map_err(|e| {
            StoreError::corrupt(self.size.saturating_sub(1), format!("merkle tree: {e}"))
        })
    }
}

impl HashReader for Frontier {
    fn read_hash(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        match self.latest.get(usize::from(level)) {
            Some(Some((latest, hash))) if *latest == index => Ok(*hash),
            _ => Err(TlogError::MissingHash { level, index }),
        }
    }
}

/// Reads stored hashes from the `merkle` tree for `ledger_tlog`'s proofs and tiles, and
/// keeps the store's own error when a read fails, so a sled fault is not reported as
/// damage.
pub(crate) struct StoredHashes<'a> {
    trees: &'a Trees,
    failure: RefCell<Option<StoreError>>,
}

impl<'a> StoredHashes<'a> {
    pub(crate) fn new(trees: &'a Trees) -> StoredHashes<'a> {
        StoredHashes {
            trees,
            failure: RefCell::new(None),
        }
    }

    /// Turns the error of a `ledger_tlog` call over this reader into the store's error:
    /// the failed read if there was one; a missing or unreadable hash inside the tree is
    /// damage at the first leaf of its subtree.
    pub(crate) fn error(&self, error: TlogError) -> StoreError {
        if let Some(failure) = self.failure.borrow_mut().take() {
            return failure;
        }
        match error {
            TlogError::MissingHash { level, index } => StoreError::corrupt(
                first_leaf(level, index),
                format!("the merkle tree has no hash at level {level}, index {index}"),
            ),
            other => StoreError::corrupt(0, format!("merkle tree: {other}")),
        }
    }
}

impl HashReader for StoredHashes<'_> {
    fn read_hash(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        match self.trees.merkle.get(merkle_key(level, index)) {
            Ok(Some(bytes)) => match decode_merkle_hash(&bytes) {
                Some(hash) => Ok(hash),
                None => {
                    *self.failure.borrow_mut() = Some(StoreError::corrupt(
                        first_leaf(level, index),
                        format!(
                            "the merkle hash at level {level}, index {index} has {} bytes",
                            bytes.len()
                        ),
                    ));
                    Err(TlogError::Storage("unreadable hash".into()))
                }
            },
            Ok(None) => Err(TlogError::MissingHash { level, index }),
            Err(e) => {
                *self.failure.borrow_mut() = Some(StoreError::Sled(e));
                Err(TlogError::Storage("sled read failed".into()))
            }
        }
    }
}

/// The first leaf (log position) under the stored hash at (`level`, `index`).
pub(crate) fn first_leaf(level: u8, index: u64) -> u64 {
    index.checked_shl(u32::from(level)).unwrap_or(u64::MAX)
}

/// How far the stored tree goes: its size and root, `None` when never written or
/// unreadable (then the tree is rebuilt from position 0).
pub(crate) fn stored_size(trees: &Trees) -> Result<Option<(u64, Hash)>, StoreError> {
    Ok(trees
        .meta
        .get(MERKLE_KEY)?
        .and_then(|bytes| decode_merkle_value(&bytes)))
}

/// Writes `hashes`, then records the tree of `size` leaves with `root` as written.
pub(crate) fn write(
    trees: &Trees,
    hashes: &[StoredHash],
    size: u64,
    root: Hash,
) -> Result<(), StoreError> {
    write_hashes(trees, hashes)?;
    trees
        .meta
        .insert(MERKLE_KEY, &merkle_value(size, root)[..])?;
    Ok(())
}

/// Plain inserts, not a sled batch (see `IndexBatch::write`): the hashes need no
/// atomicity, because `meta/merkle`, inserted after them, is what says how far they go.
fn write_hashes(trees: &Trees, hashes: &[StoredHash]) -> Result<(), StoreError> {
    for (level, index, hash) in hashes {
        trees
            .merkle
            .insert(&merkle_key(*level, *index)[..], &hash.as_bytes()[..])?;
    }
    Ok(())
}

/// Rebuilds the right edge while the log is walked at open, and writes the hashes of the
/// records the stored tree does not cover yet, in bounded chunks.
///
/// The SHA-256 hashing runs on a thread of its own, fed in batches of record copies,
/// so that it overlaps the walk instead of adding to it; the result is the same as
/// hashing in the walk's order, which the thread keeps. A batch is one buffer (the
/// records one after the other and where each ends), so the thread frees one
/// allocation per batch that the walk made, not one per record.
#[derive(Debug)]
pub(crate) struct CatchUp {
    /// Records not yet handed to the hashing.
    batch: Batch,
    /// The hashing thread and where to send it batches, once started.
    thread: Option<(SyncSender<Batch>, JoinHandle<Hashing>)>,
    /// The hashing itself, until it moves to its thread (or if no thread can start).
    here: Option<Hashing>,
}

/// Records handed to the hashing thread at once.
const HASH_BATCH: usize = 1024;

/// Records one after the other, and the end of each in `bytes`.
#[derive(Debug, Default)]
struct Batch {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Batch {
    fn entries(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| self.bytes.get(start..end).unwrap_or_default())
    }
}

impl CatchUp {
    pub(crate) fn new(stored: Option<(u64, Hash)>) -> CatchUp {
        CatchUp {
            batch: Batch::default(),
            thread: None,
            here: Some(Hashing {
                frontier: Frontier::new(),
                stored,
                compared: StoredLevels::default(),
                pending: Vec::new(),
                failure: None,
            }),
        }
    }

    /// Adds the next record of the walk.
    pub(crate) fn add(&mut self, trees: &Trees, entry: &[u8]) {
        self.batch.bytes.extend_from_slice(entry);
        self.batch.ends.push(self.batch.bytes.len());
        if self.batch.ends.len() >= HASH_BATCH {
            self.hand_over(trees);
        }
    }

    /// Hands the batch to the hashing thread (started on the first batch).
    fn hand_over(&mut self, trees: &Trees) {
        let batch = std::mem::take(&mut self.batch);
        if self.thread.is_none() {
            if let Some(hashing) = self.here.take() {
                let (sender, batches) = sync_channel::<Batch>(2);
                let own = trees.clone();
                let spawned = std::thread::Builder::new()
                    .name("ledger-merkle-catch-up".into())
                    .spawn(move || {
                        let mut hashing = hashing;
                        for batch in batches {
                            for entry in batch.entries() {
                                hashing.add(&own, entry);
                            }
                        }
                        hashing
                    });
                match spawned {
                    Ok(handle) => self.thread = Some((sender, handle)),
                    // The hashing moved into the closure that could not start: the
                    // catch-up fails (the open reports it) rather than guess.
                    Err(e) => {
                        self.here = Some(Hashing::failed(StoreError::io("merkle", e)));
                    }
                }
            }
        }
        match (&self.thread, &mut self.here) {
            (Some((sender, _)), _) => {
                // A send fails only if the thread ended (it panicked); `finish` says so.
                let _ = sender.send(batch);
            }
            (None, Some(hashing)) => {
                for entry in batch.entries() {
                    hashing.add(trees, entry);
                }
            }
            (None, None) => {}
        }
    }

    /// Writes what is left and the new size and root, checks the stored root against the
    /// records, and hands over the right edge for the writer.
    pub(crate) fn finish(mut self, trees: &Trees) -> Result<Frontier, StoreError> {
        if !self.batch.ends.is_empty() {
            self.hand_over(trees);
        }
        let hashing = match (self.thread.take(), self.here.take()) {
            (Some((sender, handle)), _) => {
                drop(sender);
                handle.join().map_err(|_| {
                    StoreError::io(
                        "merkle",
                        std::io::Error::other("the hashing thread panicked"),
                    )
                })?
            }
            (None, Some(hashing)) => hashing,
            (None, None) => {
                return Err(StoreError::io(
                    "merkle",
                    std::io::Error::other("the merkle catch-up lost its state"),
                ))
            }
        };
        hashing.finish(trees)
    }
}

/// The catch-up's hashing: the right edge, the hashes still to write, the first failure.
#[derive(Debug)]
struct Hashing {
    frontier: Frontier,
    /// The stored tree's size and root when the walk began.
    stored: Option<(u64, Hash)>,
    /// The stored hashes of the records the stored tree covers, read back in the order
    /// they are recomputed, to compare each with the records' own.
    compared: StoredLevels,
    pending: Vec<StoredHash>,
    failure: Option<StoreError>,
}

impl Hashing {
    fn failed(error: StoreError) -> Hashing {
        Hashing {
            frontier: Frontier::new(),
            stored: None,
            compared: StoredLevels::default(),
            pending: Vec::new(),
            failure: Some(error),
        }
    }

    fn add(&mut self, trees: &Trees, entry: &[u8]) {
        if self.failure.is_some() {
            return;
        }
        let position = self.frontier.size();
        let covered = self.stored.map_or(0, |(size, _)| size);
        let compared = match self.frontier.append(entry) {
            Ok(hashes) if position >= covered => {
                self.pending.extend(hashes);
                Ok(())
            }
            Ok(hashes) => self.compared.compare(trees, &hashes),
            Err(e) => Err(e),
        };
        if let Err(e) = compared {
            self.failure = Some(e);
            return;
        }
        if position + 1 == covered {
            // Everything stored is compared; the hashes after it are written anew.
            self.compared = StoredLevels::default();
            if let Some((size, root)) = self.stored {
                match self.frontier.root() {
                    Ok(computed) if computed == root => {}
                    Ok(computed) => {
                        self.failure = Some(StoreError::corrupt(
                            position,
                            format!(
                                "the merkle tree was written for {size} records with root {}, \
                                 the records give {}",
                                root.to_hex(),
                                computed.to_hex()
                            ),
                        ))
                    }
                    Err(e) => self.failure = Some(e),
                }
            }
        }
        if self.pending.len() >= CATCH_UP_CHUNK {
            if let Err(e) = write_hashes(trees, &self.pending) {
                self.failure = Some(e);
            }
            self.pending.clear();
        }
    }

    fn finish(self, trees: &Trees) -> Result<Frontier, StoreError> {
        if let Some(failure) = self.failure {
            return Err(failure);
        }
        let size = self.frontier.size();
        let root = self.frontier.root()?;
        match self.stored {
            Some((stored, _)) if stored > size => {
                return Err(StoreError::corrupt(
                    size,
                    format!(
                        "record is missing: the log ends at {size} records but the merkle \
                         tree covers {stored}"
                    ),
                ))
            }
            Some((stored, _)) if stored == size => {}
            _ => write(trees, &self.pending, size, root)?,
        }
        // The hashes a checkpoint's root is made of, as stored, must give the root of
        // the records: a damaged stored tree would otherwise be signed.
        let reader = StoredHashes::new(trees);
        let stored_root = tree_root(size, &reader).map_err(|e| reader.error(e))?;
        if stored_root != root {
            return Err(StoreError::corrupt(
                size.saturating_sub(1),
                format!(
                    "the stored merkle tree gives root {}, the records give {}; run verify",
                    stored_root.to_hex(),
                    root.to_hex()
                ),
            ));
        }
        Ok(self.frontier)
    }
}

/// The stored hashes read back level by level while the catch-up recomputes them.
///
/// The recomputation yields the hashes of each level in index order (0, 1, 2, ...), so
/// one sled iterator per level, moving forward only, meets each stored hash exactly when
/// it is recomputed: a sequential scan of the `merkle` tree spread over the open, no
/// lookups.
#[derive(Default)]
struct StoredLevels {
    levels: Vec<Option<sled::Iter>>,
}

impl std::fmt::Debug for StoredLevels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredLevels")
            .field("levels", &self.levels.len())
            .finish()
    }
}

impl StoredLevels {
    /// Compares recomputed hashes with the stored ones at the same places; the first
    /// that differs or is missing is damage at the first leaf under it.
    fn compare(&mut self, trees: &Trees, recomputed: &[StoredHash]) -> Result<(), StoreError> {
        for &(level, index, hash) in recomputed {
            let slot = usize::from(level);
            if self.levels.len() <= slot {
                self.levels.resize_with(slot + 1, || None);
            }
            let Some(cursor) = self.levels.get_mut(slot) else {
                continue;
            };
            let cursor = cursor.get_or_insert_with(|| {
                trees
                    .merkle
                    .range(merkle_key(level, 0)..=merkle_key(level, u64::MAX))
            });
            let at = first_leaf(level, index);
            // An exhausted level reads as an empty key: the hash is missing.
            let (key, value): (sled::IVec, sled::IVec) =
                cursor.next().transpose()?.unwrap_or_default();
            if decode_merkle_key(&key) != Some((level, index)) {
                return Err(StoreError::corrupt(
                    at,
                    format!("the merkle tree has no hash at level {level}, index {index}"),
                ));
            }
            if decode_merkle_hash(&value) != Some(hash) {
                return Err(StoreError::corrupt(
                    at,
                    format!(
                        "the stored merkle hash at level {level}, index {index} is not the \
                         one the records give ({}); run verify",
                        hash.to_hex()
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ledger_tlog::MemoryHashStore;

    use super::*;

    #[test]
    fn the_frontier_stores_and_roots_like_the_reference_tree() {
        let entries: Vec<Vec<u8>> = (0u32..300).map(|i| i.to_be_bytes().to_vec()).collect();
        let mut frontier = Frontier::new();
        let mut reference = MemoryHashStore::new();
        for (i, entry) in entries.iter().enumerate() {
            let stored = frontier.append(entry).unwrap();
            reference.append(leaf_hash(entry)).unwrap();
            for (level, index, hash) in stored {
                assert_eq!(reference.read_hash(level, index).unwrap(), hash);
            }
            assert_eq!(
                frontier.root().unwrap(),
                tree_root(i as u64 + 1, &reference).unwrap()
            );
        }
        assert_eq!(frontier.size(), 300);
    }

    #[test]
    fn the_catch_up_over_several_batches_roots_like_the_frontier() {
        let dir = tempfile::tempdir().unwrap();
        let trees = Trees::open(dir.path()).unwrap();
        let entries: Vec<Vec<u8>> = (0u32..(2 * HASH_BATCH as u32 + 77))
            .map(|i| i.to_be_bytes().repeat(1 + (i % 5) as usize))
            .collect();
        let mut frontier = Frontier::new();
        let mut catch_up = CatchUp::new(None);
        for entry in &entries {
            frontier.append(entry).unwrap();
            catch_up.add(&trees, entry);
        }
        let caught_up = catch_up.finish(&trees).unwrap();
        assert_eq!(caught_up.size(), entries.len() as u64);
        assert_eq!(caught_up.root().unwrap(), frontier.root().unwrap());
        assert_eq!(
            stored_size(&trees).unwrap(),
            Some((entries.len() as u64, frontier.root().unwrap()))
        );
    }

    #[test]
    fn the_catch_up_compares_every_stored_hash_and_names_the_first_leaf_under_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let trees = Trees::open(dir.path()).unwrap();
        let entries: Vec<Vec<u8>> = (0u32..(HASH_BATCH as u32 + 300))
            .map(|i| i.to_be_bytes().to_vec())
            .collect();
        let catch_up = |trees: &Trees| {
            let mut catch_up = CatchUp::new(stored_size(trees).unwrap());
            for entry in &entries {
                catch_up.add(trees, entry);
            }
            catch_up.finish(trees)
        };
        catch_up(&trees).unwrap();
        // Written once, the tree is compared on the next catch-up and passes.
        catch_up(&trees).unwrap();
        for (level, index) in [(0u8, 700u64), (4, 30), (9, 1)] {
            let key = merkle_key(level, index);
            let good = trees.merkle.get(key).unwrap().unwrap();
            trees.merkle.insert(key, &[9u8; 32][..]).unwrap();
            match catch_up(&trees) {
                Err(StoreError::Corrupt { position, reason }) => {
                    assert_eq!(position, first_leaf(level, index), "{reason}");
                    assert!(reason.contains(&format!("level {level}, index {index}")));
                }
                other => panic!("a changed hash at ({level}, {index}) passed: {other:?}"),
            }
            trees.merkle.remove(key).unwrap();
            assert!(matches!(
                catch_up(&trees),
                Err(StoreError::Corrupt { position, .. }) if position == first_leaf(level, index)
            ));
            trees.merkle.insert(key, good).unwrap();
        }
    }
}
