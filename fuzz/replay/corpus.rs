//! The committed fuzz corpus, as the ordinary tests that replay it read it: every crate's
//! `tests/fuzz_inputs.rs` includes this file (`#[path]`), so there is one loader.
//!
//! It owns finding and reading `fuzz/corpus/<target>/`. It must never hand back an empty
//! corpus: a folder that is missing, unreadable or empty fails the test that asked for
//! it, so a replay cannot pass on nothing.

// Each replay uses the loader it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every file of the committed corpus of fuzz target `target`, sorted by path.
///
/// Panics (failing the calling test) when the folder is missing or holds no file, or
/// when a file cannot be read.
pub fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    corpus_where(target, |_| true)
}

/// The files of the corpus of `target` that `keep` accepts (a replay of one kind of
/// input in a corpus of several); panics as [`corpus`] does when none is kept.
pub fn corpus_where(target: &str, keep: impl Fn(&[u8]) -> bool) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    files_of(&dir, keep)
}

/// Every file in `dir` that `keep` accepts, sorted by path; panics on a missing folder
/// or when no file is kept.
fn files_of(dir: &Path, keep: impl Fn(&[u8]) -> bool) -> Vec<(PathBuf, Vec<u8>)> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "the fuzz corpus {} is missing ({e}); it is committed under fuzz/corpus \
             (fuzz/README.md says how its seeds are made)",
            dir.display()
        )
    });
    let mut files: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .path();
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read corpus file {}: {e}", path.display()));
            (path, bytes)
        })
        .filter(|(_, bytes)| keep(bytes))
        .collect();
    assert!(
        !files.is_empty(),
        "the fuzz corpus {} holds no file of the kind replayed: the replay would check \
         nothing",
        dir.display()
    );
    files.sort();
    files
}

#[test]
#[should_panic(expected = "is missing")]
fn a_missing_corpus_fails_the_replay() {
    corpus("no-such-target");
}

#[test]
#[should_panic(expected = "holds no file of the kind replayed")]
fn an_empty_corpus_fails_the_replay() {
    /// Removes the empty folder when the test ends, panic or not.
    struct Removed(PathBuf);
    impl Drop for Removed {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let dir = std::env::temp_dir().join(format!("ledger-empty-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _removed = Removed(dir.clone());
    files_of(&dir, |_| true);
}

#[test]
#[should_panic(expected = "holds no file of the kind replayed")]
fn a_corpus_without_the_kind_replayed_fails_the_replay() {
    corpus_where("csv_import", |_| false);
}
