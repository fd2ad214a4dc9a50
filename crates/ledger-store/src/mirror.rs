//! Mirror mode: a ledger directory that holds a byte-identical copy of another ledger's
//! log (its primary's), appended only by this module's importer after every record
//! checked out against a checkpoint signed with the primary's key.
//!
//! A mirror is an ordinary ledger directory (same trees, same record bytes at the same
//! positions, so [`crate::verify`] and `ledger verify` check it the same way) with three
//! more `meta` keys ([`MIRROR_OF_KEY`], [`MIRROR_CHECKPOINT_KEY`], [`MIRROR_NEXT_KEY`]) and
//! no signing key: it publishes the primary's own signed checkpoint, verbatim. It starts
//! no writer: [`Ledger::append`] is refused with [`StoreError::ReadOnlyMirror`], and the
//! importer (one per open ledger, behind a lock) is the only thing that appends, in the
//! writer's order (records, sync, derived trees, publish). [`Ledger::open`] refuses a
//! mirror's directory ([`StoreError::IsMirror`]); [`Ledger::promote_mirror`] turns one
//! into a primary with the operator's backup of the log's signing key.
//!
//! This module must never decide a command, never append a record whose position, link
//! and membership in a tree signed by the primary's key it did not check, never store or
//! publish a checkpoint that does not verify with the key the mirror was made with, and
//! never rewrite a stored record.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use ledger_core::{chain, CommandId, Head, Sealed};
use ledger_tlog::{
    tree_root, verify_consistency, Checkpoint, Hash, NoteSigner, NoteVerifier, SignedCheckpoint,
};

use crate::checkpoint::TreeHead;
use crate::disk::{Durable, Trees};
use crate::error::StoreError;
use crate::index::IndexBatch;
use crate::layout::{
    decode_command_value, position_key, DIGESTS_FROM_KEY, FORMAT_KEY, LOG_KEY,
    MIRROR_CHECKPOINT_KEY, MIRROR_NEXT_KEY, MIRROR_OF_KEY, STORE_FORMAT,
};
use crate::ledger::{check_and_index, create_or_resume, open_existing};
use crate::log_key;
use crate::merkle::{self, Frontier, StoredHashes};
use crate::options::LedgerOptions;
use crate::writer::Shared;
use crate::Ledger;

/// What a mirror's handle holds beside an ordinary ledger's.
#[derive(Debug)]
pub(crate) struct MirrorRole {
    /// The URL of the primary, as given when the mirror was made.
    pub(crate) primary: String,
    /// The verifier key every stored checkpoint must verify with.
    verifier: NoteVerifier,
    importer: Mutex<Importer>,
}

/// The one appender of a mirror.
#[derive(Debug)]
struct Importer {
    /// The Merkle tree's right edge over every stored record.
    frontier: Frontier,
    durable: Durable,
    /// The last stored record's command id and that command's first position, so a
    /// command split over two imports is indexed from its first record.
    run: Option<(CommandId, u64)>,
    /// Set when a durable write failed: nothing more is imported until a reopen.
    stopped: Option<String>,
}

/// Refuses to open `dir` as a primary when it is a mirror.
pub(crate) fn refuse_mirror(dir: &Path, trees: &Trees) -> Result<(), StoreError> {
    match trees.meta.get(MIRROR_OF_KEY)? {
        Some(primary) => Err(StoreError::IsMirror {
            dir: dir.to_path_buf(),
            primary: String::from_utf8_lossy(&primary).into_owned(),
        }),
        None => Ok(()),
    }
}

