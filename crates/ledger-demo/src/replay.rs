//! Replaying steps purely: decide, seal and evolve in memory, exactly as the store's
//! writer does, on each step's own instant.
//!
//! Tests and golden files use it to get the same log on every run without a disk. It must
//! never differ from the store's path: it calls the same `decide` and `chain::seal`.

use ledger_core::{decide, seal, Event, Head, RecordError, Rejection, Sealed, State};

use crate::scenario::Step;

/// A log built in memory, with the state and head it has reached.
#[derive(Clone, Debug, Default)]
pub struct PureReplay {
    /// The decision state after every recorded step.
    pub state: State,
    /// The head of the log.
    pub head: Head,
    /// Every record with its event, in position order.
    pub log: Vec<(Sealed, Event)>,
}

/// Why a step could not be recorded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The domain refused the step's command.
    #[error("{command}: {rejection}")]
    Rejected {
        /// The refused command's id.
        command: String,
        /// Why.
        rejection: Rejection,
    },
    /// A record could not be built (too large).
    #[error("{0}")]
    Record(#[from] RecordError),
}

impl PureReplay {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decides the step's command at its instant, seals the events after the head and
    /// applies them.
    pub fn record(&mut self, step: &Step) -> Result<(), ReplayError> {
        let events = decide(&self.state, &step.envelope, step.at).map_err(|rejection| {
            ReplayError::Rejected {
                command: step.envelope.command_id.to_string(),
                rejection,
            }
        })?;
        let sealed = seal(&self.state, self.head, &step.envelope, &events, step.at)?;
        for (record, event) in sealed.into_iter().zip(events) {
            self.state.evolve(&event);
            self.head = Head {
                length: self.head.length + 1,
                hash: record.hash,
            };
            self.log.push((record, event));
        }
        Ok(())
    }
}
