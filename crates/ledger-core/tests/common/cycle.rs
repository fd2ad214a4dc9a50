//! A small decision cycle for the integration tests, step by step: three members, three
//! libraries, two proposals and their rounds, up to certified results and advice. Each
//! builder extends the one before, so a test starts from the last step it needs.
//!
//! It must never accept a command that `decide` would refuse: every step goes through
//! [`Ledger::run`], which panics on a rejection.

use ledger_core::event::{Criterion, Verdict};
use ledger_core::{
    ActorId, AdviceId, Choice, Command, CriterionId, Date, DecisionId, LibraryId, NisCode,
    ProposalId, Role, RoundId, SheetId,
};

use super::{at, Ledger};

pub const SETUP: &str = "2023-05-01T08:00:00Z";
pub const OPENS: &str = "2023-05-08T07:00:00Z";
pub const VOTING: &str = "2023-05-15T10:00:00Z";
pub const CLOSES: &str = "2023-05-31T22:00:00Z";
pub const AFTER: &str = "2023-06-02T09:00:00Z";

pub fn lib(id: &str) -> LibraryId {
    LibraryId::new(id)
}

pub fn round(id: &str) -> RoundId {
    RoundId::new(id)
}

pub fn proposal(id: &str) -> ProposalId {
    ProposalId::new(id)
}

pub fn register(id: &str, nis: &str, inhabitants: i128) -> Command {
    Command::RegisterLibrary {
        library: lib(id),
        name: format!("Bibliotheek {id}"),
        municipalities: vec![NisCode(nis.into())],
        inhabitants,
    }
}

pub fn file(id: &str, budget: i128) -> Command {
    Command::FileProposal {
        proposal: proposal(id),
        title: "Digitale dienstverlening".into(),
        text: "De middelen centraal inzetten.".into(),
        budget_cents_per_year: budget,
        trial: false,
    }
}

pub fn open(id: &str, on: &str, opens_at: &str, closes_at: &str) -> Command {
    Command::OpenRound {
        title: None,
        round: round(id),
        proposal: proposal(on),
        opens_at: Some(at(opens_at)),
        closes_at: at(closes_at),
        rule: None,
        trial: false,
        live_results: false,
        signed_votes: Some(ledger_core::SignedVotes::Optional),
    }
}

pub fn vote(on: &str, library: &str, choice: Choice) -> Command {
    Command::CastVote {
        round: round(on),
        library: lib(library),
        choice,
        remark: None,
        signature: None,
    }
}

pub fn sign(on: &str, digest: String) -> Command {
    Command::SignCertification {
        round: round(on),
        tally_digest: digest,
        signature: None,
    }
}

pub fn advise(advice: &str, on: &str) -> Command {
    Command::SendAdvice {
        advice: AdviceId::new(advice),
        round: round(on),
        recipient: "Vlaamse overheid".into(),
        text: "Advies.".into(),
        signature: None,
    }
}

pub fn decision(
    id: &str,
    advice: &str,
    amount: i128,
    start: &str,
    end: &str,
    hash: &str,
) -> Command {
    Command::RecordGovernmentDecision {
        decision: DecisionId::new(id),
        advice: AdviceId::new(advice),
        verdict: Verdict::Approved,
        amount_cents_per_year: amount,
        period_start: Date::parse(start).unwrap(),
        period_end: Date::parse(end).unwrap(),
        document_reference: "Beheersovereenkomst 2024-2028".into(),
        document_blake3: hash.into(),
        signature: None,
    }
}

pub fn good_hash() -> String {
    "ab".repeat(32)
}

pub fn criteria(weights: &[u32]) -> Command {
    Command::SetCriteria {
        criteria: weights
            .iter()
            .enumerate()
            .map(|(i, w)| Criterion {
                id: CriterionId::new(format!("c-{i}")),
                name: format!("Criterium {i}"),
                weight: *w,
            })
            .collect(),
    }
}

pub fn sheet(id: &str) -> Command {
    Command::FileProjectSheet {
        sheet: SheetId::new(id),
        proposal: None,
        title: "Projectfiche".into(),
        summary: "Samenvatting.".into(),
        budget_cents_per_year: 1_000_000,
    }
}

pub fn score(id: &str, criterion: &str, value: i64) -> Command {
    Command::ScoreSheet {
        sheet: SheetId::new(id),
        criterion: CriterionId::new(criterion),
        score: value,
    }
}

/// Initialised, with the secretariat `sec`, members `m1`..`m3`, libraries `lib-a`
/// (5,000), `lib-b` (2,000) and `lib-c` (1,000) with their own accounts, and two
/// proposals `p-1`, `p-2` without rounds.
pub fn registry() -> Ledger {
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
    for member in ["m1", "m2", "m3"] {
        l.run(
            "sec",
            Command::GrantRole {
                actor: ActorId::new(member),
                role: Role::SteeringMember,
            },
            t,
        );
        // A certification counts only with a member's signature.
        l.register_demo_key(member, t);
    }
    for (id, nis, inhabitants) in [
        ("lib-a", "11501", 5_000),
        ("lib-b", "12501", 2_000),
        ("lib-c", "13501", 1_000),
    ] {
        l.run("sec", register(id, nis, inhabitants), t);
        l.run(
            "sec",
            Command::GrantRole {
                actor: ActorId::new(id),
                role: Role::Library(lib(id)),
            },
            t,
        );
    }
    l.run("sec", file("p-1", 20_000_000), t);
    l.run("m1", file("p-2", 5_000_000), t);
    l
}

/// [`registry`] plus rounds `r-1` on `p-1` and `r-2` on `p-2`, window [OPENS, CLOSES).
pub fn opened() -> Ledger {
    let mut l = registry();
    l.run("sec", open("r-1", "p-1", OPENS, CLOSES), at(SETUP));
    l.run("sec", open("r-2", "p-2", OPENS, CLOSES), at(SETUP));
    l
}

/// [`opened`] plus votes: on `r-1` a yes and b no (adopted, 5,000 of 7,000); on `r-2`
/// a no and b yes (rejected). `lib-c` does not vote.
pub fn voted() -> Ledger {
    let mut l = opened();
    let t = at(VOTING);
    l.run("lib-a", vote("r-1", "lib-a", Choice::Yes), t);
    l.run("lib-b", vote("r-1", "lib-b", Choice::No), t);
    l.run("lib-a", vote("r-2", "lib-a", Choice::No), t);
    l.run("lib-b", vote("r-2", "lib-b", Choice::Yes), t);
    l
}

/// [`voted`] with both rounds closed at `closes_at`.
pub fn closed() -> Ledger {
    let mut l = voted();
    for r in ["r-1", "r-2"] {
        l.run("sec", Command::CloseRound { round: round(r) }, at(CLOSES));
    }
    l
}

pub fn digest_of(l: &Ledger, r: &str) -> String {
    l.state.rounds[&round(r)].tally().digest(&round(r))
}

/// [`closed`] with both rounds certified by `m1` and `m2`.
pub fn certified() -> Ledger {
    let mut l = closed();
    for r in ["r-1", "r-2"] {
        for member in ["m1", "m2"] {
            let digest = digest_of(&l, r);
            l.run(member, sign(r, digest), at(AFTER));
        }
    }
    l
}

/// [`certified`] with advice `adv-1` sent on the adopted round `r-1`.
pub fn advised() -> Ledger {
    let mut l = certified();
    l.run("sec", advise("adv-1", "r-1"), at(AFTER));
    l
}
