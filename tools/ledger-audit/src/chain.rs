//! The BLAKE3 hash chain walked from position 0: every record must state its own
//! position (no gaps, no reordering), hold its predecessor's hash, and carry a body that
//! decodes as its stated event type.
//!
//! The link rule itself is `ledger_core::chain::check_link`, the very function the
//! ledger's own `verify` uses; this module only walks it and turns its errors into
//! sentences naming the position. It must never re-encode a record: hashes are taken
//! over the bytes exactly as served.

use anyhow::{anyhow, Result};
use ledger_core::chain::{check_link, Head, LinkError, Sealed};
use ledger_core::Event;

/// The walk so far: the next position and the hash the next record must hold.
#[derive(Debug, Default)]
pub struct ChainWalk {
    head: Head,
}

impl ChainWalk {
    /// A walk from position 0 (whose predecessor hash is all zeros).
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the record `bytes` at the next position and advances.
    pub fn check(&mut self, bytes: Vec<u8>) -> Result<(Sealed, Event)> {
        let position = self.head.length;
        let (sealed, event) =
            check_link(position, self.head.hash, bytes).map_err(|e| describe(position, e))?;
        self.head = Head {
            length: position + 1,
            hash: sealed.hash,
        };
        Ok((sealed, event))
    }

    /// Records checked and the hash of the last one.
    pub fn head(&self) -> Head {
        self.head
    }
}

/// One sentence naming the position and what is wrong there.
fn describe(position: u64, error: LinkError) -> anyhow::Error {
    match error {
        LinkError::Undecodable(e) => {
            anyhow!("chain breaks at position {position}: the record does not decode ({e})")
        }
        LinkError::WrongPosition { stated } => anyhow!(
            "chain breaks at position {position}: the record there states position {stated} \
             (a gap or a reordering)"
        ),
        LinkError::BrokenLink { stated, expected } => {
            let before = position.saturating_sub(1);
            anyhow!(
                "chain breaks at position {position}: it names {stated} as its predecessor's \
                 hash, but record {before} hashes to {expected} (record {before} or \
                 {position} was altered)"
            )
        }
        LinkError::BadBody(e) => {
            anyhow!("chain breaks at position {position}: the event body does not decode ({e})")
        }
    }
}
