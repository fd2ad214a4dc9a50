//! The tally of a vote round: exact integer counts, exact rational shares, the rule that
//! turns them into an outcome, and the digest that certifiers sign.
//!
//! Everything here is integer arithmetic: shares are compared by cross-multiplying in
//! `u128`, and percentages are only produced as decimal strings rounded half-to-even at the
//! very end. This module must never use floating point, and never round before comparing.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{LibraryId, RoundId};
use crate::rejection::Rejection;

/// How a library voted.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// In favour of the proposal.
    Yes,
    /// Against the proposal.
    No,
    /// Neither; represented in the base unless the rule says otherwise.
    Abstain,
}

impl Choice {
    /// The lower-case word used on every wire (`yes`, `no`, `abstain`).
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
        }
    }
}

/// A number of libraries and the inhabitants they represent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Count {
    /// How many libraries.
    pub libraries: u32,
    /// How many inhabitants they represent together.
    pub inhabitants: u64,
}

impl Count {
    fn remove(&mut self, inhabitants: u64) {
        self.libraries = self.libraries.saturating_sub(1);
        self.inhabitants = self.inhabitants.saturating_sub(inhabitants);
    }

    fn add(&mut self, inhabitants: u64) {
        // Electorates are bounded (u32 libraries, each <= MAX_INHABITANTS), so these sums
        // cannot overflow in practice; saturating keeps a corrupted input from panicking.
        self.libraries = self.libraries.saturating_add(1);
        self.inhabitants = self.inhabitants.saturating_add(inhabitants);
    }
}

/// An exact fraction `numerator / denominator` of non-negative integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Ratio {
    /// The part.
    pub numerator: u64,
    /// The whole; never zero in a valid rule or share.
    pub denominator: u64,
}

impl Ratio {
    /// `numerator / denominator`; `None` for a zero denominator.
    pub fn new(numerator: u64, denominator: u64) -> Option<Self> {
        (denominator != 0).then_some(Self {
            numerator,
            denominator,
        })
    }

    /// One half, the default threshold.
    pub const HALF: Ratio = Ratio {
        numerator: 1,
        denominator: 2,
    };

    /// Compares two fractions exactly.
    pub fn cmp_exact(&self, other: &Ratio) -> Ordering {
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        left.cmp(&right)
    }

    /// The fraction as a percentage with `digits` decimals, rounded half to even,
    /// e.g. `92` or `92.31`.
    pub fn percent(&self, digits: u32) -> String {
        let scale = 10u128.pow(digits.min(18));
        let scaled_num = u128::from(self.numerator) * 100 * scale;
        let den = u128::from(self.denominator);
        let mut quotient = scaled_num / den;
        let remainder = scaled_num % den;
        match (remainder * 2).cmp(&den) {
            Ordering::Greater => quotient += 1,
            Ordering::Equal if quotient % 2 == 1 => quotient += 1,
            _ => {}
        }
        if digits == 0 {
            return quotient.to_string();
        }
        let whole = quotient / scale;
        let frac = quotient % scale;
        format!("{whole}.{frac:0width$}", width = digits as usize)
    }
}

/// Whether abstentions count in the base that makes 100%.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Abstentions {
    /// Abstaining libraries are represented: the base is every vote cast.
    #[default]
    Represented,
    /// Abstentions are left out: the base is yes + no.
    NotRepresented,
}

/// The decision rule of a round, fixed when it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The yes share must be strictly greater than this (default one half).
    #[serde(default = "default_threshold")]
    pub threshold: Ratio,
    /// Whether abstentions are in the base.
    #[serde(default)]
    pub abstentions: Abstentions,
    /// Optional participation quorum: cast inhabitants over eligible inhabitants must be
    /// at least this.
    #[serde(default)]
    pub quorum: Option<Ratio>,
    /// If set, the share of libraries must also pass the threshold.
    #[serde(default)]
    pub double_majority: bool,
    /// Steering-group signatures needed to certify the result.
    #[serde(default = "default_signatures")]
    pub signatures_required: u32,
}

fn default_threshold() -> Ratio {
    Ratio::HALF
}

