//! `ledger newsletter issue`: records that a newsletter issue covering a stretch of the
//! log was published, through a running server.
//!
//! Without `--to` the issue covers up to the log's current size, read from the server's
//! signed checkpoint. It must never judge the range itself: the server decides (and its
//! refusal names where the next issue must start).

use ledger_core::{Command, NewsletterId, Position};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, FAULT};

/// The subcommands of `ledger newsletter`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Record a published newsletter issue.
    Issue {
        /// The issue's id.
        #[arg(long, value_name = "NEWSLETTER")]
        newsletter: String,
        /// Its title.
        #[arg(long, value_name = "TEXT")]
        title: String,
        /// First log position covered: 0 for the first issue, else where the previous
        /// issue stopped.
        #[arg(long, value_name = "POSITION")]
        from: u64,
        /// First position not covered (default: the log's current size).
        #[arg(long, value_name = "POSITION")]
        to: Option<u64>,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// The tree size on the second line of a C2SP checkpoint note.
fn checkpoint_size(note: &str) -> Option<u64> {
    note.lines().nth(1)?.trim().parse().ok()
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Issue {
        newsletter,
        title,
        from,
        to,
        server,
    } = args;
    let client = server.client()?;
    let to = match to {
        Some(to) => to,
        None => checkpoint_size(&client.get_text("/v1/log/checkpoint")?).ok_or_else(|| {
            Failure::error(FAULT, "the server's checkpoint does not state a log size")
        })?,
    };
    let command = Command::IssueNewsletter {
        newsletter: NewsletterId::new(newsletter),
        title,
        covers_from: Position(from),
        covers_to: Position(to),
    };
    let receipt = client.submit(&command, server.idempotency_key.as_deref(), None)?;
    client::print_receipt(&receipt);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::checkpoint_size;

    #[test]
    fn the_size_is_the_checkpoints_second_line() {
        let note = "ledger.local/governance\n846\nq83nq5Hh6vDRBbpU8bURn3kwwOuWhA4R5D7fB/L8TjM=\n\n— ledger.local/governance abc\n";
        assert_eq!(checkpoint_size(note), Some(846));
        assert_eq!(checkpoint_size("origin\nlots\n"), None);
        assert_eq!(checkpoint_size(""), None);
    }
}
