//! The demo's history (the May 2023 cycle, its newsletters and the try-out round)
//! replayed into a real sled ledger on a fixed clock, for tests of the read side. Each
//! step is recorded at the instant the scenario suggests, so the log is the same on every
//! run, and equal to the one `ledger-report`'s golden files are rendered from.

// Each test binary uses its own part of the fixture.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use ledger_core::{Command, Timestamp};
use ledger_demo::{Scenario, Step};
use ledger_store::{Durability, Ledger, LedgerOptions};

/// A ledger holding the whole demo cycle, and the directory that keeps it alive.
pub struct DemoLedger {
    pub ledger: Ledger,
    /// Deleted when the test drops it; held only for that.
    _dir: tempfile::TempDir,
}

/// Replays the demo; `Durability::None` keeps the test fast (durability has its own tests).
pub fn demo_ledger() -> DemoLedger {
    let dir = tempfile::tempdir().expect("temp dir");
    let ledger = demo_ledger_in(dir.path(), ledger_demo::scenario::ORIGIN);
    DemoLedger { ledger, _dir: dir }
}

/// Records each step through the store on the step's own instant.
struct FixtureRecorder<'a> {
    ledger: &'a Ledger,
    now: &'a Arc<Mutex<Timestamp>>,
    origin: &'a str,
}

impl ledger_demo::Recorder for FixtureRecorder<'_> {
    type Error = ledger_demo::HistoryError;

    fn record(&mut self, step: &Step) -> Result<(), ledger_demo::HistoryError> {
        if matches!(step.envelope.command, Command::InitializeLedger { .. }) {
            return Ok(());
        }
        *self.now.lock().expect("clock") = step.at;
        // Signatures name the ledger's origin: sign again for this one.
        self.ledger
            .append(ledger_demo::keys::resigned(self.origin, &step.envelope))
            .unwrap_or_else(|e| panic!("{}: {e:?}", step.envelope.command_id));
        Ok(())
    }

    fn state(&self) -> ledger_core::State {
        (*self.ledger.state()).clone()
    }
}

/// Replays the demo's whole history (the try-out round at `FIXED_TRIAL_AT`) into a new ledger in `dir` whose log names `origin` (another origin
/// gives another log: every record hash differs).
pub fn demo_ledger_in(dir: &std::path::Path, origin: &str) -> Ledger {
    let scenario = Scenario::may_2023();
    let now = Arc::new(Mutex::new(scenario.opens_at()));
    let clock_now = Arc::clone(&now);
    let options = LedgerOptions {
        clock: Arc::new(move || *clock_now.lock().expect("clock")),
        durability: Durability::None,
    };
    let setup = scenario.setup();
    *now.lock().expect("clock") = setup[0].at;
    let ledger = Ledger::init(
        dir,
        origin,
        ledger_core::ActorId::new(ledger_demo::scenario::SECRETARIAT),
        options,
    )
    .expect("init");
    let mut recorder = FixtureRecorder {
        ledger: &ledger,
        now: &now,
        origin,
    };
    ledger_demo::record_history(&scenario, &mut recorder, ledger_demo::FIXED_TRIAL_AT)
        .unwrap_or_else(|e| panic!("the demo history: {e}"));
    ledger
}
