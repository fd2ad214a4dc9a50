//! `ledger decision record | amend`: records the government's decision on an advice, and
//! corrects it by an amended decision with a reason, through a running server, with the
//! BLAKE3 of the official document computed from the file.
//!
//! A person never types a digest: `--document FILE` is hashed here (as `ledger hash`
//! does). An amendment is a new event: the earlier record stays in the log. It must never
//! judge the decision itself: the server decides.

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
        #[command(flatten)]
        terms: Terms,
        #[command(flatten)]
        signing: super::key::SigningArgs,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Correct a recorded decision (the government amended it, or the record was wrong);
    /// the earlier record stays and is shown as superseded.
    Amend {
        /// The decision corrected.
        #[arg(long, value_name = "DECISION")]
        decision: String,
        #[command(flatten)]
        terms: Terms,
        /// Why it is corrected.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// What the government decided, as typed on the command line.
#[derive(Debug, clap::Args)]
pub struct Terms {
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
}

/// The government's verdict.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum VerdictArg {
    Approved,
    Rejected,
    Amended,
}

/// The terms checked and the document hashed, ready for a command.
struct Checked {
    verdict: Verdict,
    amount_cents_per_year: i128,
    period_start: Date,
    period_end: Date,
    document_reference: String,
    document_blake3: String,
}

fn date(flag: &str, text: &str) -> anyhow::Result<Date> {
    super::parsed(flag, text, "a date such as 2023-07-01", Date::parse)
}

impl Terms {
    /// Checks every flag and hashes the document; prints the document's digest.
    fn check(self) -> anyhow::Result<Checked> {
        let amount_cents_per_year = cents("amount-per-year", &self.amount_per_year)?;
        let period_start = date("period-start", &self.period_start)?;
        let period_end = date("period-end", &self.period_end)?;
        let document_blake3 = file_blake3(&self.document)?;
        let document_reference = match self.reference {
            Some(reference) => reference,
            None => self
                .document
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| {
                    Failure::error(
                        INPUT,
                        format!(
                            "{} names no file: give --reference",
                            self.document.display()
                        ),
                    )
                })?,
        };
        let verdict = match self.verdict {
            VerdictArg::Approved => Verdict::Approved,
            VerdictArg::Rejected => Verdict::Rejected,
            VerdictArg::Amended => Verdict::Amended,
        };
        println!("document {document_reference}: BLAKE3 {document_blake3}");
        Ok(Checked {
            verdict,
            amount_cents_per_year,
            period_start,
            period_end,
            document_reference,
            document_blake3,
        })
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (server, command, signing) = match args {
        Args::Record {
            decision,
            advice,
            terms,
            signing,
            server,
        } => {
            let t = terms.check()?;
            let command = Command::RecordGovernmentDecision {
                decision: DecisionId::new(decision),
                advice: AdviceId::new(advice),
                verdict: t.verdict,
                amount_cents_per_year: t.amount_cents_per_year,
                period_start: t.period_start,
                period_end: t.period_end,
                document_reference: t.document_reference,
                document_blake3: t.document_blake3,
                signature: None,
            };
            (server, command, Some(signing))
        }
        Args::Amend {
            decision,
            terms,
            reason,
            server,
        } => {
            let t = terms.check()?;
            let command = Command::AmendGovernmentDecision {
                decision: DecisionId::new(decision),
                verdict: t.verdict,
                amount_cents_per_year: t.amount_cents_per_year,
                period_start: t.period_start,
                period_end: t.period_end,
                document_reference: t.document_reference,
                document_blake3: t.document_blake3,
                reason,
            };
            (server, command, None)
        }
    };
    match signing {
        Some(signing) => super::key::send_signed(&server, &signing, command),
        None => client::send_and_print(&server, &command),
    }
}
