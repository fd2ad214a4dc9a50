//! The events of the governance ledger: what happened, as stored for ever.
//!
//! Each event is a payload struct; the record stores its type name and schema version
//! beside the body (the payload's bincode encoding), so a reader can pick the right
//! decoder and upcast old versions. This module must never change the meaning or field
//! order of a payload that has been stored: a change is a new schema version with an
//! upcaster in [`decode_body`], never an edit in place.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::amount::Cents;
use crate::ids::{
    ActorId, AdviceId, CriterionId, DecisionId, LibraryId, NewsletterId, NisCode, Position,
    ProposalId, RoundId, SheetId,
};
use crate::record::{decode_payload, encode_payload, RecordError};
use crate::role::Role;
use crate::tally::{Choice, Outcome, Rule, Tally};
use crate::time::{Date, Timestamp};

/// The ledger was created; the first event of every log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LedgerInitialized {
    /// The log's origin line for checkpoints, e.g. `bibliotheken.example/ledger`.
    pub origin: String,
}

/// An actor was given a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoleGranted {
    /// Who.
    pub actor: ActorId,
    /// Which role.
    pub role: Role,
}

/// An actor lost a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoleRevoked {
    /// Who.
    pub actor: ActorId,
    /// Which role.
    pub role: Role,
}

/// A library joined the electorate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LibraryRegistered {
    /// The library.
    pub library: LibraryId,
    /// Its name.
    pub name: String,
    /// The municipalities it serves.
    pub municipalities: Vec<NisCode>,
    /// The inhabitants it represents.
    pub inhabitants: u64,
}

/// A library's data changed (population, merger); running rounds keep their frozen weights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LibraryUpdated {
    /// The library.
    pub library: LibraryId,
    /// Its name after the change.
    pub name: String,
    /// The municipalities it serves after the change.
    pub municipalities: Vec<NisCode>,
    /// The inhabitants it represents after the change.
    pub inhabitants: u64,
}

/// A library left the electorate of future rounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LibraryRetired {
    /// The library.
    pub library: LibraryId,
    /// Why.
    pub reason: String,
}

/// The steering group filed a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProposalFiled {
    /// The proposal.
    pub proposal: ProposalId,
    /// Its title.
    pub title: String,
    /// Its full text.
    pub text: String,
    /// The yearly budget it concerns.
    #[serde(rename = "budget_cents_per_year", alias = "budget_per_year")]
    pub budget_per_year: Cents,
    /// A try-out proposal, never presented as a real decision (schema version 2; false
    /// in version 1 records).
    pub trial: bool,
}

/// Schema version 1 of `proposal_filed`: without `trial`. Read only, upcast by
/// [`decode_body`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
struct ProposalFiledV1 {
    proposal: ProposalId,
    title: String,
    text: String,
    budget_per_year: Cents,
}

impl From<ProposalFiledV1> for ProposalFiled {
    fn from(v1: ProposalFiledV1) -> Self {
        ProposalFiled {
            proposal: v1.proposal,
            title: v1.title,
            text: v1.text,
            budget_per_year: v1.budget_per_year,
            trial: false,
        }
    }
}

/// A proposal was amended before any vote opened on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProposalAmended {
    /// The proposal.
    pub proposal: ProposalId,
    /// The title after the amendment.
    pub title: String,
    /// The text after the amendment.
    pub text: String,
    /// The budget after the amendment.
    #[serde(rename = "budget_cents_per_year", alias = "budget_per_year")]
    pub budget_per_year: Cents,
}

/// A proposal was withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProposalWithdrawn {
    /// The proposal.
    pub proposal: ProposalId,
    /// Why.
    pub reason: String,
}

/// One eligible library and its weight, frozen when a round opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Elector {
    /// The library.
    pub library: LibraryId,
    /// Its weight in this round.
    pub inhabitants: u64,
}

