//! The May 2023 decision cycle end to end with a fixed clock: 190 libraries vote, 92% of
//! the represented inhabitants agree, two members certify, the advice goes out and the
//! government's decision is recorded.
//!
//! The tally is checked against a recount made here from the envelopes alone (the
//! weights the secretariat registered, the last ballot of each library), never from the
//! ledger's own counting code. This test must never read a wall clock.

mod common;

use std::collections::BTreeMap;

use common::Ledger;
use ledger_core::chain::check_link;
use ledger_core::event::Verdict;
use ledger_core::record::RecordHash;
use ledger_core::state::RoundStatus;
use ledger_core::{
    ActorId, Choice, Command, Date, Event, LibraryId, Outcome, Rule, Tally, Timestamp,
};
use ledger_demo::scenario::{MEMBERS, ROUND};
use ledger_demo::{Scenario, Step};

/// Inhabitants per library as registered by the setup envelopes.
fn registered_weights(setup: &[Step]) -> BTreeMap<LibraryId, u64> {
    setup
        .iter()
        .filter_map(|s| match &s.envelope.command {
            Command::RegisterLibrary {
                library,
                inhabitants,
                ..
            } => Some((library.clone(), u64::try_from(*inhabitants).unwrap())),
            _ => None,
        })
        .collect()
}

/// Per choice: (libraries, inhabitants), from the last ballot of each library.
fn naive_recount(
    weights: &BTreeMap<LibraryId, u64>,
    votes: &[Step],
) -> BTreeMap<Choice, (u32, u64)> {
    let mut last: BTreeMap<LibraryId, Choice> = BTreeMap::new();
    for step in votes {
        if let Command::CastVote {
            library, choice, ..
        } = &step.envelope.command
        {
            // The account votes for itself: the actor is the library.
            assert_eq!(step.envelope.actor.as_str(), library.as_str());
            last.insert(library.clone(), *choice);
        }
    }
    let mut per_choice = BTreeMap::new();
    for (library, choice) in last {
        let entry = per_choice.entry(choice).or_insert((0u32, 0u64));
        entry.0 += 1;
        entry.1 += weights[&library];
    }
    per_choice
}

struct Replayed {
    scenario: Scenario,
    ledger: Ledger,
    setup: Vec<Step>,
    votes: Vec<Step>,
}

/// Setup, votes and close, at the scenario's suggested instants.
fn replay_until_closed() -> Replayed {
    let scenario = Scenario::may_2023();
    let mut ledger = Ledger::new();
    let setup = scenario.setup();
    let votes = scenario.votes();
    ledger.replay(&setup);
    ledger.replay(&votes);
    ledger.replay(&[scenario.close()]);
    Replayed {
        scenario,
        ledger,
        setup,
        votes,
    }
}

