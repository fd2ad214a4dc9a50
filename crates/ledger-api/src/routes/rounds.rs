//! `GET /v1/rounds...`: vote rounds, their votes and remarks, and their result.
//!
//! The result is the projection's `RoundResult`: the live tally while a round is open
//! (outcome `pending`; only its turnout when the round was opened without live results,
//! `counts: at_close`), the tally stated in `round_closed` once closed. This module must
//! never compute a tally itself; the projection and the core own that arithmetic.

use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_core::{LibraryId, RoundId};
use ledger_projections::{
    page, BallotView, NotVotedView, Page, RemarkView, RoundResult, RoundSummary, RoundView,
    VoteView, DEFAULT_LIMIT, MAX_LIMIT,
};

use super::{read_list, read_one, read_one_page, AtQuery, ListQuery, Shared};
use crate::problem::{ApiError, Problem};

/// Lists rounds by id, as summaries.
#[utoipa::path(
    get, path = "/v1/rounds", tag = "rounds", params(ListQuery),
    responses(
        (status = 200, description = "A page of rounds", body = Page<RoundSummary>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds")]
pub async fn list(
    req: HttpRequest,
    state: Shared,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_list(&req, &state, query.at, |m| {
        page(m.rounds(), &query.page(), RoundView::summary)
    })
    .await
}

/// One round: window, rule, frozen electorate, live participation, votes, signatures.
///
/// While the round is open without live results (`counts: at_close`), `live` holds only
/// the turnout (`eligible`, `cast`) and each vote's `choice` is null; they appear when
/// the round closes.
///
/// Withholding counts per choice while a round is open is how results are presented,
/// not ballot secrecy: every vote is a public record of the log from the moment it is
/// cast (`/v1/events`, `/v1/log/*`), so the log can be verified record by record.
#[utoipa::path(
    get, path = "/v1/rounds/{id}", tag = "rounds", params(("id" = String, Path, description = "Round id"), AtQuery),
    responses(
        (status = 200, description = "The round", body = RoundView),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}")]
pub async fn one(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    read_one(&req, &state, query.at, "round", &id, |m| {
        m.rounds().get(&key).cloned()
    })
    .await
}

/// The result of a round: counts per choice, exact shares, outcome, certification.
///
/// While the round is open without live results (`counts: at_close`), only the turnout
/// is shown: `yes`, `no`, `abstain`, the yes shares and `tally_digest` are null until
/// the close.
///
/// Withholding counts per choice while a round is open is how results are presented,
/// not ballot secrecy: every vote is a public record of the log from the moment it is
/// cast (`/v1/events`, `/v1/log/*`), so the log can be verified record by record.
#[utoipa::path(
    get, path = "/v1/rounds/{id}/result", tag = "rounds", params(("id" = String, Path, description = "Round id"), AtQuery),
    responses(
        (status = 200, description = "The result", body = RoundResult),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/result")]
pub async fn result(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    read_one(&req, &state, query.at, "round", &id, |m| {
        m.round_result(&key)
    })
    .await
}

/// The votes of a round by library: each library's current ballot (the last counts) and
/// how many it cast; the earlier ballots are under `.../votes/{library}/ballots`.
///
/// While the round is open without live results, `choice` is null until the close.
///
/// Withholding counts per choice while a round is open is how results are presented,
/// not ballot secrecy: every vote is a public record of the log from the moment it is
/// cast (`/v1/events`, `/v1/log/*`), so the log can be verified record by record.
#[utoipa::path(
    get, path = "/v1/rounds/{id}/votes", tag = "rounds", params(("id" = String, Path, description = "Round id"), ListQuery),
    responses(
        (status = 200, description = "A page of votes", body = Page<VoteView>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/votes")]
pub async fn votes(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    read_one_page(&req, &state, query.at, "round", &id, |m| {
        m.rounds()
            .get(&key)
            .map(|round| page(&round.votes, &query.page(), Clone::clone))
    })
    .await
}

/// The eligible libraries that have not voted (yet), by library id: the list for
/// reminders while a round is open.
#[utoipa::path(
    get, path = "/v1/rounds/{id}/not-voted", tag = "rounds", params(("id" = String, Path, description = "Round id"), ListQuery),
    responses(
        (status = 200, description = "A page of libraries without a vote", body = Page<NotVotedView>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/not-voted")]
pub async fn not_voted(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    read_one_page(&req, &state, query.at, "round", &id, |m| {
        m.not_voted(&key)
            .map(|missing| page(&missing, &query.page(), Clone::clone))
    })
    .await
}

/// The remarks of a round in log order, superseded ones marked.
#[utoipa::path(
    get, path = "/v1/rounds/{id}/remarks", tag = "rounds", params(("id" = String, Path, description = "Round id"), ListQuery),
    responses(
        (status = 200, description = "A page of remarks; the cursor is a log position", body = Page<RemarkView>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/remarks")]
pub async fn remarks(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    let pager = PositionPager::new(&query, "remarks")?;
    read_one_page(&req, &state, query.at, "round", &id, |m| {
        m.rounds()
            .get(&key)
            .map(|round| Ok(pager.page(&round.remarks, |r| r.position)))
    })
    .await
}

/// Every ballot one library cast in a round, oldest first (the last one counts), a page
/// at a time.
///
/// While the round is open without live results, `choice` is null until the close.
///
/// Withholding counts per choice while a round is open is how results are presented,
/// not ballot secrecy: every vote is a public record of the log from the moment it is
/// cast (`/v1/events`, `/v1/log/*`), so the log can be verified record by record.
#[utoipa::path(
    get, path = "/v1/rounds/{id}/votes/{library}/ballots", tag = "rounds",
    params(("id" = String, Path, description = "Round id"), ("library" = String, Path, description = "Library id"), ListQuery),
    responses(
        (status = 200, description = "A page of ballots; the cursor is a log position", body = Page<BallotView>),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round, or the library did not vote in it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/votes/{library}/ballots")]
pub async fn ballots(
    req: HttpRequest,
    state: Shared,
    path: web::Path<(String, String)>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, library) = path.into_inner();
    let round = RoundId::new(id.as_str());
    let voter = LibraryId::new(library.as_str());
    let pager = PositionPager::new(&query, "ballots")?;
    let what = format!("{id}/{library}");
    read_one_page(&req, &state, query.at, "vote", &what, |m| {
        m.ballots(&round, &voter)
            .filter(|ballots| !ballots.is_empty())
            .map(|ballots| Ok(pager.page(ballots, |b| b.position)))
    })
    .await
}

/// Pages through a list in log order whose cursor is the log position of the last item.
struct PositionPager {
    after: Option<u64>,
    limit: usize,
}

impl PositionPager {
    fn new(query: &ListQuery, what: &str) -> Result<PositionPager, ApiError> {
        let after = match &query.after {
            None => None,
            Some(text) => Some(text.parse::<u64>().map_err(|_| {
                ApiError::BadRequest(format!("the {what} cursor is a log position"))
            })?),
        };
        Ok(PositionPager {
            after,
            limit: checked_limit(query.limit)?,
        })
    }

    /// The items after the cursor, at most `limit`, with the next cursor if more follow.
    fn page<T: Clone>(&self, items: &[T], position: impl Fn(&T) -> u64) -> Page<T> {
        // Items are in position order: skip to the cursor without walking the list.
        let start = self
            .after
            .map_or(0, |a| items.partition_point(|item| position(item) <= a));
        let rest = &items[start..];
        let taken: Vec<T> = rest.iter().take(self.limit).cloned().collect();
        let next = match taken.last() {
            Some(last) if rest.len() > taken.len() => Some(position(last).to_string()),
            _ => None,
        };
        Page { items: taken, next }
    }
}

/// Checks a limit the same way the projection's pager does.
pub fn checked_limit(limit: Option<u32>) -> Result<usize, ApiError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        0 => Err(ApiError::BadRequest(format!(
            "limit must be 1 to {MAX_LIMIT}"
        ))),
        n if n > MAX_LIMIT => Err(ApiError::BadRequest(format!(
            "limit must be 1 to {MAX_LIMIT}"
        ))),
        n => Ok(n as usize),
    }
}
