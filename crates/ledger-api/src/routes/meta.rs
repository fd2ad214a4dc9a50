//! `GET /healthz`, `GET /openapi.json` and `GET /v1/digest`: the service itself and the
//! newsletter generator's "what changed" view.
//!
//! Must never report healthy when the store cannot be read.

use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_projections::{Digest, ReadModel};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{json, Shared};
use crate::problem::{ApiError, Problem};

/// The most records one digest covers: its cost is bounded by this and the checkpoint
/// spacing of [`crate::history`], not by the log's length.
pub const MAX_DIGEST_RECORDS: u64 = 10_000;

/// The answer of `/healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the store answers.
    pub status: String,
    /// Records in the log.
    pub length: u64,
    /// The head hash, 64 hex.
    pub head: String,
    /// Only on a mirror: how far behind its primary it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<crate::mirror::MirrorHealth>,
}

/// Liveness and the current head.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, description = "Healthy", body = Health)))]
#[get("/healthz")]
pub async fn healthz(state: Shared) -> Result<HttpResponse, ApiError> {
    let head = state.ledger.head();
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(Health {
            status: "ok".to_owned(),
            length: head.length,
            head: head.hash.to_hex(),
            mirror: state
                .follow
                .as_ref()
                .map(|follow| follow.health(&state.ledger, std::time::SystemTime::now())),
        }))
}

/// The OpenAPI document of this API, generated from the code.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/openapi.json")]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}

/// `?from=POSITION&to=POSITION`, at most [`MAX_DIGEST_RECORDS`] apart.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DigestQuery {
    /// First position covered (default: `to` less 10,000, or 0).
    pub from: Option<u64>,
    /// First position not covered (default: the head).
    pub to: Option<u64>,
}

/// What changed in `[from, to)`, grouped by proposal; a range covers at most 10,000
/// records (a longer one is refused; page through it).
#[utoipa::path(
    get, path = "/v1/digest", tag = "newsletter", params(DigestQuery),
    responses(
        (status = 200, description = "The changes in the range", body = Digest),
        (status = 400, description = "Bad range, or one of more than 10,000 records (`range-too-large`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many digests from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/digest")]
pub async fn digest(
    req: HttpRequest,
    state: Shared,
    query: web::Query<DigestQuery>,
) -> Result<HttpResponse, ApiError> {
    let head = state.ledger.head();
    let to = query.to.unwrap_or(head.length);
    let from = query
        .from
        .unwrap_or_else(|| to.saturating_sub(MAX_DIGEST_RECORDS));
    if from > to || to > head.length {
        return Err(ApiError::BadRequest(format!(
            "the range must satisfy from <= to <= {}",
            head.length
        )));
    }
    if to - from > MAX_DIGEST_RECORDS {
        return Err(ApiError::RangeTooLarge {
            from,
            to,
            limit: MAX_DIGEST_RECORDS,
        });
    }
    state.past.admit(req.peer_addr().map(|a| a.ip()))?;
    let history = std::sync::Arc::clone(&state.past.history);
    let ledger = state.ledger.clone();
    let (digest, at) = state
        .past
        .fold(move || {
            let before: std::sync::Arc<ReadModel> = history.model_at(&ledger, from)?;
            let range: Vec<_> = ledger
                .log(from, to)
                .collect::<Result<_, _>>()
                .map_err(|e| ApiError::Internal(format!("store read failed: {e}")))?;
            let digest = Digest::between(&before, &range, from, to)?;
            Ok((digest, crate::live::head_at(&ledger, to)?))
        })
        .await?;
    Ok(json(&req, &at, &digest))
}
