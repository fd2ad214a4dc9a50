//! The transparency log of the store: the stored Merkle tree against a reference tree
//! built from the record bytes, signed checkpoints, proofs and tiles, the signing key on
//! disk, and damage to the `merkle` tree found by `verify` and `open`.
//!
//! The reference is `ledger_tlog::MemoryHashStore::from_entries` over every stored record,
//! read back through the public API, so each test checks what a reader would recompute.

mod common;

use std::path::Path;
use std::sync::{Arc, Barrier};

use common::*;
use ledger_core::ActorId;
use ledger_store::layout::{
    merkle_key, LOG_KEY, MERKLE_KEY, MERKLE_TREE, META_TREE, SIGNING_KEY_FILE, VERIFIER_KEY_FILE,
};
use ledger_store::{verify, Ledger, StoreError};
use ledger_tlog::{
    consistency_proof, encode_entry_bundle, hash_tile, inclusion_proof, tiles_for_size, tree_root,
    verify_consistency, verify_inclusion, Hash, MemoryHashStore, NoteVerifier, SignedCheckpoint,
    TileKind, TILE_WIDTH,
};

const ORIGIN: &str = "bibliotheken.example/ledger";

/// Every stored record's bytes, in log order.
fn entries(ledger: &Ledger) -> Vec<Vec<u8>> {
    ledger
        .records(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|sealed| sealed.bytes)
        .collect()
}

fn reference(ledger: &Ledger) -> MemoryHashStore {
    MemoryHashStore::from_entries(entries(ledger)).unwrap()
}

/// Opens the ledger's checkpoint with its verifier key, as a reader would.
fn open_checkpoint(ledger: &Ledger) -> ledger_tlog::Checkpoint {
    let verifier = NoteVerifier::parse(&ledger.verifier_key()).unwrap();
    SignedCheckpoint::open(&ledger.checkpoint(), ORIGIN, &[verifier])
        .unwrap()
        .checkpoint
}

/// The checkpoint covers the whole log, and its root is the reference root.
fn assert_tree_matches(ledger: &Ledger) -> MemoryHashStore {
    let reference = reference(ledger);
    let size = ledger.head().length;
    let root = tree_root(size, &reference).unwrap();
    let checkpoint = open_checkpoint(ledger);
    assert_eq!(checkpoint.size, size);
    assert_eq!(checkpoint.root, root);
    assert_eq!(ledger.tree_size(), size);
    assert_eq!(ledger.tree_root(size).unwrap(), root);
    reference
}

fn register_many(ledger: &Ledger, prefix: &str, count: usize) {
    for i in 0..count {
        ledger
            .append(register(
                &format!("reg-{prefix}-{i}"),
                &format!("lib-{prefix}-{i}"),
            ))
            .unwrap();
    }
}

/// Opens the closed database with sled and lets `change` alter one of its trees.
fn tamper(dir: &Path, tree: &str, change: impl FnOnce(&sled::Tree)) {
    let db = sled::open(dir).unwrap();
    let tree = db.open_tree(tree).unwrap();
    change(&tree);
    db.flush().unwrap();
}

#[test]
fn the_checkpoint_signs_the_root_of_every_record_after_each_commit() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    assert_tree_matches(&ledger);
    for i in 0..5 {
        register_many(&ledger, &format!("s{i}"), 1);
        assert_tree_matches(&ledger);
    }
}

#[test]
fn concurrent_group_commits_keep_the_tree_exact_and_reopen_continues_it() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let ledger = ledger.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                register_many(&ledger, &format!("t{t}"), 20);
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(
        ledger.stats().largest_batch > 1,
        "the appends shared group commits"
    );
    assert_eq!(ledger.head().length, 2 + 16 * 20);
    let before = open_checkpoint(&ledger);
    assert_tree_matches(&ledger);
    drop(ledger);

    let ledger = Ledger::open(dir.path(), options()).unwrap();
    assert_eq!(open_checkpoint(&ledger), before);
    // The right edge rebuilt at open must continue the same tree.
    register_many(&ledger, "after", 3);
    assert_tree_matches(&ledger);
    let after = open_checkpoint(&ledger);
    let proof = ledger.consistency_proof(before.size, after.size).unwrap();
    verify_consistency(before.size, after.size, &before.root, &after.root, &proof).unwrap();
    drop(ledger);
    assert!(verify(dir.path()).unwrap().is_intact());
}

