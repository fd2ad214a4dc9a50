//! The catalogue of refused commands: each invalid command is refused with its own
//! typed reason, leaves the state and the chain exactly as they were, and is classed
//! Forbidden (a role is missing) or Domain (a rule of the domain is broken). The two
//! parser cases show that a voter cannot even express a weight or an unknown choice.
//!
//! Each test builds the smallest ledger that reaches the rule it checks. This file must
//! never assert on a rejection's message text, only on its variant and fields.

mod common;

use common::{at, Ledger};
use ledger_core::amount::{MAX_CENTS, MAX_INHABITANTS};
use ledger_core::tally::Abstentions;
use ledger_core::{
    ActorId, Choice, Command, CriterionId, Envelope, Event, NisCode, Position, Ratio, Rejection,
    RejectionKind, Role, RoleKind, Rule, SheetId, SheetScore, MAX_REMARK_CHARS,
};

use RejectionKind::{Domain, Forbidden};

use common::cycle::*;

// ---- the ledger itself and roles ----

#[test]
fn nothing_but_initialisation_on_an_empty_ledger() {
    let mut l = Ledger::new();
    let r = l.refuse("sec", register("lib-a", "11501", 10), at(SETUP), Domain);
    assert_eq!(r, Rejection::NotInitialized);
}

#[test]
fn a_second_initialisation() {
    let mut l = registry();
    let r = l.refuse(
        "operator",
        Command::InitializeLedger {
            origin: "other.local/ledger".into(),
            secretariat: ActorId::new("sec2"),
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(r, Rejection::AlreadyInitialized);
}

#[test]
fn an_origin_with_a_space() {
    let mut l = Ledger::new();
    let r = l.refuse(
        "operator",
        Command::InitializeLedger {
            origin: "two words".into(),
            secretariat: ActorId::new("sec"),
        },
        at(SETUP),
        Domain,
    );
    assert!(matches!(
        r,
        Rejection::TextLength {
            field: "origin",
            ..
        }
    ));
}

#[test]
fn revoking_the_last_secretariat() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::RevokeRole {
            actor: ActorId::new("sec"),
            role: Role::Secretariat,
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(r, Rejection::LastSecretariat);
}

#[test]
fn granting_a_role_already_held() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::GrantRole {
            actor: ActorId::new("m1"),
            role: Role::SteeringMember,
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::RoleAlreadyHeld {
            actor: ActorId::new("m1")
        }
    );
}

#[test]
fn revoking_a_role_not_held() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::RevokeRole {
            actor: ActorId::new("lib-a"),
            role: Role::SteeringMember,
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::RoleNotHeld {
            actor: ActorId::new("lib-a")
        }
    );
}

#[test]
fn a_library_account_registering_a_library() {
    let mut l = registry();
    let r = l.refuse(
        "lib-a",
        register("lib-x", "11999", 10),
        at(SETUP),
        Forbidden,
    );
    assert_eq!(
        r,
        Rejection::NotPermitted {
            actor: ActorId::new("lib-a"),
            needed: RoleKind::Secretariat,
            allowed: vec![RoleKind::Secretariat],
        }
    );
}

#[test]
fn an_actor_without_any_role() {
    let mut l = registry();
    let r = l.refuse("stranger", file("p-9", 100), at(SETUP), Forbidden);
    assert!(matches!(
        r,
        Rejection::NotPermitted { actor, .. } if actor.as_str() == "stranger"
    ));
}

#[test]
fn a_library_role_for_an_unknown_library() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::GrantRole {
            actor: ActorId::new("lib-x"),
            role: Role::Library(lib("lib-x")),
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::Unknown {
            kind: "library",
            id: "lib-x".into()
        }
    );
}

// ---- libraries ----

#[test]
fn zero_inhabitants() {
    let mut l = registry();
    let r = l.refuse("sec", register("lib-x", "11999", 0), at(SETUP), Domain);
    assert_eq!(
        r,
        Rejection::InhabitantsOutOfRange {
            value: "0".into(),
            max: MAX_INHABITANTS
        }
    );
}

#[test]
fn negative_inhabitants() {
    let mut l = registry();
    let r = l.refuse("sec", register("lib-x", "11999", -5), at(SETUP), Domain);
    assert!(matches!(r, Rejection::InhabitantsOutOfRange { value, .. } if value == "-5"));
}

#[test]
fn overflowing_inhabitants() {
    let mut l = registry();
    let huge = i128::from(u64::MAX) + 1;
    let r = l.refuse("sec", register("lib-x", "11999", huge), at(SETUP), Domain);
    assert!(
        matches!(r, Rejection::InhabitantsOutOfRange { value, .. } if value == huge.to_string())
    );
    let just_over = i128::from(MAX_INHABITANTS) + 1;
    let r = l.refuse(
        "sec",
        register("lib-x", "11999", just_over),
        at(SETUP),
        Domain,
    );
    assert!(matches!(r, Rejection::InhabitantsOutOfRange { .. }));
}

#[test]
fn an_update_to_zero_inhabitants() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::UpdateLibrary {
            library: lib("lib-a"),
            name: None,
            municipalities: None,
            inhabitants: Some(0),
        },
        at(SETUP),
        Domain,
    );
    assert!(matches!(r, Rejection::InhabitantsOutOfRange { .. }));
}

