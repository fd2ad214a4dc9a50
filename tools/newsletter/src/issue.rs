//! Which range an issue covers and everything it is made from, fetched over HTTP.
//!
//! The range ends at the size of the server's latest signed checkpoint (or its head
//! when it publishes none), so the footer can name a checkpoint that covers exactly
//! what the issue reports. It starts at `--since`, or where the last issued newsletter
//! stopped. Every view is read `?at=` the range's end, so an issue made again later for
//! the same range has the same bytes. This module must never read the database: only
//! the read API.

use anyhow::{anyhow, Context, Result};
use ledger_core::{ActorId, LibraryId, ProposalId, RoundId, Timestamp};
use ledger_projections::{ActorNameView, Digest, LibraryView, ProposalView, RoundView};
use ledger_report::{checkpoint_from_note, Checkpoint, Issue, ViewSource};
use serde::Deserialize;
use serde_json::Value;

use crate::client::Api;
use crate::InputError;

/// Where the issue starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// At this position.
    Position(u64),
    /// Where the last issued newsletter stopped (0 before the first one).
    LastIssue,
}

/// The range of one issue and what the log says about issues before it.
#[derive(Clone, Debug)]
pub struct Range {
    /// First position covered.
    pub from: u64,
    /// First position not covered.
    pub to: u64,
    /// The issue's number: one more than the issues recorded before `to`.
    pub issue: Issue,
    /// The checkpoint whose size is `to`, when the server publishes one.
    pub checkpoint: Option<Checkpoint>,
}

#[derive(Debug, Deserialize)]
struct EventItem {
    position: u64,
    #[serde(rename = "type")]
    event_type: String,
    recorded_at: String,
    body: Value,
}

#[derive(Debug, Deserialize)]
struct EventPage {
    items: Vec<EventItem>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Health {
    length: u64,
}

/// Finds the range: its end from the checkpoint (or the head), the issues before it
/// from the raw log.
pub fn plan(api: &Api, since: Since) -> Result<Range> {
    let checkpoint = match api.get_text("/v1/log/checkpoint")? {
        Some(note) => Some(
            checkpoint_from_note(&note)
                .map_err(|e| anyhow!("{}/v1/log/checkpoint: {e}", api.base()))?,
        ),
        None => None,
    };
    let to = match &checkpoint {
        Some(cp) => cp.size,
        None => {
            api.get_json::<Health>("/healthz")?
                .ok_or_else(|| anyhow!("{}/healthz is not served: is this a ledger?", api.base()))?
                .length
        }
    };
    // Walk the log once for the issues recorded before `to`.
    let mut issued = 0u32;
    let mut covered_to = 0u64;
    let mut after: Option<String> = None;
    'pages: loop {
        let path = match &after {
            None => "/v1/events?limit=500".to_owned(),
            Some(cursor) => format!("/v1/events?limit=500&after={cursor}"),
        };
        let page: EventPage = api
            .get_json(&path)?
            .ok_or_else(|| anyhow!("{}/v1/events is not served", api.base()))?;
        for item in &page.items {
            if item.position >= to {
                break 'pages;
            }
            if item.event_type == "newsletter_issued" {
                issued = issued.saturating_add(1);
                covered_to = item
                    .body
                    .get("covers_to")
                    .and_then(Value::as_u64)
                    .context("a newsletter_issued record without covers_to")?;
            }
        }
        match page.next {
            Some(next) if !page.items.is_empty() => after = Some(next),
            _ => break,
        }
    }
    let from = match since {
        Since::LastIssue => covered_to,
        Since::Position(from) if from > to => {
            return Err(InputError(format!(
                "invalid --since {from}: the log holds {to} records (its latest checkpoint); use 0 to {to}"
            ))
            .into())
        }
        Since::Position(from) => from,
    };
    Ok(Range {
        from,
        to,
        issue: Issue {
            number: issued.saturating_add(1),
        },
        checkpoint,
    })
}

/// When the records at `from` and `to - 1` were recorded; `None` for an empty range.
pub fn period(api: &Api, range: &Range) -> Result<Option<(Timestamp, Timestamp)>> {
    if range.from >= range.to {
        return Ok(None);
    }
    let at = |position: u64| -> Result<Timestamp> {
        let item: EventItem = api
            .get_json(&format!("/v1/events/{position}"))?
            .ok_or_else(|| anyhow!("record {position} is not served"))?;
        Timestamp::parse_rfc3339(&item.recorded_at)
            .ok_or_else(|| anyhow!("record {position} has no RFC 3339 time"))
    };
    Ok(Some((at(range.from)?, at(range.to - 1)?)))
}

/// The digest of the range.
pub fn digest(api: &Api, range: &Range) -> Result<Digest> {
    api.get_json(&format!("/v1/digest?from={}&to={}", range.from, range.to))?
        .ok_or_else(|| anyhow!("{}/v1/digest is not served", api.base()))
}

/// The read API as of one position, as a source of views for the issue.
#[derive(Debug)]
pub struct HttpSource<'a> {
    /// The client.
    pub api: &'a Api,
    /// The range's end: every view is read `?at=` this.
    pub at: u64,
}

impl ViewSource for HttpSource<'_> {
    type Error = anyhow::Error;

    fn proposal(&mut self, id: &ProposalId) -> Result<Option<ProposalView>> {
        self.api
            .get_json(&format!("/v1/proposals/{id}?at={}", self.at))
    }

    fn round(&mut self, id: &RoundId) -> Result<Option<RoundView>> {
        self.api
            .get_json(&format!("/v1/rounds/{id}?at={}", self.at))
    }

    fn library_name(&mut self, id: &LibraryId) -> Result<Option<String>> {
        Ok(self
            .api
            .get_json::<LibraryView>(&format!("/v1/libraries/{id}?at={}", self.at))?
            .map(|l| l.name))
    }

    /// The display name of a signer or another actor, so the issue shows names beside
    /// ids as the page does.
    fn actor_name(&mut self, id: &ActorId) -> Result<Option<String>> {
        Ok(self
            .api
            .get_json::<ActorNameView>(&format!("/v1/actors/{id}?at={}", self.at))?
            .and_then(|a| a.name))
    }
}
