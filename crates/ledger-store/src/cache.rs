//! The cache files of a ledger directory: files beside the database that a reader keeps
//! to start faster (the API's projection snapshot), owned by the store like every other
//! file of the directory.
//!
//! A cache is never part of the log and never trusted: whoever reads one checks it
//! against the log and rebuilds when it does not match, so it may be stale, damaged or
//! gone at any moment. Caches are a closed list ([`Cache`]), so no caller names a path in
//! the directory. This module must never write while the ledger is in quarantine (a
//! damaged ledger's directory is left exactly as it was found), and never write a cache
//! in place: a new one is written beside it and renamed over it.

use std::path::{Path, PathBuf};

use crate::error::StoreError;
use crate::Ledger;

/// A cache file of the ledger directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cache {
    /// `projections.snapshot`: the read model of the API at some position, with that
    /// position and the head hash there (see `ledger_projections::snapshot`).
    Projections,
}

impl Cache {
    /// The file's name inside the ledger directory.
    pub const fn file_name(self) -> &'static str {
        match self {
            Cache::Projections => "projections.snapshot",
        }
    }
}

/// Reads `cache` in the ledger directory `dir`; `None` when there is none. For a reader
/// that starts before the ledger is open (a fold during [`Ledger::open_folding`]); it
/// writes nothing.
pub fn read_cache(dir: &Path, cache: Cache) -> Result<Option<Vec<u8>>, StoreError> {
    let path = dir.join(cache.file_name());
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

impl Ledger {
    /// Reads `cache` in this ledger's directory; `None` when there is none.
    pub fn read_cache(&self, cache: Cache) -> Result<Option<Vec<u8>>, StoreError> {
        read_cache(self.data_dir(), cache)
    }

    /// Replaces `cache` in this ledger's directory with `bytes`: written to a temporary
    /// file beside it, then renamed over it, so a crash leaves the old cache or the new
    /// one. Not made durable: a cache lost in a crash is rebuilt.
    ///
    /// A ledger in quarantine refuses with [`StoreError::Damaged`] and writes nothing.
    pub fn write_cache(&self, cache: Cache, bytes: &[u8]) -> Result<(), StoreError> {
        self.refuse_if_damaged()?;
        let path = self.data_dir().join(cache.file_name());
        let temp: PathBuf = self.data_dir().join(format!("{}.tmp", cache.file_name()));
        std::fs::write(&temp, bytes).map_err(|e| StoreError::io(&temp, e))?;
        std::fs::rename(&temp, &path).map_err(|e| StoreError::io(&path, e))
    }
}
