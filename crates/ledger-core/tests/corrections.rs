//! Corrections as new events, never edits: superseding advice, amending a government
//! decision, changing a voting window and withdrawing a certification. Each accepted
//! correction appends a record with its reason and leaves every earlier record byte for
//! byte as it was; each refused one leaves the state and the chain untouched.
//!
//! This file must never assert on a rejection's message text, only on its variant.

mod common;

use common::cycle::*;
use common::{at, Ledger};
use ledger_core::event::Verdict;
use ledger_core::state::RoundStatus;
use ledger_core::{
    AdviceId, Choice, Command, Date, DecisionId, Event, Rejection, RejectionKind, RoundId,
};

use RejectionKind::{Domain, Forbidden};

fn supersede(advice: &str, text: &str, reason: &str) -> Command {
    Command::SupersedeAdvice {
        advice: AdviceId::new(advice),
        text: text.into(),
        reason: reason.into(),
    }
}

fn amend(decision: &str, amount: i128, hash: &str, reason: &str) -> Command {
    Command::AmendGovernmentDecision {
        decision: DecisionId::new(decision),
        verdict: Verdict::Amended,
        amount_cents_per_year: amount,
        period_start: Date::parse("2024-01-01").unwrap(),
        period_end: Date::parse("2028-12-31").unwrap(),
        document_reference: "Beheersovereenkomst 2024-2028, erratum".into(),
        document_blake3: hash.into(),
        reason: reason.into(),
    }
}

fn change_window(r: &str, closes_at: &str, reason: &str) -> Command {
    Command::ChangeVotingWindow {
        round: RoundId::new(r),
        closes_at: at(closes_at),
        reason: reason.into(),
    }
}

fn withdraw(r: &str, reason: &str) -> Command {
    Command::WithdrawCertification {
        round: RoundId::new(r),
        reason: reason.into(),
    }
}

/// [`advised`] with decision `d-1` recorded on `adv-1`.
fn decided() -> Ledger {
    let mut l = advised();
    l.run(
        "sec",
        decision(
            "d-1",
            "adv-1",
            18_000_000,
            "2024-01-01",
            "2028-12-31",
            &good_hash(),
        ),
        at(AFTER),
    );
    l
}

/// Runs `command` and checks it appended exactly one record and changed none before it.
fn correct(l: &mut Ledger, actor: &str, command: Command, now: &str) -> Event {
    let before: Vec<Vec<u8>> = l.records.iter().map(|r| r.bytes.clone()).collect();
    let events = l.run(actor, command, at(now));
    let after: Vec<Vec<u8>> = l.records.iter().map(|r| r.bytes.clone()).collect();
    assert_eq!(after.len(), before.len() + 1, "one new record");
    assert_eq!(
        after[..before.len()],
        before[..],
        "earlier records unchanged"
    );
    let [event] = <[Event; 1]>::try_from(events).expect("one event");
    event
}

// ---- superseding advice ----

#[test]
fn superseding_advice_appends_the_new_text_with_its_reason_and_keeps_the_sent_record() {
    let mut l = advised();
    let event = correct(
        &mut l,
        "sec",
        supersede("adv-1", "Verbeterd advies.", "het bedrag stond fout"),
        AFTER,
    );
    let Event::AdviceSuperseded(e) = event else {
        panic!("not an advice_superseded: {event:?}");
    };
    assert_eq!(e.advice, AdviceId::new("adv-1"));
    assert_eq!(e.proposal.as_str(), "p-1");
    assert_eq!(e.text, "Verbeterd advies.");
    assert_eq!(e.reason, "het bedrag stond fout");
    let sent = l
        .records
        .iter()
        .filter(|r| r.record.event_type == "advice_sent")
        .count();
    assert_eq!(sent, 1, "the advice as sent stays in the log");
    // It can be corrected again, also after the government decided.
    let mut l = decided();
    correct(
        &mut l,
        "sec",
        supersede("adv-1", "Derde versie.", "nog een fout"),
        AFTER,
    );
}

