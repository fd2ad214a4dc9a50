//! `ledger priorities decide`: the steering group's priority order of project sheets,
//! through a running server.
//!
//! It must never judge the ranking itself: the server decides.

use ledger_core::{Command, SheetId};

use super::client::{self, ServerArgs};

/// The subcommands of `ledger priorities`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Decide the priority order: sheets from highest to lowest priority.
    Decide {
        /// The sheets, highest priority first.
        #[arg(required = true, value_name = "SHEET")]
        ranking: Vec<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Decide { ranking, server } = args;
    client::send_and_print(
        &server,
        &Command::DecidePriorities {
            ranking: ranking.into_iter().map(SheetId::new).collect(),
        },
    )
}
