//! sled on disk: opening the database and its trees, and making written data durable.
//!
//! sled 0.34's `flush()` writes its buffers and calls `sync_file_range`, which neither
//! flushes the drive's cache nor the file's metadata (its size), and its blob files are
//! written without any sync. So after `flush()` this module `fsync`s the data file
//! `db`, every blob file not synced before, the `blobs/` directory when it gained files,
//! and the ledger directory (which holds sled's snapshot files, renamed into place).
//! This module must never report success for a sync that was skipped, except under
//! [`Durability::None`], which says so.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ledger_core::Head;

use crate::error::StoreError;
use crate::layout::{
    decode_indexed, COMMANDS_TREE, DB_FILE, EVENTS_TREE, FORMAT_KEY, INDEXED_KEY, MERKLE_TREE,
    META_TREE, SLED_CACHE_BYTES, STORE_FORMAT, STREAMS_TREE,
};
use crate::options::Durability;

/// How long to wait for sled's own file lock after ours was taken: only a ledger of
/// this same process that is still shutting down its background threads can hold it.
const SLED_LOCK_WAIT: Duration = Duration::from_secs(5);

/// The database and its five trees. Cloning shares them.
#[derive(Clone, Debug)]
pub(crate) struct Trees {
    pub(crate) db: sled::Db,
    pub(crate) events: sled::Tree,
    pub(crate) streams: sled::Tree,
    pub(crate) commands: sled::Tree,
    pub(crate) merkle: sled::Tree,
    pub(crate) meta: sled::Tree,
}

impl Trees {
    /// Opens sled in `dir` (creating the database if absent) and its trees.
    pub(crate) fn open(dir: &Path) -> Result<Trees, StoreError> {
        let db = open_db(dir)?;
        Ok(Trees {
            events: db.open_tree(EVENTS_TREE)?,
            streams: db.open_tree(STREAMS_TREE)?,
            commands: db.open_tree(COMMANDS_TREE)?,
            merkle: db.open_tree(MERKLE_TREE)?,
            meta: db.open_tree(META_TREE)?,
            db,
        })
    }

    /// Whether `meta` carries this code's format marker.
    pub(crate) fn is_ledger(&self) -> Result<bool, StoreError> {
        Ok(self.meta.get(FORMAT_KEY)?.as_deref() == Some(STORE_FORMAT))
    }

    /// How far the derived trees are indexed; `None` when never indexed or unreadable
    /// (then everything is re-indexed from position 0).
    pub(crate) fn indexed(&self) -> Result<Option<Head>, StoreError> {
        Ok(self
            .meta
            .get(INDEXED_KEY)?
            .and_then(|bytes| decode_indexed(&bytes)))
    }
}

/// Whether `dir` looks like a ledger directory from outside (it holds sled's data file),
/// checked before opening so that opening never creates a database where none was.
pub(crate) fn holds_database(dir: &Path) -> bool {
    dir.join(DB_FILE).is_file()
}

fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    let config = sled::Config::new()
        .path(dir)
        .cache_capacity(SLED_CACHE_BYTES);
    let started = Instant::now();
    loop {
        match config.open() {
            Ok(db) => return Ok(db),
            // sled takes its own flock on `db`. Our directory lock is already held, so
            // the only possible holder is a ledger of this process whose sled threads
            // are still finishing; wait briefly for them.
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock")
                    && started.elapsed() < SLED_LOCK_WAIT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Waits, when dropped, until sled has closed the database in `dir`.
///
/// sled 0.34 finishes some writes on detached pool threads that keep its files (and its
/// own `flock` on `db`) open for a moment after the last handle is dropped. A ledger
/// drops this guard after its trees and before its directory lock, so that once a
/// `Ledger` is gone, the next opener (in any process) finds the database closed.
#[derive(Debug)]
pub(crate) struct ClosedOnDrop {
    db_file: PathBuf,
}

impl ClosedOnDrop {
    pub(crate) fn new(dir: &Path) -> Self {
        ClosedOnDrop {
            db_file: dir.join(DB_FILE),
        }
    }
}

impl Drop for ClosedOnDrop {
    fn drop(&mut self) {
        let Ok(file) = File::open(&self.db_file) else {
            return;
        };
        let started = Instant::now();
        while started.elapsed() < SLED_LOCK_WAIT {
            match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
                Ok(true) => {
                    let _ = fs4::fs_std::FileExt::unlock(&file);
                    return;
                }
                Ok(false) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => return,
            }
        }
    }
}

/// Makes what sled wrote durable, per [`Durability`].
#[derive(Debug)]
pub(crate) struct Durable {
    durability: Durability,
    dir: PathBuf,
    db_file: Option<File>,
    synced_blobs: BTreeSet<OsString>,
    dir_entries: BTreeSet<OsString>,
}

impl Durable {
    /// Prepares syncing for the ledger in `dir`.
    pub(crate) fn new(dir: &Path, durability: Durability) -> Result<Durable, StoreError> {
        let db_file = match durability {
            Durability::Fsync => {
                let path = dir.join(DB_FILE);
                // fsync works on a read-only descriptor; sled keeps its own for writing.
                Some(File::open(&path).map_err(|e| StoreError::io(&path, e))?)
            }
            Durability::None => None,
        };
        Ok(Durable {
            durability,
            dir: dir.to_path_buf(),
            db_file,
            synced_blobs: BTreeSet::new(),
            dir_entries: BTreeSet::new(),
        })
    }

    /// Flushes sled and syncs its files and the directory.
    pub(crate) fn sync(&mut self, db: &sled::Db) -> Result<(), StoreError> {
        if self.durability == Durability::None {
            return Ok(());
        }
        db.flush()?;
        if let Some(file) = &self.db_file {
            // fdatasync: the data and the size that reads need, not the mtime (whose
            // journal commit would cost a second device flush on every append).
            file.sync_data()
                .map_err(|e| StoreError::io(self.dir.join(DB_FILE), e))?;
        }
        self.sync_new_blobs()?;
        // The directory only needs a sync when sled created, renamed or removed a file
        // in it (its snapshot files); listing it costs no I/O.
        let entries = list_dir(&self.dir)?;
        if entries != self.dir_entries {
            sync_dir(&self.dir)?;
            self.dir_entries = entries;
        }
        Ok(())
    }

    /// Syncs everything sled has in the directory, including `conf`, which sled writes
    /// once when it creates the database; used right after creation.
    pub(crate) fn sync_everything(&mut self, db: &sled::Db) -> Result<(), StoreError> {
        if self.durability == Durability::None {
            return Ok(());
        }
        let conf = self.dir.join("conf");
        if conf.is_file() {
            File::open(&conf)
                .and_then(|f| f.sync_all())
                .map_err(|e| StoreError::io(&conf, e))?;
        }
        self.sync(db)?;
        // The directory's own entry in its parent, so a new ledger directory survives.
        match self.dir.parent() {
            Some(parent) if parent.as_os_str().is_empty() => sync_dir(Path::new("."))?,
            Some(parent) => sync_dir(parent)?,
            None => {}
        }
        Ok(())
    }

    fn sync_new_blobs(&mut self) -> Result<(), StoreError> {
        let blobs = self.dir.join("blobs");
        let entries = match std::fs::read_dir(&blobs) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(&blobs, e)),
        };
        let mut present = BTreeSet::new();
        let mut gained = false;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&blobs, e))?;
            let name = entry.file_name();
            if !self.synced_blobs.contains(&name) {
                let path = entry.path();
                match File::open(&path) {
                    Ok(file) => file.sync_all().map_err(|e| StoreError::io(&path, e))?,
                    // sled removes blobs it no longer needs; one may vanish meanwhile.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(StoreError::io(&path, e)),
                }
                gained = true;
            }
            present.insert(name);
        }
        self.synced_blobs = present;
        if gained {
            sync_dir(&blobs)?;
        }
        Ok(())
    }
}

fn list_dir(dir: &Path) -> Result<BTreeSet<OsString>, StoreError> {
    std::fs::read_dir(dir)
        .and_then(|entries| {
            entries
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<BTreeSet<_>, _>>()
        })
        .map_err(|e| StoreError::io(dir, e))
}

/// `fsync` of a directory, so that files created or renamed in it survive a crash.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::io(dir, e))
    }
    #[cfg(not(unix))]
    {
        // Directories cannot be opened as files elsewhere; their entries are made
        // durable with the files' own metadata.
        let _ = dir;
        Ok(())
    }
}