#[test]
fn a_nis_code_that_is_not_five_digits() {
    let mut l = registry();
    let r = l.refuse("sec", register("lib-x", "1150A", 10), at(SETUP), Domain);
    assert_eq!(
        r,
        Rejection::InvalidNisCode {
            value: "1150A".into()
        }
    );
}

#[test]
fn a_municipality_listed_twice() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::RegisterLibrary {
            library: lib("lib-x"),
            name: "Bibliotheek X".into(),
            municipalities: vec![NisCode("11999".into()), NisCode("11999".into())],
            inhabitants: 10,
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(r, Rejection::InvalidMunicipalities);
}

#[test]
fn a_library_id_taken_already() {
    let mut l = registry();
    let r = l.refuse("sec", register("lib-a", "11999", 10), at(SETUP), Domain);
    assert_eq!(
        r,
        Rejection::AlreadyExists {
            kind: "library",
            id: "lib-a".into()
        }
    );
}

#[test]
fn a_library_id_with_a_space() {
    let mut l = registry();
    let r = l.refuse("sec", register("lib x", "11999", 10), at(SETUP), Domain);
    assert_eq!(
        r,
        Rejection::InvalidId {
            kind: "library",
            value: "lib x".into()
        }
    );
}

#[test]
fn retiring_a_library_in_a_running_rounds_electorate() {
    let mut l = opened();
    let r = l.refuse(
        "sec",
        Command::RetireLibrary {
            library: lib("lib-c"),
            reason: "Fusie".into(),
        },
        at(VOTING),
        Domain,
    );
    assert!(matches!(
        r,
        Rejection::ElectorateFrozen { library, .. } if library == lib("lib-c")
    ));
}

#[test]
fn an_account_for_a_retired_library() {
    let mut l = opened();
    let t = at(VOTING);
    l.run("sec", register("lib-d", "14501", 700), t);
    l.run(
        "sec",
        Command::RetireLibrary {
            library: lib("lib-d"),
            reason: "Gesloten".into(),
        },
        t,
    );
    let r = l.refuse(
        "sec",
        Command::GrantRole {
            actor: ActorId::new("lib-d"),
            role: Role::Library(lib("lib-d")),
        },
        t,
        Domain,
    );
    assert_eq!(
        r,
        Rejection::LibraryRetired {
            library: lib("lib-d")
        }
    );
}

#[test]
fn a_population_update_during_a_round_leaves_its_frozen_weights_and_tally_alone() {
    let mut l = voted();
    let before = l.state.rounds[&round("r-1")].clone();
    let events = l.run(
        "sec",
        Command::UpdateLibrary {
            library: lib("lib-a"),
            name: None,
            municipalities: None,
            inhabitants: Some(9_000),
        },
        at(VOTING),
    );
    assert!(matches!(
        events.as_slice(),
        [ledger_core::Event::LibraryUpdated(u)] if u.inhabitants == 9_000
    ));
    assert_eq!(l.state.libraries[&lib("lib-a")].inhabitants, 9_000);
    let after = &l.state.rounds[&round("r-1")];
    assert_eq!(after.electorate, before.electorate);
    assert_eq!(after.electorate[&lib("lib-a")], 5_000);
    assert_eq!(after.tally(), before.tally());
    // A vote cast after the update still carries the frozen weight.
    let events = l.run("lib-a", vote("r-1", "lib-a", Choice::Abstain), at(VOTING));
    assert!(matches!(
        events.as_slice(),
        [ledger_core::Event::VoteCast(v)] if v.inhabitants == 5_000 && v.replaces_earlier_vote
    ));
    // A round opened later freezes the new population.
    l.run("sec", file("p-3", 100), at(VOTING));
    l.run("sec", open("r-3", "p-3", VOTING, CLOSES), at(VOTING));
    assert_eq!(
        l.state.rounds[&round("r-3")].electorate[&lib("lib-a")],
        9_000
    );
}

// ---- proposals ----

#[test]
fn a_proposal_without_a_budget_is_filed_with_zero_and_amended_to_zero() {
    let mut l = registry();
    let events = l.run("sec", file("p-9", 0), at(SETUP));
    assert!(
        matches!(&events[..], [Event::ProposalFiled(e)] if e.budget_per_year.0 == 0),
        "{events:?}"
    );
    l.run(
        "sec",
        Command::AmendProposal {
            proposal: proposal("p-1"),
            title: None,
            text: None,
            budget_cents_per_year: Some(0),
        },
        at(SETUP),
    );
    assert_eq!(l.state.proposals[&proposal("p-1")].budget_per_year.0, 0);
}

#[test]
fn a_negative_budget() {
    let mut l = registry();
    let r = l.refuse("sec", file("p-9", -20_000_000), at(SETUP), Domain);
    assert!(matches!(r, Rejection::AmountOutOfRange { value, .. } if value == "-20000000"));
}

#[test]
fn an_overflowing_budget() {
    let mut l = registry();
    let r = l.refuse("sec", file("p-9", i128::MAX), at(SETUP), Domain);
    assert!(
        matches!(r, Rejection::AmountOutOfRange { value, .. } if value == i128::MAX.to_string())
    );
    let r = l.refuse(
        "sec",
        file("p-9", i128::from(MAX_CENTS) + 1),
        at(SETUP),
        Domain,
    );
    assert!(matches!(r, Rejection::AmountOutOfRange { .. }));
}

