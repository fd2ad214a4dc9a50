//! `GET /`, `GET /v1/rounds/{id}/result.svg`, `GET /v1/rounds/{id}/result.png` and `GET
//! /v1/feed.atom`: what people read without an API client. The public HTML page (Dutch,
//! `?lang=en` for English), the results infographic of a round (SVG, and the same SVG
//! drawn as PNG for mail and social posts), and an Atom feed of the latest records.
//!
//! The markup is rendered by `ledger-report` from the live read model; these handlers
//! only pick the language, the checkpoint and the records, and set the headers. Pages
//! run no script, so they are served with a Content-Security-Policy that allows none.
//! This module must never render anything itself, and never build a page from anything
//! but the log, the checkpoint and the configured public URL ([`PublicBase`]): never
//! from `Host` or forwarded headers, so every client gets the same bytes for one ETag.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_core::{Event, RoundId, Sealed, Timestamp};
use ledger_report::{checkpoint_from_note, FeedEntry, FeedInput, Lang, PageInput};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{read, rounds::checked_limit, Shared};
use crate::conditional;
use crate::problem::{ApiError, Problem};
use crate::public_url::PublicBase;

/// Records in the feed when the reader names no limit.
pub const FEED_DEFAULT_LIMIT: u32 = 50;

/// No script, no plugin, no remote resource: inline styles and same-origin links only.
const PAGE_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `?lang=nl|en`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LangQuery {
    /// `nl` (default) or `en`.
    pub lang: Option<String>,
}

/// `?lang=nl|en&at=N` (N a record count).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InfographicQuery {
    /// `nl` (default) or `en`.
    pub lang: Option<String>,
    /// A record count (time travel): the answer as it was when the log held this many
    /// records, positions 0 to at-1; 0 is the empty log. The head when absent.
    pub at: Option<u64>,
}

/// `?limit=N`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// Entries, 1 to 500 (default 50): the latest records.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

fn language(code: Option<&str>) -> Result<Lang, ApiError> {
    code.map_or(Ok(Lang::Nl), |code| {
        Lang::parse(code).map_err(|e| ApiError::BadRequest(e.to_string()))
    })
}

/// The configured public URL, for absolute links and commands; `None` when the operator
/// gave none (links are then relative, and the page shows a placeholder).
fn base_url(req: &HttpRequest) -> Option<String> {
    req.app_data::<web::Data<PublicBase>>()
        .and_then(|base| base.get())
        .map(|url| url.as_str().to_owned())
}

/// The round's result at `query.at`, or 404.
async fn round_result(
    req: &HttpRequest,
    state: &Shared,
    id: &str,
    at: Option<u64>,
) -> Result<(ledger_core::Head, ledger_projections::RoundResult), ApiError> {
    let key = RoundId::new(id);
    let (head, found) = read(req, state, at, |m| m.round_result(&key)).await?;
    let result = found.ok_or_else(|| ApiError::NotFound {
        what: "round",
        id: id.chars().take(128).collect(),
    })?;
    Ok((head, result))
}

/// A 200 answer with the ETag of `head` and the given type, or 304.
fn answer(
    req: &HttpRequest,
    head: &ledger_core::Head,
    content_type: &'static str,
    body: String,
) -> HttpResponse {
    match conditional::respond(req, &conditional::etag(head)) {
        Ok(mut builder) => builder
            .content_type(content_type)
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(body),
        Err(not_modified) => not_modified,
    }
}

