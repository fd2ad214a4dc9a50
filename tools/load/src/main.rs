//! `ledger-load`: a load test of a running ledger server. Many keep-alive connections send
//! a mix of public reads and authenticated votes for a fixed time; then every acknowledged
//! vote is looked up in `/v1/events` at its position with its hash.
//!
//! It prints (and with `--json` writes) the counts per status class, latency percentiles,
//! acknowledged writes, the check's result and, with `--pid`, the server's peak RSS. It
//! exits 1 when a promise is broken: a 5xx, a failed connection, or an acknowledged write
//! missing from the log. It is a client only and must never touch the ledger's files.

mod check;
mod report;
mod tokens;
mod traffic;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

/// Load test of a running ledger server.
#[derive(Debug, Parser)]
#[command(name = "ledger-load", version)]
struct Args {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    server: String,
    /// A token file as `ledger demo` writes it (`actor role token` per line); the
    /// library tokens vote.
    #[arg(long, value_name = "FILE")]
    tokens: PathBuf,
    /// Concurrent connections (one client thread each).
    #[arg(long, default_value_t = 256)]
    connections: usize,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// The share of requests that are votes, 0 to 1.
    #[arg(long, default_value_t = 0.2)]
    write_share: f64,
    /// The open round to vote in.
    #[arg(long, default_value = "r-demo-proef")]
    round: String,
    /// The server's process id: report its peak RSS (VmHWM) from /proc.
    #[arg(long)]
    pid: Option<u32>,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.write_share) {
        anyhow::bail!("--write-share must be between 0 and 1");
    }
    if args.connections == 0 {
        anyhow::bail!("--connections must be at least 1");
    }
    let voters = tokens::library_tokens(&args.tokens)?;
    if voters.is_empty() && args.write_share > 0.0 {
        anyhow::bail!("{} holds no library token", args.tokens.display());
    }
    let base = args.server.trim_end_matches('/').to_owned();
    let plan = traffic::Plan::discover(&base, &args.round, args.write_share, voters)
        .context("reading the server's state before the load")?;
    eprintln!(
        "ledger-load: {} connections for {} s against {base} (log at {} records, {} voting tokens)",
        args.connections,
        args.seconds,
        plan.start_length,
        plan.voters.len()
    );
    let outcome = traffic::run(&plan, args.connections, Duration::from_secs(args.seconds));
    let check = check::acknowledged_writes(&base, &outcome.acknowledged)
        .context("checking the acknowledged writes")?;
    let peak_rss_kib = args.pid.and_then(report::peak_rss_kib);
    let summary = report::Summary::new(
        &args_echo(&args),
        plan.start_length,
        &outcome,
        &check,
        peak_rss_kib,
    );
    print!("{}", summary.text());
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&summary)? + "\n";
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    if !summary.promises_kept() {
        eprintln!("ledger-load: a promise was broken (see above)");
        std::process::exit(1);
    }
    Ok(())
}

fn args_echo(args: &Args) -> report::Settings {
    report::Settings {
        server: args.server.clone(),
        connections: args.connections,
        seconds: args.seconds,
        write_share: args.write_share,
        round: args.round.clone(),
    }
}
