//! The baseline a user would pick instead: SQLite through rusqlite, in WAL mode with
//! `synchronous=FULL`, storing the same record bytes in the same BLAKE3 chain.
//!
//! Every writer has its own connection with a busy timeout, and every insert is its own
//! `BEGIN IMMEDIATE` transaction that reads the head (position and hash), seals the vote
//! after it with `ledger_core::chain::seal` and inserts it. There is no `decide` here and
//! no derived index: the baseline does strictly less work per record than the ledger.
//! This module must never batch inserts or relax `synchronous`.

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, Context};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::baseline;
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
    let mut size = 0;
    for record in &baseline::seal_after(last, &envelope, event)? {
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
    let figure = baseline::writers(
        "SQLite",
        electorate,
        run,
        writers,
        window,
        || connect(path),
        append,
    )?;
    verify_chain(path)?;
    Ok(figure)
}

/// Checks that the baseline really built one unbroken chain (so its figure is honest).
fn verify_chain(path: &Path) -> anyhow::Result<()> {
    let conn = Connection::open(path)?;
    let mut statement = conn.prepare("SELECT position, bytes FROM events ORDER BY position")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    baseline::check_chain("SQLite", rows.map(|r| r.map_err(anyhow::Error::from)))?;
    Ok(())
}
