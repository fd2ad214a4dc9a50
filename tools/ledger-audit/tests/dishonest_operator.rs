//! A dishonest operator with full access to the data directory (and so to every token:
//! it appends as any actor through the store itself) tries to write in the authors'
//! names. Refused: an unsigned vote in a round whose votes must be signed, a
//! certification without a member's registered key (or unsigned), a vote whose signed
//! statement was altered in one byte; each leaves the head hash as it was. Accepted, and
//! named by `ledger-audit verify`: an unsigned vote in a round that allows them. A
//! record written past `decide` (the operator's own build) with a forged signature is
//! caught by the audit.
//!
//! This file must never weaken a refusal into "some error": each is matched by its
//! rejection code.

mod common;

use common::{audit, publish, vkey, Ledger as MemoryLedger, ORIGIN, ROUND};
use ledger_core::signature::{sign, Signed};
use ledger_core::{
    ActorId, Choice, Command, CommandId, Envelope, Event, LibraryId, NisCode, ProposalId, Role,
    RoundId, SignedVotes,
};
use ledger_demo::keys::{demo_signer, registration_in, signed_in};
use ledger_store::{system_clock, AppendError, Ledger, LedgerOptions};
use tempfile::TempDir;

fn envelope(id: &str, actor: &str, command: Command) -> Envelope {
    Envelope {
        command_id: CommandId::new(id),
        actor: ActorId::new(actor),
        expected_version: None,
        command,
    }
}

fn vote(round: &str, library: &str, choice: Choice) -> Command {
    Command::CastVote {
        round: RoundId::new(round),
        library: LibraryId::new(library),
        choice,
        remark: None,
        signature: None,
    }
}

fn accept(ledger: &Ledger, envelope: Envelope) {
    let id = envelope.command_id.clone();
    ledger
        .append(envelope)
        .unwrap_or_else(|e| panic!("{id} was refused: {e}"));
}

/// Appends `envelope`, which must be refused with `code`; the head must not move.
fn refused(ledger: &Ledger, envelope: Envelope, code: &str) {
    let before = ledger.head();
    match ledger.append(envelope) {
        Err(AppendError::Rejected(rejection)) => assert_eq!(rejection.code(), code),
        other => panic!("expected a {code} rejection, got {other:?}"),
    }
    assert_eq!(ledger.head(), before, "a refusal moved the head");
}

fn open(id: &str, proposal: &str, signed_votes: SignedVotes) -> Command {
    Command::OpenRound {
        round: RoundId::new(id),
        proposal: ProposalId::new(proposal),
        opens_at: None,
        closes_at: system_clock().plus_seconds(86_400),
        rule: None,
        title: None,
        trial: false,
        live_results: false,
        signed_votes: Some(signed_votes),
    }
}

/// A ledger with members `m-a`, `m-b` (keys registered) and `m-c` (none), libraries
/// `lib-a` (key registered) and `lib-b` (none) with their own accounts, a round `r-req`
/// whose votes must be signed and a round `r-opt` that takes unsigned votes.
fn ledger(dir: &std::path::Path) -> Ledger {
    let ledger = Ledger::init(
        dir,
        ORIGIN,
        ActorId::new("secretariaat"),
        LedgerOptions::default(),
    )
    .unwrap();
    let mut n = 0;
    let mut run = |actor: &str, command: Command| {
        n += 1;
        accept(&ledger, envelope(&format!("setup-{n}"), actor, command));
    };
    for member in ["m-a", "m-b", "m-c"] {
        run(
            "secretariaat",
            Command::GrantRole {
                actor: ActorId::new(member),
                role: Role::SteeringMember,
            },
        );
    }
    for (library, nis) in [("lib-a", "11001"), ("lib-b", "11002")] {
        run(
            "secretariaat",
            Command::RegisterLibrary {
                library: LibraryId::new(library),
                name: format!("Bibliotheek {library}"),
                municipalities: vec![NisCode(nis.into())],
                inhabitants: 10_000,
            },
        );
        run(
            "secretariaat",
            Command::GrantRole {
                actor: ActorId::new(library),
                role: Role::Library(LibraryId::new(library)),
            },
        );
    }
    for (proposal, round, rule) in [
        ("p-req", "r-req", SignedVotes::Required),
        ("p-opt", "r-opt", SignedVotes::Optional),
    ] {
        run(
            "secretariaat",
            Command::FileProposal {
                proposal: ProposalId::new(proposal),
                title: "Voorstel".into(),
                text: "Tekst.".into(),
                budget_cents_per_year: 0,
                trial: false,
            },
        );
        run("secretariaat", open(round, proposal, rule));
    }
    for actor in ["m-a", "m-b", "lib-a"] {
        let id = format!("key-{actor}");
        let command = registration_in(ORIGIN, actor, &CommandId::new(id.as_str())).unwrap();
        accept(&ledger, envelope(&id, actor, command));
    }
    ledger
}

/// The command signed by `actor`'s demo key under command id `id`.
fn signed(actor: &str, id: &str, command: Command) -> Envelope {
    envelope(
        id,
        actor,
        signed_in(ORIGIN, actor, &CommandId::new(id), command),
    )
}

fn certification(ledger: &Ledger, round: &str) -> Command {
    let round = RoundId::new(round);
    let digest = ledger.state().rounds[&round].tally().digest(&round);
    Command::SignCertification {
        round,
        tally_digest: digest,
        signature: None,
    }
}

fn publish_store(ledger: &Ledger, dir: &std::path::Path) {
    let entries: Vec<Vec<u8>> = ledger
        .records(0, 10_000)
        .unwrap()
        .into_iter()
        .map(|sealed| sealed.bytes)
        .collect();
    publish(dir, &entries, entries.len());
}

