//! Vote rounds as readers see them: the frozen electorate, every ballot with its
//! position, remarks (superseded ones marked), signatures, and the round result with
//! exact shares.
//!
//! While a round is open its result shows the live tally of the last votes with outcome
//! `pending`; once closed it shows the tally stated in the `round_closed` record, which
//! is what the certifiers signed. This module must never compute shares or outcomes
//! itself: it asks `ledger_core::Tally`, so the page and `decide` cannot disagree.

use std::collections::BTreeMap;
use std::sync::Arc;

use ledger_core::event::{
    CertificationSigned, CertificationWithdrawn, ResultCertified, RoundAnnulled, RoundClosed,
    RoundOpened, VoteCast, VotingWindowChanged,
};
use ledger_core::{
    ActorId, AdviceId, Choice, LibraryId, ProposalId, RoundId, Rule, SignedVotes, Tally, Timestamp,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::counts::{CountsView, LiveTallyView, WithheldCounts};
use crate::model::{At, ReadModel};
use crate::proposal::{Step, TimelineStep};
use crate::wire::{
    ChoiceView, CountView, OutcomeView, PercentBaseView, RuleView, Share, TallyView,
};

/// Where a round stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatusView {
    /// Accepting votes within its window.
    Open,
    /// Closed with a tally.
    Closed,
    /// Annulled; its votes stay in the history but count for nothing.
    Annulled,
}

impl RoundStatusView {
    /// The wire word (`open`, `closed`, `annulled`), as in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatusView::Open => "open",
            RoundStatusView::Closed => "closed",
            RoundStatusView::Annulled => "annulled",
        }
    }
}

/// One eligible library and its weight, frozen when the round opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ElectorView {
    /// The library.
    #[schema(value_type = String)]
    pub library: LibraryId,
    /// Its weight in this round.
    pub inhabitants: u64,
}

/// One vote event of a library (a ballot), current or replaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BallotView {
    /// The choice; null while the round is open without live results (it appears at
    /// the close; the vote's record in the log holds it all along).
    pub choice: Option<ChoiceView>,
    /// The record of the vote.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// Its remark, if any.
    // Shared with the round's remark list, not copied.
    #[schema(value_type = Option<String>)]
    pub remark: Option<Arc<str>>,
}

/// A library's current vote in a round: the last ballot counts. The earlier ballots are
/// read page by page from `/v1/rounds/{id}/votes/{library}/ballots`
/// ([`ReadModel::ballots`]), so a vote costs the same to read however often it changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoteView {
    /// The library.
    #[schema(value_type = String)]
    pub library: LibraryId,
    /// Its last choice, the one that counts; null while the round is open without live
    /// results (it appears at the close; the vote's record in the log holds it).
    pub choice: Option<ChoiceView>,
    /// Its frozen weight in this round.
    pub inhabitants: u64,
    /// The record of the last ballot.
    pub position: u64,
    /// When the last ballot was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// The remark of the last ballot, if any.
    #[schema(value_type = Option<String>)]
    pub remark: Option<Arc<str>>,
    /// How many ballots this library cast in this round, the last one included.
    pub ballots: u32,
    /// Whether the last ballot carries its author's signature (checked when it was
    /// appended against the key then in force; see ARCHITECTURE.md, "Author signatures").
    pub signed: bool,
}

/// A remark made with a vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RemarkView {
    /// The library.
    #[schema(value_type = String)]
    pub library: LibraryId,
    /// The remark.
    // Shared with the ballot that carried it, not copied.
    #[schema(value_type = String)]
    pub text: Arc<str>,
    /// The record of the vote that carried it.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// Whether the library voted again later (its vote, and so this remark, was replaced).
    pub superseded: bool,
}

/// A steering-group member's signature on a tally digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignatureView {
    /// The member.
    #[schema(value_type = String)]
    pub member: ActorId,
    /// The digest signed.
    pub tally_digest: String,
    /// The record of the signature.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// Whether it carries the member's own signature (false for records written before
    /// author keys existed).
    pub signed: bool,
}

