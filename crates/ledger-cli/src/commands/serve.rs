//! `ledger serve`: opens the ledger and serves the HTTP API until stopped.
//!
//! While it runs it holds the ledger's lock, so every write goes through it. It must
//! never start serving before the chain was verified at open and the read model caught up.
//! A ledger whose chain is damaged is served in quarantine: the checked records before
//! the damage are readable, writes and the transparency log answer 503 naming the first
//! bad position, and stderr says so at start.

use std::io::Write;

use actix_web::web;
use ledger_api::ratelimit::RateLimit;
use ledger_api::{ApiError, AppState, LiveModel, OpeningModel, PublicUrl, ServerConfig};
use ledger_store::{Damage, Ledger, LedgerOptions, StoreError, DEFAULT_FREE_SPACE_RESERVE};

use super::DataDir;
use crate::failure::{self, Failure};
use crate::progress::rebuild_bar;

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
    /// The address readers reach this server at, e.g. `https://ledger.example.be`: the
    /// public page and the Atom feed build their absolute links from it, never from
    /// `Host` or `X-Forwarded-*` headers. Without it the feed links relatively and the
    /// page shows a placeholder (`ledger demo` uses the address it listens on).
    #[arg(long, env = "LEDGER_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<PublicUrl>,
    /// Writes per second one bearer token may send after its burst; 0 turns the limit off.
    #[arg(long, value_name = "N", default_value_t = default_rate())]
    pub rate_limit: u32,
    /// Writes one bearer token may send at once after being idle.
    #[arg(long, value_name = "N", default_value_t = RateLimit::default().burst)]
    pub burst: u32,
    /// The largest request body accepted, in bytes (413 above it).
    #[arg(long, value_name = "BYTES", default_value_t = ServerConfig::default().body_limit)]
    pub body_limit: usize,
}

/// The default writes per second of one token, from the API's default limit.
fn default_rate() -> u32 {
    let interval = RateLimit::default().interval.as_nanos();
    match interval {
        0 => 0,
        n => u32::try_from(1_000_000_000 / n).unwrap_or(u32::MAX),
    }
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
    // The past-read checkpoints come from the same fold (none from a damaged log's).
    let (ledger, live, checkpoints) = match opened {
        Ok(ledger) => {
            let (live, checkpoints) = opening
                .finish_with_checkpoints(&ledger, rebuild_bar())
                .map_err(cannot_build)?;
            (ledger, Some(live), checkpoints)
        }
        Err(StoreError::Corrupt { position, reason }) => (
            Ledger::open_quarantined(&args.dir.data, Damage { position, reason })
                .map_err(failure::store)?,
            None,
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
    // In quarantine the checked prefix is folded here; the store keeps the directory as
    // it is, so the model is not saved as a snapshot.
    let live = match live {
        Some(live) => live,
        None => LiveModel::load_reporting(&ledger, rebuild_bar()).map_err(cannot_build)?,
    };
    let state = AppState::with_checkpoints(ledger, live, checkpoints)
        .map_err(cannot_build)?
        .with_past_limit(ledger_api::ratelimit::RateLimit::per_second(
            args.past_reads_per_second,
            args.past_reads_per_second.saturating_mul(2),
        ));
    serve(state, &args.listen, false, |_| {})
}

/// The failure of building the read model at start (a fault: the log checked out).
pub fn cannot_build(e: ApiError) -> anyhow::Error {
    Failure::error(failure::FAULT, format!("cannot build projections: {e}"))
}

/// Serves `state` on `listen`; `announce` may print more once the address is known.
/// Without `--public-url`, `public_url_from_listener` links pages to the address the
/// server listens on (the demo), else relatively.
pub fn serve(
    state: AppState,
    listen: &Listen,
    public_url_from_listener: bool,
    announce: impl FnOnce(&str),
) -> anyhow::Result<()> {
    init_tracing();
    let config = ServerConfig {
        addr: listen.addr.clone(),
        workers: listen.workers,
        body_limit: listen.body_limit,
        rate_limit: RateLimit::per_second(listen.rate_limit, listen.burst),
        public_url: listen.public_url.clone(),
        public_url_from_listener,
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

/// The default log filter: warnings, but not actix-http's connection dispatcher, which
/// logs every malformed request head a client sends (`stream error: ...`) at ERROR: any
/// client could flood the log. `LEDGER_LOG=warn` shows them again.
const DEFAULT_LOG: &str = "warn,actix_http::h1::dispatcher=off";

/// Logs to stderr, filtered by `LEDGER_LOG` (default [`DEFAULT_LOG`]); a second call does
/// nothing.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEDGER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
