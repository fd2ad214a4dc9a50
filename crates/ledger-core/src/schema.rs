//! The JSON Schemas of commands and events, generated from the Rust types.
//!
//! The committed files under `schemas/` are checked against these by a test, so the
//! types stay the single source of truth and any drift fails CI. This module must never
//! hand-edit a schema.

use schemars::schema::RootSchema;

use crate::command::Envelope;
use crate::event::Event;

/// The schema of an event as shown on the read API (`{"type", "body"}`).
pub fn event_schema() -> RootSchema {
    schemars::schema_for!(Event)
}

/// The schema of a command envelope as accepted by `ledger submit` and the write API.
pub fn envelope_schema() -> RootSchema {
    schemars::schema_for!(Envelope)
}

/// A schema as the committed file holds it: pretty JSON with a final newline.
pub fn to_file_text(schema: &RootSchema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