/// How a round closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClosingView {
    /// The tally stated in the record.
    pub tally: TallyView,
    /// The outcome stated in the record.
    pub outcome: OutcomeView,
    /// Closed before the window ended because every eligible library had voted.
    pub closed_early: bool,
    /// The record of the close.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// How a round was annulled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AnnulmentView {
    /// Why.
    pub reason: String,
    /// The record of the annulment.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// A certified result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CertificationView {
    /// The round.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// The proposal voted on.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// The digest every signer signed.
    pub tally_digest: String,
    /// The signers, in signing order.
    #[schema(value_type = Vec<String>)]
    pub signers: Vec<ActorId>,
    /// The certified outcome.
    pub outcome: OutcomeView,
    /// The record of the certification.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// A change of a round's voting window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WindowChangeView {
    /// The window's end before the change.
    #[schema(value_type = String, format = DateTime)]
    pub previous_closes_at: Timestamp,
    /// The window's end after the change.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    /// Why.
    pub reason: String,
    /// The record of the change.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// A certification that was withdrawn, with the signatures it rested on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WithdrawnCertificationView {
    /// The certification as it stood.
    pub certification: CertificationView,
    /// The signatures it rested on, which no longer count.
    pub signatures: Vec<SignatureView>,
    /// The member who withdrew it.
    #[schema(value_type = String)]
    pub member: ActorId,
    /// Why.
    pub reason: String,
    /// The record of the withdrawal.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// A vote round with its full history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundView {
    /// Its id.
    #[schema(value_type = String)]
    pub id: RoundId,
    /// Its title for people, e.g. `Stemronde mei 2023` (null for rounds opened without).
    pub title: Option<String>,
    /// The proposal voted on.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// First instant a vote is accepted.
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: Timestamp,
    /// First instant a vote is no longer accepted.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    /// The decision rule.
    pub rule: RuleView,
    /// A try-out round, never presented as a real decision.
    pub trial: bool,
    /// Counts per choice are public while open (otherwise only turnout until the close).
    pub live_results: bool,
    /// Whether votes must be signed by the libraries' registered keys.
    #[schema(value_type = String)]
    pub signed_votes: SignedVotes,
    /// The frozen electorate, sorted by library id.
    pub electorate: Vec<ElectorView>,
    /// Open, closed or annulled.
    pub status: RoundStatusView,
    /// The record that opened it.
    pub opened_position: u64,
    /// When that record was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: Timestamp,
    /// The tally of the last votes so far (live; after the close, see `closing`); while
    /// the round is open without live results only the turnout (`eligible`, `cast`),
    /// the counts per choice are null until the close.
    pub live: LiveTallyView,
    /// Whether the counts per choice are shown (`shown`) or appear at the close
    /// (`at_close`: the round is open without live results).
    pub counts: CountsView,
    /// Cast over eligible inhabitants so far; null for an empty electorate.
    pub participation: Option<Share>,
    /// Vote events so far, changed votes included.
    pub ballots_cast: u64,
    /// How many of the votes that count (each library's last) carry their author's
    /// signature.
    pub votes_signed: u32,
    /// Each voting library's current vote and its number of ballots, by library id.
    #[schema(value_type = BTreeMap<String, VoteView>)]
    pub votes: BTreeMap<LibraryId, VoteView>,
    /// The model keeps every remark in position order, superseded ones marked; JSON
    /// shows only the standing ones (at most one per library), so the round's answer
    /// does not grow with revotes. Every remark: `/v1/rounds/{id}/remarks`.
    #[serde(serialize_with = "standing_remarks_on_the_wire")]
    pub remarks: Vec<RemarkView>,
    /// Certification signatures in signing order.
    pub signatures: Vec<SignatureView>,
    /// The close, once closed.
    pub closing: Option<ClosingView>,
    /// The annulment, if annulled.
    pub annulment: Option<AnnulmentView>,
    /// The certification, once certified.
    pub certification: Option<CertificationView>,
    /// The advice sent on it, if any.
    #[schema(value_type = Option<String>)]
    pub advice: Option<AdviceId>,
    /// Changes of the voting window, oldest first (`closes_at` is the current end).
    pub window_changes: Vec<WindowChangeView>,
    /// Certifications withdrawn, oldest first; the round must be certified again.
    pub withdrawn_certifications: Vec<WithdrawnCertificationView>,
}

