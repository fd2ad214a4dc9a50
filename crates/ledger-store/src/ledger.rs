//! [`Ledger`]: an open ledger directory, its reads, and appends through the writer.
//!
//! Opening takes the directory lock, replays and checks the whole chain, catches up the
//! derived trees and starts the writer thread; a `Ledger` exists only over a chain that
//! checked out. Handles are cheap clones of one shared inner value; the last one to go
//! stops the writer and releases the lock. This module must never write to `events`
//! itself (only the writer does) and never show a reader a record beyond the published,
//! durable head.
//!
//! A ledger whose chain is damaged can still be opened in quarantine
//! ([`Ledger::open_or_quarantine`]): the checked prefix is readable, nothing is written
//! (no derived trees, no checkpoint, no writer), and every append is refused with the
//! damaged position.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use ledger_core::{decide, ActorId, Command, CommandId, Envelope, Event, Head, Sealed, State};

use crate::checkpoint::TreeHead;
use crate::checkpoint::TreeLog;
use crate::disk::{holds_database, ClosedOnDrop, Durable, Trees};
use crate::error::{AppendError, StoreError};
use crate::index::{self, IndexBatch};
use crate::layout::{position_key, FORMAT_KEY, LOCK_FILE, LOG_KEY, STORE_FORMAT};
use crate::lock::DirLock;
use crate::log_key;
use crate::merkle::{self, CatchUp, Frontier};
use crate::mirror::{refuse_mirror, MirrorRole};
use crate::options::LedgerOptions;
use crate::receipt::{indexed_receipt, scanned_receipt, Receipt};
use crate::replay::walk;
use crate::verify::{verify_trees, VerifyReport};
use crate::writer::{AppendStats, Request, Shared, Writer};
use crate::{INIT_ACTOR, INIT_COMMAND_ID};

/// An open ledger. Clones share one writer, one database and one directory lock.
#[derive(Clone, Debug)]
pub struct Ledger {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    shared: Arc<Shared>,
    sender: Option<Sender<Request>>,
    writer: Option<JoinHandle<()>>,
    /// The C2SP verifier key of the log's signing key.
    verifier_key: String,
    /// Where the chain breaks, for a ledger opened in quarantine.
    damage: Option<Damage>,
    /// Appends are refused while the disk has less free space than this many bytes.
    reserve: AtomicU64,
    opened: Opened,
    /// Set for a mirror: its primary and its importer, which appends instead of a writer.
    mirror: Option<MirrorRole>,
}

/// Where the chain of a ledger opened in quarantine breaks, as the walk at open found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// The first bad position; the records before it checked out.
    pub position: u64,
    /// What is wrong there.
    pub reason: String,
}

/// The free space a ledger keeps unused by default: appends are refused below it, so
/// sled never meets a full disk in the middle of a batch (which would stop the writer
/// until the ledger is reopened). 16 MiB holds many batches of the largest records.
pub const DEFAULT_FREE_SPACE_RESERVE: u64 = 16 * 1024 * 1024;

/// An open database under its directory lock.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) trees: Trees,
    // Fields drop in declaration order: the trees, then this guard waits for sled to
    // close its files, then the directory lock is released.
    _closed: ClosedOnDrop,
    _lock: DirLock,
}

