//! `GET /healthz`, `GET /openapi.json` and `GET /v1/digest`: the service itself and the
//! newsletter generator's "what changed" view.
//!
//! Must never report healthy when the store cannot be read.

use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_projections::{Digest, ReadModel};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{json, Shared};
use crate::live::log_range;
use crate::problem::{ApiError, Problem};

/// The answer of `/healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the store answers.
    pub status: String,
    /// Records in the log.
    pub length: u64,
    /// The head hash, 64 hex.
    pub head: String,
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
        }))
}

/// The OpenAPI document of this API, generated from the code.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/openapi.json")]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}

/// `?from=POSITION&to=POSITION`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DigestQuery {
    /// First position covered (default 0).
    pub from: Option<u64>,
    /// First position not covered (default: the head).
    pub to: Option<u64>,
}

/// What changed in `[from, to)`, grouped by proposal.
#[utoipa::path(
    get, path = "/v1/digest", tag = "newsletter", params(DigestQuery),
    responses(
        (status = 200, description = "The changes in the range", body = Digest),
        (status = 400, description = "Bad range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/digest")]
pub async fn digest(
    req: HttpRequest,
    state: Shared,
    query: web::Query<DigestQuery>,
) -> Result<HttpResponse, ApiError> {
    let head = state.ledger.head();
    let from = query.from.unwrap_or(0);
    let to = query.to.unwrap_or(head.length);
    if from > to || to > head.length {
        return Err(ApiError::BadRequest(format!(
            "the range must satisfy from <= to <= {}",
            head.length
        )));
    }
    let mut before = ReadModel::new();
    before.try_catch_up(log_range(&state.ledger, 0, from), from)?;
    let range: Vec<_> = log_range(&state.ledger, from, to).collect::<Result<_, _>>()?;
    let digest = Digest::between(&before, &range, from, to)?;
    let at = crate::live::head_at(&state.ledger, to)?;
    Ok(json(&req, &at, &digest))
}
