//! `--remember FILE`: the checkpoint this reader verified last time, and the demand that
//! today's log extends it.
//!
//! A reader who keeps the last checkpoint catches a log that shrank, that forked (same
//! size, another root) or that was rewritten behind a new checkpoint: the consistency
//! proof from the old size to the new one must verify against both signed roots, and
//! the tree rebuilt from today's entries must have the old root at the old size. This
//! module must never overwrite the file unless the whole audit succeeded, and never
//! leave a half-written file behind (it writes a temporary file and renames it).

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use ledger_tlog::{verify_consistency, Checkpoint, NoteVerifier};

use crate::source::{Source, MAX_NOTE_BYTES};
use crate::tree::RebuiltTree;
use crate::{atomic_file, checkpoint};

/// The checkpoint verified on an earlier run.
#[derive(Debug, Clone)]
pub struct Remembered {
    /// Its verified content.
    pub checkpoint: Checkpoint,
}

/// Reads and verifies the remembered checkpoint; `None` on the first run.
pub fn load(path: &Path, key: &NoteVerifier) -> Result<Option<Remembered>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    };
    let mut note = String::new();
    file.take(MAX_NOTE_BYTES + 1)
        .read_to_string(&mut note)
        .with_context(|| format!("reading {}", path.display()))?;
    if note.len() as u64 > MAX_NOTE_BYTES {
        bail!("{} is too large to be a checkpoint", path.display());
    }
    let checkpoint = checkpoint::open(&note, key)
        .with_context(|| format!("the remembered checkpoint in {}", path.display()))?;
    Ok(Some(Remembered { checkpoint }))
}

fn before_and_now(before: &Checkpoint, now: &Checkpoint) -> String {
    format!(
        "remembered size {} root {}, now size {} root {}",
        before.size,
        before.root.to_base64(),
        now.size,
        now.root.to_base64()
    )
}

/// Checks that `now` extends `before` with the source's own consistency proof.
pub fn check_by_proof<S: Source + ?Sized>(
    before: &Checkpoint,
    now: &Checkpoint,
    source: &S,
) -> Result<()> {
    if now.size < before.size {
        bail!("the log shrank: {}", before_and_now(before, now));
    }
    if now.size == before.size {
        if now.root != before.root {
            bail!("the log forked: {}", before_and_now(before, now));
        }
        return Ok(());
    }
    let proof = if before.size == 0 {
        Vec::new()
    } else {
        source
            .consistency_proof(before.size, now.size)
            .with_context(|| {
                format!(
                    "fetching the consistency proof from {} to {}",
                    before.size, now.size
                )
            })?
    };
    verify_consistency(before.size, now.size, &before.root, &now.root, &proof).map_err(|e| {
        anyhow!(
            "the log forked: the consistency proof from {} to {} does not verify ({e}); {}",
            before.size,
            now.size,
            before_and_now(before, now)
        )
    })
}

/// Checks `before` against the tree rebuilt from today's entries: same root at the old
/// size, and a locally computed consistency proof that verifies.
pub fn check_locally(before: &Checkpoint, now: &Checkpoint, tree: &RebuiltTree) -> Result<()> {
    let rebuilt = tree.root_at(before.size)?;
    if rebuilt != before.root {
        bail!(
            "the log forked: today's entries give root {} at the remembered size, not the \
             remembered root; {}",
            rebuilt.to_base64(),
            before_and_now(before, now)
        );
    }
    let proof = tree.consistency_proof(before.size, now.size)?;
    verify_consistency(before.size, now.size, &before.root, &now.root, &proof).map_err(|e| {
        anyhow!(
            "the log forked: the rebuilt tree's consistency proof does not verify ({e}); {}",
            before_and_now(before, now)
        )
    })
}

/// Stores `note` as the checkpoint to demand consistency with next time.
pub fn store(path: &Path, note: &str) -> Result<()> {
    atomic_file::write(path, note)
}
