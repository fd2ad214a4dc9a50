//! The CI half of the fuzzing (see `fuzz/README.md`) for the auditor's receipt parser:
//! `proof_file::check` on receipts damaged by proptest, and a replay of every JSON file
//! of the committed `proof_verify` corpus with the fuzz target's key.
//!
//! A receipt comes from anyone (a library, a journalist), so `check` must never panic,
//! and a receipt it accepts must prove a record that really is at that position in the
//! signed log: damage may make a receipt fail, never make it prove something else. This
//! file must never relax that to let an input pass.

mod common;
// The one loader of the committed corpus, which fails on a missing or empty folder.
#[path = "../../../fuzz/replay/corpus.rs"]
mod corpus;

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{checkpoint, sample, signer, store};
use corpus::corpus_where;
use ledger_audit::proof_file::{check, ProofFile, PROOF_FORMAT};
use ledger_core::record::{record_hash, Record};
use ledger_tlog::{inclusion_proof, leaf_hash, NoteSigner, NoteVerifier, SignedCheckpoint};
use proptest::prelude::*;
use serde_json::Value;

/// The sample ledger's entries and a valid receipt (as JSON) for each of them.
struct Receipts {
    entries: Vec<Vec<u8>>,
    files: Vec<String>,
}

fn receipts() -> &'static Receipts {
    static RECEIPTS: OnceLock<Receipts> = OnceLock::new();
    RECEIPTS.get_or_init(|| {
        let entries = sample().entries;
        let size = entries.len();
        let note = SignedCheckpoint::sign(&checkpoint(&entries, size), &signer()).unwrap();
        let tree = store(&entries, size);
        let files = (0..size)
            .map(|index| {
                let record = &entries[index];
                let proof = inclusion_proof(index as u64, size as u64, &tree).unwrap();
                let file = ProofFile {
                    format: PROOF_FORMAT.to_owned(),
                    checkpoint: note.clone(),
                    index: index as u64,
                    size: size as u64,
                    record: STANDARD.encode(record),
                    leaf_hash: leaf_hash(record).to_base64(),
                    proof: proof.iter().map(|h| h.to_base64()).collect(),
                    signed_statement: None,
                };
                serde_json::to_string_pretty(&file).unwrap()
            })
            .collect();
        Receipts { entries, files }
    })
}

/// Checks `text` with `key`; if it verifies, the proven record must be the one stored at
/// its position (when the log is known) and its hash must be its stored bytes' hash.
fn check_receipt(text: &str, key: &NoteVerifier, log: Option<&[Vec<u8>]>) {
    let Ok(checked) = check(text, key, None) else {
        return;
    };
    assert_eq!(checked.checkpoint.origin, key.name());
    let position = checked.record.position.0;
    assert!(position < checked.checkpoint.size);
    let bytes = checked.record.encode().unwrap();
    assert_eq!(checked.record_hash, record_hash(&bytes));
    if let Some(log) = log {
        let stored = &log[usize::try_from(position).unwrap()];
        assert_eq!(
            &bytes, stored,
            "a receipt that checks proves the stored record"
        );
        assert_eq!(Record::decode(stored).unwrap(), checked.record);
    }
    let _ = checked.to_string();
}

fn replace_leaf(value: &mut Value, pick: &mut usize, by: &Value) -> bool {
    match value {
        Value::Object(fields) => fields.values_mut().any(|v| replace_leaf(v, pick, by)),
        Value::Array(items) => items.iter_mut().any(|v| replace_leaf(v, pick, by)),
        leaf => {
            if *pick == 0 {
                *leaf = by.clone();
                true
            } else {
                *pick -= 1;
                false
            }
        }
    }
}

fn count_leaves(value: &Value) -> usize {
    match value {
        Value::Object(fields) => fields.values().map(count_leaves).sum(),
        Value::Array(items) => items.iter().map(count_leaves).sum(),
        _ => 1,
    }
}

/// What a forger might put in a receipt field: other receipts' values, numbers at the
/// edges, junk base64, a proof of another length.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<u64>().prop_map(Value::from),
        (0u64..40).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(Value::from(-1)),
        "[A-Za-z0-9+/=]{0,64}".prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
        Just(Value::from(STANDARD.encode([0u8; 32]))),
        Just(serde_json::json!([])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn damaged_receipts_never_panic_nor_prove_another_record(
        pick in any::<usize>(),
        leaf in any::<usize>(),
        by in hostile_value(),
        swap_from in any::<usize>(),
        byte_edit in proptest::option::of((any::<usize>(), any::<u8>())),
    ) {
        let receipts = receipts();
        let key = signer().verifier();
        let original = &receipts.files[pick % receipts.files.len()];
        let mut value: Value = serde_json::from_str(original).unwrap();
        let mut at = leaf % count_leaves(&value);
        replace_leaf(&mut value, &mut at, &by);
        // Graft a field of another receipt in too: the classic forgery.
        let other: Value =
            serde_json::from_str(&receipts.files[swap_from % receipts.files.len()]).unwrap();
        let field = ["index", "record", "leaf_hash", "proof"][swap_from % 4];
        value[field] = other[field].clone();
        let mut text = value.to_string().into_bytes();
        if let Some((at, byte)) = byte_edit {
            let len = text.len();
            text[at % len] = byte;
        }
        check_receipt(&String::from_utf8_lossy(&text), &key, Some(&receipts.entries));
    }
}

#[test]
fn every_sample_receipt_checks() {
    // The shape the corpus and the damage start from: if this fails, the properties are
    // wrong, not the inputs.
    let receipts = receipts();
    let key = signer().verifier();
    for text in &receipts.files {
        assert!(check(text, &key, None).is_ok());
        check_receipt(text, &key, Some(&receipts.entries));
    }
}

#[test]
fn the_proof_corpus_replays_cleanly() {
    // The fuzz target's key: named after the demo origin, seed all sevens.
    let key = NoteSigner::from_seed("demo.ledger.local/bibliotheken", [7; 32])
        .unwrap()
        .verifier();
    // Receipts are the JSON files; the raw ones are ledger-tlog's.
    let receipts = corpus_where("proof_verify", |bytes| {
        bytes.first() == Some(&b'{') && std::str::from_utf8(bytes).is_ok()
    });
    for (path, bytes) in receipts {
        let text = String::from_utf8_lossy(&bytes);
        let outcome = std::panic::catch_unwind(|| check_receipt(&text, &key, None));
        assert!(outcome.is_ok(), "corpus file {} fails", path.display());
    }
}
