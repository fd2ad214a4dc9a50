//! `ledger round open | change-window | close | annul`: the secretariat's (and for
//! closing, the steering group's) steps of a vote round, through a running server.
//!
//! The rule is typed as flags (`--threshold 2/3 --quorum 1/4 --signatures 2`), printed
//! before the round is opened, and sent whole so the log states it. It must never judge a
//! window or a rule itself: the server decides with the domain.

use ledger_core::tally::Abstentions;
use ledger_core::{Command, ProposalId, Ratio, RoundId, Rule, Timestamp};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// Arguments of `ledger round`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Open a vote round on a proposal; freezes the electorate.
    Open {
        /// The new round's id.
        #[arg(long, value_name = "ROUND")]
        round: String,
        /// The proposal voted on.
        #[arg(long, value_name = "PROPOSAL")]
        proposal: String,
        /// The round's title for people, e.g. "Stemronde mei 2023".
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// First instant a vote is accepted (RFC 3339; default: when recorded).
        #[arg(long, value_name = "TIME")]
        opens_at: Option<String>,
        #[command(flatten)]
        rule: RuleArgs,
        /// Show the counts per choice while the round is open (by default only the
        /// turnout is shown until the close; the votes are public records either way).
        #[arg(long)]
        live_results: bool,
        /// Take votes without their authors' signatures (a round for libraries without
        /// keys yet); by default every vote must be signed (`ledger vote --key`).
        #[arg(long)]
        unsigned_votes: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Extend or shorten an open round's voting window, with a reason.
    ChangeWindow {
        /// The open round.
        #[arg(long, value_name = "ROUND")]
        round: String,
        #[command(flatten)]
        window: WindowArgs,
        /// Why the window changes.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Close a round (at or after its window, or early once every library voted).
    Close {
        /// The round.
        #[arg(long, value_name = "ROUND")]
        round: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Annul a round that is not certified; its votes stay in the history.
    Annul {
        /// The round.
        #[arg(long, value_name = "ROUND")]
        round: String,
        /// Why it is annulled.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// When voting ends: an instant or a duration from now.
#[derive(Debug, clap::Args)]
struct WindowArgs {
    /// First instant a vote is no longer accepted (RFC 3339, e.g. 2023-05-22T12:00:00Z).
    #[arg(
        long,
        value_name = "TIME",
        required_unless_present = "closes_in",
        conflicts_with = "closes_in"
    )]
    closes_at: Option<String>,
    /// Or: how long from now votes are accepted, e.g. 14d, 36h, 90m, 30s (by this
    /// machine's clock).
    #[arg(long, value_name = "DURATION")]
    closes_in: Option<String>,
}

impl WindowArgs {
    fn closes_at(&self) -> anyhow::Result<Timestamp> {
        match (&self.closes_at, &self.closes_in) {
            (Some(at), _) => timestamp("closes-at", at),
            (None, Some(within)) => Ok(ledger_store::system_clock().plus_seconds(seconds(within)?)),
            (None, None) => Err(Failure::error(INPUT, "give --closes-at or --closes-in")),
        }
    }
}

/// The decision rule of `round open`, flag by flag; what is not given keeps the default
/// (more than half of the represented inhabitants, no quorum, two signatures).
#[derive(Debug, clap::Args)]
struct RuleArgs {
    /// The yes share must be strictly greater than this fraction (default 1/2).
    #[arg(long, value_name = "N/D")]
    threshold: Option<String>,
    /// Participation quorum: cast inhabitants over eligible inhabitants must be at least
    /// this fraction (default: none).
    #[arg(long, value_name = "N/D")]
    quorum: Option<String>,
    /// Leave abstentions out of the base that makes 100% (default: they count).
    #[arg(long)]
    abstentions_not_represented: bool,
    /// The share of libraries must also pass the threshold.
    #[arg(long)]
    double_majority: bool,
    /// Steering-group signatures needed to certify the result (default 2).
    #[arg(long, value_name = "N")]
    signatures: Option<u32>,
    /// The whole rule as JSON instead of the flags above.
    #[arg(long, value_name = "JSON", conflicts_with_all = ["threshold", "quorum", "abstentions_not_represented", "double_majority", "signatures"])]
    rule: Option<String>,
}

/// `30s`, `90m`, `36h`, `14d` in seconds.
fn seconds(text: &str) -> anyhow::Result<i64> {
    let unit = match text.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => 3_600,
        Some('d') => 86_400,
        _ => 0,
    };
    text.get(..text.len().saturating_sub(1))
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| unit > 0 && *n > 0 && *n <= 3_660 * 86_400 / unit)
        .map(|n| n * unit)
        .ok_or_else(|| {
            Failure::error(
                INPUT,
                format!(
                    "--closes-in must be a whole number of s, m, h or d such as 14d, got {text:?}"
                ),
            )
        })
}

fn ratio(flag: &str, text: &str) -> anyhow::Result<Ratio> {
    super::parsed(flag, text, "a fraction N/D such as 2/3", |text| {
        text.split_once('/')
            .and_then(|(n, d)| Ratio::new(n.trim().parse().ok()?, d.trim().parse().ok()?))
    })
}