/// An eligible library that has not voted (yet) in a round, for reminders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NotVotedView {
    /// The library.
    #[schema(value_type = String)]
    pub library: LibraryId,
    /// Its name, as registered now.
    pub name: String,
    /// Its frozen weight in this round.
    pub inhabitants: u64,
}

/// A round in one line, for lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundSummary {
    /// Its id.
    #[schema(value_type = String)]
    pub id: RoundId,
    /// Its title for people, if it has one.
    pub title: Option<String>,
    /// A try-out round, never presented as a real decision.
    pub trial: bool,
    /// The proposal voted on.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// Open, closed or annulled.
    pub status: RoundStatusView,
    /// Pending while open.
    pub outcome: OutcomeView,
    /// Whether the result is certified.
    pub certified: bool,
    /// Window start.
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: Timestamp,
    /// Window end (exclusive).
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    /// The frozen electorate.
    pub eligible: CountView,
    /// The libraries that voted (live while open, as stated once closed).
    pub cast: CountView,
    /// Vote events, changed votes included.
    pub ballots_cast: u64,
}

/// The result of a round as the read API shows it.
///
/// Shares are exact fractions with display strings; a share is null when its
/// denominator is zero (nobody in the base). Positions `closed_at`, `certified_at` and
/// `annulled_at` point at the records that did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundResult {
    /// The round.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// Its title for people, if it has one.
    pub title: Option<String>,
    /// A try-out round, never presented as a real decision.
    pub trial: bool,
    /// The proposal voted on.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// Open, closed or annulled.
    pub status: RoundStatusView,
    /// `pending` while open; as stated at the close; `rejected` once annulled.
    pub outcome: OutcomeView,
    /// Whether enough members signed the tally digest.
    pub certified: bool,
    /// The frozen electorate.
    pub eligible: CountView,
    /// Libraries that voted (their last vote).
    pub cast: CountView,
    /// Whether the counts per choice are shown (`shown`) or appear at the close
    /// (`at_close`: the round is open without live results, only the turnout is shown).
    /// Withholding them is how results are presented, not ballot secrecy: each vote is a
    /// public record of the log (`/v1/events`) from the moment it is cast.
    pub counts: CountsView,
    /// Yes votes; null while `counts` is `at_close`.
    pub yes: Option<CountView>,
    /// No votes; null while `counts` is `at_close`.
    pub no: Option<CountView>,
    /// Abstentions; null while `counts` is `at_close`.
    pub abstain: Option<CountView>,
    /// Yes inhabitants over the inhabitants in the base (`percent_base`): the share that
    /// decides; null while `counts` is `at_close`.
    pub yes_share_of_represented_inhabitants: Option<Share>,
    /// Which votes make 100% in the share above.
    pub percent_base: PercentBaseView,
    /// Yes libraries over the libraries in the same base; null while `counts` is
    /// `at_close`.
    pub yes_share_of_libraries: Option<Share>,
    /// Cast inhabitants over eligible inhabitants.
    pub participation: Option<Share>,
    /// The yes share must be strictly greater than this; null only for a malformed rule.
    pub threshold: Option<Share>,
    /// The participation quorum, if the rule has one.
    pub quorum: Option<Share>,
    /// Whether the quorum is met (true when there is none).
    pub quorum_met: bool,
    /// Whether the share of libraries must pass the threshold too.
    pub double_majority: bool,
    /// Signatures needed to certify.
    pub signatures_required: u32,
    /// Signatures so far.
    pub signatures: u32,
    /// Vote events, changed votes included.
    pub ballots_cast: u64,
    /// Whether the round's votes had to be signed by their authors' keys.
    #[schema(value_type = String)]
    pub signed_votes: SignedVotes,
    /// How many of the votes that count (`cast`) carry their author's signature.
    pub votes_signed: u32,
    /// The digest of the tally shown (see `ledger_core::Tally::digest`): what certifiers
    /// sign; null while `counts` is `at_close` (it would let the counts be guessed).
    pub tally_digest: Option<String>,
    /// Window start.
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: Timestamp,
    /// Window end (exclusive).
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    /// Position of the `round_closed` record.
    pub closed_at: Option<u64>,
    /// Whether it closed before the window ended because everybody voted.
    pub closed_early: Option<bool>,
    /// Position of the `result_certified` record.
    pub certified_at: Option<u64>,
    /// Position of the `round_annulled` record.
    pub annulled_at: Option<u64>,
    /// What a reader must know before trusting the result, in this order (empty when
    /// nothing applies).
    pub warnings: Vec<ResultWarning>,
}

