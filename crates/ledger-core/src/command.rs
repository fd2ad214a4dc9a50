//! Commands: what an actor asks the ledger to do, as it arrives from outside.
//!
//! Commands are JSON documents (`{"type": "cast_vote", ...}`) with unknown fields refused,
//! so a voter cannot even express "my weight is ...". Numbers that must be bounded arrive
//! wide (`i128`) so `decide` can refuse them with a typed reason. This module must never
//! hold state or decide anything: it only describes intent.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event::Criterion;
use crate::event::Verdict;
use crate::ids::{
    ActorId, AdviceId, CommandId, CriterionId, DecisionId, LibraryId, NewsletterId, NisCode,
    Position, ProposalId, RoundId, SheetId,
};
use crate::role::{Role, RoleKind};
use crate::tally::{Choice, Rule};
use crate::time::{Date, Timestamp};

/// Every command of the domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Start a new ledger and name its first secretariat.
    InitializeLedger {
        /// The checkpoint origin line.
        origin: String,
        /// The first actor with the secretariat role.
        secretariat: ActorId,
    },
    /// Give an actor a role.
    GrantRole {
        /// Who.
        actor: ActorId,
        /// Which role.
        role: Role,
    },
    /// Take a role away.
    RevokeRole {
        /// Who.
        actor: ActorId,
        /// Which role.
        role: Role,
    },
    /// Add a library to the electorate of future rounds.
    RegisterLibrary {
        /// The new library's id.
        library: LibraryId,
        /// Its name.
        name: String,
        /// The municipalities it serves.
        municipalities: Vec<NisCode>,
        /// Inhabitants it represents.
        #[serde(deserialize_with = "crate::amount::wide_int")]
        #[schemars(with = "i64")]
        inhabitants: i128,
    },
    /// Change a library's data; running rounds keep their frozen weights.
    UpdateLibrary {
        /// The library.
        library: LibraryId,
        /// A new name, if it changes.
        #[serde(default)]
        name: Option<String>,
        /// A new list of municipalities, if it changes (a merger).
        #[serde(default)]
        municipalities: Option<Vec<NisCode>>,
        /// A new population, if it changes.
        #[serde(default, deserialize_with = "crate::amount::wide_int_opt")]
        #[schemars(with = "Option<i64>")]
        inhabitants: Option<i128>,
    },
    /// Remove a library from future electorates.
    RetireLibrary {
        /// The library.
        library: LibraryId,
        /// Why.
        reason: String,
    },
    /// File a proposal of the steering group.
    FileProposal {
        /// The new proposal's id.
        proposal: ProposalId,
        /// Title.
        title: String,
        /// Full text.
        text: String,
        /// Budget in euro cents per year.
        #[serde(deserialize_with = "crate::amount::wide_int")]
        #[schemars(with = "i64")]
        budget_cents_per_year: i128,
    },
    /// Amend a proposal before a vote opens on it.
    AmendProposal {
        /// The proposal.
        proposal: ProposalId,
        /// A new title, if it changes.
        #[serde(default)]
        title: Option<String>,
        /// A new text, if it changes.
        #[serde(default)]
        text: Option<String>,
        /// A new budget, if it changes.
        #[serde(default, deserialize_with = "crate::amount::wide_int_opt")]
        #[schemars(with = "Option<i64>")]
        budget_cents_per_year: Option<i128>,
    },
    /// Withdraw a proposal that is not under vote or decided.
    WithdrawProposal {
        /// The proposal.
        proposal: ProposalId,
        /// Why.
        reason: String,
    },
    /// Open a vote round; freezes the electorate.
    OpenRound {
        /// The new round's id.
        round: RoundId,
        /// The proposal voted on.
        proposal: ProposalId,
        /// First instant a vote is accepted (defaults to now).
        #[serde(default)]
        opens_at: Option<Timestamp>,
        /// First instant a vote is no longer accepted.
        closes_at: Timestamp,
        /// The decision rule (defaults: more than half of represented inhabitants).
        #[serde(default)]
        rule: Option<Rule>,
    },
    /// Cast (or change) a library's vote.
    CastVote {
        /// The round.
        round: RoundId,
        /// The library voting; must be the actor's own.
        library: LibraryId,
        /// Yes, no or abstain.
        choice: Choice,
        /// An optional remark, at most 2,000 characters.
        #[serde(default)]
        remark: Option<String>,
    },
    /// Close a round (at or after its window, or early once everybody voted).
    CloseRound {
        /// The round.
        round: RoundId,
    },
    /// Annul a round that is not certified; the votes stay in the history.
    AnnulRound {
        /// The round.
        round: RoundId,
        /// Why.
        reason: String,
    },
    /// Sign off a closed round's tally digest.
    SignCertification {
        /// The round.
        round: RoundId,
        /// The digest the member checked (see `Tally::digest`).
        tally_digest: String,
    },
    /// Record that advice was sent to the government.
    SendAdvice {
        /// The new advice's id.
        advice: AdviceId,
        /// The certified round it rests on.
        round: RoundId,
        /// To whom.
        recipient: String,
        /// Text of the advice.
        text: String,
    },
    /// Record the government's decision on the management agreement.
    RecordGovernmentDecision {
        /// The new decision's id.
        decision: DecisionId,
        /// The advice it answers.
        advice: AdviceId,
        /// Approved, rejected or amended.
        verdict: Verdict,
        /// Amount granted per year in cents (zero when rejected).
        #[serde(deserialize_with = "crate::amount::wide_int")]
        #[schemars(with = "i64")]
        amount_cents_per_year: i128,
        /// First day of the period.
        period_start: Date,
        /// Last day of the period.
        period_end: Date,
        /// The official document's reference.
        document_reference: String,
        /// BLAKE3 of the official document (64 lowercase hex).
        document_blake3: String,
    },
    /// Set the weighted criteria for scoring project sheets.
    SetCriteria {
        /// The criteria.
        criteria: Vec<Criterion>,
    },
    /// File a project sheet.
    FileProjectSheet {
        /// The new sheet's id.
        sheet: SheetId,
        /// The proposal it implements, if any.
        #[serde(default)]
        proposal: Option<ProposalId>,
        /// Title.
        title: String,
        /// Summary.
        summary: String,
        /// Budget in euro cents per year.
        #[serde(deserialize_with = "crate::amount::wide_int")]
        #[schemars(with = "i64")]
        budget_cents_per_year: i128,
    },
    /// Score a sheet on one criterion (0 to 10).
    ScoreSheet {
        /// The sheet.
        sheet: SheetId,
        /// The criterion.
        criterion: CriterionId,
        /// The score.
        score: i64,
    },
    /// Decide the priority order of sheets.
    DecidePriorities {
        /// Sheets from highest to lowest priority.
        ranking: Vec<SheetId>,
    },
    /// Record that a newsletter issue covering `[covers_from, covers_to)` was published.
    IssueNewsletter {
        /// The issue's id.
        newsletter: NewsletterId,
        /// Its title.
        title: String,
        /// First position covered; must follow the previous issue.
        covers_from: Position,
        /// First position not covered; at most the log's length.
        covers_to: Position,
    },
}

