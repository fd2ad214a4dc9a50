//! The writers' HTTP agent. Sending a command and reading its receipt, and paging the
//! server's lists, live in `ledger-harness`, shared with `tools/load`.
//!
//! This module must never retry on its own: a killed server resets connections at once,
//! and the writers must see that as "no answer".

use std::time::Duration;

/// An agent for the writers: a killed server resets connections at once, so the
/// timeouts only guard against a hung one.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
}