/// A vote round opened; the electorate is frozen in this very event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoundOpened {
    /// The round.
    pub round: RoundId,
    /// The proposal voted on.
    pub proposal: ProposalId,
    /// First instant a vote is accepted.
    pub opens_at: Timestamp,
    /// First instant a vote is no longer accepted.
    pub closes_at: Timestamp,
    /// The decision rule.
    pub rule: Rule,
    /// Every eligible library with its weight, sorted by library id.
    pub electorate: Vec<Elector>,
    /// The round's title for people (schema version 2; null in version 1 records).
    pub title: Option<String>,
    /// A try-out round, never presented as a real decision (schema version 3; false in
    /// older records).
    pub trial: bool,
    /// Counts per choice are public while the round is open (schema version 3; true in
    /// older records, which were always shown live).
    pub live_results: bool,
    /// Whether votes must carry their authors' signatures (schema version 3;
    /// `optional` in older records, written before author keys existed).
    pub signed_votes: SignedVotes,
}

/// Whether a round's votes must be signed by the libraries' registered author keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignedVotes {
    /// Every vote must carry a valid signature (the default for new rounds).
    #[default]
    Required,
    /// Unsigned votes are accepted (a round for libraries without keys yet).
    Optional,
}

/// Schema version 2 of `round_opened`: without `trial`, `live_results` and
/// `signed_votes`. Read only, upcast by [`decode_body`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
struct RoundOpenedV2 {
    round: RoundId,
    proposal: ProposalId,
    opens_at: Timestamp,
    closes_at: Timestamp,
    rule: Rule,
    electorate: Vec<Elector>,
    title: Option<String>,
}

impl From<RoundOpenedV2> for RoundOpened {
    fn from(v2: RoundOpenedV2) -> Self {
        RoundOpened {
            round: v2.round,
            proposal: v2.proposal,
            opens_at: v2.opens_at,
            closes_at: v2.closes_at,
            rule: v2.rule,
            electorate: v2.electorate,
            title: v2.title,
            trial: false,
            live_results: true,
            signed_votes: SignedVotes::Optional,
        }
    }
}

/// Schema version 1 of `round_opened`: without a title. Read only, upcast by
/// [`decode_body`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
struct RoundOpenedV1 {
    round: RoundId,
    proposal: ProposalId,
    opens_at: Timestamp,
    closes_at: Timestamp,
    rule: Rule,
    electorate: Vec<Elector>,
}

impl From<RoundOpenedV1> for RoundOpened {
    fn from(v1: RoundOpenedV1) -> Self {
        RoundOpenedV2 {
            round: v1.round,
            proposal: v1.proposal,
            opens_at: v1.opens_at,
            closes_at: v1.closes_at,
            rule: v1.rule,
            electorate: v1.electorate,
            title: None,
        }
        .into()
    }
}

/// A library voted (or changed its vote: the last one counts, all stay in the log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoteCast {
    /// The round.
    pub round: RoundId,
    /// The library voting.
    pub library: LibraryId,
    /// Its choice.
    pub choice: Choice,
    /// An optional remark.
    pub remark: Option<String>,
    /// The library's frozen weight, copied from the electorate for readers.
    pub inhabitants: u64,
    /// Whether this vote replaces an earlier vote of the same library.
    pub replaces_earlier_vote: bool,
    /// The author's signature line over the statement (ARCHITECTURE.md, "Author
    /// signatures"); none when unsigned, and in version 1 records.
    pub signature: Option<String>,
}

/// A round closed; the tally and outcome are stated in the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoundClosed {
    /// The round.
    pub round: RoundId,
    /// The final tally.
    pub tally: Tally,
    /// Its outcome under the round's rule.
    pub outcome: Outcome,
    /// Closed before `closes_at` because every eligible library had voted.
    pub closed_early: bool,
}

/// A round was annulled; its votes stay in the history and a new round may open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoundAnnulled {
    /// The round.
    pub round: RoundId,
    /// Why.
    pub reason: String,
}

