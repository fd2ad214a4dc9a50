//! The read model: one fold over the log that keeps every view, with time travel and
//! the accessors the read API serves.
//!
//! `apply` is total and idempotent per position: a record it already applied is
//! skipped, and a record that does not continue the model (a gap, or a predecessor hash
//! that is not the model's head) is refused without changing anything, so a model can
//! never silently mix two histories. This module must never look at anything but the
//! record and its event: no clock, no storage, no configuration.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use ledger_core::{
    ActorId, AdviceId, DecisionId, Event, LibraryId, ProposalId, RecordHash, RoundId, Sealed,
    SheetId, Timestamp,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::project::{CriteriaView, NewsletterView, PrioritiesView, SheetView};
use crate::proposal::{AdviceView, DecisionView, ProposalView};
use crate::registry::{ActorView, LibraryView};
use crate::round::{BallotView, CertificationView, RoundResult, RoundStatusView, RoundView};

/// Where a record sits: its position and the time it was recorded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct At {
    pub(crate) position: u64,
    pub(crate) recorded_at: Timestamp,
}

/// The end of the log as far as the model has read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HeadView {
    /// Records applied: the position of the next record.
    pub length: u64,
    /// Hash of the last record applied (64 hex), all zeros before the first one.
    pub hash: String,
}

impl Default for HeadView {
    fn default() -> Self {
        Self {
            length: 0,
            hash: RecordHash::GENESIS.to_hex(),
        }
    }
}

/// What `apply` did with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The record was applied; the model moved one position on.
    Applied,
    /// The model already holds this position; nothing changed.
    AlreadyApplied,
    /// The record is not the next one (`expected` is); nothing changed.
    OutOfOrder {
        /// The position the model needs next.
        expected: u64,
    },
    /// The record's predecessor hash is not the model's head hash: it belongs to another
    /// history (for instance a snapshot of another ledger). Nothing changed; rebuild.
    NotLinked,
}

/// Counts for the front page of the read API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Overview {
    /// The ledger's checkpoint origin, once initialised.
    pub origin: Option<String>,
    /// How far the model has read.
    pub head: HeadView,
    /// Records per event type.
    pub event_counts: BTreeMap<String, u64>,
    /// Libraries ever registered.
    pub libraries: u64,
    /// Libraries not retired.
    pub active_libraries: u64,
    /// Inhabitants represented by the libraries not retired.
    pub active_inhabitants: u64,
    /// Proposals filed.
    pub proposals: u64,
    /// Rounds opened.
    pub rounds: u64,
    /// Rounds open now.
    pub open_rounds: u64,
    /// Newsletters issued.
    pub newsletters: u64,
}

/// Every view of the ledger, kept by folding records in position order.
///
/// Build it with [`ReadModel::new`] and [`ReadModel::apply`] (or [`ReadModel::as_of`]),
/// or restore it with [`ReadModel::from_snapshot`] and continue with
/// [`ReadModel::catch_up`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadModel {
    pub(crate) head: HeadView,
    pub(crate) origin: Option<String>,
    pub(crate) event_counts: BTreeMap<String, u64>,
    pub(crate) actors: BTreeMap<ActorId, ActorView>,
    /// Display names given to actors, kept after their roles end.
    pub(crate) actor_names: BTreeMap<ActorId, String>,
    pub(crate) libraries: BTreeMap<LibraryId, LibraryView>,
    pub(crate) proposals: BTreeMap<ProposalId, ProposalView>,
    pub(crate) rounds: BTreeMap<RoundId, RoundView>,
    /// Every ballot of each library in each round, oldest first (the last one counts).
    pub(crate) ballots: BTreeMap<RoundId, BTreeMap<LibraryId, Vec<BallotView>>>,
    /// What each open round without live results keeps back until it closes
    /// (`counts.rs`); no view shows it.
    pub(crate) withheld: BTreeMap<RoundId, crate::counts::WithheldCounts>,
    pub(crate) certifications: BTreeMap<RoundId, CertificationView>,
    pub(crate) advice: BTreeMap<AdviceId, AdviceView>,
    pub(crate) decisions: BTreeMap<DecisionId, DecisionView>,
    pub(crate) criteria: CriteriaView,
    pub(crate) sheets: BTreeMap<SheetId, SheetView>,
    pub(crate) priorities: Option<PrioritiesView>,
    pub(crate) newsletters: Vec<NewsletterView>,
    /// Author key registrations in log order.
    pub(crate) author_keys: Vec<crate::keys::AuthorKeyView>,
}

