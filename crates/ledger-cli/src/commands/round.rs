//! `ledger round open` and `ledger round close`: the secretariat's (and for closing, the
//! steering group's) steps of a vote round, through a running server.
//!
//! It must never judge a window or a rule itself: the server decides with the domain.

use ledger_core::{Command, ProposalId, RoundId, Rule, Timestamp};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// Arguments of `ledger round`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Open a vote round on a proposal; freezes the electorate.
    Open {
        /// The new round's id.
        #[arg(long, value_name = "ROUND")]
        round: String,
        /// The proposal voted on.
        #[arg(long, value_name = "PROPOSAL")]
        proposal: String,
        /// First instant a vote is no longer accepted (RFC 3339, e.g. 2023-05-22T12:00:00Z).
        #[arg(long, value_name = "TIME")]
        closes_at: String,
        /// First instant a vote is accepted (RFC 3339; default: when recorded).
        #[arg(long, value_name = "TIME")]
        opens_at: Option<String>,
        /// The decision rule as JSON, e.g. '{"signatures_required": 1}' (default: more
        /// than half of the represented inhabitants, two signatures).
        #[arg(long, value_name = "JSON")]
        rule: Option<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Close a round (at or after its window, or early once every library voted).
    Close {
        /// The round.
        #[arg(long, value_name = "ROUND")]
        round: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

fn timestamp(flag: &str, text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        Failure::error(
            INPUT,
            format!("--{flag} must be an RFC 3339 time such as 2023-05-22T12:00:00Z, got {text:?}"),
        )
    })
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.action {
        Action::Open {
            round,
            proposal,
            closes_at,
            opens_at,
            rule,
            server,
        } => {
            let rule: Option<Rule> = rule
                .map(|text| {
                    serde_json::from_str(&text)
                        .map_err(|e| Failure::error(INPUT, format!("--rule is not a rule: {e}")))
                })
                .transpose()?;
            let command = Command::OpenRound {
                title: None,
                round: RoundId::new(round),
                proposal: ProposalId::new(proposal),
                opens_at: opens_at.map(|t| timestamp("opens-at", &t)).transpose()?,
                closes_at: timestamp("closes-at", &closes_at)?,
                rule,
            };
            client::send_and_print(&server, &command)
        }
        Action::Close { round, server } => client::send_and_print(
            &server,
            &Command::CloseRound {
                round: RoundId::new(round),
            },
        ),
    }
}