/// A steering-group member signed off a round's tally digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CertificationSigned {
    /// The round.
    pub round: RoundId,
    /// The member.
    pub member: ActorId,
    /// The digest signed (see `Tally::digest`).
    pub tally_digest: String,
    /// The author's signature line over the statement (ARCHITECTURE.md, "Author
    /// signatures"); none when unsigned, and in version 1 records.
    pub signature: Option<String>,
}

/// Enough members signed: the result is certified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResultCertified {
    /// The round.
    pub round: RoundId,
    /// The digest all signers signed.
    pub tally_digest: String,
    /// The signers, in signing order.
    pub signers: Vec<ActorId>,
    /// The certified outcome.
    pub outcome: Outcome,
}

/// Advice was sent to the government on a certified, adopted round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AdviceSent {
    /// The advice.
    pub advice: AdviceId,
    /// The certified round it rests on.
    pub round: RoundId,
    /// The proposal.
    pub proposal: ProposalId,
    /// To whom, e.g. `Vlaamse overheid`.
    pub recipient: String,
    /// The advice's text.
    pub text: String,
    /// The author's signature line over the statement (ARCHITECTURE.md, "Author
    /// signatures"); none when unsigned, and in version 1 records.
    pub signature: Option<String>,
}

/// What the government decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Granted as advised.
    Approved,
    /// Not granted.
    Rejected,
    /// Granted with changes (amount or terms).
    Amended,
}

/// The government's decision on the management agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GovernmentDecisionRecorded {
    /// The decision.
    pub decision: DecisionId,
    /// The advice it answers.
    pub advice: AdviceId,
    /// The proposal.
    pub proposal: ProposalId,
    /// Approved, rejected or amended.
    pub verdict: Verdict,
    /// The yearly amount granted (zero when rejected).
    #[serde(rename = "amount_cents_per_year", alias = "amount_per_year")]
    pub amount_per_year: Cents,
    /// First day of the period.
    pub period_start: Date,
    /// Last day of the period.
    pub period_end: Date,
    /// The official document's reference.
    pub document_reference: String,
    /// BLAKE3 of the official document, 64 lowercase hex characters.
    pub document_blake3: String,
    /// The author's signature line over the statement (ARCHITECTURE.md, "Author
    /// signatures"); none when unsigned, and in version 1 records.
    pub signature: Option<String>,
}

/// One weighted criterion for scoring project sheets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The criterion.
    pub id: CriterionId,
    /// Its name.
    pub name: String,
    /// Its weight (1 to 100).
    pub weight: u32,
}

/// The steering group set the scoring criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CriteriaSet {
    /// The criteria, in the order given.
    pub criteria: Vec<Criterion>,
}

/// A project sheet was filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectSheetFiled {
    /// The sheet.
    pub sheet: SheetId,
    /// The proposal it implements, if any.
    pub proposal: Option<ProposalId>,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Its yearly budget.
    #[serde(rename = "budget_cents_per_year", alias = "budget_per_year")]
    pub budget_per_year: Cents,
}

/// A steering-group member scored a sheet on one criterion (the last score counts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SheetScored {
    /// The sheet.
    pub sheet: SheetId,
    /// The criterion.
    pub criterion: CriterionId,
    /// The member scoring.
    pub member: ActorId,
    /// The score, 0 to 10.
    pub score: u8,
}

/// The steering group decided the priority order of project sheets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PrioritiesDecided {
    /// Sheets from highest to lowest priority.
    pub ranking: Vec<SheetId>,
}

/// A newsletter issue was published, covering log positions `[covers_from, covers_to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NewsletterIssued {
    /// The issue.
    pub newsletter: NewsletterId,
    /// Its title.
    pub title: String,
    /// First position covered.
    pub covers_from: Position,
    /// First position not covered.
    pub covers_to: Position,
}

/// Sent advice was corrected: `text` replaces the advice's text from here on; the
/// earlier text stays in its own record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AdviceSuperseded {
    /// The advice.
    pub advice: AdviceId,
    /// The proposal it concerns.
    pub proposal: ProposalId,
    /// The advice's text from now on.
    pub text: String,
    /// Why it was corrected.
    pub reason: String,
}

