//! A server folds its read model from the records the store's open checks
//! (`Ledger::open_folding` with `OpeningModel`), starting from the snapshot file when
//! the fold proves it matches the log. What it serves must be what a rebuild from the
//! log gives, whatever snapshot lies in the directory.

mod demo_fixture;

use std::path::Path;

use ledger_api::history::History;
use ledger_api::{LiveModel, OpeningModel};
use ledger_projections::ReadModel;
use ledger_store::{Cache, Durability, Ledger, LedgerOptions};

const SNAPSHOT_FILE: &str = Cache::Projections.file_name();

fn options() -> LedgerOptions {
    LedgerOptions {
        durability: Durability::None,
        ..LedgerOptions::default()
    }
}

/// Opens `dir` the way `ledger serve` does and returns the ledger, the served model and
/// how many records the open's fold applied.
fn open_as_server(dir: &Path) -> (Ledger, LiveModel, u64) {
    let mut opening = OpeningModel::new(dir);
    let ledger = Ledger::open_folding(dir, options(), |s, e| opening.apply(s, e)).expect("open");
    let applied = opening.applied();
    let live = opening.finish(&ledger, |_, _| {}).expect("finish");
    (ledger, live, applied)
}

/// The model as snapshot bytes (a complete, ordered image of it).
fn served(ledger: &Ledger, live: &LiveModel) -> Vec<u8> {
    let (_, bytes) = live
        .read(ledger, |m| m.to_snapshot().expect("snapshot"))
        .expect("read");
    bytes
}

/// A model folded from position 0 through the store's per-position reads (each record
/// hashed again), not the one-pass reader the server folds with.
fn rebuilt(ledger: &Ledger, until: u64) -> ReadModel {
    let records: Vec<_> = ledger
        .records(0, usize::try_from(until).expect("length"))
        .expect("read")
        .into_iter()
        .map(|sealed| {
            let event = sealed.record.event().expect("decode");
            (sealed, event)
        })
        .collect();
    ReadModel::as_of(&records, until)
}

fn snapshot_position(dir: &Path) -> u64 {
    let bytes = std::fs::read(dir.join(SNAPSHOT_FILE)).expect("a snapshot file");
    ReadModel::snapshot_info(&bytes)
        .expect("snapshot info")
        .position
}

/// The demo ledger in `dir`, closed, with the snapshot of another ledger's first 40
/// records (another origin: the same steps, every hash different); returns that snapshot.
fn demo_ledger_with_a_foreign_snapshot(dir: &Path) -> Vec<u8> {
    let other = tempfile::tempdir().unwrap();
    let foreign = demo_fixture::demo_ledger_in(other.path(), "elsewhere.example/ledger");
    let foreign_bytes = rebuilt(&foreign, 40).to_snapshot().unwrap();
    drop(foreign);
    drop(demo_fixture::demo_ledger_in(
        dir,
        ledger_demo::scenario::ORIGIN,
    ));
    std::fs::write(dir.join(SNAPSHOT_FILE), &foreign_bytes).unwrap();
    foreign_bytes
}

#[test]
fn without_a_snapshot_the_fold_of_the_open_serves_what_a_rebuild_gives() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_fixture::demo_ledger_in(
        dir.path(),
        ledger_demo::scenario::ORIGIN,
    ));
    assert!(!dir.path().join(SNAPSHOT_FILE).exists());

    let (ledger, live, applied) = open_as_server(dir.path());
    let head = ledger.head();
    assert!(
        head.length > 200,
        "the demo log has {} records",
        head.length
    );
    // The whole model came from the open's own pass over the log.
    assert_eq!(applied, head.length);
    let expected = rebuilt(&ledger, head.length).to_snapshot().unwrap();
    assert_eq!(served(&ledger, &live), expected);
    // The fold moved past the (absent) snapshot, so it was saved at the head.
    assert_eq!(snapshot_position(dir.path()), head.length);
}

#[test]
fn a_snapshot_behind_the_log_is_caught_up_from_the_records_the_open_reads() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = demo_fixture::demo_ledger_in(dir.path(), ledger_demo::scenario::ORIGIN);
    let length = ledger.head().length;
    let behind = length / 2;
    let bytes = rebuilt(&ledger, behind).to_snapshot().unwrap();
    std::fs::write(dir.path().join(SNAPSHOT_FILE), bytes).unwrap();
    drop(ledger);

    let (ledger, live, applied) = open_as_server(dir.path());
    assert_eq!(ledger.head().length, length);
    // Only the records after the snapshot were folded.
    assert_eq!(applied, length - behind);
    let expected = rebuilt(&ledger, length).to_snapshot().unwrap();
    assert_eq!(served(&ledger, &live), expected);
    assert_eq!(snapshot_position(dir.path()), length);
}

#[test]
fn a_snapshot_of_another_log_is_dropped_and_the_model_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let foreign_bytes = demo_ledger_with_a_foreign_snapshot(dir.path());

    let (ledger, live, applied) = open_as_server(dir.path());
    // Nothing links on from the foreign snapshot's head.
    assert_eq!(applied, 0);
    let head = ledger.head();
    let expected = rebuilt(&ledger, head.length).to_snapshot().unwrap();
    let got = served(&ledger, &live);
    assert_eq!(got, expected);
    assert_ne!(got, foreign_bytes);
    let (served_head, origin) = live
        .read(&ledger, |m| m.origin().map(str::to_owned))
        .expect("read");
    assert_eq!(served_head, head);
    assert_eq!(origin.as_deref(), Some(ledger_demo::scenario::ORIGIN));
}

