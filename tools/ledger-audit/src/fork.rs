//! Fork evidence: the file a mirror writes when its primary serves a checkpoint that is
//! not consistent with one the mirror verified, and `check-fork`, which confirms it
//! offline with nothing but the file, the log's verifier key and `ledger_tlog`.
//!
//! The file holds both signed checkpoints, the consistency proof the primary served
//! (which did not verify, or was refused), and, when the mirror found one, an entry
//! position where the two trees hold different leaves, with an inclusion proof in each
//! tree. A fork is *proven* when two checkpoints signed with the log's key commit to two
//! histories: the same size with two roots, or one position with two leaves, each
//! proven included in its signed tree. A consistency proof that fails is shown but
//! proves nothing on its own (a server can serve a wrong proof for a consistent log).
//! This module must never call a checkpoint verified unless its signature checked with
//! the key it was given, and never read an unbounded file.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use ledger_tlog::{verify_consistency, verify_inclusion, Checkpoint, NoteVerifier};
use serde::{Deserialize, Serialize};

use crate::checkpoint;
use crate::source::{decode_hash, decode_hashes};

/// The `format` of a fork evidence file.
pub const FORMAT: &str = "governance-ledger fork evidence v1";

/// The largest evidence file read: two notes and three proofs are a few KiB.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Two signed checkpoints of one log that the mirror could not reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForkEvidence {
    /// Always [`FORMAT`].
    pub format: String,
    /// The verifier key the mirror checked both checkpoints with.
    pub verifier_key: String,
    /// The primary's URL as the mirror followed it.
    pub primary: String,
    /// The checkpoint the mirror verified and holds the records of (signed note).
    pub verified_checkpoint: String,
    /// The checkpoint the primary served later (signed note).
    pub served_checkpoint: String,
    /// The consistency proof the primary served from the smaller size to the larger
    /// (base64 hashes); empty when it served none.
    pub consistency_proof: Vec<String>,
    /// A position where the two trees hold different entries, if the mirror found one.
    pub divergent: Option<DivergentEntry>,
}

/// One position, two leaves: each with its inclusion proof in its own signed tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DivergentEntry {
    /// The entry's position.
    pub index: u64,
    /// The leaf hash in the verified tree (base64).
    pub verified_leaf_hash: String,
    /// Its inclusion proof in the verified tree (base64, RFC 9162 order).
    pub verified_inclusion: Vec<String>,
    /// The leaf hash in the served tree (base64).
    pub served_leaf_hash: String,
    /// Its inclusion proof in the served tree.
    pub served_inclusion: Vec<String>,
}

/// What `check-fork` found.
#[derive(Debug)]
pub struct ForkCheck {
    /// The origin both checkpoints name.
    pub origin: String,
    /// The verified checkpoint.
    pub verified: Checkpoint,
    /// The served checkpoint.
    pub served: Checkpoint,
    /// How the fork is proven.
    pub proof: String,
}

impl fmt::Display for ForkCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "fork proven: log {} showed two histories", self.origin)?;
        writeln!(
            f,
            "  verified checkpoint: size {} root {}",
            self.verified.size,
            self.verified.root.to_base64()
        )?;
        writeln!(
            f,
            "  served checkpoint:   size {} root {}",
            self.served.size,
            self.served.root.to_base64()
        )?;
        writeln!(f, "  {}", self.proof)
    }
}

/// Reads an evidence file (at most 1 MiB).
pub fn read(path: &Path) -> Result<ForkEvidence> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("reading {}", path.display()))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        bail!("{} is larger than any fork evidence", path.display());
    }
    let evidence: ForkEvidence = serde_json::from_str(&text)
        .map_err(|e| anyhow!("{} is not fork evidence: {e}", path.display()))?;
    if evidence.format != FORMAT {
        bail!("unknown evidence format {:?}", evidence.format);
    }
    Ok(evidence)
}

