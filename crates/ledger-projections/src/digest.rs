//! The newsletter digest: what changed in log positions `[from, to)`, grouped by
//! proposal, with a section for what is not tied to a proposal.
//!
//! It is computed from the model as of `from` plus the records of the range: the model
//! gives the context (a round's proposal, a library's population before an update), the
//! records give the changes, and the model folded on to `to` gives the figures "so far"
//! (participation, results). This module must never report a change from outside the
//! range, nor leave one out: it refuses a record set that does not cover the range.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use ledger_core::{ActorId, Event, LibraryId, ProposalId, RoundId, Sealed, SheetId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ProjectionError;
use crate::model::{Applied, HeadView, ReadModel};
use crate::project::{CriteriaView, ExactDecimal, NewsletterView, PrioritiesView};
use crate::proposal::{AdviceView, DecisionView, Step, TimelineStep};
use crate::round::{CertificationView, RoundResult, RoundStatusView};
use crate::wire::{CountView, Share};

/// A round opened in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundOpening {
    /// The round.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// First instant a vote is accepted.
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: Timestamp,
    /// First instant a vote is no longer accepted.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    /// The frozen electorate.
    pub eligible: CountView,
    /// The record that opened it.
    pub position: u64,
}

/// Voting in one round during the range, with the participation reached at its end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VotingDigest {
    /// The round.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// Vote events in the range, changed votes included.
    pub ballots: u64,
    /// Libraries that voted for the first time in the range.
    pub first_votes: u64,
    /// Votes in the range that replaced an earlier vote of the same library.
    pub changed_votes: u64,
    /// Votes in the range that carried a remark.
    pub remarks: u64,
    /// Libraries that have voted by the end of the range (their last vote).
    pub cast_so_far: CountView,
    /// The frozen electorate.
    pub eligible: CountView,
    /// Cast over eligible inhabitants by the end of the range.
    pub participation_so_far: Option<Share>,
    /// The round's status at the end of the range.
    pub status: RoundStatusView,
}

/// A round annulled in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundAnnulment {
    /// The round.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// Why.
    pub reason: String,
    /// The record of the annulment.
    pub position: u64,
}

/// A certification signature given in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignatureDigest {
    /// The round.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// The member who signed.
    #[schema(value_type = String)]
    pub member: ActorId,
    /// The record of the signature.
    pub position: u64,
}

/// Everything that happened to one proposal in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProposalDigest {
    /// The proposal.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// Its title at the end of the range.
    pub title: String,
    /// Its status at the end of the range.
    pub status: Step,
    /// Whether it was filed in the range (a new proposal).
    pub new: bool,
    /// The timeline steps recorded in the range, in position order.
    pub steps: Vec<TimelineStep>,
    /// Rounds opened in the range.
    pub rounds_opened: Vec<RoundOpening>,
    /// Rounds with votes in the range.
    pub voting: Vec<VotingDigest>,
    /// Rounds closed in the range, with their results as of the end of the range.
    pub rounds_closed: Vec<RoundResult>,
    /// Rounds annulled in the range.
    pub rounds_annulled: Vec<RoundAnnulment>,
    /// Certification signatures given in the range.
    pub signatures: Vec<SignatureDigest>,
    /// Results certified in the range.
    pub certifications: Vec<CertificationView>,
    /// Advice sent in the range.
    pub advice: Vec<AdviceView>,
    /// Government decisions recorded in the range.
    pub decisions: Vec<DecisionView>,
}

/// A library registered or updated in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LibraryChange {
    /// The library.
    #[schema(value_type = String)]
    pub library: LibraryId,
    /// Its name after the change.
    pub name: String,
    /// Municipalities after the change.
    pub municipalities: Vec<String>,
    /// Inhabitants after the change.
    pub inhabitants: u64,
    /// Inhabitants before an update (null for a registration).
    pub inhabitants_before: Option<u64>,
    /// The record of the change.
    pub position: u64,
}

/// A library retired in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LibraryRetirement {
    /// The library.
    #[schema(value_type = String)]
    pub library: LibraryId,
    /// Its name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// The record of the retirement.
    pub position: u64,
}

