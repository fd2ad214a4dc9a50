//! The decision state: everything `decide` needs to judge the next command, and the
//! `evolve` fold that builds it from events.
//!
//! `evolve` must be total: an event is a fact that was already accepted, so it never
//! fails; if a stored event refers to something unknown (only possible in a damaged log,
//! which `verify` reports), it is applied as far as it makes sense. This module must
//! never look at the clock or at the record around an event.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::amount::Cents;
use crate::event::{Criterion, Event, SignedVotes, Verdict};
use crate::ids::{
    ActorId, AdviceId, CriterionId, DecisionId, LibraryId, NewsletterId, NisCode, Position,
    ProposalId, RoundId, SheetId,
};
use crate::role::Role;
use crate::tally::{Choice, Outcome, Rule, Tally};
use crate::time::{Date, Timestamp};

/// A library as the secretariat registered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// Its id.
    pub id: LibraryId,
    /// Its name.
    pub name: String,
    /// Municipalities served.
    pub municipalities: Vec<NisCode>,
    /// Inhabitants represented now (running rounds keep their own frozen copy).
    pub inhabitants: u64,
    /// Retired libraries are left out of new electorates.
    pub retired: bool,
}

/// A proposal and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Its id.
    pub id: ProposalId,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// Yearly budget.
    pub budget_per_year: Cents,
    /// Whether it was withdrawn.
    pub withdrawn: bool,
    /// Rounds opened on it, oldest first.
    pub rounds: Vec<RoundId>,
}

/// Where a round stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// Accepting votes within its window.
    Open,
    /// Closed with a tally.
    Closed,
    /// Annulled; its votes stay in the history but count for nothing.
    Annulled,
}

/// A vote round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Its id.
    pub id: RoundId,
    /// The proposal voted on.
    pub proposal: ProposalId,
    /// Window start.
    pub opens_at: Timestamp,
    /// Window end (exclusive).
    pub closes_at: Timestamp,
    /// The rule.
    pub rule: Rule,
    /// The frozen electorate: library to weight.
    pub electorate: BTreeMap<LibraryId, u64>,
    /// The last vote of each library that voted.
    pub votes: BTreeMap<LibraryId, Choice>,
    /// How many vote events were cast, changes included.
    pub ballots_cast: u64,
    /// How many ballots each library cast, changes included (bounded by
    /// [`crate::MAX_BALLOTS_PER_LIBRARY`] for new votes).
    #[serde(default)]
    pub ballots_by_library: BTreeMap<LibraryId, u32>,
    /// Status.
    pub status: RoundStatus,
    /// The tally and outcome stated when it closed.
    pub closed_with: Option<(Tally, Outcome)>,
    /// Signatures so far: member and the digest signed, in order.
    pub signatures: Vec<(ActorId, String)>,
    /// Whether enough members signed.
    pub certified: bool,
    /// Advice sent on it, if any.
    pub advice: Option<AdviceId>,
    /// Whether its votes must be signed.
    #[serde(default)]
    pub signed_votes: SignedVotes,
}

impl Round {
    /// The tally of the current last votes against the frozen electorate.
    pub fn tally(&self) -> Tally {
        Tally::count(&self.electorate, &self.votes)
    }

    /// The outcome now: pending while open, the stated one once closed.
    pub fn outcome(&self) -> Outcome {
        match (&self.status, &self.closed_with) {
            (RoundStatus::Closed, Some((_, outcome))) => *outcome,
            (RoundStatus::Open, _) => Outcome::Pending,
            _ => Outcome::Rejected,
        }
    }
}

/// Advice sent to the government.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// Its id.
    pub id: AdviceId,
    /// The round it rests on.
    pub round: RoundId,
    /// The proposal.
    pub proposal: ProposalId,
    /// The recipient.
    pub recipient: String,
    /// The decision recorded on it, if any.
    pub decision: Option<DecisionId>,
}

/// A government decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Its id.
    pub id: DecisionId,
    /// The advice it answers.
    pub advice: AdviceId,
    /// The proposal.
    pub proposal: ProposalId,
    /// The verdict.
    pub verdict: Verdict,
    /// Amount per year.
    pub amount_per_year: Cents,
    /// Period.
    pub period: (Date, Date),
}

/// A project sheet and its scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    /// Its id.
    pub id: SheetId,
    /// Linked proposal.
    pub proposal: Option<ProposalId>,
    /// Title.
    pub title: String,
    /// Budget per year.
    pub budget_per_year: Cents,
    /// The last score per (criterion, member).
    pub scores: BTreeMap<(CriterionId, ActorId), u8>,
}

