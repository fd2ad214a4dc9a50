//! Walking the log from position 0: every check that the stored records form one
//! unbroken chain, and the decision state they fold into.
//!
//! Start-up and `verify` share this walk, so a ledger is refused at open for exactly
//! the damage `verify` reports. When a link breaks, the walk also works out which of the
//! two records is the altered one (see [`walk`]). This module must never write, and never
//! hand back a state that includes a record it did not check.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use ledger_core::record::{event_id, record_hash};
use ledger_core::{CommandId, Event, Head, LinkError, Record, Sealed, State};

use crate::error::StoreError;
use crate::layout::{decode_position, position_key};

mod reader;
mod stages;

use stages::Hashed;

/// The first thing wrong with the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChainProblem {
    /// The first bad position.
    pub(crate) position: u64,
    /// What is wrong there.
    pub(crate) reason: String,
}

/// What a walk found.
#[derive(Debug)]
pub(crate) struct Walk {
    /// The head of the checked prefix (the whole log when there is no problem).
    pub(crate) head: Head,
    /// The state after the checked prefix.
    pub(crate) state: State,
    /// The first problem, if any; the walk stops there.
    pub(crate) problem: Option<ChainProblem>,
}

impl Walk {
    /// The walk as a result: the state, or the first problem as [`StoreError::Corrupt`].
    pub(crate) fn into_checked(self) -> Result<(Head, State), StoreError> {
        match self.problem {
            Some(problem) => Err(StoreError::corrupt(problem.position, problem.reason)),
            None => Ok((self.head, self.state)),
        }
    }
}

