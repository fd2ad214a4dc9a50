//! `ledger export`: writes every record as JSON Lines for offline checking.
//!
//! Each line holds the position, the record hash (hex), the stored bytes (base64,
//! standard alphabet, padded) and the decoded fields. The file is written beside the
//! target and renamed into place, so it must never be left half-written under its name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine;
use serde_json::Value;

use super::DataDir;
use crate::failure;
use crate::render;

/// Records read from the store at a time.
const CHUNK: usize = 1_000;

/// Arguments of `ledger export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    /// The JSON Lines file to write (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let ledger = super::open(&args.dir)?;
    let head = ledger.head();
    let mut partial = args.out.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file =
        File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut out = BufWriter::new(file);
    let mut position = 0;
    while position < head.length {
        let chunk = ledger.records(position, CHUNK).map_err(failure::store)?;
        let Some(last) = chunk.last() else { break };
        position = last.record.position.0 + 1;
        for sealed in &chunk {
            let mut line = serde_json::Map::new();
            line.insert("position".into(), sealed.record.position.0.into());
            line.insert("hash".into(), sealed.hash.to_hex().into());
            line.insert(
                "bytes".into(),
                base64::engine::general_purpose::STANDARD
                    .encode(&sealed.bytes)
                    .into(),
            );
            for (key, value) in render::fields(sealed)? {
                line.entry(key).or_insert(value);
            }
            writeln!(out, "{}", Value::Object(line))?;
        }
    }
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", partial.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("cannot move the export to {}", args.out.display()))?;
    println!(
        "exported {} records to {} (head {})",
        head.length,
        args.out.display(),
        head.hash
    );
    Ok(())
}
