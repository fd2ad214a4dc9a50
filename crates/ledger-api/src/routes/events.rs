//! `GET /v1/events` and `GET /v1/events/{position}`: the raw log, record by record.
//!
//! Each item shows the stored fields with the body decoded to JSON, and the record's hash
//! so a reader can check the chain; with `?bytes=base64` each item also carries the
//! record's stored bytes, so an auditor can page through the exact bytes that are hashed
//! instead of fetching one transparency-log entry per record. This module reads the store
//! directly, never the projections, and must never show anything that is not in the
//! record.

use actix_web::{get, web, HttpRequest, HttpResponse};
use base64::Engine;
use ledger_core::Sealed;
use ledger_projections::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{json, rounds::checked_limit, Shared};
use crate::problem::{ApiError, Problem};

/// One record of the log as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Position in the log (the item's id).
    pub position: u64,
    /// BLAKE3 record hash, 64 hex.
    pub hash: String,
    /// The previous record's hash, 64 hex (zeros at position 0).
    pub prev_hash: String,
    /// The event id, 32 hex.
    pub event_id: String,
    /// The command that produced it.
    pub command_id: String,
    /// Its stream, e.g. `round/r-2023-05`.
    pub stream: String,
    /// Its 0-based index in the stream.
    pub stream_version: u64,
    /// When it was recorded (UTC, RFC 3339).
    pub recorded_at: String,
    /// Who issued the command.
    pub actor: String,
    /// The event type, e.g. `vote_cast`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The body's schema version.
    pub schema_version: u16,
    /// The event body as JSON.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    /// The record's stored bytes (the bytes its hash is computed over), in standard
    /// base64 with padding (RFC 4648 section 4); only with `?bytes=base64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub bytes: Option<String>,
}

impl EventView {
    /// Renders a sealed record.
    pub fn from_sealed(sealed: &Sealed) -> Result<EventView, ApiError> {
        let record = &sealed.record;
        let event = record.event().map_err(|e| {
            ApiError::Internal(format!("record {} does not decode: {e}", record.position))
        })?;
        let tagged = serde_json::to_value(&event)
            .map_err(|e| ApiError::Internal(format!("event does not render: {e}")))?;
        let body = tagged
            .get("body")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        Ok(EventView {
            position: record.position.0,
            hash: sealed.hash.to_hex(),
            prev_hash: record.prev_hash.to_hex(),
            event_id: hex::encode(record.event_id),
            command_id: record.command_id.to_string(),
            stream: record.stream.clone(),
            stream_version: record.stream_version,
            recorded_at: record.recorded_at.to_rfc3339(),
            actor: record.actor.to_string(),
            event_type: record.event_type.clone(),
            schema_version: record.schema_version,
            body,
            bytes: None,
        })
    }

    /// Renders a sealed record with its stored bytes in base64.
    pub fn with_bytes(sealed: &Sealed) -> Result<EventView, ApiError> {
        let mut view = EventView::from_sealed(sealed)?;
        view.bytes = Some(base64::engine::general_purpose::STANDARD.encode(&sealed.bytes));
        Ok(view)
    }
}

/// How `?bytes=` asks for each record's stored bytes; base64 is the one encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BytesEncoding {
    /// Standard base64 with padding (RFC 4648 section 4).
    Base64,
}

/// `?after=POSITION&limit=N&bytes=base64`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Return records after this position (from 0 when absent); the previous page's `next`.
    pub after: Option<String>,
    /// Records per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `base64`: each item also carries `bytes`, the record exactly as stored and hashed
    /// (layout in ARCHITECTURE.md, "The record" and "Payload bytes").
    #[param(inline)]
    pub bytes: Option<BytesEncoding>,
}

/// The raw log in position order.
///
/// Every record, votes included: a `vote_cast` record holds the library's choice from
/// the moment it is cast, also while its round is open without live results (the read
/// views then show only the turnout until the close). Votes are public by design, so the
/// log can be verified record by record; real secrecy until the close would need
/// commit-reveal, which this ledger does not do.
#[utoipa::path(
    get, path = "/v1/events", tag = "log", params(EventsQuery),
    responses(
        (status = 200, description = "A page of records", body = Page<EventView>),
        (status = 400, description = "Bad cursor, limit or bytes encoding", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/events")]
pub async fn list(
    req: HttpRequest,
    state: Shared,
    query: web::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = checked_limit(query.limit)?;
    let from = match &query.after {
        None => 0,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .and_then(|p| p.checked_add(1))
            .ok_or_else(|| ApiError::BadRequest("`after` must be a log position".to_owned()))?,
    };
    let head = state.ledger.head();
    let records = if from >= head.length {
        Vec::new()
    } else {
        state
            .ledger
            .records(from, limit)
            .map_err(|e| ApiError::Internal(format!("store read failed: {e}")))?
    };
    let render = match query.bytes {
        Some(BytesEncoding::Base64) => EventView::with_bytes,
        None => EventView::from_sealed,
    };
    let items = records.iter().map(render).collect::<Result<Vec<_>, _>>()?;
    let next = match items.last() {
        Some(last) if last.position + 1 < head.length => Some(last.position.to_string()),
        _ => None,
    };
    Ok(json(&req, &head, &Page { items, next }))
}

/// One record.
#[utoipa::path(
    get, path = "/v1/events/{position}", tag = "log", params(("position" = u64, Path, description = "Log position")),
    responses(
        (status = 200, description = "The record", body = EventView),
        (status = 400, description = "Not a position", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No record there", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/events/{position}")]
pub async fn one(
    req: HttpRequest,
    state: Shared,
    position: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let at = position
        .parse::<u64>()
        .map_err(|_| ApiError::BadRequest("a position is a non-negative integer".to_owned()))?;
    let head = state.ledger.head();
    let sealed = state
        .ledger
        .record(at)
        .map_err(|e| ApiError::Internal(format!("store read failed: {e}")))?
        .ok_or_else(|| ApiError::NotFound {
            what: "position",
            id: at.to_string(),
        })?;
    // A record never changes, so its answer may be cached for ever.
    let view = EventView::from_sealed(&sealed)?;
    let mut response = json(&req, &head, &view);
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
