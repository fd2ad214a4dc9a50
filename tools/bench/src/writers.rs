//! The ledger's durable write lines: a stream of votes from one writer (each acknowledged
//! before the next is sent) and from many writers at once (which share fsyncs through the
//! store's group commit), all through `Ledger::append` with `Durability::Fsync`.
//!
//! This module must never weaken durability for a reported line; the unsynced fill used
//! by the replay lives in `replay.rs` and says so.

use std::sync::Barrier;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use ledger_store::Ledger;
use serde::Serialize;

use crate::sample::{Latencies, Throughput};
use crate::votes::{Electorate, VoteStream};

/// One write line's result.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct WriteFigure {
    /// Concurrent writers.
    pub writers: usize,
    /// Acknowledged records per second, and the latency of each append.
    pub throughput: Throughput,
    /// Durable syncs the store made (0 where the engine does not say).
    pub syncs: u64,
    /// Mean microseconds one of those syncs took (sled's flush, then the fsyncs).
    pub sync_micros_mean: f64,
    /// Mean stored bytes per record.
    pub record_bytes: f64,
    /// The fdatasync limit measured right before and right after this line (mean).
    pub limit: f64,
}

/// Runs `writers` threads that append votes to `ledger` for `window`; every append must
/// succeed. `run` names the run so that command ids never repeat on one ledger.
pub fn ledger_writers(
    ledger: &Ledger,
    electorate: &Electorate,
    run: &str,
    writers: usize,
    window: Duration,
) -> anyhow::Result<WriteFigure> {
    let before = ledger.stats();
    let head_before = ledger.head().length;
    let barrier = Barrier::new(writers + 1);
    let (records, latencies, elapsed) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let ledger = ledger.clone();
                let barrier = &barrier;
                let mut votes = VoteStream::new(electorate, run, w);
                scope.spawn(move || -> anyhow::Result<(u64, Latencies)> {
                    barrier.wait();
                    let started = Instant::now();
                    let mut records = 0u64;
                    let mut latencies = Latencies::default();
                    while started.elapsed() < window {
                        let envelope = votes.next_envelope();
                        let t = Instant::now();
                        let receipt = ledger
                            .append(envelope)
                            .map_err(|e| anyhow!("append failed: {e}"))?;
                        latencies.push(t.elapsed());
                        records += receipt.positions.len() as u64;
                    }
                    Ok((records, latencies))
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let mut records = 0u64;
        let mut all = Latencies::default();
        for handle in handles {
            let (n, latencies) = handle
                .join()
                .map_err(|_| anyhow!("a writer thread panicked"))??;
            records += n;
            all.extend(latencies);
        }
        Ok::<_, anyhow::Error>((records, all, started.elapsed()))
    })?;
    let after = ledger.stats();
    let head_after = ledger.head().length;
    let bytes = mean_record_bytes(ledger, head_before, head_after)?;
    Ok(WriteFigure {
        writers,
        throughput: Throughput::new(records, elapsed, latencies),
        syncs: after.syncs - before.syncs,
        sync_micros_mean: (after.sync_micros - before.sync_micros) as f64
            / (after.syncs - before.syncs).max(1) as f64,
        record_bytes: bytes,
        limit: 0.0,
    })
}

/// The mean size of (up to a thousand of) the records in `[from, to)`.
fn mean_record_bytes(ledger: &Ledger, from: u64, to: u64) -> anyhow::Result<f64> {
    let start = to.saturating_sub(1_000).max(from);
    let records = ledger.records(start, usize::try_from(to - start)?)?;
    if records.is_empty() {
        return Ok(0.0);
    }
    let total: usize = records.iter().map(|s| s.bytes.len()).sum();
    Ok(total as f64 / records.len() as f64)
}