/// Everything `decide` consults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The checkpoint origin, once initialised.
    pub origin: Option<String>,
    /// Events applied so far: the position the next event will get.
    pub length: u64,
    /// Events per stream.
    pub stream_lengths: BTreeMap<String, u64>,
    /// Roles held per actor.
    pub roles: BTreeMap<ActorId, BTreeSet<Role>>,
    /// Libraries.
    pub libraries: BTreeMap<LibraryId, Library>,
    /// Proposals.
    pub proposals: BTreeMap<ProposalId, Proposal>,
    /// Rounds.
    pub rounds: BTreeMap<RoundId, Round>,
    /// Advice.
    pub advice: BTreeMap<AdviceId, Advice>,
    /// Government decisions.
    pub decisions: BTreeMap<DecisionId, Decision>,
    /// The current criteria.
    pub criteria: Vec<Criterion>,
    /// Project sheets.
    pub sheets: BTreeMap<SheetId, Sheet>,
    /// The latest priority ranking.
    pub priorities: Option<Vec<SheetId>>,
    /// Where the next newsletter must start covering.
    pub newsletter_covered_to: Position,
    /// Newsletter issues published so far.
    pub newsletters: BTreeSet<NewsletterId>,
    /// The author key in force per actor (a note verifier key), see
    /// ARCHITECTURE.md, "Author signatures".
    #[serde(default)]
    pub author_keys: BTreeMap<ActorId, String>,
}

impl State {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `actor` holds `role`.
    pub fn has_role(&self, actor: &ActorId, role: &Role) -> bool {
        self.roles.get(actor).is_some_and(|r| r.contains(role))
    }

    /// The number of events in `stream`.
    pub fn stream_length(&self, stream: &str) -> u64 {
        self.stream_lengths.get(stream).copied().unwrap_or(0)
    }

