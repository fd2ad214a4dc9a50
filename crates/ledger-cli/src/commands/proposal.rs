//! `ledger proposal file | amend | withdraw`: the steering group's proposals, through a
//! running server.
//!
//! Budgets are typed as euros with at most two decimals (`1250.50`) and sent as cents.
//! It must never judge a proposal itself: the server decides with the domain.

use ledger_core::{Command, ProposalId};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger proposal`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// File a new proposal.
    File {
        /// The new proposal's id, e.g. prop-2023-05.
        #[arg(long, value_name = "PROPOSAL")]
        proposal: String,
        /// Its title.
        #[arg(long, value_name = "TEXT")]
        title: String,
        /// Its full text.
        #[arg(long, value_name = "TEXT")]
        text: String,
        /// Budget per year in euros, e.g. 125000 or 1250.50.
        #[arg(long, value_name = "EUROS")]
        budget_per_year: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Amend a proposal before a vote opens on it (only what is given changes).
    Amend {
        /// The proposal.
        #[arg(long, value_name = "PROPOSAL")]
        proposal: String,
        /// A new title.
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// A new full text.
        #[arg(long, value_name = "TEXT")]
        text: Option<String>,
        /// A new budget per year in euros.
        #[arg(long, value_name = "EUROS")]
        budget_per_year: Option<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Withdraw a proposal that is not under vote or decided.
    Withdraw {
        /// The proposal.
        #[arg(long, value_name = "PROPOSAL")]
        proposal: String,
        /// Why it is withdrawn.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// Euros as typed (`125000`, `1250.5`, `1250.50`) to whole cents, exactly.
pub fn cents(flag: &str, text: &str) -> anyhow::Result<i128> {
    parse_cents(text).ok_or_else(|| {
        Failure::error(
            INPUT,
            format!(
                "--{flag} must be an amount in euros with at most two decimals, e.g. 125000 or 1250.50, got {text:?}"
            ),
        )
    })
}

fn parse_cents(text: &str) -> Option<i128> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || (digits(fraction) && fraction.len() <= 2)) {
        return None;
    }
    if text.ends_with('.') {
        return None;
    }
    let whole: i128 = whole.parse().ok()?;
    let fraction: i128 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i128>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    Some(whole * 100 + fraction)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (server, command) = match args {
        Args::File {
            proposal,
            title,
            text,
            budget_per_year,
            server,
        } => (
            server,
            Command::FileProposal {
                proposal: ProposalId::new(proposal),
                title,
                text,
                budget_cents_per_year: cents("budget-per-year", &budget_per_year)?,
                trial: false,
            },
        ),
        Args::Amend {
            proposal,
            title,
            text,
            budget_per_year,
            server,
        } => {
            if title.is_none() && text.is_none() && budget_per_year.is_none() {
                return Err(Failure::error(
                    INPUT,
                    "nothing to amend: give --title, --text or --budget-per-year",
                ));
            }
            (
                server,
                Command::AmendProposal {
                    proposal: ProposalId::new(proposal),
                    title,
                    text,
                    budget_cents_per_year: budget_per_year
                        .map(|b| cents("budget-per-year", &b))
                        .transpose()?,
                },
            )
        }
        Args::Withdraw {
            proposal,
            reason,
            server,
        } => (
            server,
            Command::WithdrawProposal {
                proposal: ProposalId::new(proposal),
                reason,
            },
        ),
    };
    client::send_and_print(&server, &command)
}

#[cfg(test)]
mod tests {
    use super::parse_cents;

    #[test]
    fn euros_become_exact_cents() {
        assert_eq!(parse_cents("125000"), Some(12_500_000));
        assert_eq!(parse_cents("1250.5"), Some(125_050));
        assert_eq!(parse_cents("1250.05"), Some(125_005));
        assert_eq!(parse_cents("0"), Some(0));
        for bad in [
            "",
            "-5",
            "1.234",
            "1.",
            ".5",
            "1,50",
            "1e3",
            "9999999999999999",
        ] {
            assert_eq!(parse_cents(bad), None, "{bad:?}");
        }
    }
}
