//! A ledger whose chain is damaged, opened in quarantine: the checked prefix stays
//! readable (records, head, decision state), nothing is written to the directory, and
//! every append and every transparency read is refused naming the first bad position.
//!
//! The damage is done as in `tamper.rs`: directly in sled, on a closed ledger.

mod common;

use std::path::{Path, PathBuf};

use common::directory::{assert_files_unchanged, dump, owned_files};
use common::*;
use ledger_core::{Head, Sealed};
use ledger_store::layout::{position_key, EVENTS_TREE};
use ledger_store::{verify, AppendError, Cache, Ledger, StoreError};

fn flip_a_byte_of(position: u64) -> impl FnOnce(&sled::Tree) {
    move |events| {
        let mut bytes = stored(events, position);
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        events.insert(position_key(position), bytes).unwrap();
    }
}

/// Opens the damaged ledger in quarantine and checks what a reader and a writer see:
/// the prefix before `position` exactly as written, and refusals that name `position`;
/// then that every file of the directory is as it was.
fn assert_quarantined_at(dir: &Path, written: &[Sealed], position: u64) {
    // A cache left by an earlier server: quarantine must neither replace nor remove it.
    let snapshot = dir.join(Cache::Projections.file_name());
    std::fs::write(&snapshot, b"an older projection snapshot").unwrap();
    let before = dump(dir);
    let files_before = owned_files(dir);
    {
        let ledger = Ledger::open_or_quarantine(dir, options()).unwrap();
        let damage = ledger.damage().expect("the ledger is in quarantine");
        assert_eq!(damage.position, position, "{damage:?}");

        // Readers see the checked prefix, byte for byte, and nothing after it.
        let prefix = usize::try_from(position).unwrap();
        let expected_head = match prefix {
            0 => Head::default(),
            n => Head {
                length: position,
                hash: written[n - 1].hash,
            },
        };
        assert_eq!(ledger.head(), expected_head);
        let records = ledger.records(0, 100).unwrap();
        assert_eq!(records.len(), prefix);
        for (read, original) in records.iter().zip(written) {
            assert_eq!(read.bytes, original.bytes);
        }
        assert!(ledger.record(position).unwrap().is_none());
        // The decision state folds exactly the prefix: records 2.. register lib-0...
        let registered = ledger.state().libraries.len() as u64;
        assert_eq!(registered, position.saturating_sub(2));

        // Writers are refused with the position, before anything is written.
        match ledger.append(register("reg-new", "lib-new")) {
            Err(AppendError::Refused(StoreError::Damaged {
                position: at,
                reason,
            })) => {
                assert_eq!(at, position);
                assert!(!reason.is_empty());
            }
            other => panic!("an append to a damaged ledger must be refused, got {other:?}"),
        }
        // No checkpoint is signed and no proof is given over a damaged log.
        assert_eq!(ledger.checkpoint(), "");
        assert!(matches!(
            ledger.inclusion_proof(0, 1),
            Err(StoreError::Damaged { position: at, .. }) if at == position
        ));
        assert!(matches!(
            ledger.entry(0),
            Err(StoreError::Damaged { position: at, .. }) if at == position
        ));
        // Caches are read as they are and never written.
        assert_eq!(
            ledger.read_cache(Cache::Projections).unwrap().as_deref(),
            Some(&b"an older projection snapshot"[..])
        );
        assert!(matches!(
            ledger.write_cache(Cache::Projections, b"a new snapshot"),
            Err(StoreError::Damaged { position: at, .. }) if at == position
        ));
    }
    // Quarantine wrote nothing: every tree is as the damage left it, and verify still
    // names the same position in the log.
    assert_eq!(
        dump(dir),
        before,
        "opening in quarantine changed the database"
    );
    assert_files_unchanged(&files_before, &owned_files(dir), "opening in quarantine");
    let report = verify(dir).unwrap();
    let in_events = report.problems.iter().find(|p| p.tree == "events");
    assert_eq!(
        in_events.and_then(|p| p.position),
        Some(position),
        "{:?}",
        report.problems
    );
}

#[test]
fn an_intact_ledger_opens_normally_and_takes_appends() {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    let ledger = Ledger::open_or_quarantine(dir.path(), options()).unwrap();
    assert!(ledger.damage().is_none());
    // Its caches are written whole (no temporary file left) and read back.
    assert_eq!(ledger.read_cache(Cache::Projections).unwrap(), None);
    ledger
        .write_cache(Cache::Projections, b"a projection snapshot")
        .unwrap();
    ledger
        .write_cache(Cache::Projections, b"a newer one")
        .unwrap();
    assert_eq!(
        ledger.read_cache(Cache::Projections).unwrap().as_deref(),
        Some(&b"a newer one"[..])
    );
    let names: Vec<PathBuf> = owned_files(dir.path()).into_keys().collect();
    assert!(
        names.contains(&PathBuf::from("projections.snapshot")),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.to_string_lossy().ends_with(".tmp")),
        "{names:?}"
    );
    ledger.append(register("reg-new", "lib-new")).unwrap();
    assert_eq!(ledger.head().length, RECORDS + 1);
    assert!(ledger
        .checkpoint()
        .contains(&format!("\n{}\n", RECORDS + 1)));
}

#[test]
fn a_flipped_byte_in_the_middle_serves_the_records_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, written) = ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, flip_a_byte_of(6));
    assert_quarantined_at(dir.path(), &written, 6);
}

#[test]
fn a_flipped_byte_in_the_last_record_serves_all_but_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, written) = ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, flip_a_byte_of(RECORDS - 1));
    assert_quarantined_at(dir.path(), &written, RECORDS - 1);
}

#[test]
fn a_deleted_record_serves_the_records_before_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (_, written) = ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.remove(position_key(4)).unwrap();
    });
    assert_quarantined_at(dir.path(), &written, 4);
}

#[test]
fn an_altered_record_that_still_decodes_is_not_part_of_the_served_state() {
    // The record at 5 is altered so that it still decodes and links nowhere: record 6
    // still vouches for the original, so the walk names 5 and must not fold it.
    let dir = tempfile::tempdir().unwrap();
    let (_, written) = ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        let bytes = renamed_in_place(stored(events, 5));
        events.insert(position_key(5), bytes).unwrap();
    });
    assert_quarantined_at(dir.path(), &written, 5);
}

#[test]
fn a_damaged_first_record_serves_an_empty_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_, written) = ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, flip_a_byte_of(0));
    assert_quarantined_at(dir.path(), &written, 0);
}

#[test]
fn a_full_disk_is_refused_before_anything_is_written() {
    // A reserve larger than any disk: every append is refused as DiskFull, the head does
    // not move, and once the reserve fits again the same command is applied.
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    let ledger = Ledger::open(dir.path(), options()).unwrap();
    let head = ledger.head();
    ledger.set_free_space_reserve(u64::MAX);
    match ledger.append(register("reg-new", "lib-new")) {
        Err(AppendError::Refused(StoreError::DiskFull { available, reserve })) => {
            assert_eq!(reserve, u64::MAX);
            assert!(available < reserve);
        }
        other => panic!("expected DiskFull, got {other:?}"),
    }
    assert_eq!(ledger.head(), head);
    assert!(ledger
        .receipt(&ledger_core::CommandId::new("reg-new"))
        .unwrap()
        .is_none());
    ledger.set_free_space_reserve(0);
    let receipt = ledger.append(register("reg-new", "lib-new")).unwrap();
    assert_eq!(receipt.positions, vec![RECORDS]);
}