/// A recorded government decision was corrected; the values here replace the earlier
/// ones, which stay in their own record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GovernmentDecisionAmended {
    /// The decision.
    pub decision: DecisionId,
    /// The advice it answers.
    pub advice: AdviceId,
    /// The proposal.
    pub proposal: ProposalId,
    /// Approved, rejected or amended.
    pub verdict: Verdict,
    /// The yearly amount granted (zero when rejected).
    #[serde(rename = "amount_cents_per_year", alias = "amount_per_year")]
    pub amount_per_year: Cents,
    /// First day of the period.
    pub period_start: Date,
    /// Last day of the period.
    pub period_end: Date,
    /// The official document's reference.
    pub document_reference: String,
    /// BLAKE3 of the official document, 64 lowercase hex characters.
    pub document_blake3: String,
    /// Why it was corrected.
    pub reason: String,
}

/// An open round's voting window was extended or shortened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VotingWindowChanged {
    /// The round.
    pub round: RoundId,
    /// The window's end before the change.
    pub previous_closes_at: Timestamp,
    /// The window's end from now on (first instant a vote is no longer accepted).
    pub closes_at: Timestamp,
    /// Why.
    pub reason: String,
}

/// A steering-group member withdrew a round's certification: its signatures no longer
/// count and the round must be certified again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CertificationWithdrawn {
    /// The round.
    pub round: RoundId,
    /// The member withdrawing it.
    pub member: ActorId,
    /// Why.
    pub reason: String,
}

/// What a linked document belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSubject {
    /// A proposal.
    Proposal(ProposalId),
    /// A project sheet.
    Sheet(SheetId),
}

impl DocumentSubject {
    /// The stream of the proposal or sheet, e.g. `proposal/p-1`.
    pub fn stream(&self) -> String {
        match self {
            DocumentSubject::Proposal(id) => format!("proposal/{id}"),
            DocumentSubject::Sheet(id) => format!("sheet/{id}"),
        }
    }
}

/// An actor was given a display name (the last one counts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ActorNamed {
    /// Who.
    pub actor: ActorId,
    /// The name shown with the id.
    pub name: String,
}

/// A document was linked to a proposal or a project sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentLinked {
    /// The proposal or sheet.
    pub subject: DocumentSubject,
    /// The document's title.
    pub title: String,
    /// Where to fetch it.
    pub url: String,
    /// BLAKE3 of the document, 64 lowercase hex characters.
    pub document_blake3: String,
}

/// An actor's author key was registered; it replaces the key in force, if any. The
/// record's actor is who registered it (the actor itself or the secretariat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuthorKeyRegistered {
    /// Whose key.
    pub actor: ActorId,
    /// The note verifier key `<actor>+<key id>+<base64(0x01 || public key)>`.
    pub key: String,
    /// The key's signature line over the registration statement (proof of possession).
    pub proof: String,
    /// The key this one replaces (the key in force before), if any.
    pub replaces: Option<String>,
}

/// An actor's author key was revoked; the actor has no key in force until it registers
/// another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuthorKeyRevoked {
    /// Whose key.
    pub actor: ActorId,
    /// The verifier key revoked.
    pub key: String,
    /// Why.
    pub reason: String,
}

/// Version 1 of `vote_cast`, `certification_signed`, `advice_sent` and
/// `government_decision_recorded`: the version 2 payload without the final `signature`.
/// Read only, upcast by [`decode_body`].
macro_rules! unsigned_v1 {
    ($v1:ident => $current:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
        struct $v1 {
            $($field: $ty,)*
        }

        impl From<$v1> for $current {
            fn from(v1: $v1) -> Self {
                $current {
                    $($field: v1.$field,)*
                    signature: None,
                }
            }
        }
    };
}

