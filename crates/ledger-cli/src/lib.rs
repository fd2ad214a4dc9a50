//! The pure parts of the `ledger` command that are worth reaching without a process:
//! the CSV readers of `ledger libraries import`, `libraries update` and `scores import`, so
//! the fuzz targets
//! (`fuzz/`) and the tests exercise exactly the code the command runs.
//!
//! Everything else of the command line stays in the binary (`main.rs`). Nothing here may
//! open a ledger, touch the file system or print.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod csv_import;
pub mod score_csv;
pub mod update_csv;
