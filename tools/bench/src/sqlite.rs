//! The baseline a user would pick instead: SQLite through rusqlite, in WAL mode with
//! `synchronous=FULL`, storing the same record bytes in the same BLAKE3 chain.
//!
//! Every writer has its own connection with a busy timeout, and every insert is its own
//! `BEGIN IMMEDIATE` transaction that reads the head (position and hash), seals the vote
//! after it with `ledger_core::chain::seal` and inserts it. There is no `decide` here and
//! no derived index: the baseline does strictly less work per record than the ledger.
//! This module must never batch inserts or relax `synchronous`.

use std::path::Path;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use ledger_core::{chain, Head, RecordHash, State, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::sample::{Latencies, Throughput};
use crate::votes::{Electorate, VoteStream};
use crate::writers::WriteFigure;

/// How long a writer waits for the write lock before SQLite gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Creates the database at `path` (WAL mode is stored in the file).
pub fn create(path: &Path) -> anyhow::Result<()> {
    let conn = Connection::open(path)
        .with_context(|| format!("cannot create SQLite database {}", path.display()))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(anyhow!("SQLite refused WAL mode (got {mode})"));
    }
    conn.execute_batch(
        "CREATE TABLE events (
            position INTEGER PRIMARY KEY,
            hash BLOB NOT NULL,
            bytes BLOB NOT NULL
        );",
    )?;
    Ok(())
}

fn connect(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA synchronous=FULL;")?;
    Ok(conn)
}

/// Appends one vote as its own transaction; returns the stored size.
fn append(conn: &mut Connection, votes: &mut VoteStream) -> anyhow::Result<usize> {
    let (envelope, event) = votes.next_vote();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let last: Option<(i64, Vec<u8>)> = tx
        .query_row(
            "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let head = match last {
        None => Head::default(),
        Some((position, hash)) => Head {
            length: u64::try_from(position)? + 1,
            hash: RecordHash(
                hash.try_into()
                    .map_err(|_| anyhow!("a stored hash is not 32 bytes"))?,
            ),
        },
    };
    let now = Timestamp::from_micros(i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_micros(),
    )?);
    let sealed = chain::seal(&State::new(), head, &envelope, &[event], now)?;
    let mut size = 0;
    for record in &sealed {
        tx.execute(
            "INSERT INTO events (position, hash, bytes) VALUES (?1, ?2, ?3)",
            params![
                i64::try_from(record.record.position.0)?,
                &record.hash.0[..],
                &record.bytes
            ],
        )?;
        size += record.bytes.len();
    }
    tx.commit()?;
    Ok(size)
}

/// Runs `writers` threads, one connection each, inserting votes for `window`.
pub fn sqlite_writers(
    path: &Path,
    electorate: &Electorate,
    run: &str,
    writers: usize,
    window: Duration,
) -> anyhow::Result<WriteFigure> {
    let barrier = Barrier::new(writers + 1);
    let (records, bytes, latencies, elapsed) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let barrier = &barrier;
                let mut votes = VoteStream::new(electorate, run, w);
                scope.spawn(move || -> anyhow::Result<(u64, usize, Latencies)> {
                    let connection = connect(path);
                    barrier.wait();
                    let mut conn = connection?;
                    let started = Instant::now();
                    let (mut records, mut bytes) = (0u64, 0usize);
                    let mut latencies = Latencies::default();
                    while started.elapsed() < window {
                        let t = Instant::now();
                        bytes += append(&mut conn, &mut votes)?;
                        latencies.push(t.elapsed());
                        records += 1;
                    }
                    Ok((records, bytes, latencies))
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let (mut records, mut bytes) = (0u64, 0usize);
        let mut all = Latencies::default();
        for handle in handles {
            let (n, b, latencies) = handle
                .join()
                .map_err(|_| anyhow!("a SQLite writer thread panicked"))??;
            records += n;
            bytes += b;
            all.extend(latencies);
        }
        Ok::<_, anyhow::Error>((records, bytes, all, started.elapsed()))
    })?;
    verify_chain(path)?;
    Ok(WriteFigure {
        writers,
        throughput: Throughput::new(records, elapsed, latencies),
        syncs: 0,
        sync_micros_mean: 0.0,
        record_bytes: if records == 0 {
            0.0
        } else {
            bytes as f64 / records as f64
        },
        limit: 0.0,
    })
}

/// Checks that the baseline really built one unbroken chain (so its figure is honest).
fn verify_chain(path: &Path) -> anyhow::Result<()> {
    let conn = Connection::open(path)?;
    let mut statement = conn.prepare("SELECT position, bytes FROM events ORDER BY position")?;
    let mut rows = statement.query([])?;
    let mut prev = RecordHash::GENESIS;
    let mut expected = 0u64;
    while let Some(row) = rows.next()? {
        let position: i64 = row.get(0)?;
        let bytes: Vec<u8> = row.get(1)?;
        let (sealed, _) = ledger_core::check_link(expected, prev, bytes)
            .map_err(|e| anyhow!("SQLite chain broken at {position}: {e}"))?;
        prev = sealed.hash;
        expected += 1;
    }
    Ok(())
}