/// The public page: proposals with their timeline, each round's result with the
/// infographic and a data table, the remarks, and the current checkpoint with the steps
/// to verify it.
#[utoipa::path(
    get, path = "/", tag = "pages", params(LangQuery),
    responses(
        (status = 200, description = "The public HTML page (no script needed)", content_type = "text/html"),
        (status = 400, description = "Unknown language", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/")]
pub async fn home(
    req: HttpRequest,
    state: Shared,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = language(query.lang.as_deref())?;
    // A checkpoint that does not parse is shown as missing rather than failing the page;
    // `/v1/log/checkpoint` serves it verbatim for whoever wants to look.
    let checkpoint = checkpoint_from_note(&state.ledger.checkpoint()).ok();
    let input = PageInput {
        lang,
        base_url: base_url(&req),
        checkpoint,
    };
    let (head, page) = state
        .live
        .read(&state.ledger, |m| ledger_report::render_page(m, &input))?;
    let mut response = answer(&req, &head, "text/html; charset=utf-8", page);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(PAGE_POLICY),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        header::HeaderValue::from_static(lang.tag()),
    );
    Ok(response)
}

/// The results infographic of a round as SVG (600 px wide, with `<title>` and `<desc>`).
#[utoipa::path(
    get, path = "/v1/rounds/{id}/result.svg", tag = "rounds",
    params(("id" = String, Path, description = "Round id"), InfographicQuery),
    responses(
        (status = 200, description = "SVG image", content_type = "image/svg+xml"),
        (status = 400, description = "Unknown language, or `at` (a record count) beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/result.svg")]
pub async fn result_svg(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<InfographicQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = language(query.lang.as_deref())?;
    let (head, result) = round_result(&req, &state, &id, query.at).await?;
    let svg = ledger_report::result_svg(&result, lang);
    let mut response = answer(&req, &head, "image/svg+xml; charset=utf-8", svg);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    Ok(response)
}

/// The results infographic of a round as PNG: the SVG of `result.svg` drawn at twice its
/// size with the fonts `ledger-report` embeds, for mail clients and social posts.
#[utoipa::path(
    get, path = "/v1/rounds/{id}/result.png", tag = "rounds",
    params(("id" = String, Path, description = "Round id"), InfographicQuery),
    responses(
        (status = 200, description = "PNG image (1200 px wide)", content_type = "image/png"),
        (status = 400, description = "Unknown language, or `at` (a record count) beyond the log's length", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/result.png")]
pub async fn result_png(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<InfographicQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = language(query.lang.as_deref())?;
    let (head, result) = round_result(&req, &state, &id, query.at).await?;
    let mut builder = match conditional::respond(&req, &conditional::etag(&head)) {
        Ok(builder) => builder,
        Err(not_modified) => return Ok(not_modified),
    };
    // Drawing takes a few milliseconds whatever the log holds; off the HTTP worker.
    let svg = ledger_report::result_svg(&result, lang);
    let png = web::block(move || ledger_report::svg_to_png(&svg))
        .await
        .map_err(|_| ApiError::Unavailable("drawing the PNG was interrupted; retry".to_owned()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(builder
        .content_type("image/png")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(png))
}

fn feed_entry(sealed: &Sealed) -> FeedEntry {
    let record = &sealed.record;
    FeedEntry {
        position: record.position.0,
        event_id: hex::encode(record.event_id),
        event_type: record.event_type.clone(),
        stream: record.stream.clone(),
        actor: record.actor.to_string(),
        recorded_at: record.recorded_at,
        hash: sealed.hash.to_hex(),
    }
}

/// The latest records as an Atom feed, newest first; each entry links to its record at
/// `/v1/events/{position}`.
#[utoipa::path(
    get, path = "/v1/feed.atom", tag = "log", params(FeedQuery),
    responses(
        (status = 200, description = "Atom 1.0 feed (RFC 4287)", content_type = "application/atom+xml"),
        (status = 400, description = "Bad limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/feed.atom")]
pub async fn feed(
    req: HttpRequest,
    state: Shared,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = checked_limit(Some(query.limit.unwrap_or(FEED_DEFAULT_LIMIT)))?;
    let head = state.ledger.head();
    let read = |from: u64, n: usize| {
        state
            .ledger
            .records(from, n)
            .map_err(|e| ApiError::Internal(format!("store read failed: {e}")))
    };
    let first = read(0, 1)?;
    let (origin, started) = match first.first() {
        Some(sealed) => match sealed.record.event() {
            Ok(Event::LedgerInitialized(e)) => (e.origin, sealed.record.recorded_at),
            _ => (String::new(), sealed.record.recorded_at),
        },
        None => (String::new(), Timestamp::from_micros(0)),
    };
    let from = head.length.saturating_sub(limit as u64);
    let records = if head.length == 0 {
        Vec::new()
    } else {
        read(from, limit)?
    };
    let input = FeedInput {
        origin,
        started,
        base_url: base_url(&req).unwrap_or_default(),
        length: head.length,
        entries: records
            .iter()
            .filter(|s| s.record.position.0 < head.length)
            .rev()
            .map(feed_entry)
            .collect(),
    };
    Ok(answer(
        &req,
        &head,
        "application/atom+xml; charset=utf-8",
        ledger_report::render_atom(&input),
    ))
}
