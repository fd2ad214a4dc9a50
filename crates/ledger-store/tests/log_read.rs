//! Reading the log in one pass (`Ledger::log`): the same records, hashes and events as
//! reading them one position at a time (which hashes every record again), for every
//! range, and never a record beyond the durable head.
//!
//! This file must never compare against anything but the store's own per-position reads
//! and a fresh hash of the stored bytes: those are what a reader relied on before.

mod common;

use common::*;
use ledger_core::record::record_hash;

#[test]
fn one_pass_reads_what_per_position_reads_give() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let round = closed_round(&ledger);
    ledger
        .append(sign(&ledger, "sign-1", "member-1", &round))
        .unwrap();
    ledger
        .append(sign(&ledger, "sign-2", "member-2", &round))
        .unwrap();
    let length = ledger.head().length;
    assert!(length > 10, "the fixture should have several commands");
    let expected = ledger.records(0, usize::MAX).unwrap();
    for sealed in &expected {
        assert_eq!(sealed.hash, record_hash(&sealed.bytes));
    }
    for from in 0..=length + 1 {
        for to in [from, from + 1, from + 3, length - 1, length, length + 5] {
            let read: Vec<_> = ledger.log(from, to).collect::<Result<Vec<_>, _>>().unwrap();
            let want: Vec<_> = expected
                .iter()
                .filter(|s| s.record.position.0 >= from && s.record.position.0 < to)
                .collect();
            assert_eq!(read.len(), want.len(), "range {from}..{to}");
            for ((sealed, event), want) in read.iter().zip(want) {
                assert_eq!(sealed, want, "range {from}..{to}");
                assert_eq!(*event, want.record.event().unwrap());
            }
        }
    }
}

#[test]
fn a_reader_stays_at_the_head_it_was_made_at() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    let head = ledger.head();
    let reader = ledger.log(0, u64::MAX);
    ledger
        .append(register("register-late", "late-library"))
        .unwrap();
    let read: Vec<_> = reader.collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(read.len() as u64, head.length);
    assert_eq!(read.last().unwrap().0.hash, head.hash);
    // A reader made now sees the new record, with the hash the append reported.
    let after = ledger.head();
    let read: Vec<_> = ledger
        .log(head.length, u64::MAX)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].0.hash, after.hash);
    assert_eq!(read[0].0.hash, record_hash(&read[0].0.bytes));
}