/// A role granted or revoked in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoleChange {
    /// The actor.
    #[schema(value_type = String)]
    pub actor: ActorId,
    /// The role label: `secretariat`, `steering_member` or `library:<id>`.
    pub role: String,
    /// The record of the change.
    pub position: u64,
}

/// A project sheet filed in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetFiling {
    /// The sheet.
    #[schema(value_type = String)]
    pub sheet: SheetId,
    /// Its title.
    pub title: String,
    /// The proposal it implements, if any.
    #[schema(value_type = Option<String>)]
    pub proposal: Option<ProposalId>,
    /// Yearly budget in euro cents.
    pub budget_cents_per_year: u64,
    /// The record of the filing.
    pub position: u64,
}

/// Scores given to one sheet in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetScoring {
    /// The sheet.
    #[schema(value_type = String)]
    pub sheet: SheetId,
    /// Its title.
    pub title: String,
    /// Score events in the range (a rescore counts again).
    pub scores_recorded: u64,
    /// Its weighted total at the end of the range.
    pub weighted_total: Option<ExactDecimal>,
}

/// What changed in the range that is not tied to one proposal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GeneralDigest {
    /// The ledger's origin, if it was initialised in the range.
    pub ledger_initialized: Option<String>,
    /// Libraries registered.
    pub libraries_registered: Vec<LibraryChange>,
    /// Libraries updated.
    pub libraries_updated: Vec<LibraryChange>,
    /// Libraries retired.
    pub libraries_retired: Vec<LibraryRetirement>,
    /// Roles granted.
    pub roles_granted: Vec<RoleChange>,
    /// Roles revoked.
    pub roles_revoked: Vec<RoleChange>,
    /// Criteria set (each setting, in order).
    pub criteria_set: Vec<CriteriaView>,
    /// Project sheets filed.
    pub sheets_filed: Vec<SheetFiling>,
    /// Sheets scored, by sheet id.
    pub sheets_scored: Vec<SheetScoring>,
    /// Priorities decided (each decision, in order).
    pub priorities_decided: Vec<PrioritiesView>,
    /// Newsletters issued.
    pub newsletters_issued: Vec<NewsletterView>,
    /// Author keys registered in the range (revoked later or not: see the model).
    pub author_keys_registered: Vec<crate::keys::AuthorKeyView>,
    /// Author keys revoked in the range (the registration, with its revocation).
    pub author_keys_revoked: Vec<crate::keys::AuthorKeyView>,
}

/// What changed in log positions `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Digest {
    /// First position covered.
    pub from: u64,
    /// First position not covered.
    pub to: u64,
    /// The head at `to`: its hash commits to everything reported.
    pub head: HeadView,
    /// Records in the range per event type.
    pub event_counts: BTreeMap<String, u64>,
    /// Changes per proposal, by proposal id.
    pub proposals: Vec<ProposalDigest>,
    /// Changes not tied to a proposal.
    pub general: GeneralDigest,
}

#[derive(Default)]
struct Votes {
    ballots: u64,
    first_votes: u64,
    changed_votes: u64,
    remarks: u64,
}

#[derive(Default)]
struct ProposalNotes {
    new: bool,
    rounds_opened: Vec<RoundId>,
    voting: BTreeSet<RoundId>,
    rounds_closed: Vec<RoundId>,
    rounds_annulled: Vec<RoundAnnulment>,
    signatures: Vec<SignatureDigest>,
    certifications: Vec<CertificationView>,
    advice: Vec<ledger_core::AdviceId>,
    decisions: Vec<ledger_core::DecisionId>,
}

/// Collects the changes while the model folds through the range.
#[derive(Default)]
struct Notes {
    counts: BTreeMap<String, u64>,
    proposals: BTreeMap<ProposalId, ProposalNotes>,
    votes: BTreeMap<RoundId, Votes>,
    sheets_scored: BTreeMap<SheetId, u64>,
    general: GeneralDigest,
}