    /// Actors holding the steering-group role.
    pub fn steering_members(&self) -> u32 {
        let count = self
            .roles
            .values()
            .filter(|roles| roles.contains(&Role::SteeringMember))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The active library, other than `except`, that already serves `code`.
    pub fn library_serving(&self, code: &NisCode, except: &LibraryId) -> Option<&Library> {
        self.libraries
            .values()
            .find(|l| !l.retired && l.id != *except && l.municipalities.contains(code))
    }

    /// Whether any sheet was scored (which locks the criteria).
    pub fn any_scores(&self) -> bool {
        self.sheets.values().any(|s| !s.scores.is_empty())
    }

    /// Applies one event. Total: never fails (see the module comment).
    pub fn evolve(&mut self, event: &Event) {
        *self.stream_lengths.entry(event.stream()).or_insert(0) += 1;
        self.length += 1;
        match event {
            Event::LedgerInitialized(e) => self.origin = Some(e.origin.clone()),
            Event::RoleGranted(e) => {
                self.roles
                    .entry(e.actor.clone())
                    .or_default()
                    .insert(e.role.clone());
            }
            Event::RoleRevoked(e) => {
                if let Some(roles) = self.roles.get_mut(&e.actor) {
                    roles.remove(&e.role);
                    if roles.is_empty() {
                        self.roles.remove(&e.actor);
                    }
                }
            }
            Event::LibraryRegistered(e) => {
                self.libraries.insert(
                    e.library.clone(),
                    Library {
                        id: e.library.clone(),
                        name: e.name.clone(),
                        municipalities: e.municipalities.clone(),
                        inhabitants: e.inhabitants,
                        retired: false,
                    },
                );
            }
            Event::LibraryUpdated(e) => {
                if let Some(lib) = self.libraries.get_mut(&e.library) {
                    lib.name = e.name.clone();
                    lib.municipalities = e.municipalities.clone();
                    lib.inhabitants = e.inhabitants;
                }
            }
            Event::LibraryRetired(e) => {
                if let Some(lib) = self.libraries.get_mut(&e.library) {
                    lib.retired = true;
                }
            }
            Event::ProposalFiled(e) => {
                self.proposals.insert(
                    e.proposal.clone(),
                    Proposal {
                        id: e.proposal.clone(),
                        title: e.title.clone(),
                        text: e.text.clone(),
                        budget_per_year: e.budget_per_year,
                        withdrawn: false,
                        rounds: Vec::new(),
                    },
                );
            }
            Event::ProposalAmended(e) => {
                if let Some(p) = self.proposals.get_mut(&e.proposal) {
                    p.title = e.title.clone();
                    p.text = e.text.clone();
                    p.budget_per_year = e.budget_per_year;
                }
            }
            Event::ProposalWithdrawn(e) => {
                if let Some(p) = self.proposals.get_mut(&e.proposal) {
                    p.withdrawn = true;
                }
            }
            Event::RoundOpened(e) => {
                if let Some(p) = self.proposals.get_mut(&e.proposal) {
                    p.rounds.push(e.round.clone());
                }
                self.rounds.insert(
                    e.round.clone(),
                    Round {
                        id: e.round.clone(),
                        proposal: e.proposal.clone(),
                        opens_at: e.opens_at,
                        closes_at: e.closes_at,
                        rule: e.rule,
                        electorate: e
                            .electorate
                            .iter()
                            .map(|el| (el.library.clone(), el.inhabitants))
                            .collect(),
                        votes: BTreeMap::new(),
                        ballots_cast: 0,
                        ballots_by_library: BTreeMap::new(),
                        status: RoundStatus::Open,
                        closed_with: None,
                        signatures: Vec::new(),
                        certified: false,
                        advice: None,
                        signed_votes: e.signed_votes,
                    },
                );
            }
            Event::VoteCast(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.votes.insert(e.library.clone(), e.choice);
                    r.ballots_cast += 1;
                    let ballots = r.ballots_by_library.entry(e.library.clone()).or_default();
                    *ballots = ballots.saturating_add(1);
                }
            }
            Event::RoundClosed(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.status = RoundStatus::Closed;
                    r.closed_with = Some((e.tally, e.outcome));
                }
            }
            Event::RoundAnnulled(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.status = RoundStatus::Annulled;
                }
            }
            Event::CertificationSigned(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.signatures
                        .push((e.member.clone(), e.tally_digest.clone()));
                }
            }
            Event::ResultCertified(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.certified = true;
                }
            }
            Event::AdviceSent(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.advice = Some(e.advice.clone());
                }
                self.advice.insert(
                    e.advice.clone(),
                    Advice {
                        id: e.advice.clone(),
                        round: e.round.clone(),
                        proposal: e.proposal.clone(),
                        recipient: e.recipient.clone(),
                        decision: None,
                    },
                );
            }
            Event::GovernmentDecisionRecorded(e) => {
                if let Some(a) = self.advice.get_mut(&e.advice) {
                    a.decision = Some(e.decision.clone());
                }
                self.decisions.insert(
                    e.decision.clone(),
                    Decision {
                        id: e.decision.clone(),
                        advice: e.advice.clone(),
                        proposal: e.proposal.clone(),
                        verdict: e.verdict,
                        amount_per_year: e.amount_per_year,
                        period: (e.period_start, e.period_end),
                    },
                );
            }
            Event::CriteriaSet(e) => self.criteria = e.criteria.clone(),
            Event::ProjectSheetFiled(e) => {
                self.sheets.insert(
                    e.sheet.clone(),
                    Sheet {
                        id: e.sheet.clone(),
                        proposal: e.proposal.clone(),
                        title: e.title.clone(),
                        budget_per_year: e.budget_per_year,
                        scores: BTreeMap::new(),
                    },
                );
            }
            Event::SheetScored(e) => {
                if let Some(s) = self.sheets.get_mut(&e.sheet) {
                    s.scores
                        .insert((e.criterion.clone(), e.member.clone()), e.score);
                }
            }
            Event::PrioritiesDecided(e) => self.priorities = Some(e.ranking.clone()),
            Event::NewsletterIssued(e) => {
                self.newsletter_covered_to = e.covers_to;
                self.newsletters.insert(e.newsletter.clone());
            }
            // The advice's text is not part of the decision state.
            Event::AdviceSuperseded(_) => {}
            Event::GovernmentDecisionAmended(e) => {
                if let Some(d) = self.decisions.get_mut(&e.decision) {
                    d.verdict = e.verdict;
                    d.amount_per_year = e.amount_per_year;
                    d.period = (e.period_start, e.period_end);
                }
            }
            Event::VotingWindowChanged(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.closes_at = e.closes_at;
                }
            }
            // Names and documents are for people; `decide` never consults them.
            Event::ActorNamed(_) | Event::DocumentLinked(_) => {}
            Event::AuthorKeyRegistered(e) => {
                self.author_keys.insert(e.actor.clone(), e.key.clone());
            }
            Event::AuthorKeyRevoked(e) => {
                if self.author_keys.get(&e.actor) == Some(&e.key) {
                    self.author_keys.remove(&e.actor);
                }
            }
            Event::CertificationWithdrawn(e) => {
                if let Some(r) = self.rounds.get_mut(&e.round) {
                    r.certified = false;
                    r.signatures.clear();
                }
            }
        }
    }
}
