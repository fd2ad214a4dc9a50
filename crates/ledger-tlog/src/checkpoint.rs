//! C2SP tlog-checkpoint bodies (<https://c2sp.org/tlog-checkpoint>): origin,
//! decimal tree size and base64 root hash lines, then optional extension
//! lines, each ending in a newline; and their signing and opening as signed
//! notes.
//!
//! It must never accept two spellings of the same checkpoint (leading zeros,
//! a '+' sign, non-canonical base64), because witnesses compare checkpoint
//! bodies byte for byte, and never parse a body that no trusted key signed
//! when opening a signed checkpoint.

use crate::hash::Hash;
use crate::note::{open, NoteSigner, NoteVerifier};
use crate::TlogError;

/// The signed statement of a log at one size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's unique identity, conventionally a schema-less URL.
    pub origin: String,
    /// The number of leaves in the tree.
    pub size: u64,
    /// The RFC 6962 root hash of the tree of `size` leaves.
    pub root: Hash,
    /// Opaque, non-empty extra lines; the spec advises against them.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text of this checkpoint.
    pub fn to_body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        );
        for line in &self.extensions {
            body.push_str(line);
            body.push('\n');
        }
        body
    }

    /// Strictly parses a checkpoint body.
    pub fn parse(body: &str) -> Result<Self, TlogError> {
        let body = body
            .strip_suffix('\n')
            .ok_or(TlogError::CheckpointNoFinalNewline)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(TlogError::CheckpointTooFewLines);
        };
        if origin.is_empty() {
            return Err(TlogError::CheckpointEmptyOrigin);
        }
        let size = parse_size(size)?;
        let root = Hash::from_base64(root)?;
        let extensions = lines
            .map(|line| {
                if line.is_empty() {
                    Err(TlogError::CheckpointEmptyExtension)
                } else {
                    Ok(line.to_owned())
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// ASCII decimal with no sign and no leading zero (except "0" itself).
/// Rust's `u64::from_str` alone would accept a leading '+', so the digits
/// are checked first.
fn parse_size(text: &str) -> Result<u64, TlogError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(TlogError::CheckpointBadSize);
    }
    text.parse().map_err(|_| TlogError::CheckpointBadSize)
}

/// A checkpoint that arrived as a signed note and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The verified checkpoint.
    pub checkpoint: Checkpoint,
    /// Names of the trusted keys whose signatures verified.
    pub verified_by: Vec<String>,
}

impl SignedCheckpoint {
    /// Signs a checkpoint and returns the signed note. The checkpoint is
    /// refused unless its body parses back to the same checkpoint, so that a
    /// log can never sign something its own clients would reject or read
    /// differently (an origin with a newline, an empty extension line).
    pub fn sign(checkpoint: &Checkpoint, signer: &NoteSigner) -> Result<String, TlogError> {
        let body = checkpoint.to_body();
        if Checkpoint::parse(&body).as_ref() != Ok(checkpoint) {
            return Err(TlogError::CheckpointNotCanonical);
        }
        Ok(signer.sign(&body)?)
    }

    /// Verifies a signed checkpoint against the trusted `verifiers`, then
    /// parses it and checks that it comes from the log `expected_origin`, so
    /// that a key shared by two logs cannot pass one log's checkpoint off as
    /// the other's.
    pub fn open(
        note: &str,
        expected_origin: &str,
        verifiers: &[NoteVerifier],
    ) -> Result<Self, TlogError> {
        let opened = open(note, verifiers)?;
        let checkpoint = Checkpoint::parse(&opened.text)?;
        if checkpoint.origin != expected_origin {
            return Err(TlogError::OriginMismatch {
                expected: expected_origin.to_owned(),
                found: checkpoint.origin,
            });
        }
        Ok(Self {
            checkpoint,
            verified_by: opened.verified_by,
        })
    }
}
