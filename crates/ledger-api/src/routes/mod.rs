//! The routes of the API, one module per resource, and what they share: the shared
//! state, query types, and how an answer is rendered with its ETag.
//!
//! Handlers stay thin: parse, ask the live model or the store, render. This module must
//! never decide a status code itself; errors go through `ApiError`.

pub mod commands;
pub mod csv;
pub mod events;
pub mod log;
pub mod meta;
pub mod pages;
pub mod proposals;
pub mod registry;
pub mod rounds;

use actix_web::{web, HttpRequest, HttpResponse};
use ledger_core::Head;
use ledger_projections::{PageQuery, ProjectionError};
use ledger_store::Ledger;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::conditional;
use crate::live::LiveModel;
use crate::problem::ApiError;

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    /// The store (the one writer lives behind it).
    pub ledger: Ledger,
    /// The read model kept current from the store.
    pub live: LiveModel,
    /// The bearer tokens that may write (`tokens.json` in the data directory).
    pub tokens: ledger_store::TokenBook,
}

impl AppState {
    /// Everything the API needs for `ledger`: loads (or rebuilds) the read model.
    /// Shells build the state here, so new parts of it need no change in them.
    pub fn new(ledger: Ledger) -> Result<AppState, ApiError> {
        let live = LiveModel::load(&ledger)?;
        AppState::with_live(ledger, live)
    }

    /// Everything the API needs for `ledger`, whose read model was already built (as
    /// [`crate::live::OpeningModel`] does while the ledger opens).
    pub fn with_live(ledger: Ledger, live: LiveModel) -> Result<AppState, ApiError> {
        let tokens = ledger_store::TokenBook::open(ledger.data_dir())
            .map_err(|e| ApiError::Internal(format!("cannot open the token book: {e}")))?;
        Ok(AppState {
            ledger,
            live,
            tokens,
        })
    }
}

/// The state as actix hands it to handlers.
pub type Shared = web::Data<AppState>;

/// `?at=POSITION`: read the projection as it was when the log held that many records.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// Number of records to fold (time travel); the head when absent.
    pub at: Option<u64>,
}

/// A paginated list read, optionally as of a past position.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// The cursor from the previous page's `next`.
    pub after: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Number of records to fold (time travel); the head when absent.
    pub at: Option<u64>,
}

impl ListQuery {
    /// The pagination part.
    pub fn page(&self) -> PageQuery {
        PageQuery {
            after: self.after.clone(),
            limit: self.limit,
        }
    }
}

impl From<ProjectionError> for ApiError {
    fn from(e: ProjectionError) -> Self {
        match e {
            ProjectionError::BadCursor { .. }
            | ProjectionError::BadLimit { .. }
            | ProjectionError::BadRange { .. }
            | ProjectionError::RangeNotCovered { .. } => ApiError::BadRequest(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Renders `value` as JSON with the ETag of `head` (or 304 if the client has it).
pub fn json<T: Serialize>(req: &HttpRequest, head: &Head, value: &T) -> HttpResponse {
    match conditional::respond(req, &conditional::etag(head)) {
        Ok(mut builder) => builder.json(value),
        Err(not_modified) => not_modified,
    }
}

/// Runs a read against the live model and renders it, turning `None` into a 404.
pub fn read_one<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    what: &'static str,
    id: &str,
    f: impl FnOnce(&ledger_projections::ReadModel) -> Option<T>,
) -> Result<HttpResponse, ApiError> {
    let (head, found) = state.live.read(&state.ledger, at, f)?;
    let value = found.ok_or_else(|| ApiError::NotFound {
        what,
        id: id.chars().take(128).collect(),
    })?;
    Ok(json(req, &head, &value))
}

/// Runs a paginated read inside one entity (a round's votes): 404 when the entity is
/// unknown, 400 for a bad cursor or limit.
pub fn read_one_page<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    what: &'static str,
    id: &str,
    f: impl FnOnce(&ledger_projections::ReadModel) -> Option<Result<T, ProjectionError>>,
) -> Result<HttpResponse, ApiError> {
    let (head, found) = state.live.read(&state.ledger, at, f)?;
    let value = found.ok_or_else(|| ApiError::NotFound {
        what,
        id: id.chars().take(128).collect(),
    })??;
    Ok(json(req, &head, &value))
}

/// Runs a list read against the live model and renders it.
pub fn read_list<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    f: impl FnOnce(&ledger_projections::ReadModel) -> Result<T, ProjectionError>,
) -> Result<HttpResponse, ApiError> {
    let (head, page) = state.live.read(&state.ledger, at, f)?;
    Ok(json(req, &head, &page?))
}