/// A visible warning on a result: the rule or the turnout make it weak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultWarning {
    /// The round was opened without a participation quorum: any turnout decides.
    NoQuorum,
    /// The turnout (cast over eligible inhabitants) is below the rule's quorum.
    TurnoutBelowQuorum,
    /// The libraries that voted represent less than half of the eligible inhabitants.
    TurnoutBelowHalf,
}

impl ResultWarning {
    /// The warnings for `tally` under `rule`.
    fn of(tally: &Tally, rule: &Rule) -> Vec<ResultWarning> {
        let mut warnings = Vec::new();
        if rule.quorum.is_none() {
            warnings.push(ResultWarning::NoQuorum);
        } else if !tally.quorum_met(rule) {
            warnings.push(ResultWarning::TurnoutBelowQuorum);
        }
        let cast = u128::from(tally.cast.inhabitants);
        if cast * 2 < u128::from(tally.eligible.inhabitants) {
            warnings.push(ResultWarning::TurnoutBelowHalf);
        }
        warnings
    }
}

impl RoundView {
    /// The tally the result rests on: as stated at the close, else the live one (only
    /// its turnout while the round is open without live results).
    pub fn tally(&self) -> LiveTallyView {
        self.closing
            .as_ref()
            .map_or(self.live, |c| LiveTallyView::shown(c.tally))
    }

    /// The outcome now: pending while open, as stated once closed, rejected once
    /// annulled (as `ledger_core::state::Round::outcome` has it).
    pub fn outcome(&self) -> OutcomeView {
        match (self.status, &self.closing) {
            (RoundStatusView::Open, _) => OutcomeView::Pending,
            (RoundStatusView::Closed, Some(closing)) => closing.outcome,
            _ => OutcomeView::Rejected,
        }
    }

    /// The round's result with exact shares.
    pub fn result(&self) -> RoundResult {
        let view = self.tally();
        let complete = view.complete();
        // Without counts per choice only the turnout of this tally is read (participation,
        // quorum, warnings); every figure per choice below is null then.
        let tally = Tally::from(complete.unwrap_or_else(|| view.turnout_only()));
        let shown = complete.is_some();
        let rule = Rule::from(self.rule);
        RoundResult {
            round: self.id.clone(),
            title: self.title.clone(),
            trial: self.trial,
            proposal: self.proposal.clone(),
            status: self.status,
            outcome: self.outcome(),
            certified: self.certification.is_some(),
            eligible: view.eligible,
            cast: view.cast,
            counts: view.counts(),
            yes: view.yes,
            no: view.no,
            abstain: view.abstain,
            yes_share_of_represented_inhabitants: Share::of_ratio(
                tally.yes_share_of_inhabitants(&rule),
            )
            .filter(|_| shown),
            percent_base: Tally::percent_base(&rule).into(),
            yes_share_of_libraries: Share::of_ratio(tally.yes_share_of_libraries(&rule))
                .filter(|_| shown),
            participation: Share::of_ratio(tally.participation()),
            threshold: Share::new(rule.threshold.numerator, rule.threshold.denominator),
            quorum: rule
                .quorum
                .and_then(|q| Share::new(q.numerator, q.denominator)),
            quorum_met: tally.quorum_met(&rule),
            double_majority: rule.double_majority,
            signatures_required: rule.signatures_required,
            signatures: u32::try_from(self.signatures.len()).unwrap_or(u32::MAX),
            ballots_cast: self.ballots_cast,
            signed_votes: self.signed_votes,
            votes_signed: self.votes_signed,
            tally_digest: shown.then(|| tally.digest(&self.id)),
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            closed_at: self.closing.as_ref().map(|c| c.position),
            closed_early: self.closing.as_ref().map(|c| c.closed_early),
            certified_at: self.certification.as_ref().map(|c| c.position),
            annulled_at: self.annulment.as_ref().map(|a| a.position),
            warnings: ResultWarning::of(&tally, &rule),
        }
    }

