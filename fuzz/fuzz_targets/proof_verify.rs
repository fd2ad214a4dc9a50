//! Fuzzes proof checking: the auditor's inclusion-receipt parser and checker
//! (`ledger_audit::proof_file::check`) on text starting with `{`, and otherwise
//! `verify_inclusion` / `verify_consistency` with arbitrary hashes, indices and sizes,
//! plus real proofs from the demo tree with arbitrary damage.
//!
//! Properties: nothing panics or overflows; a receipt that checks proves a record at its
//! stated position in a checkpoint the fixed key signed; a real proof verifies, and a
//! damaged one (other hashes, other length, other index or size) never does.
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use ledger_core::record::record_hash;
use ledger_fuzz::{demo_tree, verifier, DemoTree, DEMO_ORIGIN};
use ledger_tlog::{
    consistency_proof, inclusion_proof, leaf_hash, tree_root, verify_consistency, verify_inclusion,
    Hash,
};
use libfuzzer_sys::fuzz_target;

/// Arbitrary numbers and hashes for the verifiers.
#[derive(Debug, Arbitrary)]
struct Claim {
    index: u64,
    size: u64,
    old: u64,
    leaf: [u8; 32],
    root: [u8; 32],
    old_root: [u8; 32],
    proof: Vec<[u8; 32]>,
    /// Damage to a real proof: (byte offset, xor mask).
    flips: Vec<(u16, u8)>,
    /// Hashes dropped from (positive) or added to (negative) the end of a real proof.
    resize: i8,
}

fn full_tree() -> &'static DemoTree {
    static TREE: OnceLock<DemoTree> = OnceLock::new();
    TREE.get_or_init(|| demo_tree(u64::MAX))
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        check_receipt(data);
    } else if let Ok(claim) = Claim::arbitrary_take_rest(Unstructured::new(data)) {
        check_claim(&claim);
    }
});

fn check_receipt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(checked) = ledger_audit::proof_file::check(text, verifier(), None) {
        assert_eq!(checked.checkpoint.origin, DEMO_ORIGIN);
        assert!(checked.record.position.0 < checked.checkpoint.size);
        let record = checked.record.encode().expect("a checked record encodes");
        assert_eq!(checked.record_hash, record_hash(&record));
        let _ = checked.to_string();
    }
}

fn check_claim(claim: &Claim) {
    let hashes: Vec<Hash> = claim.proof.iter().copied().map(Hash).collect();
    let _ = verify_inclusion(
        &Hash(claim.leaf),
        claim.index,
        claim.size,
        &hashes,
        &Hash(claim.root),
    );
    let _ = verify_consistency(
        claim.old,
        claim.size,
        &Hash(claim.old_root),
        &Hash(claim.root),
        &hashes,
    );
    let _ = verify_consistency(
        claim.size,
        claim.old,
        &Hash(claim.root),
        &Hash(claim.old_root),
        &hashes,
    );

    let tree = full_tree();
    let size = 1 + claim.size % tree.size;
    let index = claim.index % size;
    let old = claim.old % (size + 1);
    let root = tree_root(size, &tree.store).expect("the demo root");
    let old_root = tree_root(old, &tree.store).expect("the demo root");

    let real = inclusion_proof(index, size, &tree.store).expect("a demo proof");
    let leaf = demo_leaf(index);
    assert_eq!(verify_inclusion(&leaf, index, size, &real, &root), Ok(()));
    let damaged = damage(&real, claim);
    let verdict = verify_inclusion(&leaf, index, size, &damaged, &root);
    assert_eq!(
        verdict.is_ok(),
        damaged == real,
        "inclusion {index} in {size}: {verdict:?}"
    );
    let other = index ^ (1 + claim.old % size);
    if other < size {
        assert!(verify_inclusion(&leaf, other, size, &real, &root).is_err());
    }

    let real = consistency_proof(old, size, &tree.store).expect("a demo proof");
    assert_eq!(
        verify_consistency(old, size, &old_root, &root, &real),
        Ok(())
    );
    let damaged = damage(&real, claim);
    let verdict = verify_consistency(old, size, &old_root, &root, &damaged);
    // Between equal sizes or from the empty tree the proof is empty and only the roots
    // matter; otherwise any change to the proof must be caught.
    assert_eq!(
        verdict.is_ok(),
        damaged == real,
        "consistency {old} to {size}: {verdict:?}"
    );
}

/// `proof` with the claim's byte flips and length change applied.
fn damage(proof: &[Hash], claim: &Claim) -> Vec<Hash> {
    let mut out = proof.to_vec();
    if claim.resize > 0 {
        let keep = out.len().saturating_sub(claim.resize as usize);
        out.truncate(keep);
    } else if claim.resize < 0 {
        out.extend(
            claim
                .proof
                .iter()
                .copied()
                .map(Hash)
                .take(claim.resize.unsigned_abs() as usize),
        );
    }
    let bytes = out.len() * 32;
    if bytes > 0 {
        for &(offset, mask) in &claim.flips {
            let at = usize::from(offset) % bytes;
            out[at / 32].0[at % 32] ^= mask;
        }
    }
    out
}

/// The leaf hash of demo record `index`.
fn demo_leaf(index: u64) -> Hash {
    leaf_hash(&ledger_fuzz::demo().records[index as usize].bytes)
}
