//! The newsletter digest: exactly the changes of a range, grouped by proposal.

use ledger_projections::{
    CountView, Digest, OutcomeView, ProjectionError, ReadModel, RoundStatusView, Step,
};

use crate::fixture::{full_cycle, PROPOSAL, ROUND};

#[test]
fn the_digest_of_the_voting_weeks_lists_exactly_their_changes() {
    let cycle = full_cycle();
    let m = &cycle.marks;
    let records = &cycle.ledger.records;
    let (from, to) = (m.opened, m.closed + 1);
    let digest = Digest::from_log(records, from, to).unwrap();

    assert_eq!((digest.from, digest.to), (from, to));
    assert_eq!(digest.head.length, to);
    assert_eq!(digest.head.hash, records[m.closed as usize].0.hash.to_hex());
    let counts: Vec<(&str, u64)> = digest
        .event_counts
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("round_annulled", 1),
            ("round_closed", 1),
            ("round_opened", 2),
            ("vote_cast", 11)
        ]
    );
    assert_eq!(digest.event_counts.values().sum::<u64>(), to - from);

    let ids: Vec<&str> = digest
        .proposals
        .iter()
        .map(|p| p.proposal.as_str())
        .collect();
    assert_eq!(ids, vec!["p-ebooks", PROPOSAL]);

    let ilv = &digest.proposals[1];
    assert!(!ilv.new);
    assert_eq!(ilv.status, Step::Voted);
    let steps: Vec<(Step, u64)> = ilv.steps.iter().map(|s| (s.step, s.position)).collect();
    assert_eq!(
        steps,
        vec![(Step::InVote, m.opened), (Step::Voted, m.closed)]
    );
    assert_eq!(ilv.rounds_opened.len(), 1);
    assert_eq!(
        ilv.rounds_opened[0].eligible,
        CountView {
            libraries: 11,
            inhabitants: 1_302_861
        }
    );
    assert_eq!(ilv.voting.len(), 1);
    let voting = &ilv.voting[0];
    assert_eq!(voting.round.as_str(), ROUND);
    assert_eq!(
        (
            voting.ballots,
            voting.first_votes,
            voting.changed_votes,
            voting.remarks
        ),
        (10, 9, 1, 3)
    );
    assert_eq!(voting.cast_so_far.libraries, 9);
    assert_eq!(
        voting.participation_so_far.as_ref().unwrap().percent,
        "97.70"
    );
    assert_eq!(voting.status, RoundStatusView::Closed);
    assert_eq!(ilv.rounds_closed.len(), 1);
    let result = &ilv.rounds_closed[0];
    assert_eq!(result.outcome, OutcomeView::Adopted);
    // Certification comes after this range, so the digest does not claim it.
    assert!(!result.certified);
    assert!(ilv.signatures.is_empty() && ilv.certifications.is_empty());
    assert!(ilv.advice.is_empty() && ilv.decisions.is_empty());

    let ebooks = &digest.proposals[0];
    let steps: Vec<Step> = ebooks.steps.iter().map(|s| s.step).collect();
    assert_eq!(steps, vec![Step::InVote, Step::Annulled]);
    assert_eq!(ebooks.rounds_annulled.len(), 1);
    assert_eq!(ebooks.rounds_annulled[0].position, m.annulled);
    assert_eq!(ebooks.voting[0].ballots, 1);
    assert_eq!(ebooks.voting[0].status, RoundStatusView::Annulled);

    let general = &digest.general;
    assert!(general.libraries_registered.is_empty());
    assert!(general.libraries_updated.is_empty());
    assert!(general.roles_granted.is_empty());
    assert!(general.newsletters_issued.is_empty());
    assert_eq!(general.ledger_initialized, None);
}

