//! Who votes in the demo round, how, in which order, and with which remarks.
//!
//! Exactly [`VOTERS`] libraries vote. The choices are fixed by a formula and then a few
//! smaller libraries say no or abstain until the yes share of the represented
//! inhabitants rounds to exactly 92%, the figure of the real May 2023 round. Some
//! libraries change their vote once; the earlier ballot stays in the plan (and so in the
//! history) and the last one counts. This module must never read anything but the
//! electorate it is given.

use std::collections::BTreeMap;

use ledger_core::{Choice, LibraryId, Rule, Tally};

use crate::draw::{below, mix};
use crate::electorate::DemoLibrary;
use crate::texts::{REMARKS_ABSTAIN, REMARKS_NO, REMARKS_YES, REMARK_ENDINGS};

/// How many libraries vote.
pub const VOTERS: usize = 190;

/// The yes share of the represented inhabitants, in whole percent, that the plan aims at.
pub const YES_PERCENT: &str = "92";

const SERIES_TURNOUT: u64 = 31;
const SERIES_ORDER: u64 = 32;
const SERIES_DISSENT: u64 = 33;
const SERIES_CHANGE: u64 = 34;
const SERIES_REMARK: u64 = 35;
const SERIES_REMARK_TEXT: u64 = 36;
const SERIES_REMARK_ENDING: u64 = 37;

/// A changed vote comes this many ballots after the library's first one.
const CHANGE_DELAY: usize = 30;

/// One vote as a library casts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    /// The library voting (its account acts for it).
    pub library: LibraryId,
    /// Its choice.
    pub choice: Choice,
    /// Its remark, if any.
    pub remark: Option<String>,
    /// Whether this ballot changes the library's earlier vote.
    pub changes_earlier_vote: bool,
}

/// The votes of the round: every ballot in casting order and the choice that counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VotePlan {
    /// Every ballot, changes included, in the order they are cast.
    pub ballots: Vec<Ballot>,
    /// The last choice of each library that voted.
    pub final_choices: BTreeMap<LibraryId, Choice>,
}

/// Plans the votes of `electorate` (which must be the whole frozen electorate).
pub(crate) fn plan(electorate: &[DemoLibrary]) -> VotePlan {
    let voters = pick_voters(electorate);
    let final_choices = choose(electorate, &voters);
    let ballots = cast_order(electorate, &voters, &final_choices);
    VotePlan {
        ballots,
        final_choices,
    }
}

/// The indexes of the voting libraries: every library of 40,000 inhabitants or more (the
/// cities and regional towns all take part), then smaller ones by a fixed draw.
fn pick_voters(electorate: &[DemoLibrary]) -> Vec<usize> {
    let mut order: Vec<(bool, u64, usize)> = electorate
        .iter()
        .enumerate()
        .map(|(i, l)| (l.inhabitants < 40_000, mix(SERIES_TURNOUT, i as u64), i))
        .collect();
    order.sort_unstable();
    let mut voters: Vec<usize> = order.into_iter().take(VOTERS).map(|(_, _, i)| i).collect();
    // Ballots arrive in an order unrelated to size or id.
    voters.sort_unstable_by_key(|i| mix(SERIES_ORDER, *i as u64));
    voters
}

/// The final choices: yes by default; then libraries below 100,000 inhabitants, in a
/// fixed order, say no (two in three) or abstain (one in three) until the yes share
/// rounds to [`YES_PERCENT`]. A dissent that would overshoot below it is skipped.
fn choose(electorate: &[DemoLibrary], voters: &[usize]) -> BTreeMap<LibraryId, Choice> {
    let weights: BTreeMap<LibraryId, u64> = electorate
        .iter()
        .map(|l| (l.id.clone(), l.inhabitants))
        .collect();
    let mut choices: BTreeMap<LibraryId, Choice> = voters
        .iter()
        .map(|i| (electorate[*i].id.clone(), Choice::Yes))
        .collect();
    let mut candidates: Vec<usize> = voters
        .iter()
        .copied()
        .filter(|i| electorate[*i].inhabitants < 100_000)
        .collect();
    candidates.sort_unstable_by_key(|i| mix(SERIES_DISSENT, *i as u64));
    let percent = |choices: &BTreeMap<LibraryId, Choice>| -> u32 {
        Tally::count(&weights, choices)
            .yes_share_of_inhabitants(&Rule::default())
            .and_then(|share| share.percent(0).parse().ok())
            .unwrap_or(0)
    };
    let target: u32 = YES_PERCENT.parse().unwrap_or(0);
    let mut dissents = 0usize;
    for i in candidates {
        if percent(&choices) <= target {
            break;
        }
        let dissent = if dissents % 3 == 2 {
            Choice::Abstain
        } else {
            Choice::No
        };
        let id = electorate[i].id.clone();
        choices.insert(id.clone(), dissent);
        if percent(&choices) < target {
            choices.insert(id, Choice::Yes);
        } else {
            dissents += 1;
        }
    }
    choices
}

