//! `ledger advice send | correct`: records that the steering group's advice on a
//! certified round went to the government, and corrects it by a superseding advice with a
//! reason, through a running server.
//!
//! A correction is a new event: the earlier advice stays in the log. It must never judge
//! whether the round is certified or the advice exists: the server decides.

use std::path::PathBuf;

use ledger_core::{AdviceId, Command, RoundId};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger advice`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Record the advice sent on a certified round.
    Send {
        /// The new advice's id.
        #[arg(long, value_name = "ADVICE")]
        advice: String,
        /// The certified round it rests on.
        #[arg(long, value_name = "ROUND")]
        round: String,
        /// To whom it was sent.
        #[arg(long, value_name = "TEXT")]
        recipient: String,
        /// The advice's text.
        #[arg(long, value_name = "TEXT")]
        text: String,
        #[command(flatten)]
        signing: super::key::SigningArgs,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Correct a sent advice: its new text supersedes the earlier one, which stays shown.
    Correct {
        /// The advice corrected.
        #[arg(long, value_name = "ADVICE")]
        advice: String,
        /// The advice's text from now on.
        #[arg(
            long,
            value_name = "TEXT",
            required_unless_present = "text_file",
            conflicts_with = "text_file"
        )]
        text: Option<String>,
        /// Or: a UTF-8 file holding the new text.
        #[arg(long, value_name = "FILE")]
        text_file: Option<PathBuf>,
        /// Why it is corrected.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args {
        Args::Send {
            advice,
            round,
            recipient,
            text,
            signing,
            server,
        } => super::key::send_signed(
            &server,
            &signing,
            Command::SendAdvice {
                advice: AdviceId::new(advice),
                round: RoundId::new(round),
                recipient,
                text,
                signature: None,
            },
        ),
        Args::Correct {
            advice,
            text,
            text_file,
            reason,
            server,
        } => {
            let text = match (text, text_file) {
                (Some(text), _) => text,
                (None, Some(file)) => std::fs::read_to_string(&file).map_err(|e| {
                    Failure::error(INPUT, format!("cannot read {}: {e}", file.display()))
                })?,
                (None, None) => return Err(Failure::error(INPUT, "give --text or --text-file")),
            };
            client::send_and_print(
                &server,
                &Command::SupersedeAdvice {
                    advice: AdviceId::new(advice),
                    text,
                    reason,
                },
            )
        }
    }
}
