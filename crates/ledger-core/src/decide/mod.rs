//! `decide`: judges one command against the current state into events or a rejection.
//!
//! The shell passes the time the command is recorded; every time rule (windows, early
//! close) is judged on that value, never on a scheduled job. Split by topic: the registry
//! (roles, libraries), proposals, rounds and votes, certification and the government
//! side, project sheets and newsletters. Nothing here may write, read a clock or draw
//! randomness; a rejection must leave no trace.

mod certification;
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
    match command {
        Command::InitializeLedger { .. } => Err(Rejection::AlreadyInitialized),
        Command::GrantRole { .. } | Command::RevokeRole { .. } => registry::roles(state, command),
        Command::RegisterLibrary { .. }
        | Command::UpdateLibrary { .. }
        | Command::RetireLibrary { .. } => registry::libraries(state, command),
        Command::FileProposal { .. }
        | Command::AmendProposal { .. }
        | Command::WithdrawProposal { .. } => proposals::decide(state, command),
        Command::OpenRound { .. }
        | Command::CastVote { .. }
        | Command::CloseRound { .. }
        | Command::AnnulRound { .. } => rounds::decide(state, actor, command, now),
        Command::SignCertification { .. }
        | Command::SendAdvice { .. }
        | Command::RecordGovernmentDecision { .. } => certification::decide(state, actor, command),
        Command::SetCriteria { .. }
        | Command::FileProjectSheet { .. }
        | Command::ScoreSheet { .. }
        | Command::DecidePriorities { .. }
        | Command::IssueNewsletter { .. } => projects::decide(state, actor, command),
    }
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
        Err(Rejection::NotPermitted {
            actor: actor.clone(),
            needed: kinds.first().copied().unwrap_or(RoleKind::Secretariat),
        })
    }
}

/// Requires `text` to have 1 to `max` characters (after trimming whitespace).
fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), Rejection> {
    let got = text.chars().count();
    if text.trim().is_empty() || got > max {
        return Err(Rejection::TextLength { field, max, got });
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
