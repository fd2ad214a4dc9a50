//! C2SP tlog-tiles (<https://c2sp.org/tlog-tiles>): tile coordinates and
//! their URL paths, the hash tiles built from stored hashes, the list of
//! tiles of a tree, and entry bundles.
//!
//! Tiles have height 8, so a tile at tile level L holds up to 256 stored
//! hashes of Merkle level 8 * L. This module must never accept a
//! non-canonical tile path (the HTTP route serves files by these paths, so
//! two spellings of one tile would split caches and invite traversal
//! tricks), and never allocate in proportion to a size it was merely told.

use crate::hash::Hash;
use crate::merkle::HashReader;
use crate::TlogError;

/// Tile height: each tile spans 8 Merkle levels.
pub const TILE_HEIGHT: u8 = 8;

/// Number of hashes (or entries) in a full tile.
pub const TILE_WIDTH: u16 = 256;

/// The highest tile level the path syntax allows.
const MAX_PATH_LEVEL: u8 = 63;

/// The highest tile level that can hold a hash of a tree with a u64 size:
/// level 8 would need subtrees of 2^64 leaves.
const MAX_TREE_LEVEL: u8 = 7;

/// Which resource a tile is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileKind {
    /// A Merkle hash tile at this tile level (0 holds leaf hashes).
    Hashes { level: u8 },
    /// An entry bundle, parallel to the level-0 hash tile of the same index.
    Entries,
}

/// One tile: its kind, its index within its level, and its width (256 for a
/// full tile, 1..=255 for a partial one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileRef {
    kind: TileKind,
    index: u64,
    width: u16,
}

impl TileRef {
    /// Checks the ranges the spec sets: a hash tile level of at most 63 and a
    /// width between 1 and 256.
    pub fn new(kind: TileKind, index: u64, width: u16) -> Result<Self, TlogError> {
        if let TileKind::Hashes { level } = kind {
            if level > MAX_PATH_LEVEL {
                return Err(TlogError::InvalidTile("level above 63"));
            }
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(TlogError::InvalidTile("width must be between 1 and 256"));
        }
        Ok(Self { kind, index, width })
    }

    /// The tile's kind.
    pub fn kind(&self) -> TileKind {
        self.kind
    }

    /// The tile's index within its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The number of hashes or entries in the tile.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// True for partial tiles, which carry a `.p/<W>` suffix.
    pub fn is_partial(&self) -> bool {
        self.width < TILE_WIDTH
    }

    /// The path below the log prefix: `tile/<L>/<N>[.p/<W>]` or
    /// `tile/entries/<N>[.p/<W>]`, with N written in 3-digit groups, all but
    /// the last prefixed by `x` (1234067 is `x001/x234/067`).
    pub fn path(&self) -> String {
        let mut path = match self.kind {
            TileKind::Hashes { level } => format!("tile/{level}/"),
            TileKind::Entries => "tile/entries/".to_owned(),
        };
        let mut groups = Vec::new();
        let mut rest = self.index;
        loop {
            groups.push(rest % 1000);
            rest /= 1000;
            if rest == 0 {
                break;
            }
        }
        let last = groups.len() - 1;
        for (position, group) in groups.iter().rev().enumerate() {
            if position < last {
                path.push_str(&format!("x{group:03}/"));
            } else {
                path.push_str(&format!("{group:03}"));
            }
        }
        if self.is_partial() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }
}

/// Parses a tile path (without the log prefix or a leading slash) and
/// accepts it only if it is exactly the canonical path of the tile it
/// names, so junk, leading zeros, signs, overflow, `.p/0` and `.p/256` are
/// all rejected.
pub fn parse_tile_path(path: &str) -> Result<TileRef, TlogError> {
    // The longest canonical path is well under 64 bytes; refusing longer
    // input bounds the work done on hostile requests.
    if path.len() > 64 {
        return Err(TlogError::MalformedTilePath("too long"));
    }
    let rest = path
        .strip_prefix("tile/")
        .ok_or(TlogError::MalformedTilePath("must start with tile/"))?;
    let (kind, rest) = rest
        .split_once('/')
        .ok_or(TlogError::MalformedTilePath("missing tile index"))?;
    let kind = if kind == "entries" {
        TileKind::Entries
    } else {
        let level = parse_decimal(kind)?;
        let level = u8::try_from(level)
            .ok()
            .filter(|l| *l <= MAX_PATH_LEVEL)
            .ok_or(TlogError::MalformedTilePath("level above 63"))?;
        TileKind::Hashes { level }
    };
    let (index_part, width) = match rest.split_once(".p/") {
        Some((index_part, width)) => {
            let width = u16::try_from(parse_decimal(width)?)
                .ok()
                .filter(|w| (1..TILE_WIDTH).contains(w))
                .ok_or(TlogError::MalformedTilePath(
                    "partial width must be 1 to 255",
                ))?;
            (index_part, width)
        }
        None => (rest, TILE_WIDTH),
    };
    let mut index: u64 = 0;
    let groups: Vec<&str> = index_part.split('/').collect();
    let last = groups.len() - 1;
    for (position, group) in groups.into_iter().enumerate() {
        let digits = if position < last {
            group.strip_prefix('x').ok_or(TlogError::MalformedTilePath(
                "inner index groups start with x",
            ))?
        } else {
            group
        };
        if digits.len() != 3 {
            return Err(TlogError::MalformedTilePath("index groups have 3 digits"));
        }
        let group = parse_decimal(digits)?;
        index = index
            .checked_mul(1000)
            .and_then(|i| i.checked_add(group))
            .ok_or(TlogError::MalformedTilePath("index overflows"))?;
    }
    let tile = TileRef::new(kind, index, width)
        .map_err(|_| TlogError::MalformedTilePath("tile out of range"))?;
    if tile.path() != path {
        return Err(TlogError::MalformedTilePath("not in canonical form"));
    }
    Ok(tile)
}

