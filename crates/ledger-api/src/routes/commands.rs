//! `POST /v1/commands`: the one write route. A bearer token names the actor and its role;
//! the body is one command; the answer is a receipt the caller can later prove in the
//! transparency log.
//!
//! Order of the checks, cheapest and least revealing first: the token (401), its rate
//! (429), the body's size and arrival (413, 408), its syntax and the headers (400), the
//! token's scope (403), then the store's writer, which decides with the domain (403 for a
//! role the log does not show, 422 for a domain rule, 409 for `If-Match`). Only the last
//! step can write, so every refusal before it leaves the log untouched. This module must
//! never append without a valid token, never build an envelope whose actor is not the
//! token's, and never decide a status itself (`problem.rs` does).

use std::time::Duration;

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use ledger_core::{check_id, command_docs, Command, CommandId, Envelope};
use ledger_store::{Ledger, Receipt};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Shared;
use crate::auth;
use crate::problem::{ApiError, Problem};
use crate::ratelimit::{RateLimit, RateLimiter};

/// The header that carries the caller's command id.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The limits of the write route, shared by every worker of one server.
#[derive(Debug)]
pub struct WriteLimits {
    /// The largest body accepted, in bytes.
    pub body_limit: usize,
    /// How long the body may take to arrive.
    pub body_timeout: Duration,
    /// The per-token rate limit.
    pub limiter: RateLimiter,
}

impl WriteLimits {
    /// Limits from their parts.
    pub fn new(body_limit: usize, body_timeout: Duration, rate: RateLimit) -> WriteLimits {
        WriteLimits {
            body_limit,
            body_timeout,
            limiter: RateLimiter::new(rate),
        }
    }
}

/// What an applied command produced: the positions and hashes of its records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommandReceipt {
    /// The command id: the `Idempotency-Key`, or one the server chose.
    pub command_id: String,
    /// The positions of the command's records, consecutive.
    pub positions: Vec<u64>,
    /// The BLAKE3 record hashes, 64 hex each, in the same order.
    pub hashes: Vec<String>,
    /// When the command was recorded (UTC, RFC 3339).
    pub recorded_at: String,
    /// True when the command id had been applied before: nothing was appended now and
    /// this is the original receipt.
    pub replayed: bool,
}

impl From<&Receipt> for CommandReceipt {
    fn from(receipt: &Receipt) -> Self {
        CommandReceipt {
            command_id: receipt.command_id.to_string(),
            positions: receipt.positions.clone(),
            hashes: receipt.hashes.iter().map(|h| h.to_hex()).collect(),
            recorded_at: receipt.recorded_at.to_rfc3339(),
            replayed: receipt.replayed,
        }
    }
}