fn default_signatures() -> u32 {
    2
}

impl Default for Rule {
    fn default() -> Self {
        Self {
            threshold: Ratio::HALF,
            abstentions: Abstentions::Represented,
            quorum: None,
            double_majority: false,
            signatures_required: default_signatures(),
        }
    }
}

impl Rule {
    /// Checks that the rule can be applied: proper fractions below one, at least one
    /// signature.
    pub fn check(&self) -> Result<(), Rejection> {
        let proper = |r: &Ratio| r.denominator != 0 && r.numerator < r.denominator;
        let quorum_ok = self
            .quorum
            .is_none_or(|q| q.denominator != 0 && q.numerator <= q.denominator);
        if !proper(&self.threshold) || !quorum_ok || self.signatures_required == 0 {
            return Err(Rejection::InvalidRule);
        }
        Ok(())
    }
}

/// The result of a round as far as the votes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The round is still open.
    Pending,
    /// The rule is met.
    Adopted,
    /// The rule is not met (including a tie, a missed quorum, no votes).
    Rejected,
}

/// Which votes make 100% in the reported share, so "92%" can never be read two ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PercentBase {
    /// Inhabitants represented by all votes cast, abstentions included.
    InhabitantsOfAllVotesCast,
    /// Inhabitants represented by yes and no votes only.
    InhabitantsOfYesAndNoVotes,
}

/// Counts of one round: eligible, cast and per choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Tally {
    /// The frozen electorate.
    pub eligible: Count,
    /// Libraries that voted (their last vote).
    pub cast: Count,
    /// Yes votes.
    pub yes: Count,
    /// No votes.
    pub no: Count,
    /// Abstentions.
    pub abstain: Count,
}

impl Tally {
    /// Counts the last vote of each library against its frozen weight.
    ///
    /// `electorate` maps each eligible library to its weight; `last_votes` maps each
    /// library that voted to its last choice. A vote from outside the electorate cannot
    /// be in `last_votes` (decide refuses it), and is ignored here if it were.
    pub fn count(
        electorate: &BTreeMap<LibraryId, u64>,
        last_votes: &BTreeMap<LibraryId, Choice>,
    ) -> Tally {
        let mut tally = Tally::default();
        for weight in electorate.values() {
            tally.eligible.add(*weight);
        }
        for (library, choice) in last_votes {
            let Some(weight) = electorate.get(library) else {
                continue;
            };
            tally.cast.add(*weight);
            match choice {
                Choice::Yes => tally.yes.add(*weight),
                Choice::No => tally.no.add(*weight),
                Choice::Abstain => tally.abstain.add(*weight),
            }
        }
        tally
    }

    /// Moves one library's last vote from `previous` (none if it had not voted) to
    /// `new`, with its frozen `weight`: the same tally [`Tally::count`] gives for the new
    /// last votes, in constant time (for folds over long vote histories).
    pub fn replace_vote(&mut self, weight: u64, previous: Option<Choice>, new: Choice) {
        match previous {
            Some(Choice::Yes) => self.yes.remove(weight),
            Some(Choice::No) => self.no.remove(weight),
            Some(Choice::Abstain) => self.abstain.remove(weight),
            None => self.cast.add(weight),
        }
        match new {
            Choice::Yes => self.yes.add(weight),
            Choice::No => self.no.add(weight),
            Choice::Abstain => self.abstain.add(weight),
        }
    }

    /// The base of the shares under `rule`.
    pub fn base(&self, rule: &Rule) -> Count {
        match rule.abstentions {
            Abstentions::Represented => self.cast,
            Abstentions::NotRepresented => Count {
                libraries: self.yes.libraries.saturating_add(self.no.libraries),
                inhabitants: self.yes.inhabitants.saturating_add(self.no.inhabitants),
            },
        }
    }

    /// Which votes make 100% under `rule`.
    pub fn percent_base(rule: &Rule) -> PercentBase {
        match rule.abstentions {
            Abstentions::Represented => PercentBase::InhabitantsOfAllVotesCast,
            Abstentions::NotRepresented => PercentBase::InhabitantsOfYesAndNoVotes,
        }
    }

