//! `ledger-audit prove` and `check-proof`: a receipt written from a tiles directory
//! (the inclusion path computed from its hash tiles) verifies offline and shows the
//! record; any edit to the receipt makes it fail.

mod common;

use std::fs;

use common::*;
use ledger_core::{Choice, Command, LibraryId, NisCode};
use ledger_tlog::leaf_hash;
use serde_json::Value;
use tempfile::TempDir;

/// Position of Gent's changed vote (yes) in the sample ledger.
const GENT_YES: usize = 19;

fn prove(dir: &TempDir, index: usize, out: &std::path::Path) -> std::process::Output {
    let key = vkey();
    audit(&[
        "prove",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--index",
        &index.to_string(),
        "--key",
        &key,
        "--out",
        out.to_str().unwrap(),
    ])
}

fn check(file: &std::path::Path) -> std::process::Output {
    let key = vkey();
    audit(&["check-proof", file.to_str().unwrap(), "--key", &key])
}

#[test]
fn a_receipt_round_trips_and_shows_the_vote() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    let note = publish(dir.path(), &ledger.entries, size);
    let receipt = dir.path().join("receipt.json");
    let out = assert_ok(&prove(&dir, GENT_YES, &receipt));
    assert!(
        out.contains(&format!("record {GENT_YES} in size {size}")),
        "{out}"
    );

    let file: Value = serde_json::from_str(&fs::read_to_string(&receipt).unwrap()).unwrap();
    assert_eq!(file["format"], "governance-ledger inclusion proof v1");
    assert_eq!(file["checkpoint"], note.as_str());
    assert_eq!(file["index"], GENT_YES);
    assert_eq!(file["size"], size);
    assert_eq!(
        file["leaf_hash"],
        leaf_hash(&ledger.entries[GENT_YES]).to_base64().as_str()
    );
    assert!(!file["proof"].as_array().unwrap().is_empty());

    let out = assert_ok(&check(&receipt));
    assert!(
        out.contains(&format!(
            "proof verified: record {GENT_YES} is in {ORIGIN} at size {size}"
        )),
        "{out}"
    );
    assert!(out.contains("type: vote_cast (schema 2)"), "{out}");
    assert!(out.contains("actor: acc-lib-gent"), "{out}");
    assert!(out.contains("recorded_at: 2023-05-01T09:"), "{out}");
    assert!(out.contains("\"choice\": \"yes\""), "{out}");
    assert!(out.contains("\"replaces_earlier_vote\": true"), "{out}");
}

#[test]
fn without_out_the_receipt_goes_to_standard_output() {
    let ledger = sample();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, ledger.entries.len());
    let out = assert_ok(&audit(&[
        "prove",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--index",
        "0",
    ]));
    let file: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(file["index"], 0);
    let receipt = dir.path().join("zero.json");
    fs::write(&receipt, out).unwrap();
    let out = assert_ok(&check(&receipt));
    assert!(out.contains("type: ledger_initialized"), "{out}");
}

#[test]
fn tampered_receipts_fail() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    let receipt = dir.path().join("receipt.json");
    assert_ok(&prove(&dir, GENT_YES, &receipt));
    let honest: Value = serde_json::from_str(&fs::read_to_string(&receipt).unwrap()).unwrap();
    let tampered = dir.path().join("tampered.json");
    let try_with = |edit: &dyn Fn(&mut Value), expected: &[&str]| {
        let mut file = honest.clone();
        edit(&mut file);
        fs::write(&tampered, serde_json::to_string(&file).unwrap()).unwrap();
        assert_fails(&check(&tampered), expected);
    };

    // Gent's earlier "no" vote passed off as the proven record.
    let other = &ledger.entries[15];
    let other_b64 = base64_of(other);
    try_with(
        &|f| f["record"] = Value::from(other_b64.clone()),
        &["leaf_hash", "is not SHA-256(0x00 || record)"],
    );
    let other_leaf = leaf_hash(other).to_base64();
    try_with(
        &|f| {
            f["record"] = Value::from(other_b64.clone());
            f["leaf_hash"] = Value::from(other_leaf.clone());
        },
        &[
            "inclusion proof of 19",
            "does not lead to the checkpoint root",
        ],
    );
    try_with(
        &|f| f["proof"][0] = Value::from(ledger_tlog::Hash([1; 32]).to_base64()),
        &["does not lead to the checkpoint root"],
    );
    try_with(
        &|f| f["index"] = Value::from(16),
        &["does not lead to the checkpoint root"],
    );
    try_with(
        &|f| f["size"] = Value::from(size + 1),
        &["proof is for size"],
    );
    try_with(
        &|f| {
            let note = f["checkpoint"]
                .as_str()
                .unwrap()
                .replacen(&size.to_string(), "99", 1);
            f["checkpoint"] = Value::from(note);
        },
        &["checkpoint does not verify"],
    );
    try_with(
        &|f| f["proof"] = Value::from(vec!["AAAA"; 200]),
        &["hashes"],
    );
    try_with(&|f| f["extra"] = Value::from(1), &["not a proof file"]);
    fs::write(&tampered, "{").unwrap();
    assert_fails(&check(&tampered), &["not a proof file"]);

    // A receipt checked with another log's key.
    let other_key = ledger_tlog::NoteSigner::from_seed(ORIGIN, [3; 32])
        .unwrap()
        .verifier()
        .verifier_key();
    let out = audit(&[
        "check-proof",
        receipt.to_str().unwrap(),
        "--key",
        &other_key,
    ]);
    assert_fails(&out, &["checkpoint does not verify"]);
}