impl Ledger {
    /// Makes `dir` (created if missing, else empty) an empty mirror of the log at
    /// `primary` whose checkpoints verify with `verifier_key` (C2SP verifier key text,
    /// named after the log's origin). A directory that already is a mirror with the same
    /// key keeps its records (a follower resuming) and records `primary` as the one it
    /// follows now; any other ledger or file is refused.
    pub fn init_mirror(dir: &Path, verifier_key: &str, primary: &str) -> Result<(), StoreError> {
        let verifier = parse_verifier(verifier_key)?;
        let (opened, _) = create_or_resume(dir)?;
        let trees = &opened.trees;
        let exists = || StoreError::AlreadyExists {
            dir: dir.to_path_buf(),
        };
        let is_ledger = trees.is_ledger()?;
        if is_ledger && trees.meta.get(MIRROR_OF_KEY)?.is_some() {
            if trees.meta.get(LOG_KEY)?.as_deref() != Some(verifier.verifier_key().as_bytes()) {
                return Err(exists());
            }
            // The primary may have moved (or a mirror now follows another mirror):
            // writes are sent to the one followed now.
            if trees.meta.get(MIRROR_OF_KEY)?.as_deref() != Some(primary.as_bytes()) {
                trees.meta.insert(MIRROR_OF_KEY, primary.as_bytes())?;
                Durable::new(dir, crate::Durability::Fsync)?.sync(&trees.db)?;
            }
            return Ok(());
        }
        if is_ledger && !trees.events.is_empty() {
            return Err(exists());
        }
        // A sled database that is not a ledger, unless it is empty (made just before a
        // crash).
        let untouched = trees.meta.is_empty() && trees.events.is_empty();
        if !(is_ledger || untouched) {
            return Err(StoreError::NotEmpty {
                dir: dir.to_path_buf(),
            });
        }
        // A new directory, or one an interrupted `init_mirror` left (a database with no
        // records and no `mirror-of`): `mirror-of` goes last, since it says the mirror is
        // made.
        trees.meta.insert(FORMAT_KEY, STORE_FORMAT)?;
        trees
            .meta
            .insert(LOG_KEY, verifier.verifier_key().as_bytes())?;
        trees.meta.insert(MIRROR_OF_KEY, primary.as_bytes())?;
        Durable::new(dir, crate::Durability::Fsync)?.sync_everything(&trees.db)?;
        Ok(())
    }

    /// Opens the mirror in `dir`: walks and checks the whole chain like [`Ledger::open`]
    /// (handing each record to `fold`), catches up the derived trees, and publishes the
    /// latest stored checkpoint of the primary after checking its signature and that the
    /// stored records give its root. Starts no writer.
    ///
    /// [`StoreError::NotAMirror`] for a primary's directory.
    pub fn open_mirror(
        dir: &Path,
        options: LedgerOptions,
        fold: impl FnMut(&Sealed, &ledger_core::Event),
    ) -> Result<Ledger, StoreError> {
        let opened = open_existing(dir)?;
        let trees = &opened.trees;
        let primary = trees
            .meta
            .get(MIRROR_OF_KEY)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .ok_or_else(|| StoreError::NotAMirror {
                dir: dir.to_path_buf(),
            })?;
        let verifier_key = trees
            .meta
            .get(LOG_KEY)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let verifier = parse_verifier(&verifier_key)?;
        let (head, state, frontier) = check_and_index(trees, fold)?;
        let tree = stored_checkpoint(trees, &verifier, head.length)?;
        let run = last_run(trees, head.length)?;
        let durable = Durable::new(dir, options.durability)?;
        let shared = Arc::new(Shared::new(head, Arc::new(state), head.length, tree));
        let role = MirrorRole {
            primary,
            verifier,
            importer: Mutex::new(Importer {
                frontier,
                durable,
                run,
                stopped: None,
            }),
        };
        Ok(Ledger::mirror_handle(
            dir,
            opened,
            shared,
            verifier_key,
            role,
        ))
    }

    /// The primary's URL, if this ledger is a mirror.
    pub fn mirror_of(&self) -> Option<&str> {
        self.mirror_role().map(|role| role.primary.as_str())
    }