impl Opened {
    /// Opens (or creates) the database in `dir`, whose lock the caller holds.
    fn new(dir: &Path, lock: DirLock) -> Result<Opened, StoreError> {
        Ok(Opened {
            trees: Trees::open(dir)?,
            _closed: ClosedOnDrop::new(dir),
            _lock: lock,
        })
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the writer's loop; joining it makes sure it has let go
        // of the database before the lock is released.
        drop(self.sender.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl Ledger {
    /// Creates a new ledger in `dir` (created if missing) and appends the
    /// `InitializeLedger` command as actor `operator`, naming `secretariat`. Before the
    /// first record it makes the log's Ed25519 signing key, named `origin`, from the OS's
    /// randomness (`log-signing.key`, mode 0600, and `log-verifier.key`); an origin that
    /// cannot name a key (it holds a `+`) is [`StoreError::BadOrigin`].
    ///
    /// Refuses a directory that already holds a ledger ([`StoreError::AlreadyExists`])
    /// or other files ([`StoreError::NotEmpty`]). A directory left by an interrupted
    /// `init` (a database with no records yet) is initialised.
    pub fn init(
        dir: &Path,
        origin: &str,
        secretariat: ActorId,
        options: LedgerOptions,
    ) -> Result<Ledger, StoreError> {
        let envelope = Envelope {
            command_id: CommandId::new(INIT_COMMAND_ID),
            actor: ActorId::new(INIT_ACTOR),
            expected_version: Some(0),
            command: Command::InitializeLedger {
                origin: origin.to_owned(),
                secretariat,
            },
        };
        // Judge the arguments before anything is created on disk.
        decide(&State::new(), &envelope, (options.clock)()).map_err(StoreError::InitRejected)?;
        log_key::check_origin(origin)?;

        let (opened, resuming) = create_or_resume(dir)?;
        let trees = &opened.trees;
        if resuming {
            if !trees.is_ledger()? {
                return Err(StoreError::NotEmpty {
                    dir: dir.to_path_buf(),
                });
            }
            if !trees.events.is_empty() {
                return Err(StoreError::AlreadyExists {
                    dir: dir.to_path_buf(),
                });
            }
        }
        trees.meta.insert(FORMAT_KEY, STORE_FORMAT)?;
        // The signing key is made (or, for an init that was interrupted before its first
        // record, made anew: nobody has seen the old one) before the ledger exists.
        log_key::create(dir, trees, origin, options.durability)?;
        Durable::new(dir, options.durability)?.sync_everything(&trees.db)?;

        let ledger = Ledger::start(dir, opened, options, |_, _| {})?;
        match ledger.append(envelope) {
            Ok(_) => Ok(ledger),
            Err(AppendError::Rejected(rejection)) => Err(StoreError::InitRejected(rejection)),
            Err(AppendError::Conflict { .. }) => Err(StoreError::AlreadyExists {
                dir: dir.to_path_buf(),
            }),
            Err(AppendError::TooLarge { size }) => {
                Err(StoreError::Record(ledger_core::RecordError::TooLarge {
                    size,
                }))
            }
            Err(AppendError::Fault(fault) | AppendError::Refused(fault)) => Err(fault),
            Err(AppendError::KeyReused { .. }) => Err(StoreError::AlreadyExists {
                dir: dir.to_path_buf(),
            }),
        }
    }

    /// Opens the ledger in `dir`: takes the lock, replays and checks the whole chain,
    /// indexes what the derived trees (the Merkle tree included) miss, loads the signing
    /// key, signs a checkpoint for the current size and starts the writer.
    ///
    /// Fails at once with [`StoreError::Locked`] if the directory is in use,
    /// [`StoreError::NotALedger`] if it holds no ledger (nothing is created then),
    /// [`StoreError::Corrupt`] naming the first bad position if the chain is damaged or
    /// the stored Merkle tree disagrees with the records, and [`StoreError::SigningKey`]
    /// if the signing key is missing or not this ledger's. A ledger made before signed
    /// checkpoints (no key file and no verifier key recorded) gets a new key, said on
    /// stderr.
    pub fn open(dir: &Path, options: LedgerOptions) -> Result<Ledger, StoreError> {
        Ledger::start(dir, open_existing(dir)?, options, |_, _| {})
    }

    /// Opens the ledger in `dir` like [`Ledger::open`], and hands every record the open
    /// checks, with its decoded event, to `fold` in position order as the open's walk
    /// meets it: a projection is rebuilt from the records the open reads anyway, instead
    /// of reading the log a second time.
    ///
    /// Only a successful open vouches for what `fold` saw. When the open fails, `fold`
    /// may have seen records up to the damage and, when the damage is an altered record
    /// that a later link exposes, that record too: a caller must then drop what it
    /// folded.
    pub fn open_folding(
        dir: &Path,
        options: LedgerOptions,
        fold: impl FnMut(&Sealed, &Event),
    ) -> Result<Ledger, StoreError> {
        Ledger::start(dir, open_existing(dir)?, options, fold)
    }

    /// Opens the ledger in `dir` like [`Ledger::open`]; if its chain is damaged
    /// ([`StoreError::Corrupt`]), opens it in quarantine instead: the records before the
    /// first bad position are readable (with the decision state they fold into), nothing
    /// is written to the directory, the transparency reads and every append are refused
    /// with [`StoreError::Damaged`], and [`Ledger::damage`] says where it broke. A server
    /// can then keep answering readers while saying why it takes no writes.
    pub fn open_or_quarantine(dir: &Path, options: LedgerOptions) -> Result<Ledger, StoreError> {
        match Ledger::open(dir, options) {
            Err(StoreError::Corrupt { position, reason }) => {
                Ledger::open_quarantined(dir, Damage { position, reason })
            }
            other => other,
        }
    }

    /// Opens `dir` in quarantine at `damage`, the [`StoreError::Corrupt`] an open of it
    /// (any of the `open` functions) has just returned: what [`Ledger::open_or_quarantine`]
    /// does after its own failed open, for a caller that opened otherwise (as with
    /// [`Ledger::open_folding`]) and should not walk the chain once more to find the damage.
    /// The walk up to the damage checks again whether anything before it is wrong.
    pub fn open_quarantined(dir: &Path, damage: Damage) -> Result<Ledger, StoreError> {
        // The failed open has closed the database and released the lock.
        Ledger::quarantine(dir, damage)
    }

    /// Opens `dir` read-only up to `damage.position`: walks the records before it (a
    /// walk bounded there cannot meet the damage, but if it meets an earlier problem that
    /// one is the damage), publishes that prefix and starts no writer.
    fn quarantine(dir: &Path, mut damage: Damage) -> Result<Ledger, StoreError> {
        let opened = open_existing(dir)?;
        let trees = &opened.trees;
        let (head, state) = loop {
            let checked = walk(&trees.events, None, Some(damage.position), |_, _, _| {})?;
            match checked.problem {
                Some(problem) if problem.position < damage.position => {
                    damage = Damage {
                        position: problem.position,
                        reason: problem.reason,
                    };
                }
                _ => break (checked.head, checked.state),
            }
        };
        // No checkpoint is signed over a damaged log: the published tree is empty and the
        // transparency reads refuse with the damage instead.
        let empty = Frontier::new();
        let tree_head = TreeHead {
            size: 0,
            root: empty.root()?,
            note: String::new(),
        };
        let verifier_key = trees
            .meta
            .get(LOG_KEY)?
            .map(|key| String::from_utf8_lossy(&key).into_owned())
            .unwrap_or_default();
        // The derived trees are not trusted either: reads of streams and receipts scan
        // the checked records.
        let shared = Arc::new(Shared::new(head, Arc::new(state), 0, tree_head));
        Ok(Ledger {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                shared,
                sender: None,
                writer: None,
                verifier_key,
                damage: Some(damage),
                reserve: AtomicU64::new(DEFAULT_FREE_SPACE_RESERVE),
                opened,
                mirror: None,
            }),
        })
    }

    fn start(
        dir: &Path,
        opened: Opened,
        options: LedgerOptions,
        fold: impl FnMut(&Sealed, &Event),
    ) -> Result<Ledger, StoreError> {
        let trees = &opened.trees;
        refuse_mirror(dir, trees)?;
        let (head, state, frontier) = check_and_index(trees, fold)?;
        let signer = log_key::load(dir, trees, state.origin.as_deref(), options.durability)?;
        let verifier_key = signer.verifier().verifier_key();
        let tree = TreeLog::new(frontier, signer);
        let tree_head = tree.sign()?;

        let durable = Durable::new(dir, options.durability)?;
        let shared = Arc::new(Shared::new(head, Arc::new(state), head.length, tree_head));
        let writer = Writer::new(
            trees.clone(),
            durable,
            Arc::clone(&shared),
            options.clock,
            tree,
        );
        let (sender, receiver) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("ledger-writer".into())
            .spawn(move || writer.run(receiver))
            .map_err(|e| StoreError::io(dir, e))?;
        Ok(Ledger {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                shared,
                sender: Some(sender),
                writer: Some(handle),
                verifier_key,
                damage: None,
                reserve: AtomicU64::new(DEFAULT_FREE_SPACE_RESERVE),
                opened,
                mirror: None,
            }),
        })
    }

    /// Decides and durably appends one command; blocks until its batch is on disk.
    ///
    /// Command ids are the actor's own: a command id this actor applied before, sent
    /// again with the same command (same [`Envelope::digest`]), is answered with the
    /// original receipt (`replayed: true`) and appends nothing; sent with another command
    /// it is refused with [`AppendError::KeyReused`]. Another actor's use of the same id
    /// does not concern this actor: its command is stored under `actor/id` (the
    /// receipt's `command_id`). Safe to call from many threads.
    ///
    /// Refused before anything is written ([`AppendError::Refused`]): on a ledger in
    /// quarantine ([`StoreError::Damaged`]), while the disk has less free space than the
    /// reserve ([`StoreError::DiskFull`]; see [`Ledger::set_free_space_reserve`]), and
    /// once a failed durable write stopped the writer ([`StoreError::WriterStopped`];
    /// reopen the ledger).
    pub fn append(&self, envelope: Envelope) -> Result<Receipt, AppendError> {
        if let Some(mirror) = &self.inner.mirror {
            return Err(AppendError::Refused(StoreError::ReadOnlyMirror {
                primary: mirror.primary.clone(),
            }));
        }
        if let Some(damage) = &self.inner.damage {
            return Err(AppendError::Refused(StoreError::Damaged {
                position: damage.position,
                reason: damage.reason.clone(),
            }));
        }
        self.check_free_space().map_err(AppendError::Refused)?;
        let stopped = || StoreError::WriterStopped {
            reason: "the writer thread has ended".into(),
        };
        let sender = self
            .inner
            .sender
            .as_ref()
            .ok_or_else(|| AppendError::Refused(stopped()))?;
        let (reply, answer) = mpsc::sync_channel(1);
        sender
            .send(Request { envelope, reply })
            .map_err(|_| AppendError::Refused(stopped()))?;
        // The writer had the request: if it ends without answering, nobody knows.
        answer.recv().map_err(|_| AppendError::Fault(stopped()))?
    }

    /// Where the chain breaks, if the ledger was opened in quarantine.
    pub fn damage(&self) -> Option<&Damage> {
        self.inner.damage.as_ref()
    }

    /// Sets the free space (bytes) below which appends are refused with
    /// [`StoreError::DiskFull`]; 0 turns the check off. The default is
    /// [`DEFAULT_FREE_SPACE_RESERVE`].
    pub fn set_free_space_reserve(&self, bytes: u64) {
        self.inner.reserve.store(bytes, Ordering::SeqCst);
    }

    /// Refuses an append while the ledger's disk is below the reserve. Appends that pass
    /// at the same moment can use some of the reserve; that is what it is for.
    fn check_free_space(&self) -> Result<(), StoreError> {
        let reserve = self.inner.reserve.load(Ordering::SeqCst);
        if reserve == 0 {
            return Ok(());
        }
        let available = fs4::available_space(&self.inner.dir)
            .map_err(|e| StoreError::io(&self.inner.dir, e))?;
        if available < reserve {
            return Err(StoreError::DiskFull { available, reserve });
        }
        Ok(())
    }

    /// The durable head: how many records the log holds and the last one's hash.
    pub fn head(&self) -> Head {
        // The head alone: `snapshot` would copy the decision state after every write.
        self.inner.shared.head()
    }

    /// The decision state at [`Ledger::head`].
    pub fn state(&self) -> Arc<State> {
        self.inner.shared.snapshot().1
    }

    /// The head and the state at that head, read together.
    pub fn snapshot(&self) -> (Head, Arc<State>) {
        self.inner.shared.snapshot()
    }

    /// The record at `position`, or `None` beyond the head.
    pub fn record(&self, position: u64) -> Result<Option<Sealed>, StoreError> {
        if position >= self.head().length {
            return Ok(None);
        }
        read_record(&self.inner.opened.trees, position).map(Some)
    }

    /// Up to `limit` records from position `from`, in order, none beyond the head.
    pub fn records(&self, from: u64, limit: usize) -> Result<Vec<Sealed>, StoreError> {
        let end = self
            .head()
            .length
            .min(from.saturating_add(u64::try_from(limit).unwrap_or(u64::MAX)));
        (from..end)
            .map(|position| read_record(&self.inner.opened.trees, position))
            .collect()
    }

    /// The positions of the records of `stream`, in stream order.
    pub fn stream(&self, name: &str) -> Result<Vec<u64>, StoreError> {
        let head = self.head().length;
        let indexed = self
            .inner
            .shared
            .indexed_to
            .load(Ordering::SeqCst)
            .min(head);
        let mut positions = index::stream_positions(&self.inner.opened.trees, name, indexed)?;
        for sealed in self.records(indexed, usize::MAX)? {
            if sealed.record.stream == name {
                positions.push(sealed.record.position.0);
            }
        }
        Ok(positions)
    }

    /// The receipt of a command applied earlier (`replayed: true`), or `None`.
    pub fn receipt(&self, command_id: &CommandId) -> Result<Option<Receipt>, StoreError> {
        let head = self.head().length;
        let indexed = self
            .inner
            .shared
            .indexed_to
            .load(Ordering::SeqCst)
            .min(head);
        if let Some(receipt) = indexed_receipt(&self.inner.opened.trees, command_id, indexed)? {
            return Ok(Some(receipt));
        }
        Ok(scanned_receipt(
            command_id,
            &self.records(indexed, usize::MAX)?,
        ))
    }

    /// Checks the chain up to the current head and every derived entry, like
    /// [`crate::verify`], without closing the ledger.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        verify_trees(&self.inner.opened.trees, Some(self.head().length))
    }

    /// Counters of the writer's work since the ledger was opened.
    pub fn stats(&self) -> AppendStats {
        self.inner.shared.stats()
    }

    /// The ledger's directory.
    pub fn data_dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The open database's trees.
    pub(crate) fn trees(&self) -> &Trees {
        &self.inner.opened.trees
    }

    /// What the ledger handles and the writer share.
    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    /// The C2SP verifier key of the log's signing key (`name+hexid+base64`).
    pub fn verifier_key(&self) -> String {
        self.inner.verifier_key.clone()
    }

    /// A mirror's handle over `opened`, with `shared` published and no writer: its
    /// importer (in `role`) is what appends.
    pub(crate) fn mirror_handle(
        dir: &Path,
        opened: Opened,
        shared: Arc<Shared>,
        verifier_key: String,
        role: MirrorRole,
    ) -> Ledger {
        Ledger {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                shared,
                sender: None,
                writer: None,
                verifier_key,
                damage: None,
                reserve: AtomicU64::new(DEFAULT_FREE_SPACE_RESERVE),
                opened,
                mirror: Some(role),
            }),
        }
    }

    /// The mirror role of this handle, if it is a mirror's.
    pub(crate) fn mirror_role(&self) -> Option<&MirrorRole> {
        self.inner.mirror.as_ref()
    }

    /// Makes the writer's next durable sync fail (tests of the failure path).
    #[cfg(test)]
    pub(crate) fn fail_next_sync(&self) {
        self.inner
            .shared
            .fail_next_sync
            .store(true, Ordering::SeqCst);
    }
}

