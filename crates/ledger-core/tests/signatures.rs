//! Author keys and signed commands in `decide`: a vote in a round whose votes must be
//! signed, and every certification, is accepted only with a valid signature of the key in
//! force for its author; registration needs proof of possession; rotation and revocation
//! change which key is in force. Every refusal leaves the state and the chain untouched.
//!
//! This file must never assert on a rejection's message text, only on its variant and
//! code.

mod common;

use common::cycle::*;
use common::{at, Ledger};
use ledger_core::signature::{key_statement, sign, Signed};
use ledger_core::{ActorId, Choice, Command, CommandId, Envelope, Event, Rejection, RejectionKind};
use ledger_demo::keys::demo_signer;

const ORIGIN: &str = "test.local/ledger";

/// [`registry`] with `lib-a` and `lib-b` holding their demo keys and round `r-s` on
/// `p-1` whose votes must be signed (the default), window [OPENS, CLOSES).
fn signed_round() -> Ledger {
    let mut l = registry();
    l.register_demo_key("lib-a", at(SETUP));
    l.register_demo_key("lib-b", at(SETUP));
    l.run(
        "sec",
        Command::OpenRound {
            round: round("r-s"),
            proposal: proposal("p-1"),
            opens_at: Some(at(OPENS)),
            closes_at: at(CLOSES),
            rule: None,
            title: None,
            trial: false,
            live_results: false,
            signed_votes: None,
        },
        at(SETUP),
    );
    l
}

fn envelope(id: &str, actor: &str, command: Command) -> Envelope {
    Envelope {
        command_id: CommandId::new(id),
        actor: ActorId::new(actor),
        expected_version: None,
        command,
    }
}

/// `actor`'s demo-key signature of `command`'s statement under command id `id`.
fn signature_of(actor: &str, id: &str, command: &Command) -> String {
    let statement = Signed::from_command(command).unwrap().statement(ORIGIN, id);
    sign(&demo_signer(actor).unwrap(), &statement).unwrap()
}

fn with_signature(mut command: Command, line: String) -> Command {
    match &mut command {
        Command::CastVote { signature, .. } | Command::SignCertification { signature, .. } => {
            *signature = Some(line)
        }
        _ => unreachable!(),
    }
    command
}

/// Submits `envelope`, which must be refused with `code`; the state and chain stay as
/// they were.
fn refused(l: &mut Ledger, envelope: &Envelope, now: &str, code: &str) -> Rejection {
    let (state, head) = (l.state.clone(), l.head);
    let rejection = l.submit(envelope, at(now)).unwrap_err();
    assert_eq!(rejection.code(), code, "{rejection:?}");
    assert_eq!(l.state, state, "a refusal changed the state");
    assert_eq!(l.head, head, "a refusal moved the head");
    rejection
}

#[test]
fn an_unsigned_vote_in_a_round_that_requires_signatures_is_refused() {
    let mut l = signed_round();
    let unsigned = envelope("v-1", "lib-a", vote("r-s", "lib-a", Choice::Yes));
    refused(&mut l, &unsigned, VOTING, "signature_required");
}

#[test]
fn a_signed_vote_is_accepted_and_its_record_keeps_the_signature() {
    let mut l = signed_round();
    let command = vote("r-s", "lib-a", Choice::Yes);
    let line = signature_of("lib-a", "v-1", &command);
    let events = l.accept(
        &envelope("v-1", "lib-a", with_signature(command, line.clone())),
        at(VOTING),
    );
    let Event::VoteCast(cast) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(cast.signature.as_deref(), Some(line.as_str()));
}

#[test]
fn a_signature_over_another_statement_is_refused() {
    let mut l = signed_round();
    // Signed as a yes, sent as a no: one byte of the statement differs.
    let line = signature_of("lib-a", "v-1", &vote("r-s", "lib-a", Choice::Yes));
    let altered = with_signature(vote("r-s", "lib-a", Choice::No), line.clone());
    refused(
        &mut l,
        &envelope("v-1", "lib-a", altered),
        VOTING,
        "signature_invalid",
    );
    // The same signature under another command id is refused too (no replay).
    let replayed = with_signature(vote("r-s", "lib-a", Choice::Yes), line);
    refused(
        &mut l,
        &envelope("v-2", "lib-a", replayed),
        VOTING,
        "signature_invalid",
    );
}

#[test]
fn a_signature_by_another_actors_key_is_refused() {
    let mut l = signed_round();
    let command = vote("r-s", "lib-a", Choice::Yes);
    let line = signature_of("lib-b", "v-1", &command);
    let forged = with_signature(command, line);
    refused(
        &mut l,
        &envelope("v-1", "lib-a", forged),
        VOTING,
        "signature_invalid",
    );
}

