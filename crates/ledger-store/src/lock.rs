//! The directory lock: one process (and one open ledger within it) per directory.
//!
//! sled itself is not safe to open twice, and two writers would each believe they own
//! the head. The lock is an exclusive `flock` on `ledger.lock`, taken without waiting, so
//! a second open fails at once instead of hanging. The kernel drops it when the holder
//! exits, even on SIGKILL. This module must never delete the lock file: removing it while
//! another process waits on it would let two holders coexist.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use crate::error::StoreError;
use crate::layout::LOCK_FILE;

/// A held lock on a ledger directory; released when dropped.
#[derive(Debug)]
pub(crate) struct DirLock {
    file: File,
}

impl DirLock {
    /// Takes the lock on `dir`, creating the lock file if needed.
    pub(crate) fn acquire(dir: &Path) -> Result<DirLock, StoreError> {
        let path: PathBuf = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        match FileExt::try_lock_exclusive(&file) {
            Ok(true) => Ok(DirLock { file }),
            Ok(false) => Err(StoreError::Locked {
                dir: dir.to_path_buf(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(StoreError::Locked {
                dir: dir.to_path_buf(),
            }),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Closing the file releases the flock anyway; unlocking first just makes the
        // release independent of any other handle to the same open file.
        let _ = FileExt::unlock(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_in_the_same_process_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        assert!(matches!(
            DirLock::acquire(dir.path()),
            Err(StoreError::Locked { .. })
        ));
        drop(first);
        assert!(DirLock::acquire(dir.path()).is_ok());
    }
}