/// Walks and checks the whole chain of `trees`, handing every checked record to `fold`,
/// and writes what the derived trees (the Merkle tree included) miss: the part of an
/// open shared by a primary and a mirror. Returns the head, the state there and the
/// Merkle tree's right edge.
pub(crate) fn check_and_index(
    trees: &Trees,
    mut fold: impl FnMut(&Sealed, &Event),
) -> Result<(Head, State, Frontier), StoreError> {
    let indexed = trees.indexed()?;
    let from = indexed.map_or(0, |head| head.length);
    let mut missing = IndexBatch::default();
    let mut commands = index::CommandsCheck::start(trees, from);
    let mut tree = CatchUp::new(merkle::stored_size(trees)?);
    let (head, state) = walk(&trees.events, indexed, None, |sealed, event, first| {
        if sealed.record.position.0 >= from {
            missing.add(&sealed.record, first);
        } else {
            commands.visit(&sealed.record, first);
        }
        tree.add(trees, &sealed.bytes);
        fold(sealed, event);
    })?
    .into_checked()?;
    commands.finish(trees, &mut missing)?;
    if head.length > from || indexed.is_none() || !missing.is_empty() {
        missing.write(trees, head)?;
    }
    let frontier = tree.finish(trees)?;
    Ok((head, state, frontier))
}