    /// The round in one line.
    pub fn summary(&self) -> RoundSummary {
        let tally = self.tally();
        RoundSummary {
            id: self.id.clone(),
            title: self.title.clone(),
            trial: self.trial,
            proposal: self.proposal.clone(),
            status: self.status,
            outcome: self.outcome(),
            certified: self.certification.is_some(),
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            eligible: tally.eligible,
            cast: tally.cast,
            ballots_cast: self.ballots_cast,
        }
    }

    /// The tally of a round without votes yet, against its frozen electorate.
    fn empty_tally(&self) -> Tally {
        let electorate: BTreeMap<LibraryId, u64> = self
            .electorate
            .iter()
            .map(|e| (e.library.clone(), e.inhabitants))
            .collect();
        Tally::count(&electorate, &BTreeMap::new())
    }

    /// The live tally as it may be shown: whole, or only its turnout.
    fn show(&mut self, tally: Tally) {
        self.live = match self.counts {
            CountsView::Shown => LiveTallyView::shown(tally.into()),
            CountsView::AtClose => LiveTallyView::turnout(tally.into()),
        };
        self.participation = Share::of_ratio(tally.participation());
    }
}

impl ReadModel {
    pub(crate) fn on_round_opened(&mut self, at: At, e: &RoundOpened) {
        let mut view = RoundView {
            id: e.round.clone(),
            title: e.title.clone(),
            proposal: e.proposal.clone(),
            opens_at: e.opens_at,
            closes_at: e.closes_at,
            rule: e.rule.into(),
            trial: e.trial,
            live_results: e.live_results,
            signed_votes: e.signed_votes,
            electorate: e
                .electorate
                .iter()
                .map(|el| ElectorView {
                    library: el.library.clone(),
                    inhabitants: el.inhabitants,
                })
                .collect(),
            status: RoundStatusView::Open,
            opened_position: at.position,
            opened_at: at.recorded_at,
            live: LiveTallyView::default(),
            counts: if e.live_results {
                CountsView::Shown
            } else {
                CountsView::AtClose
            },
            participation: None,
            ballots_cast: 0,
            votes_signed: 0,
            votes: BTreeMap::new(),
            remarks: Vec::new(),
            signatures: Vec::new(),
            closing: None,
            annulment: None,
            certification: None,
            advice: None,
            window_changes: Vec::new(),
            withdrawn_certifications: Vec::new(),
        };
        let tally = view.empty_tally();
        view.show(tally);
        if view.counts == CountsView::AtClose {
            self.withheld.insert(
                e.round.clone(),
                WithheldCounts {
                    tally: tally.into(),
                    ..WithheldCounts::default()
                },
            );
        }
        self.rounds.insert(e.round.clone(), view);
        if let Some(proposal) = self.proposals.get_mut(&e.proposal) {
            proposal.rounds.push(e.round.clone());
        }
        let mut step = TimelineStep::new(Step::InVote, at);
        step.round = Some(e.round.clone());
        self.push_step(&e.proposal, step);
    }