/// Walks `events` from position 0 up to `bound` (exclusive; the whole tree when `None`).
///
/// Checks for every record: the key is the next position (no gaps, nothing else in
/// the tree), the bytes decode, the stated position equals the key, the predecessor hash
/// links, the body decodes as its type, the stream is the event's stream, the stream
/// version continues that stream, the event id derives from the command id and the
/// event's index in its command, and a command id appears in one run only. `indexed` is
/// the head recorded in `meta` when the derived trees were last written: the record at
/// `indexed.length - 1` must hash to it, and the log must not end before it (a deleted
/// tail).
///
/// When record `p` does not link to record `p - 1`, either `p - 1` was altered (its hash
/// changed) or `p`'s predecessor hash was. If record `p + 1` (or, for the last record,
/// the indexed head) still vouches for `p`'s hash, `p` is intact and `p - 1` is named.
///
/// `visit` sees every checked record, its decoded event and the position of its command's
/// first record, in position order. (A record `visit` saw can still be named as the damage
/// afterwards: when the next record's link breaks and the one after vouches for it, the
/// altered record is the one before; see above.)
///
/// The record hashes are computed on a second thread (scoped to the walk); everything
/// else runs on the caller's thread, in position order.
pub(crate) fn walk(
    events: &sled::Tree,
    indexed: Option<Head>,
    bound: Option<u64>,
    mut visit: impl FnMut(&Sealed, &Event, u64),
) -> Result<Walk, StoreError> {
    let mut state = State::new();
    let mut head = Head::default();
    let mut before = Head::default();
    // Sized once for the whole log (its last key is its length less one): growing the
    // set would, for a moment near the end, hold the old table and one twice its size.
    // A damaged last key must not make this allocate without bound: past two million
    // commands the set grows as it goes.
    let expected = events
        .last()?
        .and_then(|(key, _)| decode_position(&key))
        .map_or(0, |last| last.saturating_add(1));
    let expected = bound.map_or(expected, |b| expected.min(b)).min(1 << 21);
    let mut commands = SeenCommands::with_capacity(usize::try_from(expected).unwrap_or(0));
    let mut run: Option<(CommandId, u64)> = None;
    let mut problem = None;
    // A second thread hashes the records a few chunks ahead of this loop, which reads,
    // decodes and checks them in order (see `stages`).
    std::thread::scope(|scope| -> Result<(), StoreError> {
        let chunks = stages::hashed_chunks(scope, events, bound);
        'walk: for chunk in chunks {
            for item in chunk {
                let position = head.length;
                if bound.is_some_and(|b| position >= b) {
                    break 'walk;
                }
                let Hashed { key, value, hash } = item?;
                match decode_position(&key) {
                    Some(k) if k == position => {}
                    Some(k) if k > position => {
                        problem = Some(bad(
                            position,
                            format!("record is missing (the next stored position is {k})"),
                        ));
                        break 'walk;
                    }
                    _ => {
                        problem = Some(bad(
                            position,
                            format!("a key that is not the next position ({} bytes)", key.len()),
                        ));
                        break 'walk;
                    }
                }
                let checked = stages::decode(&value, hash);
                let (sealed, event) = match stages::link(position, head.hash, checked) {
                    Ok(checked) => checked,
                    Err(LinkError::BrokenLink { stated, expected }) => {
                        if position > 0 && successor_vouches(events, position, &value, indexed)? {
                            head = before;
                            problem = Some(bad(
                                position - 1,
                                format!(
                                    "record was altered: it no longer hashes to {stated}, the \
                                     value record {position} links to"
                                ),
                            ));
                        } else {
                            problem = Some(bad(
                                position,
                                format!(
                                    "does not link to its predecessor: states previous hash \
                                     {stated}, the previous record hashes to {expected}"
                                ),
                            ));
                        }
                        break 'walk;
                    }
                    Err(other) => {
                        problem = Some(bad(position, other.to_string()));
                        break 'walk;
                    }
                };
                let record = &sealed.record;
                let stream = event.stream();
                let seen = (&mut run, &commands);
                if let Some(reason) = consistency(events, &state, record, &stream, seen)? {
                    problem = Some(bad(position, reason));
                    break 'walk;
                }
                if let Some(ind) = indexed.filter(|ind| ind.length == position + 1) {
                    if ind.hash != sealed.hash {
                        problem = Some(bad(
                            position,
                            format!(
                                "record was altered: it hashes to {}, but the head recorded \
                                 when it was written is {}",
                                sealed.hash, ind.hash
                            ),
                        ));
                        break 'walk;
                    }
                }
                let first = run.as_ref().map_or(position, |(_, first)| *first);
                if first == position {
                    commands.insert(&record.command_id);
                }
                state.evolve(&event);
                visit(&sealed, &event, first);
                before = head;
                head = Head {
                    length: position + 1,
                    hash: sealed.hash,
                };
            }
        }
        Ok(())
    })?;
    if problem.is_none() {
        if let Some(ind) = indexed.filter(|ind| ind.length > head.length) {
            if bound.is_none_or(|b| ind.length <= b) {
                problem = Some(bad(
                    head.length,
                    format!(
                        "record is missing: the log ends at {} records but {} were indexed",
                        head.length, ind.length
                    ),
                ));
            }
        }
    }
    Ok(Walk {
        head,
        state,
        problem,
    })
}

fn bad(position: u64, reason: String) -> ChainProblem {
    ChainProblem { position, reason }
}

/// The checks beyond the hash link: stream, stream version, event id, command runs.
/// Updates `run` to the command the record belongs to.
fn consistency(
    events: &sled::Tree,
    state: &State,
    record: &Record,
    event_stream: &str,
    (run, commands): (&mut Option<(CommandId, u64)>, &SeenCommands),
) -> Result<Option<String>, StoreError> {
    let position = record.position.0;
    if record.stream != event_stream {
        return Ok(Some(format!(
            "record names stream {} but its event belongs to {event_stream}",
            record.stream
        )));
    }
    let version = state.stream_length(&record.stream);
    if record.stream_version != version {
        return Ok(Some(format!(
            "stream {} continues at version {version}, the record states {}",
            record.stream, record.stream_version
        )));
    }
    let same_command = run.as_ref().is_some_and(|(id, _)| *id == record.command_id);
    if !same_command {
        if let Some(first) = commands.first(events, &record.command_id, position)? {
            return Ok(Some(format!(
                "command {} was already recorded at position {first}",
                record.command_id
            )));
        }
        *run = Some((record.command_id.clone(), position));
    }
    let first = run.as_ref().map_or(position, |(_, first)| *first);
    let index = u32::try_from(position - first).unwrap_or(u32::MAX);
    if record.event_id != event_id(&record.command_id, index) {
        return Ok(Some(format!(
            "event id does not derive from command {} and index {index}",
            record.command_id
        )));
    }
    Ok(None)
}

