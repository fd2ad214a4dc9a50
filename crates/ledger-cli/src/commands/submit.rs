//! `ledger submit`: appends one command envelope read from a JSON file.
//!
//! The input is parsed and checked before the ledger is opened, so bad input never
//! takes the lock or touches the directory. It must never retry on its own: a repeat
//! with the same command id is the caller's decision (and is answered, not re-applied).

use std::path::PathBuf;

use anyhow::Context;
use ledger_core::{command_docs, Envelope};

use super::DataDir;
use crate::failure::{self, Failure, INPUT};

/// Arguments of `ledger submit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    /// A JSON file holding one envelope: {"command_id", "actor", "expected_version"
    /// (optional), "command": {"type": ..., ...}}; `-` reads standard input. With
    /// --server it may also hold a bare command ({"type": ..., ...}). `ledger commands`
    /// lists every command with its fields and an example.
    #[arg(value_name = "FILE.json")]
    file: PathBuf,
    /// With a server (--server or LEDGER_SERVER) the command goes through it as the
    /// token's actor, instead of into the directory.
    #[command(flatten)]
    server: super::client::ServerArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.server.server.is_some() {
        return super::client::submit_file(&args.server, &args.file);
    }
    if args.server.idempotency_key.is_some() {
        return Err(Failure::error(
            INPUT,
            "--idempotency-key needs --server; offline, the envelope's command_id is the key",
        ));
    }
    let envelope = read_envelope(&args.file)?;
    let ledger = super::open(&args.dir)?;
    let receipt = ledger.append(envelope).map_err(failure::append)?;
    crate::render::receipt(
        receipt.command_id.as_str(),
        &receipt.positions,
        &receipt.hashes,
        &receipt.recorded_at,
        receipt.replayed,
    );
    Ok(())
}

fn read_envelope(file: &PathBuf) -> anyhow::Result<Envelope> {
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
    }
    .map_err(|e| Failure::error(INPUT, format!("{e:#}")))?;
    serde_json::from_str(&text).map_err(|e| {
        // Name every missing and unknown field of the command at once, not serde's first.
        let detail = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|envelope| {
                let command = envelope.get("command")?;
                command_docs::parse_command_value(command).err()
            })
            .map_or_else(|| e.to_string(), |e| format!("its command: {e}"));
        Failure::error(
            INPUT,
            format!(
                "{} is not a valid command envelope: {detail}",
                file.display()
            ),
        )
    })
}
