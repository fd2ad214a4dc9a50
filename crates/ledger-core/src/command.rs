//! Commands: what an actor asks the ledger to do, as it arrives from outside.
//!
//! Commands are JSON documents (`{"type": "cast_vote", ...}`) with unknown fields refused,
//! so a voter cannot even express "my weight is ...". Numbers that must be bounded arrive
//! wide (`i128`) so `decide` can refuse them with a typed reason. This module must never
//! hold state or decide anything: it only describes intent.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event::{Criterion, DocumentSubject, SignedVotes, Verdict};
use crate::ids::{
    ActorId, AdviceId, CommandId, CriterionId, DecisionId, LibraryId, NewsletterId, NisCode,
    Position, ProposalId, RoundId, SheetId,
};
use crate::record::{encode_payload, RecordError};
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
        #[schemars(length(min = 1, max = 200))]
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
        #[schemars(length(min = 1, max = 200))]
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
        #[schemars(length(min = 1, max = 10_000))]
        reason: String,
    },
    /// File a proposal of the steering group.
    FileProposal {
        /// The new proposal's id.
        proposal: ProposalId,
        /// Title.
        #[schemars(length(min = 1, max = 200))]
        title: String,
        /// Full text.
        #[schemars(length(min = 1, max = 10_000))]
        text: String,
        /// Budget in euro cents per year; 0 for a proposal without a budget.
        #[serde(deserialize_with = "crate::amount::wide_int")]
        #[schemars(with = "i64")]
        budget_cents_per_year: i128,
        /// A try-out proposal (for trying the write API), never presented as a real
        /// decision.
        // Added after commands were stored: left out of the digest's bytes when false.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        trial: bool,
    },
    /// Amend a proposal before a vote opens on it.
    AmendProposal {
        /// The proposal.
        proposal: ProposalId,
        /// A new title, if it changes.
        #[serde(default)]
        #[schemars(length(min = 1, max = 200))]
        title: Option<String>,
        /// A new text, if it changes.
        #[serde(default)]
        #[schemars(length(min = 1, max = 10_000))]
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
        #[schemars(length(min = 1, max = 10_000))]
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
        /// The round's title for people, e.g. `Stemronde mei 2023`.
        // Added after commands were stored: left out of the digest's bytes when absent
        // (see `Envelope::digest`), so a stored command's digest never changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// A try-out round, never presented as a real decision.
        // This and the next two were added after commands were stored: each is left
        // out of the digest's bytes when it has its default.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        trial: bool,
        /// Show counts per choice while the round is open (by default only turnout is
        /// shown until the close).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        live_results: bool,
        /// Whether votes must be signed by the libraries' registered keys (default
        /// `required`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signed_votes: Option<SignedVotes>,
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
        #[schemars(length(max = 2_000))]
        remark: Option<String>,
        /// The author's signature: the C2SP signed-note signature line (`— <actor> <base64>`)
        /// over this command's statement (ARCHITECTURE.md, "Author signatures").
        // Added after commands were stored: left out of the digest's bytes when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
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
        #[schemars(length(min = 1, max = 10_000))]
        reason: String,
    },
    /// Sign off a closed round's tally digest.
    SignCertification {
        /// The round.
        round: RoundId,
        /// The digest the member checked (see `Tally::digest`).
        tally_digest: String,
        /// The author's signature: the C2SP signed-note signature line (`— <actor> <base64>`)
        /// over this command's statement (ARCHITECTURE.md, "Author signatures").
        // Added after commands were stored: left out of the digest's bytes when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// Record that advice was sent to the government.
    SendAdvice {
        /// The new advice's id.
        advice: AdviceId,
        /// The certified round it rests on.
        round: RoundId,
        /// To whom.
        #[schemars(length(min = 1, max = 200))]
        recipient: String,
        /// Text of the advice.
        #[schemars(length(min = 1, max = 10_000))]
        text: String,
        /// The author's signature: the C2SP signed-note signature line (`— <actor> <base64>`)
        /// over this command's statement (ARCHITECTURE.md, "Author signatures").
        // Added after commands were stored: left out of the digest's bytes when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
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
        #[schemars(length(min = 1, max = 200))]
        document_reference: String,
        /// BLAKE3 of the official document (64 lowercase hex).
        document_blake3: String,
        /// The author's signature: the C2SP signed-note signature line (`— <actor> <base64>`)
        /// over this command's statement (ARCHITECTURE.md, "Author signatures").
        // Added after commands were stored: left out of the digest's bytes when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
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
        #[schemars(length(min = 1, max = 200))]
        title: String,
        /// Summary.
        #[schemars(length(min = 1, max = 10_000))]
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
    /// Correct sent advice: a new text replaces it, the earlier one stays in the log and
    /// is shown as superseded.
    SupersedeAdvice {
        /// The advice corrected.
        advice: AdviceId,
        /// The advice's text from now on.
        text: String,
        /// Why it is corrected.
        reason: String,
    },
    /// Correct a recorded government decision (an amended decision of the government, or
    /// a mistake in the record); the earlier record stays and is shown as superseded.
    AmendGovernmentDecision {
        /// The decision corrected.
        decision: DecisionId,
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
        /// Why it is corrected.
        reason: String,
    },
    /// Extend or shorten an open round's voting window.
    ChangeVotingWindow {
        /// The round.
        round: RoundId,
        /// The new first instant a vote is no longer accepted.
        closes_at: Timestamp,
        /// Why the window changes.
        reason: String,
    },
    /// Withdraw a round's certification; the round must then be certified again.
    WithdrawCertification {
        /// The round.
        round: RoundId,
        /// Why.
        reason: String,
    },
    /// Give an actor (a steering member, the secretariat) a display name for people.
    NameActor {
        /// Who.
        actor: ActorId,
        /// The name shown with the id, e.g. `An Peeters (stuurgroep)`.
        name: String,
    },
    /// Link a document (its address and BLAKE3 hash) to a proposal or a project sheet.
    LinkDocument {
        /// The proposal or sheet the document belongs to.
        subject: DocumentSubject,
        /// The document's title.
        title: String,
        /// Where to fetch it: an `https://` or `http://` address.
        url: String,
        /// BLAKE3 of the document (64 lowercase hex), so a reader can check the copy.
        document_blake3: String,
    },
    /// Register an actor's author key (replacing the key in force, if any), with proof
    /// of possession. By the actor itself or by the secretariat on its behalf.
    RegisterAuthorKey {
        /// Whose key.
        actor: ActorId,
        /// The C2SP note verifier key `<actor>+<key id>+<base64(0x01 || public key)>`.
        key: String,
        /// The key's signature line over the registration statement (proof of possession).
        proof: String,
    },
    /// Revoke the author key in force for an actor. By the actor itself or by the
    /// secretariat.
    RevokeAuthorKey {
        /// Whose key.
        actor: ActorId,
        /// The verifier key revoked (must be the one in force).
        key: String,
        /// Why.
        reason: String,
    },
    /// Score many sheets at once (a member's score sheet, e.g. from a CSV), all or
    /// nothing: one refused row refuses the whole command and names the row.
    ScoreSheets {
        /// The scores, one per sheet and criterion (at most 1,000, and the request body
        /// at most 64 KiB), each 0 to 10.
        // No `maxItems`: the body limit (413) comes first, and a schema-driven client
        // that probes one item over a documented maximum would meet it instead of 422.
        #[schemars(length(min = 1))]
        scores: Vec<SheetScore>,
    },
}

/// One row of [`Command::ScoreSheets`]: a member's score of a sheet on one criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetScore {
    /// The sheet.
    pub sheet: SheetId,
    /// The criterion.
    pub criterion: CriterionId,
    /// The member who gives the score: the issuing actor (a row of another member is
    /// refused, so no score is recorded under the wrong name).
    pub member: ActorId,
    /// The score.
    pub score: i64,
}

