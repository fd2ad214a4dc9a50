//! Reading the scores CSV of `ledger scores import`: columns `sheet,criterion,member,score`,
//! one row per sheet, criterion and member.
//!
//! The whole file is checked before anything is sent: a bad row (an invalid id, a score
//! that is not a whole number from 0 to 10, a second row for the same sheet, criterion
//! and member) is reported by its line and the file is refused. This module only parses
//! text: it must never read a file, send a command or panic on any input.

use std::collections::BTreeMap;

use ledger_core::check_id;

use crate::csv_import::lined_records;

/// The columns, in order.
pub const HEADER: [&str; 4] = ["sheet", "criterion", "member", "score"];

/// One score as read, with its line number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// The project sheet.
    pub sheet: String,
    /// The criterion.
    pub criterion: String,
    /// The steering-group member who gives the score.
    pub member: String,
    /// 0 to 10.
    pub score: i64,
}

/// Reads every row or reports the first bad one by line number.
pub fn read_scores(text: &str) -> Result<Vec<ScoreRow>, String> {
    let mut rows: Vec<ScoreRow> = Vec::new();
    let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for item in lined_records(text, &HEADER)? {
        let (line, record) = item?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        for (i, kind) in [(0, "sheet"), (1, "criterion"), (2, "member")] {
            check_id(kind, &field(i)).map_err(|e| format!("line {line}: {e}"))?;
        }
        let score = field(3)
            .parse::<i64>()
            .ok()
            .filter(|s| (0..=10).contains(s))
            .ok_or_else(|| {
                format!(
                    "line {line}: score {:?} is not a whole number from 0 to 10",
                    field(3)
                )
            })?;
        let key = (field(0), field(1), field(2));
        if let Some(first) = seen.insert(key.clone(), line) {
            return Err(format!(
                "line {line}: a second score of {} for sheet {} on criterion {} (the first is on line {first})",
                key.2, key.0, key.1
            ));
        }
        rows.push(ScoreRow {
            line,
            sheet: key.0,
            criterion: key.1,
            member: key.2,
            score,
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

    const GOOD: &str = "sheet,criterion,member,score\n\
                        sheet-a,reach,an,7\n\
                        sheet-a,reach,bert,8\n\
                        sheet-b,reach,an,10\n";

    #[test]
    fn rows_are_read_with_their_lines() {
        let rows = read_scores(GOOD).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[2],
            ScoreRow {
                line: 4,
                sheet: "sheet-b".into(),
                criterion: "reach".into(),
                member: "an".into(),
                score: 10
            }
        );
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let with = |row: &str| read_scores(&format!("{GOOD}{row}\n")).unwrap_err();
        assert!(with("sheet-b,reach,bert,11").starts_with("line 5: score \"11\""));
        assert!(with("sheet-b,reach,bert,-1").starts_with("line 5: score"));
        assert!(with("sheet-b,reach,bert,7.5").starts_with("line 5: score"));
        assert!(with("sheet b,reach,bert,7").starts_with("line 5: "));
        assert!(with("sheet-b,reach,bert").starts_with("line 5: found 3 fields"));
        assert_eq!(
            with("sheet-a,reach,an,3"),
            "line 5: a second score of an for sheet sheet-a on criterion reach (the first is on line 2)"
        );
        assert!(read_scores("sheet,criterion,score\n")
            .unwrap_err()
            .starts_with("line 1:"));
        assert_eq!(
            read_scores("sheet,criterion,member,score\n").unwrap_err(),
            "the file holds no rows"
        );
    }
}
