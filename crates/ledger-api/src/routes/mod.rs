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
use crate::history::PastReads;
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
    /// Reads of the past (`?at=`, `/v1/digest`): their limit, fold pool and models.
    pub past: PastReads,
    /// For a mirror: its follower's reports (lag at `/healthz`).
    pub follow: Option<std::sync::Arc<crate::mirror::FollowStatus>>,
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
        AppState::with_checkpoints(ledger, live, None)
    }

    /// [`AppState::with_live`] with the past-read checkpoints the opening fold captured
    /// ([`crate::live::OpeningModel::finish_with_checkpoints`]); without them they are
    /// folded in the background from the log, not by the first client.
    pub fn with_checkpoints(
        ledger: Ledger,
        live: LiveModel,
        checkpoints: Option<std::sync::Arc<crate::history::History>>,
    ) -> Result<AppState, ApiError> {
        let tokens = ledger_store::TokenBook::open(ledger.data_dir())
            .map_err(|e| ApiError::Internal(format!("cannot open the token book: {e}")))?;
        let past = match checkpoints {
            Some(history) => PastReads::with_history(crate::history::default_limit(), history),
            None => {
                let past = PastReads::default();
                past.warm(&ledger);
                past
            }
        };
        Ok(AppState {
            ledger,
            live,
            tokens,
            past,
            follow: None,
        })
    }

    /// The same state for a mirror whose follower reports to `follow`.
    pub fn with_follow(mut self, follow: std::sync::Arc<crate::mirror::FollowStatus>) -> AppState {
        self.follow = Some(follow);
        self
    }

    /// The same state with past reads limited to `limit` per client address.
    pub fn with_past_limit(mut self, limit: crate::ratelimit::RateLimit) -> AppState {
        self.past.set_limit(limit);
        self
    }
}

/// The state as actix hands it to handlers.
pub type Shared = web::Data<AppState>;

/// `?at=N`: read the projection as it was when the log held N records (a record count,
/// not a position: `at=N` covers positions 0 to N-1).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// A record count (time travel): the answer as it was when the log held this many
    /// records, positions 0 to at-1; 0 is the empty log. The head when absent.
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
    /// A record count (time travel): the answer as it was when the log held this many
    /// records, positions 0 to at-1; 0 is the empty log. The head when absent.
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

/// Runs `f` on the model at the head, or on the model of the log's first `at` records:
/// a read of the past is admitted by the caller's per-client limit (429) and folded on
/// the fold pool, never on this worker.
pub async fn read<T>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    f: impl FnOnce(&ledger_projections::ReadModel) -> T,
) -> Result<(Head, T), ApiError> {
    let length = state.ledger.head().length;
    match at {
        Some(at) if at > length => Err(crate::history::beyond(at, length)),
        Some(at) if at < length => {
            state.past.admit(req.peer_addr().map(|a| a.ip()))?;
            let model = state.past.model_at(&state.ledger, at).await?;
            Ok((crate::live::model_head(&model), f(&model)))
        }
        _ => state.live.read(&state.ledger, f),
    }
}

/// Runs a read against the live model and renders it, turning `None` into a 404.
pub async fn read_one<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    what: &'static str,
    id: &str,
    f: impl FnOnce(&ledger_projections::ReadModel) -> Option<T>,
) -> Result<HttpResponse, ApiError> {
    let (head, found) = read(req, state, at, f).await?;
    let value = found.ok_or_else(|| ApiError::NotFound {
        what,
        id: id.chars().take(128).collect(),
    })?;
    Ok(json(req, &head, &value))
}

/// Runs a paginated read inside one entity (a round's votes): 404 when the entity is
/// unknown, 400 for a bad cursor or limit.
pub async fn read_one_page<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    what: &'static str,
    id: &str,
    f: impl FnOnce(&ledger_projections::ReadModel) -> Option<Result<T, ProjectionError>>,
) -> Result<HttpResponse, ApiError> {
    let (head, found) = read(req, state, at, f).await?;
    let value = found.ok_or_else(|| ApiError::NotFound {
        what,
        id: id.chars().take(128).collect(),
    })??;
    Ok(json(req, &head, &value))
}

/// Runs a list read against the live model and renders it.
pub async fn read_list<T: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    at: Option<u64>,
    f: impl FnOnce(&ledger_projections::ReadModel) -> Result<T, ProjectionError>,
) -> Result<HttpResponse, ApiError> {
    let (head, page) = read(req, state, at, f).await?;
    Ok(json(req, &head, &page?))
}
