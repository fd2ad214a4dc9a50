//! `ledger scores import FILE --member ACTOR`: a steering-group member's scores of the
//! project sheets, from a CSV (`sheet,criterion,member,score`), through a running server.
//!
//! The whole file, every member's rows, is checked before anything is sent; a bad row is
//! named by its line and nothing is sent. The member's rows then go as one `score_sheets`
//! command, which the server records all or nothing: a row it refuses (an unknown sheet
//! or criterion, a token that is not `--member`'s) refuses every row, and the refusal is
//! named by the row's line. The idempotency key is made from the file's BLAKE3 and the
//! member, so repeating the same import replays its receipt and never scores twice.
//! This module must never judge a score against the ledger's state: the server decides.

use std::path::PathBuf;

use ledger_cli::score_csv::{read_scores, ScoreRow};
use ledger_core::{check_id, ActorId, Command, CriterionId, SheetId, SheetScore};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger scores`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Send one member's scores from a CSV file (`sheet,criterion,member,score`) as one
    /// command, recorded all or nothing; the file may hold every member's rows, only
    /// `--member`'s are sent.
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

/// The line of the file the server's refusal names: `score_sheets` numbers its rows
/// from 1 in the order sent, which is `mine`'s order.
fn refused_line(error: &anyhow::Error, mine: &[&ScoreRow]) -> Option<u64> {
    let row = Failure::classify(error).rejection?.get("row")?.as_u64()?;
    let index = usize::try_from(row).ok()?.checked_sub(1)?;
    mine.get(index).map(|r| r.line)
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
            "--idempotency-key does not apply: the key is made from the file and the member",
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
    // The file and the member, so another member's import of the same file has its own
    // key (an id holds at most 128 characters, a member's id alone may hold as many).
    let key_digest = blake3::Hasher::new()
        .update(&bytes)
        .update(&[0])
        .update(member.as_bytes())
        .finalize()
        .to_hex();
    let key = format!("scores-{}", key_digest.get(..32).unwrap_or_default());
    let command = Command::ScoreSheets {
        scores: mine
            .iter()
            .map(|row| SheetScore {
                sheet: SheetId::new(row.sheet.as_str()),
                criterion: CriterionId::new(row.criterion.as_str()),
                member: ActorId::new(member.as_str()),
                score: row.score,
            })
            .collect(),
    };
    let receipt = client.submit(&command, Some(&key), None).map_err(|e| {
        let failure = Failure::classify(&e);
        let place = refused_line(&e, &mine)
            .map(|line| format!(": line {line}"))
            .unwrap_or_default();
        Failure::error(
            failure.code,
            format!(
                "{}{place}: {}; none of {member}'s {} scores was recorded",
                file.display(),
                failure.message,
                mine.len()
            ),
        )
    })?;
    client::print_receipt(&receipt);
    println!(
        "recorded {} score{} of {member} ({} row{} of other members not sent)",
        mine.len(),
        if mine.len() == 1 { "" } else { "s" },
        rows.len() - mine.len(),
        if rows.len() - mine.len() == 1 {
            ""
        } else {
            "s"
        },
    );
    Ok(())
}
