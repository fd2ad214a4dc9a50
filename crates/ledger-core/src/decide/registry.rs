//! Decisions on the registry: initialisation, roles, and libraries.
//!
//! Only the secretariat changes the registry. A library that sits in the frozen
//! electorate of a running round cannot be retired: the electorate of a round never
//! changes after it opens. This module must never alter a round.

use std::collections::BTreeSet;

use crate::amount::checked_inhabitants;
use crate::command::Command;
use crate::event::{
    ActorNamed, Event, LedgerInitialized, LibraryRegistered, LibraryRetired, LibraryUpdated,
    RoleGranted, RoleRevoked,
};
use crate::ids::{LibraryId, NisCode};
use crate::rejection::Rejection;
use crate::role::Role;
use crate::state::{RoundStatus, State};

use super::{check_line, check_text, known, must_be_new, MAX_LONG_TEXT, MAX_SHORT_TEXT};

pub(super) fn initialize(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    let Command::InitializeLedger {
        origin,
        secretariat,
    } = command
    else {
        return Ok(Vec::new());
    };
    if state.origin.is_some() || state.length > 0 {
        return Err(Rejection::AlreadyInitialized);
    }
    // The origin becomes the first line of every checkpoint: one line, no spaces.
    if origin.is_empty()
        || origin.len() > MAX_SHORT_TEXT
        || origin.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Rejection::TextLength {
            field: "origin",
            max: MAX_SHORT_TEXT,
            got: origin.chars().count(),
        });
    }
    secretariat.check()?;
    Ok(vec![
        Event::LedgerInitialized(LedgerInitialized {
            origin: origin.clone(),
        }),
        Event::RoleGranted(RoleGranted {
            actor: secretariat.clone(),
            role: Role::Secretariat,
        }),
    ])
}

pub(super) fn roles(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::GrantRole { actor: who, role } => {
            who.check()?;
            if let Role::Library(library) = role {
                let lib = known("library", library.as_str(), state.libraries.get(library))?;
                if lib.retired {
                    return Err(Rejection::LibraryRetired {
                        library: library.clone(),
                    });
                }
            }
            if state.has_role(who, role) {
                return Err(Rejection::RoleAlreadyHeld { actor: who.clone() });
            }
            Ok(vec![Event::RoleGranted(RoleGranted {
                actor: who.clone(),
                role: role.clone(),
            })])
        }
        Command::RevokeRole { actor: who, role } => {
            if !state.has_role(who, role) {
                return Err(Rejection::RoleNotHeld { actor: who.clone() });
            }
            let secretariats = state
                .roles
                .values()
                .filter(|r| r.contains(&Role::Secretariat))
                .count();
            if *role == Role::Secretariat && secretariats <= 1 {
                return Err(Rejection::LastSecretariat);
            }
            Ok(vec![Event::RoleRevoked(RoleRevoked {
                actor: who.clone(),
                role: role.clone(),
            })])
        }
        // Only actors that hold a role are named: the name tells people who acted.
        Command::NameActor { actor: who, name } => {
            who.check()?;
            known("actor", who.as_str(), state.roles.get(who))?;
            check_line("name", name, MAX_SHORT_TEXT)?;
            Ok(vec![Event::ActorNamed(ActorNamed {
                actor: who.clone(),
                name: name.clone(),
            })])
        }
        _ => Ok(Vec::new()),
    }
}

/// A non-empty list of valid, distinct codes that no other active library serves.
fn check_municipalities(
    state: &State,
    library: &LibraryId,
    list: &[NisCode],
) -> Result<(), Rejection> {
    for code in list {
        code.check()?;
    }
    let unique: BTreeSet<&NisCode> = list.iter().collect();
    if list.is_empty() || unique.len() != list.len() {
        return Err(Rejection::InvalidMunicipalities);
    }
    for code in list {
        if let Some(other) = state.library_serving(code, library) {
            return Err(Rejection::MunicipalityAlreadyServed {
                municipality: code.to_string(),
                library: other.id.clone(),
            });
        }
    }
    Ok(())
}

pub(super) fn libraries(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::RegisterLibrary {
            library,
            name,
            municipalities,
            inhabitants,
        } => {
            must_be_new("library", library.as_str(), state.libraries.get(library))?;
            check_line("name", name, MAX_SHORT_TEXT)?;
            check_municipalities(state, library, municipalities)?;
            let inhabitants = checked_inhabitants(*inhabitants)?;
            Ok(vec![Event::LibraryRegistered(LibraryRegistered {
                library: library.clone(),
                name: name.clone(),
                municipalities: municipalities.clone(),
                inhabitants,
            })])
        }
        Command::UpdateLibrary {
            library,
            name,
            municipalities,
            inhabitants,
        } => {
            let current = known("library", library.as_str(), state.libraries.get(library))?;
            if current.retired {
                return Err(Rejection::LibraryRetired {
                    library: library.clone(),
                });
            }
            if let Some(name) = name {
                check_line("name", name, MAX_SHORT_TEXT)?;
            }
            if let Some(list) = municipalities {
                check_municipalities(state, library, list)?;
            }
            let inhabitants = match inhabitants {
                Some(value) => checked_inhabitants(*value)?,
                None => current.inhabitants,
            };
            Ok(vec![Event::LibraryUpdated(LibraryUpdated {
                library: library.clone(),
                name: name.clone().unwrap_or_else(|| current.name.clone()),
                municipalities: municipalities
                    .clone()
                    .unwrap_or_else(|| current.municipalities.clone()),
                inhabitants,
            })])
        }
        Command::RetireLibrary { library, reason } => {
            let current = known("library", library.as_str(), state.libraries.get(library))?;
            if current.retired {
                return Err(Rejection::LibraryRetired {
                    library: library.clone(),
                });
            }
            check_text("reason", reason, MAX_LONG_TEXT)?;
            if let Some(round) = state
                .rounds
                .values()
                .find(|r| r.status == RoundStatus::Open && r.electorate.contains_key(library))
            {
                return Err(Rejection::ElectorateFrozen {
                    library: library.clone(),
                    round: round.id.clone(),
                });
            }
            Ok(vec![Event::LibraryRetired(LibraryRetired {
                library: library.clone(),
                reason: reason.clone(),
            })])
        }
        _ => Ok(Vec::new()),
    }
}
