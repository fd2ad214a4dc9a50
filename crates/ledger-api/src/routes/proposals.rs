//! `GET /v1/proposals` and `GET /v1/proposals/{id}`: proposals with their timeline.
//!
//! Must never reorder a timeline: its steps are in log order, with their positions, so a
//! reader can check each against the raw log.

use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_core::ProposalId;
use ledger_projections::{page, Page, ProposalView};

use super::{read_list, read_one, AtQuery, ListQuery, Shared};
use crate::problem::{ApiError, Problem};

/// Lists proposals by id.
#[utoipa::path(
    get, path = "/v1/proposals", tag = "proposals", params(ListQuery),
    responses(
        (status = 200, description = "A page of proposals", body = Page<ProposalView>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/proposals")]
pub async fn list(
    req: HttpRequest,
    state: Shared,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_list(&req, &state, query.at, |m| {
        page(m.proposals(), &query.page(), Clone::clone)
    })
    .await
}

/// One proposal with its status timeline.
#[utoipa::path(
    get, path = "/v1/proposals/{id}", tag = "proposals", params(("id" = String, Path, description = "Proposal id"), AtQuery),
    responses(
        (status = 200, description = "The proposal", body = ProposalView),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown proposal", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/proposals/{id}")]
pub async fn one(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = ProposalId::new(id.as_str());
    read_one(&req, &state, query.at, "proposal", &id, |m| {
        m.proposals().get(&key).cloned()
    })
    .await
}
