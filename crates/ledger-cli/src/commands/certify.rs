//! `ledger certify`: a steering-group member signs a closed round's tally digest through
//! a running server.
//!
//! Without `--digest` it reads the round's result from the server, prints the numbers the
//! member is about to certify, and signs that result's digest; the server recomputes the
//! tally from the log and refuses a digest that differs. It must never compute a tally
//! itself.

use ledger_core::{check_id, Command, RoundId};
use serde_json::Value;

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT, REFUSED};

/// Arguments of `ledger certify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The closed round.
    #[arg(long, value_name = "ROUND")]
    round: String,
    /// The tally digest to sign (64 hex); read from the server's result when absent.
    #[arg(long, value_name = "HEX")]
    digest: Option<String>,
    #[command(flatten)]
    server: ServerArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    check_id("round", &args.round).map_err(|e| Failure::error(INPUT, format!("--round: {e}")))?;
    let client = args.server.client()?;
    let digest = match args.digest {
        Some(digest) => digest,
        None => {
            let result = client.get(&format!("/v1/rounds/{}/result", args.round))?;
            if result["status"] != "closed" {
                return Err(Failure::error(
                    REFUSED,
                    format!(
                        "round {} is {}, not closed: there is no final tally to certify",
                        args.round,
                        result["status"].as_str().unwrap_or("unknown")
                    ),
                ));
            }
            for line in summary(&args.round, &result) {
                println!("{line}");
            }
            result["tally_digest"]
                .as_str()
                .ok_or_else(|| Failure::error(REFUSED, "the result carries no tally digest"))?
                .to_owned()
        }
    };
    let command = Command::SignCertification {
        round: RoundId::new(args.round),
        tally_digest: digest,
    };
    let receipt = client.submit(&command, args.server.idempotency_key.as_deref(), None)?;
    client::print_receipt(&receipt);
    Ok(())
}

/// The numbers a member certifies, as the server's result states them.
fn summary(round: &str, result: &Value) -> Vec<String> {
    let count = |choice: &str| {
        format!(
            "{:<8} {:>5} libraries {:>10} inhabitants",
            choice, result[choice]["libraries"], result[choice]["inhabitants"]
        )
    };
    let yes_share = &result["yes_share_of_represented_inhabitants"];
    let share = match yes_share["percent"].as_str() {
        Some(percent) => format!(
            "{percent}% ({} of {})",
            yes_share["numerator"], yes_share["denominator"]
        ),
        None => "none (no votes in the base)".to_owned(),
    };
    vec![
        format!(
            "round {round}: {}, outcome {}",
            result["status"].as_str().unwrap_or("?"),
            result["outcome"].as_str().unwrap_or("?")
        ),
        count("eligible"),
        count("cast"),
        count("yes"),
        count("no"),
        count("abstain"),
        format!("yes share of represented inhabitants: {share}"),
        format!(
            "signatures: {} of {} required",
            result["signatures"], result["signatures_required"]
        ),
        format!(
            "tally digest {}",
            result["tally_digest"].as_str().unwrap_or("?")
        ),
    ]
}
