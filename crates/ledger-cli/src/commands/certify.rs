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
use crate::render::{agreeing, counted};

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
    signing: super::key::SigningArgs,
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
        round: RoundId::new(args.round.clone()),
        tally_digest: digest,
        signature: None,
    };
    let (command, id) = super::key::signed(&args.server, &client, &args.signing, command)?;
    let receipt = client.submit(&command, id.as_deref(), None)?;
    client::print_receipt(&receipt);
    // A read is never older than the write before it, so this counts our signature.
    let after = client.get(&format!("/v1/rounds/{}/result", args.round))?;
    println!("{}", signatures_after(&after));
    Ok(())
}

/// Where the certification stands once this member has signed.
fn signatures_after(result: &Value) -> String {
    let signed = result["signatures"].as_u64().unwrap_or(0);
    let required = result["signatures_required"].as_u64().unwrap_or(0);
    let standing = if result["certified"] == true {
        "the round is certified".to_owned()
    } else {
        let missing = required.saturating_sub(signed);
        format!(
            "{} more needed to certify",
            counted(missing, "signature", "signatures")
        )
    };
    format!("signatures with yours: {signed} of {required} required; {standing}")
}

/// The numbers a member certifies, as the server's result states them.
fn summary(round: &str, result: &Value) -> Vec<String> {
    let count = |choice: &str| {
        let libraries = result[choice]["libraries"].to_string();
        let inhabitants = result[choice]["inhabitants"].to_string();
        format!(
            "{choice:<8} {libraries:>5} {:<9} {inhabitants:>10} {}",
            agreeing(&libraries, "library", "libraries"),
            agreeing(&inhabitants, "inhabitant", "inhabitants")
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
            "signatures before yours: {} of {} required",
            result["signatures"], result["signatures_required"]
        ),
        format!(
            "tally digest {}",
            result["tally_digest"].as_str().unwrap_or("?")
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(signatures: u64, required: u64, certified: bool) -> Value {
        json!({
            "round": "r-2023-05", "status": "closed", "outcome": "adopted",
            "eligible": {"libraries": 319, "inhabitants": 6_000_000},
            "cast": {"libraries": 3, "inhabitants": 1_001},
            "yes": {"libraries": 1, "inhabitants": 1_000},
            "no": {"libraries": 2, "inhabitants": 1},
            "abstain": {"libraries": 0, "inhabitants": 0},
            "yes_share_of_represented_inhabitants": {"percent": "99.90", "numerator": 1000, "denominator": 1001},
            "signatures": signatures, "signatures_required": required, "certified": certified,
            "tally_digest": "ab"
        })
    }

    #[test]
    fn counts_agree_with_their_words() {
        let lines = summary("r-2023-05", &result(0, 2, false));
        assert_eq!(lines[1], "eligible   319 libraries    6000000 inhabitants");
        assert_eq!(lines[3], "yes          1 library         1000 inhabitants");
        assert_eq!(lines[4], "no           2 libraries          1 inhabitant");
        assert_eq!(lines[5], "abstain      0 libraries          0 inhabitants");
        assert_eq!(lines[7], "signatures before yours: 0 of 2 required");
    }

    #[test]
    fn the_report_after_signing_counts_the_own_signature() {
        assert_eq!(
            signatures_after(&result(1, 2, false)),
            "signatures with yours: 1 of 2 required; 1 signature more needed to certify"
        );
        assert_eq!(
            signatures_after(&result(1, 3, false)),
            "signatures with yours: 1 of 3 required; 2 signatures more needed to certify"
        );
        assert_eq!(
            signatures_after(&result(2, 2, true)),
            "signatures with yours: 2 of 2 required; the round is certified"
        );
    }
}
