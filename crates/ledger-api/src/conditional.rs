//! Conditional GETs: every read answer is a function of the log, so the log head is its
//! validator.
//!
//! The ETag is `"<length>-<first 16 hex of the head hash>"`; a request whose
//! `If-None-Match` names it gets 304 without a body. This module must never produce an
//! ETag from anything but the head the answer was computed at, or a cache would serve a
//! stale answer as fresh.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use ledger_core::Head;

/// The entity tag of every answer computed at `head`.
pub fn etag(head: &Head) -> String {
    let hex = head.hash.to_hex();
    format!("\"{}-{}\"", head.length, &hex[..16])
}

/// Whether `If-None-Match` on `req` already names `tag` (or `*`).
pub fn not_modified(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == tag || v == "*")
}

/// Starts a 200 answer carrying `tag`, or returns the 304 answer if the client has it.
// The `Err` is the finished 304 answer, built once per request that hits; boxing it would
// add an allocation without saving one.
#[allow(clippy::result_large_err)]
pub fn respond(req: &HttpRequest, tag: &str) -> Result<HttpResponseBuilder, HttpResponse> {
    if not_modified(req, tag) {
        return Err(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag.to_owned()))
            .finish());
    }
    let mut builder = HttpResponse::Ok();
    builder.insert_header((header::ETAG, tag.to_owned()));
    builder.insert_header((header::CACHE_CONTROL, "no-cache"));
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use ledger_core::RecordHash;

    #[test]
    fn etag_names_length_and_hash() {
        let head = Head {
            length: 7,
            hash: RecordHash([0xab; 32]),
        };
        assert_eq!(etag(&head), "\"7-abababababababab\"");
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"1-x\", W/\"7-abababababababab\""))
            .to_http_request();
        assert!(not_modified(&req, &etag(&head)));
        let other = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"6-abababababababab\""))
            .to_http_request();
        assert!(!not_modified(&other, &etag(&head)));
    }
}
