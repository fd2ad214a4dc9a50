//! Reading the CSV of `ledger libraries update`: columns
//! `library,name,municipalities,inhabitants,retire_reason`, one library per row, an empty
//! cell leaves that field unchanged; `municipalities` lists REFNIS codes separated by `;`.
//! A merger is two rows in order: the absorbed library retired (only `retire_reason`
//! filled in), then the merged library with every code and the new population.
//!
//! Every row is checked before anything is written; the first bad one is reported by its
//! line. This module only parses text: it must never read a file, decide a command or
//! panic on any input.

use std::collections::BTreeSet;

use ledger_core::check_id;

use crate::csv_import::lined_records;

/// The columns, in order.
pub const HEADER: [&str; 5] = [
    "library",
    "name",
    "municipalities",
    "inhabitants",
    "retire_reason",
];

/// What one row asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// New values for the filled-in cells.
    Update {
        /// A new name.
        name: Option<String>,
        /// A new list of REFNIS codes.
        municipalities: Option<Vec<String>>,
        /// A new population.
        inhabitants: Option<i128>,
    },
    /// The library leaves future electorates, for this reason.
    Retire(String),
}

/// One change as read, with its line number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRow {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// The library.
    pub library: String,
    /// What changes.
    pub change: Change,
}

/// Reads every row or reports the first bad one by line number.
pub fn read_updates(text: &str) -> Result<Vec<UpdateRow>, String> {
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for item in lined_records(text, &HEADER)? {
        let (line, record) = item?;
        let field = |i: usize| {
            let cell = record.get(i).unwrap_or("").trim();
            (!cell.is_empty()).then(|| cell.to_owned())
        };
        let library = field(0).unwrap_or_default();
        check_id("library", &library).map_err(|e| format!("line {line}: {e}"))?;
        if !seen.insert(library.clone()) {
            return Err(format!("line {line}: library {library} appears twice"));
        }
        let municipalities = field(2).map(|cell| {
            cell.split(';')
                .map(|code| code.trim().to_owned())
                .collect::<Vec<_>>()
        });
        let inhabitants = field(3)
            .map(|cell| {
                cell.parse::<i128>()
                    .map_err(|_| format!("line {line}: inhabitants {cell:?} is not a whole number"))
            })
            .transpose()?;
        let name = field(1);
        let change = match (field(4), &name, &municipalities, &inhabitants) {
            (Some(reason), None, None, None) => Change::Retire(reason),
            (Some(_), ..) => {
                return Err(format!(
                    "line {line}: a row that retires {library} changes nothing else"
                ))
            }
            (None, None, None, None) => {
                return Err(format!("line {line}: nothing to change for {library}"))
            }
            (None, ..) => Change::Update {
                name,
                municipalities,
                inhabitants,
            },
        };
        rows.push(UpdateRow {
            line,
            library,
            change,
        });
    }
    if rows.is_empty() {
        return Err("the file holds no rows".to_owned());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merger_row_reads_codes_and_leaves_empty_cells_unchanged() {
        let text = "library,name,municipalities,inhabitants,retire_reason\n\
                    lib-44034,,,,Merged into Deinze\n\
                    lib-44083,Bibliotheek Deinze,44083;44034,44000,\n\
                    lib-11002,,,530000,\n";
        let rows = read_updates(text).unwrap();
        assert_eq!(rows[0].change, Change::Retire("Merged into Deinze".into()));
        assert_eq!(
            rows[1].change,
            Change::Update {
                name: Some("Bibliotheek Deinze".into()),
                municipalities: Some(vec!["44083".to_owned(), "44034".to_owned()]),
                inhabitants: Some(44_000)
            }
        );
        assert_eq!(rows[2].line, 4);
        assert_eq!(
            rows[2].change,
            Change::Update {
                name: None,
                municipalities: None,
                inhabitants: Some(530_000)
            }
        );
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let header = "library,name,municipalities,inhabitants,retire_reason\nlib-1,A,,10,\n";
        let with = |row: &str| read_updates(&format!("{header}{row}\n")).unwrap_err();
        assert_eq!(with("lib-2,,,,"), "line 3: nothing to change for lib-2");
        assert_eq!(
            with("lib-2,B,,,Merged"),
            "line 3: a row that retires lib-2 changes nothing else"
        );
        assert_eq!(with("lib-1,B,,,"), "line 3: library lib-1 appears twice");
        assert!(with("lib-2,,,many,").starts_with("line 3: inhabitants"));
        assert!(with("lib 2,B,,,").starts_with("line 3: "));
        assert!(with("lib-2,B").starts_with("line 3: found 2 fields"));
    }
}
