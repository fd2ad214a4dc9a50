//! The report of a load run: settings, counts, latency percentiles, throughput, the
//! check of acknowledged writes and the server's peak memory, as text and as JSON.
//!
//! This module only formats; it must never decide what to send.

use serde::Serialize;

use crate::check::Check;
use crate::traffic::{Counts, Outcome};

/// The settings of the run, echoed in the report.
#[derive(Debug, Serialize)]
pub struct Settings {
    /// The server's base URL.
    pub server: String,
    /// Concurrent connections.
    pub connections: usize,
    /// Seconds of traffic asked for.
    pub seconds: u64,
    /// The share of votes.
    pub write_share: f64,
    /// The round voted in.
    pub round: String,
}

/// Latency percentiles of one kind of request, in microseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    /// Requests measured.
    pub count: usize,
    /// Median.
    pub p50_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// Slowest.
    pub max_us: u64,
}

impl Latency {
    fn of(sorted: &[u64]) -> Latency {
        // Nearest-rank percentiles on integers: rank = ceil(p * n / 100).
        let at = |p: usize| {
            if sorted.is_empty() {
                return 0;
            }
            let rank = (p * sorted.len()).div_ceil(100).max(1);
            sorted[rank - 1]
        };
        Latency {
            count: sorted.len(),
            p50_us: at(50),
            p99_us: at(99),
            max_us: sorted.last().copied().unwrap_or(0),
        }
    }
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// What was asked.
    pub settings: Settings,
    /// The log's length when the load started.
    pub start_length: u64,
    /// Records the acknowledged votes appended (from their receipts).
    pub acknowledged_records: u64,
    /// Milliseconds the traffic ran.
    pub elapsed_ms: u64,
    /// Read counts.
    pub reads: Counts,
    /// Vote counts.
    pub writes: Counts,
    /// Requests per second, all kinds (integer).
    pub requests_per_second: u64,
    /// Acknowledged votes per second (integer).
    pub acknowledged_writes_per_second: u64,
    /// Read latency.
    pub read_latency: Latency,
    /// Vote latency.
    pub write_latency: Latency,
    /// Votes acknowledged by the server.
    pub acknowledged_writes: u64,
    /// Success answers to votes whose receipt was not a receipt of that vote.
    pub bad_receipts: u64,
    /// The check of the acknowledged votes against the log.
    pub check: Check,
    /// The server's peak resident memory (VmHWM), when `--pid` was given.
    pub server_peak_rss_kib: Option<u64>,
    /// A few unexpected answers.
    pub samples: Vec<String>,
}

impl Summary {
    /// Builds the report.
    pub fn new(
        settings: &Settings,
        start_length: u64,
        outcome: &Outcome,
        check: &Check,
        peak_rss_kib: Option<u64>,
    ) -> Summary {
        let ms = u64::try_from(outcome.elapsed.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let total = outcome.reads.total() + outcome.writes.total();
        let acknowledged = outcome.acknowledged.len() as u64;
        Summary {
            settings: Settings {
                server: settings.server.clone(),
                round: settings.round.clone(),
                ..*settings
            },
            start_length,
            acknowledged_records: outcome
                .acknowledged
                .iter()
                .map(|a| a.positions.len() as u64)
                .sum(),
            elapsed_ms: ms,
            reads: outcome.reads,
            writes: outcome.writes,
            requests_per_second: total * 1000 / ms,
            acknowledged_writes_per_second: acknowledged * 1000 / ms,
            read_latency: Latency::of(&outcome.read_micros),
            write_latency: Latency::of(&outcome.write_micros),
            acknowledged_writes: acknowledged,
            bad_receipts: outcome.bad_receipts,
            check: Check {
                checked: check.checked,
                present: check.present,
                missing: check.missing.clone(),
                final_length: check.final_length,
            },
            server_peak_rss_kib: peak_rss_kib,
            samples: outcome.samples.clone(),
        }
    }

    /// True when no 5xx came back, every request got an answer, and every acknowledged
    /// vote is in the log.
    pub fn promises_kept(&self) -> bool {
        self.reads.server_error == 0
            && self.writes.server_error == 0
            && self.reads.transport_error == 0
            && self.writes.transport_error == 0
            && self.bad_receipts == 0
            && self.check.present == self.check.checked
            && self.check.checked == self.acknowledged_writes
    }

    /// The report as text.
    pub fn text(&self) -> String {
        let counts = |c: &Counts| {
            format!(
                "{} (2xx {}, 3xx {}, 429 {}, other 4xx {}, 5xx {}, no answer {})",
                c.total(),
                c.ok,
                c.redirect,
                c.too_many,
                c.client_error,
                c.server_error,
                c.transport_error
            )
        };
        let latency = |l: &Latency| {
            format!(
                "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                l.p50_us as f64 / 1000.0,
                l.p99_us as f64 / 1000.0,
                l.max_us as f64 / 1000.0
            )
        };
        let mut text = format!(
            "connections {}, {} ms, write share {}\n\
             reads  {}\n\
             writes {}\n\
             requests/s {}, acknowledged writes/s {}\n\
             read latency  {}\n\
             write latency {}\n\
             acknowledged writes {}, present in the log {} of {} checked; log length after {}\n",
            self.settings.connections,
            self.elapsed_ms,
            self.settings.write_share,
            counts(&self.reads),
            counts(&self.writes),
            self.requests_per_second,
            self.acknowledged_writes_per_second,
            latency(&self.read_latency),
            latency(&self.write_latency),
            self.acknowledged_writes,
            self.check.present,
            self.check.checked,
            self.check.final_length,
        );
        if let Some(kib) = self.server_peak_rss_kib {
            text.push_str(&format!("server peak RSS {} MiB ({kib} KiB)\n", kib / 1024));
        }
        for line in self.check.missing.iter().chain(&self.samples) {
            text.push_str(&format!("  ! {line}\n"));
        }
        text.push_str(if self.promises_kept() {
            "promises kept: no 5xx, every request answered, every acknowledged write present\n"
        } else {
            "PROMISE BROKEN\n"
        });
        text
    }
}

/// The peak resident set size of process `pid` (VmHWM in /proc/PID/status), in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