    /// Appends `records` (stored bytes, from position [`Ledger::head`] on) to a mirror,
    /// byte-identical at their positions, against `note`, the primary's signed
    /// checkpoint, whose size is at least the new length.
    ///
    /// Checked before anything is written: `note` verifies with the mirror's key and is
    /// not older than the checkpoint published now; every record decodes, states its
    /// position and links to its predecessor's hash; and the records belong to the
    /// signed tree: the Merkle root over every stored record and these equals the
    /// checkpoint's root when they reach its size, else `proof` (an RFC 9162 consistency
    /// proof from the new length to the checkpoint's size, as the primary serves it)
    /// verifies from that root to the checkpoint's. Anything else is
    /// [`StoreError::ImportRefused`] and writes nothing. The records, then (when they
    /// complete it) the checkpoint, are made durable together; then the derived trees
    /// are written and the new head (and checkpoint) published. Returns the new head.
    pub fn import(
        &self,
        note: &str,
        records: Vec<Vec<u8>>,
        proof: &[Hash],
    ) -> Result<Head, StoreError> {
        let role = self.mirror_role().ok_or_else(|| StoreError::NotAMirror {
            dir: self.data_dir().to_path_buf(),
        })?;
        let mut importer = role.importer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(reason) = &importer.stopped {
            return Err(StoreError::WriterStopped {
                reason: format!("an earlier import did not reach the disk ({reason})"),
            });
        }
        let head = self.head();
        let refuse = |position: u64, reason: String| StoreError::ImportRefused { position, reason };
        let checkpoint = open_checkpoint(note, &role.verifier)
            .map_err(|e| refuse(head.length, format!("the checkpoint: {e}")))?;
        let published = self.tree_size();
        let end = head.length + records.len() as u64;
        if checkpoint.size < published || checkpoint.size < end {
            return Err(refuse(
                head.length,
                format!(
                    "a checkpoint of size {} cannot cover {} records (the mirror verified {})",
                    checkpoint.size, end, published
                ),
            ));
        }

        let mut frontier = importer.frontier.clone();
        let mut run = importer.run.clone();
        let mut hashes = Vec::new();
        let mut sealed_records = Vec::with_capacity(records.len());
        let mut events = Vec::with_capacity(records.len());
        let mut derived = IndexBatch::default();
        let mut prev = head.hash;
        for (position, bytes) in (head.length..).zip(records) {
            let (sealed, event) = chain::check_link(position, prev, bytes)
                .map_err(|e| refuse(position, e.to_string()))?;
            hashes.extend(frontier.append(&sealed.bytes)?);
            let first = match &run {
                Some((id, first)) if *id == sealed.record.command_id => *first,
                _ => position,
            };
            run = Some((sealed.record.command_id.clone(), first));
            derived.add(&sealed.record, first);
            prev = sealed.hash;
            sealed_records.push(sealed);
            events.push(event);
        }
        let root = frontier.root()?;
        let complete = end == checkpoint.size;
        if complete {
            if root != checkpoint.root {
                return Err(refuse(
                    head.length,
                    format!(
                        "the records give the root {} at size {end}, the signed checkpoint says {}",
                        root.to_base64(),
                        checkpoint.root.to_base64()
                    ),
                ));
            }
        } else {
            verify_consistency(end, checkpoint.size, &root, &checkpoint.root, proof).map_err(
                |e| {
                    refuse(
                        head.length,
                        format!(
                            "the records are not a prefix of the signed tree of size {}: {e}",
                            checkpoint.size
                        ),
                    )
                },
            )?;
        }

        let trees = self.trees();
        let written = (|| -> Result<(), StoreError> {
            if complete {
                trees.meta.insert(MIRROR_NEXT_KEY, note.as_bytes())?;
            }
            let mut batch = sled::Batch::default();
            for sealed in &sealed_records {
                batch.insert(
                    &position_key(sealed.record.position.0)[..],
                    sealed.bytes.as_slice(),
                );
            }
            trees.events.apply_batch(batch)?;
            if complete {
                trees.meta.insert(MIRROR_CHECKPOINT_KEY, note.as_bytes())?;
            }
            importer.durable.sync(&trees.db)
        })();
        if let Err(e) = written {
            importer.stopped = Some(e.to_string());
            return Err(e);
        }
        let new_head = Head {
            length: end,
            hash: prev,
        };
        // The records are durable; a failure to index them is caught up at the next open.
        let indexed = derived.write(trees, new_head).and_then(|()| {
            merkle::write(trees, &hashes, end, root)?;
            Ok(())
        });
        if let Err(e) = indexed {
            importer.stopped = Some(e.to_string());
            return Err(e);
        }
        importer.frontier = frontier;
        importer.run = run;
        self.shared()
            .indexed_to
            .store(end, std::sync::atomic::Ordering::SeqCst);
        let tree = complete.then(|| TreeHead {
            size: checkpoint.size,
            root: checkpoint.root,
            note: note.to_owned(),
        });
        self.shared().publish(new_head, &events, tree);
        Ok(new_head)
    }

