//! `ledger role grant | revoke`: the secretariat gives or takes an actor's role through a
//! running server; roles are public events in the log.
//!
//! A token (`ledger token issue`) only writes while the log grants its role. This module
//! must never touch the token book: it only sends the public command.

use ledger_core::{ActorId, Command, Role};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// Arguments of `ledger role`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Grant an actor a role.
    Grant {
        /// Who.
        #[arg(long, value_name = "ACTOR")]
        actor: String,
        /// secretariat, steering_member or library:LIBRARY.
        #[arg(long, value_name = "ROLE")]
        role: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Take a role away.
    Revoke {
        /// Who.
        #[arg(long, value_name = "ACTOR")]
        actor: String,
        /// secretariat, steering_member or library:LIBRARY.
        #[arg(long, value_name = "ROLE")]
        role: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// A role as typed on the command line.
pub fn parse_role(text: &str) -> anyhow::Result<Role> {
    Role::parse_label(text).ok_or_else(|| {
        Failure::error(
            INPUT,
            format!("--role must be secretariat, steering_member or library:LIBRARY, got {text:?}"),
        )
    })
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (server, command) = match args.action {
        Action::Grant {
            actor,
            role,
            server,
        } => (
            server,
            Command::GrantRole {
                actor: ActorId::new(actor),
                role: parse_role(&role)?,
            },
        ),
        Action::Revoke {
            actor,
            role,
            server,
        } => (
            server,
            Command::RevokeRole {
                actor: ActorId::new(actor),
                role: parse_role(&role)?,
            },
        ),
    };
    client::send_and_print(&server, &command)
}
