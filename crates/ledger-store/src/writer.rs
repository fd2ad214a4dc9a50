//! The one writer: decides, sequences, seals and durably appends every command.
//!
//! Appenders queue requests on a channel; the writer takes all that are waiting (group
//! commit), decides them one after the other on its own state, which already includes
//! the earlier commands of the batch, writes the batch's records in one sled `Batch`,
//! makes them durable, indexes them, adds them to the Merkle tree and signs its new
//! checkpoint, publishes the new head, state and checkpoint, and only then answers.
//!
//! Two decision states are kept so that no batch copies one: the writer's own working
//! state, evolved in place as it decides (it runs ahead of the disk while a batch is
//! being written), and the durable state, evolved with the same events only once they
//! are durable. Readers are given copies of the durable state, made when first asked
//! for after the head moved. This module must never answer an append before its bytes
//! are durable, never decide on a state other than the latest one, never let a reader
//! see a state that includes a record that is not durable, and never continue after a
//! failed durable write: it refuses everything after.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use ledger_core::{
    chain, decide, ActorId, CommandDigest, CommandId, Envelope, Event, Head, RecordError, Sealed,
    State, Timestamp,
};

use crate::checkpoint::{TreeHead, TreeLog};
use crate::digests::{Digests, Known};
use crate::disk::{Durable, Trees};
use crate::error::{AppendError, StoreError};
use crate::index::{self, IndexBatch};
use crate::layout::position_key;
use crate::options::Clock;
use crate::receipt::{indexed_command, Receipt};

/// The most requests one batch takes, so one batch's memory stays bounded.
const MAX_BATCH: usize = 4096;

/// One append waiting for its answer.
pub(crate) struct Request {
    pub(crate) envelope: Envelope,
    pub(crate) reply: SyncSender<Result<Receipt, AppendError>>,
}

/// The head that readers see (always a durable one) and a copy of the state there.
#[derive(Debug)]
pub(crate) struct Published {
    pub(crate) head: Head,
    /// A copy of the durable state at `head`, once a reader asked for it (see
    /// [`Shared::snapshot`]); `None` right after the head moved.
    state: Option<Arc<State>>,
    /// The latest signed checkpoint; its size is the head's length unless storing the
    /// Merkle hashes of the last batch failed (then the next batch catches up).
    pub(crate) tree: Arc<TreeHead>,
}

/// Counters of the writer's work since the ledger was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppendStats {
    /// Append requests answered (including rejections and replays).
    pub requests: u64,
    /// Batches that wrote records.
    pub batches: u64,
    /// Commands whose records were appended.
    pub appended_commands: u64,
    /// Records appended.
    pub appended_records: u64,
    /// Durable syncs done (one per batch that wrote records).
    pub syncs: u64,
    /// Time spent in those syncs, in microseconds.
    pub sync_micros: u64,
    /// The most requests one batch held.
    pub largest_batch: u64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    batches: AtomicU64,
    appended_commands: AtomicU64,
    appended_records: AtomicU64,
    syncs: AtomicU64,
    sync_micros: AtomicU64,
    largest_batch: AtomicU64,
}

/// What the ledger handles and the writer share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) published: RwLock<Published>,
    /// The decision state at the published head. The writer evolves it with a batch's
    /// events once they are durable and changes the published head while holding this
    /// lock, so whoever holds it sees the state of the published head.
    durable_state: Mutex<State>,
    /// How far the derived trees are indexed (they lag only after an index write failed).
    pub(crate) indexed_to: AtomicU64,
    counters: Counters,
    /// Makes the next durable sync fail, to test that nothing is acknowledged then.
    #[cfg(test)]
    pub(crate) fail_next_sync: std::sync::atomic::AtomicBool,
}

