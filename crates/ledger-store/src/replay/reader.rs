//! Reading the log in order for folds (a projection rebuild): one iterator over `events`
//! instead of a lookup per position, and no second hash of records the open checked.
//!
//! (Reading and decoding on a second thread was measured and dropped: with glibc's
//! allocator, freeing on the folding thread what the reading thread allocated cost more
//! CPU than the thread saved; see BENCHMARKS.md.) This module must never write, never
//! hand out a record beyond the head it was given, and never hand records out of order.

use ledger_core::{Event, Head, Record, Sealed};

use crate::error::StoreError;
use crate::layout::{decode_position, position_key};
use crate::ledger::Ledger;

/// The records `[from, to)` of the log in order, each with its event, read with one
/// iterator over `events` (no lookup per position) and without hashing them again; see
/// [`Ledger::log`].
///
/// The hash of each record is taken from the `prev_hash` of the record after it, and for
/// the last record of the log from the head: the walk at open checked exactly these
/// links, and the writer seals every later record after the one before it, so they are
/// the hashes a new BLAKE3 pass would compute. (A record altered on disk after the open
/// is found by `verify`, not by this reader.)
pub(crate) struct LogReader {
    iter: sled::Iter,
    /// The position of the next record the iterator must produce.
    next: u64,
    /// The first position not handed out.
    to: u64,
    /// The head the reader was made at: the hash of the record at `head.length - 1`.
    head: Head,
    /// A record read but not handed out yet: its hash is the next record's `prev_hash`.
    pending: Option<(Record, Vec<u8>)>,
    /// Whether the reader has ended (at `to`, or after an error).
    done: bool,
}

impl LogReader {
    pub(crate) fn new(events: &sled::Tree, head: Head, from: u64, to: u64) -> LogReader {
        let to = to.min(head.length);
        let from = from.min(to);
        // One record past `to` is read (when the log has it) for the last one's hash.
        let stop = to.saturating_add(1).min(head.length);
        LogReader {
            iter: events.range(position_key(from)..position_key(stop)),
            next: from,
            to,
            head,
            pending: None,
            done: from == to,
        }
    }

    /// Reads and decodes the next stored record, which must be at position `self.next`.
    fn read(&mut self) -> Result<(Record, Vec<u8>), StoreError> {
        let position = self.next;
        let (key, value) = match self.iter.next() {
            Some(item) => item?,
            None => return Err(StoreError::corrupt(position, "record is missing")),
        };
        if decode_position(&key) != Some(position) {
            return Err(StoreError::corrupt(position, "record is missing"));
        }
        let record =
            Record::decode(&value).map_err(|e| StoreError::corrupt(position, e.to_string()))?;
        if record.position.0 != position {
            return Err(StoreError::corrupt(
                position,
                format!("record states position {}", record.position.0),
            ));
        }
        self.next += 1;
        Ok((record, value.to_vec()))
    }

    /// The next record with its hash, once that hash is known.
    fn next_sealed(&mut self) -> Result<Sealed, StoreError> {
        let (record, bytes) = match self.pending.take() {
            Some(pending) => pending,
            None => self.read()?,
        };
        let hash = if record.position.0 + 1 == self.head.length {
            self.head.hash
        } else {
            let (after, after_bytes) = self.read()?;
            let hash = after.prev_hash;
            if after.position.0 < self.to {
                self.pending = Some((after, after_bytes));
            }
            hash
        };
        Ok(Sealed {
            record,
            bytes,
            hash,
        })
    }
}

impl Iterator for LogReader {
    type Item = Result<(Sealed, Event), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.next_sealed().and_then(|sealed| {
            let position = sealed.record.position.0;
            let event = sealed
                .record
                .event()
                .map_err(|e| StoreError::corrupt(position, e.to_string()))?;
            Ok((sealed, event))
        });
        match &item {
            Ok((sealed, _)) => self.done = sealed.record.position.0 + 1 >= self.to,
            Err(_) => self.done = true,
        }
        Some(item)
    }
}

impl Ledger {
    /// Reads the records `[from, to)` (none beyond the durable head at this call) in order,
    /// each with its decoded event: one pass over the log, for folds such as a projection
    /// rebuild. The records' hashes are those the open checked (see [`LogReader`]), not
    /// computed again.
    pub fn log(
        &self,
        from: u64,
        to: u64,
    ) -> impl Iterator<Item = Result<(Sealed, Event), StoreError>> + Send + 'static {
        LogReader::new(&self.trees().events, self.shared().head(), from, to)
    }
}
