//! What a ledger directory holds, file by file and tree by tree, for the tests that show
//! a quarantined ledger (or server) left it exactly as it was. Shared by the store's
//! quarantine tests and, through `#[path]`, by `ledger-cli`'s `damaged_serve.rs`.
//!
//! It reads only; it must never open a directory whose ledger is still open (sled holds
//! one process-wide lock per database).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every key and value of every tree of the closed database.
///
/// sled releases its file lock when its last background flusher lets go of the database,
/// which can be a moment after the ledger was dropped; the open is retried (for up to ten
/// seconds) while the lock is still held, and any other failure fails the test at once.
pub fn dump(dir: &Path) -> BTreeMap<(Vec<u8>, Vec<u8>), Vec<u8>> {
    let mut attempts = 0;
    let db = loop {
        match sled::open(dir) {
            Ok(db) => break db,
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && attempts < 200 =>
            {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => panic!("cannot open {} to compare its trees: {e}", dir.display()),
        }
    };
    let mut all = BTreeMap::new();
    for name in db.tree_names() {
        let tree = db.open_tree(&name).unwrap();
        for item in tree.iter() {
            let (k, v) = item.unwrap();
            all.insert((name.to_vec(), k.to_vec()), v.to_vec());
        }
    }
    all
}

/// Every file under `dir` (by relative name) with its bytes, except sled's snapshot
/// files `snap.*`: sled itself writes a new one (and removes the old) when it opens a
/// database whose log has moved past its last snapshot, whoever opens it, so their names
/// change on the first open after any write; what they hold is compared through [`dump`].
/// sled's `db`, `conf` and `blobs/` are compared byte for byte like every other file.
pub fn owned_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                folders.push(path);
            } else if !name.to_string_lossy().starts_with("snap.") {
                all.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    all
}

/// Asserts that `after` names the same files as `before`, each with the same bytes;
/// `what` says what ran in between.
pub fn assert_files_unchanged(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "{what} added or removed a file"
    );
    for (name, bytes) in before {
        assert!(
            after.get(name) == Some(bytes),
            "{what} changed {}",
            name.display()
        );
    }
}
