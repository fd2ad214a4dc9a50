//! `ledger backup`: a consistent, verified copy of a running primary's log in files, made
//! through its public API (or a mirror's): one poll of a mirror into a directory that
//! `ledger verify` checks and `ledger restore` builds a primary from. Run it again to
//! bring the copy up to date.
//!
//! It must never write a record the store's importer did not check against a checkpoint
//! signed with the given key, and never report success for a copy that stopped short.

use std::path::{Path, PathBuf};

use ledger_store::{Ledger, LedgerOptions};

use super::follow::{write_evidence, FollowArgs, Poll, Primary};
use crate::failure::{self, Failure};

/// Arguments of `ledger backup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    follow: FollowArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let primary = args.follow.primary()?;
    let data = &args.follow.dir.data;
    let copied = copy(&primary, data, args.follow.evidence_path())?;
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
pub fn copy(primary: &Primary, data: &Path, fork_evidence: PathBuf) -> anyhow::Result<Ledger> {
    Ledger::init_mirror(data, &primary.verifier_key(), &primary.url).map_err(failure::store)?;
    let ledger =
        Ledger::open_mirror(data, LedgerOptions::default(), |_, _| {}).map_err(failure::store)?;
    match primary.poll(&ledger)? {
        Poll::Synced { .. } => Ok(ledger),
        Poll::Fork(fork) => {
            let path = fork_evidence;
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
