//! The signed tree head the ledger publishes with its head: a C2SP checkpoint (origin,
//! tree size, base64 root) signed as a C2SP note with the log's key, made once at open
//! and after every group commit.
//!
//! The writer owns a [`TreeLog`]: the tree's right edge, the signing key, and the stored
//! hashes not yet written. A checkpoint is signed only after every hash of its tree is in
//! the `merkle` tree, so any proof or tile a reader asks for at or below its size can be
//! answered. This module must never sign a tree whose hashes are not stored, nor a root
//! it did not compute from the records.

use ledger_core::Sealed;
use ledger_tlog::{Checkpoint, Hash, NoteSigner, SignedCheckpoint};

use crate::disk::Trees;
use crate::error::StoreError;
use crate::merkle::{self, Frontier, StoredHash};

/// A signed checkpoint and what it states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TreeHead {
    /// The tree size: the number of records the checkpoint covers.
    pub(crate) size: u64,
    /// The RFC 6962 root of those records.
    pub(crate) root: Hash,
    /// The signed note.
    pub(crate) note: String,
}

/// The writer's side of the transparency log.
#[derive(Debug)]
pub(crate) struct TreeLog {
    frontier: Frontier,
    signer: NoteSigner,
    /// Hashes of records already in `frontier` that could not be written yet.
    pending: Vec<StoredHash>,
    /// Set if the right edge could not take a record; it no longer matches the log, so
    /// no checkpoint is signed again until the ledger is reopened.
    broken: Option<String>,
}

impl TreeLog {
    /// The log over the records `frontier` was built from, all of whose hashes are stored.
    pub(crate) fn new(frontier: Frontier, signer: NoteSigner) -> TreeLog {
        TreeLog {
            frontier,
            signer,
            pending: Vec::new(),
            broken: None,
        }
    }

    /// Signs the checkpoint of the current tree.
    pub(crate) fn sign(&self) -> Result<TreeHead, StoreError> {
        let size = self.frontier.size();
        let root = self.frontier.root()?;
        let checkpoint = Checkpoint {
            origin: self.signer.name().to_owned(),
            size,
            root,
            extensions: Vec::new(),
        };
        let note = SignedCheckpoint::sign(&checkpoint, &self.signer).map_err(|e| {
            StoreError::SigningKey {
                path: crate::layout::SIGNING_KEY_FILE.into(),
                reason: format!("cannot sign the checkpoint: {e}"),
            }
        })?;
        Ok(TreeHead { size, root, note })
    }

    /// Adds the durable `records` (the next ones of the log, in order), stores their
    /// hashes and signs the new checkpoint. If storing fails, the hashes stay pending and
    /// are written with the next batch; until then the published checkpoint stays at the
    /// last size whose hashes are all stored.
    pub(crate) fn extend(
        &mut self,
        trees: &Trees,
        records: &[Sealed],
    ) -> Result<TreeHead, StoreError> {
        if let Some(reason) = &self.broken {
            return Err(StoreError::corrupt(self.frontier.size(), reason.clone()));
        }
        for sealed in records {
            match self.frontier.append(&sealed.bytes) {
                Ok(hashes) => self.pending.extend(hashes),
                Err(e) => {
                    self.broken = Some(e.to_string());
                    return Err(e);
                }
            }
        }
        let pending = std::mem::take(&mut self.pending);
        let root = self.frontier.root()?;
        if let Err(e) = merkle::write(trees, &pending, self.frontier.size(), root) {
            self.pending = pending;
            return Err(e);
        }
        self.sign()
    }
}