/// Submits one command as the token's actor.
///
/// The body is one command: `{"type": "...", ...}`, one of the `oneOf` below (also
/// `ledger commands`); any content type is read as JSON. A body that is not a command is
/// refused (400) naming every missing and unknown field at once. Keys are the actor's own: a repeat of the
/// same command with the same `Idempotency-Key` is answered with the first receipt (200)
/// and appends nothing; another command with a key the actor used is refused (422
/// `idempotency-key-reused`) and appends nothing.
#[utoipa::path(
    post, path = "/v1/commands", tag = "commands",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "The command id (1 to 128 of A-Z a-z 0-9 . _ : -), scoped to the token's actor: a repeat of the same command returns the first receipt, another command with it is refused (422 `idempotency-key-reused`); when another actor already used the key, the command is stored as `actor/key`. Chosen by the server when absent."),
        ("If-Match" = Option<String>, Header, description = "The number of events the command's stream must hold, e.g. `\"3\"` or `3`"),
    ),
    request_body(content = Object, description = "One command: {\"type\": \"...\", ...}; every command with its fields and an example", content_type = "application/json"),
    responses(
        (status = 201, description = "Appended; `Location` names the first record", body = CommandReceipt),
        (status = 200, description = "Applied before with this Idempotency-Key: the original receipt", body = CommandReceipt),
        (status = 400, description = "Malformed body or header", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not issue this command, or the log does not grant it", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body did not arrive in time", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stream does not hold If-Match events", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body or record over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The domain refused the command (typed `reason`), or the actor used the Idempotency-Key for another command (`idempotency-key-reused`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over this token's rate; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The ledger cannot take writes now (retry with the same Idempotency-Key), takes none until the server is restarted after a failed disk write (`writes-stopped`), or its chain is damaged (`ledger-damaged`, naming the first bad position)", body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "The disk holding the ledger is full; nothing was written; retry later with the same Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 421, description = "This server is a read-only mirror (`read-only-mirror`); the problem's `primary` names the server that takes writes", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/v1/commands")]
pub async fn submit(
    req: HttpRequest,
    state: Shared,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // A mirror decides nothing: say where writes go before asking for a token.
    if let Some(primary) = state.ledger.mirror_of() {
        return Err(ApiError::ReadOnlyMirror {
            primary: primary.to_owned(),
        });
    }
    let limits = req
        .app_data::<web::Data<WriteLimits>>()
        .ok_or_else(|| ApiError::Internal("the write limits are not configured".to_owned()))?;
    let grant = auth::authenticate(&req, &state.tokens)?;
    limits
        .limiter
        .check(&grant.key)
        .map_err(|retry_after_seconds| ApiError::TooManyRequests {
            retry_after_seconds,
        })?;
    let body = read_body(&req, payload, limits).await?;
    let command: Command =
        command_docs::parse_command(&body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let command_id = match single_header(&req, IDEMPOTENCY_KEY)? {
        Some(key) => {
            check_id("command", key)
                .map_err(|e| ApiError::BadRequest(format!("Idempotency-Key: {e}")))?;
            CommandId::new(key)
        }
        None => fresh_command_id(),
    };
    let expected_version = single_header(&req, header::IF_MATCH.as_str())?
        .map(parse_if_match)
        .transpose()?;
    auth::authorize(&grant, &command)?;

    let envelope = Envelope {
        command_id,
        actor: grant.actor,
        expected_version,
        command,
    };
    let ledger = state.ledger.clone();
    let receipt = web::block(move || append(&ledger, envelope))
        .await
        .map_err(|_| {
            ApiError::Unavailable(
                "the write was interrupted; retry with the same Idempotency-Key".to_owned(),
            )
        })??;
    let body = CommandReceipt::from(&receipt);
    let mut response = if receipt.replayed {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    if let Some(first) = receipt.positions.first() {
        response.insert_header((header::LOCATION, format!("/v1/events/{first}")));
    }
    Ok(response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

/// Appends; the store scopes the key to the actor and refuses it for another command.
fn append(ledger: &Ledger, envelope: Envelope) -> Result<Receipt, ApiError> {
    Ok(ledger.append(envelope)?)
}

/// Reads the whole body within the size and time limits.
async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limits: &WriteLimits,
) -> Result<web::Bytes, ApiError> {
    let too_large = || ApiError::PayloadTooLarge {
        limit: limits.body_limit,
    };
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limits.body_limit as u64) {
        return Err(too_large());
    }
    let read = payload.to_bytes_limited(limits.body_limit);
    match actix_web::rt::time::timeout(limits.body_timeout, read).await {
        Err(_) => Err(ApiError::RequestTimeout {
            seconds: limits.body_timeout.as_secs(),
        }),
        Ok(Err(_)) => Err(too_large()),
        Ok(Ok(Err(e))) => Err(ApiError::BadRequest(format!(
            "the body could not be read: {e}"
        ))),
        Ok(Ok(Ok(bytes))) => Ok(bytes),
    }
}

/// The value of a header that may appear at most once, as text.
fn single_header<'a>(req: &'a HttpRequest, name: &str) -> Result<Option<&'a str>, ApiError> {
    let mut values = req.headers().get_all(name);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::BadRequest(format!("{name} may be given once")));
    }
    value
        .to_str()
        .map(|v| Some(v.trim()))
        .map_err(|_| ApiError::BadRequest(format!("{name} must be visible ASCII")))
}

/// `If-Match: "3"` or `If-Match: 3`: the stream's expected number of events.
fn parse_if_match(value: &str) -> Result<u64, ApiError> {
    let bare = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if bare.is_empty() || !bare.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::BadRequest(format!(
            "If-Match must be the stream's expected number of events, e.g. \"3\"; got {:?}",
            value.chars().take(40).collect::<String>()
        )));
    }
    bare.parse()
        .map_err(|_| ApiError::BadRequest("If-Match is out of range".to_owned()))
}

/// A command id for a request without `Idempotency-Key`: 128 random bits.
fn fresh_command_id() -> CommandId {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    CommandId::new(format!("api-{}", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_a_quoted_or_bare_count_only() {
        assert_eq!(parse_if_match("\"3\"").ok(), Some(3));
        assert_eq!(parse_if_match("0").ok(), Some(0));
        for bad in [
            "",
            "\"\"",
            "*",
            "W/\"3\"",
            "-1",
            "3.0",
            "\"3",
            "99999999999999999999",
        ] {
            assert!(parse_if_match(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fresh_command_ids_are_valid_and_distinct() {
        let (a, b) = (fresh_command_id(), fresh_command_id());
        assert!(a.check().is_ok());
        assert_ne!(a, b);
    }
}
