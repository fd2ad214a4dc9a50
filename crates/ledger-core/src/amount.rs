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
