//! What one crash loop run does: how many cycles, how many writers, which binary, where.
//!
//! Only plain data lives here; the loop reads it and never changes it.

use std::path::PathBuf;
use std::time::Duration;

/// The parameters of a run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Kill-and-restart cycles.
    pub cycles: u64,
    /// Seeds the kill delays and what the writers send, so a failing run can be repeated
    /// (the exact interleaving with the server still depends on timing).
    pub seed: u64,
    /// Concurrent HTTP writers.
    pub writers: usize,
    /// The `ledger` binary to run as `ledger serve`.
    pub ledger_bin: PathBuf,
    /// Where the data directory and the logs go; a new temporary directory when `None`.
    pub dir: Option<PathBuf>,
    /// Keep the temporary directory after the run.
    pub keep: bool,
    /// The kill comes at a seeded moment in this range after the server is listening.
    pub kill_after_min: Duration,
    /// The end of that range (exclusive).
    pub kill_after_max: Duration,
    /// Libraries in the electorate, each with its own token.
    pub libraries: usize,
    /// How long a restarted server may take to say it listens.
    pub start_timeout: Duration,
}

impl Config {
    /// The defaults for `cycles` cycles against `ledger_bin`: seed 1, 4 writers, kills
    /// 50 to 1,500 ms after the start, 24 libraries.
    pub fn new(cycles: u64, ledger_bin: PathBuf) -> Config {
        Config {
            cycles,
            seed: 1,
            writers: 4,
            ledger_bin,
            dir: None,
            keep: false,
            kill_after_min: Duration::from_millis(50),
            kill_after_max: Duration::from_millis(1500),
            libraries: 24,
            start_timeout: Duration::from_secs(300),
        }
    }
}
