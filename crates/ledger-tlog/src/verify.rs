//! Verification of inclusion and consistency proofs, following the
//! algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 step by step so that a reader
//! can check this code against the RFC text.
//!
//! It must never need storage: a verifier (witness, auditor, client) holds
//! only roots, sizes and the proof it was sent, all of which are untrusted.

use crate::hash::{node_hash, Hash, EMPTY_ROOT};
use crate::TlogError;

/// Checks that `proof` shows the leaf with hash `leaf_hash` at `index` in the
/// tree of `size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), TlogError> {
    // Step 1: the leaf must be inside the tree.
    if index >= size {
        return Err(TlogError::IndexOutOfRange { index, size });
    }
    // Steps 2 and 3.
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if snode == 0 {
            return Err(TlogError::ProofTooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    if snode != 0 {
        return Err(TlogError::ProofTooShort);
    }
    if r != *root {
        return Err(TlogError::RootMismatch);
    }
    Ok(())
}

/// Checks that `proof` shows the tree of size `old` with root `old_root` to
/// be a prefix of the tree of size `new` with root `new_root`
/// (RFC 9162 §2.1.4.2, which covers 0 < old < new).
///
/// The edge cases the RFC leaves out are decided as follows. old == new
/// needs an empty proof and equal roots. old == 0 needs an empty proof and
/// `old_root` equal to the empty-tree hash (the only root a tree of size 0
/// can have); it then accepts any `new_root`, because every tree extends the
/// empty tree and there is nothing to prove. This matches transparency-dev's
/// verifier except that it also pins the size-0 root.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), TlogError> {
    if old > new {
        return Err(TlogError::SizeOutOfOrder { old, new });
    }
    if old == 0 || old == new {
        if !proof.is_empty() {
            return Err(TlogError::ProofTooLong);
        }
        let roots_agree = if old == 0 {
            *old_root == EMPTY_ROOT && (new > 0 || *new_root == EMPTY_ROOT)
        } else {
            old_root == new_root
        };
        return if roots_agree {
            Ok(())
        } else {
            Err(TlogError::RootMismatch)
        };
    }
    // Step 1.
    if proof.is_empty() {
        return Err(TlogError::ProofTooShort);
    }
    // Step 2: a power-of-two old tree is a single full subtree whose root the
    // proof omits, so the verifier supplies it itself.
    let mut path = proof.iter();
    let first = if old.is_power_of_two() {
        old_root
    } else {
        path.next().ok_or(TlogError::ProofTooShort)?
    };
    // Steps 3 and 4.
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (*first, *first);
    // Step 6.
    for c in path {
        if snode == 0 {
            return Err(TlogError::ProofTooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 7.
    if snode != 0 {
        return Err(TlogError::ProofTooShort);
    }
    if fr != *old_root || sr != *new_root {
        return Err(TlogError::RootMismatch);
    }
    Ok(())
}
