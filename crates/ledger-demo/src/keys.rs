//! The demo's author keys: one Ed25519 note key per demo actor (the secretariat, each
//! steering-group member, each library), derived from the actor id, so the demo's
//! ledger, and every golden file made from it, is the same on every run.
//!
//! DEMO ONLY: the seed of each key is BLAKE3 in derive-key mode with the public context
//! [`DEMO_KEY_CONTEXT`] over the actor id, so anyone can compute every demo key. A real
//! author makes its key with `ledger key new`, from the operating system's randomness,
//! and never gives it to anybody. This module must never be used for anything but the
//! demo, and must stay pure (no I/O: the CLI writes the key files).

use ledger_core::signature::sign_command;
use ledger_core::{ActorId, Command, CommandId, Envelope};
use ledger_tlog::NoteSigner;

use crate::scenario::ORIGIN;

/// The public BLAKE3 derive-key context of the demo's key seeds. Public on purpose:
/// these keys protect nothing.
pub const DEMO_KEY_CONTEXT: &str =
    "governance-ledger 2026-12-06 demo author key v1 (demo only, public, never for real use)";

/// The demo key of `actor`: seed = BLAKE3 derive-key([`DEMO_KEY_CONTEXT`], actor id
/// UTF-8), key name = the actor id. `None` only for an id that is not a valid note key
/// name (no demo id is such).
pub fn demo_signer(actor: &str) -> Option<NoteSigner> {
    NoteSigner::from_seed(
        actor,
        blake3::derive_key(DEMO_KEY_CONTEXT, actor.as_bytes()),
    )
    .ok()
}

/// The registration of `actor`'s demo key on the demo ledger, sent by the actor itself
/// as command `command_id`, with its proof of possession.
pub fn registration(actor: &str, command_id: &CommandId) -> Option<Command> {
    registration_in(ORIGIN, actor, command_id)
}

/// [`registration`] on the ledger of `origin` (test ledgers reuse the demo's keys).
pub fn registration_in(origin: &str, actor: &str, command_id: &CommandId) -> Option<Command> {
    let signer = demo_signer(actor)?;
    let key = signer.verifier().verifier_key();
    let statement = ledger_core::signature::key_statement(
        origin,
        &ActorId::new(actor),
        &key,
        command_id.as_str(),
    );
    let proof = ledger_core::signature::sign(&signer, &statement).ok()?;
    Some(Command::RegisterAuthorKey {
        actor: ActorId::new(actor),
        key,
        proof,
    })
}

/// `command` signed with `actor`'s demo key for the demo ledger, if it is a command
/// authors sign.
pub fn signed(actor: &str, command_id: &CommandId, command: Command) -> Command {
    signed_in(ORIGIN, actor, command_id, command)
}

/// [`signed`] for the ledger of `origin` (test ledgers reuse the demo's keys).
pub fn signed_in(
    origin: &str,
    actor: &str,
    command_id: &CommandId,
    mut command: Command,
) -> Command {
    let signature = demo_signer(actor)
        .and_then(|signer| sign_command(&signer, origin, &command, command_id).ok())
        .flatten();
    ledger_core::signature::set_signature(&mut command, signature);
    command
}

/// `envelope` (a demo step's) signed for the ledger of `origin` instead of the demo's:
/// a key registration gets its owner's proof for `origin` (whoever sends it: the owner or
/// the secretariat on its behalf), a signed act its sender's signature. Tests that replay
/// the demo under another origin (another log) use it.
pub fn resigned(origin: &str, envelope: &Envelope) -> Envelope {
    let id = &envelope.command_id;
    let command = match &envelope.command {
        Command::RegisterAuthorKey { actor: owner, .. } => {
            registration_in(origin, owner.as_str(), id).unwrap_or_else(|| envelope.command.clone())
        }
        other => signed_in(origin, envelope.actor.as_str(), id, other.clone()),
    };
    Envelope {
        command,
        ..envelope.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_keys_are_the_same_on_every_run_and_differ_per_actor() {
        let a = demo_signer("lib-a").unwrap().verifier().verifier_key();
        assert_eq!(a, demo_signer("lib-a").unwrap().verifier().verifier_key());
        assert_ne!(a, demo_signer("lib-b").unwrap().verifier().verifier_key());
        assert!(a.starts_with("lib-a+"));
    }
}
