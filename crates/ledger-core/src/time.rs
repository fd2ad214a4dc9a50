//! UTC timestamps and calendar dates as the domain sees them.
//!
//! The core never reads a clock: the shell passes "now" (the time a command is recorded)
//! into `decide`. A timestamp is microseconds since the Unix epoch in UTC; in binary
//! formats it is that integer, on human-readable wires (JSON) it is RFC 3339 with a `Z`.

use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// An instant in UTC with microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `micros` microseconds after 1970-01-01T00:00:00Z.
    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    /// Microseconds since the Unix epoch.
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 (any offset; stored as UTC).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| Self(t.with_timezone(&Utc).timestamp_micros()))
    }

    /// The RFC 3339 form in UTC, e.g. `2023-05-08T09:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        match DateTime::<Utc>::from_timestamp_micros(self.0) {
            Some(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            // Out of chrono's range (beyond year 262143): show the raw integer rather
            // than inventing a date.
            None => format!("@{}us", self.0),
        }
    }

    /// This instant plus `seconds` (saturating, so no input can overflow it).
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds.saturating_mul(1_000_000)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_rfc3339())
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            Timestamp::parse_rfc3339(&text)
                .ok_or_else(|| de::Error::custom("expected an RFC 3339 timestamp"))
        } else {
            i64::deserialize(d).map(Timestamp)
        }
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("date-time".into()),
            ..Default::default()
        }
        .into()
    }
}

/// A calendar date (no time zone), e.g. the start of a management-agreement period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Self)
    }

    /// Days since 1970-01-01, the binary form.
    fn epoch_days(self) -> i32 {
        let epoch = NaiveDate::default();
        // Dates chrono can represent lie within +-262143 years, well inside i32 days.
        i32::try_from(self.0.signed_duration_since(epoch).num_days()).unwrap_or(i32::MAX)
    }

    fn from_epoch_days(days: i32) -> Option<Self> {
        NaiveDate::default()
            .checked_add_signed(chrono::TimeDelta::try_days(i64::from(days))?)
            .map(Self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_string())
        } else {
            s.serialize_i32(self.epoch_days())
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            Date::parse(&text).ok_or_else(|| de::Error::custom("expected a date YYYY-MM-DD"))
        } else {
            let days = i32::deserialize(d)?;
            Date::from_epoch_days(days).ok_or_else(|| de::Error::custom("date out of range"))
        }
    }
}

impl JsonSchema for Date {
    fn schema_name() -> String {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("date".into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_is_utc() {
        let t = Timestamp::parse_rfc3339("2023-05-08T11:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2023-05-08T09:00:00Z");
        assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t));
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn json_is_rfc3339_and_dates_are_iso() {
        let t = Timestamp::from_micros(1_683_536_400_000_000);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2023-05-08T09:00:00Z\""
        );
        let d: Date = serde_json::from_str("\"2024-01-01\"").unwrap();
        assert_eq!(d.to_string(), "2024-01-01");
        assert_eq!(Date::from_epoch_days(d.epoch_days()), Some(d));
        assert!(serde_json::from_str::<Date>("\"2024-13-01\"").is_err());
    }
}
