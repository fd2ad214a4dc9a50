//! One module per command family; each has its clap `Args` and a `run` function.
//!
//! Shared here: the `--data` directory argument and opening a ledger with the errors
//! classified. New families go beside these. This module must never print anything itself.

pub mod actor;
pub mod advice;
pub mod backup;
pub mod catalogue;
pub mod certification;
pub mod certify;
pub mod client;
pub mod criteria;
pub mod decision;
pub mod demo;
pub mod document;
pub mod export;
pub mod export_tiles;
pub mod follow;
pub mod hash;
pub mod init;
pub mod key;
pub mod libraries;
pub mod log;
pub mod mirror;
pub mod newsletter;
pub mod priorities;
pub mod proposal;
pub mod restore;
pub mod role;
pub mod round;
pub mod scores;
pub mod serve;
pub mod sheet;
pub mod submit;
pub mod token;
pub mod verify;
pub mod vote;

use std::path::PathBuf;

use ledger_store::{Ledger, LedgerOptions};

use crate::failure::{self, Failure, INPUT};

/// The ledger directory every command works on.
#[derive(Debug, clap::Args)]
pub struct DataDir {
    /// The ledger directory.
    #[arg(
        long = "data",
        env = "LEDGER_DATA",
        default_value = "ledger-data",
        value_name = "DIR"
    )]
    pub data: PathBuf,
}

/// Opens the ledger in `dir` with the system clock and full durability.
pub fn open(dir: &DataDir) -> anyhow::Result<Ledger> {
    Ledger::open(&dir.data, LedgerOptions::default()).map_err(failure::store)
}

/// The value of `--flag` read by `parse`, or an input error showing `example`.
pub fn parsed<T>(
    flag: &str,
    text: &str,
    example: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> anyhow::Result<T> {
    parse(text)
        .ok_or_else(|| Failure::error(INPUT, format!("--{flag} must be {example}, got {text:?}")))
}
