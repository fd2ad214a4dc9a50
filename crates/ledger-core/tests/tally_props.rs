//! Properties of the tally over random electorates and vote sequences: it equals a naive
//! recount of each library's last vote, its shares stay within 0..=1, more support never
//! lowers the yes share, and displayed percentages stay within 0..=100.
//!
//! The recount here is deliberately simple (a vector indexed by library, overwritten in
//! order) so it shares no code with `Tally::count`. This file must never use floating
//! point to check integer arithmetic.

mod common;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use common::{at, Ledger};
use ledger_core::amount::MAX_INHABITANTS;
use ledger_core::tally::Abstentions;
use ledger_core::{
    ActorId, Choice, Command, LibraryId, NisCode, ProposalId, Ratio, Rejection, RejectionKind,
    Role, RoundId, Rule, Tally,
};
use proptest::prelude::*;

fn library(i: usize) -> LibraryId {
    LibraryId::new(format!("lib-{i:03}"))
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![Just(Choice::Yes), Just(Choice::No), Just(Choice::Abstain)]
}

/// An electorate of 1 to 59 weights and a sequence of (voter index, choice), where the
/// same library may vote several times (changes).
fn electorate_and_votes() -> impl Strategy<Value = (Vec<u64>, Vec<(usize, Choice)>)> {
    prop::collection::vec(1..=MAX_INHABITANTS, 1..60).prop_flat_map(|weights| {
        let n = weights.len();
        (
            Just(weights),
            prop::collection::vec((0..n, choice()), 0..120),
        )
    })
}

fn rule() -> impl Strategy<Value = Rule> {
    prop_oneof![
        Just(Rule::default()),
        Just(Rule {
            abstentions: Abstentions::NotRepresented,
            ..Rule::default()
        }),
    ]
}

/// Per choice (yes, no, abstain): libraries and inhabitants of each library's last vote.
fn naive(weights: &[u64], votes: &[(usize, Choice)]) -> [(u32, u64); 3] {
    let mut last: Vec<Option<Choice>> = vec![None; weights.len()];
    for (voter, choice) in votes {
        last[*voter] = Some(*choice);
    }
    let mut counts = [(0u32, 0u64); 3];
    for (weight, choice) in weights.iter().zip(last) {
        let slot = match choice {
            Some(Choice::Yes) => 0,
            Some(Choice::No) => 1,
            Some(Choice::Abstain) => 2,
            None => continue,
        };
        counts[slot].0 += 1;
        counts[slot].1 += weight;
    }
    counts
}

fn count(weights: &[u64], votes: &[(usize, Choice)]) -> Tally {
    let electorate: BTreeMap<LibraryId, u64> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (library(i), *w))
        .collect();
    let mut last = BTreeMap::new();
    for (voter, choice) in votes {
        last.insert(library(*voter), *choice);
    }
    Tally::count(&electorate, &last)
}

fn as_pairs(tally: &Tally) -> [(u32, u64); 3] {
    [
        (tally.yes.libraries, tally.yes.inhabitants),
        (tally.no.libraries, tally.no.inhabitants),
        (tally.abstain.libraries, tally.abstain.inhabitants),
    ]
}

fn proper(share: Option<Ratio>) -> bool {
    share.is_none_or(|s| s.numerator <= s.denominator)
}

/// `None` (nobody in the base) counts as lowest, so gaining a base never "lowers" it.
fn not_lower(after: Option<Ratio>, before: Option<Ratio>) -> bool {
    match (after, before) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => a.cmp_exact(&b) != Ordering::Less,
    }
}

