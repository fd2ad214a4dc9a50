//! The 32-byte SHA-256 [`Hash`] and the two RFC 6962 hashing rules (leaf and
//! interior node), plus the root of the empty tree.
//!
//! It must never hash anything without the RFC 6962 domain-separation prefix
//! (0x00 for leaves, 0x01 for nodes): without it a leaf could be passed off as
//! an interior node and proofs would stop meaning anything.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::TlogError;

/// A SHA-256 Merkle tree hash (leaf hash, node hash or root).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash(pub [u8; 32]);

/// The root of the empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = Hash([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

impl Hash {
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Standard padded base64, the encoding checkpoints use for roots.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Parses standard padded base64, rejecting non-canonical encodings so
    /// that one hash has exactly one textual form.
    pub fn from_base64(text: &str) -> Result<Self, TlogError> {
        let bytes = STANDARD
            .decode(text)
            .map_err(|_| TlogError::BadHashEncoding)?;
        Self::from_slice(&bytes)
    }

    /// Lowercase hex, the encoding RFC test vectors and humans use.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses hex (either case) of exactly 32 bytes.
    pub fn from_hex(text: &str) -> Result<Self, TlogError> {
        let bytes = hex::decode(text).map_err(|_| TlogError::BadHashEncoding)?;
        Self::from_slice(&bytes)
    }

    fn from_slice(bytes: &[u8]) -> Result<Self, TlogError> {
        <[u8; 32]>::try_from(bytes)
            .map(Hash)
            .map_err(|_| TlogError::BadHashLength { len: bytes.len() })
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl From<[u8; 32]> for Hash {
    fn from(bytes: [u8; 32]) -> Self {
        Hash(bytes)
    }
}

/// The RFC 6962 leaf hash of one log entry: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(entry);
    Hash(hasher.finalize().into())
}

/// The RFC 6962 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}