    /// Yes inhabitants over the represented inhabitants; `None` when nobody is in the base.
    pub fn yes_share_of_inhabitants(&self, rule: &Rule) -> Option<Ratio> {
        Ratio::new(self.yes.inhabitants, self.base(rule).inhabitants)
    }

    /// Yes libraries over the libraries in the base; `None` when nobody is in the base.
    pub fn yes_share_of_libraries(&self, rule: &Rule) -> Option<Ratio> {
        Ratio::new(
            u64::from(self.yes.libraries),
            u64::from(self.base(rule).libraries),
        )
    }

    /// Cast inhabitants over eligible inhabitants.
    pub fn participation(&self) -> Option<Ratio> {
        Ratio::new(self.cast.inhabitants, self.eligible.inhabitants)
    }

    /// Whether the quorum of `rule` is met (always, when there is none).
    pub fn quorum_met(&self, rule: &Rule) -> bool {
        match rule.quorum {
            None => true,
            Some(q) => self
                .participation()
                .is_some_and(|p| p.cmp_exact(&q) != Ordering::Less),
        }
    }

    /// The outcome once the round is closed: adopted only if the quorum is met and the
    /// yes share (and, for a double majority, the library share) is strictly above the
    /// threshold. A tie at the threshold is not adopted.
    pub fn outcome(&self, rule: &Rule) -> Outcome {
        let passes = |share: Option<Ratio>| {
            share.is_some_and(|s| s.cmp_exact(&rule.threshold) == Ordering::Greater)
        };
        let adopted = self.quorum_met(rule)
            && passes(self.yes_share_of_inhabitants(rule))
            && (!rule.double_majority || passes(self.yes_share_of_libraries(rule)));
        if adopted {
            Outcome::Adopted
        } else {
            Outcome::Rejected
        }
    }

    /// The digest certifiers sign, as 64 lowercase hex characters.
    ///
    /// BLAKE3 in derive-key mode with context [`TALLY_DIGEST_CONTEXT`] over, in order:
    /// the round id as u32 big-endian length then its UTF-8 bytes; then for eligible, cast,
    /// yes, no, abstain in that order: libraries as u32 big-endian and inhabitants as u64
    /// big-endian. 4 + len + 5 * 12 bytes in all.
    pub fn digest(&self, round: &RoundId) -> String {
        let mut hasher = blake3::Hasher::new_derive_key(TALLY_DIGEST_CONTEXT);
        let id = round.as_str().as_bytes();
        // Ids are at most 128 bytes, so the length always fits.
        hasher.update(&u32::try_from(id.len()).unwrap_or(u32::MAX).to_be_bytes());
        hasher.update(id);
        for count in [self.eligible, self.cast, self.yes, self.no, self.abstain] {
            hasher.update(&count.libraries.to_be_bytes());
            hasher.update(&count.inhabitants.to_be_bytes());
        }
        hasher.finalize().to_hex().to_string()
    }
}

/// The BLAKE3 derive-key context of tally digests; changing it is a format change.
pub const TALLY_DIGEST_CONTEXT: &str = "governance-ledger 2026-11-29 tally digest v1";

#[cfg(test)]
mod tests {
    use super::*;

    fn lib(i: u32) -> LibraryId {
        LibraryId::new(format!("lib-{i}"))
    }

    #[test]
    fn percent_rounds_half_to_even() {
        let r = |n, d| Ratio::new(n, d).unwrap();
        assert_eq!(r(1, 8).percent(1), "12.5");
        assert_eq!(r(1, 8).percent(0), "12");
        assert_eq!(r(3, 8).percent(0), "38");
        assert_eq!(r(1, 3).percent(2), "33.33");
        assert_eq!(r(2, 3).percent(2), "66.67");
        assert_eq!(r(1, 1).percent(0), "100");
        assert_eq!(r(0, 7).percent(3), "0.000");
        assert_eq!(r(1, 200).percent(0), "0");
        assert_eq!(r(3, 200).percent(0), "2");
    }

