//! Why a command is refused: one typed reason per rule of the domain.
//!
//! A rejection is an expected outcome, not a fault: the ledger is unchanged and the
//! caller is told exactly which rule stopped it. Shells map the `kind()` to their own
//! vocabulary (HTTP status, exit code); this module must never know about those.

use serde::Serialize;

use crate::ids::{ActorId, CriterionId, LibraryId, Position, RoundId, SheetId};
use crate::role::RoleKind;
use crate::time::Timestamp;

/// The broad class of a rejection, for shells that map it to a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    /// The actor's roles do not allow this command (HTTP 403).
    Forbidden,
    /// The command is well-formed but breaks a domain rule (HTTP 422).
    Domain,
}

/// Every reason a command can be refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Rejection {
    /// The ledger was already initialised.
    #[error("the ledger is already initialised")]
    AlreadyInitialized,
    /// Nothing but initialisation is possible on an empty ledger.
    #[error("the ledger is not initialised yet")]
    NotInitialized,
    /// The actor lacks every role that may issue the command.
    #[error("actor {actor} needs the role {} for this command", role_list(allowed))]
    NotPermitted {
        /// Who tried.
        actor: ActorId,
        /// The first role kind that may issue it (kept for clients that read one).
        needed: RoleKind,
        /// Every role kind that may issue it.
        allowed: Vec<RoleKind>,
    },
    /// A library account tried to act for another library.
    #[error("actor {actor} may not act for library {library}")]
    ActingForAnotherLibrary {
        /// Who tried.
        actor: ActorId,
        /// The library it named.
        library: LibraryId,
    },
    /// An id has the wrong syntax.
    #[error("invalid {kind} id {value:?}")]
    InvalidId {
        /// Which kind of id.
        kind: &'static str,
        /// The value given (truncated).
        value: String,
    },
    /// A NIS code is not five digits.
    #[error("invalid NIS code {value:?}: five digits expected")]
    InvalidNisCode {
        /// The value given.
        value: String,
    },
    /// A referenced entity does not exist.
    #[error("unknown {kind} {id}")]
    Unknown {
        /// Which kind.
        kind: &'static str,
        /// The id given.
        id: String,
    },
    /// An entity with that id exists already.
    #[error("{kind} {id} exists already")]
    AlreadyExists {
        /// Which kind.
        kind: &'static str,
        /// The id given.
        id: String,
    },
    /// A text field is empty or too long.
    #[error("{field} must be 1 to {max} characters (got {got})")]
    TextLength {
        /// Which field.
        field: &'static str,
        /// Its limit in characters.
        max: usize,
        /// Its length.
        got: usize,
    },
    /// A remark is longer than 2,000 characters.
    #[error("remark is {got} characters, the limit is {max}")]
    RemarkTooLong {
        /// Its limit.
        max: usize,
        /// Its length.
        got: usize,
    },
    /// A text field holds a control character it may not hold (NUL, BEL, ESC..., or a
    /// line break in a one-line field).
    #[error("{field} holds the control character {character} at character {index}; only long texts may hold TAB, LF and CR")]
    ControlCharacter {
        /// Which field.
        field: &'static str,
        /// The character, as `U+001B`.
        character: String,
        /// Its index in the text, in characters from 0.
        index: usize,
    },
    /// A library tried to vote once more after its last allowed ballot in the round.
    #[error("library {library} has cast {max} ballots in round {round}, the most a library may cast in one round")]
    TooManyBallots {
        /// The library.
        library: LibraryId,
        /// The round.
        round: RoundId,
        /// The bound.
        max: u32,
    },
    /// A voting window that is longer than the bound, or opens too far ahead.
    #[error(
        "a voting window may last at most {max_days} days and open at most {max_days} days ahead"
    )]
    WindowTooLong {
        /// The bound in days.
        max_days: i64,
    },
    /// A money amount is zero, negative or too large.
    #[error("amount {value} is outside {min}..={max} cents")]
    AmountOutOfRange {
        /// The value given.
        value: String,
        /// The smallest allowed.
        min: String,
        /// The largest allowed.
        max: String,
    },
    /// A population is zero, negative or too large.
    #[error("inhabitants {value} is outside 1..={max}")]
    InhabitantsOutOfRange {
        /// The value given.
        value: String,
        /// The largest allowed.
        max: u64,
    },
    /// A library must serve at least one municipality, each listed once.
    #[error("municipalities must be a non-empty list without duplicates")]
    InvalidMunicipalities,
    /// Another active library already serves this municipality; counting its
    /// inhabitants twice would inflate both weights.
    #[error("municipality {municipality} is already served by library {library}")]
    MunicipalityAlreadyServed {
        /// The municipality's NIS code.
        municipality: String,
        /// The library serving it.
        library: LibraryId,
    },
    /// The actor already holds the role.
    #[error("actor {actor} already holds that role")]
    RoleAlreadyHeld {
        /// Who.
        actor: ActorId,
    },
    /// The actor does not hold the role.
    #[error("actor {actor} does not hold that role")]
    RoleNotHeld {
        /// Who.
        actor: ActorId,
    },
    /// Revoking would leave the ledger without any secretariat.
    #[error("the last secretariat role cannot be revoked")]
    LastSecretariat,
    /// The library is retired.
    #[error("library {library} is retired")]
    LibraryRetired {
        /// The library.
        library: LibraryId,
    },
    /// The change would alter the frozen electorate of a running round.
    #[error("library {library} is in the frozen electorate of running round {round}")]
    ElectorateFrozen {
        /// The library.
        library: LibraryId,
        /// The running round.
        round: RoundId,
    },
    /// The proposal can no longer be changed: a round has opened on it.
    #[error("proposal is locked by round {round}")]
    ProposalLocked {
        /// The round that locks it.
        round: RoundId,
    },
    /// The proposal was withdrawn.
    #[error("proposal was withdrawn")]
    ProposalWithdrawn,
    /// A round is already open on the proposal.
    #[error("round {round} is already open on this proposal")]
    RoundAlreadyOpen {
        /// The open round.
        round: RoundId,
    },
    /// The proposal was already voted on (a closed round that was not annulled).
    #[error("proposal was already decided by round {round}")]
    ProposalAlreadyVoted {
        /// The deciding round.
        round: RoundId,
    },
    /// A window whose close is not after its opening.
    #[error("the window must close after it opens")]
    WindowClosesBeforeOpening,
    /// A window that has already closed.
    #[error("the window closes at {closes_at}, which is not in the future")]
    WindowInThePast {
        /// The requested close.
        closes_at: Timestamp,
    },
    /// A rule whose threshold or quorum is not a proper fraction, or needs no signature.
    #[error("invalid rule: threshold must be in [0, 1), quorum in [0, 1], signatures >= 1")]
    InvalidRule,
    /// The rule asks for more signatures than there are steering-group members.
    #[error("the rule needs {required} signatures but only {members} members exist")]
    NotEnoughMembers {
        /// Signatures required.
        required: u32,
        /// Members with the role now.
        members: u32,
    },
    /// There is no active library to vote.
    #[error("the electorate would be empty")]
    EmptyElectorate,
    /// Voting has not started.
    #[error("voting opens at {opens_at}")]
    VotingNotOpenYet {
        /// When it opens.
        opens_at: Timestamp,
    },
    /// The window has passed.
    #[error("voting closed at {closes_at}")]
    VotingWindowPassed {
        /// When it closed.
        closes_at: Timestamp,
    },
    /// The round is closed or annulled.
    #[error("round {round} is not open")]
    RoundNotOpen {
        /// The round.
        round: RoundId,
    },
    /// The library is not in the round's frozen electorate.
    #[error("library {library} is not in the electorate of round {round}")]
    NotInElectorate {
        /// The library.
        library: LibraryId,
        /// The round.
        round: RoundId,
    },
    /// Closing before `closes_at` while some eligible libraries have not voted.
    #[error("{missing} eligible libraries have not voted and the window runs until {closes_at}")]
    VotesMissing {
        /// How many have not voted.
        missing: u32,
        /// When the window ends.
        closes_at: Timestamp,
    },
    /// The round is not closed (certification needs a closed round).
    #[error("round {round} is not closed")]
    RoundNotClosed {
        /// The round.
        round: RoundId,
    },
    /// The round is already certified (or annulled after certification is impossible).
    #[error("round {round} is already certified")]
    AlreadyCertified {
        /// The round.
        round: RoundId,
    },
    /// The signed digest differs from the tally recomputed from the log.
    #[error("tally digest {given} differs from the recomputed {expected}")]
    TallyDigestMismatch {
        /// What the signer signed.
        given: String,
        /// What the log says.
        expected: String,
    },
    /// The member signed this round already.
    #[error("member {member} already signed round {round}")]
    AlreadySigned {
        /// The member.
        member: ActorId,
        /// The round.
        round: RoundId,
    },
    /// Advice needs a certified round.
    #[error("round {round} is not certified")]
    RoundNotCertified {
        /// The round.
        round: RoundId,
    },
    /// Advice needs an adopted result.
    #[error("round {round} did not adopt the proposal")]
    RoundNotAdopted {
        /// The round.
        round: RoundId,
    },
    /// Advice was already sent on this round.
    #[error("advice on round {round} was already sent")]
    AdviceAlreadySent {
        /// The round.
        round: RoundId,
    },
    /// A government decision was already recorded for this advice.
    #[error("a decision on this advice is already recorded")]
    DecisionAlreadyRecorded,
    /// The period ends before it starts.
    #[error("the period ends before it starts")]
    InvalidPeriod,
    /// A document hash is not 64 lowercase hex characters.
    #[error("document hash must be 64 lowercase hex characters")]
    InvalidDocumentHash,
    /// A document's address is not an `https://` or `http://` URL without spaces.
    #[error("a document's url must start with https:// or http:// and hold no spaces")]
    InvalidUrl,
    /// A criteria list is empty, has duplicates or a weight outside 1..=100.
    #[error("criteria must be non-empty, unique, with weights 1 to 100")]
    InvalidCriteria,
    /// Criteria cannot change once sheets are scored with them.
    #[error("criteria are locked: sheets were scored with them")]
    CriteriaLocked,
    /// No criteria are set yet.
    #[error("no criteria are set")]
    NoCriteria,
    /// A score outside 0..=10.
    #[error("score {score} is outside 0..=10")]
    ScoreOutOfRange {
        /// The score given.
        score: i64,
    },
    /// A ranking is empty or names a sheet twice.
    #[error("a ranking must be non-empty and name each sheet once")]
    InvalidRanking,
    /// A newsletter range that is empty, reversed, beyond the log, or not contiguous
    /// with the previous issue.
    #[error("newsletter must cover [{expected_from}, n) with n <= {head}")]
    InvalidNewsletterRange {
        /// Where the next issue must start.
        expected_from: Position,
        /// The log's length when the command was decided.
        head: Position,
    },
    /// A `score_sheets` command holds no row, or more than the most one command takes.
    #[error("a score sheet must hold 1 to {max} scores (got {got})")]
    ScoreCount {
        /// The most rows one command takes.
        max: usize,
        /// The rows given.
        got: usize,
    },
    /// A `score_sheets` command scores the same sheet on the same criterion twice.
    #[error("score {row} repeats sheet {sheet} on criterion {criterion} of score {first}")]
    DuplicateScore {
        /// The repeating row, from 1.
        row: usize,
        /// The row it repeats, from 1.
        first: usize,
        /// The sheet.
        sheet: SheetId,
        /// The criterion.
        criterion: CriterionId,
    },
    /// A member tried to record another member's score.
    #[error("actor {actor} may not score for member {member}")]
    ScoringForAnotherMember {
        /// Who tried.
        actor: ActorId,
        /// The member the row names.
        member: ActorId,
    },
    /// One row of a `score_sheets` command is refused, so the whole command is: nothing
    /// of it is recorded. Its code is the row's own (`unknown_criterion`).
    #[error("score {row} (sheet {sheet}, criterion {criterion}): {rejection}; no score of this command was recorded")]
    InScore {
        /// The refused row, from 1.
        row: usize,
        /// Its sheet.
        sheet: SheetId,
        /// Its criterion.
        criterion: CriterionId,
        /// Why it is refused.
        rejection: Box<Rejection>,
    },
    /// A signature is needed and the command carries none: a vote in a round whose votes
    /// must be signed, or a certification.
    #[error("this {act} must carry {actor}'s signature (ARCHITECTURE.md, \"Author signatures\")")]
    SignatureRequired {
        /// Who sent it.
        actor: ActorId,
        /// What needs the signature: `vote`, `certification`.
        act: &'static str,
    },
    /// The signature does not verify with the author key in force for the actor.
    #[error("the signature of {actor} does not verify: {detail}")]
    SignatureInvalid {
        /// Who sent it.
        actor: ActorId,
        /// Why.
        detail: String,
    },
    /// A signature cannot be checked: the actor has no author key in force.
    #[error("{actor} has no registered author key")]
    NoAuthorKey {
        /// Who sent it.
        actor: ActorId,
    },
    /// An author key that is not a note verifier key named after its actor.
    #[error("invalid author key for {actor}: {detail}")]
    InvalidAuthorKey {
        /// Whose key.
        actor: ActorId,
        /// Why.
        detail: String,
    },
    /// The key to revoke (or to register) is not (or is already) the one in force.
    #[error("that key is not the author key in force for {actor}")]
    AuthorKeyNotInForce {
        /// Whose key.
        actor: ActorId,
    },
    /// The key is already the author key in force.
    #[error("that key is already the author key in force for {actor}")]
    AuthorKeyAlreadyInForce {
        /// Whose key.
        actor: ActorId,
    },
    /// Only an actor itself or the secretariat may register or revoke its key.
    #[error("{actor} may not register or revoke the key of {owner}")]
    KeyOfAnotherActor {
        /// Who tried.
        actor: ActorId,
        /// Whose key.
        owner: ActorId,
    },
}

