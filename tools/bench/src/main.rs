//! `ledger-bench`: measures the governance ledger side by side with the disk's physical
//! limit (300-byte appends with fdatasync) and with SQLite, in one run, and prints one
//! table of ratios and targets (also written as JSON with `--json FILE`).
//!
//! Run it as `cargo run --release -p ledger-bench -- [--quick] [--json FILE] [--dir DIR]`.
//! The same binary also plays the child processes a run needs (the replay, whose peak
//! memory must be its own, and the pinned HTTP server and load generator); those
//! subcommands are hidden. This tool must never run a durable line on a RAM disk
//! without saying so, and never report a target as met on the `--quick` sizes.

mod api;
mod baseline;
mod flood;
mod limit;
mod machine;
mod plan;
mod postgres;
mod proofs;
mod replay;
mod report;
mod sample;
mod sled_floor;
mod sqlite;
mod votes;
mod writers;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use ledger_store::{Ledger, LedgerOptions};

use crate::machine::Machine;
use crate::plan::Plan;
use crate::report::{Figures, Report};

/// The allocator `ledger serve` uses too, so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Benchmarks of the governance ledger against the fdatasync limit and against SQLite.
#[derive(Debug, Parser)]
#[command(name = "ledger-bench", version)]
struct Cli {
    /// A small version of every line (seconds); targets are not judged.
    #[arg(long)]
    quick: bool,
    /// Also write the table and every raw figure to this JSON file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Where to create the run's data directory (default: the cargo target directory
    /// this binary was built in, which is on the real disk).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Replay a ledger of this many records instead of the plan's (1,000,000, or 3,000
    /// with `--quick`).
    #[arg(long, value_name = "N")]
    replay_records: Option<u64>,
    /// Keep the run's data directory instead of deleting it.
    #[arg(long)]
    keep: bool,
    /// The PostgreSQL server of the PostgreSQL lines (`postgres://user@host:port/db` or
    /// `host=... port=... user=... dbname=...`). Without it the full run starts a
    /// throwaway local server when `initdb` and `pg_ctl` are installed, and otherwise
    /// (and in `--quick`) skips those lines, saying why. `--postgres local` starts the
    /// local server in `--quick` too.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    #[command(subcommand)]
    role: Option<Role>,
}