impl Command {
    /// The stream whose version `expected_version` refers to.
    pub fn target_stream(&self) -> String {
        match self {
            Command::InitializeLedger { .. } => "ledger".into(),
            Command::GrantRole { actor, .. }
            | Command::RevokeRole { actor, .. }
            | Command::NameActor { actor, .. }
            | Command::RegisterAuthorKey { actor, .. }
            | Command::RevokeAuthorKey { actor, .. } => format!("actor/{actor}"),
            Command::LinkDocument { subject, .. } => subject.stream(),
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
            | Command::SignCertification { round, .. }
            | Command::ChangeVotingWindow { round, .. }
            | Command::WithdrawCertification { round, .. } => format!("round/{round}"),
            // The government's decision answers one advice, so both share its stream.
            Command::SendAdvice { advice, .. }
            | Command::RecordGovernmentDecision { advice, .. }
            | Command::SupersedeAdvice { advice, .. } => format!("advice/{advice}"),
            Command::AmendGovernmentDecision { decision, .. } => format!("decision/{decision}"),
            Command::SetCriteria { .. } => "criteria".into(),
            Command::FileProjectSheet { sheet, .. } | Command::ScoreSheet { sheet, .. } => {
                format!("sheet/{sheet}")
            }
            // Its events go to each row's sheet; the first row's is the one a version
            // refers to (and the stream of its first record).
            Command::ScoreSheets { scores } => scores
                .first()
                .map_or_else(|| "sheet".into(), |row| format!("sheet/{}", row.sheet)),
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
        const ANYONE: &[RoleKind] = &[
            RoleKind::Secretariat,
            RoleKind::SteeringMember,
            RoleKind::Library,
        ];
        match self {
            // Whose key it is is checked in `decide`: the actor's own, or the secretariat.
            Command::RegisterAuthorKey { .. } | Command::RevokeAuthorKey { .. } => ANYONE,
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
            | Command::SupersedeAdvice { .. }
            | Command::AmendGovernmentDecision { .. }
            | Command::ChangeVotingWindow { .. }
            | Command::NameActor { .. }
            | Command::IssueNewsletter { .. } => SECRETARIAT,
            Command::FileProposal { .. }
            | Command::AmendProposal { .. }
            | Command::WithdrawProposal { .. }
            | Command::CloseRound { .. }
            | Command::FileProjectSheet { .. }
            | Command::LinkDocument { .. } => STEERING_GROUP,
            Command::SignCertification { .. }
            | Command::SetCriteria { .. }
            | Command::ScoreSheet { .. }
            | Command::ScoreSheets { .. }
            | Command::DecidePriorities { .. }
            | Command::WithdrawCertification { .. } => MEMBER,
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
            Command::SupersedeAdvice { .. } => "supersede_advice",
            Command::AmendGovernmentDecision { .. } => "amend_government_decision",
            Command::ChangeVotingWindow { .. } => "change_voting_window",
            Command::WithdrawCertification { .. } => "withdraw_certification",
            Command::NameActor { .. } => "name_actor",
            Command::LinkDocument { .. } => "link_document",
            Command::ScoreSheets { .. } => "score_sheets",
            Command::RegisterAuthorKey { .. } => "register_author_key",
            Command::RevokeAuthorKey { .. } => "revoke_author_key",
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

/// BLAKE3 derive-key context for command digests; part of the store's idempotency
/// contract (a digest stored with a command must be recomputed the same way forever).
pub const COMMAND_DIGEST_CONTEXT: &str = "governance-ledger 2026-12-06 command digest v1";

/// What a command asks, reduced to 32 bytes: a repeated idempotency key is a retry only
/// if the new command has the same digest as the one stored under that key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandDigest(pub [u8; 32]);

impl CommandDigest {
    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl std::fmt::Debug for CommandDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CommandDigest({})", self.to_hex())
    }
}

impl Envelope {
    /// The digest of what this envelope asks: BLAKE3 in derive-key mode, context
    /// [`COMMAND_DIGEST_CONTEXT`], over the bincode encoding (the record configuration:
    /// little-endian, fixed-width integers, u64 lengths) of the pair (actor, command).
    ///
    /// Byte by byte: the actor (u64 LE length, UTF-8), then the command's type name as
    /// its JSON `type` spells it (u64 LE length, UTF-8, e.g. `cast_vote`), then its
    /// fields in declaration order, each as the record configuration encodes it (strings
    /// and ids: u64 LE length and UTF-8; `Option`: 0x00, or 0x01 and the value; `Vec`:
    /// u64 LE count and the items; `i128`: 16 bytes LE; unit enums such as `Choice`:
    /// their index as u32 LE; `Timestamp`: i64 LE microseconds; `Date`: as in records).
    ///
    /// A field added to a command after commands were stored (`open_round`'s `title`,
    /// `trial`, `live_results` and `signed_votes`, `file_proposal`'s `trial`) is left out
    /// entirely when absent (an `Option` that is `None`, a `bool` that is false), so every
    /// stored command keeps its digest.
    ///
    /// Not covered: the command id (it is the key the digest is stored under) and
    /// `expected_version` (a precondition checked when the command was applied; a retry
    /// that states another one still asks for the same thing).
    pub fn digest(&self) -> Result<CommandDigest, RecordError> {
        let bytes = encode_payload(&(&self.actor, &self.command))?;
        let mut hasher = blake3::Hasher::new_derive_key(COMMAND_DIGEST_CONTEXT);
        hasher.update(&bytes);
        Ok(CommandDigest(*hasher.finalize().as_bytes()))
    }
}

#[cfg(test)]
mod digest_tests {
    use super::*;

    fn vote(actor: &str, choice: Choice) -> Envelope {
        Envelope {
            command_id: CommandId::new("vote-1"),
            actor: ActorId::new(actor),
            expected_version: None,
            command: Command::CastVote {
                round: RoundId::new("r-1"),
                library: LibraryId::new("lib-a"),
                choice,
                remark: None,
                signature: None,
            },
        }
    }

    /// The bytes hashed, built by hand from the layout documented on [`Envelope::digest`].
    #[test]
    fn the_digest_covers_the_documented_bytes() {
        let mut bytes = Vec::new();
        let text = |bytes: &mut Vec<u8>, s: &str| {
            bytes.extend_from_slice(&(s.len() as u64).to_le_bytes());
            bytes.extend_from_slice(s.as_bytes());
        };
        text(&mut bytes, "acc-a");
        text(&mut bytes, "cast_vote");
        text(&mut bytes, "r-1");
        text(&mut bytes, "lib-a");
        bytes.extend_from_slice(&1u32.to_le_bytes()); // Choice::No
        bytes.push(0); // no remark
        let expected = blake3::derive_key(COMMAND_DIGEST_CONTEXT, &bytes);
        assert_eq!(vote("acc-a", Choice::No).digest().unwrap().0, expected);
    }

    #[test]
    fn the_digest_tells_commands_apart_but_not_their_ids_or_expected_versions() {
        let yes = vote("acc-a", Choice::Yes).digest().unwrap();
        assert_ne!(yes, vote("acc-a", Choice::No).digest().unwrap());
        assert_ne!(yes, vote("acc-b", Choice::Yes).digest().unwrap());
        let mut same = vote("acc-a", Choice::Yes);
        same.command_id = CommandId::new("vote-2");
        same.expected_version = Some(3);
        assert_eq!(yes, same.digest().unwrap());
    }
}
