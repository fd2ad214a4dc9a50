//! The governance ledger's pure core: the domain's commands and events, the decision
//! function, the fold that rebuilds state, exact tallies, and the stored record format.
//!
//! Architecture Invariant: this crate does no I/O, reads no clock and draws no
//! randomness. Callers pass in the time a command is recorded and do all storage;
//! `decide(state, envelope, now) -> Result<Vec<Event>, Rejection>` and
//! `State::evolve(event)` are the whole contract.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod amount;
pub mod chain;
pub mod command;
pub mod command_docs;
mod decide;
pub mod event;
pub mod ids;
pub mod record;
pub mod rejection;
pub mod role;
pub mod schema;
pub mod signature;
pub mod state;
pub mod tally;
pub mod time;

pub use chain::{check_link, seal, Head, LinkError, Sealed};
pub use command::{Command, CommandDigest, Envelope, SheetScore};
pub use decide::{
    decide, MAX_BALLOTS_PER_LIBRARY, MAX_LONG_TEXT, MAX_REMARK_CHARS, MAX_SHORT_TEXT,
    MAX_WINDOW_DAYS,
};
pub use event::{Event, SignedVotes};
pub use ids::*;
pub use record::{Record, RecordError, RecordHash};
pub use rejection::{Rejection, RejectionKind};
pub use role::{Role, RoleKind};
pub use state::State;
pub use tally::{Choice, Count, Outcome, PercentBase, Ratio, Rule, Tally};
pub use time::{Date, Timestamp};
