//! The derived trees, `streams` and `commands`, and the `meta/indexed` head that says
//! how far they go.
//!
//! Both trees are pure functions of `events`. They are written after the events they
//! index are durable, `meta/indexed` last, so a crash leaves them behind `events`, never
//! ahead; rewriting an entry writes the same bytes, so catching up twice is harmless.
//! This module must never be the only copy of anything: whatever it writes can be
//! rebuilt from `events`.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::thread::JoinHandle;

use ledger_core::{CommandId, Head, Record};

use crate::disk::Trees;
use crate::error::StoreError;
use crate::layout::{
    command_value, decode_command_value, indexed_value, position_key, stream_key, stream_prefix,
    INDEXED_KEY,
};

/// Entries to add to the derived trees.
#[derive(Debug, Default)]
pub(crate) struct IndexBatch {
    streams: Vec<(Vec<u8>, [u8; 8])>,
    /// Command id, first position, record count.
    commands: Vec<(CommandId, u64, u32)>,
}

impl IndexBatch {
    /// Adds `record`, whose command's first record is at `command_first`.
    pub(crate) fn add(&mut self, record: &Record, command_first: u64) {
        let position = record.position.0;
        self.streams.push((
            stream_key(&record.stream, record.stream_version),
            position_key(position),
        ));
        // Counting from the command's first position (not from what was added) keeps the
        // count right even if indexing starts inside a command.
        let count = u32::try_from(position.saturating_sub(command_first) + 1).unwrap_or(u32::MAX);
        match self.commands.last_mut() {
            Some((_, first, last_count)) if *first == command_first => *last_count = count,
            _ => self
                .commands
                .push((record.command_id.clone(), command_first, count)),
        }
    }

    /// Adds records that form whole commands, in log order.
    pub(crate) fn add_commands<'a>(&mut self, records: impl IntoIterator<Item = &'a Record>) {
        let mut run: Option<(CommandId, u64)> = None;
        for record in records {
            let first = match &run {
                Some((id, first)) if *id == record.command_id => *first,
                _ => record.position.0,
            };
            run = Some((record.command_id.clone(), first));
            self.add(record, first);
        }
    }

    /// Whether there is nothing to write.
    pub(crate) fn is_empty(&self) -> bool {
        self.streams.is_empty() && self.commands.is_empty()
    }

    /// Writes the entries, then records `head` as indexed.
    ///
    /// Plain inserts, not sled batches: a batch seals sled's write buffer and hands it
    /// to sled's I/O threads (a `sync_file_range` and a wake-up of every idle I/O thread,
    /// measured at a third of a single writer's time per append), and these entries need
    /// no atomicity. sled recovers a prefix of its log, so `meta/indexed`, inserted last,
    /// is never ahead of an entry it vouches for.
    pub(crate) fn write(self, trees: &Trees, head: Head) -> Result<(), StoreError> {
        for (key, value) in self.streams {
            trees.streams.insert(key, &value[..])?;
        }
        for (id, first, count) in self.commands {
            trees
                .commands
                .insert(id.as_str().as_bytes(), &command_value(first, count)[..])?;
        }
        trees.meta.insert(INDEXED_KEY, &indexed_value(head)[..])?;
        Ok(())
    }
}

/// The re-check, at open, of the `commands` entries that `meta/indexed` says are written.
///
/// The writer finds a retried command through the `commands` index alone, so an entry
/// that is missing (or names other records) would let a retry append the command a
/// second time. Reading every entry back on the walk's thread would cost a tree lookup
/// per command; instead two fingerprints of the set of (command id, first position,
/// record count) below `meta/indexed` are compared: one over the commands the open's
/// walk meets ([`CommandsCheck::visit`], a keyed 64-bit hash per command, in memory), one
/// over the entries of `commands`, read in key order by a thread of its own while the
/// walk runs. They differ when an entry is missing, unreadable or wrong; then
/// [`CommandsCheck::finish`] reads the log once more, looks every entry up and queues
/// the ones that differ for rewriting. (An entry for an id the log does not hold is not
/// removed: a lookup of it finds records of another command and is refused as damage.)
#[derive(Debug)]
pub(crate) struct CommandsCheck {
    /// Commands whose first record is below this position are checked.
    below: u64,
    key: RandomState,
    /// Over the commands the walk met.
    walked: Fingerprint,
    /// The command being walked: its id, first position and records seen.
    current: Option<(CommandId, u64, u32)>,
    /// The fingerprint of the stored entries, being computed.
    scan: Option<JoinHandle<Result<Fingerprint, StoreError>>>,
}