#[test]
fn a_snapshot_beyond_the_log_is_dropped_and_the_model_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = demo_fixture::demo_ledger_in(dir.path(), ledger_demo::scenario::ORIGIN);
    let length = ledger.head().length;
    let full = rebuilt(&ledger, length).to_snapshot().unwrap();
    drop(ledger);

    // The same log, shorter: a snapshot of the longer one cannot describe it.
    let short = tempfile::tempdir().unwrap();
    let ledger = Ledger::init(
        short.path(),
        ledger_demo::scenario::ORIGIN,
        ledger_core::ActorId::new(ledger_demo::scenario::SECRETARIAT),
        options(),
    )
    .unwrap();
    drop(ledger);
    std::fs::write(short.path().join(SNAPSHOT_FILE), &full).unwrap();

    let (ledger, live, applied) = open_as_server(short.path());
    assert_eq!(applied, 0);
    let head = ledger.head();
    assert!(head.length < length);
    let expected = rebuilt(&ledger, head.length).to_snapshot().unwrap();
    assert_eq!(served(&ledger, &live), expected);
}

#[test]
fn a_rebuild_reports_every_record_it_folds_to_the_shell() {
    // A snapshot of another log makes the server rebuild: the shell (which draws the
    // progress bar) is told of each record, ending at the log's length.
    let dir = tempfile::tempdir().unwrap();
    demo_ledger_with_a_foreign_snapshot(dir.path());

    let mut opening = OpeningModel::new(dir.path());
    let ledger = Ledger::open_folding(dir.path(), options(), |s, e| opening.apply(s, e)).unwrap();
    let mut told = Vec::new();
    let live = opening
        .finish(&ledger, |folded, missing| told.push((folded, missing)))
        .unwrap();
    let length = ledger.head().length;
    let expected: Vec<(u64, u64)> = (1..=length).map(|k| (k, length)).collect();
    assert_eq!(told, expected);
    assert_eq!(
        served(&ledger, &live),
        rebuilt(&ledger, length).to_snapshot().unwrap()
    );
}

/// Opens `dir` as the server does, capturing past-read checkpoints into a history that
/// keeps at most 4, `min_spacing` apart in a short log; returns the ledger and what the
/// fold handed over.
fn open_with_checkpoints(
    dir: &Path,
    min_spacing: u64,
) -> (Ledger, Option<std::sync::Arc<History>>) {
    let mut opening = OpeningModel::with_checkpoints(dir, History::with_spacing(min_spacing, 4));
    let ledger = Ledger::open_folding(dir, options(), |s, e| opening.apply(s, e)).expect("open");
    let (_, checkpoints) = opening
        .finish_with_checkpoints(&ledger, |_, _| {})
        .expect("finish");
    (ledger, checkpoints)
}

#[test]
fn the_open_captures_the_past_read_checkpoints_a_fresh_fold_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let length = demo_fixture::demo_ledger_in(dir.path(), ledger_demo::scenario::ORIGIN)
        .head()
        .length;
    // 16 apart: the spacing doubles several times while the open folds. A fifth of the
    // log: the log ends past 4 spacings before the doubled spacing's next multiple, so
    // the fold must drop checkpoints after its last record, not only when it keeps one.
    for min_spacing in [16, length / 5] {
        let (ledger, checkpoints) = open_with_checkpoints(dir.path(), min_spacing);
        let captured = checkpoints.expect("a fold from the log's start captures checkpoints");
        assert_eq!(ledger.head().length, length);

        // The same positions as a history warmed by a second fold of the log.
        let warmed = History::with_spacing(min_spacing, 4);
        warmed.warm(&ledger).expect("warm");
        let positions = captured.checkpoint_positions();
        assert!(positions.len() >= 2, "{positions:?}");
        assert_eq!(
            positions,
            warmed.checkpoint_positions(),
            "spacing {min_spacing}"
        );
        assert!(captured.spacing(length) > min_spacing);
        // Each is the model a fresh fold of that many records gives.
        for position in positions {
            let model = captured.model_at(&ledger, position).expect("checkpoint");
            assert!(
                *model == rebuilt(&ledger, position),
                "checkpoint {position} differs from a fresh fold"
            );
        }
        drop(ledger);
        // The open saved its model as a snapshot; the next fold starts from the log.
        std::fs::remove_file(dir.path().join(SNAPSHOT_FILE)).unwrap();
    }
}

#[test]
fn an_open_from_a_snapshot_captures_no_checkpoints_and_they_are_folded_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = demo_fixture::demo_ledger_in(dir.path(), ledger_demo::scenario::ORIGIN);
    let behind = ledger.head().length / 2;
    let bytes = rebuilt(&ledger, behind).to_snapshot().unwrap();
    std::fs::write(dir.path().join(SNAPSHOT_FILE), bytes).unwrap();
    drop(ledger);
    // The fold starts at the snapshot: the checkpoints before it are not in it.
    let (_, checkpoints) = open_with_checkpoints(dir.path(), 16);
    assert!(checkpoints.is_none());
}
