//! Author keys as readers see them: every registration and revocation in log order,
//! with who sent it, so a library can see whether a key was registered in its name
//! (ARCHITECTURE.md, "Author signatures").
//!
//! This module only folds `author_key_registered` and `author_key_revoked`; it must never
//! judge a signature (that is `decide`'s and the auditor's work) nor hold a private key.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use ledger_core::event::{AuthorKeyRegistered, AuthorKeyRevoked};
use ledger_core::ActorId;

use crate::model::{At, ReadModel};

/// One author key registration, and its revocation once revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthorKeyView {
    /// Whose key.
    #[schema(value_type = String)]
    pub actor: ActorId,
    /// The note verifier key.
    pub key: String,
    /// Who sent the registration: the actor itself or the secretariat.
    #[schema(value_type = String)]
    pub registered_by: ActorId,
    /// The record of the registration.
    pub position: u64,
    /// The key it replaced, if any.
    pub replaces: Option<String>,
    /// The record of its revocation, if revoked.
    pub revoked_at: Option<u64>,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
}

impl ReadModel {
    pub(crate) fn on_author_key_registered(
        &mut self,
        at: At,
        by: &ActorId,
        e: &AuthorKeyRegistered,
    ) {
        self.author_keys.push(AuthorKeyView {
            actor: e.actor.clone(),
            key: e.key.clone(),
            registered_by: by.clone(),
            position: at.position,
            replaces: e.replaces.clone(),
            revoked_at: None,
            revocation_reason: None,
        });
    }

    pub(crate) fn on_author_key_revoked(&mut self, at: At, e: &AuthorKeyRevoked) {
        let registration = self
            .author_keys
            .iter_mut()
            .rev()
            .find(|k| k.actor == e.actor && k.key == e.key && k.revoked_at.is_none());
        if let Some(registration) = registration {
            registration.revoked_at = Some(at.position);
            registration.revocation_reason = Some(e.reason.clone());
        }
    }

    /// Every author key registration in log order (one per registration; a rotation
    /// names the key it replaced).
    pub fn author_keys(&self) -> &[AuthorKeyView] {
        &self.author_keys
    }
}
