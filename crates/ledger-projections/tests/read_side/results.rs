//! Round results, timelines, votes and sheets as the read API shows them.

use ledger_core::{LibraryId, ProposalId, RoundId, SheetId};
use ledger_projections::{
    ChoiceView, CountView, CountsView, LiveTallyView, OutcomeView, PercentBaseView, ReadModel,
    RoundStatusView, Share, Step, VerdictView,
};

use crate::fixture::{full_cycle, PROPOSAL, ROUND, SECRETARIAT};

fn count(libraries: u32, inhabitants: u64) -> CountView {
    CountView {
        libraries,
        inhabitants,
    }
}

fn share(numerator: u64, denominator: u64, percent: &str, rounded: &str) -> Option<Share> {
    Some(Share {
        numerator,
        denominator,
        percent: percent.into(),
        percent_rounded: rounded.into(),
    })
}

#[test]
fn the_closed_round_shows_the_stated_tally_with_exact_shares() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let result = model.round_result(&RoundId::new(ROUND)).unwrap();

    assert_eq!(result.status, RoundStatusView::Closed);
    assert_eq!(result.outcome, OutcomeView::Adopted);
    assert!(result.certified);
    // Eleven libraries: lib-12 was retired before the vote, lib-03 counts with its
    // updated 120,000 inhabitants, lib-01 with the 529,247 frozen at the opening.
    assert_eq!(result.eligible, count(11, 1_302_861));
    assert_eq!(result.cast, count(9, 1_272_861));
    assert_eq!(result.counts, CountsView::Shown);
    assert_eq!(result.yes, Some(count(6, 1_102_861)));
    assert_eq!(result.no, Some(count(2, 110_000)));
    assert_eq!(result.abstain, Some(count(1, 60_000)));
    assert_eq!(
        result.yes_share_of_represented_inhabitants,
        share(1_102_861, 1_272_861, "86.64", "87")
    );
    assert_eq!(
        result.percent_base,
        PercentBaseView::InhabitantsOfAllVotesCast
    );
    assert_eq!(result.yes_share_of_libraries, share(6, 9, "66.67", "67"));
    assert_eq!(
        result.participation,
        share(1_272_861, 1_302_861, "97.70", "98")
    );
    assert_eq!(result.threshold, share(1, 2, "50.00", "50"));
    assert_eq!(result.quorum, None);
    assert!(result.quorum_met);
    assert!(!result.double_majority);
    assert_eq!((result.signatures, result.signatures_required), (2, 2));
    assert_eq!(result.ballots_cast, 10);
    assert_eq!(result.closed_at, Some(cycle.marks.closed));
    assert_eq!(result.closed_early, Some(false));
    assert_eq!(result.certified_at, Some(cycle.marks.certified));
    assert_eq!(result.annulled_at, None);
    // The digest shown is the one the members signed and the one decide recomputes.
    let state_round = &cycle.ledger.state.rounds[&RoundId::new(ROUND)];
    assert_eq!(
        result.tally_digest,
        Some(state_round.tally().digest(&RoundId::new(ROUND)))
    );
    assert_eq!(
        result.tally_digest,
        Some(
            model.certifications()[&RoundId::new(ROUND)]
                .tally_digest
                .clone()
        )
    );

    // The JSON a reader gets.
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(
        json["yes_share_of_represented_inhabitants"]["percent"],
        "86.64"
    );
    assert_eq!(json["percent_base"], "inhabitants_of_all_votes_cast");
    assert_eq!(json["outcome"], "adopted");
    assert_eq!(json["status"], "closed");
    assert_eq!(json["eligible"]["inhabitants"], 1_302_861);
    assert_eq!(json["opens_at"], "2023-05-08T09:00:00Z");
    assert_eq!(json["quorum"], serde_json::Value::Null);
}

