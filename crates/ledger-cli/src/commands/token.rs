//! `ledger token issue | revoke | list`: the bearer tokens that may write through
//! `ledger serve`, kept in the data directory's token book (`tokens.json`).
//!
//! These commands work while the server runs: the book has its own lock, and the server
//! re-reads it when it changes. A token is printed once, alone on standard output, so a
//! script can capture it; only its hash is kept. The role a token names must also be
//! granted in the log (a public `grant_role` command) before the token can write:
//! `--grant` sends that command through the running server (with the secretariat's
//! token) before the token is issued, otherwise the exact `ledger role grant` command is
//! printed. This module must never print a token except when issuing it.

use std::path::PathBuf;

use ledger_core::{check_id, ActorId, Command};
use ledger_store::{system_clock, TokenBook, TokenEntry, TokenError, TokenSelector};
use serde_json::json;

use super::client::ServerArgs;
use crate::failure::{Failure, FAULT, INPUT};

/// Arguments of `ledger token`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Issue a token for an actor acting in one role; prints it once.
    Issue {
        #[command(flatten)]
        dir: Dir,
        /// The actor the token authenticates, e.g. acc-lib-11002.
        #[arg(long, value_name = "ACTOR")]
        actor: String,
        /// The role it acts in: secretariat, steering_member or library:LIBRARY.
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// Also grant the role in the log first, through the running server given by
        /// --server/LEDGER_SERVER with the secretariat's --token/LEDGER_TOKEN; if the
        /// grant is refused, no token is issued.
        #[arg(long)]
        grant: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Revoke tokens: every active token of an actor, or one by hash prefix or by value.
    Revoke {
        #[command(flatten)]
        dir: Dir,
        /// Every active token of this actor.
        #[arg(long, value_name = "ACTOR", required_unless_present_any = ["hash", "token"], conflicts_with_all = ["hash", "token"])]
        actor: Option<String>,
        /// The one active token whose hash starts with this (see `ledger token list`).
        #[arg(long, value_name = "HEX", conflicts_with = "token")]
        hash: Option<String>,
        /// The token itself.
        #[arg(long, value_name = "TOKEN")]
        token: Option<String>,
    },
    /// List every token issued (hashes, never secrets).
    List {
        #[command(flatten)]
        dir: Dir,
        /// One JSON object per line instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The ledger directory (the server may be running on it).
#[derive(Debug, clap::Args)]
struct Dir {
    /// The ledger directory.
    #[arg(
        long = "data",
        env = "LEDGER_DATA",
        default_value = "ledger-data",
        value_name = "DIR"
    )]
    data: PathBuf,
}

fn book(dir: &Dir) -> anyhow::Result<TokenBook> {
    TokenBook::open(&dir.data).map_err(token_failure)
}

fn token_failure(error: TokenError) -> anyhow::Error {
    let code = match &error {
        TokenError::NotALedger { .. }
        | TokenError::InvalidActor { .. }
        | TokenError::Ambiguous { .. } => INPUT,
        TokenError::Io { .. } | TokenError::Malformed { .. } => FAULT,
    };
    Failure::error(code, error.to_string())
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.action {
        Action::Issue {
            dir,
            actor,
            role,
            grant,
            server,
        } => {
            check_id("actor", &actor)
                .map_err(|e| Failure::error(INPUT, format!("--actor: {e}")))?;
            let role = super::role::parse_role(&role)?;
            let actor = ActorId::new(actor);
            // Open the book before granting: a wrong directory must not leave a grant
            // behind without its token.
            let book = book(&dir)?;
            if grant {
                let command = Command::GrantRole {
                    actor: actor.clone(),
                    role: role.clone(),
                };
                let receipt =
                    server
                        .client()?
                        .submit(&command, server.idempotency_key.as_deref(), None)?;
                eprintln!(
                    "granted {actor} the role {role} in the log at position {}",
                    receipt
                        .positions
                        .first()
                        .map_or_else(|| "?".to_owned(), u64::to_string)
                );
            }
            let token = book
                .issue(&actor, &role, system_clock())
                .map_err(token_failure)?;
            println!("{token}");
            eprintln!(
                "issued a token for actor {actor} acting as {role} (hash {}); it is shown only this once",
                short(&ledger_store::tokens::token_hash(&token))
            );
            if !grant {
                eprintln!(
                    "it writes only while the log grants {actor} that role; if it does not yet, the secretariat runs: ledger role grant --actor {actor} --role {}",
                    role.label()
                );
            }
            Ok(())
        }
        Action::Revoke {
            dir,
            actor,
            hash,
            token,
        } => {
            let selector = match (actor, hash, token) {
                (Some(actor), _, _) => TokenSelector::Actor(ActorId::new(actor)),
                (None, Some(hash), _) => TokenSelector::HashPrefix(hash),
                (None, None, Some(token)) => TokenSelector::Token(token),
                (None, None, None) => {
                    return Err(Failure::error(INPUT, "give --actor, --hash or --token"))
                }
            };
            let revoked = book(&dir)?
                .revoke(&selector, system_clock())
                .map_err(token_failure)?;
            if revoked.is_empty() {
                return Err(Failure::error(
                    INPUT,
                    "no active token matched; nothing revoked",
                ));
            }
            for entry in &revoked {
                println!("revoked {}", line(entry));
            }
            Ok(())
        }
        Action::List { dir, json } => {
            for entry in book(&dir)?.list().map_err(token_failure)? {
                if json {
                    println!(
                        "{}",
                        json!({
                            "token_hash": entry.token_hash,
                            "actor": entry.actor,
                            "role": entry.role.label(),
                            "issued_at": entry.issued_at,
                            "revoked_at": entry.revoked_at,
                        })
                    );
                } else {
                    println!("{}", line(&entry));
                }
            }
            Ok(())
        }
    }
}

/// `hash-prefix actor role issued_at [revoked at ...]`.
fn line(entry: &TokenEntry) -> String {
    let status = match entry.revoked_at {
        Some(at) => format!("revoked {at}"),
        None => "active".to_owned(),
    };
    format!(
        "{} {} {} issued {} {status}",
        short(&entry.token_hash),
        entry.actor,
        entry.role,
        entry.issued_at
    )
}

/// The first 16 hex characters of a hash: enough to tell tokens apart and revoke one.
fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}