#[test]
fn a_vote_in_an_optional_round_may_be_unsigned_but_not_badly_signed() {
    let mut l = opened();
    l.accept(
        &envelope("v-1", "lib-a", vote("r-1", "lib-a", Choice::Yes)),
        at(VOTING),
    );
    let bad = with_signature(
        vote("r-1", "lib-b", Choice::Yes),
        signature_of("lib-b", "v-x", &vote("r-1", "lib-b", Choice::Yes)),
    );
    // lib-b has no key registered in `opened`.
    refused(
        &mut l,
        &envelope("v-2", "lib-b", bad),
        VOTING,
        "no_author_key",
    );
}

#[test]
fn a_certification_needs_a_members_signature() {
    let mut l = closed();
    let digest = digest_of(&l, "r-1");
    let unsigned = envelope("c-1", "m1", sign_cert(&digest));
    refused(&mut l, &unsigned, AFTER, "signature_required");
    // A member whose key was revoked cannot certify until it registers another.
    let key = demo_signer("m3").unwrap().verifier().verifier_key();
    l.run(
        "m3",
        Command::RevokeAuthorKey {
            actor: ActorId::new("m3"),
            key,
            reason: "Lost the laptop".into(),
        },
        at(AFTER),
    );
    let command = sign_cert(&digest);
    let line = signature_of("m3", "c-2", &command);
    refused(
        &mut l,
        &envelope("c-2", "m3", with_signature(command, line)),
        AFTER,
        "no_author_key",
    );
    let command = sign_cert(&digest);
    let line = signature_of("m1", "c-3", &command);
    l.accept(
        &envelope("c-3", "m1", with_signature(command, line)),
        at(AFTER),
    );
}

fn sign_cert(digest: &str) -> Command {
    common::cycle::sign("r-1", digest.to_owned())
}

#[test]
fn a_registration_needs_proof_of_possession_and_the_owner_or_the_secretariat() {
    let mut l = registry();
    let signer = demo_signer("lib-c").unwrap();
    let key = signer.verifier().verifier_key();
    let proof_for = |id: &str| {
        sign(
            &signer,
            &key_statement(ORIGIN, &ActorId::new("lib-c"), &key, id),
        )
        .unwrap()
    };
    let register = |proof: String| Command::RegisterAuthorKey {
        actor: ActorId::new("lib-c"),
        key: key.clone(),
        proof,
    };
    // A proof made for another command id proves nothing here.
    refused(
        &mut l,
        &envelope("k-1", "lib-c", register(proof_for("k-0"))),
        SETUP,
        "signature_invalid",
    );
    // Another library may not register lib-c's key, even with lib-c's proof.
    let rejection = refused(
        &mut l,
        &envelope("k-1", "lib-a", register(proof_for("k-1"))),
        SETUP,
        "key_of_another_actor",
    );
    assert_eq!(rejection.kind(), RejectionKind::Forbidden);
    // A key named after another actor is refused.
    let other = demo_signer("lib-a").unwrap().verifier().verifier_key();
    let misnamed = Command::RegisterAuthorKey {
        actor: ActorId::new("lib-c"),
        key: other,
        proof: proof_for("k-1"),
    };
    refused(
        &mut l,
        &envelope("k-1", "sec", misnamed),
        SETUP,
        "invalid_author_key",
    );
    // The secretariat may, on lib-c's behalf and with lib-c's proof.
    let events = l.accept(
        &envelope("k-1", "sec", register(proof_for("k-1"))),
        at(SETUP),
    );
    assert!(matches!(&events[0], Event::AuthorKeyRegistered(e) if e.replaces.is_none()));
    assert_eq!(l.state.author_keys[&ActorId::new("lib-c")], key);
}

#[test]
fn registering_a_new_key_replaces_the_one_in_force() {
    let mut l = registry();
    // m1's demo key is in force (cycle::registry); m1 rotates to a fresh key.
    let old = l.state.author_keys[&ActorId::new("m1")].clone();
    let signer = ledger_tlog::NoteSigner::from_seed("m1", [9; 32]).unwrap();
    let key = signer.verifier().verifier_key();
    let proof = sign(
        &signer,
        &key_statement(ORIGIN, &ActorId::new("m1"), &key, "k-9"),
    )
    .unwrap();
    let command = Command::RegisterAuthorKey {
        actor: ActorId::new("m1"),
        key: key.clone(),
        proof,
    };
    let events = l.accept(&envelope("k-9", "m1", command), at(SETUP));
    assert!(matches!(&events[0], Event::AuthorKeyRegistered(e) if e.replaces == Some(old)));
    assert_eq!(l.state.author_keys[&ActorId::new("m1")], key);
}