impl Notes {
    fn proposal(&mut self, id: &ProposalId) -> &mut ProposalNotes {
        self.proposals.entry(id.clone()).or_default()
    }

    /// Notes `event`, just applied to `model` at `position`; `inhabitants_before` is the
    /// library's population before the event (for updates).
    fn note(
        &mut self,
        model: &ReadModel,
        position: u64,
        event: &Event,
        inhabitants_before: Option<u64>,
    ) {
        *self
            .counts
            .entry(event.event_type().to_owned())
            .or_insert(0) += 1;
        let round_proposal = |round: &RoundId| model.rounds.get(round).map(|r| r.proposal.clone());
        match event {
            Event::LedgerInitialized(e) => self.general.ledger_initialized = Some(e.origin.clone()),
            Event::RoleGranted(e) => self.general.roles_granted.push(RoleChange {
                actor: e.actor.clone(),
                role: e.role.label(),
                position,
            }),
            Event::RoleRevoked(e) => self.general.roles_revoked.push(RoleChange {
                actor: e.actor.clone(),
                role: e.role.label(),
                position,
            }),
            Event::LibraryRegistered(e) => self.general.libraries_registered.push(LibraryChange {
                library: e.library.clone(),
                name: e.name.clone(),
                municipalities: e.municipalities.iter().map(|m| m.0.clone()).collect(),
                inhabitants: e.inhabitants,
                inhabitants_before: None,
                position,
            }),
            Event::LibraryUpdated(e) => self.general.libraries_updated.push(LibraryChange {
                library: e.library.clone(),
                name: e.name.clone(),
                municipalities: e.municipalities.iter().map(|m| m.0.clone()).collect(),
                inhabitants: e.inhabitants,
                inhabitants_before,
                position,
            }),
            Event::LibraryRetired(e) => self.general.libraries_retired.push(LibraryRetirement {
                library: e.library.clone(),
                name: model
                    .libraries
                    .get(&e.library)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                reason: e.reason.clone(),
                position,
            }),
            Event::ProposalFiled(e) => self.proposal(&e.proposal).new = true,
            Event::ProposalAmended(e) => {
                self.proposal(&e.proposal);
            }
            Event::ProposalWithdrawn(e) => {
                self.proposal(&e.proposal);
            }
            Event::RoundOpened(e) => self
                .proposal(&e.proposal)
                .rounds_opened
                .push(e.round.clone()),
            Event::VoteCast(e) => {
                let votes = self.votes.entry(e.round.clone()).or_default();
                votes.ballots += 1;
                if e.replaces_earlier_vote {
                    votes.changed_votes += 1;
                } else {
                    votes.first_votes += 1;
                }
                if e.remark.is_some() {
                    votes.remarks += 1;
                }
                if let Some(p) = round_proposal(&e.round) {
                    self.proposal(&p).voting.insert(e.round.clone());
                }
            }
            Event::RoundClosed(e) => {
                if let Some(p) = round_proposal(&e.round) {
                    self.proposal(&p).rounds_closed.push(e.round.clone());
                }
            }
            Event::RoundAnnulled(e) => {
                if let Some(p) = round_proposal(&e.round) {
                    self.proposal(&p).rounds_annulled.push(RoundAnnulment {
                        round: e.round.clone(),
                        reason: e.reason.clone(),
                        position,
                    });
                }
            }
            Event::CertificationSigned(e) => {
                if let Some(p) = round_proposal(&e.round) {
                    self.proposal(&p).signatures.push(SignatureDigest {
                        round: e.round.clone(),
                        member: e.member.clone(),
                        position,
                    });
                }
            }
            Event::ResultCertified(e) => {
                if let Some(certification) = model.certifications.get(&e.round) {
                    let p = certification.proposal.clone();
                    self.proposal(&p).certifications.push(certification.clone());
                }
            }
            Event::AdviceSent(e) => self.proposal(&e.proposal).advice.push(e.advice.clone()),
            Event::GovernmentDecisionRecorded(e) => self
                .proposal(&e.proposal)
                .decisions
                .push(e.decision.clone()),
            Event::CriteriaSet(_) => self.general.criteria_set.push(model.criteria.clone()),
            Event::ProjectSheetFiled(e) => self.general.sheets_filed.push(SheetFiling {
                sheet: e.sheet.clone(),
                title: e.title.clone(),
                proposal: e.proposal.clone(),
                budget_cents_per_year: e.budget_per_year.0,
                position,
            }),
            Event::SheetScored(e) => *self.sheets_scored.entry(e.sheet.clone()).or_insert(0) += 1,
            Event::PrioritiesDecided(_) => {
                if let Some(priorities) = &model.priorities {
                    self.general.priorities_decided.push(priorities.clone());
                }
            }
            Event::NewsletterIssued(_) => {
                if let Some(issue) = model.newsletters.last() {
                    self.general.newsletters_issued.push(issue.clone());
                }
            }
            // Corrections reach the digest as timeline steps with their reasons, and the
            // corrected advice or decision is shown with what it superseded.
            Event::AdviceSuperseded(e) => {
                let advice = &mut self.proposal(&e.proposal).advice;
                if !advice.contains(&e.advice) {
                    advice.push(e.advice.clone());
                }
            }
            Event::GovernmentDecisionAmended(e) => {
                let decisions = &mut self.proposal(&e.proposal).decisions;
                if !decisions.contains(&e.decision) {
                    decisions.push(e.decision.clone());
                }
            }
            Event::ActorNamed(_) => {}
            Event::AuthorKeyRegistered(e) => {
                let view = model
                    .author_keys()
                    .iter()
                    .rev()
                    .find(|k| k.position == position && k.actor == e.actor);
                if let Some(view) = view {
                    self.general.author_keys_registered.push(view.clone());
                }
            }
            Event::AuthorKeyRevoked(e) => {
                let view = model
                    .author_keys()
                    .iter()
                    .rev()
                    .find(|k| k.revoked_at == Some(position) && k.actor == e.actor);
                if let Some(view) = view {
                    self.general.author_keys_revoked.push(view.clone());
                }
            }
            Event::DocumentLinked(e) => {
                if let ledger_core::event::DocumentSubject::Proposal(p) = &e.subject {
                    self.proposal(p);
                }
            }
            Event::VotingWindowChanged(ledger_core::event::VotingWindowChanged {
                round, ..
            })
            | Event::CertificationWithdrawn(ledger_core::event::CertificationWithdrawn {
                round,
                ..
            }) => {
                if let Some(p) = round_proposal(round) {
                    self.proposal(&p);
                }
            }
        }
    }

