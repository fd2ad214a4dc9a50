//! Integer quantities with bounds: money in euro cents and inhabitants.
//!
//! Commands carry these as wide integers (`i128`) so that a negative or overflowing input
//! reaches `decide` and gets its own rejection instead of a parse error; events carry the
//! checked, narrow form. This module must never use floating point.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rejection::Rejection;

/// The largest yearly budget the ledger accepts: EUR 10 billion, far above any library
/// programme, so that sums of many budgets still fit in `u64` cents.
pub const MAX_CENTS: u64 = 1_000_000_000_000;

/// The largest population one library may represent: more than Belgium's, so any real
/// merger fits, yet 190 of them still sum far inside `u64`.
pub const MAX_INHABITANTS: u64 = 20_000_000;

/// An amount of money in euro cents, never negative.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Cents(pub u64);

impl Cents {
    /// Checks a commanded amount; `allow_zero` for amounts like a rejected grant.
    pub fn checked(value: i128, allow_zero: bool) -> Result<Self, Rejection> {
        let lower = if allow_zero { 0 } else { 1 };
        if value < lower || value > i128::from(MAX_CENTS) {
            return Err(Rejection::AmountOutOfRange {
                value: value.to_string(),
                min: lower.to_string(),
                max: MAX_CENTS.to_string(),
            });
        }
        u64::try_from(value)
            .map(Self)
            .map_err(|_| Rejection::AmountOutOfRange {
                value: value.to_string(),
                min: lower.to_string(),
                max: MAX_CENTS.to_string(),
            })
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EUR {}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Checks a commanded population: at least one inhabitant, at most `MAX_INHABITANTS`.
pub fn checked_inhabitants(value: i128) -> Result<u64, Rejection> {
    if value < 1 || value > i128::from(MAX_INHABITANTS) {
        return Err(Rejection::InhabitantsOutOfRange {
            value: value.to_string(),
            max: MAX_INHABITANTS,
        });
    }
    u64::try_from(value).map_err(|_| Rejection::InhabitantsOutOfRange {
        value: value.to_string(),
        max: MAX_INHABITANTS,
    })
}

/// Reads a JSON integer of any size into `i128` for a command field.
///
/// Commands are an internally tagged enum, and serde buffers such content without `i128`
/// support; so this accepts what the buffer holds: `i64`, `u64`, and `f64` for numbers
/// beyond `u64` (JSON has no integer limit). An integral `f64` is saturated into `i128`,
/// which `decide` then refuses as out of range; a fraction is refused here.
pub fn wide_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
    d.deserialize_any(WideIntVisitor)
}

/// [`wide_int`] for optional fields.
pub fn wide_int_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i128>, D::Error> {
    struct OptVisitor;
    impl<'de> serde::de::Visitor<'de> for OptVisitor {
        type Value = Option<i128>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            wide_int(d).map(Some)
        }
    }
    d.deserialize_option(OptVisitor)
}

struct WideIntVisitor;

impl serde::de::Visitor<'_> for WideIntVisitor {
    type Value = i128;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i128, E> {
        Ok(i128::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i128, E> {
        Ok(i128::from(v))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<i128, E> {
        Ok(v)
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<i128, E> {
        Ok(i128::try_from(v).unwrap_or(i128::MAX))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i128, E> {
        if !v.is_finite() || v.fract() != 0.0 {
            return Err(E::custom("expected a whole number"));
        }
        // `as` saturates for floats, which is what we want: decide refuses the value.
        Ok(v as i128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_enforced_without_overflow() {
        assert_eq!(Cents::checked(20_000_000, false), Ok(Cents(20_000_000)));
        assert!(Cents::checked(0, false).is_err());
        assert_eq!(Cents::checked(0, true), Ok(Cents(0)));
        assert!(Cents::checked(-1, true).is_err());
        assert!(Cents::checked(i128::MAX, false).is_err());
        assert_eq!(checked_inhabitants(529_247), Ok(529_247));
        assert!(checked_inhabitants(0).is_err());
        assert!(checked_inhabitants(-5).is_err());
        assert!(checked_inhabitants(i128::from(u64::MAX) + 1).is_err());
        assert_eq!(Cents(20_000_000).to_string(), "EUR 200000.00");
    }
}

#[cfg(test)]
mod wire_tests {
    use crate::command::{Command, Envelope};

    fn budget_of(json_number: &str) -> Result<i128, String> {
        let text = format!(
            r#"{{"command_id":"c","actor":"a","command":{{"type":"file_proposal","proposal":"p","title":"t","text":"x","budget_cents_per_year":{json_number}}}}}"#
        );
        match serde_json::from_str::<Envelope>(&text) {
            Ok(Envelope {
                command:
                    Command::FileProposal {
                        budget_cents_per_year,
                        ..
                    },
                ..
            }) => Ok(budget_cents_per_year),
            Ok(other) => Err(format!("unexpected {other:?}")),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn wide_numbers_parse_inside_the_tagged_command_enum() {
        assert_eq!(budget_of("20000000"), Ok(20_000_000));
        assert_eq!(budget_of("-5"), Ok(-5));
        assert_eq!(budget_of("0"), Ok(0));
        // Beyond u64: still a number the domain can refuse with its own reason.
        assert!(budget_of("99999999999999999999999").is_ok_and(|v| v > i128::from(u64::MAX)));
        assert!(budget_of("1.5").is_err());
        assert!(budget_of("\"12\"").is_err());
    }
}