#[test]
fn proofs_and_tiles_equal_those_of_the_reference_tree_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "p", 19);
    let reference = assert_tree_matches(&ledger);
    let size = ledger.tree_size();
    for n in 1..=size {
        let root = tree_root(n, &reference).unwrap();
        assert_eq!(ledger.tree_root(n).unwrap(), root);
        for i in 0..n {
            let proof = ledger.inclusion_proof(i, n).unwrap();
            assert_eq!(proof, inclusion_proof(i, n, &reference).unwrap());
            let leaf = ledger_tlog::leaf_hash(&ledger.entry(i).unwrap());
            verify_inclusion(&leaf, i, n, &proof, &root).unwrap();
        }
        for m in 0..=n {
            assert_eq!(
                ledger.consistency_proof(m, n).unwrap(),
                consistency_proof(m, n, &reference).unwrap()
            );
        }
    }
    let records = entries(&ledger);
    for tile in tiles_for_size(size) {
        let (level, index, width) = match tile.kind() {
            TileKind::Hashes { level } => (level, tile.index(), tile.width()),
            TileKind::Entries => unreachable!("tiles_for_size lists hash tiles"),
        };
        assert_eq!(
            ledger.hash_tile(level, index, width).unwrap(),
            hash_tile(level, index, width, &reference).unwrap()
        );
        if level == 0 {
            let first = (index * u64::from(TILE_WIDTH)) as usize;
            let bundle = &records[first..first + usize::from(width)];
            assert_eq!(
                ledger.entry_bundle(index, width).unwrap(),
                encode_entry_bundle(bundle).unwrap()
            );
        }
    }
}

#[test]
fn full_tiles_and_bundles_of_a_larger_log_equal_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let options = ledger_store::LedgerOptions {
        clock: ticking_clock(),
        durability: ledger_store::Durability::None,
    };
    let ledger = Ledger::init(dir.path(), ORIGIN, ActorId::new(SECRETARIAT), options).unwrap();
    register_many(&ledger, "big", 598);
    let size = ledger.tree_size();
    assert_eq!(size, 600);
    let reference = assert_tree_matches(&ledger);
    let records = entries(&ledger);
    let mut full = 0;
    for tile in tiles_for_size(size) {
        let TileKind::Hashes { level } = tile.kind() else {
            unreachable!("tiles_for_size lists hash tiles")
        };
        let (index, width) = (tile.index(), tile.width());
        full += usize::from(!tile.is_partial());
        assert_eq!(
            ledger.hash_tile(level, index, width).unwrap(),
            hash_tile(level, index, width, &reference).unwrap(),
            "{}",
            tile.path()
        );
        if level == 0 {
            let first = (index * u64::from(TILE_WIDTH)) as usize;
            let bundle = &records[first..first + usize::from(width)];
            assert_eq!(
                ledger.entry_bundle(index, width).unwrap(),
                encode_entry_bundle(bundle).unwrap()
            );
        }
    }
    // 600 leaves: level 0 has two full tiles and one of 88; level 1 one of 2.
    assert_eq!(full, 2);
    assert!(ledger.hash_tile(1, 0, 2).is_ok());
    for (index, n) in [(0, 600), (255, 256), (256, 600), (599, 600), (300, 513)] {
        assert_eq!(
            ledger.inclusion_proof(index, n).unwrap(),
            inclusion_proof(index, n, &reference).unwrap()
        );
    }
    assert_eq!(
        ledger.consistency_proof(256, 600).unwrap(),
        consistency_proof(256, 600, &reference).unwrap()
    );
}

#[test]
fn requests_outside_the_tree_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "r", 5);
    let size = ledger.tree_size();
    assert_eq!(size, 7);
    let beyond = |r: Result<_, StoreError>| matches!(r, Err(StoreError::BeyondTree { .. }));
    let bad = |r: Result<_, StoreError>| matches!(r, Err(StoreError::BadTreeRequest(_)));
    assert!(beyond(ledger.inclusion_proof(0, size + 1).map(drop)));
    assert!(bad(ledger.inclusion_proof(size, size).map(drop)));
    assert!(bad(ledger.inclusion_proof(0, 0).map(drop)));
    assert!(beyond(ledger.consistency_proof(1, size + 1).map(drop)));
    assert!(bad(ledger.consistency_proof(3, 2).map(drop)));
    assert!(beyond(ledger.tree_root(size + 1).map(drop)));
    assert!(beyond(ledger.entry(size).map(drop)));
    // The tree holds 7 leaves: only the partial tiles of width 7 (level 0) exist.
    assert!(ledger.hash_tile(0, 0, 7).is_ok());
    assert!(ledger.entry_bundle(0, 7).is_ok());
    assert!(beyond(ledger.hash_tile(0, 0, 6).map(drop)));
    assert!(beyond(ledger.hash_tile(0, 0, 256).map(drop)));
    assert!(beyond(ledger.hash_tile(0, 1, 7).map(drop)));
    assert!(beyond(ledger.hash_tile(1, 0, 1).map(drop)));
    assert!(beyond(ledger.hash_tile(9, 0, 1).map(drop)));
    assert!(beyond(ledger.entry_bundle(0, 8).map(drop)));
    assert!(bad(ledger.entry_bundle(0, 0).map(drop)));
    // Proofs of an empty prefix and of equal sizes are empty, as RFC 9162 readers expect.
    assert_eq!(
        ledger.consistency_proof(0, size).unwrap(),
        Vec::<Hash>::new()
    );
    assert_eq!(
        ledger.consistency_proof(size, size).unwrap(),
        Vec::<Hash>::new()
    );
}

