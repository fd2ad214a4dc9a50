//! The physical limit a durable log is measured against: appending one 300-byte record
//! to a file and `fdatasync`ing it before the next, on the disk of the data directory.
//!
//! This is what any design that acknowledges each record only once it is on disk must
//! pay at least once per acknowledgement; group commit is how a log beats it. This
//! module must never measure on another file system than the ledgers it is compared to.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::sample::{Latencies, Throughput};

/// The size of one appended record.
pub const RECORD_BYTES: usize = 300;

/// Appends `RECORD_BYTES` and `fdatasync`s, over and over for `window`, to a new file in
/// `dir`; returns records per second and the latency of each append.
pub fn fdatasync_appends(dir: &Path, window: Duration) -> anyhow::Result<Throughput> {
    let path = dir.join("fdatasync-limit.log");
    let mut file = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // The file's own entry must be durable once, as a ledger's files are at creation.
    file.sync_all()?;
    std::fs::File::open(dir)?.sync_all()?;
    let record = [0x5au8; RECORD_BYTES];
    let mut latencies = Latencies::default();
    let started = Instant::now();
    let mut count = 0u64;
    while started.elapsed() < window {
        let t = Instant::now();
        file.write_all(&record)?;
        file.sync_data()?;
        latencies.push(t.elapsed());
        count += 1;
    }
    let elapsed = started.elapsed();
    drop(file);
    std::fs::remove_file(&path)?;
    Ok(Throughput::new(count, elapsed, latencies))
}
