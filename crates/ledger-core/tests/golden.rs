//! Golden files: the committed JSON Schemas, one stored record byte for byte with its
//! hash, and one tally digest. Any drift in a stored or published format fails here.
//!
//! Besides comparing with the committed files, the record and the digest are rebuilt
//! here by hand from the byte layout ARCHITECTURE.md documents, so the documentation,
//! the code and the files must all agree.
//!
//! To accept a deliberate change (a new schema field, never a change of format version
//! 1), regenerate the files and review the diff:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test -p ledger-core --test golden
//! ```
//!
//! With `UPDATE_GOLDEN=1` set, the tests rewrite the files instead of comparing. This
//! file must never rewrite a golden file unless that variable is set.

use std::path::PathBuf;

use ledger_core::event::VoteCast;
use ledger_core::record::{event_id, record_hash, Record, RecordHash, RECORD_FORMAT};
use ledger_core::schema::{envelope_schema, event_schema, to_file_text};
use ledger_core::tally::Count;
use ledger_core::{
    ActorId, Choice, CommandId, Event, LibraryId, Position, RoundId, Tally, Timestamp,
};

/// The hash contexts exactly as ARCHITECTURE.md states them.
const DOCUMENTED_RECORD_CONTEXT: &str = "governance-ledger 2026-11-29 record v1";
const DOCUMENTED_EVENT_ID_CONTEXT: &str = "governance-ledger 2026-11-29 event id v1";
const DOCUMENTED_TALLY_CONTEXT: &str = "governance-ledger 2026-11-29 tally digest v1";

fn workspace_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn crate_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Compares `actual` with the committed file, or rewrites it under `UPDATE_GOLDEN=1`.
fn golden(path: PathBuf, actual: &str) {
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it with UPDATE_GOLDEN=1 cargo test -p ledger-core --test golden",
            path.display()
        )
    });
    assert!(
        committed == actual,
        "{} differs from what the code produces; if the change is deliberate, run \
         UPDATE_GOLDEN=1 cargo test -p ledger-core --test golden and review the diff",
        path.display()
    );
}

#[test]
fn committed_schemas_match_the_types() {
    golden(
        workspace_file("schemas/event.schema.json"),
        &to_file_text(&event_schema()),
    );
    golden(
        workspace_file("schemas/command.schema.json"),
        &to_file_text(&envelope_schema()),
    );
}

/// The fixed vote of the golden record, with a non-ASCII remark.
fn golden_vote() -> VoteCast {
    VoteCast {
        round: RoundId::new("r-2023-05"),
        library: LibraryId::new("lib-001"),
        choice: Choice::Yes,
        remark: Some("Akkoord, één aanpak voor e-boeken (€).".into()),
        inhabitants: 16_962,
        replaces_earlier_vote: false,
        signature: None,
    }
}

/// A `vote_cast` record as format 1 stored it before signatures: schema version 1, whose
/// body is version 2's without the final `signature` (an absent option, one 0 byte). It
/// must keep its bytes and hash and read as an unsigned vote.
fn golden_record() -> Record {
    let event = Event::VoteCast(golden_vote());
    let mut body = event.encode_body().unwrap();
    assert_eq!(
        body.pop(),
        Some(0),
        "version 2 ends with an absent signature"
    );
    let command = CommandId::new("demo-0700");
    Record {
        format: RECORD_FORMAT,
        position: Position(700),
        event_id: event_id(&command, 0),
        command_id: command,
        stream: event.stream(),
        stream_version: 42,
        // 2023-05-15T10:00:00.123456Z
        recorded_at: Timestamp::from_micros(1_684_144_800_123_456),
        actor: ActorId::new("lib-001"),
        event_type: event.event_type().into(),
        schema_version: 1,
        body,
        prev_hash: RecordHash(std::array::from_fn(|i| i as u8)),
    }
}

