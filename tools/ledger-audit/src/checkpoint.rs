//! The reader's trust anchor: the verifier key given on the command line, and the
//! signed checkpoint opened with it.
//!
//! The ledger signs its checkpoints with an Ed25519 key named after its origin (the
//! first line of every checkpoint), so the key name is also the only origin this tool
//! accepts: a key shared by two logs cannot pass one log's checkpoint off as the other's.
//! This module must never return a checkpoint whose signature it did not check (except
//! through [`read_unverified`], whose name says so) and never accept a size so large
//! that walking it would be absurd.

use std::fs::File;
use std::io::Read;

use anyhow::{anyhow, bail, Context, Result};
use ledger_tlog::{Checkpoint, NoteVerifier, SignedCheckpoint};

/// The largest tree this tool agrees to audit: 2^40 entries (about a trillion).
pub const MAX_TREE_SIZE: u64 = 1 << 40;

/// The longest key file read.
const MAX_KEY_BYTES: u64 = 4096;

/// Parses `--key`: a C2SP verifier key `name+hexid+base64`, or `@FILE` holding one.
pub fn load_key(arg: &str) -> Result<NoteVerifier> {
    let text = match arg.strip_prefix('@') {
        Some(path) => {
            let file = File::open(path).with_context(|| format!("opening key file {path}"))?;
            let mut text = String::new();
            file.take(MAX_KEY_BYTES)
                .read_to_string(&mut text)
                .with_context(|| format!("reading key file {path}"))?;
            text
        }
        None => arg.to_owned(),
    };
    NoteVerifier::parse(text.trim()).map_err(|e| anyhow!("--key is not a verifier key: {e}"))
}

/// Verifies the signed checkpoint `note` with `key`, requires its origin to be the key's
/// name, and bounds its size.
pub fn open(note: &str, key: &NoteVerifier) -> Result<Checkpoint> {
    let signed =
        SignedCheckpoint::open(note, key.name(), std::slice::from_ref(key)).map_err(|e| {
            anyhow!(
                "the checkpoint does not verify with key {}+{:08x} (origin {}): {e}",
                key.name(),
                key.key_id(),
                key.name()
            )
        })?;
    bounded(signed.checkpoint)
}

/// Parses the checkpoint in `note` without checking any signature, for `prove` when no
/// key is given; the receipt it writes is checked with a key later.
pub fn read_unverified(note: &str) -> Result<Checkpoint> {
    let split = note
        .rfind("\n\n")
        .ok_or_else(|| anyhow!("the checkpoint is not a signed note (no blank line)"))?;
    let text = note.get(..=split).unwrap_or_default();
    let checkpoint = Checkpoint::parse(text).map_err(|e| anyhow!("the checkpoint: {e}"))?;
    bounded(checkpoint)
}

fn bounded(checkpoint: Checkpoint) -> Result<Checkpoint> {
    if checkpoint.size > MAX_TREE_SIZE {
        bail!(
            "the checkpoint claims {} entries, more than the {MAX_TREE_SIZE} this tool audits",
            checkpoint.size
        );
    }
    Ok(checkpoint)
}
