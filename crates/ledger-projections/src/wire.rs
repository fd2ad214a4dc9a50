//! The small value types every view shares: choices, outcomes, verdicts, counts, tallies,
//! rules and exact shares, each with an OpenAPI schema.
//!
//! ledger-core's own types carry JSON Schemas (schemars) but no OpenAPI schemas, so the
//! views use these mirrors and convert at the edge. This module must never do arithmetic
//! of its own on shares: it only calls `Ratio` and `Tally`, so the numbers a reader sees
//! are exactly the ones `decide` judged, and it must never use floating point.

use ledger_core::event::Verdict;
use ledger_core::tally::Abstentions;
use ledger_core::{Choice, Count, Outcome, PercentBase, Ratio, Rule, Tally};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Decimals shown in `Share::percent` (the whole-number form is `percent_rounded`).
pub const PERCENT_DIGITS: u32 = 2;

/// How a library voted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceView {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Neither.
    Abstain,
}

impl ChoiceView {
    /// The wire word (`yes`, `no`, `abstain`), as in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        Choice::from(self).as_str()
    }
}

impl From<Choice> for ChoiceView {
    fn from(choice: Choice) -> Self {
        match choice {
            Choice::Yes => ChoiceView::Yes,
            Choice::No => ChoiceView::No,
            Choice::Abstain => ChoiceView::Abstain,
        }
    }
}

impl From<ChoiceView> for Choice {
    fn from(choice: ChoiceView) -> Self {
        match choice {
            ChoiceView::Yes => Choice::Yes,
            ChoiceView::No => Choice::No,
            ChoiceView::Abstain => Choice::Abstain,
        }
    }
}

/// The result of a round: pending while it is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeView {
    /// Still open.
    Pending,
    /// The rule is met.
    Adopted,
    /// The rule is not met, or the round was annulled.
    Rejected,
}

impl OutcomeView {
    /// The wire word (`pending`, `adopted`, `rejected`), as in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeView::Pending => "pending",
            OutcomeView::Adopted => "adopted",
            OutcomeView::Rejected => "rejected",
        }
    }
}

impl From<Outcome> for OutcomeView {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Pending => OutcomeView::Pending,
            Outcome::Adopted => OutcomeView::Adopted,
            Outcome::Rejected => OutcomeView::Rejected,
        }
    }
}

/// What the government decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictView {
    /// Granted as advised.
    Approved,
    /// Not granted.
    Rejected,
    /// Granted with changes.
    Amended,
}

impl From<Verdict> for VerdictView {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Approved => VerdictView::Approved,
            Verdict::Rejected => VerdictView::Rejected,
            Verdict::Amended => VerdictView::Amended,
        }
    }
}

/// Which votes make 100% in `yes_share_of_represented_inhabitants`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PercentBaseView {
    /// Inhabitants represented by all votes cast, abstentions included.
    InhabitantsOfAllVotesCast,
    /// Inhabitants represented by yes and no votes only.
    InhabitantsOfYesAndNoVotes,
}

impl From<PercentBase> for PercentBaseView {
    fn from(base: PercentBase) -> Self {
        match base {
            PercentBase::InhabitantsOfAllVotesCast => PercentBaseView::InhabitantsOfAllVotesCast,
            PercentBase::InhabitantsOfYesAndNoVotes => PercentBaseView::InhabitantsOfYesAndNoVotes,
        }
    }
}

/// Whether abstentions count in the base of the shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbstentionsView {
    /// Abstaining libraries are represented.
    Represented,
    /// Abstentions are left out of the base.
    NotRepresented,
}

/// An exact fraction as the rule states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Fraction {
    /// The part.
    pub numerator: u64,
    /// The whole.
    pub denominator: u64,
}

impl From<Ratio> for Fraction {
    fn from(ratio: Ratio) -> Self {
        Self {
            numerator: ratio.numerator,
            denominator: ratio.denominator,
        }
    }
}

impl From<Fraction> for Ratio {
    fn from(fraction: Fraction) -> Self {
        Ratio {
            numerator: fraction.numerator,
            denominator: fraction.denominator,
        }
    }
}

/// An exact share with its display forms, e.g. `{1102861, 1272861, "86.64", "87"}`.
///
/// Both percentages are rounded half to even from the exact fraction; compare
/// `numerator/denominator`, never the strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Share {
    /// The part.
    pub numerator: u64,
    /// The whole (never zero: a share over nothing is null instead).
    pub denominator: u64,
    /// The percentage with [`PERCENT_DIGITS`] decimals, e.g. `"86.64"`.
    pub percent: String,
    /// The whole-number percentage, e.g. `"87"`.
    pub percent_rounded: String,
}

