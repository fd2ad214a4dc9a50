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
use std::time::Duration;

use anyhow::anyhow;
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
    /// Resident memory of this process with the ledger open, before the server's live
    /// model and any past model were built, MiB.
    pub resident_before_mib: f64,
    /// Resident memory after the flood (the live model, every checkpoint and recent
    /// model held, the server's buffers), MiB.
    pub resident_after_flood_mib: f64,
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
    let resident_before_mib = resident_mib()?;
    let state = api::measured_state(&ledger)?;
    let config = ledger_api::ServerConfig {
        addr: "127.0.0.1:0".to_owned(),
        ..ledger_api::ServerConfig::default()
    };
    let server = ledger_api::server::spawn(state, config)?;
    let result = format!("/v1/rounds/{}/result", electorate.round);
    let window = plan.flood_window;
    let warmup = plan.api_warmup;
    let reader =
        |window: Duration| api::load_in_child(server.addr, &result, 1, warmup, window, None);

    let quiet = reader(window)?;
    let (flooded, flood) = beside(
        || flood_in_child(server.addr, electorate, first, records, window + warmup),
        || reader(window),
    )?;
    let resident_after_flood_mib = resident_mib()?;
    let (during_writes, writes) = beside(
        || writers::ledger_writers(&ledger, electorate, "flood-w64", 64, window + warmup),
        || reader(window),
    )?;
    drop(server);
    Ok(FloodFigure {
        records,
        quiet,
        flooded,
        flood,
        during_writes,
        writes,
        resident_before_mib,
        resident_after_flood_mib,
    })
}

fn resident_mib() -> anyhow::Result<f64> {
    Ok(crate::replay::status_kib("VmRSS:")? as f64 / 1024.0)
}

fn flood_in_child(
    addr: SocketAddr,
    electorate: &Electorate,
    first: u64,
    length: u64,
    window: Duration,
) -> anyhow::Result<LoadFigure> {
    let command = api::flood_command(
        addr,
        electorate.round.as_str(),
        first,
        length,
        8,
        Duration::ZERO,
        window,
    )?;
    api::figures_of(command, "flood")
}

/// Runs `work` on a thread while `reader` measures; both must succeed.
fn beside<T: Send>(
    work: impl FnOnce() -> anyhow::Result<T> + Send,
    reader: impl FnOnce() -> anyhow::Result<LoadFigure>,
) -> anyhow::Result<(LoadFigure, T)> {
    std::thread::scope(|scope| {
        let work = scope.spawn(work);
        let read = reader();
        let done = work
            .join()
            .map_err(|_| anyhow!("a thread beside the reader panicked"))??;
        Ok((read?, done))
    })
}