#[test]
fn an_open_round_shows_the_live_tally_as_pending() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    // Just after lib-02 changed its no into a yes.
    let model = ReadModel::as_of(records, cycle.marks.changed_vote + 1);
    let result = model.round_result(&RoundId::new(ROUND)).unwrap();
    assert_eq!(result.status, RoundStatusView::Open);
    assert_eq!(result.outcome, OutcomeView::Pending);
    assert!(!result.certified);
    assert_eq!(result.cast, count(7, 1_202_861));
    assert_eq!(result.counts, CountsView::Shown);
    assert_eq!(result.yes, Some(count(5, 1_062_861)));
    assert_eq!(
        result.yes_share_of_represented_inhabitants,
        share(1_062_861, 1_202_861, "88.36", "88")
    );
    assert_eq!(result.closed_at, None);
    assert_eq!(result.certified_at, None);

    // Before any vote the shares over nobody are null, not a division by zero.
    let model = ReadModel::as_of(records, cycle.marks.first_vote);
    let result = model.round_result(&RoundId::new(ROUND)).unwrap();
    assert_eq!(result.cast, count(0, 0));
    assert_eq!(result.yes_share_of_represented_inhabitants, None);
    assert_eq!(result.yes_share_of_libraries, None);
    assert_eq!(result.participation, share(0, 1_302_861, "0.00", "0"));

    // The second e-book round is still open at the end of the log; it froze lib-01's
    // later population of 530,000.
    let model = ReadModel::as_of(records, u64::MAX);
    let result = model.round_result(&RoundId::new("r-ebooks-b")).unwrap();
    assert_eq!(result.outcome, OutcomeView::Pending);
    assert_eq!(result.eligible, count(11, 1_303_614));
    assert_eq!(result.cast, count(2, 180_000));
    assert_eq!(result.participation.unwrap().percent, "13.81");
}

/// A round opened without live results shows its turnout while open and nothing per
/// choice: not in its result, its live tally, its votes or its ballots, also in reads of
/// the past. The close puts every choice back where a live round would have it.
#[test]
fn an_open_round_without_live_results_shows_only_its_turnout_until_the_close() {
    use ledger_core::command::Command;

    let mut cycle = full_cycle();
    let id = RoundId::new("r-ebooks-b");
    let open = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let result = open.round_result(&id).unwrap();
    assert_eq!(result.counts, CountsView::AtClose);
    assert_eq!((result.yes, result.no, result.abstain), (None, None, None));
    assert_eq!(result.yes_share_of_represented_inhabitants, None);
    assert_eq!(result.yes_share_of_libraries, None);
    assert_eq!(result.tally_digest, None);
    assert_eq!(result.cast, count(2, 180_000));
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["counts"], "at_close");
    assert_eq!(json["yes"], serde_json::Value::Null);
    let round = &open.rounds()[&id];
    assert_eq!(round.counts, CountsView::AtClose);
    assert_eq!(round.live.complete(), None);
    assert_eq!(round.live.cast, count(2, 180_000));
    assert!(round.votes.values().all(|v| v.choice.is_none()));
    let lib04 = open.ballots(&id, &LibraryId::new("lib-04")).unwrap();
    assert!(!lib04.is_empty() && lib04.iter().all(|b| b.choice.is_none()));
    let json = serde_json::to_string(round).unwrap();
    // No choice as a value anywhere, no count per choice.
    for word in [
        ":\"yes\"",
        ":\"no\"",
        ":\"abstain\"",
        "\"yes\":{",
        "\"no\":{",
    ] {
        assert!(!json.contains(word), "{word} in {json}");
    }

    cycle.ledger.at("2024-01-02T09:00:00Z");
    let closed_at = cycle
        .ledger
        .submit(SECRETARIAT, Command::CloseRound { round: id.clone() })
        .start;
    let closed = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let result = closed.round_result(&id).unwrap();
    assert_eq!(result.counts, CountsView::Shown);
    let state_round = &cycle.ledger.state.rounds[&id];
    let tally = state_round.tally();
    assert_eq!(result.yes, Some(tally.yes.into()));
    assert_eq!(result.no, Some(tally.no.into()));
    assert_eq!(result.tally_digest, Some(tally.digest(&id)));
    let round = &closed.rounds()[&id];
    assert_eq!(round.live.complete(), Some(tally.into()));
    assert_eq!(
        round.votes[&LibraryId::new("lib-04")].choice,
        Some(ChoiceView::Yes)
    );
    let lib04 = closed.ballots(&id, &LibraryId::new("lib-04")).unwrap();
    assert!(lib04.iter().all(|b| b.choice.is_some()));
    // The past before the close still shows only the turnout.
    let before = ReadModel::as_of(&cycle.ledger.records, closed_at);
    assert_eq!(before.round_result(&id).unwrap().yes, None);
}

#[test]
fn an_annulled_round_is_shown_as_annulled_and_rejected() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let result = model.round_result(&RoundId::new("r-ebooks-a")).unwrap();
    assert_eq!(result.status, RoundStatusView::Annulled);
    assert_eq!(result.outcome, OutcomeView::Rejected);
    assert_eq!(result.annulled_at, Some(cycle.marks.annulled));
    assert_eq!(result.cast, count(1, 529_247));
    let round = &model.rounds()[&RoundId::new("r-ebooks-a")];
    assert_eq!(
        round.annulment.as_ref().unwrap().reason,
        "The wrong text was put to the vote."
    );
}