/// An order-independent digest of a set of `commands` entries: their number and the
/// wrapping sum of their keyed hashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Fingerprint {
    entries: u64,
    sum: u64,
}

impl Fingerprint {
    fn add(&mut self, key: &RandomState, id: &[u8], first: u64, count: u32) {
        self.entries += 1;
        self.sum = self.sum.wrapping_add(key.hash_one((id, first, count)));
    }
}

impl CommandsCheck {
    /// Starts reading the stored entries of the commands below `below` (the length
    /// `meta/indexed` names) on a thread of its own.
    pub(crate) fn start(trees: &Trees, below: u64) -> CommandsCheck {
        let key = RandomState::new();
        let scan = if below == 0 {
            None
        } else {
            let (commands, scan_key) = (trees.commands.clone(), key.clone());
            std::thread::Builder::new()
                .name("ledger-commands-check".into())
                .spawn(move || stored_fingerprint(&commands, below, &scan_key))
                .ok()
        };
        CommandsCheck {
            below,
            key,
            walked: Fingerprint::default(),
            current: None,
            scan,
        }
    }

    /// Counts `record`, whose command's first record is at `first`, if it is below the
    /// checked length.
    pub(crate) fn visit(&mut self, record: &Record, first: u64) {
        if first >= self.below {
            return;
        }
        if record.position.0 == first {
            self.settle();
            self.current = Some((record.command_id.clone(), first, 0));
        }
        if let Some((_, _, seen)) = &mut self.current {
            *seen = seen.saturating_add(1);
        }
    }

    fn settle(&mut self) {
        if let Some((id, first, seen)) = self.current.take() {
            self.walked
                .add(&self.key, id.as_str().as_bytes(), first, seen);
        }
    }

    /// Ends the check after a walk that met every record below the checked length: when
    /// the stored entries differ from the log's commands, queues each wrong or missing
    /// entry in `repairs`.
    pub(crate) fn finish(
        mut self,
        trees: &Trees,
        repairs: &mut IndexBatch,
    ) -> Result<(), StoreError> {
        self.settle();
        let stored = match self.scan.take() {
            Some(scan) => scan.join().ok().and_then(Result::ok),
            None if self.below == 0 => Some(Fingerprint::default()),
            None => stored_fingerprint(&trees.commands, self.below, &self.key).ok(),
        };
        if stored == Some(self.walked) {
            return Ok(());
        }
        repair_commands(trees, self.below, repairs)
    }
}

impl Drop for CommandsCheck {
    /// An open that fails before [`CommandsCheck::finish`] still waits for the scan, so
    /// that nothing holds the database once the open has returned.
    fn drop(&mut self) {
        if let Some(scan) = self.scan.take() {
            let _ = scan.join();
        }
    }
}

/// The fingerprint of the entries of `commands` that name a first position below
/// `below`; an unreadable entry makes it differ from any log's.
fn stored_fingerprint(
    commands: &sled::Tree,
    below: u64,
    key: &RandomState,
) -> Result<Fingerprint, StoreError> {
    let mut fingerprint = Fingerprint::default();
    for item in commands.iter() {
        let (id, value) = item?;
        match decode_command_value(&value) {
            Some((first, count)) if first < below => fingerprint.add(key, &id, first, count),
            Some(_) => {}
            None => fingerprint.add(key, &id, u64::MAX, u32::MAX),
        }
    }
    Ok(fingerprint)
}

/// Reads the records below `below` and queues in `repairs` the `commands` entry of
/// every command whose stored entry is missing or names other records.
fn repair_commands(trees: &Trees, below: u64, repairs: &mut IndexBatch) -> Result<(), StoreError> {
    let mut settle = |run: Option<(CommandId, u64, u32)>| -> Result<(), StoreError> {
        if let Some((id, first, count)) = run {
            let stored = trees
                .commands
                .get(id.as_str().as_bytes())?
                .and_then(|value| decode_command_value(&value));
            if stored != Some((first, count)) {
                repairs.commands.push((id, first, count));
            }
        }
        Ok(())
    };
    let mut run: Option<(CommandId, u64, u32)> = None;
    for position in 0..below {
        let record = stored_record(trees, position)?;
        match &mut run {
            Some((id, _, count)) if *id == record.command_id => *count = count.saturating_add(1),
            _ => {
                settle(run.take())?;
                run = Some((record.command_id, position, 1));
            }
        }
    }
    settle(run)
}

