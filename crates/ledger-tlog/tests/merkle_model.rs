//! Checks the stored-hash implementation against a naive, directly
//! recursive transcription of RFC 9162 §2.1 (MTH, PATH and PROOF), and
//! property tests that proofs verify and that any single flipped bit breaks
//! them.
//!
//! The naive model must stay a literal reading of the RFC and must never
//! share code with the crate, or the comparison would prove nothing.

use std::sync::OnceLock;

use ledger_tlog::{
    consistency_proof, inclusion_proof, leaf_hash, node_hash, tree_root, verify_consistency,
    verify_inclusion, Hash, MemoryHashStore, EMPTY_ROOT,
};
use proptest::prelude::*;

/// The largest tree the property tests use; one store of this size serves
/// every smaller tree, because stored hashes never change after an append.
const MAX_SIZE: u64 = 3000;

fn entry(i: u64) -> Vec<u8> {
    format!("entry {i}").into_bytes()
}

fn leaves() -> &'static [Hash] {
    static LEAVES: OnceLock<Vec<Hash>> = OnceLock::new();
    LEAVES.get_or_init(|| (0..MAX_SIZE).map(|i| leaf_hash(&entry(i))).collect())
}

fn big_store() -> &'static MemoryHashStore {
    static STORE: OnceLock<MemoryHashStore> = OnceLock::new();
    STORE.get_or_init(|| MemoryHashStore::from_entries((0..MAX_SIZE).map(entry)).unwrap())
}

/// The largest power of two strictly less than n (n >= 2).
fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) from RFC 9162 §2.1.1, over leaf hashes.
fn naive_mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => EMPTY_ROOT,
        1 => leaves[0],
        n => {
            let k = k_of(n);
            node_hash(&naive_mth(&leaves[..k]), &naive_mth(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]) from RFC 9162 §2.1.3.1.
fn naive_path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n == 1 {
        return vec![];
    }
    let k = k_of(n);
    if m < k {
        let mut p = naive_path(m, &leaves[..k]);
        p.push(naive_mth(&leaves[k..]));
        p
    } else {
        let mut p = naive_path(m - k, &leaves[k..]);
        p.push(naive_mth(&leaves[..k]));
        p
    }
}

/// SUBPROOF(m, D[n], b) from RFC 9162 §2.1.4.1.
fn naive_subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if b { vec![] } else { vec![naive_mth(leaves)] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = naive_subproof(m, &leaves[..k], b);
        p.push(naive_mth(&leaves[k..]));
        p
    } else {
        let mut p = naive_subproof(m - k, &leaves[k..], false);
        p.push(naive_mth(&leaves[..k]));
        p
    }
}

#[test]
fn stored_roots_match_naive_mth_up_to_300() {
    let mut store = MemoryHashStore::new();
    let leaves = leaves();
    assert_eq!(tree_root(0, &store).unwrap(), naive_mth(&[]));
    for size in 1..=300u64 {
        store.append(leaves[size as usize - 1]).unwrap();
        assert_eq!(store.size(), size);
        assert_eq!(
            tree_root(size, &store).unwrap(),
            naive_mth(&leaves[..size as usize]),
            "size {size}"
        );
    }
}

#[test]
fn proofs_match_naive_rfc_order_up_to_70() {
    let store = big_store();
    let leaves = leaves();
    for n in 1..=70usize {
        let tree = &leaves[..n];
        for m in 0..n {
            assert_eq!(
                inclusion_proof(m as u64, n as u64, store).unwrap(),
                naive_path(m, tree),
                "PATH({m}, D[{n}])"
            );
        }
        for m in 1..=n {
            assert_eq!(
                consistency_proof(m as u64, n as u64, store).unwrap(),
                naive_subproof(m, tree, true),
                "PROOF({m}, D[{n}])"
            );
        }
    }
}

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut bytes = hash.0;
    bytes[bit / 8] ^= 1 << (bit % 8);
    Hash(bytes)
}