    /// Copies this mirror's verified log (the records its checkpoint covers) into a new
    /// mirror in `to`, through the new mirror's import, so every record is checked again
    /// on the way; used to restore from a mirror's directory. Returns the new mirror.
    pub fn copy_mirror(&self, to: &Path, options: LedgerOptions) -> Result<Ledger, StoreError> {
        let primary = self.mirror_of().ok_or_else(|| StoreError::NotAMirror {
            dir: self.data_dir().to_path_buf(),
        })?;
        Ledger::init_mirror(to, &self.verifier_key(), primary)?;
        let copy = Ledger::open_mirror(to, options, |_, _| {})?;
        let note = self.checkpoint();
        let size = self.tree_size();
        const CHUNK: usize = 4096;
        while copy.head().length < size {
            let from = copy.head().length;
            let count = usize::try_from(size - from).unwrap_or(CHUNK).min(CHUNK);
            let records: Vec<Vec<u8>> = self
                .records(from, count)?
                .into_iter()
                .map(|sealed| sealed.bytes)
                .collect();
            let end = from + records.len() as u64;
            let proof = if end < size {
                self.consistency_proof(end, size)?
            } else {
                Vec::new()
            };
            copy.import(&note, records, &proof)?;
        }
        Ok(copy)
    }

    /// Turns the mirror in `dir` (closed) into a primary that signs with `signing_key`
    /// (C2SP signer key text: the operator's backup of the log's `log-signing.key`), and
    /// opens it. The key must be the one the mirror's checkpoints verify with
    /// ([`StoreError::SigningKey`] otherwise, nothing changed).
    ///
    /// The records stay as they are. The command digests (`digests`) are not in the log,
    /// so the new primary has none for the commands before it: `meta/digests-from` is set
    /// to the log's length, and a command id from before is matched as a ledger made
    /// before digests matches it, by actor and target stream (a retry to the same stream
    /// gets the original receipt, to another stream is refused as a reused key).
    pub fn promote_mirror(
        dir: &Path,
        signing_key: &str,
        options: LedgerOptions,
    ) -> Result<Ledger, StoreError> {
        {
            let opened = open_existing(dir)?;
            let trees = &opened.trees;
            if trees.meta.get(MIRROR_OF_KEY)?.is_none() {
                return Err(StoreError::NotAMirror {
                    dir: dir.to_path_buf(),
                });
            }
            let key_error = |reason: String| StoreError::SigningKey {
                path: dir.join(crate::layout::SIGNING_KEY_FILE),
                reason,
            };
            let signer = NoteSigner::parse(signing_key.trim_end())
                .map_err(|e| key_error(format!("the key given is not a signer key: {e}")))?;
            let recorded = trees.meta.get(LOG_KEY)?.unwrap_or_default();
            let verifier = signer.verifier().verifier_key();
            if recorded.as_ref() != verifier.as_bytes() {
                return Err(key_error(format!(
                    "the key given verifies as {verifier}, but this log's checkpoints verify \
                     with {}: it is not this log's key",
                    String::from_utf8_lossy(&recorded)
                )));
            }
            log_key::install(dir, trees, signer, options.durability)?;
            let length = trees.events.len() as u64;
            trees
                .meta
                .insert(DIGESTS_FROM_KEY, &position_key(length)[..])?;
            trees.meta.remove(MIRROR_NEXT_KEY)?;
            trees.meta.remove(MIRROR_CHECKPOINT_KEY)?;
            // Last: until it is gone the directory is still a mirror.
            trees.meta.remove(MIRROR_OF_KEY)?;
            Durable::new(dir, options.durability)?.sync_everything(&trees.db)?;
        }
        Ledger::open(dir, options)
    }
}

