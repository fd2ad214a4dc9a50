//! The stored record: its fields, its one bincode configuration, and its hash.
//!
//! Auditors rely on this byte for byte (see ARCHITECTURE.md, "The record"). The hash is
//! always taken over the bytes as stored, never over a re-serialisation, because bincode
//! does not promise a canonical form. This module must never change the field order, the
//! configuration or the hash context of format version 1; a new layout is a new
//! `format` value that readers dispatch on.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::event::{decode_body, Event};
use crate::ids::{ActorId, CommandId, Position};
use crate::time::Timestamp;

/// The largest record the ledger stores (the C2SP tlog-tiles entry limit).
pub const MAX_RECORD_BYTES: usize = 65_535;

/// The record layout written by this code.
pub const RECORD_FORMAT: u16 = 1;

/// BLAKE3 derive-key context for record hashes; part of format version 1.
pub const RECORD_HASH_CONTEXT: &str = "governance-ledger 2026-11-29 record v1";

/// BLAKE3 derive-key context for event ids; part of format version 1.
pub const EVENT_ID_CONTEXT: &str = "governance-ledger 2026-11-29 event id v1";

/// The one bincode configuration of format version 1: little-endian, fixed-width
/// integers (u16 = 2 bytes, u64 = 8 bytes), lengths as u64, at most 64 KiB read.
pub const fn bincode_config() -> bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Fixint,
    bincode::config::Limit<MAX_RECORD_BYTES>,
> {
    bincode::config::standard()
        .with_little_endian()
        .with_fixed_int_encoding()
        .with_limit::<MAX_RECORD_BYTES>()
}

/// A 32-byte BLAKE3 record hash.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct RecordHash(pub [u8; 32]);

impl RecordHash {
    /// The predecessor hash of the record at position 0.
    pub const GENESIS: RecordHash = RecordHash([0; 32]);

    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex characters.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Self(out))
    }
}

impl std::fmt::Debug for RecordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordHash({})", self.to_hex())
    }
}

impl std::fmt::Display for RecordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// One record of the log, field order as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The layout version, [`RECORD_FORMAT`].
    pub format: u16,
    /// Position in the global log.
    pub position: Position,
    /// The event's id (see [`event_id`]).
    pub event_id: [u8; 16],
    /// The id of the command that produced the event.
    pub command_id: CommandId,
    /// The stream, e.g. `round/r-2023-05`.
    pub stream: String,
    /// The event's 0-based index in its stream.
    pub stream_version: u64,
    /// When the command was recorded (UTC, microseconds).
    pub recorded_at: Timestamp,
    /// Who issued the command.
    pub actor: ActorId,
    /// The event's type name, e.g. `vote_cast`.
    pub event_type: String,
    /// The schema version of the body.
    pub schema_version: u16,
    /// The payload's bincode encoding.
    pub body: Vec<u8>,
    /// The hash of the record at `position - 1`, or zeros at position 0.
    pub prev_hash: RecordHash,
}

/// What can go wrong turning bytes into records and back.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    /// The bytes do not decode as a record or payload.
    #[error("record bytes do not decode: {0}")]
    Decode(String),
    /// The value does not encode (should not happen for well-formed values).
    #[error("record does not encode: {0}")]
    Encode(String),
    /// The encoded record is larger than the 64 KiB limit.
    #[error("record is {size} bytes, over the limit of {MAX_RECORD_BYTES}")]
    TooLarge {
        /// The size it would have had.
        size: usize,
    },
    /// Trailing bytes after a complete record: not the canonical stored form.
    #[error("{extra} trailing bytes after the record")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// A record format this code does not know.
    #[error("unknown record format {0}")]
    UnknownFormat(u16),
    /// An event type or version this code cannot read.
    #[error("unknown event type {event_type} version {schema_version}")]
    UnknownEventType {
        /// The type name.
        event_type: String,
        /// Its schema version.
        schema_version: u16,
    },
}

/// Encodes an event payload with the record configuration.
pub fn encode_payload<T: Serialize>(value: &T) -> Result<Vec<u8>, RecordError> {
    bincode::serde::encode_to_vec(value, bincode_config())
        .map_err(|e| RecordError::Encode(e.to_string()))
}

/// Decodes an event payload; all bytes must be used.
pub fn decode_payload<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RecordError> {
    let (value, used) = bincode::serde::decode_from_slice(bytes, bincode_config())
        .map_err(|e| RecordError::Decode(e.to_string()))?;
    if used != bytes.len() {
        return Err(RecordError::TrailingBytes {
            extra: bytes.len() - used,
        });
    }
    Ok(value)
}

