//! `ledger demo`: builds a fresh demo ledger with the May 2023 decision cycle, through the
//! same append path real users take, then serves the API.
//!
//! The electorate and every command come from `ledger-demo` (pure data made by the
//! project; `../shared` is never read). The voting window is real time: the round opens
//! now and closes a few seconds later, and the demo waits for the close like everybody
//! else. It must never touch a directory that is not empty.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ledger_api::AppState;
use ledger_core::{ActorId, Role};
use ledger_core::{Command, Envelope};
use ledger_demo::scenario::{MEMBERS, ORIGIN, ROUND, SECRETARIAT};
use ledger_demo::{Scenario, Step};
use ledger_store::{system_clock, Ledger, LedgerOptions, TokenBook};

use super::serve::{cannot_build, serve, Listen};
use crate::failure::{self, Failure};

/// Arguments of `ledger demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the demo ledger (must not exist or be empty); a fresh directory
    /// under the system's temporary directory when absent.
    #[arg(long = "data", value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(flatten)]
    listen: Listen,
    /// How long the vote round stays open, in seconds.
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    window: u64,
    /// Build the ledger and exit instead of serving it.
    #[arg(long)]
    no_serve: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let dir = match args.data {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!(
            "ledger-demo-{}-{}",
            std::process::id(),
            system_clock().as_micros()
        )),
    };
    let ledger = build(&dir, args.window)?;
    let tokens = issue_demo_tokens(&dir)?;
    let keys = super::key::write_demo_keys(&dir, &Scenario::may_2023().key_owners())?;
    print_summary(&ledger);
    if args.no_serve {
        return Ok(());
    }
    let state = AppState::new(ledger).map_err(cannot_build)?;
    serve(state, &args.listen, true, |url| {
        println!("demo ledger in {}", dir.display());
        println!("the May 2023 result: curl {url}/v1/rounds/{ROUND}/result");
        println!(
            "demo tokens (all {} of them in {}):",
            tokens.count,
            tokens.file.display()
        );
        for (actor, token) in &tokens.shown {
            println!("  {actor:<16} {token}");
        }
        println!(
            "demo author keys (demo only, public seeds): {}",
            keys.display()
        );
        if let Some((library, token)) = tokens.shown.last() {
            println!("cast a vote in the open demo round {OPEN_ROUND} with curl:");
            println!(
                "  curl -X POST {url}/v1/commands -H 'Authorization: Bearer {token}' \\\n    -H 'Idempotency-Key: try-{library}-1' -H 'Content-Type: application/json' \\\n    -d '{{\"type\":\"cast_vote\",\"round\":\"{OPEN_ROUND}\",\"library\":\"{library}\",\"choice\":\"yes\",\"remark\":\"Uitgeprobeerd.\"}}'"
            );
        }
    })
}

/// The round the demo leaves open so that readers can try the write API.
pub const OPEN_ROUND: &str = "r-demo-proef";

/// Tokens the demo issued: how many, where they all are, and the few it prints.
struct DemoTokens {
    count: usize,
    file: PathBuf,
    shown: Vec<(String, String)>,
}

