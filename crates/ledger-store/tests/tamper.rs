//! Damage done to a closed ledger directly in sled: `verify` must name the first bad
//! position, and `Ledger::open` must refuse to start over it.
//!
//! Each test builds the same ten-record log, closes it, changes the `events` tree with
//! sled itself (as an attacker or a broken disk would), and checks both readers.

mod common;

use std::path::Path;

use common::*;
use ledger_core::chain::seal;
use ledger_core::{Head, RecordHash, State};
use ledger_store::layout::{position_key, COMMANDS_TREE, EVENTS_TREE, STREAMS_TREE};
use ledger_store::{verify, Ledger, StoreError};

/// `verify` names `position` first, in the events tree, and `open` refuses at it.
fn assert_damage_at(dir: &Path, position: u64) {
    let report = verify(dir).unwrap();
    let first = report.first_problem().expect("damage must be reported");
    assert_eq!(first.position, Some(position), "{:?}", report.problems);
    assert_eq!(first.tree, "events", "{:?}", report.problems);
    assert!(report.head.length <= position);
    match Ledger::open(dir, options()) {
        Err(StoreError::Corrupt { position: at, .. }) => assert_eq!(at, position),
        other => panic!("open must refuse damage at {position}, got {other:?}"),
    }
}

fn flip_byte(at: impl Fn(usize) -> usize, position: u64) {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        let mut bytes = stored(events, position);
        let offset = at(bytes.len());
        bytes[offset] ^= 0x01;
        events.insert(position_key(position), bytes).unwrap();
    });
    assert_damage_at(dir.path(), position);
}

#[test]
fn an_intact_ledger_verifies_with_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let (head, _) = ten_records(dir.path());
    let report = verify(dir.path()).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.head, head);
}

#[test]
fn a_changed_first_byte_is_found_at_its_record() {
    flip_byte(|_| 0, 4);
}

#[test]
fn a_changed_middle_byte_is_found_at_its_record() {
    flip_byte(|len| len / 2, 4);
}

#[test]
fn a_changed_last_byte_is_found_at_its_record() {
    flip_byte(|len| len - 1, 4);
}

#[test]
fn changes_to_the_last_record_are_found_too() {
    flip_byte(|_| 0, RECORDS - 1);
    flip_byte(|len| len / 2, RECORDS - 1);
    flip_byte(|len| len - 1, RECORDS - 1);
}

#[test]
fn a_changed_byte_in_the_first_record_is_found() {
    flip_byte(|len| len / 2, 0);
}

/// Changes one letter of the library's name inside the body: the record still decodes
/// and checks on its own, only its hash differs.
fn rename_in_place(position: u64) {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        let bytes = renamed_in_place(stored(events, position));
        events.insert(position_key(position), bytes).unwrap();
    });
    assert_damage_at(dir.path(), position);
}

#[test]
fn a_change_that_still_decodes_is_found_at_the_changed_record() {
    rename_in_place(4);
}

#[test]
fn a_change_to_the_last_record_that_still_decodes_is_found() {
    rename_in_place(RECORDS - 1);
}

#[test]
fn a_deleted_middle_record_is_found() {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.remove(position_key(4)).unwrap();
    });
    assert_damage_at(dir.path(), 4);
}

#[test]
fn a_deleted_last_record_is_found() {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.remove(position_key(RECORDS - 1)).unwrap();
    });
    assert_damage_at(dir.path(), RECORDS - 1);
}

#[test]
fn two_swapped_records_are_found_at_the_first() {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    tamper(dir.path(), EVENTS_TREE, |events| {
        let (three, six) = (stored(events, 3), stored(events, 6));
        events.insert(position_key(3), six).unwrap();
        events.insert(position_key(6), three).unwrap();
    });
    assert_damage_at(dir.path(), 3);
}

/// A record sealed as the ledger would, but chained after `head`.
fn forged_after(head: Head) -> Vec<u8> {
    let envelope = register("forged", "lib-forged");
    let now = ledger_core::Timestamp::from_micros(START_MICROS);
    // The secretariat's role makes the registration decidable on a fresh state.
    let mut state = State::new();
    let init = envelope_for_init();
    for event in ledger_core::decide(&state, &init, now).unwrap() {
        state.evolve(&event);
    }
    let events = ledger_core::decide(&state, &envelope, now).unwrap();
    let mut at = state.clone();
    at.length = head.length;
    seal(&at, head, &envelope, &events, now).unwrap()[0]
        .bytes
        .clone()
}

