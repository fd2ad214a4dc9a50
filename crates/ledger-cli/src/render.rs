//! How records are shown: the one-line text form of `ledger log` and the JSON object of
//! `ledger log --json` and `ledger export`.
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
        "event_type": r.event_type,
        "schema_version": r.schema_version,
        "body": body,
    });
    match value {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
