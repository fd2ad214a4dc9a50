//! `ledger serve`: opens the ledger and serves the HTTP API until stopped.
//!
//! While it runs it holds the ledger's lock, so every write goes through it. It must
//! never start serving before the chain was verified at open and the read model caught up.

use std::io::Write;

use actix_web::web;
use ledger_api::{AppState, ServerConfig};
use ledger_store::Ledger;

use super::DataDir;
use crate::failure::{self, Failure};

/// Arguments of `ledger serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    #[command(flatten)]
    listen: Listen,
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
    let ledger = super::open(&args.dir)?;
    serve(ledger, &args.listen, |_| {})
}

/// Serves `ledger` on `listen`; `announce` may print more once the address is known.
pub fn serve(ledger: Ledger, listen: &Listen, announce: impl FnOnce(&str)) -> anyhow::Result<()> {
    init_tracing();
    let state = AppState::new(ledger)
        .map_err(|e| Failure::error(failure::FAULT, format!("cannot build projections: {e}")))?;
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

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEDGER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
