//! Appending through `Ledger`: atomic multi-event commands, optimistic concurrency,
//! idempotent retries, gap-free positions under concurrency, restarts, and the
//! directory rules of `init` and `open`.
//!
//! Every test that expects a refusal checks that the head (and so the log) is unchanged.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

use common::*;
use ledger_core::{ActorId, Command, Rejection, Role};
use ledger_store::{verify, AppendError, Ledger, StoreError};

#[test]
fn init_appends_its_two_events_as_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let head = ledger.head();
    assert_eq!(head.length, 2);
    let records = ledger.records(0, 10).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].record.event_type, "ledger_initialized");
    assert_eq!(records[1].record.event_type, "role_granted");
    assert!(records
        .iter()
        .all(|s| s.record.command_id.as_str() == ledger_store::INIT_COMMAND_ID));
    assert_eq!(records[1].hash, head.hash);
    let receipt = ledger
        .receipt(&ledger_core::CommandId::new(ledger_store::INIT_COMMAND_ID))
        .unwrap()
        .unwrap();
    assert_eq!(receipt.positions, vec![0, 1]);
    assert!(ledger
        .state()
        .has_role(&ActorId::new(SECRETARIAT), &Role::Secretariat));
}

#[test]
fn the_final_signature_appends_signature_and_certification_together() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let round = closed_round(&ledger);
    let first = ledger
        .append(sign(&ledger, "sign-1", "member-1", &round))
        .unwrap();
    assert_eq!(first.positions.len(), 1);
    let before = ledger.head();
    let last = ledger
        .append(sign(&ledger, "sign-2", "member-2", &round))
        .unwrap();
    assert_eq!(last.positions, vec![before.length, before.length + 1]);
    let records = ledger.records(before.length, 10).unwrap();
    let types: Vec<&str> = records
        .iter()
        .map(|s| s.record.event_type.as_str())
        .collect();
    assert_eq!(types, ["certification_signed", "result_certified"]);
    assert_eq!(last.hashes, vec![records[0].hash, records[1].hash]);
    assert_eq!(records[1].record.prev_hash, records[0].hash);
    assert!(ledger.state().rounds[&round].certified);
    let in_stream = ledger.stream(&format!("round/{round}")).unwrap();
    assert!(in_stream.ends_with(&last.positions));
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn a_wrong_expected_version_conflicts_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    ledger.append(register("reg-1", "lib-1")).unwrap();
    let head = ledger.head();

    let mut update = envelope(
        "upd-1",
        SECRETARIAT,
        Command::UpdateLibrary {
            library: ledger_core::LibraryId::new("lib-1"),
            name: None,
            municipalities: None,
            inhabitants: Some(1_200),
        },
    );
    update.expected_version = Some(0);
    match ledger.append(update.clone()) {
        Err(AppendError::Conflict {
            stream,
            expected,
            actual,
        }) => {
            assert_eq!(stream, "library/lib-1");
            assert_eq!((expected, actual), (0, 1));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(ledger.head(), head);
    assert_eq!(
        ledger.state().libraries[&update_library()].inhabitants,
        1_000
    );

    // The same command with the right version goes through.
    update.expected_version = Some(1);
    let receipt = ledger.append(update).unwrap();
    assert_eq!(receipt.positions, vec![head.length]);
}

fn update_library() -> ledger_core::LibraryId {
    ledger_core::LibraryId::new("lib-1")
}

#[test]
fn a_rejection_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let head = ledger.head();
    let by_stranger = envelope(
        "reg-x",
        "stranger",
        Command::RegisterLibrary {
            library: ledger_core::LibraryId::new("lib-x"),
            name: "X".into(),
            municipalities: vec![ledger_core::NisCode("11002".into())],
            inhabitants: 10,
        },
    );
    assert!(matches!(
        ledger.append(by_stranger),
        Err(AppendError::Rejected(Rejection::NotPermitted { .. }))
    ));
    assert_eq!(ledger.head(), head);
    assert!(ledger
        .receipt(&ledger_core::CommandId::new("reg-x"))
        .unwrap()
        .is_none());
}

#[test]
fn a_record_over_64_kib_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let head = ledger.head();
    // 6,000 distinct municipality codes encode to about 78 KB.
    let codes: Vec<String> = (10_000..16_000).map(|n| n.to_string()).collect();
    match ledger.append(register_with("reg-big", "lib-big", codes, 1_000)) {
        Err(AppendError::TooLarge { size }) => assert!(size > 65_535),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_eq!(ledger.head(), head);
    // The writer goes on with the next command.
    ledger.append(register("reg-small", "lib-small")).unwrap();
}

#[test]
fn sixteen_simultaneous_retries_append_once_and_get_the_same_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let head = ledger.head();
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let ledger = ledger.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                ledger.append(register("reg-same", "lib-same")).unwrap()
            })
        })
        .collect();
    let receipts: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(receipts.iter().filter(|r| !r.replayed).count(), 1);
    for receipt in &receipts {
        assert_eq!(receipt.positions, vec![head.length]);
        assert_eq!(receipt.hashes, receipts[0].hashes);
        assert_eq!(receipt.recorded_at, receipts[0].recorded_at);
    }
    assert_eq!(ledger.head().length, head.length + 1);
    assert_eq!(ledger.head().hash, receipts[0].hashes[0]);
}

