//! Fuzzes the command wire: JSON text into `Envelope`, then `decide` against four fixed
//! states of the demo cycle (empty, voting, closed, done).
//!
//! Properties: nothing panics; an envelope that parses survives a JSON round trip; every
//! accepted command yields events that seal into records of at most 64 KiB (or a typed
//! `TooLarge`), that `check_link` reads back to the same events, and that fold into the
//! state without panicking.
#![no_main]

use ledger_core::chain::{check_link, seal};
use ledger_core::record::RecordError;
use ledger_core::{decide, Envelope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(envelope) = serde_json::from_str::<Envelope>(text) else {
        return;
    };
    let again = serde_json::to_string(&envelope).expect("an envelope serialises");
    let back: Envelope = serde_json::from_str(&again)
        .unwrap_or_else(|e| panic!("re-serialised envelope {again} does not parse: {e}"));
    assert_eq!(back, envelope, "JSON round trip");

    for phase in &ledger_fuzz::demo().phases {
        let Ok(events) = decide(&phase.state, &envelope, phase.now) else {
            continue;
        };
        assert!(!events.is_empty(), "an accepted command yields events");
        let sealed = match seal(&phase.state, phase.head, &envelope, &events, phase.now) {
            Ok(sealed) => sealed,
            // Texts are bounded in characters so that records stay under 64 KiB; if a
            // command still does not fit, the typed refusal is the right answer.
            Err(RecordError::TooLarge { .. }) => continue,
            Err(other) => panic!("an accepted command does not seal: {other}"),
        };
        let mut state = phase.state.clone();
        let mut prev = phase.head.hash;
        for (position, (record, event)) in (phase.head.length..).zip(sealed.iter().zip(&events)) {
            let (linked, read) = check_link(position, prev, record.bytes.clone())
                .unwrap_or_else(|e| panic!("a sealed record does not read back: {e}"));
            assert_eq!(&read, event);
            prev = linked.hash;
            state.evolve(event);
        }
    }
});