/// The command ids a walk has met, to refuse an id recorded in two runs.
///
/// Only a 64-bit keyed hash of each id is kept (a million commands take about 18 MiB
/// instead of about 90 MiB for the ids themselves). A hash seen before is then checked
/// exactly by reading the log back: two different ids with the same hash (about one
/// chance in 10^7 for a log of a million commands, and not to be provoked: the key is
/// random per walk) cost one read of the checked prefix, never a false refusal.
struct SeenCommands {
    key: RandomState,
    hashes: HashSet<u64, BuildHasherDefault<Prehashed>>,
}

impl SeenCommands {
    fn with_capacity(commands: usize) -> SeenCommands {
        SeenCommands {
            key: RandomState::new(),
            hashes: HashSet::with_capacity_and_hasher(commands, BuildHasherDefault::default()),
        }
    }

    fn insert(&mut self, id: &CommandId) {
        self.hashes.insert(self.key.hash_one(id));
    }

    /// The first position of command `id` among the records before `before`, if it was
    /// met there.
    fn first(
        &self,
        events: &sled::Tree,
        id: &CommandId,
        before: u64,
    ) -> Result<Option<u64>, StoreError> {
        if !self.hashes.contains(&self.key.hash_one(id)) {
            return Ok(None);
        }
        for item in events.range(position_key(0)..position_key(before)) {
            let (key, value) = item?;
            let position = decode_position(&key).unwrap_or(before);
            let record =
                Record::decode(&value).map_err(|e| StoreError::corrupt(position, e.to_string()))?;
            if record.command_id == *id {
                return Ok(Some(position));
            }
        }
        Ok(None)
    }
}

/// The hasher of a set whose keys are already keyed hashes: it hands the key on.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by a set of `u64`; fold anything else in anyway.
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Whether the record after `position` (or the indexed head, when `position` is the
/// last record) confirms the hash of the record stored at `position`.
fn successor_vouches(
    events: &sled::Tree,
    position: u64,
    bytes: &[u8],
    indexed: Option<Head>,
) -> Result<bool, StoreError> {
    let hash = record_hash(bytes);
    match events.get(position_key(position + 1))? {
        Some(next) => Ok(Record::decode(&next).is_ok_and(|r| r.prev_hash == hash)),
        None => Ok(indexed.is_some_and(|ind| ind.length == position + 1 && ind.hash == hash)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree holding one record of command `a` at position 0.
    fn one_record() -> sled::Tree {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let events = db.open_tree("events").unwrap();
        let record = Record {
            format: ledger_core::record::RECORD_FORMAT,
            position: ledger_core::Position(0),
            event_id: event_id(&CommandId::new("a"), 0),
            command_id: CommandId::new("a"),
            stream: "ledger".into(),
            stream_version: 0,
            recorded_at: ledger_core::Timestamp::from_micros(0),
            actor: ledger_core::ActorId::new("operator"),
            event_type: "ledger_initialized".into(),
            schema_version: 1,
            body: Vec::new(),
            prev_hash: ledger_core::RecordHash::GENESIS,
        };
        events
            .insert(position_key(0), record.encode().unwrap())
            .unwrap();
        events
    }

    #[test]
    fn a_command_met_before_is_found_at_its_first_position() {
        let events = one_record();
        let mut seen = SeenCommands::with_capacity(1);
        seen.insert(&CommandId::new("a"));
        assert_eq!(
            seen.first(&events, &CommandId::new("a"), 1).unwrap(),
            Some(0)
        );
        assert_eq!(seen.first(&events, &CommandId::new("b"), 1).unwrap(), None);
    }

    #[test]
    fn an_id_whose_hash_collides_with_another_is_not_refused() {
        let events = one_record();
        let mut seen = SeenCommands::with_capacity(1);
        seen.insert(&CommandId::new("a"));
        // Force `b` to look like a hash seen before: only the log can tell them apart.
        seen.hashes.insert(seen.key.hash_one(CommandId::new("b")));
        assert_eq!(seen.first(&events, &CommandId::new("b"), 1).unwrap(), None);
        assert_eq!(
            seen.first(&events, &CommandId::new("a"), 1).unwrap(),
            Some(0)
        );
    }
}