    /// Turns the notes into the digest, with figures from `model` as of `to`.
    fn finish(self, model: &ReadModel, from: u64, to: u64) -> Digest {
        let Notes {
            counts,
            proposals,
            votes,
            sheets_scored,
            mut general,
        } = self;
        let mut digests = Vec::with_capacity(proposals.len());
        for (id, notes) in proposals {
            // Only a damaged log can refer to a proposal the model does not know; such
            // a change has no proposal to be reported under.
            let Some(proposal) = model.proposals.get(&id) else {
                continue;
            };
            let in_range = |position: u64| (from..to).contains(&position);
            digests.push(ProposalDigest {
                proposal: id.clone(),
                title: proposal.title.clone(),
                status: proposal.status,
                new: notes.new,
                steps: proposal
                    .timeline
                    .iter()
                    .filter(|s| in_range(s.position))
                    .cloned()
                    .collect(),
                rounds_opened: notes
                    .rounds_opened
                    .iter()
                    .filter_map(|r| model.rounds.get(r))
                    .map(|r| RoundOpening {
                        round: r.id.clone(),
                        opens_at: r.opens_at,
                        closes_at: r.closes_at,
                        eligible: r.live.eligible,
                        position: r.opened_position,
                    })
                    .collect(),
                voting: notes
                    .voting
                    .iter()
                    .filter_map(|r| model.rounds.get(r))
                    .map(|r| {
                        let counted = votes.get(&r.id);
                        VotingDigest {
                            round: r.id.clone(),
                            ballots: counted.map_or(0, |v| v.ballots),
                            first_votes: counted.map_or(0, |v| v.first_votes),
                            changed_votes: counted.map_or(0, |v| v.changed_votes),
                            remarks: counted.map_or(0, |v| v.remarks),
                            cast_so_far: r.live.cast,
                            eligible: r.live.eligible,
                            participation_so_far: r.participation.clone(),
                            status: r.status,
                        }
                    })
                    .collect(),
                rounds_closed: notes
                    .rounds_closed
                    .iter()
                    .filter_map(|r| model.round_result(r))
                    .collect(),
                rounds_annulled: notes.rounds_annulled,
                signatures: notes.signatures,
                certifications: notes.certifications,
                advice: notes
                    .advice
                    .iter()
                    .filter_map(|a| model.advice.get(a).cloned())
                    .collect(),
                decisions: notes
                    .decisions
                    .iter()
                    .filter_map(|d| model.decisions.get(d).cloned())
                    .collect(),
            });
        }
        general.sheets_scored = sheets_scored
            .into_iter()
            .filter_map(|(id, recorded)| {
                model.sheets.get(&id).map(|sheet| SheetScoring {
                    sheet: id,
                    title: sheet.title.clone(),
                    scores_recorded: recorded,
                    weighted_total: sheet.weighted_total.clone(),
                })
            })
            .collect();
        Digest {
            from,
            to,
            head: model.head.clone(),
            event_counts: counts,
            proposals: digests,
            general,
        }
    }
}