#[test]
fn the_timeline_lists_every_step_in_order_with_positions() {
    let cycle = full_cycle();
    let m = &cycle.marks;
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);

    let proposal = &model.proposals()[&ProposalId::new(PROPOSAL)];
    let steps: Vec<(Step, u64, Option<&str>)> = proposal
        .timeline
        .iter()
        .map(|s| (s.step, s.position, s.round.as_ref().map(|r| r.as_str())))
        .collect();
    assert_eq!(
        steps,
        vec![
            (Step::Filed, m.filed, None),
            (Step::Amended, m.amended, None),
            (Step::InVote, m.opened, Some(ROUND)),
            (Step::Voted, m.closed, Some(ROUND)),
            (Step::Certified, m.certified, Some(ROUND)),
            (Step::AdviceSent, m.advice, Some(ROUND)),
            (Step::GovernmentDecided, m.decision, None),
        ]
    );
    assert_eq!(proposal.status, Step::GovernmentDecided);
    assert_eq!(proposal.title, "Micro-subsidies ILV centraal inzetten");
    let voted = &proposal.timeline[3];
    assert_eq!(voted.outcome, Some(OutcomeView::Adopted));
    assert_eq!(voted.recorded_at.to_rfc3339(), "2023-05-22T09:00:00Z");
    let decided = &proposal.timeline[6];
    assert_eq!(decided.verdict, Some(VerdictView::Approved));
    assert_eq!(decided.decision.as_ref().unwrap().as_str(), "d-bo-2024");
    assert_eq!(
        serde_json::to_value(proposal).unwrap()["status"],
        "government_decided"
    );

    let withdrawn = &model.proposals()[&ProposalId::new("p-wd")];
    let steps: Vec<Step> = withdrawn.timeline.iter().map(|s| s.step).collect();
    assert_eq!(steps, vec![Step::Filed, Step::Withdrawn]);
    assert_eq!(withdrawn.status, Step::Withdrawn);

    let ebooks = &model.proposals()[&ProposalId::new("p-ebooks")];
    let steps: Vec<(Step, u64)> = ebooks
        .timeline
        .iter()
        .map(|s| (s.step, s.position))
        .collect();
    assert_eq!(
        steps,
        vec![
            (Step::Filed, ebooks.timeline[0].position),
            (Step::InVote, m.opened + 1),
            (Step::Annulled, m.annulled),
            (Step::InVote, m.second_round_opened),
        ]
    );
    assert_eq!(ebooks.status, Step::InVote);
    // Positions strictly increase along every timeline.
    for proposal in model.proposals().values() {
        assert!(proposal
            .timeline
            .windows(2)
            .all(|w| w[0].position < w[1].position));
    }
}

#[test]
fn votes_keep_every_ballot_and_remarks_mark_the_superseded_ones() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let round = &model.rounds()[&RoundId::new(ROUND)];

    let gent = &round.votes[&LibraryId::new("lib-02")];
    assert_eq!(gent.choice, Some(ChoiceView::Yes));
    assert_eq!(gent.position, cycle.marks.changed_vote);
    assert_eq!(gent.ballots, 2);
    let history: Vec<(Option<ChoiceView>, u64)> = model
        .ballots(&RoundId::new(ROUND), &LibraryId::new("lib-02"))
        .expect("the round exists")
        .iter()
        .map(|b| (b.choice, b.position))
        .collect();
    assert_eq!(
        history,
        vec![
            (Some(ChoiceView::No), cycle.marks.first_vote + 1),
            (Some(ChoiceView::Yes), cycle.marks.changed_vote)
        ]
    );

    let remarks: Vec<(&str, &str, bool)> = round
        .remarks
        .iter()
        .map(|r| (r.library.as_str(), &*r.text, r.superseded))
        .collect();
    assert_eq!(
        remarks,
        vec![
            (
                "lib-02",
                "First look at the effect on small libraries.",
                true
            ),
            ("lib-03", "Good proposal.", false),
            ("lib-02", "After consultation: agreed.", false),
        ]
    );
    assert_eq!(round.ballots_cast, 10);
    assert_eq!(round.votes.len(), 9);
    let genk = &round.votes[&LibraryId::new("lib-09")];
    assert_eq!(
        (genk.choice, genk.position),
        (Some(ChoiceView::No), cycle.marks.last_vote)
    );
    assert_eq!(genk.recorded_at.to_rfc3339(), "2023-05-15T14:30:00Z");

    // The electorate is frozen: lib-01 grew after the close, the round did not.
    let antwerpen = round
        .electorate
        .iter()
        .find(|e| e.library.as_str() == "lib-01")
        .unwrap();
    assert_eq!(antwerpen.inhabitants, 529_247);
    let library = &model.libraries()[&LibraryId::new("lib-01")];
    assert_eq!(library.inhabitants, 530_000);
    assert_eq!(
        library.changed_position,
        Some(cycle.marks.population_after_close)
    );
    assert!(round
        .electorate
        .iter()
        .all(|e| e.library.as_str() != "lib-12"));
    assert!(model.libraries()[&LibraryId::new("lib-12")].retired);
}

