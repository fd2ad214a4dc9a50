//! Paging through the server's lists: `{"items": [...], "next": cursor}` answers, and
//! the raw log `/v1/events` as typed rows.
//!
//! Pages are asked 500 at a time (the server's largest page), so reading a range costs
//! one request per 500 records, never one per record. This module must never write and
//! never skip an item it could not read.

use serde::Deserialize;
use serde_json::Value;

use crate::HarnessError;

/// The largest page the server gives.
const PAGE: u32 = 500;

/// One record as `/v1/events` shows it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct EventRow {
    /// Its position in the log.
    pub position: u64,
    /// Its record hash, 64 hex.
    pub hash: String,
    /// The previous record's hash, 64 hex (zeros at position 0).
    pub prev_hash: String,
    /// The command that produced it.
    pub command_id: String,
    /// Who issued the command.
    pub actor: String,
    /// The event type, e.g. `vote_cast`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The event body as JSON.
    pub body: Value,
}

/// GETs `url` and parses its JSON; `None` on 404.
pub fn get_json(agent: &ureq::Agent, url: &str) -> Result<Option<Value>, HarnessError> {
    match agent.get(url).call() {
        Ok(response) => response
            .into_json()
            .map(Some)
            .map_err(|e| HarnessError::Json {
                url: url.to_owned(),
                detail: e.to_string(),
            }),
        Err(ureq::Error::Status(404, _)) => Ok(None),
        Err(ureq::Error::Status(status, response)) => Err(HarnessError::Http {
            url: url.to_owned(),
            detail: format!(
                "answered {status}: {}",
                response.into_string().unwrap_or_default()
            ),
        }),
        Err(e) => Err(HarnessError::Http {
            url: url.to_owned(),
            detail: e.to_string(),
        }),
    }
}

/// Pages through `{base}{path}` from after `cursor` (from the start when `None`),
/// handing each page's items to `take` until it returns false or the list ends.
fn pages(
    agent: &ureq::Agent,
    base: &str,
    path: &str,
    mut cursor: Option<String>,
    mut take: impl FnMut(Vec<Value>) -> Result<bool, HarnessError>,
) -> Result<(), HarnessError> {
    loop {
        let url = match &cursor {
            None => format!("{base}{path}?limit={PAGE}"),
            Some(after) => format!("{base}{path}?limit={PAGE}&after={after}"),
        };
        let mut page = get_json(agent, &url)?.ok_or_else(|| HarnessError::Http {
            url: url.clone(),
            detail: "answered 404".to_owned(),
        })?;
        let Value::Array(items) = page["items"].take() else {
            return Err(HarnessError::Json {
                url,
                detail: "no `items` list".to_owned(),
            });
        };
        let more = take(items)?;
        match page["next"].as_str() {
            Some(next) if more => cursor = Some(next.to_owned()),
            _ => return Ok(()),
        }
    }
}

/// Every item of the list at `{base}{path}`, following `next` to the end.
pub fn all_pages(agent: &ureq::Agent, base: &str, path: &str) -> Result<Vec<Value>, HarnessError> {
    let mut all = Vec::new();
    pages(agent, base, path, None, |items| {
        all.extend(items);
        Ok(true)
    })?;
    Ok(all)
}

/// The records of `/v1/events` after position `after` (from 0 when `None`) through
/// position `through` (to the end of the log when `None`), in position order.
pub fn event_rows(
    agent: &ureq::Agent,
    base: &str,
    after: Option<u64>,
    through: Option<u64>,
) -> Result<Vec<EventRow>, HarnessError> {
    let mut rows: Vec<EventRow> = Vec::new();
    pages(
        agent,
        base,
        "/v1/events",
        after.map(|a| a.to_string()),
        |items| {
            for item in items {
                let row: EventRow =
                    serde_json::from_value(item).map_err(|e| HarnessError::Json {
                        url: format!("{base}/v1/events"),
                        detail: e.to_string(),
                    })?;
                if through.is_some_and(|t| row.position > t) {
                    return Ok(false);
                }
                rows.push(row);
            }
            Ok(through.is_none_or(|t| rows.last().is_none_or(|r| r.position < t)))
        },
    )?;
    Ok(rows)
}
