//! A proposal's path from filing to the government's decision: the proposal view with
//! its status timeline, the advice sent on it and the decisions recorded.
//!
//! The timeline is the user-visible history ("filed at 12, in vote at 40, voted at 212,
//! ..."): every step names the record position that made it, so a reader can fetch the
//! record and its inclusion proof. This module must never drop or reorder a step: steps
//! are appended in position order only.

use ledger_core::event::{
    AdviceSent, AdviceSuperseded, DocumentLinked, DocumentSubject, GovernmentDecisionAmended,
    GovernmentDecisionRecorded, ProposalAmended, ProposalFiled, ProposalWithdrawn,
};
use ledger_core::{AdviceId, Date, DecisionId, ProposalId, RoundId, SheetId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{At, ReadModel};
use crate::wire::{OutcomeView, VerdictView};

/// One kind of step in a proposal's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The steering group filed it.
    Filed,
    /// It was amended before a vote.
    Amended,
    /// It was withdrawn.
    Withdrawn,
    /// A vote round opened on it.
    InVote,
    /// A round on it closed (see `outcome`).
    Voted,
    /// A round on it was annulled.
    Annulled,
    /// A round's result was certified.
    Certified,
    /// Advice was sent to the government.
    AdviceSent,
    /// The government's decision was recorded.
    GovernmentDecided,
    /// A round's voting window was extended or shortened (see `reason`).
    WindowChanged,
    /// A round's certification was withdrawn; it must be certified again.
    CertificationWithdrawn,
    /// Sent advice was corrected; the earlier text is kept as superseded.
    AdviceSuperseded,
    /// A recorded government decision was corrected; the earlier one is kept as
    /// superseded.
    DecisionAmended,
}

/// One step of a proposal's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TimelineStep {
    /// What happened.
    pub step: Step,
    /// The record that made it happen.
    pub position: u64,
    /// When that record was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// The round concerned (in_vote, voted, annulled, certified, advice_sent).
    #[schema(value_type = Option<String>)]
    pub round: Option<RoundId>,
    /// The round's outcome (voted, certified).
    pub outcome: Option<OutcomeView>,
    /// The advice concerned (advice_sent, government_decided).
    #[schema(value_type = Option<String>)]
    pub advice: Option<AdviceId>,
    /// The decision concerned (government_decided).
    #[schema(value_type = Option<String>)]
    pub decision: Option<DecisionId>,
    /// The government's verdict (government_decided, decision_amended).
    pub verdict: Option<VerdictView>,
    /// Why (withdrawn, annulled and every correction: window_changed,
    /// certification_withdrawn, advice_superseded, decision_amended).
    pub reason: Option<String>,
}

impl TimelineStep {
    pub(crate) fn new(step: Step, at: At) -> Self {
        Self {
            step,
            position: at.position,
            recorded_at: at.recorded_at,
            round: None,
            outcome: None,
            advice: None,
            decision: None,
            verdict: None,
            reason: None,
        }
    }
}

/// A proposal of the steering group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProposalView {
    /// Its id.
    #[schema(value_type = String)]
    pub id: ProposalId,
    /// Title (after amendments).
    pub title: String,
    /// Full text (after amendments).
    pub text: String,
    /// Yearly budget in euro cents (after amendments).
    pub budget_cents_per_year: u64,
    /// A try-out proposal, never presented as a real decision.
    pub trial: bool,
    /// Whether it was withdrawn.
    pub withdrawn: bool,
    /// Why it was withdrawn, if it was.
    pub withdrawal_reason: Option<String>,
    /// The latest step of the timeline.
    pub status: Step,
    /// Every step, in position order.
    pub timeline: Vec<TimelineStep>,
    /// Rounds opened on it, oldest first.
    #[schema(value_type = Vec<String>)]
    pub rounds: Vec<RoundId>,
    /// Advice sent on it.
    #[schema(value_type = Vec<String>)]
    pub advice: Vec<AdviceId>,
    /// Government decisions on it.
    #[schema(value_type = Vec<String>)]
    pub decisions: Vec<DecisionId>,
    /// Project sheets that implement it.
    #[schema(value_type = Vec<String>)]
    pub sheets: Vec<SheetId>,
    /// Documents linked to it, oldest first.
    pub documents: Vec<DocumentView>,
}

