//! The RFC 6962 Merkle tree: rebuilt from the entries themselves (leaf = the record's
//! stored bytes), compared with the hash tiles a source serves, and read through a
//! source's hash tiles when only a proof is wanted.
//!
//! The rebuilt tree is the auditor's own truth; hash tiles are the source's claim and
//! are only ever compared with it or, for proofs, checked against the signed root by the
//! caller. This module must never compute a hash rule of its own: leaves, nodes, roots
//! and proofs all come from ledger-tlog, the same code the ledger uses.

use std::cell::RefCell;
use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use ledger_tlog::{
    consistency_proof, inclusion_proof, leaf_hash, node_hash, tiles_for_size, tree_root, Hash,
    HashReader, MemoryHashStore, TileKind, TlogError, TILE_HEIGHT, TILE_WIDTH,
};

use crate::source::{self, InclusionAnswer, Source};

/// The tree rebuilt from the entries read so far.
#[derive(Debug, Default)]
pub struct RebuiltTree {
    store: MemoryHashStore,
}

impl RebuiltTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one entry and returns its leaf hash.
    pub fn push(&mut self, entry: &[u8]) -> Result<Hash> {
        let leaf = leaf_hash(entry);
        self.store.append(leaf)?;
        Ok(leaf)
    }

    /// The root of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        Ok(tree_root(size, &self.store)?)
    }

    /// The consistency proof from `old` to `new` leaves, computed locally.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        Ok(consistency_proof(old, new, &self.store)?)
    }
}

/// How many hash tiles were compared and how many the source did not serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TileComparison {
    /// Tiles fetched and found equal to the rebuilt tree.
    pub compared: u64,
    /// Tiles the source did not serve.
    pub missing: u64,
}

impl TileComparison {
    /// Adds another comparison's counts.
    pub fn add(&mut self, other: TileComparison) {
        self.compared += other.compared;
        self.missing += other.missing;
    }
}

/// Compares the level-0 hash tile of bundle `bundle` (if served) with the leaf hashes
/// just rebuilt from its entries, naming the first entry that differs.
pub fn compare_leaf_tile<S: Source + ?Sized>(
    source: &S,
    bundle: u64,
    leaves: &[Hash],
) -> Result<TileComparison> {
    let width = u16::try_from(leaves.len()).map_err(|_| anyhow!("bundle too wide"))?;
    let Some(served) = source::hash_tile(source, 0, bundle, width)? else {
        return Ok(TileComparison {
            compared: 0,
            missing: 1,
        });
    };
    let first = bundle * u64::from(TILE_WIDTH);
    for (offset, (tile, rebuilt)) in served.iter().zip(leaves).enumerate() {
        if tile != rebuilt {
            bail!(
                "entry {}: its bytes hash to leaf {} but the hash tile says {} (the entry \
                 bundle or the hash tile was altered)",
                first + offset as u64,
                rebuilt.to_base64(),
                tile.to_base64()
            );
        }
    }
    Ok(TileComparison {
        compared: 1,
        missing: 0,
    })
}

/// Compares every hash tile above level 0 of the tree of `size` leaves with the rebuilt
/// tree; tiles the source does not serve are counted, not fatal.
pub fn compare_upper_tiles<S: Source + ?Sized>(
    source: &S,
    tree: &RebuiltTree,
    size: u64,
) -> Result<TileComparison> {
    let mut result = TileComparison::default();
    for tile in tiles_for_size(size) {
        let TileKind::Hashes { level } = tile.kind() else {
            continue;
        };
        if level == 0 {
            continue;
        }
        let Some(served) = source::hash_tile(source, level, tile.index(), tile.width())? else {
            result.missing += 1;
            continue;
        };
        let rebuilt = ledger_tlog::hash_tile(level, tile.index(), tile.width(), &tree.store)?;
        for (offset, (got, want)) in served.iter().zip(rebuilt.chunks_exact(32)).enumerate() {
            if got.as_bytes().as_slice() != want {
                let span = 1u64 << (u32::from(level) * u32::from(TILE_HEIGHT));
                let node = tile.index() * u64::from(TILE_WIDTH) + offset as u64;
                bail!(
                    "{} is inconsistent with the entries: its hash {offset} (leaves {} to {}) \
                     differs from the tree rebuilt from the entries",
                    tile.path(),
                    node * span,
                    (node + 1) * span - 1
                );
            }
        }
        result.compared += 1;
    }
    Ok(result)
}

