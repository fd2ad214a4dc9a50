//! The CI half of the fuzzing (see `fuzz/README.md`): the same inputs the `record_decode`
//! and `command_json` fuzz targets take, driven by proptest for a few seconds, plus a
//! replay of every file of their committed corpora.
//!
//! Stored bytes and command JSON come from outside (a copied log, an HTTP body), so the
//! properties are the fuzz targets' own: nothing panics; a record that decodes is the
//! canonical encoding of what it decoded to; a command that parses survives a JSON round
//! trip; and whatever `decide` accepts seals into records that read back to the same
//! events. This file must never weaken a property to make an input pass: a failure here
//! is a finding, to be kept as a regression case below.

// The one loader of the committed corpus, which fails on a missing or empty folder.
#[path = "../../../fuzz/replay/corpus.rs"]
mod corpus;

mod common;

use std::sync::OnceLock;

use common::Ledger;
use corpus::{corpus, corpus_where};
use ledger_core::chain::{check_link, seal, Head, LinkError, Sealed};
use ledger_core::record::{Record, RecordError};
use ledger_core::{decide, Envelope, State, Timestamp};
use ledger_demo::Scenario;
use proptest::prelude::*;

/// A moment of the demo cycle to judge commands against.
struct Phase {
    state: State,
    head: Head,
    now: Timestamp,
}

/// The demo cycle replayed once: four phases, every record and every envelope.
struct Demo {
    phases: Vec<Phase>,
    records: Vec<Sealed>,
    envelopes: Vec<Envelope>,
}

fn phase(ledger: &Ledger, now: Timestamp) -> Phase {
    Phase {
        state: ledger.state.clone(),
        head: ledger.head,
        now,
    }
}

/// Empty, voting (half the ballots in), closed, and done: the phases the `command_json`
/// fuzz target uses.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let scenario = Scenario::may_2023();
        let mut ledger = Ledger::new();
        let mut envelopes = Vec::new();
        let mut phases = vec![phase(&ledger, scenario.opens_at())];
        let setup = scenario.setup();
        let votes = scenario.votes();
        let half = votes.len() / 2;
        ledger.replay(&setup);
        ledger.replay(&votes[..half]);
        phases.push(phase(&ledger, votes[half].at));
        ledger.replay(&votes[half..]);
        let close = scenario.close();
        ledger.accept(&close.envelope, close.at);
        phases.push(phase(&ledger, scenario.closes_at().plus_seconds(86_400)));
        let after = scenario.after_close(&ledger.state).unwrap();
        ledger.replay(&after);
        let last = after.last().unwrap().at;
        phases.push(phase(&ledger, last.plus_seconds(86_400)));
        for step in setup.iter().chain(&votes).chain([&close]).chain(&after) {
            envelopes.push(step.envelope.clone());
        }
        Demo {
            phases,
            records: ledger.records,
            envelopes,
        }
    })
}

/// The `record_decode` properties for one input.
fn check_record_bytes(data: &[u8]) {
    let Ok(record) = Record::decode(data) else {
        assert!(Sealed::from_bytes(data.to_vec()).is_err());
        return;
    };
    assert_eq!(
        record.encode().as_deref(),
        Ok(data),
        "decode/encode round trip"
    );
    let sealed = Sealed::from_bytes(data.to_vec()).unwrap();
    let body = record.event();
    match check_link(record.position.0, record.prev_hash, data.to_vec()) {
        Ok((linked, event)) => {
            assert_eq!(linked.hash, sealed.hash);
            assert_eq!(Ok(&event), body.as_ref());
            let mut state = demo().phases[2].state.clone();
            state.evolve(&event);
        }
        Err(LinkError::BadBody(_)) => assert!(body.is_err()),
        Err(other) => panic!("unexpected link error {other:?}"),
    }
    assert!(matches!(
        check_link(
            record.position.0.wrapping_add(1),
            record.prev_hash,
            data.to_vec()
        ),
        Err(LinkError::WrongPosition { .. })
    ));
}

