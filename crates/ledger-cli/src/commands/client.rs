//! The command line as a client of a running `ledger serve`: the server and token
//! arguments, one `POST /v1/commands`, and how its answer is shown and classified.
//!
//! While the server runs it holds the ledger, so every write goes through it. Every
//! command sent carries an Idempotency-Key (the caller's, or a fresh random one that is
//! printed when the outcome is unknown), so repeating it is always safe. This module must
//! never retry on its own, never print a token, and never decide anything the server
//! decides: it shows the server's answer and maps its status to an exit code.

use std::time::Duration;

use ledger_api::routes::commands::CommandReceipt;
use ledger_core::{check_id, Command};
use serde_json::Value;

use crate::failure::{Failure, FAULT, INPUT, REFUSED};

/// Where the server is and which token to send.
#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    #[arg(long, env = "LEDGER_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// The bearer token from `ledger token issue` (prefer the environment variable: a
    /// command-line argument is visible to other users of the machine).
    #[arg(
        long,
        env = "LEDGER_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// The command id to send as Idempotency-Key (a fresh one when absent); repeating a
    /// command with the same key returns its first receipt and appends nothing.
    #[arg(long, value_name = "ID")]
    pub idempotency_key: Option<String>,
}

impl ServerArgs {
    /// The client, or an input error naming what is missing.
    pub fn client(&self) -> anyhow::Result<Client> {
        let token = self.token.as_deref().ok_or_else(|| {
            Failure::error(INPUT, "no token given: use LEDGER_TOKEN or --token TOKEN")
        })?;
        self.connect(token)
    }

    /// A client for the public read routes only: no token is needed or sent.
    pub fn reader(&self) -> anyhow::Result<Client> {
        self.connect("")
    }

    fn connect(&self, token: &str) -> anyhow::Result<Client> {
        let server = self.server.as_deref().ok_or_else(|| {
            Failure::error(INPUT, "no server given: use --server URL or LEDGER_SERVER")
        })?;
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            return Err(Failure::error(
                INPUT,
                format!("--server must be an http:// or https:// URL, got {server:?}"),
            ));
        }
        if let Some(key) = &self.idempotency_key {
            check_id("command", key)
                .map_err(|e| Failure::error(INPUT, format!("--idempotency-key: {e}")))?;
        }
        Ok(Client {
            base: server.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .build(),
        })
    }
}

/// A connection to one server with one token.
#[derive(Debug)]
pub struct Client {
    base: String,
    token: String,
    agent: ureq::Agent,
}

/// Why the server answered a command without a receipt: the status and problem.
fn refused(status: u16, body: &str) -> anyhow::Error {
    let problem: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let title = problem["title"].as_str().unwrap_or("error");
    let detail = problem["detail"].as_str().unwrap_or(body);
    let reason = problem["reason"]
        .as_str()
        .map(|r| format!(", {r}"))
        .unwrap_or_default();
    let code = match status {
        // The server refused: no token or not a valid one, a role that may not, a domain
        // rule, a version conflict, too many requests. Nothing was written.
        401 | 403 | 409 | 422 | 429 => REFUSED,
        400 | 404 | 408 | 413 => INPUT,
        _ => FAULT,
    };
    let message = format!("refused ({status} {title}{reason}): {detail}");
    match problem.get("rejection") {
        Some(rejection) if rejection.is_object() => {
            Failure::refused(code, message, rejection.clone())
        }
        _ => Failure::error(code, message),
    }
}

impl Client {
    /// Sends `command` (with `expected_version` as If-Match) and returns the receipt.
    pub fn submit(
        &self,
        command: &Command,
        key: Option<&str>,
        expected_version: Option<u64>,
    ) -> anyhow::Result<CommandReceipt> {
        let key = key.map_or_else(fresh_key, str::to_owned);
        let body = serde_json::to_string(command)?;
        let mut request = self
            .agent
            .post(&format!("{}/v1/commands", self.base))
            .set("Authorization", &format!("Bearer {}", self.token))
            .set("Content-Type", "application/json")
            .set("Idempotency-Key", &key);
        if let Some(version) = expected_version {
            request = request.set("If-Match", &format!("\"{version}\""));
        }
        match request.send_string(&body) {
            Ok(response) => response.into_json::<CommandReceipt>().map_err(|e| {
                Failure::error(
                    FAULT,
                    format!("the server's receipt for command {key} does not read: {e}"),
                )
            }),
            Err(ureq::Error::Status(status, response)) => {
                let text = response.into_string().unwrap_or_default();
                Err(refused(status, &text))
            }
            Err(ureq::Error::Transport(e)) => Err(Failure::error(
                FAULT,
                format!(
                    "no answer from {}: {e}; the command may or may not be applied, repeat it with --idempotency-key {key} to find out",
                    self.base
                ),
            )),
        }
    }

