//! `ledger hash FILE`: the BLAKE3 of a document, as a government decision records it.
//!
//! `ledger decision record --document FILE` uses the same function, so the digest a
//! person checks by hand is the one recorded. It must never change the file or the
//! ledger.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::failure::{Failure, INPUT};

/// Arguments of `ledger hash`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document.
    file: PathBuf,
}

/// BLAKE3 of the file's bytes, 64 lowercase hex, read in pieces whatever its size.
pub fn file_blake3(path: &Path) -> anyhow::Result<String> {
    let unreadable =
        |e: std::io::Error| Failure::error(INPUT, format!("cannot read {}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer).map_err(unreadable)?;
        if read == 0 {
            break;
        }
        hasher.update(buffer.get(..read).unwrap_or_default());
    }
    Ok(hasher.finalize().to_hex().to_string())
}

pub fn run(args: Args) -> anyhow::Result<()> {
    println!("{}  {}", file_blake3(&args.file)?, args.file.display());
    Ok(())
}
