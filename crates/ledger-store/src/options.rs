//! How a ledger is opened: the clock that stamps `recorded_at` and how hard appends are
//! pushed to disk.
//!
//! The clock is injected so tests (and replays of scenarios) can pin time; production
//! uses [`system_clock`]. This module must never make weakened durability the default.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ledger_core::Timestamp;

/// A source of "now" for `recorded_at` (and so for every time rule in `decide`).
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// How far an append is pushed before it is acknowledged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// `db.flush()`, then `fsync` of sled's files and of the directory: an acknowledged
    /// append survives a crash or power loss.
    #[default]
    Fsync,
    /// No flush at all; sled writes in the background. Only for benchmarks that say so:
    /// acknowledged appends can be lost.
    None,
}

/// Options for [`crate::Ledger::init`] and [`crate::Ledger::open`].
#[derive(Clone)]
pub struct LedgerOptions {
    /// Read once per command; its value becomes the record's `recorded_at`.
    pub clock: Clock,
    /// See [`Durability`].
    pub durability: Durability,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(system_clock),
            durability: Durability::Fsync,
        }
    }
}

impl fmt::Debug for LedgerOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LedgerOptions")
            .field("clock", &"<fn>")
            .field("durability", &self.durability)
            .finish()
    }
}

/// The system clock in UTC, microseconds since the Unix epoch.
pub fn system_clock() -> Timestamp {
    let micros = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_micros()).unwrap_or(i64::MAX),
        // A clock set before 1970 is wrong, but its reading is still the honest answer.
        Err(before) => i64::try_from(before.duration().as_micros())
            .map(|m| -m)
            .unwrap_or(i64::MIN),
    };
    Timestamp::from_micros(micros)
}
