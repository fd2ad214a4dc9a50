//! Snapshots of the read model, so start-up need not fold the whole log.
//!
//! Layout: 8 magic bytes `GLPROJ\r\n`, the snapshot format version as u32 little-endian,
//! then a bincode header (position, head hash, BLAKE3 of the body) and the bincode body
//! (the model). Magic and version sit at fixed offsets so any future layout can still be
//! recognised and refused with a typed error, after which the caller rebuilds from
//! position 0. A snapshot is a cache, never a source of truth: this module must never be
//! used to decide anything that the log itself cannot reproduce.

use serde::{Deserialize, Serialize};

use crate::error::ProjectionError;
use crate::model::ReadModel;

/// The snapshot format this build writes and reads. Bump it whenever any view type,
/// field or fold rule changes, so old snapshots are refused and rebuilt.
/// `tests/snapshot_version.rs` holds it to that: it pins this number with the BLAKE3 of
/// the demo model's snapshot (`tests/golden/snapshot-version.txt`) and fails when those
/// bytes change under the same number.
pub const SNAPSHOT_VERSION: u32 = 9;

const MAGIC: [u8; 8] = *b"GLPROJ\r\n";

/// Bytes before the bincode header: the magic and the version.
const PREFIX: usize = 12;

/// BLAKE3 derive-key context of the body checksum.
const BODY_CONTEXT: &str = "governance-ledger 2026-11-29 projection snapshot body v1";

/// Like the record configuration (little-endian, fixed-width integers) but without the
/// 64 KiB limit: a model of a long log is far larger than one record.
fn config() -> bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Fixint,
    bincode::config::NoLimit,
> {
    bincode::config::standard()
        .with_little_endian()
        .with_fixed_int_encoding()
}

#[derive(Serialize, Deserialize)]
struct Header {
    position: u64,
    head_hash: String,
    body_blake3: [u8; 32],
}

/// What a snapshot says about itself, read without decoding the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// Its format version (always [`SNAPSHOT_VERSION`] when returned).
    pub version: u32,
    /// Records the model had applied.
    pub position: u64,
    /// Hash of the last record applied, 64 hex; compare it with the store's record at
    /// `position - 1` before trusting the snapshot.
    pub head_hash: String,
}

fn body_hash(body: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new_derive_key(BODY_CONTEXT);
    hasher.update(body);
    *hasher.finalize().as_bytes()
}

/// Checks magic and version and decodes the header; returns it with the body bytes.
fn open(bytes: &[u8]) -> Result<(Header, &[u8]), ProjectionError> {
    let (magic, rest) = bytes
        .split_first_chunk::<8>()
        .ok_or(ProjectionError::NotASnapshot)?;
    if *magic != MAGIC {
        return Err(ProjectionError::NotASnapshot);
    }
    let (version, rest) = rest
        .split_first_chunk::<4>()
        .ok_or(ProjectionError::NotASnapshot)?;
    let version = u32::from_le_bytes(*version);
    if version != SNAPSHOT_VERSION {
        return Err(ProjectionError::SnapshotVersion {
            found: version,
            expected: SNAPSHOT_VERSION,
        });
    }
    let (header, used): (Header, usize) = bincode::serde::decode_from_slice(rest, config())
        .map_err(|e| ProjectionError::SnapshotCorrupt(format!("header: {e}")))?;
    let body = rest.get(used..).unwrap_or_default();
    if body_hash(body) != header.body_blake3 {
        return Err(ProjectionError::SnapshotCorrupt(
            "body checksum does not match".into(),
        ));
    }
    Ok((header, body))
}

impl ReadModel {
    /// Encodes the model as a snapshot (see the module comment for the layout).
    pub fn to_snapshot(&self) -> Result<Vec<u8>, ProjectionError> {
        let body = bincode::serde::encode_to_vec(self, config())
            .map_err(|e| ProjectionError::SnapshotEncode(e.to_string()))?;
        let header = Header {
            position: self.head.length,
            head_hash: self.head.hash.clone(),
            body_blake3: body_hash(&body),
        };
        let header = bincode::serde::encode_to_vec(&header, config())
            .map_err(|e| ProjectionError::SnapshotEncode(e.to_string()))?;
        let mut out = Vec::with_capacity(PREFIX + header.len() + body.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Reads a snapshot back. A snapshot of another format version is refused with
    /// [`ProjectionError::SnapshotVersion`] (rebuild); damage with
    /// [`ProjectionError::SnapshotCorrupt`].
    pub fn from_snapshot(bytes: &[u8]) -> Result<ReadModel, ProjectionError> {
        let (header, body) = open(bytes)?;
        let (model, used): (ReadModel, usize) =
            bincode::serde::decode_from_slice(body, config())
                .map_err(|e| ProjectionError::SnapshotCorrupt(format!("body: {e}")))?;
        if used != body.len() {
            return Err(ProjectionError::SnapshotCorrupt(format!(
                "{} trailing bytes",
                body.len() - used
            )));
        }
        if model.head.length != header.position || model.head.hash != header.head_hash {
            return Err(ProjectionError::SnapshotCorrupt(
                "header and model disagree on the head".into(),
            ));
        }
        Ok(model)
    }

    /// The version, position and head hash of a snapshot, checked but not decoded.
    pub fn snapshot_info(bytes: &[u8]) -> Result<SnapshotInfo, ProjectionError> {
        let (header, _) = open(bytes)?;
        Ok(SnapshotInfo {
            version: SNAPSHOT_VERSION,
            position: header.position,
            head_hash: header.head_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_model_round_trips_and_garbage_is_refused() {
        let bytes = ReadModel::new().to_snapshot().unwrap();
        assert_eq!(ReadModel::from_snapshot(&bytes).unwrap(), ReadModel::new());
        assert_eq!(
            ReadModel::from_snapshot(b"hello"),
            Err(ProjectionError::NotASnapshot)
        );
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0xff;
        assert!(matches!(
            ReadModel::from_snapshot(&damaged),
            Err(ProjectionError::SnapshotCorrupt(_))
        ));
    }
}