#[test]
fn an_empty_title() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::FileProposal {
            proposal: proposal("p-9"),
            title: "   ".into(),
            text: "Tekst.".into(),
            budget_cents_per_year: 100,
            trial: false,
        },
        at(SETUP),
        Domain,
    );
    assert!(matches!(
        r,
        Rejection::TextLength {
            field: "title",
            got: 3,
            ..
        }
    ));
}

#[test]
fn amending_a_proposal_under_vote() {
    let mut l = opened();
    let r = l.refuse(
        "sec",
        Command::AmendProposal {
            proposal: proposal("p-1"),
            title: None,
            text: None,
            budget_cents_per_year: Some(30_000_000),
        },
        at(VOTING),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::ProposalLocked {
            round: round("r-1")
        }
    );
}

#[test]
fn a_library_filing_a_proposal() {
    let mut l = registry();
    let r = l.refuse("lib-b", file("p-9", 100), at(SETUP), Forbidden);
    assert!(matches!(r, Rejection::NotPermitted { actor, .. } if actor.as_str() == "lib-b"));
}

#[test]
fn a_round_on_a_withdrawn_proposal() {
    let mut l = registry();
    l.run(
        "sec",
        Command::WithdrawProposal {
            proposal: proposal("p-2"),
            reason: "Dubbel".into(),
        },
        at(SETUP),
    );
    let r = l.refuse("sec", open("r-9", "p-2", OPENS, CLOSES), at(SETUP), Domain);
    assert_eq!(r, Rejection::ProposalWithdrawn);
}

// ---- opening rounds ----

#[test]
fn a_second_round_while_one_is_open() {
    let mut l = opened();
    let r = l.refuse("sec", open("r-9", "p-1", OPENS, CLOSES), at(VOTING), Domain);
    assert_eq!(
        r,
        Rejection::RoundAlreadyOpen {
            round: round("r-1")
        }
    );
}

#[test]
fn a_new_round_on_a_proposal_already_voted() {
    let mut l = closed();
    let r = l.refuse(
        "sec",
        open("r-9", "p-1", AFTER, "2023-07-01T00:00:00Z"),
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::ProposalAlreadyVoted {
            round: round("r-1")
        }
    );
}

#[test]
fn a_window_that_closes_in_the_past() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        open("r-9", "p-1", "2023-04-01T00:00:00Z", "2023-04-30T00:00:00Z"),
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::WindowInThePast {
            closes_at: at("2023-04-30T00:00:00Z")
        }
    );
}

#[test]
fn a_window_that_closes_before_it_opens() {
    let mut l = registry();
    let r = l.refuse("sec", open("r-9", "p-1", CLOSES, OPENS), at(SETUP), Domain);
    assert_eq!(r, Rejection::WindowClosesBeforeOpening);
    let r = l.refuse("sec", open("r-9", "p-1", OPENS, OPENS), at(SETUP), Domain);
    assert_eq!(r, Rejection::WindowClosesBeforeOpening);
}

#[test]
fn a_rule_needing_more_signatures_than_members() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::OpenRound {
            title: None,
            round: round("r-9"),
            proposal: proposal("p-1"),
            opens_at: None,
            closes_at: at(CLOSES),
            rule: Some(Rule {
                signatures_required: 4,
                ..Rule::default()
            }),
            trial: false,
            live_results: false,
            signed_votes: Some(ledger_core::SignedVotes::Optional),
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::NotEnoughMembers {
            required: 4,
            members: 3
        }
    );
}

#[test]
fn a_rule_whose_threshold_is_everything() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        Command::OpenRound {
            title: None,
            round: round("r-9"),
            proposal: proposal("p-1"),
            opens_at: None,
            closes_at: at(CLOSES),
            rule: Some(Rule {
                threshold: Ratio {
                    numerator: 1,
                    denominator: 1,
                },
                abstentions: Abstentions::Represented,
                quorum: None,
                double_majority: false,
                signatures_required: 2,
            }),
            trial: false,
            live_results: false,
            signed_votes: Some(ledger_core::SignedVotes::Optional),
        },
        at(SETUP),
        Domain,
    );
    assert_eq!(r, Rejection::InvalidRule);
}

#[test]
fn a_round_without_any_library() {
    let mut l = Ledger::new();
    let t = at(SETUP);
    l.run(
        "operator",
        Command::InitializeLedger {
            origin: "test.local/ledger".into(),
            secretariat: ActorId::new("sec"),
        },
        t,
    );
    for member in ["m1", "m2"] {
        l.run(
            "sec",
            Command::GrantRole {
                actor: ActorId::new(member),
                role: Role::SteeringMember,
            },
            t,
        );
    }
    l.run("sec", file("p-1", 100), t);
    let r = l.refuse("sec", open("r-1", "p-1", OPENS, CLOSES), t, Domain);
    assert_eq!(r, Rejection::EmptyElectorate);
}

#[test]
fn a_round_on_an_unknown_proposal() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        open("r-9", "p-404", OPENS, CLOSES),
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::Unknown {
            kind: "proposal",
            id: "p-404".into()
        }
    );
}

