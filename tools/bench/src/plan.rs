//! How big each line of the benchmark is: the full run (the figures that are reported)
//! and `--quick` (a small version of every line, so that a test can run it).
//!
//! This module must never measure anything; it only fixes sizes and durations, so that
//! the full run stays under about ten minutes on the two-core reference machine.

use std::time::Duration;

/// Sizes and durations of one run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Plan {
    /// Whether this is the `--quick` version (targets are then not judged).
    pub quick: bool,
    /// How long each window of the fdatasync limit is measured (one before the write
    /// lines and one after each).
    #[serde(with = "seconds")]
    pub limit_window: Duration,
    /// How long each durable write line (ledger and SQLite) runs.
    #[serde(with = "seconds")]
    pub write_window: Duration,
    /// The writer counts of the concurrent lines.
    pub concurrent_writers: [usize; 2],
    /// Records in the ledger that is replayed.
    pub replay_records: u64,
    /// Threads that fill that ledger (without durability, which is not what is measured).
    pub fill_writers: usize,
    /// The longest the fill may take; the replay reads what was written by then.
    #[serde(with = "seconds")]
    pub fill_budget: Duration,
    /// The longest the projection rebuild may run before it is stopped and reported as
    /// unfinished (a fold that slows down as the log grows would otherwise stall the run).
    #[serde(with = "seconds")]
    pub rebuild_budget: Duration,
    /// Leaves of the Merkle tree the proofs are taken in.
    pub proof_tree: u64,
    /// Proofs generated and verified.
    pub proofs: u32,
    /// Connections of the read-API load generator.
    pub api_connections: usize,
    /// Warm-up before the read API is measured (not counted).
    #[serde(with = "seconds")]
    pub api_warmup: Duration,
    /// How long the read API is measured.
    #[serde(with = "seconds")]
    pub api_window: Duration,
    /// How long the framework baseline (`GET /healthz`) is measured.
    #[serde(with = "seconds")]
    pub api_baseline_window: Duration,
    /// Records in the ledger of the read-load lines (flood of past reads, 64 writers).
    pub flood_records: u64,
    /// How long each read-load line is measured.
    #[serde(with = "seconds")]
    pub flood_window: Duration,
}

impl Plan {
    /// The reported run.
    pub fn full() -> Plan {
        Plan {
            quick: false,
            limit_window: Duration::from_secs(2),
            write_window: Duration::from_secs(5),
            concurrent_writers: [8, 64],
            replay_records: 1_000_000,
            fill_writers: 16,
            fill_budget: Duration::from_secs(330),
            rebuild_budget: Duration::from_secs(90),
            proof_tree: 1_000_000,
            proofs: 20_000,
            api_connections: 64,
            api_warmup: Duration::from_secs(1),
            api_window: Duration::from_secs(10),
            api_baseline_window: Duration::from_secs(3),
            flood_records: 100_000,
            flood_window: Duration::from_secs(10),
        }
    }

    /// Every line, small: seconds in a release build, well under a minute in a debug one.
    pub fn quick() -> Plan {
        Plan {
            quick: true,
            limit_window: Duration::from_millis(150),
            write_window: Duration::from_millis(300),
            concurrent_writers: [8, 64],
            replay_records: 3_000,
            fill_writers: 8,
            fill_budget: Duration::from_secs(60),
            rebuild_budget: Duration::from_secs(30),
            proof_tree: 4_096,
            proofs: 200,
            api_connections: 64,
            api_warmup: Duration::from_millis(100),
            api_window: Duration::from_millis(700),
            api_baseline_window: Duration::from_millis(300),
            flood_records: 3_000,
            flood_window: Duration::from_millis(700),
        }
    }
}

mod seconds {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}
