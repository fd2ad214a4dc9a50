//! `ledger decision record`: records the government's decision on an advice, through a
//! running server, with the BLAKE3 of the official document computed from the file.
//!
//! A person never types a digest: `--document FILE` is hashed here (as `ledger hash`
//! does). It must never judge the decision itself: the server decides.

use std::path::PathBuf;

use ledger_core::event::Verdict;
use ledger_core::{AdviceId, Command, Date, DecisionId};

use super::client::{self, ServerArgs};
use super::hash::file_blake3;
use super::proposal::cents;
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger decision`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Record the government's decision on an advice.
    Record {
        /// The new decision's id.
        #[arg(long, value_name = "DECISION")]
        decision: String,
        /// The advice it answers.
        #[arg(long, value_name = "ADVICE")]
        advice: String,
        /// approved, rejected or amended.
        #[arg(long, value_enum)]
        verdict: VerdictArg,
        /// Amount granted per year in euros (0 when rejected).
        #[arg(long, value_name = "EUROS")]
        amount_per_year: String,
        /// First day of the period (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        period_start: String,
        /// Last day of the period (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        period_end: String,
        /// The official document; its BLAKE3 is recorded.
        #[arg(long, value_name = "FILE")]
        document: PathBuf,
        /// The document's official reference (default: its file name).
        #[arg(long, value_name = "TEXT")]
        reference: Option<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// The government's verdict.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum VerdictArg {
    Approved,
    Rejected,
    Amended,
}

fn date(flag: &str, text: &str) -> anyhow::Result<Date> {
    super::parsed(flag, text, "a date such as 2023-07-01", Date::parse)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Record {
        decision,
        advice,
        verdict,
        amount_per_year,
        period_start,
        period_end,
        document,
        reference,
        server,
    } = args;
    let amount_cents_per_year = cents("amount-per-year", &amount_per_year)?;
    let period_start = date("period-start", &period_start)?;
    let period_end = date("period-end", &period_end)?;
    let document_blake3 = file_blake3(&document)?;
    let document_reference = match reference {
        Some(reference) => reference,
        None => document
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Failure::error(
                    INPUT,
                    format!("{} names no file: give --reference", document.display()),
                )
            })?,
    };
    let verdict = match verdict {
        VerdictArg::Approved => Verdict::Approved,
        VerdictArg::Rejected => Verdict::Rejected,
        VerdictArg::Amended => Verdict::Amended,
    };
    println!("document {document_reference}: BLAKE3 {document_blake3}");
    client::send_and_print(
        &server,
        &Command::RecordGovernmentDecision {
            decision: DecisionId::new(decision),
            advice: AdviceId::new(advice),
            verdict,
            amount_cents_per_year,
            period_start,
            period_end,
            document_reference,
            document_blake3,
        },
    )
}
