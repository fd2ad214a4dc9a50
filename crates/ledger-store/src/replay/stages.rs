//! The parallel part of the walk: the BLAKE3 hash of every record is computed on a
//! second thread, chunks ahead of the walk, which reads the `events` tree, decodes and
//! checks in order on its own thread.
//!
//! Only the hashing moves: it allocates nothing, whereas decoding on another thread
//! would have the walk free what that thread allocated, which with glibc's allocator
//! costs more than it saves (measured; see BENCHMARKS.md). This module must never judge
//! a record: it hands over what it read, in key order, with the hash of its bytes, and
//! [`link`] applies exactly the checks of `ledger_core::check_link`, in the same order.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::Scope;

use ledger_core::record::record_hash;
use ledger_core::{Event, LinkError, Record, RecordError, RecordHash, Sealed};

/// Records per chunk handed to the hashing thread and back.
const CHUNK: usize = 1024;

/// Chunks read ahead of the walk.
const AHEAD: usize = 2;

/// One stored entry of `events` and the record hash of its value.
pub(super) struct Hashed {
    /// The key as stored.
    pub(super) key: sled::IVec,
    /// The value as stored.
    pub(super) value: sled::IVec,
    /// `record_hash(value)`.
    pub(super) hash: RecordHash,
}

type Raw = Vec<Result<(sled::IVec, sled::IVec), sled::Error>>;
type Done = Vec<Result<Hashed, sled::Error>>;

/// The entries of `events` in key order (at most `limit`), in chunks, hashed.
pub(super) struct HashedChunks {
    iter: sled::Iter,
    left: u64,
    exhausted: bool,
    in_flight: usize,
    to_hash: SyncSender<Raw>,
    hashed: Receiver<Done>,
}

/// Starts the hashing thread in `scope`; the walk reads through the returned chunks.
/// Dropping them ends the thread.
pub(super) fn hashed_chunks<'scope>(
    scope: &'scope Scope<'scope, '_>,
    events: &sled::Tree,
    limit: Option<u64>,
) -> HashedChunks {
    let (to_hash, raw) = sync_channel::<Raw>(AHEAD);
    let (done, hashed) = sync_channel::<Done>(AHEAD);
    scope.spawn(move || {
        for chunk in raw {
            let out: Done = chunk
                .into_iter()
                .map(|item| {
                    item.map(|(key, value)| {
                        let hash = record_hash(&value);
                        Hashed { key, value, hash }
                    })
                })
                .collect();
            if done.send(out).is_err() {
                return;
            }
        }
    });
    HashedChunks {
        iter: events.iter(),
        left: limit.unwrap_or(u64::MAX),
        exhausted: false,
        in_flight: 0,
        to_hash,
        hashed,
    }
}

impl HashedChunks {
    /// Reads the next chunk from sled (on this thread); `None` at the end.
    fn read(&mut self) -> Option<Raw> {
        let mut chunk: Raw = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK && self.left > 0 {
            match self.iter.next() {
                Some(item) => {
                    self.left -= 1;
                    let failed = item.is_err();
                    chunk.push(item);
                    if failed {
                        self.left = 0;
                    }
                }
                None => {
                    self.left = 0;
                }
            }
        }
        (!chunk.is_empty()).then_some(chunk)
    }
}

impl Iterator for HashedChunks {
    type Item = Done;

    fn next(&mut self) -> Option<Done> {
        while !self.exhausted && self.in_flight < AHEAD {
            match self.read() {
                Some(chunk) => {
                    if self.to_hash.send(chunk).is_err() {
                        self.exhausted = true;
                    } else {
                        self.in_flight += 1;
                    }
                }
                None => self.exhausted = true,
            }
        }
        if self.in_flight == 0 {
            return None;
        }
        self.in_flight -= 1;
        // The hashing thread ends early only if it panicked: never let that look like
        // the end of the log.
        Some(self.hashed.recv().unwrap_or_else(|_| {
            vec![Err(sled::Error::ReportableBug(
                "the record hashing thread stopped".into(),
            ))]
        }))
    }
}

/// The record in `value` decoded, with its hash, and its event decoded: what
/// `ledger_core::Sealed::from_bytes` and `Record::event` give.
pub(super) fn decode(
    value: &[u8],
    hash: RecordHash,
) -> Result<(Sealed, Result<Event, RecordError>), RecordError> {
    let record = Record::decode(value)?;
    let event = record.event();
    Ok((
        Sealed {
            record,
            bytes: value.to_vec(),
            hash,
        },
        event,
    ))
}

/// `ledger_core::check_link(position, prev, bytes)` over bytes already decoded: the same
/// checks in the same order, with the same errors.
pub(super) fn link(
    position: u64,
    prev: RecordHash,
    checked: Result<(Sealed, Result<Event, RecordError>), RecordError>,
) -> Result<(Sealed, Event), LinkError> {
    let (sealed, event) = checked?;
    ledger_core::chain::check_place(position, prev, &sealed)?;
    let event = event.map_err(LinkError::BadBody)?;
    Ok((sealed, event))
}

#[cfg(test)]
mod tests {
    use ledger_core::{check_link, ActorId, CommandId, Envelope, Head, State, Timestamp};

    use super::*;

    fn decoded(bytes: &[u8]) -> Result<(Sealed, Result<Event, RecordError>), RecordError> {
        decode(bytes, record_hash(bytes))
    }

    #[test]
    fn link_judges_like_check_link() {
        let envelope = Envelope {
            command_id: CommandId::new("init"),
            actor: ActorId::new("operator"),
            expected_version: None,
            command: ledger_core::Command::InitializeLedger {
                origin: "example.org/ledger".into(),
                secretariat: ActorId::new("secretariat"),
            },
        };
        let now = Timestamp::from_micros(1);
        let state = State::new();
        let events = ledger_core::decide(&state, &envelope, now).unwrap();
        let sealed = ledger_core::seal(&state, Head::default(), &envelope, &events, now).unwrap();
        let first = sealed[0].hash;
        let second = &sealed[1].bytes;
        let mut flipped = second.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let mut body = second.clone();
        // The body's last byte sits before the 32-byte predecessor hash.
        let in_body = body.len() - 33;
        body[in_body] ^= 0xff;
        let cases: Vec<(u64, RecordHash, Vec<u8>)> = vec![
            (1, first, second.clone()),
            (5, first, second.clone()),
            (1, RecordHash::GENESIS, second.clone()),
            (1, first, flipped),
            (1, first, body),
            (1, first, second[..10].to_vec()),
            (1, first, Vec::new()),
        ];
        for (position, prev, bytes) in cases {
            assert_eq!(
                link(position, prev, decoded(&bytes)),
                check_link(position, prev, bytes.clone()),
                "{position} {bytes:?}"
            );
        }
    }
}