/// Stored hashes read from a source's hash tiles for the tree of `size` leaves, fetched
/// lazily and cached, so a proof costs O(log n) tile fetches.
struct TileHashes<'a, S: Source + ?Sized> {
    source: &'a S,
    size: u64,
    tiles: RefCell<BTreeMap<(u8, u64), Vec<Hash>>>,
}

impl<S: Source + ?Sized> TileHashes<'_, S> {
    /// The hashes of tile `index` at tile level `tile_level`, at the width the tree of
    /// `self.size` leaves gives it.
    fn tile(&self, tile_level: u8, index: u64) -> Result<Vec<Hash>, TlogError> {
        if let Some(hashes) = self.tiles.borrow().get(&(tile_level, index)) {
            return Ok(hashes.clone());
        }
        let at_level = self
            .size
            .checked_shr(u32::from(tile_level) * u32::from(TILE_HEIGHT))
            .unwrap_or(0);
        let start = index.saturating_mul(u64::from(TILE_WIDTH));
        let width = at_level.saturating_sub(start).min(u64::from(TILE_WIDTH));
        let width = u16::try_from(width).unwrap_or(0);
        if width == 0 {
            return Err(TlogError::MissingHash {
                level: tile_level * TILE_HEIGHT,
                index: start,
            });
        }
        let hashes = source::hash_tile(self.source, tile_level, index, width)
            .map_err(|e| TlogError::Storage(format!("{e:#}")))?
            .ok_or_else(|| {
                TlogError::Storage(format!(
                    "{} does not serve hash tile {tile_level}/{index}",
                    self.source.describe()
                ))
            })?;
        self.tiles
            .borrow_mut()
            .insert((tile_level, index), hashes.clone());
        Ok(hashes)
    }
}

impl<S: Source + ?Sized> HashReader for TileHashes<'_, S> {
    fn read_hash(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        let missing = TlogError::MissingHash { level, index };
        // A stored hash at Merkle level 8L + r is the root of 2^r consecutive hashes of
        // tile level L, all inside one tile because 2^r divides the tile width.
        let tile_level = level / TILE_HEIGHT;
        let rise = level % TILE_HEIGHT;
        let first = index.checked_shl(u32::from(rise)).ok_or(missing.clone())?;
        if first >> rise != index {
            return Err(missing);
        }
        let tile = self.tile(tile_level, first / u64::from(TILE_WIDTH))?;
        let offset = (first % u64::from(TILE_WIDTH)) as usize;
        let mut row: Vec<Hash> = tile
            .get(offset..offset + (1usize << rise))
            .ok_or(missing)?
            .to_vec();
        while row.len() > 1 {
            row = row
                .chunks_exact(2)
                .map(|pair| node_hash(&pair[0], &pair[1]))
                .collect();
        }
        row.first()
            .copied()
            .ok_or(TlogError::MissingHash { level, index })
    }
}

/// An inclusion proof computed from the source's hash tiles.
pub fn inclusion_from_tiles<S: Source + ?Sized>(
    source: &S,
    index: u64,
    size: u64,
) -> Result<InclusionAnswer> {
    let reader = TileHashes {
        source,
        size,
        tiles: RefCell::default(),
    };
    let proof = inclusion_proof(index, size, &reader)?;
    let leaf_hash = reader.read_hash(0, index)?;
    Ok(InclusionAnswer { leaf_hash, proof })
}

/// A consistency proof computed from the source's hash tiles of the newer tree.
pub fn consistency_from_tiles<S: Source + ?Sized>(
    source: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>> {
    let reader = TileHashes {
        source,
        size: new,
        tiles: RefCell::default(),
    };
    Ok(consistency_proof(old, new, &reader)?)
}