#[test]
fn init_writes_the_signing_key_named_after_the_origin() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let verifier = NoteVerifier::parse(&ledger.verifier_key()).unwrap();
    assert_eq!(verifier.name(), ORIGIN);
    let file = std::fs::read_to_string(dir.path().join(VERIFIER_KEY_FILE)).unwrap();
    assert_eq!(file, format!("{}\n", ledger.verifier_key()));
    let signing = dir.path().join(SIGNING_KEY_FILE);
    let text = std::fs::read_to_string(&signing).unwrap();
    let signer = ledger_tlog::NoteSigner::parse(text.trim_end()).unwrap();
    assert_eq!(signer.verifier(), verifier);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&signing).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Another ledger gets another key.
    let other = tempfile::tempdir().unwrap();
    assert_ne!(init(other.path()).verifier_key(), ledger.verifier_key());
}

#[test]
fn an_origin_that_cannot_name_a_key_is_refused_before_anything_is_created() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("new");
    let refused = Ledger::init(&dir, "a+b", ActorId::new(SECRETARIAT), options());
    assert!(matches!(refused, Err(StoreError::BadOrigin { .. })));
    assert!(!dir.exists());
}

#[test]
fn a_lost_key_file_is_an_error_and_a_changed_key_too() {
    let dir = tempfile::tempdir().unwrap();
    drop(init(dir.path()));
    let signing = dir.path().join(SIGNING_KEY_FILE);
    let saved = std::fs::read_to_string(&signing).unwrap();

    std::fs::remove_file(&signing).unwrap();
    match Ledger::open(dir.path(), options()) {
        Err(StoreError::SigningKey { reason, .. }) => assert!(reason.contains("missing")),
        other => panic!("a lost key must stop open, got {other:?}"),
    }
    assert!(
        !signing.exists(),
        "open must not replace the key of a ledger"
    );

    let stranger = ledger_tlog::NoteSigner::from_seed(ORIGIN, [9; 32]).unwrap();
    std::fs::write(&signing, format!("{}\n", stranger.signer_key())).unwrap();
    assert!(matches!(
        Ledger::open(dir.path(), options()),
        Err(StoreError::SigningKey { .. })
    ));

    std::fs::write(&signing, saved).unwrap();
    assert!(Ledger::open(dir.path(), options()).is_ok());
}

#[test]
fn a_ledger_made_before_signed_checkpoints_gets_a_key_and_a_tree_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "old", 4);
    let root = ledger.tree_root(ledger.tree_size()).unwrap();
    drop(ledger);
    // What today's code leaves without this change: no key, no `merkle` tree.
    std::fs::remove_file(dir.path().join(SIGNING_KEY_FILE)).unwrap();
    std::fs::remove_file(dir.path().join(VERIFIER_KEY_FILE)).unwrap();
    tamper(dir.path(), META_TREE, |meta| {
        meta.remove(LOG_KEY).unwrap();
        meta.remove(MERKLE_KEY).unwrap();
    });
    tamper(dir.path(), MERKLE_TREE, |merkle| merkle.clear().unwrap());

    let ledger = Ledger::open(dir.path(), options()).unwrap();
    assert!(dir.path().join(SIGNING_KEY_FILE).is_file());
    let checkpoint = open_checkpoint(&ledger);
    assert_eq!(checkpoint.root, root);
    assert_tree_matches(&ledger);
    drop(ledger);
    assert!(verify(dir.path()).unwrap().is_intact());
}

#[test]
fn verify_finds_a_changed_merkle_hash_at_its_first_leaf() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "v", 8);
    assert_eq!(ledger.head().length, 10);
    drop(ledger);
    // Ten leaves: the root is made of (3, 0) and (1, 4); (0, 3) is only in proofs.
    tamper(dir.path(), MERKLE_TREE, |merkle| {
        merkle.insert(merkle_key(0, 3), &[7u8; 32][..]).unwrap();
    });
    let report = verify(dir.path()).unwrap();
    let problem = report.first_problem().expect("the changed hash is found");
    assert_eq!((problem.position, problem.tree), (Some(3), "merkle"));
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
}

