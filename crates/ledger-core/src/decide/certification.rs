//! Decisions after the vote: certification by steering-group members, advice to the
//! government, and the government's decision.
//!
//! A signature is accepted only over the digest of the tally recomputed from the votes
//! in the log, so nobody can certify numbers the log does not support. This module must
//! never accept advice on a round that is not certified and adopted.

use crate::amount::Cents;
use crate::command::Command;
use crate::event::{
    AdviceSent, AdviceSuperseded, CertificationSigned, CertificationWithdrawn, Event,
    GovernmentDecisionAmended, GovernmentDecisionRecorded, ResultCertified, Verdict,
};
use crate::ids::ActorId;
use crate::rejection::Rejection;
use crate::state::{RoundStatus, State};
use crate::tally::Outcome;
use crate::time::Date;

use super::{
    check_blake3, check_line, check_text, known, must_be_new, MAX_LONG_TEXT, MAX_SHORT_TEXT,
};

pub(super) fn decide(
    state: &State,
    actor: &ActorId,
    command: &Command,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::SignCertification {
            round,
            tally_digest,
            signature,
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
                signature: signature.clone(),
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
            signature,
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
                signature: signature.clone(),
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
            signature,
        } => {
            must_be_new("decision", decision.as_str(), state.decisions.get(decision))?;
            let answered = known("advice", advice.as_str(), state.advice.get(advice))?;
            if answered.decision.is_some() {
                return Err(Rejection::DecisionAlreadyRecorded);
            }
            let terms = DecisionTerms::check(
                *verdict,
                *amount_cents_per_year,
                (*period_start, *period_end),
                document_reference,
                document_blake3,
            )?;
            Ok(vec![Event::GovernmentDecisionRecorded(
                GovernmentDecisionRecorded {
                    decision: decision.clone(),
                    advice: advice.clone(),
                    proposal: answered.proposal.clone(),
                    verdict: terms.verdict,
                    amount_per_year: terms.amount_per_year,
                    period_start: terms.period.0,
                    period_end: terms.period.1,
                    document_reference: document_reference.clone(),
                    document_blake3: document_blake3.clone(),
                    signature: signature.clone(),
                },
            )])
        }
        Command::SupersedeAdvice {
            advice,
            text,
            reason,
        } => {
            let sent = known("advice", advice.as_str(), state.advice.get(advice))?;
            check_text("text", text, MAX_LONG_TEXT)?;
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::AdviceSuperseded(AdviceSuperseded {
                advice: advice.clone(),
                proposal: sent.proposal.clone(),
                text: text.clone(),
                reason: reason.clone(),
            })])
        }
        Command::AmendGovernmentDecision {
            decision,
            verdict,
            amount_cents_per_year,
            period_start,
            period_end,
            document_reference,
            document_blake3,
            reason,
        } => {
            let recorded = known("decision", decision.as_str(), state.decisions.get(decision))?;
            let terms = DecisionTerms::check(
                *verdict,
                *amount_cents_per_year,
                (*period_start, *period_end),
                document_reference,
                document_blake3,
            )?;
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::GovernmentDecisionAmended(
                GovernmentDecisionAmended {
                    decision: decision.clone(),
                    advice: recorded.advice.clone(),
                    proposal: recorded.proposal.clone(),
                    verdict: terms.verdict,
                    amount_per_year: terms.amount_per_year,
                    period_start: terms.period.0,
                    period_end: terms.period.1,
                    document_reference: document_reference.clone(),
                    document_blake3: document_blake3.clone(),
                    reason: reason.clone(),
                },
            )])
        }
        Command::WithdrawCertification { round, reason } => {
            let target = known("round", round.as_str(), state.rounds.get(round))?;
            if !target.certified {
                return Err(Rejection::RoundNotCertified {
                    round: round.clone(),
                });
            }
            // Advice rests on the certified result; correct the advice instead.
            if target.advice.is_some() {
                return Err(Rejection::AdviceAlreadySent {
                    round: round.clone(),
                });
            }
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::CertificationWithdrawn(
                CertificationWithdrawn {
                    round: round.clone(),
                    member: actor.clone(),
                    reason: reason.clone(),
                },
            )])
        }
        _ => Ok(Vec::new()),
    }
}

/// The checked terms of a government decision, as recorded or amended.
struct DecisionTerms {
    verdict: Verdict,
    amount_per_year: Cents,
    period: (Date, Date),
}

impl DecisionTerms {
    /// Checks the amount (zero only when rejected), the period, the document's reference
    /// and its BLAKE3 hash.
    fn check(
        verdict: Verdict,
        amount_cents_per_year: i128,
        period: (Date, Date),
        document_reference: &str,
        document_blake3: &str,
    ) -> Result<Self, Rejection> {
        let amount_per_year = Cents::checked(amount_cents_per_year, verdict == Verdict::Rejected)?;
        if period.1 < period.0 {
            return Err(Rejection::InvalidPeriod);
        }
        check_line("document_reference", document_reference, MAX_SHORT_TEXT)?;
        check_blake3(document_blake3)?;
        Ok(Self {
            verdict,
            amount_per_year,
            period,
        })
    }
}
