//! Errors of the HTTP API as RFC 9457 problem details, and the one table that maps each
//! error to its status.
//!
//! Every error a client can see goes through [`ApiError`], so the status mapping lives
//! here and nowhere else. The `type` of a problem is a stable URN
//! (`urn:governance-ledger:problem:<code>`) that clients may match on. This module must
//! never leak internal details (paths, sled messages) into a response body; faults are
//! logged and answered with a generic text.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use ledger_core::{Rejection, RejectionKind};
use ledger_store::{AppendError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem details object.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URN naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, human-readable summary of the kind.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// For domain rejections: the rejection's stable code, e.g. `tally_digest_mismatch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For domain rejections: the typed rejection with its fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub rejection: Option<serde_json::Value>,
    /// For `read-only-mirror`: the URL of the primary, which takes writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
}

/// Everything the API answers with other than success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such resource.
    #[error("{what} {id} not found")]
    NotFound {
        /// The kind of resource.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// A malformed request: bad query, cursor, limit, JSON.
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials that are not valid.
    #[error("{0}")]
    Unauthorized(String),
    /// The token may not issue this command at all (e.g. `initialize_ledger`).
    #[error("{0}")]
    Forbidden(String),
    /// The domain refused the command (403 for role problems, 422 otherwise).
    #[error("{0}")]
    Rejected(Rejection),
    /// The stream is not at the version the caller expected.
    #[error("stream {stream} holds {actual} events, the request expected {expected}")]
    Conflict {
        /// The stream.
        stream: String,
        /// The version the caller expected.
        expected: u64,
        /// The version it has.
        actual: u64,
    },
    /// An `Idempotency-Key` this actor already used for another command; nothing was
    /// written.
    #[error("the Idempotency-Key {key} was already used by you for another command; nothing was written; a retry must send the same command, a new command needs a new key")]
    KeyReused {
        /// The key.
        key: String,
    },
    /// One of the command's records would exceed the 64 KiB record limit.
    #[error("the command would make a record of {size} bytes; the limit is {limit} bytes")]
    RecordTooLarge {
        /// The record's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The request body did not arrive in time.
    #[error("the request body did not arrive within {seconds} s")]
    RequestTimeout {
        /// The limit in seconds.
        seconds: u64,
    },
    /// The request body is over the limit.
    #[error("request body is over the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A range of records longer than a read may cover (`/v1/digest`).
    #[error("the range {from}..{to} covers {} records; one request covers at most {limit}: ask for a shorter range", to - from)]
    RangeTooLarge {
        /// First position asked for.
        from: u64,
        /// First position not asked for.
        to: u64,
        /// The most records one request covers.
        limit: u64,
    },
    /// The caller sends too fast.
    #[error("too many requests; retry after {retry_after_seconds} s")]
    TooManyRequests {
        /// When to retry.
        retry_after_seconds: u64,
    },
    /// The store cannot take writes now (a failed durable write, shutting down).
    #[error("{0}")]
    Unavailable(String),
    /// An earlier write did not reach the disk, so the ledger takes no writes until it
    /// is reopened (the server restarted); nothing of this request was written.
    #[error("the ledger stopped taking writes after a write did not reach the disk; nothing was written; it takes writes again only once the server is restarted, then retry with the same Idempotency-Key")]
    WritesStopped,
    /// The ledger's chain is damaged at `position`: the server answers reads of the
    /// records before it and takes no writes until the damage is repaired.
    #[error("the ledger is damaged at position {position}: {reason}; the server serves the {position} records before it and takes no writes until it is repaired")]
    Damaged {
        /// The first bad position.
        position: u64,
        /// What is wrong there (from the walk of the chain: positions and hashes only).
        reason: String,
    },
    /// The disk holding the ledger is (nearly) full; nothing was written.
    #[error("the disk holding the ledger is full; nothing was written; retry later with the same Idempotency-Key")]
    InsufficientStorage,
    /// The path is a route's, but not for this method.
    #[error("{method} is not allowed here; allowed: {allow}")]
    MethodNotAllowed {
        /// The method asked for.
        method: String,
        /// The `Allow` header value.
        allow: String,
    },
    /// The request body has a content coding the API does not take.
    #[error(
        "request bodies with Content-Encoding {encoding} are not accepted; send them uncompressed"
    )]
    UnsupportedEncoding {
        /// The coding named.
        encoding: String,
    },
    /// An error some layer of actix answered before or around our handlers (a refused
    /// CORS preflight), with its own status.
    #[error("{detail}")]
    Refused {
        /// The status that layer chose.
        status: StatusCode,
        /// What it said (bounded).
        detail: String,
    },
    /// A write sent to a mirror: only its primary takes writes.
    #[error("this server is a read-only mirror of {primary}; send writes to the primary; nothing was written")]
    ReadOnlyMirror {
        /// The primary's URL.
        primary: String,
    },
    /// A fault on our side; details are logged, not shown.
    #[error("internal error")]
    Internal(String),
}