// ---- votes ----

#[test]
fn a_vote_before_the_window_opens() {
    let mut l = opened();
    let r = l.refuse(
        "lib-a",
        vote("r-1", "lib-a", Choice::Yes),
        at(OPENS).plus_seconds(-1),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::VotingNotOpenYet {
            opens_at: at(OPENS)
        }
    );
    // The window is half-open: a vote at `opens_at` counts.
    l.run("lib-a", vote("r-1", "lib-a", Choice::Yes), at(OPENS));
}

#[test]
fn a_vote_when_the_window_has_passed() {
    let mut l = opened();
    let r = l.refuse(
        "lib-a",
        vote("r-1", "lib-a", Choice::Yes),
        at(CLOSES),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::VotingWindowPassed {
            closes_at: at(CLOSES)
        }
    );
}

#[test]
fn a_vote_after_the_close() {
    let mut l = closed();
    let r = l.refuse(
        "lib-c",
        vote("r-1", "lib-c", Choice::Yes),
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::RoundNotOpen {
            round: round("r-1")
        }
    );
}

#[test]
fn a_vote_for_another_library() {
    let mut l = opened();
    let r = l.refuse(
        "lib-b",
        vote("r-1", "lib-a", Choice::No),
        at(VOTING),
        Forbidden,
    );
    assert_eq!(
        r,
        Rejection::ActingForAnotherLibrary {
            actor: ActorId::new("lib-b"),
            library: lib("lib-a")
        }
    );
}

#[test]
fn a_vote_by_a_member_without_a_library_account() {
    let mut l = opened();
    let r = l.refuse(
        "m1",
        vote("r-1", "lib-a", Choice::Yes),
        at(VOTING),
        Forbidden,
    );
    assert_eq!(
        r,
        Rejection::NotPermitted {
            actor: ActorId::new("m1"),
            needed: RoleKind::Library,
            allowed: vec![RoleKind::Library],
        }
    );
}

#[test]
fn a_vote_from_a_library_registered_after_the_round_opened() {
    let mut l = opened();
    let t = at(VOTING);
    l.run("sec", register("lib-d", "14501", 700), t);
    l.run(
        "sec",
        Command::GrantRole {
            actor: ActorId::new("lib-d"),
            role: Role::Library(lib("lib-d")),
        },
        t,
    );
    let r = l.refuse("lib-d", vote("r-1", "lib-d", Choice::Yes), t, Domain);
    assert_eq!(
        r,
        Rejection::NotInElectorate {
            library: lib("lib-d"),
            round: round("r-1")
        }
    );
}

#[test]
fn a_remark_over_two_thousand_characters() {
    let mut l = opened();
    let long = "é".repeat(MAX_REMARK_CHARS + 1);
    let r = l.refuse(
        "lib-a",
        Command::CastVote {
            round: round("r-1"),
            library: lib("lib-a"),
            choice: Choice::Yes,
            remark: Some(long),
            signature: None,
        },
        at(VOTING),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::RemarkTooLong {
            max: 2_000,
            got: 2_001
        }
    );
    // Exactly 2,000 characters (4,000 bytes) is fine.
    l.run(
        "lib-a",
        Command::CastVote {
            round: round("r-1"),
            library: lib("lib-a"),
            choice: Choice::Yes,
            remark: Some("é".repeat(MAX_REMARK_CHARS)),
            signature: None,
        },
        at(VOTING),
    );
}

#[test]
fn a_vote_in_an_unknown_round() {
    let mut l = opened();
    let r = l.refuse(
        "lib-a",
        vote("r-404", "lib-a", Choice::Yes),
        at(VOTING),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::Unknown {
            kind: "round",
            id: "r-404".into()
        }
    );
}

// ---- closing ----

#[test]
fn closing_early_with_votes_missing() {
    let mut l = voted();
    let r = l.refuse(
        "sec",
        Command::CloseRound {
            round: round("r-1"),
        },
        at(VOTING),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::VotesMissing {
            missing: 1,
            closes_at: at(CLOSES)
        }
    );
}

#[test]
fn closing_a_closed_round() {
    let mut l = closed();
    let r = l.refuse(
        "sec",
        Command::CloseRound {
            round: round("r-1"),
        },
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::RoundNotOpen {
            round: round("r-1")
        }
    );
}

// ---- certification ----

#[test]
fn certifying_an_open_round() {
    let mut l = voted();
    let digest = digest_of(&l, "r-1");
    let r = l.refuse("m1", sign("r-1", digest), at(VOTING), Domain);
    assert_eq!(
        r,
        Rejection::RoundNotClosed {
            round: round("r-1")
        }
    );
}

#[test]
fn a_wrong_tally_digest() {
    let mut l = closed();
    let expected = digest_of(&l, "r-1");
    // The digest of another round's tally: well-formed, but not this round's.
    let other = digest_of(&l, "r-2");
    let r = l.refuse("m1", sign("r-1", other.clone()), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::TallyDigestMismatch {
            given: other,
            expected
        }
    );
}

