//! The read-load lines: one client reading `GET /v1/rounds/{id}/result` at the head alone,
//! then while eight clients flood `?at=` and `/v1/digest` at random past record counts,
//! then while 64 writers append durable votes, on a ledger of `flood_records` records.
//!
//! The server runs in this process (the writers append through the same `Ledger`, as the
//! write route does), with the per-client limit of past reads off: the flood is the worst
//! case of many client addresses, and every one of its requests really folds. The clients
//! are child processes with the async load generator of `api.rs`. This module must never
//! count an answer that is not a complete `200 OK` as a success, and never report the
//! unsynced fill as a durable figure.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use ledger_store::{Ledger, LedgerOptions};
use serde::Serialize;

use crate::api::{self, LoadFigure};
use crate::plan::Plan;
use crate::votes::Electorate;
use crate::writers::{self, WriteFigure};

/// What the read-load lines measured.
#[derive(Clone, Debug, Serialize)]
pub struct FloodFigure {
    /// Records in the ledger when the flood started.
    pub records: u64,
    /// The result reader alone.
    pub quiet: LoadFigure,
    /// The result reader during the flood.
    pub flooded: LoadFigure,
    /// The flood itself (its errors must be 0).
    pub flood: LoadFigure,
    /// The result reader during the writers.
    pub during_writes: LoadFigure,
    /// The writers (acknowledged durable votes).
    pub writes: WriteFigure,
}

/// The server on a free port of 127.0.0.1 in this process, stopped when dropped.
struct Running {
    addr: SocketAddr,
    system: actix_web::rt::System,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(state: ledger_api::AppState) -> anyhow::Result<Running> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runner = actix_web::rt::System::new();
            let config = ledger_api::ServerConfig {
                addr: "127.0.0.1:0".to_owned(),
                ..ledger_api::ServerConfig::default()
            };
            runner.block_on(async move {
                let system = actix_web::rt::System::current();
                actix_web::rt::spawn(async move {
                    let served =
                        ledger_api::run(actix_web::web::Data::new(state), config, |addrs| {
                            let _ = tx.send(addrs.first().copied().map(|a| (a, system)));
                        })
                        .await;
                    if let Err(e) = served {
                        eprintln!("ledger-bench: the flood server failed: {e}");
                    }
                });
            });
            let _ = runner.run();
        });
        let (addr, system) = rx
            .recv_timeout(Duration::from_secs(60))
            .ok()
            .flatten()
            .ok_or_else(|| anyhow!("the flood server did not start listening"))?;
        Ok(Running {
            addr,
            system,
            thread: Some(thread),
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.system.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Measures the three lines on the filled ledger in `dir`; `first` is the record count
/// at which the round was open (past reads before it would be 404s).
pub fn measure(
    dir: &Path,
    electorate: &Electorate,
    first: u64,
    plan: &Plan,
) -> anyhow::Result<FloodFigure> {
    let ledger = Ledger::open(dir, LedgerOptions::default())?;
    let records = ledger.head().length;
    let state = ledger_api::AppState::new(ledger.clone())
        .map_err(|e| anyhow!("{e}"))?
        .with_past_limit(ledger_api::ratelimit::RateLimit::per_second(0, 0));
    // The checkpoints, before anything is measured (the server also does this in the
    // background at start).
    state
        .past
        .history
        .warm(&ledger)
        .map_err(|e| anyhow!("{e}"))?;
    let server = Running::start(state)?;
    let result = format!("/v1/rounds/{}/result", electorate.round);
    let window = plan.flood_window;
    let warmup = plan.api_warmup;
    let reader =
        |window: Duration| api::load_in_child(server.addr, &result, 1, warmup, window, None);

    let quiet = reader(window)?;
    let (flooded, flood) = std::thread::scope(|scope| -> anyhow::Result<_> {
        let flood = scope
            .spawn(|| flood_in_child(server.addr, electorate, first, records, window + warmup));
        let flooded = reader(window);
        let flood = flood
            .join()
            .map_err(|_| anyhow!("the flood thread panicked"))??;
        Ok((flooded?, flood))
    })?;
    let (during_writes, writes) = std::thread::scope(|scope| -> anyhow::Result<_> {
        let writes = scope.spawn(|| {
            writers::ledger_writers(&ledger, electorate, "flood-w64", 64, window + warmup)
        });
        let during = reader(window);
        let writes = writes
            .join()
            .map_err(|_| anyhow!("the writers' thread panicked"))??;
        Ok((during?, writes))
    })?;
    drop(server);
    Ok(FloodFigure {
        records,
        quiet,
        flooded,
        flood,
        during_writes,
        writes,
    })
}

fn flood_in_child(
    addr: SocketAddr,
    electorate: &Electorate,
    first: u64,
    length: u64,
    window: Duration,
) -> anyhow::Result<LoadFigure> {
    let output = api::pinned_self(None)?
        .arg("flood-child")
        .arg("--addr")
        .arg(addr.to_string())
        .arg("--round")
        .arg(electorate.round.as_str())
        .arg("--first")
        .arg(first.to_string())
        .arg("--length")
        .arg(length.to_string())
        .arg("--connections")
        .arg("8")
        .arg("--window-ms")
        .arg(window.as_millis().to_string())
        .output()
        .context("cannot start the flood child")?;
    if !output.status.success() {
        bail!(
            "the flood child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).context("the flood child printed no figures")
}