#[test]
fn sheets_show_exact_weighted_totals_and_the_latest_priorities() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);

    let ebooks = &model.sheets()[&SheetId::new("s-ebooks")];
    let per_criterion: Vec<(&str, u32, u32, u64)> = ebooks
        .criteria
        .iter()
        .map(|c| (c.criterion.as_str(), c.weight, c.scores, c.sum))
        .collect();
    // anna's 6 on reach was replaced by her 7; bert scored impact only.
    assert_eq!(
        per_criterion,
        vec![("c-impact", 3, 2, 15), ("c-reach", 2, 1, 7)]
    );
    let total = ebooks.weighted_total.as_ref().unwrap();
    // 3 * 15/2 + 2 * 7/1 = 36.5
    assert_eq!((total.numerator, total.denominator), (73, 2));
    assert_eq!(total.decimal, "36.50");
    assert_eq!(ebooks.rank, Some(1));
    assert_eq!(ebooks.scores.len(), 3);

    let platform = &model.sheets()[&SheetId::new("s-platform")];
    assert_eq!(platform.weighted_total.as_ref().unwrap().decimal, "15.00");
    assert_eq!(platform.rank, Some(2));

    let priorities = model.priorities().unwrap();
    assert_eq!(priorities.position, cycle.marks.priorities);
    assert_eq!(model.criteria().position, Some(cycle.marks.criteria));
    assert_eq!(
        model.proposals()[&ProposalId::new(PROPOSAL)].sheets,
        vec![SheetId::new("s-ebooks")]
    );
}

#[test]
fn advice_decisions_newsletters_and_the_overview() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);

    let decision = model.decisions().values().next().unwrap();
    assert_eq!(decision.verdict, VerdictView::Approved);
    assert_eq!(decision.amount_cents_per_year, 20_000_000);
    assert_eq!(
        decision.document_reference,
        "BVR 2023/1234 beheersovereenkomst"
    );
    assert_eq!(
        decision.document_blake3,
        blake3::hash(b"beheersovereenkomst 2024-2028")
            .to_hex()
            .to_string()
    );
    let json = serde_json::to_value(decision).unwrap();
    assert_eq!(json["period_start"], "2024-01-01");
    assert_eq!(json["period_end"], "2028-12-31");
    let advice = model.advice().values().next().unwrap();
    assert_eq!(advice.recipient, "Vlaamse overheid");
    assert_eq!(advice.decision, Some(decision.id.clone()));
    assert_eq!(advice.position, cycle.marks.advice);

    let issues: Vec<(&str, u64, u64, u64)> = model
        .newsletters()
        .iter()
        .map(|n| (n.id.as_str(), n.covers_from, n.covers_to, n.position))
        .collect();
    assert_eq!(
        issues,
        vec![
            (
                "n-2023-04",
                0,
                cycle.marks.newsletter_1,
                cycle.marks.newsletter_1
            ),
            (
                "n-2023-12",
                cycle.marks.newsletter_1,
                cycle.marks.newsletter_2,
                cycle.marks.newsletter_2
            ),
        ]
    );

    let overview = model.overview();
    let records = cycle.ledger.records.len() as u64;
    assert_eq!(overview.head.length, records);
    assert_eq!(overview.head.hash, cycle.ledger.head.hash.to_hex());
    assert_eq!(
        overview.origin.as_deref(),
        Some("bibliotheken.example/ledger")
    );
    assert_eq!(overview.event_counts["vote_cast"], 13);
    assert_eq!(overview.event_counts["library_registered"], 12);
    assert_eq!(overview.event_counts.values().sum::<u64>(), records);
    assert_eq!((overview.libraries, overview.active_libraries), (12, 11));
    assert_eq!((overview.rounds, overview.open_rounds), (3, 1));
    let roles = &model.actors()[&ledger_core::ActorId::new("acc-lib-03")].roles;
    assert_eq!(roles, &vec!["library:lib-03".to_string()]);
}