impl Digest {
    /// The digest of `[from, to)` from `before`, the model as of `from`, and the
    /// records of the range in position order (records before `from` are skipped, the
    /// fold stops at `to`).
    ///
    /// Refuses a reversed range, a model not as of `from`, and records that do not
    /// reach `to` (so a digest never silently leaves changes out).
    pub fn between<I>(
        before: &ReadModel,
        records: I,
        from: u64,
        to: u64,
    ) -> Result<Digest, ProjectionError>
    where
        I: IntoIterator,
        I::Item: Borrow<(Sealed, Event)>,
    {
        if to < from {
            return Err(ProjectionError::BadRange { from, to });
        }
        if before.position() != from {
            return Err(ProjectionError::ModelNotAtStart {
                from,
                actual: before.position(),
            });
        }
        let mut model = before.clone();
        let mut notes = Notes::default();
        for item in records {
            let (sealed, event) = item.borrow();
            let position = sealed.record.position.0;
            if position >= to {
                break;
            }
            let inhabitants_before = match event {
                Event::LibraryUpdated(e) => model.libraries.get(&e.library).map(|l| l.inhabitants),
                _ => None,
            };
            match model.apply(sealed, event) {
                Applied::Applied => notes.note(&model, position, event, inhabitants_before),
                Applied::AlreadyApplied => {}
                Applied::OutOfOrder { .. } | Applied::NotLinked => break,
            }
        }
        if model.position() != to {
            return Err(ProjectionError::RangeNotCovered {
                from,
                to,
                reached: model.position(),
            });
        }
        Ok(notes.finish(&model, from, to))
    }

    /// The digest of `[from, to)` from the whole log in position order: folds the
    /// records before `from` into a model, then digests the range.
    pub fn from_log<I>(records: I, from: u64, to: u64) -> Result<Digest, ProjectionError>
    where
        I: IntoIterator,
        I::Item: Borrow<(Sealed, Event)>,
    {
        if to < from {
            return Err(ProjectionError::BadRange { from, to });
        }
        let mut records = records.into_iter().peekable();
        let mut before = ReadModel::new();
        while let Some(item) = records.next_if(|i| i.borrow().0.record.position.0 < from) {
            let (sealed, event) = item.borrow();
            before.apply(sealed, event);
        }
        if before.position() != from {
            return Err(ProjectionError::RangeNotCovered {
                from: 0,
                to: from,
                reached: before.position(),
            });
        }
        Digest::between(&before, records, from, to)
    }
}
