//! How records and receipts are shown: the one-line text form of `ledger log`, the JSON
//! object of `ledger log --json` and `ledger export`, and the receipt every writing
//! command prints, whether it appended offline or through a server.
//!
//! The JSON field names are a public interface of the command line (scripts read them);
//! this module must never rename one, only add.

use ledger_core::Sealed;
use serde_json::{json, Map, Value};

/// `position hash-prefix recorded_at actor type stream@version`.
pub fn line(sealed: &Sealed) -> String {
    let r = &sealed.record;
    let hash = sealed.hash.to_hex();
    format!(
        "{:>6} {} {} {} {} {}@{}",
        r.position,
        &hash[..12],
        r.recorded_at.to_rfc3339(),
        r.actor,
        r.event_type,
        r.stream,
        r.stream_version
    )
}

/// Every field of the record, with the event body decoded to JSON.
pub fn fields(sealed: &Sealed) -> anyhow::Result<Map<String, Value>> {
    let r = &sealed.record;
    let event = r
        .event()
        .map_err(|e| anyhow::anyhow!("record {} does not decode: {e}", r.position))?;
    let body = match serde_json::to_value(&event)? {
        Value::Object(mut tagged) => tagged.remove("body").unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let value = json!({
        "position": r.position.0,
        "hash": sealed.hash.to_hex(),
        "prev_hash": r.prev_hash.to_hex(),
        "event_id": hex_of(&r.event_id),
        "command_id": r.command_id,
        "recorded_at": r.recorded_at,
        "actor": r.actor,
        "stream": r.stream,
        "stream_version": r.stream_version,
        "type": r.event_type,
        "schema_version": r.schema_version,
        "body": body,
    });
    match value {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// `1 library`, `2 libraries`: a count with the word that agrees with it.
pub fn counted(count: impl std::fmt::Display, singular: &str, plural: &str) -> String {
    let text = count.to_string();
    format!("{text} {}", agreeing(&text, singular, plural))
}

/// The word that agrees with a count as printed: `singular` for exactly 1.
pub fn agreeing<'a>(count: &str, singular: &'a str, plural: &'a str) -> &'a str {
    if count == "1" {
        singular
    } else {
        plural
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prints a receipt: the command, how many records, when, and each position with its
/// hash; a replayed command id says that nothing was appended.
pub fn receipt(
    command_id: &str,
    positions: &[u64],
    hashes: &[impl std::fmt::Display],
    recorded_at: &impl std::fmt::Display,
    replayed: bool,
) {
    let count = positions.len();
    let what = if replayed {
        "already applied, nothing appended:"
    } else {
        "appended"
    };
    println!(
        "{what} command {command_id} ({count} record{}, recorded at {recorded_at})",
        if count == 1 { "" } else { "s" },
    );
    for (position, hash) in positions.iter().zip(hashes) {
        println!("position {position} hash {hash}");
    }
}
