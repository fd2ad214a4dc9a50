//! Fuzzes the Statbel CSV reader of `ledger libraries import` (`ledger_cli::csv_import`,
//! compiled here from the same source file).
//!
//! Properties: nothing panics; a file that reads yields at least one row, with line
//! numbers after the header and strictly increasing; an error names a line (or says
//! the file holds no rows), because the command reports it to a person.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The very file `ledger libraries import` compiles (as `ledger_cli::csv_import`), built
// here directly so the fuzzer does not link the server; it depends on `csv` only.
#[path = "../../crates/ledger-cli/src/csv_import.rs"]
#[allow(dead_code)]
mod csv_import;

use csv_import::read_rows;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match read_rows(&text) {
        Ok(rows) => {
            assert!(!rows.is_empty());
            let mut last = 1;
            for row in &rows {
                assert!(row.line > last, "line numbers increase: {rows:?}");
                last = row.line;
                assert_eq!(row.nis_code.trim(), row.nis_code);
            }
        }
        Err(message) => assert!(
            message.starts_with("line ") || message == "the file holds no rows",
            "{message}"
        ),
    }
});