    #[test]
    fn a_tie_is_not_adopted_and_one_more_inhabitant_is() {
        let electorate = BTreeMap::from([(lib(1), 100), (lib(2), 100), (lib(3), 1)]);
        let mut votes = BTreeMap::from([(lib(1), Choice::Yes), (lib(2), Choice::No)]);
        let rule = Rule::default();
        assert_eq!(
            Tally::count(&electorate, &votes).outcome(&rule),
            Outcome::Rejected
        );
        votes.insert(lib(3), Choice::Yes);
        assert_eq!(
            Tally::count(&electorate, &votes).outcome(&rule),
            Outcome::Adopted
        );
    }

    #[test]
    fn abstentions_move_the_base_only_when_the_rule_says_so() {
        let electorate = BTreeMap::from([(lib(1), 60), (lib(2), 30), (lib(3), 40)]);
        let votes = BTreeMap::from([
            (lib(1), Choice::Yes),
            (lib(2), Choice::No),
            (lib(3), Choice::Abstain),
        ]);
        let tally = Tally::count(&electorate, &votes);
        let represented = Rule::default();
        let excluded = Rule {
            abstentions: Abstentions::NotRepresented,
            ..Rule::default()
        };
        assert_eq!(
            tally.yes_share_of_inhabitants(&represented),
            Ratio::new(60, 130)
        );
        assert_eq!(tally.outcome(&represented), Outcome::Rejected);
        assert_eq!(
            tally.yes_share_of_inhabitants(&excluded),
            Ratio::new(60, 90)
        );
        assert_eq!(tally.outcome(&excluded), Outcome::Adopted);
    }

    #[test]
    fn quorum_and_double_majority_can_each_block_adoption() {
        // One big yes library, three small no libraries, two that stay away.
        let electorate = BTreeMap::from([
            (lib(1), 1000),
            (lib(2), 10),
            (lib(3), 10),
            (lib(4), 10),
            (lib(5), 500),
            (lib(6), 500),
        ]);
        let votes = BTreeMap::from([
            (lib(1), Choice::Yes),
            (lib(2), Choice::No),
            (lib(3), Choice::No),
            (lib(4), Choice::No),
        ]);
        let tally = Tally::count(&electorate, &votes);
        assert_eq!(tally.outcome(&Rule::default()), Outcome::Adopted);
        let double = Rule {
            double_majority: true,
            ..Rule::default()
        };
        assert_eq!(tally.outcome(&double), Outcome::Rejected);
        let quorum = Rule {
            quorum: Ratio::new(2, 3),
            ..Rule::default()
        };
        // 1030 of 2030 inhabitants took part: below two thirds.
        assert_eq!(tally.outcome(&quorum), Outcome::Rejected);
    }

    #[test]
    fn nobody_voting_is_rejected_not_a_division_by_zero() {
        let electorate = BTreeMap::from([(lib(1), 5)]);
        let tally = Tally::count(&electorate, &BTreeMap::new());
        assert_eq!(tally.yes_share_of_inhabitants(&Rule::default()), None);
        assert_eq!(tally.outcome(&Rule::default()), Outcome::Rejected);
    }

    #[test]
    fn digest_commits_to_every_count_and_the_round() {
        let electorate = BTreeMap::from([(lib(1), 5), (lib(2), 7)]);
        let votes = BTreeMap::from([(lib(1), Choice::Yes)]);
        let tally = Tally::count(&electorate, &votes);
        let round = RoundId::new("r-1");
        let digest = tally.digest(&round);
        assert_eq!(digest.len(), 64);
        assert_ne!(digest, tally.digest(&RoundId::new("r-2")));
        let mut other = tally;
        other.no.inhabitants += 1;
        assert_ne!(digest, other.digest(&round));
    }

    #[test]
    fn rule_validation() {
        assert!(Rule::default().check().is_ok());
        let bad = Rule {
            threshold: Ratio {
                numerator: 1,
                denominator: 0,
            },
            ..Rule::default()
        };
        assert_eq!(bad.check(), Err(Rejection::InvalidRule));
        let all = Rule {
            threshold: Ratio {
                numerator: 2,
                denominator: 2,
            },
            ..Rule::default()
        };
        assert_eq!(all.check(), Err(Rejection::InvalidRule));
    }
}