    pub(crate) fn on_vote_cast(&mut self, at: At, e: &VoteCast) {
        let Some(round) = self.rounds.get_mut(&e.round) else {
            return;
        };
        let history = self
            .ballots
            .entry(e.round.clone())
            .or_default()
            .entry(e.library.clone())
            .or_default();
        // This runs once per vote of a replay (a million times), so it is constant time
        // per vote: no walk over the round's remarks, no recount of the electorate.
        let choice: ChoiceView = e.choice.into();
        // One copy of the remark, shared by the ballot and the remark list: a million
        // votes with remarks would otherwise hold every text twice.
        let remark: Option<Arc<str>> = e.remark.as_deref().map(Arc::from);
        let signed = e.signature.is_some();
        // A round without live results keeps its choices back until it closes
        // (`counts.rs`): its views get `None`, the choice goes to `withheld`.
        let mut withheld = self.withheld.get_mut(&e.round);
        let shown = withheld.is_none().then_some(choice);
        let previous_choice = match withheld.as_deref_mut() {
            Some(kept) => {
                kept.ballots
                    .entry(e.library.clone())
                    .or_default()
                    .push(choice);
                kept.choices.insert(e.library.clone(), choice)
            }
            None => round.votes.get(&e.library).and_then(|vote| vote.choice),
        };
        let previous = match round.votes.get_mut(&e.library) {
            Some(vote) => {
                let previous = vote.position;
                round.votes_signed = round
                    .votes_signed
                    .saturating_sub(u32::from(vote.signed))
                    .saturating_add(u32::from(signed));
                vote.signed = signed;
                vote.choice = shown;
                vote.inhabitants = e.inhabitants;
                vote.position = at.position;
                vote.recorded_at = at.recorded_at;
                vote.remark = remark.clone();
                vote.ballots = vote.ballots.saturating_add(1);
                Some(previous)
            }
            None => {
                round.votes.insert(
                    e.library.clone(),
                    VoteView {
                        library: e.library.clone(),
                        choice: shown,
                        inhabitants: e.inhabitants,
                        position: at.position,
                        recorded_at: at.recorded_at,
                        remark: remark.clone(),
                        ballots: 1,
                        signed,
                    },
                );
                round.votes_signed = round.votes_signed.saturating_add(u32::from(signed));
                None
            }
        };
        history.push(ballot(shown, at, remark.clone()));
        // Every earlier remark of this library was superseded by the ballots after it;
        // only the one carried by its last ballot can still stand. Remarks are in
        // position order, so it is found by that ballot's position.
        if let Some(position) = previous {
            if let Some(i) = remark_at(&round.remarks, position) {
                round.remarks[i].superseded = true;
            }
        }
        if let Some(text) = remark {
            round.remarks.push(RemarkView {
                library: e.library.clone(),
                text,
                position: at.position,
                recorded_at: at.recorded_at,
                superseded: false,
            });
        }
        round.ballots_cast = round.ballots_cast.saturating_add(1);
        // The live tally moves by this library's frozen weight from its previous choice
        // to the new one (what `Tally::count` over the last votes gives). A library
        // outside the electorate counts for nothing, as in the count.
        if let Some(weight) = frozen_weight(&round.electorate, &e.library) {
            // A shown tally is always complete; a kept-back one is in `withheld`.
            let before = match withheld.as_deref() {
                Some(kept) => kept.tally,
                None => round.live.complete().unwrap_or_default(),
            };
            let mut tally = Tally::from(before);
            tally.replace_vote(weight, previous_choice.map(Choice::from), e.choice);
            match withheld {
                Some(kept) => {
                    kept.tally = tally.into();
                    round.live = LiveTallyView::turnout(kept.tally);
                }
                None => round.live = LiveTallyView::shown(tally.into()),
            }
            // Participation depends on the cast count alone, which a changed vote keeps.
            if previous.is_none() {
                round.participation = Share::of_ratio(tally.participation());
            }
        }
    }

    pub(crate) fn on_round_closed(&mut self, at: At, e: &RoundClosed) {
        // The round is over: the counts per choice it kept back are shown from now on.
        self.reveal_counts(&e.round);
        let Some(round) = self.rounds.get_mut(&e.round) else {
            return;
        };
        round.status = RoundStatusView::Closed;
        round.closing = Some(ClosingView {
            tally: e.tally.into(),
            outcome: e.outcome.into(),
            closed_early: e.closed_early,
            position: at.position,
            recorded_at: at.recorded_at,
        });
        let proposal = round.proposal.clone();
        let mut step = TimelineStep::new(Step::Voted, at);
        step.round = Some(e.round.clone());
        step.outcome = Some(e.outcome.into());
        self.push_step(&proposal, step);
    }

    pub(crate) fn on_round_annulled(&mut self, at: At, e: &RoundAnnulled) {
        self.reveal_counts(&e.round);
        let Some(round) = self.rounds.get_mut(&e.round) else {
            return;
        };
        round.status = RoundStatusView::Annulled;
        round.annulment = Some(AnnulmentView {
            reason: e.reason.clone(),
            position: at.position,
            recorded_at: at.recorded_at,
        });
        let proposal = round.proposal.clone();
        let mut step = TimelineStep::new(Step::Annulled, at);
        step.round = Some(e.round.clone());
        step.reason = Some(e.reason.clone());
        self.push_step(&proposal, step);
    }

