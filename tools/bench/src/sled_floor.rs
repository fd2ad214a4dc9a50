//! What sled 0.34 itself costs on this machine, measured in the same run as the ledger:
//! the floor under every ledger figure, because the ledger keeps its records in sled.
//!
//! Three floors: a durable append through sled alone (one 300-byte insert, `flush`, and
//! the `fdatasync` of sled's file that a durable acknowledgement needs, each before the
//! next: what the store's writer does for one record, without deciding, hashing or
//! indexing); the inserts the writer makes per vote, on one thread and without any sync
//! (what group commit cannot spread: the writer is one thread); and a read of a ledger's
//! `events` tree through sled alone (one iterator over every entry, nothing hashed or
//! decoded: the first thing `Ledger::open` does), with the peak memory of the process
//! that did only that. This module must never report a floor as a figure of the ledger.

use std::fs::OpenOptions;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use ledger_store::layout::{
    command_value, merkle_key, position_key, stream_key, COMMANDS_TREE, DB_FILE, EVENTS_TREE,
    MERKLE_TREE, SLED_CACHE_BYTES, STREAMS_TREE,
};
use serde::{Deserialize, Serialize};

use crate::limit::RECORD_BYTES;
use crate::replay::{peak_rss_kib, run_child};
use crate::sample::{repeat_for, Throughput};

/// sled in `path`, configured as the store configures it (created when missing).
fn open_as_the_store(path: &Path) -> anyhow::Result<sled::Db> {
    sled::Config::new()
        .path(path)
        .cache_capacity(SLED_CACHE_BYTES)
        .open()
        .with_context(|| format!("cannot open a sled database in {}", path.display()))
}

/// Inserts a `RECORD_BYTES` value into a new sled database in `dir`, flushes sled and
/// `fdatasync`s its file, over and over for `window`.
pub fn durable_inserts(dir: &Path, window: Duration) -> anyhow::Result<Throughput> {
    let path = dir.join("sled-floor");
    let db = open_as_the_store(&path)?;
    let tree = db.open_tree(EVENTS_TREE)?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path.join(DB_FILE))?;
    let record = [0x5au8; RECORD_BYTES];
    let throughput = repeat_for(window, |count| {
        tree.insert(count.to_be_bytes(), &record[..])?;
        db.flush()?;
        file.sync_data()?;
        Ok(())
    })?;
    drop(tree);
    drop(db);
    std::fs::remove_dir_all(&path).ok();
    Ok(throughput)
}

/// Makes, on one thread and for `window`, the sled inserts the store's writer makes for
/// one vote, with keys and values of the same shapes and sizes: the record under its
/// position in `events`, its stream entry in `streams`, its command in `commands`, and
/// its Merkle hashes in `merkle` (the leaf and every node it completes: two on average).
/// No sync, no meta entries, nothing decided or hashed. Returns votes per second.
pub fn write_path_inserts(dir: &Path, window: Duration) -> anyhow::Result<Throughput> {
    let path = dir.join("sled-inserts-floor");
    let db = open_as_the_store(&path)?;
    let events = db.open_tree(EVENTS_TREE)?;
    let streams = db.open_tree(STREAMS_TREE)?;
    let commands = db.open_tree(COMMANDS_TREE)?;
    let merkle = db.open_tree(MERKLE_TREE)?;
    let record = [0x5au8; RECORD_BYTES];
    let hash = [0xa5u8; 32];
    let throughput = repeat_for(window, |count| {
        events.insert(position_key(count), &record[..])?;
        streams.insert(stream_key("round/r-bench", count), &position_key(count)[..])?;
        commands.insert(
            format!("bench-{count}").as_bytes(),
            &command_value(count, 1)[..],
        )?;
        // The leaf, then each node whose right-most leaf this is.
        let size = count + 1;
        let mut level = 0u8;
        loop {
            merkle.insert(&merkle_key(level, (size >> level) - 1)[..], &hash[..])?;
            level += 1;
            if level >= 64 || !size.is_multiple_of(1u64 << level) {
                break;
            }
        }
        Ok(())
    })?;
    drop((events, streams, commands, merkle, db));
    std::fs::remove_dir_all(&path).ok();
    Ok(throughput)
}

/// One pass over a ledger's `events` tree through sled alone.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct SledRead {
    /// Entries read.
    pub records: u64,
    /// Seconds from opening sled to the end of the pass.
    pub seconds: f64,
    /// `records / seconds`.
    pub per_second: f64,
    /// Peak resident memory of the process that did only this, MiB.
    pub peak_mib: f64,
}

/// Runs [`read_child`] in a child process (this binary), so that its peak memory is
/// sled's alone.
pub fn read_in_child(ledger_dir: &Path) -> anyhow::Result<SledRead> {
    run_child(
        "the sled read child",
        &[
            "sled-read-child".as_ref(),
            "--dir".as_ref(),
            ledger_dir.as_os_str(),
        ],
    )
}

/// The child's side: opens sled in `ledger_dir` as the store does (same cache), reads
/// every entry of `events` once, prints one JSON object.
pub fn read_child(ledger_dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = open_as_the_store(ledger_dir)?;
    let events = db.open_tree(EVENTS_TREE)?;
    let mut records = 0u64;
    let mut bytes = 0u64;
    for item in events.iter() {
        let (_, value) = item.map_err(|e| anyhow!("sled read failed: {e}"))?;
        records += 1;
        bytes += value.len() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    // The byte count keeps the pass from being optimised away, and says it read values.
    if records > 0 && bytes == 0 {
        bail!("sled returned {records} empty values");
    }
    let figure = SledRead {
        records,
        seconds,
        per_second: records as f64 / seconds.max(f64::EPSILON),
        peak_mib: peak_rss_kib()? as f64 / 1024.0,
    };
    println!("{}", serde_json::to_string(&figure)?);
    Ok(())
}