/// Many changed votes, with and without remarks, in the round that stays open: the live
/// tally is the core's count of each library's last vote, every ballot stays in its
/// library's history, and a remark is superseded exactly when its library voted again
/// after it. (The fold moves the tally vote by vote and marks only the previous remark;
/// this recomputes everything from the ballots.)
#[test]
fn a_long_run_of_changed_votes_folds_like_a_recount() {
    use std::collections::BTreeMap;

    use ledger_core::command::Command;
    use ledger_core::{Choice, Tally};

    let mut cycle = full_cycle();
    let round_id = RoundId::new("r-ebooks-b");
    let electorate: BTreeMap<LibraryId, u64> =
        cycle.ledger.state.rounds[&round_id].electorate.clone();
    let libraries: Vec<LibraryId> = electorate.keys().cloned().collect();
    cycle.ledger.at("2023-12-20T09:00:00Z");
    // A fixed pseudo-random sequence (64-bit LCG), so a failure can be replayed.
    let mut seed: u64 = 0x2023_0605;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let start = cycle.ledger.records.len() as u64;
    for i in 0..400 {
        let library = libraries[next(libraries.len() as u64) as usize].clone();
        let choice = [Choice::Yes, Choice::No, Choice::Abstain][next(3) as usize];
        let remark = (next(2) == 0).then(|| format!("remark {i}"));
        // A library that reached the bound on ballots would be refused; skip it.
        let cast = cycle.ledger.state.rounds[&round_id]
            .ballots_by_library
            .get(&library)
            .copied()
            .unwrap_or(0);
        if cast >= ledger_core::MAX_BALLOTS_PER_LIBRARY {
            continue;
        }
        cycle.ledger.submit(
            &format!("acc-{}", library.as_str()),
            Command::CastVote {
                round: round_id.clone(),
                library,
                choice,
                remark,
                signature: None,
            },
        );
    }

    // Checked after every record of the run, not only at its end.
    let total = cycle.ledger.records.len() as u64;
    assert!(
        total - start > 100,
        "only {} votes were cast",
        total - start
    );
    for upto in start..=total {
        let records = &cycle.ledger.records[..upto as usize];
        let model = ReadModel::as_of(records, u64::MAX);
        let round = &model.rounds()[&round_id];
        let mut ballots: BTreeMap<LibraryId, Vec<(ChoiceView, u64, Option<String>)>> =
            BTreeMap::new();
        for (sealed, event) in records {
            if let ledger_core::Event::VoteCast(vote) = event {
                if vote.round == round_id {
                    ballots.entry(vote.library.clone()).or_default().push((
                        vote.choice.into(),
                        sealed.record.position.0,
                        vote.remark.clone(),
                    ));
                }
            }
        }
        let last: BTreeMap<LibraryId, Choice> = ballots
            .iter()
            .map(|(library, b)| (library.clone(), Choice::from(b[b.len() - 1].0)))
            .collect();
        let tally = Tally::count(&electorate, &last);
        // The round keeps its counts back: only the turnout is in the view.
        assert_eq!(
            round.live,
            LiveTallyView::turnout(tally.into()),
            "after {upto} records"
        );
        assert_eq!(
            round.participation,
            Share::new(tally.cast.inhabitants, tally.eligible.inhabitants),
            "after {upto} records"
        );
        let cast: usize = ballots.values().map(Vec::len).sum();
        assert_eq!(round.ballots_cast, cast as u64);
        for (library, expected) in &ballots {
            let history: Vec<(Option<ChoiceView>, u64, Option<String>)> = model
                .ballots(&round.id, library)
                .expect("the round exists")
                .iter()
                .map(|b| (b.choice, b.position, b.remark.as_deref().map(str::to_owned)))
                .collect();
            let kept_back: Vec<_> = expected
                .iter()
                .map(|(_, position, remark)| (None, *position, remark.clone()))
                .collect();
            assert_eq!(history, kept_back);
            let current = &round.votes[library];
            assert_eq!(current.ballots as usize, expected.len());
            assert_eq!(
                current.remark.as_deref().map(str::to_owned),
                expected[expected.len() - 1].2
            );
        }
        for remark in &round.remarks {
            let voted_again = ballots[&remark.library]
                .iter()
                .any(|(_, position, _)| *position > remark.position);
            assert_eq!(
                remark.superseded, voted_again,
                "remark at {}",
                remark.position
            );
        }
        let remarks = ballots
            .values()
            .flatten()
            .filter(|(_, _, remark)| remark.is_some())
            .count();
        assert_eq!(round.remarks.len(), remarks);
        assert!(round
            .remarks
            .windows(2)
            .all(|w| w[0].position < w[1].position));
    }
}