    pub(crate) fn on_certification_signed(&mut self, at: At, e: &CertificationSigned) {
        if let Some(round) = self.rounds.get_mut(&e.round) {
            round.signatures.push(SignatureView {
                member: e.member.clone(),
                tally_digest: e.tally_digest.clone(),
                position: at.position,
                recorded_at: at.recorded_at,
                signed: e.signature.is_some(),
            });
        }
    }

    pub(crate) fn on_result_certified(&mut self, at: At, e: &ResultCertified) {
        let Some(round) = self.rounds.get_mut(&e.round) else {
            return;
        };
        let certification = CertificationView {
            round: e.round.clone(),
            proposal: round.proposal.clone(),
            tally_digest: e.tally_digest.clone(),
            signers: e.signers.clone(),
            outcome: e.outcome.into(),
            position: at.position,
            recorded_at: at.recorded_at,
        };
        round.certification = Some(certification.clone());
        let proposal = round.proposal.clone();
        self.certifications.insert(e.round.clone(), certification);
        let mut step = TimelineStep::new(Step::Certified, at);
        step.round = Some(e.round.clone());
        step.outcome = Some(e.outcome.into());
        self.push_step(&proposal, step);
    }
}

impl ReadModel {
    /// The eligible libraries of `round` that have no vote in it, by library id; `None`
    /// when the round is unknown. Bounded by the frozen electorate, not by the log.
    pub fn not_voted(&self, round: &RoundId) -> Option<BTreeMap<LibraryId, NotVotedView>> {
        let view = self.rounds.get(round)?;
        Some(
            view.electorate
                .iter()
                .filter(|e| !view.votes.contains_key(&e.library))
                .map(|e| {
                    let name = self
                        .libraries
                        .get(&e.library)
                        .map(|l| l.name.clone())
                        .unwrap_or_default();
                    (
                        e.library.clone(),
                        NotVotedView {
                            library: e.library.clone(),
                            name,
                            inhabitants: e.inhabitants,
                        },
                    )
                })
                .collect(),
        )
    }

    pub(crate) fn on_window_changed(&mut self, at: At, e: &VotingWindowChanged) {
        let Some(round) = self.rounds.get_mut(&e.round) else {
            return;
        };
        round.closes_at = e.closes_at;
        round.window_changes.push(WindowChangeView {
            previous_closes_at: e.previous_closes_at,
            closes_at: e.closes_at,
            reason: e.reason.clone(),
            position: at.position,
            recorded_at: at.recorded_at,
        });
        let proposal = round.proposal.clone();
        let mut step = TimelineStep::new(Step::WindowChanged, at);
        step.round = Some(e.round.clone());
        step.reason = Some(e.reason.clone());
        self.push_step(&proposal, step);
    }

    pub(crate) fn on_certification_withdrawn(&mut self, at: At, e: &CertificationWithdrawn) {
        let Some(round) = self.rounds.get_mut(&e.round) else {
            return;
        };
        self.certifications.remove(&e.round);
        if let Some(certification) = round.certification.take() {
            round
                .withdrawn_certifications
                .push(WithdrawnCertificationView {
                    certification,
                    signatures: std::mem::take(&mut round.signatures),
                    member: e.member.clone(),
                    reason: e.reason.clone(),
                    position: at.position,
                    recorded_at: at.recorded_at,
                });
        }
        let proposal = round.proposal.clone();
        let mut step = TimelineStep::new(Step::CertificationWithdrawn, at);
        step.round = Some(e.round.clone());
        step.reason = Some(e.reason.clone());
        self.push_step(&proposal, step);
    }
}

/// Serialises `remarks` whole for binary formats (the snapshot keeps the model) and only
/// the standing ones for human-readable formats (the JSON of the read API).
fn standing_remarks_on_the_wire<S: serde::Serializer>(
    remarks: &[RemarkView],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    if !serializer.is_human_readable() {
        return remarks.serialize(serializer);
    }
    let standing = remarks.iter().filter(|r| !r.superseded);
    let mut seq = serializer.serialize_seq(Some(standing.clone().count()))?;
    for remark in standing {
        seq.serialize_element(remark)?;
    }
    seq.end()
}