#[test]
fn an_index_outside_the_log_is_refused() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    let out = prove(&dir, size, &dir.path().join("never.json"));
    assert_fails(&out, &[&format!("index {size} is not in the log")]);
    assert!(!dir.path().join("never.json").exists());
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A ledger of more than 256 records: two entry bundles, a level-1 hash tile, and
/// proofs whose path reaches above the first tile.
fn big_ledger() -> Ledger {
    let mut ledger = Ledger::registered(&LIBRARIES);
    for i in 0..140 {
        ledger.library(
            &format!("lib-{i:03}"),
            &format!("{:05}", 10_000 + i),
            1_000 + i as i128,
        );
    }
    ledger.open_round();
    ledger.vote("lib-antwerpen", Choice::No);
    ledger.vote("lib-000", Choice::Yes);
    ledger.submit(
        "secretariaat",
        Command::UpdateLibrary {
            library: LibraryId::new("lib-gent"),
            name: None,
            municipalities: Some(vec![NisCode("44021".into()), NisCode("44084".into())]),
            inhabitants: Some(300_000),
        },
    );
    ledger
}

#[test]
fn a_log_of_several_tiles_verifies_and_proves() {
    let ledger = big_ledger();
    let size = ledger.entries.len();
    assert!(size > 256 && size < 512, "{size}");
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    let key = vkey();
    let out = assert_ok(&audit(&[
        "verify",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--key",
        &key,
    ]));
    // Level 0: one full and one partial tile; level 1: one partial tile of width 1.
    assert!(
        out.contains("hash tiles: 3 equal to the rebuilt tree, 0 not served"),
        "{out}"
    );
    assert!(out.contains("in 2 entry bundles"), "{out}");
    // The round is still open: pending, counted live, the later update does not count.
    assert!(
        out.contains("round r-2023-05: open, pending; yes 1 / 1000, no 1 / 529247"),
        "{out}"
    );

    for index in [3, 255, 256, size - 1] {
        let receipt = dir.path().join(format!("r-{index}.json"));
        assert_ok(&prove(&dir, index, &receipt));
        let out = assert_ok(&check(&receipt));
        assert!(out.contains(&format!("position: {index}")), "{out}");
    }
}

#[test]
fn a_full_tile_may_stand_in_for_a_partial_one() {
    // A mirror that already published the full tile of a larger log may have deleted
    // the partial tile a smaller checkpoint names; the spec lets readers use the full
    // one, and its first entries are the same.
    let ledger = big_ledger();
    let dir = TempDir::new().unwrap();
    write_tiles(dir.path(), &ledger.entries, ledger.entries.len());
    write_checkpoint(dir.path(), &checkpoint(&ledger.entries, 200), &signer());
    let key = vkey();
    let out = assert_ok(&audit(&[
        "verify",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--key",
        &key,
    ]));
    assert!(out.contains("checkpoint: size 200"), "{out}");
    let receipt = dir.path().join("r.json");
    assert_ok(&prove(&dir, 150, &receipt));
    assert_ok(&check(&receipt));
}

#[test]
fn proving_needs_the_hash_tiles_of_a_directory() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    fs::remove_dir_all(dir.path().join("tile/0")).unwrap();
    let out = prove(&dir, 3, &dir.path().join("r.json"));
    assert_fails(&out, &["does not serve hash tile"]);
}
