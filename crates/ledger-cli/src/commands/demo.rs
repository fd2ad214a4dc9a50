//! `ledger demo`: builds a fresh demo ledger with the May 2023 decision cycle, through the
//! same append path real users take, then serves the API.
//!
//! The electorate and every command come from `ledger-demo` (pure data made by the
//! project; `../shared` is never read). The history replays on a fixed historical clock
//! (`DemoClock`): each step is recorded at the instant the scenario gives it, so the
//! votes fall in May 2023, the result in June, the criteria in September and the
//! government's decision in November 2023, and the log is the same on every run. Only the
//! try-out round, marked as a trial, is recorded on the real clock, open for thirty days;
//! then the clock follows the system clock for everything the server records. It must
//! never touch a directory that is not empty.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use ledger_api::AppState;
use ledger_core::{ActorId, Role, State, Timestamp};
use ledger_core::{Command, Envelope};
use ledger_demo::scenario::{MEMBERS, ORIGIN, ROUND, SECRETARIAT, TRIAL_ROUND};
use ledger_demo::{record_history, Recorder, Scenario, Step};
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
    /// No longer used: the May 2023 round replays on its historical dates. Accepted (and
    /// noted on stderr) so that scripts written for the real-time demo keep working.
    #[arg(long, hide = true, value_name = "SECONDS")]
    window: Option<u64>,
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
    if args.window.is_some() {
        eprintln!(
            "note: --window is no longer used: the May 2023 round replays on its historical dates"
        );
    }
    let ledger = build(&dir)?;
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
            println!("cast a vote in the open demo round {TRIAL_ROUND} with curl:");
            println!(
                "  curl -X POST {url}/v1/commands -H 'Authorization: Bearer {token}' \\\n    -H 'Idempotency-Key: try-{library}-1' -H 'Content-Type: application/json' \\\n    -d '{{\"type\":\"cast_vote\",\"round\":\"{TRIAL_ROUND}\",\"library\":\"{library}\",\"choice\":\"yes\",\"remark\":\"Uitgeprobeerd.\"}}'"
            );
        }
    })
}

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

/// The demo's clock: the instant of the step being recorded while the history replays,
/// the system clock once `live` is called. The store reads it once per command.
#[derive(Clone)]
struct DemoClock {
    /// Microseconds since the epoch, or `LIVE` for the system clock.
    fixed: Arc<AtomicI64>,
}

const LIVE: i64 = i64::MIN;

impl DemoClock {
    fn at(at: Timestamp) -> DemoClock {
        DemoClock {
            fixed: Arc::new(AtomicI64::new(at.as_micros())),
        }
    }

    fn set(&self, at: Timestamp) {
        self.fixed.store(at.as_micros(), Ordering::SeqCst);
    }

    fn live(&self) {
        self.fixed.store(LIVE, Ordering::SeqCst);
    }

    fn now(&self) -> Timestamp {
        match self.fixed.load(Ordering::SeqCst) {
            LIVE => system_clock(),
            micros => Timestamp::from_micros(micros),
        }
    }
}

/// Records each step through the store's append path, on the step's own instant.
struct StoreRecorder<'a> {
    ledger: &'a Ledger,
    clock: &'a DemoClock,
}

impl Recorder for StoreRecorder<'_> {
    type Error = anyhow::Error;

    fn record(&mut self, step: &Step) -> anyhow::Result<()> {
        // `Ledger::init` recorded the first command already.
        if matches!(step.envelope.command, Command::InitializeLedger { .. }) {
            return Ok(());
        }
        self.clock.set(step.at);
        append(self.ledger, step)
    }

    fn state(&self) -> State {
        (*self.ledger.state()).clone()
    }
}

/// Creates the demo ledger in `dir` and replays the whole history on its historical
/// clock, the try-out round on the real one. Returns the open ledger, whose clock is the
/// system clock from then on.
pub fn build(dir: &std::path::Path) -> anyhow::Result<Ledger> {
    let scenario = Scenario::may_2023();
    let first = scenario
        .setup()
        .first()
        .map(|s| s.at)
        .ok_or_else(|| Failure::error(failure::FAULT, "the demo scenario is empty"))?;
    let clock = DemoClock::at(first);
    let reading = clock.clone();
    let options = LedgerOptions {
        clock: Arc::new(move || reading.now()),
        ..LedgerOptions::default()
    };
    let ledger =
        Ledger::init(dir, ORIGIN, ActorId::new(SECRETARIAT), options).map_err(failure::store)?;
    eprintln!(
        "building the demo ledger in {} (the May 2023 cycle, on its historical dates)",
        dir.display()
    );
    let mut recorder = StoreRecorder {
        ledger: &ledger,
        clock: &clock,
    };
    record_history(&scenario, &mut recorder, system_clock())?;
    clock.live();
    Ok(ledger)
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
