//! `GET /v1/rounds/{id}/votes.csv` and `/result.csv`: the secretariat's spreadsheets.
//! While a round is open without live results they hold its turnout only: no row per
//! choice in the result, an empty `choice` cell per library (the projection withholds
//! them; this module writes what it gets).
//!
//! RFC 4180: UTF-8, CRLF line ends, a header row, fields quoted when they hold a comma,
//! quote or line break. Numbers are plain integers and decimal strings with a dot, the
//! same values as the JSON answers. This module must never round differently from the
//! JSON result: both take the projection's strings.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, TAB or CR as a formula
//! (CSV injection), so such a cell is written with a leading `'`, as OWASP advises; every
//! cell goes through [`neutralised`]. No number or date this module writes starts with one
//! of them.

use actix_web::{get, web, HttpRequest, HttpResponse};
use ledger_core::RoundId;
use ledger_projections::{ReadModel, RoundResult, Share};

use super::{read, AtQuery, Shared};
use crate::conditional;
use crate::problem::ApiError;

const TEXT_CSV: &str = "text/csv; charset=utf-8; header=present";

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    writer
        .into_inner()
        .map_err(|e| ApiError::Internal(format!("csv: {e}")))
}

fn write_row<const N: usize>(
    writer: &mut csv::Writer<Vec<u8>>,
    row: [&str; N],
) -> Result<(), ApiError> {
    writer
        .write_record(row.map(neutralised).iter().map(|cell| cell.as_bytes()))
        .map_err(|e| ApiError::Internal(format!("csv: {e}")))
}

/// `cell`, with a `'` in front if a spreadsheet would read it as a formula.
fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn respond(req: &HttpRequest, head: &ledger_core::Head, file: &str, body: Vec<u8>) -> HttpResponse {
    match conditional::respond(req, &conditional::etag(head)) {
        Ok(mut builder) => builder
            .content_type(TEXT_CSV)
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ))
            .body(body),
        Err(not_modified) => not_modified,
    }
}

fn render_votes(model: &ReadModel, round: &RoundId) -> Option<Result<Vec<u8>, ApiError>> {
    let view = model.rounds().get(round)?;
    let build = || {
        let mut w = csv_writer();
        write_row(
            &mut w,
            [
                "library",
                "name",
                "choice",
                "inhabitants",
                "ballots",
                "position",
                "recorded_at",
                "remark",
            ],
        )?;
        for (library, vote) in &view.votes {
            let name = model
                .libraries()
                .get(library)
                .map(|l| l.name.as_str())
                .unwrap_or("");
            let remark = vote.remark.as_deref().unwrap_or("");
            write_row(
                &mut w,
                [
                    library.as_str(),
                    name,
                    // Empty while the round keeps its choices back until the close.
                    vote.choice.map_or("", |c| c.as_str()),
                    &vote.inhabitants.to_string(),
                    &vote.ballots.to_string(),
                    &vote.position.to_string(),
                    &vote.recorded_at.to_rfc3339(),
                    remark,
                ],
            )?;
        }
        finish(w)
    };
    Some(build())
}

fn render_result(result: &RoundResult) -> Result<Vec<u8>, ApiError> {
    let mut w = csv_writer();
    write_row(
        &mut w,
        [
            "round",
            "status",
            "outcome",
            "certified",
            "measure",
            "libraries",
            "inhabitants",
            "share_numerator",
            "share_denominator",
            "share_percent",
            "round_title",
        ],
    )?;
    let share_cells = |share: Option<&Share>| match share {
        Some(s) => [
            s.numerator.to_string(),
            s.denominator.to_string(),
            s.percent.clone(),
        ],
        None => [String::new(), String::new(), String::new()],
    };
    // The rows per choice are left out while the round keeps its counts back until the
    // close (`counts` is `at_close`): only eligible and cast are public then.
    let rows = [
        ("eligible", Some(result.eligible), None),
        ("cast", Some(result.cast), result.participation.as_ref()),
        (
            "yes",
            result.yes,
            result.yes_share_of_represented_inhabitants.as_ref(),
        ),
        ("no", result.no, None),
        ("abstain", result.abstain, None),
    ];
    for (measure, count, share) in rows {
        let Some(count) = count else {
            continue;
        };
        let [num, den, pct] = share_cells(share);
        write_row(
            &mut w,
            [
                result.round.as_str(),
                result.status.as_str(),
                result.outcome.as_str(),
                if result.certified { "true" } else { "false" },
                measure,
                &count.libraries.to_string(),
                &count.inhabitants.to_string(),
                &num,
                &den,
                &pct,
                result.title.as_deref().unwrap_or(""),
            ],
        )?;
    }
    finish(w)
}

/// The votes of a round as CSV, one row per library (its last vote and remark).
#[utoipa::path(
    get, path = "/v1/rounds/{id}/votes.csv", tag = "rounds", params(("id" = String, Path, description = "Round id"), AtQuery),
    responses(
        (status = 200, description = "RFC 4180 CSV", content_type = "text/csv"),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/votes.csv")]
pub async fn votes_file(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    let (head, found) = read(&req, &state, query.at, |m| render_votes(m, &key)).await?;
    let body = found.ok_or_else(|| ApiError::NotFound {
        what: "round",
        id: id.chars().take(128).collect(),
    })??;
    Ok(respond(&req, &head, "votes.csv", body))
}

/// The result of a round as CSV: one row per measure (eligible, cast, yes, no, abstain).
#[utoipa::path(
    get, path = "/v1/rounds/{id}/result.csv", tag = "rounds", params(("id" = String, Path, description = "Round id"), AtQuery),
    responses(
        (status = 200, description = "RFC 4180 CSV", content_type = "text/csv"),
        (status = 400, description = "`at` is not a record count or is beyond the log's length", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reads of the past (`at` below the head) from this client; see Retry-After", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/rounds/{id}/result.csv")]
pub async fn result_file(
    req: HttpRequest,
    state: Shared,
    id: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = RoundId::new(id.as_str());
    let (head, found) = read(&req, &state, query.at, |m| m.round_result(&key)).await?;
    let result = found.ok_or_else(|| ApiError::NotFound {
        what: "round",
        id: id.chars().take(128).collect(),
    })?;
    Ok(respond(&req, &head, "result.csv", render_result(&result)?))
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn cells_a_spreadsheet_would_run_get_a_leading_quote() {
        for cell in ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(cell), format!("'{cell}"));
        }
        for cell in ["", "ja", "12.50", "2023-05-15T10:00:00Z", "a=b", " =1"] {
            assert_eq!(neutralised(cell), cell);
        }
    }
}