/// A document linked to a proposal or a project sheet: where to fetch it and the
/// BLAKE3 hash a reader checks the copy against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentView {
    /// The document's title.
    pub title: String,
    /// Where to fetch it.
    pub url: String,
    /// BLAKE3 of the document, 64 lowercase hex characters.
    pub document_blake3: String,
    /// The record that linked it.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// Advice sent to the government on a certified, adopted round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AdviceView {
    /// Its id.
    #[schema(value_type = String)]
    pub id: AdviceId,
    /// The round it rests on.
    #[schema(value_type = String)]
    pub round: RoundId,
    /// The proposal.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// To whom, e.g. `Vlaamse overheid`.
    pub recipient: String,
    /// The advice's text.
    pub text: String,
    /// The record of the sending.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// The government decision answering it, once recorded.
    #[schema(value_type = Option<String>)]
    pub decision: Option<DecisionId>,
    /// Earlier texts replaced by corrections, oldest first (`text` is the current one).
    pub superseded: Vec<SupersededAdvice>,
}

/// An earlier text of an advice and the correction that replaced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupersededAdvice {
    /// The text as it stood before the correction.
    pub text: String,
    /// Why it was corrected.
    pub reason: String,
    /// The record of the correction.
    pub position: u64,
    /// When the correction was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// The terms of a government decision as they stood before a correction, and that
/// correction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupersededDecision {
    /// The verdict before the correction.
    pub verdict: VerdictView,
    /// The yearly amount before the correction, in euro cents.
    pub amount_cents_per_year: u64,
    /// First day of the period before the correction.
    #[schema(value_type = String, format = Date)]
    pub period_start: Date,
    /// Last day of the period before the correction.
    #[schema(value_type = String, format = Date)]
    pub period_end: Date,
    /// The document's reference before the correction.
    pub document_reference: String,
    /// The document's BLAKE3 before the correction.
    pub document_blake3: String,
    /// Why it was corrected.
    pub reason: String,
    /// The record of the correction.
    pub position: u64,
    /// When the correction was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// A government decision with the reference and hash of the official document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DecisionView {
    /// Its id.
    #[schema(value_type = String)]
    pub id: DecisionId,
    /// The advice it answers.
    #[schema(value_type = String)]
    pub advice: AdviceId,
    /// The proposal.
    #[schema(value_type = String)]
    pub proposal: ProposalId,
    /// Approved, rejected or amended.
    pub verdict: VerdictView,
    /// The yearly amount granted, in euro cents.
    pub amount_cents_per_year: u64,
    /// First day of the period.
    #[schema(value_type = String, format = Date)]
    pub period_start: Date,
    /// Last day of the period.
    #[schema(value_type = String, format = Date)]
    pub period_end: Date,
    /// The official document's reference.
    pub document_reference: String,
    /// BLAKE3 of the official document, 64 lowercase hex characters.
    pub document_blake3: String,
    /// The record of the decision.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// Earlier terms replaced by corrections, oldest first (the fields above are the
    /// current ones).
    pub superseded: Vec<SupersededDecision>,
}

impl ReadModel {
    /// Appends `step` to the proposal's timeline and makes it the status.
    pub(crate) fn push_step(&mut self, proposal: &ProposalId, step: TimelineStep) {
        if let Some(view) = self.proposals.get_mut(proposal) {
            view.status = step.step;
            view.timeline.push(step);
        }
    }

    pub(crate) fn on_proposal_filed(&mut self, at: At, e: &ProposalFiled) {
        self.proposals.insert(
            e.proposal.clone(),
            ProposalView {
                id: e.proposal.clone(),
                title: e.title.clone(),
                text: e.text.clone(),
                budget_cents_per_year: e.budget_per_year.0,
                trial: e.trial,
                withdrawn: false,
                withdrawal_reason: None,
                status: Step::Filed,
                timeline: vec![TimelineStep::new(Step::Filed, at)],
                rounds: Vec::new(),
                advice: Vec::new(),
                decisions: Vec::new(),
                sheets: Vec::new(),
                documents: Vec::new(),
            },
        );
    }

    pub(crate) fn on_proposal_amended(&mut self, at: At, e: &ProposalAmended) {
        if let Some(view) = self.proposals.get_mut(&e.proposal) {
            view.title = e.title.clone();
            view.text = e.text.clone();
            view.budget_cents_per_year = e.budget_per_year.0;
        }
        self.push_step(&e.proposal, TimelineStep::new(Step::Amended, at));
    }

    pub(crate) fn on_proposal_withdrawn(&mut self, at: At, e: &ProposalWithdrawn) {
        if let Some(view) = self.proposals.get_mut(&e.proposal) {
            view.withdrawn = true;
            view.withdrawal_reason = Some(e.reason.clone());
        }
        let mut step = TimelineStep::new(Step::Withdrawn, at);
        step.reason = Some(e.reason.clone());
        self.push_step(&e.proposal, step);
    }

