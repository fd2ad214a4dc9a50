//! The check after the load: every acknowledged vote is in `/v1/events` at the positions
//! its receipt named, with the same hashes and command id.
//!
//! The log is read page by page over the range the receipts cover (not one request per
//! vote), so the check stays quick after a long run. This module must never write.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use ledger_harness::{check_receipt, event_rows, CommandReceipt};
use serde_json::Value;

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
pub fn acknowledged_writes(base: &str, acknowledged: &[CommandReceipt]) -> anyhow::Result<Check> {
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
    let log: BTreeMap<u64, _> = event_rows(&agent, base, first.checked_sub(1), Some(*last))?
        .into_iter()
        .map(|row| (row.position, row))
        .collect();
    for receipt in acknowledged {
        check.checked += 1;
        match check_receipt(receipt, |position| log.get(&position)) {
            Ok(()) => check.present += 1,
            Err(mismatch) => {
                if check.missing.len() < 10 {
                    check.missing.push(mismatch.to_string());
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