impl Shared {
    pub(crate) fn new(head: Head, state: Arc<State>, indexed_to: u64, tree: TreeHead) -> Self {
        Shared {
            durable_state: Mutex::new(State::clone(&state)),
            published: RwLock::new(Published {
                head,
                state: Some(state),
                tree: Arc::new(tree),
            }),
            indexed_to: AtomicU64::new(indexed_to),
            counters: Counters::default(),
            #[cfg(test)]
            fail_next_sync: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The published head and the state at that head.
    ///
    /// The first call after the head moved copies the durable state (about 0.2 ms for
    /// the demo electorate) and keeps the copy for the calls after it; it waits while the
    /// writer evolves that state with a durable batch (microseconds), never for a sync.
    pub(crate) fn snapshot(&self) -> (Head, Arc<State>) {
        {
            let published = self
                .published
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(state) = &published.state {
                return (published.head, Arc::clone(state));
            }
        }
        let durable = self
            .durable_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // While the durable state is locked the published head cannot move.
        let head = self.head();
        let state = Arc::new(State::clone(&durable));
        let mut published = self
            .published
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        published.state = Some(Arc::clone(&state));
        (head, state)
    }

    /// The published head alone (no state copy, no wait).
    pub(crate) fn head(&self) -> Head {
        self.published
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .head
    }

    /// The latest signed checkpoint.
    pub(crate) fn tree(&self) -> Arc<TreeHead> {
        let published = self
            .published
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&published.tree)
    }

    /// Publishes `head` with `events` evolved into the durable state and, when given, a
    /// new checkpoint: what the writer does after each durable batch, and a mirror's
    /// importer after records it did not decide. The durable state catches up (evolving
    /// is cheap, a copy is not) and the head moves with it, under the state's lock.
    pub(crate) fn publish(&self, head: Head, events: &[Event], tree: Option<TreeHead>) {
        let mut durable = self
            .durable_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for event in events {
            durable.evolve(event);
        }
        let mut published = self
            .published
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        published.head = head;
        published.state = None;
        if let Some(tree) = tree {
            published.tree = Arc::new(tree);
        }
    }

    pub(crate) fn stats(&self) -> AppendStats {
        let c = &self.counters;
        AppendStats {
            requests: c.requests.load(Ordering::Relaxed),
            batches: c.batches.load(Ordering::Relaxed),
            appended_commands: c.appended_commands.load(Ordering::Relaxed),
            appended_records: c.appended_records.load(Ordering::Relaxed),
            syncs: c.syncs.load(Ordering::Relaxed),
            sync_micros: c.sync_micros.load(Ordering::Relaxed),
            largest_batch: c.largest_batch.load(Ordering::Relaxed),
        }
    }
}

/// How one request of a batch turned out before the batch is written.
enum Outcome {
    /// Settled without appending (replay, conflict, rejection, fault).
    Answer(Result<Receipt, AppendError>),
    /// Its records are `records[range]` of the batch, stored under `stored_id`.
    Appended {
        stored_id: CommandId,
        range: Range<usize>,
        recorded_at: Timestamp,
    },
    /// A repeat of the command appended by request `index` of this same batch.
    SameAs(usize),
}

/// A command appended earlier in the batch being decided.
struct InBatch {
    index: usize,
    actor: ActorId,
    digest: CommandDigest,
}

/// What the command id of a request names, for its actor.
enum Identity {
    /// A command of the actor's, appended before: answered, not decided.
    Known(Outcome),
    /// A new command, to be stored under this id.
    New {
        stored_id: CommandId,
        digest: CommandDigest,
    },
}

/// The writer thread's state.
pub(crate) struct Writer {
    trees: Trees,
    durable: Durable,
    shared: Arc<Shared>,
    clock: Clock,
    /// The last durable head.
    head: Head,
    /// The state the next command is decided on: the durable state plus the commands of
    /// the batch being decided. After a failed durable write it is ahead of the disk, and
    /// the writer decides nothing more.
    working: State,
    /// How far the derived trees are written.
    indexed: u64,
    /// The Merkle tree's right edge and the signing key.
    tree: TreeLog,
    /// Set when a durable write failed; every later request is refused with it.
    stopped: Option<String>,
    /// The commands' digests, opened before the first batch.
    digests: Option<Digests>,
}

impl Writer {
    pub(crate) fn new(
        trees: Trees,
        durable: Durable,
        shared: Arc<Shared>,
        clock: Clock,
        tree: TreeLog,
    ) -> Writer {
        let (head, state) = shared.snapshot();
        let working = State::clone(&state);
        let indexed = shared.indexed_to.load(Ordering::SeqCst);
        Writer {
            trees,
            durable,
            shared,
            clock,
            head,
            working,
            indexed,
            tree,
            stopped: None,
            digests: None,
        }
    }