/// Longest detail taken from outside text (a parser's message that quotes the input), in
/// characters.
pub const MAX_DETAIL_CHARS: usize = 300;

/// `text`, cut to [`MAX_DETAIL_CHARS`] characters (with `…` when cut), so that a 30 KB
/// query field name is not echoed back whole.
pub fn bounded(text: impl std::fmt::Display) -> String {
    let text = text.to_string();
    if text.chars().count() <= MAX_DETAIL_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_DETAIL_CHARS).collect();
    cut.push('…');
    cut
}

impl ApiError {
    /// The stable code used in the problem `type`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } => "not-found",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::KeyReused { .. } => "idempotency-key-reused",
            ApiError::RecordTooLarge { .. } => "record-too-large",
            ApiError::RequestTimeout { .. } => "request-timeout",
            ApiError::Rejected(r) => match r.kind() {
                RejectionKind::Forbidden => "forbidden",
                RejectionKind::Domain => "rejected",
            },
            ApiError::Conflict { .. } => "version-conflict",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::RangeTooLarge { .. } => "range-too-large",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::WritesStopped => "writes-stopped",
            ApiError::Damaged { .. } => "ledger-damaged",
            ApiError::InsufficientStorage => "insufficient-storage",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::UnsupportedEncoding { .. } => "unsupported-content-encoding",
            ApiError::Refused { status, .. } => match status.as_u16() {
                400 => "bad-request",
                403 => "forbidden",
                404 => "not-found",
                405 => "method-not-allowed",
                413 => "payload-too-large",
                _ => "refused",
            },
            ApiError::ReadOnlyMirror { .. } => "read-only-mirror",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::UnsupportedEncoding { .. } => "Unsupported content encoding",
            ApiError::Refused { status, .. } => status.canonical_reason().unwrap_or("Refused"),
            ApiError::NotFound { .. } => "Not found",
            ApiError::BadRequest(_) => "Bad request",
            ApiError::Unauthorized(_) => "Unauthorized",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::KeyReused { .. } => "Idempotency key reused",
            ApiError::RecordTooLarge { .. } => "Record too large",
            ApiError::RequestTimeout { .. } => "Request timeout",
            ApiError::Rejected(r) => match r.kind() {
                RejectionKind::Forbidden => "Forbidden",
                RejectionKind::Domain => "Command rejected",
            },
            ApiError::Conflict { .. } => "Version conflict",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::RangeTooLarge { .. } => "Range too large",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::WritesStopped => "Writes stopped",
            ApiError::Damaged { .. } => "Ledger damaged",
            ApiError::InsufficientStorage => "Insufficient storage",
            ApiError::ReadOnlyMirror { .. } => "Read-only mirror",
            ApiError::Internal(_) => "Internal error",
        }
    }

    /// The problem details body.
    pub fn problem(&self) -> Problem {
        let (reason, rejection) = match self {
            ApiError::Rejected(r) => (Some(r.code()), Some(r.to_json())),
            _ => (None, None),
        };
        Problem {
            kind: format!("urn:governance-ledger:problem:{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail: self.to_string(),
            reason,
            rejection,
            primary: match self {
                ApiError::ReadOnlyMirror { primary } => Some(primary.clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::KeyReused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RecordTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::Rejected(r) => match r.kind() {
                RejectionKind::Forbidden => StatusCode::FORBIDDEN,
                RejectionKind::Domain => StatusCode::UNPROCESSABLE_ENTITY,
            },
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RangeTooLarge { .. } => StatusCode::BAD_REQUEST,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::WritesStopped | ApiError::Damaged { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::UnsupportedEncoding { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Refused { status, .. } => *status,
            // 421 Misdirected Request: this server cannot answer it; the primary can.
            ApiError::ReadOnlyMirror { .. } => StatusCode::MISDIRECTED_REQUEST,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let ApiError::TooManyRequests {
            retry_after_seconds,
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if let ApiError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        if let ApiError::UnsupportedEncoding { .. } = self {
            // RFC 9110 §15.5.16: say which codings are accepted.
            response.insert_header((header::ACCEPT_ENCODING, "identity"));
        }
        response.json(self.problem())
    }
}

impl From<AppendError> for ApiError {
    /// Expected refusals keep their meaning (403/422, 409, 413, 422 for a reused key); a
    /// full disk is 507; a damaged chain is 503 naming the position; a writer stopped by
    /// a failed write is 503 `writes-stopped` (nothing written, only a restart helps),
    /// and the write that failed is 503 saying its outcome is unknown until a retry with
    /// the same key after the restart; any other fault is 500.
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Rejected(rejection) => ApiError::Rejected(rejection),
            AppendError::Conflict {
                stream,
                expected,
                actual,
            } => ApiError::Conflict {
                stream,
                expected,
                actual,
            },
            AppendError::TooLarge { size } => ApiError::RecordTooLarge {
                size,
                limit: ledger_core::record::MAX_RECORD_BYTES,
            },
            AppendError::KeyReused { command_id, .. } => ApiError::KeyReused {
                key: command_id.to_string(),
            },
            AppendError::Refused(fault @ StoreError::WriterStopped { .. }) => {
                tracing::error!(error = %fault, "the ledger takes no writes until it is reopened");
                ApiError::WritesStopped
            }
            AppendError::Refused(fault @ StoreError::WriteFailed { .. }) => {
                tracing::error!(error = %fault, "the ledger cannot take writes");
                ApiError::Unavailable(
                    "the ledger cannot take writes now; nothing was written; retry later with \
                     the same Idempotency-Key"
                        .to_owned(),
                )
            }
            AppendError::Refused(StoreError::DiskFull { available, reserve }) => {
                tracing::warn!(available, reserve, "write refused: the disk is full");
                ApiError::InsufficientStorage
            }
            AppendError::Fault(
                fault @ (StoreError::WriterStopped { .. } | StoreError::WriteFailed { .. }),
            ) => {
                tracing::error!(error = %fault, "a write did not reach the disk");
                ApiError::Unavailable(
                    "the write may or may not have reached the disk, and the ledger takes no \
                     writes until the server is restarted; then retry with the same \
                     Idempotency-Key: the command is applied once either way"
                        .to_owned(),
                )
            }
            AppendError::Refused(fault) | AppendError::Fault(fault) => ApiError::from(fault),
        }
    }
}

impl From<StoreError> for ApiError {
    /// A damaged chain is 503 with its position; every other store fault is 500.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Damaged { position, reason } => ApiError::Damaged { position, reason },
            StoreError::ReadOnlyMirror { primary } => ApiError::ReadOnlyMirror { primary },
            fault => ApiError::Internal(fault.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_to_a_mirror_is_421_naming_the_primary() {
        let error = ApiError::from(AppendError::Refused(StoreError::ReadOnlyMirror {
            primary: "https://primary.example".into(),
        }));
        assert_eq!(error.status_code(), StatusCode::MISDIRECTED_REQUEST);
        let problem = error.problem();
        assert_eq!(
            problem.kind,
            "urn:governance-ledger:problem:read-only-mirror"
        );
        assert_eq!(problem.primary.as_deref(), Some("https://primary.example"));
        assert!(problem.detail.contains("https://primary.example"));
        // Other problems name no primary.
        assert_eq!(ApiError::WritesStopped.problem().primary, None);
    }

    #[test]
    fn rejections_split_into_403_and_422() {
        let forbidden = ApiError::Rejected(Rejection::not_permitted(
            &ledger_core::ActorId::new("x"),
            &[ledger_core::RoleKind::Secretariat],
        ));
        assert_eq!(forbidden.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(
            forbidden.problem().kind,
            "urn:governance-ledger:problem:forbidden"
        );
        let domain = ApiError::Rejected(Rejection::InvalidRule);
        assert_eq!(domain.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(domain.problem().reason.as_deref(), Some("invalid_rule"));
    }

    #[test]
    fn append_outcomes_keep_their_meaning_and_a_stopped_writer_is_503() {
        let status = |e: AppendError| ApiError::from(e).status_code().as_u16();
        assert_eq!(
            status(AppendError::Conflict {
                stream: "round/r".into(),
                expected: 1,
                actual: 2
            }),
            409
        );
        assert_eq!(status(AppendError::TooLarge { size: 70_000 }), 413);
        assert_eq!(status(AppendError::Rejected(Rejection::InvalidRule)), 422);
        assert_eq!(
            status(AppendError::KeyReused {
                command_id: ledger_core::CommandId::new("k-1"),
                actor: ledger_core::ActorId::new("acc-a"),
                stored_as: ledger_core::CommandId::new("k-1"),
            }),
            422
        );
        // A writer stopped by an earlier failed write: nothing written, only a restart
        // helps, and the client is told so.
        let stopped = ApiError::from(AppendError::Refused(StoreError::WriterStopped {
            reason: "disk full at /var/secret".into(),
        }));
        assert_eq!(stopped.status_code().as_u16(), 503);
        let problem = stopped.problem();
        assert_eq!(problem.kind, "urn:governance-ledger:problem:writes-stopped");
        assert!(!problem.detail.contains("secret"));
        assert!(
            problem.detail.contains("nothing was written"),
            "{}",
            problem.detail
        );
        assert!(problem.detail.contains("restarted"), "{}", problem.detail);
        // The write that failed: its outcome is unknown, and the client is told that.
        let failed = ApiError::from(AppendError::Fault(StoreError::WriteFailed {
            reason: "fdatasync: EIO".into(),
        }));
        assert_eq!(failed.status_code().as_u16(), 503);
        let problem = failed.problem();
        assert_eq!(problem.kind, "urn:governance-ledger:problem:unavailable");
        assert!(
            problem.detail.contains("may or may not"),
            "{}",
            problem.detail
        );
        assert!(!problem.detail.contains("EIO"));
        assert_eq!(
            status(AppendError::Fault(StoreError::Corrupt {
                position: 3,
                reason: "x".into()
            })),
            500
        );
    }

    #[test]
    fn a_full_disk_is_507_and_a_damaged_chain_503_naming_its_position() {
        let full = ApiError::from(AppendError::Refused(StoreError::DiskFull {
            available: 10,
            reserve: 20,
        }));
        assert_eq!(full.status_code().as_u16(), 507);
        assert_eq!(
            full.problem().kind,
            "urn:governance-ledger:problem:insufficient-storage"
        );
        let damaged = ApiError::from(AppendError::Refused(StoreError::Damaged {
            position: 846,
            reason: "does not link to its predecessor".into(),
        }));
        assert_eq!(damaged.status_code().as_u16(), 503);
        let problem = damaged.problem();
        assert_eq!(problem.kind, "urn:governance-ledger:problem:ledger-damaged");
        assert!(
            problem.detail.contains("position 846"),
            "{}",
            problem.detail
        );
    }

    #[test]
    fn outside_text_in_a_detail_is_bounded() {
        let long = "x".repeat(30_000);
        let detail = bounded(format!("unknown field `{long}`"));
        assert_eq!(detail.chars().count(), MAX_DETAIL_CHARS + 1);
        assert!(detail.ends_with('…'));
        assert_eq!(bounded("short"), "short");
    }

    #[test]
    fn internal_details_are_not_shown() {
        let fault = ApiError::Internal("sled: /secret/path".into());
        assert!(!fault.problem().detail.contains("secret"));
    }
}