#[test]
fn a_member_signing_twice() {
    let mut l = closed();
    let digest = digest_of(&l, "r-1");
    l.run("m1", sign("r-1", digest.clone()), at(AFTER));
    let r = l.refuse("m1", sign("r-1", digest), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::AlreadySigned {
            member: ActorId::new("m1"),
            round: round("r-1")
        }
    );
    assert!(!l.state.rounds[&round("r-1")].certified);
}

#[test]
fn a_non_member_signing() {
    let mut l = closed();
    let digest = digest_of(&l, "r-1");
    let r = l.refuse("sec", sign("r-1", digest), at(AFTER), Forbidden);
    assert_eq!(
        r,
        Rejection::NotPermitted {
            actor: ActorId::new("sec"),
            needed: RoleKind::SteeringMember,
            allowed: vec![RoleKind::SteeringMember],
        }
    );
}

#[test]
fn signing_a_certified_round() {
    let mut l = certified();
    let digest = digest_of(&l, "r-1");
    let r = l.refuse("m3", sign("r-1", digest), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::AlreadyCertified {
            round: round("r-1")
        }
    );
}

#[test]
fn annulling_a_certified_round() {
    let mut l = certified();
    let r = l.refuse(
        "sec",
        Command::AnnulRound {
            round: round("r-1"),
            reason: "Te laat".into(),
        },
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::AlreadyCertified {
            round: round("r-1")
        }
    );
}

// ---- advice and the government's decision ----

#[test]
fn advice_on_an_uncertified_round() {
    let mut l = closed();
    let r = l.refuse("sec", advise("adv-1", "r-1"), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::RoundNotCertified {
            round: round("r-1")
        }
    );
}

#[test]
fn advice_on_a_rejected_round() {
    let mut l = certified();
    assert!(l.state.rounds[&round("r-2")].certified);
    let r = l.refuse("sec", advise("adv-2", "r-2"), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::RoundNotAdopted {
            round: round("r-2")
        }
    );
}

#[test]
fn advice_sent_twice() {
    let mut l = advised();
    let r = l.refuse("sec", advise("adv-9", "r-1"), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::AdviceAlreadySent {
            round: round("r-1")
        }
    );
}

#[test]
fn a_decision_without_advice() {
    let mut l = certified();
    let r = l.refuse(
        "sec",
        decision(
            "d-1",
            "adv-1",
            20_000_000,
            "2024-01-01",
            "2028-12-31",
            &good_hash(),
        ),
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::Unknown {
            kind: "advice",
            id: "adv-1".into()
        }
    );
}

#[test]
fn a_second_decision_on_the_same_advice() {
    let mut l = advised();
    let hash = good_hash();
    l.run(
        "sec",
        decision(
            "d-1",
            "adv-1",
            20_000_000,
            "2024-01-01",
            "2028-12-31",
            &hash,
        ),
        at(AFTER),
    );
    let r = l.refuse(
        "sec",
        decision(
            "d-2",
            "adv-1",
            10_000_000,
            "2024-01-01",
            "2028-12-31",
            &hash,
        ),
        at(AFTER),
        Domain,
    );
    assert_eq!(r, Rejection::DecisionAlreadyRecorded);
}

#[test]
fn a_period_that_ends_before_it_starts() {
    let mut l = advised();
    let r = l.refuse(
        "sec",
        decision(
            "d-1",
            "adv-1",
            20_000_000,
            "2028-12-31",
            "2024-01-01",
            &good_hash(),
        ),
        at(AFTER),
        Domain,
    );
    assert_eq!(r, Rejection::InvalidPeriod);
}

#[test]
fn a_document_hash_in_capitals() {
    let mut l = advised();
    let r = l.refuse(
        "sec",
        decision(
            "d-1",
            "adv-1",
            20_000_000,
            "2024-01-01",
            "2028-12-31",
            &"AB".repeat(32),
        ),
        at(AFTER),
        Domain,
    );
    assert_eq!(r, Rejection::InvalidDocumentHash);
}

#[test]
fn an_approval_of_nothing() {
    let mut l = advised();
    let r = l.refuse(
        "sec",
        decision("d-1", "adv-1", 0, "2024-01-01", "2028-12-31", &good_hash()),
        at(AFTER),
        Domain,
    );
    assert!(
        matches!(r, Rejection::AmountOutOfRange { value, min, .. } if value == "0" && min == "1")
    );
}

// ---- project sheets, criteria, priorities, newsletters ----

#[test]
fn scoring_before_criteria_exist() {
    let mut l = registry();
    l.run("sec", sheet("pf-1"), at(AFTER));
    let r = l.refuse("m1", score("pf-1", "c-0", 5), at(AFTER), Domain);
    assert_eq!(r, Rejection::NoCriteria);
}

#[test]
fn a_score_above_ten() {
    let mut l = registry();
    l.run("m1", criteria(&[60, 40]), at(AFTER));
    l.run("sec", sheet("pf-1"), at(AFTER));
    let r = l.refuse("m1", score("pf-1", "c-0", 11), at(AFTER), Domain);
    assert_eq!(r, Rejection::ScoreOutOfRange { score: 11 });
    let r = l.refuse("m1", score("pf-1", "c-0", -1), at(AFTER), Domain);
    assert_eq!(r, Rejection::ScoreOutOfRange { score: -1 });
}

/// `m1`'s score sheet.
fn scores(rows: &[(&str, &str, i64)]) -> Command {
    scores_of("m1", rows)
}