/// The child processes of a run.
#[derive(Debug, Subcommand)]
enum Role {
    /// Opens the ledger in DIR, rebuilds the projections, prints figures as JSON.
    #[command(hide = true)]
    ReplayChild {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        budget_ms: u64,
        /// Capture the past-read checkpoints in the second open, as `ledger serve` does
        /// (without it the fold builds the read model alone).
        #[arg(long)]
        checkpoints: bool,
    },
    /// Fills a new ledger in DIR with RECORDS vote records without fsync (to profile the
    /// write path's CPU cost: `perf record -g ledger-bench fill ...`).
    #[command(hide = true)]
    Fill {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        records: u64,
        #[arg(long, default_value_t = 16)]
        writers: usize,
        /// Votes without remarks (to measure what the remark texts cost the read model).
        #[arg(long)]
        without_remarks: bool,
    },
    /// Runs only the ledger's durable write lines on a new ledger in DIR and prints them
    /// as JSON (to compare a change of the write path: `--writers 1 --writers 64`).
    #[command(hide = true)]
    Writes {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, required = true)]
        writers: Vec<usize>,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
    },
    /// Starts as `ledger serve` does on the ledger in DIR (the open folding the read model
    /// and capturing the past-read checkpoints) and prints figures as JSON; with
    /// `--warm-after`, the way before issue 20 instead (the open folding the read model
    /// alone, then a second fold of the log for the checkpoints), to time the two paired.
    #[command(hide = true)]
    ServeStart {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        warm_after: bool,
    },
    /// Reads every entry of the `events` tree of the ledger in DIR through sled alone,
    /// prints figures as JSON.
    #[command(hide = true)]
    SledReadChild {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Serves the ledger in DIR with one HTTP worker until killed.
    #[command(hide = true)]
    ServeChild {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Floods a server with `?at=` and `/v1/digest` requests at random past record
    /// counts and prints figures as JSON.
    #[command(hide = true)]
    FloodChild {
        #[arg(long)]
        addr: SocketAddr,
        #[arg(long)]
        round: String,
        #[arg(long)]
        first: u64,
        #[arg(long)]
        length: u64,
        #[arg(long)]
        connections: usize,
        #[arg(long, default_value_t = 0)]
        warmup_ms: u64,
        #[arg(long)]
        window_ms: u64,
        /// Only `?at=` reads, no digests.
        #[arg(long)]
        at_only: bool,
    },
    /// Loads a server with GET requests and prints figures as JSON.
    #[command(hide = true)]
    LoadChild {
        #[arg(long)]
        addr: SocketAddr,
        #[arg(long)]
        path: String,
        #[arg(long)]
        connections: usize,
        #[arg(long)]
        warmup_ms: u64,
        #[arg(long)]
        window_ms: u64,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.role {
        Some(Role::ReplayChild {
            dir,
            budget_ms,
            checkpoints,
        }) => replay::child(&dir, Duration::from_millis(budget_ms), checkpoints),
        Some(Role::ServeChild { dir }) => api::serve_child(&dir),
        Some(Role::ServeStart { dir, warm_after }) => replay::serve_start(&dir, warm_after),
        Some(Role::SledReadChild { dir }) => sled_floor::read_child(&dir),
        Some(Role::Writes {
            dir,
            writers,
            seconds,
        }) => {
            let electorate = votes::prepare(&dir)?;
            let ledger = Ledger::open(&dir, LedgerOptions::default())?;
            let limit = limit::fdatasync_appends(&dir, Duration::from_secs_f64(seconds))?;
            println!("{}", serde_json::to_string(&limit)?);
            for n in writers {
                let figure = writers::ledger_writers(
                    &ledger,
                    &electorate,
                    &format!("w{n}"),
                    n,
                    Duration::from_secs_f64(seconds),
                )?;
                println!("{}", serde_json::to_string(&figure)?);
            }
            Ok(())
        }
        Some(Role::Fill {
            dir,
            records,
            writers,
            without_remarks,
        }) => {
            let mut electorate = votes::prepare(&dir)?;
            electorate.remarks = !without_remarks;
            let budget = Duration::from_secs(3_600);
            let fill = replay::fill_prepared(&dir, &electorate, records, writers, budget)?;
            println!("{}", serde_json::to_string(&fill)?);
            Ok(())
        }
        Some(Role::FloodChild {
            addr,
            round,
            first,
            length,
            connections,
            warmup_ms,
            window_ms,
            at_only,
        }) => api::flood_child(&api::Flood {
            addr,
            round: &round,
            first,
            length,
            connections,
            at_only,
            warmup: Duration::from_millis(warmup_ms),
            window: Duration::from_millis(window_ms),
        }),
        Some(Role::LoadChild {
            addr,
            path,
            connections,
            warmup_ms,
            window_ms,
        }) => api::load_child(
            addr,
            &path,
            connections,
            Duration::from_millis(warmup_ms),
            Duration::from_millis(window_ms),
        ),
        None => {
            let mut plan = if cli.quick {
                Plan::quick()
            } else {
                Plan::full()
            };
            if let Some(records) = cli.replay_records {
                plan.replay_records = records;
            }
            let parent = match cli.dir {
                Some(dir) => dir,
                None => default_parent()?,
            };
            std::fs::create_dir_all(&parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
            let data = tempfile::Builder::new()
                .prefix("ledger-bench-")
                .tempdir_in(&parent)?;
            let result = run(
                &plan,
                data.path(),
                cli.json.as_deref(),
                cli.postgres.as_deref(),
            );
            if cli.keep {
                let kept = data.keep();
                eprintln!("kept {}", kept.display());
            }
            result
        }
    }
}

/// The PostgreSQL lines (1, 8 and 64 writers, each followed by a limit window), or
/// their absence with the reason.
fn postgres_lines(
    plan: &Plan,
    dir: &Path,
    url: Option<&str>,
    electorate: &votes::Electorate,
    limits: &mut Vec<limit::LimitWindow>,
) -> anyhow::Result<postgres::PostgresFigure> {
    step("PostgreSQL: a server given or started locally");
    let server = match postgres::server(url, dir, !plan.quick) {
        Ok(server) => server,
        Err(reason) => {
            step(&format!("PostgreSQL: skipped: {reason}"));
            return Ok(postgres::PostgresFigure {
                skipped: Some(reason),
                ..postgres::PostgresFigure::default()
            });
        }
    };
    postgres::create(&server)?;
    let mut lines = Vec::new();
    for writers in [1, plan.concurrent_writers[0], plan.concurrent_writers[1]] {
        step(&format!("PostgreSQL: votes, {writers} writers"));
        let mut figure = postgres::postgres_writers(
            &server,
            electorate,
            &format!("p{writers}"),
            writers,
            plan.write_window,
        )?;
        limits.push(limit::LimitWindow {
            throughput: limit::fdatasync_appends(dir, plan.limit_window)?,
        });
        figure.limit = limit::around(limits);
        lines.push(figure);
    }
    if !server.is_local() {
        postgres::drop_table(&server)?;
    }
    Ok(postgres::PostgresFigure {
        server: Some(server.version.clone()),
        local: server.is_local(),
        skipped: None,
        lines,
    })
}

/// The cargo target directory of this binary (`target/release/ledger-bench` gives
/// `target/`), so that data lands on the same disk as the build.
fn default_parent() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    Ok(target.join("bench-data"))
}

fn step(what: &str) {
    eprintln!("ledger-bench: {what}");
}

fn run(
    plan: &Plan,
    dir: &Path,
    json: Option<&Path>,
    postgres_url: Option<&str>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let machine = Machine::describe(dir);
    step(&format!(
        "{} cores, {}, {} MiB, kernel {}, load {:.2}; data in {} ({})",
        machine.cores,
        machine.cpu,
        machine.memory_mib,
        machine.kernel,
        machine.load_at_start,
        machine.data_dir,
        machine.file_system
    ));
    if machine.on_ram_disk() {
        eprintln!(
            "ledger-bench: WARNING: the data directory is on a RAM file system; \
             the durable figures are not a disk's (use --dir)"
        );
    }

    // The limit is measured between every two write lines, so that each line is
    // compared with the disk as it was right then (other work on the machine moves it).
    let limit_step = |limits: &mut Vec<limit::LimitWindow>| -> anyhow::Result<()> {
        limits.push(limit::LimitWindow {
            throughput: limit::fdatasync_appends(dir, plan.limit_window)?,
        });
        Ok(())
    };
    let mut limits = Vec::new();
    step("limit: 300-byte appends with fdatasync");
    limit_step(&mut limits)?;
    step("floor: 300-byte overwrites in a preallocated file with fdatasync");
    let floor = limit::fdatasync_overwrites(dir, plan.limit_window)?;

    let ledger_dir = dir.join("ledger");
    step("ledger: preparing the electorate and an open round");
    let electorate = votes::prepare(&ledger_dir)?;
    let mut ledger_figures = Vec::new();
    {
        let ledger = Ledger::open(&ledger_dir, LedgerOptions::default())?;
        for writers in [1, plan.concurrent_writers[0], plan.concurrent_writers[1]] {
            step(&format!("ledger: durable votes, {writers} writers"));
            let mut figure = writers::ledger_writers(
                &ledger,
                &electorate,
                &format!("w{writers}"),
                writers,
                plan.write_window,
            )?;
            limit_step(&mut limits)?;
            figure.limit = limit::around(&limits);
            ledger_figures.push(figure);
        }
    }

    step("sled alone: 300-byte inserts with flush and fdatasync, 1 writer");
    let sled_inserts = sled_floor::durable_inserts(dir, plan.write_window)?;
    limit_step(&mut limits)?;
    let sled_inserts = (sled_inserts, limit::around(&limits));
    step("sled alone: the inserts the writer makes per vote, one thread, no sync");
    let sled_write_path = sled_floor::write_path_inserts(dir, plan.write_window)?;

    let sqlite_path = dir.join("baseline.sqlite");
    sqlite::create(&sqlite_path)?;
    let mut sqlite_figures = Vec::new();
    for writers in [1, plan.concurrent_writers[0], plan.concurrent_writers[1]] {
        step(&format!("SQLite: votes, {writers} writers"));
        let mut figure = sqlite::sqlite_writers(
            &sqlite_path,
            &electorate,
            &format!("s{writers}"),
            writers,
            plan.write_window,
        )?;
        limit_step(&mut limits)?;
        figure.limit = limit::around(&limits);
        sqlite_figures.push(figure);
    }

    let postgres = postgres_lines(plan, dir, postgres_url, &electorate, &mut limits)?;

    step("read API: GET /v1/rounds/{id}/result and /healthz");
    let result_path = format!("/v1/rounds/{}/result", electorate.round);
    let api = api::measure(
        &ledger_dir,
        &[
            (result_path.as_str(), plan.api_window),
            ("/healthz", plan.api_baseline_window),
        ],
        plan.api_connections,
        plan.api_warmup,
    )?;

    step(&format!(
        "replay: filling a ledger of {} records (no fsync)",
        plan.replay_records
    ));
    let replay_dir = dir.join("replay");
    let replay_electorate = votes::prepare(&replay_dir)?;
    let fill = replay::fill_prepared(
        &replay_dir,
        &replay_electorate,
        plan.replay_records,
        plan.fill_writers,
        plan.fill_budget,
    )?;
    // The first open after the fill makes sled recover its log past its last snapshot
    // and write a new one (seconds for a million records). Neither measured process
    // should pay that once-only cost, so an unmeasured pass goes first.
    step("sled alone: a first, unmeasured open after the fill");
    sled_floor::read_in_child(&replay_dir)?;
    step("replay: opening and rebuilding in a child process");
    let replay = replay::replay_in_child(&replay_dir, plan.rebuild_budget, false)?;
    step("replay: the same with the past-read checkpoints captured (as ledger serve)");
    let serve = replay::replay_in_child(&replay_dir, plan.rebuild_budget, true)?;
    step("sled alone: one pass over the events tree in a child process");
    let sled_read = sled_floor::read_in_child(&replay_dir)?;
    step("past reads: ?at= at random record counts of the replayed ledger, one client");
    let past_read = api::past_reads(
        &replay_dir,
        replay_electorate.round.as_str(),
        fill.before,
        fill.records,
        plan.api_warmup,
        plan.flood_window,
    )?;

    step(&format!(
        "read load: filling a ledger of {} records (no fsync), then the result route alone, \
         during a flood of ?at= and digests, and during 64 writers",
        plan.flood_records
    ));
    let flood_dir = dir.join("flood");
    let flood_electorate = votes::prepare(&flood_dir)?;
    let first = Ledger::open(&flood_dir, LedgerOptions::default())?
        .head()
        .length;
    replay::fill_prepared(
        &flood_dir,
        &flood_electorate,
        plan.flood_records,
        plan.fill_writers,
        plan.fill_budget,
    )?;
    let flood = flood::measure(&flood_dir, &flood_electorate, first, plan)?;

    step(&format!("proofs: tree of {} leaves", plan.proof_tree));
    let proofs = proofs::inclusion(plan.proof_tree, plan.proofs)?;

    let figures = Figures {
        limits,
        floor,
        ledger: ledger_figures,
        sqlite: sqlite_figures,
        api,
        flood,
        fill,
        replay,
        serve,
        past_read,
        postgres,
        proofs,
        sled_inserts,
        sled_write_path,
        sled_read,
    };
    let rows = report::rows(plan, &figures);
    println!("{}", report::table(&rows, plan.quick));
    if let Some(reason) = &figures.postgres.skipped {
        println!("PostgreSQL: skipped: {reason}");
    }
    let report = Report {
        machine,
        results: report::results(&rows, !plan.quick),
        plan: plan.clone(),
        figures,
        run_seconds: started.elapsed().as_secs_f64(),
        load_at_end: machine::load_average(),
    };
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    step(&format!(
        "done in {:.0} s; load average {:.2} at the start, {:.2} at the end",
        report.run_seconds, report.machine.load_at_start, report.load_at_end
    ));
    Ok(())
}
