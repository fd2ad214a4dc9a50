//! Known-answer tests for the Merkle tree, roots and proofs, and the
//! decided behaviour at the edges RFC 9162 leaves open.
//!
//! The vectors are copied verbatim from transparency-dev/merkle,
//! proof/verify_test.go (variables `leaves`, `roots`, `inclusionProofs`,
//! `consistencyProofs`; the same data as certificate-transparency-go's
//! merkletree tests), whose leaf numbers in `inclusionProofs` are 1-based.
//! The corruption probes mirror `corruptInclusionProof` and
//! `corruptConsistencyProof` from that file. These tests must never be
//! weakened to match the code: if one fails, the code is wrong.

use ledger_tlog::{
    consistency_proof, hashes_to_store, inclusion_proof, leaf_hash, node_hash, tree_root,
    verify_consistency, verify_inclusion, Hash, MemoryHashStore, TlogError, EMPTY_ROOT,
};
use sha2::{Digest, Sha256};

fn h(hex: &str) -> Hash {
    Hash::from_hex(hex).unwrap()
}

/// The eight entries of the reference tree (`leaves` in verify_test.go).
fn entries() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|e| hex::decode(e).unwrap())
    .collect()
}

/// Roots of the trees of sizes 1 to 8 (`roots` in verify_test.go).
fn roots() -> Vec<Hash> {
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    .iter()
    .map(|r| h(r))
    .collect()
}

/// (1-based leaf, tree size, proof) from `inclusionProofs`.
fn inclusion_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            3,
            3,
            vec![h(
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            )],
        ),
        (
            2,
            5,
            vec![
                h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
    ]
}

/// (old size, new size, proof) from `consistencyProofs`.
fn consistency_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            5,
            vec![
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
        (
            6,
            7,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
    ]
}

fn store() -> MemoryHashStore {
    MemoryHashStore::from_entries(entries()).unwrap()
}

