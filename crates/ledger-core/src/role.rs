//! Roles and which command each role may issue.
//!
//! Who holds a role is itself recorded in the log (role granted / revoked events); the
//! secrets that prove an actor's identity (tokens) live outside the log and never reach
//! this crate. This module must stay a pure table: it decides "may this role issue this
//! command", never "who is this caller".

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::LibraryId;

/// A role an actor can hold.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
/// JSON: `"secretariat"`, `"steering_member"` or `{"library": "lib-11002"}`.
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The secretariat: registers libraries, files and opens, records advice and decisions.
    Secretariat,
    /// A member of the steering group: signs certifications, scores project sheets.
    SteeringMember,
    /// A library's own account: may vote for that library and no other.
    Library(LibraryId),
}

impl Role {
    /// A short name for messages and the token file, e.g. `library:lib-11002`.
    pub fn label(&self) -> String {
        match self {
            Role::Secretariat => "secretariat".into(),
            Role::SteeringMember => "steering_member".into(),
            Role::Library(library) => format!("library:{library}"),
        }
    }

    /// Parses the `label` form back (used by CLIs).
    pub fn parse_label(text: &str) -> Option<Role> {
        match text {
            "secretariat" => Some(Role::Secretariat),
            "steering_member" | "member" => Some(Role::SteeringMember),
            _ => text
                .strip_prefix("library:")
                .filter(|id| crate::ids::check_id("library", id).is_ok())
                .map(|id| Role::Library(LibraryId::new(id))),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The kind of role a command needs, before looking at which library it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// See [`Role::Secretariat`].
    Secretariat,
    /// See [`Role::SteeringMember`].
    SteeringMember,
    /// See [`Role::Library`].
    Library,
}

impl Role {
    /// The kind of this role.
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Secretariat => RoleKind::Secretariat,
            Role::SteeringMember => RoleKind::SteeringMember,
            Role::Library(_) => RoleKind::Library,
        }
    }
}

impl fmt::Display for RoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RoleKind::Secretariat => "secretariat",
            RoleKind::SteeringMember => "steering_member",
            RoleKind::Library => "library",
        })
    }
}
