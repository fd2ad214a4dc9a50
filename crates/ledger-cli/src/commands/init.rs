//! `ledger init`: creates a ledger directory and its log signing key, records its
//! initialisation, and prints the verifier key readers check checkpoints with.
//!
//! It must never touch a directory that already holds a ledger or other files, and never
//! print the signing key itself.

use ledger_core::ActorId;
use ledger_store::{Ledger, LedgerOptions, StoreError};

use super::DataDir;
use crate::failure::{self, Failure, INPUT};

/// Arguments of `ledger init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    /// The log's origin line, the first line of every checkpoint.
    #[arg(long, default_value = "ledger.local/governance")]
    origin: String,
    /// The actor that receives the secretariat role.
    #[arg(long, default_value = "secretariaat", value_name = "ACTOR")]
    secretariat: String,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let ledger = Ledger::init(
        &args.dir.data,
        &args.origin,
        ActorId::new(args.secretariat.as_str()),
        LedgerOptions::default(),
    )
    .map_err(|e| match e {
        // An origin with a `+` is a valid checkpoint line but cannot name a note key.
        bad @ StoreError::BadOrigin { .. } => Failure::error(INPUT, bad.to_string()),
        other => failure::store(other),
    })?;
    let head = ledger.head();
    println!(
        "initialised ledger in {} (origin {}, secretariat {})",
        args.dir.data.display(),
        args.origin,
        args.secretariat
    );
    println!("length {}", head.length);
    println!("hash {}", head.hash);
    println!("verifier key {}", ledger.verifier_key());
    println!(
        "signing key {} (keep it secret and back it up: the ledger cannot sign without it)",
        ledger
            .data_dir()
            .join(ledger_store::layout::SIGNING_KEY_FILE)
            .display()
    );
    Ok(())
}