#[test]
fn the_operator_cannot_write_signed_acts_in_the_authors_names() {
    let dir = TempDir::new().unwrap();
    let ledger = ledger(dir.path());

    // An unsigned vote in a round whose votes must be signed, as lib-a and as lib-b
    // (which has no key at all).
    refused(
        &ledger,
        envelope("forged-1", "lib-a", vote("r-req", "lib-a", Choice::No)),
        "signature_required",
    );
    refused(
        &ledger,
        envelope("forged-2", "lib-b", vote("r-req", "lib-b", Choice::No)),
        "signature_required",
    );

    // lib-a's real signed vote, with one byte of its statement changed on the way: the
    // choice (the signature was made over `choice yes`) or the round.
    let genuine = signed("lib-a", "vote-a", vote("r-req", "lib-a", Choice::Yes));
    let Command::CastVote { signature, .. } = &genuine.command else {
        unreachable!()
    };
    let line = signature.clone().unwrap();
    for (id, round, choice) in [
        ("vote-a", "r-req", Choice::No),
        ("vote-a", "r-opt", Choice::Yes),
        ("vote-b", "r-req", Choice::Yes),
    ] {
        let mut altered = vote(round, "lib-a", choice);
        if let Command::CastVote { signature, .. } = &mut altered {
            *signature = Some(line.clone());
        }
        refused(&ledger, envelope(id, "lib-a", altered), "signature_invalid");
    }
    // One flipped character of the signature itself.
    let mut flipped = genuine.clone();
    if let Command::CastVote { signature, .. } = &mut flipped.command {
        let mut bytes = signature.take().unwrap().into_bytes();
        let last = bytes.len() - 3;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        *signature = Some(String::from_utf8(bytes).unwrap());
    }
    refused(&ledger, flipped, "signature_invalid");
    accept(&ledger, genuine);

    // In the round that allows them, lib-b's unsigned vote is taken; lib-a signs.
    accept(
        &ledger,
        envelope("vote-b-opt", "lib-b", vote("r-opt", "lib-b", Choice::No)),
    );
    accept(
        &ledger,
        signed("lib-a", "vote-a-opt", vote("r-opt", "lib-a", Choice::Yes)),
    );
    accept(
        &ledger,
        envelope(
            "close-opt",
            "secretariaat",
            Command::CloseRound {
                round: RoundId::new("r-opt"),
            },
        ),
    );

    // A certification without a member's key: by m-c (no key registered), signed with
    // a key it never registered, and by m-a without a signature.
    refused(
        &ledger,
        signed("m-c", "cert-c", certification(&ledger, "r-opt")),
        "no_author_key",
    );
    refused(
        &ledger,
        envelope("cert-a", "m-a", certification(&ledger, "r-opt")),
        "signature_required",
    );
    // m-a's key used for m-b's certification.
    let mut borrowed = certification(&ledger, "r-opt");
    let statement = Signed::from_command(&borrowed)
        .unwrap()
        .statement(ORIGIN, "cert-b");
    if let Command::SignCertification { signature, .. } = &mut borrowed {
        *signature = Some(sign(&demo_signer("m-a").unwrap(), &statement).unwrap());
    }
    refused(
        &ledger,
        envelope("cert-b", "m-b", borrowed),
        "signature_invalid",
    );
    // The members certify with their own keys.
    accept(
        &ledger,
        signed("m-a", "cert-a", certification(&ledger, "r-opt")),
    );
    accept(
        &ledger,
        signed("m-b", "cert-b", certification(&ledger, "r-opt")),
    );
    assert!(ledger.state().rounds[&RoundId::new("r-opt")].certified);

    // The audit counts the signatures and names the unsigned vote.
    let unsigned_at = ledger
        .records(0, 10_000)
        .unwrap()
        .iter()
        .find(|s| s.record.command_id.as_str() == "vote-b-opt")
        .unwrap()
        .record
        .position
        .0;
    let tiles = TempDir::new().unwrap();
    publish_store(&ledger, tiles.path());
    let out = audit(&[
        "verify",
        "--tiles",
        tiles.path().to_str().unwrap(),
        "--key",
        &vkey(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "author signatures: 2 of 3 votes and 2 of 2 certifications signed by their \
             authors' registered keys"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "unsigned vote at position {unsigned_at} by lib-b (round r-opt, library lib-b)"
        )),
        "{stdout}"
    );
}

#[test]
fn a_vote_written_past_decide_with_a_forged_signature_fails_the_audit() {
    // The operator runs its own build, which skips `decide`'s check: it turns a signed
    // yes into a no and keeps the signature. The chain links; the audit refuses it.
    let mut ledger = MemoryLedger::registered(&common::LIBRARIES);
    ledger.register_demo_key("acc-lib-gent");
    ledger.open_round();
    ledger.submit_altered(
        "acc-lib-gent",
        vote(ROUND, "lib-gent", Choice::Yes),
        |events| {
            if let Some(Event::VoteCast(cast)) = events.first_mut() {
                cast.choice = Choice::No;
            }
        },
    );
    let position = ledger.entries.len() - 1;
    let tiles = TempDir::new().unwrap();
    publish(tiles.path(), &ledger.entries, ledger.entries.len());
    let out = audit(&[
        "verify",
        "--tiles",
        tiles.path().to_str().unwrap(),
        "--key",
        &vkey(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!(
            "position {position}: the signature of vote by acc-lib-gent (round {ROUND}, \
             library lib-gent) is invalid"
        )),
        "{stderr}"
    );
}
