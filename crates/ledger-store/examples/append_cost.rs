//! Measures what an acknowledged append costs on this machine: one appender at a time
//! (every append waits for its own fsync), many appenders at once (group commit), the
//! same without durability (for comparison only), and the raw parts of a sync.
//!
//! Run: `cargo run --release -p ledger-store --example append_cost [DIR]` (DIR defaults to
//! a temporary directory; point it at the disk you care about). It prints timings and
//! asserts nothing: numbers depend on the disk. It must never be used as a test.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ledger_core::{ActorId, Command, CommandId, Envelope, LibraryId, NisCode};
use ledger_store::{Durability, Ledger, LedgerOptions};

const SEQUENTIAL: usize = 300;
const THREADS: usize = 64;
const PER_THREAD: usize = 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = match std::env::args().nth(1) {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    println!("directory: {}", base.path().display());
    raw_sled(&base.path().join("raw"))?;
    sequential(&base.path().join("seq-fsync"), Durability::Fsync)?;
    sequential(&base.path().join("seq-none"), Durability::None)?;
    concurrent(&base.path().join("group-fsync"), Durability::Fsync)?;
    concurrent(&base.path().join("group-none"), Durability::None)?;
    Ok(())
}

/// Registers library `id` serving a NIS code of its own (one library per municipality):
/// codes are counted up across the whole run, which registers fewer than 100,000.
fn register(id: &str) -> Envelope {
    static CODES: AtomicU32 = AtomicU32::new(0);
    Envelope {
        command_id: CommandId::new(id),
        actor: ActorId::new("secretariaat"),
        expected_version: None,
        command: Command::RegisterLibrary {
            library: LibraryId::new(id),
            name: format!("Openbare Bibliotheek {id}"),
            municipalities: vec![NisCode(format!(
                "{:05}",
                CODES.fetch_add(1, Ordering::SeqCst)
            ))],
            inhabitants: 529_247,
        },
    }
}

fn open(dir: &Path, durability: Durability) -> Result<Ledger, Box<dyn std::error::Error>> {
    let options = LedgerOptions {
        durability,
        ..LedgerOptions::default()
    };
    Ok(Ledger::init(
        dir,
        "bench.example/ledger",
        ActorId::new("secretariaat"),
        options,
    )?)
}

fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let n = samples.len();
    let total: Duration = samples.iter().sum();
    format!(
        "mean {:?}, p50 {:?}, p99 {:?}, max {:?}",
        total / u32::try_from(n).unwrap_or(u32::MAX),
        samples[n / 2],
        samples[(n * 99) / 100],
        samples[n - 1]
    )
}

fn sequential(dir: &Path, durability: Durability) -> Result<(), Box<dyn std::error::Error>> {
    let ledger = open(dir, durability)?;
    let mut samples = Vec::with_capacity(SEQUENTIAL);
    for i in 0..SEQUENTIAL {
        let envelope = register(&format!("seq-{i}"));
        let started = Instant::now();
        ledger.append(envelope)?;
        samples.push(started.elapsed());
    }
    let stats = ledger.stats();
    println!(
        "one appender, {durability:?}: {SEQUENTIAL} appends: {}; sync (flush + fsyncs) {} us on average",
        summary(samples),
        stats.sync_micros / stats.syncs.max(1)
    );
    Ok(())
}

fn concurrent(dir: &Path, durability: Durability) -> Result<(), Box<dyn std::error::Error>> {
    let ledger = open(dir, durability)?;
    let before = ledger.stats();
    let barrier = Arc::new(Barrier::new(THREADS + 1));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let ledger = ledger.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let mut samples = Vec::with_capacity(PER_THREAD);
                for i in 0..PER_THREAD {
                    let envelope = register(&format!("grp-{t}-{i}"));
                    let started = Instant::now();
                    if ledger.append(envelope).is_err() {
                        break;
                    }
                    samples.push(started.elapsed());
                }
                samples
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut samples = Vec::new();
    for worker in workers {
        samples.extend(worker.join().unwrap_or_default());
    }
    let elapsed = started.elapsed();
    let stats = ledger.stats();
    let batches = stats.batches - before.batches;
    let appended = stats.appended_commands - before.appended_commands;
    println!(
        "{THREADS} appenders, {durability:?}: {appended} appends in {elapsed:?} \
         ({:.0} appends/s), {batches} batches ({:.1} appends per sync, largest batch {}), \
         sync {} us on average; latency {}",
        appended as f64 / elapsed.as_secs_f64(),
        appended as f64 / batches.max(1) as f64,
        stats.largest_batch,
        (stats.sync_micros - before.sync_micros) / (stats.syncs - before.syncs).max(1),
        summary(samples)
    );
    Ok(())
}

/// The parts of a sync on a bare sled database: `flush()` (sync_file_range), then
/// `fsync` of the data file, then of the directory.
fn raw_sled(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let db = sled::open(dir)?;
    let file = File::open(dir.join("db"))?;
    let directory = File::open(dir)?;
    let (mut flush, mut fsync, mut dirsync) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0u64..SEQUENTIAL as u64 {
        db.insert(i.to_be_bytes(), vec![7u8; 300])?;
        let t = Instant::now();
        db.flush()?;
        flush.push(t.elapsed());
        let t = Instant::now();
        file.sync_all()?;
        fsync.push(t.elapsed());
        let t = Instant::now();
        directory.sync_all()?;
        dirsync.push(t.elapsed());
    }
    println!("raw sled, 300-byte insert then:");
    println!("  db.flush():           {}", summary(flush));
    println!("  fsync(db):            {}", summary(fsync));
    println!("  fsync(directory):     {}", summary(dirsync));
    Ok(())
}
