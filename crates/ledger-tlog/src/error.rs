//! The two error types of the crate: [`TlogError`] for trees, proofs,
//! checkpoints and tiles, and [`NoteError`] for signed notes and their keys.
//!
//! It must never carry secret material (seeds, signing keys) in a variant,
//! because errors end up in logs and HTTP responses.

use thiserror::Error;

/// Everything that can go wrong with trees, proofs, checkpoints and tiles.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlogError {
    /// The hash store has no hash at this (level, index); the tree asked for
    /// is larger than what was stored, or the store is incomplete.
    #[error("no stored hash at level {level}, index {index}")]
    MissingHash { level: u8, index: u64 },
    /// A [`crate::HashReader`] implementation failed for its own reasons
    /// (for example an I/O error in the caller's database).
    #[error("hash storage failed: {0}")]
    Storage(String),
    /// A leaf index is not inside a tree of the given size.
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    /// A consistency proof was requested from a larger to a smaller tree.
    #[error("old tree size {old} is larger than new tree size {new}")]
    SizeOutOfOrder { old: u64, new: u64 },
    /// The proof has more hashes than the tree shape allows.
    #[error("proof has too many hashes")]
    ProofTooLong,
    /// The proof has fewer hashes than the tree shape requires.
    #[error("proof has too few hashes")]
    ProofTooShort,
    /// The proof is well-shaped but does not lead to the expected root(s).
    #[error("proof does not match the root hash")]
    RootMismatch,
    /// A hash was not valid base64 (standard alphabet, padded) or hex.
    #[error("hash is not validly encoded")]
    BadHashEncoding,
    /// A hash decoded to the wrong number of bytes.
    #[error("hash has {len} bytes, expected 32")]
    BadHashLength { len: usize },
    /// A checkpoint body does not end with a newline.
    #[error("checkpoint does not end with a newline")]
    CheckpointNoFinalNewline,
    /// A checkpoint body has fewer than the three mandatory lines.
    #[error("checkpoint has fewer than three lines")]
    CheckpointTooFewLines,
    /// A checkpoint origin line is empty.
    #[error("checkpoint origin is empty")]
    CheckpointEmptyOrigin,
    /// A checkpoint size line is not a canonical decimal u64.
    #[error("checkpoint tree size is not a canonical decimal number")]
    CheckpointBadSize,
    /// A checkpoint extension line is empty.
    #[error("checkpoint extension line is empty")]
    CheckpointEmptyExtension,
    /// A checkpoint would not parse back to itself once serialised, so it
    /// must not be signed.
    #[error("checkpoint does not survive a round trip through its body")]
    CheckpointNotCanonical,
    /// A verified checkpoint names a different log than the one expected.
    #[error("checkpoint origin {found:?} is not the expected {expected:?}")]
    OriginMismatch { expected: String, found: String },
    /// The signed note around a checkpoint failed.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// A tile path is not in the canonical C2SP tlog-tiles form.
    #[error("malformed tile path: {0}")]
    MalformedTilePath(&'static str),
    /// A tile's level, index or width is outside what the spec allows.
    #[error("invalid tile: {0}")]
    InvalidTile(&'static str),
    /// An entry is too long for the u16 length prefix of an entry bundle.
    #[error("entry of {len} bytes does not fit a u16 length prefix")]
    EntryTooLarge { len: usize },
    /// An entry bundle is empty, truncated or holds more than 256 entries.
    #[error("malformed entry bundle: {0}")]
    MalformedEntryBundle(&'static str),
}

/// Everything that can go wrong with signed notes and note keys.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    /// The note (or the text to sign) breaks the signed-note syntax.
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    /// A key name is empty or contains a space, a plus or a control character.
    #[error("invalid key name")]
    InvalidKeyName,
    /// A verifier or signer key string is not in the expected form.
    #[error("malformed key: {0}")]
    MalformedKey(&'static str),
    /// The key id in a key string does not match the name and public key.
    #[error("key id does not match the key name and public key")]
    KeyIdMismatch,
    /// The key uses a signature type other than Ed25519 (0x01).
    #[error("unsupported signature type 0x{0:02x}")]
    UnsupportedAlgorithm(u8),
    /// More than one trusted verifier has this name and key id.
    #[error("ambiguous key {name}+{key_id:08x}")]
    AmbiguousKey { name: String, key_id: u32 },
    /// A signature from a trusted key does not verify; the whole note is
    /// rejected, as the signed-note spec recommends.
    #[error("invalid signature for key {name}+{key_id:08x}")]
    InvalidSignature { name: String, key_id: u32 },
    /// No signature on the note comes from a trusted key.
    #[error("note has no verifiable signatures")]
    NoVerifiedSignature,
}