    /// Serves requests until every sender is gone.
    pub(crate) fn run(mut self, requests: Receiver<Request>) {
        while let Ok(first) = requests.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match requests.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            self.commit(batch);
        }
    }

    fn commit(&mut self, batch: Vec<Request>) {
        let shared = Arc::clone(&self.shared);
        let counters = &shared.counters;
        counters
            .requests
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        counters
            .largest_batch
            .fetch_max(batch.len() as u64, Ordering::Relaxed);
        if let Some(reason) = &self.stopped {
            let reason = format!(
                "an earlier write did not reach the disk ({reason}); the ledger takes writes \
                 again only once it is reopened"
            );
            return refuse_all(batch, || StoreError::WriterStopped {
                reason: reason.clone(),
            });
        }
        // Idempotency is judged on the commands index, so it must be complete first.
        if self.indexed < self.head.length {
            if let Err(e) = index::catch_up(&self.trees, self.indexed, self.head) {
                let reason = format!("the indexes are behind and could not catch up: {e}");
                return refuse_all(batch, || StoreError::WriteFailed {
                    reason: reason.clone(),
                });
            }
            self.indexed = self.head.length;
            self.shared.indexed_to.store(self.indexed, Ordering::SeqCst);
        }
        let digests = match &self.digests {
            Some(digests) => digests.clone(),
            None => match Digests::open(&self.trees, self.head.length) {
                Ok(digests) => self.digests.insert(digests).clone(),
                Err(e) => {
                    let reason = format!("the command digests cannot be read: {e}");
                    return refuse_all(batch, || StoreError::WriteFailed {
                        reason: reason.clone(),
                    });
                }
            },
        };

        let mut head = self.head;
        let mut events: Vec<Event> = Vec::new();
        let mut records: Vec<Sealed> = Vec::new();
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(batch.len());
        let mut in_batch: HashMap<CommandId, InBatch> = HashMap::new();
        let mut new_digests: Vec<(CommandId, CommandDigest)> = Vec::new();
        let mut first_append: Option<usize> = None;
        for (i, request) in batch.iter().enumerate() {
            let envelope = &request.envelope;
            let outcome = match self.identify(envelope, &digests, &in_batch) {
                Err(refusal) => Outcome::Answer(Err(refusal)),
                Ok(Identity::Known(outcome)) => outcome,
                Ok(Identity::New { stored_id, digest }) => {
                    let outcome =
                        self.decide_one(envelope, stored_id, &mut head, &mut records, &mut events);
                    if let Outcome::Appended { stored_id, .. } = &outcome {
                        in_batch.insert(
                            stored_id.clone(),
                            InBatch {
                                index: i,
                                actor: envelope.actor.clone(),
                                digest,
                            },
                        );
                        new_digests.push((stored_id.clone(), digest));
                        first_append.get_or_insert(i);
                    }
                    outcome
                }
            };
            outcomes.push(outcome);
        }

        let Some(first_append) = first_append else {
            return answer_all(batch, outcomes, &records);
        };
        if let Err(e) = self.persist(&records, &digests, &new_digests) {
            // Nothing of this batch may be acknowledged, and nothing decided after its
            // first append may stand: those decisions saw records that are not durable.
            // The durable state (what readers see) never saw them; the working state did
            // and is not used again.
            let reason = e.to_string();
            self.stopped = Some(reason.clone());
            for outcome in outcomes.iter_mut().skip(first_append) {
                *outcome = Outcome::Answer(Err(AppendError::Fault(StoreError::WriteFailed {
                    reason: reason.clone(),
                })));
            }
            return answer_all(batch, outcomes, &records);
        }

        self.head = head;
        let mut derived = IndexBatch::default();
        derived.add_commands(records.iter().map(|s| &s.record));
        // The events are durable; if the derived trees fail to update, the next batch
        // catches them up before deciding anything.
        if derived.write(&self.trees, head).is_ok() {
            self.indexed = head.length;
            self.shared.indexed_to.store(self.indexed, Ordering::SeqCst);
        }
        // Likewise the Merkle hashes: if they cannot be stored, the checkpoint stays at
        // the last size whose hashes are all stored, and the next batch writes them.
        let tree = self.tree.extend(&self.trees, &records).ok();
        self.shared.publish(head, &events, tree);
        let appended = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Appended { .. }))
            .count();
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters
            .appended_commands
            .fetch_add(appended as u64, Ordering::Relaxed);
        counters
            .appended_records
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        answer_all(batch, outcomes, &records);
    }

    /// What the request's command id names for its actor: a command of theirs appended
    /// before (in the log or earlier in this batch), or a new command and the id to store
    /// it under.
    ///
    /// Command ids are scoped per actor. A new command is stored under the id as sent
    /// when no other actor's command holds it, else under `actor/id` (`/` is in no valid
    /// id, so that form is the actor's alone). A known command is answered with its
    /// first receipt when the request's digest equals the stored one (a retry), and
    /// refused with [`AppendError::KeyReused`] when it does not. A command appended
    /// before digests were kept is a retry when the request targets the stream its first
    /// record is in (the best the log can tell).
    fn identify(
        &self,
        envelope: &Envelope,
        digests: &Digests,
        in_batch: &HashMap<CommandId, InBatch>,
    ) -> Result<Identity, AppendError> {
        let digest = envelope
            .digest()
            .map_err(|e| AppendError::Refused(StoreError::Record(e)))?;
        let key = &envelope.command_id;
        let reused = |stored_as: &CommandId| AppendError::KeyReused {
            command_id: key.clone(),
            actor: envelope.actor.clone(),
            stored_as: stored_as.clone(),
        };
        let scoped = CommandId::new(format!("{}/{}", envelope.actor, key));
        for candidate in [key, &scoped] {
            if let Some(earlier) = in_batch.get(candidate) {
                if earlier.actor != envelope.actor {
                    continue;
                }
                if earlier.digest != digest {
                    return Err(reused(candidate));
                }
                return Ok(Identity::Known(Outcome::SameAs(earlier.index)));
            }
            let stored = indexed_command(&self.trees, candidate, self.head.length)
                .map_err(AppendError::Refused)?;
            let Some(stored) = stored else {
                return Ok(Identity::New {
                    stored_id: candidate.clone(),
                    digest,
                });
            };
            if stored.actor != envelope.actor {
                continue;
            }
            let first = stored.receipt.positions.first().copied().unwrap_or(0);
            let same = match digests
                .known(candidate, first)
                .map_err(AppendError::Refused)?
            {
                Known::Digest(stored_digest) => stored_digest == digest,
                Known::Legacy => stored.stream == envelope.command.target_stream(),
            };
            if !same {
                return Err(reused(candidate));
            }
            return Ok(Identity::Known(Outcome::Answer(Ok(stored.receipt))));
        }
        Err(AppendError::Refused(StoreError::corrupt(
            self.head.length,
            format!("the command id {scoped} is held by another actor's command"),
        )))
    }

    /// Decides one command on the working state, seals its records under `stored_id`
    /// and evolves the working state with its events (kept in `events` for the durable
    /// state).
    fn decide_one(
        &mut self,
        envelope: &Envelope,
        stored_id: CommandId,
        head: &mut Head,
        records: &mut Vec<Sealed>,
        events: &mut Vec<Event>,
    ) -> Outcome {
        let state: &State = &self.working;
        if let Some(expected) = envelope.expected_version {
            let stream = envelope.command.target_stream();
            let actual = state.stream_length(&stream);
            if actual != expected {
                return Outcome::Answer(Err(AppendError::Conflict {
                    stream,
                    expected,
                    actual,
                }));
            }
        }
        let now = (self.clock)();
        let at = *head;
        // `decide` sees the id as sent (it checks its syntax); the records carry the id
        // the command is stored under, from which their event ids derive.
        let sealing = if stored_id == envelope.command_id {
            Cow::Borrowed(envelope)
        } else {
            Cow::Owned(Envelope {
                command_id: stored_id.clone(),
                ..envelope.clone()
            })
        };
        // `decide` is pure and should never panic; if it does on some input, that
        // command fails and the ledger keeps serving the others.
        let attempt = catch_unwind(AssertUnwindSafe(|| {
            decide(state, envelope, now).map(|events| {
                let sealed = chain::seal(state, at, &sealing, &events, now);
                (events, sealed)
            })
        }));
        let (decided, sealed) = match attempt {
            Err(_) => {
                return Outcome::Answer(Err(AppendError::Refused(StoreError::WriteFailed {
                    reason: format!("deciding command {} panicked", envelope.command_id),
                })))
            }
            Ok(Err(rejection)) => return Outcome::Answer(Err(AppendError::Rejected(rejection))),
            Ok(Ok((_, Err(RecordError::TooLarge { size })))) => {
                return Outcome::Answer(Err(AppendError::TooLarge { size }))
            }
            Ok(Ok((_, Err(e)))) => return Outcome::Answer(Err(AppendError::Refused(e.into()))),
            Ok(Ok((events, Ok(sealed)))) => (events, sealed),
        };
        let Some(last) = sealed.last() else {
            // A command that produced no record could not be found again by its id.
            return Outcome::Answer(Err(AppendError::Refused(StoreError::WriteFailed {
                reason: format!("command {} produced no events", envelope.command_id),
            })));
        };
        *head = Head {
            length: head.length + sealed.len() as u64,
            hash: last.hash,
        };
        for event in &decided {
            self.working.evolve(event);
        }
        events.extend(decided);
        let start = records.len();
        records.extend(sealed);
        Outcome::Appended {
            stored_id,
            range: start..records.len(),
            recorded_at: now,
        }
    }

    /// Writes the digests of the batch's commands, then its records in one sled batch
    /// (one insert when there is one record), and makes them durable.
    ///
    /// The batch is what keeps a command's records together through a crash: sled
    /// recovers a batch whole or not at all. A single record needs no batch, and a
    /// batch costs a hand-off of sled's write buffer to its I/O threads. The digests go
    /// first: sled recovers a prefix of its log, so a record that survives a crash has
    /// its command's digest.
    fn persist(
        &mut self,
        records: &[Sealed],
        digests: &Digests,
        new_digests: &[(CommandId, CommandDigest)],
    ) -> Result<(), StoreError> {
        for (id, digest) in new_digests {
            digests.insert(id, *digest)?;
        }
        if let [sealed] = records {
            self.trees.events.insert(
                &position_key(sealed.record.position.0)[..],
                sealed.bytes.as_slice(),
            )?;
        } else {
            let mut batch = sled::Batch::default();
            for sealed in records {
                batch.insert(
                    &position_key(sealed.record.position.0)[..],
                    sealed.bytes.as_slice(),
                );
            }
            self.trees.events.apply_batch(batch)?;
        }
        #[cfg(test)]
        if self.shared.fail_next_sync.swap(false, Ordering::SeqCst) {
            return Err(StoreError::io(
                "db",
                std::io::Error::other("injected sync failure"),
            ));
        }
        let started = Instant::now();
        self.durable.sync(&self.trees.db)?;
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let counters = &self.shared.counters;
        counters.syncs.fetch_add(1, Ordering::Relaxed);
        counters.sync_micros.fetch_add(micros, Ordering::Relaxed);
        Ok(())
    }
}

