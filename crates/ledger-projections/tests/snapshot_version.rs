//! Guards `SNAPSHOT_VERSION`: a snapshot written by one build must never be read by a
//! build whose views or folds differ, so any change of what the model holds or how it
//! folds must come with a new version. The golden file `golden/snapshot-version.txt`
//! pins the version with the BLAKE3 of the snapshot of the demo cycle's model (folded
//! purely, on the scenario's own instants, so the bytes are the same on every run).
//!
//! When the bytes change under the same version, this test fails and says what to do:
//! bump `SNAPSHOT_VERSION` in `src/snapshot.rs`, then record the new digest with
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test -p ledger-projections --test snapshot_version
//! ```
//!
//! This file must never record a new digest under the version the golden file already
//! holds, with or without `UPDATE_GOLDEN`: that is exactly the change it exists to stop.
//! It only sees what the demo model exercises; a view the demo leaves empty changes no
//! byte here.

use std::path::PathBuf;

mod demo_log;

use demo_log::demo_log;
use ledger_projections::{ReadModel, SNAPSHOT_VERSION};

const GOLDEN: &str = "tests/golden/snapshot-version.txt";

/// The command that records the golden file after a version bump.
const UPDATE: &str = "UPDATE_GOLDEN=1 cargo test -p ledger-projections --test snapshot_version";

/// The snapshot bytes of the model folded from the whole demo cycle.
fn demo_snapshot() -> Vec<u8> {
    let mut model = ReadModel::new();
    for (sealed, event) in &demo_log() {
        model.apply(sealed, event);
    }
    model.to_snapshot().expect("the demo model encodes")
}

/// The golden file's text for `version` and `digest`.
fn golden_text(version: u32, digest: &str) -> String {
    format!(
        "# SNAPSHOT_VERSION and the BLAKE3 of the demo model's snapshot bytes.\n\
         # Written by: {UPDATE}\n\
         # (only after bumping SNAPSHOT_VERSION; see tests/snapshot_version.rs)\n\
         version {version}\n\
         blake3 {digest}\n"
    )
}

/// The version and digest a golden file records.
fn parse_golden(text: &str) -> Option<(u32, String)> {
    let mut version = None;
    let mut digest = None;
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("version ") {
            version = value.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("blake3 ") {
            digest = Some(value.trim().to_owned());
        }
    }
    Some((version?, digest?))
}

/// What the test concludes from the golden and the current build.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Same version, same bytes.
    Unchanged,
    /// The bytes changed but the version did not: refused, even under `UPDATE_GOLDEN`.
    NeedsBump,
    /// The version changed: the golden must be recorded anew.
    NeedsRecording,
}

fn judge(golden: (u32, &str), current: (u32, &str)) -> Verdict {
    match (golden.0 == current.0, golden.1 == current.1) {
        (true, true) => Verdict::Unchanged,
        (true, false) => Verdict::NeedsBump,
        (false, _) => Verdict::NeedsRecording,
    }
}

#[test]
fn the_snapshot_version_changes_whenever_the_demo_snapshot_does() {
    let digest = blake3::hash(&demo_snapshot()).to_hex().to_string();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    let update = std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1");
    let committed = std::fs::read_to_string(&path).ok();
    let golden = committed.as_deref().and_then(parse_golden);

    let verdict = golden
        .as_ref()
        .map(|(version, recorded)| judge((*version, recorded), (SNAPSHOT_VERSION, &digest)));
    match (verdict, golden) {
        (Some(Verdict::Unchanged), _) => {}
        (Some(Verdict::NeedsBump), _) => panic!(
            "the demo model's snapshot changed (BLAKE3 {digest}) but SNAPSHOT_VERSION is still \
             {SNAPSHOT_VERSION}: a view or fold changed, so snapshots written before would be \
             misread. Bump SNAPSHOT_VERSION in crates/ledger-projections/src/snapshot.rs, then \
             run `{UPDATE}` and commit {GOLDEN}. (UPDATE_GOLDEN alone does not record a new \
             digest under an old version.)"
        ),
        (Some(Verdict::NeedsRecording), Some((version, _))) if !update => panic!(
            "SNAPSHOT_VERSION is {SNAPSHOT_VERSION} but {GOLDEN} records version {version}: \
             run `{UPDATE}` and commit the file"
        ),
        (None, _) if !update => panic!(
            "{} is missing or unreadable: run `{UPDATE}` and commit it",
            path.display()
        ),
        _ => std::fs::write(&path, golden_text(SNAPSHOT_VERSION, &digest))
            .expect("write the golden file"),
    }
}

#[test]
fn a_changed_snapshot_under_the_same_version_is_refused() {
    // The guard itself: these are the only outcomes, whatever the golden holds.
    assert_eq!(judge((1, "aa"), (1, "aa")), Verdict::Unchanged);
    assert_eq!(judge((1, "aa"), (1, "bb")), Verdict::NeedsBump);
    assert_eq!(judge((1, "aa"), (2, "bb")), Verdict::NeedsRecording);
    assert_eq!(judge((1, "aa"), (2, "aa")), Verdict::NeedsRecording);
    let text = golden_text(7, "cafe");
    assert_eq!(parse_golden(&text), Some((7, "cafe".to_owned())));
    assert_eq!(parse_golden("version 7\n"), None);
}