    pub(crate) fn on_advice_sent(&mut self, at: At, e: &AdviceSent) {
        self.advice.insert(
            e.advice.clone(),
            AdviceView {
                id: e.advice.clone(),
                round: e.round.clone(),
                proposal: e.proposal.clone(),
                recipient: e.recipient.clone(),
                text: e.text.clone(),
                position: at.position,
                recorded_at: at.recorded_at,
                decision: None,
                superseded: Vec::new(),
            },
        );
        if let Some(round) = self.rounds.get_mut(&e.round) {
            round.advice = Some(e.advice.clone());
        }
        if let Some(view) = self.proposals.get_mut(&e.proposal) {
            view.advice.push(e.advice.clone());
        }
        let mut step = TimelineStep::new(Step::AdviceSent, at);
        step.round = Some(e.round.clone());
        step.advice = Some(e.advice.clone());
        self.push_step(&e.proposal, step);
    }

    pub(crate) fn on_decision_recorded(&mut self, at: At, e: &GovernmentDecisionRecorded) {
        self.decisions.insert(
            e.decision.clone(),
            DecisionView {
                id: e.decision.clone(),
                advice: e.advice.clone(),
                proposal: e.proposal.clone(),
                verdict: e.verdict.into(),
                amount_cents_per_year: e.amount_per_year.0,
                period_start: e.period_start,
                period_end: e.period_end,
                document_reference: e.document_reference.clone(),
                document_blake3: e.document_blake3.clone(),
                position: at.position,
                recorded_at: at.recorded_at,
                superseded: Vec::new(),
            },
        );
        if let Some(advice) = self.advice.get_mut(&e.advice) {
            advice.decision = Some(e.decision.clone());
        }
        if let Some(view) = self.proposals.get_mut(&e.proposal) {
            view.decisions.push(e.decision.clone());
        }
        let mut step = TimelineStep::new(Step::GovernmentDecided, at);
        step.advice = Some(e.advice.clone());
        step.decision = Some(e.decision.clone());
        step.verdict = Some(e.verdict.into());
        self.push_step(&e.proposal, step);
    }

    pub(crate) fn on_advice_superseded(&mut self, at: At, e: &AdviceSuperseded) {
        if let Some(advice) = self.advice.get_mut(&e.advice) {
            let earlier = std::mem::replace(&mut advice.text, e.text.clone());
            advice.superseded.push(SupersededAdvice {
                text: earlier,
                reason: e.reason.clone(),
                position: at.position,
                recorded_at: at.recorded_at,
            });
        }
        let mut step = TimelineStep::new(Step::AdviceSuperseded, at);
        step.advice = Some(e.advice.clone());
        step.reason = Some(e.reason.clone());
        self.push_step(&e.proposal, step);
    }

    pub(crate) fn on_decision_amended(&mut self, at: At, e: &GovernmentDecisionAmended) {
        if let Some(decision) = self.decisions.get_mut(&e.decision) {
            let earlier = SupersededDecision {
                verdict: decision.verdict,
                amount_cents_per_year: decision.amount_cents_per_year,
                period_start: decision.period_start,
                period_end: decision.period_end,
                document_reference: std::mem::replace(
                    &mut decision.document_reference,
                    e.document_reference.clone(),
                ),
                document_blake3: std::mem::replace(
                    &mut decision.document_blake3,
                    e.document_blake3.clone(),
                ),
                reason: e.reason.clone(),
                position: at.position,
                recorded_at: at.recorded_at,
            };
            decision.verdict = e.verdict.into();
            decision.amount_cents_per_year = e.amount_per_year.0;
            decision.period_start = e.period_start;
            decision.period_end = e.period_end;
            decision.superseded.push(earlier);
        }
        let mut step = TimelineStep::new(Step::DecisionAmended, at);
        step.advice = Some(e.advice.clone());
        step.decision = Some(e.decision.clone());
        step.verdict = Some(e.verdict.into());
        step.reason = Some(e.reason.clone());
        self.push_step(&e.proposal, step);
    }

    pub(crate) fn on_document_linked(&mut self, at: At, e: &DocumentLinked) {
        let document = DocumentView {
            title: e.title.clone(),
            url: e.url.clone(),
            document_blake3: e.document_blake3.clone(),
            position: at.position,
            recorded_at: at.recorded_at,
        };
        match &e.subject {
            DocumentSubject::Proposal(id) => {
                if let Some(view) = self.proposals.get_mut(id) {
                    view.documents.push(document);
                }
            }
            DocumentSubject::Sheet(id) => {
                if let Some(view) = self.sheets.get_mut(id) {
                    view.documents.push(document);
                }
            }
        }
    }
}