/// The `command_json` properties for one input.
fn check_command_text(text: &str) {
    let Ok(envelope) = serde_json::from_str::<Envelope>(text) else {
        return;
    };
    let again = serde_json::to_string(&envelope).unwrap();
    let back: Envelope = serde_json::from_str(&again)
        .unwrap_or_else(|e| panic!("re-serialised envelope {again} does not parse: {e}"));
    assert_eq!(back, envelope, "JSON round trip");
    for phase in &demo().phases {
        let Ok(events) = decide(&phase.state, &envelope, phase.now) else {
            continue;
        };
        assert!(!events.is_empty());
        let sealed = match seal(&phase.state, phase.head, &envelope, &events, phase.now) {
            Ok(sealed) => sealed,
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
}

/// `bytes` with up to a few byte edits: overwrite, insert, delete or truncate.
fn mutated(bytes: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for &(at, kind, value) in edits {
        let at = if out.is_empty() { 0 } else { at % out.len() };
        match kind % 4 {
            0 if !out.is_empty() => out[at] = value,
            1 => out.insert(at, value),
            2 if !out.is_empty() => {
                out.remove(at);
            }
            3 => out.truncate(at),
            _ => out.push(value),
        }
    }
    out
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)
}

/// Replaces the `pick`-th leaf (string, number, bool or null) of `value` with `by`.
fn replace_leaf(value: &mut serde_json::Value, pick: &mut usize, by: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(fields) => fields.values_mut().any(|v| replace_leaf(v, pick, by)),
        serde_json::Value::Array(items) => items.iter_mut().any(|v| replace_leaf(v, pick, by)),
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

fn count_leaves(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Object(fields) => fields.values().map(count_leaves).sum(),
        serde_json::Value::Array(items) => items.iter().map(count_leaves).sum(),
        _ => 1,
    }
}

/// JSON values a hostile client might put where another was expected.
fn hostile_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        Just(serde_json::json!(
            170141183460469231731687303715884105727_i128.to_string()
        )),
        "\\PC{0,40}".prop_map(serde_json::Value::from),
        "[a-z0-9-]{0,12}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("x".repeat(20_000))),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_the_record_reader(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_record_bytes(&data);
    }

    #[test]
    fn damaged_real_records_never_panic_the_record_reader(pick in any::<usize>(), edits in edits()) {
        let records = &demo().records;
        let record = &records[pick % records.len()];
        check_record_bytes(&mutated(&record.bytes, &edits));
    }

    #[test]
    fn arbitrary_text_never_panics_the_command_parser(text in "[{}\\[\\]\":,a-z_0-9 .-]{0,120}") {
        check_command_text(&text);
    }

    #[test]
    fn damaged_real_commands_are_parsed_and_judged_without_panic(
        pick in any::<usize>(),
        leaf in any::<usize>(),
        by in hostile_value(),
        edits in edits(),
        byte_level in any::<bool>(),
    ) {
        let envelopes = &demo().envelopes;
        let envelope = &envelopes[pick % envelopes.len()];
        let text = if byte_level {
            let json = serde_json::to_vec(envelope).unwrap();
            String::from_utf8_lossy(&mutated(&json, &edits)).into_owned()
        } else {
            let mut value = serde_json::to_value(envelope).unwrap();
            let mut pick_leaf = leaf % count_leaves(&value).max(1);
            replace_leaf(&mut value, &mut pick_leaf, &by);
            value.to_string()
        };
        check_command_text(&text);
    }
}

#[test]
fn the_record_corpus_replays_cleanly() {
    for (path, bytes) in corpus("record_decode") {
        let outcome = std::panic::catch_unwind(|| check_record_bytes(&bytes));
        assert!(outcome.is_ok(), "corpus file {} fails", path.display());
    }
}

#[test]
fn the_command_corpus_replays_cleanly() {
    for (path, bytes) in corpus_where("command_json", |bytes| std::str::from_utf8(bytes).is_ok()) {
        let text = String::from_utf8_lossy(&bytes);
        let outcome = std::panic::catch_unwind(|| check_command_text(&text));
        assert!(outcome.is_ok(), "corpus file {} fails", path.display());
    }
}

#[test]
fn every_demo_record_and_command_passes_the_fuzz_properties() {
    // The seeds the corpora grew from: if these fail, the properties are wrong, not the
    // inputs.
    for record in &demo().records {
        check_record_bytes(&record.bytes);
    }
    for envelope in demo().envelopes.iter().step_by(7) {
        check_command_text(&serde_json::to_string(envelope).unwrap());
    }
}
