//! Decisions on proposals: filing, amending before a vote, withdrawing.
//!
//! A proposal is locked as soon as a round opens on it (unless that round was annulled):
//! what the libraries vote on must be what stays on the record. This module must never
//! touch rounds.

use crate::amount::Cents;
use crate::command::Command;
use crate::event::{Event, ProposalAmended, ProposalFiled, ProposalWithdrawn};
use crate::rejection::Rejection;
use crate::state::{Proposal, RoundStatus, State};

use super::{check_line, check_text, known, must_be_new, MAX_LONG_TEXT, MAX_SHORT_TEXT};

/// The round that locks `proposal`: any round that was not annulled.
fn locking_round(state: &State, proposal: &Proposal) -> Option<crate::ids::RoundId> {
    proposal
        .rounds
        .iter()
        .find(|id| {
            state
                .rounds
                .get(*id)
                .is_some_and(|r| r.status != RoundStatus::Annulled)
        })
        .cloned()
}

pub(super) fn decide(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::FileProposal {
            proposal,
            title,
            text,
            budget_cents_per_year,
            trial,
        } => {
            must_be_new("proposal", proposal.as_str(), state.proposals.get(proposal))?;
            check_line("title", title, MAX_SHORT_TEXT)?;
            check_text("text", text, MAX_LONG_TEXT)?;
            // A proposal may have no budget: zero says so.
            let budget_per_year = Cents::checked(*budget_cents_per_year, true)?;
            Ok(vec![Event::ProposalFiled(ProposalFiled {
                proposal: proposal.clone(),
                title: title.clone(),
                text: text.clone(),
                budget_per_year,
                trial: *trial,
            })])
        }
        Command::AmendProposal {
            proposal,
            title,
            text,
            budget_cents_per_year,
        } => {
            let current = known("proposal", proposal.as_str(), state.proposals.get(proposal))?;
            if current.withdrawn {
                return Err(Rejection::ProposalWithdrawn);
            }
            if let Some(round) = locking_round(state, current) {
                return Err(Rejection::ProposalLocked { round });
            }
            if let Some(title) = title {
                check_line("title", title, MAX_SHORT_TEXT)?;
            }
            if let Some(text) = text {
                check_text("text", text, MAX_LONG_TEXT)?;
            }
            let budget_per_year = match budget_cents_per_year {
                Some(value) => Cents::checked(*value, true)?,
                None => current.budget_per_year,
            };
            Ok(vec![Event::ProposalAmended(ProposalAmended {
                proposal: proposal.clone(),
                title: title.clone().unwrap_or_else(|| current.title.clone()),
                text: text.clone().unwrap_or_else(|| current.text.clone()),
                budget_per_year,
            })])
        }
        Command::WithdrawProposal { proposal, reason } => {
            let current = known("proposal", proposal.as_str(), state.proposals.get(proposal))?;
            if current.withdrawn {
                return Err(Rejection::ProposalWithdrawn);
            }
            if let Some(round) = locking_round(state, current) {
                return Err(Rejection::ProposalLocked { round });
            }
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::ProposalWithdrawn(ProposalWithdrawn {
                proposal: proposal.clone(),
                reason: reason.clone(),
            })])
        }
        _ => Ok(Vec::new()),
    }
}
