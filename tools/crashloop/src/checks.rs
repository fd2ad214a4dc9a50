//! The checks after a kill, one function per promise; each returns the broken promise
//! with the positions, keys and values involved.
//!
//! The log is read the way a reader reads it (`/v1/events`, the entry bundles, the
//! projections), except for the offline verification, which runs on the directory while
//! no server holds it. This module must never change the ledger, and never accept a
//! difference as "close enough".

use std::collections::BTreeMap;
use std::path::Path;

use ledger_audit::chain::ChainWalk;
use ledger_audit::source::{self, ServerSource};
use ledger_core::RoundId;
use ledger_projections::{Applied, ReadModel};
use ledger_tlog::TILE_WIDTH;
use serde_json::Value;

use ledger_harness::{all_pages, check_receipt, event_rows, get_json, EventRow as Row};

use crate::error::{broken, CrashLoopError, Promise};
use crate::fixture::ROUND;
use crate::traffic::Acked;

/// Checks the directory left by the kill with `ledger_store::verify`: the chain, every
/// derived entry and the stored Merkle hashes. Returns the verified length.
pub fn offline(cycle: u64, data: &Path) -> Result<u64, CrashLoopError> {
    let report = ledger_store::verify(data).map_err(|e| {
        broken(
            cycle,
            Promise::Reopens,
            format!("the directory left by the kill cannot be verified: {e}"),
        )
    })?;
    if let Some(problem) = report.first_problem() {
        return Err(broken(
            cycle,
            Promise::Reopens,
            format!(
                "offline verification of the directory left by the kill: {problem} ({} \
                 problems, intact prefix {} records)",
                report.problems.len(),
                report.head.length
            ),
        ));
    }
    Ok(report.head.length)
}

