//! The CI half of the fuzzing (see `fuzz/README.md`) for this crate: proof verification
//! with arbitrary sizes, indices and hashes (the parsers' arbitrary-input proptests live
//! beside their own tests in `note.rs`, `checkpoint.rs` and `tiles.rs`), and a replay of
//! every file of the committed `checkpoint_note` and `proof_verify` corpora.
//!
//! Properties, as in the fuzz targets: nothing panics or overflows on any numbers; a
//! parser accepts only its canonical spelling; a note opens only with a valid signature
//! of the trusted key. This file must never relax a property to let an input pass.

// The one loader of the committed corpus, which fails on a missing or empty folder.
#[path = "../../../fuzz/replay/corpus.rs"]
mod corpus;

use corpus::{corpus, corpus_where};
use ledger_tlog::{
    decode_entry_bundle, encode_entry_bundle, open, parse_tile_path, verify_consistency,
    verify_inclusion, Checkpoint, Hash, NoteSigner, SignedCheckpoint, TlogError,
};
use proptest::prelude::*;

/// The fuzz targets' trusted key: named after the demo origin, seed all sevens.
const ORIGIN: &str = "demo.ledger.local/bibliotheken";

fn signer() -> NoteSigner {
    NoteSigner::from_seed(ORIGIN, [7; 32]).unwrap()
}

/// The `checkpoint_note` properties for one input.
fn check_note_input(data: &[u8], signer: &NoteSigner) {
    if let Ok(entries) = decode_entry_bundle(data) {
        assert_eq!(encode_entry_bundle(&entries).as_deref(), Ok(data));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = [signer.verifier()];
    if let Ok(opened) = open(text, &trusted) {
        assert_eq!(opened.verified_by, [ORIGIN]);
        assert!(text.starts_with(&opened.text));
    }
    if let Ok(signed) = SignedCheckpoint::open(text, ORIGIN, &trusted) {
        assert_eq!(signed.checkpoint.origin, ORIGIN);
    }
    if let Ok(checkpoint) = Checkpoint::parse(text) {
        assert_eq!(checkpoint.to_body(), text, "checkpoints have one spelling");
    }
    if let Ok(tile) = parse_tile_path(text) {
        assert_eq!(tile.path(), text, "tile paths have one spelling");
    }
}

/// Numbers and hashes read from raw bytes: three little-endian u64s, then 32-byte
/// hashes (leaf, root, old root, proof...). Not the fuzz target's own decoding, but the
/// same verifiers on the same bytes.
fn check_claim_bytes(data: &[u8]) {
    let word = |i: usize| {
        let mut buf = [0u8; 8];
        for (b, d) in buf.iter_mut().zip(data.iter().skip(i * 8)) {
            *b = *d;
        }
        u64::from_le_bytes(buf)
    };
    let (index, size, old) = (word(0), word(1), word(2));
    let hashes: Vec<Hash> = data
        .get(24..)
        .unwrap_or_default()
        .chunks_exact(32)
        .map(|c| Hash(c.try_into().unwrap()))
        .collect();
    check_claim(index, size, old, &hashes);
}

fn check_claim(index: u64, size: u64, old: u64, hashes: &[Hash]) {
    let (leaf, root, old_root) = (
        hashes.first().copied().unwrap_or(Hash([0; 32])),
        hashes.get(1).copied().unwrap_or(Hash([1; 32])),
        hashes.get(2).copied().unwrap_or(Hash([2; 32])),
    );
    let proof = hashes.get(3..).unwrap_or_default();
    let inclusion = verify_inclusion(&leaf, index, size, proof, &root);
    if index >= size {
        assert_eq!(inclusion, Err(TlogError::IndexOutOfRange { index, size }));
    }
    if size == 1 && index == 0 && proof.is_empty() {
        assert_eq!(inclusion.is_ok(), leaf == root);
    }
    let consistency = verify_consistency(old, size, &old_root, &root, proof);
    if old > size {
        assert_eq!(
            consistency,
            Err(TlogError::SizeOutOfOrder { old, new: size })
        );
    }
    let _ = verify_consistency(size, old, &root, &old_root, proof);
}

/// Sizes and indices near the edges of u64 as well as small ones.
fn number() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..70,
        any::<u64>(),
        (0u64..70).prop_map(|d| u64::MAX - d),
        (0u32..64).prop_map(|b| 1u64 << b),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn verifiers_survive_any_numbers_and_hashes(
        index in number(),
        size in number(),
        old in number(),
        hashes in proptest::collection::vec(any::<[u8; 32]>().prop_map(Hash), 0..70),
    ) {
        check_claim(index, size, old, &hashes);
    }
}

#[test]
fn the_note_corpus_replays_cleanly() {
    let signer = signer();
    for (path, bytes) in corpus("checkpoint_note") {
        let outcome = std::panic::catch_unwind(|| check_note_input(&bytes, &signer));
        assert!(outcome.is_ok(), "corpus file {} fails", path.display());
    }
}

#[test]
fn the_proof_corpus_replays_cleanly() {
    // Receipts (JSON) are replayed by ledger-audit's own test.
    for (path, bytes) in corpus_where("proof_verify", |bytes| bytes.first() != Some(&b'{')) {
        let outcome = std::panic::catch_unwind(|| check_claim_bytes(&bytes));
        assert!(outcome.is_ok(), "corpus file {} fails", path.display());
    }
}

#[test]
fn a_checkpoint_signed_with_the_fuzz_key_passes_the_properties() {
    // The seed shape of the corpus: if this fails, the properties are wrong.
    let checkpoint = Checkpoint {
        origin: ORIGIN.to_owned(),
        size: 3,
        root: Hash([9; 32]),
        extensions: Vec::new(),
    };
    let note = SignedCheckpoint::sign(&checkpoint, &signer()).unwrap();
    check_note_input(note.as_bytes(), &signer());
    let opened = SignedCheckpoint::open(&note, ORIGIN, &[signer().verifier()]).unwrap();
    assert_eq!(opened.checkpoint, checkpoint);
}