fn scores_of(member: &str, rows: &[(&str, &str, i64)]) -> Command {
    Command::ScoreSheets {
        scores: rows
            .iter()
            .map(|(sheet, criterion, score)| SheetScore {
                sheet: SheetId::new(*sheet),
                criterion: CriterionId::new(*criterion),
                member: ActorId::new(member),
                score: *score,
            })
            .collect(),
    }
}

#[test]
fn a_score_sheet_with_a_bad_last_row_records_none_of_its_scores() {
    let mut l = registry();
    l.run("m1", criteria(&[60, 40]), at(AFTER));
    l.run("sec", sheet("pf-1"), at(AFTER));
    let r = l.refuse(
        "m1",
        scores(&[("pf-1", "c-0", 7), ("pf-1", "c-1", 5), ("pf-1", "c-9", 3)]),
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::InScore {
            row: 3,
            sheet: SheetId::new("pf-1"),
            criterion: CriterionId::new("c-9"),
            rejection: Box::new(Rejection::Unknown {
                kind: "criterion",
                id: "c-9".into()
            }),
        }
    );
    assert_eq!(r.code(), "unknown_criterion");
    assert_eq!(r.to_json()["row"], 3);
    assert_eq!(r.to_json()["rejection"]["reason"], "unknown_criterion");
    // Nothing was scored, so the criteria may still change.
    l.run("m1", criteria(&[50, 50]), at(AFTER));
}

#[test]
fn a_score_sheet_out_of_range_or_repeating_a_row() {
    let mut l = registry();
    l.run("m1", criteria(&[60, 40]), at(AFTER));
    l.run("sec", sheet("pf-1"), at(AFTER));
    let r = l.refuse(
        "m1",
        scores(&[("pf-1", "c-0", 7), ("pf-1", "c-1", 11)]),
        at(AFTER),
        Domain,
    );
    assert!(matches!(&r, Rejection::InScore { row: 2, rejection, .. }
        if **rejection == Rejection::ScoreOutOfRange { score: 11 }));
    let r = l.refuse(
        "m1",
        scores(&[("pf-1", "c-0", 7), ("pf-1", "c-1", 5), ("pf-1", "c-0", 3)]),
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::DuplicateScore {
            row: 3,
            first: 1,
            sheet: SheetId::new("pf-1"),
            criterion: CriterionId::new("c-0"),
        }
    );
    let r = l.refuse("m1", scores(&[]), at(AFTER), Domain);
    assert_eq!(r, Rejection::ScoreCount { max: 1_000, got: 0 });
    let r = l.refuse("sec", scores(&[("pf-1", "c-0", 7)]), at(AFTER), Forbidden);
    assert!(matches!(r, Rejection::NotPermitted { .. }));
    // A row of another member refuses the command, with the row's number.
    let mut rows = scores(&[("pf-1", "c-0", 7)]);
    if let Command::ScoreSheets { scores } = &mut rows {
        scores.push(SheetScore {
            sheet: SheetId::new("pf-1"),
            criterion: CriterionId::new("c-1"),
            member: ActorId::new("m2"),
            score: 4,
        });
    }
    let r = l.refuse("m1", rows, at(AFTER), Forbidden);
    assert!(matches!(&r, Rejection::InScore { row: 2, rejection, .. }
        if matches!(**rejection, Rejection::ScoringForAnotherMember { .. })));
}

#[test]
fn a_score_sheet_records_one_score_per_row_for_its_member() {
    let mut l = registry();
    l.run("m1", criteria(&[60, 40]), at(AFTER));
    l.run("sec", sheet("pf-1"), at(AFTER));
    l.run("sec", sheet("pf-2"), at(AFTER));
    let events = l.run(
        "m2",
        scores_of(
            "m2",
            &[("pf-1", "c-0", 7), ("pf-2", "c-1", 0), ("pf-1", "c-1", 10)],
        ),
        at(AFTER),
    );
    let got: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::SheetScored(s) => (
                s.sheet.to_string(),
                s.criterion.to_string(),
                s.member.to_string(),
                s.score,
            ),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let row = |sheet: &str, criterion: &str, score| {
        (
            sheet.to_owned(),
            criterion.to_owned(),
            "m2".to_owned(),
            score,
        )
    };
    assert_eq!(
        got,
        vec![
            row("pf-1", "c-0", 7),
            row("pf-2", "c-1", 0),
            row("pf-1", "c-1", 10)
        ]
    );
    let r = l.refuse("m1", criteria(&[50, 50]), at(AFTER), Domain);
    assert_eq!(r, Rejection::CriteriaLocked);
}

#[test]
fn changing_criteria_once_sheets_are_scored() {
    let mut l = registry();
    l.run("m1", criteria(&[60, 40]), at(AFTER));
    l.run("sec", sheet("pf-1"), at(AFTER));
    l.run("m2", score("pf-1", "c-1", 7), at(AFTER));
    let r = l.refuse("m1", criteria(&[50, 50]), at(AFTER), Domain);
    assert_eq!(r, Rejection::CriteriaLocked);
}

#[test]
fn a_criterion_without_weight() {
    let mut l = registry();
    let r = l.refuse("m1", criteria(&[100, 0]), at(AFTER), Domain);
    assert_eq!(r, Rejection::InvalidCriteria);
}

