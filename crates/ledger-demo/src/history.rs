//! The demo's whole history in the order it happened, written once for every caller:
//! the setup, the May 2023 votes, the close, the members' names, the steering group's
//! confirmation of the result, newsletter nr. 1, the advice, criteria, project sheets, the government's
//! decision, scores and priorities, newsletter nr. 2, and last the try-out round.
//!
//! A [`Recorder`] records each step at the step's own instant (the `ledger demo` command
//! through the store with a historical clock, tests purely with [`crate::PureReplay`]), so
//! both get the same log. This module must never record anything itself, read a clock or
//! choose an instant: the try-out's instant is the caller's.

use ledger_core::{State, Timestamp};

use crate::replay::{PureReplay, ReplayError};
use crate::scenario::{Scenario, Step};
use crate::DemoError;

/// The instant tests and golden files record the try-out round at (1 December 2025,
/// 09:00 UTC), so their log is the same on every run; `ledger demo` uses the real clock.
pub const FIXED_TRIAL_AT: Timestamp = Timestamp::from_micros(1_764_579_600_000_000);

/// Something that records steps in order, each at its `at`, and tells the state reached.
pub trait Recorder {
    /// Why a step could not be recorded.
    type Error: From<DemoError>;
    /// Records one step at `step.at`.
    fn record(&mut self, step: &Step) -> Result<(), Self::Error>;
    /// The decision state after every step recorded so far.
    fn state(&self) -> State;
}

impl Recorder for PureReplay {
    type Error = HistoryError;

    fn record(&mut self, step: &Step) -> Result<(), HistoryError> {
        PureReplay::record(self, step).map_err(HistoryError::Replay)
    }

    fn state(&self) -> State {
        self.state.clone()
    }
}

/// Why the pure replay of the history stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// A step was refused or could not be sealed.
    #[error("{0}")]
    Replay(ReplayError),
    /// The scenario could not build its next steps.
    #[error("{0}")]
    Demo(#[from] DemoError),
}

/// Records the whole history on `recorder`, the try-out round at `trial_at` (which must
/// not lie before 13 December 2023, the last step of the cycle).
pub fn record_history<R: Recorder>(
    scenario: &Scenario,
    recorder: &mut R,
    trial_at: Timestamp,
) -> Result<(), R::Error> {
    for step in scenario
        .setup()
        .iter()
        .chain(&scenario.votes())
        .chain([&scenario.close()])
    {
        recorder.record(step)?;
    }
    let after = scenario.after_close(&recorder.state())?;
    // The first newsletter follows the confirmation of the result.
    let confirmed = after
        .iter()
        .take_while(|s| {
            matches!(
                s.envelope.command,
                ledger_core::Command::SignCertification { .. }
            )
        })
        .count();
    let (certification, rest) = after.split_at(confirmed);
    for step in scenario.names().iter().chain(certification) {
        recorder.record(step)?;
    }
    newsletter(scenario, recorder, 1)?;
    for step in rest {
        recorder.record(step)?;
    }
    newsletter(scenario, recorder, 2)?;
    for step in scenario.trial(trial_at) {
        recorder.record(&step)?;
    }
    Ok(())
}

fn newsletter<R: Recorder>(
    scenario: &Scenario,
    recorder: &mut R,
    issue: u32,
) -> Result<(), R::Error> {
    match scenario.newsletter(&recorder.state(), issue) {
        Some(envelope) => recorder.record(&Step {
            at: scenario.newsletter_at(issue),
            envelope,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledger_core::RoundId;

    #[test]
    fn the_history_replays_with_two_newsletters_and_a_trial_round_last() {
        let scenario = Scenario::may_2023();
        let mut replay = PureReplay::new();
        let trial_at = Timestamp::from_micros(1_764_547_200_000_000); // 2025-12-01
        record_history(&scenario, &mut replay, trial_at).unwrap();
        assert_eq!(replay.state.newsletters.len(), 2);
        let opened: Vec<(String, bool)> = replay
            .log
            .iter()
            .filter_map(|(_, event)| match event {
                ledger_core::Event::RoundOpened(e) => Some((e.round.to_string(), e.trial)),
                _ => None,
            })
            .collect();
        assert_eq!(
            opened,
            [
                (scenario.round().to_string(), false),
                (RoundId::new(crate::scenario::TRIAL_ROUND).to_string(), true)
            ]
        );
        let times: Vec<Timestamp> = replay
            .log
            .iter()
            .map(|(s, _)| s.record.recorded_at)
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "time never goes back"
        );
        assert_eq!(*times.last().unwrap(), trial_at);
    }

    #[test]
    fn each_step_falls_on_the_seed_calendar() {
        let scenario = Scenario::may_2023();
        let mut replay = PureReplay::new();
        record_history(
            &scenario,
            &mut replay,
            Timestamp::from_micros(1_764_547_200_000_000),
        )
        .unwrap();
        let day_of = |event_type: &str| -> String {
            let (sealed, _) = replay
                .log
                .iter()
                .find(|(s, _)| s.record.event_type == event_type)
                .unwrap_or_else(|| panic!("no {event_type}"));
            sealed.record.recorded_at.to_rfc3339()[..10].to_owned()
        };
        assert_eq!(day_of("vote_cast")[..7], *"2023-05");
        assert_eq!(day_of("result_certified"), "2023-06-22");
        assert_eq!(day_of("newsletter_issued"), "2023-06-23");
        assert_eq!(day_of("criteria_set"), "2023-09-19");
        assert_eq!(day_of("government_decision_recorded"), "2023-11-15");
        assert_eq!(day_of("priorities_decided"), "2023-12-13");
    }
}