/// Every receipt names positions below `length`, the records the directory held when
/// the server was killed: the quick form of "nothing acknowledged is lost", run before
/// any retry can append.
pub fn within<'a>(
    cycle: u64,
    length: u64,
    acked: impl Iterator<Item = &'a Acked>,
) -> Result<(), CrashLoopError> {
    for ack in acked {
        if let Some(beyond) = ack.receipt.command.positions.iter().find(|p| **p >= length) {
            return Err(broken(
                cycle,
                Promise::AcknowledgedKept,
                format!(
                    "the receipt of {} (HTTP {} in cycle {}) names position {beyond} with hash \
                     {}, but after the kill the log holds only {length} records",
                    ack.sent.key,
                    ack.receipt.status,
                    ack.cycle,
                    ack.receipt
                        .command
                        .hashes
                        .first()
                        .map(String::as_str)
                        .unwrap_or("?")
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the whole log from `/v1/events` and checks that positions run 0..n and that
/// each record names its predecessor's hash.
pub fn events(cycle: u64, agent: &ureq::Agent, url: &str) -> Result<Vec<Row>, CrashLoopError> {
    let rows = event_rows(agent, url, None, None)?;
    let mut previous = "0".repeat(64);
    for (index, row) in rows.iter().enumerate() {
        if row.position != index as u64 {
            return Err(broken(
                cycle,
                Promise::GapFree,
                format!("/v1/events item {index} has position {}", row.position),
            ));
        }
        if row.prev_hash != previous {
            return Err(broken(
                cycle,
                Promise::GapFree,
                format!(
                    "position {index} names predecessor hash {}, but position {} has hash {previous}",
                    row.prev_hash,
                    index.saturating_sub(1)
                ),
            ));
        }
        previous.clone_from(&row.hash);
    }
    Ok(rows)
}

/// Every receipt ever acknowledged: its records at their positions with their hashes,
/// command id and actor, and the first record saying what the writer sent.
pub fn acknowledged(cycle: u64, rows: &[Row], acked: &[Acked]) -> Result<(), CrashLoopError> {
    for ack in acked {
        let key = &ack.sent.key;
        let said = format!(
            "the receipt of {key} (HTTP {} in cycle {})",
            ack.receipt.status, ack.cycle
        );
        let at = |position: u64| usize::try_from(position).ok().and_then(|p| rows.get(p));
        if let Err(mismatch) = check_receipt(&ack.receipt.command, at) {
            return Err(broken(
                cycle,
                Promise::AcknowledgedKept,
                format!(
                    "{mismatch} (HTTP {} in cycle {})",
                    ack.receipt.status, ack.cycle
                ),
            ));
        }
        for position in &ack.receipt.command.positions {
            let row = at(*position);
            if row.is_none_or(|row| row.actor != ack.sent.actor) {
                return Err(broken(
                    cycle,
                    Promise::AcknowledgedKept,
                    format!(
                        "{said} names position {position} of actor {}; the log has actor {:?} there",
                        ack.sent.actor,
                        row.map(|row| &row.actor)
                    ),
                ));
            }
        }
        let first = ack
            .receipt
            .command
            .positions
            .first()
            .and_then(|p| usize::try_from(*p).ok())
            .and_then(|p| rows.get(p));
        if let Some(row) = first {
            if let Some(difference) = content_differs(&ack.sent.body, row) {
                return Err(broken(
                    cycle,
                    Promise::AcknowledgedKept,
                    format!("{said}: the record differs from what was sent: {difference}"),
                ));
            }
        }
    }
    Ok(())
}

/// What differs between the command sent and its first record, if anything.
fn content_differs(sent: &Value, row: &Row) -> Option<String> {
    let (event_type, fields): (&str, &[&str]) = match sent["type"].as_str() {
        Some("cast_vote") => ("vote_cast", &["round", "library", "choice", "remark"]),
        Some("file_proposal") => ("proposal_filed", &["proposal", "title", "text"]),
        other => return Some(format!("the harness sent an unknown command {other:?}")),
    };
    if row.event_type != event_type {
        return Some(format!(
            "event type {} instead of {event_type}",
            row.event_type
        ));
    }
    for field in fields {
        let stored = row.body.get(*field).unwrap_or(&Value::Null);
        let sent = sent.get(*field).unwrap_or(&Value::Null);
        if stored != sent {
            return Some(format!("{field} is {stored}, {sent} was sent"));
        }
    }
    None
}

/// Each command id of the log occupies one run of consecutive positions, and each
/// command the harness holds a receipt for occupies exactly its receipt's positions: a
/// command applied twice would show up twice.
pub fn at_most_once(cycle: u64, rows: &[Row], acked: &[Acked]) -> Result<(), CrashLoopError> {
    let mut by_command: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (position, row) in rows.iter().enumerate() {
        by_command
            .entry(row.command_id.as_str())
            .or_default()
            .push(position as u64);
    }
    for (command, positions) in &by_command {
        if positions.windows(2).any(|pair| pair[1] != pair[0] + 1) {
            return Err(broken(
                cycle,
                Promise::AtMostOnce,
                format!("command {command} was applied more than once: positions {positions:?}"),
            ));
        }
    }
    for ack in acked {
        let found = by_command
            .get(ack.sent.key.as_str())
            .cloned()
            .unwrap_or_default();
        if found != ack.receipt.command.positions {
            return Err(broken(
                cycle,
                Promise::AtMostOnce,
                format!(
                    "command {} is at positions {found:?} in the log, its receipt names {:?}",
                    ack.sent.key, ack.receipt.command.positions
                ),
            ));
        }
    }
    Ok(())
}

/// `ledger-audit verify` against the server: the checkpoint's signature, the Merkle tree
/// rebuilt from every entry, the chain, every tally recounted and compared with the
/// server's results, and consistency with the checkpoint remembered in `remember`.
/// Returns the rounds recounted.
pub fn audit(
    cycle: u64,
    url: &str,
    key: &str,
    remember: &Path,
    rows: &[Row],
) -> Result<usize, CrashLoopError> {
    let audit_error = |e: anyhow::Error| broken(cycle, Promise::Audit, format!("{e:#}"));
    let key = ledger_audit::checkpoint::load_key(key).map_err(audit_error)?;
    let report = ledger_audit::verify::verify(&ServerSource::new(url), &key, Some(remember))
        .map_err(audit_error)?;
    let length = rows.len() as u64;
    let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
    if report.checkpoint.size != length || report.head.hash.to_hex() != last {
        return Err(broken(
            cycle,
            Promise::Audit,
            format!(
                "the signed checkpoint covers {} records ending in {}, /v1/events shows {length} \
                 ending in {last}",
                report.checkpoint.size,
                report.head.hash.to_hex()
            ),
        ));
    }
    Ok(report.rounds.len())
}

/// Folds the log read from the entry bundles into a fresh `ReadModel` and compares what
/// the server serves with it: the round's result, all its votes, its latest remarks, and
/// the proposals named in `proposals`.
pub fn projections(
    cycle: u64,
    agent: &ureq::Agent,
    url: &str,
    rows: &[Row],
    proposals: &[String],
) -> Result<(), CrashLoopError> {
    let fault = |e: anyhow::Error| broken(cycle, Promise::ProjectionsRebuild, format!("{e:#}"));
    let server = ServerSource::new(url);
    let size = rows.len() as u64;
    let mut chain = ChainWalk::new();
    let mut model = ReadModel::new();
    for bundle in 0..size.div_ceil(u64::from(TILE_WIDTH)) {
        let start = bundle * u64::from(TILE_WIDTH);
        let width = (size - start).min(u64::from(TILE_WIDTH)) as u16;
        for entry in source::entry_bundle(&server, bundle, width).map_err(fault)? {
            let (sealed, event) = chain.check(entry).map_err(fault)?;
            let position = sealed.record.position.0;
            let shown = usize::try_from(position)
                .ok()
                .and_then(|p| rows.get(p))
                .map(|r| r.hash.as_str());
            if shown != Some(sealed.hash.to_hex().as_str()) {
                return Err(broken(
                    cycle,
                    Promise::GapFree,
                    format!(
                        "entry {position} of the tiles hashes to {}, /v1/events shows {shown:?}",
                        sealed.hash.to_hex()
                    ),
                ));
            }
            match model.apply(&sealed, &event) {
                Applied::Applied => {}
                other => {
                    return Err(broken(
                        cycle,
                        Promise::ProjectionsRebuild,
                        format!("the fold refused record {position}: {other:?}"),
                    ))
                }
            }
        }
    }

    let round_id = RoundId::new(ROUND);
    let round = model.rounds().get(&round_id).ok_or_else(|| {
        broken(
            cycle,
            Promise::ProjectionsRebuild,
            format!("the fold of the log has no round {ROUND}"),
        )
    })?;
    let compare = |what: &str, served: Option<Value>, rebuilt: Value| {
        let served = served.unwrap_or(Value::Null);
        if served == rebuilt {
            Ok(())
        } else {
            Err(broken(
                cycle,
                Promise::ProjectionsRebuild,
                format!("{what}: the server serves {served}, the fold of the log gives {rebuilt}"),
            ))
        }
    };
    compare(
        &format!("/v1/rounds/{ROUND}/result"),
        get_json(agent, &format!("{url}/v1/rounds/{ROUND}/result"))?,
        to_json(&model.round_result(&round_id)),
    )?;
    let votes = all_pages(agent, url, &format!("/v1/rounds/{ROUND}/votes"))?;
    compare(
        &format!("/v1/rounds/{ROUND}/votes"),
        Some(Value::Array(votes)),
        to_json(&round.votes.values().collect::<Vec<_>>()),
    )?;
    // The latest remarks (a page of at most 100, taken after the remark before them),
    // where a lost or doubled write would show first.
    let from = round.remarks.len().saturating_sub(100);
    let path = match from.checked_sub(1).and_then(|i| round.remarks.get(i)) {
        Some(before) => format!(
            "{url}/v1/rounds/{ROUND}/remarks?limit=100&after={}",
            before.position
        ),
        None => format!("{url}/v1/rounds/{ROUND}/remarks?limit=100"),
    };
    let served = get_json(agent, &path)?.map(|page| page["items"].clone());
    compare(
        &path,
        served,
        to_json(&round.remarks.get(from..).unwrap_or_default()),
    )?;
    for id in proposals {
        let rebuilt = model
            .proposals()
            .get(&ledger_core::ProposalId::new(id.as_str()))
            .map(to_json)
            .unwrap_or(Value::Null);
        compare(
            &format!("/v1/proposals/{id}"),
            get_json(agent, &format!("{url}/v1/proposals/{id}"))?,
            rebuilt,
        )?;
    }
    Ok(())
}

/// A view as JSON; `Null` if it cannot be rendered (then the comparison fails and names
/// both sides).
fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