fn parse_verifier(text: &str) -> Result<NoteVerifier, StoreError> {
    NoteVerifier::parse(text.trim()).map_err(|e| StoreError::ImportRefused {
        position: 0,
        reason: format!("{text:?} is not a verifier key: {e}"),
    })
}

fn open_checkpoint(
    note: &str,
    verifier: &NoteVerifier,
) -> Result<Checkpoint, ledger_tlog::TlogError> {
    SignedCheckpoint::open(note, verifier.name(), std::slice::from_ref(verifier))
        .map(|signed| signed.checkpoint)
}

/// The newest stored checkpoint that covers at most `length` records, after checking its
/// signature and its root against the stored Merkle tree; the empty tree when none.
fn stored_checkpoint(
    trees: &Trees,
    verifier: &NoteVerifier,
    length: u64,
) -> Result<TreeHead, StoreError> {
    let mut best = TreeHead {
        size: 0,
        root: Frontier::new().root()?,
        note: String::new(),
    };
    for key in [MIRROR_CHECKPOINT_KEY, MIRROR_NEXT_KEY] {
        let Some(bytes) = trees.meta.get(key)? else {
            continue;
        };
        let note = String::from_utf8_lossy(&bytes).into_owned();
        let checkpoint = open_checkpoint(&note, verifier).map_err(|e| {
            StoreError::corrupt(
                length,
                format!("the stored checkpoint does not verify with the mirror's key: {e}"),
            )
        })?;
        // The checkpoint of an import whose records never reached the disk.
        if checkpoint.size > length || checkpoint.size < best.size {
            continue;
        }
        let reader = StoredHashes::new(trees);
        let root = tree_root(checkpoint.size, &reader).map_err(|e| reader.error(e))?;
        if root != checkpoint.root {
            return Err(StoreError::corrupt(
                checkpoint.size.saturating_sub(1),
                format!(
                    "the records give the root {} at size {}, the stored checkpoint says {}",
                    root.to_base64(),
                    checkpoint.size,
                    checkpoint.root.to_base64()
                ),
            ));
        }
        best = TreeHead {
            size: checkpoint.size,
            root,
            note,
        };
    }
    Ok(best)
}

/// The last record's command and that command's first position, from the commands index
/// (caught up by the open).
fn last_run(trees: &Trees, length: u64) -> Result<Option<(CommandId, u64)>, StoreError> {
    let Some(last) = length.checked_sub(1) else {
        return Ok(None);
    };
    let bytes = trees
        .events
        .get(position_key(last))?
        .ok_or_else(|| StoreError::corrupt(last, "record is missing"))?;
    let sealed =
        Sealed::from_bytes(bytes.to_vec()).map_err(|e| StoreError::corrupt(last, e.to_string()))?;
    let id = sealed.record.command_id;
    let first = trees
        .commands
        .get(id.as_str().as_bytes())?
        .and_then(|value| decode_command_value(&value))
        .map_or(last, |(first, _)| first);
    Ok(Some((id, first)))
}
