//! `ledger sheet file`: files a project sheet (a project that implements a proposal),
//! through a running server.
//!
//! It must never judge the sheet itself: the server decides with the domain.

use ledger_core::{Command, ProposalId, SheetId};

use super::client::{self, ServerArgs};
use super::proposal::cents;

/// The subcommands of `ledger sheet`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// File a project sheet.
    File {
        /// The new sheet's id.
        #[arg(long, value_name = "SHEET")]
        sheet: String,
        /// The proposal it implements, if any.
        #[arg(long, value_name = "PROPOSAL")]
        proposal: Option<String>,
        /// Its title.
        #[arg(long, value_name = "TEXT")]
        title: String,
        /// Its summary.
        #[arg(long, value_name = "TEXT")]
        summary: String,
        /// Budget per year in euros.
        #[arg(long, value_name = "EUROS")]
        budget_per_year: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::File {
        sheet,
        proposal,
        title,
        summary,
        budget_per_year,
        server,
    } = args;
    let command = Command::FileProjectSheet {
        sheet: SheetId::new(sheet),
        proposal: proposal.map(ProposalId::new),
        title,
        summary,
        budget_cents_per_year: cents("budget-per-year", &budget_per_year)?,
    };
    client::send_and_print(&server, &command)
}