/// Indexes the records `[from, to.length)` by reading them back from `events`; they must
/// start at a command boundary (every batch does).
pub(crate) fn catch_up(trees: &Trees, from: u64, to: Head) -> Result<(), StoreError> {
    let records = (from..to.length)
        .map(|position| stored_record(trees, position))
        .collect::<Result<Vec<_>, _>>()?;
    let mut batch = IndexBatch::default();
    batch.add_commands(&records);
    batch.write(trees, to)
}

/// The record at `position` of `events`, decoded.
fn stored_record(trees: &Trees, position: u64) -> Result<Record, StoreError> {
    let bytes = trees
        .events
        .get(position_key(position))?
        .ok_or_else(|| StoreError::corrupt(position, "record is missing"))?;
    Record::decode(&bytes).map_err(|e| StoreError::corrupt(position, e.to_string()))
}

/// The positions of `stream` recorded in the `streams` tree, below `limit`.
pub(crate) fn stream_positions(
    trees: &Trees,
    stream: &str,
    limit: u64,
) -> Result<Vec<u64>, StoreError> {
    let mut positions = Vec::new();
    for item in trees.streams.scan_prefix(stream_prefix(stream)) {
        let (_, value) = item?;
        let position = crate::layout::decode_position(&value).ok_or_else(|| {
            StoreError::corrupt(limit, format!("an unreadable streams entry of {stream}"))
        })?;
        if position < limit {
            positions.push(position);
        }
    }
    Ok(positions)
}

#[cfg(test)]
mod tests {
    use ledger_core::{ActorId, Command, Envelope, LibraryId, NisCode};

    use super::*;
    use crate::ledger::open_existing;
    use crate::{Ledger, LedgerOptions};

    /// A ledger of `init` (one command of two records) and three registrations.
    fn ledger(dir: &std::path::Path) {
        let ledger = Ledger::init(
            dir,
            "example.org/ledger",
            ActorId::new("secretariaat"),
            LedgerOptions::default(),
        )
        .unwrap();
        for n in 1..=3 {
            ledger
                .append(Envelope {
                    command_id: CommandId::new(format!("c-{n}")),
                    actor: ActorId::new("secretariaat"),
                    expected_version: None,
                    command: Command::RegisterLibrary {
                        library: LibraryId::new(format!("lib-{n}")),
                        name: "Bibliotheek".into(),
                        municipalities: vec![NisCode(format!("{:05}", 11_000 + n))],
                        inhabitants: 100,
                    },
                })
                .unwrap();
        }
    }

    /// Runs the check over the whole log as the open's walk would.
    fn check(trees: &Trees) -> Vec<(CommandId, u64, u32)> {
        let length = trees.events.len() as u64;
        let mut check = CommandsCheck::start(trees, length);
        let mut run: Option<(CommandId, u64)> = None;
        for position in 0..length {
            let bytes = trees.events.get(position_key(position)).unwrap().unwrap();
            let record = Record::decode(&bytes).unwrap();
            let first = match &run {
                Some((id, first)) if *id == record.command_id => *first,
                _ => position,
            };
            run = Some((record.command_id.clone(), first));
            check.visit(&record, first);
        }
        let mut repairs = IndexBatch::default();
        check.finish(trees, &mut repairs).unwrap();
        repairs.commands
    }

    #[test]
    fn an_intact_index_needs_no_repair_and_a_damaged_one_gets_exactly_its_entries_back() {
        let dir = tempfile::tempdir().unwrap();
        ledger(dir.path());
        let opened = open_existing(dir.path()).unwrap();
        let trees = &opened.trees;
        assert_eq!(check(trees), vec![]);

        trees.commands.remove("c-2").unwrap();
        trees
            .commands
            .insert("initialize-ledger", &command_value(0, 1)[..])
            .unwrap();
        let mut repairs = check(trees);
        repairs.sort();
        assert_eq!(
            repairs,
            vec![
                (CommandId::new("c-2"), 3, 1),
                (CommandId::new("initialize-ledger"), 0, 2),
            ]
        );
    }
}
