//! What the database baselines (SQLite and PostgreSQL) share: sealing the next vote after
//! the head a transaction read, timing many writer threads that each own a connection,
//! and checking afterwards that the rows form one unbroken BLAKE3 chain.
//!
//! The baselines store the same record bytes in the same chain as the ledger and do
//! strictly less work per record (no `decide`, no derived index, no Merkle tree). This
//! module must never batch inserts: one call of `append` is one transaction.

use std::sync::Barrier;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use ledger_core::{chain, Event, Head, RecordHash, Sealed, State, Timestamp};

use crate::sample::{Latencies, Throughput};
use crate::votes::{Electorate, VoteStream};
use crate::writers::WriteFigure;

/// The records that seal `event` after the last stored row (`position`, `hash`), or
/// after nothing when the table is empty.
pub fn seal_after(
    last: Option<(i64, Vec<u8>)>,
    envelope: &ledger_core::Envelope,
    event: Event,
) -> anyhow::Result<Vec<Sealed>> {
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
    Ok(chain::seal(&State::new(), head, envelope, &[event], now)?)
}

/// Runs `writers` threads, each with its own connection from `connect`, calling `append`
/// (one transaction, returning the stored bytes) for `window`; `what` names the engine
/// in errors.
pub fn writers<C>(
    what: &str,
    electorate: &Electorate,
    run: &str,
    writers: usize,
    window: Duration,
    connect: impl Fn() -> anyhow::Result<C> + Sync,
    append: impl Fn(&mut C, &mut VoteStream) -> anyhow::Result<usize> + Sync,
) -> anyhow::Result<WriteFigure> {
    let barrier = Barrier::new(writers + 1);
    let (records, bytes, latencies, elapsed) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let (barrier, connect, append) = (&barrier, &connect, &append);
                let mut votes = VoteStream::new(electorate, run, w);
                scope.spawn(move || -> anyhow::Result<(u64, usize, Latencies)> {
                    let connection = connect();
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
                .map_err(|_| anyhow!("a {what} writer thread panicked"))??;
            records += n;
            bytes += b;
            all.extend(latencies);
        }
        Ok::<_, anyhow::Error>((records, bytes, all, started.elapsed()))
    })?;
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

/// Checks that `rows` (position and record bytes, in position order from 0) form one
/// unbroken chain, so that a baseline's figure is honest; `what` names the engine.
pub fn check_chain(
    what: &str,
    rows: impl IntoIterator<Item = anyhow::Result<(i64, Vec<u8>)>>,
) -> anyhow::Result<u64> {
    let mut prev = RecordHash::GENESIS;
    let mut expected = 0u64;
    for row in rows {
        let (position, bytes) = row?;
        let (sealed, _) = ledger_core::check_link(expected, prev, bytes)
            .map_err(|e| anyhow!("{what} chain broken at {position}: {e}"))?;
        prev = sealed.hash;
        expected += 1;
    }
    Ok(expected)
}