fn push_str(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// The record's bytes built by hand from ARCHITECTURE.md's table, the body from the
/// bincode rules of the documented configuration (fixed-width little-endian integers,
/// u64 lengths, enum variants as u32, options as a u8 tag, booleans as one byte).
fn documented_bytes(record: &Record) -> Vec<u8> {
    let vote = golden_vote();
    let mut body = Vec::new();
    push_str(&mut body, vote.round.as_str());
    push_str(&mut body, vote.library.as_str());
    body.extend_from_slice(&0u32.to_le_bytes()); // Choice::Yes, the first variant
    body.push(1); // Some(remark)
    push_str(&mut body, vote.remark.as_deref().unwrap());
    body.extend_from_slice(&vote.inhabitants.to_le_bytes());
    body.push(0); // replaces_earlier_vote: false

    let mut event_id_hasher = blake3::Hasher::new_derive_key(DOCUMENTED_EVENT_ID_CONTEXT);
    event_id_hasher.update(b"demo-0700");
    event_id_hasher.update(&[0]);
    event_id_hasher.update(&0u32.to_be_bytes());
    let event_id_hash = event_id_hasher.finalize();
    let event_id = &event_id_hash.as_bytes()[..16];

    let mut out = Vec::new();
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&700u64.to_le_bytes());
    out.extend_from_slice(event_id);
    push_str(&mut out, "demo-0700");
    push_str(&mut out, "round/r-2023-05");
    out.extend_from_slice(&42u64.to_le_bytes());
    out.extend_from_slice(&1_684_144_800_123_456i64.to_le_bytes());
    push_str(&mut out, "lib-001");
    push_str(&mut out, "vote_cast");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&record.prev_hash.0);
    out
}

#[test]
fn a_stored_record_and_its_hash_are_stable() {
    let record = golden_record();
    let bytes = record.encode().unwrap();
    assert_eq!(
        hex::encode(&bytes),
        hex::encode(documented_bytes(&record)),
        "the encoder no longer matches the documented layout"
    );
    let hash = record_hash(&bytes);
    assert_eq!(
        hash.0,
        blake3::derive_key(DOCUMENTED_RECORD_CONTEXT, &bytes),
        "the record hash is not BLAKE3 derive-key with the documented context"
    );

    let text = format!(
        "# Golden record, format 1: a vote_cast at position 700 (see tests/golden.rs).\n\
         # Never edit by hand; regenerate only for a deliberate change.\n\
         bytes {}\n\
         record_hash {}\n",
        hex::encode(&bytes),
        hash.to_hex()
    );
    golden(crate_file("tests/golden/record-v1.txt"), &text);

    // The committed bytes decode to the same record and event, whatever wrote them.
    let committed = std::fs::read_to_string(crate_file("tests/golden/record-v1.txt")).unwrap();
    let field = |name: &str| {
        committed
            .lines()
            .find_map(|l| l.strip_prefix(name).map(str::trim))
            .unwrap()
            .to_owned()
    };
    let stored = hex::decode(field("bytes ")).unwrap();
    let decoded = Record::decode(&stored).unwrap();
    assert_eq!(decoded, record);
    assert_eq!(decoded.event().unwrap(), Event::VoteCast(golden_vote()));
    assert_eq!(record_hash(&stored).to_hex(), field("record_hash "));
}

/// A known tally: the shape of the May 2023 round.
fn golden_tally() -> Tally {
    let count = |libraries, inhabitants| Count {
        libraries,
        inhabitants,
    };
    Tally {
        eligible: count(300, 6_414_011),
        cast: count(190, 4_953_204),
        yes: count(172, 4_561_011),
        no: count(12, 297_456),
        abstain: count(6, 94_737),
    }
}

#[test]
fn a_tally_digest_known_answer() {
    let tally = golden_tally();
    let round = RoundId::new("r-2023-05");
    let digest = tally.digest(&round);

    // Rebuilt from the documented layout: round id (u32 BE length, UTF-8), then for
    // eligible, cast, yes, no, abstain: libraries u32 BE, inhabitants u64 BE.
    let mut input = Vec::new();
    input.extend_from_slice(&9u32.to_be_bytes());
    input.extend_from_slice(b"r-2023-05");
    for c in [
        tally.eligible,
        tally.cast,
        tally.yes,
        tally.no,
        tally.abstain,
    ] {
        input.extend_from_slice(&c.libraries.to_be_bytes());
        input.extend_from_slice(&c.inhabitants.to_be_bytes());
    }
    assert_eq!(input.len(), 4 + 9 + 5 * 12);
    assert_eq!(
        digest,
        hex::encode(blake3::derive_key(DOCUMENTED_TALLY_CONTEXT, &input))
    );

    golden(
        crate_file("tests/golden/tally-digest-v1.txt"),
        &format!(
            "# Golden tally digest (see tests/golden.rs): round r-2023-05,\n\
             # eligible 300/6414011, cast 190/4953204, yes 172/4561011, no 12/297456,\n\
             # abstain 6/94737 (libraries/inhabitants).\n\
             {digest}\n"
        ),
    );
}