impl Record {
    /// The stored bytes of this record; refuses records over 64 KiB.
    pub fn encode(&self) -> Result<Vec<u8>, RecordError> {
        let bytes = encode_payload(self)?;
        if bytes.len() > MAX_RECORD_BYTES {
            return Err(RecordError::TooLarge { size: bytes.len() });
        }
        Ok(bytes)
    }

    /// Reads stored bytes back; rejects unknown formats and trailing bytes.
    pub fn decode(bytes: &[u8]) -> Result<Record, RecordError> {
        if bytes.len() > MAX_RECORD_BYTES {
            return Err(RecordError::TooLarge { size: bytes.len() });
        }
        let record: Record = decode_payload(bytes)?;
        if record.format != RECORD_FORMAT {
            return Err(RecordError::UnknownFormat(record.format));
        }
        Ok(record)
    }

    /// The event in the body, upcast to the current schema.
    pub fn event(&self) -> Result<Event, RecordError> {
        decode_body(&self.event_type, self.schema_version, &self.body)
    }
}

/// The record hash: BLAKE3 derive-key mode, context [`RECORD_HASH_CONTEXT`], over the
/// stored bytes.
pub fn record_hash(stored: &[u8]) -> RecordHash {
    let mut hasher = blake3::Hasher::new_derive_key(RECORD_HASH_CONTEXT);
    hasher.update(stored);
    RecordHash(*hasher.finalize().as_bytes())
}

/// The event id: the first 16 bytes of BLAKE3 derive-key mode, context
/// [`EVENT_ID_CONTEXT`], over the command id's UTF-8 bytes, a 0x00 byte, and the event's
/// index within the command as u32 big-endian. Command ids are unique in a ledger, so
/// event ids are too, and a retried command would get the same ids.
pub fn event_id(command: &CommandId, index: u32) -> [u8; 16] {
    let mut hasher = blake3::Hasher::new_derive_key(EVENT_ID_CONTEXT);
    hasher.update(command.as_str().as_bytes());
    hasher.update(&[0]);
    hasher.update(&index.to_be_bytes());
    let mut id = [0u8; 16];
    id.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, LedgerInitialized};

    fn sample() -> Record {
        let event = Event::LedgerInitialized(LedgerInitialized {
            origin: "example.org/ledger".into(),
        });
        Record {
            format: RECORD_FORMAT,
            position: Position(0),
            event_id: event_id(&CommandId::new("c-1"), 0),
            command_id: CommandId::new("c-1"),
            stream: event.stream(),
            stream_version: 0,
            recorded_at: Timestamp::from_micros(1_683_536_400_000_000),
            actor: ActorId::new("operator"),
            event_type: event.event_type().into(),
            schema_version: event.schema_version(),
            body: event.encode_body().unwrap(),
            prev_hash: RecordHash::GENESIS,
        }
    }

    #[test]
    fn round_trip_and_event_decoding() {
        let record = sample();
        let bytes = record.encode().unwrap();
        let back = Record::decode(&bytes).unwrap();
        assert_eq!(back, record);
        assert!(matches!(back.event().unwrap(), Event::LedgerInitialized(_)));
    }

    #[test]
    fn layout_starts_with_format_and_position_little_endian() {
        let bytes = sample().encode().unwrap();
        assert_eq!(&bytes[0..2], &[1, 0]);
        assert_eq!(&bytes[2..10], &[0; 8]);
    }

    #[test]
    fn trailing_bytes_and_unknown_formats_are_refused() {
        let mut bytes = sample().encode().unwrap();
        bytes.push(0);
        assert_eq!(
            Record::decode(&bytes),
            Err(RecordError::TrailingBytes { extra: 1 })
        );
        let mut record = sample();
        record.format = 9;
        let bytes = record.encode().unwrap();
        assert_eq!(Record::decode(&bytes), Err(RecordError::UnknownFormat(9)));
    }

    #[test]
    fn oversized_records_are_refused() {
        let mut record = sample();
        record.body = vec![0; MAX_RECORD_BYTES];
        assert!(matches!(record.encode(), Err(RecordError::TooLarge { .. })));
    }

    #[test]
    fn hash_uses_the_derive_key_context() {
        let bytes = sample().encode().unwrap();
        let expected = blake3::derive_key(RECORD_HASH_CONTEXT, &bytes);
        assert_eq!(record_hash(&bytes).0, expected);
        assert_ne!(record_hash(&bytes).0, *blake3::hash(&bytes).as_bytes());
    }

    #[test]
    fn event_ids_differ_per_command_and_index() {
        let a = CommandId::new("a");
        assert_ne!(event_id(&a, 0), event_id(&a, 1));
        assert_ne!(event_id(&a, 0), event_id(&CommandId::new("b"), 0));
    }
}
