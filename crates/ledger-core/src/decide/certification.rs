//! Decisions after the vote: certification by steering-group members, advice to the
//! government, and the government's decision.
//!
//! A signature is accepted only over the digest of the tally recomputed from the votes
//! in the log, so nobody can certify numbers the log does not support. This module must
//! never accept advice on a round that is not certified and adopted.

use crate::amount::Cents;
use crate::command::Command;
use crate::event::{
    AdviceSent, CertificationSigned, Event, GovernmentDecisionRecorded, ResultCertified, Verdict,
};
use crate::ids::ActorId;
use crate::rejection::Rejection;
use crate::state::{RoundStatus, State};
use crate::tally::Outcome;

use super::{check_line, check_text, known, must_be_new, MAX_LONG_TEXT, MAX_SHORT_TEXT};

pub(super) fn decide(
    state: &State,
    actor: &ActorId,
    command: &Command,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::SignCertification {
            round,
            tally_digest,
        } => {
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if target.status != RoundStatus::Closed {
                return Err(Rejection::RoundNotClosed {
                    round: round.clone(),
                });
            }
            if target.certified {
                return Err(Rejection::AlreadyCertified {
                    round: round.clone(),
                });
            }
            if target.signatures.iter().any(|(member, _)| member == actor) {
                return Err(Rejection::AlreadySigned {
                    member: actor.clone(),
                    round: round.clone(),
                });
            }
            let expected = target.tally().digest(round);
            if *tally_digest != expected {
                return Err(Rejection::TallyDigestMismatch {
                    given: tally_digest.chars().take(64).collect(),
                    expected,
                });
            }
            let mut events = vec![Event::CertificationSigned(CertificationSigned {
                round: round.clone(),
                member: actor.clone(),
                tally_digest: expected.clone(),
            })];
            let signed = target.signatures.len().saturating_add(1);
            if signed >= target.rule.signatures_required as usize {
                let mut signers: Vec<ActorId> =
                    target.signatures.iter().map(|(m, _)| m.clone()).collect();
                signers.push(actor.clone());
                events.push(Event::ResultCertified(ResultCertified {
                    round: round.clone(),
                    tally_digest: expected,
                    signers,
                    outcome: target.outcome(),
                }));
            }
            Ok(events)
        }
        Command::SendAdvice {
            advice,
            round,
            recipient,
            text,
        } => {
            must_be_new("advice", advice.as_str(), state.advice.get(advice))?;
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if !target.certified {
                return Err(Rejection::RoundNotCertified {
                    round: round.clone(),
                });
            }
            if target.outcome() != Outcome::Adopted {
                return Err(Rejection::RoundNotAdopted {
                    round: round.clone(),
                });
            }
            if target.advice.is_some() {
                return Err(Rejection::AdviceAlreadySent {
                    round: round.clone(),
                });
            }
            check_line("recipient", recipient, MAX_SHORT_TEXT)?;
            check_text("text", text, MAX_LONG_TEXT)?;
            Ok(vec![Event::AdviceSent(AdviceSent {
                advice: advice.clone(),
                round: round.clone(),
                proposal: target.proposal.clone(),
                recipient: recipient.clone(),
                text: text.clone(),
            })])
        }
        Command::RecordGovernmentDecision {
            decision,
            advice,
            verdict,
            amount_cents_per_year,
            period_start,
            period_end,
            document_reference,
            document_blake3,
        } => {
            must_be_new("decision", decision.as_str(), state.decisions.get(decision))?;
            let answered = known("advice", advice.as_str(), state.advice.get(advice))?;
            if answered.decision.is_some() {
                return Err(Rejection::DecisionAlreadyRecorded);
            }
            let amount_per_year =
                Cents::checked(*amount_cents_per_year, *verdict == Verdict::Rejected)?;
            if period_end < period_start {
                return Err(Rejection::InvalidPeriod);
            }
            check_line("document_reference", document_reference, MAX_SHORT_TEXT)?;
            let hex_ok = document_blake3.len() == 64
                && document_blake3
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex_ok {
                return Err(Rejection::InvalidDocumentHash);
            }
            Ok(vec![Event::GovernmentDecisionRecorded(
                GovernmentDecisionRecorded {
                    decision: decision.clone(),
                    advice: advice.clone(),
                    proposal: answered.proposal.clone(),
                    verdict: *verdict,
                    amount_per_year,
                    period_start: *period_start,
                    period_end: *period_end,
                    document_reference: document_reference.clone(),
                    document_blake3: document_blake3.clone(),
                },
            )])
        }
        _ => Ok(Vec::new()),
    }
}
