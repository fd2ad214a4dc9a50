//! Read models of the governance ledger as pure folds over its records: the views the
//! read API serves, round results with exact shares, time travel, snapshots, the
//! newsletter digest and the pagination the API shares.
//!
//! Architecture Invariant: this crate does no I/O, opens no database, serves no HTTP and
//! reads no clock. Its only input is records in position order, as `(Sealed, Event)`
//! pairs the store has already checked; everything it shows is derived from them, so a
//! model rebuilt from position 0 always equals one kept current record by record.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod counts;
mod digest;
mod error;
mod keys;
mod model;
mod page;
mod project;
mod proposal;
mod registry;
mod round;
mod snapshot;
mod wire;

pub use counts::{CountsView, LiveTallyView};
pub use digest::{
    Digest, GeneralDigest, LibraryChange, LibraryRetirement, ProposalDigest, RoleChange,
    RoundAnnulment, RoundOpening, SheetFiling, SheetScoring, SignatureDigest, VotingDigest,
};
pub use error::ProjectionError;
pub use keys::AuthorKeyView;
pub use model::{Applied, HeadView, Overview, ReadModel};
pub use page::{page, Page, PageKey, PageQuery, DEFAULT_LIMIT, MAX_LIMIT};
pub use project::{
    CriteriaView, CriterionScoreView, CriterionView, ExactDecimal, MemberScoreView, NewsletterView,
    PrioritiesView, SheetView,
};
pub use proposal::{
    AdviceView, DecisionView, DocumentView, ProposalView, Step, SupersededAdvice,
    SupersededDecision, TimelineStep,
};
pub use registry::{ActorNameView, ActorView, LibraryView};
pub use round::{
    AnnulmentView, BallotView, CertificationView, ClosingView, ElectorView, NotVotedView,
    RemarkView, ResultWarning, RoundResult, RoundStatusView, RoundSummary, RoundView,
    SignatureView, VoteView, WindowChangeView, WithdrawnCertificationView,
};
pub use snapshot::{SnapshotInfo, SNAPSHOT_VERSION};
pub use wire::{
    AbstentionsView, ChoiceView, CountView, Fraction, OutcomeView, PercentBaseView, RuleView,
    Share, TallyView, VerdictView, PERCENT_DIGITS,
};