impl Share {
    /// The share `numerator / denominator`; `None` when the denominator is zero.
    pub fn new(numerator: u64, denominator: u64) -> Option<Share> {
        Ratio::new(numerator, denominator).map(Share::of)
    }

    /// The display forms of an exact ratio with a non-zero denominator.
    fn of(ratio: Ratio) -> Share {
        Share {
            numerator: ratio.numerator,
            denominator: ratio.denominator,
            percent: ratio.percent(PERCENT_DIGITS),
            percent_rounded: ratio.percent(0),
        }
    }

    /// The share of an optional ratio (core returns `None` for an empty base).
    pub(crate) fn of_ratio(ratio: Option<Ratio>) -> Option<Share> {
        ratio.and_then(|r| Share::new(r.numerator, r.denominator))
    }
}

/// A number of libraries and the inhabitants they represent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountView {
    /// Libraries.
    pub libraries: u32,
    /// Inhabitants they represent.
    pub inhabitants: u64,
}

impl From<Count> for CountView {
    fn from(count: Count) -> Self {
        Self {
            libraries: count.libraries,
            inhabitants: count.inhabitants,
        }
    }
}

impl From<CountView> for Count {
    fn from(count: CountView) -> Self {
        Count {
            libraries: count.libraries,
            inhabitants: count.inhabitants,
        }
    }
}

/// The counts of a round: eligible, cast and per choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TallyView {
    /// The frozen electorate.
    pub eligible: CountView,
    /// Libraries that voted (their last vote).
    pub cast: CountView,
    /// Yes votes.
    pub yes: CountView,
    /// No votes.
    pub no: CountView,
    /// Abstentions.
    pub abstain: CountView,
}

impl From<Tally> for TallyView {
    fn from(tally: Tally) -> Self {
        Self {
            eligible: tally.eligible.into(),
            cast: tally.cast.into(),
            yes: tally.yes.into(),
            no: tally.no.into(),
            abstain: tally.abstain.into(),
        }
    }
}

impl From<TallyView> for Tally {
    fn from(tally: TallyView) -> Self {
        Tally {
            eligible: tally.eligible.into(),
            cast: tally.cast.into(),
            yes: tally.yes.into(),
            no: tally.no.into(),
            abstain: tally.abstain.into(),
        }
    }
}

/// The decision rule of a round, as fixed when it opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RuleView {
    /// The yes share must be strictly greater than this.
    pub threshold: Fraction,
    /// Whether abstentions are in the base.
    pub abstentions: AbstentionsView,
    /// Participation quorum (cast over eligible inhabitants), if any.
    pub quorum: Option<Fraction>,
    /// Whether the share of libraries must pass the threshold too.
    pub double_majority: bool,
    /// Steering-group signatures needed to certify.
    pub signatures_required: u32,
}

impl From<Rule> for RuleView {
    fn from(rule: Rule) -> Self {
        Self {
            threshold: rule.threshold.into(),
            abstentions: match rule.abstentions {
                Abstentions::Represented => AbstentionsView::Represented,
                Abstentions::NotRepresented => AbstentionsView::NotRepresented,
            },
            quorum: rule.quorum.map(Fraction::from),
            double_majority: rule.double_majority,
            signatures_required: rule.signatures_required,
        }
    }
}

impl From<RuleView> for Rule {
    fn from(rule: RuleView) -> Self {
        Rule {
            threshold: rule.threshold.into(),
            abstentions: match rule.abstentions {
                AbstentionsView::Represented => Abstentions::Represented,
                AbstentionsView::NotRepresented => Abstentions::NotRepresented,
            },
            quorum: rule.quorum.map(Ratio::from),
            double_majority: rule.double_majority,
            signatures_required: rule.signatures_required,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_over_nothing_is_null_and_others_round_half_to_even() {
        assert_eq!(Share::new(3, 0), None);
        let share = Share::new(1, 8).unwrap();
        assert_eq!(share.percent, "12.50");
        assert_eq!(share.percent_rounded, "12");
        assert_eq!(Share::new(2, 3).unwrap().percent, "66.67");
    }

    #[test]
    fn rules_survive_the_round_trip_through_the_view() {
        let rule = Rule {
            quorum: Ratio::new(1, 3),
            double_majority: true,
            abstentions: Abstentions::NotRepresented,
            ..Rule::default()
        };
        assert_eq!(Rule::from(RuleView::from(rule)), rule);
    }
}
