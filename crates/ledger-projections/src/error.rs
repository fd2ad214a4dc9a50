//! The one error type of the projections crate.
//!
//! Expected outcomes a caller answers (a bad cursor or limit from a client, a snapshot
//! written by another version, a digest asked for a range the records do not cover) are
//! kept apart from faults (a damaged snapshot). This module must never carry I/O errors:
//! the crate does no I/O.

/// What can go wrong reading projections.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProjectionError {
    /// A page cursor that this crate did not issue (expected outcome: answer 400).
    #[error("cursor {cursor:?} is not a cursor this ledger issued")]
    BadCursor {
        /// The cursor as given, shortened to 64 characters.
        cursor: String,
    },
    /// A page limit outside `1..=max` (expected outcome: answer 400).
    #[error("limit {limit} is outside 1..={max}")]
    BadLimit {
        /// The limit as given.
        limit: u32,
        /// The largest limit accepted.
        max: u32,
    },
    /// The snapshot was written by another snapshot format version (expected outcome:
    /// rebuild the model from position 0).
    #[error("snapshot format version {found}, this build reads version {expected}; rebuild")]
    SnapshotVersion {
        /// The version in the snapshot.
        found: u32,
        /// The version this build reads and writes.
        expected: u32,
    },
    /// The bytes are not a projection snapshot at all (fault).
    #[error("not a projection snapshot")]
    NotASnapshot,
    /// The snapshot is damaged: checksum, decoding or header disagree (fault).
    #[error("projection snapshot is damaged: {0}")]
    SnapshotCorrupt(String),
    /// The model could not be encoded (fault; should not happen).
    #[error("projection snapshot does not encode: {0}")]
    SnapshotEncode(String),
    /// A digest was asked for `[from, to)` with `to` before `from`.
    #[error("digest range [{from}, {to}) is reversed")]
    BadRange {
        /// First position asked.
        from: u64,
        /// First position not asked.
        to: u64,
    },
    /// The model handed to the digest is not as of `from`.
    #[error("the model is as of position {actual}, the digest starts at {from}")]
    ModelNotAtStart {
        /// The digest's first position.
        from: u64,
        /// The model's position.
        actual: u64,
    },
    /// The records handed to the digest stop before `to` (or leave a gap).
    #[error("records for [{from}, {to}) stop at position {reached}")]
    RangeNotCovered {
        /// First position asked.
        from: u64,
        /// First position not asked.
        to: u64,
        /// The first position no record was given for.
        reached: u64,
    },
}