impl Command {
    /// The stream whose version `expected_version` refers to.
    pub fn target_stream(&self) -> String {
        match self {
            Command::InitializeLedger { .. } => "ledger".into(),
            Command::GrantRole { actor, .. } | Command::RevokeRole { actor, .. } => {
                format!("actor/{actor}")
            }
            Command::RegisterLibrary { library, .. }
            | Command::UpdateLibrary { library, .. }
            | Command::RetireLibrary { library, .. } => format!("library/{library}"),
            Command::FileProposal { proposal, .. }
            | Command::AmendProposal { proposal, .. }
            | Command::WithdrawProposal { proposal, .. } => format!("proposal/{proposal}"),
            Command::OpenRound { round, .. }
            | Command::CastVote { round, .. }
            | Command::CloseRound { round }
            | Command::AnnulRound { round, .. }
            | Command::SignCertification { round, .. } => format!("round/{round}"),
            // The government's decision answers one advice, so both share its stream.
            Command::SendAdvice { advice, .. }
            | Command::RecordGovernmentDecision { advice, .. } => format!("advice/{advice}"),
            Command::SetCriteria { .. } => "criteria".into(),
            Command::FileProjectSheet { sheet, .. } | Command::ScoreSheet { sheet, .. } => {
                format!("sheet/{sheet}")
            }
            Command::DecidePriorities { .. } => "priorities".into(),
            Command::IssueNewsletter { .. } => "newsletter".into(),
        }
    }

