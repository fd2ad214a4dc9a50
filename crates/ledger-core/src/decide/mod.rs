//! `decide`: judges one command against the current state into events or a rejection.
//!
//! The shell passes the time the command is recorded; every time rule (windows, early
//! close) is judged on that value, never on a scheduled job. Split by topic: the registry
//! (roles, libraries), proposals, rounds and votes, certification and the government
//! side, project sheets and newsletters. Nothing here may write, read a clock or draw
//! randomness; a rejection must leave no trace.

mod certification;
mod keys;
mod projects;
mod proposals;
mod registry;
mod rounds;

use crate::command::{Command, Envelope};
use crate::event::Event;
use crate::ids::{check_id, ActorId};
use crate::rejection::Rejection;
use crate::role::RoleKind;
use crate::state::State;
use crate::time::Timestamp;

/// Longest remark on a vote, in characters.
pub const MAX_REMARK_CHARS: usize = 2_000;
/// Longest short text (names, titles, recipients, references), in characters.
pub const MAX_SHORT_TEXT: usize = 200;
/// Longest long text (proposal text, advice, reasons, summaries), in characters. Kept
/// so that even four-byte characters fit in a 64 KiB record.
pub const MAX_LONG_TEXT: usize = 10_000;
/// Most ballots one library may cast in one round, its first vote and every change
/// included. It bounds what one library's burst of revotes can add to a round. Far above
/// what people do, because the crash loop, the load run and the benchmark revote in one
/// round for as long as they run (a 1,000-cycle crash loop casts about 14,000 ballots per
/// library); what a reader fetches no longer grows with revotes either way (the history
/// is paged).
pub const MAX_BALLOTS_PER_LIBRARY: u32 = 20_000;
/// Longest voting window, and furthest ahead a window may open, in days. A round that
/// closes in the year 9999 could only ever be annulled.
pub const MAX_WINDOW_DAYS: i64 = 366;

/// Decides `envelope` against `state` at instant `now`.
///
/// Returns the events to append (at least one) or the rule that refuses the command.
pub fn decide(state: &State, envelope: &Envelope, now: Timestamp) -> Result<Vec<Event>, Rejection> {
    check_id("command", envelope.command_id.as_str())?;
    check_id("actor", envelope.actor.as_str())?;
    let actor = &envelope.actor;
    let command = &envelope.command;
    if let Command::InitializeLedger { .. } = command {
        return registry::initialize(state, command);
    }
    if state.origin.is_none() {
        return Err(Rejection::NotInitialized);
    }
    require(state, actor, command.required_roles())?;
    let events = match command {
        Command::InitializeLedger { .. } => Err(Rejection::AlreadyInitialized),
        Command::GrantRole { .. } | Command::RevokeRole { .. } | Command::NameActor { .. } => {
            registry::roles(state, command)
        }
        Command::RegisterLibrary { .. }
        | Command::UpdateLibrary { .. }
        | Command::RetireLibrary { .. } => registry::libraries(state, command),
        Command::FileProposal { .. }
        | Command::AmendProposal { .. }
        | Command::WithdrawProposal { .. } => proposals::decide(state, command),
        Command::OpenRound { .. }
        | Command::CastVote { .. }
        | Command::CloseRound { .. }
        | Command::AnnulRound { .. }
        | Command::ChangeVotingWindow { .. } => rounds::decide(state, actor, command, now),
        Command::SignCertification { .. }
        | Command::SendAdvice { .. }
        | Command::RecordGovernmentDecision { .. }
        | Command::SupersedeAdvice { .. }
        | Command::AmendGovernmentDecision { .. }
        | Command::WithdrawCertification { .. } => certification::decide(state, actor, command),
        Command::SetCriteria { .. }
        | Command::FileProjectSheet { .. }
        | Command::ScoreSheet { .. }
        | Command::ScoreSheets { .. }
        | Command::DecidePriorities { .. }
        | Command::IssueNewsletter { .. }
        | Command::LinkDocument { .. } => projects::decide(state, actor, command),
        Command::RegisterAuthorKey { .. } | Command::RevokeAuthorKey { .. } => {
            keys::decide(state, actor, command, envelope.command_id.as_str())
        }
    }?;
    keys::check_signature(state, envelope)?;
    Ok(events)
}

/// Requires `actor` to hold a role of one of `kinds` (library roles count for any
/// library here; acting for the right library is checked where it matters).
fn require(state: &State, actor: &ActorId, kinds: &[RoleKind]) -> Result<(), Rejection> {
    let held = state
        .roles
        .get(actor)
        .is_some_and(|roles| roles.iter().any(|r| kinds.contains(&r.kind())));
    if held {
        Ok(())
    } else {
        Err(Rejection::not_permitted(actor, kinds))
    }
}

/// Requires a long `text` (a proposal's text, a reason, a remark) to have 1 to `max`
/// characters (after trimming whitespace) and no control character but TAB, LF and CR,
/// which lay out paragraphs.
fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), Rejection> {
    check_length(field, text, max)?;
    check_controls(field, text, LAYOUT)
}

/// The control characters a long text may hold: TAB, LF, CR.
const LAYOUT: &[char] = &['\t', '\n', '\r'];

/// Requires a one-line `text` (a name, a title, a reference) to have 1 to `max`
/// characters (after trimming whitespace) and no control character at all.
fn check_line(field: &'static str, text: &str, max: usize) -> Result<(), Rejection> {
    check_length(field, text, max)?;
    check_controls(field, text, &[])
}

fn check_length(field: &'static str, text: &str, max: usize) -> Result<(), Rejection> {
    let got = text.chars().count();
    if text.trim().is_empty() || got > max {
        return Err(Rejection::TextLength { field, max, got });
    }
    Ok(())
}

/// Refuses the C0 control characters (U+0000 to U+001F) and DEL in `text`, except those
/// in `allowed`: NUL, BEL or ESC in a record would reach terminals, spreadsheets and
/// feeds of every reader.
fn check_controls(field: &'static str, text: &str, allowed: &[char]) -> Result<(), Rejection> {
    let found = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_ascii_control() && !allowed.contains(c));
    match found {
        Some((index, c)) => Err(Rejection::ControlCharacter {
            field,
            character: format!("U+{:04X}", u32::from(c)),
            index,
        }),
        None => Ok(()),
    }
}

/// Longest document address, in characters.
pub const MAX_URL_CHARS: usize = 2_000;

/// Requires a BLAKE3 hash given for a document to be 64 lowercase hex characters.
fn check_blake3(hash: &str) -> Result<(), Rejection> {
    let ok = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Rejection::InvalidDocumentHash)
    }
}

/// Requires a document address to be an `https://` or `http://` URL of at most
/// [`MAX_URL_CHARS`] characters, with no space or control character.
fn check_url(url: &str) -> Result<(), Rejection> {
    check_line("url", url, MAX_URL_CHARS)?;
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if !scheme || host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(Rejection::InvalidUrl);
    }
    Ok(())
}

/// Requires an id of `kind` not to exist yet.
fn must_be_new<T>(kind: &'static str, id: &str, existing: Option<T>) -> Result<(), Rejection> {
    check_id(kind, id)?;
    match existing {
        Some(_) => Err(Rejection::AlreadyExists {
            kind,
            id: id.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Looks an entity up or rejects with "unknown `kind`".
fn known<'a, T>(kind: &'static str, id: &str, found: Option<&'a T>) -> Result<&'a T, Rejection> {
    found.ok_or_else(|| Rejection::Unknown {
        kind,
        id: id.chars().take(crate::ids::MAX_ID_LEN).collect(),
    })
}
