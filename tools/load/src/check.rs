//! The check after the load: every acknowledged vote is in `/v1/events` at the positions
//! its receipt named, with the same hashes and command id.
//!
//! The log is read page by page over the range the receipts cover (not one request per
//! vote), so the check stays quick after a long run. This module must never write.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

use crate::traffic::Acknowledged;

/// The result of the check.
#[derive(Debug, Default, serde::Serialize)]
pub struct Check {
    /// Acknowledged writes looked up.
    pub checked: u64,
    /// Acknowledged writes found at their positions with their hashes and command id.
    pub present: u64,
    /// The first few that were not, with what was found instead.
    pub missing: Vec<String>,
    /// The log's length after the load.
    pub final_length: u64,
}

/// Looks every acknowledged write up in the server's log.
pub fn acknowledged_writes(base: &str, acknowledged: &[Acknowledged]) -> anyhow::Result<Check> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let mut check = Check::default();
    let (Some(first), Some(last)) = (
        acknowledged.iter().flat_map(|a| a.positions.iter()).min(),
        acknowledged.iter().flat_map(|a| a.positions.iter()).max(),
    ) else {
        check.final_length = head_length(&agent, base)?;
        return Ok(check);
    };
    // position -> (hash, command id)
    let mut log: HashMap<u64, (String, String)> = HashMap::new();
    let mut after: Option<u64> = first.checked_sub(1);
    loop {
        let url = match after {
            Some(a) => format!("{base}/v1/events?after={a}&limit=500"),
            None => format!("{base}/v1/events?limit=500"),
        };
        let page: Value = agent
            .get(&url)
            .call()
            .with_context(|| format!("GET {url}"))?
            .into_json()?;
        let items = page["items"].as_array().context("a page of events")?;
        for item in items {
            if let (Some(position), Some(hash), Some(command)) = (
                item["position"].as_u64(),
                item["hash"].as_str(),
                item["command_id"].as_str(),
            ) {
                log.insert(position, (hash.to_owned(), command.to_owned()));
                after = Some(position);
            }
        }
        let done = after.is_some_and(|a| a >= *last);
        if done || items.is_empty() || page["next"].is_null() {
            break;
        }
    }
    for ack in acknowledged {
        check.checked += 1;
        let wrong = ack
            .positions
            .iter()
            .zip(&ack.hashes)
            .find_map(|(position, hash)| match log.get(position) {
                Some((h, c)) if h == hash && *c == ack.command_id => None,
                Some((h, c)) => Some(format!(
                    "{} at {position}: the log holds command {c} with hash {h}, the receipt said {hash}",
                    ack.command_id
                )),
                None => Some(format!("{} at {position}: no such record", ack.command_id)),
            });
        match wrong {
            None => check.present += 1,
            Some(text) => {
                if check.missing.len() < 10 {
                    check.missing.push(text);
                }
            }
        }
    }
    check.final_length = head_length(&agent, base)?;
    Ok(check)
}

fn head_length(agent: &ureq::Agent, base: &str) -> anyhow::Result<u64> {
    let health: Value = agent
        .get(&format!("{base}/healthz"))
        .call()
        .context("GET /healthz")?
        .into_json()?;
    health["length"].as_u64().context("healthz length")
}