/// ASCII digits only, at most 20 of them, as an unsigned number.
fn parse_decimal(text: &str) -> Result<u64, TlogError> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TlogError::MalformedTilePath("expected decimal digits"));
    }
    text.parse()
        .map_err(|_| TlogError::MalformedTilePath("number overflows"))
}

/// The body of hash tile `index` at tile `level` with `width` hashes: the
/// concatenated stored hashes at Merkle level 8 * level, indexes
/// index * 256 .. index * 256 + width.
pub fn hash_tile<R: HashReader + ?Sized>(
    level: u8,
    index: u64,
    width: u16,
    reader: &R,
) -> Result<Vec<u8>, TlogError> {
    if level > MAX_TREE_LEVEL {
        return Err(TlogError::InvalidTile(
            "no tree with a u64 size reaches this level",
        ));
    }
    if width == 0 || width > TILE_WIDTH {
        return Err(TlogError::InvalidTile("width must be between 1 and 256"));
    }
    let first = index
        .checked_mul(u64::from(TILE_WIDTH))
        .filter(|first| first.checked_add(u64::from(width)).is_some())
        .ok_or(TlogError::InvalidTile("tile index overflows"))?;
    let mut body = Vec::with_capacity(usize::from(width) * 32);
    for offset in 0..u64::from(width) {
        let hash: Hash = reader.read_hash(level * TILE_HEIGHT, first + offset)?;
        body.extend_from_slice(hash.as_bytes());
    }
    Ok(body)
}

/// Every hash tile of the tree of `size` leaves, level by level, full tiles
/// first and then the partial one if any. Level L has size / 256^L hashes:
/// that many divided by 256 full tiles, and a partial tile of the remainder.
/// Entry bundles have the same indexes and widths as the level-0 tiles.
///
/// It is an iterator because a size read from a remote checkpoint may be
/// huge, and listing must not allocate for it.
pub fn tiles_for_size(size: u64) -> impl Iterator<Item = TileRef> {
    (0..=MAX_TREE_LEVEL).flat_map(move |level| {
        let hashes = size >> (u32::from(level) * u32::from(TILE_HEIGHT));
        let full = hashes / u64::from(TILE_WIDTH);
        let partial = (hashes % u64::from(TILE_WIDTH)) as u16;
        let kind = TileKind::Hashes { level };
        let full_tiles = (0..full).map(move |index| TileRef {
            kind,
            index,
            width: TILE_WIDTH,
        });
        let partial_tile = (partial > 0).then_some(TileRef {
            kind,
            index: full,
            width: partial,
        });
        full_tiles.chain(partial_tile)
    })
}

/// Encodes an entry bundle: each entry as a big-endian u16 length followed
/// by its bytes. A bundle holds between 1 and 256 entries.
pub fn encode_entry_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, TlogError> {
    if entries.is_empty() || entries.len() > usize::from(TILE_WIDTH) {
        return Err(TlogError::MalformedEntryBundle(
            "must hold 1 to 256 entries",
        ));
    }
    let mut bundle = Vec::new();
    for entry in entries {
        let entry = entry.as_ref();
        let len = u16::try_from(entry.len())
            .map_err(|_| TlogError::EntryTooLarge { len: entry.len() })?;
        bundle.extend_from_slice(&len.to_be_bytes());
        bundle.extend_from_slice(entry);
    }
    Ok(bundle)
}

/// Decodes an entry bundle into borrowed entries, rejecting empty or
/// truncated bundles and bundles of more than 256 entries.
pub fn decode_entry_bundle(bundle: &[u8]) -> Result<Vec<&[u8]>, TlogError> {
    let mut entries = Vec::new();
    let mut rest = bundle;
    while !rest.is_empty() {
        if entries.len() == usize::from(TILE_WIDTH) {
            return Err(TlogError::MalformedEntryBundle("more than 256 entries"));
        }
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            return Err(TlogError::MalformedEntryBundle("truncated length prefix"));
        };
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(TlogError::MalformedEntryBundle("truncated entry"));
        }
        let (entry, tail) = tail.split_at(len);
        entries.push(entry);
        rest = tail;
    }
    if entries.is_empty() {
        return Err(TlogError::MalformedEntryBundle("empty bundle"));
    }
    Ok(entries)
}
