//! The demo cycle's log, decided and sealed purely (no store) on the scenario's own
//! instants, so it is the same on every run: shared by the tests that fold it. It must
//! never depend on the clock or the disk.

use ledger_core::{Event, Sealed};
use ledger_demo::{PureReplay, Scenario};

/// Every record of the May 2023 cycle with its event, from initialisation to the last
/// step after the close.
pub fn demo_log() -> Vec<(Sealed, Event)> {
    let scenario = Scenario::may_2023();
    let mut replay = PureReplay::new();
    let mut steps = scenario.setup();
    steps.extend(scenario.votes());
    steps.push(scenario.close());
    for step in &steps {
        replay.record(step).expect("the demo step is accepted");
    }
    for step in scenario.after_close(&replay.state).expect("after close") {
        replay.record(&step).expect("the demo step is accepted");
    }
    assert!(matches!(replay.log[0].1, Event::LedgerInitialized(_)));
    replay.log
}
