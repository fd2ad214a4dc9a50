//! `ledger document link`: links a document (its address and the BLAKE3 of the file) to
//! a proposal or a project sheet, through a running server.
//!
//! A person never types a digest: `--file FILE` is hashed here (as `ledger hash` does).
//! It must never fetch the address nor judge the link: the server decides.

use std::path::PathBuf;

use ledger_core::event::DocumentSubject;
use ledger_core::{Command, ProposalId, SheetId};

use super::client::{self, ServerArgs};
use super::hash::file_blake3;
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger document`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Link a document to a proposal or a project sheet.
    Link {
        /// The proposal the document belongs to.
        #[arg(
            long,
            value_name = "PROPOSAL",
            required_unless_present = "sheet",
            conflicts_with = "sheet"
        )]
        proposal: Option<String>,
        /// Or: the project sheet it belongs to.
        #[arg(long, value_name = "SHEET")]
        sheet: Option<String>,
        /// The document's title.
        #[arg(long, value_name = "TEXT")]
        title: String,
        /// Where to fetch it (https:// or http://).
        #[arg(long, value_name = "URL")]
        url: String,
        /// A copy of the document; its BLAKE3 is recorded.
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Link {
        proposal,
        sheet,
        title,
        url,
        file,
        server,
    } = args;
    let subject = match (proposal, sheet) {
        (Some(proposal), _) => DocumentSubject::Proposal(ProposalId::new(proposal)),
        (None, Some(sheet)) => DocumentSubject::Sheet(SheetId::new(sheet)),
        (None, None) => return Err(Failure::error(INPUT, "give --proposal or --sheet")),
    };
    let document_blake3 = file_blake3(&file)?;
    println!("document {}: BLAKE3 {document_blake3}", file.display());
    client::send_and_print(
        &server,
        &Command::LinkDocument {
            subject,
            title,
            url,
            document_blake3,
        },
    )
}
