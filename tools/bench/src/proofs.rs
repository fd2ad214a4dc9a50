//! The proof lines: RFC 6962 inclusion proofs generated from and verified against a tree
//! of a million leaves, with `ledger-tlog`'s in-memory hash store.
//!
//! Leaves are 300-byte entries that differ in their index (a record's size; a proof's
//! cost does not depend on the bytes). This module must never time the tree's
//! construction as part of a proof.

use std::time::Instant;

use anyhow::{anyhow, bail};
use ledger_tlog::{inclusion_proof, leaf_hash, tree_root, verify_inclusion, MemoryHashStore};
use serde::Serialize;

/// Mean cost of one proof.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ProofFigure {
    /// Leaves in the tree.
    pub tree_size: u64,
    /// Proofs taken.
    pub proofs: u32,
    /// Mean hashes per proof.
    pub proof_hashes: f64,
    /// Mean microseconds to generate one proof.
    pub generate_us: f64,
    /// Mean microseconds to verify one proof (the leaf hash included).
    pub verify_us: f64,
    /// Seconds to build the tree (not part of either figure).
    pub build_seconds: f64,
}

fn entry(index: u64) -> [u8; 300] {
    let mut bytes = [0x42u8; 300];
    bytes[..8].copy_from_slice(&index.to_be_bytes());
    bytes
}

/// Builds the tree, then generates and verifies `proofs` proofs of spread-out leaves.
pub fn inclusion(tree_size: u64, proofs: u32) -> anyhow::Result<ProofFigure> {
    let started = Instant::now();
    let mut store = MemoryHashStore::new();
    for index in 0..tree_size {
        store.append(leaf_hash(&entry(index)))?;
    }
    let root = tree_root(tree_size, &store)?;
    let build_seconds = started.elapsed().as_secs_f64();

    // A fixed multiplicative walk over the leaves: spread out, the same every run.
    let pick = |k: u32| (u64::from(k).wrapping_mul(2_654_435_761) + 12_345) % tree_size;
    let started = Instant::now();
    let mut taken = Vec::with_capacity(proofs as usize);
    for k in 0..proofs {
        let index = pick(k);
        taken.push((index, inclusion_proof(index, tree_size, &store)?));
    }
    let generate = started.elapsed();
    let hashes: usize = taken.iter().map(|(_, p)| p.len()).sum();

    let started = Instant::now();
    for (index, proof) in &taken {
        let leaf = leaf_hash(&entry(*index));
        verify_inclusion(&leaf, *index, tree_size, proof, &root)
            .map_err(|e| anyhow!("proof of leaf {index} does not verify: {e}"))?;
    }
    let verify = started.elapsed();
    if proofs == 0 {
        bail!("no proofs to take");
    }
    let n = f64::from(proofs);
    Ok(ProofFigure {
        tree_size,
        proofs,
        proof_hashes: hashes as f64 / n,
        generate_us: generate.as_secs_f64() * 1e6 / n,
        verify_us: verify.as_secs_f64() * 1e6 / n,
        build_seconds,
    })
}
