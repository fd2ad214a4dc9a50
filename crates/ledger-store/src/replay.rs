//! Walking the log from position 0: every check that the stored records form one
//! unbroken chain, and the decision state they fold into.
//!
//! Start-up and `verify` share this walk, so a ledger is refused at open for exactly
//! the damage `verify` reports. When a link breaks, the walk also works out which of the
//! two records is the altered one (see [`walk`]). This module must never write, and never
//! hand back a state that includes a record it did not check.

use std::collections::HashMap;

use ledger_core::record::{event_id, record_hash};
use ledger_core::{check_link, CommandId, Head, LinkError, Record, Sealed, State};

use crate::error::StoreError;
use crate::layout::{decode_position, position_key};

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
/// `visit` sees every checked record with the position of its command's first record.
pub(crate) fn walk(
    events: &sled::Tree,
    indexed: Option<Head>,
    bound: Option<u64>,
    mut visit: impl FnMut(&Sealed, u64),
) -> Result<Walk, StoreError> {
    let mut state = State::new();
    let mut head = Head::default();
    let mut before = Head::default();
    let mut commands: HashMap<CommandId, u64> = HashMap::new();
    let mut run: Option<(CommandId, u64)> = None;
    let mut problem = None;
    for item in events.iter() {
        let position = head.length;
        if bound.is_some_and(|b| position >= b) {
            break;
        }
        let (key, value) = item?;
        match decode_position(&key) {
            Some(k) if k == position => {}
            Some(k) if k > position => {
                problem = Some(bad(
                    position,
                    format!("record is missing (the next stored position is {k})"),
                ));
                break;
            }
            _ => {
                problem = Some(bad(
                    position,
                    format!("a key that is not the next position ({} bytes)", key.len()),
                ));
                break;
            }
        }
        let (sealed, event) = match check_link(position, head.hash, value.to_vec()) {
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
                break;
            }
            Err(other) => {
                problem = Some(bad(position, other.to_string()));
                break;
            }
        };
        let record = &sealed.record;
        if let Some(reason) = consistency(&state, record, &event.stream(), &mut run, &commands) {
            problem = Some(bad(position, reason));
            break;
        }
        if let Some(ind) = indexed.filter(|ind| ind.length == position + 1) {
            if ind.hash != sealed.hash {
                problem = Some(bad(
                    position,
                    format!(
                        "record was altered: it hashes to {}, but the head recorded when it \
                         was written is {}",
                        sealed.hash, ind.hash
                    ),
                ));
                break;
            }
        }
        let first = run.as_ref().map_or(position, |(_, first)| *first);
        if first == position {
            commands.insert(record.command_id.clone(), position);
        }
        state.evolve(&event);
        visit(&sealed, first);
        before = head;
        head = Head {
            length: position + 1,
            hash: sealed.hash,
        };
    }
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
    state: &State,
    record: &Record,
    event_stream: &str,
    run: &mut Option<(CommandId, u64)>,
    commands: &HashMap<CommandId, u64>,
) -> Option<String> {
    let position = record.position.0;
    if record.stream != event_stream {
        return Some(format!(
            "record names stream {} but its event belongs to {event_stream}",
            record.stream
        ));
    }
    let version = state.stream_length(&record.stream);
    if record.stream_version != version {
        return Some(format!(
            "stream {} continues at version {version}, the record states {}",
            record.stream, record.stream_version
        ));
    }
    let same_command = run.as_ref().is_some_and(|(id, _)| *id == record.command_id);
    if !same_command {
        if let Some(first) = commands.get(&record.command_id) {
            return Some(format!(
                "command {} was already recorded at position {first}",
                record.command_id
            ));
        }
        *run = Some((record.command_id.clone(), position));
    }
    let first = run.as_ref().map_or(position, |(_, first)| *first);
    let index = u32::try_from(position - first).unwrap_or(u32::MAX);
    if record.event_id != event_id(&record.command_id, index) {
        return Some(format!(
            "event id does not derive from command {} and index {index}",
            record.command_id
        ));
    }
    None
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
