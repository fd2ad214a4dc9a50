//! Fuzzes what a witness or auditor reads from a log: signed notes (`note::open`,
//! `SignedCheckpoint::open`, the auditor's `checkpoint::open` and `read_unverified`),
//! checkpoint bodies (`Checkpoint::parse`), tile paths (`parse_tile_path`) and entry
//! bundles (`decode_entry_bundle`), on arbitrary input.
//!
//! Properties: nothing panics; every parser accepts only its canonical spelling (what
//! parses prints back to the same text or bytes); a note opens only with the fixed key's
//! valid signature, and whatever the fixed key signs opens to the same text.
#![no_main]

use ledger_fuzz::{signer, verifier, DEMO_ORIGIN};
use ledger_tlog::{
    decode_entry_bundle, encode_entry_bundle, open, parse_tile_path, Checkpoint, NoteSigner,
    NoteVerifier, SignedCheckpoint,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = decode_entry_bundle(data) {
        assert_eq!(encode_entry_bundle(&entries).as_deref(), Ok(data));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = std::slice::from_ref(verifier());

    if let Ok(opened) = open(text, trusted) {
        assert_eq!(opened.verified_by, [DEMO_ORIGIN]);
        assert!(text.starts_with(&opened.text));
    }
    if let Ok(signed) = SignedCheckpoint::open(text, DEMO_ORIGIN, trusted) {
        assert_eq!(signed.checkpoint.origin, DEMO_ORIGIN);
    }
    let audited = ledger_audit::checkpoint::open(text, verifier());
    let unverified = ledger_audit::checkpoint::read_unverified(text);
    if let Ok(checkpoint) = &audited {
        assert_eq!(unverified.as_ref().ok(), Some(checkpoint));
    }

    match Checkpoint::parse(text) {
        Ok(checkpoint) => {
            assert_eq!(checkpoint.to_body(), text, "checkpoints have one spelling");
            // Any checkpoint whose origin is a valid key name signs and opens back to
            // itself under a key of that name.
            if let Ok(own) = NoteSigner::from_seed(&checkpoint.origin, [7; 32]) {
                if let Ok(note) = SignedCheckpoint::sign(&checkpoint, &own) {
                    let opened =
                        SignedCheckpoint::open(&note, &checkpoint.origin, &[own.verifier()])
                            .expect("a freshly signed checkpoint opens");
                    assert_eq!(opened.checkpoint, checkpoint);
                }
            }
        }
        Err(_) => {
            // Whatever the key signs must open to exactly that text, or be refused
            // before signing.
            if let Ok(note) = signer().sign(text) {
                let opened = open(&note, trusted).expect("a fresh signature opens");
                assert_eq!(opened.text, text);
            }
        }
    }

    if let Ok(tile) = parse_tile_path(text) {
        assert_eq!(tile.path(), text, "tile paths have one spelling");
    }
    let _ = NoteVerifier::parse(text);
    let _ = NoteSigner::parse(text);
});
