//! Sealing decided events into chained records, and checking a chain link.
//!
//! This is the pure half of an append: given the state, the head and the events `decide`
//! returned, it builds the exact records and bytes to store. Every backend and every
//! verifier uses these two functions, so the chain is defined once. This module must
//! never store anything or read a clock (the caller passes `recorded_at`).

use crate::command::Envelope;
use crate::event::Event;
use crate::ids::Position;
use crate::record::{event_id, record_hash, Record, RecordError, RecordHash, RECORD_FORMAT};
use crate::state::State;
use crate::time::Timestamp;

/// The end of the log: how many records it holds and the hash of the last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Head {
    /// Records in the log (the next position).
    pub length: u64,
    /// Hash of the record at `length - 1`, or [`RecordHash::GENESIS`] when empty.
    pub hash: RecordHash,
}

/// A record with its stored bytes and hash, ready to write or just read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// The decoded record.
    pub record: Record,
    /// The bytes as stored (and hashed).
    pub bytes: Vec<u8>,
    /// `record_hash(bytes)`.
    pub hash: RecordHash,
}

impl Sealed {
    /// Decodes stored bytes and hashes them.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Sealed, RecordError> {
        let record = Record::decode(&bytes)?;
        let hash = record_hash(&bytes);
        Ok(Sealed {
            record,
            bytes,
            hash,
        })
    }
}

/// Builds the records for `events` decided from `envelope`, chained after `head`.
///
/// Stream versions continue from `state` (which must be the state at `head`), counting
/// the events of this same command in order.
pub fn seal(
    state: &State,
    head: Head,
    envelope: &Envelope,
    events: &[Event],
    recorded_at: Timestamp,
) -> Result<Vec<Sealed>, RecordError> {
    let mut sealed: Vec<Sealed> = Vec::with_capacity(events.len());
    let mut prev = head.hash;
    for (index, event) in events.iter().enumerate() {
        let stream = event.stream();
        let earlier_in_command = sealed.iter().filter(|s| s.record.stream == stream).count() as u64;
        let index = u32::try_from(index).map_err(|_| RecordError::TooLarge { size: index })?;
        let record = Record {
            format: RECORD_FORMAT,
            position: Position(head.length + u64::from(index)),
            event_id: event_id(&envelope.command_id, index),
            command_id: envelope.command_id.clone(),
            stream_version: state.stream_length(&stream) + earlier_in_command,
            stream,
            recorded_at,
            actor: envelope.actor.clone(),
            event_type: event.event_type().to_owned(),
            schema_version: event.schema_version(),
            body: event.encode_body()?,
            prev_hash: prev,
        };
        let bytes = record.encode()?;
        let hash = record_hash(&bytes);
        prev = hash;
        sealed.push(Sealed {
            record,
            bytes,
            hash,
        });
    }
    Ok(sealed)
}

/// Why a stored record does not continue the chain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The bytes do not decode.
    #[error("record does not decode: {0}")]
    Undecodable(#[from] RecordError),
    /// The record states another position than the key it is stored under.
    #[error("record states position {stated}")]
    WrongPosition {
        /// The position in the record.
        stated: u64,
    },
    /// The record's predecessor hash is not the previous record's hash.
    #[error("previous hash {stated} does not match {expected}")]
    BrokenLink {
        /// What the record says.
        stated: RecordHash,
        /// The previous record's real hash.
        expected: RecordHash,
    },
    /// The body does not decode as its stated event type.
    #[error("body does not decode: {0}")]
    BadBody(RecordError),
}

/// Checks that `bytes`, stored at `position`, continue a chain whose previous record
/// hashes to `prev`, and returns the sealed record and its event.
pub fn check_link(
    position: u64,
    prev: RecordHash,
    bytes: Vec<u8>,
) -> Result<(Sealed, Event), LinkError> {
    let sealed = Sealed::from_bytes(bytes)?;
    check_place(position, prev, &sealed)?;
    let event = sealed.record.event().map_err(LinkError::BadBody)?;
    Ok((sealed, event))
}

/// The part of [`check_link`] after decoding: the record states `position` and links to
/// `prev`, checked in that order. Shared with readers that decode elsewhere (a store
/// decoding on another thread), so every reader refuses the same records the same way.
pub fn check_place(position: u64, prev: RecordHash, sealed: &Sealed) -> Result<(), LinkError> {
    if sealed.record.position.0 != position {
        return Err(LinkError::WrongPosition {
            stated: sealed.record.position.0,
        });
    }
    if sealed.record.prev_hash != prev {
        return Err(LinkError::BrokenLink {
            stated: sealed.record.prev_hash,
            expected: prev,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::ids::{ActorId, CommandId};

    #[test]
    fn sealed_records_chain_and_check() {
        let state = State::new();
        let envelope = Envelope {
            command_id: CommandId::new("init"),
            actor: ActorId::new("operator"),
            expected_version: None,
            command: Command::InitializeLedger {
                origin: "example.org/ledger".into(),
                secretariat: ActorId::new("secretariat"),
            },
        };
        let now = Timestamp::from_micros(1);
        let events = crate::decide(&state, &envelope, now).unwrap();
        let sealed = seal(&state, Head::default(), &envelope, &events, now).unwrap();
        assert_eq!(sealed.len(), 2);
        let (first, _) = check_link(0, RecordHash::GENESIS, sealed[0].bytes.clone()).unwrap();
        let (second, _) = check_link(1, first.hash, sealed[1].bytes.clone()).unwrap();
        assert_eq!(second.record.stream, "actor/secretariat");
        assert!(matches!(
            check_link(1, RecordHash::GENESIS, sealed[1].bytes.clone()),
            Err(LinkError::BrokenLink { .. })
        ));
        assert!(matches!(
            check_link(5, first.hash, sealed[1].bytes.clone()),
            Err(LinkError::WrongPosition { stated: 1 })
        ));
        // A flip in the predecessor hash breaks this link; a flip anywhere else changes
        // this record's hash, which the next link (or the head) no longer matches.
        let mut flipped = sealed[1].bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(
            check_link(1, first.hash, flipped),
            Err(LinkError::BrokenLink { .. })
        ));
        let mut flipped = sealed[1].bytes.clone();
        let inside = flipped.len() - 40;
        flipped[inside] ^= 1;
        if let Ok((tampered, _)) = check_link(1, first.hash, flipped) {
            assert_ne!(tampered.hash, second.hash);
        }
    }
}