#[test]
fn a_ranking_that_names_a_sheet_twice() {
    let mut l = registry();
    l.run("sec", sheet("pf-1"), at(AFTER));
    let r = l.refuse(
        "m1",
        Command::DecidePriorities {
            ranking: vec![SheetId::new("pf-1"), SheetId::new("pf-1")],
        },
        at(AFTER),
        Domain,
    );
    assert_eq!(r, Rejection::InvalidRanking);
}

#[test]
fn a_newsletter_that_skips_part_of_the_log() {
    let mut l = registry();
    let length = l.state.length;
    let r = l.refuse(
        "sec",
        Command::IssueNewsletter {
            newsletter: ledger_core::NewsletterId::new("nb-1"),
            title: "Nieuwsbrief 1".into(),
            covers_from: Position(1),
            covers_to: Position(length),
        },
        at(AFTER),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::InvalidNewsletterRange {
            expected_from: Position(0),
            head: Position(length)
        }
    );
}

// ---- the parser: what cannot even be said ----

fn parse(json: &str) -> Result<Envelope, String> {
    serde_json::from_str::<Envelope>(json).map_err(|e| e.to_string())
}

#[test]
fn a_voter_cannot_state_a_weight() {
    let ok = r#"{"command_id":"c-1","actor":"lib-a","command":
        {"type":"cast_vote","round":"r-1","library":"lib-a","choice":"yes"}}"#;
    assert!(parse(ok).is_ok());
    for field in ["inhabitants", "weight"] {
        let json = format!(
            r#"{{"command_id":"c-1","actor":"lib-a","command":
            {{"type":"cast_vote","round":"r-1","library":"lib-a","choice":"yes","{field}":999999}}}}"#
        );
        let error = parse(&json).unwrap_err();
        assert!(
            error.contains("unknown field") && error.contains(&format!("`{field}`")),
            "{error}"
        );
    }
    // Nor beside the command, in the envelope.
    let json = r#"{"command_id":"c-1","actor":"lib-a","weight":5,"command":
        {"type":"cast_vote","round":"r-1","library":"lib-a","choice":"yes"}}"#;
    let error = parse(json).unwrap_err();
    assert!(error.contains("unknown field `weight`"), "{error}");
}

#[test]
fn a_choice_that_is_not_yes_no_or_abstain() {
    let json = r#"{"command_id":"c-1","actor":"lib-a","command":
        {"type":"cast_vote","round":"r-1","library":"lib-a","choice":"maybe"}}"#;
    let error = parse(json).unwrap_err();
    assert!(
        error.contains("unknown variant `maybe`") && error.contains("`abstain`"),
        "{error}"
    );
}

#[test]
fn an_unknown_command_type() {
    let json =
        r#"{"command_id":"c-1","actor":"sec","command":{"type":"reset_round","round":"r-1"}}"#;
    let error = parse(json).unwrap_err();
    assert!(error.contains("unknown variant `reset_round`"), "{error}");
}

#[test]
fn overflowing_numbers_on_the_wire_reach_decide_and_get_their_own_rejection() {
    let mut l = registry();
    let cases = [
        (
            r#"{"type":"register_library","library":"lib-x","name":"Bibliotheek X",
               "municipalities":["11999"],"inhabitants":100000000000000000000000000000}"#,
            "inhabitants_out_of_range",
        ),
        (
            r#"{"type":"register_library","library":"lib-x","name":"Bibliotheek X",
               "municipalities":["11999"],"inhabitants":-1}"#,
            "inhabitants_out_of_range",
        ),
        (
            r#"{"type":"file_proposal","proposal":"p-9","title":"T","text":"Tekst.",
               "budget_cents_per_year":18446744073709551616}"#,
            "amount_out_of_range",
        ),
        (
            r#"{"type":"file_proposal","proposal":"p-9","title":"T","text":"Tekst.",
               "budget_cents_per_year":-1}"#,
            "amount_out_of_range",
        ),
    ];
    for (json, code) in cases {
        let command: Command =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{json} does not parse: {e}"));
        let r = l.refuse("sec", command, at(SETUP), Domain);
        assert_eq!(r.code(), code, "{json}");
    }
}

#[test]
fn a_second_library_claiming_a_served_municipality() {
    let mut l = registry();
    let served = l.state.libraries[&lib("lib-a")].municipalities[0].clone();
    let r = l.refuse(
        "sec",
        register("lib-x", served.0.as_str(), 10),
        at(SETUP),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::MunicipalityAlreadyServed {
            municipality: served.0.clone(),
            library: lib("lib-a"),
        }
    );
    // A merger that names another library's municipality is refused the same way.
    let r = l.refuse(
        "sec",
        Command::UpdateLibrary {
            library: lib("lib-b"),
            name: None,
            municipalities: Some(vec![served.clone()]),
            inhabitants: None,
        },
        at(SETUP),
        Domain,
    );
    assert!(matches!(r, Rejection::MunicipalityAlreadyServed { .. }));
}

