//! Criterion micro-benchmarks of the transparency log: SHA-256 leaf and node hashes,
//! appending to the in-memory hash store, and inclusion and consistency proofs in a tree
//! of 2^20 leaves.
//!
//! Run: `cargo bench -p ledger-tlog`. This file must never assert on timings.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ledger_tlog::{
    consistency_proof, inclusion_proof, leaf_hash, node_hash, tree_root, verify_consistency,
    verify_inclusion, MemoryHashStore,
};

const TREE: u64 = 1 << 20;

fn entry(index: u64) -> [u8; 300] {
    let mut bytes = [0x42u8; 300];
    bytes[..8].copy_from_slice(&index.to_be_bytes());
    bytes
}

fn benches(c: &mut Criterion) {
    let record = entry(1);
    c.bench_function("hash/leaf_hash (300 B)", |b| {
        b.iter(|| leaf_hash(black_box(&record)))
    });
    let left = leaf_hash(&entry(1));
    let right = leaf_hash(&entry(2));
    c.bench_function("hash/node_hash", |b| {
        b.iter(|| node_hash(black_box(&left), black_box(&right)))
    });

    let mut store = MemoryHashStore::new();
    for index in 0..TREE {
        store.append(leaf_hash(&entry(index))).unwrap();
    }
    let root = tree_root(TREE, &store).unwrap();
    c.bench_function("store/append (one leaf hash)", |b| {
        let mut grow = store.clone();
        b.iter(|| grow.append(black_box(right)).unwrap())
    });

    let index = 654_321;
    let proof = inclusion_proof(index, TREE, &store).unwrap();
    let leaf = leaf_hash(&entry(index));
    c.bench_function("proof/inclusion generate (2^20)", |b| {
        b.iter(|| inclusion_proof(black_box(index), TREE, &store).unwrap())
    });
    c.bench_function("proof/inclusion verify (2^20)", |b| {
        b.iter(|| verify_inclusion(black_box(&leaf), index, TREE, &proof, &root).unwrap())
    });

    let old = 700_001;
    let old_root = tree_root(old, &store).unwrap();
    let consistency = consistency_proof(old, TREE, &store).unwrap();
    c.bench_function("proof/consistency generate (700,001 -> 2^20)", |b| {
        b.iter(|| consistency_proof(black_box(old), TREE, &store).unwrap())
    });
    c.bench_function("proof/consistency verify (700,001 -> 2^20)", |b| {
        b.iter(|| verify_consistency(old, TREE, &old_root, &root, black_box(&consistency)).unwrap())
    });
    c.bench_function("tree/root (2^20, from stored hashes)", |b| {
        b.iter(|| tree_root(black_box(TREE), &store).unwrap())
    });
}

criterion_group!(tlog, benches);
criterion_main!(tlog);