/// `sha256SomeHash` from verify_test.go, an arbitrary wrong hash.
fn some_hash() -> Hash {
    h("abacaba000000000000000000000000000000000000000000060061e00123456")
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    let digest: [u8; 32] = Sha256::digest(b"").into();
    assert_eq!(EMPTY_ROOT, Hash(digest));
    assert_eq!(
        EMPTY_ROOT.to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(tree_root(0, &MemoryHashStore::new()).unwrap(), EMPTY_ROOT);
}

#[test]
fn leaf_and_node_hashes_use_domain_prefixes() {
    // The size-1 root is the leaf hash of the empty entry: SHA-256(0x00).
    assert_eq!(leaf_hash(b""), roots()[0]);
    let digest: [u8; 32] = Sha256::digest([0x00]).into();
    assert_eq!(leaf_hash(b""), Hash(digest));
    // The size-2 root is the node over the first two leaves.
    let entries = entries();
    assert_eq!(
        node_hash(&leaf_hash(&entries[0]), &leaf_hash(&entries[1])),
        roots()[1]
    );
}

#[test]
fn roots_match_reference_for_every_size() {
    let store = store();
    for (size, root) in (1..=8).zip(roots()) {
        assert_eq!(tree_root(size, &store).unwrap(), root, "size {size}");
    }
}

#[test]
fn inclusion_proofs_match_reference() {
    let store = store();
    let entries = entries();
    let roots = roots();
    for (leaf, size, want) in inclusion_vectors() {
        let index = leaf - 1;
        let proof = inclusion_proof(index, size, &store).unwrap();
        assert_eq!(proof, want, "leaf {leaf} size {size}");
        let leaf_h = leaf_hash(&entries[index as usize]);
        let root = roots[size as usize - 1];
        verify_inclusion(&leaf_h, index, size, &proof, &root).unwrap();
        for (what, probe) in corrupt_inclusion(index, size, &proof, &root, &leaf_h) {
            assert!(
                verify_inclusion(
                    &probe.leaf,
                    probe.index,
                    probe.size,
                    &probe.proof,
                    &probe.root
                )
                .is_err(),
                "leaf {leaf} size {size}: {what} verified"
            );
        }
    }
}

#[test]
fn consistency_proofs_match_reference() {
    let store = store();
    let roots = roots();
    for (old, new, want) in consistency_vectors() {
        let proof = consistency_proof(old, new, &store).unwrap();
        assert_eq!(proof, want, "{old} -> {new}");
        let (old_root, new_root) = (roots[old as usize - 1], roots[new as usize - 1]);
        verify_consistency(old, new, &old_root, &new_root, &proof).unwrap();
        if proof.is_empty() {
            continue;
        }
        for (what, probe) in corrupt_consistency(old, new, &old_root, &new_root, &proof) {
            assert!(
                verify_consistency(
                    probe.old,
                    probe.new,
                    &probe.old_root,
                    &probe.new_root,
                    &probe.proof
                )
                .is_err(),
                "{old} -> {new}: {what} verified"
            );
        }
    }
}

struct InclusionProbe {
    index: u64,
    size: u64,
    leaf: Hash,
    root: Hash,
    proof: Vec<Hash>,
}

/// Port of `corruptInclusionProof`: every probe must fail to verify.
fn corrupt_inclusion(
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
    leaf: &Hash,
) -> Vec<(String, InclusionProbe)> {
    let probe = |index: u64, size: u64, leaf: Hash, root: Hash, proof: Vec<Hash>| InclusionProbe {
        index,
        size,
        leaf,
        root,
        proof,
    };
    let p = proof.to_vec();
    let with = |front: Option<Hash>, back: Option<Hash>| -> Vec<Hash> {
        front
            .into_iter()
            .chain(p.iter().copied())
            .chain(back)
            .collect()
    };
    let mut out = vec![
        (
            "index + 1".into(),
            probe(index + 1, size, *leaf, *root, p.clone()),
        ),
        (
            "index ^ 2".into(),
            probe(index ^ 2, size, *leaf, *root, p.clone()),
        ),
        (
            "size * 2".into(),
            probe(index, size * 2, *leaf, *root, p.clone()),
        ),
        (
            "size / 2".into(),
            probe(index, size / 2, *leaf, *root, p.clone()),
        ),
        (
            "wrong leaf".into(),
            probe(index, size, leaf_hash(b"WrongLeaf"), *root, p.clone()),
        ),
        (
            "empty root".into(),
            probe(index, size, *leaf, EMPTY_ROOT, p.clone()),
        ),
        (
            "random root".into(),
            probe(index, size, *leaf, some_hash(), p.clone()),
        ),
        (
            "trailing garbage".into(),
            probe(index, size, *leaf, *root, with(None, Some(Hash([0; 32])))),
        ),
        (
            "trailing root".into(),
            probe(index, size, *leaf, *root, with(None, Some(*root))),
        ),
        (
            "preceding garbage".into(),
            probe(index, size, *leaf, *root, with(Some(Hash([0; 32])), None)),
        ),
        (
            "preceding root".into(),
            probe(index, size, *leaf, *root, with(Some(*root), None)),
        ),
    ];
    if let Some(before) = index.checked_sub(1) {
        out.push((
            "index - 1".into(),
            probe(before, size, *leaf, *root, p.clone()),
        ));
    }
    for i in 0..p.len() {
        let mut wrong = p.clone();
        wrong[i].0[0] ^= 8;
        out.push((
            format!("modified proof[{i}] bit 3"),
            probe(index, size, *leaf, *root, wrong),
        ));
    }
    if !p.is_empty() {
        out.push((
            "removed component".into(),
            probe(index, size, *leaf, *root, p[..p.len() - 1].to_vec()),
        ));
    }
    if p.len() > 1 {
        let mut wrong = vec![p[0], some_hash()];
        wrong.extend_from_slice(&p[1..]);
        out.push((
            "inserted component".into(),
            probe(index, size, *leaf, *root, wrong),
        ));
    }
    out
}

struct ConsistencyProbe {
    old: u64,
    new: u64,
    old_root: Hash,
    new_root: Hash,
    proof: Vec<Hash>,
}

/// Port of `corruptConsistencyProof`: every probe must fail to verify.
fn corrupt_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Vec<(String, ConsistencyProbe)> {
    let probe =
        |old: u64, new: u64, old_root: Hash, new_root: Hash, proof: Vec<Hash>| ConsistencyProbe {
            old,
            new,
            old_root,
            new_root,
            proof,
        };
    let p = proof.to_vec();
    let with = |front: Option<Hash>, back: Option<Hash>| -> Vec<Hash> {
        front
            .into_iter()
            .chain(p.iter().copied())
            .chain(back)
            .collect()
    };
    let (o, n) = (*old_root, *new_root);
    let wrong = leaf_hash(b"WrongRoot");
    let mut out = vec![
        ("old - 1".into(), probe(old - 1, new, o, n, p.clone())),
        ("old + 1".into(), probe(old + 1, new, o, n, p.clone())),
        ("old ^ 2".into(), probe(old ^ 2, new, o, n, p.clone())),
        ("new * 2".into(), probe(old, new * 2, o, n, p.clone())),
        ("new / 2".into(), probe(old, new / 2, o, n, p.clone())),
        (
            "wrong old root".into(),
            probe(old, new, wrong, n, p.clone()),
        ),
        (
            "wrong new root".into(),
            probe(old, new, o, wrong, p.clone()),
        ),
        ("swapped roots".into(), probe(old, new, n, o, p.clone())),
        ("empty proof".into(), probe(old, new, o, n, vec![])),
        (
            "trailing garbage".into(),
            probe(old, new, o, n, with(None, Some(Hash([0; 32])))),
        ),
        (
            "trailing old root".into(),
            probe(old, new, o, n, with(None, Some(o))),
        ),
        (
            "trailing new root".into(),
            probe(old, new, o, n, with(None, Some(n))),
        ),
        (
            "preceding garbage".into(),
            probe(old, new, o, n, with(Some(Hash([0; 32])), None)),
        ),
        (
            "preceding old root".into(),
            probe(old, new, o, n, with(Some(o), None)),
        ),
        (
            "preceding new root".into(),
            probe(old, new, o, n, with(Some(n), None)),
        ),
        (
            "preceding proof[0]".into(),
            probe(old, new, o, n, with(Some(p[0]), None)),
        ),
        (
            "truncated proof".into(),
            probe(old, new, o, n, p[..p.len() - 1].to_vec()),
        ),
    ];
    for i in 0..p.len() {
        let mut wrong = p.clone();
        wrong[i].0[0] ^= 16;
        out.push((
            format!("modified proof[{i}] bit 4"),
            probe(old, new, o, n, wrong),
        ));
    }
    out
}

#[test]
fn inclusion_edge_cases() {
    let leaf = leaf_hash(b"data");
    // A one-leaf tree: the root is the leaf hash and the proof is empty.
    verify_inclusion(&leaf, 0, 1, &[], &leaf).unwrap();
    assert_eq!(
        verify_inclusion(&leaf, 0, 1, &[], &some_hash()),
        Err(TlogError::RootMismatch)
    );
    // Indexes outside the tree never verify (the probes of TestVerifyInclusion).
    for (index, size) in [(0, 0), (1, 0), (2, 1), (1, 1)] {
        assert_eq!(
            verify_inclusion(&some_hash(), index, size, &[], &EMPTY_ROOT),
            Err(TlogError::IndexOutOfRange { index, size })
        );
    }
    assert_eq!(
        verify_inclusion(&leaf, 0, 2, &[], &leaf),
        Err(TlogError::ProofTooShort)
    );
    assert_eq!(
        verify_inclusion(&leaf, 0, 1, &[leaf], &leaf),
        Err(TlogError::ProofTooLong)
    );
    assert_eq!(
        inclusion_proof(8, 8, &store()),
        Err(TlogError::IndexOutOfRange { index: 8, size: 8 })
    );
}

#[test]
fn consistency_edge_cases() {
    let roots = roots();
    let (r1, r8) = (roots[0], roots[7]);
    // old == new: empty proof and equal roots.
    verify_consistency(1, 1, &r1, &r1, &[]).unwrap();
    verify_consistency(8, 8, &r8, &r8, &[]).unwrap();
    assert_eq!(
        verify_consistency(1, 1, &r1, &r8, &[]),
        Err(TlogError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(1, 1, &r1, &r1, &[r1]),
        Err(TlogError::ProofTooLong)
    );
    // old == 0: empty proof, and the old root must be the empty-tree hash.
    verify_consistency(0, 0, &EMPTY_ROOT, &EMPTY_ROOT, &[]).unwrap();
    verify_consistency(0, 8, &EMPTY_ROOT, &r8, &[]).unwrap();
    assert_eq!(
        verify_consistency(0, 8, &r1, &r8, &[]),
        Err(TlogError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(0, 0, &EMPTY_ROOT, &r1, &[]),
        Err(TlogError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(0, 1, &EMPTY_ROOT, &r1, &[EMPTY_ROOT]),
        Err(TlogError::ProofTooLong)
    );
    assert_eq!(
        consistency_proof(0, 8, &store()).unwrap(),
        Vec::<Hash>::new()
    );
    // Time travel to the past.
    assert_eq!(
        verify_consistency(2, 1, &r1, &r1, &[]),
        Err(TlogError::SizeOutOfOrder { old: 2, new: 1 })
    );
    assert_eq!(
        consistency_proof(2, 1, &store()),
        Err(TlogError::SizeOutOfOrder { old: 2, new: 1 })
    );
    // A real step with no proof.
    assert_eq!(
        verify_consistency(1, 2, &r1, &roots[1], &[]),
        Err(TlogError::ProofTooShort)
    );
}

#[test]
fn hashes_to_store_follows_stored_hash_layout() {
    let entries = entries();
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let mut store = MemoryHashStore::new();
    for leaf in &leaves[..7] {
        store.append(*leaf).unwrap();
    }
    // Leaf 7 (binary 111) completes subtrees at levels 1, 2 and 3.
    let added = hashes_to_store(7, leaves[7], &store).unwrap();
    let l1 = node_hash(&leaves[6], &leaves[7]);
    let l2 = node_hash(&node_hash(&leaves[4], &leaves[5]), &l1);
    assert_eq!(
        added,
        vec![
            (0, 7, leaves[7]),
            (1, 3, l1),
            (2, 1, l2),
            (3, 0, roots()[7])
        ]
    );
    // Leaf 4 (binary 100) completes nothing.
    assert_eq!(
        hashes_to_store(4, leaves[4], &store).unwrap(),
        vec![(0, 4, leaves[4])]
    );
    // A reader missing the left sibling reports which hash it lacks.
    assert_eq!(
        hashes_to_store(1, leaves[1], &MemoryHashStore::new()),
        Err(TlogError::MissingHash { level: 0, index: 0 })
    );
    // A tree of 2^64 leaves cannot be sized by a u64.
    assert!(hashes_to_store(u64::MAX, leaves[0], &store).is_err());
    // Asking for a tree larger than what is stored fails cleanly.
    assert!(tree_root(9, &store).is_err());
}

#[test]
fn hash_encodings_are_strict() {
    let root = roots()[7];
    assert_eq!(Hash::from_base64(&root.to_base64()).unwrap(), root);
    assert_eq!(
        Hash::from_base64(&root.to_base64().replace('=', "")),
        Err(TlogError::BadHashEncoding)
    );
    assert_eq!(
        Hash::from_base64("AAAA"),
        Err(TlogError::BadHashLength { len: 3 })
    );
    assert_eq!(Hash::from_hex("zz"), Err(TlogError::BadHashEncoding));
    assert_eq!(
        format!("{root:?}"),
        "Hash(5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328)"
    );
}