proptest! {
    #[test]
    fn count_equals_a_naive_recount_of_last_votes((weights, votes) in electorate_and_votes()) {
        let tally = count(&weights, &votes);
        let expected = naive(&weights, &votes);
        prop_assert_eq!(as_pairs(&tally), expected);
        prop_assert_eq!(tally.eligible.libraries as usize, weights.len());
        prop_assert_eq!(tally.eligible.inhabitants, weights.iter().sum::<u64>());
        prop_assert_eq!(
            tally.cast.libraries,
            expected.iter().map(|c| c.0).sum::<u32>()
        );
        prop_assert_eq!(
            tally.cast.inhabitants,
            expected.iter().map(|c| c.1).sum::<u64>()
        );
    }

    /// The constant-time fold the projections use: each vote moves one library's weight
    /// from its previous choice to the new one, and after any sequence of votes and
    /// changed votes the result is the recount of the final ballots.
    #[test]
    fn replacing_votes_one_by_one_equals_counting_the_last_votes(
        (weights, votes) in electorate_and_votes(),
    ) {
        let mut folded = count(&weights, &[]);
        let mut last: Vec<Option<Choice>> = vec![None; weights.len()];
        for (i, (voter, choice)) in votes.iter().enumerate() {
            folded.replace_vote(weights[*voter], last[*voter], *choice);
            last[*voter] = Some(*choice);
            // Every prefix agrees, not only the whole sequence.
            prop_assert_eq!(folded, count(&weights, &votes[..=i]));
        }
        prop_assert_eq!(folded, count(&weights, &votes));
    }

    #[test]
    fn shares_never_exceed_one(
        (weights, votes) in electorate_and_votes(),
        rule in rule(),
    ) {
        let tally = count(&weights, &votes);
        prop_assert!(proper(tally.yes_share_of_inhabitants(&rule)));
        prop_assert!(proper(tally.yes_share_of_libraries(&rule)));
        prop_assert!(proper(tally.participation()));
    }

    #[test]
    fn a_new_yes_vote_never_lowers_the_yes_share(
        (weights, votes) in electorate_and_votes(),
        rule in rule(),
        pick in any::<prop::sample::Index>(),
    ) {
        let voted: Vec<bool> = (0..weights.len())
            .map(|i| votes.iter().any(|(v, _)| *v == i))
            .collect();
        let silent: Vec<usize> = (0..weights.len()).filter(|i| !voted[*i]).collect();
        prop_assume!(!silent.is_empty());
        let newcomer = silent[pick.index(silent.len())];
        let before = count(&weights, &votes);
        let mut more = votes.clone();
        more.push((newcomer, Choice::Yes));
        let after = count(&weights, &more);
        prop_assert!(not_lower(
            after.yes_share_of_inhabitants(&rule),
            before.yes_share_of_inhabitants(&rule)
        ));
        prop_assert!(not_lower(
            after.yes_share_of_libraries(&rule),
            before.yes_share_of_libraries(&rule)
        ));
        prop_assert!(after.outcome(&rule) != ledger_core::Outcome::Rejected
            || before.outcome(&rule) == ledger_core::Outcome::Rejected);
    }

    #[test]
    fn turning_a_no_into_a_yes_never_lowers_the_yes_share(
        (weights, votes) in electorate_and_votes(),
        rule in rule(),
        pick in any::<prop::sample::Index>(),
    ) {
        let before = count(&weights, &votes);
        let mut last: BTreeMap<usize, Choice> = BTreeMap::new();
        for (voter, choice) in &votes {
            last.insert(*voter, *choice);
        }
        let no_voters: Vec<usize> = last
            .iter()
            .filter(|(_, c)| **c == Choice::No)
            .map(|(v, _)| *v)
            .collect();
        prop_assume!(!no_voters.is_empty());
        let convert = no_voters[pick.index(no_voters.len())];
        let mut changed = votes.clone();
        changed.push((convert, Choice::Yes));
        let after = count(&weights, &changed);
        prop_assert!(not_lower(
            after.yes_share_of_inhabitants(&rule),
            before.yes_share_of_inhabitants(&rule)
        ));
        prop_assert_eq!(after.cast, before.cast);
    }

    #[test]
    fn percent_strings_parse_and_lie_between_0_and_100(
        numerator in 0u64..=u64::MAX / 2,
        extra in 0u64..=u64::MAX / 2,
        digits in 0u32..=4,
    ) {
        let denominator = numerator + extra;
        prop_assume!(denominator > 0);
        let text = Ratio::new(numerator, denominator).unwrap().percent(digits);
        let (whole, fraction) = match text.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (text.as_str(), None),
        };
        prop_assert_eq!(fraction.map_or(0, str::len), digits as usize);
        let whole: u32 = whole.parse().unwrap();
        let fraction: u64 = fraction.map_or(Ok(0), str::parse).unwrap();
        prop_assert!(whole <= 100);
        prop_assert!(whole < 100 || fraction == 0, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The same property through the whole path: commands decided, events folded, and
    /// the round's tally compared with the naive recount.
    #[test]
    fn a_ledger_round_tallies_like_the_naive_recount((weights, votes) in electorate_and_votes()) {
        let mut ledger = Ledger::new();
        let t = at("2023-05-01T08:00:00Z");
        ledger.run("operator", Command::InitializeLedger {
            origin: "prop.local/ledger".into(),
            secretariat: ActorId::new("sec"),
        }, t);
        for member in ["m1", "m2"] {
            ledger.run("sec", Command::GrantRole {
                actor: ActorId::new(member),
                role: Role::SteeringMember,
            }, t);
        }
        for (i, weight) in weights.iter().enumerate() {
            ledger.run("sec", Command::RegisterLibrary {
                library: library(i),
                name: format!("Bibliotheek {i}"),
                municipalities: vec![NisCode(format!("{:05}", 10_000 + i))],
                inhabitants: i128::from(*weight),
            }, t);
            ledger.run("sec", Command::GrantRole {
                actor: ActorId::new(library(i).as_str()),
                role: Role::Library(library(i)),
            }, t);
        }
        ledger.run("sec", Command::FileProposal {
            proposal: ProposalId::new("p-1"),
            title: "Voorstel".into(),
            text: "Tekst.".into(),
            budget_cents_per_year: 100,
            trial: false,
        }, t);
        let round = RoundId::new("r-1");
        ledger.run("sec", Command::OpenRound {
            title: None,
            round: round.clone(),
            proposal: ProposalId::new("p-1"),
            opens_at: None,
            closes_at: at("2023-06-01T00:00:00Z"),
            rule: None,
            trial: false,
            live_results: false,
            signed_votes: Some(ledger_core::SignedVotes::Optional),
        }, t);
        let voting = at("2023-05-15T10:00:00Z");
        // A library's ballots beyond the bound are refused and count for nothing.
        let mut accepted = Vec::new();
        let mut cast: BTreeMap<usize, u32> = BTreeMap::new();
        for (voter, choice) in &votes {
            let vote = Command::CastVote {
                round: round.clone(),
                library: library(*voter),
                choice: *choice,
                remark: None,
                signature: None,
            };
            let ballots = cast.entry(*voter).or_default();
            if *ballots < ledger_core::MAX_BALLOTS_PER_LIBRARY {
                ledger.run(library(*voter).as_str(), vote, voting);
                *ballots += 1;
                accepted.push((*voter, *choice));
            } else {
                let refused = ledger.refuse(library(*voter).as_str(), vote, voting, RejectionKind::Domain);
                let too_many = matches!(refused, Rejection::TooManyBallots { .. });
                prop_assert!(too_many);
            }
        }
        let tally = ledger.state.rounds[&round].tally();
        prop_assert_eq!(as_pairs(&tally), naive(&weights, &accepted));
        prop_assert_eq!(ledger.state.rounds[&round].ballots_cast as usize, accepted.len());
    }
}