impl RuleArgs {
    fn rule(&self) -> anyhow::Result<Rule> {
        if let Some(text) = &self.rule {
            return serde_json::from_str(text)
                .map_err(|e| Failure::error(INPUT, format!("--rule is not a rule: {e}")));
        }
        let mut rule = Rule::default();
        if let Some(threshold) = &self.threshold {
            rule.threshold = ratio("threshold", threshold)?;
        }
        if let Some(quorum) = &self.quorum {
            rule.quorum = Some(ratio("quorum", quorum)?);
        }
        if self.abstentions_not_represented {
            rule.abstentions = Abstentions::NotRepresented;
        }
        rule.double_majority = self.double_majority;
        if let Some(signatures) = self.signatures {
            rule.signatures_required = signatures;
        }
        Ok(rule)
    }
}

/// The rule in words, as printed when a round opens.
fn describe(rule: &Rule) -> String {
    let base = match rule.abstentions {
        Abstentions::Represented => "the represented inhabitants (abstentions count)",
        Abstentions::NotRepresented => "the inhabitants voting yes or no",
    };
    let quorum = match rule.quorum {
        Some(q) => format!(
            "a quorum of {}/{} of the eligible inhabitants",
            q.numerator, q.denominator
        ),
        None => "no quorum".to_owned(),
    };
    format!(
        "rule: yes must exceed {}/{} of {base}{}; {quorum}; {} signature{} to certify",
        rule.threshold.numerator,
        rule.threshold.denominator,
        if rule.double_majority {
            ", and of the libraries"
        } else {
            ""
        },
        rule.signatures_required,
        if rule.signatures_required == 1 {
            ""
        } else {
            "s"
        }
    )
}

fn timestamp(flag: &str, text: &str) -> anyhow::Result<Timestamp> {
    super::parsed(
        flag,
        text,
        "an RFC 3339 time such as 2023-05-22T12:00:00Z",
        Timestamp::parse_rfc3339,
    )
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.action {
        Action::Open {
            round,
            proposal,
            title,
            window,
            opens_at,
            rule,
            live_results,
            unsigned_votes,
            server,
        } => {
            let closes_at = window.closes_at()?;
            let rule = rule.rule()?;
            println!("{}", describe(&rule));
            println!(
                "{}",
                if live_results {
                    "results: counts per choice are shown while the round is open"
                } else {
                    "results: only the turnout is shown while the round is open; counts per choice appear at the close"
                }
            );
            let command = Command::OpenRound {
                title,
                round: RoundId::new(round),
                proposal: ProposalId::new(proposal),
                opens_at: opens_at.map(|t| timestamp("opens-at", &t)).transpose()?,
                closes_at,
                rule: Some(rule),
                trial: false,
                live_results,
                signed_votes: unsigned_votes.then_some(ledger_core::SignedVotes::Optional),
            };
            client::send_and_print(&server, &command)
        }
        Action::ChangeWindow {
            round,
            window,
            reason,
            server,
        } => client::send_and_print(
            &server,
            &Command::ChangeVotingWindow {
                round: RoundId::new(round),
                closes_at: window.closes_at()?,
                reason,
            },
        ),
        Action::Close { round, server } => client::send_and_print(
            &server,
            &Command::CloseRound {
                round: RoundId::new(round),
            },
        ),
        Action::Annul {
            round,
            reason,
            server,
        } => client::send_and_print(
            &server,
            &Command::AnnulRound {
                round: RoundId::new(round),
                reason,
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(threshold: Option<&str>, quorum: Option<&str>, signatures: Option<u32>) -> RuleArgs {
        RuleArgs {
            threshold: threshold.map(str::to_owned),
            quorum: quorum.map(str::to_owned),
            abstentions_not_represented: false,
            double_majority: false,
            signatures,
            rule: None,
        }
    }

    #[test]
    fn the_rule_flags_build_the_rule_and_say_it_in_words() {
        let rule = flags(Some("2/3"), Some("1/4"), Some(1)).rule().unwrap();
        assert_eq!(rule.threshold, Ratio::new(2, 3).unwrap());
        assert_eq!(rule.quorum, Ratio::new(1, 4));
        assert_eq!(
            describe(&rule),
            "rule: yes must exceed 2/3 of the represented inhabitants (abstentions count); a quorum of 1/4 of the eligible inhabitants; 1 signature to certify"
        );
        assert_eq!(flags(None, None, None).rule().unwrap(), Rule::default());
        for bad in ["2", "2/0", "a/3", "-1/2"] {
            assert!(flags(Some(bad), None, None).rule().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations_are_whole_units() {
        assert_eq!(seconds("30s").unwrap(), 30);
        assert_eq!(seconds("14d").unwrap(), 14 * 86_400);
        for bad in ["", "d", "14", "-1d", "0s", "1w", "1.5h", "99999999999999d"] {
            assert!(seconds(bad).is_err(), "{bad:?}");
        }
    }
}