#[test]
fn superseding_unknown_advice_or_without_a_reason_is_refused() {
    let mut l = advised();
    let r = l.refuse(
        "sec",
        supersede("adv-9", "Tekst.", "reden"),
        at(AFTER),
        Domain,
    );
    assert!(
        matches!(r, Rejection::Unknown { kind: "advice", .. }),
        "{r:?}"
    );
    let r = l.refuse("sec", supersede("adv-1", "Tekst.", "  "), at(AFTER), Domain);
    assert!(
        matches!(
            r,
            Rejection::TextLength {
                field: "reason",
                ..
            }
        ),
        "{r:?}"
    );
    let r = l.refuse(
        "sec",
        supersede("adv-1", "Tekst.", "reden\u{1b}[2J"),
        at(AFTER),
        Domain,
    );
    assert!(
        matches!(
            r,
            Rejection::ControlCharacter {
                field: "reason",
                ..
            }
        ),
        "{r:?}"
    );
    let r = l.refuse(
        "m1",
        supersede("adv-1", "Tekst.", "reden"),
        at(AFTER),
        Forbidden,
    );
    assert!(matches!(r, Rejection::NotPermitted { .. }), "{r:?}");
}

// ---- amending a government decision ----

#[test]
fn amending_a_decision_replaces_its_terms_in_the_state_and_keeps_the_recorded_one() {
    let mut l = decided();
    let event = correct(
        &mut l,
        "sec",
        amend(
            "d-1",
            17_500_000,
            &"cd".repeat(32),
            "erratum van de overheid",
        ),
        AFTER,
    );
    let Event::GovernmentDecisionAmended(e) = event else {
        panic!("not a government_decision_amended: {event:?}");
    };
    assert_eq!(e.advice, AdviceId::new("adv-1"));
    assert_eq!(e.reason, "erratum van de overheid");
    let d = &l.state.decisions[&DecisionId::new("d-1")];
    assert_eq!(d.amount_per_year.0, 17_500_000);
    assert_eq!(d.verdict, Verdict::Amended);
    assert!(l
        .records
        .iter()
        .any(|r| r.record.event_type == "government_decision_recorded"));
}

#[test]
fn amending_an_unknown_decision_or_with_bad_terms_is_refused() {
    let mut l = decided();
    let hash = "cd".repeat(32);
    let r = l.refuse("sec", amend("d-9", 1, &hash, "reden"), at(AFTER), Domain);
    assert!(
        matches!(
            r,
            Rejection::Unknown {
                kind: "decision",
                ..
            }
        ),
        "{r:?}"
    );
    let r = l.refuse("sec", amend("d-1", 1, "CD", "reden"), at(AFTER), Domain);
    assert!(matches!(r, Rejection::InvalidDocumentHash), "{r:?}");
    let r = l.refuse("sec", amend("d-1", 0, &hash, "reden"), at(AFTER), Domain);
    assert!(matches!(r, Rejection::AmountOutOfRange { .. }), "{r:?}");
    let r = l.refuse("sec", amend("d-1", 1, &hash, ""), at(AFTER), Domain);
    assert!(
        matches!(
            r,
            Rejection::TextLength {
                field: "reason",
                ..
            }
        ),
        "{r:?}"
    );
    let r = l.refuse("m1", amend("d-1", 1, &hash, "reden"), at(AFTER), Forbidden);
    assert!(matches!(r, Rejection::NotPermitted { .. }), "{r:?}");
}

// ---- changing a voting window ----

#[test]
fn an_extended_window_accepts_votes_after_the_old_end_and_states_both_ends() {
    let mut l = opened();
    let event = correct(
        &mut l,
        "sec",
        change_window("r-1", "2023-06-07T22:00:00Z", "storing bij de stemdienst"),
        VOTING,
    );
    let Event::VotingWindowChanged(e) = event else {
        panic!("not a voting_window_changed: {event:?}");
    };
    assert_eq!(e.previous_closes_at, at(CLOSES));
    assert_eq!(e.closes_at, at("2023-06-07T22:00:00Z"));
    assert_eq!(e.reason, "storing bij de stemdienst");
    // After the old end, inside the new one: accepted in r-1, refused in unchanged r-2.
    l.run("lib-c", vote("r-1", "lib-c", Choice::Yes), at(AFTER));
    let r = l.refuse(
        "lib-c",
        vote("r-2", "lib-c", Choice::Yes),
        at(AFTER),
        Domain,
    );
    assert!(matches!(r, Rejection::VotingWindowPassed { .. }), "{r:?}");
}

