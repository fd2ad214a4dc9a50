//! The CI half of the fuzzing (see `fuzz/README.md`) for the Statbel CSV reader of
//! `ledger libraries import`: arbitrary text and damaged real files driven by proptest,
//! and a replay of every file of the committed `csv_import` corpus.
//!
//! The file comes from a person's spreadsheet, so the reader must never panic, and what
//! it says must help that person: rows in file order with the line they start on, or an
//! error naming a line. This file must never relax that to let an input pass.

// The one loader of the committed corpus, which fails on a missing or empty folder.
#[path = "../../../fuzz/replay/corpus.rs"]
mod corpus;

use corpus::corpus;
use ledger_cli::csv_import::read_rows;
use proptest::prelude::*;

const HEADER: &str = "nis_code,municipality_nl,province_nl,region_nl,inhabitants\n";

/// The `csv_import` fuzz target's properties for one input.
fn check_csv(text: &str) {
    match read_rows(text) {
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
}

/// One data row with fields that are sometimes quoted, padded, empty or hostile.
fn row() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        "[0-9]{5}",
        "[A-Za-z -]{0,12}",
        "\"[^\"]{0,10}\"",
        "\"[a-z,\n]{0,8}\"\"[a-z]{0,3}\"",
        "\\PC{0,6}",
        Just(String::new()),
    ];
    let count = prop_oneof![
        Just("14427".to_owned()),
        Just(" 265086 ".to_owned()),
        Just("-1".to_owned()),
        Just("170141183460469231731687303715884105728".to_owned()),
        "[0-9]{1,40}",
        "\\PC{0,6}",
    ];
    (proptest::collection::vec(field, 0..6), count).prop_map(|(mut fields, count)| {
        fields.push(count);
        fields.join(",")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics_the_reader(text in "\\PC{0,200}") {
        check_csv(&text);
    }

    #[test]
    fn files_with_odd_rows_are_read_or_refused_by_line(
        rows in proptest::collection::vec(row(), 0..6),
        ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        final_newline in any::<bool>(),
    ) {
        let mut text = HEADER.replace('\n', ending);
        text.push_str(&rows.join(ending));
        if final_newline {
            text.push_str(ending);
        }
        check_csv(&text);
    }
}

#[test]
fn the_csv_corpus_replays_cleanly() {
    for (path, bytes) in corpus("csv_import") {
        let text = String::from_utf8_lossy(&bytes);
        let outcome = std::panic::catch_unwind(|| check_csv(&text));
        assert!(outcome.is_ok(), "corpus file {} fails", path.display());
    }
}

#[test]
fn a_clean_file_passes_the_properties() {
    // The seed shape: if this fails, the properties are wrong, not the input.
    let text = format!("{HEADER}11001,Aartselaar,Antwerpen,Vlaams Gewest,14427\n");
    check_csv(&text);
    assert_eq!(read_rows(&text).unwrap()[0].line, 2);
}
