//! Decisions on vote rounds: opening (which freezes the electorate), voting, closing
//! and annulling.
//!
//! Every time rule is judged on `now`, the instant the command is recorded. The window
//! is half-open: a vote at `opens_at` counts, a vote at `closes_at` does not. This module
//! must never read a library's current population for a running round: only the frozen
//! electorate in the round counts.

use crate::command::Command;
use crate::event::{
    Elector, Event, RoundAnnulled, RoundClosed, RoundOpened, VoteCast, VotingWindowChanged,
};
use crate::ids::ActorId;
use crate::rejection::Rejection;
use crate::role::Role;
use crate::state::{RoundStatus, State};
use crate::time::Timestamp;

use super::{
    check_controls, check_line, check_text, known, must_be_new, LAYOUT, MAX_BALLOTS_PER_LIBRARY,
    MAX_LONG_TEXT, MAX_REMARK_CHARS, MAX_SHORT_TEXT, MAX_WINDOW_DAYS,
};

pub(super) fn decide(
    state: &State,
    actor: &ActorId,
    command: &Command,
    now: Timestamp,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::OpenRound {
            round,
            proposal,
            opens_at,
            closes_at,
            rule,
            title,
            trial,
            live_results,
            signed_votes,
        } => {
            must_be_new("round", round.as_str(), state.rounds.get(round))?;
            if let Some(title) = title {
                check_line("title", title, MAX_SHORT_TEXT)?;
            }
            let filed = known("proposal", proposal.as_str(), state.proposals.get(proposal))?;
            if filed.withdrawn {
                return Err(Rejection::ProposalWithdrawn);
            }
            for id in &filed.rounds {
                match state.rounds.get(id).map(|r| r.status) {
                    Some(RoundStatus::Open) => {
                        return Err(Rejection::RoundAlreadyOpen { round: id.clone() })
                    }
                    Some(RoundStatus::Closed) => {
                        return Err(Rejection::ProposalAlreadyVoted { round: id.clone() })
                    }
                    _ => {}
                }
            }
            let opens_at = opens_at.unwrap_or(now);
            check_window(opens_at, *closes_at, now)?;
            let rule = rule.unwrap_or_default();
            rule.check()?;
            let members = state.steering_members();
            if rule.signatures_required > members {
                return Err(Rejection::NotEnoughMembers {
                    required: rule.signatures_required,
                    members,
                });
            }
            let electorate: Vec<Elector> = state
                .libraries
                .values()
                .filter(|l| !l.retired)
                .map(|l| Elector {
                    library: l.id.clone(),
                    inhabitants: l.inhabitants,
                })
                .collect();
            if electorate.is_empty() {
                return Err(Rejection::EmptyElectorate);
            }
            Ok(vec![Event::RoundOpened(RoundOpened {
                round: round.clone(),
                proposal: proposal.clone(),
                opens_at,
                closes_at: *closes_at,
                rule,
                electorate,
                title: title.clone(),
                trial: *trial,
                live_results: *live_results,
                signed_votes: signed_votes.unwrap_or_default(),
            })])
        }
        Command::CastVote {
            round,
            library,
            choice,
            remark,
            signature,
        } => {
            // `decide` already checked the actor holds a library role; a library account
            // acts for itself only, so say so precisely when it names another library.
            if !state.has_role(actor, &Role::Library(library.clone())) {
                return Err(Rejection::ActingForAnotherLibrary {
                    actor: actor.clone(),
                    library: library.clone(),
                });
            }
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if target.status != RoundStatus::Open {
                return Err(Rejection::RoundNotOpen {
                    round: round.clone(),
                });
            }
            if now < target.opens_at {
                return Err(Rejection::VotingNotOpenYet {
                    opens_at: target.opens_at,
                });
            }
            if now >= target.closes_at {
                return Err(Rejection::VotingWindowPassed {
                    closes_at: target.closes_at,
                });
            }
            let Some(weight) = target.electorate.get(library) else {
                return Err(Rejection::NotInElectorate {
                    library: library.clone(),
                    round: round.clone(),
                });
            };
            let cast = target.ballots_by_library.get(library).copied().unwrap_or(0);
            if cast >= MAX_BALLOTS_PER_LIBRARY {
                return Err(Rejection::TooManyBallots {
                    library: library.clone(),
                    round: round.clone(),
                    max: MAX_BALLOTS_PER_LIBRARY,
                });
            }
            let remark = match remark {
                Some(text) if !text.trim().is_empty() => {
                    let got = text.chars().count();
                    if got > MAX_REMARK_CHARS {
                        return Err(Rejection::RemarkTooLong {
                            max: MAX_REMARK_CHARS,
                            got,
                        });
                    }
                    check_controls("remark", text, LAYOUT)?;
                    Some(text.clone())
                }
                _ => None,
            };
            Ok(vec![Event::VoteCast(VoteCast {
                round: round.clone(),
                library: library.clone(),
                choice: *choice,
                remark,
                inhabitants: *weight,
                replaces_earlier_vote: target.votes.contains_key(library),
                signature: signature.clone(),
            })])
        }
        Command::CloseRound { round } => {
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if target.status != RoundStatus::Open {
                return Err(Rejection::RoundNotOpen {
                    round: round.clone(),
                });
            }
            let tally = target.tally();
            let everybody_voted = tally.cast.libraries == tally.eligible.libraries;
            if now < target.closes_at && !everybody_voted {
                return Err(Rejection::VotesMissing {
                    missing: tally.eligible.libraries - tally.cast.libraries,
                    closes_at: target.closes_at,
                });
            }
            Ok(vec![Event::RoundClosed(RoundClosed {
                round: round.clone(),
                tally,
                outcome: tally.outcome(&target.rule),
                closed_early: now < target.closes_at,
            })])
        }
        Command::AnnulRound { round, reason } => {
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if target.certified {
                return Err(Rejection::AlreadyCertified {
                    round: round.clone(),
                });
            }
            if target.status == RoundStatus::Annulled {
                return Err(Rejection::RoundNotOpen {
                    round: round.clone(),
                });
            }
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::RoundAnnulled(RoundAnnulled {
                round: round.clone(),
                reason: reason.clone(),
            })])
        }
        Command::ChangeVotingWindow {
            round,
            closes_at,
            reason,
        } => {
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if target.status != RoundStatus::Open {
                return Err(Rejection::RoundNotOpen {
                    round: round.clone(),
                });
            }
            // A window that has passed is not reopened: the round can only be closed.
            if now >= target.closes_at {
                return Err(Rejection::VotingWindowPassed {
                    closes_at: target.closes_at,
                });
            }
            check_window(target.opens_at, *closes_at, now)?;
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::VotingWindowChanged(VotingWindowChanged {
                round: round.clone(),
                previous_closes_at: target.closes_at,
                closes_at: *closes_at,
                reason: reason.clone(),
            })])
        }
        _ => Ok(Vec::new()),
    }
}

/// Requires a voting window `[opens_at, closes_at)` judged at `now` to end after it
/// starts and after now, to last at most [`MAX_WINDOW_DAYS`] and to open at most that far
/// ahead.
fn check_window(
    opens_at: Timestamp,
    closes_at: Timestamp,
    now: Timestamp,
) -> Result<(), Rejection> {
    if closes_at <= opens_at {
        return Err(Rejection::WindowClosesBeforeOpening);
    }
    if closes_at <= now {
        return Err(Rejection::WindowInThePast { closes_at });
    }
    let max_seconds = MAX_WINDOW_DAYS * 86_400;
    if closes_at > opens_at.plus_seconds(max_seconds) || opens_at > now.plus_seconds(max_seconds) {
        return Err(Rejection::WindowTooLong {
            max_days: MAX_WINDOW_DAYS,
        });
    }
    Ok(())
}