/// Refuses every request of a batch of which nothing was written.
fn refuse_all(batch: Vec<Request>, refusal: impl Fn() -> StoreError) {
    for request in batch {
        let _ = request.reply.send(Err(AppendError::Refused(refusal())));
    }
}

/// Sends every waiter its answer; receipts are built from the batch's records.
fn answer_all(batch: Vec<Request>, outcomes: Vec<Outcome>, records: &[Sealed]) {
    let receipts: Vec<Option<Receipt>> = outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Appended {
                stored_id,
                range,
                recorded_at,
            } => Some(Receipt::of(
                stored_id,
                records.get(range.clone()).unwrap_or_default(),
                *recorded_at,
            )),
            _ => None,
        })
        .collect();
    for ((request, outcome), receipt) in batch.into_iter().zip(outcomes).zip(&receipts) {
        let answer = match outcome {
            Outcome::Answer(answer) => answer,
            Outcome::Appended { .. } => receipt.clone().ok_or_else(missing_receipt),
            Outcome::SameAs(original) => receipts
                .get(original)
                .cloned()
                .flatten()
                .map(|mut receipt| {
                    receipt.replayed = true;
                    receipt
                })
                .ok_or_else(missing_receipt),
        };
        // A waiter that gave up (its thread ended) just does not hear the answer.
        let _ = request.reply.send(answer);
    }
}

