//! `ledger vote`: casts (or changes) a library's vote through a running server.
//!
//! It must never decide anything: the server checks the token, the window, the
//! electorate and the remark's length, and this command shows its answer.

use ledger_core::{Choice, Command, LibraryId, RoundId};

use super::client::ServerArgs;

/// Arguments of `ledger vote`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The vote round.
    #[arg(long, value_name = "ROUND")]
    round: String,
    /// The library voting; the token must be that library's.
    #[arg(long, value_name = "LIBRARY")]
    library: String,
    /// The choice.
    #[arg(value_enum)]
    choice: ChoiceArg,
    /// An optional remark (at most 2,000 characters).
    #[arg(long, value_name = "TEXT")]
    remark: Option<String>,
    #[command(flatten)]
    signing: super::key::SigningArgs,
    #[command(flatten)]
    server: ServerArgs,
}

/// `yes`, `no` or `abstain`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ChoiceArg {
    Yes,
    No,
    Abstain,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let choice = match args.choice {
        ChoiceArg::Yes => Choice::Yes,
        ChoiceArg::No => Choice::No,
        ChoiceArg::Abstain => Choice::Abstain,
    };
    let command = Command::CastVote {
        round: RoundId::new(args.round),
        library: LibraryId::new(args.library),
        choice,
        remark: args.remark,
        signature: None,
    };
    super::key::send_signed(&args.server, &args.signing, command)
}
