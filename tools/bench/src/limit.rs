//! The physical limit a durable log is measured against: appending one 300-byte record
//! to a file and `fdatasync`ing it before the next, on the disk of the data directory.
//!
//! This is what any design that acknowledges each record only once it is on disk must
//! pay at least once per acknowledgement; group commit is how a log beats it. This
//! module must never measure on another file system than the ledgers it is compared to.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use crate::sample::{repeat_for, Throughput};

/// One window of the limit, measured between two write lines.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct LimitWindow {
    /// What it measured.
    pub throughput: Throughput,
}

/// The limit around the line just measured: the mean of the last two windows (the one
/// before the line and the one right after it).
pub fn around(windows: &[LimitWindow]) -> f64 {
    let last: Vec<f64> = windows
        .iter()
        .rev()
        .take(2)
        .map(|w| w.throughput.per_second)
        .collect();
    last.iter().sum::<f64>() / last.len().max(1) as f64
}

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
    let throughput = repeat_for(window, |_| {
        file.write_all(&record)?;
        file.sync_data()?;
        Ok(())
    })?;
    drop(file);
    std::fs::remove_file(&path)?;
    Ok(throughput)
}

/// The floor under the limit: 300-byte records written in place into a file allocated
/// and synced beforehand, with `fdatasync` after each. The file never grows, so the sync
/// carries no metadata (no journal commit); a log that preallocates its segments (as
/// SQLite's WAL and sled do) can go this fast, which is why they may beat the limit.
pub fn fdatasync_overwrites(dir: &Path, window: Duration) -> anyhow::Result<Throughput> {
    const SIZE: u64 = 64 * 1024 * 1024;
    let path = dir.join("fdatasync-floor.log");
    let file = OpenOptions::new()
        .create_new(true)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // Real blocks, not a sparse file: writing into holes would allocate (metadata).
    let zeros = vec![0u8; 1024 * 1024];
    for chunk in 0..SIZE / zeros.len() as u64 {
        file.write_all_at(&zeros, chunk * zeros.len() as u64)?;
    }
    file.sync_all()?;
    std::fs::File::open(dir)?.sync_all()?;
    let record = [0x5au8; RECORD_BYTES];
    let throughput = repeat_for(window, |count| {
        let offset = (count * RECORD_BYTES as u64) % (SIZE - RECORD_BYTES as u64);
        file.write_all_at(&record, offset)?;
        file.sync_data()?;
        Ok(())
    })?;
    drop(file);
    std::fs::remove_file(&path)?;
    Ok(throughput)
}