/// Every ballot in casting order: each voter's first ballot in arrival order, and for
/// about one voter in sixteen a changed ballot [`CHANGE_DELAY`] ballots later.
fn cast_order(
    electorate: &[DemoLibrary],
    voters: &[usize],
    final_choices: &BTreeMap<LibraryId, Choice>,
) -> Vec<Ballot> {
    let mut slotted: Vec<(usize, Ballot)> = Vec::with_capacity(voters.len() + voters.len() / 8);
    for (k, i) in voters.iter().enumerate() {
        let library = &electorate[*i].id;
        let last = final_choices.get(library).copied().unwrap_or(Choice::Yes);
        let index = *i as u64;
        let changes = below(SERIES_CHANGE, index, 16) == 0;
        if changes {
            let first = match (last, k % 2) {
                (Choice::Yes, 0) => Choice::Abstain,
                (Choice::Yes, _) => Choice::No,
                (Choice::No, _) => Choice::Yes,
                (Choice::Abstain, _) => Choice::No,
            };
            slotted.push((2 * k, ballot(library, index, first, 0, false)));
            let later = 2 * (k + CHANGE_DELAY).min(voters.len()) + 1;
            slotted.push((later, ballot(library, index, last, 1, true)));
        } else {
            slotted.push((2 * k, ballot(library, index, last, 0, false)));
        }
    }
    slotted.sort_by_key(|(slot, _)| *slot);
    slotted.into_iter().map(|(_, b)| b).collect()
}

/// One ballot with its remark: every no vote explains itself, half of the abstentions
/// and a quarter of the yes votes carry a remark.
fn ballot(
    library: &LibraryId,
    index: u64,
    choice: Choice,
    nth: u64,
    changes_earlier_vote: bool,
) -> Ballot {
    let draw = index * 2 + nth;
    let (share, texts): (u64, &[&str]) = match choice {
        Choice::Yes => (25, &REMARKS_YES),
        Choice::No => (100, &REMARKS_NO),
        Choice::Abstain => (50, &REMARKS_ABSTAIN),
    };
    let remark = (below(SERIES_REMARK, draw, 100) < share).then(|| {
        let text = texts[below(SERIES_REMARK_TEXT, draw, texts.len() as u64) as usize];
        let ending = if below(SERIES_REMARK_ENDING, draw, 3) == 0 {
            REMARK_ENDINGS[below(SERIES_REMARK_ENDING, draw + 7_919, 4) as usize]
        } else {
            ""
        };
        format!("{text}{ending}")
    });
    Ballot {
        library: library.clone(),
        choice,
        remark,
        changes_earlier_vote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::electorate::electorate;

    #[test]
    fn the_plan_has_190_voters_a_few_dissents_and_some_changes() {
        let libraries = electorate();
        let plan = plan(&libraries);
        assert_eq!(plan.final_choices.len(), VOTERS);
        let no = plan
            .final_choices
            .values()
            .filter(|c| **c == Choice::No)
            .count();
        let abstain = plan
            .final_choices
            .values()
            .filter(|c| **c == Choice::Abstain)
            .count();
        assert!((1..=40).contains(&no), "{no} no votes");
        assert!((1..=20).contains(&abstain), "{abstain} abstentions");
        let changes = plan
            .ballots
            .iter()
            .filter(|b| b.changes_earlier_vote)
            .count();
        assert!((4..=25).contains(&changes), "{changes} changes");
        assert_eq!(plan.ballots.len(), VOTERS + changes);
        let remarks = plan.ballots.iter().filter(|b| b.remark.is_some()).count();
        assert!(
            remarks * 10 >= plan.ballots.len() * 2 && remarks * 10 <= plan.ballots.len() * 5,
            "{remarks} remarks"
        );
    }

    #[test]
    fn a_change_always_follows_the_first_ballot_and_differs_from_it() {
        let plan = plan(&electorate());
        for (at, ballot) in plan.ballots.iter().enumerate() {
            if ballot.changes_earlier_vote {
                let first = plan.ballots[..at]
                    .iter()
                    .find(|b| b.library == ballot.library)
                    .map(|b| b.choice);
                assert!(first.is_some_and(|c| c != ballot.choice));
            }
        }
    }
}
