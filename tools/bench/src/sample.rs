//! What a timed run yields: a count over a duration, and the latency of each operation
//! as percentiles.
//!
//! This module must never decide what is measured; it only summarises samples.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Latency samples in microseconds.
#[derive(Clone, Debug, Default)]
pub struct Latencies(Vec<u32>);

impl Latencies {
    /// Adds one sample.
    pub fn push(&mut self, d: Duration) {
        self.0
            .push(u32::try_from(d.as_micros()).unwrap_or(u32::MAX));
    }

    /// Adds another set of samples.
    pub fn extend(&mut self, other: Latencies) {
        self.0.extend(other.0);
    }

    /// Adds raw microsecond samples.
    pub fn extend_micros(&mut self, micros: &[u32]) {
        self.0.extend_from_slice(micros);
    }

    /// The p50, p99 and maximum, in microseconds.
    pub fn summary(mut self) -> Percentiles {
        self.0.sort_unstable();
        let at = |q: f64| -> u32 {
            if self.0.is_empty() {
                return 0;
            }
            let i = ((self.0.len() as f64 - 1.0) * q).round() as usize;
            self.0[i.min(self.0.len() - 1)]
        };
        Percentiles {
            p50_us: at(0.50),
            p99_us: at(0.99),
            max_us: at(1.0),
        }
    }
}

/// Latency percentiles in microseconds.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Percentiles {
    /// The median.
    pub p50_us: u32,
    /// The 99th percentile.
    pub p99_us: u32,
    /// The slowest.
    pub max_us: u32,
}

/// Operations completed in a time, and their latencies.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Throughput {
    /// Operations completed.
    pub count: u64,
    /// Over this many seconds.
    pub seconds: f64,
    /// `count / seconds`.
    pub per_second: f64,
    /// Latency of one operation.
    pub latency: Percentiles,
}

impl Throughput {
    /// Summarises `count` operations in `elapsed`.
    pub fn new(count: u64, elapsed: Duration, latencies: Latencies) -> Throughput {
        let seconds = elapsed.as_secs_f64();
        Throughput {
            count,
            seconds,
            per_second: if seconds > 0.0 {
                count as f64 / seconds
            } else {
                0.0
            },
            latency: latencies.summary(),
        }
    }
}

/// Runs `op` over and over for `window` (it gets the number of the run, from 0) and
/// times each run.
pub fn repeat_for(
    window: Duration,
    mut op: impl FnMut(u64) -> anyhow::Result<()>,
) -> anyhow::Result<Throughput> {
    let mut latencies = Latencies::default();
    let started = Instant::now();
    let mut count = 0u64;
    while started.elapsed() < window {
        let t = Instant::now();
        op(count)?;
        latencies.push(t.elapsed());
        count += 1;
    }
    Ok(Throughput::new(count, started.elapsed(), latencies))
}
