//! `ledger serve`: opens the ledger and serves the HTTP API until stopped.
//!
//! While it runs it holds the ledger's lock, so every write goes through it. It must
//! never start serving before the chain was verified at open and the read model caught up.
//! A ledger whose chain is damaged is served in quarantine: the checked records before
//! the damage are readable, writes and the transparency log answer 503 naming the first
//! bad position, and stderr says so at start.

use std::io::Write;

use actix_web::web;
use ledger_api::{ApiError, AppState, OpeningModel, ServerConfig};
use ledger_store::{Damage, Ledger, LedgerOptions, StoreError, DEFAULT_FREE_SPACE_RESERVE};

use super::DataDir;
use crate::failure::{self, Failure};

/// Arguments of `ledger serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    #[command(flatten)]
    listen: Listen,
    /// Refuse writes (507) while the disk holding the ledger has less free space than
    /// this many bytes, so the store never meets a full disk mid-write; 0 turns it off.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_FREE_SPACE_RESERVE)]
    min_free_space: u64,
    /// Reads of the past (`?at=` below the head, `/v1/digest`) each client address may
    /// make per second, in bursts of twice as many (429 beyond); 0 turns the limit off.
    #[arg(long, value_name = "N", default_value_t = 10)]
    past_reads_per_second: u32,
}

/// Where and how to listen (shared with `ledger demo`).
#[derive(Debug, clap::Args)]
pub struct Listen {
    /// The address to listen on (port 0 picks a free port).
    #[arg(
        long,
        env = "LEDGER_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: String,
    /// HTTP worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    // Before the open, so that a snapshot dropped while folding is reported.
    init_tracing();
    // The read model is folded from the records the open checks (one pass over the log).
    // If the chain is damaged, whatever was folded is dropped and the quarantined
    // ledger's model is built from its checked prefix alone.
    let mut opening = OpeningModel::new(&args.dir.data);
    let opened = Ledger::open_folding(&args.dir.data, LedgerOptions::default(), |s, e| {
        opening.apply(s, e);
    });
    let (ledger, live) = match opened {
        Ok(ledger) => {
            let live = opening.finish(&ledger).map_err(cannot_build)?;
            (ledger, Some(live))
        }
        Err(StoreError::Corrupt { position, reason }) => (
            Ledger::open_quarantined(&args.dir.data, Damage { position, reason })
                .map_err(failure::store)?,
            None,
        ),
        Err(e) => return Err(failure::store(e)),
    };
    if let Some(damage) = ledger.damage() {
        eprintln!(
            "ledger: the ledger in {} is damaged at position {}: {}\n\
             ledger: serving the {} records before it read-only; writes and /v1/log answer 503 \
             until it is repaired (`ledger verify --data {}` lists every problem)",
            args.dir.data.display(),
            damage.position,
            damage.reason,
            damage.position,
            args.dir.data.display(),
        );
    }
    ledger.set_free_space_reserve(args.min_free_space);
    let state = match live {
        Some(live) => AppState::with_live(ledger, live),
        None => AppState::new(ledger),
    }
    .map_err(cannot_build)?
    .with_past_limit(ledger_api::ratelimit::RateLimit::per_second(
        args.past_reads_per_second,
        args.past_reads_per_second.saturating_mul(2),
    ));
    serve(state, &args.listen, |_| {})
}

/// The failure of building the read model at start (a fault: the log checked out).
pub fn cannot_build(e: ApiError) -> anyhow::Error {
    Failure::error(failure::FAULT, format!("cannot build projections: {e}"))
}

/// Serves `state` on `listen`; `announce` may print more once the address is known.
pub fn serve(state: AppState, listen: &Listen, announce: impl FnOnce(&str)) -> anyhow::Result<()> {
    init_tracing();
    let config = ServerConfig {
        addr: listen.addr.clone(),
        workers: listen.workers,
        ..ServerConfig::default()
    };
    let state = web::Data::new(state);
    actix_web::rt::System::new()
        .block_on(ledger_api::run(state, config, |addrs| {
            let url = addrs
                .first()
                .map(|a| format!("http://{a}"))
                .unwrap_or_default();
            announce(&url);
            println!("listening on {url}");
            // Scripts and tests wait for this line; make sure it leaves the buffer.
            let _ = std::io::stdout().flush();
        }))
        .map_err(|e| {
            Failure::error(
                failure::FAULT,
                format!("cannot serve on {}: {e}", listen.addr),
            )
        })
}

/// Logs to stderr, filtered by `LEDGER_LOG` (default `warn`); a second call does nothing.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEDGER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
