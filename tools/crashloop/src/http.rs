//! The harness's HTTP client: one write (`POST /v1/commands`) and JSON reads.
//!
//! A write's answer is sorted into exactly three kinds, because the whole harness rests
//! on the difference: a receipt (acknowledged), a refusal with a status, or no answer at
//! all (the connection died with the server). This module must never turn a missing or
//! unreadable answer into a receipt.

use std::time::Duration;

use serde_json::Value;

use crate::error::CrashLoopError;

/// A receipt as `POST /v1/commands` answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireReceipt {
    /// 201 (appended now) or 200 (applied before: the original receipt).
    pub status: u16,
    /// The positions of the command's records.
    pub positions: Vec<u64>,
    /// Their record hashes, 64 hex.
    pub hashes: Vec<String>,
}

/// What became of one write.
#[derive(Debug)]
pub enum Answer {
    /// 201 or 200 with a complete receipt.
    Receipt(WireReceipt),
    /// Any other status, with `Retry-After` in seconds when given, and the body.
    Refused {
        /// The HTTP status.
        status: u16,
        /// `Retry-After`, seconds.
        retry_after: Option<u64>,
        /// The body, for messages.
        body: String,
    },
    /// No complete answer: connection refused or reset, or a body cut off.
    Unanswered(String),
}

/// An agent for the writers: a killed server resets connections at once, so the
/// timeouts only guard against a hung one.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
}

/// Sends `body` as `token` with `key` as its Idempotency-Key.
pub fn submit(agent: &ureq::Agent, url: &str, token: &str, key: &str, body: &Value) -> Answer {
    let answer = agent
        .post(&format!("{url}/v1/commands"))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Idempotency-Key", key)
        .send_json(body);
    match answer {
        Ok(response) => {
            let status = response.status();
            match response.into_json::<Value>() {
                Ok(json) => match parse_receipt(status, &json) {
                    Some(receipt) if status == 200 || status == 201 => Answer::Receipt(receipt),
                    _ => Answer::Refused {
                        status,
                        retry_after: None,
                        body: json.to_string(),
                    },
                },
                // Headers arrived but the body did not: the server died mid-answer, so
                // the writer holds no receipt.
                Err(e) => Answer::Unanswered(format!("status {status}, body cut off: {e}")),
            }
        }
        Err(ureq::Error::Status(status, response)) => Answer::Refused {
            status,
            retry_after: response
                .header("Retry-After")
                .and_then(|v| v.trim().parse().ok()),
            body: response.into_string().unwrap_or_default(),
        },
        Err(ureq::Error::Transport(e)) => Answer::Unanswered(e.to_string()),
    }
}

fn parse_receipt(status: u16, json: &Value) -> Option<WireReceipt> {
    let positions = json["positions"]
        .as_array()?
        .iter()
        .map(Value::as_u64)
        .collect::<Option<Vec<u64>>>()?;
    let hashes = json["hashes"]
        .as_array()?
        .iter()
        .map(|h| h.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()?;
    if positions.is_empty() || positions.len() != hashes.len() {
        return None;
    }
    Some(WireReceipt {
        status,
        positions,
        hashes,
    })
}

/// GETs `url` and parses its JSON; `None` on 404.
pub fn get_json(agent: &ureq::Agent, url: &str) -> Result<Option<Value>, CrashLoopError> {
    match agent.get(url).call() {
        Ok(response) => response
            .into_json()
            .map(Some)
            .map_err(|e| CrashLoopError::Http(format!("GET {url}: not JSON: {e}"))),
        Err(ureq::Error::Status(404, _)) => Ok(None),
        Err(ureq::Error::Status(status, response)) => Err(CrashLoopError::Http(format!(
            "GET {url} answered {status}: {}",
            response.into_string().unwrap_or_default()
        ))),
        Err(e) => Err(CrashLoopError::Http(format!("GET {url}: {e}"))),
    }
}

/// Every item of a paginated list at `path` (`{"items", "next"}`), following `next`.
pub fn all_pages(agent: &ureq::Agent, url: &str, path: &str) -> Result<Vec<Value>, CrashLoopError> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page_url = match &after {
            None => format!("{url}{path}?limit=500"),
            Some(cursor) => format!("{url}{path}?limit=500&after={cursor}"),
        };
        let page = get_json(agent, &page_url)?
            .ok_or_else(|| CrashLoopError::Http(format!("GET {page_url} answered 404")))?;
        match page["items"].as_array() {
            Some(list) => items.extend(list.iter().cloned()),
            None => {
                return Err(CrashLoopError::Http(format!(
                    "GET {page_url}: no `items` list"
                )))
            }
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return Ok(items),
        }
    }
}
