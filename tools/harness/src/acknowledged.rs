//! The acknowledgement check: a receipt the server gave must name records that are in
//! the log at those positions, with those hashes, produced by that command.
//!
//! The log is whatever the caller read (a range of [`EventRow`]s from `/v1/events`); the
//! check only compares. This module must never accept a record that differs in any of
//! the three.

use std::fmt;

use ledger_api::routes::commands::CommandReceipt;

use crate::pages::EventRow;

/// The first place a receipt and the log disagree.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// The receipt's command id.
    pub command_id: String,
    /// The position the receipt names.
    pub position: u64,
    /// The hash the receipt names there.
    pub receipt_hash: String,
    /// What the log holds there, if anything.
    pub found: Option<Box<EventRow>>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Mismatch {
            command_id,
            position,
            receipt_hash,
            found,
        } = self;
        match found {
            None => write!(
                f,
                "the receipt of {command_id} names position {position}, but the log has no \
                 record there"
            ),
            Some(row) => write!(
                f,
                "the receipt of {command_id} names position {position} with hash \
                 {receipt_hash}; the log holds command {} with hash {} there",
                row.command_id, row.hash
            ),
        }
    }
}

/// Checks one receipt against the log, `row_at(position)` giving the record read there.
pub fn check_receipt<'a>(
    receipt: &CommandReceipt,
    row_at: impl Fn(u64) -> Option<&'a EventRow>,
) -> Result<(), Mismatch> {
    for (position, hash) in receipt.positions.iter().zip(&receipt.hashes) {
        let found = row_at(*position);
        let same = found.is_some_and(|row| {
            row.position == *position && row.hash == *hash && row.command_id == receipt.command_id
        });
        if !same {
            return Err(Mismatch {
                command_id: receipt.command_id.clone(),
                position: *position,
                receipt_hash: hash.clone(),
                found: found.cloned().map(Box::new),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(position: u64, hash: &str, command_id: &str) -> EventRow {
        EventRow {
            position,
            hash: hash.to_owned(),
            prev_hash: "0".repeat(64),
            command_id: command_id.to_owned(),
            actor: "lib-a".to_owned(),
            event_type: "vote_cast".to_owned(),
            body: serde_json::Value::Null,
        }
    }

    fn receipt(command_id: &str, positions: &[u64], hashes: &[&str]) -> CommandReceipt {
        CommandReceipt {
            command_id: command_id.to_owned(),
            positions: positions.to_vec(),
            hashes: hashes.iter().map(|h| (*h).to_owned()).collect(),
            recorded_at: "2023-05-15T10:00:00Z".to_owned(),
            replayed: false,
        }
    }

    #[test]
    fn a_receipt_matches_only_its_own_records() {
        let log = [
            row(0, "h0", "c-0"),
            row(1, "h1", "c-1"),
            row(2, "h2", "c-1"),
        ];
        let at = |p: u64| log.get(p as usize);
        assert_eq!(
            check_receipt(&receipt("c-1", &[1, 2], &["h1", "h2"]), at),
            Ok(())
        );

        let other_hash = check_receipt(&receipt("c-1", &[1, 2], &["h1", "hX"]), at).unwrap_err();
        assert_eq!(other_hash.position, 2);
        assert_eq!(other_hash.found, Some(Box::new(log[2].clone())));

        let other_command = check_receipt(&receipt("c-0", &[1], &["h1"]), at).unwrap_err();
        assert_eq!(other_command.position, 1);
        assert!(other_command.to_string().contains("holds command c-1"));

        let beyond = check_receipt(&receipt("c-3", &[3], &["h3"]), at).unwrap_err();
        assert_eq!(beyond.found, None);
        assert!(beyond.to_string().contains("no record there"));
    }
}