#[test]
fn the_round_closes_with_190_libraries_and_92_percent_matching_a_naive_recount() {
    let Replayed {
        scenario,
        ledger,
        setup,
        votes,
    } = replay_until_closed();
    let weights = registered_weights(&setup);
    assert_eq!(weights.len(), 300);
    let recount = naive_recount(&weights, &votes);
    let get = |c: Choice| recount.get(&c).copied().unwrap_or((0, 0));
    let (yes, no, abstain) = (get(Choice::Yes), get(Choice::No), get(Choice::Abstain));

    let Some(Event::RoundClosed(closed)) = ledger.records.last().map(|r| r.record.event().unwrap())
    else {
        panic!("the last record is not the close");
    };
    let tally: Tally = closed.tally;
    assert_eq!(tally.cast.libraries, 190);
    assert_eq!(
        (tally.yes.libraries, tally.yes.inhabitants),
        yes,
        "yes count"
    );
    assert_eq!((tally.no.libraries, tally.no.inhabitants), no, "no count");
    assert_eq!(
        (tally.abstain.libraries, tally.abstain.inhabitants),
        abstain,
        "abstain count"
    );
    assert_eq!(tally.cast.inhabitants, yes.1 + no.1 + abstain.1);
    assert_eq!(tally.eligible.libraries, 300);
    assert_eq!(tally.eligible.inhabitants, weights.values().sum::<u64>());
    assert!(no.0 > 0 && abstain.0 > 0, "a few no votes and abstentions");

    // 92% whole, checked by hand as well: 91.5% <= yes share < 92.5%.
    let share = tally.yes_share_of_inhabitants(&Rule::default()).unwrap();
    assert_eq!(share.percent(0), "92");
    let (y, cast) = (u128::from(yes.1), u128::from(tally.cast.inhabitants));
    assert!(200 * y >= 183 * cast && 200 * y < 185 * cast);
    assert_eq!(closed.outcome, Outcome::Adopted);
    assert!(!closed.closed_early);

    // Changed votes: the earlier ballot stays in the history, the last one counts.
    let round = &ledger.state.rounds[&scenario.round()];
    assert_eq!(round.status, RoundStatus::Closed);
    assert_eq!(round.ballots_cast as usize, votes.len());
    assert!(votes.len() > 190);
    let replacing = ledger
        .records
        .iter()
        .filter_map(|r| match r.record.event().unwrap() {
            Event::VoteCast(v) if v.replaces_earlier_vote => Some(v),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert_eq!(replacing.len(), votes.len() - 190);
    for changed in &replacing {
        assert_eq!(round.votes[&changed.library], changed.choice);
    }
    let remarks = votes
        .iter()
        .filter(|s| {
            matches!(
                &s.envelope.command,
                Command::CastVote {
                    remark: Some(_),
                    ..
                }
            )
        })
        .count();
    assert!(
        remarks > 20 && remarks < votes.len() / 2,
        "{remarks} remarks"
    );
}

#[test]
fn certification_needs_the_second_signature_then_advice_and_decision_follow() {
    let Replayed {
        scenario,
        mut ledger,
        ..
    } = replay_until_closed();
    let round_id = scenario.round();
    let after = scenario.after_close(&ledger.state).unwrap();
    let expected_digest = ledger.state.rounds[&round_id].tally().digest(&round_id);

    // First signature: signed, not yet certified.
    let events = ledger.accept(&after[0].envelope, after[0].at);
    assert!(matches!(
        events.as_slice(),
        [Event::CertificationSigned(s)] if s.member.as_str() == MEMBERS[0] && s.tally_digest == expected_digest
    ));
    assert!(!ledger.state.rounds[&round_id].certified);

    // Second signature: certified, with both signers and the adopted outcome.
    let events = ledger.accept(&after[1].envelope, after[1].at);
    let [Event::CertificationSigned(_), Event::ResultCertified(certified)] = events.as_slice()
    else {
        panic!("second signature did not certify: {events:?}");
    };
    assert_eq!(
        certified.signers,
        [ActorId::new(MEMBERS[0]), ActorId::new(MEMBERS[1])]
    );
    assert_eq!(certified.outcome, Outcome::Adopted);
    assert_eq!(certified.tally_digest, expected_digest);
    assert!(ledger.state.rounds[&round_id].certified);

    // Advice to the Flemish government.
    let events = ledger.accept(&after[2].envelope, after[2].at);
    let [Event::AdviceSent(advice)] = events.as_slice() else {
        panic!("no advice: {events:?}");
    };
    assert_eq!(advice.recipient, "Vlaamse overheid");
    assert_eq!(advice.round.as_str(), ROUND);
    assert!(advice.text.contains("190 bibliotheken") && advice.text.contains("92%"));

    // Criteria (September) and project sheets come before the government's decision
    // inside the autumn's management agreement.
    ledger.replay(&after[3..7]);
    let events = ledger.accept(&after[7].envelope, after[7].at);
    let [Event::GovernmentDecisionRecorded(decision)] = events.as_slice() else {
        panic!("no decision: {events:?}");
    };
    assert_eq!(decision.verdict, Verdict::Approved);
    assert_eq!(decision.amount_per_year.0, 20_000_000);
    assert_eq!(decision.period_start, Date::parse("2024-01-01").unwrap());
    assert_eq!(decision.period_end, Date::parse("2028-12-31").unwrap());
    assert!(decision
        .document_reference
        .contains("Beheersovereenkomst 2024-2028"));
    assert_eq!(
        decision.document_blake3,
        ledger_demo::decision_document_blake3()
    );

    // Scores and priorities.
    ledger.replay(&after[8..]);
    assert_eq!(ledger.state.criteria.len(), 3);
    assert_eq!(ledger.state.sheets.len(), 3);
    assert!(ledger
        .state
        .sheets
        .values()
        .all(|s| s.scores.len() == 3 * MEMBERS.len()));
    assert_eq!(
        ledger.state.priorities,
        Some(ledger_demo::priority_ranking())
    );

    // A newsletter covering the whole cycle; the next one would cover only the first
    // issue's own record, since issuing is itself on the record.
    let issue = scenario.newsletter(&ledger.state, 1).unwrap();
    let cycle_length = ledger.state.length;
    assert!(matches!(
        &issue.command,
        Command::IssueNewsletter { covers_from, covers_to, .. }
            if covers_from.0 == 0 && covers_to.0 == cycle_length
    ));
    let last = after.last().unwrap().at.plus_seconds(86_400);
    ledger.accept(&issue, last);
    let Some(Command::IssueNewsletter {
        covers_from,
        covers_to,
        ..
    }) = scenario.newsletter(&ledger.state, 2).map(|e| e.command)
    else {
        panic!("no second issue");
    };
    assert_eq!(
        (covers_from.0, covers_to.0),
        (cycle_length, cycle_length + 1)
    );
}

#[test]
fn the_demo_log_chains_and_is_identical_on_every_replay() {
    let first = replay_until_closed().ledger;
    let second = replay_until_closed().ledger;
    assert_eq!(first.head, second.head);
    let mut prev = RecordHash::GENESIS;
    for (position, sealed) in first.records.iter().enumerate() {
        let (checked, _) = check_link(position as u64, prev, sealed.bytes.clone()).unwrap();
        assert_eq!(checked.hash, sealed.hash);
        prev = checked.hash;
    }
    assert_eq!(prev, first.head.hash);
}

#[test]
fn the_scenario_refuses_to_certify_before_the_close() {
    let scenario = Scenario::may_2023();
    let mut ledger = Ledger::new();
    ledger.replay(&scenario.setup());
    assert!(scenario.after_close(&ledger.state).is_err());
    // The close itself is refused inside the window while libraries have not voted.
    let early: Timestamp = scenario.closes_at().plus_seconds(-1);
    let close = scenario.close();
    assert!(matches!(
        ledger.submit(&close.envelope, early),
        Err(ledger_core::Rejection::VotesMissing { missing: 300, .. })
    ));
}
