//! Identifier newtypes of the domain and the one rule for their syntax.
//!
//! Ids are chosen by the caller (the secretariat names a proposal `p-2023-ilv`), so the
//! core needs no randomness. This module must never accept an id that could be confused
//! in a URL path, a CSV cell or a log line: only `[A-Za-z0-9._:-]`, 1 to 128 characters.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rejection::Rejection;

/// The longest id the ledger accepts, in bytes (ids are ASCII).
pub const MAX_ID_LEN: usize = 128;

/// Checks the shared id syntax; `kind` names the field in the rejection.
pub fn check_id(kind: &'static str, value: &str) -> Result<(), Rejection> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Rejection::InvalidId {
            kind,
            value: value.chars().take(MAX_ID_LEN).collect(),
        })
    }
}

/// The schema of every id: a string of the shared syntax, so the documents state the
/// limits `check_id` enforces.
fn id_schema() -> schemars::schema::Schema {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        string: Some(Box::new(schemars::schema::StringValidation {
            max_length: Some(MAX_ID_LEN as u32),
            min_length: Some(1),
            pattern: Some("^[A-Za-z0-9._:-]+$".to_owned()),
        })),
        ..Default::default()
    }
    .into()
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }

            fn is_referenceable() -> bool {
                false
            }

            fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                id_schema()
            }
        }

        impl $name {
            /// The name used for this kind of id in rejections.
            pub const KIND: &'static str = $kind;

            /// Builds the id; callers outside tests go through `check` in `decide`.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Rejects ids outside the shared syntax.
            pub fn check(&self) -> Result<(), Rejection> {
                check_id($kind, &self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A library (one member of the electorate), e.g. `lib-11002`.
    LibraryId,
    "library"
);
string_id!(
    /// A proposal of the steering group.
    ProposalId,
    "proposal"
);
string_id!(
    /// A vote round on a proposal.
    RoundId,
    "round"
);
string_id!(
    /// Whoever issues a command: a person of the secretariat, a steering-group member,
    /// a library's account, or the local operator who initialised the ledger.
    ActorId,
    "actor"
);
string_id!(
    /// The caller's id for one command; a repeated id is answered, not applied twice.
    CommandId,
    "command"
);
string_id!(
    /// Advice sent to the government.
    AdviceId,
    "advice"
);
string_id!(
    /// A recorded government decision.
    DecisionId,
    "decision"
);
string_id!(
    /// A project sheet ("projectfiche").
    SheetId,
    "sheet"
);
string_id!(
    /// One criterion for scoring project sheets.
    CriterionId,
    "criterion"
);
string_id!(
    /// An issue of the newsletter.
    NewsletterId,
    "newsletter"
);

/// A position in the global log: 0 for the first record, no gaps.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(transparent)]
pub struct Position(pub u64);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A municipality's official REFNIS code (five digits, e.g. `11002` for Antwerpen).
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct NisCode(pub String);

impl NisCode {
    /// Rejects anything but exactly five ASCII digits.
    pub fn check(&self) -> Result<(), Rejection> {
        if self.0.len() == 5 && self.0.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(Rejection::InvalidNisCode {
                value: self.0.chars().take(16).collect(),
            })
        }
    }
}

impl fmt::Display for NisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_syntax_accepts_the_documented_alphabet_only() {
        assert!(check_id("x", "lib-11002").is_ok());
        assert!(check_id("x", "a.b_c:d-9").is_ok());
        assert!(check_id("x", "").is_err());
        assert!(check_id("x", "has space").is_err());
        assert!(check_id("x", "slash/").is_err());
        assert!(check_id("x", "é").is_err());
        assert!(check_id("x", &"a".repeat(MAX_ID_LEN)).is_ok());
        assert!(check_id("x", &"a".repeat(MAX_ID_LEN + 1)).is_err());
    }

    #[test]
    fn nis_codes_are_five_digits() {
        assert!(NisCode("11002".into()).check().is_ok());
        assert!(NisCode("1100".into()).check().is_err());
        assert!(NisCode("1100a".into()).check().is_err());
    }
}
