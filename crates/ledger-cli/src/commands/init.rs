//! `ledger init`: creates a ledger directory and records its initialisation.
//!
//! It must never touch a directory that already holds a ledger or other files.

use ledger_core::ActorId;
use ledger_store::{Ledger, LedgerOptions};

use super::DataDir;
use crate::failure;

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
    .map_err(failure::store)?;
    let head = ledger.head();
    println!(
        "initialised ledger in {} (origin {}, secretariat {})",
        args.dir.data.display(),
        args.origin,
        args.secretariat
    );
    println!("length {}", head.length);
    println!("hash {}", head.hash);
    Ok(())
}