    /// `GET` of a public read route, as JSON.
    pub fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.get_query(path, &[])
    }

    /// `GET` of a public read route with query parameters (encoded here), as JSON.
    pub fn get_query(&self, path: &str, query: &[(&str, String)]) -> anyhow::Result<Value> {
        self.read(path, query)?
            .into_json()
            .map_err(|e| Failure::error(FAULT, format!("{path} does not read: {e}")))
    }

    /// `GET` of a public read route, as text (the checkpoint note).
    pub fn get_text(&self, path: &str) -> anyhow::Result<String> {
        self.read(path, &[])?
            .into_string()
            .map_err(|e| Failure::error(FAULT, format!("{path} does not read: {e}")))
    }

    fn read(&self, path: &str, query: &[(&str, String)]) -> anyhow::Result<ureq::Response> {
        let mut request = self.agent.get(&format!("{}{path}", self.base));
        for (name, value) in query {
            request = request.query(name, value);
        }
        match request.call() {
            Ok(response) => Ok(response),
            Err(ureq::Error::Status(status, response)) => {
                let text = response.into_string().unwrap_or_default();
                Err(refused(status, &text))
            }
            Err(ureq::Error::Transport(e)) => Err(Failure::error(
                FAULT,
                format!("no answer from {}: {e}", self.base),
            )),
        }
    }
}

/// A command id for a command sent without `--idempotency-key`.
pub fn fresh_key() -> String {
    format!("cli-{:032x}", rand::random::<u128>())
}

/// Prints a receipt the way `ledger submit` prints one for a local append.
pub fn print_receipt(r: &CommandReceipt) {
    crate::render::receipt(
        &r.command_id,
        &r.positions,
        &r.hashes,
        &r.recorded_at,
        r.replayed,
    );
}

/// Sends `command` with the arguments' key and prints the receipt.
pub fn send_and_print(args: &ServerArgs, command: &Command) -> anyhow::Result<()> {
    let client = args.client()?;
    let receipt = client.submit(command, args.idempotency_key.as_deref(), None)?;
    print_receipt(&receipt);
    Ok(())
}

/// `ledger submit --server`: sends the command in `file` (`-` is standard input), which
/// holds a bare command or an envelope. An envelope's `command_id` becomes the
/// Idempotency-Key and its `expected_version` the If-Match; its `actor` is ignored, as
/// the token decides who acts.
pub fn submit_file(args: &ServerArgs, file: &std::path::Path) -> anyhow::Result<()> {
    let client = args.client()?;
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    }
    .map_err(|e| Failure::error(INPUT, format!("cannot read {}: {e}", file.display())))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::error(INPUT, format!("{} is not JSON: {e}", file.display())))?;
    let invalid = |e: serde_json::Error| {
        Failure::error(
            INPUT,
            format!("{} is not a valid command or envelope: {e}", file.display()),
        )
    };
    let (command, key, expected_version) = if value.get("command").is_some() {
        let envelope: ledger_core::Envelope = serde_json::from_value(value).map_err(invalid)?;
        if let Some(given) = &args.idempotency_key {
            if given != envelope.command_id.as_str() {
                return Err(Failure::error(
                    INPUT,
                    format!(
                        "--idempotency-key {given} differs from the envelope's command_id {}",
                        envelope.command_id
                    ),
                ));
            }
        }
        eprintln!(
            "note: the server acts as the token's actor; the envelope's actor {} is not sent",
            envelope.actor
        );
        (
            envelope.command,
            Some(envelope.command_id.to_string()),
            envelope.expected_version,
        )
    } else {
        let command: Command = serde_json::from_value(value).map_err(invalid)?;
        (command, args.idempotency_key.clone(), None)
    };
    let receipt = client.submit(&command, key.as_deref(), expected_version)?;
    print_receipt(&receipt);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_documented_exit_codes() {
        let code = |status| Failure::classify(&refused(status, "{}")).code;
        for status in [401, 403, 409, 422, 429] {
            assert_eq!(code(status), REFUSED, "{status}");
        }
        for status in [400, 413] {
            assert_eq!(code(status), INPUT, "{status}");
        }
        for status in [500, 503] {
            assert_eq!(code(status), FAULT, "{status}");
        }
    }

    #[test]
    fn a_problem_is_shown_on_one_line_with_its_reason() {
        let error = refused(
            403,
            r#"{"title": "Forbidden", "detail": "actor x may not act for library lib-b", "reason": "acting_for_another_library"}"#,
        );
        assert_eq!(
            Failure::classify(&error).one_line(),
            "refused (403 Forbidden, acting_for_another_library): actor x may not act for library lib-b"
        );
        assert!(fresh_key().starts_with("cli-") && check_id("command", &fresh_key()).is_ok());
    }
}
