//! One write (`POST /v1/commands`) and what became of it.
//!
//! A write's answer is sorted into exactly three kinds, because every tool built on this
//! rests on the difference: a receipt (acknowledged), a refusal with a status, or no
//! answer at all (the connection died with the server). The receipt is the server's own
//! type, [`CommandReceipt`], as `ledger submit --server` reads it. This module must never
//! turn a missing, unreadable or foreign answer into a receipt.

use ledger_api::routes::commands::CommandReceipt;
use serde_json::Value;

/// A receipt in hand: the status it came with and the receipt itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// 201 (appended now) or 200 (applied before: the original receipt).
    pub status: u16,
    /// The server's receipt.
    pub command: CommandReceipt,
}

/// What became of one write.
#[derive(Debug)]
pub enum Answer {
    /// 201 or 200 with a complete receipt of the command sent.
    Receipt(Receipt),
    /// Any other answer (a 2xx whose body is not a receipt of this command included),
    /// with `Retry-After` in seconds when given, and the body.
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

/// Reads a success body as the receipt of command `key`: `None` unless it is a
/// [`CommandReceipt`] naming `key`, with at least one position and one hash per position.
pub fn read(key: &str, body: &str) -> Option<CommandReceipt> {
    let receipt: CommandReceipt = serde_json::from_str(body).ok()?;
    let complete = !receipt.positions.is_empty()
        && receipt.positions.len() == receipt.hashes.len()
        && receipt.command_id == key;
    complete.then_some(receipt)
}

/// Sends `body` to `{base}/v1/commands` as `token`, with `key` as its Idempotency-Key.
pub fn submit(agent: &ureq::Agent, base: &str, token: &str, key: &str, body: &Value) -> Answer {
    let answer = agent
        .post(&format!("{base}/v1/commands"))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Idempotency-Key", key)
        .send_json(body);
    match answer {
        Ok(response) => {
            let status = response.status();
            match response.into_string() {
                Ok(text) => match read(key, &text) {
                    Some(command) if status == 200 || status == 201 => {
                        Answer::Receipt(Receipt { status, command })
                    }
                    _ => Answer::Refused {
                        status,
                        retry_after: None,
                        body: text,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn body(command_id: &str, positions: &[u64], hashes: &[&str]) -> String {
        serde_json::json!({
            "command_id": command_id,
            "positions": positions,
            "hashes": hashes,
            "recorded_at": "2023-05-15T10:00:00Z",
            "replayed": false,
        })
        .to_string()
    }

    #[test]
    fn a_complete_receipt_of_the_command_sent_reads() {
        let receipt = read("k-1", &body("k-1", &[7, 8], &["aa", "bb"])).unwrap();
        assert_eq!(receipt.positions, vec![7, 8]);
        assert_eq!(receipt.hashes, vec!["aa", "bb"]);
    }

    #[test]
    fn anything_short_of_a_receipt_of_this_command_is_none() {
        assert_eq!(
            read("k-1", &body("k-2", &[7], &["aa"])),
            None,
            "another command"
        );
        assert_eq!(read("k-1", &body("k-1", &[], &[])), None, "no records");
        assert_eq!(
            read("k-1", &body("k-1", &[7, 8], &["aa"])),
            None,
            "a hash missing"
        );
        assert_eq!(read("k-1", r#"{"positions":[7],"hashes":["aa"]}"#), None);
        assert_eq!(
            read("k-1", "{\"command_id\":\"k-1\",\"posi"),
            None,
            "cut off"
        );
    }
}
