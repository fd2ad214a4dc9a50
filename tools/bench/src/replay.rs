//! The replay lines: a ledger of a million vote records is opened (which reads every
//! record, checks its hash link and decodes it and its event), closed, and opened again
//! with every projection rebuilt from the records that open decodes (as `ledger serve`
//! starts), in a child process so that its peak memory is its own.
//!
//! The ledger is filled beforehand through `Ledger::append` without durability: filling
//! is not what is measured, and a durable fill of a million records would take longer
//! than the whole run may. This module must never report the fill as a durable figure.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use ledger_store::{Durability, Ledger, LedgerOptions};
use serde::{Deserialize, Serialize};

use crate::votes::{Electorate, VoteStream};

/// How the fill went (a diagnostic: the write path's speed without any sync).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Fill {
    /// Records in the ledger before the fill (the setup: the round is open from there).
    pub before: u64,
    /// Records in the ledger afterwards.
    pub records: u64,
    /// Seconds the votes took.
    pub seconds: f64,
    /// Votes appended per second by `writers` threads without durability.
    pub per_second: f64,
    /// Threads.
    pub writers: usize,
}

/// Fills the ledger `prepare` made in `dir` for `electorate` up to `records` records, or
/// fewer if `budget` runs out first (the replay then reports how many it read).
pub fn fill_prepared(
    dir: &Path,
    electorate: &Electorate,
    records: u64,
    writers: usize,
    budget: Duration,
) -> anyhow::Result<Fill> {
    let options = LedgerOptions {
        durability: Durability::None,
        ..LedgerOptions::default()
    };
    let ledger = Ledger::open(dir, options)?;
    let before = ledger.head().length;
    let missing = records.saturating_sub(before);
    let issued = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let ledger = ledger.clone();
                let issued = &issued;
                let started = &started;
                let mut votes = VoteStream::new(electorate, "fill", w);
                scope.spawn(move || -> anyhow::Result<()> {
                    while issued.fetch_add(1, Ordering::Relaxed) < missing
                        && started.elapsed() < budget
                    {
                        ledger
                            .append(votes.next_envelope())
                            .map_err(|e| anyhow!("fill append failed: {e}"))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow!("a fill thread panicked"))??;
        }
        Ok(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let length = ledger.head().length;
    Ok(Fill {
        before,
        records: length,
        seconds,
        per_second: length.saturating_sub(before) as f64 / seconds.max(f64::EPSILON),
        writers,
    })
}

/// What the child process measured.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ReplayFigure {
    /// Records read.
    pub records: u64,
    /// Seconds `Ledger::open` took: read, check every link, decode every record and
    /// event, fold the decision state.
    pub open_seconds: f64,
    /// `records / open_seconds`.
    pub open_per_second: f64,
    /// Seconds `ReadModel::apply` took over the records a second open handed it
    /// (`Ledger::open_folding`, what `ledger serve` does at start): rebuilding every
    /// projection from the records the open reads, checks and decodes anyway.
    pub rebuild_seconds: f64,
    /// Seconds that second open took in all (read, verify, decode, fold the state, and
    /// the projections' fold).
    pub open_folding_seconds: f64,
    /// Records folded into the projections; fewer than `records` when the rebuild ran
    /// out of its time budget.
    pub rebuilt: u64,
    /// Peak resident memory once the ledger was open, MiB.
    pub open_peak_mib: f64,
    /// Peak resident memory of the whole child (open and rebuild), MiB.
    pub peak_mib: f64,
}

impl ReplayFigure {
    /// Whether every record was folded into the projections.
    pub fn finished(&self) -> bool {
        self.rebuilt == self.records
    }

    /// The rebuild's time, or when it ran out of budget a lower bound for it (the rate
    /// so far applied to every record; the real time is longer if the fold slows).
    pub fn rebuild_estimate(&self) -> f64 {
        if self.finished() || self.rebuilt == 0 {
            self.rebuild_seconds
        } else {
            self.rebuild_seconds * self.records as f64 / self.rebuilt as f64
        }
    }
}

/// Runs the replay in a child process (this same binary) and returns its figures; the
/// rebuild stops after `budget` so that a fold that is too slow cannot stall the run.
/// With `checkpoints`, the second open also captures the past-read checkpoints, as
/// `ledger serve` does.
pub fn replay_in_child(
    dir: &Path,
    budget: Duration,
    checkpoints: bool,
) -> anyhow::Result<ReplayFigure> {
    let budget_ms = budget.as_millis().to_string();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "replay-child".as_ref(),
        "--dir".as_ref(),
        dir.as_os_str(),
        "--budget-ms".as_ref(),
        budget_ms.as_ref(),
    ];
    if checkpoints {
        args.push("--checkpoints".as_ref());
    }
    run_child("the replay child", &args)
}