/// The ballot a vote event adds to its library's history.
fn ballot(choice: Option<ChoiceView>, at: At, remark: Option<Arc<str>>) -> BallotView {
    BallotView {
        choice,
        position: at.position,
        recorded_at: at.recorded_at,
        remark,
    }
}

/// The index of the remark made at `position` in `remarks` (sorted by position).
///
/// The remark looked for is the one a library's newest ballot replaces, so it is near the
/// end (one round of the electorate back): the search gallops from the end and then
/// halves, touching only the recent tail. A plain binary search over a million remarks
/// lands on a cold cache line at nearly every step, and took half the fold's time.
fn remark_at(remarks: &[RemarkView], position: u64) -> Option<usize> {
    let len = remarks.len();
    // Grow the window back from the end until its first remark is at or before `position`.
    let mut span = 1usize;
    while span < len && remarks[len - span].position > position {
        span = span.saturating_mul(2);
    }
    let start = len.saturating_sub(span);
    let window = &remarks[start..];
    window
        .binary_search_by_key(&position, |r| r.position)
        .ok()
        .map(|i| start + i)
}

/// A library's weight in a round's frozen electorate. `decide` freezes the electorate in
/// library-id order, so a binary search finds it; should a record hold it in another
/// order, the linear search (the last entry wins, as when the tally collects it into a
/// map) still gives the count's answer.
fn frozen_weight(electorate: &[ElectorView], library: &LibraryId) -> Option<u64> {
    match electorate.binary_search_by(|el| el.library.cmp(library)) {
        Ok(i) => electorate.get(i).map(|el| el.inhabitants),
        Err(_) => electorate
            .iter()
            .rfind(|el| el.library == *library)
            .map(|el| el.inhabitants),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn remarks(positions: &[u64]) -> Vec<RemarkView> {
        positions
            .iter()
            .map(|&position| RemarkView {
                library: LibraryId::new("lib"),
                text: Arc::from(""),
                position,
                recorded_at: Timestamp::from_micros(0),
                superseded: false,
            })
            .collect()
    }

    fn tally(cast: u64, eligible: u64) -> Tally {
        let count = |inhabitants| ledger_core::Count {
            libraries: 1,
            inhabitants,
        };
        Tally {
            eligible: count(eligible),
            cast: count(cast),
            yes: count(cast),
            no: ledger_core::Count::default(),
            abstain: ledger_core::Count::default(),
        }
    }

    #[test]
    fn a_result_without_quorum_or_with_low_turnout_carries_its_warnings() {
        use ResultWarning::*;
        let no_quorum = Rule::default();
        let quorum = Rule {
            quorum: Some(ledger_core::Ratio {
                numerator: 3,
                denominator: 4,
            }),
            ..Rule::default()
        };
        assert_eq!(
            ResultWarning::of(&tally(50, 100), &no_quorum),
            vec![NoQuorum]
        );
        assert_eq!(
            ResultWarning::of(&tally(49, 100), &no_quorum),
            vec![NoQuorum, TurnoutBelowHalf]
        );
        assert_eq!(ResultWarning::of(&tally(75, 100), &quorum), vec![]);
        assert_eq!(
            ResultWarning::of(&tally(60, 100), &quorum),
            vec![TurnoutBelowQuorum]
        );
        assert_eq!(
            ResultWarning::of(&tally(10, 100), &quorum),
            vec![TurnoutBelowQuorum, TurnoutBelowHalf]
        );
    }

    proptest! {
        /// The galloping search finds exactly what a binary search over all remarks finds.
        #[test]
        fn remark_at_finds_what_a_binary_search_finds(
            mut positions in proptest::collection::vec(0u64..5_000, 0..600),
            probe in 0u64..5_100,
        ) {
            positions.sort_unstable();
            positions.dedup();
            let remarks = remarks(&positions);
            let expected = remarks.binary_search_by_key(&probe, |r| r.position).ok();
            prop_assert_eq!(remark_at(&remarks, probe), expected);
            for (i, &p) in positions.iter().enumerate() {
                prop_assert_eq!(remark_at(&remarks, p), Some(i));
            }
        }
    }
}
