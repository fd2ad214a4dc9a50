//! What a mirror's follower tells its HTTP API: how far behind the primary it is, shown
//! at `/healthz` ([`MirrorHealth`]), and that writes belong to the primary.
//!
//! The follower (`ledger mirror`, in the CLI) reports each poll here; the API only reads.
//! This module must never make a request to the primary nor decide anything about the
//! log: the store's importer checks every record, and this is only the lag.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use ledger_store::Ledger;
use serde::Serialize;
use utoipa::ToSchema;

/// The follower's latest report, shared with the API's handlers.
#[derive(Debug, Default)]
pub struct FollowStatus {
    state: Mutex<FollowState>,
}

/// One report of the follower.
#[derive(Clone, Debug, Default)]
struct FollowState {
    /// The size of the primary's latest checkpoint the follower verified.
    primary_size: u64,
    /// When the last poll that ended holding everything the primary showed began:
    /// everything the primary acknowledged before it is here.
    caught_up_at: Option<SystemTime>,
    /// Why the follower stopped for good (a fork), if it did.
    stopped: Option<String>,
    /// The last poll's failure, if it failed (the primary unreachable, say).
    last_error: Option<String>,
}

impl FollowStatus {
    /// A poll that began at `began` verified the primary's checkpoint of `primary_size`
    /// and, when `caught_up`, ended holding all of it.
    pub fn polled(&self, began: SystemTime, primary_size: u64, caught_up: bool) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.primary_size = state.primary_size.max(primary_size);
        if caught_up {
            state.caught_up_at = Some(began);
        }
        state.last_error = None;
    }

    /// A poll failed; the follower tries again.
    pub fn failed(&self, error: &str) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.last_error = Some(error.to_owned());
    }

    /// The follower stopped for good (it found a fork) and serves what it verified.
    pub fn stopped(&self, reason: &str) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.stopped = Some(reason.to_owned());
    }

    /// The lag of `ledger` (the mirror) at `now`.
    pub fn health(&self, ledger: &Ledger, now: SystemTime) -> MirrorHealth {
        let state = self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let head = ledger.head().length;
        MirrorHealth {
            primary: ledger.mirror_of().unwrap_or_default().to_owned(),
            following: state.stopped.is_none(),
            records_behind: state.primary_size.saturating_sub(head),
            seconds_behind: state
                .caught_up_at
                .map(|at| now.duration_since(at).unwrap_or(Duration::ZERO).as_secs()),
            verified_size: ledger.tree_size(),
            verified_checkpoint: ledger.checkpoint(),
            stopped: state.stopped,
            last_error: state.last_error,
        }
    }
}

/// A mirror's lag behind its primary, at `/healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorHealth {
    /// The primary's URL: writes go there.
    pub primary: String,
    /// False once the mirror stopped following (it found a fork; see `stopped`).
    pub following: bool,
    /// Records in the primary's latest verified checkpoint that the mirror does not hold.
    pub records_behind: u64,
    /// Seconds since the start of the last poll after which the mirror held everything
    /// the primary showed: what the primary acknowledged since may not be here yet (the
    /// recovery point). Null before the first complete poll.
    pub seconds_behind: Option<u64>,
    /// The size of the checkpoint the mirror's records were verified against.
    pub verified_size: u64,
    /// That checkpoint, signed by the primary (C2SP signed note).
    pub verified_checkpoint: String,
    /// Why following stopped, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The last poll's failure, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}
