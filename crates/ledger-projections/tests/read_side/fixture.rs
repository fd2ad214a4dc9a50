//! A small ledger built in memory the way the server builds it (decide, seal, evolve),
//! running one complete decision cycle with a fixed clock.
//!
//! The fixture is the tests' own: twelve libraries, a proposal voted on in May 2023 with
//! a changed vote and remarks, certification, advice, the government's decision, project
//! sheets, and two newsletters; plus a withdrawn proposal and a second proposal whose
//! first round is annulled and whose second round stays open. It must never bypass
//! `decide`: every record here is one the real server could have written.

use std::ops::Range;

use ledger_core::command::Command;
use ledger_core::event::{Criterion, Verdict};
use ledger_core::{
    decide, seal, ActorId, Choice, CommandId, CriterionId, Date, Envelope, Event, Head, LibraryId,
    NewsletterId, NisCode, Position, ProposalId, Role, RoundId, Sealed, SheetId, State, Timestamp,
};

/// The log and the decision state kept beside it.
pub struct Ledger {
    pub state: State,
    pub head: Head,
    pub records: Vec<(Sealed, Event)>,
    now: Timestamp,
    commands: u64,
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            state: State::new(),
            head: Head::default(),
            records: Vec::new(),
            now: Timestamp::from_micros(0),
            commands: 0,
        }
    }

    /// Sets the clock the next commands are recorded at.
    pub fn at(&mut self, rfc3339: &str) {
        self.now = Timestamp::parse_rfc3339(rfc3339).unwrap();
    }

    /// Decides, seals and applies one command; returns the positions it wrote.
    pub fn submit(&mut self, actor: &str, command: Command) -> Range<u64> {
        self.commands += 1;
        let command_id = CommandId::new(format!("cmd-{}", self.commands));
        // An actor with a registered demo key signs what authors sign.
        let command = if self.state.author_keys.contains_key(&ActorId::new(actor)) {
            let origin = self.state.origin.clone().unwrap_or_default();
            ledger_demo::keys::signed_in(&origin, actor, &command_id, command)
        } else {
            command
        };
        let envelope = Envelope {
            command_id,
            actor: ActorId::new(actor),
            expected_version: None,
            command,
        };
        let events = decide(&self.state, &envelope, self.now)
            .unwrap_or_else(|r| panic!("{envelope:?} was rejected: {r:?}"));
        let sealed = seal(&self.state, self.head, &envelope, &events, self.now).unwrap();
        let start = self.head.length;
        for (record, event) in sealed.into_iter().zip(events) {
            self.state.evolve(&event);
            self.head = Head {
                length: self.head.length + 1,
                hash: record.hash,
            };
            self.records.push((record, event));
        }
        start..self.head.length
    }
}

/// Positions of the steps the tests look at.
pub struct Marks {
    pub filed: u64,
    pub amended: u64,
    pub newsletter_1: u64,
    pub opened: u64,
    pub first_vote: u64,
    pub changed_vote: u64,
    pub last_vote: u64,
    pub annulled: u64,
    pub closed: u64,
    pub population_after_close: u64,
    pub signed_first: u64,
    pub signed_second: u64,
    pub certified: u64,
    pub advice: u64,
    pub second_round_opened: u64,
    pub decision: u64,
    pub criteria: u64,
    pub priorities: u64,
    pub newsletter_2: u64,
}

pub struct Cycle {
    pub ledger: Ledger,
    pub marks: Marks,
}

pub const SECRETARIAT: &str = "secretariaat";
pub const ROUND: &str = "r-2023-05";
pub const PROPOSAL: &str = "p-ilv";

/// The libraries with their inhabitants; lib-03 is updated to 120,000 before the vote,
/// lib-12 is retired before it, lib-01 grows to 530,000 after the close.
pub const LIBRARIES: [(&str, &str, &str, i128); 12] = [
    ("lib-01", "Bibliotheek Antwerpen", "11002", 529_247),
    ("lib-02", "Bibliotheek Gent", "44021", 263_614),
    ("lib-03", "Bibliotheek Brugge", "31005", 118_000),
    ("lib-04", "Bibliotheek Leuven", "24062", 100_000),
    ("lib-05", "Bibliotheek Mechelen", "12025", 80_000),
    ("lib-06", "Bibliotheek Aalst", "41002", 60_000),
    ("lib-07", "Bibliotheek Hasselt", "71022", 50_000),
    ("lib-08", "Bibliotheek Kortrijk", "34022", 40_000),
    ("lib-09", "Bibliotheek Genk", "71016", 30_000),
    ("lib-10", "Bibliotheek Roeselare", "36015", 20_000),
    ("lib-11", "Bibliotheek Ieper", "33011", 10_000),
    ("lib-12", "Bibliotheek Poperinge", "33021", 5_000),
];