fn missing_receipt() -> AppendError {
    AppendError::Fault(StoreError::WriteFailed {
        reason: "internal error: no receipt for an appended command".into(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use ledger_core::{ActorId, Command, CommandId, LibraryId, NisCode};

    use super::*;
    use crate::ledger::open_existing;
    use crate::options::{Durability, LedgerOptions};
    use crate::replay::walk;
    use crate::Ledger;

    /// Registers `lib-N`, serving municipality `1100N` (one library per municipality).
    fn register(command_id: &str, library: &str) -> Envelope {
        let number: u32 = library.trim_start_matches("lib-").parse().unwrap();
        Envelope {
            command_id: CommandId::new(command_id),
            actor: ActorId::new("secretariaat"),
            expected_version: None,
            command: Command::RegisterLibrary {
                library: LibraryId::new(library),
                name: "Bibliotheek".into(),
                municipalities: vec![NisCode(format!("{:05}", 11_000 + number))],
                inhabitants: 100,
            },
        }
    }

    fn new_ledger(dir: &std::path::Path) -> Ledger {
        Ledger::init(
            dir,
            "example.org/ledger",
            ActorId::new("secretariaat"),
            LedgerOptions::default(),
        )
        .unwrap()
    }

    /// A writer over the ledger in `dir` (closed), driven by hand so that a test chooses
    /// exactly which requests form one batch.
    fn manual_writer(dir: &std::path::Path) -> (crate::ledger::Opened, Arc<Shared>, Writer, Head) {
        let opened = open_existing(dir).unwrap();
        let trees = &opened.trees;
        let (head, state) = walk(&trees.events, trees.indexed().unwrap(), None, |_, _, _| {})
            .unwrap()
            .into_checked()
            .unwrap();
        let mut catch_up = crate::merkle::CatchUp::new(None);
        for position in 0..head.length {
            let bytes = trees.events.get(position.to_be_bytes()).unwrap().unwrap();
            catch_up.add(trees, &bytes);
        }
        let signer =
            crate::log_key::load(dir, trees, state.origin.as_deref(), Durability::Fsync).unwrap();
        let tree = crate::checkpoint::TreeLog::new(catch_up.finish(trees).unwrap(), signer);
        let tree_head = tree.sign().unwrap();
        let shared = Arc::new(Shared::new(head, Arc::new(state), head.length, tree_head));
        let durable = Durable::new(dir, Durability::Fsync).unwrap();
        let writer = Writer::new(
            trees.clone(),
            durable,
            Arc::clone(&shared),
            Arc::new(crate::system_clock),
            tree,
        );
        (opened, shared, writer, head)
    }

    /// Sends `envelopes` to `writer` as one batch and returns their answers.
    fn one_batch(
        writer: &mut Writer,
        envelopes: Vec<Envelope>,
    ) -> Vec<Result<Receipt, AppendError>> {
        let mut answers = Vec::new();
        let batch = envelopes
            .into_iter()
            .map(|envelope| {
                let (reply, answer) = mpsc::sync_channel(1);
                answers.push(answer);
                Request { envelope, reply }
            })
            .collect();
        writer.commit(batch);
        answers.iter().map(|a| a.recv().unwrap()).collect()
    }

    #[test]
    fn retries_within_one_batch_share_the_first_receipt() {
        let dir = tempfile::tempdir().unwrap();
        drop(new_ledger(dir.path()));
        let (opened, shared, mut writer, head) = manual_writer(dir.path());
        let trees = &opened.trees;

        // One batch: a command, another command, then two retries of the first.
        let envelopes = vec![
            register("c-1", "lib-1"),
            register("c-2", "lib-2"),
            register("c-1", "lib-1"),
            register("c-1", "lib-1"),
        ];
        let receipts: Vec<Receipt> = one_batch(&mut writer, envelopes)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(receipts[0].positions, vec![head.length]);
        assert_eq!(receipts[1].positions, vec![head.length + 1]);
        assert!(!receipts[0].replayed && !receipts[1].replayed);
        for retry in &receipts[2..] {
            assert!(retry.replayed);
            assert_eq!(retry.positions, receipts[0].positions);
            assert_eq!(retry.hashes, receipts[0].hashes);
            assert_eq!(retry.recorded_at, receipts[0].recorded_at);
        }
        assert_eq!(shared.snapshot().0.length, head.length + 2);
        assert_eq!(shared.stats().syncs, 1);
        assert_eq!(trees.events.len() as u64, head.length + 2);
    }

    #[test]
    fn ids_are_scoped_per_actor_and_a_reused_one_is_refused_within_one_batch() {
        let dir = tempfile::tempdir().unwrap();
        drop(new_ledger(dir.path()));
        let (opened, shared, mut writer, head) = manual_writer(dir.path());
        let by = |actor: &str, envelope: Envelope| Envelope {
            actor: ActorId::new(actor),
            ..envelope
        };

        let grant = Envelope {
            command_id: CommandId::new("grant-2"),
            actor: ActorId::new("secretariaat"),
            expected_version: None,
            command: Command::GrantRole {
                actor: ActorId::new("secretariaat-2"),
                role: ledger_core::Role::Secretariat,
            },
        };
        assert!(one_batch(&mut writer, vec![grant])[0].is_ok());
        let head = Head {
            length: head.length + 1,
            ..shared.head()
        };

        // One batch: a command, the same id for another command by the same actor, the
        // same id by another actor, and that actor's retry.
        let answers = one_batch(
            &mut writer,
            vec![
                register("c-1", "lib-1"),
                register("c-1", "lib-2"),
                by("secretariaat-2", register("c-1", "lib-3")),
                by("secretariaat-2", register("c-1", "lib-3")),
            ],
        );
        let first = answers[0].as_ref().unwrap();
        assert_eq!(first.command_id.as_str(), "c-1");
        assert!(matches!(
            &answers[1],
            Err(AppendError::KeyReused { stored_as, .. }) if stored_as.as_str() == "c-1"
        ));
        let theirs = answers[2].as_ref().unwrap();
        assert_eq!(theirs.command_id.as_str(), "secretariaat-2/c-1");
        assert_eq!(theirs.positions, vec![head.length + 1]);
        assert!(!theirs.replayed);
        let retry = answers[3].as_ref().unwrap();
        assert!(retry.replayed);
        assert_eq!(retry.hashes, theirs.hashes);
        assert_eq!(shared.snapshot().0.length, head.length + 2);
        assert_eq!(opened.trees.events.len() as u64, head.length + 2);
    }

    #[test]
    fn a_failed_sync_acknowledges_nothing_and_stops_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = new_ledger(dir.path());
        ledger.append(register("c-1", "lib-1")).unwrap();
        let head = ledger.head();

        ledger.fail_next_sync();
        assert!(matches!(
            ledger.append(register("c-2", "lib-2")),
            Err(AppendError::Fault(StoreError::WriteFailed { .. }))
        ));
        assert_eq!(ledger.head(), head);
        assert!(!ledger
            .state()
            .libraries
            .contains_key(&LibraryId::new("lib-2")));
        assert_eq!(ledger.record(head.length).unwrap(), None);
        // Nothing may build on the unacknowledged record: the writer refuses from now on.
        assert!(matches!(
            ledger.append(register("c-3", "lib-3")),
            Err(AppendError::Refused(StoreError::WriterStopped { .. }))
        ));
        assert_eq!(ledger.head(), head);
        drop(ledger);

        // Reopening re-reads what reached the disk. Whether the unacknowledged record
        // did is unknown to its caller, so a retry must neither fail nor duplicate it.
        let ledger = Ledger::open(dir.path(), LedgerOptions::default()).unwrap();
        assert!(ledger.verify().unwrap().is_intact());
        let retry = ledger.append(register("c-2", "lib-2")).unwrap();
        assert_eq!(retry.positions, vec![head.length]);
        assert_eq!(ledger.head().length, head.length + 1);
    }

    #[test]
    fn readers_see_each_durable_batch_and_nothing_of_a_failed_one() {
        let dir = tempfile::tempdir().unwrap();
        drop(new_ledger(dir.path()));
        let (_opened, shared, mut writer, head) = manual_writer(dir.path());
        let library = |n: u32| LibraryId::new(format!("lib-{n}"));

        // A reader holding the state of the old head keeps it; a new reader sees the batch.
        let (_, before) = shared.snapshot();
        let answers = one_batch(
            &mut writer,
            vec![register("c-1", "lib-1"), register("c-2", "lib-2")],
        );
        assert!(answers.iter().all(Result::is_ok));
        assert!(!before.libraries.contains_key(&library(1)));
        let (after, state) = shared.snapshot();
        assert_eq!(after.length, head.length + 2);
        assert_eq!(shared.head(), after);
        assert!(state.libraries.contains_key(&library(1)));
        assert!(state.libraries.contains_key(&library(2)));
        // The copy is made once per head.
        assert!(Arc::ptr_eq(&state, &shared.snapshot().1));

        // A batch of three whose sync fails: the second and third were decided on the
        // first, which never became durable; none of them may be seen.
        shared.fail_next_sync.store(true, Ordering::SeqCst);
        let answers = one_batch(
            &mut writer,
            vec![
                register("c-3", "lib-3"),
                register("c-4", "lib-4"),
                register("c-5", "lib-5"),
            ],
        );
        assert!(answers
            .iter()
            .all(|a| matches!(a, Err(AppendError::Fault(StoreError::WriteFailed { .. })))));
        let (now, state) = shared.snapshot();
        assert_eq!(now, after);
        for n in 3..=5 {
            assert!(!state.libraries.contains_key(&library(n)));
        }
        assert_eq!(state.length, after.length);
        // And the writer decides nothing more.
        let answers = one_batch(&mut writer, vec![register("c-6", "lib-6")]);
        assert!(matches!(
            answers[0],
            Err(AppendError::Refused(StoreError::WriterStopped { .. }))
        ));
        assert_eq!(shared.snapshot().0, after);
    }
}