#[test]
fn the_digests_of_the_two_newsletters_cover_the_whole_story() {
    let cycle = full_cycle();
    let m = &cycle.marks;
    let records = &cycle.ledger.records;
    let model = ReadModel::as_of(records, u64::MAX);
    let issues = model.newsletters();

    // The first issue: set-up and the proposals filed.
    let first = Digest::from_log(records, issues[0].covers_from, issues[0].covers_to).unwrap();
    let general = &first.general;
    assert_eq!(
        general.ledger_initialized.as_deref(),
        Some("bibliotheken.example/ledger")
    );
    assert_eq!(general.libraries_registered.len(), 12);
    assert_eq!(general.roles_granted.len(), 1 + 3 + 12);
    let updated: Vec<(&str, Option<u64>, u64)> = general
        .libraries_updated
        .iter()
        .map(|u| (u.library.as_str(), u.inhabitants_before, u.inhabitants))
        .collect();
    assert_eq!(updated, vec![("lib-03", Some(118_000), 120_000)]);
    assert_eq!(general.libraries_retired.len(), 1);
    assert_eq!(general.libraries_retired[0].name, "Bibliotheek Poperinge");
    let proposals: Vec<(&str, bool, Step, usize)> = first
        .proposals
        .iter()
        .map(|p| (p.proposal.as_str(), p.new, p.status, p.steps.len()))
        .collect();
    assert_eq!(
        proposals,
        vec![
            ("p-ebooks", true, Step::Filed, 1),
            ("p-ilv", true, Step::Amended, 2),
            ("p-wd", true, Step::Withdrawn, 2),
        ]
    );

    // The second issue: the vote and everything after it, including the first issue.
    let second = Digest::from_log(records, issues[1].covers_from, issues[1].covers_to).unwrap();
    let ilv = second
        .proposals
        .iter()
        .find(|p| p.proposal.as_str() == PROPOSAL)
        .unwrap();
    let steps: Vec<Step> = ilv.steps.iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        vec![
            Step::InVote,
            Step::Voted,
            Step::Certified,
            Step::AdviceSent,
            Step::GovernmentDecided
        ]
    );
    let signed: Vec<(&str, u64)> = ilv
        .signatures
        .iter()
        .map(|s| (s.member.as_str(), s.position))
        .collect();
    assert_eq!(
        signed,
        vec![("sg-anna", m.signed_first), ("sg-bert", m.signed_second)]
    );
    assert_eq!(ilv.certifications.len(), 1);
    assert!(ilv.rounds_closed[0].certified);
    assert_eq!(
        ilv.advice[0].decision.as_ref().unwrap().as_str(),
        "d-bo-2024"
    );
    assert_eq!(ilv.decisions[0].position, m.decision);

    let general = &second.general;
    let issued: Vec<&str> = general
        .newsletters_issued
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(issued, vec!["n-2023-04"]);
    let updated: Vec<(&str, Option<u64>, u64)> = general
        .libraries_updated
        .iter()
        .map(|u| (u.library.as_str(), u.inhabitants_before, u.inhabitants))
        .collect();
    assert_eq!(updated, vec![("lib-01", Some(529_247), 530_000)]);
    assert_eq!(general.criteria_set.len(), 1);
    assert_eq!(general.sheets_filed.len(), 2);
    let scored: Vec<(&str, u64, &str)> = general
        .sheets_scored
        .iter()
        .map(|s| {
            (
                s.sheet.as_str(),
                s.scores_recorded,
                s.weighted_total.as_ref().unwrap().decimal.as_str(),
            )
        })
        .collect();
    assert_eq!(
        scored,
        vec![("s-ebooks", 4, "36.50"), ("s-platform", 1, "15.00")]
    );
    assert_eq!(general.priorities_decided.len(), 1);
    assert!(general.roles_granted.is_empty());

    // Together the two issues and the rest account for every record exactly once.
    let rest = Digest::from_log(records, issues[1].covers_to, records.len() as u64).unwrap();
    let total: u64 = [&first, &second, &rest]
        .iter()
        .flat_map(|d| d.event_counts.values())
        .sum();
    assert_eq!(total, records.len() as u64);
}

#[test]
fn between_needs_the_model_as_of_from_and_records_reaching_to() {
    let cycle = full_cycle();
    let records = &cycle.ledger.records;
    let (from, to) = (cycle.marks.closed, cycle.marks.advice + 1);
    let before = ReadModel::as_of(records, from);
    let digest = Digest::between(&before, &records[from as usize..], from, to).unwrap();
    // Records before `from` are skipped, so the whole log gives the same digest.
    assert_eq!(digest, Digest::between(&before, records, from, to).unwrap());
    assert_eq!(digest, Digest::from_log(records, from, to).unwrap());

    assert_eq!(
        Digest::between(&ReadModel::as_of(records, from - 1), records, from, to),
        Err(ProjectionError::ModelNotAtStart {
            from,
            actual: from - 1
        })
    );
    assert_eq!(
        Digest::between(&before, &records[..(to - 2) as usize], from, to),
        Err(ProjectionError::RangeNotCovered {
            from,
            to,
            reached: to - 2
        })
    );
    assert_eq!(
        Digest::between(&before, records, from, from - 1),
        Err(ProjectionError::BadRange { from, to: from - 1 })
    );
    let empty = Digest::between(&before, records, from, from).unwrap();
    assert!(empty.proposals.is_empty() && empty.event_counts.is_empty());
}