/// Creates `dir` if missing, takes its lock and opens (or creates) its database: what
/// making a ledger or a mirror starts with. `dir` must be empty ([`StoreError::NotEmpty`])
/// unless it already holds a database, which the caller then judges (the bool is true).
pub(crate) fn create_or_resume(dir: &Path) -> Result<(Opened, bool), StoreError> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    let lock = DirLock::acquire(dir)?;
    let resuming = holds_database(dir);
    if !resuming {
        refuse_other_files(dir)?;
    }
    Ok((Opened::new(dir, lock)?, resuming))
}

/// Refuses `dir` ([`StoreError::NotEmpty`]) when it holds anything but the lock file:
/// a new ledger or mirror is made only in an empty or new directory.
fn refuse_other_files(dir: &Path) -> Result<(), StoreError> {
    let others = std::fs::read_dir(dir)
        .map_err(|e| StoreError::io(dir, e))?
        .filter_map(Result::ok)
        .any(|entry| entry.file_name() != LOCK_FILE);
    if others {
        return Err(StoreError::NotEmpty {
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// Locks and opens an existing ledger directory without creating anything in a
/// directory that is not one.
pub(crate) fn open_existing(dir: &Path) -> Result<Opened, StoreError> {
    let not_a_ledger = || StoreError::NotALedger {
        dir: dir.to_path_buf(),
    };
    if !dir.is_dir() || !holds_database(dir) {
        return Err(not_a_ledger());
    }
    let opened = Opened::new(dir, DirLock::acquire(dir)?)?;
    if !opened.trees.is_ledger()? {
        return Err(not_a_ledger());
    }
    Ok(opened)
}

fn read_record(trees: &Trees, position: u64) -> Result<Sealed, StoreError> {
    let bytes = trees
        .events
        .get(position_key(position))?
        .ok_or_else(|| StoreError::corrupt(position, "record is missing"))?;
    Sealed::from_bytes(bytes.to_vec()).map_err(|e| StoreError::corrupt(position, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<Ledger>();
    }
}