/// `a`, `a or b`, `a, b or c`.
fn role_list(roles: &[RoleKind]) -> String {
    let names: Vec<String> = roles.iter().map(RoleKind::to_string).collect();
    match names.split_last() {
        None => "(none)".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

impl Rejection {
    /// `actor` holds none of `allowed`, the role kinds that may issue the command.
    pub fn not_permitted(actor: &ActorId, allowed: &[RoleKind]) -> Rejection {
        Rejection::NotPermitted {
            actor: actor.clone(),
            needed: allowed.first().copied().unwrap_or(RoleKind::Secretariat),
            allowed: allowed.to_vec(),
        }
    }

    /// The broad class, for status mapping.
    pub fn kind(&self) -> RejectionKind {
        match self {
            Rejection::NotPermitted { .. }
            | Rejection::ActingForAnotherLibrary { .. }
            | Rejection::ScoringForAnotherMember { .. }
            | Rejection::KeyOfAnotherActor { .. } => RejectionKind::Forbidden,
            Rejection::InScore { rejection, .. } => rejection.kind(),
            _ => RejectionKind::Domain,
        }
    }

    /// A stable snake_case code for this reason, e.g. `tally_digest_mismatch`; a missing
    /// or taken id names its kind (`unknown_proposal`, `round_exists`, `invalid_round_id`).
    pub fn code(&self) -> String {
        match self {
            Rejection::Unknown { kind, .. } => format!("unknown_{kind}"),
            Rejection::AlreadyExists { kind, .. } => format!("{kind}_exists"),
            Rejection::InvalidId { kind, .. } => format!("invalid_{kind}_id"),
            Rejection::InScore { rejection, .. } => rejection.code(),
            _ => serde_json::to_value(self)
                .ok()
                .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
                .unwrap_or_else(|| "rejected".to_owned()),
        }
    }

    /// The rejection as JSON for people and programs: its fields, with `reason` the
    /// specific [`Rejection::code`].
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(map) = value.as_object_mut() {
            map.insert("reason".to_owned(), serde_json::Value::String(self.code()));
            if let Rejection::InScore { rejection, .. } = self {
                map.insert("rejection".to_owned(), rejection.to_json());
            }
        }
        value
    }
}
