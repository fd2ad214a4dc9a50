//! `ledger backup`: a consistent, verified copy of a running primary's log in files, made
//! through its public API (or a mirror's): one poll of a mirror into a directory that
//! `ledger verify` checks and `ledger restore` builds a primary from. Run it again to
//! bring the copy up to date.
//!
//! It must never write a record the store's importer did not check against a checkpoint
//! signed with the given key, and never report success for a copy that stopped short.

use std::path::PathBuf;

use ledger_store::{Ledger, LedgerOptions};

use super::follow::{default_evidence_path, write_evidence, Poll, Primary};
use super::DataDir;
use crate::failure::{self, Failure};

/// Arguments of `ledger backup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The primary's (or a mirror's) base URL.
    #[arg(long, value_name = "URL")]
    from: String,
    /// The log's verifier key, or `@FILE`.
    #[arg(long, value_name = "VERIFIER_KEY")]
    key: String,
    #[command(flatten)]
    dir: DataDir,
    /// Where to write fork evidence (default: beside the directory).
    #[arg(long, value_name = "FILE")]
    fork_evidence: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let primary = Primary::new(&args.from, &args.key)?;
    let data = &args.dir.data;
    let copied = copy(&primary, data, args.fork_evidence)?;
    println!(
        "backed up {} records of {} to {}; verified checkpoint of size {}",
        copied.head().length,
        primary.url,
        data.display(),
        copied.tree_size()
    );
    Ok(())
}

/// Brings the mirror in `data` (made if missing) up to the primary's checkpoint.
pub fn copy(
    primary: &Primary,
    data: &std::path::Path,
    fork_evidence: Option<PathBuf>,
) -> anyhow::Result<Ledger> {
    Ledger::init_mirror(data, &primary.verifier_key(), &primary.url).map_err(failure::store)?;
    let ledger =
        Ledger::open_mirror(data, LedgerOptions::default(), |_, _| {}).map_err(failure::store)?;
    match primary.poll(&ledger)? {
        Poll::Synced { .. } => Ok(ledger),
        Poll::Fork(fork) => {
            let path = fork_evidence.unwrap_or_else(|| default_evidence_path(data));
            write_evidence(&path, &fork)?;
            Err(Failure::error(
                failure::DAMAGED,
                format!(
                    "{} served a checkpoint that does not extend the one this copy verified: \
                     fork evidence in {}",
                    primary.url,
                    path.display()
                ),
            ))
        }
    }
}
