//! Fuzzes the stored record format: `Record::decode`, `Sealed::from_bytes`,
//! `chain::check_link` and the event body, on arbitrary bytes.
//!
//! Properties: nothing panics or allocates without bound (libFuzzer's malloc limit
//! catches that); a record that decodes re-encodes to the same bytes; `check_link` at
//! the record's own position and predecessor succeeds exactly when the body decodes;
//! an event that decodes can be folded into a real state.
#![no_main]

use ledger_core::chain::{check_link, LinkError, Sealed};
use ledger_core::record::Record;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(record) = Record::decode(data) else {
        assert!(Sealed::from_bytes(data.to_vec()).is_err());
        return;
    };
    // bincode with fixed-width integers leaves no choice of spelling, so whatever
    // decodes completely is the canonical encoding of what it decoded to.
    assert_eq!(
        record.encode().as_deref(),
        Ok(data),
        "decode/encode round trip"
    );
    let sealed = Sealed::from_bytes(data.to_vec()).expect("decoded above");
    assert_eq!(sealed.record, record);
    let body = record.event();
    match check_link(record.position.0, record.prev_hash, data.to_vec()) {
        Ok((linked, event)) => {
            assert_eq!(linked.hash, sealed.hash);
            assert_eq!(Ok(&event), body.as_ref());
            // An auditor folds whatever a log holds; a hostile event must not panic it.
            let mut state = ledger_fuzz::demo().phases[2].state.clone();
            state.evolve(&event);
        }
        Err(LinkError::BadBody(_)) => assert!(body.is_err()),
        Err(other) => panic!("unexpected link error {other:?}"),
    }
    let wrong = record.position.0.wrapping_add(1);
    assert!(matches!(
        check_link(wrong, record.prev_hash, data.to_vec()),
        Err(LinkError::WrongPosition { .. })
    ));
});
