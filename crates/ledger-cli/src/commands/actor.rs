//! `ledger actor name`: gives an actor (a steering member, the secretariat) a display
//! name shown beside its id, through a running server.
//!
//! It must never judge the name itself: the server decides with the domain.

use ledger_core::{ActorId, Command};

use super::client::{self, ServerArgs};

/// The subcommands of `ledger actor`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Give an actor a display name, e.g. "An Peeters (stuurgroep)".
    Name {
        /// The actor's id.
        #[arg(long, value_name = "ACTOR")]
        actor: String,
        /// The name shown with the id.
        #[arg(long, value_name = "TEXT")]
        name: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Name {
        actor,
        name,
        server,
    } = args;
    client::send_and_print(
        &server,
        &Command::NameActor {
            actor: ActorId::new(actor),
            name,
        },
    )
}