impl ReadModel {
    /// The model of an empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies the record at the model's position; see [`Applied`] for the other cases.
    ///
    /// Total: never fails and never panics. Call it in position order; the store has
    /// already checked each record's hash link, and the model checks only that the
    /// record continues its own head.
    pub fn apply(&mut self, sealed: &Sealed, event: &Event) -> Applied {
        let position = sealed.record.position.0;
        if position < self.head.length {
            return Applied::AlreadyApplied;
        }
        if position > self.head.length {
            return Applied::OutOfOrder {
                expected: self.head.length,
            };
        }
        // Compared and stored as hex without allocating: this runs for every record of a
        // rebuild.
        if hex_digits(&sealed.record.prev_hash).as_slice() != self.head.hash.as_bytes() {
            return Applied::NotLinked;
        }
        let at = At {
            position,
            recorded_at: sealed.record.recorded_at,
        };
        match event {
            Event::LedgerInitialized(e) => self.origin = Some(e.origin.clone()),
            Event::RoleGranted(e) => self.on_role_granted(at, e),
            Event::RoleRevoked(e) => self.on_role_revoked(at, e),
            Event::LibraryRegistered(e) => self.on_library_registered(at, e),
            Event::LibraryUpdated(e) => self.on_library_updated(at, e),
            Event::LibraryRetired(e) => self.on_library_retired(at, e),
            Event::ProposalFiled(e) => self.on_proposal_filed(at, e),
            Event::ProposalAmended(e) => self.on_proposal_amended(at, e),
            Event::ProposalWithdrawn(e) => self.on_proposal_withdrawn(at, e),
            Event::RoundOpened(e) => self.on_round_opened(at, e),
            Event::VoteCast(e) => self.on_vote_cast(at, e),
            Event::RoundClosed(e) => self.on_round_closed(at, e),
            Event::RoundAnnulled(e) => self.on_round_annulled(at, e),
            Event::CertificationSigned(e) => self.on_certification_signed(at, e),
            Event::ResultCertified(e) => self.on_result_certified(at, e),
            Event::AdviceSent(e) => self.on_advice_sent(at, e),
            Event::GovernmentDecisionRecorded(e) => self.on_decision_recorded(at, e),
            Event::CriteriaSet(e) => self.on_criteria_set(at, e),
            Event::ProjectSheetFiled(e) => self.on_sheet_filed(at, e),
            Event::SheetScored(e) => self.on_sheet_scored(at, e),
            Event::PrioritiesDecided(e) => self.on_priorities_decided(at, e),
            Event::NewsletterIssued(e) => self.on_newsletter_issued(at, e),
            Event::AdviceSuperseded(e) => self.on_advice_superseded(at, e),
            Event::GovernmentDecisionAmended(e) => self.on_decision_amended(at, e),
            Event::VotingWindowChanged(e) => self.on_window_changed(at, e),
            Event::CertificationWithdrawn(e) => self.on_certification_withdrawn(at, e),
            Event::ActorNamed(e) => self.on_actor_named(e),
            Event::DocumentLinked(e) => self.on_document_linked(at, e),
            Event::AuthorKeyRegistered(e) => {
                self.on_author_key_registered(at, &sealed.record.actor, e)
            }
            Event::AuthorKeyRevoked(e) => self.on_author_key_revoked(at, e),
        }
        let event_type = event.event_type();
        match self.event_counts.get_mut(event_type) {
            Some(count) => *count = count.saturating_add(1),
            None => {
                self.event_counts.insert(event_type.to_owned(), 1);
            }
        }
        self.head.length = position.saturating_add(1);
        self.head.hash.clear();
        self.head
            .hash
            .extend(hex_digits(&sealed.hash).iter().map(|&b| char::from(b)));
        Applied::Applied
    }

    /// Applies `records` (in position order) up to, not including, position `until`;
    /// returns how many were applied. Records the model already holds are skipped; it
    /// stops at the first record at or past `until`, or at one it cannot apply.
    pub fn catch_up<I>(&mut self, records: I, until: u64) -> u64
    where
        I: IntoIterator,
        I::Item: Borrow<(Sealed, Event)>,
    {
        let mut applied = 0u64;
        for item in records {
            let (sealed, event) = item.borrow();
            if sealed.record.position.0 >= until {
                break;
            }
            match self.apply(sealed, event) {
                Applied::Applied => applied += 1,
                Applied::AlreadyApplied => {}
                Applied::OutOfOrder { .. } | Applied::NotLinked => break,
            }
        }
        applied
    }

