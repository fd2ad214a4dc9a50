//! The loop itself: create the ledger, start the server, then per cycle let the writers
//! run, kill the server at a seeded moment, verify the directory offline, restart it,
//! retry what was left unacknowledged, and run every check.
//!
//! This module must never let a cycle pass with a check skipped, and never carry on
//! after a broken promise: the first one ends the run with its message.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::checks;
use crate::config::Config;
use crate::error::{broken, CrashLoopError, Promise};
use crate::fixture::{self, Fixture};
use crate::http;
use crate::server::{self, ServerProcess};
use crate::traffic::{self, Acked};

/// What one cycle did and found.
#[derive(Clone, Debug)]
pub struct CycleReport {
    /// 1-based.
    pub cycle: u64,
    /// How long the writers ran before the kill.
    pub kill_after: Duration,
    /// Receipts the writers got before the kill.
    pub acknowledged: usize,
    /// Commands sent without a complete answer when the server died.
    pub in_flight: usize,
    /// Of those, the ones the restarted server answered with 200: the ledger had
    /// applied them before the kill, but the writer never heard.
    pub applied_unacknowledged: usize,
    /// Records in the log after the restart and the retries.
    pub log_length: u64,
    /// From the restart's spawn to `listening on`.
    pub recovery: Duration,
    /// Rounds recounted by the audit.
    pub rounds_recounted: usize,
}

impl std::fmt::Display for CycleReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cycle {}: killed after {} ms; {} acknowledged, {} in flight ({} applied before \
             the kill); reopened in {} ms; log {} records; all checks passed",
            self.cycle,
            self.kill_after.as_millis(),
            self.acknowledged,
            self.in_flight,
            self.applied_unacknowledged,
            self.recovery.as_millis(),
            self.log_length
        )
    }
}

/// The figures of a whole run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Cycles completed, each with all checks passed.
    pub cycles: u64,
    /// Receipts the writers got before kills.
    pub acknowledged: usize,
    /// Commands in flight at the kills.
    pub in_flight: usize,
    /// In-flight commands that had been applied before the kill (200 on retry).
    pub applied_unacknowledged: usize,
    /// The longest restart.
    pub max_recovery: Duration,
    /// Records in the log at the end.
    pub log_length: u64,
    /// The work directory, when kept.
    pub kept: Option<PathBuf>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cycles, every promise kept: {} writes acknowledged and all found at their \
             positions with their hashes; {} writes in flight at kills ({} of them applied \
             before the kill, each applied once); max recovery {} ms; log {} records",
            self.cycles,
            self.acknowledged,
            self.in_flight,
            self.applied_unacknowledged,
            self.max_recovery.as_millis(),
            self.log_length
        )?;
        if let Some(dir) = &self.kept {
            write!(f, "; kept {}", dir.display())?;
        }
        Ok(())
    }
}

/// Runs the crash loop of `config`, calling `on_cycle` after each cycle's checks pass.
/// Returns the figures, or the first broken promise or fault.
pub fn run(
    config: &Config,
    mut on_cycle: impl FnMut(&CycleReport),
) -> Result<Summary, CrashLoopError> {
    let temporary = match &config.dir {
        Some(_) => None,
        None => Some(
            tempfile::Builder::new()
                .prefix("ledger-crashloop-")
                .tempdir()
                .map_err(|source| CrashLoopError::Io {
                    path: std::env::temp_dir(),
                    source,
                })?,
        ),
    };
    let work: PathBuf = match (&config.dir, &temporary) {
        (Some(dir), _) => dir.clone(),
        (None, Some(temp)) => temp.path().to_owned(),
        (None, None) => std::env::temp_dir(),
    };
    std::fs::create_dir_all(&work).map_err(|source| CrashLoopError::Io {
        path: work.clone(),
        source,
    })?;
    let mut summary = match run_in(config, &work, &mut on_cycle) {
        Ok(summary) => summary,
        // A broken promise keeps its evidence: the data directory and the server's log.
        Err(CrashLoopError::Broken {
            cycle,
            promise,
            detail,
        }) => {
            let kept = temporary.map_or(work, tempfile::TempDir::keep);
            return Err(CrashLoopError::Broken {
                cycle,
                promise,
                detail: format!("{detail} (work directory kept: {})", kept.display()),
            });
        }
        Err(other) => return Err(other),
    };
    if config.keep {
        summary.kept = Some(match temporary {
            Some(temp) => temp.keep(),
            None => work,
        });
    }
    Ok(summary)
}

