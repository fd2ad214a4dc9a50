//! The registry views: libraries (with the record positions that shaped them) and the
//! roles each actor holds.
//!
//! A library's current population shown here is for future rounds only; the weight that
//! counts in a round is the frozen one in that round's electorate. This module must never
//! show a token or anything else that is not in the log.

use ledger_core::event::{
    ActorNamed, LibraryRegistered, LibraryRetired, LibraryUpdated, RoleGranted, RoleRevoked,
};
use ledger_core::{ActorId, LibraryId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{At, ReadModel};

/// A library as registered and later updated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LibraryView {
    /// Its id, e.g. `lib-11002`.
    #[schema(value_type = String)]
    pub id: LibraryId,
    /// Its name.
    pub name: String,
    /// The municipalities it serves (REFNIS codes).
    pub municipalities: Vec<String>,
    /// The inhabitants it represents now (for future rounds).
    pub inhabitants: u64,
    /// Whether it left the electorate of future rounds.
    pub retired: bool,
    /// Why it was retired, once it is.
    pub retired_reason: Option<String>,
    /// When it was registered (the record's time).
    #[schema(value_type = String, format = DateTime)]
    pub registered_at: Timestamp,
    /// The position of its registration.
    pub registered_position: u64,
    /// The position of its last update or retirement, if any.
    pub changed_position: Option<u64>,
}

/// An actor as people are shown it: the display name the secretariat gave it (kept after
/// its roles end) and the roles it holds now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActorNameView {
    /// The actor.
    #[schema(value_type = String)]
    pub actor: ActorId,
    /// Its display name, once the secretariat gave one (`name_actor`).
    pub name: Option<String>,
    /// Role labels it holds now, sorted (empty once every role was revoked).
    pub roles: Vec<String>,
}

/// An actor and the roles it holds now; tokens are never part of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActorView {
    /// The actor.
    #[schema(value_type = String)]
    pub actor: ActorId,
    /// Role labels, sorted: `secretariat`, `steering_member`, `library:<id>`.
    pub roles: Vec<String>,
    /// The position of the last grant or revocation.
    pub changed_position: u64,
    /// Its display name, once the secretariat gave one (`name_actor`).
    pub name: Option<String>,
}

impl ReadModel {
    pub(crate) fn on_library_registered(&mut self, at: At, e: &LibraryRegistered) {
        self.libraries.insert(
            e.library.clone(),
            LibraryView {
                id: e.library.clone(),
                name: e.name.clone(),
                municipalities: e.municipalities.iter().map(|m| m.0.clone()).collect(),
                inhabitants: e.inhabitants,
                retired: false,
                retired_reason: None,
                registered_at: at.recorded_at,
                registered_position: at.position,
                changed_position: None,
            },
        );
    }

    pub(crate) fn on_library_updated(&mut self, at: At, e: &LibraryUpdated) {
        if let Some(library) = self.libraries.get_mut(&e.library) {
            library.name = e.name.clone();
            library.municipalities = e.municipalities.iter().map(|m| m.0.clone()).collect();
            library.inhabitants = e.inhabitants;
            library.changed_position = Some(at.position);
        }
    }

    pub(crate) fn on_library_retired(&mut self, at: At, e: &LibraryRetired) {
        if let Some(library) = self.libraries.get_mut(&e.library) {
            library.retired = true;
            library.retired_reason = Some(e.reason.clone());
            library.changed_position = Some(at.position);
        }
    }

    pub(crate) fn on_role_granted(&mut self, at: At, e: &RoleGranted) {
        let view = self
            .actors
            .entry(e.actor.clone())
            .or_insert_with(|| ActorView {
                actor: e.actor.clone(),
                roles: Vec::new(),
                changed_position: at.position,
                name: self.actor_names.get(&e.actor).cloned(),
            });
        let label = e.role.label();
        if let Err(index) = view.roles.binary_search(&label) {
            view.roles.insert(index, label);
        }
        view.changed_position = at.position;
    }

    pub(crate) fn on_role_revoked(&mut self, at: At, e: &RoleRevoked) {
        let label = e.role.label();
        if let Some(view) = self.actors.get_mut(&e.actor) {
            view.roles.retain(|r| *r != label);
            view.changed_position = at.position;
            // Like the decision state, an actor without roles is no longer listed.
            if view.roles.is_empty() {
                self.actors.remove(&e.actor);
            }
        }
    }

    pub(crate) fn on_actor_named(&mut self, e: &ActorNamed) {
        self.actor_names.insert(e.actor.clone(), e.name.clone());
        if let Some(view) = self.actors.get_mut(&e.actor) {
            view.name = Some(e.name.clone());
        }
    }

    /// The display name of `actor`, if it was given one (kept after its roles end, so
    /// past signatures still show who signed).
    pub fn actor_name(&self, actor: &ActorId) -> Option<&str> {
        self.actor_names.get(actor).map(String::as_str)
    }

    /// `actor`'s name and current roles, if it holds a role or was given a name.
    pub fn actor_name_view(&self, actor: &ActorId) -> Option<ActorNameView> {
        let roles = self.actors.get(actor).map(|a| a.roles.clone());
        let name = self.actor_name(actor).map(str::to_owned);
        if roles.is_none() && name.is_none() {
            return None;
        }
        Some(ActorNameView {
            actor: actor.clone(),
            name,
            roles: roles.unwrap_or_default(),
        })
    }
}