    /// Like [`ReadModel::catch_up`] over fallible records (a store's iterator): the
    /// first error stops the fold and is returned.
    pub fn try_catch_up<I, T, E>(&mut self, records: I, until: u64) -> Result<u64, E>
    where
        I: IntoIterator<Item = Result<T, E>>,
        T: Borrow<(Sealed, Event)>,
    {
        let mut applied = 0u64;
        for item in records {
            let item = item?;
            let (sealed, event) = item.borrow();
            if sealed.record.position.0 >= until {
                break;
            }
            match self.apply(sealed, event) {
                Applied::Applied => applied += 1,
                Applied::AlreadyApplied => {}
                Applied::OutOfOrder { .. } | Applied::NotLinked => break,
            }
        }
        Ok(applied)
    }

    /// Time travel: the model as of `position`, folding the records with a position
    /// below it (the first `position` records of a complete log).
    pub fn as_of<I>(records: I, position: u64) -> ReadModel
    where
        I: IntoIterator,
        I::Item: Borrow<(Sealed, Event)>,
    {
        let mut model = ReadModel::new();
        model.catch_up(records, position);
        model
    }

    /// Records applied: the position of the next record.
    pub fn position(&self) -> u64 {
        self.head.length
    }

    /// The head the model has reached: length and last record hash.
    pub fn head(&self) -> &HeadView {
        &self.head
    }

    /// The checkpoint origin, once the ledger is initialised.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// Records applied per event type (e.g. `vote_cast`).
    pub fn event_counts(&self) -> &BTreeMap<String, u64> {
        &self.event_counts
    }

    /// Actors and the roles they hold now.
    pub fn actors(&self) -> &BTreeMap<ActorId, ActorView> {
        &self.actors
    }

    /// Libraries, by id.
    pub fn libraries(&self) -> &BTreeMap<LibraryId, LibraryView> {
        &self.libraries
    }

    /// Proposals, by id.
    pub fn proposals(&self) -> &BTreeMap<ProposalId, ProposalView> {
        &self.proposals
    }

    /// Rounds, by id.
    pub fn rounds(&self) -> &BTreeMap<RoundId, RoundView> {
        &self.rounds
    }

    /// Every ballot `library` cast in `round`, oldest first (the last one counts); `None`
    /// when the round is unknown, empty when the library has not voted in it.
    pub fn ballots(&self, round: &RoundId, library: &LibraryId) -> Option<&[BallotView]> {
        self.rounds.get(round)?;
        Some(
            self.ballots
                .get(round)
                .and_then(|by_library| by_library.get(library))
                .map_or(&[][..], Vec::as_slice),
        )
    }

    /// One round's result, if the round exists.
    pub fn round_result(&self, round: &RoundId) -> Option<RoundResult> {
        self.rounds.get(round).map(RoundView::result)
    }

    /// Certified results, by round.
    pub fn certifications(&self) -> &BTreeMap<RoundId, CertificationView> {
        &self.certifications
    }

    /// Advice sent, by id.
    pub fn advice(&self) -> &BTreeMap<AdviceId, AdviceView> {
        &self.advice
    }

    /// Government decisions, by id.
    pub fn decisions(&self) -> &BTreeMap<DecisionId, DecisionView> {
        &self.decisions
    }

    /// The current scoring criteria.
    pub fn criteria(&self) -> &CriteriaView {
        &self.criteria
    }

    /// Project sheets, by id.
    pub fn sheets(&self) -> &BTreeMap<SheetId, SheetView> {
        &self.sheets
    }

    /// The latest priorities, once decided.
    pub fn priorities(&self) -> Option<&PrioritiesView> {
        self.priorities.as_ref()
    }

    /// Newsletters issued, oldest first.
    pub fn newsletters(&self) -> &[NewsletterView] {
        &self.newsletters
    }

    /// Counts for the front page.
    pub fn overview(&self) -> Overview {
        let active = self.libraries.values().filter(|l| !l.retired);
        let (active_libraries, active_inhabitants) = active.fold((0u64, 0u64), |(n, i), l| {
            (n.saturating_add(1), i.saturating_add(l.inhabitants))
        });
        let len = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Overview {
            origin: self.origin.clone(),
            head: self.head.clone(),
            event_counts: self.event_counts.clone(),
            libraries: len(self.libraries.len()),
            active_libraries,
            active_inhabitants,
            proposals: len(self.proposals.len()),
            rounds: len(self.rounds.len()),
            open_rounds: len(self
                .rounds
                .values()
                .filter(|r| r.status == RoundStatusView::Open)
                .count()),
            newsletters: len(self.newsletters.len()),
        }
    }
}

/// The 64 lowercase hex digits of a hash (as [`RecordHash::to_hex`] writes them), on the
/// stack.
fn hex_digits(hash: &RecordHash) -> [u8; 64] {
    let mut digits = [0u8; 64];
    // 32 bytes always fill the 64 digits exactly; encoding fails only on a length mismatch.
    let _ = hex::encode_to_slice(hash.0, &mut digits);
    digits
}
