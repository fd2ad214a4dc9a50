//! The read and write API over HTTP, as the generator uses it: JSON and text GETs where
//! 404 means "not there", and the one POST that records an issue.
//!
//! Every failure becomes one line that names the server and what went wrong, so the
//! user sees `error: cannot reach http://...: connection refused` rather than a chain of
//! library messages. This module must never talk to anything but the server it was
//! given, and never retry a POST without the same Idempotency-Key.

use std::time::Duration;

use anyhow::{anyhow, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A client of one server.
#[derive(Debug)]
pub struct Api {
    base: String,
    agent: ureq::Agent,
}

/// Flattens a message to one line (a server's problem detail could hold line breaks).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Api {
    /// A client of `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Api {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build();
        Api {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }

    /// The server's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn failure(&self, method: &str, path: &str, error: ureq::Error) -> anyhow::Error {
        match error {
            ureq::Error::Status(code, response) => {
                let detail = response
                    .into_json::<Value>()
                    .ok()
                    .and_then(|p| p.get("detail").and_then(Value::as_str).map(one_line))
                    .unwrap_or_default();
                anyhow!(
                    "{method} {}{path} answered HTTP {code}{}{detail}",
                    self.base,
                    if detail.is_empty() { "" } else { ": " }
                )
            }
            ureq::Error::Transport(transport) => {
                // The innermost cause is the useful part ("Connection refused").
                let mut cause = transport.to_string();
                let mut source = std::error::Error::source(&transport);
                while let Some(inner) = source {
                    cause = inner.to_string();
                    source = inner.source();
                }
                anyhow!(
                    "cannot reach the server at {}: {}",
                    self.base,
                    one_line(&cause)
                )
            }
        }
    }

    /// GETs `path`; `None` on 404.
    fn get(&self, path: &str) -> Result<Option<ureq::Response>> {
        match self.agent.get(&format!("{}{path}", self.base)).call() {
            Ok(response) => Ok(Some(response)),
            Err(ureq::Error::Status(404, _)) => Ok(None),
            Err(e) => Err(self.failure("GET", path, e)),
        }
    }

    /// GETs `path` as JSON; `None` on 404.
    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>> {
        match self.get(path)? {
            Some(response) => response.into_json::<T>().map(Some).map_err(|e| {
                anyhow!(
                    "GET {}{path} answered with JSON this tool does not understand: {}",
                    self.base,
                    one_line(&e.to_string())
                )
            }),
            None => Ok(None),
        }
    }

    /// GETs `path` as text; `None` on 404.
    pub fn get_text(&self, path: &str) -> Result<Option<String>> {
        match self.get(path)? {
            Some(response) => response.into_string().map(Some).map_err(|e| {
                anyhow!(
                    "GET {}{path} could not be read: {}",
                    self.base,
                    one_line(&e.to_string())
                )
            }),
            None => Ok(None),
        }
    }

    /// POSTs one command with a bearer token and an Idempotency-Key; returns the
    /// receipt (201 for a new append, 200 for a replay of the same key). A request
    /// that got no answer (the connection broke) is sent again, up to three times in
    /// all, with the same key: the ledger answers a repeat with the first receipt, so
    /// the command is applied at most once.
    pub fn post_command(&self, token: &str, key: &str, command: &Value) -> Result<Value> {
        let path = "/v1/commands";
        let mut attempt = 1;
        let response = loop {
            let sent = self
                .agent
                .post(&format!("{}{path}", self.base))
                .set("Authorization", &format!("Bearer {token}"))
                .set("Idempotency-Key", key)
                .send_json(command);
            match sent {
                Err(ureq::Error::Transport(_)) if attempt < 3 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(500));
                }
                other => break other.map_err(|e| self.failure("POST", path, e))?,
            }
        };
        response
            .into_json::<Value>()
            .map_err(|e| anyhow!("the receipt is not JSON: {}", one_line(&e.to_string())))
    }
}
