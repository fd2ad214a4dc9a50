//! `ledger advice send`: records that the steering group's advice on a certified round
//! went to the government, through a running server.
//!
//! It must never judge whether the round is certified: the server decides.

use ledger_core::{AdviceId, Command, RoundId};

use super::client::{self, ServerArgs};

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
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Send {
        advice,
        round,
        recipient,
        text,
        server,
    } = args;
    client::send_and_print(
        &server,
        &Command::SendAdvice {
            advice: AdviceId::new(advice),
            round: RoundId::new(round),
            recipient,
            text,
        },
    )
}