/// Issues a token for the secretariat, every member and every library account, and
/// writes them (secrets!) to `demo-tokens.txt` in the data directory, readable by the
/// owner only. Only their hashes are in the token book; none enters the log.
fn issue_demo_tokens(dir: &std::path::Path) -> anyhow::Result<DemoTokens> {
    let book = TokenBook::open(dir)
        .map_err(|e| Failure::error(failure::FAULT, format!("token book: {e}")))?;
    let now = system_clock();
    let mut grants: Vec<(String, Role)> = vec![(SECRETARIAT.to_owned(), Role::Secretariat)];
    grants.extend(
        MEMBERS
            .iter()
            .map(|m| ((*m).to_owned(), Role::SteeringMember)),
    );
    grants.extend(
        ledger_demo::electorate()
            .into_iter()
            .map(|l| (l.id.to_string(), Role::Library(l.id))),
    );
    let mut text = String::from("# actor role token (demo only: these grant write access)\n");
    let mut shown = Vec::new();
    for (actor, role) in &grants {
        let token = book
            .issue(&ActorId::new(actor.as_str()), role, now)
            .map_err(|e| Failure::error(failure::FAULT, format!("token for {actor}: {e}")))?;
        text.push_str(&format!("{actor} {} {token}\n", role.label()));
        if shown.len() < 2 || actor == "lib-001" {
            shown.push((actor.clone(), token));
        }
    }
    let file = dir.join("demo-tokens.txt");
    write_private(&file, &text)
        .map_err(|e| Failure::error(failure::FAULT, format!("{}: {e}", file.display())))?;
    Ok(DemoTokens {
        count: grants.len(),
        file,
        shown,
    })
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Creates the demo ledger in `dir` and replays the whole cycle with a `window`-second
/// vote round. Returns the open ledger.
pub fn build(dir: &std::path::Path, window: u64) -> anyhow::Result<Ledger> {
    let ledger = Ledger::init(
        dir,
        ORIGIN,
        ActorId::new(SECRETARIAT),
        LedgerOptions::default(),
    )
    .map_err(failure::store)?;
    eprintln!("building the demo ledger in {}", dir.display());

    // The window is only known once the setup is recorded (its length depends on the
    // machine), so the round's step comes from a scenario made at that moment. Command
    // ids are numbered, not timed, so both scenarios agree on every other step.
    let draft = Scenario::may_2023();
    let setup = draft.setup();
    let (open_round, before) = setup
        .split_last()
        .ok_or_else(|| Failure::error(failure::FAULT, "the demo scenario is empty"))?;
    for step in before {
        if matches!(step.envelope.command, Command::InitializeLedger { .. }) {
            continue;
        }
        append(&ledger, step)?;
    }
    let now = system_clock();
    let scenario = Scenario::new(
        now,
        now.plus_seconds(i64::try_from(window).unwrap_or(60).max(1)),
    );
    let open = scenario
        .setup()
        .pop()
        .filter(|s| s.envelope.command_id == open_round.envelope.command_id)
        .ok_or_else(|| Failure::error(failure::FAULT, "the demo scenario changed shape"))?;
    append(&ledger, &open)?;
    cast_votes(&ledger, scenario.votes())?;
    eprintln!(
        "190 libraries voted; waiting for the round to close at {}",
        scenario.closes_at()
    );
    while system_clock() < scenario.closes_at() {
        std::thread::sleep(Duration::from_millis(50));
    }
    append(&ledger, &scenario.close())?;
    let after = scenario
        .after_close(&ledger.state())
        .map_err(|e| Failure::error(failure::FAULT, e.to_string()))?;
    for step in &after {
        append(&ledger, step)?;
    }
    if let Some(newsletter) = scenario.newsletter(&ledger.state(), 1) {
        append_envelope(&ledger, newsletter)?;
    }
    open_trial_round(&ledger)?;
    Ok(ledger)
}

/// A second proposal with a round open for 30 days, so that the demo's tokens have a
/// vote to cast; clearly named as the demo's trial, not part of the May 2023 cycle.
fn open_trial_round(ledger: &Ledger) -> anyhow::Result<()> {
    let proposal = ledger_core::ProposalId::new("p-demo-proef");
    let file = Envelope {
        command_id: ledger_core::CommandId::new("demo-proef-1"),
        actor: ledger_core::ActorId::new(MEMBERS[0]),
        expected_version: None,
        command: Command::FileProposal {
            proposal: proposal.clone(),
            title: "Proefstemming: probeer de schrijf-API uit".into(),
            text: "Een open stemronde in de demo, om een stem uit te brengen met curl of \
                   `ledger vote`. Geen echt voorstel."
                .into(),
            budget_cents_per_year: 100,
            trial: false,
        },
    };
    append_envelope(ledger, file)?;
    let open = Envelope {
        command_id: ledger_core::CommandId::new("demo-proef-2"),
        actor: ledger_core::ActorId::new(SECRETARIAT),
        expected_version: None,
        command: Command::OpenRound {
            title: None,
            round: ledger_core::RoundId::new(OPEN_ROUND),
            proposal,
            opens_at: None,
            closes_at: system_clock().plus_seconds(30 * 24 * 3600),
            rule: None,
            trial: false,
            live_results: false,
            // A round for trying the API with curl: unsigned votes are taken (signed
            // ones are checked: `ledger vote --key demo-keys/<library>.key`).
            signed_votes: Some(ledger_core::SignedVotes::Optional),
        },
    };
    append_envelope(ledger, open)
}

/// Casts the ballots concurrently, one thread per library, as libraries do: they share
/// group commits, so the whole round fits a window of seconds even on a slow disk. A
/// library's own ballots stay in order, so a changed vote is recorded after the first.
fn cast_votes(ledger: &Ledger, votes: Vec<Step>) -> anyhow::Result<()> {
    let mut by_library: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    for step in votes {
        by_library
            .entry(step.envelope.actor.to_string())
            .or_default()
            .push(step);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = by_library
            .values()
            .map(|ballots| {
                scope.spawn(move || -> anyhow::Result<()> {
                    for step in ballots {
                        append(ledger, step)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map_err(|_| Failure::error(failure::FAULT, "a voting thread stopped"))?
        })
    })
}

fn append(ledger: &Ledger, step: &Step) -> anyhow::Result<()> {
    append_envelope(ledger, step.envelope.clone())
}

fn append_envelope(ledger: &Ledger, envelope: Envelope) -> anyhow::Result<()> {
    let id = envelope.command_id.clone();
    ledger
        .append(envelope)
        .map(|_| ())
        .map_err(|e| failure::append(e).context(format!("demo command {id}")))
}

fn print_summary(ledger: &Ledger) {
    let state = ledger.state();
    let head = ledger.head();
    println!("demo ledger: {} records, head {}", head.length, head.hash);
    let round = ledger_core::RoundId::new(ROUND);
    if let Some(r) = state.rounds.get(&round) {
        let tally = r.tally();
        let share = tally
            .yes_share_of_inhabitants(&r.rule)
            .map(|s| s.percent(0))
            .unwrap_or_else(|| "-".into());
        println!(
            "round {round}: {} of {} libraries voted; {share}% of the represented inhabitants agreed; outcome {:?}; certified {}",
            tally.cast.libraries,
            tally.eligible.libraries,
            r.outcome(),
            r.certified
        );
    }
}
