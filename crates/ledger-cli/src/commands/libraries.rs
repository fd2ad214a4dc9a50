//! `ledger libraries import`: registers libraries from a Statbel-style CSV.
//!
//! Columns `nis_code,municipality_nl,province_nl,region_nl,inhabitants`, one library per
//! municipality (id `lib-<nis>`, name `Bibliotheek <municipality>`). Every row is parsed
//! and decided against a copy of the state first; one bad row is reported by its line
//! number and nothing is imported. It must never leave half a file imported.

use std::path::PathBuf;

use ledger_cli::csv_import::{read_rows, Row};
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
        "registered {} with {} in total",
        crate::render::counted(rows.len(), "library", "libraries"),
        crate::render::counted(inhabitants, "inhabitant", "inhabitants")
    );
    Ok(())
}
