//! `ledger scores import FILE --member ACTOR`: a steering-group member's scores of the
//! project sheets, from a CSV (`sheet,criterion,member,score`), through a running server.
//!
//! The whole file, every member's rows, is checked before the first command is sent; a
//! bad row is named by its line and nothing is sent. The core takes one score per
//! command, so the member's rows go as one command each, with idempotency keys made from
//! the file's BLAKE3 and the line: if the server refuses a row midway (an unknown sheet
//! or criterion), the rows before it stay recorded and repeating the same command after
//! fixing the cause replays them and sends the rest, never a score twice. The server
//! records the token's actor as the scorer, so `--member` must name the token's actor:
//! the first recorded score is read back and a mismatch stops the import there.
//! This module must never judge a score against the ledger's state: the server decides.

use std::path::PathBuf;

use ledger_cli::score_csv::read_scores;
use ledger_core::{check_id, Command, CriterionId, SheetId};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger scores`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Send one member's scores from a CSV file (`sheet,criterion,member,score`); the
    /// file may hold every member's rows, only `--member`'s are sent.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The member whose rows are sent; the token must be theirs.
        #[arg(long, value_name = "ACTOR")]
        member: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// The server records the token's actor as the scorer: after the first row, reads that
/// record back and stops if it is not `--member`, so at most one score lands under the
/// wrong name (and the message says which).
fn check_scorer(
    client: &client::Client,
    receipt: &ledger_api::routes::commands::CommandReceipt,
    member: &str,
    file: &std::path::Path,
    line: u64,
    rows: usize,
) -> anyhow::Result<()> {
    let Some(position) = receipt.positions.first() else {
        return Ok(());
    };
    let record = client.get(&format!("/v1/events/{position}"))?;
    let scorer = record["body"]["member"].as_str().unwrap_or("?");
    if scorer == member {
        return Ok(());
    }
    Err(Failure::error(
        INPUT,
        format!(
            "the token acts as {scorer}, not as --member {member}: the score of {}: line {line} was recorded as {scorer}'s (position {position}); the other {} rows were not sent",
            file.display(),
            rows - 1
        ),
    ))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Import {
        file,
        member,
        server,
    } = args;
    check_id("actor", &member).map_err(|e| Failure::error(INPUT, format!("--member: {e}")))?;
    if server.idempotency_key.is_some() {
        return Err(Failure::error(
            INPUT,
            "--idempotency-key does not apply: each row's key is made from the file and its line",
        ));
    }
    let bytes = std::fs::read(&file)
        .map_err(|e| Failure::error(INPUT, format!("cannot read {}: {e}", file.display())))?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| Failure::error(INPUT, format!("{} is not UTF-8 text", file.display())))?;
    let rows = read_scores(&text)
        .map_err(|e| Failure::error(INPUT, format!("{}: {e}; nothing was sent", file.display())))?;
    let mine: Vec<_> = rows.iter().filter(|r| r.member == member).collect();
    if mine.is_empty() {
        return Err(Failure::error(
            INPUT,
            format!(
                "{} holds no row for member {member}; nothing was sent",
                file.display()
            ),
        ));
    }
    let client = server.client()?;
    let file_id = blake3::hash(&bytes).to_hex();
    let file_id = file_id.get(..24).unwrap_or_default();
    for (sent, row) in mine.iter().enumerate() {
        let command = Command::ScoreSheet {
            sheet: SheetId::new(row.sheet.as_str()),
            criterion: CriterionId::new(row.criterion.as_str()),
            score: row.score,
        };
        let key = format!("scores-{file_id}-{}", row.line);
        let receipt = client.submit(&command, Some(&key), None).map_err(|e| {
            let failure = Failure::classify(&e);
            Failure::error(
                failure.code,
                format!(
                    "{}: line {}: {}; {sent} of {member}'s {} rows before it are recorded, repeat this command once the cause is fixed to send the rest",
                    file.display(),
                    row.line,
                    failure.message,
                    mine.len()
                ),
            )
        })?;
        client::print_receipt(&receipt);
        if sent == 0 {
            check_scorer(&client, &receipt, &member, &file, row.line, mine.len())?;
        }
    }
    println!(
        "recorded {} score{} of {member} ({} rows of other members not sent)",
        mine.len(),
        if mine.len() == 1 { "" } else { "s" },
        rows.len() - mine.len()
    );
    Ok(())
}
