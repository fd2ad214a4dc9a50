//! `GET /v1/libraries` and `GET /v1/libraries/{id}`: the libraries and their weights;
//! `GET /v1/actors/{id}`: an actor's display name and roles, so a client that shows an
//! actor id (a signer, a scorer) can show the name with it.
//!
//! Must never show a library's weight in a round from here: the round's frozen
//! electorate is the only source of that.

use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_core::{ActorId, LibraryId};
use ledger_projections::{page, ActorNameView, LibraryView, Page};

use super::{read_list, read_one, AtQuery, ListQuery, Shared};
use crate::problem::{ApiError, Problem};

/// Lists libraries by id.
#[utoipa::path(
    get, path = "/v1/libraries", tag = "registry", params(ListQuery),
    responses(
        (status = 200, description = "A page of libraries", body = Page<LibraryView>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/libraries")]
pub async fn list(
    req: HttpRequest,
    state: Shared,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_list(&req, &state, query.at, |m| {
        page(m.libraries(), &query.page(), Clone::clone)
    })
    .await
}

/// One library.
#[utoipa::path(
    get, path = "/v1/libraries/{id}", tag = "registry", params(("id" = String, Path, description = "Library id"), AtQuery),
    responses(
        (status = 200, description = "The library", body = LibraryView),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown library", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/libraries/{id}")]
pub async fn one(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = LibraryId::new(id.as_str());
    read_one(&req, &state, query.at, "library", &id, |m| {
        m.libraries().get(&key).cloned()
    })
    .await
}

/// One actor: its display name (once the secretariat gave one, kept after its roles end)
/// and the roles it holds now.
#[utoipa::path(
    get, path = "/v1/actors/{id}", tag = "registry", params(("id" = String, Path, description = "Actor id"), AtQuery),
    responses(
        (status = 200, description = "The actor", body = ActorNameView),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No actor with a role or a name by that id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/actors/{id}")]
pub async fn actor(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = ActorId::new(id.as_str());
    read_one(&req, &state, query.at, "actor", &id, |m| {
        m.actor_name_view(&key)
    })
    .await
}
