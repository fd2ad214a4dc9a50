//! Rebuilds, time travel and snapshots: every way of reaching a position gives the
//! same model.

use ledger_core::command::Command;
use ledger_core::{ActorId, RoundId};
use ledger_projections::{Applied, ProjectionError, ReadModel, RoundStatusView, SNAPSHOT_VERSION};

use crate::fixture::{full_cycle, Ledger, ROUND};

fn json(model: &ReadModel) -> String {
    serde_json::to_string(model).unwrap()
}

#[test]
fn a_model_rebuilt_from_scratch_equals_the_incremental_one_after_every_record() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    let mut incremental = ReadModel::new();
    for (index, (sealed, event)) in records.iter().enumerate() {
        assert_eq!(incremental.apply(sealed, event), Applied::Applied);
        // Now and then the kept model goes through a snapshot, as after a restart.
        if index % 3 == 0 {
            incremental = ReadModel::from_snapshot(&incremental.to_snapshot().unwrap()).unwrap();
        }
        let mut rebuilt = ReadModel::new();
        let applied = rebuilt.catch_up(&records[..=index], u64::MAX);
        assert_eq!(applied, index as u64 + 1);
        assert_eq!(json(&rebuilt), json(&incremental), "after position {index}");
        assert_eq!(rebuilt, incremental);
        assert_eq!(incremental.position(), index as u64 + 1);
        assert_eq!(incremental.head().hash, sealed.hash.to_hex());
    }
}

#[test]
fn as_of_k_equals_the_incremental_model_after_k_records() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    let mut incremental = ReadModel::new();
    for k in 0..=records.len() {
        // Owned records, as a store's iterator yields them.
        let past = ReadModel::as_of(records.clone(), k as u64);
        assert_eq!(json(&past), json(&incremental), "as of {k}");
        if let Some((sealed, event)) = records.get(k) {
            incremental.apply(sealed, event);
        }
    }

    // What a reader sees travelling around the close.
    let round = RoundId::new(ROUND);
    let before = ReadModel::as_of(records, cycle.marks.closed);
    let after = ReadModel::as_of(records, cycle.marks.closed + 1);
    assert_eq!(before.rounds()[&round].status, RoundStatusView::Open);
    assert_eq!(after.rounds()[&round].status, RoundStatusView::Closed);
    assert_eq!(before.position(), cycle.marks.closed);
    assert!(ReadModel::as_of(records, 0).libraries().is_empty());
}

#[test]
fn apply_skips_what_it_holds_and_refuses_gaps_and_other_histories() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    let mut model = ReadModel::as_of(records, 5);
    let kept = model.clone();

    let (sealed, event) = &records[3];
    assert_eq!(model.apply(sealed, event), Applied::AlreadyApplied);
    let (sealed, event) = &records[7];
    assert_eq!(
        model.apply(sealed, event),
        Applied::OutOfOrder { expected: 5 }
    );
    assert_eq!(model, kept);

    // A ledger with another origin has another record 0, so its record 1 does not
    // continue this model's head.
    let mut other = Ledger::new();
    other.at("2023-04-03T08:00:00Z");
    other.submit(
        "operator",
        Command::InitializeLedger {
            origin: "elsewhere.example/ledger".into(),
            secretariat: ActorId::new("secretariaat"),
        },
    );
    let mut one = ReadModel::as_of(records, 1);
    let (sealed, event) = &other.records[1];
    assert_eq!(one.apply(sealed, event), Applied::NotLinked);
    assert_eq!(one, ReadModel::as_of(records, 1));
}

#[test]
fn a_snapshot_round_trips_and_a_wrong_version_is_refused() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    let middle = cycle.marks.certified;
    let model = ReadModel::as_of(records, middle);
    let bytes = model.to_snapshot().unwrap();

    let restored = ReadModel::from_snapshot(&bytes).unwrap();
    assert_eq!(restored, model);
    assert_eq!(json(&restored), json(&model));
    let info = ReadModel::snapshot_info(&bytes).unwrap();
    assert_eq!(info.version, SNAPSHOT_VERSION);
    assert_eq!(info.position, middle);
    assert_eq!(info.head_hash, records[middle as usize - 1].0.hash.to_hex());

    // Start-up: restore, then catch up from the store; the result is the full model.
    let mut resumed = restored;
    let applied = resumed.catch_up(records, u64::MAX);
    assert_eq!(applied, records.len() as u64 - middle);
    assert_eq!(json(&resumed), json(&ReadModel::as_of(records, u64::MAX)));

    let mut other_version = bytes.clone();
    other_version[8..12].copy_from_slice(&(SNAPSHOT_VERSION + 1).to_le_bytes());
    assert_eq!(
        ReadModel::from_snapshot(&other_version),
        Err(ProjectionError::SnapshotVersion {
            found: SNAPSHOT_VERSION + 1,
            expected: SNAPSHOT_VERSION
        })
    );
    assert_eq!(
        ReadModel::snapshot_info(&other_version),
        Err(ProjectionError::SnapshotVersion {
            found: SNAPSHOT_VERSION + 1,
            expected: SNAPSHOT_VERSION
        })
    );

    let truncated = &bytes[..bytes.len() - 10];
    assert!(matches!(
        ReadModel::from_snapshot(truncated),
        Err(ProjectionError::SnapshotCorrupt(_))
    ));
    let mut flipped = bytes.clone();
    let inside = bytes.len() / 2;
    flipped[inside] ^= 0x01;
    assert!(matches!(
        ReadModel::from_snapshot(&flipped),
        Err(ProjectionError::SnapshotCorrupt(_))
    ));
    assert_eq!(
        ReadModel::from_snapshot(&bytes[..6]),
        Err(ProjectionError::NotASnapshot)
    );
}

#[test]
fn a_failing_store_stops_the_fold_with_its_error() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    let mut model = ReadModel::new();
    let stream = records
        .iter()
        .take(10)
        .map(Ok)
        .chain(std::iter::once(Err("disk error at 10")));
    assert_eq!(
        model.try_catch_up(stream, u64::MAX),
        Err("disk error at 10")
    );
    assert_eq!(model.position(), 10);
    let stream = records.iter().map(Ok::<_, &str>);
    assert_eq!(model.try_catch_up(stream, 20), Ok(10));
    assert_eq!(model, ReadModel::as_of(records, 20));
}
