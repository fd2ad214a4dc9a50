//! Tests for C2SP tlog-tiles paths, tile listings, hash tiles and entry
//! bundles, using the examples given in the c2sp.org/tlog-tiles text.
//!
//! The path parser backs an HTTP route, so these tests must keep proving
//! that every non-canonical path is rejected, not merely that good ones parse.

use ledger_tlog::{
    decode_entry_bundle, encode_entry_bundle, hash_tile, leaf_hash, parse_tile_path,
    tiles_for_size, tree_root, MemoryHashStore, TileKind, TileRef, TlogError, TILE_WIDTH,
};
use proptest::prelude::*;

fn tile(kind: TileKind, index: u64, width: u16) -> TileRef {
    TileRef::new(kind, index, width).unwrap()
}

const L0: TileKind = TileKind::Hashes { level: 0 };

#[test]
fn paths_follow_the_spec() {
    // The spec's example: index 1234067 is x001/x234/067.
    assert_eq!(tile(L0, 1234067, 256).path(), "tile/0/x001/x234/067");
    assert_eq!(tile(L0, 5, 256).path(), "tile/0/005");
    assert_eq!(tile(L0, 1000, 256).path(), "tile/0/x001/000");
    assert_eq!(
        tile(TileKind::Hashes { level: 2 }, 0, 17).path(),
        "tile/2/000.p/17"
    );
    assert_eq!(
        tile(TileKind::Entries, 999, 1).path(),
        "tile/entries/999.p/1"
    );
    assert_eq!(
        tile(TileKind::Hashes { level: 63 }, u64::MAX, 255).path(),
        "tile/63/x018/x446/x744/x073/x709/x551/615.p/255"
    );
}

#[test]
fn canonical_paths_parse_back() {
    for path in [
        "tile/0/000",
        "tile/0/x001/x234/067",
        "tile/1/x001/000.p/1",
        "tile/entries/042",
        "tile/entries/x999/999.p/255",
        "tile/63/x018/x446/x744/x073/x709/x551/615",
    ] {
        assert_eq!(parse_tile_path(path).unwrap().path(), path);
    }
    assert_eq!(
        parse_tile_path("tile/entries/x001/002.p/3").unwrap(),
        tile(TileKind::Entries, 1002, 3)
    );
}

#[test]
fn junk_paths_are_rejected() {
    for path in [
        "",
        "tile",
        "tile/",
        "tile/0",
        "tile/0/",
        "/tile/0/000",
        "tile/0/000/",
        "tiles/0/000",
        "tile/0/x1/2",
        "tile/0/1",
        "tile/0/0001",
        "tile/0/x000/001",
        "tile/0/001/002",
        "tile/0/x001",
        "tile/0/x001/x002",
        "tile/0/-01",
        "tile/0/+01",
        "tile/-1/000",
        "tile/+1/000",
        "tile/00/000",
        "tile/01/000",
        "tile/64/000",
        "tile/256/000",
        "tile/data/000",
        "tile/entries/",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/01",
        "tile/0/000.p/",
        "tile/0/000.p/+5",
        "tile/0/000.p/5/6",
        "tile/0/000.p",
        "tile/0/000.p/5.p/5",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
        "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
        "tile/0/../000",
        "tile/0/0a0",
        "tile/0/٠٠٠",
        "tile/entries/000.p/256",
    ] {
        assert!(
            matches!(parse_tile_path(path), Err(TlogError::MalformedTilePath(_))),
            "accepted {path:?}"
        );
    }
}

#[test]
fn tile_ref_rejects_out_of_range_fields() {
    assert!(TileRef::new(L0, 0, 0).is_err());
    assert!(TileRef::new(L0, 0, 257).is_err());
    assert!(TileRef::new(TileKind::Hashes { level: 64 }, 0, 1).is_err());
    assert!(!tile(L0, 0, 256).is_partial());
    assert!(tile(L0, 0, 255).is_partial());
}

fn listing(size: u64) -> Vec<(u8, u64, u16)> {
    tiles_for_size(size)
        .map(|t| match t.kind() {
            TileKind::Hashes { level } => (level, t.index(), t.width()),
            TileKind::Entries => unreachable!("only hash tiles are listed"),
        })
        .collect()
}

#[test]
fn tile_listing_matches_the_spec_examples() {
    assert!(listing(0).is_empty());
    assert_eq!(listing(1), vec![(0, 0, 1)]);
    // "a tree of size 256 will be represented by a full level 0 tile and a
    // partial level 1 tile of width 1."
    assert_eq!(listing(256), vec![(0, 0, 256), (1, 0, 1)]);
    // "a tree of size 70,000 will be represented by 273 full level 0 tiles,
    // one partial level 0 tile of width 112, one full level 1 tile, one
    // partial level 1 tile of width 17, and one partial level 2 tile of
    // width 1."
    let tiles = listing(70_000);
    let mut want: Vec<(u8, u64, u16)> = (0..273).map(|i| (0, i, 256)).collect();
    want.extend([(0, 273, 112), (1, 0, 256), (1, 1, 17), (2, 0, 1)]);
    assert_eq!(tiles, want);
    // A huge size (say, from a hostile checkpoint) is listed lazily.
    assert_eq!(tiles_for_size(u64::MAX).next(), Some(tile(L0, 0, 256)));
}