#[test]
fn a_retry_after_restart_is_answered_with_the_original_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let original = {
        let ledger = init(dir.path());
        ledger.append(register("reg-1", "lib-1")).unwrap()
    };
    let ledger = Ledger::open(dir.path(), options()).unwrap();
    let head = ledger.head();
    let retried = ledger.append(register("reg-1", "lib-1")).unwrap();
    assert!(retried.replayed);
    assert_eq!(retried.positions, original.positions);
    assert_eq!(retried.hashes, original.hashes);
    assert_eq!(retried.recorded_at, original.recorded_at);
    assert_eq!(ledger.head(), head);
}

#[test]
fn sixty_four_concurrent_appenders_get_gap_free_positions() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let start = ledger.head().length;
    let per_thread = 4;
    let barrier = Arc::new(Barrier::new(64));
    let threads: Vec<_> = (0..64)
        .map(|t| {
            let ledger = ledger.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (0..per_thread)
                    .map(|i| {
                        let id = format!("lib-{t}-{i}");
                        ledger.append(register(&format!("reg-{id}"), &id)).unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let receipts: Vec<_> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let positions: BTreeSet<u64> = receipts
        .iter()
        .flat_map(|r| r.positions.iter().copied())
        .collect();
    let total = 64 * per_thread;
    assert_eq!(positions, (start..start + total).collect::<BTreeSet<u64>>());
    assert_eq!(ledger.head().length, start + total);
    assert_eq!(ledger.state().libraries.len(), total as usize);
    for receipt in &receipts {
        let stored = ledger.record(receipt.positions[0]).unwrap().unwrap();
        assert_eq!(stored.hash, receipt.hashes[0]);
        assert_eq!(stored.record.command_id, receipt.command_id);
    }
    let report = ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    let stats = ledger.stats();
    eprintln!(
        "64 appenders x {per_thread}: {} commands in {} batches (largest {} requests), \
         {} syncs, {} us per sync on average",
        stats.appended_commands,
        stats.batches,
        stats.largest_batch,
        stats.syncs,
        stats.sync_micros / stats.syncs.max(1)
    );
}

#[test]
fn records_written_before_a_restart_decode_and_verify_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let (head, written) = {
        let ledger = init(dir.path());
        let round = closed_round(&ledger);
        ledger
            .append(sign(&ledger, "sign-1", "member-1", &round))
            .unwrap();
        (ledger.head(), ledger.records(0, usize::MAX).unwrap())
    };
    let report = verify(dir.path()).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.head, head);

    let ledger = Ledger::open(dir.path(), options()).unwrap();
    assert_eq!(ledger.head(), head);
    assert_eq!(ledger.records(0, usize::MAX).unwrap(), written);
    assert_eq!(
        ledger.stream("library/lib-a").unwrap(),
        written
            .iter()
            .filter(|s| s.record.stream == "library/lib-a")
            .map(|s| s.record.position.0)
            .collect::<Vec<_>>()
    );
    // The state rebuilt by replay decides like the one before the restart did.
    let round = ledger_core::RoundId::new("r-2023-05");
    let receipt = ledger
        .append(sign(&ledger, "sign-2", "member-2", &round))
        .unwrap();
    assert_eq!(receipt.positions.len(), 2);
}

#[test]
fn a_second_open_is_refused_at_once_while_the_first_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    assert!(matches!(
        Ledger::open(dir.path(), options()),
        Err(StoreError::Locked { .. })
    ));
    assert!(matches!(verify(dir.path()), Err(StoreError::Locked { .. })));
    drop(ledger);
    Ledger::open(dir.path(), options()).unwrap();
}

#[test]
fn open_refuses_a_directory_that_is_not_a_ledger_and_creates_nothing() {
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Ledger::open(empty.path(), options()),
        Err(StoreError::NotALedger { .. })
    ));
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);

    let missing = empty.path().join("nowhere");
    assert!(matches!(
        Ledger::open(&missing, options()),
        Err(StoreError::NotALedger { .. })
    ));
    assert!(!missing.exists());

    // A sled database that is not a ledger.
    let other = tempfile::tempdir().unwrap();
    sled::open(other.path()).unwrap().flush().unwrap();
    assert!(matches!(
        Ledger::open(other.path(), options()),
        Err(StoreError::NotALedger { .. })
    ));
}

#[test]
fn init_refuses_an_existing_ledger_and_a_directory_with_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let head = init(dir.path()).head();
    assert!(matches!(
        Ledger::init(
            dir.path(),
            "other.example/ledger",
            ActorId::new("x"),
            options()
        ),
        Err(StoreError::AlreadyExists { .. })
    ));
    assert_eq!(Ledger::open(dir.path(), options()).unwrap().head(), head);

    let busy = tempfile::tempdir().unwrap();
    std::fs::write(busy.path().join("notes.txt"), "not a ledger").unwrap();
    assert!(matches!(
        Ledger::init(busy.path(), "a.example/l", ActorId::new("x"), options()),
        Err(StoreError::NotEmpty { .. })
    ));
    assert!(!busy.path().join("db").exists());
}

#[test]
fn init_refuses_an_origin_the_domain_refuses_before_creating_anything() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("new-ledger");
    assert!(matches!(
        Ledger::init(&dir, "has a space", ActorId::new("x"), options()),
        Err(StoreError::InitRejected(_))
    ));
    assert!(!dir.exists());
}