fn account(library: &str) -> String {
    format!("acc-{library}")
}

fn vote(
    ledger: &mut Ledger,
    round: &str,
    library: &str,
    choice: Choice,
    remark: Option<&str>,
) -> u64 {
    ledger
        .submit(
            &account(library),
            Command::CastVote {
                round: RoundId::new(round),
                library: LibraryId::new(library),
                choice,
                remark: remark.map(str::to_owned),
                signature: None,
            },
        )
        .start
}

fn t(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// Runs the whole cycle.
pub fn full_cycle() -> Cycle {
    let mut l = Ledger::new();
    l.at("2023-04-03T08:00:00Z");
    l.submit(
        "operator",
        Command::InitializeLedger {
            origin: "bibliotheken.example/ledger".into(),
            secretariat: ActorId::new(SECRETARIAT),
        },
    );
    for member in ["sg-anna", "sg-bert", "sg-chris"] {
        l.submit(
            SECRETARIAT,
            Command::GrantRole {
                actor: ActorId::new(member),
                role: Role::SteeringMember,
            },
        );
        // A certification counts only with the member's own signature.
        let id = CommandId::new(format!("cmd-{}", l.commands + 1));
        let origin = l.state.origin.clone().unwrap_or_default();
        let registration = ledger_demo::keys::registration_in(&origin, member, &id).unwrap();
        l.submit(member, registration);
    }
    for (id, name, nis, inhabitants) in LIBRARIES {
        l.submit(
            SECRETARIAT,
            Command::RegisterLibrary {
                library: LibraryId::new(id),
                name: name.into(),
                municipalities: vec![NisCode(nis.into())],
                inhabitants,
            },
        );
    }
    for (id, ..) in LIBRARIES {
        l.submit(
            SECRETARIAT,
            Command::GrantRole {
                actor: ActorId::new(account(id)),
                role: Role::Library(LibraryId::new(id)),
            },
        );
    }

    l.at("2023-04-20T10:00:00Z");
    l.submit(
        SECRETARIAT,
        Command::UpdateLibrary {
            library: LibraryId::new("lib-03"),
            name: None,
            municipalities: None,
            inhabitants: Some(120_000),
        },
    );
    l.submit(
        SECRETARIAT,
        Command::RetireLibrary {
            library: LibraryId::new("lib-12"),
            reason: "Merged into Bibliotheek Ieper.".into(),
        },
    );

    l.at("2023-04-24T10:00:00Z");
    let filed = l
        .submit(
            SECRETARIAT,
            Command::FileProposal {
                proposal: ProposalId::new(PROPOSAL),
                title: "Micro-subsidies interbibliothecair leenverkeer".into(),
                text: "Advise the Flemish government to spend the former micro-subsidies centrally on digital services.".into(),
                budget_cents_per_year: 20_000_000,
                trial: false,
            },
        )
        .start;
    let amended = l
        .submit(
            "sg-anna",
            Command::AmendProposal {
                proposal: ProposalId::new(PROPOSAL),
                title: Some("Micro-subsidies ILV centraal inzetten".into()),
                text: None,
                budget_cents_per_year: None,
            },
        )
        .start;
    l.submit(
        "sg-anna",
        Command::FileProposal {
            proposal: ProposalId::new("p-wd"),
            title: "A proposal that is withdrawn".into(),
            text: "Filed by mistake.".into(),
            budget_cents_per_year: 100,
            trial: false,
        },
    );
    l.submit(
        "sg-anna",
        Command::WithdrawProposal {
            proposal: ProposalId::new("p-wd"),
            reason: "Filed by mistake.".into(),
        },
    );
    l.submit(
        SECRETARIAT,
        Command::FileProposal {
            proposal: ProposalId::new("p-ebooks"),
            title: "Shared e-book collection".into(),
            text: "Build one e-book collection for all libraries.".into(),
            budget_cents_per_year: 5_000_000,
            trial: false,
        },
    );
    let covered = l.head.length;
    let newsletter_1 = l
        .submit(
            SECRETARIAT,
            Command::IssueNewsletter {
                newsletter: NewsletterId::new("n-2023-04"),
                title: "April 2023".into(),
                covers_from: Position(0),
                covers_to: Position(covered),
            },
        )
        .start;

    l.at("2023-05-08T09:00:00Z");
    let opened = l
        .submit(
            SECRETARIAT,
            Command::OpenRound {
                title: None,
                round: RoundId::new(ROUND),
                proposal: ProposalId::new(PROPOSAL),
                opens_at: None,
                closes_at: t("2023-05-22T09:00:00Z"),
                rule: None,
                trial: false,
                // Shows its counts while open; the e-book rounds keep theirs back.
                live_results: true,
                signed_votes: Some(ledger_core::SignedVotes::Optional),
            },
        )
        .start;
    l.submit(
        SECRETARIAT,
        Command::OpenRound {
            title: None,
            round: RoundId::new("r-ebooks-a"),
            proposal: ProposalId::new("p-ebooks"),
            opens_at: None,
            closes_at: t("2023-06-30T09:00:00Z"),
            rule: None,
            trial: false,
            live_results: false,
            signed_votes: Some(ledger_core::SignedVotes::Optional),
        },
    );

    l.at("2023-05-09T10:00:00Z");
    let first_vote = vote(&mut l, ROUND, "lib-01", Choice::Yes, None);
    vote(
        &mut l,
        ROUND,
        "lib-02",
        Choice::No,
        Some("First look at the effect on small libraries."),
    );
    l.at("2023-05-10T10:00:00Z");
    vote(&mut l, ROUND, "lib-03", Choice::Yes, Some("Good proposal."));
    vote(&mut l, ROUND, "lib-04", Choice::Yes, None);
    vote(&mut l, ROUND, "lib-05", Choice::No, None);
    vote(&mut l, ROUND, "lib-06", Choice::Abstain, None);
    vote(&mut l, ROUND, "lib-07", Choice::Yes, None);
    l.at("2023-05-15T14:30:00Z");
    let changed_vote = vote(
        &mut l,
        ROUND,
        "lib-02",
        Choice::Yes,
        Some("After consultation: agreed."),
    );
    vote(&mut l, ROUND, "lib-08", Choice::Yes, None);
    let last_vote = vote(&mut l, ROUND, "lib-09", Choice::No, None);
    vote(&mut l, "r-ebooks-a", "lib-01", Choice::Yes, None);
    let annulled = l
        .submit(
            SECRETARIAT,
            Command::AnnulRound {
                round: RoundId::new("r-ebooks-a"),
                reason: "The wrong text was put to the vote.".into(),
            },
        )
        .start;

    l.at("2023-05-22T09:00:00Z");
    let closed = l
        .submit(
            SECRETARIAT,
            Command::CloseRound {
                round: RoundId::new(ROUND),
            },
        )
        .start;
    let population_after_close = l
        .submit(
            SECRETARIAT,
            Command::UpdateLibrary {
                library: LibraryId::new("lib-01"),
                name: None,
                municipalities: None,
                inhabitants: Some(530_000),
            },
        )
        .start;

    let digest = l.state.rounds[&RoundId::new(ROUND)]
        .tally()
        .digest(&RoundId::new(ROUND));
    l.at("2023-05-23T09:00:00Z");
    let signed_first = l
        .submit(
            "sg-anna",
            Command::SignCertification {
                round: RoundId::new(ROUND),
                tally_digest: digest.clone(),
                signature: None,
            },
        )
        .start;
    l.at("2023-05-24T09:00:00Z");
    let second = l.submit(
        "sg-bert",
        Command::SignCertification {
            round: RoundId::new(ROUND),
            tally_digest: digest,
            signature: None,
        },
    );
    let (signed_second, certified) = (second.start, second.start + 1);
    assert_eq!(second.end, certified + 1);

    l.at("2023-05-30T09:00:00Z");
    let advice = l
        .submit(
            SECRETARIAT,
            Command::SendAdvice {
                advice: ledger_core::AdviceId::new("a-2023-ilv"),
                round: RoundId::new(ROUND),
                recipient: "Vlaamse overheid".into(),
                text: "Spend the former micro-subsidies centrally on digital services.".into(),
                signature: None,
            },
        )
        .start;

    l.at("2023-06-05T09:00:00Z");
    let second_round_opened = l
        .submit(
            SECRETARIAT,
            Command::OpenRound {
                title: None,
                round: RoundId::new("r-ebooks-b"),
                proposal: ProposalId::new("p-ebooks"),
                opens_at: None,
                closes_at: t("2023-12-31T23:00:00Z"),
                rule: None,
                trial: false,
                live_results: false,
                signed_votes: Some(ledger_core::SignedVotes::Optional),
            },
        )
        .start;
    vote(&mut l, "r-ebooks-b", "lib-04", Choice::Yes, None);
    vote(
        &mut l,
        "r-ebooks-b",
        "lib-05",
        Choice::No,
        Some("Too expensive."),
    );

    l.at("2023-12-15T09:00:00Z");
    let decision = l
        .submit(
            SECRETARIAT,
            Command::RecordGovernmentDecision {
                decision: ledger_core::DecisionId::new("d-bo-2024"),
                advice: ledger_core::AdviceId::new("a-2023-ilv"),
                verdict: Verdict::Approved,
                amount_cents_per_year: 20_000_000,
                period_start: Date::parse("2024-01-01").unwrap(),
                period_end: Date::parse("2028-12-31").unwrap(),
                document_reference: "BVR 2023/1234 beheersovereenkomst".into(),
                document_blake3: blake3_hex(b"beheersovereenkomst 2024-2028"),
                signature: None,
            },
        )
        .start;
    let criteria = l
        .submit(
            "sg-anna",
            Command::SetCriteria {
                criteria: vec![
                    Criterion {
                        id: CriterionId::new("c-impact"),
                        name: "Impact on libraries".into(),
                        weight: 3,
                    },
                    Criterion {
                        id: CriterionId::new("c-reach"),
                        name: "Reach".into(),
                        weight: 2,
                    },
                ],
            },
        )
        .start;
    l.submit(
        SECRETARIAT,
        Command::FileProjectSheet {
            sheet: SheetId::new("s-ebooks"),
            proposal: Some(ProposalId::new(PROPOSAL)),
            title: "E-books for every library".into(),
            summary: "License e-books centrally.".into(),
            budget_cents_per_year: 12_000_000,
        },
    );
    l.submit(
        SECRETARIAT,
        Command::FileProjectSheet {
            sheet: SheetId::new("s-platform"),
            proposal: None,
            title: "One catalogue platform".into(),
            summary: "A shared catalogue.".into(),
            budget_cents_per_year: 8_000_000,
        },
    );
    for (member, sheet, criterion, score) in [
        ("sg-anna", "s-ebooks", "c-impact", 8),
        ("sg-bert", "s-ebooks", "c-impact", 7),
        ("sg-anna", "s-ebooks", "c-reach", 6),
        ("sg-anna", "s-ebooks", "c-reach", 7),
        ("sg-anna", "s-platform", "c-impact", 5),
    ] {
        l.submit(
            member,
            Command::ScoreSheet {
                sheet: SheetId::new(sheet),
                criterion: CriterionId::new(criterion),
                score,
            },
        );
    }
    let priorities = l
        .submit(
            "sg-chris",
            Command::DecidePriorities {
                ranking: vec![SheetId::new("s-ebooks"), SheetId::new("s-platform")],
            },
        )
        .start;
    let covered_to = l.head.length;
    let newsletter_2 = l
        .submit(
            SECRETARIAT,
            Command::IssueNewsletter {
                newsletter: NewsletterId::new("n-2023-12"),
                title: "December 2023".into(),
                covers_from: Position(newsletter_1),
                covers_to: Position(covered_to),
            },
        )
        .start;

    Cycle {
        ledger: l,
        marks: Marks {
            filed,
            amended,
            newsletter_1,
            opened,
            first_vote,
            changed_vote,
            last_vote,
            annulled,
            closed,
            population_after_close,
            signed_first,
            signed_second,
            certified,
            advice,
            second_round_opened,
            decision,
            criteria,
            priorities,
            newsletter_2,
        },
    }
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}
