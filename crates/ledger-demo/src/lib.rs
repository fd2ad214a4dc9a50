//! The May 2023 decision cycle of the Flemish public libraries, as data: a synthetic
//! electorate of about three hundred libraries and the command envelopes of one full
//! cycle on the seed's calendar (setup, 190 votes in May 2023, close, the steering group's
//! confirmation in June, newsletters, advice through Cultuurconnect, criteria in
//! September, the government's decision in the autumn's management agreement, project
//! sheets and priorities), then a try-out round marked as a trial. The `ledger demo`
//! command and the tests replay it (`history::record_history`).
//!
//! Architecture Invariant: this crate is pure. It does no I/O, reads no clock, draws no
//! randomness (its variety comes from a fixed formula) and never reads `../shared`; the
//! caller decides when and where each envelope is submitted.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod ballots;
mod draw;
pub mod electorate;
pub mod history;
pub mod keys;
mod replay;
pub mod scenario;
pub mod texts;

pub use ballots::{Ballot, VOTERS, YES_PERCENT};
pub use electorate::{electorate, DemoLibrary, LIBRARY_COUNT};
pub use history::{record_history, HistoryError, Recorder, FIXED_TRIAL_AT};
pub use replay::{PureReplay, ReplayError};
pub use scenario::{decision_document_blake3, priority_ranking, Scenario, Step};

use ledger_core::RoundId;

/// Why the scenario cannot build the steps after the close from a given state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    /// The state holds no round with the scenario's id: the setup was not applied.
    #[error("round {round} is not in the ledger; apply the setup first")]
    UnknownRound {
        /// The scenario's round.
        round: RoundId,
    },
    /// The round is still open (or annulled), so there is no final tally to certify.
    #[error("round {round} is not closed; close it after its window first")]
    RoundNotClosed {
        /// The scenario's round.
        round: RoundId,
    },
    /// A date constant of the scenario does not parse (a defect of this crate).
    #[error("the scenario's date {text:?} does not parse")]
    InvalidDate {
        /// The constant.
        text: &'static str,
    },
}
