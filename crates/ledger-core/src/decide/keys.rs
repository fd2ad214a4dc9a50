//! Decisions on author keys (registration with proof of possession, rotation,
//! revocation) and the check of the signature a signed command carries.
//!
//! The key in force for an actor is the one its last `author_key_registered` named,
//! unless an `author_key_revoked` took it away since. This module must never accept a
//! key without a valid proof of possession, nor a signed command whose signature does
//! not verify with the key in force at this point of the log.

use crate::command::{Command, Envelope};
use crate::event::{AuthorKeyRegistered, AuthorKeyRevoked, Event, SignedVotes};
use crate::ids::ActorId;
use crate::rejection::Rejection;
use crate::role::Role;
use crate::signature::{self, Signed};
use crate::state::State;

use super::{check_text, MAX_LONG_TEXT};

pub(super) fn decide(
    state: &State,
    actor: &ActorId,
    command: &Command,
    command_id: &str,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::RegisterAuthorKey {
            actor: owner,
            key,
            proof,
        } => {
            may_manage(state, actor, owner)?;
            let in_force = state.author_keys.get(owner);
            if in_force == Some(key) {
                return Err(Rejection::AuthorKeyAlreadyInForce {
                    actor: owner.clone(),
                });
            }
            let origin = state.origin.as_deref().unwrap_or_default();
            let statement = signature::key_statement(origin, owner, key, command_id);
            signature::verify(&statement, proof, key, owner)?;
            Ok(vec![Event::AuthorKeyRegistered(AuthorKeyRegistered {
                actor: owner.clone(),
                key: key.clone(),
                proof: proof.clone(),
                replaces: in_force.cloned(),
            })])
        }
        Command::RevokeAuthorKey {
            actor: owner,
            key,
            reason,
        } => {
            may_manage(state, actor, owner)?;
            if state.author_keys.get(owner) != Some(key) {
                return Err(Rejection::AuthorKeyNotInForce {
                    actor: owner.clone(),
                });
            }
            check_text("reason", reason, MAX_LONG_TEXT)?;
            Ok(vec![Event::AuthorKeyRevoked(AuthorKeyRevoked {
                actor: owner.clone(),
                key: key.clone(),
                reason: reason.clone(),
            })])
        }
        _ => Ok(Vec::new()),
    }
}

/// An actor manages its own key; the secretariat may act on anyone's behalf (the log
/// shows who did). The owner must hold a role: keys belong to the ledger's actors.
fn may_manage(state: &State, actor: &ActorId, owner: &ActorId) -> Result<(), Rejection> {
    owner.check()?;
    if actor != owner && !state.has_role(actor, &Role::Secretariat) {
        return Err(Rejection::KeyOfAnotherActor {
            actor: actor.clone(),
            owner: owner.clone(),
        });
    }
    if !state.roles.contains_key(owner) {
        return Err(Rejection::Unknown {
            kind: "actor",
            id: owner.to_string(),
        });
    }
    Ok(())
}

/// Checks the signature of a command authors sign (votes, certifications, advice,
/// government decisions), once every other rule has accepted it. A certification must be
/// signed, a vote must be in a round whose votes must be signed; a signature given is
/// always checked.
pub(super) fn check_signature(state: &State, envelope: &Envelope) -> Result<(), Rejection> {
    let command = &envelope.command;
    let Some(signed) = Signed::from_command(command) else {
        return Ok(());
    };
    let (signature, required) = match command {
        Command::CastVote {
            round, signature, ..
        } => (
            signature,
            state
                .rounds
                .get(round)
                .is_some_and(|r| r.signed_votes == SignedVotes::Required),
        ),
        Command::SignCertification { signature, .. } => (signature, true),
        Command::SendAdvice { signature, .. }
        | Command::RecordGovernmentDecision { signature, .. } => (signature, false),
        _ => return Ok(()),
    };
    let actor = &envelope.actor;
    let Some(signature) = signature else {
        return if required {
            Err(Rejection::SignatureRequired {
                actor: actor.clone(),
                act: signed.kind(),
            })
        } else {
            Ok(())
        };
    };
    let Some(key) = state.author_keys.get(actor) else {
        return Err(Rejection::NoAuthorKey {
            actor: actor.clone(),
        });
    };
    let origin = state.origin.as_deref().unwrap_or_default();
    let statement = signed.statement(origin, envelope.command_id.as_str());
    signature::verify(&statement, signature, key, actor)
}