#[test]
fn a_shortened_window_refuses_votes_after_its_new_end() {
    let mut l = opened();
    correct(
        &mut l,
        "sec",
        change_window("r-1", "2023-05-20T22:00:00Z", "besluit valt vroeger"),
        VOTING,
    );
    let r = l.refuse(
        "lib-a",
        vote("r-1", "lib-a", Choice::Yes),
        at("2023-05-21T08:00:00Z"),
        Domain,
    );
    assert!(matches!(r, Rejection::VotingWindowPassed { .. }), "{r:?}");
}

#[test]
fn a_window_change_that_is_late_in_the_past_or_too_long_is_refused() {
    let mut l = opened();
    let r = l.refuse(
        "sec",
        change_window("r-1", "2023-05-10T00:00:00Z", "te vroeg"),
        at(VOTING),
        Domain,
    );
    assert!(matches!(r, Rejection::WindowInThePast { .. }), "{r:?}");
    let r = l.refuse(
        "sec",
        change_window("r-1", "2025-05-10T00:00:00Z", "te lang"),
        at(VOTING),
        Domain,
    );
    assert!(matches!(r, Rejection::WindowTooLong { .. }), "{r:?}");
    // The window has passed: the round can only be closed, not reopened.
    let r = l.refuse(
        "sec",
        change_window("r-1", "2023-06-07T22:00:00Z", "heropenen"),
        at(AFTER),
        Domain,
    );
    assert!(matches!(r, Rejection::VotingWindowPassed { .. }), "{r:?}");
    let r = l.refuse(
        "m1",
        change_window("r-1", "2023-06-07T22:00:00Z", "reden"),
        at(VOTING),
        Forbidden,
    );
    assert!(matches!(r, Rejection::NotPermitted { .. }), "{r:?}");
    let mut l = closed();
    let r = l.refuse(
        "sec",
        change_window("r-1", "2023-06-07T22:00:00Z", "reden"),
        at(AFTER),
        Domain,
    );
    assert!(matches!(r, Rejection::RoundNotOpen { .. }), "{r:?}");
}

// ---- withdrawing a certification ----

#[test]
fn a_withdrawn_certification_must_be_given_again_before_advice() {
    let mut l = certified();
    let event = correct(
        &mut l,
        "m3",
        withdraw("r-1", "een stem van lib-b werd verkeerd geteld"),
        AFTER,
    );
    let Event::CertificationWithdrawn(e) = event else {
        panic!("not a certification_withdrawn: {event:?}");
    };
    assert_eq!(e.member.as_str(), "m3");
    let round = &l.state.rounds[&RoundId::new("r-1")];
    assert!(!round.certified);
    assert!(round.signatures.is_empty());
    assert_eq!(round.status, RoundStatus::Closed);
    let r = l.refuse("sec", advise("adv-1", "r-1"), at(AFTER), Domain);
    assert!(matches!(r, Rejection::RoundNotCertified { .. }), "{r:?}");
    // The same members sign again; their earlier signatures no longer count.
    for member in ["m1", "m2"] {
        let digest = digest_of(&l, "r-1");
        l.run(member, sign("r-1", digest), at(AFTER));
    }
    assert!(l.state.rounds[&RoundId::new("r-1")].certified);
    l.run("sec", advise("adv-1", "r-1"), at(AFTER));
    let certified = l
        .records
        .iter()
        .filter(|r| r.record.event_type == "result_certified")
        .count();
    assert_eq!(
        certified, 3,
        "both certifications of r-1 and the one of r-2"
    );
}

#[test]
fn withdrawing_a_certification_that_is_not_there_or_carries_advice_is_refused() {
    let mut l = closed();
    let r = l.refuse("m1", withdraw("r-1", "reden"), at(AFTER), Domain);
    assert!(matches!(r, Rejection::RoundNotCertified { .. }), "{r:?}");
    let mut l = advised();
    let r = l.refuse("m1", withdraw("r-1", "reden"), at(AFTER), Domain);
    assert!(matches!(r, Rejection::AdviceAlreadySent { .. }), "{r:?}");
    let r = l.refuse("m1", withdraw("r-2", ""), at(AFTER), Domain);
    assert!(
        matches!(
            r,
            Rejection::TextLength {
                field: "reason",
                ..
            }
        ),
        "{r:?}"
    );
    let r = l.refuse("sec", withdraw("r-2", "reden"), at(AFTER), Forbidden);
    assert!(matches!(r, Rejection::NotPermitted { .. }), "{r:?}");
}