    /// The role kinds allowed to issue this command (any one suffices). The one table of
    /// who may do what: `decide` enforces it against the roles in the log, and shells may
    /// use it to scope credentials. Initialisation needs none: it is only possible on an
    /// empty ledger.
    pub fn required_roles(&self) -> &'static [RoleKind] {
        const SECRETARIAT: &[RoleKind] = &[RoleKind::Secretariat];
        const MEMBER: &[RoleKind] = &[RoleKind::SteeringMember];
        const STEERING_GROUP: &[RoleKind] = &[RoleKind::Secretariat, RoleKind::SteeringMember];
        const LIBRARY: &[RoleKind] = &[RoleKind::Library];
        match self {
            Command::InitializeLedger { .. } => &[],
            Command::GrantRole { .. }
            | Command::RevokeRole { .. }
            | Command::RegisterLibrary { .. }
            | Command::UpdateLibrary { .. }
            | Command::RetireLibrary { .. }
            | Command::OpenRound { .. }
            | Command::AnnulRound { .. }
            | Command::SendAdvice { .. }
            | Command::RecordGovernmentDecision { .. }
            | Command::IssueNewsletter { .. } => SECRETARIAT,
            Command::FileProposal { .. }
            | Command::AmendProposal { .. }
            | Command::WithdrawProposal { .. }
            | Command::CloseRound { .. }
            | Command::FileProjectSheet { .. } => STEERING_GROUP,
            Command::SignCertification { .. }
            | Command::SetCriteria { .. }
            | Command::ScoreSheet { .. }
            | Command::DecidePriorities { .. } => MEMBER,
            Command::CastVote { .. } => LIBRARY,
        }
    }

    /// The command's type name, e.g. `cast_vote`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Command::InitializeLedger { .. } => "initialize_ledger",
            Command::GrantRole { .. } => "grant_role",
            Command::RevokeRole { .. } => "revoke_role",
            Command::RegisterLibrary { .. } => "register_library",
            Command::UpdateLibrary { .. } => "update_library",
            Command::RetireLibrary { .. } => "retire_library",
            Command::FileProposal { .. } => "file_proposal",
            Command::AmendProposal { .. } => "amend_proposal",
            Command::WithdrawProposal { .. } => "withdraw_proposal",
            Command::OpenRound { .. } => "open_round",
            Command::CastVote { .. } => "cast_vote",
            Command::CloseRound { .. } => "close_round",
            Command::AnnulRound { .. } => "annul_round",
            Command::SignCertification { .. } => "sign_certification",
            Command::SendAdvice { .. } => "send_advice",
            Command::RecordGovernmentDecision { .. } => "record_government_decision",
            Command::SetCriteria { .. } => "set_criteria",
            Command::FileProjectSheet { .. } => "file_project_sheet",
            Command::ScoreSheet { .. } => "score_sheet",
            Command::DecidePriorities { .. } => "decide_priorities",
            Command::IssueNewsletter { .. } => "issue_newsletter",
        }
    }
}

/// A command with who sends it and the caller's concurrency and idempotency controls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The caller's id for this command; a repeat is answered with the first receipt.
    pub command_id: CommandId,
    /// Who issues it.
    pub actor: ActorId,
    /// The number of events the target stream must hold, if the caller cares.
    #[serde(default)]
    pub expected_version: Option<u64>,
    /// The command.
    pub command: Command,
}
