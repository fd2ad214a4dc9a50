//! `ledger log`: prints records in log order, as text lines or JSON Lines.
//!
//! It must never print a record beyond the durable head (the store guarantees it).

use std::io::Write;

use super::DataDir;
use crate::failure;
use crate::render;

/// Records read from the store at a time.
const CHUNK: usize = 1_000;

/// Arguments of `ledger log`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    /// The first position to print.
    #[arg(long, default_value_t = 0, value_name = "N")]
    from: u64,
    /// At most this many records (all when absent).
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// One JSON object per line, with the event body decoded.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let ledger = super::open(&args.dir)?;
    let end = match args.limit {
        Some(limit) => args.from.saturating_add(limit),
        None => u64::MAX,
    };
    let mut out = std::io::stdout().lock();
    let mut position = args.from;
    while position < end {
        let want = usize::try_from(end - position).unwrap_or(CHUNK).min(CHUNK);
        let chunk = ledger.records(position, want).map_err(failure::store)?;
        let Some(last) = chunk.last() else { break };
        position = last.record.position.0 + 1;
        for sealed in &chunk {
            if args.json {
                let fields = render::fields(sealed)?;
                writeln!(out, "{}", serde_json::Value::Object(fields))?;
            } else {
                writeln!(out, "{}", render::line(sealed))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
