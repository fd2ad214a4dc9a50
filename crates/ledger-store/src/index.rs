//! The derived trees, `streams` and `commands`, and the `meta/indexed` head that says
//! how far they go.
//!
//! Both trees are pure functions of `events`. They are written after the events they
//! index are durable, `meta/indexed` last, so a crash leaves them behind `events`, never
//! ahead; rewriting an entry writes the same bytes, so catching up twice is harmless.
//! This module must never be the only copy of anything: whatever it writes can be
//! rebuilt from `events`.

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
/// that is missing (or names the wrong records) would let a retry append the command a
/// second time. The open's walk hands every record below `meta/indexed` to
/// [`CommandsCheck::visit`] (one read of the entry per command); each entry that does
/// not match the log is rewritten with the rest of the open's catch-up.
#[derive(Debug, Default)]
pub(crate) struct CommandsCheck {
    /// The command being walked.
    current: Option<Walked>,
    error: Option<StoreError>,
}

/// A command as the walk meets it, and its entry in `commands`.
#[derive(Debug)]
struct Walked {
    id: CommandId,
    first: u64,
    seen: u32,
    /// The stored entry (first position, count), if any is readable.
    stored: Option<(u64, u32)>,
}

impl CommandsCheck {
    /// Checks `record`, whose command's first record is at `first`; entries to rewrite
    /// go to `repairs`.
    pub(crate) fn visit(
        &mut self,
        trees: &Trees,
        record: &Record,
        first: u64,
        repairs: &mut IndexBatch,
    ) {
        if record.position.0 == first {
            self.settle(repairs);
            let stored = match trees.commands.get(record.command_id.as_str().as_bytes()) {
                Ok(value) => value.and_then(|v| decode_command_value(&v)),
                Err(e) => {
                    self.error.get_or_insert(e.into());
                    None
                }
            };
            self.current = Some(Walked {
                id: record.command_id.clone(),
                first,
                seen: 0,
                stored,
            });
        }
        if let Some(walked) = &mut self.current {
            walked.seen = walked.seen.saturating_add(1);
        }
    }

    /// Ends the walk: queues the last command's entry if it is wrong, and reports a
    /// failed read of the index.
    pub(crate) fn finish(mut self, repairs: &mut IndexBatch) -> Result<(), StoreError> {
        self.settle(repairs);
        self.error.map_or(Ok(()), Err)
    }

    fn settle(&mut self, repairs: &mut IndexBatch) {
        if let Some(walked) = self.current.take() {
            if walked.stored != Some((walked.first, walked.seen)) {
                repairs
                    .commands
                    .push((walked.id, walked.first, walked.seen));
            }
        }
    }
}

/// Indexes the records `[from, to.length)` by reading them back from `events`; they must
/// start at a command boundary (every batch does).
pub(crate) fn catch_up(trees: &Trees, from: u64, to: Head) -> Result<(), StoreError> {
    let mut records = Vec::new();
    for position in from..to.length {
        let bytes = trees
            .events
            .get(position_key(position))?
            .ok_or_else(|| StoreError::corrupt(position, "record is missing"))?;
        let record =
            Record::decode(&bytes).map_err(|e| StoreError::corrupt(position, e.to_string()))?;
        records.push(record);
    }
    let mut batch = IndexBatch::default();
    batch.add_commands(&records);
    batch.write(trees, to)
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