proptest! {
    // Each case checks every proof of one tree, so few cases cover a lot.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn every_inclusion_proof_of_a_tree_verifies(size in 1..=MAX_SIZE) {
        let store = big_store();
        let root = tree_root(size, store).unwrap();
        for index in 0..size {
            let proof = inclusion_proof(index, size, store).unwrap();
            let leaf = leaves()[index as usize];
            prop_assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
        }
    }

    #[test]
    fn every_consistency_proof_into_a_tree_verifies(new in 0..=MAX_SIZE) {
        let store = big_store();
        let new_root = tree_root(new, store).unwrap();
        for old in 0..=new {
            let proof = consistency_proof(old, new, store).unwrap();
            let old_root = tree_root(old, store).unwrap();
            prop_assert_eq!(verify_consistency(old, new, &old_root, &new_root, &proof), Ok(()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_flipped_bit_breaks_inclusion(
        size in 1..=MAX_SIZE,
        index_seed in any::<u64>(),
        target_seed in any::<usize>(),
        bit in 0..256usize,
    ) {
        let store = big_store();
        let index = index_seed % size;
        let root = tree_root(size, store).unwrap();
        let leaf = leaves()[index as usize];
        let proof = inclusion_proof(index, size, store).unwrap();
        prop_assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
        // Target 0 is the leaf, 1 the root, and 2.. the proof elements.
        let target = target_seed % (proof.len() + 2);
        let (mut leaf, mut root, mut proof) = (leaf, root, proof);
        match target {
            0 => leaf = flip(&leaf, bit),
            1 => root = flip(&root, bit),
            t => proof[t - 2] = flip(&proof[t - 2], bit),
        }
        prop_assert!(verify_inclusion(&leaf, index, size, &proof, &root).is_err());
    }

    #[test]
    fn any_flipped_bit_breaks_consistency(
        new in 1..=MAX_SIZE,
        old_seed in any::<u64>(),
        target_seed in any::<usize>(),
        bit in 0..256usize,
    ) {
        let store = big_store();
        // old == 0 is excluded: with nothing to prove, the new root is
        // deliberately unconstrained.
        let old = 1 + old_seed % new;
        let old_root = tree_root(old, store).unwrap();
        let new_root = tree_root(new, store).unwrap();
        let proof = consistency_proof(old, new, store).unwrap();
        prop_assert_eq!(verify_consistency(old, new, &old_root, &new_root, &proof), Ok(()));
        // Target 0 is the old root, 1 the new root, and 2.. the proof elements.
        let target = target_seed % (proof.len() + 2);
        let (mut old_root, mut new_root, mut proof) = (old_root, new_root, proof);
        match target {
            0 => old_root = flip(&old_root, bit),
            1 => new_root = flip(&new_root, bit),
            t => proof[t - 2] = flip(&proof[t - 2], bit),
        }
        prop_assert!(verify_consistency(old, new, &old_root, &new_root, &proof).is_err());
    }
}

#[test]
fn every_bit_of_every_proof_matters_in_small_trees() {
    let store = big_store();
    for size in 1..=13u64 {
        let root = tree_root(size, store).unwrap();
        for index in 0..size {
            let proof = inclusion_proof(index, size, store).unwrap();
            let leaf = leaves()[index as usize];
            for bit in 0..256 {
                assert!(verify_inclusion(&flip(&leaf, bit), index, size, &proof, &root).is_err());
                assert!(verify_inclusion(&leaf, index, size, &proof, &flip(&root, bit)).is_err());
                for i in 0..proof.len() {
                    let mut wrong = proof.clone();
                    wrong[i] = flip(&wrong[i], bit);
                    assert!(verify_inclusion(&leaf, index, size, &wrong, &root).is_err());
                }
            }
        }
        for old in 1..=size {
            let old_root = tree_root(old, store).unwrap();
            let proof = consistency_proof(old, size, store).unwrap();
            for bit in 0..256 {
                let bad_old = flip(&old_root, bit);
                let bad_new = flip(&root, bit);
                assert!(verify_consistency(old, size, &bad_old, &root, &proof).is_err());
                assert!(verify_consistency(old, size, &old_root, &bad_new, &proof).is_err());
                for i in 0..proof.len() {
                    let mut wrong = proof.clone();
                    wrong[i] = flip(&wrong[i], bit);
                    assert!(verify_consistency(old, size, &old_root, &root, &wrong).is_err());
                }
            }
        }
    }
}