unsigned_v1!(VoteCastV1 => VoteCast {
    round: RoundId,
    library: LibraryId,
    choice: Choice,
    remark: Option<String>,
    inhabitants: u64,
    replaces_earlier_vote: bool,
});
unsigned_v1!(CertificationSignedV1 => CertificationSigned {
    round: RoundId,
    member: ActorId,
    tally_digest: String,
});
unsigned_v1!(AdviceSentV1 => AdviceSent {
    advice: AdviceId,
    round: RoundId,
    proposal: ProposalId,
    recipient: String,
    text: String,
});
unsigned_v1!(GovernmentDecisionRecordedV1 => GovernmentDecisionRecorded {
    decision: DecisionId,
    advice: AdviceId,
    proposal: ProposalId,
    verdict: Verdict,
    amount_per_year: Cents,
    period_start: Date,
    period_end: Date,
    document_reference: String,
    document_blake3: String,
});

macro_rules! events {
    ($($variant:ident => $name:literal, $version:literal, $stream:expr;)*) => {
        /// Every event of the ledger. JSON form: `{"type": "...", "body": {...}}`.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "type", content = "body", rename_all = "snake_case")]
        pub enum Event {
            $(
                #[doc = concat!("See [`", stringify!($variant), "`].")]
                $variant($variant),
            )*
        }

        /// Every event type name with its current schema version.
        pub const EVENT_TYPES: &[(&str, u16)] = &[$(($name, $version)),*];

        impl Event {
            /// The type name stored in the record, e.g. `vote_cast`.
            pub fn event_type(&self) -> &'static str {
                match self { $(Event::$variant(_) => $name,)* }
            }

            /// The schema version this code writes for the event's type.
            pub fn schema_version(&self) -> u16 {
                match self { $(Event::$variant(_) => $version,)* }
            }

            /// The stream the event belongs to, e.g. `round/r-2023-05`.
            pub fn stream(&self) -> String {
                match self { $(Event::$variant(e) => ($stream)(e),)* }
            }

            /// The body as stored: the payload's bincode encoding.
            pub fn encode_body(&self) -> Result<Vec<u8>, RecordError> {
                match self { $(Event::$variant(e) => encode_payload(e),)* }
            }
        }

        /// Decodes a stored body of `event_type` at the current `schema_version`.
        fn decode_current(
            event_type: &str,
            schema_version: u16,
            body: &[u8],
        ) -> Result<Event, RecordError> {
            match (event_type, schema_version) {
                $(($name, $version) => decode_payload(body).map(Event::$variant),)*
                _ => Err(RecordError::UnknownEventType {
                    event_type: event_type.chars().take(64).collect(),
                    schema_version,
                }),
            }
        }
    };
}