/// Runs this same binary with `args` (a hidden subcommand) and reads the one JSON object
/// it prints; `what` names the child in errors.
pub fn run_child<T: serde::de::DeserializeOwned>(
    what: &str,
    args: &[&std::ffi::OsStr],
) -> anyhow::Result<T> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .args(args)
        .output()
        .with_context(|| format!("cannot start {what}"))?;
    if !output.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    serde_json::from_slice(&output.stdout).with_context(|| format!("{what} printed no figures"))
}

/// The child's side: measures and prints one JSON object.
pub fn child(dir: &Path, budget: Duration, checkpoints: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let ledger = Ledger::open(dir, LedgerOptions::default())?;
    let open = started.elapsed();
    let open_peak = peak_rss_kib()?;
    let head = ledger.head();

    drop(ledger);

    // The server's start: the projections folded from the records the open hands over
    // (`ledger serve`'s `OpeningModel`; there is no snapshot file in a filled ledger's
    // directory), with the past-read checkpoints captured on the way when asked (a
    // spacing of u64::MAX keeps none). Past the budget the fold stops taking records (the
    // open still finishes).
    let history = if checkpoints {
        ledger_api::history::History::new()
    } else {
        ledger_api::history::History::with_spacing(u64::MAX, 1)
    };
    let mut model = ledger_api::OpeningModel::with_checkpoints(dir, history);
    let mut fold = Duration::ZERO;
    let started = Instant::now();
    let ledger = Ledger::open_folding(dir, LedgerOptions::default(), |sealed, event| {
        if fold <= budget {
            let t = Instant::now();
            model.apply(sealed, event);
            fold += t.elapsed();
        }
    })?;
    let open_folding = started.elapsed();
    if ledger.head() != head {
        bail!("the ledger changed between the two opens");
    }
    if model.applied() != head.length && fold <= budget {
        bail!(
            "the projections stopped at {} of {} records",
            model.applied(),
            head.length
        );
    }
    let figure = ReplayFigure {
        records: head.length,
        open_seconds: open.as_secs_f64(),
        open_per_second: head.length as f64 / open.as_secs_f64().max(f64::EPSILON),
        rebuild_seconds: fold.as_secs_f64(),
        open_folding_seconds: open_folding.as_secs_f64(),
        rebuilt: model.applied(),
        open_peak_mib: open_peak as f64 / 1024.0,
        peak_mib: peak_rss_kib()? as f64 / 1024.0,
    };
    println!("{}", serde_json::to_string(&figure)?);
    Ok(())
}

/// The `serve-start` subcommand: the start of `ledger serve` on the ledger in `dir`
/// (without a snapshot file there) up to the past-read checkpoints, the way it is made
/// now (captured in the open's fold) or, with `warm_after`, as before (a second fold of
/// the log after the open); prints the seconds and the peak as JSON.
pub fn serve_start(dir: &Path, warm_after: bool) -> anyhow::Result<()> {
    use ledger_api::history::History;
    let started = Instant::now();
    let history = if warm_after {
        History::with_spacing(u64::MAX, 1)
    } else {
        History::new()
    };
    let mut model = ledger_api::OpeningModel::with_checkpoints(dir, history);
    let ledger = Ledger::open_folding(dir, LedgerOptions::default(), |s, e| model.apply(s, e))?;
    let length = ledger.head().length;
    if model.applied() != length {
        bail!("the fold applied {} of {length} records", model.applied());
    }
    if warm_after {
        History::new().warm(&ledger).map_err(|e| anyhow!("{e}"))?;
    }
    println!(
        "{}",
        serde_json::json!({
            "records": length,
            "seconds": started.elapsed().as_secs_f64(),
            "peak_mib": peak_rss_kib()? as f64 / 1024.0,
        })
    );
    Ok(())
}

/// `VmHWM` of this process, in KiB.
pub fn peak_rss_kib() -> anyhow::Result<u64> {
    status_kib("VmHWM:")
}

/// A `kB` field of `/proc/self/status` (`VmHWM:`, `VmRSS:`), in KiB.
pub fn status_kib(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow!("no {field} in /proc/self/status"))
}
