//! Reading the Statbel-style CSV of `ledger libraries import` into rows.
//!
//! Columns `nis_code,municipality_nl,province_nl,region_nl,inhabitants`; the first
//! malformed row is reported by its line number. This module only parses text: it must
//! never read a file, decide a command or panic on any input.

/// One row as read, with its line number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// The REFNIS code.
    pub nis_code: String,
    /// The municipality's Dutch name.
    pub municipality: String,
    /// Its population.
    pub inhabitants: i128,
}

/// Reads every row or reports the first malformed one by line number.
pub fn read_rows(text: &str) -> Result<Vec<Row>, String> {
    let expected = [
        "nis_code",
        "municipality_nl",
        "province_nl",
        "region_nl",
        "inhabitants",
    ];
    let mut rows = Vec::new();
    for item in lined_records(text, &expected)? {
        let (line, record) = item?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        let inhabitants = field(4).parse::<i128>().map_err(|_| {
            format!(
                "line {line}: inhabitants {:?} is not a whole number",
                field(4)
            )
        })?;
        rows.push(Row {
            line,
            nis_code: field(0),
            municipality: field(1),
            inhabitants,
        });
    }
    if rows.is_empty() {
        return Err("the file holds no rows".to_owned());
    }
    Ok(rows)
}

/// One record with its editor line, or why the record at a line does not read.
pub(crate) type LinedRecord = Result<(u64, csv::StringRecord), String>;

/// The records of `text` with their editor lines, after checking that the header is
/// `expected` (cells trimmed); reading stops at the first unreadable record, which ends
/// the list as an error naming its line, so callers report the first bad row in order.
pub(crate) fn lined_records(text: &str, expected: &[&str]) -> Result<Vec<LinedRecord>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("line 1: {e}"))?;
    if headers.iter().map(str::trim).collect::<Vec<_>>() != expected {
        return Err(format!(
            "line 1: expected the header {}",
            expected.join(",")
        ));
    }
    let mut lines = LineCounter::new(text);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                records.push(Err(match e.kind() {
                    // The csv crate's own message repeats its (wrong) line number.
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("line {line}: found {len} fields, expected {expected_len}"),
                    _ => format!("line {line}: {e}"),
                }));
                break;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        records.push(Ok((line, record)));
    }
    Ok(records)
}

/// Counts lines the way a person reading the file in an editor does: `\n`, `\r\n` and a
/// lone `\r` each end one line.
///
/// The csv crate's `Position::line` is wrong for files with CRLF or CR line endings and
/// for blank lines (it places a record right after the first byte of the previous
/// terminator), so a CRLF file would name every bad row one line too early and a CR-only
/// file would put every row on line 1, and the import's command ids, made from line
/// numbers, would collide. Its byte offsets are right, so lines are counted from those.
#[derive(Debug)]
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Bytes before `at` are counted.
    at: usize,
    /// The line `at` is on.
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the first byte that is not a line break at or after `offset` (where
    /// the csv crate says a record starts). Offsets only grow while reading, so the
    /// whole file is counted once.
    fn line_at(&mut self, offset: u64) -> u64 {
        let len = self.bytes.len();
        let from = usize::try_from(offset).unwrap_or(len).clamp(self.at, len);
        let skipped = self
            .bytes
            .iter()
            .skip(from)
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = from + skipped;
        let mut previous = 0u8;
        for &byte in self.bytes.iter().take(start).skip(self.at) {
            let crlf_second_half = previous == b'\r' && byte == b'\n';
            if (byte == b'\n' && !crlf_second_half) || byte == b'\r' {
                self.line += 1;
            }
            previous = byte;
        }
        self.at = start;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_with_their_line_numbers() {
        let text = "nis_code,municipality_nl,province_nl,region_nl,inhabitants\n\
                    11001,Aartselaar,Antwerpen,Vlaams Gewest,14427\n\
                    11002,Antwerpen,Antwerpen,Vlaams Gewest,529247\n";
        let rows = read_rows(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].inhabitants, 529_247);
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let bad_number = "nis_code,municipality_nl,province_nl,region_nl,inhabitants\n\
                          11001,Aartselaar,Antwerpen,Vlaams Gewest,14427\n\
                          11002,Antwerpen,Antwerpen,Vlaams Gewest,lots\n";
        assert!(read_rows(bad_number).unwrap_err().starts_with("line 3:"));
        let short =
            "nis_code,municipality_nl,province_nl,region_nl,inhabitants\n11001,Aartselaar\n";
        assert!(read_rows(short).unwrap_err().starts_with("line 2:"));
        assert!(read_rows("a,b\n1,2\n").unwrap_err().starts_with("line 1:"));
    }

    /// Regression (found by the proptest half of the fuzzing): the csv crate's line
    /// numbers were used as they are, so CRLF files named rows one line too early and
    /// CR-only files put every row on line 1.
    #[test]
    fn rows_have_their_editor_line_with_any_line_ending() {
        let header = "nis_code,municipality_nl,province_nl,region_nl,inhabitants";
        for ending in ["\n", "\r\n", "\r"] {
            let text = [
                header,
                "11001,Aartselaar,Antwerpen,Vlaams Gewest,14427",
                "",
                "\"11002\",\"Antwerpen",
                "stad\",Antwerpen,Vlaams Gewest,529247",
                "11004,Boechout,Antwerpen,Vlaams Gewest,13530",
                "",
            ]
            .join(ending);
            let lines: Vec<u64> = read_rows(&text).unwrap().iter().map(|r| r.line).collect();
            assert_eq!(lines, [2, 4, 6], "line ending {ending:?}");
            let bad = format!("{header}{ending}11001,Aartselaar,Antwerpen,Vlaams Gewest,14427{ending}11002,Antwerpen{ending}");
            assert_eq!(
                read_rows(&bad).unwrap_err(),
                "line 3: found 2 fields, expected 5",
                "line ending {ending:?}"
            );
            let bad_number = format!(
                "{header}{ending}{ending}11002,Antwerpen,Antwerpen,Vlaams Gewest,lots{ending}"
            );
            assert!(read_rows(&bad_number)
                .unwrap_err()
                .starts_with("line 3: inhabitants"));
        }
    }
}