events! {
    LedgerInitialized => "ledger_initialized", 1, |_: &LedgerInitialized| "ledger".to_string();
    RoleGranted => "role_granted", 1, |e: &RoleGranted| format!("actor/{}", e.actor);
    RoleRevoked => "role_revoked", 1, |e: &RoleRevoked| format!("actor/{}", e.actor);
    LibraryRegistered => "library_registered", 1, |e: &LibraryRegistered| format!("library/{}", e.library);
    LibraryUpdated => "library_updated", 1, |e: &LibraryUpdated| format!("library/{}", e.library);
    LibraryRetired => "library_retired", 1, |e: &LibraryRetired| format!("library/{}", e.library);
    ProposalFiled => "proposal_filed", 2, |e: &ProposalFiled| format!("proposal/{}", e.proposal);
    ProposalAmended => "proposal_amended", 1, |e: &ProposalAmended| format!("proposal/{}", e.proposal);
    ProposalWithdrawn => "proposal_withdrawn", 1, |e: &ProposalWithdrawn| format!("proposal/{}", e.proposal);
    RoundOpened => "round_opened", 3, |e: &RoundOpened| format!("round/{}", e.round);
    VoteCast => "vote_cast", 2, |e: &VoteCast| format!("round/{}", e.round);
    RoundClosed => "round_closed", 1, |e: &RoundClosed| format!("round/{}", e.round);
    RoundAnnulled => "round_annulled", 1, |e: &RoundAnnulled| format!("round/{}", e.round);
    CertificationSigned => "certification_signed", 2, |e: &CertificationSigned| format!("round/{}", e.round);
    ResultCertified => "result_certified", 1, |e: &ResultCertified| format!("round/{}", e.round);
    AdviceSent => "advice_sent", 2, |e: &AdviceSent| format!("advice/{}", e.advice);
    GovernmentDecisionRecorded => "government_decision_recorded", 2, |e: &GovernmentDecisionRecorded| format!("advice/{}", e.advice);
    CriteriaSet => "criteria_set", 1, |_: &CriteriaSet| "criteria".to_string();
    ProjectSheetFiled => "project_sheet_filed", 1, |e: &ProjectSheetFiled| format!("sheet/{}", e.sheet);
    SheetScored => "sheet_scored", 1, |e: &SheetScored| format!("sheet/{}", e.sheet);
    PrioritiesDecided => "priorities_decided", 1, |_: &PrioritiesDecided| "priorities".to_string();
    NewsletterIssued => "newsletter_issued", 1, |_: &NewsletterIssued| "newsletter".to_string();
    AdviceSuperseded => "advice_superseded", 1, |e: &AdviceSuperseded| format!("advice/{}", e.advice);
    GovernmentDecisionAmended => "government_decision_amended", 1, |e: &GovernmentDecisionAmended| format!("decision/{}", e.decision);
    VotingWindowChanged => "voting_window_changed", 1, |e: &VotingWindowChanged| format!("round/{}", e.round);
    CertificationWithdrawn => "certification_withdrawn", 1, |e: &CertificationWithdrawn| format!("round/{}", e.round);
    ActorNamed => "actor_named", 1, |e: &ActorNamed| format!("actor/{}", e.actor);
    DocumentLinked => "document_linked", 1, |e: &DocumentLinked| e.subject.stream();
    AuthorKeyRegistered => "author_key_registered", 1, |e: &AuthorKeyRegistered| format!("actor/{}", e.actor);
    AuthorKeyRevoked => "author_key_revoked", 1, |e: &AuthorKeyRevoked| format!("actor/{}", e.actor);
}

/// Decodes a stored body of `event_type` at `schema_version`, upcasting old versions to
/// the current payload: `round_opened` version 1 has no title, version 2 no `trial`,
/// `live_results` or `signed_votes`; `proposal_filed` version 1 has no `trial`;
/// `vote_cast`, `certification_signed`, `advice_sent` and `government_decision_recorded`
/// version 1 have no `signature` (read as unsigned).
pub fn decode_body(
    event_type: &str,
    schema_version: u16,
    body: &[u8],
) -> Result<Event, RecordError> {
    match (event_type, schema_version) {
        ("round_opened", 1) => {
            decode_payload::<RoundOpenedV1>(body).map(|v1| Event::RoundOpened(v1.into()))
        }
        ("round_opened", 2) => {
            decode_payload::<RoundOpenedV2>(body).map(|v2| Event::RoundOpened(v2.into()))
        }
        ("proposal_filed", 1) => {
            decode_payload::<ProposalFiledV1>(body).map(|v1| Event::ProposalFiled(v1.into()))
        }
        ("vote_cast", 1) => decode_payload::<VoteCastV1>(body).map(|v1| Event::VoteCast(v1.into())),
        ("certification_signed", 1) => decode_payload::<CertificationSignedV1>(body)
            .map(|v1| Event::CertificationSigned(v1.into())),
        ("advice_sent", 1) => {
            decode_payload::<AdviceSentV1>(body).map(|v1| Event::AdviceSent(v1.into()))
        }
        ("government_decision_recorded", 1) => decode_payload::<GovernmentDecisionRecordedV1>(body)
            .map(|v1| Event::GovernmentDecisionRecorded(v1.into())),
        _ => decode_current(event_type, schema_version, body),
    }
}
