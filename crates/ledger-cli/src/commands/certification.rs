//! `ledger certification withdraw`: the steering group withdraws a round's certification
//! with a reason, through a running server; the round must then be certified again.
//!
//! Signing stays `ledger certify`. It must never judge whether the round is certified:
//! the server decides.

use ledger_core::{Command, RoundId};

use super::client::{self, ServerArgs};

/// The subcommands of `ledger certification`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Withdraw a round's certification (steering-group member), with a reason.
    Withdraw {
        /// The certified round.
        #[arg(long, value_name = "ROUND")]
        round: String,
        /// Why it is withdrawn.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Withdraw {
        round,
        reason,
        server,
    } = args;
    client::send_and_print(
        &server,
        &Command::WithdrawCertification {
            round: RoundId::new(round),
            reason,
        },
    )
}
