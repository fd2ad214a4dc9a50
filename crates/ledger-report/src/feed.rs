//! The Atom feed (RFC 4287) of ledger events, for readers who follow the ledger in a
//! feed reader: one entry per record, newest first, each linking to its record in the
//! read API.
//!
//! Ids are `tag:` URIs (RFC 4151) built from the ledger's origin, the day it was started
//! and the record's event id, so an entry keeps its id for ever and two ledgers never
//! share one. `updated` is the time the record was recorded, never "now", so the feed
//! is a function of the log. This module must never put text into the XML unescaped.

use ledger_core::Timestamp;

use crate::escape::escape_html;

/// One record as a feed entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    /// Its position in the log.
    pub position: u64,
    /// Its event id, 32 hex.
    pub event_id: String,
    /// Its event type, e.g. `vote_cast`.
    pub event_type: String,
    /// Its stream, e.g. `round/r-2023-05`.
    pub stream: String,
    /// Who issued the command.
    pub actor: String,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Its BLAKE3 record hash, 64 hex.
    pub hash: String,
}

/// The feed's context and its entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedInput {
    /// The ledger's origin, e.g. `demo.ledger.local/bibliotheken`.
    pub origin: String,
    /// When record 0 was recorded (the day in the `tag:` ids).
    pub started: Timestamp,
    /// The server's public address, for absolute links; empty for links relative to the
    /// feed's own address (`/v1/events/7`).
    pub base_url: String,
    /// Records in the log.
    pub length: u64,
    /// The entries, newest first.
    pub entries: Vec<FeedEntry>,
}

/// `tag:` authority, date and specific prefix for `origin` started on `started`.
fn tag_prefix(origin: &str, started: Timestamp) -> String {
    let (host, path) = origin.split_once('/').unwrap_or((origin, ""));
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let host = if host.is_empty() {
        "ledger.invalid".to_owned()
    } else {
        host
    };
    let path: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~/".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let day = started.to_rfc3339().chars().take(10).collect::<String>();
    if path.is_empty() {
        format!("tag:{host},{day}:")
    } else {
        format!("tag:{host},{day}:{path}/")
    }
}

/// The feed as Atom XML.
pub fn render_atom(input: &FeedInput) -> String {
    let base = input.base_url.trim_end_matches('/');
    let tag = tag_prefix(&input.origin, input.started);
    let updated = input
        .entries
        .iter()
        .map(|e| e.recorded_at)
        .max()
        .unwrap_or(input.started);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!(
        "<id>{}</id>\n",
        escape_html(&format!("{tag}feed"))
    ));
    out.push_str(&format!(
        "<title>{}</title>\n",
        escape_html(&format!("Governance ledger {}", input.origin))
    ));
    out.push_str(&format!(
        "<subtitle>{}</subtitle>\n",
        escape_html(&format!(
            "The latest {} of {} records, newest first",
            input.entries.len(),
            input.length
        ))
    ));
    out.push_str(&format!("<updated>{}</updated>\n", updated.to_rfc3339()));
    out.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape_html(&format!("{base}/v1/feed.atom"))
    ));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape_html(&format!("{base}/"))
    ));
    out.push_str(&format!(
        "<author><name>{}</name></author>\n",
        escape_html(&input.origin)
    ));
    for e in &input.entries {
        out.push_str("<entry>\n");
        out.push_str(&format!(
            "<id>{}</id>\n",
            escape_html(&format!("{tag}event/{}", e.event_id))
        ));
        out.push_str(&format!(
            "<title>{}</title>\n",
            escape_html(&format!(
                "{} {}: {} ({})",
                "Record", e.position, e.event_type, e.stream
            ))
        ));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>\n",
            escape_html(&format!("{base}/v1/events/{}", e.position))
        ));
        out.push_str(&format!(
            "<updated>{}</updated>\n",
            e.recorded_at.to_rfc3339()
        ));
        out.push_str(&format!(
            "<author><name>{}</name></author>\n",
            escape_html(&e.actor)
        ));
        out.push_str(&format!(
            "<content type=\"text\">{}</content>\n",
            escape_html(&format!(
                "Record {} of type {} in stream {}, by {}, recorded at {}. BLAKE3 record hash {}.",
                e.position,
                e.event_type,
                e.stream,
                e.actor,
                e.recorded_at.to_rfc3339(),
                e.hash
            ))
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_ids_use_the_origin_and_the_start_day() {
        let started = Timestamp::parse_rfc3339("2023-05-01T07:00:00Z").unwrap();
        assert_eq!(
            tag_prefix("demo.ledger.local/bibliotheken", started),
            "tag:demo.ledger.local,2023-05-01:bibliotheken/"
        );
        assert_eq!(tag_prefix("", started), "tag:ledger.invalid,2023-05-01:");
        assert_eq!(
            tag_prefix("Odd Host/a b", started),
            "tag:odd-host,2023-05-01:a-b/"
        );
    }
}