#[test]
fn hash_tiles_hold_stored_hashes_and_rebuild_the_tree() {
    let size = 70_000u64;
    let store = MemoryHashStore::from_entries((0..size).map(|i| i.to_be_bytes())).unwrap();
    let level0 = hash_tile(0, 1, 256, &store).unwrap();
    assert_eq!(level0.len(), 256 * 32);
    assert_eq!(&level0[..32], leaf_hash(&256u64.to_be_bytes()).as_bytes());
    // The level-1 tile's first hash is the root of the first full level-0
    // tile, i.e. the tree of the first 256 leaves.
    let level1 = hash_tile(1, 0, 256, &store).unwrap();
    assert_eq!(&level1[..32], tree_root(256, &store).unwrap().as_bytes());
    // The level-2 partial tile of width 1 is the root of the first 65536 leaves.
    assert_eq!(
        hash_tile(2, 0, 1, &store).unwrap(),
        tree_root(65_536, &store).unwrap().as_bytes().to_vec()
    );
    // Every listed tile can be built, and nothing beyond the tree can.
    for t in tiles_for_size(size) {
        let TileKind::Hashes { level } = t.kind() else {
            unreachable!()
        };
        let body = hash_tile(level, t.index(), t.width(), &store).unwrap();
        assert_eq!(body.len(), usize::from(t.width()) * 32);
    }
    assert!(matches!(
        hash_tile(0, 273, 113, &store),
        Err(TlogError::MissingHash { .. })
    ));
    assert!(hash_tile(0, 0, 0, &store).is_err());
    assert!(hash_tile(0, 0, 257, &store).is_err());
    assert!(hash_tile(8, 0, 1, &store).is_err());
    assert!(hash_tile(0, u64::MAX, 256, &store).is_err());
}

#[test]
fn entry_bundles_round_trip_and_reject_junk() {
    let entries: Vec<Vec<u8>> = vec![b"".to_vec(), b"a".to_vec(), vec![7u8; 300]];
    let bundle = encode_entry_bundle(&entries).unwrap();
    assert_eq!(&bundle[..5], &[0, 0, 0, 1, b'a']);
    assert_eq!(&bundle[5..7], &[0x01, 0x2c]);
    let decoded = decode_entry_bundle(&bundle).unwrap();
    assert_eq!(
        decoded,
        entries.iter().map(Vec::as_slice).collect::<Vec<_>>()
    );

    assert_eq!(
        encode_entry_bundle(&[vec![0u8; 65_536]]),
        Err(TlogError::EntryTooLarge { len: 65_536 })
    );
    encode_entry_bundle(&[vec![0u8; 65_535]]).unwrap();
    let empty: [&[u8]; 0] = [];
    assert!(encode_entry_bundle(&empty).is_err());
    assert!(encode_entry_bundle(&vec![b"x"; 257]).is_err());
    encode_entry_bundle(&vec![b"x"; usize::from(TILE_WIDTH)]).unwrap();

    for junk in [&[][..], &[0][..], &[0, 2, 1][..], &[0, 0, 0][..]] {
        assert!(
            matches!(
                decode_entry_bundle(junk),
                Err(TlogError::MalformedEntryBundle(_))
            ),
            "accepted {junk:?}"
        );
    }
    let too_many = [0u8, 0].repeat(257);
    assert!(decode_entry_bundle(&too_many).is_err());
    assert_eq!(
        decode_entry_bundle(&[0u8, 0].repeat(256)).unwrap().len(),
        256
    );
}

proptest! {
    #[test]
    fn tile_paths_round_trip(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256, entries in any::<bool>()) {
        let kind = if entries { TileKind::Entries } else { TileKind::Hashes { level } };
        let t = TileRef::new(kind, index, width).unwrap();
        prop_assert_eq!(parse_tile_path(&t.path()).unwrap(), t);
    }

    #[test]
    fn arbitrary_paths_never_panic(path in any::<String>()) {
        if let Ok(t) = parse_tile_path(&path) {
            prop_assert_eq!(t.path(), path);
        }
    }

    #[test]
    fn near_miss_paths_parse_only_when_canonical(path in "tile/(entries|[0-9+x-]{1,3})(/[0-9x.p+-]{1,5}){1,4}") {
        if let Ok(t) = parse_tile_path(&path) {
            prop_assert_eq!(t.path(), path);
        }
    }

    #[test]
    fn bundles_round_trip(entries in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..600), 1..=20)) {
        let bundle = encode_entry_bundle(&entries).unwrap();
        let decoded = decode_entry_bundle(&bundle).unwrap();
        prop_assert_eq!(decoded, entries.iter().map(Vec::as_slice).collect::<Vec<_>>());
    }

    #[test]
    fn arbitrary_bundles_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = decode_entry_bundle(&bytes);
    }
}
