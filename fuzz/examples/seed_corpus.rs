//! Writes the seed inputs of every fuzz target into `corpus/<target>/`: real records,
//! the demo cycle's command envelopes, signed checkpoints, tile paths, entry bundles,
//! inclusion receipts and a Statbel CSV. Run it once before a first fuzzing session
//! (`cargo run --example seed_corpus` in `fuzz/`); libFuzzer and `cargo fuzz cmin` keep
//! only what adds coverage.
//!
//! It must never overwrite a file with different content: seeds are named by content.

use std::fs;
use std::path::Path;

use ledger_core::{Event, Record};
use ledger_fuzz::{demo, demo_tree, receipt, signer};
use ledger_tlog::{encode_entry_bundle, tiles_for_size, Checkpoint};

fn write(target: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    let name = format!("seed-{}", &content_name(bytes)[..16]);
    fs::write(dir.join(name), bytes).expect("seed written");
}

/// A content name without another dependency: FNV-1a, twice with different offsets.
fn content_name(bytes: &[u8]) -> String {
    let fnv = |basis: u64| {
        bytes.iter().fold(basis, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    )
}

/// The record's bytes with every string of its event cut to 100 characters and every
/// list to three items.
fn shortened(record: &Record) -> Vec<u8> {
    fn cut(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = text.chars().take(100).collect(),
            serde_json::Value::Array(items) => {
                items.truncate(3);
                items.iter_mut().for_each(cut);
            }
            serde_json::Value::Object(fields) => fields.values_mut().for_each(cut),
            _ => {}
        }
    }
    let event = record.event().expect("a demo event");
    let mut json = serde_json::to_value(&event).expect("event JSON");
    cut(&mut json);
    let event: Event = serde_json::from_value(json).expect("a shortened event");
    let mut record = record.clone();
    record.body = event.encode_body().expect("the body encodes");
    record.encode().expect("the record encodes")
}

fn main() {
    let demo = demo();
    println!(
        "demo log: {} records, {} envelopes",
        demo.records.len(),
        demo.envelopes.len()
    );

    // One record of every event type (the first of each), plus the last record.
    // Long texts and lists are cut so every seed stays under the 2 KiB the
    // record target runs with (libFuzzer would otherwise truncate it into garbage).
    let mut seen = std::collections::BTreeSet::new();
    for sealed in &demo.records {
        if seen.insert(sealed.record.event_type.clone()) {
            write("record_decode", &shortened(&sealed.record));
        }
    }
    if let Some(last) = demo.records.last() {
        write("record_decode", &shortened(&last.record));
    }

    // One envelope of every command type, plus a few hand-written ones the demo lacks.
    let mut seen = std::collections::BTreeSet::new();
    for envelope in &demo.envelopes {
        if seen.insert(envelope.command.type_name()) {
            let json = serde_json::to_string_pretty(envelope).expect("envelope JSON");
            write("command_json", json.as_bytes());
        }
    }
    for extra in [
        r#"{"command_id":"x-1","actor":"secretariaat","command":{"type":"revoke_role","actor":"stuurgroep-an","role":"steering_member"}}"#,
        r#"{"command_id":"x-2","actor":"secretariaat","command":{"type":"update_library","library":"lib-001","name":"Nieuw","municipalities":["11001"],"inhabitants":1000}}"#,
        r#"{"command_id":"x-3","actor":"secretariaat","command":{"type":"retire_library","library":"lib-001","reason":"fusie"}}"#,
        r#"{"command_id":"x-4","actor":"stuurgroep-an","command":{"type":"amend_proposal","proposal":"p-2023-ibl-microsubsidies","title":"T","budget_cents_per_year":-1}}"#,
        r#"{"command_id":"x-5","actor":"stuurgroep-an","command":{"type":"withdraw_proposal","proposal":"p-2023-ibl-microsubsidies","reason":"r"}}"#,
        r#"{"command_id":"x-6","actor":"secretariaat","expected_version":3,"command":{"type":"annul_round","round":"r-2023-05","reason":"r"}}"#,
        r#"{"command_id":"x-7","actor":"lib-001","command":{"type":"cast_vote","round":"r-2023-05","library":"lib-001","choice":"yes","remark":"akkoord"}}"#,
    ] {
        write("command_json", extra.as_bytes());
    }

    // Signed checkpoints at a few sizes, their bodies, tile paths and entry bundles.
    for size in [0u64, 1, 2, 7, 256, 300, demo.records.len() as u64] {
        let tree = demo_tree(size);
        write("checkpoint_note", tree.note.as_bytes());
        if let Some(split) = tree.note.rfind("\n\n") {
            write("checkpoint_note", &tree.note.as_bytes()[..=split]);
        }
        for tile in tiles_for_size(size).take(4) {
            write("checkpoint_note", tile.path().as_bytes());
        }
    }
    let body = Checkpoint::parse(
        "example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nextension\n",
    )
    .expect("a checkpoint body");
    write("checkpoint_note", body.to_body().as_bytes());
    write(
        "checkpoint_note",
        signer().verifier().verifier_key().as_bytes(),
    );
    write("checkpoint_note", b"tile/entries/x001/234.p/17");
    let entries: Vec<&[u8]> = demo
        .records
        .iter()
        .take(3)
        .map(|s| s.bytes.as_slice())
        .collect();
    write(
        "checkpoint_note",
        &encode_entry_bundle(&entries).expect("a bundle"),
    );

    // Valid receipts at several sizes and indices, and raw claims for the verifiers.
    for (size, index) in [(1u64, 0u64), (2, 1), (7, 3), (300, 255), (300, 299)] {
        let tree = demo_tree(size);
        let file = receipt(&tree, index);
        let json = serde_json::to_string_pretty(&file).expect("receipt JSON");
        write("proof_verify", json.as_bytes());
    }
    for claim in [[0u8; 64], [0xff; 64]] {
        write("proof_verify", &claim);
    }
    let mut claim = Vec::new();
    for word in [5u64, 300, 17] {
        claim.extend_from_slice(&word.to_le_bytes());
    }
    claim.extend_from_slice(&[1; 200]);
    write("proof_verify", &claim);

    write(
        "csv_import",
        b"nis_code,municipality_nl,province_nl,region_nl,inhabitants\n\
          11001,Aartselaar,Antwerpen,Vlaams Gewest,14427\n\
          11002,Antwerpen,Antwerpen,Vlaams Gewest,529247\n\
          \"44021\",\"Gent\",\"Oost-Vlaanderen\",\"Vlaams Gewest\",\" 265086 \"\n",
    );
    write(
        "csv_import",
        b"nis_code,municipality_nl,province_nl,region_nl,inhabitants\n11001,Aartselaar\n",
    );
}