#[test]
fn open_refuses_every_stored_hash_that_disagrees_with_the_records() {
    // Thirteen leaves: leaf hashes, inner nodes only proofs and tiles read, and the
    // hashes the root is made of. Whichever one is changed, open names the first leaf
    // under it, and a server in quarantine serves no tile or proof over it.
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "x", 11);
    let size = ledger.tree_size();
    assert_eq!(size, 13);
    drop(ledger);
    let stored: Vec<(Vec<u8>, Vec<u8>)> = common::directory::dump(dir.path())
        .into_iter()
        .filter(|((tree, _), _)| tree.as_slice() == MERKLE_TREE.as_bytes())
        .map(|((_, key), value)| (key, value))
        .collect();
    // 13 + 6 + 3 + 1 full subtrees.
    assert_eq!(stored.len(), 23);
    for (key, value) in &stored {
        let (level, index) = ledger_store::layout::decode_merkle_key(key).unwrap();
        let mut flipped = value.clone();
        flipped[31] ^= 0x01;
        tamper(dir.path(), MERKLE_TREE, |merkle| {
            merkle.insert(&key[..], flipped).unwrap();
        });
        match Ledger::open(dir.path(), options()) {
            Err(StoreError::Corrupt { position, reason }) => {
                assert_eq!(position, index << level, "({level}, {index}): {reason}");
                assert!(
                    reason.contains(&format!("level {level}, index {index}")),
                    "{reason}"
                );
            }
            other => panic!(
                "open let a changed hash at ({level}, {index}) through: {:?}",
                other.map(|ledger| ledger.head())
            ),
        }
        let quarantined = Ledger::open_or_quarantine(dir.path(), options()).unwrap();
        assert!(matches!(
            quarantined.hash_tile(0, 0, 13),
            Err(StoreError::Damaged { .. })
        ));
        assert!(matches!(
            quarantined.inclusion_proof(0, size),
            Err(StoreError::Damaged { .. })
        ));
        drop(quarantined);
        tamper(dir.path(), MERKLE_TREE, |merkle| {
            merkle.insert(&key[..], &value[..]).unwrap();
        });
    }
    // Put back, the tree opens and serves the tile the records give.
    let ledger = Ledger::open(dir.path(), options()).unwrap();
    let reference = assert_tree_matches(&ledger);
    assert_eq!(
        ledger.hash_tile(0, 0, 13).unwrap(),
        hash_tile(0, 0, 13, &reference).unwrap()
    );
}

#[test]
fn open_refuses_a_stored_tree_whose_root_disagrees_with_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "w", 8);
    drop(ledger);
    tamper(dir.path(), MERKLE_TREE, |merkle| {
        merkle.insert(merkle_key(1, 4), &[7u8; 32][..]).unwrap();
    });
    let report = verify(dir.path()).unwrap();
    let problem = report.first_problem().expect("the changed hash is found");
    assert_eq!((problem.position, problem.tree), (Some(8), "merkle"));
    assert!(matches!(
        Ledger::open(dir.path(), options()),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn a_missing_merkle_hash_is_reported_and_an_unwritten_tail_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "m", 8);
    drop(ledger);
    tamper(dir.path(), MERKLE_TREE, |merkle| {
        merkle.remove(merkle_key(0, 5)).unwrap();
    });
    let report = verify(dir.path()).unwrap();
    let problem = report.first_problem().expect("the missing hash is found");
    assert_eq!((problem.position, problem.tree), (Some(5), "merkle"));

    // A crash after the records were durable but before their hashes were written:
    // the recorded size lags, and open writes what is missing.
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    register_many(&ledger, "n", 8);
    let root = ledger.tree_root(10).unwrap();
    let six = ledger.tree_root(6).unwrap();
    drop(ledger);
    tamper(dir.path(), MERKLE_TREE, |merkle| {
        for (level, index) in [
            (0, 6),
            (0, 7),
            (1, 3),
            (2, 1),
            (3, 0),
            (0, 8),
            (0, 9),
            (1, 4),
        ] {
            merkle.remove(merkle_key(level, index)).unwrap();
        }
    });
    tamper(dir.path(), META_TREE, |meta| {
        let mut value = 6u64.to_be_bytes().to_vec();
        value.extend_from_slice(six.as_bytes());
        meta.insert(MERKLE_KEY, value).unwrap();
    });
    assert!(verify(dir.path()).unwrap().is_intact());
    let ledger = Ledger::open(dir.path(), options()).unwrap();
    assert_eq!(open_checkpoint(&ledger).root, root);
    drop(ledger);
    assert!(verify(dir.path()).unwrap().is_intact());
}
