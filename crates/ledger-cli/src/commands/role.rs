//! `ledger role grant | revoke`: the secretariat gives or takes an actor's role through a
//! running server; roles are public events in the log.
//!
//! A token (`ledger token issue`) only writes while the log grants its role. This module
//! must never touch the token book: it only sends the public command.

use ledger_core::{ActorId, Command, Role};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger role`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Grant an actor a role.
    Grant(Target),
    /// Take a role away.
    Revoke(Target),
}

/// Who and which role.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Who.
    #[arg(long, value_name = "ACTOR")]
    actor: String,
    /// secretariat, steering_member or library:LIBRARY.
    #[arg(long, value_name = "ROLE")]
    role: String,
    #[command(flatten)]
    server: ServerArgs,
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
    let (grant, target) = match args {
        Args::Grant(target) => (true, target),
        Args::Revoke(target) => (false, target),
    };
    let actor = ActorId::new(target.actor);
    let role = parse_role(&target.role)?;
    let command = if grant {
        Command::GrantRole { actor, role }
    } else {
        Command::RevokeRole { actor, role }
    };
    client::send_and_print(&target.server, &command)
}
