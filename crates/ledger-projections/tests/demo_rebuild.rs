//! After every event of the demo cycle, a read model rebuilt from position 0 equals the
//! one kept incrementally. The cycle is decided and sealed purely (no store), on the
//! scenario's own instants, so the log is the same on every run.

use ledger_core::{decide, seal, Command, Event, Head, Sealed, State};
use ledger_demo::{Scenario, Step};
use ledger_projections::ReadModel;

fn demo_log() -> Vec<(Sealed, Event)> {
    let scenario = Scenario::may_2023();
    let mut state = State::new();
    let mut head = Head::default();
    let mut log = Vec::new();
    let mut record = |step: &Step, state: &mut State, log: &mut Vec<(Sealed, Event)>| {
        let events = decide(state, &step.envelope, step.at)
            .unwrap_or_else(|r| panic!("{}: {r}", step.envelope.command_id));
        let sealed = seal(state, head, &step.envelope, &events, step.at).expect("seal");
        for (s, e) in sealed.into_iter().zip(events) {
            state.evolve(&e);
            head = Head {
                length: head.length + 1,
                hash: s.hash,
            };
            log.push((s, e));
        }
    };
    for step in scenario.setup() {
        record(&step, &mut state, &mut log);
    }
    for step in scenario.votes() {
        record(&step, &mut state, &mut log);
    }
    record(&scenario.close(), &mut state, &mut log);
    for step in scenario.after_close(&state).expect("after close") {
        record(&step, &mut state, &mut log);
    }
    assert!(matches!(log[0].1, Event::LedgerInitialized(_)));
    assert!(!matches!(
        scenario.setup()[1].envelope.command,
        Command::InitializeLedger { .. }
    ));
    log
}

#[test]
fn rebuilt_equals_incremental_after_every_event_of_the_demo() {
    let log = demo_log();
    assert!(log.len() > 800, "the whole cycle: {} records", log.len());
    let mut incremental = ReadModel::new();
    for (k, (sealed, event)) in log.iter().enumerate() {
        incremental.apply(sealed, event);
        let rebuilt = ReadModel::as_of(&log, k as u64 + 1);
        assert!(
            rebuilt == incremental,
            "the models differ after record {k} ({})",
            sealed.record.event_type
        );
    }
    let result = incremental
        .round_result(&ledger_core::RoundId::new("r-2023-05"))
        .expect("the demo round");
    assert_eq!(result.cast.libraries, 190);
    assert_eq!(
        result
            .yes_share_of_represented_inhabitants
            .expect("a share")
            .percent_rounded,
        "92"
    );
}
