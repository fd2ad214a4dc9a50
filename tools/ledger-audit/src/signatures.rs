//! The author-signature audit: every signed act in the log (votes, certifications,
//! advice, government decisions) and every author key registration checked again, from
//! the records alone, against the key in force at its position (ARCHITECTURE.md,
//! "Author signatures").
//!
//! It counts the votes that count (each library's last ballot in a round) and the
//! certifications signed by their authors' registered keys, and names every unsigned and
//! every invalid one. Records written before author keys existed (schema version 1 of
//! the signed events) are reported as unsigned, never as invalid. This module must never
//! accept a signature without verifying it, and must fail the audit where the log breaks
//! a promise the ledger makes: an invalid signature or proof, an unsigned vote in a round
//! whose votes must be signed, an unsigned certification written after keys existed.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{bail, Result};
use ledger_core::chain::Sealed;
use ledger_core::signature::{self, signed_command_id, Signed};
use ledger_core::{ActorId, Event, LibraryId, RoundId, SignedVotes, State};

/// One act the log states, and what its signature turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The record's position.
    pub position: u64,
    /// `vote`, `certification`, ...
    pub act: &'static str,
    /// Who the record names as its author.
    pub actor: ActorId,
    /// What it is about, e.g. `round r-2023-05, library lib-001`.
    pub about: String,
    /// Whether the record is older than author keys (schema version 1).
    pub before_keys: bool,
}

/// Counts of one kind of act.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Acts seen.
    pub total: u64,
    /// Acts signed by their authors' registered keys.
    pub signed: u64,
}

/// The audit in progress, and its result.
#[derive(Debug, Default)]
pub struct SignatureAudit {
    /// The last ballot of each library in each round: its finding if it is unsigned.
    last_votes: BTreeMap<(RoundId, LibraryId), Option<Finding>>,
    /// Certification signatures.
    pub certifications: Tally,
    /// Advice and government decisions.
    pub secretariat: Tally,
    /// Author key registrations, each with a checked proof of possession.
    pub registrations: u64,
    /// Revocations.
    pub revocations: u64,
    /// Every unsigned certification, advice or decision.
    pub unsigned: Vec<Finding>,
}

impl SignatureAudit {
    /// Checks the signature of `event` (the event of `sealed`) against `state`, the state
    /// just before it; `origin` is the ledger's.
    pub fn check(
        &mut self,
        origin: &str,
        sealed: &Sealed,
        event: &Event,
        state: &State,
    ) -> Result<()> {
        let record = &sealed.record;
        let position = record.position.0;
        let actor = &record.actor;
        let command_id = signed_command_id(record.command_id.as_str(), actor);
        if let Event::AuthorKeyRegistered(e) = event {
            let statement = signature::key_statement(origin, &e.actor, &e.key, command_id);
            if let Err(rejection) = signature::verify(&statement, &e.proof, &e.key, &e.actor) {
                bail!(
                    "position {position}: the key registered for {} has no valid proof of \
                     possession: {rejection}",
                    e.actor
                );
            }
            self.registrations += 1;
            return Ok(());
        }
        if let Event::AuthorKeyRevoked(_) = event {
            self.revocations += 1;
            return Ok(());
        }
        let Some((signed, line)) = Signed::from_event(event) else {
            return Ok(());
        };
        let about = match (&signed, event) {
            (Signed::Vote { round, library, .. }, _) => format!("round {round}, library {library}"),
            (Signed::Certification { round, .. }, _) => format!("round {round}"),
            (Signed::Advice { advice, .. }, _) => format!("advice {advice}"),
            (Signed::Decision { decision, .. }, _) => format!("decision {decision}"),
        };
        let finding = Finding {
            position,
            act: signed.kind(),
            actor: actor.clone(),
            about,
            before_keys: record.schema_version < 2,
        };
        let is_signed = match line {
            Some(line) => {
                let Some(key) = state.author_keys.get(actor) else {
                    bail!(
                        "position {position}: {} by {actor} is signed, but {actor} had no \
                         author key in force there",
                        finding.act
                    );
                };
                let statement = signed.statement(origin, command_id);
                if let Err(rejection) = signature::verify(&statement, line, key, actor) {
                    bail!(
                        "position {position}: the signature of {} by {actor} ({}) is invalid: \
                         {rejection}",
                        finding.act,
                        finding.about
                    );
                }
                true
            }
            None => false,
        };
        match (&signed, event) {
            (Signed::Vote { .. }, Event::VoteCast(e)) => {
                let required = state
                    .rounds
                    .get(&e.round)
                    .is_some_and(|r| r.signed_votes == SignedVotes::Required);
                if required && !is_signed {
                    bail!(
                        "position {position}: an unsigned vote by {actor} ({}) in a round whose \
                         votes must be signed",
                        finding.about
                    );
                }
                let entry = (e.round.clone(), e.library.clone());
                self.last_votes
                    .insert(entry, (!is_signed).then_some(finding));
            }
            (Signed::Certification { .. }, _) => {
                if !is_signed && !finding.before_keys {
                    bail!(
                        "position {position}: an unsigned certification by {actor} ({}) \
                         written after author keys existed",
                        finding.about
                    );
                }
                count(
                    &mut self.certifications,
                    is_signed,
                    finding,
                    &mut self.unsigned,
                );
            }
            _ => count(
                &mut self.secretariat,
                is_signed,
                finding,
                &mut self.unsigned,
            ),
        }
        Ok(())
    }

    /// The votes that count (each library's last ballot in each round).
    pub fn votes(&self) -> Tally {
        let total = self.last_votes.len() as u64;
        let unsigned = self.last_votes.values().filter(|f| f.is_some()).count() as u64;
        Tally {
            total,
            signed: total - unsigned,
        }
    }

    /// Every unsigned act, votes (that count) first, in position order within each.
    pub fn unsigned(&self) -> Vec<&Finding> {
        let mut votes: Vec<&Finding> = self.last_votes.values().flatten().collect();
        votes.sort_by_key(|f| f.position);
        votes.extend(self.unsigned.iter());
        votes
    }
}

fn count(tally: &mut Tally, is_signed: bool, finding: Finding, unsigned: &mut Vec<Finding>) {
    tally.total += 1;
    if is_signed {
        tally.signed += 1;
    } else {
        unsigned.push(finding);
    }
}

impl fmt::Display for SignatureAudit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let votes = self.votes();
        writeln!(
            f,
            "  author signatures: {} of {} votes and {} of {} certifications signed by their \
             authors' registered keys",
            votes.signed, votes.total, self.certifications.signed, self.certifications.total
        )?;
        writeln!(
            f,
            "  secretariat signatures: {} of {} advice and government decisions signed",
            self.secretariat.signed, self.secretariat.total
        )?;
        writeln!(
            f,
            "  author keys: {} registrations with a valid proof of possession, {} revocations",
            self.registrations, self.revocations
        )?;
        for finding in self.unsigned() {
            let when = if finding.before_keys {
                " (written before author keys existed)"
            } else {
                ""
            };
            writeln!(
                f,
                "    unsigned {} at position {} by {} ({}){when}",
                finding.act, finding.position, finding.actor, finding.about
            )?;
        }
        Ok(())
    }
}