fn envelope_for_init() -> ledger_core::Envelope {
    envelope(
        "init",
        "operator",
        ledger_core::Command::InitializeLedger {
            origin: "forger.example/ledger".into(),
            secretariat: ledger_core::ActorId::new(SECRETARIAT),
        },
    )
}

#[test]
fn an_appended_record_with_a_wrong_previous_hash_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (head, _) = ten_records(dir.path());
    let mut wrong = head;
    wrong.hash = RecordHash([0xab; 32]);
    let forged = forged_after(wrong);
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.insert(position_key(RECORDS), forged).unwrap();
    });
    assert_damage_at(dir.path(), RECORDS);
}

#[test]
fn an_appended_record_linked_to_an_earlier_record_is_found() {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    // Internally consistent, at the right position, but chained to record 7's hash as
    // if 8 and 9 did not exist.
    let db = sled::open(dir.path()).unwrap();
    let seven =
        ledger_core::Sealed::from_bytes(stored(&db.open_tree(EVENTS_TREE).unwrap(), 7)).unwrap();
    drop(db);
    let forged = forged_after(Head {
        length: RECORDS,
        hash: seven.hash,
    });
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.insert(position_key(RECORDS), forged).unwrap();
    });
    assert_damage_at(dir.path(), RECORDS);
}

#[test]
fn a_replaced_record_that_links_to_its_predecessor_is_found() {
    let dir = tempfile::tempdir().unwrap();
    ten_records(dir.path());
    // A well-formed record at position 4 that links to record 3, replacing the real one.
    let db = sled::open(dir.path()).unwrap();
    let three =
        ledger_core::Sealed::from_bytes(stored(&db.open_tree(EVENTS_TREE).unwrap(), 3)).unwrap();
    drop(db);
    let forged = forged_after(Head {
        length: 4,
        hash: three.hash,
    });
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.insert(position_key(4), forged).unwrap();
    });
    assert_damage_at(dir.path(), 4);
}

#[test]
fn damaged_derived_entries_are_reported_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (head, _) = ten_records(dir.path());
    tamper(dir.path(), COMMANDS_TREE, |commands| {
        commands.remove("reg-3").unwrap();
    });
    tamper(dir.path(), STREAMS_TREE, |streams| {
        let key = ledger_store::layout::stream_key("library/lib-5", 0);
        streams.insert(key, &position_key(2)[..]).unwrap();
    });
    let report = verify(dir.path()).unwrap();
    assert_eq!(report.head, head, "the chain itself is intact");
    let found: Vec<(Option<u64>, &str)> = report
        .problems
        .iter()
        .map(|p| (p.position, p.tree))
        .collect();
    // reg-3 is the command at position 5; library/lib-5 is at position 7.
    assert_eq!(found, vec![(Some(5), "commands"), (Some(7), "streams")]);
}

#[test]
fn a_command_id_recorded_again_in_a_later_run_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (head, state) = {
        let ledger = init(dir.path());
        for i in 0..8 {
            ledger
                .append(register(&format!("reg-{i}"), &format!("lib-{i}")))
                .unwrap();
        }
        ledger.snapshot()
    };
    // A record the ledger could have written next in every other respect (it links to the
    // head, continues its stream, derives its event id), but under the id of the command
    // recorded at position 5: a retry must be answered with the first receipt, never
    // appended again.
    let envelope = register("reg-3", "lib-again");
    let now = ledger_core::Timestamp::from_micros(START_MICROS);
    let events = ledger_core::decide(&state, &envelope, now).unwrap();
    let forged = seal(&state, head, &envelope, &events, now).unwrap()[0]
        .bytes
        .clone();
    tamper(dir.path(), EVENTS_TREE, |events| {
        events.insert(position_key(RECORDS), forged).unwrap();
    });
    assert_damage_at(dir.path(), RECORDS);
    let report = verify(dir.path()).unwrap();
    let reason = &report.first_problem().unwrap().what;
    assert!(
        reason.contains("command reg-3 was already recorded at position 5"),
        "{reason}"
    );
}