/// Confirms that `evidence` proves a fork of the log signed with `key`; an error says
/// what does not hold.
pub fn check(evidence: &ForkEvidence, key: &NoteVerifier) -> Result<ForkCheck> {
    let verified =
        checkpoint::open(&evidence.verified_checkpoint, key).context("the verified checkpoint")?;
    let served =
        checkpoint::open(&evidence.served_checkpoint, key).context("the served checkpoint")?;
    let origin = key.name().to_owned();
    let done = |proof: String| ForkCheck {
        origin: origin.clone(),
        verified: verified.clone(),
        served: served.clone(),
        proof,
    };
    if verified.size == served.size && verified.root != served.root {
        return Ok(done(format!(
            "both checkpoints sign a tree of {} entries, with different roots",
            verified.size
        )));
    }
    if let Some(entry) = &evidence.divergent {
        let index = entry.index;
        let verified_leaf = decode_hash(&entry.verified_leaf_hash, "verified_leaf_hash")?;
        let served_leaf = decode_hash(&entry.served_leaf_hash, "served_leaf_hash")?;
        let verified_path = decode_hashes(&entry.verified_inclusion, "verified_inclusion")?;
        let served_path = decode_hashes(&entry.served_inclusion, "served_inclusion")?;
        verify_inclusion(
            &verified_leaf,
            index,
            verified.size,
            &verified_path,
            &verified.root,
        )
        .map_err(|e| anyhow!("entry {index} is not proven in the verified tree: {e}"))?;
        verify_inclusion(&served_leaf, index, served.size, &served_path, &served.root)
            .map_err(|e| anyhow!("entry {index} is not proven in the served tree: {e}"))?;
        if verified_leaf == served_leaf {
            bail!("entry {index} is the same in both trees: that proves no fork");
        }
        return Ok(done(format!(
            "entry {index} is {} in the verified tree and {} in the served tree, each \
             proven included in its signed tree",
            verified_leaf.to_base64(),
            served_leaf.to_base64()
        )));
    }
    let (small, large) = if verified.size <= served.size {
        (&verified, &served)
    } else {
        (&served, &verified)
    };
    let proof = decode_hashes(&evidence.consistency_proof, "consistency_proof")?;
    match verify_consistency(small.size, large.size, &small.root, &large.root, &proof) {
        Ok(()) => bail!(
            "the consistency proof from {} to {} verifies: the checkpoints are consistent, \
             no fork",
            small.size,
            large.size
        ),
        Err(e) => bail!(
            "not proven: the primary's consistency proof from {} to {} fails ({e}), but a \
             failed proof alone does not show two histories, and the file names no \
             divergent entry",
            small.size,
            large.size
        ),
    }
}

#[cfg(test)]
mod tests {
    use ledger_tlog::{
        consistency_proof, inclusion_proof, leaf_hash, tree_root, MemoryHashStore, NoteSigner,
        SignedCheckpoint,
    };

    use super::*;

    const ORIGIN: &str = "example.org/log";

    fn signer() -> NoteSigner {
        NoteSigner::from_seed(ORIGIN, [1; 32]).unwrap()
    }

    fn tree(entries: &[&str]) -> MemoryHashStore {
        MemoryHashStore::from_entries(entries.iter().map(|e| e.as_bytes().to_vec())).unwrap()
    }

    fn note(store: &MemoryHashStore) -> String {
        let checkpoint = Checkpoint {
            origin: ORIGIN.into(),
            size: store.size(),
            root: tree_root(store.size(), store).unwrap(),
            extensions: Vec::new(),
        };
        SignedCheckpoint::sign(&checkpoint, &signer()).unwrap()
    }

    fn base64(hashes: &[ledger_tlog::Hash]) -> Vec<String> {
        hashes.iter().map(|h| h.to_base64()).collect()
    }

    /// Evidence of two histories that share their first two entries.
    fn forked() -> ForkEvidence {
        let verified = tree(&["a", "b", "c", "d"]);
        let served = tree(&["a", "b", "x", "d", "e"]);
        ForkEvidence {
            format: FORMAT.into(),
            verifier_key: signer().verifier().verifier_key(),
            primary: "https://primary.example".into(),
            verified_checkpoint: note(&verified),
            served_checkpoint: note(&served),
            consistency_proof: base64(&consistency_proof(4, 5, &served).unwrap()),
            divergent: Some(DivergentEntry {
                index: 2,
                verified_leaf_hash: leaf_hash(b"c").to_base64(),
                verified_inclusion: base64(&inclusion_proof(2, 4, &verified).unwrap()),
                served_leaf_hash: leaf_hash(b"x").to_base64(),
                served_inclusion: base64(&inclusion_proof(2, 5, &served).unwrap()),
            }),
        }
    }

    #[test]
    fn a_divergent_entry_proven_in_both_trees_proves_a_fork() {
        let checked = check(&forked(), &signer().verifier()).unwrap();
        assert!(checked.to_string().contains("entry 2"), "{checked}");
    }

    #[test]
    fn two_roots_for_one_size_prove_a_fork() {
        let mut evidence = forked();
        evidence.served_checkpoint = note(&tree(&["a", "b", "x", "d"]));
        evidence.divergent = None;
        let checked = check(&evidence, &signer().verifier()).unwrap();
        assert!(checked.to_string().contains("different roots"), "{checked}");
    }

    #[test]
    fn a_failed_proof_alone_a_consistent_log_or_another_key_prove_nothing() {
        let key = signer().verifier();
        let mut alone = forked();
        alone.divergent = None;
        assert!(check(&alone, &key)
            .unwrap_err()
            .to_string()
            .contains("not proven"));

        let old = tree(&["a", "b", "c"]);
        let new = tree(&["a", "b", "c", "d"]);
        let consistent = ForkEvidence {
            verified_checkpoint: note(&old),
            served_checkpoint: note(&new),
            consistency_proof: base64(&consistency_proof(3, 4, &new).unwrap()),
            divergent: None,
            ..forked()
        };
        assert!(check(&consistent, &key)
            .unwrap_err()
            .to_string()
            .contains("no fork"));

        let other = NoteSigner::from_seed(ORIGIN, [2; 32]).unwrap().verifier();
        assert!(check(&forked(), &other).is_err());

        let mut same_leaf = forked();
        if let Some(entry) = &mut same_leaf.divergent {
            entry.served_leaf_hash = entry.verified_leaf_hash.clone();
        }
        assert!(check(&same_leaf, &key).is_err());
    }
}
