//! `ledger libraries import | update | list`: the registry of libraries.
//!
//! `import` registers libraries from a Statbel-style CSV (columns
//! `nis_code,municipality_nl,province_nl,region_nl,inhabitants`, one library per
//! municipality, id `lib-<nis>`, name `Bibliotheek <municipality>`) and prints the ids it
//! created. `update` changes or retires libraries from a CSV (`library,name,
//! municipalities,inhabitants,retire_reason`; municipal mergers). Both work on the directory and hold its lock: every
//! row is parsed and decided against a copy of the state first, one bad row is reported
//! by its line number and nothing is written. `list` reads the registry from a running
//! server. This module must never leave half a file applied.

use std::path::{Path, PathBuf};

use ledger_cli::csv_import::read_rows;
use ledger_cli::update_csv::{read_updates, Change};
use ledger_core::{decide, ActorId, Command, CommandId, Envelope, LibraryId, NisCode};
use ledger_store::{system_clock, Ledger};

use super::client::ServerArgs;
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
    /// Register one library per row of a CSV file; prints the ids created.
    Import {
        #[command(flatten)]
        dir: DataDir,
        /// The CSV file (`nis_code,municipality_nl,province_nl,region_nl,inhabitants`).
        file: PathBuf,
        /// The secretariat actor recorded as registering them.
        #[arg(long, default_value = "secretariaat", value_name = "ACTOR")]
        actor: String,
    },
    /// Change or retire libraries from a CSV file
    /// (`library,name,municipalities,inhabitants,retire_reason`; an empty cell keeps the
    /// field, municipalities are REFNIS codes separated by `;`; a row with only a
    /// retire_reason retires the library: a merger retires the absorbed library, then
    /// gives the merged one every code).
    Update {
        #[command(flatten)]
        dir: DataDir,
        /// The CSV file.
        file: PathBuf,
        /// The secretariat actor recorded as changing them.
        #[arg(long, default_value = "secretariaat", value_name = "ACTOR")]
        actor: String,
    },
    /// List the registry (id, inhabitants, municipalities, name) from a running server.
    List {
        /// The server's base URL.
        #[arg(long, env = "LEDGER_SERVER", value_name = "URL")]
        server: Option<String>,
    },
}

/// Sends each line's command as `actor` (command ids `{kind}-{run}-{line}`): decides
/// every one against a copy of the state, then appends them all; the first refused one
/// (named by its line) stops the run before anything is written. We hold the
/// directory's lock, so nobody else appends in between.
fn apply_all(
    dir: &DataDir,
    file: &Path,
    kind: &str,
    actor: String,
    commands: Vec<(u64, Command)>,
) -> anyhow::Result<()> {
    let ledger: Ledger = super::open(dir)?;
    let actor = ActorId::new(actor);
    let run = system_clock().as_micros();
    let lines_and_envelopes: Vec<(u64, Envelope)> = commands
        .into_iter()
        .map(|(line, command)| {
            let envelope = Envelope {
                command_id: CommandId::new(format!("{kind}-{run}-{line}")),
                actor: actor.clone(),
                expected_version: None,
                command,
            };
            (line, envelope)
        })
        .collect();
    let mut state = (*ledger.state()).clone();
    let now = system_clock();
    for (line, envelope) in &lines_and_envelopes {
        let events = decide(&state, envelope, now).map_err(|rejection| {
            Failure::error(
                failure::REFUSED,
                format!(
                    "{}: line {line}: {rejection}; nothing was written",
                    file.display()
                ),
            )
        })?;
        for event in &events {
            state.evolve(event);
        }
    }
    for (line, envelope) in lines_and_envelopes {
        ledger
            .append(envelope)
            .map_err(|e| failure::append(e).context(format!("line {line}")))?;
    }
    Ok(())
}

fn read_text(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).map_err(|e| {
        Failure::error(
            failure::INPUT,
            format!("cannot read {}: {e}", file.display()),
        )
    })
}

fn bad_file(file: &Path, error: String) -> anyhow::Error {
    Failure::error(
        failure::INPUT,
        format!("{}: {error}; nothing was written", file.display()),
    )
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.action {
        Action::Import { dir, file, actor } => import(&dir, &file, actor),
        Action::Update { dir, file, actor } => update(&dir, &file, actor),
        Action::List { server } => list(server),
    }
}

fn import(dir: &DataDir, file: &Path, actor: String) -> anyhow::Result<()> {
    let rows = read_rows(&read_text(file)?).map_err(|e| bad_file(file, e))?;
    let commands = rows
        .iter()
        .map(|row| {
            let command = Command::RegisterLibrary {
                library: LibraryId::new(format!("lib-{}", row.nis_code)),
                name: format!("Bibliotheek {}", row.municipality),
                municipalities: vec![NisCode(row.nis_code.clone())],
                inhabitants: row.inhabitants,
            };
            (row.line, command)
        })
        .collect();
    apply_all(dir, file, "import", actor, commands)?;
    let mut inhabitants: u64 = 0;
    for row in &rows {
        println!("lib-{} {}", row.nis_code, row.municipality);
        inhabitants = inhabitants.saturating_add(u64::try_from(row.inhabitants).unwrap_or(0));
    }
    println!(
        "registered {} with {} in total",
        crate::render::counted(rows.len(), "library", "libraries"),
        crate::render::counted(inhabitants, "inhabitant", "inhabitants")
    );
    Ok(())
}

fn update(dir: &DataDir, file: &Path, actor: String) -> anyhow::Result<()> {
    let rows = read_updates(&read_text(file)?).map_err(|e| bad_file(file, e))?;
    let commands = rows
        .iter()
        .map(|row| {
            let library = LibraryId::new(row.library.as_str());
            let command = match &row.change {
                Change::Update {
                    name,
                    municipalities,
                    inhabitants,
                } => Command::UpdateLibrary {
                    library,
                    name: name.clone(),
                    municipalities: municipalities
                        .as_ref()
                        .map(|codes| codes.iter().map(|c| NisCode(c.clone())).collect()),
                    inhabitants: *inhabitants,
                },
                Change::Retire(reason) => Command::RetireLibrary {
                    library,
                    reason: reason.clone(),
                },
            };
            (row.line, command)
        })
        .collect();
    apply_all(dir, file, "update", actor, commands)?;
    for row in &rows {
        match row.change {
            Change::Update { .. } => println!("updated {}", row.library),
            Change::Retire(_) => println!("retired {}", row.library),
        }
    }
    println!(
        "changed {} librar{}",
        rows.len(),
        if rows.len() == 1 { "y" } else { "ies" }
    );
    Ok(())
}

fn list(server: Option<String>) -> anyhow::Result<()> {
    let client = ServerArgs {
        server,
        token: None,
        idempotency_key: None,
    }
    .reader()?;
    let mut after: Option<String> = None;
    loop {
        let mut query = vec![("limit", "500".to_owned())];
        if let Some(cursor) = &after {
            query.push(("after", cursor.clone()));
        }
        let page = client.get_query("/v1/libraries", &query)?;
        for library in page["items"].as_array().into_iter().flatten() {
            let codes: Vec<&str> = library["municipalities"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str())
                .collect();
            println!(
                "{} {} {} {}{}",
                library["id"].as_str().unwrap_or("?"),
                library["inhabitants"],
                codes.join(";"),
                library["name"].as_str().unwrap_or("?"),
                if library["retired"] == true {
                    " (retired)"
                } else {
                    ""
                }
            );
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return Ok(()),
        }
    }
}
