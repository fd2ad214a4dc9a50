//! `ledger restore`: builds a primary from a mirror (its directory, or its URL) and the
//! operator's backup of the log's signing key.
//!
//! Every record is checked again on the way in (the new directory is first a mirror
//! filled through the store's importer), then the directory becomes a primary with the
//! key; it opens only if the key is the one the log's checkpoints verify with. It must
//! never write into a directory that holds anything, and never leave a primary that did
//! not open and verify.

use std::path::PathBuf;

use ledger_store::{Ledger, LedgerOptions};
use ledger_tlog::NoteSigner;

use super::backup;
use super::follow::{default_evidence_path, Primary};
use super::DataDir;
use crate::failure::{self, Failure, INPUT};

/// Arguments of `ledger restore`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A mirror's directory (stopped), or a mirror's or backup server's base URL.
    #[arg(long, value_name = "MIRROR_DIR_OR_URL")]
    from: String,
    #[command(flatten)]
    dir: DataDir,
    /// The operator's backup of the log's signing key (`log-signing.key`).
    #[arg(long, value_name = "FILE")]
    signing_key: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let key = std::fs::read_to_string(&args.signing_key).map_err(|e| {
        Failure::error(
            INPUT,
            format!(
                "cannot read --signing-key {}: {e}",
                args.signing_key.display()
            ),
        )
    })?;
    let signer = NoteSigner::parse(key.trim_end()).map_err(|e| {
        Failure::error(
            INPUT,
            format!(
                "--signing-key {} is not a signer key: {e}",
                args.signing_key.display()
            ),
        )
    })?;
    let data = &args.dir.data;
    let copied = if args.from.starts_with("http://") || args.from.starts_with("https://") {
        // The operator's own key is the trust anchor: its verifier key checks the mirror.
        let primary = Primary::new(&args.from, &signer.verifier().verifier_key())?;
        backup::copy(&primary, data, default_evidence_path(data))?
    } else {
        let mirror = Ledger::open_mirror(
            std::path::Path::new(&args.from),
            LedgerOptions::default(),
            |_, _| {},
        )
        .map_err(failure::store)?;
        mirror
            .copy_mirror(data, LedgerOptions::default())
            .map_err(failure::store)?
    };
    let size = copied.tree_size();
    drop(copied);
    let restored =
        Ledger::promote_mirror(data, &key, LedgerOptions::default()).map_err(failure::store)?;
    let report = restored.verify().map_err(failure::store)?;
    if let Some(problem) = report.first_problem() {
        return Err(Failure::error(
            failure::DAMAGED,
            format!("the restored ledger does not verify: {problem}"),
        ));
    }
    let head = restored.head();
    println!(
        "restored {} records (head {}) into {}, {} of them under the mirror's verified \
         checkpoint; start it with `ledger serve --data {}`",
        head.length,
        head.hash,
        data.display(),
        size,
        data.display()
    );
    Ok(())
}