fn run_in(
    config: &Config,
    work: &Path,
    on_cycle: &mut impl FnMut(&CycleReport),
) -> Result<Summary, CrashLoopError> {
    let fixture = fixture::create(&work.join("data"), config.libraries)?;
    let log = server::log_path(work);
    let remember = work.join("seen-checkpoint.txt");
    let mut rng = StdRng::seed_from_u64(config.seed);
    let agent = http::agent();
    let mut acked: Vec<Acked> = Vec::new();
    let mut summary = Summary::default();

    let mut server = start(config, &fixture, &log, 0)?;
    for cycle in 1..=config.cycles {
        let (min, max) = (
            config.kill_after_min.as_millis() as u64,
            config.kill_after_max.as_millis() as u64,
        );
        let kill_after = Duration::from_millis(rng.gen_range(min..max.max(min + 1)));
        let stop = AtomicBool::new(false);
        let url = server.url.clone();
        let (traffic, killed) = std::thread::scope(|scope| {
            let writers = scope.spawn(|| {
                traffic::write(&url, &fixture, cycle, config.seed, config.writers, &stop)
            });
            std::thread::sleep(kill_after);
            let killed = server.kill();
            stop.store(true, Ordering::SeqCst);
            let traffic = writers
                .join()
                .unwrap_or_else(|_| Err(CrashLoopError::Http("the writers panicked".to_owned())));
            (traffic, killed)
        });
        killed?;
        let traffic = traffic?;

        let offline_length = checks::offline(cycle, &fixture.data)?;
        // Before anything is retried (a retry of a lost command would append it anew and
        // hide the loss), every receipt must name a record the directory still holds.
        checks::within(cycle, offline_length, acked.iter().chain(&traffic.acked))?;
        server = start(config, &fixture, &log, cycle)?;
        let url = server.url.clone();
        let recovered = ledger_harness::get_json(&agent, &format!("{url}/healthz"))?
            .and_then(|health| health["length"].as_u64())
            .unwrap_or_default();
        if recovered != offline_length {
            return Err(broken(
                cycle,
                Promise::Reopens,
                format!(
                    "the restarted server holds {recovered} records, the offline \
                     verification saw {offline_length}"
                ),
            ));
        }

        let in_flight = traffic.unacked.len();
        let acknowledged = traffic.acked.len();
        // A replay of acknowledged commands must give the very same receipt: the
        // commands index is rebuilt after a crash, and this reads it.
        let replays: Vec<Acked> = traffic.acked.iter().rev().take(3).cloned().collect();
        acked.extend(traffic.acked);
        let never = AtomicBool::new(false);
        for ack in replays {
            let again = traffic::send(&agent, &url, &ack.sent, cycle, &never)?;
            let same = again.as_ref().is_ok_and(|r| {
                r.status == 200
                    && r.command.positions == ack.receipt.command.positions
                    && r.command.hashes == ack.receipt.command.hashes
            });
            if !same {
                return Err(broken(
                    cycle,
                    Promise::AtMostOnce,
                    format!(
                        "acknowledged command {} sent again after the restart got {again:?}, \
                         not its receipt {:?}",
                        ack.sent.key, ack.receipt
                    ),
                ));
            }
        }
        let mut applied_unacknowledged = 0;
        for sent in traffic.unacked {
            let receipt = traffic::send(&agent, &url, &sent, cycle, &never)?.map_err(|reason| {
                CrashLoopError::Http(format!(
                    "cycle {cycle}: the restarted server did not answer the retry of {}: {reason}",
                    sent.key
                ))
            })?;
            let before_kill = receipt.command.positions.iter().all(|p| *p < recovered);
            let after_restart = receipt.command.positions.iter().all(|p| *p >= recovered);
            let consistent = match receipt.status {
                200 => before_kill,
                _ => after_restart,
            };
            if !consistent {
                return Err(broken(
                    cycle,
                    Promise::AtMostOnce,
                    format!(
                        "the retry of {} got HTTP {} naming positions {:?}, but the log held \
                         {recovered} records at the restart",
                        sent.key, receipt.status, receipt.command.positions
                    ),
                ));
            }
            if receipt.status == 200 {
                applied_unacknowledged += 1;
            }
            acked.push(Acked {
                sent,
                receipt,
                cycle,
            });
        }

        let rows = checks::events(cycle, &agent, &url)?;
        checks::acknowledged(cycle, &rows, &acked)?;
        checks::at_most_once(cycle, &rows, &acked)?;
        let rounds_recounted = checks::audit(cycle, &url, &fixture.verifier_key, &remember, &rows)?;
        let proposals: Vec<String> = acked
            .iter()
            .filter(|a| a.cycle == cycle && a.sent.body["type"] == "file_proposal")
            .filter_map(|a| a.sent.body["proposal"].as_str().map(str::to_owned))
            .collect();
        checks::projections(cycle, &agent, &url, &rows, &proposals)?;

        let report = CycleReport {
            cycle,
            kill_after,
            acknowledged,
            in_flight,
            applied_unacknowledged,
            log_length: rows.len() as u64,
            recovery: server.start_time,
            rounds_recounted,
        };
        summary.cycles = cycle;
        summary.acknowledged += acknowledged;
        summary.in_flight += in_flight;
        summary.applied_unacknowledged += applied_unacknowledged;
        summary.max_recovery = summary.max_recovery.max(report.recovery);
        summary.log_length = report.log_length;
        on_cycle(&report);
    }
    drop(server);
    Ok(summary)
}

/// Starts the server; a start that fails after a kill is a broken promise (the ledger
/// must reopen), the very first one a fault of the setup.
fn start(
    config: &Config,
    fixture: &Fixture,
    log: &Path,
    cycle: u64,
) -> Result<ServerProcess, CrashLoopError> {
    match ServerProcess::start(&config.ledger_bin, &fixture.data, log, config.start_timeout)? {
        Ok(server) => Ok(server),
        Err(failure) => {
            let tail = server::log_tail(log, 8);
            let message = format!(
                "`{} serve` did not start: {failure}; the end of {}:\n{tail}",
                config.ledger_bin.display(),
                log.display()
            );
            if cycle == 0 {
                Err(CrashLoopError::Server(message))
            } else {
                Err(broken(cycle, Promise::Reopens, message))
            }
        }
    }
}