#[test]
fn a_newsletter_issued_twice_under_one_id() {
    let mut l = registry();
    let length = l.state.length;
    let issue = |from: u64, to: u64| Command::IssueNewsletter {
        newsletter: ledger_core::NewsletterId::new("nb-1"),
        title: "Nieuwsbrief 1".into(),
        covers_from: Position(from),
        covers_to: Position(to),
    };
    l.run("sec", issue(0, length), at(AFTER));
    let grown = l.state.length;
    let r = l.refuse("sec", issue(length, grown), at(AFTER), Domain);
    assert_eq!(
        r,
        Rejection::AlreadyExists {
            kind: "newsletter",
            id: "nb-1".into()
        }
    );
}

#[test]
fn control_characters_in_text_fields_are_refused() {
    let mut l = opened();
    let bad_title = Command::FileProposal {
        proposal: proposal("p-9"),
        title: "Digitale\u{0}dienst".into(),
        text: "Tekst.".into(),
        budget_cents_per_year: 100,
        trial: false,
    };
    let r = l.refuse("sec", bad_title, at(SETUP), Domain);
    assert_eq!(
        r,
        Rejection::ControlCharacter {
            field: "title",
            character: "U+0000".into(),
            index: 8
        }
    );
    // A line break is layout in a long text but not in a one-line name.
    let two_lines = Command::RegisterLibrary {
        library: lib("lib-x"),
        name: "Bibliotheek\nX".into(),
        municipalities: vec![NisCode("11999".into())],
        inhabitants: 10,
    };
    let r = l.refuse("sec", two_lines, at(SETUP), Domain);
    assert!(
        matches!(r, Rejection::ControlCharacter { field: "name", ref character, .. } if character == "U+000A")
    );
    let escape = Command::CastVote {
        round: round("r-1"),
        library: lib("lib-a"),
        choice: Choice::Yes,
        remark: Some("ok \u{1b}[2J".into()),
        signature: None,
    };
    let r = l.refuse("lib-a", escape, at(VOTING), Domain);
    assert!(
        matches!(r, Rejection::ControlCharacter { field: "remark", ref character, index: 3 } if character == "U+001B")
    );
    let bell = Command::AnnulRound {
        round: round("r-2"),
        reason: "fout\u{7}".into(),
    };
    let r = l.refuse("sec", bell, at(VOTING), Domain);
    assert!(matches!(
        r,
        Rejection::ControlCharacter {
            field: "reason",
            ..
        }
    ));
    // TAB, LF and CR lay out long texts and remarks.
    l.run(
        "sec",
        Command::FileProposal {
            proposal: proposal("p-9"),
            title: "Digitale dienst".into(),
            text: "Eerste alinea.\r\n\r\n\tTweede alinea.".into(),
            budget_cents_per_year: 100,
            trial: false,
        },
        at(SETUP),
    );
    l.run(
        "lib-a",
        Command::CastVote {
            round: round("r-1"),
            library: lib("lib-a"),
            choice: Choice::Yes,
            remark: Some("ja\nmaar".into()),
            signature: None,
        },
        at(VOTING),
    );
}

#[test]
fn a_library_may_cast_at_most_the_bounded_number_of_ballots_in_a_round() {
    let mut l = opened();
    let max = ledger_core::MAX_BALLOTS_PER_LIBRARY;
    for i in 0..max {
        let choice = if i % 2 == 0 { Choice::Yes } else { Choice::No };
        l.run("lib-a", vote("r-1", "lib-a", choice), at(VOTING));
    }
    let r = l.refuse(
        "lib-a",
        vote("r-1", "lib-a", Choice::Yes),
        at(VOTING),
        Domain,
    );
    assert_eq!(
        r,
        Rejection::TooManyBallots {
            library: lib("lib-a"),
            round: round("r-1"),
            max
        }
    );
    // The bound is per library and per round.
    l.run("lib-b", vote("r-1", "lib-b", Choice::No), at(VOTING));
    l.run("lib-a", vote("r-2", "lib-a", Choice::No), at(VOTING));
}

#[test]
fn a_window_that_closes_in_the_year_9999_or_opens_years_ahead() {
    let mut l = registry();
    let r = l.refuse(
        "sec",
        open("r-1", "p-1", OPENS, "9999-12-31T00:00:00Z"),
        at(SETUP),
        Domain,
    );
    let max_days = ledger_core::MAX_WINDOW_DAYS;
    assert_eq!(r, Rejection::WindowTooLong { max_days });
    let r = l.refuse(
        "sec",
        open("r-1", "p-1", "2026-05-08T07:00:00Z", "2026-05-31T22:00:00Z"),
        at(SETUP),
        Domain,
    );
    assert_eq!(r, Rejection::WindowTooLong { max_days });
    // A window of a full year is fine.
    l.run(
        "sec",
        open("r-1", "p-1", OPENS, "2024-05-08T07:00:00Z"),
        at(SETUP),
    );
}

#[test]
fn closing_a_round_without_a_role_names_every_role_that_may_close() {
    let mut l = voted();
    let r = l.refuse(
        "lib-a",
        Command::CloseRound {
            round: round("r-1"),
        },
        at(AFTER),
        Forbidden,
    );
    assert_eq!(
        r,
        Rejection::NotPermitted {
            actor: ActorId::new("lib-a"),
            needed: RoleKind::Secretariat,
            allowed: vec![RoleKind::Secretariat, RoleKind::SteeringMember],
        }
    );
}
