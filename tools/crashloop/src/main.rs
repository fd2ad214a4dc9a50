//! `ledger-crashloop`: kills `ledger serve` with SIGKILL under concurrent HTTP writers,
//! again and again, and checks after every restart that nothing acknowledged was lost.
//!
//! This file only parses arguments and prints; the loop and its checks live in the
//! library. Exit status 0 when every promise held, 1 for a broken promise, 2 when the
//! harness itself could not run.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, Context};
use clap::Parser;
use ledger_crashloop::{run, Config, CrashLoopError};

/// Crash loop: SIGKILL `ledger serve` mid-traffic, restart it, check every promise.
#[derive(Debug, Parser)]
#[command(name = "ledger-crashloop", version)]
struct Cli {
    /// Kill-and-restart cycles.
    #[arg(long, default_value_t = 25)]
    cycles: u64,
    /// Seeds the kill moments and what the writers send.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Concurrent HTTP writers.
    #[arg(long, default_value_t = 4)]
    writers: usize,
    /// The `ledger` binary (default: the one next to this program).
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    /// Work directory (data directory, server log, remembered checkpoint); a new
    /// temporary directory when absent. Its `data` subdirectory must not exist yet.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Keep the temporary work directory.
    #[arg(long)]
    keep: bool,
    /// The earliest kill after a start, in milliseconds.
    #[arg(long, default_value_t = 50, value_name = "MS")]
    kill_min_ms: u64,
    /// The latest kill after a start, in milliseconds.
    #[arg(long, default_value_t = 1500, value_name = "MS")]
    kill_max_ms: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config(cli) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    println!(
        "crash loop: {} cycles, seed {}, {} writers, kills {}..{} ms after each start, {}",
        config.cycles,
        config.seed,
        config.writers,
        config.kill_after_min.as_millis(),
        config.kill_after_max.as_millis(),
        config.ledger_bin.display()
    );
    let result = run(&config, |report| println!("{report}"));
    match result {
        Ok(summary) => {
            println!("summary: {summary}");
            ExitCode::SUCCESS
        }
        Err(e @ CrashLoopError::Broken { .. }) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn config(cli: Cli) -> anyhow::Result<Config> {
    let ledger_bin = match cli.ledger {
        Some(path) => path,
        None => std::env::current_exe()
            .context("finding this program")?
            .parent()
            .ok_or_else(|| anyhow!("this program has no directory"))?
            .join(format!("ledger{}", std::env::consts::EXE_SUFFIX)),
    };
    if !ledger_bin.is_file() {
        return Err(anyhow!(
            "{} is not a file: build it (cargo build -p ledger-cli) or pass --ledger",
            ledger_bin.display()
        ));
    }
    if cli.writers == 0 || cli.kill_max_ms <= cli.kill_min_ms {
        return Err(anyhow!(
            "--writers must be at least 1 and --kill-max-ms above --kill-min-ms"
        ));
    }
    let mut config = Config::new(cli.cycles, ledger_bin);
    config.seed = cli.seed;
    config.writers = cli.writers;
    config.dir = cli.dir;
    config.keep = cli.keep;
    config.kill_after_min = Duration::from_millis(cli.kill_min_ms);
    config.kill_after_max = Duration::from_millis(cli.kill_max_ms);
    Ok(config)
}
