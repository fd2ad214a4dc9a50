//! `ledger libraries import`: registers libraries from a Statbel-style CSV.
//!
//! Columns `nis_code,municipality_nl,province_nl,region_nl,inhabitants`, one library per
//! municipality (id `lib-<nis>`, name `Bibliotheek <municipality>`). Every row is parsed
//! and decided against a copy of the state first; one bad row is reported by its line
//! number and nothing is imported. It must never leave half a file imported.

use std::path::PathBuf;

use ledger_core::{decide, ActorId, Command, CommandId, Envelope, LibraryId, NisCode};
use ledger_store::system_clock;

use super::DataDir;
use crate::failure::{self, Failure};

/// Arguments of `ledger libraries`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Register one library per row of a CSV file.
    Import {
        #[command(flatten)]
        dir: DataDir,
        /// The CSV file (`nis_code,municipality_nl,province_nl,region_nl,inhabitants`).
        file: PathBuf,
        /// The secretariat actor recorded as registering them.
        #[arg(long, default_value = "secretariaat", value_name = "ACTOR")]
        actor: String,
    },
}

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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let expected = [
        "nis_code",
        "municipality_nl",
        "province_nl",
        "region_nl",
        "inhabitants",
    ];
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    if headers.iter().collect::<Vec<_>>() != expected {
        return Err(format!(
            "line 1: expected the header {}",
            expected.join(",")
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            format!("line {line}: {e}")
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
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

fn envelope(row: &Row, actor: &ActorId, run: i64) -> Envelope {
    Envelope {
        command_id: CommandId::new(format!("import-{run}-{}", row.line)),
        actor: actor.clone(),
        expected_version: None,
        command: Command::RegisterLibrary {
            library: LibraryId::new(format!("lib-{}", row.nis_code)),
            name: format!("Bibliotheek {}", row.municipality),
            municipalities: vec![NisCode(row.nis_code.clone())],
            inhabitants: row.inhabitants,
        },
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Action::Import { dir, file, actor } = args.action;
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Failure::error(
            failure::INPUT,
            format!("cannot read {}: {e}", file.display()),
        )
    })?;
    let rows = read_rows(&text)
        .map_err(|e| Failure::error(failure::INPUT, format!("{}: {e}", file.display())))?;
    let actor = ActorId::new(actor);
    let ledger = super::open(&dir)?;
    let run = system_clock().as_micros();
    let envelopes: Vec<Envelope> = rows.iter().map(|r| envelope(r, &actor, run)).collect();

    // Decide every row against a copy of the state first: the file goes in whole or not
    // at all. We hold the directory's lock, so nobody else appends in between.
    let mut state = (*ledger.state()).clone();
    let now = system_clock();
    for (row, envelope) in rows.iter().zip(&envelopes) {
        let events = decide(&state, envelope, now).map_err(|rejection| {
            Failure::error(
                failure::REFUSED,
                format!(
                    "{}: line {}: {rejection}; nothing was imported",
                    file.display(),
                    row.line
                ),
            )
        })?;
        for event in &events {
            state.evolve(event);
        }
    }
    let mut inhabitants: u64 = 0;
    for (row, envelope) in rows.iter().zip(envelopes) {
        ledger
            .append(envelope)
            .map_err(|e| failure::append(e).context(format!("line {}", row.line)))?;
        inhabitants = inhabitants.saturating_add(u64::try_from(row.inhabitants).unwrap_or(0));
    }
    println!(
        "registered {} libraries with {} inhabitants in total",
        rows.len(),
        inhabitants
    );
    Ok(())
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
}
